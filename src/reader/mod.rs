//! Readers turn a file's bytes into a [`Document`]: which byte ranges are
//! prose a human reads, and what the file says about its readers. A reader
//! knows nothing about phrasebooks or findings.
//!
//! Adding a format is one new file here plus one line in [`Format`].

pub mod csv;
pub mod email;
pub mod html;
pub mod invoice;
pub mod markdown;
pub mod text;

use crate::document::{Document, Escape};

/// The input formats plainly reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    /// A MIME message (`.eml`).
    Email,
    /// An XML file; read when it is a UBL or CII e-invoice.
    Xml,
    /// CSV line items.
    Csv,
    Text,
}

impl Format {
    /// The format a path's name says it has; anything unknown is text.
    pub fn detect(path: &str) -> Format {
        let ext = std::path::Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        // Compared in any case without a lower-case copy: this runs for
        // every file of a tree.
        const FORMATS: [(&str, Format); 9] = [
            ("md", Format::Markdown),
            ("markdown", Format::Markdown),
            ("mdx", Format::Markdown),
            ("html", Format::Html),
            ("htm", Format::Html),
            ("xhtml", Format::Html),
            ("eml", Format::Email),
            ("xml", Format::Xml),
            ("csv", Format::Csv),
        ];
        FORMATS
            .iter()
            .find(|(known, _)| ext.eq_ignore_ascii_case(known))
            .map_or(Format::Text, |&(_, format)| format)
    }
}

/// Settings readers take from the config.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// CSV columns to check (config `csv: columns:`); `None`: by header name.
    pub csv_columns: Option<Vec<String>>,
}

/// Why a file yielded no document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not something plainly checks (binary, an XML file that is no invoice):
    /// a note on stderr, counted as skipped.
    Skip(String),
    /// Something is wrong with the file: an error, counted in `errors`.
    Invalid {
        message: String,
        help: String,
        /// Byte offset of the problem, when there is one.
        offset: Option<usize>,
    },
}

impl ReadError {
    /// The error as a diagnostic for file `name`, whose `bytes` locate an
    /// offset as line and column.
    pub fn to_source_error(&self, name: &str, bytes: &[u8]) -> crate::diagnostic::SourceError {
        let (message, help, offset) = match self {
            ReadError::Skip(why) => (why.as_str(), "", None),
            ReadError::Invalid {
                message,
                help,
                offset,
            } => (message.as_str(), help.as_str(), *offset),
        };
        let mut e = crate::diagnostic::SourceError::file(name, message, help);
        if let Some(o) = offset {
            let text = String::from_utf8_lossy(bytes);
            let lc = crate::position::LineIndex::new(&text).line_col(&text, o.min(text.len()));
            e.line = Some(lc.line);
            e.column = Some(lc.column);
        }
        e
    }

    pub fn invalid(message: impl Into<String>, help: impl Into<String>) -> Self {
        ReadError::Invalid {
            message: message.into(),
            help: help.into(),
            offset: None,
        }
    }
}

/// Reads `bytes` as `format`.
pub fn read(format: Format, bytes: &[u8], options: &ReadOptions) -> Result<Document, ReadError> {
    let mut doc = match format {
        Format::Markdown => markdown::read(utf8(bytes)?),
        Format::Html => html::read(utf8(bytes)?),
        Format::Email => email::read(bytes),
        Format::Xml => invoice::read(bytes),
        Format::Csv => csv::read(utf8(bytes)?, options),
        Format::Text => text::read(utf8(bytes)?),
    }?;
    doc.escape = match format {
        Format::Markdown | Format::Text => Escape::None,
        Format::Html | Format::Xml => Escape::Markup,
        Format::Csv => Escape::Csv,
        Format::Email => Escape::Email,
    };
    Ok(doc)
}

/// The file as UTF-8 text, or the reason it is not. Binary files (a NUL
/// byte) are skipped; UTF-16 and invalid UTF-8 are errors that say where.
pub fn utf8(bytes: &[u8]) -> Result<&str, ReadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::invalid(
            "UTF-16 text is not supported",
            "save the file as UTF-8",
        ));
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(ReadError::Skip("binary file (contains NUL bytes)".into()));
    }
    // Checked with vector instructions (simdutf8: several times std's
    // speed on a tree's worth of text); std says where a bad byte is.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    std::str::from_utf8(bytes).map_err(|e| ReadError::Invalid {
        message: format!(
            "not valid UTF-8: first bad byte at offset {}",
            e.valid_up_to()
        ),
        help: "save the file as UTF-8 (or convert it with `iconv -t UTF-8`)".into(),
        offset: Some(e.valid_up_to()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_extension_in_any_case() {
        for (path, format) in [
            ("docs/a.md", Format::Markdown),
            ("A.MD", Format::Markdown),
            ("guide.Markdown", Format::Markdown),
            ("page.mdx", Format::Markdown),
            ("p.HTM", Format::Html),
            ("p.xhtml", Format::Html),
            ("mail/m.eml", Format::Email),
            ("invoice.XML", Format::Xml),
            ("lines.csv", Format::Csv),
            ("notes.txt", Format::Text),
            ("README", Format::Text),
            ("docs.md/README", Format::Text),
            (".md", Format::Text),
            ("a.m", Format::Text),
            ("a.mdxx", Format::Text),
        ] {
            assert_eq!(Format::detect(path), format, "{path}");
        }
    }
}
