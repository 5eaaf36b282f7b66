//! Term suggestion (`plainly phrasebook suggest`): candidates for new
//! phrasebook entries, harvested from the prose of real documents.
//!
//! Documents are read by the normal readers, so only the text a person reads
//! counts (no markup, no CSV code columns). Three kinds of candidate:
//!
//! - abbreviations: all-caps tokens with at least two letters (`ASN`,
//!   `RSTK`, `MT940`), unless the same word also appears in ordinary case in
//!   the documents (then it is a shouted word, like `INVOICE`);
//! - codes: all-caps groups joined by dashes (`ART-99812`, `MOQ-SUR`);
//! - phrases: two- and three-word runs of lowercase words that neither start
//!   nor end with a stop word of the document's language, seen at least twice.
//!
//! Whatever a loaded phrasebook already knows is left out: a candidate that
//! is a spelling of a known term, or that overlaps a place where the matcher
//! finds one. Results are ranked by count, then alphabetically, so the output
//! is deterministic. This module reads no files; the caller hands it bytes.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::catalog::{Catalog, primary};
use crate::diagnostic::SourceError;
use crate::document::Segment;
use crate::matcher::{is_word_char, normalize};
use crate::position::Locator;
use crate::reader::{self, Format, ReadError, ReadOptions};

/// What kind of candidate a suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An all-caps token: `ASN`, `RSTK`.
    Abbreviation,
    /// Dash-joined all-caps groups: `ART-99812`.
    Code,
    /// A lowercase two- or three-word phrase: `filter cartridge`.
    Phrase,
}

/// A candidate term, with how often and where it was first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// As written (abbreviations, codes) or lowercase (phrases).
    pub term: String,
    pub kind: Kind,
    pub count: usize,
    /// The document it was first seen in, as named by the caller.
    pub path: String,
    /// The 1-based line of that first occurrence.
    pub line: usize,
}

/// Why a document added nothing.
#[derive(Debug, Clone)]
pub enum AddError {
    /// Not something plainly reads (binary, an XML file that is no invoice).
    Skipped(String),
    /// The document is broken (bad UTF-8, bad CSV quoting, ...).
    Failed(SourceError),
}

/// Phrases need at least this many occurrences: a word pair seen once is no
/// term.
const MIN_PHRASE_COUNT: usize = 2;

/// Collects candidates over any number of documents.
pub struct Harvester<'c> {
    catalog: &'c Catalog,
    /// Indexes of the roles whose terms count as known.
    roles: Vec<usize>,
    /// Needle id of each normalized spelling, for exact look-up.
    needles: HashMap<String, usize>,
    /// Key → tally; the key is the term as written, lowercase for phrases.
    tallies: HashMap<(Kind, String), Suggestion>,
    /// Lowercased words seen in ordinary (not all-caps) spelling.
    ordinary: HashSet<String>,
}

impl<'c> Harvester<'c> {
    /// A harvester that leaves out what the roles `roles` know (every loaded
    /// role when `roles` is empty).
    pub fn new(catalog: &'c Catalog, roles: &[String]) -> Self {
        Harvester {
            catalog,
            roles: (0..catalog.roles.len())
                .filter(|&ri| {
                    roles.is_empty() || roles.iter().any(|x| **x == *catalog.roles[ri].id)
                })
                .collect(),
            needles: (0..catalog.matcher.len())
                .map(|id| (catalog.matcher.needle(id).to_string(), id))
                .collect(),
            tallies: HashMap::new(),
            ordinary: HashSet::new(),
        }
    }

    /// Whether `matched`, an occurrence of needle `needle`, is a term the
    /// considered roles know (with any policy). A case-sensitive entry knows
    /// only its own spelling (`SET` the unit code, not "set").
    fn knows(&self, needle: usize, matched: &str) -> bool {
        self.catalog.hits[needle]
            .iter()
            .any(|h| self.roles.contains(&h.role) && self.catalog.accepts(h, matched))
    }

