//! Errors about the user's files (phrasebooks, config, documents): the file,
//! the line and column, what is wrong and what to do. Rendered with miette so
//! that the offending line is shown.

use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// A problem in one of the user's files, with the place and the remedy.
#[derive(Debug, Clone)]
pub struct SourceError {
    pub path: String,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// 1-based column in characters.
    pub column: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// The file's text and the byte offset of the place, for the snippet.
    snippet: Option<(Arc<NamedSource<String>>, usize)>,
}

impl SourceError {
    /// A problem with a whole file (cannot read it, wrong kind, ...).
    pub fn file(path: &str, message: impl Into<String>, help: impl Into<String>) -> Self {
        SourceError {
            path: path.to_string(),
            line: None,
            column: None,
            message: message.into(),
            help: help.into(),
            snippet: None,
        }
    }

    /// A problem at a line and column (both 1-based) of `text`.
    pub fn at(
        path: &str,
        text: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let offset = offset_of(text, line, column);
        SourceError {
            path: path.to_string(),
            line: Some(line.max(1)),
            column: Some(column.max(1)),
            message: message.into(),
            help: help.into(),
            snippet: offset.map(|o| {
                (
                    Arc::new(NamedSource::new(path, text.to_string()).with_language("yaml")),
                    o,
                )
            }),
        }
    }

    /// `path:line:col` (or just the path) for one-line messages.
    pub fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// Byte offset of a 1-based line and character column, if it lies in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &text[start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let within = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line_text.len());
    Some(start + within)
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place(), self.message)
    }
}

impl std::error::Error for SourceError {}

impl Diagnostic for SourceError {
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet
            .as_ref()
            .map(|(s, _)| s.as_ref() as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, offset) = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".to_string()),
            *offset,
            0,
        ))))
    }
}

/// Renders a diagnostic for a terminal or a log: graphical with the snippet,
/// coloured only when `color` is set. Falls back to one plain line should the
/// renderer fail.
pub fn render(diag: &dyn Diagnostic, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    match crate::quietly(|| handler.render_report(&mut out, diag)) {
        Some(Ok(())) => out,
        _ => format!("error: {diag}\n"),
    }
}
