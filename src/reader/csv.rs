//! CSV line items: the header row names the columns; cells of prose columns
//! (description, item, name, text, note, ... or the columns listed under
//! `csv: columns:` in `.plainly.yaml`) are checked, each naming its row and
//! column header. Records are parsed by the `csv` crate; each cell is then
//! located in the raw bytes (quotes and doubled quotes accounted for) and
//! checked against the parsed value, so positions are exact.

use super::{ReadError, ReadOptions};
use crate::document::{Document, Field, Segment};

/// Header words that mark a prose column.
const PROSE: &[&str] = &[
    "description",
    "desc",
    "item",
    "name",
    "text",
    "note",
    "notes",
    "comment",
    "comments",
    "remark",
    "remarks",
    "title",
    "memo",
];
/// Header words that mark a code column even next to a prose word (`item_no`).
const CODE: &[&str] = &[
    "no", "nr", "number", "id", "code", "sku", "ref", "gtin", "ean",
];

/// Whether a column with this header is checked.
fn is_prose_column(header: &str, configured: Option<&[String]>) -> bool {
    if let Some(cols) = configured {
        return cols
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(header.trim()));
    }
    let lower = header.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| PROSE.contains(w)) && !words.iter().any(|w| CODE.contains(w))
}

/// Reads a CSV file.
pub fn read(src: &str, options: &ReadOptions) -> Result<Document, ReadError> {
    let mut doc = Document::new(src.to_string());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(src.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let offset = e.position().map(|p| p.byte() as usize);
            ReadError::Invalid {
                message: format!("cannot parse CSV: {e}"),
                help: "check the quoting of that row".into(),
                offset,
            }
        })?;
        let start = record.position().map_or(0, |p| p.byte() as usize);
        records.push((start, record));
    }
    let Some((_, header)) = records.first() else {
        return Ok(doc);
    };
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let checked: Vec<bool> = headers
        .iter()
        .map(|h| is_prose_column(h, options.csv_columns.as_deref()))
        .collect();
    for (row, (start, record)) in records.iter().enumerate().skip(1) {
        let cells = locate_cells(src, *start);
        for (i, value) in record.iter().enumerate() {
            if !checked.get(i).copied().unwrap_or(false) {
                continue;
            }
            let mut seg = Segment::new(0);
            match cells.get(i) {
                Some(cell) if cell.decode(src) == value => cell.push_into(src, &mut seg),
                Some(cell) => seg.push_decoded(value, cell.range.clone()),
                None => continue,
            }
            seg.field = Some(Field {
                bt: None,
                name: headers[i].clone(),
                xpath: None,
                place: Some(format!("row {row}")),
            });
            doc.push(seg);
        }
    }
    Ok(doc)
}

/// One cell's raw bytes: its whole range and, for a quoted cell, the
/// content between the quotes.
struct Cell {
    range: std::ops::Range<usize>,
    quoted: bool,
}

impl Cell {
    fn content(&self) -> std::ops::Range<usize> {
        if self.quoted && self.range.len() >= 2 {
            self.range.start + 1..self.range.end - 1
        } else {
            self.range.clone()
        }
    }

    fn decode(&self, src: &str) -> String {
        let raw = &src[self.content()];
        if self.quoted {
            raw.replace("\"\"", "\"")
        } else {
            raw.to_string()
        }
    }

    /// Pushes the cell's text: verbatim runs, and each doubled quote as a
    /// decoded `"` over its two source bytes.
    fn push_into(&self, src: &str, seg: &mut Segment) {
        let r = self.content();
        let raw = &src[r.clone()];
        if !self.quoted {
            seg.push_verbatim(raw, r.start);
            return;
        }
        let mut last = 0;
        while let Some(i) = raw[last..].find("\"\"") {
            let at = last + i;
            seg.push_verbatim(&raw[last..at], r.start + last);
            seg.push_decoded("\"", r.start + at..r.start + at + 2);
            last = at + 2;
        }
        seg.push_verbatim(&raw[last..], r.start + last);
    }
}

/// Splits the record starting at `start` into cell ranges, honouring quotes.
fn locate_cells(src: &str, start: usize) -> Vec<Cell> {
    let b = src.as_bytes();
    let mut cells = Vec::new();
    // The csv crate may report a record as starting at the line break
    // that ends the previous one.
    let mut i = start;
    while matches!(b.get(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    loop {
        let cell_start = i;
        let quoted = b.get(i) == Some(&b'"');
        if quoted {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        cells.push(Cell {
            range: cell_start..i,
            quoted,
        });
        if i < b.len() && b[i] == b',' {
            i += 1;
            continue;
        }
        break;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_columns_by_header() {
        assert!(is_prose_column("Description", None));
        assert!(is_prose_column("line_note", None));
        assert!(!is_prose_column("item_no", None));
        assert!(!is_prose_column("sku", None));
        assert!(is_prose_column("Memo", Some(&["memo".to_string()])));
        assert!(!is_prose_column("Description", Some(&["memo".to_string()])));
    }

    #[test]
    fn cells_map_to_exact_bytes() {
        let src = "sku,description,note\r\nA-1,\"RSTK fee, 15%\",\"say \"\"DDP\"\" here\"\r\nB-2,plain DDP,\n";
        let doc = read(src, &ReadOptions::default()).unwrap();
        let texts: Vec<_> = doc.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["RSTK fee, 15%", "say \"DDP\" here", "plain DDP"]
        );
        let note = &doc.segments[1];
        let d = note.text.find("DDP").unwrap();
        assert_eq!(&src[note.to_source(&(d..d + 3))], "DDP");
        assert_eq!(note.field.as_ref().unwrap().place.as_deref(), Some("row 1"));
        let third = &doc.segments[2];
        assert_eq!(&src[third.to_source(&(6..9))], "DDP");
    }
}
