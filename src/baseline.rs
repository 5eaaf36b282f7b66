//! Baselines: switch plainly on in a repository that already has findings.
//! `--write-baseline FILE` records today's findings; `--baseline FILE`
//! reports only the ones not recorded. A finding is recognised by its path,
//! rule, role, term and the whitespace-normalised text of its line — not by
//! line numbers — so unrelated edits elsewhere in the file keep it matched.
//! The file is sorted, pretty-printed JSON, one entry per finding kind with a
//! count, so that its diffs are readable.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::SourceError;
use crate::finding::Finding;

/// One recorded kind of finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The finding's line, whitespace runs as one space, trimmed.
    pub line_text: String,
    pub count: usize,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

type Key = (String, String, Option<String>, Option<String>, String);

/// The recorded findings, as remaining counts per key.
#[derive(Debug, Default)]
pub struct Baseline {
    remaining: BTreeMap<Key, usize>,
}

fn key(f: &Finding, line_text: &str) -> Key {
    (
        f.path.trim_start_matches("./").to_string(),
        f.rule.to_string(),
        f.role.as_deref().map(str::to_string),
        f.term.as_deref().map(str::to_string),
        normalize_line(line_text),
    )
}

fn normalize_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the line a finding starts on, from its source.
pub fn line_text<'a>(f: &Finding, source: &'a str) -> &'a str {
    let start = f.location.byte_start.min(source.len());
    let from = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let to = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    &source[from..to]
}

impl Baseline {
    /// Loads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, SourceError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            SourceError::file(
                &name,
                format!("cannot read baseline: {}", crate::engine::io_reason(&e)),
                "create it with --write-baseline",
            )
        })?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            SourceError::file(
                &name,
                format!("not a plainly baseline (line {}): {e}", e.line()),
                "write it again with --write-baseline",
            )
        })?;
        let mut remaining = BTreeMap::new();
        for e in file.findings {
            *remaining
                .entry((e.path, e.rule, e.role, e.term, e.line_text))
                .or_insert(0) += e.count;
        }
        Ok(Baseline { remaining })
    }

    /// Whether the finding is recorded; each record is used once per count.
    pub fn take(&mut self, f: &Finding, line_text: &str) -> bool {
        match self.remaining.get_mut(&key(f, line_text)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// Collects findings for `--write-baseline`.
#[derive(Debug, Default)]
pub struct Recorder {
    counts: BTreeMap<Key, usize>,
}

impl Recorder {
    pub fn add(&mut self, f: &Finding, line_text: &str) {
        *self.counts.entry(key(f, line_text)).or_insert(0) += 1;
    }

    /// The baseline file's text: sorted, pretty JSON.
    pub fn to_json(&self) -> String {
        let findings = self
            .counts
            .iter()
            .map(|((path, rule, role, term, line_text), count)| Entry {
                path: path.clone(),
                rule: rule.clone(),
                role: role.clone(),
                term: term.clone(),
                line_text: line_text.clone(),
                count: *count,
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&File {
            version: 1,
            findings,
        })
        .unwrap_or_default();
        s.push('\n');
        s
    }

    /// Writes the baseline atomically.
    pub fn write(&self, path: &Path) -> Result<(), SourceError> {
        let name = path.display().to_string();
        let err = |e: std::io::Error| {
            SourceError::file(
                &name,
                format!("cannot write baseline: {}", crate::engine::io_reason(&e)),
                "check the folder exists and is writable",
            )
        };
        crate::fix::write_file_atomically(path, self.to_json().as_bytes()).map_err(err)
    }
}
