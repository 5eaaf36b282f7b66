//! Properties over random input (proptest): the matcher finds exactly the
//! whole-word occurrences a slow, obviously correct reference finds, and
//! `--fix` rewrites exactly the fixable spans, keeps every other byte and
//! the file's permissions, and leaves nothing fixable behind.
//!
//! A failing case is shrunk by proptest and printed; regressions found by
//! the fuzzers (`fuzz/`) are kept as plain tests at the end.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use plainly::engine::{Engine, Outcome, Setup};
use plainly::finding::{Edit, Finding};
use plainly::fix;
use plainly::matcher::{Candidate, Matcher, is_word_char, normalize, select};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------
// Matcher

/// Characters of random text: the terms' letters in both cases (so that
/// matches happen), whitespace of several kinds, punctuation, and the
/// characters whose case folding or word class is tricky: `ß`, `İ` (folds
/// to two characters), `Σ`/`σ`/`ς`, a combining mark, an emoji.
const TEXT_CHARS: &[char] = &[
    'a', 'a', 'b', 'b', 'A', 'B', 'x', 'ö', 'Ö', 'ß', 'İ', 'i', 'I', 'Σ', 'σ', 'ς', '\u{307}',
    '\u{301}', '😀', '_', '1', ' ', ' ', ' ', '\n', '\t', '\r', '\u{a0}', '.', ',', '-', '\'', '#',
    '(',
];

/// Characters of terms: few, so that random text contains them.
/// `’` and `€` are characters that are not word characters and not ASCII:
/// a term may start with one right after a letter (`it’s`).
const TERM_CHARS: &[char] = &['a', 'b', 'A', 'ö', 'ß', 'σ', 'Σ', 'İ', '-', '#', '’', '€'];

/// Whitespace runs a term's spaces may be written as.
const GAPS: &[&str] = &[" ", "  ", "\n", "\r\n", "\t", "\u{a0}", " \n "];

/// One to four terms of one to three short words each.
fn terms() -> impl Strategy<Value = Vec<String>> {
    let word = prop::collection::vec(prop::sample::select(TERM_CHARS), 1..4)
        .prop_map(|cs| cs.into_iter().collect::<String>());
    let term = prop::collection::vec(word, 1..4).prop_map(|ws| ws.join(" "));
    prop::collection::vec(term, 1..5)
}

/// Terms, and a text of random characters with some of the terms written
/// in (in upper case or not, spaces as any whitespace run), so that single-
/// and multi-word matches happen, next to word characters or not.
fn terms_and_text() -> impl Strategy<Value = (Vec<String>, String)> {
    terms().prop_flat_map(|terms| {
        let n = terms.len();
        let chosen = terms.clone();
        let char_token = prop::sample::select(TEXT_CHARS).prop_map(|c| c.to_string());
        let term_token =
            (0..n, any::<bool>(), prop::sample::select(GAPS)).prop_map(move |(i, upper, gap)| {
                let t = if upper {
                    chosen[i].to_uppercase()
                } else {
                    chosen[i].clone()
                };
                t.replace(' ', gap)
            });
        let token = prop_oneof![3 => char_token, 1 => term_token];
        (
            Just(terms),
            prop::collection::vec(token, 0..24).prop_map(|ts| ts.concat()),
        )
    })
}

