//! Compiles the bundled phrasebooks into static Rust data, so that start-up
//! does no YAML parsing (it was most of a one-file run's time). The same
//! YAML is still embedded as text and parsed with full validation by the
//! test suite, which also checks that both give the same phrasebooks.
//!
//! The data holds no pointers: every string is a range of one text, every
//! list a range of one table of such ranges. A static `&str` is a pointer
//! the dynamic linker must relocate when the program starts, and the
//! phrasebooks' 6,400 of them cost every run, `--version` too, about 40 page
//! faults and 0.5 ms of CPU.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Deserialize)]
struct Book {
    role: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    terms: Vec<Term>,
}

#[derive(Deserialize)]
struct Term {
    term: serde_saphyr::Spanned<String>,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    replacement: Option<OneOrMany>,
    #[serde(default)]
    explanation: Option<String>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    case_sensitive: Option<bool>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    examples: Option<Examples>,
}

#[derive(Deserialize, Default)]
struct Examples {
    #[serde(default)]
    flag: Vec<String>,
    #[serde(default)]
    pass: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The compiled data's strings and lists, as ranges.
#[derive(Default)]
struct Pool {
    /// Every distinct string, one after another.
    text: String,
    at: std::collections::HashMap<String, (u32, u32)>,
    /// The lists' items: `Str` ranges of `text`.
    items: Vec<(u32, u32)>,
}

impl Pool {
    /// `Str(start, len)` of `s` in the text.
    fn str(&mut self, s: &str) -> String {
        let (start, len) = self.range(s);
        format!("Str({start}, {len})")
    }

    fn range(&mut self, s: &str) -> (u32, u32) {
        if let Some(&r) = self.at.get(s) {
            return r;
        }
        let r = (
            u32::try_from(self.text.len()).expect("bundled text under 4 GB"),
            u32::try_from(s.len()).expect("bundled string under 4 GB"),
        );
        self.text.push_str(s);
        self.at.insert(s.to_string(), r);
        r
    }

    /// `List(start, len)` of `v`'s strings (trimmed) in the items.
    fn list(&mut self, v: &[String]) -> String {
        let start = self.items.len();
        for s in v {
            let r = self.range(s.trim());
            self.items.push(r);
        }
        format!("List({start}, {})", v.len())
    }

    fn opt(&mut self, s: Option<&str>) -> String {
        s.map_or_else(|| "None".to_string(), |s| format!("Some({})", self.str(s)))
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let files = [
        "phrasebooks/finance.yaml",
        "phrasebooks/purchasing.yaml",
        "phrasebooks/end-user.yaml",
        "phrasebooks/nl/finance.yaml",
        "phrasebooks/nl/purchasing.yaml",
        "phrasebooks/nl/end-user.yaml",
        "phrasebooks/sv/finance.yaml",
        "phrasebooks/sv/purchasing.yaml",
        "phrasebooks/sv/end-user.yaml",
    ];
    let mut pool = Pool::default();
    let mut books = String::new();
    let mut entries = String::new();
    let mut entry_count = 0usize;
    for file in files {
        println!("cargo:rerun-if-changed={file}");
        let text =
            std::fs::read_to_string(Path::new(&root).join(file)).expect("bundled phrasebook");
        // A broken bundled phrasebook is reported with its line by the test
        // suite (phrasebook::tests::bundled_phrasebooks_load); here it only
        // stops the build with serde-saphyr's message.
        let book: Book = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let first = entry_count;
        for t in &book.terms {
            let replacements = match &t.replacement {
                None => Vec::new(),
                Some(OneOrMany::One(s)) => vec![s.clone()],
                Some(OneOrMany::Many(v)) => v.clone(),
            };
            let replacements: Vec<String> = replacements
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect();
            let ex = t.examples.as_ref();
            let _ = writeln!(
                entries,
                "    StaticEntry {{ term: {}, variants: {}, replacements: {}, explanation: {}, policy: Policy::{}, case_sensitive: {}, severity: Severity::{}, flag: {}, pass: {}, line: {} }},",
                pool.str(t.term.value.trim()),
                pool.list(&t.variants),
                pool.list(&replacements),
                pool.opt(
                    t.explanation
                        .as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                ),
                capitalised(t.policy.as_deref().unwrap_or("replace")),
                t.case_sensitive.unwrap_or(false),
                capitalised(t.severity.as_deref().unwrap_or("warning")),
                pool.list(ex.map(|e| e.flag.as_slice()).unwrap_or(&[])),
                pool.list(ex.map(|e| e.pass.as_slice()).unwrap_or(&[])),
                t.term.referenced.line(),
            );
            entry_count += 1;
        }
        let _ = writeln!(
            books,
            "    StaticBook {{ path: {}, role: {}, name: {}, language: {}, entries: List({first}, {}) }},",
            pool.str(&format!("{file} (bundled)")),
            pool.str(book.role.trim()),
            pool.opt(book.name.as_deref()),
            pool.str(book.language.as_deref().unwrap_or("en").trim()),
            entry_count - first,
        );
    }
    let mut out = String::from("// Generated by build.rs from phrasebooks/; do not edit.\n");
    let _ = writeln!(out, "pub(crate) static TEXT: &str = {:?};", pool.text);
    let items: Vec<String> = pool
        .items
        .iter()
        .map(|(s, l)| format!("Str({s}, {l})"))
        .collect();
    let _ = writeln!(
        out,
        "pub(crate) static ITEMS: [Str; {}] = [{}];",
        items.len(),
        items.join(", ")
    );
    let _ = writeln!(
        out,
        "pub(crate) static ENTRIES: [StaticEntry; {entry_count}] = [\n{entries}];"
    );
    let _ = writeln!(
        out,
        "pub(crate) static COMPILED: [StaticBook; {}] = [\n{books}];",
        files.len()
    );
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("bundled.rs");
    std::fs::write(dest, out).expect("write generated phrasebooks");
}
