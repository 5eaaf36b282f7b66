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
    match e.location() {
        Some(loc) if loc.line() > 0 => {
            let (line, column) = (loc.line() as usize, loc.column() as usize);
            let (message, help) = explain(&message, key_at(text, line, column));
            SourceError::at(path, text, line, column, message, help)
        }
        _ => {
            let help = help_for(&message);
            SourceError::file(path, message, help)
        }
    }
}

/// A value of the wrong kind, said with the key it belongs to: serde-saphyr
/// says "expected sequence start" where a reader needs "`roles` must be a
/// list". Other errors (syntax, unknown keys) keep their own words.
fn explain(message: &str, owner: Option<Owner>) -> (String, String) {
    let Some(Owner { key, item }) = owner else {
        return (message.to_string(), help_for(message));
    };
    let subject = if item {
        format!("each item under `{key}`")
    } else {
        format!("`{key}`")
    };
    // What the value must be, and how to write it as the key's value and as
    // one item of its list.
    let kind = if message.starts_with("expected sequence") {
        Some((
            "must be a list",
            format!(
                "write `{key}: [first, second]`, or each item on its own `- ` line under `{key}:`"
            ),
            "write the item as `- [first, second]`",
        ))
    } else if message.starts_with("expected mapping") {
        Some((
            "must be a set of `name: value` lines",
            format!("put each `name: value` on its own line, indented under `{key}:`"),
            "start each item with `- name: value` and indent its other `name: value` lines to match",
        ))
    } else if message.starts_with("invalid boolean") {
        Some((
            "must be true or false",
            format!("write `{key}: true` or `{key}: false`"),
            "write `- true` or `- false`",
        ))
    } else if message.starts_with("expected string") {
        Some((
            "must be text, not a list or a set of lines",
            format!("write `{key}: value` on one line"),
            "write each item as `- value` on one line",
        ))
    } else if message.contains("enum expected scalar") {
        let help = "write one of the values the README lists for it";
        Some(("must be a single word", help.to_string(), help))
    } else {
        None
    };
    match kind {
        Some((what, value_help, item_help)) => (
            format!("{subject} {what}"),
            if item {
                item_help.to_string()
            } else {
                value_help
            },
        ),
        None if message.starts_with("unknown variant") || message.starts_with("invalid type") => {
            (format!("{subject}: {message}"), help_for(message))
        }
        None => (message.to_string(), help_for(message)),
    }
}

/// Where a wrong value sits: under `key`, as the value itself or as one
/// item of the list that is the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Owner<'a> {
    key: &'a str,
    item: bool,
}

/// What the value starting at `line`:`column` (1-based) belongs to: the key
/// before it on the same line (`roles: finance`), or for a value on lines of
/// its own the key of the nearest line above that is indented less (`rules:`
/// above `  - a`), whose list it is an item of when a `- ` comes before it.
fn key_at(text: &str, line: usize, column: usize) -> Option<Owner<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?;
    let cut = here
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(here.len(), |(i, _)| i);
    let before = &here[..cut];
    if before.trim_end().ends_with(':') {
        return key_of(before).map(|key| Owner { key, item: false });
    }
    if !before.trim_start_matches([' ', '-']).is_empty() {
        return None;
    }
    let item = before.contains('-');
    let indent = before.len() - before.trim_start().len();
    lines[..line - 1]
        .iter()
        .rev()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .find(|l| l.len() - l.trim_start().len() < indent.max(1))
        .filter(|l| l.trim_end().ends_with(':'))
        .and_then(|l| key_of(l))
        .map(|key| Owner { key, item })
}

/// `key` in `  - key:`, `key: ...` or `{other: 1, key:` (the text before
/// the value).
fn key_of(before_value: &str) -> Option<&str> {
    let t = before_value.trim().trim_end_matches(':').trim_end();
    let t = t.strip_prefix("- ").unwrap_or(t).trim();
    let t = t.rsplit(": ").next().unwrap_or(t);
    let key = t
        .rsplit(['{', '[', ','])
        .next()
        .unwrap_or(t)
        .trim()
        .trim_matches(['"', '\'']);
    (!key.is_empty() && !key.contains(char::is_whitespace)).then_some(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_of_a_value_is_found_on_its_line_or_above() {
        let value = |key| Some(Owner { key, item: false });
        let item = |key| Some(Owner { key, item: true });
        assert_eq!(key_at("roles: finance\n", 1, 8), value("roles"));
        assert_eq!(key_at("a: 1\nfail_on: [x]\n", 2, 10), value("fail_on"));
        // A list where a map belongs is the key's value; a wrong item is one
        // item of a list that may be right.
        assert_eq!(key_at("rules:\n  - a\n", 2, 3), value("rules"));
        assert_eq!(key_at("terms:\n  - DDP\n", 2, 5), item("terms"));
        assert_eq!(key_at("csv: {columns: 5}\n", 1, 16), value("columns"));
        assert_eq!(key_at("csv: {a: 1, columns: 5}\n", 1, 22), value("columns"));
        assert_eq!(
            key_at("terms:\n  - term: DDP\n    policy: [x]\n", 3, 13),
            value("policy")
        );
        assert_eq!(key_at("x:\n  # note\n\n  - a\n", 4, 3), value("x"));
        assert_eq!(
            key_at("languages:\n  \"docs/**\": [x]\n", 2, 14),
            value("docs/**")
        );
        // Inside a value, or under no key: none.
        assert_eq!(key_at("roles: [a, b c]\n", 1, 12), None);
        assert_eq!(key_at("- a\n", 1, 3), None);
    }

    #[test]
    fn wrong_kinds_of_value_are_said_with_their_key() {
        let value = |key| Some(Owner { key, item: false });
        let (m, h) = explain("expected sequence start", value("roles"));
        assert_eq!(m, "`roles` must be a list");
        assert!(h.contains("`roles: [first, second]`"), "{h}");
        let (m, _) = explain("expected mapping start", value("csv"));
        assert_eq!(m, "`csv` must be a set of `name: value` lines");
        let (m, h) = explain("invalid boolean", value("default_phrasebooks"));
        assert_eq!(m, "`default_phrasebooks` must be true or false");
        assert_eq!(
            h,
            "write `default_phrasebooks: true` or `default_phrasebooks: false`"
        );
        let (m, h) = explain("expected string scalar", value("docs/**"));
        assert_eq!(m, "`docs/**` must be text, not a list or a set of lines");
        assert_eq!(h, "write `docs/**: value` on one line");
        let (m, _) = explain(
            "unknown variant `3`, expected one of error, info",
            value("fail_on"),
        );
        assert_eq!(
            m,
            "`fail_on`: unknown variant `3`, expected one of error, info"
        );
        let (m, h) = explain(
            "expected mapping start",
            Some(Owner {
                key: "terms",
                item: true,
            }),
        );
        assert_eq!(
            m,
            "each item under `terms` must be a set of `name: value` lines"
        );
        assert!(h.starts_with("start each item with `- name: value`"), "{h}");
        // Syntax errors keep their words and the syntax help.
        let (m, h) = explain("did not find expected key", value("roles"));
        assert_eq!(m, "did not find expected key");
        assert!(h.starts_with("fix the YAML"), "{h}");
    }
}
