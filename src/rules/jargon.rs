//! ## What it does
//! Finds industry terms that a reader role of the document does not know, as
//! listed in that role's phrasebook, and says what that reader calls them.
//!
//! ## Why is this bad?
//! A customer's accounts-payable clerk who meets "RSTK fee, 12 C62, DDP" cannot
//! tell what is billed; the invoice is held while someone does detective work.
//!
//! ## Example
//! `We add a RSTK fee of 15%.` (finance)
//!
//! Use instead:
//! `We add a charge for taking returned goods back into stock of 15%.`
//!
//! Policy `replace` reports every occurrence; `explain` only a first occurrence
//! not followed by a parenthetical and not written as a link; `allow` never.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::Context;
use crate::catalog::{Catalog, Hit, Words, same_language};
use crate::document::{Escape, Segment};
use crate::finding::{Edit, Finding, Fix, Shared, Text, intern, intern_list};
use crate::matcher::{Batch, normalize, select_indices};
use crate::phrasebook::{Entry, Policy};

/// Web addresses and email addresses: not prose, even inside a paragraph.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:https?|ftp|mailto)://|\bwww\.)[^\s<>()\[\]{}]+|[\w.%+-]+@[\w-]+(?:\.[\w-]+)+",
    )
    .expect("static regex")
});

/// Byte ranges of addresses in `text`. The rule calls it only where
/// [`near_address`] found an address's marks.
fn addresses(text: &str) -> Vec<Range<usize>> {
    ADDRESS.find_iter(text).map(|m| m.range()).collect()
}

/// Whether `text` holds what every address holds: `@`, `://` or `www.` in
/// any case (the address pattern ignores case, so `Www.` at a sentence's
/// start is one too). One pass for the three bytes these turn on; a text is
/// mostly the few words around a match, too short for substring searchers
/// to pay for their set-up.
fn has_address_mark(text: &str) -> bool {
    let b = text.as_bytes();
    let mark = |i: usize| match b[i] {
        b'@' => true,
        b':' => b[i + 1..].starts_with(b"//"),
        b'.' => i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www"),
        _ => false,
    };
    // Most often the text is the match alone: a byte at a time is cheaper
    // than a vector search's set-up.
    if b.len() <= 32 {
        return (0..b.len()).any(mark);
    }
    memchr::memchr3_iter(b'@', b':', b'.', b).any(mark)
}

/// Whether an address in `text` could touch the match at `r`. An address
/// holds no white space, so one that touches the match lies in the text
/// around it up to white space on either side: only that text is searched
/// for an address's marks, not the whole segment (a tenth of the findings'
/// cost was searching whole paragraphs). Where there is no white space
/// near, the whole text is searched.
fn near_address(text: &str, r: &Range<usize>) -> bool {
    const NEAR: usize = 256;
    // White space right around the match, as in most prose: the match is
    // the text to search. (`char::is_whitespace` of an ASCII byte.)
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let bytes = text.as_bytes();
    if r.start > 0 && space(bytes[r.start - 1]) && bytes.get(r.end).copied().is_some_and(space) {
        return has_address_mark(&text[r.clone()]);
    }
    let lo = text.floor_char_boundary(r.start.saturating_sub(NEAR));
    let hi = text.ceil_char_boundary(r.end + NEAR);
    let start = match text[lo..r.start].rfind(char::is_whitespace) {
        Some(i) => lo + i + text[lo + i..].chars().next().map_or(1, char::len_utf8),
        None if lo == 0 => 0,
        None => return has_address_mark(text),
    };
    let end = match text[r.end..hi].find(char::is_whitespace) {
        Some(i) => r.end + i,
        None if hi == text.len() => hi,
        None => return has_address_mark(text),
    };
    has_address_mark(&text[start..end])
}

thread_local! {
    /// The thread's scan buffers, kept for its next document: a tree is
    /// tens of thousands of documents, each allocating and growing them.
    static BATCH: std::cell::RefCell<Batch> = std::cell::RefCell::new(Batch::default());
}

