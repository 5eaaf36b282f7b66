//! `plainly check` on email messages: the real binary on real `.eml` files.
//! Findings point into the raw file for plain 7bit parts and into the
//! decoded text for quoted-printable, base64 and other-charset parts; quoted
//! history and signatures are not checked; every message of the public
//! corpus is read without an error.

mod common;

use std::path::Path;

use common::*;
use mail_parser::MessageParser;
use serde_json::Value;

/// The findings of a JSON report.
fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings")
}

fn usize_of(f: &Value, key: &str) -> usize {
    f[key].as_u64().unwrap_or_else(|| panic!("{key} in {f}")) as usize
}

/// Asserts that every finding is exact in the text it points into: the raw
/// file, or the decoded part given by `decoded(part)`. Returns the number of
/// decoded findings.
fn assert_exact_everywhere(dir: &Path, json: &Value, decoded: impl Fn(usize) -> String) -> usize {
    let mut n = 0;
    for f in findings(json) {
        if f.get("location").and_then(Value::as_str) != Some("decoded") {
            continue;
        }
        let text = decoded(usize_of(f, "part"));
        let (s, e) = (usize_of(f, "byte_start"), usize_of(f, "byte_end"));
        assert_eq!(&text[s..e], f["matched"].as_str().unwrap(), "slice at {f}");
        assert_eq!(
            line_col(&text, s),
            (usize_of(f, "line"), usize_of(f, "column")),
            "start of {f}"
        );
        assert_eq!(
            line_col(&text, e),
            (usize_of(f, "end_line"), usize_of(f, "end_column")),
            "end of {f}"
        );
        n += 1;
    }
    assert_exact_positions(dir, json);
    n
}

/// Decoded part `part` of a message as plainly reads it.
fn plainly_part(bytes: &[u8], part: usize) -> String {
    let doc = plainly::reader::email::read(bytes).expect("reads");
    doc.sources
        .iter()
        .find(|s| s.decoded_part == Some(part))
        .unwrap_or_else(|| panic!("no decoded part {part}"))
        .text
        .clone()
}

/// Body part `part` (1 = the first non-multipart part) decoded by mail-parser.
fn mail_parser_part(bytes: &[u8], part: usize) -> String {
    let message = MessageParser::default().parse(bytes).expect("parses");
    let leaf = message
        .parts
        .iter()
        .filter(|p| !p.is_multipart())
        .nth(part - 1)
        .expect("part exists");
    leaf.text_contents().expect("a text part").to_string()
}

fn matched_terms(json: &Value) -> Vec<String> {
    findings(json)
        .iter()
        .map(|f| f["matched"].as_str().unwrap().to_lowercase())
        .collect()
}

