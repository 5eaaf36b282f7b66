//! E-invoices end to end: the real binary on the Nordwind fixtures and on
//! the public UBL / CII examples in `fixtures/corpus/invoices/`, with the
//! invoice-clarity rules' exact findings, business-term fields and byte
//! positions; rule switches from `.plainly.yaml`; hostile and broken XML.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

const UBL_JARGON: &str = "fixtures/invoices/nordwind-ubl-jargon.xml";
const CII_CLEAN: &str = "fixtures/invoices/nordwind-cii-clean.xml";
const CORPUS: &str = "fixtures/corpus/invoices";

/// The findings of invoice rules (not jargon) as (rule, line, column,
/// matched, field bt, field xpath).
fn invoice_findings(json: &Value) -> Vec<(String, u64, u64, String, String, String)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("invoice/"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["matched"].as_str().unwrap().to_string(),
                f["field"]["bt"].as_str().unwrap_or("").to_string(),
                f["field"]["xpath"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn row(
    rule: &str,
    line: u64,
    column: u64,
    matched: &str,
    bt: &str,
    xpath: &str,
) -> (String, u64, u64, String, String, String) {
    (
        rule.into(),
        line,
        column,
        matched.into(),
        bt.into(),
        xpath.into(),
    )
}

fn finding<'a>(json: &'a Value, rule: &str, matched: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["matched"] == matched)
        .unwrap_or_else(|| panic!("no {rule} finding for {matched:?} in {json}"))
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(CORPUS))
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

#[test]
fn ubl_fixture_reports_every_invoice_rule_at_its_place() {
    let (code, json, stderr) = check_json(root(), &[UBL_JARGON]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(
        invoice_findings(&json),
        vec![
            row(
                "invoice/missing-delivery-date",
                3,
                2,
                "Invoice",
                "BT-72",
                "/Invoice/cac:Delivery/cbc:ActualDeliveryDate"
            ),
            row(
                "invoice/missing-order-reference",
                3,
                2,
                "Invoice",
                "BT-13",
                "/Invoice/cac:OrderReference/cbc:ID"
            ),
            row(
                "invoice/missing-seller-contact",
                3,
                2,
                "Invoice",
                "BT-41",
                "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:Contact"
            ),
            row(
                "invoice/shorthand-payment-terms",
                77,
                19,
                "2/10 N30",
                "BT-20",
                "/Invoice/cac:PaymentTerms/cbc:Note"
            ),
            row(
                "invoice/allowance-reason-code-only",
                81,
                40,
                "ABL",
                "BT-105",
                "/Invoice/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode"
            ),
            row(
                "invoice/bare-unit-code",
                116,
                41,
                "C62",
                "BT-130",
                "/Invoice/cac:InvoiceLine[1]/cbc:InvoicedQuantity/@unitCode"
            ),
            row(
                "invoice/cryptic-item-name",
                120,
                23,
                "ART-99812",
                "BT-153",
                "/Invoice/cac:InvoiceLine[1]/cac:Item/cbc:Name"
            ),
            row(
                "invoice/bare-unit-code",
                138,
                41,
                "HUR",
                "BT-130",
                "/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity/@unitCode"
            ),
            row(
                "invoice/bare-unit-code",
                160,
                41,
                "LS",
                "BT-130",
                "/Invoice/cac:InvoiceLine[3]/cbc:InvoicedQuantity/@unitCode"
            ),
            row(
                "invoice/cryptic-item-name",
                186,
                23,
                "RSTK",
                "BT-153",
                "/Invoice/cac:InvoiceLine[4]/cac:Item/cbc:Name"
            ),
        ]
    );
    assert!(assert_exact_positions(root(), &json) > 30);

    let c62 = finding(&json, "invoice/bare-unit-code", "C62");
    assert_eq!(c62["severity"], "info");
    assert_eq!(c62["replacements"], serde_json::json!(["one (unit)"]));
    assert!(
        c62["message"].as_str().unwrap().contains("used 2 times"),
        "{c62}"
    );
    assert_eq!(c62["term"], Value::Null);
    assert_eq!(c62["role"], Value::Null);

    let terms = finding(&json, "invoice/shorthand-payment-terms", "2/10 N30");
    assert_eq!(terms["severity"], "warning");
    assert_eq!(
        terms["replacements"][0],
        "2 % discount if paid within 10 days; otherwise the full amount within 30 days of the invoice date"
    );
    assert!(terms["explanation"].as_str().is_some());

    let abl = finding(&json, "invoice/allowance-reason-code-only", "ABL");
    assert_eq!(abl["replacements"][0], "Additional packaging");

    let art = finding(&json, "invoice/cryptic-item-name", "ART-99812");
    assert!(
        art["message"]
            .as_str()
            .unwrap()
            .contains("seller's item number"),
        "{art}"
    );
}

#[test]
fn jargon_in_invoice_fields_names_the_business_term() {
    let (_, json, _) = check_json(root(), &[UBL_JARGON, "--role", "finance"]);
    let text = std::fs::read_to_string(root().join(UBL_JARGON)).unwrap();
    // "ASN" right after the `&amp;` entity in the invoice note.
    let asn = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "jargon" && f["matched"] == "ASN" && f["line"] == 11)
        .expect("ASN in the note");
    assert_eq!(asn["column"], 61);
    let start = asn["byte_start"].as_u64().unwrap() as usize;
    assert_eq!(&text[start - 6..start], "&amp; ");
    assert_eq!(asn["field"]["bt"], "BT-22");
    assert_eq!(asn["field"]["name"], "Invoice note");
    assert_eq!(asn["field"]["xpath"], "/Invoice/cbc:Note");

    let sla = finding(&json, "jargon", "SLA");
    assert_eq!(sla["field"]["bt"], "BT-154");
    assert_eq!(
        sla["field"]["xpath"],
        "/Invoice/cac:InvoiceLine[2]/cac:Item/cbc:Description"
    );
    // Codes and identifiers are not prose: nothing is found in them.
    for f in json["findings"].as_array().unwrap() {
        if f["rule"] == "jargon" {
            let bt = f["field"]["bt"].as_str().unwrap();
            assert!(["BT-22", "BT-20", "BT-154"].contains(&bt), "{f}");
        }
    }
    assert!(assert_exact_positions(root(), &json) > 10);
}

