//! Findings: what the rules report and every reporter renders.

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use serde::Serialize;

use crate::document::Field;
pub use crate::phrasebook::Severity;
use crate::position::Location;

/// Text a finding carries: a phrasebook entry's words, shared as they are
/// ([`Shared::Static`]), or the finding's own ([`Shared::Counted`]).
///
/// A tree of documents gives hundreds of thousands of findings that repeat
/// a few thousand entries' words. Counted references to them cost two
/// atomic operations a word and a finding, on counts that the checking
/// threads pull from each other's caches (`perf` put most of a finding's
/// making and dropping on them; paired runs gained 1 to 2.5%). An entry's
/// words are instead [`intern`]ed once, for the rest of the program, and
/// copied as plain references.
pub enum Shared<T: ?Sized + 'static> {
    /// Interned: lives as long as the program.
    Static(&'static T),
    /// The finding's own.
    Counted(Arc<T>),
}

/// A finding's text.
pub type Text = Shared<str>;

impl<T: ?Sized> Shared<T> {
    /// Whether `a` and `b` are the same text in memory, not just equal:
    /// text that cannot change, kept alive by `a` and `b` themselves. The
    /// length is compared with the address, as an empty text may sit at
    /// the address where another begins.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        std::ptr::eq(&**a, &**b)
    }
}

impl<T: ?Sized> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Shared::Static(t) => t,
            Shared::Counted(t) => t,
        }
    }
}

impl<T: ?Sized> Clone for Shared<T> {
    fn clone(&self) -> Self {
        match self {
            Shared::Static(t) => Shared::Static(t),
            Shared::Counted(t) => Shared::Counted(t.clone()),
        }
    }
}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: ?Sized + std::fmt::Display> std::fmt::Display for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: ?Sized + PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: ?Sized + Eq> Eq for Shared<T> {}

impl<T: ?Sized + Hash> Hash for Shared<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &**self == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

impl<T: ?Sized + Serialize> Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Shared::Counted(s.into())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Shared::Counted(s.into())
    }
}

impl From<Vec<String>> for Shared<[String]> {
    fn from(v: Vec<String>) -> Self {
        Shared::Counted(v.into())
    }
}

/// Interned texts and lists, each once.
static TEXTS: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Default::default);
static LISTS: LazyLock<Mutex<HashSet<&'static [String]>>> = LazyLock::new(Default::default);

/// `s`, as a copy that lives as long as the program: one copy per distinct
/// text, so that loading the phrasebooks again (the language server does,
/// when they change) keeps only new words. Entries are interned at their
/// first finding or fix, so a run keeps the words of the entries it reports.
pub fn intern(s: &str) -> &'static str {
    interned(&TEXTS, s, || Box::leak(Box::from(s)))
}

/// [`intern`] for a list of texts.
pub fn intern_list(list: &[String]) -> &'static [String] {
    interned(&LISTS, list, || Box::leak(Box::from(list)))
}

fn interned<T: ?Sized + Hash + Eq>(
    set: &Mutex<HashSet<&'static T>>,
    value: &T,
    leak: impl FnOnce() -> &'static T,
) -> &'static T {
    // A panic elsewhere cannot leave the set half-changed: insert is the
    // only change, and a lost insert only costs a second copy.
    let mut set = set.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&kept) = set.get(value) {
        return kept;
    }
    let kept = leak();
    set.insert(kept);
    kept
}

/// A safe edit: replace the source bytes of the finding with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: std::ops::Range<usize>,
    /// The entry's interned replacement when written as it is there.
    pub replacement: Text,
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
/// is shared, not copied (see [`Shared`]).
#[derive(Debug, Clone)]
pub struct Finding {
    /// The path as the user named it.
    pub path: Arc<str>,
    pub location: Location,
    /// The source text at the location, exactly (the entry's term when it
    /// is the term as the phrasebook writes it).
    pub matched: Text,
    pub term: Option<Text>,
    pub role: Option<Text>,
    /// Rule id: `jargon`, `invoice/...`, `suppression/...`.
    pub rule: &'static str,
    pub severity: Severity,
    pub replacements: Shared<[String]>,
    pub explanation: Option<Text>,
    pub message: Text,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_are_interned_once() {
        let a = intern(&String::from("delivered duty paid"));
        let b = intern(&["delivered", " duty paid"].concat());
        assert_eq!(a, "delivered duty paid");
        assert!(std::ptr::eq(a, b));
        assert!(!std::ptr::eq(a, intern("duty paid")));
        let list = vec!["a".to_string(), "b".to_string()];
        let (x, y) = (intern_list(&list), intern_list(&list.clone()));
        assert_eq!(x, list.as_slice());
        assert!(std::ptr::eq(x, y));
    }

    #[test]
    fn shared_text_compares_by_its_words_and_by_its_place() {
        let kept = Shared::Static(intern("DDP"));
        let own: Text = "DDP".into();
        assert_eq!(kept, own);
        assert_eq!(own, "DDP");
        assert!(Shared::ptr_eq(&kept, &kept.clone()));
        assert!(Shared::ptr_eq(&own, &own.clone()));
        assert!(!Shared::ptr_eq(&kept, &own));
        // An empty text is not the same as a text that starts where it is.
        let word: &'static str = intern("starts-here");
        let empty = Shared::Static(&word[..0]);
        assert!(!Shared::ptr_eq(&empty, &Shared::Static(word)));
        assert!(Shared::ptr_eq(&empty, &empty.clone()));
        assert_eq!(format!("{kept} {own:?}"), "DDP \"DDP\"");
        assert_eq!(serde_json::to_string(&own).unwrap(), "\"DDP\"");
    }
}
