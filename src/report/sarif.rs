//! `sarif`: one SARIF 2.1.0 log with one run, for GitHub code scanning and
//! other SARIF viewers. Everything is buffered and written in `finish`,
//! since the rule list must name every rule a result uses.
//!
//! - Rules: every rule the run can report, then any other rule id found in
//!   the results (in order of first use); `ruleIndex` points into that list.
//! - Regions give lines and columns, which count Unicode code points (the run
//!   says `columnKind: unicodeCodePoints`), plus `byteOffset`/`byteLength`.
//!   SARIF's `charOffset` counts characters and is not emitted.
//! - A finding in a decoded email part has no place in the file's bytes: its
//!   result names the file only and the message says which part.
//! - `partialFingerprints` hash path, rule, role and matched text (not the
//!   line), with an occurrence number, so an alert survives edits elsewhere.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{ReportOptions, Reporter, RuleInfo};
use crate::engine::{FileResult, Outcome};
use crate::finding::{Finding, Severity, Summary};

/// The schema the log declares (the one its fields follow).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of plainly's fingerprint; bump the version if the hash changes.
const FINGERPRINT: &str = "plainly/v1";

pub struct Sarif {
    rules: Vec<RuleInfo>,
    rule_index: HashMap<String, usize>,
    results: Vec<SarifResult>,
    notifications: Vec<Notification>,
}

impl Sarif {
    pub fn new(options: &ReportOptions) -> Self {
        let rules = options.rules.clone();
        let rule_index = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Sarif {
            rules,
            rule_index,
            results: Vec::new(),
            notifications: Vec::new(),
        }
    }