#[test]
fn clean_cii_fixture_has_no_invoice_findings_but_a_unit_note() {
    let (code, json, stderr) = check_json(root(), &[CII_CLEAN]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["files_checked"], 1);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.iter().all(|r| *r == "invoice/bare-unit-code"),
        "{json}"
    );
    // SET reads as the word it is; MTR does not.
    assert_eq!(
        invoice_findings(&json),
        vec![row(
            "invoice/bare-unit-code",
            66,
            47,
            "MTR",
            "BT-130",
            "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[2]/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode"
        )]
    );
    assert_exact_positions(root(), &json);
}

#[test]
fn every_corpus_invoice_is_checked_with_exact_positions() {
    let files = corpus_files();
    assert!(files.len() >= 14, "{files:?}");
    let mut verified = 0;
    for file in &files {
        let rel = file.strip_prefix(root()).unwrap().to_str().unwrap();
        let (code, json, stderr) = check_json(root(), &[rel]);
        assert!(code == 0 || code == 1, "{rel}: exit {code}\n{stderr}");
        assert_eq!(json["summary"]["errors"], 0, "{rel}: {stderr}");
        assert_eq!(
            json["summary"]["files_checked"], 1,
            "{rel} was not read as an e-invoice: {stderr}"
        );
        for f in json["findings"].as_array().unwrap() {
            assert_eq!(f["path"], rel);
            if f["rule"].as_str().unwrap().starts_with("invoice/") {
                assert!(f["field"]["bt"].is_string(), "{f}");
                assert!(
                    f["field"]["xpath"].as_str().unwrap().starts_with('/'),
                    "{f}"
                );
            }
        }
        verified += assert_exact_positions(root(), &json);
    }
    assert!(verified > 20, "{verified}");

    // The whole folder at once, as a user would run it.
    let (code, json, stderr) = check_json(root(), &[CORPUS]);
    assert!(code == 0 || code == 1, "exit {code}\n{stderr}");
    assert_eq!(json["summary"]["errors"], 0, "{stderr}");
}

