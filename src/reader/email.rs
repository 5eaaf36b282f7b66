//! MIME email messages (`.eml`), parsed with mail-parser. The prose is the
//! Subject and every text/plain and text/html part, without the quoted
//! history and the signature: those are someone else's words, or boilerplate.
//!
//! Positions. Source 0 is the raw file when it is UTF-8 (else an empty
//! placeholder). A part that is neither base64 nor quoted-printable and whose
//! charset is UTF-8 or US-ASCII is read straight from source 0, so lines and
//! columns are the `.eml`'s own and fixes can edit it. Any other part is
//! decoded into a source of its own, and its positions are in that decoded
//! text. Such a source carries a part number: part `n` is the `n`th
//! non-multipart part in file order, counted from one, which for a
//! single-part or flat multipart message is its IMAP part number. Part 0 is
//! the header, where an RFC 2047 encoded Subject is decoded. A part that
//! cannot be decoded is skipped rather than guessed at, so no position is
//! ever wrong.
//!
//! Charsets are decoded here with encoding_rs, not by mail-parser: built
//! without its `full_encoding` feature, mail-parser turns Shift_JIS, EUC-KR
//! or ISO-2022-JP text into replacement characters.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use mail_parser::decoders::DecodeFnc;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Header, HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders,
};
use regex::Regex;

use super::ReadError;
use crate::document::{Document, Field, Segment, Source};

/// Reads a MIME message.
pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    let message = parse(bytes)?;
    let raw = std::str::from_utf8(bytes).ok();
    let mut doc = Document::new(raw.unwrap_or_default().to_string());
    doc.meta.lang = content_language(&message);
    read_subject(&mut doc, &message, bytes, raw);
    if let Some(ct) = message.parts.first().and_then(|p| p.content_type())
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct.attribute("boundary").is_none()
    {
        doc.notes.push(format!(
            "the message is multipart/{} but names no boundary, so its body was not checked",
            ct.subtype().unwrap_or("?")
        ));
    }
    let leaves = message.parts.iter().filter(|p| !p.is_multipart());
    for (i, part) in leaves.enumerate() {
        read_part(&mut doc, part, i + 1, bytes, raw)?;
    }
    Ok(doc)
}

/// Parses the message; mail-parser gives up only when there is no header.
fn parse(bytes: &[u8]) -> Result<Message<'_>, ReadError> {
    // mail-parser never panics by design, but has debug assertions on
    // internal invariants; a panic there must not take the run down.
    match crate::quietly(|| MessageParser::default().parse(bytes)) {
        Some(Some(m)) if !m.parts.is_empty() => Ok(m),
        Some(_) => Err(ReadError::invalid(
            "not an email message: no header fields found",
            "an .eml file starts with header lines such as `From:` and `Subject:`, \
             then a blank line and the body",
        )),
        None => Err(ReadError::invalid(
            "the MIME structure of this message cannot be parsed",
            "check that the file is a complete message as saved by a mail client",
        )),
    }
}

/// The first language tag of the message's `Content-Language`.
fn content_language(message: &Message<'_>) -> Option<String> {
    let first = |s: &str| {
        s.split(',')
            .map(str::trim)
            .find(|t| !t.is_empty())
            .map(str::to_string)
    };
    match message.parts.first()?.content_language() {
        HeaderValue::Text(t) => first(t),
        HeaderValue::TextList(l) => l.iter().find_map(|t| first(t)),
        _ => None,
    }
}

// ---------------------------------------------------------------- Subject

/// An RFC 2047 encoded word: `=?charset?Q|B?text?=`.
static ENCODED_WORD: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=").expect("static regex")
});

fn subject_field() -> Field {
    Field {
        bt: None,
        name: "Subject".into(),
        xpath: None,
        place: None,
    }
}

