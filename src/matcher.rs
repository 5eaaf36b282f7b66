//! The term matcher: every spelling of every loaded term in one aho-corasick
//! automaton (after a first few kilobytes looked up by first byte, see
//! [`AUTOMATON_AFTER_BYTES`]), run over case-folded text, reporting
//! whole-word candidates with byte ranges into the text it was given.
//!
//! aho-corasick folds ASCII only, so the text is folded (Unicode lowercase,
//! whitespace runs collapsed to one space) into a buffer that keeps a map back
//! to the original byte offsets. Lowercasing is Unicode's, with the final
//! sigma folded to sigma so that "ΣΟΦΟΣ" and "σοφος" agree. The matcher knows nothing about files,
//! phrasebooks or roles: the caller decides which candidates count and picks
//! the leftmost-longest among those (see [`select`]).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, MatchKind, dfa};

/// Folds one spelling the way text is folded: Unicode lowercase, whitespace
/// runs as one space, trimmed. Two spellings with the same key are the same
/// needle.
pub fn normalize(s: &str) -> String {
    let s = s.trim();
    // Most spellings fold byte for byte: one allocation, not a `Folded`'s
    // four (the bundled phrasebooks' spellings are a fifth of start-up).
    let mut bytes = Vec::with_capacity(s.len());
    if !fold_byte_for_byte(s, &mut bytes) {
        bytes = Folded::new(s).part(0).to_vec();
    }
    // Folded from whole UTF-8 sequences only, so this cannot fail.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Is `c` part of a word? Unicode `\w`: letters, marks, digits, connector
/// punctuation. Apostrophes and dashes are not, so `SKU` matches in "SKU's"
/// and "SKU-like".
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        is_ascii_word_byte(c as u8)
    } else {
        regex_syntax::is_word_character(c)
    }
}

/// [`is_word_char`] for an ASCII byte.
fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Texts folded for matching, one after another, with a map from each
/// folded byte back to the byte offset of the source character it came from.
///
/// Each text (a part) is followed by a line feed. Folding turns every
/// whitespace character into a space, so no needle holds a line feed and no
/// match runs from one part into the next: many short texts can be scanned
/// as one.
#[derive(Debug, Default)]
pub struct Folded {
    bytes: Vec<u8>,
    /// Source offsets of the parts that need them (see [`Part::map`]).
    map: Vec<u32>,
    parts: Vec<Part>,
}

/// Where one folded text lies in [`Folded::bytes`].
#[derive(Debug, Clone)]
struct Part {
    start: usize,
    end: usize,
    /// `None` when folding kept every offset (see [`fold_byte_for_byte`]);
    /// else where the part's map starts in [`Folded::map`]: entry `i` is the
    /// source offset of the character the part's folded byte `i` came from,
    /// entry `end - start` is the source length.
    map: Option<usize>,
}

impl Folded {
    /// Folds `src` alone. Whitespace runs become one space mapped to the
    /// run's first character.
    pub fn new(src: &str) -> Self {
        let mut folded = Folded::default();
        folded.push(src);
        folded
    }

    /// Folds `src` as the next part.
    pub fn push(&mut self, src: &str) {
        let start = self.bytes.len();
        let map = if fold_byte_for_byte(src, &mut self.bytes) {
            None
        } else {
            self.bytes.truncate(start);
            let at = self.map.len();
            fold_mapped(src, &mut self.bytes, &mut self.map);
            Some(at)
        };
        let end = self.bytes.len();
        self.bytes.push(b'\n');
        self.parts.push(Part { start, end, map });
    }

    /// The folded bytes of part `k`.
    pub fn part(&self, k: usize) -> &[u8] {
        let p = &self.parts[k];
        &self.bytes[p.start..p.end]
    }

    /// The source offset where folded byte `i` (an offset into the part)
    /// starts a source character, if it does.
    fn source_start(&self, part: &Part, i: usize) -> Option<usize> {
        let Some(at) = part.map else {
            return Some(i);
        };
        let map = &self.map[at..];
        if i > 0 && map[i - 1] == map[i] {
            return None;
        }
        Some(map[i] as usize)
    }

    /// The source offset where folded offset `i` (into the part) ends a
    /// source character, if it does.
    fn source_end(&self, part: &Part, i: usize) -> Option<usize> {
        let Some(at) = part.map else {
            return Some(i);
        };
        let map = &self.map[at..];
        if i < part.end - part.start && i > 0 && map[i - 1] == map[i] {
            return None;
        }
        Some(map[i] as usize)
    }
}