#[test]
fn corpus_invoices_get_the_right_findings() {
    // A credit note with an invoicing period and a buyer reference: no
    // payment-terms or delivery findings; its contact has an email but no name.
    let (_, json, _) = check_json(root(), &[&format!("{CORPUS}/ubl-tc434-creditnote1.xml")]);
    assert_eq!(
        invoice_findings(&json),
        vec![
            row(
                "invoice/missing-seller-contact",
                45,
                5,
                "cac:Contact",
                "BT-41",
                "/CreditNote/cac:AccountingSupplierParty/cac:Party/cac:Contact"
            ),
            row(
                "invoice/bare-unit-code",
                112,
                35,
                "C62",
                "BT-130",
                "/CreditNote/cac:CreditNoteLine/cbc:CreditedQuantity/@unitCode"
            ),
        ]
    );

    // CII: no order or buyer reference; a contact with phone and email but no name.
    let (_, json, _) = check_json(root(), &[&format!("{CORPUS}/CII_example9.xml")]);
    let rows = invoice_findings(&json);
    assert_eq!(
        rows[0],
        row(
            "invoice/missing-order-reference",
            10,
            2,
            "rsm:CrossIndustryInvoice",
            "BT-13",
            "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        )
    );
    assert!(rows.contains(&row(
        "invoice/missing-seller-contact",
        80,
        18,
        "ram:DefinedTradeContact",
        "BT-41",
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:DefinedTradeContact"
    )));
    // BT-150: the base quantity's unit of a CII price.
    assert!(
        rows.iter()
            .any(|r| r.0 == "invoice/bare-unit-code" && r.3 == "MON" && r.4 == "BT-150"),
        "{rows:?}"
    );

    // EN 16931's maximum-content example gives the reader everything.
    let (code, json, _) = check_json(root(), &[&format!("{CORPUS}/CII_example5.xml")]);
    assert_eq!(code, 0);
    let rules: Vec<String> = invoice_findings(&json).into_iter().map(|r| r.0).collect();
    assert_eq!(rules, ["invoice/bare-unit-code"]);

    // XRechnung sub-lines are lines: their units carry their nested XPath.
    let (_, json, _) = check_json(root(), &[&format!("{CORPUS}/04.04a-INVOICE_ubl.xml")]);
    let mkw = finding(&json, "invoice/bare-unit-code", "MKW");
    assert_eq!(
        mkw["field"]["xpath"],
        "/ubl:Invoice/cac:InvoiceLine/cac:SubInvoiceLine/cac:SubInvoiceLine[2]/cbc:InvoicedQuantity/@unitCode"
    );
    assert_eq!(
        (mkw["line"].as_u64(), mkw["column"].as_u64()),
        (Some(140), Some(49))
    );
    let ea = finding(&json, "invoice/bare-unit-code", "EA");
    assert!(ea["message"].as_str().unwrap().contains("used 3 times"));

    // All-capitals item names are abbreviations to the reader.
    let (_, json, _) = check_json(root(), &[&format!("{CORPUS}/ubl-tc434-example1.xml")]);
    let patat = finding(&json, "invoice/cryptic-item-name", "PATAT FRITES 10MM 10KG");
    assert_eq!(patat["field"]["bt"], "BT-153");
    assert_eq!(
        patat["field"]["xpath"],
        "/Invoice/cac:InvoiceLine[1]/cac:Item/cbc:Name"
    );
    assert!(patat["message"].as_str().unwrap().contains("on line 1"));
}

#[test]
fn rules_follow_the_config_switches() {
    let ubl = std::fs::read_to_string(root().join(UBL_JARGON)).unwrap();
    let dir = tree(&[
        (
            ".plainly.yaml",
            "rules:\n  invoice/missing-order-reference: off\n  invoice/bare-unit-code: error\n",
        ),
        ("invoice.xml", &ubl),
    ]);
    let out = plainly()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "invoice.xml"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["rule"] != "invoice/missing-order-reference"),
        "{json}"
    );
    let units: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "invoice/bare-unit-code")
        .collect();
    assert_eq!(units.len(), 3);
    assert!(units.iter().all(|f| f["severity"] == "error"));
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "invoice/missing-delivery-date" && f["severity"] == "warning")
    );
}

/// Runs the binary on one file named `name` with `content` and returns
/// (exit code, JSON, stderr).
fn check_one(name: &str, content: &[u8]) -> (i32, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), content).unwrap();
    check_json(dir.path(), &[name])
}

const UBL_ROOT: &str = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">"#;

#[test]
fn hostile_and_broken_invoices_are_errors_that_say_where() {
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Invoice [\n <!ENTITY lol \"lol\">\n <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n{UBL_ROOT}<cbc:Note>&lol1;</cbc:Note></Invoice>\n"
    );
    let (code, json, stderr) = check_one("laughs.xml", laughs.as_bytes());
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(json["summary"]["errors"], 1);
    assert!(stderr.contains("DTD entity declarations"), "{stderr}");
    assert!(stderr.contains("laughs.xml"), "{stderr}");

    let xxe = format!(
        "<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{UBL_ROOT}<cbc:Note>&xxe;</cbc:Note></Invoice>"
    );
    let (code, _, stderr) = check_one("xxe.xml", xxe.as_bytes());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("XXE"), "{stderr}");

    let undefined = format!("{UBL_ROOT}\n<cbc:Note>Fee &euro;10</cbc:Note></Invoice>");
    let (code, _, stderr) = check_one("undefined.xml", undefined.as_bytes());
    assert_eq!(code, 2);
    assert!(stderr.contains("&euro;"), "{stderr}");

    let whole = std::fs::read(root().join(UBL_JARGON)).unwrap();
    let (code, json, stderr) = check_one("truncated.xml", &whole[..whole.len() / 2]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(json["summary"]["errors"], 1);
    assert!(stderr.contains("truncated"), "{stderr}");
}