/// Adds the Subject: positioned in the raw file when it is written there as
/// is, else decoded into source part 0.
fn read_subject(doc: &mut Document, message: &Message<'_>, bytes: &[u8], raw: Option<&str>) {
    let Some(header) = message
        .parts
        .first()
        .and_then(|p| last_header(p, &HeaderName::Subject))
    else {
        return;
    };
    let range = header.offset_start as usize..header.offset_end as usize;
    let Some(value) = bytes.get(range.clone()) else {
        return;
    };
    let encoded = ENCODED_WORD.is_match(value);
    if !encoded && let Some(text) = raw.and_then(|r| r.get(range.clone())) {
        // Folded lines stay as they are: the line break is whitespace.
        let start = range.start + (text.len() - text.trim_start().len());
        let trimmed = text.trim();
        let mut seg = Segment::new(0);
        seg.push_verbatim(trimmed, start);
        seg.field = Some(subject_field());
        doc.push(seg);
        return;
    }
    let unfolded = unfold(value);
    let text = if encoded {
        decode_encoded_words(&unfolded)
    } else {
        String::from_utf8(unfolded).ok()
    };
    let Some(text) = text.map(|t| t.trim().to_string()) else {
        return;
    };
    let mut seg = Segment::new(doc.sources.len());
    seg.push_verbatim(&text, 0);
    seg.field = Some(subject_field());
    doc.push(seg);
    push_source(doc, text, 0);
}

/// The last header named `name` (the one mail-parser reports, too).
fn last_header<'a, 'x>(part: &'a MessagePart<'x>, name: &HeaderName<'_>) -> Option<&'a Header<'x>> {
    part.headers.iter().rev().find(|h| &h.name == name)
}