#[test]
fn plain_7bit_message_is_positioned_in_the_raw_file() {
    let path = "fixtures/emails/plain-7bit.eml";
    let (code, json, stderr) = check_json(root(), &[path]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["errors"], 0);
    let all = findings(&json);
    assert!(all.iter().all(|f| f.get("location").is_none()), "{json}");
    assert_eq!(assert_exact_positions(root(), &json), all.len());

    let raw = std::fs::read_to_string(root().join(path)).unwrap();
    let signature = raw.find("\r\n-- \r\n").expect("signature");
    assert!(
        all.iter().all(|f| usize_of(f, "byte_end") < signature),
        "nothing from the signature or the quoted Outlook block"
    );
    let terms = matched_terms(&json);
    for expected in [
        "rma",
        "restocking fee",
        "credit memo",
        "chargeback",
        "pro rata",
        "remittance advice",
    ] {
        assert!(
            terms.iter().any(|t| t == expected),
            "{expected} in {terms:?}"
        );
    }
    for quoted in [
        "po",
        "ddp",
        "bol",
        "grn",
        "three-way match",
        "rstk fee",
        "lead time",
        "backorder",
    ] {
        assert!(!terms.iter().any(|t| t == quoted), "{quoted} in {terms:?}");
    }

    let subject: Vec<_> = all
        .iter()
        .filter(|f| f["field"]["name"] == "Subject")
        .map(|f| {
            (
                usize_of(f, "line"),
                usize_of(f, "column"),
                f["matched"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(subject.contains(&(3, 10, "RMA")), "{subject:?}");
    assert!(subject.contains(&(3, 35, "restocking fee")), "{subject:?}");
}

#[test]
fn order_confirmation_is_checked_in_its_decoded_parts() {
    let path = "fixtures/emails/order-confirmation.eml";
    let bytes = std::fs::read(root().join(path)).unwrap();
    let (code, json, stderr) = check_json(root(), &[path]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["errors"], 0);

    // Decoded positions agree with mail-parser's own decoding of the part.
    let decoded = assert_exact_everywhere(root(), &json, |part| mail_parser_part(&bytes, part));
    let all = findings(&json);
    assert_eq!(
        decoded,
        all.len() - 3,
        "all but the Subject's three are decoded"
    );
    let parts: std::collections::BTreeSet<_> =
        all.iter().filter_map(|f| f["part"].as_u64()).collect();
    assert_eq!(
        parts,
        [1, 2].into(),
        "the quoted-printable text and the base64 HTML"
    );

    // The Subject is plain, so it is positioned in the raw file.
    let subject: Vec<_> = all
        .iter()
        .filter(|f| f["field"]["name"] == "Subject")
        .collect();
    assert!(!subject.is_empty());
    for f in &subject {
        assert!(f.get("location").is_none());
        assert_eq!(usize_of(f, "line"), 3);
    }
    assert!(subject.iter().any(|f| f["matched"] == "Backorder"));
    assert!(subject.iter().any(|f| f["matched"] == "PO"));

    // "lead t=\r\nime": found across the soft line break, in the decoded text.
    let lead = all
        .iter()
        .find(|f| f["matched"] == "lead time" && f["part"] == 1)
        .expect("lead time in the text part");
    assert_eq!(usize_of(lead, "line"), 8);

    // Neither the signature (RMA) nor the quoted reply.
    let terms = matched_terms(&json);
    for quoted in [
        "rma",
        "bill of lading",
        "grn",
        "three-way match",
        "restocking fee",
        "blanket order",
    ] {
        assert!(!terms.iter().any(|t| t == quoted), "{quoted} in {terms:?}");
    }
}

/// Text each corpus message must yield once decoded, to show the charset
/// was honoured.
const DECODED: &[(&str, &str)] = &[
    ("japanese_shift_jis.eml", "このメールはテスト用のメールです"),
    ("japanese_iso_2022.eml", "すみません"),
    ("raw_email.eml", "대부분의 마찬가지로"),
    ("ks_c_5601-1987.eml", "스티해"),
    ("chardet-success-iso-8859-1.eml", "Drachenköpfe"),
    (
        "raw_email_encoded_stack_level_too_deep.eml",
        "Nicolas Fouché",
    ),
    ("utf8_headers.eml", "Säying Hello"),
];

#[test]
fn every_corpus_message_is_read_without_error() {
    let dir = root().join("fixtures/corpus/emails");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 16);
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let rel = format!("fixtures/corpus/emails/{name}");
        let (code, json, stderr) = check_json(root(), &[&rel]);
        assert!(code == 0 || code == 1, "{name}: exit {code}\n{stderr}");
        assert_eq!(json["summary"]["errors"], 0, "{name}: {stderr}");
        assert_eq!(json["summary"]["files_checked"], 1, "{name}: {stderr}");
        let bytes = std::fs::read(file).unwrap();
        assert_exact_everywhere(root(), &json, |part| plainly_part(&bytes, part));

        let doc = plainly::reader::email::read(&bytes).expect("reads");
        assert!(!doc.segments.is_empty(), "{name}: no prose at all");
        for s in &doc.sources {
            assert!(
                !s.text.contains('\u{FFFD}'),
                "{name}: replacement characters"
            );
        }
        if let Some((_, text)) = DECODED.iter().find(|(n, _)| *n == name) {
            assert!(
                doc.segments.iter().any(|s| s.text.contains(text)),
                "{name}: {text:?} not read"
            );
        }
    }
}

#[test]
fn corpus_replies_skip_quoted_history() {
    let read = |name: &str| {
        let bytes = std::fs::read(root().join("fixtures/corpus/emails").join(name)).unwrap();
        let doc = plainly::reader::email::read(&bytes).unwrap();
        doc.segments
            .iter()
            .filter(|s| s.field.is_none())
            .map(|s| s.text.trim().to_string())
            .collect::<Vec<_>>()
    };
    // Outlook: "From:/Sent:/To:/Subject:" in text, the same in bold in HTML.
    assert_eq!(read("outlook.eml"), ["Hello", "Allo! Follow up MIME!"]);
    // Android: an attribution in Russian wrapped over two lines; Gmail's quote div.
    assert_eq!(read("android.eml"), ["Hello", "Hello"]);
    // iPhone: "On … wr=\r\note:" joined by a soft line break.
    assert_eq!(read("iphone.eml"), ["Hello\n\nSent from my iPhone"]);
}

/// A German order note in ISO-8859-1, quoted-printable, with an encoded
/// Subject: both are checked in their decoded text, where "Müller" is one
/// column per letter.
const LATIN1: &str = "From: Nordwind <orders@nordwind.example>\r
To: Berg <anna@customer.example>\r
Subject: =?ISO-8859-1?Q?Lieferung_DDP_f=FCr_M=FCller?=\r
MIME-Version: 1.0\r
Content-Type: text/plain; charset=ISO-8859-1\r
Content-Transfer-Encoding: quoted-printable\r
\r
Sehr geehrter Herr M=FCller,\r
\r
Lieferung DDP G=F6teborg, die Ware ist auf backorder.\r
\r
Gr=FC=DFe\r
--=20\r
Nordwind RMA desk\r
";

#[test]
fn latin1_quoted_printable_message_is_checked_decoded() {
    let dir = tree(&[("lieferung.eml", LATIN1)]);
    let (code, json, stderr) = check_json(dir.path(), &["lieferung.eml"]);
    assert_eq!(code, 1, "{stderr}");
    let n = assert_exact_everywhere(dir.path(), &json, |part| {
        plainly_part(LATIN1.as_bytes(), part)
    });
    assert_eq!(n, findings(&json).len());
    let at: Vec<_> = findings(&json)
        .iter()
        .map(|f| {
            (
                f["part"].as_u64().unwrap(),
                usize_of(f, "line"),
                usize_of(f, "column"),
                f["matched"].as_str().unwrap(),
            )
        })
        .collect();
    // Part 0 is the decoded Subject "Lieferung DDP für Müller".
    assert!(at.contains(&(0, 1, 11, "DDP")), "{at:?}");
    assert!(
        findings(&json)
            .iter()
            .any(|f| f["part"] == 0 && f["field"]["name"] == "Subject")
    );
    // Part 1 is the body: "Lieferung DDP Göteborg, …" on line 3.
    assert!(at.contains(&(1, 3, 11, "DDP")), "{at:?}");
    assert!(at.contains(&(1, 3, 42, "backorder")), "{at:?}");
    assert!(!at.iter().any(|a| a.3 == "RMA"), "the signature is skipped");
}

#[test]
fn shift_jis_message_is_checked_decoded() {
    let mut bytes = b"Subject: =?ISO-2022-JP?B?GyRCRzw0fBsoQg==?= DDP\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".to_vec();
    bytes.extend_from_slice(
        &encoding_rs::SHIFT_JIS
            .encode("納期について\r\n価格は DDP です。\r\n")
            .0,
    );
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "not UTF-8: no raw positions"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nouki.eml"), &bytes).unwrap();
    let (code, json, stderr) = check_json(dir.path(), &["nouki.eml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["errors"], 0);
    assert_exact_everywhere(dir.path(), &json, |part| plainly_part(&bytes, part));
    let at: Vec<_> = findings(&json)
        .iter()
        .map(|f| {
            (
                f["part"].as_u64().unwrap(),
                usize_of(f, "line"),
                usize_of(f, "column"),
            )
        })
        .collect();
    assert!(at.contains(&(0, 1, 4)), "納期 DDP in the Subject: {at:?}");
    assert!(at.contains(&(1, 2, 5)), "価格は DDP in the body: {at:?}");
}

#[test]
fn content_language_selects_the_phrasebook_language() {
    let message = "Subject: Faktura\r
Content-Language: sv-SE\r
Content-Type: text/plain; charset=iso-8859-1\r
Content-Transfer-Encoding: quoted-printable\r
\r
Vid sen betalning tillkommer dr=F6jsm=E5lsr=E4nta, ingen chargeback.\r
";
    let dir = tree(&[("faktura.eml", message)]);
    let (code, json, stderr) = check_json(dir.path(), &["faktura.eml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_exact_everywhere(dir.path(), &json, |part| {
        plainly_part(message.as_bytes(), part)
    });
    let terms = matched_terms(&json);
    assert!(terms.iter().any(|t| t == "dröjsmålsränta"), "{terms:?}");
    assert!(
        !terms.iter().any(|t| t == "chargeback"),
        "English terms are off: {terms:?}"
    );
}

#[test]
fn message_on_stdin_with_a_stdin_name() {
    let bytes = std::fs::read(root().join("fixtures/emails/plain-7bit.eml")).unwrap();
    let out = plainly()
        .args([
            "check",
            "--format",
            "json",
            "--no-config",
            "--stdin-name",
            "x.eml",
            "-",
        ])
        .write_stdin(bytes.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, from_file, _) = check_json(root(), &["fixtures/emails/plain-7bit.eml"]);
    assert_eq!(findings(&json).len(), findings(&from_file).len());
    let raw = String::from_utf8(bytes).unwrap();
    for f in findings(&json) {
        assert_eq!(f["path"], "x.eml");
        let (s, e) = (usize_of(f, "byte_start"), usize_of(f, "byte_end"));
        assert_eq!(&raw[s..e], f["matched"].as_str().unwrap());
        assert_eq!(
            line_col(&raw, s),
            (usize_of(f, "line"), usize_of(f, "column"))
        );
    }
}

#[test]
fn a_file_that_is_no_message_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.eml"), b"").unwrap();
    let (code, json, stderr) = check_json(dir.path(), &["empty.eml"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(json["summary"]["errors"], 1);
    assert!(stderr.contains("not an email message"), "{stderr}");
}

#[test]
fn ignore_comments_in_a_plain_part_suppress_with_a_reason() {
    let message = "Subject: Returns\r
Content-Type: text/plain; charset=utf-8\r
\r
We issue a credit memo for the returned goods.\r
plainly: ignore credit memo -- the customer's own word\r
The credit memo follows by post.\r
\r
> plainly: ignore chargeback -- quoted, so never read\r
";
    let dir = tree(&[("returns.eml", message)]);
    let (_, json, stderr) = check_json(dir.path(), &["returns.eml"]);
    assert_eq!(
        assert_exact_positions(dir.path(), &json),
        findings(&json).len()
    );
    let lines: Vec<_> = findings(&json)
        .iter()
        .map(|f| {
            (
                usize_of(f, "line"),
                f["rule"].as_str().unwrap(),
                f["matched"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        lines.contains(&(4, "jargon", "credit memo")),
        "{lines:?}\n{stderr}"
    );
    assert!(
        !lines.iter().any(|l| l.0 == 6),
        "suppressed on the next line: {lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.1.starts_with("suppression/")),
        "the quoted comment is not read: {lines:?}"
    );
}
