//! Phrasebooks: one YAML file per reader role, listing the industry terms that
//! role does not know (or does), the words it uses instead, and a policy.
//!
//! This module owns the file format, its validation and its error messages. It
//! knows nothing about matching: [`crate::catalog`] merges loaded books and
//! builds the matcher from them.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::SourceError;

/// What a role's phrasebook says about a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Every occurrence is a finding.
    #[default]
    Replace,
    /// Only the first occurrence in a document, and only when it is not
    /// explained there (a following parenthetical or a link).
    Explain,
    /// The role knows the term: never a finding for this role.
    Allow,
}

/// How serious a finding is; ordered so that `Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Self-test sentences of a term (`plainly phrasebook test`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Sentences in which the term must be found.
    #[serde(default)]
    pub flag: Vec<String>,
    /// Sentences in which it must not be.
    #[serde(default)]
    pub pass: Vec<String>,
}

/// One term of a phrasebook, as loaded and validated.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The canonical industry term, reported as `term`.
    pub term: String,
    /// Other spellings, reported as `term` too.
    pub variants: Vec<String>,
    /// What this role calls it instead (may be empty).
    pub replacements: Vec<String>,
    pub explanation: Option<String>,
    pub policy: Policy,
    pub case_sensitive: bool,
    pub severity: Severity,
    pub examples: Examples,
    /// Where the entry is defined: file and 1-based line.
    pub origin: Origin,
}

impl Entry {
    /// The term followed by its variants: every spelling that is matched.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.term.as_str()).chain(self.variants.iter().map(String::as_str))
    }
}

/// A place in a phrasebook file, for messages that point back at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: String,
    pub line: usize,
}

/// One loaded phrasebook file.
#[derive(Debug, Clone)]
pub struct Phrasebook {
    pub role: String,
    pub name: Option<String>,
    pub language: String,
    pub entries: Vec<Entry>,
    /// The file it came from (for bundled books, `phrasebooks/<name>` marked bundled).
    pub path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    role: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    terms: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    term: Spanned<String>,
    #[serde(default)]
    variants: Vec<Spanned<String>>,
    #[serde(default)]
    replacement: Option<OneOrMany>,
    #[serde(default)]
    explanation: Option<String>,
    #[serde(default)]
    policy: Policy,
    #[serde(default)]
    case_sensitive: bool,
    #[serde(default)]
    severity: Severity,
    #[serde(default)]
    examples: Examples,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The bundled phrasebooks, embedded so that `plainly check` works with no
/// files around it. Paths are as in the repository.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "phrasebooks/finance.yaml",
        include_str!("../phrasebooks/finance.yaml"),
    ),
    (
        "phrasebooks/purchasing.yaml",
        include_str!("../phrasebooks/purchasing.yaml"),
    ),
    (
        "phrasebooks/end-user.yaml",
        include_str!("../phrasebooks/end-user.yaml"),
    ),
    (
        "phrasebooks/nl/finance.yaml",
        include_str!("../phrasebooks/nl/finance.yaml"),
    ),
    (
        "phrasebooks/nl/purchasing.yaml",
        include_str!("../phrasebooks/nl/purchasing.yaml"),
    ),
    (
        "phrasebooks/nl/end-user.yaml",
        include_str!("../phrasebooks/nl/end-user.yaml"),
    ),
    (
        "phrasebooks/sv/finance.yaml",
        include_str!("../phrasebooks/sv/finance.yaml"),
    ),
    (
        "phrasebooks/sv/purchasing.yaml",
        include_str!("../phrasebooks/sv/purchasing.yaml"),
    ),
    (
        "phrasebooks/sv/end-user.yaml",
        include_str!("../phrasebooks/sv/end-user.yaml"),
    ),
];

/// A string of the compiled phrasebooks' [`TEXT`]: its start and length.
/// `build.rs` writes the bundled phrasebooks as ranges, not `&str`s, so
/// that the dynamic linker has no pointers to relocate in them at start-up.
#[derive(Clone, Copy)]
pub(crate) struct Str(u32, u32);

/// A run of [`ITEMS`] (or, for a book's entries, of [`ENTRIES`]): its
/// start and length.
#[derive(Clone, Copy)]
pub(crate) struct List(u32, u32);

/// A bundled phrasebook compiled into the binary by `build.rs`.
pub(crate) struct StaticBook {
    path: Str,
    role: Str,
    name: Option<Str>,
    language: Str,
    entries: List,
}

pub(crate) struct StaticEntry {
    term: Str,
    variants: List,
    replacements: List,
    explanation: Option<Str>,
    policy: Policy,
    case_sensitive: bool,
    severity: Severity,
    flag: List,
    pass: List,
    line: usize,
}

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

impl Str {
    /// The string, or "" if the range were not in [`TEXT`] (`build.rs`
    /// makes them all, and the suite compares the result with the YAML).
    fn text(self) -> &'static str {
        let start = self.0 as usize;
        TEXT.get(start..start + self.1 as usize).unwrap_or_default()
    }

    fn owned(self) -> String {
        self.text().to_string()
    }
}

