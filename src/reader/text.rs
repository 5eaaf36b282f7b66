//! Plain text: the whole file is prose. Suppression comments are lines with
//! `plainly: ignore`.

use crate::document::{Directive, Document, Segment};

/// Reads plain text.
pub fn read(text: &str) -> Result<Document, super::ReadError> {
    let mut doc = Document::new(text.to_string());
    let mut seg = Segment::new(0);
    seg.push_verbatim(text, 0);
    doc.push(seg);
    doc.directives = line_directives(text, 0);
    Ok(doc)
}

/// The `plainly: ignore …` comments of a text, one per line, with their
/// ranges offset by `base`.
pub fn line_directives(text: &str, base: usize) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(i) = line.find("plainly: ignore") {
            let body = line[i..].trim_end();
            out.push(Directive {
                text: body.to_string(),
                range: base + start + i..base + start + i + body.len(),
            });
        }
        start += line.len();
    }
    out
}
