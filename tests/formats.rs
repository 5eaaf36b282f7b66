//! The CI output formats end to end: `plainly check --format
//! sarif|github|rdjson|junit|checkstyle` on real files, each output parsed
//! and checked for its exact structure, positions and escaping.
//!
//! `tests/sarif-schema-2.1.0.json` is a byte-exact copy of the official SARIF
//! 2.1.0 schema from the OASIS SARIF TC repository (oasis-tcs/sarif-spec,
//! `sarif-2.1/schema/sarif-schema-2.1.0.json`), committed so the test runs
//! offline.

mod common;

use std::path::Path;

use common::*;
use quick_xml::events::Event;
use serde_json::{Value, json};

/// A finance phrasebook with a safe fix (`RSTK fee`), a term that can match
/// across a line break, replacements with XML and `%` characters, and an
/// explain-only term.
const BOOK: &str = "role: finance
terms:
  - term: restocking fee
    variants: [RSTK fee]
    replacement: charge for taking returned goods back into stock
    explanation: A charge when goods are sent back.
  - term: net 30
    replacement: pay within 30 days (100% of the amount)
  - term: T&C
    replacement: terms & conditions <see page 2>
  - term: DDP
    replacement: delivered with duties paid
    policy: explain
    severity: info
";

/// The tricky document: a multi-byte greeting before the first term, a
/// term across a line break, and a path with `,` and `:` in it.
const TRICKY_PATH: &str = "docs/q1,q2:terms.txt";
const TRICKY: &str = "Grüße: the RSTK fee is 5 %.\nPay net\n30. See T&C.\nWe ship DDP.\n";

/// Runs `plainly check --no-config --format FORMAT ARGS` in `dir`; returns
/// the exit code and standard output.
fn plainly_check(dir: &Path, format: &str, args: &[&str]) -> (i32, String) {
    let out = plainly()
        .current_dir(dir)
        .args(["check", "--no-config", "--format", format])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}

