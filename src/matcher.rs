//! The term matcher: every spelling of every loaded term in one aho-corasick
//! automaton, run over case-folded text, reporting whole-word candidates with
//! byte ranges into the text it was given.
//!
//! aho-corasick folds ASCII only, so the text is folded (Unicode lowercase,
//! whitespace runs collapsed to one space) into a buffer that keeps a map back
//! to the original byte offsets. Lowercasing is Unicode's, with the final
//! sigma folded to sigma so that "ΣΟΦΟΣ" and "σοφος" agree. The matcher knows nothing about files,
//! phrasebooks or roles: the caller decides which candidates count and picks
//! the leftmost-longest among those (see [`select`]).

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Folds one spelling the way text is folded: Unicode lowercase, whitespace
/// runs as one space, trimmed. Two spellings with the same key are the same
/// needle.
pub fn normalize(s: &str) -> String {
    let folded = Folded::new(s.trim());
    folded.text
}

/// Is `c` part of a word? Unicode `\w`: letters, marks, digits, connector
/// punctuation. Apostrophes and dashes are not, so `SKU` matches in "SKU's"
/// and "SKU-like".
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        regex_syntax::is_word_character(c)
    }
}

/// Text folded for matching, with a map from each folded byte back to the
/// byte offset of the source character it came from.
#[derive(Debug, Default)]
pub struct Folded {
    pub text: String,
    /// `map[i]` is the source offset of the character folded byte `i` came
    /// from; `map[text.len()]` is the source length. Empty when folding
    /// kept every offset (see [`fold_byte_for_byte`]).
    map: Vec<u32>,
}

impl Folded {
    /// Folds `src`. Whitespace runs become one space mapped to the run's
    /// first character.
    pub fn new(src: &str) -> Self {
        let mut folded = Folded::default();
        folded.refold(src);
        folded
    }

    /// Folds `src` into this buffer, reusing its memory: a tree of documents
    /// is hundreds of thousands of short segments.
    pub fn refold(&mut self, src: &str) {
        let mut out = std::mem::take(&mut self.text).into_bytes();
        out.clear();
        self.map.clear();
        if !fold_byte_for_byte(src, &mut out) {
            out.clear();
            fold_mapped(src, &mut out, &mut self.map);
        }
        // Built from whole UTF-8 sequences only, so this cannot fail.
        self.text = String::from_utf8(out).unwrap_or_default();
    }

    /// Source offset for a folded start offset, if it begins a source character.
    fn source_start(&self, i: usize) -> Option<usize> {
        if self.map.is_empty() {
            return Some(i);
        }
        if i > 0 && self.map[i - 1] == self.map[i] {
            return None;
        }
        Some(self.map[i] as usize)
    }

    /// Source offset for a folded end offset, if it ends a source character.
    fn source_end(&self, i: usize) -> Option<usize> {
        if self.map.is_empty() {
            return Some(i);
        }
        if i < self.text.len() && i > 0 && self.map[i - 1] == self.map[i] {
            return None;
        }
        Some(self.map[i] as usize)
    }
}

