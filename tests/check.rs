//! `plainly check` end to end: the real binary on real files, exact JSON,
//! exit codes, role and audience selection, walking, bad input.

mod common;

use common::*;
use serde_json::json;

/// Checks `files` in `dir` against `book.yaml` there alone, as JSON.
fn check_with_book(dir: &std::path::Path, files: &[&str]) -> (i32, serde_json::Value, String) {
    let args = ["--no-default-phrasebooks", "--phrasebook", "book.yaml"];
    check_json(dir, &[&args[..], files].concat())
}

const BOOK: &str = "role: finance
name: Finance department
terms:
  - term: restocking fee
    variants: [RSTK fee]
    replacement: charge for taking returned goods back into stock
    explanation: A charge when goods are sent back.
  - term: DDP
    replacement: delivered with import duties paid
    explanation: We pay transport and import duties.
    policy: explain
  - term: accrual
    policy: allow
";

const BUYER_BOOK: &str = "role: purchasing
terms:
  - term: DDP
    policy: allow
  - term: accrual
    replacement: [booked cost, cost booked early]
    severity: error
";

#[test]
fn json_contract_is_exact() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("docs/a.md", "# Returns\n\nA Restocking Fee applies.\n"),
    ]);
    let (code, out, _) = check_with_book(dir.path(), &["docs/a.md"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        json!({
            "version": 1,
            "findings": [{
                "path": "docs/a.md", "line": 3, "column": 3, "end_line": 3, "end_column": 17,
                "byte_start": 13, "byte_end": 27, "matched": "Restocking Fee",
                "term": "restocking fee", "role": "finance", "rule": "jargon",
                "severity": "warning",
                "replacements": ["charge for taking returned goods back into stock"],
                "explanation": "A charge when goods are sent back.",
                "message": "finance readers may not know \"Restocking Fee\": write \"charge for taking returned goods back into stock\""
            }],
            "summary": {"files_checked": 1, "files_skipped": 0, "findings": 1, "errors": 0}
        })
    );
    // The key order is the contract too.
    let raw = plainly()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--no-config",
            "--no-default-phrasebooks",
        ])
        .args(["--phrasebook", "book.yaml", "docs/a.md"])
        .output()
        .unwrap();
    let text = String::from_utf8(raw.stdout).unwrap();
    let keys = [
        "\"path\"",
        "\"line\"",
        "\"column\"",
        "\"end_line\"",
        "\"end_column\"",
        "\"byte_start\"",
        "\"byte_end\"",
        "\"matched\"",
        "\"term\"",
        "\"role\"",
        "\"rule\"",
        "\"severity\"",
        "\"replacements\"",
        "\"explanation\"",
        "\"message\"",
    ];
    let positions: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn every_bundled_fixture_finding_points_at_its_text() {
    let (code, out, stderr) = check_json(
        root(),
        &[
            "fixtures/portal",
            "fixtures/invoices/INV-2026-0417.txt",
            "fixtures/emails/order-confirmation.txt",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let n = assert_exact_positions(root(), &out);
    assert!(n > 50, "only {n} findings");
    assert_eq!(out["summary"]["errors"], 0);
}

#[test]
fn markdown_skips_code_links_urls_and_front_matter() {
    let doc = "---\ntitle: DDP terms\naudience: [finance]\n---\n\
Prices are DDP (delivered duty paid).\n\n\
```\nDDP RSTK fee\n```\n\n\
Use `RSTK fee` or see [fees](https://x.example/restocking-fee) and <https://x.example/RSTK-fee>.\n\
Mail rstk.fee@x.example or https://x.example/restocking fee.\n\n\
<!-- restocking fee -->\n\
A restocking\nfee &amp; more.\n";
    let dir = tree(&[("book.yaml", BOOK), ("a.md", doc)]);
    let (_, out, _) = check_with_book(dir.path(), &["a.md"]);
    assert_eq!(
        role_matches(&out),
        vec![("finance".to_string(), "restocking\nfee".to_string())]
    );
    assert_exact_positions(dir.path(), &out);
}

#[test]
fn explain_policy_reports_only_an_unexplained_first_use() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("a.md", "DDP applies. Again DDP.\n"),
        ("b.md", "DDP (delivered duty paid) applies. Again DDP.\n"),
        ("c.md", "See [DDP](glossary#ddp). Then DDP.\n"),
    ]);
    let (_, out, _) = check_with_book(dir.path(), &["a.md", "b.md", "c.md"]);
    let found: Vec<(String, u64)> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, vec![("a.md".to_string(), 1)]);
}