/// Runs the tricky document with only [`BOOK`] loaded.
fn run_tricky(format: &str, extra: &[(&str, &str)]) -> (tempfile::TempDir, i32, String) {
    let mut files = vec![("book.yaml", BOOK), (TRICKY_PATH, TRICKY)];
    files.extend_from_slice(extra);
    let dir = tree(&files);
    let (code, out) = plainly_check(
        dir.path(),
        format,
        &[
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
            "docs",
        ],
    );
    (dir, code, out)
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn sarif_validator() -> jsonschema::Validator {
    let schema = parse_json(include_str!("sarif-schema-2.1.0.json"));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_of_the_fixtures_validates_against_the_official_schema() {
    let (code, out) = plainly_check(
        root(),
        "sarif",
        &[
            "fixtures/portal/returns-and-delivery.md",
            "fixtures/invoices/INV-2026-0417.txt",
            "fixtures/invoices/nordwind-ubl-jargon.xml",
            "fixtures/emails/order-confirmation.eml",
        ],
    );
    assert_eq!(code, 1);
    let log = parse_json(&out);
    assert_valid_sarif(&log);
    // The validator is live: a bad level fails it, and so does a bad `uri`
    // format (draft-04 knows `uri`; it ignores the newer `uri-reference`,
    // which unit tests in src/report/sarif.rs cover).
    let validator = sarif_validator();
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!validator.is_valid(&bad));
    let mut bad = log.clone();
    bad["$schema"] = json!("not a uri");
    assert!(!validator.is_valid(&bad));
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "plainly");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in [
        "jargon/end-user",
        "jargon/finance",
        "jargon/purchasing",
        "invoice/bare-unit-code",
        "suppression/no-reason",
    ] {
        assert!(ids.contains(&id), "no rule {id} in {ids:?}");
    }
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each rule once");
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{key} of {r}");
        }
        assert!(
            ["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }

    let results = run["results"].as_array().unwrap();
    let json = check_json(
        root(),
        &[
            "fixtures/portal/returns-and-delivery.md",
            "fixtures/invoices/INV-2026-0417.txt",
            "fixtures/invoices/nordwind-ubl-jargon.xml",
            "fixtures/emails/order-confirmation.eml",
        ],
    )
    .1;
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len(), "one result per finding");
    let mut fingerprints = std::collections::HashSet::new();
    for (r, f) in results.iter().zip(findings) {
        let rule_id = r["ruleId"].as_str().unwrap();
        assert_eq!(ids[r["ruleIndex"].as_u64().unwrap() as usize], rule_id);
        let expected_rule = match f["role"].as_str() {
            Some(role) => format!("{}/{role}", f["rule"].as_str().unwrap()),
            None => f["rule"].as_str().unwrap().to_string(),
        };
        assert_eq!(rule_id, expected_rule);
        let level = match f["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(r["level"], level);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f["path"]);
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        if let Some(part) = f["part"].as_u64() {
            assert!(
                loc.get("region").is_none(),
                "no region in a decoded part: {r}"
            );
            assert_eq!(
                r["message"]["text"],
                format!(
                    "{} (in decoded part {part})",
                    f["message"].as_str().unwrap()
                )
            );
        } else {
            let b = f["byte_start"].as_u64().unwrap();
            assert_eq!(
                loc["region"],
                json!({
                    "startLine": f["line"], "startColumn": f["column"],
                    "endLine": f["end_line"], "endColumn": f["end_column"],
                    "byteOffset": b, "byteLength": f["byte_end"].as_u64().unwrap() - b,
                })
            );
            assert_eq!(r["message"]["text"], f["message"]);
        }
        let fp = r["partialFingerprints"]["plainly/v1"].as_str().unwrap();
        assert!(
            fingerprints.insert(fp.to_string()),
            "fingerprint {fp} repeats"
        );
    }
    // The invoice's XPath is the result's logical location.
    assert!(results.iter().any(|r| {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .is_some_and(|x| x.starts_with('/'))
    }));
}

#[test]
fn sarif_has_a_fix_for_a_safe_edit() {
    let (_dir, code, out) = run_tricky("sarif", &[]);
    assert_eq!(code, 1);
    let log = parse_json(&out);
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = rules
        .iter()
        .position(|r| r["id"] == "jargon/finance")
        .unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let rstk = &results[0];
    let uri = "docs/q1,q2%3Aterms.txt";
    // "Grüße: the " is 11 code points and 13 bytes.
    let region = json!({
        "startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 20,
        "byteOffset": 13, "byteLength": 8,
    });
    assert_eq!(
        rstk,
        &json!({
            "ruleId": "jargon/finance",
            "ruleIndex": index,
            "level": "warning",
            "message": {"text": "finance readers may not know \"RSTK fee\": write \"charge for taking returned goods back into stock\""},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": region,
            }}],
            "fixes": [{
                "description": {"text": "Replace with \"charge for taking returned goods back into stock\""},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "replacements": [{
                        "deletedRegion": region,
                        "insertedContent": {"text": "charge for taking returned goods back into stock"},
                    }],
                }],
            }],
            "partialFingerprints": rstk["partialFingerprints"],
        })
    );
    // The explain-only term has no fix and is a note.
    let ddp = &results[3];
    assert_eq!(ddp["level"], "note");
    assert!(ddp.get("fixes").is_none());
    // The output is the same from run to run, and fingerprints do not
    // depend on the line: the same text one line lower keeps them.
    let (_again_dir, _, again) = run_tricky("sarif", &[]);
    assert_eq!(parse_json(&again)["runs"][0]["results"], run["results"]);
    let shifted = tree(&[("book.yaml", BOOK), (TRICKY_PATH, &format!("\n{TRICKY}"))]);
    let (_, shifted_out) = plainly_check(
        shifted.path(),
        "sarif",
        &[
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
            "docs",
        ],
    );
    let shifted_log = parse_json(&shifted_out);
    let shifted_results = shifted_log["runs"][0]["results"].as_array().unwrap();
    for (a, b) in results.iter().zip(shifted_results) {
        assert_eq!(a["partialFingerprints"], b["partialFingerprints"]);
    }
}