/// The common case, with no map to build: prose with no whitespace run
/// whose every character folds to as many bytes as it has (ASCII, and
/// typography such as curly quotes, dashes and accented letters) folds in
/// place, so every folded offset is its source offset. Appends to `out`;
/// false (and what was appended unusable) when `src` is not such text.
fn fold_byte_for_byte(src: &str, out: &mut Vec<u8>) -> bool {
    let base = out.len();
    let bytes = src.as_bytes();
    out.resize(base + bytes.len(), 0);
    let folded = &mut out[base..];
    // Sixteen bytes at a time, in a loop of known length that the compiler
    // turns into vector instructions (through `extend`, it folded one byte
    // at a time: six instructions a byte); the last few bytes as a block
    // too, as segments are short (a paragraph, a cell: most of them under
    // a hundred bytes, where a byte-at-a-time tail cost as much as the
    // rest).
    let mut run = false;
    let mut before = 0u128;
    let mut high = [0u8; LANES];
    let mut chunks = folded
        .chunks_exact_mut(LANES)
        .zip(bytes.chunks_exact(LANES));
    for (out, src) in &mut chunks {
        let spaces = fold_block(src, out, &mut high);
        run |= has_run(spaces, before);
        before = spaces;
    }
    let done = bytes.len() - bytes.len() % LANES;
    if done < bytes.len() && done > 0 {
        // The last sixteen bytes, over the end of the block before: folded
        // again, they fold the same, and a run among them is a run (the
        // pair across their start was in that block).
        let at = bytes.len() - LANES;
        run |= has_run(fold_block(&bytes[at..], &mut folded[at..], &mut high), 0);
    } else if done < bytes.len() {
        // Shorter than a block: padded with a letter, neither a space nor
        // a non-ASCII byte.
        let mut src = [b'a'; LANES];
        let mut out = [0; LANES];
        src[..bytes.len()].copy_from_slice(bytes);
        run |= has_run(fold_lanes(&src, &mut out, &mut high), 0);
        folded.copy_from_slice(&out[..bytes.len()]);
    }
    // A whitespace run needs the map.
    if run {
        return false;
    }
    if high.iter().all(u8::is_ascii) {
        return true;
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
        lower.encode_utf8(&mut folded[at..at + len]);
        i = at + len;
    }
    true
}

/// Bytes [`fold_byte_for_byte`] folds at once.
const LANES: usize = 16;

/// Folds sixteen bytes as [`fold_byte_for_byte`] does, byte for byte (ASCII
/// letters lowercased, ASCII whitespace as a space, other bytes as they
/// are). Returns the folded spaces as a mask, byte `i` of it (from the low
/// end) all ones for a space; ORs each byte into the same lane of `high`,
/// whose top bits then say whether any byte was not ASCII. Written as
/// plain loops over lanes, which the compiler makes vector instructions.
#[inline]
fn fold_lanes(src: &[u8; LANES], out: &mut [u8; LANES], high: &mut [u8; LANES]) -> u128 {
    let mut spaces = [0u8; LANES];
    for i in 0..LANES {
        let b = src[i];
        let white = b.wrapping_sub(b'\t') < 5; // \t \n \x0b \x0c \r
        let upper = b.wrapping_sub(b'A') < 26;
        let f = if white {
            b' '
        } else {
            b | (u8::from(upper) << 5)
        };
        out[i] = f;
        spaces[i] = if f == b' ' { 0xFF } else { 0 };
        high[i] |= b;
    }
    u128::from_le_bytes(spaces)
}

/// [`fold_lanes`] on slices of [`LANES`] bytes, as the callers cut them
/// (of another length, nothing is folded).
fn fold_block(src: &[u8], out: &mut [u8], high: &mut [u8; LANES]) -> u128 {
    match (
        <&[u8; LANES]>::try_from(src),
        <&mut [u8; LANES]>::try_from(out),
    ) {
        (Ok(src), Ok(out)) => fold_lanes(src, out, high),
        _ => 0,
    }
}

/// Whether a run of two spaces is in `spaces` (a [`fold_lanes`] mask), or
/// starts at its last byte when `before`, the mask before, ends in one.
fn has_run(spaces: u128, before: u128) -> bool {
    spaces & (spaces >> 8) != 0 || (before >> 120) & spaces & 0xFF != 0
}

/// A character of text as folded: Unicode's lower case, with the final
/// sigma as sigma. Both folds use it, so they cannot disagree. Latin-1
/// letters (German, Swedish, French, Spanish) and typography (dashes,
/// curly quotes) are folded here: the search of Unicode's case table was
/// half the time of folding German or Swedish text.
fn fold_char(c: char) -> Folding {
    match (c, u8::try_from(c)) {
        // À to Þ, but not ×: the lower case is 0x20 above.
        (_, Ok(b @ 0xC0..=0xDE)) if b != 0xD7 => Folding::One(Some(char::from(b + 0x20))),
        // ß to ÿ (and ÷): lower case already. General Punctuation has no
        // case.
        (_, Ok(0xDF..)) | ('\u{2000}'..='\u{206F}', _) => Folding::One(Some(c)),
        _ => Folding::Table(if c == 'ς' { 'σ' } else { c }.to_lowercase()),
    }
}