/// Checks the document's segments for jargon.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let catalog = ctx.catalog;
    let eligible: Vec<bool> = catalog
        .roles
        .iter()
        .map(|r| ctx.audience.iter().any(|a| **a == *r.id) && same_language(&r.language, ctx.lang))
        .collect();
    if !eligible.iter().any(|e| *e) {
        return Vec::new();
    }
    let mut explained_once: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();

    // Buffers reused from one segment to the next.
    let segments = &ctx.doc.segments;
    let mut batch = BATCH.with_borrow_mut(std::mem::take);
    batch.clear_for(segments.iter().map(|s| s.text.len()).sum(), segments.len());
    let mut batch_from = 0;
    let mut hit_store: Vec<&Hit> = Vec::new();
    let mut hit_spans: Vec<Range<usize>> = Vec::new();
    let mut flagged: Vec<(&Hit, &Entry)> = Vec::new();

    for (k, seg) in segments.iter().enumerate() {
        // Segments are scanned a batch at a time: one scan over many short
        // texts is faster than one each (see `Matcher::scan`).
        if k == batch_from + batch.len() {
            batch_from = k;
            let texts = segments[k..].iter().map(|s| s.text.as_str());
            catalog.matcher.scan_next(&mut batch, texts);
            hit_spans.reserve(batch.candidate_count());
            hit_store.reserve(batch.candidate_count());
        }
        let candidates = batch.candidates(k - batch_from);
        if candidates.is_empty() {
            continue;
        }
        let text = seg.text.as_str();
        let masks = if candidates.iter().any(|c| near_address(text, &c.range)) {
            addresses(text)
        } else {
            Vec::new()
        };
        // The eligible role entries each candidate stands for (one per role),
        // computed once, in one flat list: candidate i's are
        // `hit_store[hit_spans[i].clone()]`.
        hit_store.clear();
        hit_spans.clear();
        for c in candidates {
            let from = hit_store.len();
            let masked = masks
                .iter()
                .any(|m| m.start < c.range.end && c.range.start < m.end)
                || in_code(text, &c.range);
            if !masked {
                for h in &catalog.hits[c.needle] {
                    if !eligible[h.role] || hit_store[from..].iter().any(|o| o.role == h.role) {
                        continue;
                    }
                    if catalog.accepts(h, &text[c.range.clone()]) {
                        hit_store.push(h);
                    }
                }
            }
            hit_spans.push(from..hit_store.len());
        }
        let hits_of = |i: usize| &hit_store[hit_spans[i].clone()];
        let chosen = select_indices(candidates, |i, _| !hits_of(i).is_empty());

        let mut previous: Option<usize> = None;
        for i in chosen {
            let c = &candidates[i];
            let hits = hits_of(i);
            let expands_previous = previous.is_some_and(|p| {
                let between = &text[candidates[p].range.end..c.range.start];
                between.trim() == "("
                    && hits_of(p)
                        .iter()
                        .any(|a| hits.iter().any(|b| a.role == b.role && a.entry == b.entry))
            });
            previous = Some(i);
            if expands_previous {
                // "DDP (delivered duty paid)": the words in parentheses explain
                // the term before them; they are not jargon themselves.
                continue;
            }
            if !ctx.ignore_terms.is_empty()
                && hits.iter().any(|h| {
                    let e = &catalog.roles[h.role].entries[h.entry];
                    ctx.ignore_terms.contains(&normalize(&e.term))
                })
            {
                continue;
            }
            flagged.clear();
            for h in hits {
                let entry = &catalog.roles[h.role].entries[h.entry];
                match entry.policy {
                    Policy::Allow => {}
                    Policy::Replace => flagged.push((h, entry)),
                    Policy::Explain => {
                        if explained_once.insert((h.role, h.entry)) && !explained(seg, &c.range) {
                            flagged.push((h, entry));
                        }
                    }
                }
            }
            if flagged.is_empty() {
                continue;
            }
            let source_range = seg.to_source(&c.range);
            let matched = ctx.locator.text(seg.source, source_range.clone());
            let location = ctx.locator.locate(seg.source, source_range.clone());
            let fix = fix_for(ctx, seg, &c.range, &source_range, matched, hits, &eligible);
            let finding = |h: &Hit, entry: &Entry, fix: Fix| {
                let words = words(catalog, h);
                // Most matches are the term as written: the finding shares
                // the entry's term and message.
                let same_as_term = matched == words.term;
                Finding {
                    path: ctx.path.clone(),
                    location,
                    matched: if same_as_term {
                        Shared::Static(words.term)
                    } else {
                        matched.into()
                    },
                    term: Some(Shared::Static(words.term)),
                    role: Some(Shared::Static(words.role)),
                    rule: "jargon",
                    severity: entry.severity,
                    replacements: Shared::Static(words.replacements),
                    explanation: words.explanation.map(Shared::Static),
                    message: if same_as_term {
                        Shared::Static(words.message)
                    } else {
                        [&*words.before, matched, &*words.after].concat().into()
                    },
                    field: seg.field.clone(),
                    fix,
                }
            };
            // Where a batch has a finding, most of its candidates become
            // findings: when the list is full, room for the batch's at once,
            // instead of growing a list of large elements by doubling. (A
            // batch with none, such as one whose terms are all `allow`,
            // reserves nothing.)
            if out.len() == out.capacity() {
                out.reserve(batch.candidate_count());
            }
            // The fix is cloned for all roles but the last, which takes it.
            if let Some((&(h, entry), others)) = flagged.split_last() {
                for &(h, entry) in others {
                    out.push(finding(h, entry, fix.clone()));
                }
                out.push(finding(h, entry, fix));
            }
        }
    }
    BATCH.with_borrow_mut(|kept| *kept = batch);
    out
}

