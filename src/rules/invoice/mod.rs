//! Invoice-clarity rules: what an e-invoice leaves a human reader to guess
//! (no order to match, no delivery date, codes instead of names, shorthand
//! payment terms, no one to ask). One file per rule, each with a stable id
//! and a default severity that `.plainly.yaml` `rules:` may change or switch
//! off. They look only at [`InvoiceFacts`], which the invoice reader fills.

mod allowance_reason_code_only;
mod bare_unit_code;
mod cryptic_item_name;
mod missing_delivery_date;
mod missing_order_reference;
mod missing_seller_contact;
mod shorthand_payment_terms;
pub mod units;

use std::ops::Range;

use super::Context;
use crate::document::Field;
use crate::finding::{Finding, Fix, Severity};
use crate::reader::invoice::InvoiceFacts;

/// The check of one rule, run at the severity the config gives it.
type Check = fn(&Context<'_>, &InvoiceFacts, Severity) -> Vec<Finding>;

/// One invoice rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id, as used in `rules:` and in every output format.
    pub id: &'static str,
    pub default: Severity,
    /// One line for SARIF and the README.
    pub summary: &'static str,
    check: Check,
}

/// Every invoice rule, in the order they run. Adding a rule is one file and
/// one line here.
const ALL: &[Rule] = &[
    missing_order_reference::RULE,
    missing_delivery_date::RULE,
    cryptic_item_name::RULE,
    bare_unit_code::RULE,
    shorthand_payment_terms::RULE,
    missing_seller_contact::RULE,
    allowance_reason_code_only::RULE,
];

const TABLE: [(&str, Severity, &str); ALL.len()] = {
    let mut out = [("", Severity::Info, ""); ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        out[i] = (ALL[i].id, ALL[i].default, ALL[i].summary);
        i += 1;
    }
    out
};

/// Every invoice rule as (id, default severity, summary), for SARIF rule
/// metadata, the README and config validation.
pub const RULES: &[(&str, Severity, &str)] = &TABLE;

/// Runs every invoice rule that is switched on over an e-invoice document;
/// other documents get none.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(facts) = &ctx.doc.invoice else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for rule in ALL {
        if let Some(severity) = ctx.config.rule_severity(rule.id, rule.default) {
            out.extend((rule.check)(ctx, facts, severity));
        }
    }
    out
}

/// What a rule says about one place in the file.
struct Report {
    rule: &'static str,
    severity: Severity,
    /// Source bytes of the file to point at.
    range: Range<usize>,
    field: Option<Field>,
    message: String,
    explanation: &'static str,
    replacements: Vec<String>,
    /// Why no automatic fix exists.
    no_fix: &'static str,
}

impl Report {
    fn finding(self, ctx: &Context<'_>) -> Finding {
        Finding {
            path: ctx.path.clone(),
            location: ctx.locator.locate(0, self.range.clone()),
            matched: ctx.locator.text(0, self.range).into(),
            term: None,
            role: None,
            rule: self.rule,
            severity: self.severity,
            replacements: self.replacements.into(),
            explanation: Some(self.explanation.into()),
            message: self.message.into(),
            field: self.field,
            fix: Fix::None(self.no_fix.into()),
        }
    }
}

/// A field that is missing: its term and where it belongs.
fn missing_field(bt: &str, name: &str, xpath: String) -> Option<Field> {
    Some(Field {
        bt: Some(bt.into()),
        name: name.into(),
        xpath: Some(xpath),
        place: None,
    })
}

/// Whether `word` reads as a word rather than a code: three or more letters
/// with no capital after the first (`cartridge`, `Hose`, `Gerüst`), or
/// letters of a script without case (`部品`).
fn is_plain_word(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if word
        .chars()
        .any(|c| c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase())
    {
        return true;
    }
    first.is_alphabetic() && word.chars().count() >= 3 && chars.all(|c| c.is_lowercase())
}

/// The words of `text`: runs of letters.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
}

/// A value from the file as a message quotes it: whitespace runs as one
/// space, long values cut at a word with an ellipsis.
fn quoted(value: &str) -> String {
    const MAX: usize = 60;
    let flat = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX {
        return flat;
    }
    let cut: String = flat.chars().take(MAX).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > MAX / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{cut}…")
}

/// `place` as the end of a sentence part: ` on line 2`, or nothing.
fn on(place: Option<&str>) -> String {
    place.map(|p| format!(" on {p}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_listed_once_with_stable_ids() {
        let ids: Vec<_> = RULES.iter().map(|r| r.0).collect();
        assert_eq!(
            ids,
            [
                "invoice/missing-order-reference",
                "invoice/missing-delivery-date",
                "invoice/cryptic-item-name",
                "invoice/bare-unit-code",
                "invoice/shorthand-payment-terms",
                "invoice/missing-seller-contact",
                "invoice/allowance-reason-code-only",
            ]
        );
        assert_eq!(RULES[3].1, Severity::Info);
        assert!(RULES.iter().all(|r| !r.2.is_empty()));
    }

    #[test]
    fn quoted_values_are_flat_and_short() {
        assert_eq!(
            quoted("2 % discount\n            Penalty"),
            "2 % discount Penalty"
        );
        let long = quoted(&"word ".repeat(30));
        assert!(long.ends_with('…') && long.chars().count() <= 61, "{long}");
    }

    #[test]
    fn plain_words() {
        for w in ["cartridge", "Hose", "Gerüst", "stavka", "部品"] {
            assert!(is_plain_word(w), "{w}");
        }
        for w in ["RSTK", "ART", "kWh", "MM", "of", ""] {
            assert!(!is_plain_word(w), "{w}");
        }
    }
}