impl List {
    fn range(self) -> std::ops::Range<usize> {
        self.0 as usize..self.0 as usize + self.1 as usize
    }

    fn owned(self) -> Vec<String> {
        let items = ITEMS.get(self.range()).unwrap_or_default();
        items.iter().map(|s| s.owned()).collect()
    }
}

/// Loads every bundled phrasebook from the data `build.rs` compiled in: no
/// YAML is parsed at start-up. The suite checks that this equals parsing
/// [`BUNDLED`] with full validation ([`load_bundled_yaml`]).
pub fn load_bundled() -> Result<Vec<Phrasebook>, Vec<SourceError>> {
    Ok(COMPILED
        .iter()
        .map(|b| Phrasebook {
            role: b.role.owned(),
            name: b.name.map(Str::owned),
            language: b.language.owned(),
            path: b.path.owned(),
            entries: ENTRIES
                .get(b.entries.range())
                .unwrap_or_default()
                .iter()
                .map(|e| Entry {
                    term: e.term.owned(),
                    variants: e.variants.owned(),
                    replacements: e.replacements.owned(),
                    explanation: e.explanation.map(Str::owned),
                    policy: e.policy,
                    case_sensitive: e.case_sensitive,
                    severity: e.severity,
                    examples: Examples {
                        flag: e.flag.owned(),
                        pass: e.pass.owned(),
                    },
                    origin: Origin {
                        path: b.path.owned(),
                        line: e.line,
                    },
                })
                .collect(),
        })
        .collect())
}

/// Parses the bundled phrasebooks' YAML with full validation.
pub fn load_bundled_yaml() -> Result<Vec<Phrasebook>, Vec<SourceError>> {
    let mut books = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in BUNDLED {
        match parse(text, &format!("{path} (bundled)")) {
            Ok(book) => books.push(book),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(books)
    } else {
        Err(errors)
    }
}

/// Loads phrasebook files, as [`phrasebook_files`] lists them for a path.
pub fn load_files(files: &[PathBuf]) -> Result<Vec<Phrasebook>, Vec<SourceError>> {
    let mut books = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let name = file.display().to_string();
        match std::fs::read_to_string(file) {
            Ok(text) => match parse(&text, &name) {
                Ok(book) => books.push(book),
                Err(mut e) => errors.append(&mut e),
            },
            Err(e) => errors.push(SourceError::file(
                &name,
                format!("cannot read phrasebook: {}", crate::engine::io_reason(&e)),
                "check the path and its permissions",
            )),
        }
    }
    if errors.is_empty() {
        Ok(books)
    } else {
        Err(errors)
    }
}

/// The phrasebook files a path names: itself, or every `*.yaml`/`*.yml`
/// file below it (sorted by path, so that merge order is stable).
pub fn phrasebook_files(path: &Path) -> Result<Vec<PathBuf>, SourceError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        SourceError::file(
            &name,
            format!(
                "cannot open phrasebook path: {}",
                crate::engine::io_reason(&e)
            ),
            "check the path given with --phrasebook or in `phrasebooks:` of .plainly.yaml",
        )
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = walkdir_yaml(path);
    files.sort();
    Ok(files)
}

fn walkdir_yaml(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .build();
    for entry in walker.flatten() {
        let p = entry.path();
        let is_yaml = matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml") | Some("yml")
        );
        if is_yaml && entry.file_type().is_some_and(|t| t.is_file()) {
            out.push(p.to_path_buf());
        }
    }
    out
}