    /// Reads one document (its format from `name`) and counts its
    /// candidates. `lang` picks the stop words; `None` uses what the document
    /// says, else English.
    pub fn add(
        &mut self,
        name: &str,
        bytes: &[u8],
        options: &ReadOptions,
        lang: Option<&str>,
    ) -> Result<(), AddError> {
        let doc = match reader::read(Format::detect(name), bytes, options) {
            Ok(d) => d,
            Err(ReadError::Skip(why)) => return Err(AddError::Skipped(why)),
            Err(e) => return Err(AddError::Failed(e.to_source_error(name, bytes))),
        };
        let lang = lang
            .map(str::to_string)
            .or_else(|| doc.meta.lang.clone())
            .unwrap_or_else(|| "en".to_string());
        let stop = stop_words(&lang);
        let locator = Locator::new(&doc.sources);
        for seg in &doc.segments {
            let known: Vec<Range<usize>> = self
                .catalog
                .matcher
                .find(&seg.text)
                .into_iter()
                .filter(|c| self.knows(c.needle, &seg.text[c.range.clone()]))
                .map(|c| c.range)
                .collect();
            for (kind, range, term) in candidates(&seg.text, stop, &mut self.ordinary) {
                // A phrase built around a known term is that term again; an
                // abbreviation or code counts unless a known term spans it
                // (`MOQ-SUR` is new even though `MOQ` is known).
                let spoken_for = known.iter().any(|k| match kind {
                    Kind::Phrase => k.start < range.end && range.start < k.end,
                    Kind::Abbreviation | Kind::Code => k.start <= range.start && range.end <= k.end,
                });
                let listed = self
                    .needles
                    .get(&normalize(&term))
                    .is_some_and(|&id| self.knows(id, &term));
                if spoken_for || listed {
                    continue;
                }
                self.count(kind, term, name, seg, range, &locator);
            }
        }
        Ok(())
    }

    fn count(
        &mut self,
        kind: Kind,
        term: String,
        name: &str,
        seg: &Segment,
        range: Range<usize>,
        locator: &Locator<'_>,
    ) {
        let tally = self
            .tallies
            .entry((kind, term.clone()))
            .or_insert_with(|| Suggestion {
                term,
                kind,
                count: 0,
                path: name.to_string(),
                line: locator.locate(seg.source, seg.to_source(&range)).line,
            });
        tally.count += 1;
    }

    /// The candidates seen at least `min_count` times (phrases at least
    /// twice), most frequent first, then alphabetically.
    pub fn suggestions(&self, min_count: usize) -> Vec<Suggestion> {
        let mut out: Vec<Suggestion> = self
            .tallies
            .values()
            .filter(|s| {
                let min = match s.kind {
                    Kind::Phrase => min_count.max(MIN_PHRASE_COUNT),
                    _ => min_count,
                };
                s.count >= min
            })
            .filter(|s| {
                s.kind != Kind::Abbreviation || !self.ordinary.contains(&s.term.to_lowercase())
            })
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.term.to_lowercase().cmp(&b.term.to_lowercase()))
                .then_with(|| a.term.cmp(&b.term))
        });
        out
    }
}

/// A token: a run of word characters and dashes, trimmed of dashes.
struct Token<'t> {
    text: &'t str,
    range: Range<usize>,
}

/// The tokens of `text`, in order.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut push = |s: usize, e: usize| {
        let run = &text[s..e];
        let lead = run.len() - run.trim_start_matches('-').len();
        let trimmed = run.trim_matches('-');
        if !trimmed.is_empty() {
            let s = s + lead;
            out.push(Token {
                text: trimmed,
                range: s..s + trimmed.len(),
            });
        }
    };
    for (i, c) in text.char_indices() {
        let inside = is_word_char(c) || c == '-';
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len());
    }
    out
}

/// `ASN`, `RSTK`, `MT940`: starts with a capital, no lowercase, letters and
/// digits only, at least two letters.
fn is_abbreviation(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// `ART-99812`, `MOQ-SUR`: an abbreviation-like head of two or more capitals,
/// then dash-joined groups of capitals and digits.
fn is_code(token: &str) -> bool {
    let mut parts = token.split('-');
    let Some(head) = parts.next() else {
        return false;
    };
    let groups: Vec<&str> = parts.collect();
    head.chars().take(2).filter(|c| c.is_uppercase()).count() == 2
        && head.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && !groups.is_empty()
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()))
}

/// A lowercase word (letters, inner dashes allowed): phrase material.
fn is_lowercase_word(token: &str) -> bool {
    token.chars().any(char::is_lowercase) && token.chars().all(|c| c.is_lowercase() || c == '-')
}

