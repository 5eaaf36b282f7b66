//! `plainly glossary` end to end: the real binary on small phrasebooks —
//! exact Markdown, collation, `--used-in` counts, the JSON contract, the
//! self-contained HTML page, `-o`. Also the glossary links documents use
//! (`[DDP](glossary#ddp)`), and `plainly review --html` on hostile input.

mod common;

use common::*;
use serde_json::{Value, json};

const FINANCE: &str = "role: finance
name: Finance department
terms:
  - term: restocking fee
    variants: [RSTK fee, restock fee]
    replacement: charge for taking returned goods back into stock
    explanation: A charge when you send goods back.
  - term: DDP
    replacement: delivered with import duties paid
    explanation: \"Delivered Duty Paid: we pay transport *and* import duties.\"
    policy: explain
  - term: accrual
    policy: allow
";

const PURCHASING: &str = "role: purchasing
terms:
  - term: ddp
    policy: allow
  - term: accrual
    replacement: [booked cost, cost booked early]
  - term: C&F <terms>
    explanation: Cost and freight.
";

/// Runs `plainly ARGS --no-config` in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    run_in(dir, &[args, &["--no-config"]].concat())
}

const BOOKS: &[&str] = &[
    "glossary",
    "--no-default-phrasebooks",
    "--phrasebook",
    "finance.yaml",
    "--phrasebook",
    "purchasing.yaml",
];

fn books() -> tempfile::TempDir {
    tree(&[("finance.yaml", FINANCE), ("purchasing.yaml", PURCHASING)])
}

#[test]
fn markdown_is_exact() {
    let dir = books();
    let (code, md, err) = run(dir.path(), BOOKS);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        md,
        r#"# Glossary

## A

<a id="accrual"></a>
### accrual

- **Finance department**: knows this term
- **purchasing**: booked cost or cost booked early

## C

<a id="c-f-terms"></a>
### C\&F \<terms\>

Cost and freight.

- **purchasing**: no plainer word: see the explanation

## D

<a id="ddp"></a>
### DDP

Delivered Duty Paid: we pay transport *and* import duties.

- **Finance department**: delivered with import duties paid
- **purchasing**: knows this term

## R

<a id="restocking-fee"></a>
### restocking fee

A charge when you send goods back.

Also written: RSTK fee, restock fee

- **Finance department**: charge for taking returned goods back into stock
"#
    );
}