/// Parses and validates one phrasebook. All problems found are returned, so
/// that a user fixes them in one round.
pub fn parse(text: &str, path: &str) -> Result<Phrasebook, Vec<SourceError>> {
    let raw: RawBook = crate::yaml::from_str(text, path).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let role = raw.role.value.trim().to_string();
    if !is_role_id(&role) {
        errors.push(SourceError::at(
            path,
            text,
            raw.role.referenced.line() as usize,
            raw.role.referenced.column() as usize,
            format!("bad role id `{}`", raw.role.value),
            "a role id is lowercase letters, digits and dashes, e.g. `finance` or `end-user`",
        ));
    }
    let language = raw
        .language
        .as_ref()
        .map(|l| l.value.trim().to_string())
        .unwrap_or_else(|| "en".to_string());
    if let Some(l) = &raw.language
        && !is_language_tag(&l.value)
    {
        errors.push(SourceError::at(
            path,
            text,
            l.referenced.line() as usize,
            l.referenced.column() as usize,
            format!("bad language tag `{}`", l.value),
            "use a BCP 47 tag such as `en`, `nl` or `sv`",
        ));
    }

    let mut seen: std::collections::HashMap<String, (String, usize)> =
        std::collections::HashMap::new();
    let mut entries = Vec::with_capacity(raw.terms.len());
    for r in raw.terms {
        let line = r.term.referenced.line() as usize;
        let term = r.term.value.trim().to_string();
        if term.is_empty() {
            errors.push(SourceError::at(
                path,
                text,
                line,
                r.term.referenced.column() as usize,
                "empty term",
                "write the industry term, e.g. `term: restocking fee`, or remove the entry",
            ));
            continue;
        }
        let spellings =
            std::iter::once((&term, &r.term)).chain(r.variants.iter().map(|v| (&v.value, v)));
        for (spelling, spanned) in spellings {
            let key = crate::matcher::normalize(spelling);
            if key.is_empty() {
                errors.push(SourceError::at(
                    path,
                    text,
                    spanned.referenced.line() as usize,
                    spanned.referenced.column() as usize,
                    "empty variant",
                    "remove the empty entry from `variants`",
                ));
                continue;
            }
            if let Some((other, other_line)) = seen.get(&key) {
                errors.push(SourceError::at(
                    path,
                    text,
                    spanned.referenced.line() as usize,
                    spanned.referenced.column() as usize,
                    format!(
                        "`{}` is listed twice in role `{role}`: already under term `{other}` on line {other_line}",
                        spelling.trim()
                    ),
                    "keep one entry per spelling: merge the two entries or delete one",
                ));
            } else {
                seen.insert(key, (term.clone(), line));
            }
        }
        let replacements = match r.replacement {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        };
        entries.push(Entry {
            term,
            variants: r
                .variants
                .into_iter()
                .map(|v| v.value.trim().to_string())
                .collect(),
            replacements: replacements
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            explanation: r
                .explanation
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            policy: r.policy,
            case_sensitive: r.case_sensitive,
            severity: r.severity,
            examples: r.examples,
            origin: Origin {
                path: path.to_string(),
                line,
            },
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Phrasebook {
        role,
        name: raw.name,
        language,
        entries,
        path: path.to_string(),
    })
}

/// `[a-z0-9-]+`: role ids appear in flags, front matter and rule ids.
pub fn is_role_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_language_tag(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_format() {
        let yaml = "role: finance\nname: Finance department\nlanguage: en\nterms:\n  - term: restocking fee\n    variants: [restock fee]\n    replacement: charge for taking returned goods back into stock\n    explanation: A charge.\n    policy: replace\n    case_sensitive: false\n    severity: warning\n";
        let book = parse(yaml, "f.yaml").unwrap();
        assert_eq!(book.role, "finance");
        assert_eq!(book.entries[0].variants, vec!["restock fee"]);
        assert_eq!(
            book.entries[0].replacements,
            vec!["charge for taking returned goods back into stock"]
        );
        assert_eq!(book.entries[0].origin.line, 5);
    }

    #[test]
    fn replacement_may_be_a_list() {
        let yaml = "role: x\nterms:\n  - term: LS\n    replacement: [lump sum, flat price]\n";
        let book = parse(yaml, "f.yaml").unwrap();
        assert_eq!(book.entries[0].replacements, vec!["lump sum", "flat price"]);
    }

    fn first_error(yaml: &str) -> SourceError {
        parse(yaml, "book.yaml").unwrap_err().remove(0)
    }

    #[test]
    fn unknown_key_names_line() {
        let e = first_error("role: x\nterms:\n  - term: a\n    replacment: b\n");
        assert_eq!(e.line, Some(4), "{e:?}");
        assert!(e.message.contains("replacment"), "{}", e.message);
    }

    #[test]
    fn unknown_policy_names_line() {
        let e = first_error("role: x\nterms:\n  - term: a\n    policy: replce\n");
        assert_eq!(e.line, Some(4), "{e:?}");
        assert!(e.message.contains("replce"), "{}", e.message);
    }

    #[test]
    fn bad_role_and_empty_term_and_duplicates() {
        let errs = parse(
            "role: Finance Team\nterms:\n  - term: ''\n  - term: net 30\n  - term: N30\n    variants: [net  30]\n",
            "b.yaml",
        )
        .unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|e| (e.line, e.message.clone())).collect();
        assert_eq!(msgs[0].0, Some(1));
        assert!(msgs[0].1.contains("bad role id"));
        assert_eq!(msgs[1], (Some(3), "empty term".to_string()));
        assert_eq!(msgs[2].0, Some(6));
        assert!(msgs[2].1.contains("listed twice"), "{msgs:?}");
    }

    #[test]
    fn yaml_syntax_error_has_line() {
        let e = first_error("role: x\nterms:\n  - term: [unclosed\n");
        assert!(e.line.is_some(), "{e:?}");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let e = first_error("role: x\nterms:\n  - term: a\n    case_sensitive: maybe\n");
        assert_eq!(e.line, Some(4), "{e:?}");
    }

    #[test]
    fn bundled_phrasebooks_load() {
        let books = load_bundled_yaml().unwrap();
        assert_eq!(books.len(), BUNDLED.len());
    }

    #[test]
    fn compiled_bundled_phrasebooks_equal_the_parsed_yaml() {
        let parsed = load_bundled_yaml().unwrap();
        let compiled = load_bundled().unwrap();
        assert_eq!(format!("{parsed:#?}"), format!("{compiled:#?}"));
    }
}
