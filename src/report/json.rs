//! `json`: the stable v1 contract other teams consume:
//! `{"version": 1, "findings": [...], "summary": {...}}`, keys in the order
//! documented in the README. Findings are written as they arrive.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use super::Reporter;
use crate::document::Field;
use crate::engine::FileResult;
use crate::finding::{Finding, Fix, Severity, Shared, Summary, Text};

#[derive(Default)]
pub struct Json {
    started: bool,
    count: usize,
    /// Files that could not be read or checked, for the `errors` key.
    errors: Vec<serde_json::Value>,
    /// One file's findings, serialized into memory and written at once:
    /// serde_json through `dyn Write` makes a call per token.
    buf: Vec<u8>,
}

/// One finding as serialized; the first fifteen keys are the v1 contract,
/// the rest are added only where they apply.
#[derive(Serialize)]
pub struct JsonFinding<'a> {
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub matched: &'a str,
    pub term: Option<&'a str>,
    pub role: Option<&'a str>,
    pub rule: &'a str,
    pub severity: &'a str,
    pub replacements: &'a [String],
    pub explanation: Option<&'a str>,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_fix: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    pub fn new(f: &'a Finding) -> Self {
        JsonFinding {
            path: &f.path,
            line: f.location.line,
            column: f.location.column,
            end_line: f.location.end_line,
            end_column: f.location.end_column,
            byte_start: f.location.byte_start,
            byte_end: f.location.byte_end,
            matched: &f.matched,
            term: f.term.as_deref(),
            role: f.role.as_deref(),
            rule: f.rule,
            severity: f.severity.as_str(),
            replacements: &f.replacements,
            explanation: f.explanation.as_deref(),
            message: &f.message,
            field: f.field.as_ref(),
            location: f.location.decoded_part.map(|_| "decoded"),
            part: f.location.decoded_part,
            no_fix: match &f.fix {
                // Only worth saying where a replacement exists but is unsafe.
                Fix::None(why) if !f.replacements.is_empty() => Some(why),
                _ => None,
            },
        }
    }
}

impl JsonFinding<'_> {
    /// Appends the finding as JSON: the bytes `serde_json::to_writer` gives
    /// for it (a unit test holds the two to each other), several times as
    /// fast. A tree's JSON report is hundreds of thousands of findings, and
    /// serde_json escapes every string, keys included, a byte at a time;
    /// here a string is copied whole unless it holds a byte to escape.
    pub fn write(&self, buf: &mut Vec<u8>) {
        let mut path = Vec::with_capacity(self.path.len() + 2);
        json_string(&mut path, self.path);
        self.write_with_path(buf, &path);
    }

    /// [`JsonFinding::write`], with the path already written as JSON: a
    /// file's findings share it, so it is escaped once a file.
    fn write_with_path(&self, buf: &mut Vec<u8>, path: &[u8]) {
        self.write_head(buf, path);
        self.write_words(buf);
        self.write_message(buf, None);
        self.write_rest(buf);
    }

    /// The keys up to `matched`. Returns where in `buf` the match is,
    /// escaped (between its quotes).
    fn write_head(&self, buf: &mut Vec<u8>, path: &[u8]) -> Range<usize> {
        self.write_place(buf, path);
        self.write_matched(buf)
    }

    /// The keys before `matched`: the path and the numbers.
    fn write_place(&self, buf: &mut Vec<u8>, path: &[u8]) {
        buf.extend_from_slice(b"{\"path\":");
        buf.extend_from_slice(path);
        number(buf, b",\"line\":", self.line);
        number(buf, b",\"column\":", self.column);
        number(buf, b",\"end_line\":", self.end_line);
        number(buf, b",\"end_column\":", self.end_column);
        number(buf, b",\"byte_start\":", self.byte_start);
        number(buf, b",\"byte_end\":", self.byte_end);
    }

    /// The `matched` key. Returns where in `buf` the match is, escaped
    /// (between its quotes).
    fn write_matched(&self, buf: &mut Vec<u8>) -> Range<usize> {
        buf.extend_from_slice(b",\"matched\":");
        let start = buf.len() + 1;
        json_string(buf, self.matched);
        start..buf.len() - 1
    }

    /// The keys from `term` to `explanation`: the same for every finding of
    /// one phrasebook entry (see [`Words`]).
    fn write_words(&self, buf: &mut Vec<u8>) {
        text(buf, b",\"term\":", self.term);
        text(buf, b",\"role\":", self.role);
        text(buf, b",\"rule\":", Some(self.rule));
        text(buf, b",\"severity\":", Some(self.severity));
        buf.extend_from_slice(b",\"replacements\":[");
        for (i, r) in self.replacements.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            json_string(buf, r);
        }
        buf.push(b']');
        text(buf, b",\"explanation\":", self.explanation);
    }

    /// The `message` key, written from `parts` when they fit the message
    /// (with the match as escaped at that range of `buf`).
    fn write_message(&self, buf: &mut Vec<u8>, parts: Option<(&MessageParts, Range<usize>)>) {
        buf.extend_from_slice(b",\"message\":");
        let written = parts.is_some_and(|(p, at)| p.write(buf, self.message, self.matched, at));
        if !written {
            json_string(buf, self.message);
        }
    }

    /// The keys after `message`.
    fn write_rest(&self, buf: &mut Vec<u8>) {
        if let Some(field) = self.field {
            buf.extend_from_slice(b",\"field\":");
            // Into memory, from plain strings: cannot fail.
            let _ = serde_json::to_writer(&mut *buf, field);
        }
        if let Some(location) = self.location {
            text(buf, b",\"location\":", Some(location));
        }
        if let Some(part) = self.part {
            number(buf, b",\"part\":", part);
        }
        if let Some(why) = self.no_fix {
            text(buf, b",\"no_fix\":", Some(why));
        }
        buf.push(b'}');
    }
}

