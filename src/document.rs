//! What a reader makes of a file: the prose segments a human reads, each with
//! a map back to the exact source bytes, plus what the file says about itself
//! (audience, language) and its suppression comments.
//!
//! Readers build segments from pieces. A verbatim piece is text exactly as in
//! the source; a decoded piece (an entity, an escape) maps as a whole onto its
//! source bytes, so a match touching it covers the whole entity.

use std::ops::Range;

use serde::Serialize;

/// One source text positions refer to: the file itself, or a decoded part of
/// it (a base64 or quoted-printable email part).
#[derive(Debug, Clone)]
pub struct Source {
    pub text: String,
    /// `None` for the file itself; the part index for a decoded part.
    pub decoded_part: Option<usize>,
}

/// The business field a segment belongs to (e-invoices, CSV, email headers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// EN 16931 business term id (`BT-153`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bt: Option<String>,
    /// Human name of the field (`Item name`, a CSV column header, `Subject`).
    pub name: String,
    /// Where the field is: an XPath for XML, `row 3` for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xpath: Option<String>,
    /// A short human place, e.g. `line 2` for the second invoice line.
    #[serde(skip)]
    pub place: Option<String>,
}

#[derive(Debug, Clone)]
struct Piece {
    /// Range in the segment text.
    text: Range<usize>,
    /// Range in the source.
    source: Range<usize>,
    verbatim: bool,
}

/// A run of prose: text a reader reads as one flow, in which a multi-word
/// term may match across line breaks and inline markup.
#[derive(Debug, Clone, Default)]
pub struct Segment {
    /// The prose, with entities decoded.
    pub text: String,
    pieces: Vec<Piece>,
    /// Ranges of the segment text that are link text (they count as explained).
    pub links: Vec<Range<usize>>,
    /// Index into [`Document::sources`].
    pub source: usize,
    pub field: Option<Field>,
}

impl Segment {
    /// A new, empty segment over source `source`.
    pub fn new(source: usize) -> Self {
        Segment {
            source,
            ..Default::default()
        }
    }

    /// Appends text that appears verbatim at `source_start` in the source.
    pub fn push_verbatim(&mut self, text: &str, source_start: usize) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece {
            text: start..self.text.len(),
            source: source_start..source_start + text.len(),
            verbatim: true,
        });
    }

    /// Appends text that the source writes differently (an entity, an escape):
    /// it maps as a whole onto `source`.
    pub fn push_decoded(&mut self, text: &str, source: Range<usize>) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece {
            text: start..self.text.len(),
            source,
            verbatim: false,
        });
    }

    /// Appends raw markup text that may contain character references
    /// (`&amp;`, `&#233;`, `&nbsp;`): plain runs are verbatim, each reference
    /// is decoded and maps onto its source bytes. `html` selects the HTML5
    /// entity table; otherwise only XML's five are known. An unknown
    /// reference stays as written.
    pub fn push_escaped(&mut self, raw: &str, source_start: usize, html: bool) {
        let mut last = 0;
        let bytes = raw.as_bytes();
        for amp in memchr::memchr_iter(b'&', bytes) {
            if amp < last {
                continue;
            }
            let Some(semi) = raw[amp..].find(';').filter(|&n| n <= 40) else {
                continue;
            };
            let name = &raw[amp + 1..amp + semi];
            let decoded: Option<String> = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                code.and_then(char::from_u32).map(String::from)
            } else if html {
                quick_xml::escape::resolve_html5_entity(name).map(str::to_string)
            } else {
                quick_xml::escape::resolve_xml_entity(name).map(str::to_string)
            };
            let Some(decoded) = decoded else { continue };
            self.push_verbatim(&raw[last..amp], source_start + last);
            let end = amp + semi + 1;
            self.push_decoded(&decoded, source_start + amp..source_start + end);
            last = end;
        }
        self.push_verbatim(&raw[last..], source_start + last);
    }

    /// Marks the text pushed since `from` (a `text.len()` taken before) as link text.
    pub fn mark_link(&mut self, from: usize) {
        if self.text.len() > from {
            self.links.push(from..self.text.len());
        }
    }

    /// Empties the segment, keeping its buffers for reuse.
    pub fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
        self.links.clear();
        self.field = None;
    }

    /// Whether nothing but whitespace was pushed.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Maps a range of the segment text onto the source. A boundary inside a
    /// decoded piece widens to the whole piece.
    pub fn to_source(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.source_start(r.start);
        let end = self.source_end(r.end).max(start);
        start..end
    }

    fn source_start(&self, t: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.text.end <= t);
        match self.pieces.get(i) {
            Some(p) if p.verbatim => p.source.start + (t.saturating_sub(p.text.start)),
            Some(p) => p.source.start,
            None => self.pieces.last().map_or(0, |p| p.source.end),
        }
    }

    fn source_end(&self, t: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.text.end < t);
        match self.pieces.get(i) {
            Some(p) if p.verbatim => p.source.start + (t.saturating_sub(p.text.start)),
            Some(p) => p.source.end,
            None => self.pieces.last().map_or(0, |p| p.source.end),
        }
    }

    /// Whether the text range maps onto the source verbatim, so that a fix can
    /// rewrite it: every piece it touches is verbatim and the pieces are
    /// contiguous in the source (no markup in between).
    pub fn is_verbatim(&self, r: &Range<usize>) -> bool {
        let mut last_end: Option<usize> = None;
        // Only the pieces the range touches: a huge segment has many pieces
        // and many findings, so a scan from the first piece is quadratic.
        let first = self.pieces.partition_point(|p| p.text.end <= r.start);
        for p in &self.pieces[first..] {
            if p.text.start >= r.end {
                break;
            }
            if !p.verbatim {
                return false;
            }
            if let Some(e) = last_end
                && e != p.source.start
            {
                return false;
            }
            last_end = Some(p.source.end);
        }
        true
    }
}