#[test]
fn role_selects_the_roles_shown() {
    let dir = books();
    let mut args = BOOKS.to_vec();
    args.extend(["--role", "purchasing", "--format", "json"]);
    let (code, out, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let terms: Vec<&str> = json["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(terms, vec!["accrual", "C&F <terms>", "ddp"]);
    assert_eq!(
        json["roles"],
        json!([{"id": "purchasing", "name": "purchasing"}])
    );
}

#[test]
fn swedish_collation_puts_a_ring_and_o_umlaut_after_z_and_output_is_deterministic() {
    let book = "role: finance\nlanguage: sv\nterms:\n  - term: Åtagande\n  - term: Örlogs\n  - term: Zebra\n  - term: Avgift\n";
    let dir = tree(&[("sv.yaml", book)]);
    let args = [
        "glossary",
        "--no-default-phrasebooks",
        "--phrasebook",
        "sv.yaml",
        "--lang",
        "sv",
    ];
    let (code, first, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let headings: Vec<&str> = first
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .collect();
    assert_eq!(headings, vec!["Avgift", "Zebra", "Åtagande", "Örlogs"]);
    // Swedish words, and Å and Ö as letters of their own.
    assert!(first.starts_with("# Ordlista\n"), "{first}");
    assert!(first.contains("\n## Å\n") && first.contains("\n## Ö\n"));
    assert!(first.contains("<a id=\"åtagande\"></a>\n### Åtagande\n"));
    for _ in 0..3 {
        assert_eq!(run(dir.path(), &args).1, first);
    }
    // Without --lang the glossary is English, which this book is not.
    let (code, _, err) = run(dir.path(), &args[..4]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--lang: sv") || err.contains("with --lang: sv"),
        "{err}"
    );
}

#[test]
fn used_in_keeps_used_terms_and_counts_places_not_roles() {
    let dir = tree(&[
        ("finance.yaml", FINANCE),
        ("purchasing.yaml", PURCHASING),
        // DDP (explained, then again) and accrual for both roles; one RSTK fee.
        (
            "docs/a.md",
            "DDP (delivered duty paid) applies. Again DDP.\n\nThe accrual and the RSTK fee.\n",
        ),
        ("docs/b.txt", "One more accrual.\n"),
    ]);
    let mut args = BOOKS.to_vec();
    args.extend(["--format", "json", "--used-in", "docs"]);
    let (code, out, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let counts: Vec<(&str, u64)> = json["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["term"].as_str().unwrap(), t["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        counts,
        vec![("accrual", 2), ("DDP", 2), ("restocking fee", 1)]
    );

    let mut args = BOOKS.to_vec();
    args.extend(["--used-in", "docs/b.txt"]);
    let (code, md, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.ends_with("booked cost or cost booked early\n\nUsed once in the checked documents.\n"),
        "{md}"
    );
    assert_eq!(md.matches("### ").count(), 1, "{md}");

    // An unreadable document: nothing is written, exit 2.
    let mut args = BOOKS.to_vec();
    args.extend(["--used-in", "missing.md"]);
    let (code, out, err) = run(dir.path(), &args);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("missing.md"), "{err}");
}

#[test]
fn json_shape() {
    let dir = books();
    let mut args = BOOKS.to_vec();
    args.extend(["--format", "json"]);
    let (code, out, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["language"], "en");
    assert_eq!(
        json["terms"][2],
        json!({
            "term": "DDP",
            "slug": "ddp",
            "variants": [],
            "explanation": "Delivered Duty Paid: we pay transport *and* import duties.",
            "roles": {
                "finance": {"policy": "explain", "replacements": ["delivered with import duties paid"]},
                "purchasing": {"policy": "allow", "replacements": []}
            }
        })
    );
    assert_eq!(json["terms"][1]["explanation"], "Cost and freight.");
    assert!(json["terms"][0].get("count").is_none());
}

#[test]
fn html_is_one_self_contained_accessible_page() {
    let hostile = "role: finance\nterms:\n  - term: DDP\n    replacement: '\"><script>alert(1)</script>'\n    explanation: 'See <img src=x onerror=alert(1)> and [more](javascript:alert(2)).'\n";
    let dir = tree(&[("finance.yaml", FINANCE), ("hostile.yaml", hostile)]);
    let args = [
        "glossary",
        "--no-default-phrasebooks",
        "--phrasebook",
        "finance.yaml",
        "--phrasebook",
        "hostile.yaml",
        "--format",
        "html",
    ];
    let (code, html, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "<html lang=\"en\">",
        "<label for=\"search\">Search</label> <input type=\"search\" id=\"search\"",
        "<label for=\"role\">Reader</label> <select id=\"role\">",
        "<option value=\"\">All roles</option>",
        "<option value=\"finance\">Finance department</option>",
        "<section class=\"term\" id=\"ddp\" data-roles=\"finance\">\n<h2><a href=\"#ddp\">DDP</a></h2>",
        "<section class=\"term\" id=\"restocking-fee\" data-roles=\"finance\">",
        "@media print",
        "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
        "See &lt;img src=x onerror=alert(1)&gt; and more.",
    ] {
        assert!(html.contains(needle), "missing {needle:?} in\n{html}");
    }
    // Nothing is loaded: no remote address, no src, no link to a stylesheet.
    for banned in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
        assert!(!html.contains(banned), "{banned:?} in\n{html}");
    }
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("javascript:"));
}

#[test]
fn output_file_is_written_whole_and_alone() {
    let dir = books();
    let (_, expected, _) = run(dir.path(), BOOKS);
    let mut args = BOOKS.to_vec();
    args.extend(["-o", "out/glossary.md"]);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let (code, stdout, err) = run(dir.path(), &args);
    assert_eq!((code, stdout.as_str()), (0, ""), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/glossary.md")).unwrap(),
        expected
    );
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["glossary.md"], "no temporary file is left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("out/glossary.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_ne!(mode & 0o044, 0, "readable like any new file, not 0600");
    }

    args.pop();
    args.push("no/such/folder/g.md");
    let (code, _, err) = run(dir.path(), &args);
    assert_eq!(code, 2);
    assert!(err.contains("cannot write output"), "{err}");
}

