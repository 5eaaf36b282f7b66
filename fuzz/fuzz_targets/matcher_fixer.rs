//! The matcher and the fixer on terms and text taken from the input: the
//! first line holds up to eight terms separated by `|`, the rest is the
//! text. Every candidate is a whole-word occurrence of its needle at char
//! boundaries; the selection is disjoint; the fix rewrites exactly the
//! selected ranges and keeps every other byte.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plainly::finding::{Edit, Finding, Fix, Severity};
use plainly::fix;
use plainly::matcher::{Matcher, is_word_char, normalize, select};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (head, text) = input.split_once('\n').unwrap_or((&input, ""));
    let mut needles: Vec<String> = Vec::new();
    for term in head.split('|').take(8) {
        let n = normalize(term);
        if !n.is_empty() && !needles.contains(&n) {
            needles.push(n);
        }
    }
    let matcher = Matcher::new(needles.clone());
    let cands = matcher.find(text);

    for w in cands.windows(2) {
        let key = |c: &plainly::matcher::Candidate| (c.range.start, std::cmp::Reverse(c.range.end));
        assert!(key(&w[0]) <= key(&w[1]), "unsorted: {w:?}");
    }
    for c in &cands {
        let needle = &needles[c.needle];
        let slice = text
            .get(c.range.clone())
            .unwrap_or_else(|| panic!("{c:?} off char boundaries"));
        assert_eq!(&normalize(slice), needle, "{c:?}");
        assert_eq!(slice.trim(), slice, "{c:?} starts or ends in whitespace");
        if needle.chars().next().is_some_and(is_word_char) {
            let before = text[..c.range.start].chars().next_back();
            assert!(!before.is_some_and(is_word_char), "{c:?} starts mid-word");
        }
        if needle.chars().next_back().is_some_and(is_word_char) {
            let after = text[c.range.end..].chars().next();
            assert!(!after.is_some_and(is_word_char), "{c:?} ends mid-word");
        }
    }

    // Keep every other needle, so that filtering before choosing is exercised.
    let chosen = select(&cands, |c| {
        c.needle.is_multiple_of(2) || data.len().is_multiple_of(3)
    });
    for w in chosen.windows(2) {
        assert!(w[0].range.end <= w[1].range.start, "overlap: {w:?}");
    }
    let findings: Vec<Finding> = chosen
        .iter()
        .map(|c| Finding {
            path: "".into(),
            location: Default::default(),
            matched: text[c.range.clone()].into(),
            term: Some(needles[c.needle].as_str().into()),
            role: None,
            rule: "jargon",
            severity: Severity::Warning,
            replacements: Vec::new().into(),
            explanation: None,
            message: "".into(),
            field: None,
            fix: Fix::Safe(Edit {
                range: c.range.clone(),
                replacement: needles[c.needle].to_uppercase().into(),
            }),
        })
        .collect();
    let edits = fix::edits(&findings);
    assert_eq!(edits.len(), chosen.len(), "disjoint edits are all kept");
    let new = fix::apply(text, &edits);
    assert_eq!(new, plainly_fuzz::spliced(text, &edits));
});