/// Whether the match is part of a code such as `MOQ-SUR` or `RMA-2026-0311`:
/// joined by a dash to capitals or digits. ("SKU-like" is prose: a dash to
/// a lowercase word.)
fn in_code(text: &str, r: &Range<usize>) -> bool {
    let code_char = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
    let after = &text[r.end..];
    let before = &text[..r.start];
    (after.starts_with('-') && after[1..].chars().next().is_some_and(code_char))
        || (before.ends_with('-')
            && before[..before.len() - 1]
                .chars()
                .next_back()
                .is_some_and(code_char))
}

/// Whether the occurrence is explained where it stands: followed by a
/// parenthetical, written inside parentheses right after the words it
/// abbreviates, or written as a link.
fn explained(seg: &Segment, range: &Range<usize>) -> bool {
    let after = seg.text[range.end..].trim_start();
    let before = seg.text[..range.start].trim_end();
    after.starts_with('(')
        || (before.ends_with('(') && after.starts_with(')'))
        || seg
            .links
            .iter()
            .any(|l| l.start <= range.start && range.end <= l.end)
}

/// The words of `hit`'s entry, made at their first use.
fn words<'c>(catalog: &'c Catalog, hit: &Hit) -> &'c Words {
    let role = &catalog.roles[hit.role];
    role.words[hit.entry].get_or_init(|| entry_words(&role.id, &role.entries[hit.entry]))
}