/// The distinct, non-empty needles of `terms`, as a catalog builds them.
fn needles(terms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms {
        let n = normalize(t);
        if !n.is_empty() && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// A candidate as (start, end, needle id), ordered.
type Found = (usize, usize, usize);

/// The reference matcher, by definition: every slice of `text` between two
/// character boundaries that neither starts nor ends with whitespace, whose
/// normalized form is a needle, and that is not part of a longer word where
/// the needle starts or ends with a word character. Quadratic in slices,
/// linear in each: fine for short texts.
fn reference(needles: &[String], text: &str) -> BTreeSet<Found> {
    let ids: HashMap<&str, usize> = needles
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut out = BTreeSet::new();
    for (k, &s) in bounds.iter().enumerate() {
        for &e in &bounds[k + 1..] {
            let slice = &text[s..e];
            if slice.starts_with(char::is_whitespace) || slice.ends_with(char::is_whitespace) {
                continue;
            }
            let Some(&id) = ids.get(normalize(slice).as_str()) else {
                continue;
            };
            let needle = &needles[id];
            let before = text[..s].chars().next_back();
            let after = text[e..].chars().next();
            if needle.chars().next().is_some_and(is_word_char) && before.is_some_and(is_word_char) {
                continue;
            }
            if needle.chars().next_back().is_some_and(is_word_char)
                && after.is_some_and(is_word_char)
            {
                continue;
            }
            out.insert((s, e, id));
        }
    }
    out
}

/// Leftmost-longest, non-overlapping, from a candidate set.
fn reference_select(all: &BTreeSet<Found>) -> Vec<Range<usize>> {
    let mut sorted: Vec<Range<usize>> = all.iter().map(|&(s, e, _)| s..e).collect();
    sorted.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        if out.last().is_none_or(|l| l.end <= r.start) {
            out.push(r);
        }
    }
    out
}

fn as_set(cands: &[Candidate]) -> BTreeSet<Found> {
    cands
        .iter()
        .map(|c| (c.range.start, c.range.end, c.needle))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// `Matcher::find` returns exactly the reference's set of candidates, and
    /// `select` picks whole-word, folded-equal, leftmost-longest ones.
    #[test]
    fn matcher_agrees_with_the_reference((terms, text) in terms_and_text()) {
        let needles = needles(&terms);
        let matcher = Matcher::new(needles.clone());
        let cands = matcher.find(&text);
        prop_assert_eq!(as_set(&cands), reference(&needles, &text));
        // A short text is scanned by looking needles up by first byte; the
        // automaton that longer scans use finds the same.
        let built = Matcher::new(needles.clone());
        built.build_automaton();
        prop_assert_eq!(&built.find(&text), &cands);
        prop_assert_eq!(cands.len(), as_set(&cands).len(), "a candidate twice");

        let chosen = select(&cands, |_| true);
        for c in &chosen {
            let slice = &text[c.range.clone()];
            let needle = &needles[c.needle];
            prop_assert_eq!(&normalize(slice), needle);
            if needle.chars().next().is_some_and(is_word_char) {
                prop_assert!(!text[..c.range.start].chars().next_back().is_some_and(is_word_char));
            }
            if needle.chars().next_back().is_some_and(is_word_char) {
                prop_assert!(!text[c.range.end..].chars().next().is_some_and(is_word_char));
            }
        }
        let picked: Vec<Range<usize>> = chosen.iter().map(|c| c.range.clone()).collect();
        prop_assert_eq!(picked, reference_select(&as_set(&cands)));
    }

    /// Case and whitespace do not matter: a term written in upper case with
    /// its spaces as any whitespace run is still found, at its exact bytes.
    #[test]
    fn matcher_folds_case_and_whitespace(
        terms in terms(),
        pick in any::<prop::sample::Index>(),
        gap in prop::sample::select(GAPS),
    ) {
        let needles = needles(&terms);
        prop_assume!(!needles.is_empty());
        let term = pick.get(&terms);
        prop_assume!(!normalize(term).is_empty());
        let written = term.to_uppercase().split(' ').collect::<Vec<_>>().join(gap);
        // `to_uppercase` may make a different needle (`ß` → `SS`).
        prop_assume!(normalize(&written) == normalize(term));
        let text = format!("( {written} )");
        let start = 2;
        let found = Matcher::new(needles.clone()).find(&text);
        let id = needles.iter().position(|n| *n == normalize(term)).unwrap();
        prop_assert!(
            found.iter().any(|c| c.needle == id && c.range == (start..start + written.len())),
            "{:?} not found in {:?}: {:?}", term, text, found
        );
    }
}

// ---------------------------------------------------------------------------
// Fixer

/// One role. Replacements share no word with any term, so a fix cannot
/// create a new finding. `LC` (explain), `PO` (two replacements), `accrual`
/// (allow) and lowercase `sku` (case-sensitive `SKU`) are never fixed.
const BOOK: &str = "role: finance
terms:
  - term: RSTK fee
    variants: [restock fee]
    replacement: charge for taking goods back
  - term: DDP
    replacement: delivered with duties paid
  - term: net thirty
    replacement: due in 30 days
  - term: SKU
    case_sensitive: true
    replacement: item number
  - term: LC
    policy: explain
    replacement: letter of credit
  - term: PO
    replacement: [purchase order, order number]
  - term: accrual
    policy: allow
";

/// Every replacement of `BOOK`, in lower case, for checking what a fix wrote.
const REPLACEMENTS: &[&str] = &[
    "charge for taking goods back",
    "delivered with duties paid",
    "due in 30 days",
    "item number",
];

/// Pieces of random documents: terms (in several spellings), near misses,
/// filler, separators, and Markdown that makes text non-prose (code),
/// decoded (entities, escapes) or non-contiguous (emphasis, quotes).
const PIECES: &[&str] = &[
    "RSTK fee",
    "rstk Fee",
    "RSTK",
    "fee",
    "restock  fee",
    "DDP",
    "ddp",
    "DDPs",
    "DDP's",
    "net",
    "thirty",
    "Net Thirty",
    "NET THIRTY",
    "net\nthirty",
    "SKU",
    "sku",
    "LC",
    "PO",
    "accrual",
    "the",
    "total",
    "is",
    "Grüße",
    "İ",
    "€5",
    "—",
    "naïve",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\r\n",
    ", ",
    ". ",
    "\t",
    "\u{a0}",
    "*",
    "**",
    "_",
    "`",
    "\n\n# ",
    "\n\n> ",
    "\n- ",
    "\n\n```\n",
    "&amp;",
    "\\*",
    "[",
    "](https://x.example/ddp)",
    "<b>",
    "</b>",
    "<!-- DDP -->",
    "https://x.example/DDP",
    "a@ddp.example",
];

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|ps| ps.concat())
}

