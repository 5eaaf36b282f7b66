//! Findings: what the rules report and every reporter renders.

use std::sync::Arc;

use serde::Serialize;

use crate::document::Field;
pub use crate::phrasebook::Severity;
use crate::position::Location;

/// A safe edit: replace the source bytes of the finding with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: std::ops::Range<usize>,
    /// Shared with the phrasebook entry when written as it is there.
    pub replacement: Arc<str>,
}

/// Whether a finding can be fixed automatically, and if not, why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    Safe(Edit),
    /// No safe fix; the reason is shown to the user (`no_fix` in JSON).
    None(String),
}

/// One problem at one place, for one reader role (or none, for file rules).
///
/// A tree of documents can give hundreds of thousands of findings, so what
/// many findings share (the path, the phrasebook entry's words, the rule id)
/// is shared, not copied.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The path as the user named it.
    pub path: Arc<str>,
    pub location: Location,
    /// The source text at the location, exactly (the term's own copy when
    /// it is the term as the phrasebook writes it).
    pub matched: Arc<str>,
    pub term: Option<Arc<str>>,
    pub role: Option<Arc<str>>,
    /// Rule id: `jargon`, `invoice/...`, `suppression/...`.
    pub rule: &'static str,
    pub severity: Severity,
    pub replacements: Arc<[String]>,
    pub explanation: Option<Arc<str>>,
    pub message: Arc<str>,
    pub field: Option<Field>,
    pub fix: Fix,
}

impl Finding {
    /// The edit, when the fix is safe.
    pub fn edit(&self) -> Option<&Edit> {
        match &self.fix {
            Fix::Safe(e) => Some(e),
            Fix::None(_) => None,
        }
    }

    /// Sort key: path, position, rule, role.
    pub fn sort_key(&self) -> (usize, usize, usize, &str, &str) {
        (
            self.location.decoded_part.map_or(0, |p| p + 1),
            self.location.byte_start,
            self.location.byte_end,
            self.rule,
            self.role.as_deref().unwrap_or(""),
        )
    }
}

/// What `--fail-on` compares against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    #[default]
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// Whether a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Info => true,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Error => severity >= Severity::Error,
        }
    }
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files_checked: usize,
    pub files_skipped: usize,
    pub findings: usize,
    pub errors: usize,
}
