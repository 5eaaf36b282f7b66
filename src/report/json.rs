//! `json`: the stable v1 contract other teams consume:
//! `{"version": 1, "findings": [...], "summary": {...}}`, keys in the order
//! documented in the README. Findings are written as they arrive.

use std::io::{self, Write};

use serde::Serialize;

use super::Reporter;
use crate::document::Field;
use crate::engine::FileResult;
use crate::finding::{Finding, Fix, Summary};

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
        for f in file.findings() {
            buf.extend_from_slice(b",\n");
            // Into memory, from plain strings and numbers: cannot fail.
            let _ = serde_json::to_writer(&mut *buf, &JsonFinding::new(f));
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
