//! ## What it does
//! Finds allowances (discounts) and charges (surcharges), on the document
//! or on a line, that carry a reason code (BT-98, BT-105, BT-140, BT-145)
//! but no reason text (BT-97, BT-104, BT-139, BT-144).
//!
//! ## Why is this bad?
//! Reason codes (UNTDID 5189 for allowances, 7161 for charges) are for
//! machines. The reader sees an unexplained surcharge of 18.00 with the
//! reason "ABL" and has to query it before approving the invoice.
//!
//! ## Example
//! ```xml
//! <cac:AllowanceCharge>
//!     <cbc:ChargeIndicator>true</cbc:ChargeIndicator>
//!     <cbc:AllowanceChargeReasonCode>ABL</cbc:AllowanceChargeReasonCode>
//! ```
//!
//! Use instead:
//! ```xml
//!     <cbc:AllowanceChargeReasonCode>ABL</cbc:AllowanceChargeReasonCode>
//!     <cbc:AllowanceChargeReason>Extra packaging for sea freight</cbc:AllowanceChargeReason>
//! ```

use super::{Report, Rule, on, quoted};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::InvoiceFacts;
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/allowance-reason-code-only",
    default: Severity::Warning,
    summary: "An allowance or charge has a reason code (BT-98/105/140/145) but no reason text.",
    check,
};

/// UNTDID 5189 allowance reason codes as EN 16931 lists them.
const ALLOWANCE_REASONS: &[(&str, &str)] = &[
    ("41", "Bonus for works ahead of schedule"),
    ("42", "Other bonus"),
    ("60", "Manufacturer's consumer discount"),
    ("62", "Due to military status"),
    ("63", "Due to work accident"),
    ("64", "Special agreement"),
    ("65", "Production error discount"),
    ("66", "New outlet discount"),
    ("67", "Sample discount"),
    ("68", "End-of-range discount"),
    ("70", "Incoterm discount"),
    ("71", "Point of sales threshold allowance"),
    ("88", "Material surcharge/deduction"),
    ("95", "Discount"),
    ("100", "Special rebate"),
    ("102", "Fixed long term"),
    ("103", "Temporary"),
    ("104", "Standard"),
    ("105", "Yearly turnover"),
];

/// The UNTDID 7161 charge reason codes most often seen on invoices.
const CHARGE_REASONS: &[(&str, &str)] = &[
    ("AA", "Advertising"),
    ("AAA", "Telecommunication"),
    ("ABK", "Miscellaneous"),
    ("ABL", "Additional packaging"),
    ("ADR", "Other services"),
    ("FC", "Freight service"),
    ("FI", "Financing"),
    ("LA", "Labelling"),
    ("PC", "Packing"),
    ("SH", "Special handling"),
];

fn meaning(charge: bool, code: &str) -> Option<&'static str> {
    let table = if charge {
        CHARGE_REASONS
    } else {
        ALLOWANCE_REASONS
    };
    table.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in &facts.allowances {
        let Some(code) = &a.reason_code else { continue };
        if a.reason.is_some() {
            continue;
        }
        let what = if a.charge { "charge" } else { "allowance" };
        let bt = code.field.bt.as_deref().unwrap_or("");
        let plain = meaning(a.charge, &code.value);
        let message = match plain {
            Some(m) => format!(
                "The {what}{} has only the reason code \"{}\" ({bt}) and no reason text: \
                 say why in words, e.g. \"{m}\"",
                on(a.place.as_deref()),
                quoted(&code.value)
            ),
            None => format!(
                "The {what}{} has only the reason code \"{}\" ({bt}) and no reason text: say why in words",
                on(a.place.as_deref()),
                quoted(&code.value)
            ),
        };
        out.push(
            Report {
                rule: RULE.id,
                severity,
                range: code.range.clone(),
                field: Some(code.field.clone()),
                message,
                explanation: "Reason codes are for machines; the reader sees an unexplained discount \
                              or surcharge and has to ask about it before approving the invoice.",
                replacements: plain.map(str::to_string).into_iter().collect(),
                no_fix: "the reason text goes in a new element next to the code; add it in the invoicing system",
            }
            .finding(ctx),
        );
    }
    out
}