#[test]
fn other_xml_is_skipped_not_checked() {
    let (code, json, stderr) = check_one(
        "pom.xml",
        b"<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><description>DDP RMA</description></project>",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["files_skipped"], 1);
    assert_eq!(json["summary"]["files_checked"], 0);
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn constructed_invoices_cover_the_other_rule_paths() {
    // A contact with a name but no way to reach it; a line-level allowance
    // with only a code; no payment terms and no due date; a line period.
    let ubl = format!(
        "{UBL_ROOT}
<cbc:BuyerReference>Anna Berg</cbc:BuyerReference>
<cac:AccountingSupplierParty><cac:Party><cac:Contact><cbc:Name>Billing</cbc:Name></cac:Contact></cac:Party></cac:AccountingSupplierParty>
<cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode=\"KW\">3</cbc:InvoicedQuantity>
<cac:InvoicePeriod><cbc:StartDate>2026-04-01</cbc:StartDate></cac:InvoicePeriod>
<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode></cac:AllowanceCharge>
<cac:Item><cbc:Name>Hose clamp set</cbc:Name></cac:Item></cac:InvoiceLine>
</Invoice>
"
    );
    let (code, json, stderr) = check_one("constructed.xml", ubl.as_bytes());
    assert_eq!(code, 1, "{stderr}");
    // Line and column where `needle` starts, right after `after`.
    let at = |after: &str, needle: &str| -> (u64, u64) {
        let o = ubl.find(&format!("{after}{needle}")).expect(needle) + after.len();
        assert_eq!(&ubl[o..o + needle.len()], needle);
        let (l, c) = line_col(&ubl, o);
        (l as u64, c as u64)
    };
    let expect = [
        (
            "invoice/shorthand-payment-terms",
            at("<", "Invoice"),
            "Invoice",
            "BT-20",
            "/Invoice/cac:PaymentTerms/cbc:Note",
        ),
        (
            "invoice/missing-seller-contact",
            at("<", "cac:Contact"),
            "cac:Contact",
            "BT-41",
            "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:Contact",
        ),
        (
            "invoice/bare-unit-code",
            at("unitCode=\"", "KW"),
            "KW",
            "BT-130",
            "/Invoice/cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode",
        ),
        (
            "invoice/allowance-reason-code-only",
            at("<cbc:AllowanceChargeReasonCode>", "95"),
            "95",
            "BT-140",
            "/Invoice/cac:InvoiceLine/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode",
        ),
    ];
    assert_eq!(
        invoice_findings(&json),
        expect
            .iter()
            .map(|(rule, (l, c), m, bt, x)| row(rule, *l, *c, m, bt, x))
            .collect::<Vec<_>>()
    );
    let contact = finding(&json, "invoice/missing-seller-contact", "cac:Contact");
    assert!(
        contact["message"]
            .as_str()
            .unwrap()
            .contains("\"Billing\" has no telephone number"),
        "{contact}"
    );
    let kw = finding(&json, "invoice/bare-unit-code", "KW");
    assert!(
        kw["message"]
            .as_str()
            .unwrap()
            .contains("unknown unit code"),
        "{kw}"
    );
    assert_eq!(kw["replacements"], serde_json::json!([]));
    let discount = finding(&json, "invoice/allowance-reason-code-only", "95");
    assert!(
        discount["message"]
            .as_str()
            .unwrap()
            .contains("allowance on line 1"),
        "{discount}"
    );
    assert_eq!(discount["replacements"][0], "Discount");
    // A CII credit note (type 381) is not asked for payment terms.
    let cii = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
<rsm:ExchangedDocument><ram:TypeCode>381</ram:TypeCode></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement><ram:BuyerReference>4711</ram:BuyerReference></ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"#;
    let (_, json, stderr) = check_one("credit.xml", cii.as_bytes());
    let rules: Vec<String> = invoice_findings(&json).into_iter().map(|r| r.0).collect();
    assert_eq!(
        rules,
        [
            "invoice/missing-delivery-date",
            "invoice/missing-seller-contact"
        ],
        "{stderr}"
    );
}