/// Every candidate in one segment's text, with its range, as
/// `(kind, range, term)`. Words seen in ordinary case go into `ordinary`.
fn candidates(
    text: &str,
    stop: &[&str],
    ordinary: &mut HashSet<String>,
) -> Vec<(Kind, Range<usize>, String)> {
    let toks = tokens(text);
    let mut out = Vec::new();
    for t in &toks {
        if is_code(t.text) {
            out.push((Kind::Code, t.range.clone(), t.text.to_string()));
            continue;
        }
        let mut offset = t.range.start;
        for part in t.text.split('-') {
            if is_abbreviation(part) {
                out.push((
                    Kind::Abbreviation,
                    offset..offset + part.len(),
                    part.to_string(),
                ));
            } else if part.chars().all(char::is_alphabetic) && part.chars().any(char::is_lowercase)
            {
                ordinary.insert(part.to_lowercase());
            }
            offset += part.len() + 1;
        }
    }

    // Phrases: runs of lowercase words separated by whitespace only (no
    // punctuation, digits or capitalised words between, no blank line).
    let mut run: Vec<&Token<'_>> = Vec::new();
    let flush = |run: &mut Vec<&Token<'_>>, out: &mut Vec<(Kind, Range<usize>, String)>| {
        for n in 2..=3 {
            for w in run.windows(n) {
                let (first, last) = (w[0].text, w[n - 1].text);
                if stop.contains(&first) || stop.contains(&last) {
                    continue;
                }
                let term = w.iter().map(|t| t.text).collect::<Vec<_>>().join(" ");
                out.push((Kind::Phrase, w[0].range.start..w[n - 1].range.end, term));
            }
        }
        run.clear();
    };
    for t in &toks {
        let joined = run.last().is_some_and(|prev| {
            let gap = &text[prev.range.end..t.range.start];
            gap.chars().all(char::is_whitespace) && gap.matches('\n').count() < 2
        });
        if !joined {
            flush(&mut run, &mut out);
        }
        if is_lowercase_word(t.text) {
            run.push(t);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

const STOP_EN: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "dear", "did", "do", "does", "done", "during", "each", "every", "few", "for", "from", "had",
    "has", "have", "having", "he", "her", "here", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "may", "me", "might", "more", "most", "must", "my", "no", "nor", "not",
    "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "per", "please",
    "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "us", "very", "via", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "why", "will", "with", "within", "without", "would", "yes", "you", "your",
];

const STOP_NL: &[&str] = &[
    "aan", "al", "als", "bij", "dan", "dat", "de", "deze", "die", "dit", "door", "een", "en", "er",
    "geen", "graag", "haar", "had", "heeft", "hebben", "het", "hier", "hij", "hoe", "hun", "in",
    "is", "je", "kan", "kunnen", "maar", "met", "moet", "moeten", "na", "naar", "niet", "nog",
    "of", "om", "onder", "ons", "onze", "ook", "op", "over", "per", "te", "tot", "u", "uit", "uw",
    "van", "voor", "was", "wat", "we", "wel", "welke", "werd", "wij", "wordt", "worden", "zal",
    "ze", "zij", "zijn", "zo", "zonder", "zullen",
];

const STOP_SV: &[&str] = &[
    "alla", "att", "av", "bara", "blir", "de", "dem", "den", "deras", "det", "din", "ditt", "du",
    "där", "efter", "eller", "en", "er", "ett", "från", "för", "har", "hon", "hur", "här", "i",
    "inte", "kan", "med", "men", "mot", "måste", "ni", "nu", "när", "och", "om", "oss", "per",
    "på", "sig", "sin", "ska", "skall", "som", "så", "till", "under", "utan", "vad", "var", "vi",
    "vid", "vår", "vårt", "våra", "än", "är", "över",
];

/// The stop words of a language (English for any language without a list).
fn stop_words(lang: &str) -> &'static [&'static str] {
    match primary(lang).as_str() {
        "nl" => STOP_NL,
        "sv" => STOP_SV,
        _ => STOP_EN,
    }
}

/// The suggestions as phrasebook entries to paste under `terms:`.
pub fn stubs(suggestions: &[Suggestion]) -> String {
    let mut out = String::new();
    for s in suggestions {
        let seen = if s.count == 1 {
            format!("seen once, in {}:{}", s.path, s.line)
        } else {
            format!("seen {} times, e.g. in {}:{}", s.count, s.path, s.line)
        };
        out.push_str(&format!(
            "  - term: {}\n    replacement: \"\"  # {seen}\n    explanation: \"\"\n    policy: replace\n",
            yaml_scalar(&s.term)
        ));
    }
    out
}