/// A header value with its folding line breaks removed.
fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let nl = match value[i..] {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] => 1,
            _ => 0,
        };
        if nl > 0 {
            i += nl;
            continue;
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

/// Decodes the RFC 2047 encoded words of an unfolded header value.
/// Whitespace between two encoded words is dropped, and adjacent words in
/// one charset are decoded together (a multi-byte character may be split
/// across them). `None` when a charset cannot be decoded.
fn decode_encoded_words(value: &[u8]) -> Option<String> {
    let mut out = String::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_charset = String::new();
    let mut last = 0;
    let flush = |out: &mut String, pending: &mut Vec<u8>, charset: &str| -> Option<()> {
        if !pending.is_empty() {
            out.push_str(&decode_charset(pending, Some(charset))?);
            pending.clear();
        }
        Some(())
    };
    for c in ENCODED_WORD.captures_iter(value) {
        let (Some(word), Some(charset), Some(kind), Some(data)) =
            (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        let charset = String::from_utf8_lossy(charset.as_bytes());
        // RFC 2231 allows a language after the charset: `utf-8*de`.
        let charset = charset.split('*').next().unwrap_or_default().to_string();
        let decoded = match kind.as_bytes() {
            b"Q" | b"q" => Some(decode_q(data.as_bytes())),
            _ => mail_parser::decoders::base64::base64_decode(data.as_bytes()),
        };
        let gap = &value[last..word.start()];
        let Some(decoded) = decoded else {
            // Not decodable: keep the word as written.
            flush(&mut out, &mut pending, &pending_charset)?;
            out.push_str(std::str::from_utf8(&value[last..word.end()]).ok()?);
            last = word.end();
            continue;
        };
        let joins = !pending.is_empty() && gap.iter().all(u8::is_ascii_whitespace);
        if !(joins && charset.eq_ignore_ascii_case(&pending_charset)) {
            flush(&mut out, &mut pending, &pending_charset)?;
            if !joins {
                out.push_str(std::str::from_utf8(gap).ok()?);
            }
        }
        pending_charset = charset;
        pending.extend_from_slice(&decoded);
        last = word.end();
    }
    flush(&mut out, &mut pending, &pending_charset)?;
    out.push_str(std::str::from_utf8(&value[last..]).ok()?);
    Some(out)
}

/// The `Q` encoding of RFC 2047: `_` is a space, `=XX` a byte.
fn decode_q(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let byte = data
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = byte {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

// ------------------------------------------------------------------ Parts

/// The two kinds of body part plainly reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Plain,
    Html,
}

/// The kind of a part, if it is a text/plain (also: no Content-Type) or
/// text/html part that mail-parser read as text.
fn body_kind(part: &MessagePart<'_>) -> Option<Body> {
    use mail_parser::PartType;
    if !matches!(part.body, PartType::Text(_) | PartType::Html(_)) {
        return None;
    }
    match part.content_type() {
        None => Some(Body::Plain),
        Some(ct) if ct.ctype().eq_ignore_ascii_case("text") => {
            match ct.subtype().map(str::to_ascii_lowercase).as_deref() {
                Some("plain") | None => Some(Body::Plain),
                Some("html") => Some(Body::Html),
                _ => None,
            }
        }
        Some(_) => None,
    }
}

/// Adds the prose of one text part, numbered `number` for decoded sources.
fn read_part(
    doc: &mut Document,
    part: &MessagePart<'_>,
    number: usize,
    bytes: &[u8],
    raw: Option<&str>,
) -> Result<(), ReadError> {
    let Some(kind) = body_kind(part) else {
        return Ok(());
    };
    let range = part.offset_body as usize..part.offset_end as usize;
    let Some(body) = bytes.get(range.clone()) else {
        return Ok(());
    };
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(str::trim);
    let Some((decoded, transfer_encoded)) = transfer_decode(part, body) else {
        doc.notes.push(format!(
            "part {number}: its transfer encoding cannot be decoded, so it was not checked"
        ));
        return Ok(());
    };
    // Verbatim in the file: the bytes are the text, so positions are the file's.
    if !transfer_encoded
        && charset.is_none_or(is_utf8_label)
        && let Some(text) = raw.and_then(|r| r.get(range.clone()))
    {
        return read_text(doc, kind, text, 0, range.start);
    }
    let Some(text) = decode_charset(&decoded, charset) else {
        doc.notes.push(format!(
            "part {number}: charset {} is unknown and the text is not UTF-8, so it was not checked",
            charset.unwrap_or("(none)")
        ));
        return Ok(());
    };
    read_text(doc, kind, &text, doc.sources.len(), 0)?;
    push_source(doc, text, number);
    Ok(())
}

/// Adds `text` (a whole part) as prose of source `source`, at `base` in it.
fn read_text(
    doc: &mut Document,
    kind: Body,
    text: &str,
    source: usize,
    base: usize,
) -> Result<(), ReadError> {
    match kind {
        Body::Plain => {
            for r in own_text(text) {
                let mut seg = Segment::new(source);
                seg.push_verbatim(&text[r.clone()], base + r.start);
                doc.push(seg);
                // Directives are positions in source 0, the raw file.
                if source == 0 {
                    doc.directives.extend(super::text::line_directives(
                        &text[r.clone()],
                        base + r.start,
                    ));
                }
            }
            Ok(())
        }
        Body::Html => {
            let end = html_history_start(text);
            super::html::read_into(doc, &text[..end], source, base)
        }
    }
}

/// Adds a decoded source for part `part` (its segments, made before, use
/// index `doc.sources.len()`).
fn push_source(doc: &mut Document, text: String, part: usize) {
    doc.sources.push(Source {
        text,
        decoded_part: Some(part),
    });
}

/// Undoes the part's Content-Transfer-Encoding with mail-parser's own MIME
/// decoders (the ones it uses while parsing). Returns the bytes and whether
/// they were encoded; `None` when base64 or quoted-printable is broken.
fn transfer_decode<'a>(part: &MessagePart<'_>, body: &'a [u8]) -> Option<(Cow<'a, [u8]>, bool)> {
    let cte = part
        .content_transfer_encoding()
        .map(|c| c.trim().to_ascii_lowercase());
    let decoder: DecodeFnc<'a> = match cte.as_deref() {
        Some("base64") => MessageStream::decode_base64_mime,
        Some("quoted-printable") => MessageStream::decode_quoted_printable_mime,
        _ => return Some((Cow::Borrowed(body), false)),
    };
    let (end, decoded) = crate::quietly(|| decoder(&mut MessageStream::new(body), b""))?;
    (end != usize::MAX).then(|| (Cow::Owned(decoded.into_owned()), true))
}

/// Whether a charset label means UTF-8 or US-ASCII (whose bytes, when they
/// are valid UTF-8, are the text as is).
fn is_utf8_label(label: &str) -> bool {
    let l = label.trim_matches('"').to_ascii_lowercase();
    matches!(
        l.as_str(),
        "utf-8" | "utf8" | "us-ascii" | "ascii" | "us_ascii" | "ansi_x3.4-1968" | "iso646-us"
    )
}

/// Decodes a part's bytes from its declared charset, as best it can: a
/// UTF-8 or US-ASCII label on bytes that are not UTF-8 is read as
/// Windows-1252 (what such mislabelled mail almost always is); a label
/// encoding_rs does not know is tried with mail-parser's decoders and then
/// as UTF-8. `None` when nothing decodes cleanly: no replacement characters.
fn decode_charset(bytes: &[u8], label: Option<&str>) -> Option<String> {
    let label = label
        .map(|l| l.trim().trim_matches('"'))
        .filter(|l| !l.is_empty());
    let utf8 = || std::str::from_utf8(bytes).ok().map(str::to_string);
    match label {
        None => utf8().or_else(|| Some(windows_1252(bytes))),
        Some(l) if is_utf8_label(l) => utf8().or_else(|| Some(windows_1252(bytes))),
        Some(l) => match encoding_rs::Encoding::for_label(l.as_bytes()) {
            Some(enc) => enc
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(Cow::into_owned)
                .or_else(utf8),
            None => mail_parser::decoders::charsets::map::charset_decoder(l.as_bytes())
                .map(|decode| decode(bytes))
                .filter(|t| !t.contains('\u{FFFD}'))
                .or_else(utf8),
        },
    }
}

fn windows_1252(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

// ------------------------------------------------- Quotes and signatures

/// An attribution line: "On Mon, 2 Nov 2026, Anna <a@b> wrote:" (also in
/// German, Dutch, Swedish and French).
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:on|am|op|den|le)\s.*\b(?:wrote|schrieb|schreef|skrev|a écrit)\s*:\s*$")
        .expect("static regex")
});
/// The two halves of an attribution line wrapped over two lines.
static ATTRIBUTION_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:on|am|op|den|le)\s").expect("static regex"));
static ATTRIBUTION_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:wrote|schrieb|schreef|skrev|a écrit)\s*:\s*$").expect("static regex")
});
/// "-----Original Message-----" and Gmail's forwarded-message line.
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|oorspronkelijk bericht|originalmeddelande|message d'origine|forwarded message)\s*-{2,}\s*$",
    )
    .expect("static regex")
});
/// The first line of an Outlook reply header ("From: Anna Berg <…>").
static OUTLOOK_FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*\*?(?:from|von|van|från|de)\s*:").expect("static regex"));
/// A later line of an Outlook reply header.
static OUTLOOK_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*\*?(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|verzonden|aan|onderwerp|skickat|till|ämne|envoyé|à|objet)\s*\*?\s*:",
    )
    .expect("static regex")
});

