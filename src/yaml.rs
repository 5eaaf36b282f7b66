//! YAML parsing for phrasebooks, config and front matter, with serde-saphyr
//! errors turned into [`SourceError`]s that name the file, line and column.

use serde::de::DeserializeOwned;

use crate::diagnostic::SourceError;

/// Deserializes `text`; an error names `path`, the line and the column.
pub fn from_str<T: DeserializeOwned>(text: &str, path: &str) -> Result<T, SourceError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 50_000_000,
            max_nodes: 10_000_000,
        },
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| convert(&e, text, path))
}

fn convert(e: &serde_saphyr::Error, text: &str, path: &str) -> SourceError {
    let plain = e.render_with_options(serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    });
    let message = strip_location(&plain);
    let help = help_for(&message);
    match e.location() {
        Some(loc) if loc.line() > 0 => SourceError::at(
            path,
            text,
            loc.line() as usize,
            loc.column() as usize,
            message,
            help,
        ),
        _ => SourceError::file(path, message, help),
    }
}

/// serde-saphyr appends ` at line N, column M`; we show the place ourselves.
fn strip_location(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

fn help_for(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the key or correct its spelling; the README lists every key".into()
    } else if message.contains("unknown variant") {
        "use one of the values listed above".into()
    } else if message.contains("missing field") {
        "add the required key".into()
    } else if message.contains("invalid type") {
        "change the value to the type named above".into()
    } else {
        "fix the YAML at this place (indentation, quotes, brackets)".into()
    }
}