#[test]
fn allow_in_one_role_does_not_silence_another() {
    let dir = tree(&[
        ("finance.yaml", BOOK),
        ("buyers.yaml", BUYER_BOOK),
        ("a.txt", "Our accrual and DDP terms.\n"),
    ]);
    let args = [
        "--no-default-phrasebooks",
        "--phrasebook",
        "finance.yaml",
        "--phrasebook",
        "buyers.yaml",
        "a.txt",
    ];
    let (code, out, _) = check_json(dir.path(), &args);
    assert_eq!(code, 1);
    assert_eq!(
        role_matches(&out),
        vec![
            ("purchasing".to_string(), "accrual".to_string()),
            ("finance".to_string(), "DDP".to_string()),
        ]
    );
    let f = &out["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["replacements"],
        json!(["booked cost", "cost booked early"])
    );

    // --role narrows the audience.
    let (_, out, _) = check_json(dir.path(), &[&args[..], &["--role", "finance"]].concat());
    assert_eq!(
        role_matches(&out),
        vec![("finance".to_string(), "DDP".to_string())]
    );
}

#[test]
fn audience_from_front_matter_then_config_globs_then_roles() {
    let dir = tree(&[
        ("finance.yaml", BOOK),
        ("buyers.yaml", BUYER_BOOK),
        (
            ".plainly.yaml",
            "phrasebooks: [finance.yaml, buyers.yaml]\ndefault_phrasebooks: false\nroles: [finance]\naudiences:\n  \"invoices/**\": [purchasing]\n",
        ),
        ("invoices/i.txt", "accrual DDP\n"),
        ("portal/p.txt", "accrual DDP\n"),
        (
            "portal/fm.md",
            "---\naudience: [purchasing]\n---\naccrual DDP\n",
        ),
    ]);
    assert_eq!(
        check_concise(dir.path(), &[]),
        "invoices/i.txt:1:1: purchasing: \"accrual\" -> booked cost / cost booked early\n\
portal/fm.md:4:1: purchasing: \"accrual\" -> booked cost / cost booked early\n\
portal/p.txt:1:9: finance: \"DDP\" -> delivered with import duties paid\n"
    );
}

#[test]
fn exit_codes() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("clean.txt", "Nothing to see.\n"),
        ("dirty.txt", "RSTK fee\n"),
    ]);
    let base = ["--no-default-phrasebooks", "--phrasebook", "book.yaml"];
    let run = |extra: &[&str]| {
        plainly()
            .current_dir(dir.path())
            .args(["check", "--no-config"])
            .args(base)
            .args(extra)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&["clean.txt"]), Some(0));
    assert_eq!(run(&["dirty.txt"]), Some(1));
    assert_eq!(run(&["dirty.txt", "--fail-on", "error"]), Some(0));
    assert_eq!(run(&["dirty.txt", "--fail-on", "never"]), Some(0));
    assert_eq!(run(&["dirty.txt", "--role", "nobody"]), Some(2));
    assert_eq!(run(&["missing.txt"]), Some(2));
    assert_eq!(run(&["--format", "nope"]), Some(2));
}