/// How many lines after `From:` the rest of an Outlook header may start.
const OUTLOOK_WINDOW: usize = 4;

/// Whether a text/plain line is quoted (`> …`).
fn is_quoted(line: &str) -> bool {
    line.trim_start_matches([' ', '\t']).starts_with('>')
}

/// The byte ranges of a text/plain body that its sender wrote: without
/// `>` quoted lines, and ending where the quoted history or the signature
/// starts (see [`history_start`]).
fn own_text(text: &str) -> Vec<Range<usize>> {
    let lines = lines(text);
    let end = history_start(&lines).map_or(text.len(), |i| lines[i].0);
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for &(start, line) in lines.iter().take_while(|(s, _)| *s < end) {
        if is_quoted(line) {
            if let Some(s) = run.take() {
                out.push(s..start);
            }
        } else if run.is_none() {
            run = Some(start);
        }
    }
    if let Some(s) = run {
        out.push(s..end);
    }
    out
}

/// Each line's start offset and its text without the line break.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

/// The first line of the quoted history or signature: a `-- ` signature
/// separator, an "Original Message" or "Forwarded message" line, an
/// attribution line ("On … wrote:", possibly wrapped, or any line ending in
/// `:` with a date or address in it that introduces `>` lines), or an
/// Outlook reply header (`From:` followed closely by `Sent:`, `To:`, ...).
fn history_start(lines: &[(usize, &str)]) -> Option<usize> {
    (0..lines.len()).find(|&i| {
        let line = lines[i].1;
        if is_quoted(line) {
            return false;
        }
        line.trim_end() == "--"
            || SEPARATOR.is_match(line)
            || ATTRIBUTION.is_match(line)
            || (ATTRIBUTION_START.is_match(line)
                && lines
                    .get(i + 1)
                    .is_some_and(|(_, l)| ATTRIBUTION_END.is_match(l)))
            || introduces_quote(lines, i)
            || (OUTLOOK_FROM.is_match(line)
                && lines[i + 1..]
                    .iter()
                    .take(OUTLOOK_WINDOW)
                    .any(|(_, l)| OUTLOOK_FIELD.is_match(l)))
    })
}

