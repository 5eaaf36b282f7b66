//! `human`: miette snippets with the term underlined, the role (and the
//! invoice field) as the label, the explanation as help, and a summary line.
//!
//! Snippets come from a line-indexed source wrapper: miette's own `str`
//! source walks from byte 0 for every label, which is quadratic on large
//! files with many findings.

use std::fmt::Display;
use std::io::{self, Write};

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Reporter;
use crate::engine::{FileResult, Outcome};
use crate::finding::{Finding, Severity, Summary};
use crate::position::LineIndex;

/// Lines longer than this are shown without a snippet (the terminal cannot
/// show them usefully, and miette's renderer has column limits).
const MAX_SNIPPET_LINE: usize = 1_000;

pub struct Human {
    snippets: Snippets,
    counts: [usize; 3],
}

/// Renders a file's findings as snippets; it keeps no state between files,
/// so each worker thread renders the files it checked.
#[derive(Clone)]
struct Snippets {
    handler: miette::GraphicalReportHandler,
}

impl Human {
    /// Counts a file's findings by severity for the summary line.
    fn count(&mut self, file: &FileResult) {
        for f in file.findings() {
            self.counts[f.severity as usize] += 1;
        }
    }

    pub fn new(color: bool) -> Self {
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        Human {
            snippets: Snippets {
                handler: miette::GraphicalReportHandler::new_themed(theme)
                    .with_width(100)
                    .with_context_lines(1),
            },
            counts: [0; 3],
        }
    }
}

/// A source text with its line index, served to miette one window at a time.
struct IndexedSource<'a> {
    name: String,
    text: &'a str,
    index: &'a LineIndex,
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.index.line_of(start).saturating_sub(before);
        let last_of_span = self.index.line_of(end.saturating_sub(1).max(start));
        let last = (last_of_span + after).min(self.index.line_count() - 1);
        let data_start = self.index.line_start(first);
        let data_end = self.index.line_start(last + 1).min(self.text.len());
        let data = &self.text.as_bytes()[data_start..data_end];
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(data_start.into(), data_end - data_start),
            first,
            0,
            last - first + 1,
        )))
    }
}

/// One place: a finding, or several findings of the same rule at the same
/// span for different roles (shown once, with each role's words).
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    group: &'a [Finding],
    source: Option<IndexedSource<'a>>,
}

impl FindingDiagnostic<'_> {
    fn roles(&self) -> String {
        self.group
            .iter()
            .filter_map(|f| f.role.as_deref())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn message(&self) -> String {
        if self.group.len() < 2 {
            return self.finding.message.to_string();
        }
        format!(
            "\"{}\" is unclear to {} readers",
            self.finding.matched.replace(['\r', '\n'], " "),
            self.roles()
        )
    }
}

