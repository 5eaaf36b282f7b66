//! The CI job's tools end to end: safe autofix and diff, suppressions with
//! reasons, baselines, statistics, config excludes and ignored terms.

mod common;

use common::*;
use serde_json::Value;

const BOOK: &str = "role: finance
terms:
  - term: restocking fee
    variants: [RSTK fee]
    replacement: return charge
  - term: DDP
    replacement: delivered with duties paid
  - term: LS
    case_sensitive: true
    replacement: [lump sum, fixed price]
  - term: accrual
    policy: explain
    replacement: cost booked early
";

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    plainly()
        .current_dir(dir)
        .args([
            "check",
            "--no-config",
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
        ])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn fix_applies_only_safe_replacements_with_matching_case() {
    let original =
        "RSTK fee due. The Restocking Fee is 5%.\r\nDDP: yes; LS 1; accrual\n`DDP` and R&amp;D\n";
    let dir = tree(&[("book.yaml", BOOK), ("a.md", original)]);
    let out = run(dir.path(), &["--fix", "--format", "json", "a.md"]);
    let fixed = std::fs::read_to_string(dir.path().join("a.md")).unwrap();
    assert_eq!(
        fixed,
        "Return charge due. The Return Charge is 5%.\r\nDelivered with duties paid: yes; LS 1; accrual\n`DDP` and R&amp;D\n"
    );
    // What could not be fixed is still reported, with the reason.
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let left: Vec<(&str, Option<&str>)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["matched"].as_str().unwrap(), f["no_fix"].as_str()))
        .collect();
    assert_eq!(
        left,
        vec![
            (
                "LS",
                Some("role finance has 2 replacements; choose one by hand")
            ),
            ("accrual", Some("policy for role finance is not `replace`")),
        ]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 3 occurrences in 1 file"));
    // A second run changes nothing.
    run(dir.path(), &["--fix", "a.md"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.md")).unwrap(),
        fixed
    );
}

#[test]
fn fix_never_touches_markup_entities_or_html_escaping() {
    let dir = tree(&[
        (
            "book.yaml",
            "role: finance\nterms:\n  - term: R&D fee\n    replacement: research & development charge\n  - term: minimum order quantity\n    replacement: smallest order\n",
        ),
        (
            "a.html",
            "<p>The R&amp;D fee and the minimum <b>order</b> quantity.</p>\n<p>R&D fee</p>\n",
        ),
    ]);
    run(dir.path(), &["--fix", "a.html"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.html")).unwrap(),
        "<p>The R&amp;D fee and the minimum <b>order</b> quantity.</p>\n<p>Research &amp; development charge</p>\n"
    );
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = tree(&[("book.yaml", BOOK), ("a.txt", "one\nDDP here\nthree\n")]);
    let out = run(dir.path(), &["--diff", "a.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-DDP here\n+delivered with duties paid here\n three\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "one\nDDP here\nthree\n"
    );
}

#[cfg(unix)]
#[test]
fn fix_refuses_read_only_files_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("ro.txt", "DDP\n"),
        ("rw.txt", "DDP\n"),
    ]);
    let ro = dir.path().join("ro.txt");
    let rw = dir.path().join("rw.txt");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&rw, std::fs::Permissions::from_mode(0o604)).unwrap();
    let out = run(dir.path(), &["--fix", "ro.txt", "rw.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("ro.txt") && err.contains("read-only"), "{err}");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "DDP\n");
    assert_eq!(
        std::fs::read_to_string(&rw).unwrap(),
        "Delivered with duties paid\n"
    );
    assert_eq!(
        std::fs::metadata(&rw).unwrap().permissions().mode() & 0o777,
        0o604
    );
}

fn rules_and_lines(out: &std::process::Output) -> Vec<(String, u64)> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn markdown_and_html_suppressions() {
    let md = "DDP 1\n<!-- plainly-disable-next-line DDP -- quoted from the contract -->\nDDP 3 RSTK fee\n\
<!-- plainly-disable -- legal annex -->\nDDP 5\nRSTK fee 6\n<!-- plainly-enable -->\nDDP 8\n\
<!-- plainly-disable-next-line accrual -- nothing here -->\nplain 10\n<!-- plainly-disable-next-line -->\nDDP 12\n";
    let html = "<p>DDP</p>\n<!-- plainly-disable-next-line restocking fee -- brand name -->\n<p>RSTK fee</p>\n";
    let dir = tree(&[("book.yaml", BOOK), ("a.md", md), ("b.html", html)]);
    let out = run(dir.path(), &["--format", "json", "a.md"]);
    assert_eq!(
        rules_and_lines(&out),
        vec![
            ("jargon".to_string(), 1),
            ("jargon".to_string(), 3),
            ("jargon".to_string(), 8),
            ("suppression/unused".to_string(), 9),
            ("suppression/no-reason".to_string(), 11),
        ]
    );
    let out = run(dir.path(), &["--format", "json", "b.html"]);
    assert_eq!(rules_and_lines(&out), vec![("jargon".to_string(), 1)]);
}

#[test]
fn text_line_suppressions_and_config_ignores() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        (
            "a.txt",
            "DDP 1 # plainly: ignore DDP -- customer's own words\nDDP 2\nDDP 3\n",
        ),
        ("legal/b.txt", "DDP and RSTK fee\n"),
        ("drafts/c.txt", "DDP\n"),
        (
            ".plainly.yaml",
            "default_phrasebooks: false\nphrasebooks: [book.yaml]\nexclude: [\"drafts/**\"]\nignore_terms:\n  \"legal/**\": [DDP]\n",
        ),
    ]);
    assert_eq!(
        check_concise(dir.path(), &[]),
        "a.txt:3:1: finance: \"DDP\" -> delivered with duties paid\n\
legal/b.txt:1:9: finance: \"restocking fee\" -> return charge\n"
    );
}

