//! Dutch and Swedish end to end: the real binary with the bundled
//! phrasebooks. A document is checked with the phrasebooks of its language
//! only, and the language comes from `--lang`, front matter, the config's
//! `languages` globs, an e-invoice's `LanguageID` or an email's
//! `Content-Language`.

mod common;

use common::*;
use serde_json::Value;

/// `(role, matched)` of the jargon findings only (e-invoices also get
/// invoice-clarity findings, which are not about language).
fn jargon(json: &Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "jargon")
        .map(|f| {
            (
                f["role"].as_str().unwrap().to_string(),
                f["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(r, m)| (r.to_string(), m.to_string()))
        .collect()
}

#[test]
fn swedish_front_matter_checks_with_the_swedish_books_only() {
    let body = "Vi tar ut en restocking fee och en påminnelseavgift. \
                Fakturaavgiften är 0 kr. Förfallodagarna står i avtalet. Leverans DDP.\n";
    let dir = tree(&[
        ("sv.md", &format!("---\nlang: sv\n---\n{body}")),
        ("en.md", body),
    ]);
    let (code, out, err) = check_json(dir.path(), &["sv.md"]);
    assert_eq!(code, 1, "{err}");
    // "restocking fee" is only in the English books; "Fakturaavgiften" and
    // "Förfallodagarna" are compounds, not the terms inside them.
    assert_eq!(
        role_matches(&out),
        pairs(&[
            ("end-user", "påminnelseavgift"),
            ("end-user", "DDP"),
            ("finance", "DDP"),
        ])
    );
    // DDP is in both; the Swedish entry is the one used.
    let ddp = &out["findings"][1];
    assert_eq!(
        ddp["replacements"][0],
        "vi levererar och betalar även tull och importmoms"
    );
    assert_eq!(assert_exact_positions(dir.path(), &out), 3);

    // The same words in an English document: only the English books.
    let (_, out, _) = check_json(dir.path(), &["en.md"]);
    let matched: Vec<String> = role_matches(&out).into_iter().map(|(_, m)| m).collect();
    assert!(matched.contains(&"restocking fee".to_string()), "{out}");
    assert!(!matched.contains(&"påminnelseavgift".to_string()), "{out}");
}

#[test]
fn upper_case_swedish_matches_with_exact_byte_positions() {
    // "på" is 3 bytes; "FÖRFALLODAG" is 11 characters in 12 bytes.
    let dir = tree(&[("due.txt", "Betala senast på FÖRFALLODAG.\n")]);
    let (code, out, err) = check_json(dir.path(), &["--lang", "sv", "due.txt"]);
    assert_eq!(code, 1, "{err}");
    let f = &out["findings"][0];
    assert_eq!(out["findings"].as_array().unwrap().len(), 1, "{out}");
    assert_eq!(f["matched"], "FÖRFALLODAG");
    assert_eq!(f["term"], "förfallodag");
    assert_eq!(f["role"], "end-user");
    assert_eq!(
        (&f["byte_start"], &f["byte_end"]),
        (&Value::from(18), &Value::from(30))
    );
    assert_eq!(
        (&f["line"], &f["column"], &f["end_line"], &f["end_column"]),
        (
            &Value::from(1),
            &Value::from(18),
            &Value::from(1),
            &Value::from(29)
        )
    );
    assert_eq!(assert_exact_positions(dir.path(), &out), 1);
}

#[test]
fn dutch_by_lang_flag() {
    let dir = tree(&[("brief.txt", "Wij sturen een aanmaning.\n")]);
    let (code, out, _) = check_json(dir.path(), &["--lang", "nl", "brief.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        role_matches(&out),
        pairs(&[("end-user", "aanmaning"), ("purchasing", "aanmaning")])
    );
    assert_eq!(assert_exact_positions(dir.path(), &out), 2);
    // Without it the document is English, and "aanmaning" no English term.
    let (code, out, _) = check_json(dir.path(), &["brief.txt"]);
    assert_eq!((code, role_matches(&out)), (0, vec![]));
}

#[test]
fn dutch_by_config_languages_glob() {
    let text = "Wij sturen een aanmaning.\n";
    let dir = tree(&[
        (".plainly.yaml", "languages:\n  \"nl/**\": nl\n"),
        ("nl/brieven/brief.txt", text),
        ("en/letter.txt", text),
    ]);
    let out = plainly()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "nl", "en"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["nl/brieven/brief.txt", "nl/brieven/brief.txt"]);
    assert_eq!(
        role_matches(&json),
        pairs(&[("end-user", "aanmaning"), ("purchasing", "aanmaning")])
    );
}

const CII: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocument>
    <ram:ID>F-2025-0042</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:LanguageID>LANG</ram:LanguageID>
    <ram:IncludedNote><ram:Content>Na de vervaldatum sturen wij een aanmaning.</ram:Content></ram:IncludedNote>
  </rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
"#;

#[test]
fn dutch_by_cii_language_id() {
    let dir = tree(&[
        ("nl.xml", &CII.replace("LANG", "nl")),
        ("en.xml", &CII.replace("LANG", "en")),
    ]);
    let (_, out, err) = check_json(dir.path(), &["nl.xml"]);
    assert_eq!(
        jargon(&out),
        pairs(&[
            ("end-user", "vervaldatum"),
            ("end-user", "aanmaning"),
            ("purchasing", "aanmaning"),
        ]),
        "{err}"
    );
    assert!(assert_exact_positions(dir.path(), &out) >= 3);
    let (_, out, _) = check_json(dir.path(), &["en.xml"]);
    assert_eq!(jargon(&out), vec![]);
}

#[test]
fn swedish_by_email_content_language() {
    let mail = "From: Fakturering <faktura@example.se>\n\
                To: kund@example.se\n\
                Subject: Din faktura\n\
                Content-Language: sv\n\
                MIME-Version: 1.0\n\
                Content-Type: text/plain; charset=utf-8\n\
                Content-Transfer-Encoding: 8bit\n\
                \n\
                Hej!\n\
                \n\
                En påminnelseavgift på 60 kr tillkommer efter förfallodagen.\n";
    let dir = tree(&[
        ("mail.eml", mail),
        ("en.eml", &mail.replace("sv\n", "en\n")),
    ]);
    let (code, out, err) = check_json(dir.path(), &["mail.eml"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        role_matches(&out),
        pairs(&[
            ("end-user", "påminnelseavgift"),
            ("end-user", "förfallodagen")
        ])
    );
    // A plain 8bit part: positions are in the raw file.
    assert_eq!(assert_exact_positions(dir.path(), &out), 2);
    let (_, out, _) = check_json(dir.path(), &["en.eml"]);
    assert_eq!(role_matches(&out), vec![]);
}