/// What one role's reader needs instead, for a grouped diagnostic.
fn role_words(f: &Finding) -> String {
    let explain = f.message.contains("not explained at its first use");
    match (explain, &f.replacements[..]) {
        (true, [one, ..]) => format!("explain it at first use (\"{one}\")"),
        (true, []) => "explain it at first use".to_string(),
        (false, []) => "explain it in plain words".to_string(),
        (false, many) => format!(
            "write {}",
            many.iter()
                .map(|r| format!("\"{r}\""))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

impl std::fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.source.is_none() {
            let l = &self.finding.location;
            write!(f, "{}:{}:{}: ", self.finding.path, l.line, l.column)?;
        }
        f.write_str(&self.message())
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        let f = self.finding;
        Some(Box::new(match &f.role {
            Some(_) => format!("{}/{}", f.rule, self.roles().replace(", ", "+")),
            None => f.rule.to_string(),
        }))
    }

    fn severity(&self) -> Option<miette::Severity> {
        let worst = self
            .group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(self.finding.severity);
        Some(match worst {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        let f = self.finding;
        let mut help = String::new();
        if self.group.len() > 1 {
            // Roles that would write the same words share one line.
            let mut lines: Vec<(Vec<&str>, String)> = Vec::new();
            for g in self.group {
                let words = role_words(g);
                let role = g.role.as_deref().unwrap_or("");
                match lines.iter_mut().find(|(_, w)| *w == words) {
                    Some((roles, _)) => roles.push(role),
                    None => lines.push((vec![role], words)),
                }
            }
            for (roles, words) in lines {
                help.push_str(&format!("{}: {words}\n", roles.join(", ")));
            }
        }
        if let Some(e) = &f.explanation {
            help.push_str(e);
        }
        if let Some(field) = &f.field
            && self.source.is_none()
        {
            if !help.is_empty() {
                help.push(' ');
            }
            help.push_str(&format!("(in {})", field_label(field)));
        }
        if help.is_empty() {
            None
        } else {
            Some(Box::new(help))
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let mut label = self.roles();
        if let Some(field) = &f.field {
            if !label.is_empty() {
                label.push_str(", ");
            }
            label.push_str(&field_label(field));
        }
        Some(Box::new(std::iter::once(LabeledSpan::new(
            (!label.is_empty()).then_some(label),
            f.location.byte_start,
            f.location.byte_end - f.location.byte_start,
        ))))
    }
}

/// "Item name, line 2" / "Subject".
fn field_label(field: &crate::document::Field) -> String {
    match &field.place {
        Some(p) => format!("{}, {p}", field.name),
        None => field.name.clone(),
    }
}

impl super::Render for Snippets {
    fn render(&self, file: &FileResult, buf: &mut Vec<u8>) {
        // Into memory: cannot fail.
        let _ = self.write(file, buf);
    }
}

impl Snippets {
    /// Writes a file's snippets one group at a time, so that a file with
    /// very many findings streams to the output instead of being held.
    fn write(&self, file: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        let Outcome::Checked { findings, sources } = &file.outcome else {
            return Ok(());
        };
        if findings.is_empty() {
            return Ok(());
        }
        let indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
        let same_place = |a: &Finding, b: &Finding| {
            a.location == b.location && a.rule == b.rule && a.role.is_some() && b.role.is_some()
        };
        let mut rendered = String::new();
        let mut start = 0;
        while start < findings.len() {
            let mut end = start + 1;
            while end < findings.len() && same_place(&findings[start], &findings[end]) {
                end += 1;
            }
            let group = &findings[start..end];
            start = end;
            let f = &group[0];
            let si = match f.location.decoded_part {
                None => 0,
                Some(p) => sources
                    .iter()
                    .position(|s| s.decoded_part == Some(p))
                    .unwrap_or(0),
            };
            let text = &sources[si].text;
            let ix = &indexes[si];
            let long = (ix.line_of(f.location.byte_start)..=ix.line_of(f.location.byte_end))
                .any(|l| ix.line_range(text, l).len() > MAX_SNIPPET_LINE);
            let name = match f.location.decoded_part {
                Some(p) => format!("{} (part {p}, decoded)", f.path),
                None => f.path.to_string(),
            };
            let diag = FindingDiagnostic {
                finding: f,
                group,
                source: (!long).then_some(IndexedSource {
                    name,
                    text,
                    index: ix,
                }),
            };
            rendered.clear();
            match crate::quietly(|| self.handler.render_report(&mut rendered, &diag)) {
                Some(Ok(())) => {
                    out.write_all(rendered.as_bytes())?;
                    writeln!(out)?;
                }
                _ => {
                    for g in group {
                        writeln!(out, "{}", super::concise::line(g))?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Reporter for Human {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        self.count(file);
        self.snippets.write(file, out)
    }

    fn renderer(&self) -> Option<Box<dyn super::Render>> {
        Some(Box::new(self.snippets.clone()))
    }

    fn file_rendered(
        &mut self,
        out: &mut dyn Write,
        file: &FileResult,
        rendered: &[u8],
    ) -> io::Result<()> {
        self.count(file);
        out.write_all(rendered)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let [info, warning, error] = self.counts;
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        writeln!(
            out,
            "{} ({error} error, {warning} warning, {info} info) in {} checked{}{}",
            plural(summary.findings, "finding"),
            plural(summary.files_checked, "file"),
            if summary.files_skipped > 0 {
                format!(", {} skipped", summary.files_skipped)
            } else {
                String::new()
            },
            if summary.errors > 0 {
                format!(", {}", plural(summary.errors, "file error"))
            } else {
                String::new()
            },
        )
    }
}