/// The characters [`fold_char`] folds a character to.
enum Folding {
    One(Option<char>),
    Table(std::char::ToLowercase),
}

impl Iterator for Folding {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        match self {
            Folding::One(c) => c.take(),
            Folding::Table(t) => t.next(),
        }
    }
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
/// Appends to both, one map entry per folded byte and one for the end.
fn fold_mapped(src: &str, out: &mut Vec<u8>, map: &mut Vec<u32>) {
    // Map entry for folded byte `out[i]` is `map[i - shift]`.
    let shift = out.len() - map.len();
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
            map.resize(out.len() - shift, i as u32);
        }
        i += c.len_utf8();
    }
    map.push(bytes.len() as u32);
}

/// One whole-word occurrence of a needle in a text given to [`Matcher::find`]
/// or pushed to a [`Batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the needle, as returned by [`Matcher::needle`].
    pub needle: usize,
    /// Byte range in the original text.
    pub range: Range<usize>,
}

/// Bytes scanned (by first byte, then with the quick-to-build NFA) before
/// the faster-scanning DFA is built: a one-file pre-send check should not
/// pay for a DFA, a tree of documents should not scan without one.
const DFA_AFTER_BYTES: usize = 2 << 20;
/// Past this many needles, or this many needle bytes in all, a DFA's build
/// time and memory outgrow its gain (a 1 MB term alone takes minutes).
/// 10,000 generated terms (131 KB) make a 22 MB DFA, built in about 0.1 s;
/// with them the 100 MB bench tree took 2.09 s on the NFA alone and takes
/// about 1.3 s with the DFA's streamed scan (README, Performance).
const DFA_MAX_NEEDLES: usize = 12_000;
const DFA_MAX_NEEDLE_BYTES: usize = 160 * 1024;

/// Bytes scanned by looking needles up by their first byte ([`ByFirstByte`])
/// before the NFA is built. A pre-send check of one invoice or email scans
/// a few kilobytes of prose, and building the NFA over the bundled
/// phrasebooks' 673 needles took 5.2 of the 12.0 million instructions of a
/// one-line check. With this limit set past each file's size, `plainly
/// check` of 7, 16 and 30 KB Markdown files took 8.1, 11.8 and 17.1 million
/// instructions (callgrind), against 14.0, 16.7 and 20.3 million with the
/// NFA built at start-up: the lookup costs about 120 instructions a byte of
/// prose more than the NFA's scan, so it pays up to some 40 to 55 KB. The
/// limit is well under that because the lookup's cost grows with how many
/// needles share their first two bytes, which a user's phrasebook may do
/// more than the bundled ones.
const AUTOMATON_AFTER_BYTES: usize = 16 * 1024;