#[test]
fn sarif_records_unreadable_and_skipped_files() {
    let dir = tree(&[("book.yaml", BOOK), ("docs/a.txt", "The RSTK fee.\n")]);
    std::fs::write(dir.path().join("docs/bad.txt"), b"ok\n\xff\xfe here\n").unwrap();
    std::fs::write(dir.path().join("docs/bin.txt"), b"a\0b").unwrap();
    let (code, out) = plainly_check(
        dir.path(),
        "sarif",
        &[
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
            "docs",
        ],
    );
    assert_eq!(code, 2);
    let log = parse_json(&out);
    assert_valid_sarif(&log);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    let loc = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "docs/bad.txt");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(notes[1]["level"], "note");
    assert_eq!(
        notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "docs/bin.txt"
    );
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
}

#[test]
fn github_annotations_escape_paths_and_messages() {
    let (_dir, code, out) = run_tricky("github", &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "::warning file=docs/q1%2Cq2%3Aterms.txt,line=1,col=12,endLine=1,endColumn=20,title=plainly jargon/finance::finance readers may not know \"RSTK fee\": write \"charge for taking returned goods back into stock\"",
            // Across a line break: no columns (GitHub takes them on one line
            // only); the newline and the % in the message are escaped.
            "::warning file=docs/q1%2Cq2%3Aterms.txt,line=2,endLine=3,title=plainly jargon/finance::finance readers may not know \"net%0A30\": write \"pay within 30 days (100%25 of the amount)\"",
            "::warning file=docs/q1%2Cq2%3Aterms.txt,line=3,col=9,endLine=3,endColumn=12,title=plainly jargon/finance::finance readers may not know \"T&C\": write \"terms & conditions <see page 2>\"",
            "::notice file=docs/q1%2Cq2%3Aterms.txt,line=4,col=9,endLine=4,endColumn=12,title=plainly jargon/finance::\"DDP\" is not explained at its first use for finance readers: add \"(delivered with duties paid)\" or link it to the glossary",
        ]
    );
}

#[test]
fn github_gives_decoded_email_parts_the_file_only() {
    let (_, out) = plainly_check(
        root(),
        "github",
        &[
            "--role",
            "finance",
            "fixtures/emails/order-confirmation.eml",
        ],
    );
    let decoded: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("(in decoded part "))
        .collect();
    assert!(!decoded.is_empty(), "{out}");
    for l in decoded {
        assert!(
            l.contains(
                " file=fixtures/emails/order-confirmation.eml,title=plainly jargon/finance::"
            ),
            "{l}"
        );
    }
    // The header finding is in the file itself and has its place.
    assert!(out.lines().any(|l| l.contains(",line=3,col=10,")), "{out}");
}

#[test]
fn rdjson_has_byte_columns_codes_and_suggestions() {
    let (_dir, code, out) = run_tricky("rdjson", &[]);
    assert_eq!(code, 1);
    let rd = parse_json(&out);
    assert_eq!(rd["source"], json!({"name": "plainly"}));
    let diags = rd["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 4);
    // Code-point column 12, but reviewdog counts bytes: "Grüße: the " is 13.
    let range = json!({"start": {"line": 1, "column": 14}, "end": {"line": 1, "column": 22}});
    assert_eq!(
        diags[0],
        json!({
            "message": "finance readers may not know \"RSTK fee\": write \"charge for taking returned goods back into stock\"",
            "location": {"path": TRICKY_PATH, "range": range},
            "severity": "WARNING",
            "code": {"value": "jargon/finance"},
            "suggestions": [{"range": range, "text": "charge for taking returned goods back into stock"}],
        })
    );
    assert_eq!(
        diags[1]["location"]["range"],
        json!({"start": {"line": 2, "column": 5}, "end": {"line": 3, "column": 3}})
    );
    assert_eq!(diags[3]["severity"], "INFO");
    assert!(
        diags[3].get("suggestions").is_none(),
        "explain-only: no fix"
    );
    for d in diags {
        assert!(d.get("original_output").is_none());
    }
}

#[test]
fn rdjson_gives_decoded_email_parts_no_range() {
    let (_, out) = plainly_check(
        root(),
        "rdjson",
        &[
            "--role",
            "finance",
            "fixtures/emails/order-confirmation.eml",
        ],
    );
    let rd = parse_json(&out);
    let diags = rd["diagnostics"].as_array().unwrap();
    let decoded: Vec<&Value> = diags
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("(in decoded part "))
        .collect();
    assert!(!decoded.is_empty());
    for d in decoded {
        assert_eq!(
            d["location"],
            json!({"path": "fixtures/emails/order-confirmation.eml"})
        );
        assert!(d.get("suggestions").is_none());
    }
}