#[test]
fn explain_policy_accepts_a_link_to_the_glossary_anchor() {
    let dir = tree(&[
        ("finance.yaml", FINANCE),
        ("linked.md", "Prices are [DDP](glossary#ddp) Hamburg.\n"),
        ("bare.md", "Prices are DDP Hamburg.\n"),
    ]);
    // The anchor the link points at exists in the glossary.
    let (_, md, _) = run(
        dir.path(),
        &[
            "glossary",
            "--no-default-phrasebooks",
            "--phrasebook",
            "finance.yaml",
        ],
    );
    assert!(md.contains("<a id=\"ddp\"></a>\n### DDP\n"), "{md}");
    let (code, out, _) = check_json(
        dir.path(),
        &[
            "--no-default-phrasebooks",
            "--phrasebook",
            "finance.yaml",
            "linked.md",
            "bare.md",
        ],
    );
    assert_eq!(code, 1);
    let paths: Vec<&str> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["bare.md"]);
}

#[test]
fn review_html_shows_hostile_text_only_escaped() {
    let doc = "Hello <script>alert(1)</script> and \"onmouseover=\"x here.\n\
               A restocking fee applies; prices are DDP.\n";
    let dir = tree(&[
        ("finance.yaml", FINANCE),
        ("purchasing.yaml", PURCHASING),
        ("<b>note.txt", doc),
    ]);
    let args = [
        "review",
        "--no-default-phrasebooks",
        "--phrasebook",
        "finance.yaml",
        "--phrasebook",
        "purchasing.yaml",
        "--html",
        "<b>note.txt",
    ];
    let (code, html, err) = run(dir.path(), &args);
    assert_eq!(code, 1, "{err}");
    assert!(html.starts_with("<!doctype html>"));
    // Shown, escaped; never markup or an attribute.
    assert!(html.contains(
        "Hello &lt;script&gt;alert(1)&lt;/script&gt; and &quot;onmouseover=&quot;x here."
    ));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("\"onmouseover"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("<h1>Pre-send review of &lt;b&gt;note.txt</h1>"));
    // Highlights with each role's words on hover and in the side list.
    assert!(html.contains(
        "<mark id=\"d1-s0-m1\" data-role=\"finance\" title=\"finance: charge for taking returned goods back into stock\">restocking fee</mark>"
    ), "{html}");
    assert!(html.contains(
        "<mark id=\"d1-s0-m2\" data-role=\"finance\" title=\"finance: delivered with import duties paid\">DDP</mark>"
    ), "{html}");
    assert!(html.contains(
        "<li><a href=\"#d1-s0-m1\">restocking fee</a> <span class=\"where\">line 2</span>"
    ));
    assert!(html.contains(
        "<tr class=\"unclear\"><th scope=\"row\">finance</th><td>2</td><td>2</td><td>restocking fee, DDP</td></tr>"
    ), "{html}");
    assert!(html.contains(
        "<tr class=\"clear\"><th scope=\"row\">purchasing</th><td>0</td><td>0</td><td><span class=\"ok\">nothing unclear</span></td></tr>"
    ), "{html}");
    for banned in ["http://", "https://", "src=", "<link"] {
        assert!(!html.contains(banned), "{banned:?}");
    }

    // -o: the same page in a file, nothing on stdout.
    let mut with_o = args.to_vec();
    with_o.extend(["-o", "review.html"]);
    let (code, stdout, _) = run(dir.path(), &with_o);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("review.html")).unwrap(),
        html
    );
}

#[test]
fn review_html_of_invoices_lists_the_clarity_rules_and_highlights_the_text() {
    let text = root().join("fixtures/invoices/INV-2026-0417.txt");
    let xml = root().join("fixtures/invoices/nordwind-ubl-jargon.xml");
    let (code, html, err) = run(
        root(),
        &[
            "review",
            "--html",
            text.to_str().unwrap(),
            xml.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(html.matches("<article class=\"doc\"").count(), 2);
    assert!(
        html.contains("<mark id=\"d1-s0-m1\""),
        "the text invoice is highlighted"
    );
    assert!(html.contains("<mark id=\"d2-s0-m1\""), "so is the XML");
    assert!(html.contains("<h3>Invoice clarity</h3>"));
    assert!(html.contains("<code>invoice/missing-order-reference</code>"));
}