/// Every needle, and the automata over them, built when a scan needs them.
#[derive(Debug)]
pub struct Matcher {
    /// A contiguous NFA: cheap to build, built once
    /// [`AUTOMATON_AFTER_BYTES`] have been scanned.
    nfa: std::sync::OnceLock<Option<AhoCorasick>>,
    /// The needles by first byte, for the first bytes scanned (`None` when
    /// a needle is empty: one matches everywhere, and only the automata say
    /// so).
    by_first: std::sync::OnceLock<Option<ByFirstByte>>,
    /// A DFA, built once enough text has been scanned (see [`DFA_AFTER_BYTES`]).
    dfa: std::sync::OnceLock<Option<dfa::DFA>>,
    /// Whether a thread has begun to build the DFA.
    building: AtomicBool,
    scanned: AtomicUsize,
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

/// What to scan with: needles by first byte, or one of the two automata.
enum Automaton<'m> {
    ByFirst(&'m ByFirstByte),
    Nfa(&'m AhoCorasick),
    Dfa(&'m dfa::DFA),
}

/// The needles grouped by their first byte: a little text is scanned by
/// comparing, at each byte, the needles that start with it.
#[derive(Debug)]
struct ByFirstByte {
    /// The needles that start with byte `b` are `ids[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl ByFirstByte {
    /// Groups `needles`, or `None` if one is empty.
    fn new(needles: &[String]) -> Option<Self> {
        let mut starts = vec![0u32; 257];
        for n in needles {
            starts[usize::from(*n.as_bytes().first()?) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut ids = vec![0u32; needles.len()];
        for (id, n) in needles.iter().enumerate() {
            let at = &mut next[usize::from(n.as_bytes()[0])];
            ids[*at as usize] = id as u32;
            *at += 1;
        }
        Some(ByFirstByte { starts, ids })
    }

    /// Every occurrence of every needle in `hay`, as the automata find them
    /// (in another order), except those that start with an ASCII word
    /// character right after another: [`Matcher::scan`] would drop them for
    /// their word boundary. That leaves about one byte in three to look at
    /// in prose, most of them spaces and punctuation, which start few
    /// needles.
    fn scan(&self, needles: &[String], hay: &[u8], raw: &mut Vec<Raw>) {
        let mut after_word = false;
        for (start, &b) in hay.iter().enumerate() {
            let inside_word = after_word && is_ascii_word_byte(b);
            after_word = is_ascii_word_byte(b);
            if inside_word {
                continue;
            }
            let rest = &hay[start..];
            let b = usize::from(b);
            for &id in &self.ids[self.starts[b] as usize..self.starts[b + 1] as usize] {
                let n = needles[id as usize].as_bytes();
                // The second byte rules most needles out without a call to
                // compare the rest.
                if let Some(r) = rest.get(..n.len())
                    && r.get(1) == n.get(1)
                    && r == n
                {
                    raw.push(Raw {
                        start,
                        end: start + n.len(),
                        needle: id,
                    });
                }
            }
        }
    }
}

/// One match of a needle in [`Folded::bytes`], before the word-boundary
/// test.
#[derive(Debug, Clone, Copy)]
struct Raw {
    start: usize,
    end: usize,
    needle: u32,
}

/// Buffers for scanning many texts at once ([`Matcher::scan`]), reused from
/// one batch to the next.
#[derive(Debug, Default)]
pub struct Batch {
    folded: Folded,
    raw: Vec<Raw>,
    candidates: Vec<Candidate>,
    /// `candidates[spans[k]]` are part `k`'s.
    spans: Vec<Range<usize>>,
}

impl Batch {
    /// Empties the batch and makes room for `texts` texts of `bytes` bytes
    /// in all (up to a batch's worth), so that filling it does not grow its
    /// buffers step by step: a document's segments are known before they
    /// are scanned. A batch kept for the next document grows only when
    /// that one is larger.
    pub fn clear_for(&mut self, bytes: usize, texts: usize) {
        self.clear();
        // A batch that grew for one long text (a batch of its own) gives
        // the memory back here, when the thread's next document starts.
        if self.folded.bytes.capacity() > 4 * BATCH_BYTES
            || self.raw.capacity() > BATCH_BYTES
            || self.candidates.capacity() > BATCH_BYTES
        {
            *self = Batch::default();
        }
        // Each text is followed by a line feed.
        self.folded.bytes.reserve((bytes + texts).min(BATCH_BYTES));
        // Only so many texts as fill a batch at 16 bytes each are reserved
        // for: a batch of shorter ones grows these two lists as it fills.
        let texts = texts.min(BATCH_BYTES / 16);
        self.folded.parts.reserve(texts);
        self.spans.reserve(texts);
    }

    /// Forgets every text, keeping the memory: a tree of documents is
    /// hundreds of thousands of short segments.
    pub fn clear(&mut self) {
        let Folded { bytes, map, parts } = &mut self.folded;
        bytes.clear();
        map.clear();
        parts.clear();
        self.raw.clear();
        self.candidates.clear();
        self.spans.clear();
    }

    /// Adds `text` to the batch, folded; its candidates will be
    /// `candidates(self.len() - 1)`.
    pub fn push(&mut self, text: &str) {
        self.folded.push(text);
    }

    /// Number of texts in the batch.
    pub fn len(&self) -> usize {
        self.folded.parts.len()
    }

    /// Whether the batch has no text.
    pub fn is_empty(&self) -> bool {
        self.folded.parts.is_empty()
    }

    /// How many candidates the last [`Matcher::scan`] found in all.
    pub fn candidate_count(&self) -> usize {
        self.candidates.len()
    }

    /// The candidates the last [`Matcher::scan`] found in text `k`, as
    /// [`Matcher::find`] returns them.
    pub fn candidates(&self, k: usize) -> &[Candidate] {
        self.spans
            .get(k)
            .map_or(&[], |span| &self.candidates[span.clone()])
    }
}

impl Matcher {
    /// A matcher over `needles`, which must be normalized ([`normalize`])
    /// and distinct; their index is the needle id. Nothing is built yet: the
    /// NFA at the first long scan (or [`Matcher::build_automaton`]), the
    /// DFA after [`DFA_AFTER_BYTES`].
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
            nfa: std::sync::OnceLock::new(),
            by_first: std::sync::OnceLock::new(),
            dfa: std::sync::OnceLock::new(),
            building: AtomicBool::new(false),
            scanned: AtomicUsize::new(0),
            needles,
            word_ends,
        }
    }

    /// Builds the NFA now, not when the first [`AUTOMATON_AFTER_BYTES`]
    /// have been scanned: when the caller knows much text will come (a
    /// folder check builds it while its walk runs), and for benches of the
    /// build.
    pub fn build_automaton(&self) {
        self.nfa();
    }

    /// The NFA, built at the first call.
    fn nfa(&self) -> Option<&AhoCorasick> {
        self.nfa
            .get_or_init(|| {
                if self.needles.is_empty() {
                    return None;
                }
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&self.needles)
                    .or_else(|_| {
                        AhoCorasickBuilder::new()
                            .match_kind(MatchKind::Standard)
                            .build(&self.needles)
                    })
                    .ok()
            })
            .as_ref()
    }

    /// The automaton to scan `len` more bytes with.
    fn automaton(&self, len: usize) -> Option<Automaton<'_>> {
        let nfa = || self.nfa().map(Automaton::Nfa);
        if let Some(dfa) = self.dfa.get() {
            return dfa.as_ref().map(Automaton::Dfa).or_else(nfa);
        }
        let before = self.scanned.fetch_add(len, Ordering::Relaxed);
        if before + len <= AUTOMATON_AFTER_BYTES
            && self.nfa.get().is_none()
            && let Some(by_first) = self
                .by_first
                .get_or_init(|| ByFirstByte::new(&self.needles))
        {
            return Some(Automaton::ByFirst(by_first));
        }
        if before + len >= DFA_AFTER_BYTES
            && !self.needles.is_empty()
            && self.needles.len() <= DFA_MAX_NEEDLES
            && self.needles.iter().map(String::len).sum::<usize>() <= DFA_MAX_NEEDLE_BYTES
            // One thread builds it; the others scan on with the NFA rather
            // than wait (the build takes about 30 ms with 2,000 terms).
            && !self.building.swap(true, Ordering::Relaxed)
        {
            let dfa = self.dfa.get_or_init(|| build_dfa(&self.needles));
            return dfa.as_ref().map(Automaton::Dfa).or_else(nfa);
        }
        nfa()
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
        let mut batch = Batch::default();
        batch.push(text);
        self.scan(&mut batch);
        batch.candidates(0).to_vec()
    }

    /// Clears `batch`, fills it with the first of `texts` (as many as fit in
    /// [`BATCH_BYTES`], at least one) and scans it: [`Batch::len`] says how
    /// many it took.
    pub fn scan_next<'t>(&self, batch: &mut Batch, texts: impl IntoIterator<Item = &'t str>) {
        batch.clear();
        for text in texts {
            if !batch.is_empty() && batch.folded.bytes.len() + text.len() > BATCH_BYTES {
                break;
            }
            batch.push(text);
        }
        self.scan(batch);
    }