static ENGINE: LazyLock<(tempfile::TempDir, Engine)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let book = dir.path().join("book.yaml");
    std::fs::write(&book, BOOK).expect("write phrasebook");
    let engine = Engine::load(&Setup {
        phrasebooks: vec![book],
        no_default_phrasebooks: true,
        no_config: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
    (dir, engine)
});

/// The findings of `text` checked as `name`.
fn check(name: &str, text: &str) -> Vec<Finding> {
    match ENGINE.1.check_bytes(name, None, text.as_bytes()) {
        Outcome::Checked { findings, .. } => findings,
        other => panic!("{name} not checked: {other:?}"),
    }
}

/// `text` with `edits` spliced in, the slow way (and never through
/// `fix::apply`).
fn spliced(text: &str, edits: &[Edit]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for e in edits {
        assert!(at <= e.range.start, "edits overlap: {edits:?}");
        out += &text[at..e.range.start];
        out += &e.replacement;
        at = e.range.end;
    }
    out + &text[at..]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The library's fix: every finding points at its bytes, a fix replaces
    /// exactly the fixable spans with a phrasebook replacement, and checking
    /// the fixed text finds nothing left to fix.
    #[test]
    fn fix_rewrites_only_fixable_spans(doc in document(), md in any::<bool>()) {
        let name = if md { "doc.md" } else { "doc.txt" };
        let findings = check(name, &doc);
        for f in &findings {
            prop_assert_eq!(&doc[f.location.byte_start..f.location.byte_end], &*f.matched);
        }
        let edits = fix::edits(&findings);
        for e in &edits {
            prop_assert!(
                REPLACEMENTS.contains(&e.replacement.to_lowercase().as_str()),
                "unexpected replacement {:?}", e.replacement
            );
        }
        let fixed = fix::apply(&doc, &edits);
        prop_assert_eq!(&fixed, &spliced(&doc, &edits));
        let left = check(name, &fixed);
        prop_assert!(fix::edits(&left).is_empty(), "still fixable after a fix: {:?}", left);
    }
}