#[test]
fn baseline_survives_unrelated_edits_and_reports_new_findings() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("a.txt", "Intro.\nDDP applies.\nRSTK fee too.\n"),
    ]);
    let out = run(
        dir.path(),
        &["--write-baseline", "plainly-baseline.json", "a.txt"],
    );
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("plainly-baseline.json")).unwrap();
    assert!(
        written.starts_with("{\n  \"version\": 1,\n  \"findings\": [\n"),
        "{written}"
    );
    assert!(
        written.contains("\"line_text\": \"DDP applies.\""),
        "{written}"
    );
    // Lines move; one new finding appears.
    std::fs::write(
        dir.path().join("a.txt"),
        "New intro.\n\nMore text.\nDDP applies.\nRSTK fee too.\nAnd DDP now.\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "--baseline",
            "plainly-baseline.json",
            "--format",
            "concise",
            "a.txt",
        ],
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "a.txt:6:5: finance: \"DDP\" -> delivered with duties paid\n"
    );
    assert_eq!(out.status.code(), Some(1));
    // The default format renders a file's snippets on the thread that
    // checked it, before the baseline is applied: those of the findings the
    // baseline drops must not be shown.
    let out = run(
        dir.path(),
        &["--baseline", "plainly-baseline.json", "a.txt"],
    );
    let human = String::from_utf8(out.stdout).unwrap();
    assert_eq!(human.matches("╭─[").count(), 1, "{human}");
    assert!(
        human.contains("╭─[a.txt:6:1]\n 5 │ RSTK fee too.\n 6 │ And DDP now.\n"),
        "{human}"
    );
    assert!(
        human.ends_with("1 finding (0 error, 1 warning, 0 info) in 1 file checked\n"),
        "{human}"
    );
    // So does JSON, and it stays valid JSON.
    let out = run(
        dir.path(),
        &[
            "--baseline",
            "plainly-baseline.json",
            "--format",
            "json",
            "a.txt",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["line"])
        .collect();
    assert_eq!(lines, [6]);
    // Writing the same findings twice gives the same file.
    run(dir.path(), &["--write-baseline", "again.json", "a.txt"]);
    run(dir.path(), &["--write-baseline", "again2.json", "a.txt"]);
    assert_eq!(
        std::fs::read(dir.path().join("again.json")).unwrap(),
        std::fs::read(dir.path().join("again2.json")).unwrap()
    );
}

#[test]
fn statistics_most_frequent_first() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("a.txt", "DDP DDP DDP RSTK fee\n"),
        ("b.txt", "DDP\n"),
    ]);
    let out = run(dir.path(), &["--statistics", "a.txt", "b.txt"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        " count  term            role\n     4  DDP             finance\n     1  restocking fee  finance\n"
    );
    let out = run(
        dir.path(),
        &["--statistics", "--format", "json", "a.txt", "b.txt"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v[0],
        serde_json::json!({"term": "DDP", "role": "finance", "count": 4})
    );
}

#[test]
fn an_unknown_rule_id_in_the_config_is_an_error() {
    let dir = tree(&[
        (".plainly.yaml", "rules:\n  invoice/bare-unit-codes: off\n"),
        ("a.txt", "x\n"),
    ]);
    let (code, _, err) = run_in(dir.path(), &["check", "a.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown rule `invoice/bare-unit-codes`"),
        "{err}"
    );
    assert!(err.contains("invoice/bare-unit-code,"), "{err}");
}