/// Whether a line has a date, a time or an address in it.
fn dated(line: &str) -> bool {
    line.contains(|c: char| c == '@' || c.is_ascii_digit())
}

/// Whether line `i` (alone, or wrapped onto the next line) ends in `:`, has
/// a date or an address in it, and is followed by `>` quoted lines: an
/// attribution line in any language.
fn introduces_quote(lines: &[(usize, &str)], i: usize) -> bool {
    let ends_colon = |j: usize| {
        lines
            .get(j)
            .is_some_and(|(_, l)| l.trim_end().ends_with(':'))
    };
    let last = if ends_colon(i) {
        i
    } else if dated(lines[i].1)
        && !lines[i].1.trim_end().ends_with(['.', '!', '?'])
        && lines.get(i + 1).is_some_and(|(_, l)| !is_quoted(l))
        && ends_colon(i + 1)
    {
        i + 1
    } else {
        return false;
    };
    let next = lines[last + 1..]
        .iter()
        .map(|(_, l)| *l)
        .find(|l| !l.trim().is_empty());
    lines[i..=last].iter().any(|(_, l)| dated(l)) && next.is_some_and(is_quoted)
}

/// Where quoted history starts in an HTML part: a quote container of the
/// common mail clients, an "Original Message" line, or an Outlook reply
/// header in markup (`<b>From:</b> … <b>Sent:</b>`).
static HTML_HISTORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)<blockquote\b|<div\b[^>]*\b(?:class|id)\s*=\s*["']?[^"'>]*\b(?:gmail_quote|gmail_signature|moz-cite-prefix|moz-signature|appendonsend|divRplyFwdMsg)\b|-{3,}\s*(?:original message|forwarded message)\s*-{3,}"#,
    )
    .expect("static regex")
});
static HTML_OUTLOOK_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)>\s*(?:from|von|van|från|de)\s*:\s*<").expect("static regex")
});
static HTML_OUTLOOK_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)>\s*(?:sent|date|to|subject|gesendet|datum|an|betreff|verzonden|aan|onderwerp|skickat|till|ämne|envoyé|à|objet)\s*:\s*<",
    )
    .expect("static regex")
});
/// How far after `From:` an HTML Outlook header's next field may be.
const HTML_OUTLOOK_WINDOW: usize = 1500;