#[test]
fn broken_phrasebook_is_a_diagnostic_with_file_and_line() {
    let dir = tree(&[
        (
            "bad.yaml",
            "role: finance\nterms:\n  - term: DDP\n    policy: replce\n",
        ),
        ("a.txt", "DDP\n"),
    ]);
    let (code, _, err) = run_in(
        dir.path(),
        &["check", "--no-config", "--phrasebook", "bad.yaml", "a.txt"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad.yaml:4:"), "{err}");
    assert!(err.contains("replce"), "{err}");
    assert!(err.contains("policy: replce"), "snippet shown: {err}");
}

#[test]
fn config_with_unknown_key_names_its_line() {
    let dir = tree(&[
        (".plainly.yaml", "roles: [finance]\nfail-on: error\n"),
        ("a.txt", "x\n"),
    ]);
    let (code, _, err) = run_in(dir.path(), &["check", "a.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains(".plainly.yaml:2:"), "{err}");
    assert!(err.contains("fail-on"), "{err}");
}

#[test]
fn stdin_with_a_name() {
    let dir = tree(&[("book.yaml", BOOK)]);
    let out = plainly()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
        ])
        .args(["--format", "concise", "--stdin-name", "invoice.md", "-"])
        .write_stdin("`RSTK fee` and RSTK fee\n")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "invoice.md:1:16: finance: \"restocking fee\" -> charge for taking returned goods back into stock\n"
    );
}

#[test]
fn crlf_and_multibyte_positions() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("a.txt", "Grüße,\r\nthe RSTK\r\nfee — ok\r\n"),
    ]);
    let (_, out, _) = check_with_book(dir.path(), &["a.txt"]);
    let f = &out["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(f["matched"], "RSTK\r\nfee");
    assert_exact_positions(dir.path(), &out);
}

#[test]
fn walks_folders_sorted_respecting_gitignore_and_hidden() {
    let dir = tree(&[
        ("book.yaml", BOOK),
        ("b/z.txt", "RSTK fee\n"),
        ("a.txt", "RSTK fee\n"),
        ("b/a.txt", "RSTK fee\n"),
        (".hidden/x.txt", "RSTK fee\n"),
        ("ignored/x.txt", "RSTK fee\n"),
        (".gitignore", "ignored/\nbook.yaml\n"),
    ]);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = plainly()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
            "--format",
            "concise",
        ])
        .output()
        .unwrap();
    let paths: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["a.txt", "b/a.txt", "b/z.txt"]);
}

#[test]
fn bad_files_are_reported_and_the_rest_still_checked() {
    let dir = tree(&[("book.yaml", BOOK), ("good.txt", "RSTK fee\n")]);
    std::fs::write(dir.path().join("bad.txt"), b"ok \xff\xfe RSTK fee").unwrap();
    std::fs::write(dir.path().join("bin.dat"), b"RSTK fee\0\0\0").unwrap();
    let (code, out, stderr) = check_with_book(dir.path(), &["bad.txt", "bin.dat", "good.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.txt"), "{stderr}");
    assert!(
        stderr.contains("not valid UTF-8: first bad byte at offset 3"),
        "{stderr}"
    );
    assert!(stderr.contains("skipped bin.dat: binary file"), "{stderr}");
    assert_eq!(
        out["summary"],
        json!({"files_checked": 1, "files_skipped": 1, "findings": 1, "errors": 1})
    );
    assert_eq!(out["findings"][0]["path"], "good.txt");
}

#[test]
fn human_and_concise_output_snapshots() {
    let run = |format: &str| {
        let out = plainly()
            .current_dir(root())
            .args([
                "check",
                "--no-config",
                "--format",
                format,
                "--role",
                "finance",
            ])
            .arg("fixtures/invoices/INV-2026-0417.txt")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    insta::assert_snapshot!("concise_invoice_text", run("concise"));
    insta::assert_snapshot!("human_invoice_text", run("human"));
}

#[test]
fn codes_and_parenthetical_expansions_are_not_jargon() {
    let dir = tree(&[
        (
            "book.yaml",
            "role: finance\nterms:\n  - term: MOQ\n    variants: [minimum order quantity]\n    replacement: smallest order\n  - term: DDP\n    variants: [delivered duty paid]\n    replacement: duties paid by us\n",
        ),
        (
            "a.txt",
            "Item MOQ-SUR is a surcharge below the MOQ.\nWe ship DDP (delivered duty paid).\n",
        ),
    ]);
    let (_, out, _) = check_with_book(dir.path(), &["a.txt"]);
    let found: Vec<(u64, String)> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found, vec![(1, "MOQ".to_string()), (2, "DDP".to_string())]);
    assert_eq!(out["findings"][0]["column"], 39);
    // DDP is followed by its explanation: reported, but not rewritten.
    assert_eq!(
        out["findings"][1]["no_fix"],
        "an explanation in parentheses follows it; edit the sentence by hand"
    );
}