    /// Finds the candidates of every text in `batch` (see
    /// [`Batch::candidates`]). One scan over many short texts is faster than
    /// one scan each: the DFA's scan is split into streams that run side by
    /// side (see [`scan_dfa`]).
    pub fn scan(&self, batch: &mut Batch) {
        let automaton = self.automaton(batch.folded.bytes.len());
        self.scan_with(automaton, batch);
    }

    /// [`Matcher::scan`] with the given automaton.
    fn scan_with(&self, automaton: Option<Automaton<'_>>, batch: &mut Batch) {
        let Batch {
            folded,
            raw,
            candidates,
            spans,
        } = batch;
        raw.clear();
        candidates.clear();
        spans.clear();
        let hay = folded.bytes.as_slice();
        match automaton {
            None => {}
            Some(Automaton::ByFirst(by_first)) => by_first.scan(&self.needles, hay, raw),
            Some(Automaton::Nfa(ac)) => raw.extend(ac.find_overlapping_iter(hay).map(|m| Raw {
                start: m.start(),
                end: m.end(),
                needle: m.pattern().as_u32(),
            })),
            Some(Automaton::Dfa(dfa)) => scan_dfa(dfa, hay, raw),
        }
        // Two matches with the same range are the same needle, so an
        // unstable sort (no scratch buffer to allocate) is deterministic.
        raw.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut next = 0;
        for part in &folded.parts {
            let from = candidates.len();
            // Matches never cross a part's line feed, and come in order of
            // start: the part's own are the next ones that end in it.
            while let Some(m) = raw.get(next).filter(|m| m.end <= part.end) {
                next += 1;
                let id = m.needle as usize;
                let (word_start, word_end) = self.word_ends[id];
                // The line feeds around a part are not word characters, so
                // the test needs no special case at a part's edges.
                if (word_start && char_before(hay, m.start).is_some_and(is_word_char))
                    || (word_end && char_at(hay, m.end).is_some_and(is_word_char))
                {
                    continue;
                }
                let (Some(s), Some(e)) = (
                    folded.source_start(part, m.start - part.start),
                    folded.source_end(part, m.end - part.start),
                ) else {
                    continue;
                };
                candidates.push(Candidate {
                    needle: id,
                    range: s..e,
                });
            }
            spans.push(from..candidates.len());
        }
    }
}

/// The DFA over `needles`, if it can be built. No prefilter: [`scan_dfa`]
/// does not use one, and with one the start state counts as special, which
/// would send the scan's hot loop to its match check at most bytes.
fn build_dfa(needles: &[String]) -> Option<dfa::DFA> {
    dfa::Builder::new()
        .match_kind(MatchKind::Standard)
        .prefilter(false)
        .build(needles)
        .ok()
}