/// An entry's words as its findings carry them: interned (see
/// [`Words`]), with its message's words around the match (the message
/// quotes it). The same for all of the entry's findings, so made once an
/// entry.
fn entry_words(role: &str, entry: &Entry) -> Words {
    let not_known = || format!("{role} readers may not know \"");
    let (before, after) = match (entry.policy, entry.replacements.as_slice()) {
        (Policy::Explain, [one, ..]) => (
            "\"".to_string(),
            format!(
                "\" is not explained at its first use for {role} readers: add \"({one})\" or link it to the glossary"
            ),
        ),
        (Policy::Explain, []) => (
            "\"".to_string(),
            format!(
                "\" is not explained at its first use for {role} readers: explain it in parentheses or link it to the glossary"
            ),
        ),
        (_, []) => (not_known(), "\": explain it in plain words".to_string()),
        (_, [one]) => (not_known(), format!("\": write \"{one}\"")),
        (_, many) => (
            not_known(),
            format!(
                "\": write {}",
                many.iter()
                    .map(|r| format!("\"{r}\""))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ),
    };
    Words {
        role: intern(role),
        term: intern(&entry.term),
        replacements: intern_list(&entry.replacements),
        explanation: entry.explanation.as_deref().map(intern),
        message: intern(&[before.as_str(), &entry.term, after.as_str()].concat()),
        before: before.into(),
        after: after.into(),
    }
}

/// The safe fix for an occurrence, or why there is none. Safe means: every
/// role the document is checked for flags it with policy `replace` and the
/// same single replacement, and the source bytes are the prose as written
/// (no entity, markup or quote prefix inside, not a decoded email part).
fn fix_for(
    ctx: &Context<'_>,
    seg: &Segment,
    text_range: &Range<usize>,
    source_range: &Range<usize>,
    matched: &str,
    hits: &[&Hit],
    eligible: &[bool],
) -> Fix {
    let catalog = ctx.catalog;
    let audience_roles = eligible
        .iter()
        .enumerate()
        .filter(|(_, e)| **e)
        .map(|(i, _)| i);
    // The one replacement every role agrees on, and a hit whose entry has it.
    let mut chosen: Option<(&str, &Hit)> = None;
    for ri in audience_roles {
        let Some(h) = hits.iter().find(|h| h.role == ri) else {
            return Fix::None(format!(
                "role {} has no entry for this term",
                catalog.roles[ri].id
            ));
        };
        let entry = &catalog.roles[h.role].entries[h.entry];
        if entry.policy != Policy::Replace {
            return Fix::None(format!(
                "policy for role {} is not `replace`",
                catalog.roles[ri].id
            ));
        }
        let [one] = entry.replacements.as_slice() else {
            return Fix::None(format!(
                "role {} has {} replacements; choose one by hand",
                catalog.roles[ri].id,
                entry.replacements.len()
            ));
        };
        match chosen {
            None => chosen = Some((one, h)),
            Some((r, _)) if r == one => {}
            Some(_) => {
                return Fix::None(
                    "the roles have different replacements; choose one by hand".into(),
                );
            }
        }
    }
    let Some((replacement, chosen)) = chosen else {
        return Fix::None("no replacement".into());
    };
    if ctx.doc.sources[seg.source].decoded_part.is_some() {
        return Fix::None(
            "the text is in an encoded email part; edit it in the mail client".into(),
        );
    }
    if !seg.is_verbatim(text_range) {
        return Fix::None("the match contains markup, an entity or a quote prefix".into());
    }
    if let Some(why) = reads_badly(&seg.text, text_range, replacement) {
        return Fix::None(why.into());
    }
    let spelling = hits.first().map(|h| h.spelling.as_str()).unwrap_or(matched);
    let sentence_start = sentence_start(&seg.text[..text_range.start]);
    let case = case_change(matched, spelling, sentence_start);
    let edit = |replacement: Text| {
        Fix::Safe(Edit {
            range: source_range.clone(),
            replacement,
        })
    };
    // Written as the phrasebook writes it, into text that needs no escape:
    // the fix shares the entry's interned words instead of making a copy.
    if let (CaseChange::AsWritten, Escape::None) = (case, ctx.doc.escape)
        && let [one] = words(catalog, chosen).replacements
    {
        return edit(Shared::Static(one.as_str()));
    }
    match ctx.doc.escape.apply(case.apply(replacement)) {
        Ok(replacement) => edit(replacement.into()),
        Err(why) => Fix::None(why.to_string()),
    }
}

/// Why putting `replacement` in place of the match would not read as a
/// sentence, if it would not: a parenthetical explanation follows it (the
/// text would say the same thing twice), the word before or after repeats
/// the replacement's first or last word ("pay pay", "number number"), or an
/// article before it would have to change ("an return").
fn reads_badly(text: &str, r: &Range<usize>, replacement: &str) -> Option<&'static str> {
    let before = text[..r.start].trim_end();
    let after = text[r.end..].trim_start();
    if after.starts_with('(') {
        return Some("an explanation in parentheses follows it; edit the sentence by hand");
    }
    let word_before = last_word(before);
    let word_after = first_word(after);
    let mut words = replacement.split_whitespace();
    let first = words.next().unwrap_or("");
    let last = words.next_back().unwrap_or(first);
    if (!word_before.is_empty() && word_before.eq_ignore_ascii_case(first))
        || (!word_after.is_empty() && word_after.eq_ignore_ascii_case(last))
    {
        return Some(
            "the replacement would repeat the next or previous word; edit the sentence by hand",
        );
    }
    let vowel = first
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    let article_mismatch = (word_before.eq_ignore_ascii_case("an") && !vowel)
        || (word_before.eq_ignore_ascii_case("a") && vowel);
    if article_mismatch && before.ends_with(word_before) {
        return Some("the article before it would have to change; edit the sentence by hand");
    }
    None
}

