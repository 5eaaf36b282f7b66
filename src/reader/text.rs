//! Plain text: the whole file is prose. Suppression comments are lines with
//! `plainly: ignore`.

use crate::document::{Directive, Document, Segment};

/// A paragraph longer than this is checked in pieces split at line breaks,
/// so that memory per segment stays bounded (a term is not found across
/// such a split).
const MAX_SEGMENT: usize = 1 << 20;

/// Reads plain text: one segment per paragraph (a blank line separates
/// them; a term does not span a paragraph break).
pub fn read(text: &str) -> Result<Document, super::ReadError> {
    let mut doc = Document::new(text.to_string());
    for (start, end) in paragraphs(text) {
        let mut seg = Segment::new(0);
        seg.push_verbatim(&text[start..end], start);
        doc.push(seg);
    }
    doc.directives = line_directives(text, 0);
    Ok(doc)
}

/// Byte ranges of the paragraphs of `text`, each at most about
/// [`MAX_SEGMENT`] long.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut blank_run = true;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        let end = at + line.len();
        if blank && !blank_run {
            out.push((start, at));
        }
        if !blank && blank_run {
            start = at;
        } else if !blank && end - start > MAX_SEGMENT && at > start {
            out.push((start, at));
            start = at;
        }
        blank_run = blank;
        at = end;
    }
    if !blank_run {
        out.push((start, text.len()));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines() {
        let t = "a b\nc\n\n  \nd\r\n\r\ne";
        let p: Vec<&str> = paragraphs(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(p, vec!["a b\nc\n", "d\r\n", "e"]);
    }

    #[test]
    fn huge_paragraphs_split_at_line_breaks() {
        let line = "x".repeat(1000) + "\n";
        let t = line.repeat(2_500);
        let p = paragraphs(&t);
        assert!(p.len() >= 2);
        assert!(p.iter().all(|(s, e)| e - s <= MAX_SEGMENT + line.len()));
        assert_eq!(p.first().unwrap().0, 0);
        assert_eq!(p.last().unwrap().1, t.len());
    }
}
