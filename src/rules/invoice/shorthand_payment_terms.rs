//! ## What it does
//! Checks that an invoice without a due date (BT-9) states its payment terms
//! (BT-20) in plain words: not missing, not shorthand such as `2/10 N30`,
//! `EOM` or `net 30`. Credit notes are not asked for payment terms.
//!
//! ## Why is this bad?
//! Shorthand payment terms are trade jargon: the buyer's clerk has to work
//! out the due date and the early-payment discount, and with no due date on
//! the invoice there is nothing to check the result against. Late payment
//! and wrongly taken discounts follow.
//!
//! ## Example
//! ```xml
//! <cac:PaymentTerms>
//!     <cbc:Note>2/10 N30</cbc:Note>
//! </cac:PaymentTerms>
//! ```
//!
//! Use instead:
//! ```xml
//! <cbc:DueDate>2026-05-17</cbc:DueDate>
//! ...
//! <cac:PaymentTerms>
//!     <cbc:Note>2 % discount if paid within 10 days; otherwise the full amount within 30 days of the invoice date.</cbc:Note>
//! </cac:PaymentTerms>
//! ```

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::{Report, Rule, is_plain_word, missing_field, quoted, words};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::{InvoiceFacts, Kind, Syntax};
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/shorthand-payment-terms",
    default: Severity::Warning,
    summary: "Payment terms (BT-20) are missing or shorthand (2/10 N30, EOM) and there is no due date (BT-9).",
    check,
};

const EXPLANATION: &str = "Shorthand such as \"2/10 N30\" or \"EOM\" leaves the buyer to work out \
                           when to pay and what discount applies; a due date and a sentence in \
                           plain words leave nothing to guess.";

/// Words of payment-terms shorthand that do not make a sentence plain.
const SHORTHAND: &[&str] = &[
    "net", "eom", "prox", "cod", "cia", "cwo", "pia", "cnd", "cad", "mfi",
];

/// How many plain words make the terms a sentence rather than shorthand.
const PLAIN_WORDS: usize = 3;

static DISCOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+(?:[.,]\d+)?)\s*%?\s*/\s*(\d+)\b").expect("static regex"));
static NET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:net|n)\s*(\d+)\b").expect("static regex"));
static EOM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\beom\b").expect("static regex"));

/// Whether the terms are shorthand: fewer than three distinct plain words
/// once shorthand words are left out.
fn is_shorthand(terms: &str) -> bool {
    let plain: HashSet<String> = words(terms)
        .filter(|w| is_plain_word(w))
        .map(str::to_lowercase)
        .filter(|w| !SHORTHAND.contains(&w.as_str()))
        .collect();
    plain.len() < PLAIN_WORDS
}

/// The terms in plain words, when the shorthand is one we can read.
fn spell_out(terms: &str) -> Option<String> {
    let discount = DISCOUNT
        .captures(terms)
        .map(|c| format!("{} % discount if paid within {} days", &c[1], &c[2]));
    let eom = EOM.is_match(terms);
    let net = match (NET.captures(terms), eom) {
        (Some(c), true) => Some(format!(
            "the full amount within {} days after the end of the month",
            &c[1]
        )),
        (Some(c), false) => Some(format!(
            "the full amount within {} days of the invoice date",
            &c[1]
        )),
        (None, true) => Some("the full amount by the end of the month".to_string()),
        (None, false) => None,
    };
    match (discount, net) {
        (Some(d), Some(n)) => Some(format!("{d}; otherwise {n}")),
        (Some(d), None) => Some(d),
        (None, Some(n)) => Some(format!("Pay {n}")),
        (None, None) => None,
    }
}

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    if facts.kind == Kind::CreditNote || facts.due_date.is_some() {
        return Vec::new();
    }
    if facts.payment_terms.is_empty() {
        let xpath = match facts.syntax {
            Syntax::Ubl => facts.expected_xpath(&["cac:PaymentTerms", "cbc:Note"]),
            Syntax::Cii => facts.expected_xpath(&[
                "rsm:SupplyChainTradeTransaction",
                "ram:ApplicableHeaderTradeSettlement",
                "ram:SpecifiedTradePaymentTerms",
                "ram:Description",
            ]),
        };
        return vec![
            Report {
                rule: RULE.id,
                severity,
                range: facts.root.clone(),
                field: missing_field("BT-20", "Payment terms", xpath),
                message: "The invoice has no payment terms (BT-20) and no due date (BT-9): \
                          the reader cannot tell when to pay"
                    .into(),
                explanation: EXPLANATION,
                replacements: Vec::new(),
                no_fix: "only the seller knows the payment terms",
            }
            .finding(ctx),
        ];
    }
    if facts.payment_terms.iter().any(|t| !is_shorthand(&t.value)) {
        return Vec::new();
    }
    let Some(terms) = facts.payment_terms.first() else {
        return Vec::new();
    };
    vec![
        Report {
            rule: RULE.id,
            severity,
            range: terms.range.clone(),
            field: Some(terms.field.clone()),
            message: format!(
                "Payment terms \"{}\" are shorthand and there is no due date (BT-9): \
                 say in words when to pay, and add the due date",
                quoted(&terms.value)
            ),
            explanation: EXPLANATION,
            replacements: spell_out(&terms.value).into_iter().collect(),
            no_fix: "the due date must be added too, and only the seller knows it",
        }
        .finding(ctx),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_or_plain() {
        for t in [
            "2/10 N30",
            "EOM",
            "net 30",
            "N30",
            "Net 30 days",
            "30 days net EOM",
        ] {
            assert!(is_shorthand(t), "{t}");
        }
        for t in [
            "Payment within 30 days",
            "30 dagar netto. Dröjsmålsränta:12 %",
            "2 % discount if paid within 2 days",
            "Zahlbar sofort ohne Abzug",
        ] {
            assert!(!is_shorthand(t), "{t}");
        }
    }

    #[test]
    fn shorthand_spelled_out() {
        assert_eq!(
            spell_out("2/10 N30").as_deref(),
            Some(
                "2 % discount if paid within 10 days; otherwise the full amount within 30 days of the invoice date"
            )
        );
        assert_eq!(
            spell_out("net 30").as_deref(),
            Some("Pay the full amount within 30 days of the invoice date")
        );
        assert_eq!(
            spell_out("Net 60 EOM").as_deref(),
            Some("Pay the full amount within 60 days after the end of the month")
        );
        assert_eq!(
            spell_out("EOM").as_deref(),
            Some("Pay the full amount by the end of the month")
        );
        assert_eq!(spell_out("see contract"), None);
    }
}