/// What a document says about its own readers.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// Front matter `audience:`.
    pub audience: Option<Vec<String>>,
    /// Front matter `lang:`, an e-invoice's language, an email's
    /// `Content-Language`.
    pub lang: Option<String>,
}

/// A suppression comment as written (`plainly-disable-next-line`, ...), for
/// [`crate::suppress`] to interpret.
#[derive(Debug, Clone)]
pub struct Directive {
    /// The comment's inner text.
    pub text: String,
    /// Its byte range in source 0.
    pub range: Range<usize>,
}

/// How a replacement must be written into the source for a fix to be safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Escape {
    /// Plain text and Markdown: as is.
    #[default]
    None,
    /// HTML and XML: `&`, `<`, `>` escaped.
    Markup,
    /// CSV: a replacement with `,`, `"` or a line break is not written.
    Csv,
    /// Email (plain and HTML parts alike): a replacement with `&`, `<`, `>`
    /// or a non-ASCII character is not written.
    Email,
}

impl Escape {
    /// The replacement as it must be written, or why it cannot be.
    pub fn apply(self, replacement: String) -> Result<String, &'static str> {
        match self {
            Escape::None => Ok(replacement),
            // Given by value, a replacement that needs no escape comes back
            // as it is instead of as a copy.
            Escape::Markup => Ok(quick_xml::escape::minimal_escape(replacement).into_owned()),
            Escape::Csv if replacement.contains([',', '"', '\n', '\r']) => Err(
                "the replacement contains a comma, quote or line break; edit the CSV cell by hand",
            ),
            Escape::Email if replacement.contains(['&', '<', '>']) => {
                Err("the replacement contains markup characters; edit the email by hand")
            }
            // A 7-bit part or a raw header cannot carry it as written.
            Escape::Email if !replacement.is_ascii() => {
                Err("the replacement is not ASCII; edit the email in the mail client")
            }
            Escape::Csv | Escape::Email => Ok(replacement),
        }
    }
}

/// A file as read: sources, prose segments, self-description.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub sources: Vec<Source>,
    pub segments: Vec<Segment>,
    pub meta: Meta,
    pub directives: Vec<Directive>,
    /// How fixes must write replacements (set from the format).
    pub escape: Escape,
    /// What the reader could not check, for a note on stderr (an email part
    /// in an unknown charset, a multipart body with no boundary).
    pub notes: Vec<String>,
    /// Facts about an e-invoice, for the invoice-clarity rules.
    pub invoice: Option<crate::reader::invoice::InvoiceFacts>,
}

impl Document {
    /// A document whose positions refer to `text` itself.
    pub fn new(text: String) -> Self {
        Document {
            sources: vec![Source {
                text,
                decoded_part: None,
            }],
            ..Default::default()
        }
    }

    /// The text of each segment, in order (for tests and tools that look at
    /// what a reader took as prose).
    pub fn prose(&self) -> Vec<String> {
        self.segments.iter().map(|s| s.text.clone()).collect()
    }

    /// Adds a segment unless it is blank.
    pub fn push(&mut self, seg: Segment) {
        if !seg.is_blank() {
            self.segments.push(seg);
        }
    }

    /// [`Document::push`] for a segment its reader goes on building into:
    /// unless it is blank, its buffers move into the document and it goes
    /// on, empty, with spare ones of this thread's (see [`recycle`]). It is
    /// left empty either way.
    ///
    /// A tree of documents is hundreds of thousands of segments. Copying
    /// each into buffers of its size was an allocation and a copy for its
    /// text and for its pieces; handing fresh empty buffers on instead grew
    /// them step by step (7% more time on the bench tree). Spare buffers
    /// have grown before, so most segments fit in them as they are.
    pub fn push_built(&mut self, seg: &mut Segment) {
        if seg.is_blank() {
            seg.clear();
            return;
        }
        let (text, pieces) = SPARE.with_borrow_mut(Spare::take);
        let done = Segment {
            text: std::mem::replace(&mut seg.text, text),
            pieces: std::mem::replace(&mut seg.pieces, pieces),
            links: std::mem::take(&mut seg.links),
            source: seg.source,
            field: seg.field.take(),
        };
        self.segments.push(done);
    }
}