/// Appends `key` and `n`.
fn number(buf: &mut Vec<u8>, key: &[u8], n: usize) {
    buf.extend_from_slice(key);
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Appends `key` and `s` as a JSON string, or `null`.
fn text(buf: &mut Vec<u8>, key: &[u8], s: Option<&str>) {
    buf.extend_from_slice(key);
    match s {
        Some(s) => json_string(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A phrasebook entry's words as one role's findings share them (term,
/// role, rule, severity, replacements, explanation) and as JSON. The
/// findings of a tree repeat a few thousand entries hundreds of thousands
/// of times; escaped once per entry and thread, these keys are one copy
/// per finding (about 430 instructions less a finding on the bench tree).
struct Words {
    term: Text,
    role: Text,
    rule: &'static str,
    severity: Severity,
    replacements: Shared<[String]>,
    explanation: Option<Text>,
    json: Vec<u8>,
    /// The first finding's message around its `matched` (a jargon message
    /// quotes the match between words of the entry's), raw and escaped.
    message: Option<MessageParts>,
    /// For findings whose match is the term itself (the same text in
    /// memory) and whose message is this one (likewise): the keys from
    /// `matched` to `message` as JSON. Most jargon findings are such, and
    /// write these keys as one copy.
    as_term: Option<(Text, Vec<u8>)>,
}

/// A message as `before` + the match + `after`.
struct MessageParts {
    before: String,
    after: String,
    /// `before` escaped, without quotes.
    before_json: Vec<u8>,
    /// `after` escaped, without quotes.
    after_json: Vec<u8>,
}

impl MessageParts {
    /// The parts of `message` around the first `matched` in it.
    fn new(message: &str, matched: &str) -> Option<MessageParts> {
        let at = message.find(matched)?;
        let (before, after) = (&message[..at], &message[at + matched.len()..]);
        let escaped = |s: &str| {
            let mut json = Vec::with_capacity(s.len());
            escape_str(&mut json, s);
            json
        };
        Some(MessageParts {
            before: before.to_string(),
            after: after.to_string(),
            before_json: escaped(before),
            after_json: escaped(after),
        })
    }

    /// Appends `message` as a JSON string when it is `before` + `matched` +
    /// `after`: escaping works byte by byte, so the parts' escapes joined
    /// are the message's. `escaped` is where `buf` holds `matched` escaped.
    /// Returns false, having appended nothing, if not.
    fn write(
        &self,
        buf: &mut Vec<u8>,
        message: &str,
        matched: &str,
        escaped: Range<usize>,
    ) -> bool {
        let fits = message.len() == self.before.len() + matched.len() + self.after.len()
            && message.starts_with(&self.before)
            && message.ends_with(&self.after)
            && message[self.before.len()..].starts_with(matched);
        if fits {
            buf.push(b'"');
            buf.extend_from_slice(&self.before_json);
            buf.extend_from_within(escaped);
            buf.extend_from_slice(&self.after_json);
            buf.push(b'"');
        }
        fits
    }
}

impl Words {
    /// Whether `f` shares these words: the same texts in memory, which
    /// cannot have changed (they are immutable) nor been reused for other
    /// words (interned text lives as long as the program, and these copies
    /// keep counted text alive).
    fn of(&self, f: &Finding, term: &Text, role: &Text) -> bool {
        Shared::ptr_eq(&self.term, term)
            && Shared::ptr_eq(&self.role, role)
            && Shared::ptr_eq(&self.replacements, &f.replacements)
            && match (&self.explanation, &f.explanation) {
                (None, None) => true,
                (Some(a), Some(b)) => Shared::ptr_eq(a, b),
                _ => false,
            }
            && self.rule == f.rule
            && self.severity == f.severity
    }
}

/// Slots in each thread's [`WORDS`]: twice the bench's 2,000 entries, so
/// that clashes are rare (with 1,024 slots, one finding in 17 missed and
/// made its words again, 250 instructions a finding on average). Slots are
/// boxed: an empty one is a null pointer, 32 KB in all.
const WORD_SLOTS: usize = 4096;

thread_local! {
    /// [`Words`] by the address of their term.
    static WORDS: std::cell::RefCell<Vec<Option<Box<Words>>>> =
        std::cell::RefCell::new((0..WORD_SLOTS).map(|_| None).collect());
}

/// The [`WORDS`] slot of a term's address: Fibonacci hashing, which
/// spreads the addresses of one allocator size class (a fixed stride
/// apart) over all the slots.
fn word_slot(term: &Text) -> usize {
    let address = term.as_ptr() as usize as u64;
    (address.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - WORD_SLOTS.trailing_zeros())) as usize
}

/// Appends `f` as [`JsonFinding::write_with_path`] does, its words copied
/// from this thread's [`WORDS`] (made there on first use).
fn write_finding(buf: &mut Vec<u8>, f: &Finding, path: &[u8]) {
    let json = JsonFinding::new(f);
    let (Some(term), Some(role)) = (&f.term, &f.role) else {
        json.write_with_path(buf, path);
        return;
    };
    json.write_place(buf, path);
    WORDS.with_borrow_mut(|slots| {
        let slot = &mut slots[word_slot(term)];
        let words = match slot {
            Some(words) if words.of(f, term, role) => words,
            _ => {
                let mut words = Vec::new();
                json.write_words(&mut words);
                slot.insert(Box::new(Words {
                    term: term.clone(),
                    role: role.clone(),
                    rule: f.rule,
                    severity: f.severity,
                    replacements: f.replacements.clone(),
                    explanation: f.explanation.clone(),
                    json: words,
                    message: MessageParts::new(&f.message, &f.matched),
                    as_term: None,
                }))
            }
        };
        let as_term = Shared::ptr_eq(&f.matched, term);
        if as_term
            && let Some((message, keys)) = &words.as_term
            && Shared::ptr_eq(message, &f.message)
        {
            buf.extend_from_slice(keys);
            return;
        }
        let from = buf.len();
        let matched = json.write_matched(buf);
        buf.extend_from_slice(&words.json);
        json.write_message(buf, words.message.as_ref().map(|p| (p, matched)));
        if as_term {
            words.as_term = Some((f.message.clone(), buf[from..].to_vec()));
        }
    });
    json.write_rest(buf);
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`,
/// `\\` and the control characters only, these with their short escapes
/// where JSON has one, else as `\u00XX` in lower-case hex. The bytes are
/// tested eight at a time (the last few padded to a word), and a word that
/// holds an escape says where: runs between escapes are copied whole. A
/// finding's strings are short (a path, a term, a message that quotes the
/// term), too short for a vector pass to pay for its set-up.
fn json_string(buf: &mut Vec<u8>, s: &str) {
    buf.reserve(s.len() + 2);
    buf.push(b'"');
    escape_str(buf, s);
    buf.push(b'"');
}

/// Appends `s` escaped as in [`json_string`], without the quotes.
fn escape_str(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Bytes before `run` are written.
    let mut run = 0;
    // A flag can be false only above a true one (see [`escapes`]), so each
    // flag is checked against the byte before it is escaped.
    let mut escape_flagged = |buf: &mut Vec<u8>, mut mask: u64, base: usize| {
        while mask != 0 {
            let at = base + (mask.trailing_zeros() / 8) as usize;
            mask &= mask - 1;
            if at < bytes.len() && needs_escape(bytes[at]) {
                buf.extend_from_slice(&bytes[run..at]);
                escape(buf, bytes[at]);
                run = at + 1;
            }
        }
    };
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    for (k, word) in words.enumerate() {
        let mask = escapes(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
        if mask != 0 {
            escape_flagged(buf, mask, 8 * k);
        }
    }
    if !tail.is_empty() {
        // The last bytes, padded with bytes that need no escape.
        let mut last = [b'a'; 8];
        last[..tail.len()].copy_from_slice(tail);
        let mask = escapes(u64::from_le_bytes(last));
        if mask != 0 {
            escape_flagged(buf, mask, bytes.len() - tail.len());
        }
    }
    buf.extend_from_slice(&bytes[run..]);
}

/// Appends the JSON escape of `b`, a byte that [`needs_escape`].
fn escape(buf: &mut Vec<u8>, b: u8) {
    match b {
        b'"' | b'\\' => buf.extend_from_slice(&[b'\\', b]),
        0x08 => buf.extend_from_slice(b"\\b"),
        0x0c => buf.extend_from_slice(b"\\f"),
        b'\n' => buf.extend_from_slice(b"\\n"),
        b'\r' => buf.extend_from_slice(b"\\r"),
        b'\t' => buf.extend_from_slice(b"\\t"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[usize::from(b >> 4)]);
            buf.push(HEX[usize::from(b & 0xf)]);
        }
    }
}

/// Whether JSON needs `b` escaped: a control character, `"` or `\\`.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// A flag (the byte's high bit) for each byte of `word`, read little-end
/// first, that [`needs_escape`]: the classic has-zero-byte
/// and has-less-than tests. A borrow can set a false flag only above a true
/// one, so the lowest flag is exact: it is the first byte to escape.
fn escapes(word: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let zero_byte = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    control | quote | backslash
}

impl Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            write!(out, "{{\"version\":1,\"findings\":[")?;
            self.started = true;
        }
        Ok(())
    }
}

/// Renders a file's findings as `,\n{...}` each, on the thread that checked
/// the file, while the finding is still in that core's cache; the reporter
/// drops the comma before the report's first finding.
struct Findings;

impl super::Render for Findings {
    fn render(&self, file: &FileResult, buf: &mut Vec<u8>) {
        // About what a finding takes (350 bytes on the bench tree), so that
        // the buffer is not grown finding by finding.
        buf.reserve(file.findings().len() * 384);
        // Escaped once for all the findings that share it (all of a file's,
        // as a rule).
        let mut path: (&str, Vec<u8>) = ("", b"\"\"".to_vec());
        for f in file.findings() {
            if *f.path != *path.0 {
                path.1.clear();
                json_string(&mut path.1, &f.path);
                path.0 = &f.path;
            }
            buf.extend_from_slice(b",\n");
            write_finding(buf, f, &path.1);
        }
    }
}

impl Reporter for Json {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        super::Render::render(&Findings, file, &mut buf);
        let written = self.file_rendered(out, file, &buf);
        self.buf = buf;
        written
    }

    fn renderer(&self) -> Option<Box<dyn super::Render>> {
        Some(Box::new(Findings))
    }

    fn file_rendered(
        &mut self,
        out: &mut dyn Write,
        file: &FileResult,
        rendered: &[u8],
    ) -> io::Result<()> {
        self.start(out)?;
        if let crate::engine::Outcome::Failed(e) = &file.outcome {
            self.errors.push(serde_json::json!({
                "path": e.path, "line": e.line, "column": e.column,
                "message": e.message, "help": e.help,
            }));
        }
        let rendered = match rendered.strip_prefix(b",") {
            Some(first) if self.count == 0 => first,
            _ => rendered,
        };
        self.count += file.findings().len();
        out.write_all(rendered)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        if self.count > 0 {
            writeln!(out)?;
        }
        write!(out, "],\"summary\":")?;
        serde_json::to_writer(&mut *out, summary)?;
        // Additive: present only when a file could not be read or checked.
        if !self.errors.is_empty() {
            write!(out, ",\"errors\":")?;
            serde_json::to_writer(&mut *out, &self.errors)?;
        }
        writeln!(out, "}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings that share an entry's words, and findings whose words differ
    /// from them in one way each, render as each alone renders.
    #[test]
    fn shared_words_render_as_each_finding_alone() {
        let base = Finding {
            path: "a.md".into(),
            location: crate::position::Location::default(),
            matched: "ddp".into(),
            term: Some("DDP".into()),
            role: Some("finance".into()),
            rule: "jargon",
            severity: Severity::Warning,
            replacements: vec!["duty paid".to_string()].into(),
            explanation: None,
            message: "finance readers may not know \"ddp\": write \"duty paid\"".into(),
            field: None,
            fix: Fix::None("no".into()),
        };
        // Messages around another match, around none, and with the match
        // elsewhere, of the same entry.
        let with_message = |matched: &str, message: &str| Finding {
            matched: matched.into(),
            message: message.into(),
            ..base.clone()
        };
        // Matches that are the term itself, with the entry's message or
        // with another (the same text elsewhere, or other text).
        let term = Shared::Static(crate::finding::intern("DDP"));
        let said = "finance readers may not know \"DDP\": write \"duty paid\"";
        let as_term = |message: Text| Finding {
            matched: term.clone(),
            term: Some(term.clone()),
            message,
            ..base.clone()
        };
        let kept = || as_term(Shared::Static(crate::finding::intern(said)));
        let findings = vec![
            kept(),
            kept(),
            as_term(said.into()),
            kept(),
            as_term(Shared::Static(crate::finding::intern(
                "DDP is not explained",
            ))),
            with_message("DDP", said),
            Finding {
                term: Some("DDP".into()),
                ..kept()
            },
            kept(),
            base.clone(),
            base.clone(),
            with_message(
                "DDP",
                "finance readers may not know \"DDP\": write \"duty paid\"",
            ),
            with_message(
                "d\"p\n",
                "finance readers may not know \"d\"p\n\": write \"duty paid\"",
            ),
            with_message("DDP", "DDP is not explained"),
            with_message(
                "DDP",
                "finance readers may not know \"DDP\": write \"duty paix\"",
            ),
            with_message(
                "DDP",
                "Finance readers may not know \"DDP\": write \"duty paid\"",
            ),
            with_message("DDP", "finance readers may not know \"DDP\""),
            with_message("", "finance readers"),
            Finding {
                role: Some("purchasing".into()),
                ..base.clone()
            },
            Finding {
                severity: Severity::Error,
                ..base.clone()
            },
            Finding {
                explanation: Some("Delivered \"duty\" paid".into()),
                ..base.clone()
            },
            Finding {
                replacements: vec!["a".into(), "b\\".into()].into(),
                ..base.clone()
            },
            // The same text in another allocation, and another text.
            Finding {
                term: Some("DDP".into()),
                ..base.clone()
            },
            Finding {
                term: Some("EXW".into()),
                ..base.clone()
            },
            Finding {
                rule: "invoice/unit-code",
                ..base.clone()
            },
            Finding {
                term: None,
                role: None,
                ..base.clone()
            },
            base,
        ];
        let result = FileResult {
            path: "a.md".into(),
            disk_path: None,
            info: Default::default(),
            outcome: crate::engine::Outcome::Checked {
                findings,
                sources: Vec::new(),
            },
        };
        let mut rendered = Vec::new();
        super::super::Render::render(&Findings, &result, &mut rendered);
        let mut alone = Vec::new();
        for f in result.findings() {
            alone.extend_from_slice(b",\n");
            alone.extend(serde_json::to_vec(&JsonFinding::new(f)).unwrap());
        }
        assert_eq!(
            String::from_utf8(rendered).unwrap(),
            String::from_utf8(alone).unwrap()
        );
    }

    proptest::proptest! {
        /// Any string, escaped as serde_json escapes it: the eight-byte test
        /// must not skip a byte that needs an escape, wherever it stands.
        #[test]
        fn json_string_escapes_as_serde_json_does(s in "(?s)(?:[\\x00-\\x7f]|é|€|😀){0,40}") {
            let mut fast = Vec::new();
            json_string(&mut fast, &s);
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    /// Every byte value, at every place in a word, after every other: the
    /// lowest flag is the first byte to escape.
    #[test]
    fn escapes_flags_the_first_byte_to_escape_exactly() {
        for b in 0..=255u8 {
            for other in [b'a', b'"', 0, 0x1f, 0x20, b'\\', 0x80, 0xff] {
                for at in 0..8 {
                    let mut word = *b"plain ok";
                    word[at] = b;
                    if at > 0 {
                        word[at - 1] = other;
                    }
                    let first = word.iter().position(|&b| needs_escape(b));
                    let mask = escapes(u64::from_le_bytes(word));
                    let found = (mask != 0).then(|| (mask.trailing_zeros() / 8) as usize);
                    assert_eq!(found, first, "{word:?}");
                }
            }
        }
    }

    /// Every kind of key and value `write` handles, as serde_json writes them.
    #[test]
    fn write_gives_the_bytes_serde_json_gives() {
        let field = Field {
            bt: Some("BT-153".into()),
            name: "Item \"name\"".into(),
            xpath: None,
            place: Some("line 2".into()),
        };
        let replacements = ["plain words".to_string(), "tab\there \\ \u{1}".to_string()];
        let plain = JsonFinding {
            path: "docs/a b/ü.md",
            line: 1,
            column: 2,
            end_line: 30,
            end_column: 400,
            byte_start: 5_000,
            byte_end: usize::MAX,
            matched: "DDP",
            term: Some("DDP"),
            role: Some("finance"),
            rule: "jargon",
            severity: "warning",
            replacements: &replacements[..1],
            explanation: None,
            message: "finance readers may not know \"DDP\": write \"plain words\"",
            field: None,
            location: None,
            part: None,
            no_fix: None,
        };
        let every = JsonFinding {
            path: "C:\\docs\\\"q\".md",
            matched: "line\nbreak \u{7f} \u{1f}",
            term: None,
            role: None,
            replacements: &replacements,
            explanation: Some("“curly” — </script>"),
            field: Some(&field),
            location: Some("decoded"),
            part: Some(3),
            no_fix: Some("role \"x\" has 2 replacements"),
            ..plain
        };
        let empty = JsonFinding {
            replacements: &[],
            path: "",
            matched: "",
            ..plain
        };
        let controls: String = (0u8..0x20)
            .map(char::from)
            .chain("\"\\\u{7f}é".chars())
            .collect();
        let control = JsonFinding {
            matched: &controls,
            message: &controls[3..],
            ..plain
        };
        for f in [plain, every, empty, control] {
            let mut fast = Vec::new();
            f.write(&mut fast);
            let serde = serde_json::to_vec(&f).unwrap();
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(serde).unwrap()
            );
        }
    }
}