/// `s` as a YAML scalar: plain when that reads back as the same string,
/// double-quoted otherwise (`NO`, `ON` and `TRUE` would read as booleans).
fn yaml_scalar(s: &str) -> String {
    const SPECIAL: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ];
    let plain = s.chars().next().is_some_and(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == ' ')
        && !SPECIAL.contains(&s.to_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrasebook::parse;

    fn catalog(yaml: &str) -> Catalog {
        Catalog::new(vec![parse(yaml, "book.yaml").unwrap()])
    }

    fn harvest(cat: &Catalog, docs: &[(&str, &str)], min: usize) -> Vec<(String, usize)> {
        let mut h = Harvester::new(cat, &[]);
        for (name, text) in docs {
            h.add(name, text.as_bytes(), &ReadOptions::default(), None)
                .unwrap();
        }
        h.suggestions(min)
            .into_iter()
            .map(|s| (s.term, s.count))
            .collect()
    }

    #[test]
    fn finds_abbreviations_codes_and_phrases() {
        let cat = catalog("role: finance\nterms:\n  - term: ASN\n");
        let found = harvest(
            &cat,
            &[(
                "a.txt",
                "The RSTK line, item ART-99812.\nOur filter cartridge ships with the ASN.\nA filter cartridge (RSTK) again.\n",
            )],
            1,
        );
        assert_eq!(
            found,
            vec![
                ("filter cartridge".to_string(), 2),
                ("RSTK".to_string(), 2),
                ("ART-99812".to_string(), 1),
            ]
        );
    }

    #[test]
    fn known_terms_and_their_places_are_left_out() {
        let cat = catalog(
            "role: finance\nterms:\n  - term: RSTK fee\n  - term: lead time\n  - term: MOQ\n    policy: allow\n",
        );
        let found = harvest(
            &cat,
            &[(
                "a.txt",
                "A RSTK fee. The lead time grows. The lead time grows. Below MOQ.\n",
            )],
            1,
        );
        // "RSTK" only appears inside "RSTK fee"; "time grows" overlaps
        // "lead time"; MOQ is known (allowed is still known).
        assert_eq!(found, Vec::<(String, usize)>::new());
    }

    #[test]
    fn role_filter_only_counts_that_roles_terms_as_known() {
        let a = parse("role: finance\nterms:\n  - term: ASN\n", "f.yaml").unwrap();
        let b = parse("role: purchasing\nterms:\n  - term: BOL\n", "p.yaml").unwrap();
        let cat = Catalog::new(vec![a, b]);
        let mut h = Harvester::new(&cat, &["finance".to_string()]);
        h.add("a.txt", b"ASN and BOL.", &ReadOptions::default(), None)
            .unwrap();
        let terms: Vec<_> = h.suggestions(1).into_iter().map(|s| s.term).collect();
        assert_eq!(terms, vec!["BOL"]);
    }

    #[test]
    fn shouted_words_are_not_abbreviations() {
        let cat = catalog("role: finance\nterms: []\n");
        let found = harvest(
            &cat,
            &[("a.txt", "INVOICE\n\nThis invoice is paid by EFT.\n")],
            1,
        );
        assert_eq!(found, vec![("EFT".to_string(), 1)]);
    }

    #[test]
    fn phrases_need_two_sightings_and_no_stop_word_edges() {
        let cat = catalog("role: finance\nterms: []\n");
        let found = harvest(
            &cat,
            &[(
                "a.txt",
                "send the pallet label now, the pallet label.\nhose clamp\n\nset ok",
            )],
            1,
        );
        assert_eq!(found, vec![("pallet label".to_string(), 2)]);
    }

    #[test]
    fn only_prose_counts() {
        let cat = catalog("role: finance\nterms: []\n");
        let found = harvest(
            &cat,
            &[(
                "a.csv",
                "sku,description\nART-1,Cable KIT-7\nART-2,Cable KIT-7\n",
            )],
            1,
        );
        assert_eq!(found, vec![("KIT-7".to_string(), 2)]);
    }

    #[test]
    fn lines_point_at_the_first_sighting() {
        let cat = catalog("role: finance\nterms: []\n");
        let mut h = Harvester::new(&cat, &[]);
        h.add(
            "a.md",
            b"# Title\n\nShip per ASN.\n",
            &ReadOptions::default(),
            None,
        )
        .unwrap();
        h.add("b.md", b"ASN again.\n", &ReadOptions::default(), None)
            .unwrap();
        let s = &h.suggestions(1)[0];
        assert_eq!((s.path.as_str(), s.line, s.count), ("a.md", 3, 2));
    }

    #[test]
    fn stubs_are_pasteable_yaml() {
        let s = vec![
            Suggestion {
                term: "RSTK".into(),
                kind: Kind::Abbreviation,
                count: 3,
                path: "invoices/a.txt".into(),
                line: 12,
            },
            Suggestion {
                term: "NO".into(),
                kind: Kind::Abbreviation,
                count: 1,
                path: "b.txt".into(),
                line: 1,
            },
        ];
        let text = stubs(&s);
        assert_eq!(
            text,
            "  - term: RSTK\n    replacement: \"\"  # seen 3 times, e.g. in invoices/a.txt:12\n    explanation: \"\"\n    policy: replace\n  - term: \"NO\"\n    replacement: \"\"  # seen once, in b.txt:1\n    explanation: \"\"\n    policy: replace\n"
        );
        let book = parse(&format!("role: x\nterms:\n{text}"), "s.yaml").unwrap();
        assert_eq!(book.entries[1].term, "NO");
    }

    #[test]
    fn broken_documents_are_errors_with_a_place() {
        let cat = catalog("role: finance\nterms: []\n");
        let mut h = Harvester::new(&cat, &[]);
        match h.add("a.txt", b"ok\n\xff", &ReadOptions::default(), None) {
            Err(AddError::Failed(e)) => assert_eq!(e.line, Some(2)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            h.add("b.txt", b"\0bin", &ReadOptions::default(), None),
            Err(AddError::Skipped(_))
        ));
    }
}