#[test]
fn rdjson_without_findings_is_an_empty_result() {
    let (code, out) = plainly_check(root(), "rdjson", &["fixtures/portal/no-jargon.md"]);
    assert_eq!(code, 0);
    assert_eq!(
        parse_json(&out),
        json!({"source": {"name": "plainly"}, "diagnostics": []})
    );
}

/// An XML element as the tests look at it.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn children(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

/// Parses `xml` with quick-xml into its root element, failing on any
/// malformed input.
fn parse_xml(xml: &str) -> Element {
    let element = |e: &quick_xml::events::BytesStart<'_>| Element {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().expect("escaped value").into_owned(),
                )
            })
            .collect(),
        ..Default::default()
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("bad XML ({e}):\n{xml}"))
        {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let el = element(&e);
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().unwrap();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("unknown entity {name}"))
                            .to_string()
                    }
                };
                stack.last_mut().unwrap().text.push_str(&s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

#[test]
fn junit_has_a_case_per_file_failing_only_at_the_fail_level() {
    let (dir, code, out) = run_tricky(
        "junit",
        &[
            ("docs/clean.txt", "Nothing to see.\n"),
            ("docs/info.txt", "We ship DDP.\n"),
        ],
    );
    std::fs::write(dir.path().join("docs/bad.txt"), b"ok\n\xff here\n").unwrap();
    std::fs::write(dir.path().join("docs/bin.txt"), b"a\0b").unwrap();
    let (code_after, out_after) = plainly_check(
        dir.path(),
        "junit",
        &[
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
            "docs",
        ],
    );
    assert_eq!((code, code_after), (1, 2));
    assert!(out.contains("<testsuites"), "{out}");

    let suites = parse_xml(&out_after);
    assert_eq!(suites.name, "testsuites");
    let suite = &suites.children("testsuite")[0];
    for el in [&suites, suite] {
        assert_eq!(el.attr("name"), Some("plainly"));
        assert_eq!(el.attr("tests"), Some("5"));
        assert_eq!(el.attr("failures"), Some("1"));
        assert_eq!(el.attr("errors"), Some("1"));
        assert_eq!(el.attr("skipped"), Some("1"));
    }
    let cases = suite.children("testcase");
    let names: Vec<&str> = cases.iter().map(|c| c.attr("name").unwrap()).collect();
    assert_eq!(
        names,
        [
            "docs/bad.txt",
            "docs/bin.txt",
            "docs/clean.txt",
            "docs/info.txt",
            TRICKY_PATH
        ]
    );
    assert!(cases.iter().all(|c| c.attr("classname") == Some("plainly")));
    assert!(cases.iter().all(|c| c.attr("file") == c.attr("name")));

    let error = &cases[0].children("error")[0];
    assert!(
        error.attr("message").unwrap().contains("UTF-8"),
        "{error:?}"
    );
    assert_eq!(cases[1].children("skipped").len(), 1);
    assert!(cases[2].children.is_empty());
    // Info findings do not fail the run, so they do not fail the case.
    assert!(cases[3].children("failure").is_empty());
    assert_eq!(
        cases[3].children("system-out")[0].text,
        "docs/info.txt:1:9: jargon/finance: \"DDP\" is not explained at its first use for finance readers: add \"(delivered with duties paid)\" or link it to the glossary\n"
    );
    let failure = &cases[4].children("failure")[0];
    assert_eq!(failure.attr("message"), Some("3 findings"));
    assert_eq!(failure.attr("type"), Some("warning"));
    assert_eq!(
        failure.text,
        "docs/q1,q2:terms.txt:1:12: jargon/finance: finance readers may not know \"RSTK fee\": write \"charge for taking returned goods back into stock\"\n\
         docs/q1,q2:terms.txt:2:5: jargon/finance: finance readers may not know \"net\n30\": write \"pay within 30 days (100% of the amount)\"\n\
         docs/q1,q2:terms.txt:3:9: jargon/finance: finance readers may not know \"T&C\": write \"terms & conditions <see page 2>\"\n"
    );
}

#[test]
fn checkstyle_lists_every_file_with_escaped_errors() {
    let (dir, _, _) = run_tricky("checkstyle", &[("docs/clean.txt", "Nothing to see.\n")]);
    std::fs::write(dir.path().join("docs/bad.txt"), b"ok\n\xff here\n").unwrap();
    let (code, out) = plainly_check(
        dir.path(),
        "checkstyle",
        &[
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
            "docs",
        ],
    );
    assert_eq!(code, 2);
    let root = parse_xml(&out);
    assert_eq!(root.name, "checkstyle");
    assert_eq!(root.attr("version"), Some("4.3"));
    let files = root.children("file");
    let names: Vec<&str> = files.iter().map(|f| f.attr("name").unwrap()).collect();
    assert_eq!(names, ["docs/bad.txt", "docs/clean.txt", TRICKY_PATH]);

    let bad = &files[0].children("error")[0];
    assert_eq!(bad.attr("severity"), Some("error"));
    assert_eq!(bad.attr("line"), Some("2"));
    assert_eq!(bad.attr("source"), Some("plainly.file"));
    assert!(files[1].children.is_empty());

    let errors = files[2].children("error");
    let attrs: Vec<Vec<(&str, &str)>> = errors
        .iter()
        .map(|e| {
            e.attrs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        })
        .collect();
    let msg = |m: &'static str| ("message", m);
    assert_eq!(
        attrs,
        [
            vec![
                ("line", "1"),
                ("column", "12"),
                ("severity", "warning"),
                msg(
                    "finance readers may not know \"RSTK fee\": write \"charge for taking returned goods back into stock\""
                ),
                ("source", "plainly.jargon.finance"),
            ],
            vec![
                ("line", "2"),
                ("column", "5"),
                ("severity", "warning"),
                // The line break survives as a character reference.
                msg(
                    "finance readers may not know \"net\n30\": write \"pay within 30 days (100% of the amount)\""
                ),
                ("source", "plainly.jargon.finance"),
            ],
            vec![
                ("line", "3"),
                ("column", "9"),
                ("severity", "warning"),
                msg(
                    "finance readers may not know \"T&C\": write \"terms & conditions <see page 2>\""
                ),
                ("source", "plainly.jargon.finance"),
            ],
            vec![
                ("line", "4"),
                ("column", "9"),
                ("severity", "info"),
                msg(
                    "\"DDP\" is not explained at its first use for finance readers: add \"(delivered with duties paid)\" or link it to the glossary"
                ),
                ("source", "plainly.jargon.finance"),
            ],
        ]
    );
    assert!(out.contains("net&#10;30"), "{out}");
}

#[test]
fn checkstyle_gives_decoded_email_parts_line_zero() {
    let (_, out) = plainly_check(
        root(),
        "checkstyle",
        &[
            "--role",
            "finance",
            "fixtures/emails/order-confirmation.eml",
        ],
    );
    let root = parse_xml(&out);
    let errors = root.children("file")[0].children("error");
    let decoded: Vec<&&Element> = errors
        .iter()
        .filter(|e| e.attr("message").unwrap().contains("(in decoded part "))
        .collect();
    assert!(!decoded.is_empty());
    for e in decoded {
        assert_eq!(e.attr("line"), Some("0"));
        assert_eq!(e.attr("column"), None);
    }
}

#[test]
fn every_ci_format_is_well_formed_without_input_findings() {
    for format in ["sarif", "github", "rdjson", "junit", "checkstyle"] {
        let (code, out) = plainly_check(root(), format, &["fixtures/portal/no-jargon.md"]);
        assert_eq!(code, 0, "{format}");
        match format {
            "sarif" => {
                let log = parse_json(&out);
                assert_valid_sarif(&log);
                assert_eq!(log["runs"][0]["results"], json!([]));
            }
            "github" => assert_eq!(out, ""),
            "rdjson" => assert_eq!(parse_json(&out)["diagnostics"], json!([])),
            "junit" => {
                let suites = parse_xml(&out);
                assert_eq!(suites.attr("tests"), Some("1"));
                assert_eq!(suites.attr("failures"), Some("0"));
            }
            _ => {
                let root = parse_xml(&out);
                assert_eq!(root.children("file").len(), 1);
            }
        }
    }
}