/// The common case, with no map to build: prose with no whitespace run
/// whose every character folds to as many bytes as it has (ASCII, and
/// typography such as curly quotes, dashes and accented letters) folds in
/// place, so every folded offset is its source offset. False (and `out`
/// unusable) when `src` is not such text.
fn fold_byte_for_byte(src: &str, out: &mut Vec<u8>) -> bool {
    let bytes = src.as_bytes();
    // Branch-free, so that the compiler can fold many bytes at once. Bytes
    // of non-ASCII characters are copied and folded below.
    out.extend(bytes.iter().map(|&b| {
        let space = b.wrapping_sub(b'\t') < 5; // \t \n \x0b \x0c \r
        let upper = b.wrapping_sub(b'A') < 26;
        if space {
            b' '
        } else {
            b | (u8::from(upper) << 5)
        }
    }));
    // A whitespace run needs the map. Segments are short (a paragraph, a
    // cell): a branch-free pass beats setting up a substring searcher.
    let mut run = false;
    for (a, b) in out.iter().zip(out.iter().skip(1)) {
        run |= (*a == b' ') & (*b == b' ');
    }
    if run {
        return false;
    }
    // Non-ASCII characters are rare in prose: visit only them.
    let mut i = 0;
    while let Some(at) = next_non_ascii(bytes, i) {
        let Some(c) = src[at..].chars().next() else {
            return false;
        };
        if c.is_whitespace() {
            return false;
        }
        let mut lower = fold_char(c);
        let (Some(lower), None) = (lower.next(), lower.next()) else {
            return false;
        };
        let len = c.len_utf8();
        if lower.len_utf8() != len {
            return false;
        }
        lower.encode_utf8(&mut out[at..at + len]);
        i = at + len;
    }
    true
}

/// A character of text as folded: Unicode's lower case, with the final
/// sigma as sigma. Both folds use it, so they cannot disagree.
fn fold_char(c: char) -> std::char::ToLowercase {
    if c == 'ς' { 'σ' } else { c }.to_lowercase()
}

/// The offset of the first non-ASCII byte at or after `from`. ASCII runs are
/// skipped a block at a time (`is_ascii` on a block is vectorized); a byte by
/// byte search made folding ASCII text half as fast.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut at = from;
    while let Some(block) = bytes.get(at..at + BLOCK) {
        if !block.is_ascii() {
            break;
        }
        at += BLOCK;
    }
    bytes[at..]
        .iter()
        .position(|b| !b.is_ascii())
        .map(|i| at + i)
}

/// Any text, with `map` from each folded byte back to its source offset.
fn fold_mapped(src: &str, out: &mut Vec<u8>, map: &mut Vec<u32>) {
    let bytes = src.as_bytes();
    out.reserve(bytes.len() + 8);
    map.reserve(bytes.len() + 9);
    let mut in_space = false;
    let mut i = 0;
    while i < bytes.len() {
        // Fast run: ASCII that folds byte for byte (letters lowercased, a
        // single space kept), copied in bulk.
        let start = i;
        while i < bytes.len() {
            match bytes[i] {
                b' ' if in_space => break,
                b' ' => in_space = true,
                b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => break,
                0x80.. => break,
                _ => in_space = false,
            }
            i += 1;
        }
        if i > start {
            out.extend(bytes[start..i].iter().map(u8::to_ascii_lowercase));
            map.extend(start as u32..i as u32);
        }
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            // ASCII whitespace: a run becomes one space.
            if !in_space {
                out.push(b' ');
                map.push(i as u32);
                in_space = true;
            }
            i += 1;
            continue;
        }
        let c = src[i..].chars().next().unwrap_or('\u{FFFD}');
        if c.is_whitespace() {
            if !in_space {
                out.push(b' ');
                map.push(i as u32);
                in_space = true;
            }
        } else {
            in_space = false;
            let mut buf = [0u8; 4];
            for l in fold_char(c) {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
            map.resize(out.len(), i as u32);
        }
        i += c.len_utf8();
    }
    map.push(bytes.len() as u32);
}

/// One whole-word occurrence of a needle in the text given to [`Matcher::find`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the needle, as returned by [`Matcher::needle`].
    pub needle: usize,
    /// Byte range in the original text.
    pub range: Range<usize>,
}

/// Bytes scanned with the quick-to-build NFA before the faster-scanning DFA
/// is built: a one-file pre-send check should not pay for a DFA, a tree of
/// documents should not scan without one.
const DFA_AFTER_BYTES: usize = 2 << 20;
/// Past this many needles, or this many needle bytes in all, a DFA's build
/// time and memory outgrow its gain (a 1 MB term alone takes minutes).
/// 10,000 generated terms (131 KB) make a 22 MB DFA, built in about 0.1 s,
/// that scans the 100 MB bench tree 16% faster than the NFA.
const DFA_MAX_NEEDLES: usize = 12_000;
const DFA_MAX_NEEDLE_BYTES: usize = 160 * 1024;

