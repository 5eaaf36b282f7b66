//! ## What it does
//! Reports each unit code (BT-130 invoiced quantity, BT-150 price base
//! quantity) once, at its first use, with the unit's plain name and how
//! often the invoice uses it. Codes that are themselves the unit's name
//! (`SET`, `DAY`) are not reported.
//!
//! ## Why is this bad?
//! UN/ECE Recommendation 20 codes are for machines. A person who reads
//! "12 C62" or "40 HUR" in a viewer or on a printout cannot tell what was
//! counted. The code itself is required; whatever shows the invoice to a
//! person (the PDF, the portal, the viewer's stylesheet) must print the
//! unit's name.
//!
//! ## Example
//! ```xml
//! <cbc:InvoicedQuantity unitCode="HUR">40</cbc:InvoicedQuantity>
//! ```
//!
//! Use instead: keep the code, and show "40 hours" in the human-readable
//! rendering (or name the unit in the item name or line note).

use std::collections::HashMap;

use super::units::plain_name;
use super::{Report, Rule};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::InvoiceFacts;
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/bare-unit-code",
    default: Severity::Info,
    summary: "A unit code (BT-130, BT-150) such as C62 or HUR reaches the reader without its plain name.",
    check,
};

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for u in &facts.units {
        *uses.entry(u.value.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for u in &facts.units {
        let code = u.value.as_str();
        if seen.contains(&code) {
            continue;
        }
        seen.push(code);
        let count = match uses.get(code).copied().unwrap_or(1) {
            1 => "used once".to_string(),
            n => format!("used {n} times"),
        };
        let plain = plain_name(code);
        // A code that is itself the word (`SET`, `DAY`) reads fine.
        if plain.is_some_and(|p| p.eq_ignore_ascii_case(code)) {
            continue;
        }
        let message = match plain {
            Some(name) => format!(
                "\"{code}\" is the unit code for \"{name}\" ({count}): show the unit in words"
            ),
            None => format!("\"{code}\" is an unknown unit code ({count}): show the unit in words"),
        };
        out.push(
            Report {
                rule: RULE.id,
                severity,
                range: u.range.clone(),
                field: Some(u.field.clone()),
                message,
                explanation: "Unit codes are for machines; a person reading \"12 C62\" or \"40 HUR\" \
                              cannot tell what was counted.",
                replacements: plain.map(str::to_string).into_iter().collect(),
                no_fix: "the e-invoice must keep the code; show the unit's name where people read the invoice",
            }
            .finding(ctx),
        );
    }
    out
}