    /// The index of rule `id`, adding a rule the options did not list
    /// (described from its first finding).
    fn index_of(&mut self, id: &str, f: &Finding) -> usize {
        if let Some(&i) = self.rule_index.get(id) {
            return i;
        }
        let i = self.rules.len();
        self.rules.push(RuleInfo {
            id: id.to_string(),
            default_severity: f.severity,
            summary: format!("plainly rule {id}."),
            help: f
                .explanation
                .as_deref()
                .unwrap_or("See the finding's message.")
                .to_string(),
        });
        self.rule_index.insert(id.to_string(), i);
        i
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    column_kind: &'static str,
    results: &'a [SarifResult],
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Text<'a>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tool_execution_notifications: &'a [Notification],
}

/// A file that could not be checked, or was skipped.
#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: OwnedText,
    locations: [Location; 1],
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    partial_fingerprints: HashMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    /// The invoice field, where the finding is in one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize, Clone, Copy, Default)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fully_qualified_name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: OwnedText,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: [Replacement; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: OwnedText,
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Where a file is, as a SARIF artifact location: relative to the checkout
/// (`%SRCROOT%`, which GitHub code scanning resolves), or a `file:` URI for
/// an absolute path.
fn artifact(path: &str) -> ArtifactLocation {
    let path = super::repo_path(path);
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", percent_encode(&path)),
            uri_base_id: None,
        }
    } else if path.as_bytes().get(1) == Some(&b':') && path.as_bytes().get(2) == Some(&b'/') {
        // A Windows drive path, `C:/...`.
        ArtifactLocation {
            uri: format!("file:///{}{}", &path[..2], percent_encode(&path[2..])),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(&path),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// `path` as a URI path: unreserved characters, `/` and the harmless
/// sub-delimiters stay; everything else (space, `%`, `#`, `?`, `:`, non-ASCII)
/// is percent-encoded as UTF-8. `:` is encoded so a first segment never
/// reads as a scheme.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The region of a finding in the file (None in a decoded part).
fn region(f: &Finding) -> Option<Region> {
    let l = &f.location;
    if l.decoded_part.is_some() {
        return None;
    }
    Some(Region {
        start_line: Some(l.line),
        start_column: Some(l.column),
        end_line: Some(l.end_line),
        end_column: Some(l.end_column),
        byte_offset: Some(l.byte_start),
        byte_length: Some(l.byte_end - l.byte_start),
    })
}

/// FNV-1a (64 bit): stable across Rust releases and platforms, unlike std's
/// hasher, so fingerprints match from one run to the next.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

impl Reporter for Sarif {
    fn file(&mut self, _out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        match &file.outcome {
            Outcome::Checked { findings, .. } => {
                // Occurrences of one fingerprint within this file.
                let mut seen: HashMap<u64, usize> = HashMap::new();
                for f in findings {
                    let rule_id = super::rule_id(f).into_owned();
                    let rule_index = self.index_of(&rule_id, f);
                    let artifact = artifact(&f.path);
                    let region = region(f);
                    let hash = fnv1a(&[
                        &artifact.uri,
                        &rule_id,
                        f.role.as_deref().unwrap_or(""),
                        &f.matched,
                    ]);
                    let n = seen.entry(hash).or_insert(0);
                    *n += 1;
                    let fixes = match (f.edit(), region) {
                        (Some(edit), Some(region)) => {
                            let same = edit.range.start == f.location.byte_start
                                && edit.range.end == f.location.byte_end;
                            // An edit on other bytes than the finding's has
                            // no line/column here: give its bytes only.
                            let deleted = if same {
                                region
                            } else {
                                Region {
                                    byte_offset: Some(edit.range.start),
                                    byte_length: Some(edit.range.len()),
                                    ..Region::default()
                                }
                            };
                            vec![SarifFix {
                                description: OwnedText {
                                    text: format!("Replace with \"{}\"", edit.replacement),
                                },
                                artifact_changes: [ArtifactChange {
                                    artifact_location: artifact.clone(),
                                    replacements: [Replacement {
                                        deleted_region: deleted,
                                        inserted_content: OwnedText {
                                            text: edit.replacement.to_string(),
                                        },
                                    }],
                                }],
                            }]
                        }
                        _ => Vec::new(),
                    };
                    let logical_locations = f
                        .field
                        .as_ref()
                        .map(|field| LogicalLocation {
                            name: field.name.clone(),
                            fully_qualified_name: field.xpath.clone(),
                        })
                        .into_iter()
                        .collect();
                    self.results.push(SarifResult {
                        rule_id,
                        rule_index,
                        level: level(f.severity),
                        message: OwnedText {
                            text: super::file_message(f).into_owned(),
                        },
                        locations: [Location {
                            physical_location: PhysicalLocation {
                                artifact_location: artifact,
                                region,
                            },
                            logical_locations,
                        }],
                        fixes,
                        partial_fingerprints: HashMap::from([(
                            FINGERPRINT,
                            format!("{hash:016x}:{n}"),
                        )]),
                    });
                }
            }
            Outcome::Skipped(why) => self.notifications.push(Notification {
                level: "note",
                message: OwnedText {
                    text: format!("skipped: {why}"),
                },
                locations: [file_location(&file.path, None)],
            }),
            Outcome::Failed(e) => {
                let region = e.line.map(|line| Region {
                    start_line: Some(line),
                    start_column: e.column,
                    ..Region::default()
                });
                self.notifications.push(Notification {
                    level: "error",
                    message: OwnedText {
                        text: format!("{}: {}", e.message, e.help),
                    },
                    locations: [file_location(&file.path, region)],
                });
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "plainly",
                        version: env!("CARGO_PKG_VERSION"),
                        information_uri: super::HOMEPAGE,
                        rules: self
                            .rules
                            .iter()
                            .map(|r| Rule {
                                id: &r.id,
                                short_description: Text { text: &r.summary },
                                full_description: Text { text: &r.summary },
                                help: Text { text: &r.help },
                                default_configuration: Configuration {
                                    level: level(r.default_severity),
                                },
                            })
                            .collect(),
                    },
                },
                invocations: [Invocation {
                    execution_successful: summary.errors == 0,
                    tool_execution_notifications: &self.notifications,
                }],
                column_kind: "unicodeCodePoints",
                results: &self.results,
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

fn file_location(path: &str, region: Option<Region>) -> Location {
    Location {
        physical_location: PhysicalLocation {
            artifact_location: artifact(path),
            region,
        },
        logical_locations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fix;

    fn finding(rule: &'static str, role: Option<&str>, matched: &str) -> Finding {
        Finding {
            path: "./a.md".into(),
            location: Default::default(),
            matched: matched.into(),
            term: None,
            role: role.map(Into::into),
            rule,
            severity: Severity::Info,
            replacements: Vec::new().into(),
            explanation: None,
            message: "m".into(),
            field: None,
            fix: Fix::None(String::new()),
        }
    }

    #[test]
    fn unlisted_rules_are_added_and_fingerprints_count_occurrences() {
        let options = ReportOptions {
            rules: vec![RuleInfo {
                id: "jargon/finance".into(),
                default_severity: Severity::Warning,
                summary: "s".into(),
                help: "h".into(),
            }],
            ..Default::default()
        };
        let mut sarif = Sarif::new(&options);
        let file = FileResult {
            path: "./a.md".into(),
            disk_path: None,
            info: Default::default(),
            outcome: Outcome::Checked {
                findings: vec![
                    finding("custom/x", None, "EA"),
                    finding("jargon", Some("finance"), "EA"),
                    finding("custom/x", None, "EA"),
                ],
                sources: Vec::new(),
            },
        };
        sarif.file(&mut io::sink(), &file).unwrap();
        let mut out = Vec::new();
        sarif.finish(&mut out, &Summary::default()).unwrap();
        let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let run = &log["runs"][0];
        let ids: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["jargon/finance", "custom/x"]);
        let results = run["results"].as_array().unwrap();
        let indexes: Vec<u64> = results
            .iter()
            .map(|r| r["ruleIndex"].as_u64().unwrap())
            .collect();
        assert_eq!(indexes, [1, 0, 1]);
        let fp = |i: usize| {
            results[i]["partialFingerprints"][FINGERPRINT]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert!(fp(0).ends_with(":1") && fp(2).ends_with(":2"));
        assert_eq!(fp(0).split(':').next(), fp(2).split(':').next());
        assert_ne!(fp(0).split(':').next(), fp(1).split(':').next());
        assert_eq!(results[0]["level"], "note");
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        let a = artifact("./docs/Preise & Rabatte #2.md");
        assert_eq!(a.uri, "docs/Preise%20&%20Rabatte%20%232.md");
        assert_eq!(a.uri_base_id, Some("%SRCROOT%"));
        assert_eq!(artifact("a:b/ü.md").uri, "a%3Ab/%C3%BC.md");
        let abs = artifact("/srv/docs/a b.md");
        assert_eq!(abs.uri, "file:///srv/docs/a%20b.md");
        assert_eq!(abs.uri_base_id, None);
        assert_eq!(artifact("C:\\docs\\a.md").uri, "file:///C:/docs/a.md");
    }

    #[test]
    fn fingerprint_hash_is_stable() {
        // FNV-1a of "a\0": fixed forever, or fingerprints change.
        assert_eq!(fnv1a(&["a"]), 0x089b_e207_b544_f1e4);
    }
}