/// Gives the buffers of a document's segments to this thread's spares, for
/// the segments of the documents it reads next (see
/// [`Document::push_built`]). The spares are bounded: a thread keeps up to
/// [`SPARE_BYTES`] of them, none over a sixteenth of that.
pub fn recycle(segments: Vec<Segment>) {
    SPARE.with_borrow_mut(|spare| {
        for seg in segments {
            spare.keep(seg);
        }
    });
}

/// Segment buffers given back by [`recycle`]: a segment's text and pieces,
/// kept and handed on together.
#[derive(Default)]
struct Spare {
    buffers: Vec<(String, Vec<Piece>)>,
    /// Their capacity in all, in bytes.
    bytes: usize,
}

/// What a thread keeps in spare segment buffers.
const SPARE_BYTES: usize = 256 * 1024;

thread_local! {
    static SPARE: std::cell::RefCell<Spare> = std::cell::RefCell::new(Spare::default());
}

/// The bytes a segment's buffers hold.
fn capacity((text, pieces): &(String, Vec<Piece>)) -> usize {
    text.capacity() + pieces.capacity() * std::mem::size_of::<Piece>()
}

impl Spare {
    fn take(&mut self) -> (String, Vec<Piece>) {
        let buffers = self.buffers.pop().unwrap_or_default();
        self.bytes -= capacity(&buffers);
        buffers
    }

    fn keep(&mut self, seg: Segment) {
        let mut buffers = (seg.text, seg.pieces);
        let bytes = capacity(&buffers);
        if bytes <= SPARE_BYTES / 16 && self.bytes + bytes <= SPARE_BYTES {
            buffers.0.clear();
            buffers.1.clear();
            self.bytes += bytes;
            self.buffers.push(buffers);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_segments_move_into_the_document_and_their_buffers_come_back() {
        let mut doc = Document::default();
        let mut seg = Segment::new(0);
        seg.push_verbatim("net ", 0);
        seg.push_decoded("&", 4..9);
        doc.push_built(&mut seg);
        assert!(seg.text.is_empty() && seg.pieces.is_empty());
        seg.push_verbatim(" \n", 9);
        doc.push_built(&mut seg);
        assert_eq!(doc.prose(), ["net &"]);
        assert_eq!(doc.segments[0].to_source(&(4..5)), 4..9);
        // Given back, the buffers serve this thread's next segment.
        let kept = |s: &Spare| (s.buffers.len(), s.bytes);
        let before = SPARE.with_borrow(kept);
        recycle(std::mem::take(&mut doc.segments));
        let after = SPARE.with_borrow(kept);
        assert_eq!(after.0, before.0 + 1);
        seg.push_verbatim("x", 0);
        doc.push_built(&mut seg);
        assert_eq!(SPARE.with_borrow(kept), before);
        assert!(seg.text.capacity() >= "net &".len());
        // A large buffer is freed, not kept.
        let mut large = Segment::new(0);
        large.push_verbatim(&"x".repeat(SPARE_BYTES), 0);
        recycle(vec![large]);
        let spare = SPARE.with_borrow(kept);
        assert_eq!(spare.0, before.0);
        assert!(spare.1 <= SPARE_BYTES);
    }

    #[test]
    fn maps_verbatim_and_decoded_pieces() {
        // Source: "R&amp;D fee"
        let mut s = Segment::new(0);
        s.push_verbatim("R", 0);
        s.push_decoded("&", 1..6);
        s.push_verbatim("D fee", 6);
        assert_eq!(s.text, "R&D fee");
        assert_eq!(s.to_source(&(0..3)), 0..7);
        assert_eq!(s.to_source(&(4..7)), 8..11);
        assert!(!s.is_verbatim(&(0..3)));
        assert!(s.is_verbatim(&(4..7)));
    }

    #[test]
    fn escaped_text_decodes_references() {
        let raw = "R&amp;D &#233;t&eacute; &bogus; fee";
        let mut s = Segment::new(0);
        s.push_escaped(raw, 10, true);
        assert_eq!(s.text, "R&D été &bogus; fee");
        let fee = s.text.find("fee").unwrap();
        assert_eq!(
            s.to_source(&(fee..fee + 3)),
            10 + raw.len() - 3..10 + raw.len()
        );
        let mut x = Segment::new(0);
        x.push_escaped("a&eacute;b&lt;", 0, false);
        assert_eq!(x.text, "a&eacute;b<");
    }

    #[test]
    fn gaps_between_pieces_are_not_verbatim() {
        // Source: "minimum *order* quantity"
        let mut s = Segment::new(0);
        s.push_verbatim("minimum ", 0);
        s.push_verbatim("order", 9);
        s.push_verbatim(" quantity", 15);
        assert_eq!(s.to_source(&(0..s.text.len())), 0..24);
        assert!(!s.is_verbatim(&(0..s.text.len())));
        assert!(s.is_verbatim(&(0..7)));
    }
}
