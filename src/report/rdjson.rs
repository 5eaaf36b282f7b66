//! `rdjson`: reviewdog Diagnostic Format (a `DiagnosticResult`), for
//! `reviewdog -f=rdjson`. Diagnostics are written as they arrive.
//!
//! Columns: reviewdog counts columns in UTF-8 bytes (1-based; the end is
//! exclusive), while plainly's columns count code points. The two differ
//! after any non-ASCII character on the line, so the byte column is taken
//! from the finding's byte offset minus the byte offset where its line starts
//! (the line as located, looked up in the file's line index) — no line or
//! column is located anew. A finding in a decoded email part has no place in
//! the file's bytes: it names the file only, and the message says which part.

use std::io::{self, Write};

use serde::Serialize;

use super::Reporter;
use crate::engine::FileResult;
use crate::finding::{Finding, Severity, Summary};
use crate::position::LineIndex;

#[derive(Default)]
pub struct Rdjson {
    started: bool,
    count: usize,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'static str>,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: std::borrow::Cow<'a, str>,
    location: Location,
    severity: &'static str,
    code: Code,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'a>>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<Range>,
}

#[derive(Serialize, Clone, Copy)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize, Clone, Copy)]
struct Position {
    line: usize,
    /// 1-based, in UTF-8 bytes.
    column: usize,
}

#[derive(Serialize)]
struct Code {
    value: String,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    range: Range,
    text: &'a str,
}

/// reviewdog's name for a severity.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// The byte column of `offset` on 1-based `line` of the indexed text.
fn byte_column(index: &LineIndex, line: usize, offset: usize) -> Option<usize> {
    let start = index.line_start(line.checked_sub(1)?);
    Some(offset.checked_sub(start)? + 1)
}

/// The finding's range in reviewdog's terms, when it has one in the file.
fn range(f: &Finding, index: Option<&LineIndex>) -> Option<Range> {
    let l = &f.location;
    if l.decoded_part.is_some() {
        return None;
    }
    let index = index?;
    Some(Range {
        start: Position {
            line: l.line,
            column: byte_column(index, l.line, l.byte_start)?,
        },
        end: Position {
            line: l.end_line,
            column: byte_column(index, l.end_line, l.byte_end)?,
        },
    })
}

impl Rdjson {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            write!(out, "{{\"source\":")?;
            serde_json::to_writer(
                &mut *out,
                &Source {
                    name: "plainly",
                    url: super::HOMEPAGE,
                },
            )?;
            write!(out, ",\"diagnostics\":[")?;
            self.started = true;
        }
        Ok(())
    }
}

impl Reporter for Rdjson {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        self.start(out)?;
        let findings = file.findings();
        let index = findings
            .iter()
            .any(|f| f.location.decoded_part.is_none())
            .then(|| super::file_text(file).map(LineIndex::new))
            .flatten();
        for f in findings {
            let range = range(f, index.as_ref());
            let suggestions = match (f.edit(), range) {
                (Some(edit), Some(range))
                    if edit.range.start == f.location.byte_start
                        && edit.range.end == f.location.byte_end =>
                {
                    vec![Suggestion {
                        range,
                        text: &edit.replacement,
                    }]
                }
                _ => Vec::new(),
            };
            let d = Diagnostic {
                message: super::file_message(f),
                location: Location {
                    path: super::repo_path(&f.path),
                    range,
                },
                severity: severity(f.severity),
                code: Code {
                    value: super::rule_id(f).into_owned(),
                },
                suggestions,
            };
            if self.count > 0 {
                write!(out, ",")?;
            }
            writeln!(out)?;
            serde_json::to_writer(&mut *out, &d)?;
            self.count += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        if self.count > 0 {
            writeln!(out)?;
        }
        writeln!(out, "]}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_columns_count_utf8_bytes() {
        let text = "ab\nGrüße DDP\n";
        let ix = LineIndex::new(text);
        let ddp = text.find("DDP").unwrap();
        // Code-point column 7, byte column 9 (ü and ß are two bytes each).
        assert_eq!(byte_column(&ix, 2, ddp), Some(9));
        assert_eq!(byte_column(&ix, 1, 0), Some(1));
    }
}