/// The offset where an HTML part's own content ends: the earliest quote
/// container, separator, Outlook header or `-- ` signature line.
fn html_history_start(html: &str) -> usize {
    let quote = HTML_HISTORY.find(html).map(|m| m.start());
    let outlook = HTML_OUTLOOK_FROM.find_iter(html).find_map(|m| {
        let window_end = floor_char_boundary(html, m.end() + HTML_OUTLOOK_WINDOW);
        HTML_OUTLOOK_FIELD
            .is_match(&html[m.end() - 1..window_end])
            .then_some(m.start() + 1)
    });
    [quote, outlook, html_signature(html)]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(html.len())
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A `-- ` signature separator standing alone as a line of text: after a
/// tag or a line break, followed by an optional space and then a tag or a
/// line break. `<!--` and `-->` are not.
fn html_signature(html: &str) -> Option<usize> {
    memchr::memmem::find_iter(html.as_bytes(), b"--").find(|&at| {
        let before = html[..at].trim_end_matches([' ', '\t']);
        if !(before.is_empty() || before.ends_with(['>', '\n'])) {
            return false;
        }
        let after = &html[at + 2..];
        let after = after
            .strip_prefix(' ')
            .or_else(|| after.strip_prefix("&nbsp;"))
            .or_else(|| after.strip_prefix('\u{a0}'))
            .unwrap_or(after)
            .trim_start_matches([' ', '\t']);
        after.is_empty() || after.starts_with(['<', '\r', '\n'])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with CRLF line ends, as mail is sent.
    fn crlf(text: &str) -> String {
        text.replace('\n', "\r\n")
    }

    fn kept(text: &str) -> Vec<&str> {
        own_text(text).into_iter().map(|r| &text[r]).collect()
    }

    /// Each segment's text and the source text it maps onto, which must be equal.
    fn check_segments(doc: &Document) {
        for seg in &doc.segments {
            let src = &doc.sources[seg.source].text;
            let r = seg.to_source(&(0..seg.text.len()));
            if seg.is_verbatim(&(0..seg.text.len())) {
                assert_eq!(&src[r], seg.text);
            }
        }
    }

    #[test]
    fn signature_and_quotes_are_cut() {
        let t = "Hi,\n\nwe ship DDP.\n> your PO\n> 4711\nThanks\n-- \nLars | RMA desk\n";
        assert_eq!(kept(t), vec!["Hi,\n\nwe ship DDP.\n", "Thanks\n"]);
        assert_eq!(kept("a\n--\nsig"), vec!["a\n"]);
        assert_eq!(kept("a -- b\n"), vec!["a -- b\n"]);
    }

    #[test]
    fn attribution_cuts_everything_after() {
        let t =
            crlf("Reply.\n\nOn Mon, 2 Nov 2026 at 09:14, Anna <a@b.example> wrote:\n> DDP\nmore\n");
        assert_eq!(kept(&t), vec!["Reply.\r\n\r\n"]);
        let wrapped =
            "Reply.\nOn Mon, 2 Nov 2026 at 09:14, Anna Berg\n<anna@customer.example> wrote:\n> x\n";
        assert_eq!(kept(wrapped), vec!["Reply.\n"]);
        let german = "Gut.\nAm 02.11.2026 um 09:14 schrieb Anna Berg:\n> x\n";
        assert_eq!(kept(german), vec!["Gut.\n"]);
        let other = "Ok.\n20.06.2013 18:54 пользователь Anna <a@b.example> написал:\n\n> x\n";
        assert_eq!(kept(other), vec!["Ok.\n"]);
        let wrapped_other =
            "Ok.\n02.04.2012 14:20 пользователь \"bob\" <\nbob@x.example> написал:\n\n> Hi\n";
        assert_eq!(kept(wrapped_other), vec!["Ok.\n"]);
        // A colon before a quote, without date or address, is prose.
        assert_eq!(
            kept("See below:\n> DDP\nOk\n"),
            vec!["See below:\n", "Ok\n"]
        );
        // A sentence that starts with "On" is prose.
        assert_eq!(kept("On Monday we ship.\nThe PO follows.\n").len(), 1);
    }

    #[test]
    fn outlook_header_block_cuts_everything_after() {
        let t = crlf(
            "Hello\n\nFrom: Anna Berg <anna@customer.example>\nSent: Monday, November 2, 2026 9:14 AM\nTo: Returns\nSubject: RMA\n\nDDP\n",
        );
        assert_eq!(kept(&t), vec!["Hello\r\n\r\n"]);
        assert_eq!(
            kept("Hi\n-----Original Message-----\nFrom: x\n"),
            vec!["Hi\n"]
        );
        assert_eq!(
            kept("Hi\n---------- Forwarded message ---------\nFrom: x\n"),
            vec!["Hi\n"]
        );
        // A lone "From:" line is prose.
        assert_eq!(
            kept("From: 1 March, prices rise.\n\nThe rest.\n\n\n\n\nTo: be sure, call.\n"),
            vec!["From: 1 March, prices rise.\n\nThe rest.\n\n\n\n\nTo: be sure, call.\n"]
        );
    }

    #[test]
    fn html_is_cut_before_quotes_and_signatures() {
        fn cut(h: &str) -> &str {
            &h[..html_history_start(h)]
        }
        assert_eq!(cut("<p>a</p><blockquote>DDP</blockquote>"), "<p>a</p>");
        assert_eq!(
            cut(r#"<p>a</p><div class="gmail_quote gmail_quote_container"><div>On x wrote:</div>"#),
            "<p>a</p>"
        );
        assert_eq!(
            cut(r#"<p>a</p><div id="appendonsend"></div><hr>"#),
            "<p>a</p>"
        );
        assert_eq!(
            cut("<p>a</p><div class=\"signature\">-- <br>Lars</div>"),
            "<p>a</p><div class=\"signature\">"
        );
        assert_eq!(cut("<p>a</p>\n--&nbsp;<br>x"), "<p>a</p>\n");
        assert_eq!(
            cut("<p>a</p><p>-----Original Message-----<br>From: x</p>"),
            "<p>a</p><p>"
        );
        assert_eq!(
            cut("<p>a</p><p><b>From:</b> Anna<br><b>Sent:</b> Monday<br></p><p>DDP</p>"),
            "<p>a</p><p><b>"
        );
        // Comments, comment ends and dashes in prose are not signatures.
        let h = "<style><!--\np {}\n--></style><p>a -- b</p><p>---</p><!-- x -->";
        assert_eq!(cut(h), h);
    }

    const SEVEN_BIT: &str = "From: a@b.example\nSubject: RMA approved - restocking fee waived\nContent-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: 7bit\nContent-Language: en-GB, de\n\nHello,\nwe issue a credit memo. plainly: ignore credit memo\n> quoted DDP\nThanks\n-- \nRMA desk\n";

    #[test]
    fn seven_bit_parts_map_exactly_into_the_raw_file() {
        let raw = crlf(SEVEN_BIT);
        let doc = read(raw.as_bytes()).unwrap();
        assert_eq!(doc.sources.len(), 1);
        assert_eq!(doc.sources[0].text, raw);
        assert_eq!(doc.meta.lang.as_deref(), Some("en-GB"));
        let texts: Vec<_> = doc.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "RMA approved - restocking fee waived",
                "Hello,\r\nwe issue a credit memo. plainly: ignore credit memo\r\n",
                "Thanks\r\n",
            ]
        );
        assert_eq!(doc.segments[0].field.as_ref().unwrap().name, "Subject");
        for seg in &doc.segments {
            assert_eq!(seg.source, 0);
            let r = seg.to_source(&(0..seg.text.len()));
            assert_eq!(&raw[r], seg.text);
        }
        let memo = doc.segments[1].text.find("credit memo").unwrap();
        let r = doc.segments[1].to_source(&(memo..memo + 11));
        assert_eq!(&raw[r.clone()], "credit memo");
        assert_eq!(raw[..r.start].matches('\n').count(), 7);
        assert_eq!(doc.directives.len(), 1);
        assert_eq!(
            &raw[doc.directives[0].range.clone()],
            "plainly: ignore credit memo"
        );
    }

    #[test]
    fn folded_plain_subject_stays_in_the_raw_file() {
        let raw = crlf("Subject: RMA approved, restocking\n fee waived\n\nBody\n");
        let doc = read(raw.as_bytes()).unwrap();
        let s = &doc.segments[0];
        assert_eq!(s.source, 0);
        assert_eq!(s.text, "RMA approved, restocking\r\n fee waived");
        assert_eq!(&raw[s.to_source(&(0..s.text.len()))], s.text);
    }

    const MULTIPART: &str = "From: a@b.example\nSubject: =?utf-8?q?Lieferung_DDP_f=C3=BCr?= =?utf-8?b?IE3DvGxsZXI=?=\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nLieferung DDP an M=FCller, lead t=\nime 4 weeks.\n-- \nRMA\n--XX\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPHA+TcO8bGxlciBEQVA8L3A+PGJsb2NrcXVvdGU+RERQPC9ibG9ja3F1b3RlPg==\n--XX--\n";

    #[test]
    fn encoded_parts_and_subjects_are_decoded_sources() {
        let raw = crlf(MULTIPART);
        let doc = read(raw.as_bytes()).unwrap();
        let parts: Vec<_> = doc.sources.iter().map(|s| s.decoded_part).collect();
        assert_eq!(parts, vec![None, Some(0), Some(1), Some(2)]);
        assert_eq!(doc.sources[1].text, "Lieferung DDP für Müller");
        assert_eq!(
            doc.sources[2].text,
            "Lieferung DDP an Müller, lead time 4 weeks.\r\n--\r\nRMA"
        );
        assert_eq!(
            doc.sources[3].text,
            "<p>Müller DAP</p><blockquote>DDP</blockquote>"
        );
        let texts: Vec<_> = doc
            .segments
            .iter()
            .map(|s| (s.source, s.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            vec![
                (1, "Lieferung DDP für Müller"),
                (2, "Lieferung DDP an Müller, lead time 4 weeks.\r\n"),
                (3, "Müller DAP"),
            ]
        );
        assert_eq!(doc.segments[0].field.as_ref().unwrap().name, "Subject");
        check_segments(&doc);
        assert!(doc.directives.is_empty());
    }

    #[test]
    fn other_charsets_are_decoded_and_broken_ones_skipped() {
        let mut raw = b"Subject: x\nContent-Type: text/plain; charset=shift_jis\n\n".to_vec();
        raw.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("納期 DDP").0);
        let doc = read(&raw).unwrap();
        assert_eq!(doc.sources[0].text, "", "not UTF-8: a placeholder");
        assert_eq!(
            doc.sources[1].decoded_part,
            Some(0),
            "the plain Subject, decoded"
        );
        assert_eq!(doc.sources[2].text, "納期 DDP");

        // Unknown charset: UTF-8 bytes are read, anything else is skipped.
        let ok = read(b"Subject: x\nContent-Type: text/plain; charset=x-bogus\nContent-Transfer-Encoding: base64\n\nw7xiZXI=\n").unwrap();
        assert_eq!(ok.sources[1].text, "über");
        let bad = read(b"Subject: x\nContent-Type: text/plain; charset=x-bogus\nContent-Transfer-Encoding: base64\n\n/P/+\n").unwrap();
        assert_eq!(bad.sources.len(), 1);
        assert_eq!(bad.segments.len(), 1, "only the Subject");

        // Mislabelled: "us-ascii" on Latin-1 bytes.
        let latin = read(b"Subject: x\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: base64\n\nTfxsbGVy\n").unwrap();
        assert_eq!(latin.sources[1].text, "Müller");
        for doc in [doc, ok, bad, latin] {
            assert!(doc.sources.iter().all(|s| !s.text.contains('\u{FFFD}')));
        }
    }

    #[test]
    fn broken_messages() {
        assert!(matches!(read(b""), Err(ReadError::Invalid { .. })));
        // A multipart without a boundary: no crash, no raw MIME as prose.
        let doc = read(
            b"Subject: a\nContent-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nDDP\n",
        )
        .unwrap();
        assert_eq!(doc.segments.len(), 1);
        // A boundary that never comes.
        let doc = read(b"Subject: a\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nDDP=\n here\n").unwrap();
        check_segments(&doc);
    }

    #[test]
    fn encoded_words() {
        assert_eq!(
            decode_encoded_words(b"=?ISO-8859-1?Q?Est-ce_toi_=3F?=").as_deref(),
            Some("Est-ce toi ?")
        );
        assert_eq!(
            decode_encoded_words(b"Re: =?utf-8?B?w7w=?= =?utf-8?B?w7w=?= x").as_deref(),
            Some("Re: üü x")
        );
        // A multi-byte character split across two words.
        assert_eq!(
            decode_encoded_words(b"=?utf-8?Q?=C3?= =?utf-8?Q?=BC?=").as_deref(),
            Some("ü")
        );
        assert_eq!(
            decode_encoded_words(b"=?euc-kr?Q?=C7=D1?=").as_deref(),
            Some("한")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_maps_inside_sources(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            cte in proptest::sample::select(vec!["7bit", "base64", "quoted-printable"]),
            charset in proptest::sample::select(vec!["utf-8", "iso-8859-1", "shift_jis", "x-none"]),
        ) {
            let mut raw = format!(
                "Subject: =?utf-8?q?a?= b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
            ).into_bytes();
            raw.extend_from_slice(&body);
            raw.extend_from_slice(b"\r\n--b\r\nContent-Type: text/html\r\n\r\n");
            raw.extend_from_slice(&body);
            if let Ok(doc) = read(&raw) {
                for seg in &doc.segments {
                    let r = seg.to_source(&(0..seg.text.len()));
                    proptest::prop_assert!(r.end <= doc.sources[seg.source].text.len());
                }
                check_segments(&doc);
            }
        }
    }
}