/// The run of letters and digits that ends `s`. ASCII bytes are tested as
/// bytes (a character search with a closure cost about 150 instructions a
/// word, twice for every finding); a character before the run that is not
/// ASCII may be a letter, and then Unicode decides.
fn last_word(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = b.len();
    while i > 0 && b[i - 1].is_ascii_alphanumeric() {
        i -= 1;
    }
    if i > 0 && !b[i - 1].is_ascii() {
        return s
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
    }
    &s[i..]
}

/// The run of letters and digits that starts `s` (see [`last_word`]).
fn first_word(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i < b.len() && !b[i].is_ascii() {
        return s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    }
    &s[..i]
}

/// Whether text before a match ends a sentence (or is empty).
fn sentence_start(before: &str) -> bool {
    let t = before.trim_end();
    let t = t.trim_end_matches(['*', '_', '"', '“', '‘', '\'', '(']);
    t.trim().is_empty() || (t.ends_with(['.', '!', '?']) && before.len() > t.len())
}

/// Gives `replacement` the capitalisation of `matched`: lower stays as
/// written, Title capitalises the first letter, UPPER (when the phrasebook
/// spelling is not itself upper case) upper-cases everything, and a sentence
/// start capitalises the first letter.
pub fn match_case(
    matched: &str,
    spelling: &str,
    replacement: &str,
    sentence_start: bool,
) -> String {
    case_change(matched, spelling, sentence_start).apply(replacement)
}

/// How [`match_case`] writes a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseChange {
    AsWritten,
    Upper,
    /// Each word capitalised.
    Title,
    /// The first letter capitalised.
    Capitalized,
}

impl CaseChange {
    fn apply(self, replacement: &str) -> String {
        match self {
            CaseChange::AsWritten => replacement.to_string(),
            CaseChange::Upper => replacement.to_uppercase(),
            CaseChange::Title => replacement
                .split(' ')
                .map(capitalize)
                .collect::<Vec<_>>()
                .join(" "),
            CaseChange::Capitalized => capitalize(replacement),
        }
    }
}

/// The case [`match_case`] gives a replacement of `matched`.
fn case_change(matched: &str, spelling: &str, sentence_start: bool) -> CaseChange {
    // Most matches start with a lower-case ASCII letter: then no word of
    // the match is capitalised, nor is it upper case, whatever the
    // spelling, and only the sentence start is left to tell.
    if matched
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_lowercase)
    {
        return if sentence_start {
            CaseChange::Capitalized
        } else {
            CaseChange::AsWritten
        };
    }
    case_change_by_letters(matched, spelling, sentence_start)
}

/// [`case_change`], told from the letters alone.
fn case_change_by_letters(matched: &str, spelling: &str, sentence_start: bool) -> CaseChange {
    // Letters only, without collecting them: this runs for many findings.
    fn letters(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
        s.chars().filter(|c| c.is_alphabetic())
    }
    let spelling_upper =
        letters(spelling).next().is_some() && letters(spelling).all(char::is_uppercase);
    let all_upper = letters(matched).nth(1).is_some() && letters(matched).all(char::is_uppercase);
    if all_upper && !spelling_upper {
        return CaseChange::Upper;
    }
    let mut words = matched.split_whitespace();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    // A match does not start with white space: its first character is its
    // first word's, and tells many matches without splitting them.
    let title =
        capital(matched.trim_start()) && words.clone().nth(1).is_some() && words.all(capital);
    if title && !spelling_upper {
        return CaseChange::Title;
    }
    let first_upper = letters(matched).next().is_some_and(char::is_uppercase);
    let spelling_first_upper = letters(spelling).next().is_some_and(char::is_uppercase);
    if (first_upper && !spelling_first_upper) || sentence_start {
        return CaseChange::Capitalized;
    }
    CaseChange::AsWritten
}