/// About how many bytes [`Matcher::scan_next`] scans at once (counted as
/// the texts' source lengths, which folding rarely changes; a longer text
/// is a batch of its own): enough for the scan's streams to pay, little
/// enough to stay in the CPU's cache.
const BATCH_BYTES: usize = 32 * 1024;

/// How many streams [`scan_dfa`] runs side by side.
const STREAMS: usize = 4;

/// Every match of `dfa` in `hay`, overlapping ones included, into `raw` (in
/// no particular order).
///
/// Each step of a DFA waits for the table load of the step before, so one
/// scan leaves the CPU mostly idle. `hay` is cut into [`STREAMS`] pieces
/// scanned in one loop, whose loads overlap: with 2,000 terms, on 1 MB of
/// the bench tree's text, 900 MB/s against 340 MB/s for one scan (less on
/// more varied text, whose DFA rows miss the cache more). Each piece after the first starts the
/// longest needle's length early, so that its state is exact where its own
/// bytes begin; it reports only matches that end in its own bytes.
fn scan_dfa(dfa: &dfa::DFA, hay: &[u8], raw: &mut Vec<Raw>) {
    use aho_corasick::automaton::Automaton as _;
    let Ok(start) = dfa.start_state(Anchored::No) else {
        return;
    };
    let mut report = |sid, end| {
        if dfa.is_match(sid) {
            for i in 0..dfa.match_len(sid) {
                let p = dfa.match_pattern(sid, i);
                raw.push(Raw {
                    start: end - dfa.pattern_len(p),
                    end,
                    needle: p.as_u32(),
                });
            }
        }
    };
    let warm_up = dfa.max_pattern_len();
    let piece = hay.len() / STREAMS;
    if piece < 4 * warm_up.max(64) {
        let mut sid = start;
        for (i, &b) in hay.iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) {
                report(sid, i + 1);
            }
        }
        return;
    }
    // Piece j's own bytes are own[j]..own[j + 1]; it is scanned from from[j].
    let own: [usize; STREAMS + 1] =
        std::array::from_fn(|j| if j == STREAMS { hay.len() } else { j * piece });
    let from: [usize; STREAMS] = std::array::from_fn(|j| own[j].saturating_sub(warm_up));
    let mut sid = [start; STREAMS];
    // In step with each other for as long as the shortest (the first, which
    // has no warm-up), then each on its own to its end.
    let steps = own[1] - from[0];
    // Each stream's bytes for the steps in step, as slices of one length:
    // the loop then reads them without a bounds check a byte. (Written out
    // for four streams; another count fails to compile here.)
    let lanes: [&[u8]; STREAMS] = std::array::from_fn(|j| &hay[from[j]..from[j] + steps]);
    let [a, b, c, d] = lanes;
    for (i, (((&ba, &bb), &bc), &bd)) in a.iter().zip(b).zip(c).zip(d).enumerate() {
        for (j, byte) in [ba, bb, bc, bd].into_iter().enumerate() {
            sid[j] = dfa.next_state(Anchored::No, sid[j], byte);
        }
        // One branch for the four streams (`|`, not `||`): most steps reach
        // no special state (a match, or the dead state) in any of them.
        let [s0, s1, s2, s3] = sid;
        if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
            for j in 0..STREAMS {
                let end = from[j] + i + 1;
                if dfa.is_special(sid[j]) && end > own[j] {
                    report(sid[j], end);
                }
            }
        }
    }
    for j in 1..STREAMS {
        let rest = from[j] + steps;
        for (at, &b) in (rest..).zip(&hay[rest..own[j + 1]]) {
            sid[j] = dfa.next_state(Anchored::No, sid[j], b);
            if dfa.is_special(sid[j]) && at + 1 > own[j] {
                report(sid[j], at + 1);
            }
        }
    }
}

/// The character that ends just before byte `i` of folded bytes (valid
/// UTF-8 up to `i`), if any.
fn char_before(bytes: &[u8], i: usize) -> Option<char> {
    let &last = bytes[..i].last()?;
    if last.is_ascii() {
        return Some(char::from(last));
    }
    let start = (i.saturating_sub(4)..i)
        .rev()
        .find(|&k| bytes[k] & 0xC0 != 0x80)?;
    std::str::from_utf8(&bytes[start..i]).ok()?.chars().next()
}