/// The automaton over every needle.
#[derive(Debug)]
pub struct Matcher {
    /// A contiguous NFA: cheap to build, used first.
    nfa: Option<AhoCorasick>,
    /// A DFA, built once enough text has been scanned (see [`DFA_AFTER_BYTES`]).
    dfa: std::sync::OnceLock<Option<AhoCorasick>>,
    scanned: std::sync::atomic::AtomicUsize,
    needles: Vec<String>,
    /// Whether a needle starts / ends with a word character: the
    /// word-boundary test applies only at such ends (as `\b` does).
    word_ends: Vec<(bool, bool)>,
}

impl Clone for Matcher {
    fn clone(&self) -> Self {
        Matcher::new(self.needles.clone())
    }
}

fn build(needles: &[String], kind: AhoCorasickKind) -> Option<AhoCorasick> {
    if needles.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(needles)
        .or_else(|_| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(needles)
        })
        .ok()
}

impl Matcher {
    /// Builds the automaton. `needles` must be normalized ([`normalize`]) and
    /// distinct; their index is the needle id.
    pub fn new(needles: Vec<String>) -> Self {
        let word_ends = needles
            .iter()
            .map(|n| {
                (
                    n.chars().next().is_some_and(is_word_char),
                    n.chars().next_back().is_some_and(is_word_char),
                )
            })
            .collect();
        Matcher {
            nfa: build(&needles, AhoCorasickKind::ContiguousNFA),
            dfa: std::sync::OnceLock::new(),
            scanned: std::sync::atomic::AtomicUsize::new(0),
            needles,
            word_ends,
        }
    }

    /// The automaton to scan `len` more bytes with.
    fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(dfa) = self.dfa.get() {
            return dfa.as_ref().or(self.nfa.as_ref());
        }
        let before = self
            .scanned
            .fetch_add(len, std::sync::atomic::Ordering::Relaxed);
        if before + len >= DFA_AFTER_BYTES
            && self.needles.len() <= DFA_MAX_NEEDLES
            && self.needles.iter().map(String::len).sum::<usize>() <= DFA_MAX_NEEDLE_BYTES
        {
            let dfa = self
                .dfa
                .get_or_init(|| build(&self.needles, AhoCorasickKind::DFA));
            return dfa.as_ref().or(self.nfa.as_ref());
        }
        self.nfa.as_ref()
    }

    /// The normalized needle with this id.
    pub fn needle(&self, id: usize) -> &str {
        &self.needles[id]
    }

    /// Number of needles.
    pub fn len(&self) -> usize {
        self.needles.len()
    }

    /// Whether there are no needles.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Every whole-word occurrence of every needle in `text`, overlapping
    /// ones included, in order of start then longest first.
    pub fn find(&self, text: &str) -> Vec<Candidate> {
        let mut out = Vec::new();
        self.find_into(text, &mut Folded::default(), &mut out);
        out
    }

    /// [`Matcher::find`] into `out` (cleared first), folding in `folded`:
    /// buffers a caller reuses from one segment to the next.
    pub fn find_into(&self, text: &str, folded: &mut Folded, out: &mut Vec<Candidate>) {
        out.clear();
        let Some(ac) = self.automaton(text.len()) else {
            return;
        };
        folded.refold(text);
        let ftext = folded.text.as_str();
        for m in ac.find_overlapping_iter(ftext) {
            let (fs, fe) = (m.start(), m.end());
            let id = m.pattern().as_usize();
            let (word_start, word_end) = self.word_ends[id];
            if word_start && ftext[..fs].chars().next_back().is_some_and(is_word_char) {
                continue;
            }
            if word_end && ftext[fe..].chars().next().is_some_and(is_word_char) {
                continue;
            }
            let (Some(s), Some(e)) = (folded.source_start(fs), folded.source_end(fe)) else {
                continue;
            };
            out.push(Candidate {
                needle: id,
                range: s..e,
            });
        }
        // Two candidates with the same range are the same needle, so an
        // unstable sort (no scratch buffer to allocate) is deterministic.
        out.sort_unstable_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then(b.range.end.cmp(&a.range.end))
        });
    }
}

