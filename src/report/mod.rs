//! Reporters render the finding list; one file per output format. They only
//! render what they are handed, in the order handed (path, then position).

pub mod concise;
pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::engine::FileResult;
use crate::finding::Summary;

/// An output format: fed each file's result in path order, then the summary.
pub trait Reporter {
    /// Renders one file's findings.
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()>;
    /// Ends the report.
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Concise,
    Json,
}

/// Settings every reporter may use.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// ANSI colour (a terminal, and no `NO_COLOR`).
    pub color: bool,
    /// Every rule the run can report (for formats that list rules).
    pub rules: Vec<RuleInfo>,
}

/// A rule as output formats describe it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// `jargon/<role>`, `invoice/...`, `suppression/...`.
    pub id: String,
    pub default_severity: crate::finding::Severity,
    /// One sentence: what it checks.
    pub summary: String,
}

impl ReportOptions {
    /// The options for a run with `engine`'s roles.
    pub fn new(engine: &crate::engine::Engine, color: bool) -> Self {
        let mut rules: Vec<RuleInfo> = engine
            .catalog
            .role_ids()
            .into_iter()
            .map(|role| RuleInfo {
                summary: format!("Industry terms that {role} readers do not know, with the words they use instead."),
                id: format!("jargon/{role}"),
                default_severity: crate::finding::Severity::Warning,
            })
            .collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        ReportOptions { color, rules }
    }
}

/// The reporter for `format`.
pub fn reporter(format: OutputFormat, options: &ReportOptions) -> Box<dyn Reporter> {
    match format {
        OutputFormat::Human => Box::new(human::Human::new(options.color)),
        OutputFormat::Concise => Box::new(concise::Concise),
        OutputFormat::Json => Box::new(json::Json::default()),
    }
}
