//! Positions: byte offsets into a source text turned into 1-based lines and
//! columns, where columns count Unicode code points. Computed here once; no
//! reporter recomputes them.

/// Line starts of one text, for fast offset → line/column lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column (columns in code points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    /// Indexes `text`. Lines end at `\n`; a `\r` before it belongs to the
    /// line end, so CRLF files count lines like LF files.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 0-based line that contains byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(usize::MAX)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of 0-based `line` without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line).min(text.len());
        let mut end = match self.starts.get(line + 1) {
            Some(&next) => next - 1,
            None => text.len(),
        };
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and column of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start)
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }
}

/// Where a finding is: byte range and line/column range in one source (the
/// file, or a decoded email part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    /// `Some(part)` when the positions are in a decoded email part.
    pub decoded_part: Option<usize>,
}

/// Turns byte ranges of a document's sources into [`Location`]s. Findings
/// come in text order, so each position is counted on from the one before
/// (lines by their line feeds, columns by code points since the last one):
/// every byte is counted about once. A position before the one before is
/// looked up in a line index, built on first need.
pub struct Locator<'d> {
    sources: &'d [crate::document::Source],
    indexes: Vec<std::sync::OnceLock<LineIndex>>,
    /// Per source, the last start located (on a character boundary) and
    /// its position; at first, the start of the text.
    cursors: Vec<std::cell::Cell<(usize, LineCol)>>,
}

impl<'d> Locator<'d> {
    pub fn new(sources: &'d [crate::document::Source]) -> Self {
        let first = (0, LineCol { line: 1, column: 1 });
        Locator {
            sources,
            indexes: sources.iter().map(|_| std::sync::OnceLock::new()).collect(),
            cursors: sources
                .iter()
                .map(|_| std::cell::Cell::new(first))
                .collect(),
        }
    }

    /// The location of `range` in source `source`.
    pub fn locate(&self, source: usize, range: std::ops::Range<usize>) -> Location {
        let text = &self.sources[source].text;
        let index = || self.indexes[source].get_or_init(|| LineIndex::new(text));
        let (from, at) = self.cursors[source].get();
        let on_boundary = text.is_char_boundary(range.start);
        let start = if from <= range.start && on_boundary {
            count_on(text, from, at, range.start)
        } else {
            index().line_col(text, range.start)
        };
        // Counted on from here next, even after a step back.
        if on_boundary {
            self.cursors[source].set((range.start, start));
        }
        let end = if range.start <= range.end && on_boundary && text.is_char_boundary(range.end) {
            count_on(text, range.start, start, range.end)
        } else {
            index().line_col(text, range.end)
        };
        Location {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            byte_start: range.start,
            byte_end: range.end,
            decoded_part: self.sources[source].decoded_part,
        }
    }

    /// The source text of `range`.
    pub fn text(&self, source: usize, range: std::ops::Range<usize>) -> &'d str {
        self.sources[source].text.get(range).unwrap_or("")
    }
}

/// The position of byte `to` of `text`, counted on from byte `from` at
/// position `at` (`from <= to`, both at character boundaries).
fn count_on(text: &str, from: usize, at: LineCol, to: usize) -> LineCol {
    let gap = &text[from..to];
    // A match's own bytes, or a neighbour's gap: a byte at a time is
    // cheaper than setting up the searches below (200 instructions for a
    // ten-byte match's end).
    if gap.len() <= 32 {
        let mut at = at;
        for &b in gap.as_bytes() {
            if b == b'\n' {
                at.line += 1;
                at.column = 1;
            } else {
                // Every byte but a UTF-8 continuation byte starts a code point.
                at.column += usize::from((b as i8) >= -0x40);
            }
        }
        return at;
    }
    match memchr::memrchr(b'\n', gap.as_bytes()) {
        None => LineCol {
            line: at.line,
            column: at.column + gap.chars().count(),
        },
        Some(last) => LineCol {
            line: at.line + memchr::memchr_iter(b'\n', gap.as_bytes()).count(),
            column: gap[last + 1..].chars().count() + 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let t = "ab\ncd\n";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 0), LineCol { line: 1, column: 1 });
        assert_eq!(ix.line_col(t, 4), LineCol { line: 2, column: 2 });
        assert_eq!(ix.line_col(t, 6), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn crlf_counts_lines() {
        let t = "a\r\nb DDP\r\n";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 5), LineCol { line: 2, column: 3 });
        assert_eq!(ix.line_range(t, 1), 3..8);
    }

    #[test]
    fn columns_count_code_points() {
        let t = "Grüße DDP";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 8), LineCol { line: 1, column: 7 });
    }

    #[test]
    fn locating_in_any_order_gives_the_same_positions() {
        // Short, and long enough that gaps take both ways of counting (up
        // to 32 bytes a byte at a time, else by line feeds and code points).
        let short = "Grüße DDP\nnet 30 “MOQ”\r\n\nåäö SKU end";
        let long = format!("{short} {}\n\r\n{short}", "wörd ".repeat(12));
        for text in [short, long.as_str()] {
            any_order(text);
        }
    }

    fn any_order(text: &str) {
        let sources = [crate::document::Source {
            text: text.to_string(),
            decoded_part: None,
        }];
        let ix = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let backwards: Vec<usize> = offsets.iter().rev().copied().collect();
        let zigzag: Vec<usize> = offsets
            .iter()
            .step_by(3)
            .chain(offsets.iter().step_by(2))
            .copied()
            .collect();
        // Far apart: gaps of more than 32 bytes.
        let sparse: Vec<usize> = offsets.iter().step_by(37).copied().collect();
        for order in [&offsets, &backwards, &zigzag, &sparse] {
            let locator = Locator::new(&sources);
            for (k, &at) in order.iter().enumerate() {
                // Ends on the same line, on a later line, and at the text's
                // end; near and far.
                let end = offsets
                    .iter()
                    .copied()
                    .filter(|&e| e >= at)
                    .nth(k % 9 * (1 + k % 2 * 10))
                    .unwrap_or(text.len());
                let l = locator.locate(0, at..end);
                let want = ix.line_col(text, at);
                let want_end = ix.line_col(text, end);
                assert_eq!(
                    (l.line, l.column, l.end_line, l.end_column),
                    (want.line, want.column, want_end.line, want_end.column),
                    "at {at}..{end}"
                );
            }
        }
    }
}