/// `s` with its first letter in upper case. The rest is copied whole:
/// collected a character at a time, it cost 700 instructions a finding.
fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    let Some(first) = cs.next() else {
        return String::new();
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.extend(first.to_uppercase());
    out.push_str(cs.as_str());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_follows_the_match() {
        assert_eq!(
            match_case("restocking fee", "restocking fee", "return charge", false),
            "return charge"
        );
        assert_eq!(
            match_case("Restocking fee", "restocking fee", "return charge", false),
            "Return charge"
        );
        assert_eq!(
            match_case("RESTOCKING FEE", "restocking fee", "return charge", false),
            "RETURN CHARGE"
        );
        assert_eq!(
            match_case("DDP", "DDP", "delivered duty paid", false),
            "delivered duty paid"
        );
        assert_eq!(
            match_case("DDP", "DDP", "delivered duty paid", true),
            "Delivered duty paid"
        );
        assert_eq!(
            match_case("Restocking Fee", "restocking fee", "return charge", false),
            "Return Charge"
        );
        // A first letter whose upper case is longer, or not ASCII.
        assert_eq!(capitalize("ßtraße"), "SStraße");
        assert_eq!(match_case("DDP", "DDP", "élan", true), "Élan");
        assert_eq!(capitalize(""), "");
    }

    proptest::proptest! {
        /// The lower-case shortcut gives what the letters give.
        #[test]
        fn a_lower_case_match_keeps_the_case_its_letters_give(
            matched in "[a-zA-Z0-9ßé ]{1,12}",
            spelling in "[a-zA-Z ]{1,12}",
            sentence_start: bool,
        ) {
            proptest::prop_assert_eq!(
                case_change(&matched, &spelling, sentence_start),
                case_change_by_letters(&matched, &spelling, sentence_start)
            );
        }
    }

    #[test]
    fn sentence_starts() {
        assert!(sentence_start(""));
        assert!(sentence_start("Done. "));
        assert!(!sentence_start("the "));
        assert!(!sentence_start("one\n"));
        assert!(sentence_start("Done.\r\n"));
        assert!(!sentence_start("e.g.x"));
    }

    #[test]
    fn codes_are_not_prose() {
        let t = "MOQ-SUR and RMA-2026 and SKU-like and x-MOQ and 7-MOQ";
        let at = |w: &str, n: usize| {
            let i = t.match_indices(w).nth(n).unwrap().0;
            i..i + w.len()
        };
        assert!(in_code(t, &at("MOQ", 0)));
        assert!(in_code(t, &at("RMA", 0)));
        assert!(!in_code(t, &at("SKU", 0)));
        assert!(!in_code(t, &at("MOQ", 1)));
        assert!(in_code(t, &at("MOQ", 2)));
    }

    #[test]
    fn replacements_that_would_read_badly_are_not_fixed() {
        let check = |t: &str, term: &str, repl: &str| {
            let i = t.find(term).unwrap();
            reads_badly(t, &(i..i + term.len()), repl)
        };
        assert!(check("ask for an RMA now", "RMA", "return number").is_some());
        assert!(check("your RMA number", "RMA", "return number").is_some());
        assert!(check("pay net 60", "net 60", "pay within 60 days").is_some());
        assert!(check("we deliver DDP (delivered duty paid)", "DDP", "duty paid").is_some());
        assert!(check("ask for an RMA now", "RMA", "exchange").is_none());
        assert!(check("a RSTK fee applies", "RSTK fee", "return charge").is_none());
    }

    #[test]
    fn messages_quote_the_match_between_the_entry_s_words() {
        let entry = |policy: Policy, replacements: &[&str]| Entry {
            term: "DDP".into(),
            variants: Vec::new(),
            replacements: replacements.iter().map(|r| r.to_string()).collect(),
            explanation: None,
            policy,
            case_sensitive: false,
            severity: crate::finding::Severity::Warning,
            examples: Default::default(),
            origin: crate::phrasebook::Origin {
                path: "b.yaml".into(),
                line: 1,
            },
        };
        let message = |e: &Entry| {
            let words = entry_words("finance", e);
            assert_eq!(
                (words.role, words.term, words.replacements),
                ("finance", "DDP", e.replacements.as_slice())
            );
            assert_eq!(
                words.message,
                [&*words.before, "DDP", &*words.after].concat()
            );
            [&*words.before, "ddp", &*words.after].concat()
        };
        let cases = [
            (
                entry(Policy::Explain, &["duty paid"]),
                "\"ddp\" is not explained at its first use for finance readers: add \"(duty paid)\" or link it to the glossary",
            ),
            (
                entry(Policy::Explain, &[]),
                "\"ddp\" is not explained at its first use for finance readers: explain it in parentheses or link it to the glossary",
            ),
            (
                entry(Policy::Replace, &[]),
                "finance readers may not know \"ddp\": explain it in plain words",
            ),
            (
                entry(Policy::Replace, &["duty paid"]),
                "finance readers may not know \"ddp\": write \"duty paid\"",
            ),
            (
                entry(Policy::Replace, &["duty paid", "delivered"]),
                "finance readers may not know \"ddp\": write \"duty paid\" or \"delivered\"",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(message(&e), want);
        }
    }

    #[test]
    fn words_at_the_edges_are_unicode_words() {
        for s in [
            "",
            "a",
            "net 30",
            "the RMA",
            "x-RMA",
            "Grüße",
            "café au lait",
            "über",
            "ab€",
            "2 x\u{a0}y",
            "état",
            "l'été",
            "end.",
            "(DDP",
            "1é2",
        ] {
            let unicode_last = s
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            let unicode_first = s.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            assert_eq!(last_word(s), unicode_last, "{s:?}");
            assert_eq!(first_word(s), unicode_first, "{s:?}");
        }
    }

    #[test]
    fn address_marks() {
        for yes in ["a@b", "x://", "://", "see www.", "WWW.X", "Www.x", "@"] {
            assert!(has_address_mark(yes), "{yes}");
        }
        for no in ["", "a.b", "a:b", "x:/", ":", "ww.x", "wwwx.", "w.w.w."] {
            assert!(!has_address_mark(no), "{no}");
        }
        // Longer texts take the vector search.
        let long = "x".repeat(40);
        for yes in ["a@b", "x://", "see www."] {
            assert!(has_address_mark(&format!("{long}{yes}{long}")), "{yes}");
        }
        for no in ["a.b", "x:/", "wwwx."] {
            assert!(!has_address_mark(&format!("{long}{no}{long}")), "{no}");
        }
    }

    #[test]
    fn only_the_text_around_a_match_is_searched_for_an_address() {
        let at = |t: &str, w: &str| {
            let i = t.find(w).unwrap();
            i..i + w.len()
        };
        let t = "DDP terms: mail sla@nordwind.example or see https://x.example/ddp-terms now";
        assert!(!near_address(t, &at(t, "DDP")));
        assert!(near_address(t, &at(t, "ddp")));
        // A match that runs out of an address, and one across white space
        // other than a space.
        let t = "see https://x.example/restocking fee now";
        assert!(near_address(t, &at(t, "restocking fee")));
        let t = "DDP\u{a0}www.x.example/DDP\u{3000}DDP";
        assert!(!near_address(t, &at(t, "DDP")));
        assert!(near_address(t, &at(t, "/DDP")));
        assert!(!near_address(t, &(t.len() - 3..t.len())));
        // No white space near: the whole text is searched.
        let t = format!("DDP{}a@b.example", "x".repeat(300));
        assert!(near_address(&t, &(0..3)));
    }

    proptest::proptest! {
        /// Wherever an address touches a match, the search around the match
        /// finds its marks.
        #[test]
        fn every_address_touching_a_match_is_near_it(
            words in proptest::collection::vec(
                "DDP|fee|a@b\\.example|https://x\\.example/ddp|www\\.x\\.example|\\.|é|x{200,300}",
                0..12,
            ),
            spaces in proptest::collection::vec(" |\u{a0}|\u{3000}|\n|", 12),
        ) {
            let t: String = words.iter().zip(&spaces).flat_map(|(w, s)| [w.as_str(), s.as_str()]).collect();
            let lower = t.to_lowercase();
            for (i, _) in lower.match_indices("ddp") {
                let r = i..i + 3;
                let touched = addresses(&t).iter().any(|m| m.start < r.end && r.start < m.end);
                proptest::prop_assert!(!touched || near_address(&t, &r), "{t:?} at {r:?}");
            }
        }
    }

    #[test]
    fn addresses_are_found() {
        let t = "mail sla@nordwind.example or see https://x.example/ddp-terms now";
        let found: Vec<_> = addresses(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            found,
            vec!["sla@nordwind.example", "https://x.example/ddp-terms"]
        );
        // At a sentence's start, capitalised.
        let t = "Www.x.example/ddp has the terms.";
        let found: Vec<_> = addresses(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(found, vec!["Www.x.example/ddp"]);
    }
}