#[test]
fn json_names_the_files_that_failed() {
    let dir = tree(&[("book.yaml", BOOK), ("good.txt", "RSTK fee\n")]);
    std::fs::write(dir.path().join("bad.txt"), b"ok\n\xff").unwrap();
    let (code, out, _) = check_with_book(dir.path(), &["bad.txt", "good.txt"]);
    assert_eq!(code, 2);
    assert_eq!(
        out["errors"],
        json!([{"path": "bad.txt", "line": 2, "column": 1,
                "message": "not valid UTF-8: first bad byte at offset 3",
                "help": "save the file as UTF-8 (or convert it with `iconv -t UTF-8`)"}])
    );
}

#[test]
fn stdin_name_without_dash_is_an_error() {
    let out = plainly()
        .args(["check", "--no-config", "--stdin-name", "x.md"])
        .write_stdin("DDP\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add `-` to read the document"));
}

#[test]
fn concise_names_decoded_email_parts() {
    let out = plainly()
        .current_dir(root())
        .args([
            "check",
            "--no-config",
            "--format",
            "concise",
            "--role",
            "end-user",
        ])
        .arg("fixtures/emails/order-confirmation.eml")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("fixtures/emails/order-confirmation.eml (part 1, decoded):")),
        "{text}"
    );
    // The Subject is positioned in the file itself.
    assert!(
        text.lines()
            .any(|l| l.starts_with("fixtures/emails/order-confirmation.eml:3:")),
        "{text}"
    );
}

#[test]
fn human_output_shows_one_block_per_place_with_each_roles_words() {
    let dir = tree(&[
        ("finance.yaml", BOOK),
        (
            "buyers.yaml",
            "role: purchasing\nterms:\n  - term: DDP\n    replacement: duties paid by us\n  - term: restocking fee\n    variants: [RSTK fee]\n    replacement: charge for taking returned goods back into stock\n",
        ),
        ("a.txt", "Prices are DDP, plus a RSTK fee.\n"),
    ]);
    let out = plainly()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--no-default-phrasebooks"])
        .args([
            "--phrasebook",
            "finance.yaml",
            "--phrasebook",
            "buyers.yaml",
            "a.txt",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "human_grouped_roles",
        String::from_utf8(out.stdout).unwrap()
    );
}

/// A phrasebook loaded from inside the folder being walked is not checked as
/// a document (its terms would all be findings); other YAML files are.
#[test]
fn loaded_phrasebook_is_not_checked_as_a_document() {
    let dir = tree(&[("book.yaml", BOOK), ("notes/copy.yaml", BOOK)]);
    let out = check_concise(
        dir.path(),
        &[
            "--no-config",
            "--no-default-phrasebooks",
            "--phrasebook",
            "book.yaml",
        ],
    );
    assert!(!out.contains("book.yaml"), "{out}");
    assert!(out.contains("notes/copy.yaml"), "{out}");
}

/// The walk knows a loaded phrasebook by its path as listed, so one whose
/// file name is not UTF-8 is left out too (known by its display name, it
/// was checked as a document).
#[cfg(unix)]
#[test]
fn loaded_phrasebook_with_a_non_utf8_name_is_not_checked_as_a_document() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree(&[("doc.md", "We deliver DDP.\n")]);
    let books = dir.path().join("books");
    std::fs::create_dir(&books).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"w\xffx.yml");
    std::fs::write(books.join(name), BOOK).unwrap();
    let out = check_concise(
        dir.path(),
        &[
            "--no-config",
            "--no-default-phrasebooks",
            "--phrasebook",
            "books",
        ],
    );
    assert!(out.contains("doc.md"), "{out}");
    assert!(!out.contains(".yml"), "{out}");
}

#[test]
fn a_web_address_is_not_prose_in_any_case() {
    let book = "role: purchasing\nterms:\n  - term: MOQ\n    replacement: smallest order\n";
    let doc = "Www.x.example/MOQ has the terms.\n\nWWW.X.EXAMPLE/MOQ and www.x.example/MOQ too.\n\nThe MOQ applies.\n";
    let dir = tree(&[("book.yaml", book), ("a.md", doc)]);
    let (_, out, _) = check_with_book(dir.path(), &["a.md"]);
    let lines: Vec<u64> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![5], "{out}");
    assert_exact_positions(dir.path(), &out);
}