/// The fixable spans of a JSON report: a finding with a replacement and no
/// `no_fix` has a safe edit on exactly its bytes.
fn fixable(json: &Value) -> Vec<(Range<usize>, String)> {
    let mut out: Vec<(Range<usize>, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("no_fix").is_none() && f.get("location").is_none())
        .filter_map(|f| {
            let r = f["replacements"].as_array()?.first()?.as_str()?.to_string();
            let s = f["byte_start"].as_u64()? as usize;
            let e = f["byte_end"].as_u64()? as usize;
            Some((s..e, r))
        })
        .collect();
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out.dedup_by(|b, a| a.0 == b.0);
    out
}

/// `plainly check --format json` on `file` in `dir`, with `BOOK` only.
fn check_json(dir: &Path, file: &str, fix: bool) -> (i32, Value) {
    let mut args = vec![
        "--no-default-phrasebooks",
        "--phrasebook",
        "book.yaml",
        file,
    ];
    if fix {
        args.push("--fix");
    }
    let (code, json, stderr) = common::check_json(dir, &args);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, json)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o7777
}

#[cfg(unix)]
proptest! {
    // The real binary: few cases, each runs plainly four times.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// `plainly check --fix` keeps every byte outside the fixable spans
    /// the report named, writes there the phrasebook's replacement (in the
    /// match's case), keeps the file's mode, and a second `--fix` changes
    /// nothing and finds nothing left to fix.
    #[test]
    fn binary_fix_keeps_other_bytes_and_permissions(
        doc in document(),
        md in any::<bool>(),
        perms in prop::sample::select(vec![0o600u32, 0o640, 0o644, 0o664, 0o755]),
    ) {
        use std::os::unix::fs::PermissionsExt;
        let name = if md { "doc.md" } else { "doc.txt" };
        let dir = common::tree(&[("book.yaml", BOOK), (name, &doc)]);
        let path = dir.path().join(name);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(perms)).unwrap();

        let (_, before) = check_json(dir.path(), name, false);
        let unchanged = std::fs::read_to_string(&path).unwrap();
        prop_assert_eq!(unchanged, doc.clone(), "changed without --fix");
        let spans = fixable(&before);
        check_json(dir.path(), name, true);
        let fixed = std::fs::read_to_string(&path).unwrap();

        // Walk the old text and the new one side by side.
        let (mut old_at, mut new_at) = (0, 0);
        for (r, replacement) in &spans {
            let gap = &doc[old_at..r.start];
            prop_assert_eq!(&fixed[new_at..new_at + gap.len()], gap, "bytes before {:?}", r);
            new_at += gap.len();
            let written = &fixed[new_at..new_at + replacement.len()];
            prop_assert!(
                written.eq_ignore_ascii_case(replacement),
                "{written:?} for {replacement:?}"
            );
            new_at += replacement.len();
            old_at = r.end;
        }
        prop_assert_eq!(&fixed[new_at..], &doc[old_at..]);
        prop_assert_eq!(mode(&path), perms, "mode changed");

        check_json(dir.path(), name, true);
        let again = std::fs::read_to_string(&path).unwrap();
        prop_assert_eq!(again, fixed.clone(), "second --fix changed the file");
        let (_, after) = check_json(dir.path(), name, false);
        prop_assert_eq!(fixable(&after), vec![], "fixable findings left");
        prop_assert_eq!(mode(&path), perms, "mode changed");
    }
}