/// The character that starts at byte `i` of folded bytes, if any.
fn char_at(bytes: &[u8], i: usize) -> Option<char> {
    let &first = bytes.get(i)?;
    if first.is_ascii() {
        return Some(char::from(first));
    }
    let tail = &bytes[i..bytes.len().min(i + 4)];
    let valid = match std::str::from_utf8(tail) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&tail[..e.valid_up_to()]).ok()?,
    };
    valid.chars().next()
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
        // `src` folded the slow way, with a map, as a Folded of its own.
        let mapped = |src: &str| {
            let mut slow = Folded::default();
            fold_mapped(src, &mut slow.bytes, &mut slow.map);
            let end = slow.bytes.len();
            slow.bytes.push(b'\n');
            slow.parts.push(Part {
                start: 0,
                end,
                map: Some(0),
            });
            slow
        };
        let same_length = [
            "",
            "Net 30\nDays",
            "a\tB c\rD\x0bE\x0cf",
            "MOQ, DDP.",
            "“Göteborg” — ÅRSTA’S café, ΣΟΦΟΣ ς",
        ];
        // Runs of whitespace, non-ASCII whitespace and characters that fold
        // to another length need the map.
        let other_length = [
            "net  30",
            "net\r\n30",
            "net\u{a0}30",
            "\u{212a}elvin",
            "İstanbul",
        ];
        for src in same_length {
            assert!(fold_byte_for_byte(src, &mut Vec::new()), "{src:?}");
        }
        for src in other_length {
            assert!(!fold_byte_for_byte(src, &mut Vec::new()), "{src:?}");
        }
        // All in one Folded, the two kinds taking turns, so that each part's
        // offsets are checked after parts of both kinds.
        let mut all = Folded::new("Göteborg, a longer text  with a run");
        let sources: Vec<&str> = same_length
            .iter()
            .zip(other_length)
            .flat_map(|(a, b)| [*a, b])
            .collect();
        for src in &sources {
            all.push(src);
        }
        assert_eq!(all.parts.len(), sources.len() + 1);
        for (k, src) in sources.iter().enumerate() {
            let (part, slow) = (&all.parts[k + 1], mapped(src));
            assert_eq!(all.part(k + 1), slow.part(0), "{src:?}");
            assert_eq!(all.bytes[part.end], b'\n');
            // Matches are whole characters of valid UTF-8, so they start and
            // end only where a source character does.
            for i in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
                let i = i.min(part.end - part.start);
                assert_eq!(
                    all.source_start(part, i),
                    slow.source_start(&slow.parts[0], i),
                    "{src:?} {i}"
                );
                assert_eq!(
                    all.source_end(part, i),
                    slow.source_end(&slow.parts[0], i),
                    "{src:?} {i}"
                );
            }
        }
    }

    #[test]
    fn a_whitespace_run_is_found_at_every_offset() {
        for k in 0..40 {
            let pad = "x".repeat(k);
            for run in ["  ", " \t", "\r\n", "\n "] {
                let src = format!("{pad}{run}y");
                assert!(!fold_byte_for_byte(&src, &mut Vec::new()), "{src:?}");
            }
            let src = format!("{pad} y z\t");
            let mut out = Vec::new();
            assert!(fold_byte_for_byte(&src, &mut out), "{src:?}");
            assert_eq!(out, format!("{pad} y z ").as_bytes());
        }
    }

    #[test]
    fn folds_as_unicode_lowercases() {
        for c in (0..=0x17F)
            .chain(0x1FF0..=0x2080)
            .filter_map(char::from_u32)
        {
            let want: String = if c == 'ς' { 'σ' } else { c }.to_lowercase().collect();
            assert_eq!(
                fold_char(c).collect::<String>(),
                want,
                "{c:?} U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn a_batch_finds_what_each_text_alone_finds() {
        let m = matcher(&["net 30", "ddp", "i", "göteborg", "net"]);
        let texts = [
            "Net 30 days, DDP.",
            "",
            "net",
            "30 and İ DDP",
            "Net  30 — GÖTEBORG net\u{a0}30",
            "x",
        ];
        let mut batch = Batch::default();
        for t in texts {
            batch.push(t);
        }
        m.scan(&mut batch);
        assert_eq!(batch.len(), texts.len());
        for (k, t) in texts.iter().enumerate() {
            assert_eq!(batch.candidates(k), m.find(t).as_slice(), "{t:?}");
        }
        // No match runs from one text into the next.
        assert!(batch.candidates(2).iter().all(|c| c.range == (0..3)));
        assert_eq!(batch.candidates(2).len(), 1);
    }

    #[test]
    fn scan_next_takes_what_fits_and_at_least_one() {
        let m = matcher(&["net 30"]);
        let small = "net 30 days";
        let big = "x".repeat(BATCH_BYTES);
        let texts = [small, small, big.as_str(), small];
        let mut batch = Batch::default();
        m.scan_next(&mut batch, texts);
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.candidates(1), m.find(small).as_slice());
        m.scan_next(&mut batch, texts[2..].iter().copied());
        assert_eq!(batch.len(), 1);
        m.scan_next(&mut batch, texts[3..].iter().copied());
        assert_eq!((batch.len(), batch.candidates(0).len()), (1, 1));
    }

    #[test]
    fn dfa_streams_find_what_one_scan_finds() {
        // Long enough for several streams, with matches across every cut.
        let needles: Vec<String> = ["net 30", "ab", "abc abc", "c a", "b"]
            .iter()
            .map(|t| normalize(t))
            .collect();
        let dfa = build_dfa(&needles).unwrap();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&needles)
            .unwrap();
        for len in [0, 1, 7, 255, 256, 257, 1000, 4099] {
            let hay: Vec<u8> = b"abc abc net 30 "
                .iter()
                .cycle()
                .take(len)
                .copied()
                .collect();
            let mut raw = Vec::new();
            scan_dfa(&dfa, &hay, &mut raw);
            let mut got: Vec<_> = raw.iter().map(|m| (m.start, m.end, m.needle)).collect();
            got.sort_unstable();
            let mut want: Vec<_> = ac
                .find_overlapping_iter(&hay)
                .map(|m| (m.start(), m.end(), m.pattern().as_u32()))
                .collect();
            want.sort_unstable();
            assert_eq!(got, want, "{len}");
        }
    }

    proptest::proptest! {
        /// The fold without a map is taken exactly when folding keeps every
        /// offset, and then gives the mapped fold's bytes: texts of every
        /// length around the sixteen-byte blocks, with runs and non-ASCII
        /// characters at their edges.
        #[test]
        fn byte_for_byte_fold_is_taken_exactly_when_offsets_are_kept(
            src in "[aZ \t\n\r.é“Éß\u{a0}İ\u{212a}]{0,70}",
        ) {
            let mut slow = (Vec::new(), Vec::new());
            fold_mapped(&src, &mut slow.0, &mut slow.1);
            // Kept: each folded byte maps to the start of the source
            // character at its own offset.
            let start_of = |i: usize| (0..=i).rev().find(|&k| src.is_char_boundary(k)).unwrap_or(0);
            let kept = slow.0.len() == src.len()
                && slow.1.iter().enumerate().all(|(i, &at)| at as usize == start_of(i));
            // After other text, as in a batch.
            let mut fast = b"Earlier text".to_vec();
            proptest::prop_assert_eq!(fold_byte_for_byte(&src, &mut fast), kept, "{:?}", src);
            if kept {
                proptest::prop_assert_eq!(&fast[12..], &slow.0[..], "{:?}", src);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A batch scanned by the DFA's streams, by the NFA or by first
        /// bytes finds, text by text, what the NFA finds in each text
        /// alone: streams cut anywhere, matches across the cuts, texts that
        /// fold to another length.
        #[test]
        fn every_automaton_agrees_with_nfa_text_by_text(
            terms in proptest::collection::vec("[ab]{1,3}( [ab]{1,2})?|x-?|İ|’b|€ ?a", 1..6),
            texts in proptest::collection::vec("[aAbB İ\n\u{a0}x’€-]{0,600}", 1..8),
        ) {
            let mut needles: Vec<String> = terms.iter().map(|t| normalize(t)).collect();
            needles.sort();
            needles.dedup();
            let nfa = Matcher::new(needles.clone());
            nfa.build_automaton();
            let dfa = build_dfa(&needles).unwrap();
            let by_first = ByFirstByte::new(&needles).unwrap();
            let mut batch = Batch::default();
            for t in &texts {
                batch.push(t);
            }
            for automaton in [
                Automaton::Dfa(&dfa),
                Automaton::Nfa(nfa.nfa().unwrap()),
                Automaton::ByFirst(&by_first),
            ] {
                nfa.scan_with(Some(automaton), &mut batch);
                for (k, t) in texts.iter().enumerate() {
                    let alone = nfa.find(t);
                    proptest::prop_assert_eq!(batch.candidates(k), alone.as_slice(), "{:?}", t);
                }
            }
        }
    }

    /// A matcher looks needles up by first byte for its first
    /// [`AUTOMATON_AFTER_BYTES`], then builds the NFA; the DFA comes later.
    #[test]
    fn the_automaton_is_built_only_for_long_scans() {
        let m = matcher(&["DDP", "net 30"]);
        assert_eq!(m.find("Pay net 30, DDP.").len(), 2);
        assert!(m.nfa.get().is_none(), "a short scan built the NFA");
        let long = "Pay net 30, DDP. ".repeat(AUTOMATON_AFTER_BYTES / 17 + 1);
        assert_eq!(m.find(&long).len(), 2 * (AUTOMATON_AFTER_BYTES / 17 + 1));
        assert!(m.nfa.get().is_some_and(|n| n.is_some()));
        assert!(m.dfa.get().is_none());
        // An empty needle matches everywhere, which only the automata
        // report: such a matcher never looks up first bytes.
        let empty = Matcher::new(vec![String::new()]);
        assert!(ByFirstByte::new(&empty.needles).is_none());
        assert_eq!(empty.find("ab").len(), 3);
    }

    #[test]
    fn empty_matcher_finds_nothing() {
        assert!(Matcher::new(vec![]).find("anything").is_empty());
    }
}