/// Picks leftmost-longest, non-overlapping candidates among those `keep`
/// accepts. Filtering before choosing means a longer candidate that is not
/// valid never hides a valid shorter one. `candidates` must be sorted as
/// [`Matcher::find`] returns them.
pub fn select(
    candidates: &[Candidate],
    mut keep: impl FnMut(&Candidate) -> bool,
) -> Vec<&Candidate> {
    select_indices(candidates, move |_, c| keep(c))
        .map(|i| &candidates[i])
        .collect()
}

/// [`select`], giving `keep` each candidate's index and yielding indices as
/// it goes: no list is built for each of a tree's many segments.
pub fn select_indices<'a>(
    candidates: &'a [Candidate],
    mut keep: impl FnMut(usize, &Candidate) -> bool + 'a,
) -> impl Iterator<Item = usize> + 'a {
    let mut end = 0;
    candidates.iter().enumerate().filter_map(move |(i, c)| {
        if c.range.start < end || !keep(i, c) {
            return None;
        }
        end = c.range.end;
        Some(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(terms: &[&str]) -> Matcher {
        Matcher::new(terms.iter().map(|t| normalize(t)).collect())
    }

    /// The selected matches as source slices.
    fn hits<'t>(terms: &[&str], text: &'t str) -> Vec<&'t str> {
        let m = matcher(terms);
        let cands = m.find(text);
        select(&cands, |_| true)
            .into_iter()
            .map(|c| &text[c.range.clone()])
            .collect()
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(hits(&["SKU"], "SKU-like"), vec!["SKU"]);
        assert_eq!(hits(&["SKU"], "the SKU's code"), vec!["SKU"]);
        assert!(hits(&["SKU"], "SKUS").is_empty());
        assert!(hits(&["SKU"], "XSKU").is_empty());
        assert!(hits(&["SKU"], "SKU_1").is_empty());
        assert!(hits(&["net 30"], "net 300").is_empty());
        assert_eq!(hits(&["net 30"], "net 30."), vec!["net 30"]);
    }

    #[test]
    fn unicode_case_folding() {
        assert_eq!(
            hits(&["förfallodag"], "FÖRFALLODAG idag"),
            vec!["FÖRFALLODAG"]
        );
        assert_eq!(hits(&["ΣΟΦΟΣ"], "σοφος"), vec!["σοφος"]);
        assert_eq!(
            hits(&["restocking fee"], "A Restocking Fee."),
            vec!["Restocking Fee"]
        );
    }

    #[test]
    fn unicode_word_boundaries() {
        // "ö" is a letter: no match inside "föreDDP" or "DDPö".
        assert!(hits(&["DDP"], "föreDDP").is_empty());
        assert!(hits(&["DDP"], "DDPö").is_empty());
        assert_eq!(hits(&["DDP"], "«DDP»"), vec!["DDP"]);
        // Swedish compounds are not split.
        assert!(hits(&["faktura"], "fakturaavgiften").is_empty());
    }

    #[test]
    fn space_matches_any_whitespace_run() {
        assert_eq!(
            hits(
                &["minimum order quantity"],
                "the minimum  order\n\tquantity is 5"
            ),
            vec!["minimum  order\n\tquantity"]
        );
        assert_eq!(hits(&["net 30"], "net\u{a0}30"), vec!["net\u{a0}30"]);
        assert_eq!(hits(&["net 30"], "net\r\n30"), vec!["net\r\n30"]);
    }

    #[test]
    fn longest_match_wins() {
        assert_eq!(
            hits(&["net 30", "2/10 net 30"], "terms 2/10 net 30 apply"),
            vec!["2/10 net 30"]
        );
        assert_eq!(
            hits(
                &["remittance", "remittance advice"],
                "send remittance advice"
            ),
            vec!["remittance advice"]
        );
    }

    #[test]
    fn failed_longer_match_falls_back_to_shorter() {
        assert_eq!(
            hits(&["remittance", "remittance advice"], "remittance advices"),
            vec!["remittance"]
        );
    }

    #[test]
    fn rejected_candidates_do_not_hide_others() {
        let m = matcher(&["net", "net 30"]);
        let cands = m.find("net 30 days");
        let picked: Vec<_> = select(&cands, |c| m.needle(c.needle) == "net")
            .into_iter()
            .map(|c| c.range.clone())
            .collect();
        assert_eq!(picked, vec![0..3]);
    }

    #[test]
    fn offsets_are_source_bytes_with_multibyte_text() {
        let text = "Grüße: DDP — ständig";
        let m = matcher(&["DDP"]);
        let c = &m.find(text)[0];
        assert_eq!(&text[c.range.clone()], "DDP");
        assert_eq!(c.range, 9..12);
    }

    #[test]
    fn expanding_fold_keeps_char_boundaries() {
        // "İ" lowercases to two chars; a needle matching half of it is not a match.
        let text = "İDDP İ DDP";
        let m = matcher(&["DDP", "i"]);
        let found: Vec<_> = m.find(text).into_iter().map(|c| &text[c.range]).collect();
        assert_eq!(found, vec!["DDP"]);
    }

    #[test]
    fn non_word_edges_need_no_boundary() {
        assert_eq!(hits(&["#tag"], "a#tag b"), vec!["#tag"]);
        assert_eq!(hits(&["2/10"], "x 2/10."), vec!["2/10"]);
    }

    #[test]
    fn byte_for_byte_fold_agrees_with_the_mapped_fold() {
        let mapped = |src: &str| {
            let mut slow = Folded::default();
            let mut out = Vec::new();
            fold_mapped(src, &mut out, &mut slow.map);
            slow.text = String::from_utf8(out).unwrap();
            slow
        };
        let mut reused = Folded::new("Göteborg, a longer text  with a run");
        let same_length = [
            "",
            "Net 30\nDays",
            "a\tB c\rD\x0bE\x0cf",
            "MOQ, DDP.",
            "“Göteborg” — ÅRSTA’S café, ΣΟΦΟΣ ς",
        ];
        for src in same_length {
            assert!(fold_byte_for_byte(src, &mut Vec::new()), "{src:?}");
            reused.refold(src);
            let slow = mapped(src);
            assert_eq!(reused.text, slow.text, "{src:?}");
            // Matches are whole characters of valid UTF-8, so they start and
            // end only where a source character does.
            for i in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
                assert_eq!(reused.source_start(i), slow.source_start(i), "{src:?} {i}");
                assert_eq!(reused.source_end(i), slow.source_end(i), "{src:?} {i}");
            }
        }
        // Runs of whitespace, non-ASCII whitespace and characters that fold
        // to another length need the map.
        for src in [
            "net  30",
            "net\r\n30",
            "net\u{a0}30",
            "\u{212a}elvin",
            "İstanbul",
        ] {
            assert!(!fold_byte_for_byte(src, &mut Vec::new()), "{src:?}");
            reused.refold(src);
            assert_eq!(reused.text, mapped(src).text);
            assert_eq!(reused.map, mapped(src).map);
        }
    }

    #[test]
    fn empty_matcher_finds_nothing() {
        assert!(Matcher::new(vec![]).find("anything").is_empty());
    }
}
