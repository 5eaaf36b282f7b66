//! ## What it does
//! Finds item names (BT-153) that are only a code or an abbreviation: no
//! word of three or more letters written in lower case (`ART-99812`,
//! `RSTK`, `PATAT FRITES 10MM`), or the same as the seller's item number
//! (BT-155).
//!
//! ## Why is this bad?
//! The item name is what the buyer's approvers see in their workflow and on
//! the posted invoice. A code tells them nothing about what was bought; they
//! have to look it up or call.
//!
//! ## Example
//! ```xml
//! <cac:Item>
//!     <cbc:Name>ART-99812</cbc:Name>
//!     <cac:SellersItemIdentification><cbc:ID>ART-99812</cbc:ID></cac:SellersItemIdentification>
//! </cac:Item>
//! ```
//!
//! Use instead:
//! ```xml
//!     <cbc:Name>Replacement filter cartridge</cbc:Name>
//! ```

use super::{Report, Rule, is_plain_word, quoted, words};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::InvoiceFacts;
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/cryptic-item-name",
    default: Severity::Warning,
    summary: "An item name (BT-153) is only a code or abbreviation, or repeats the seller's item number (BT-155).",
    check,
};

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    let mut out = Vec::new();
    for line in &facts.lines {
        let Some(name) = &line.name else { continue };
        let is_item_number = line
            .seller_item_id
            .as_ref()
            .is_some_and(|id| id.value.to_lowercase() == name.value.to_lowercase());
        let message = if is_item_number {
            format!(
                "Item name \"{}\" on {} is the seller's item number (BT-155), not a name: \
                 say what the item is",
                quoted(&name.value),
                line.place
            )
        } else if !words(&name.value).any(is_plain_word) {
            format!(
                "Item name \"{}\" on {} has no word in lower case, only codes, abbreviations \
                 or capitals: say what the item is in words",
                quoted(&name.value),
                line.place
            )
        } else {
            continue;
        };
        out.push(
            Report {
                rule: RULE.id,
                severity,
                range: name.range.clone(),
                field: Some(name.field.clone()),
                message,
                explanation: "The item name is what the buyer's approvers see; a code means looking \
                              it up or calling to find out what was bought.",
                replacements: Vec::new(),
                no_fix: "only the seller knows what the item is called",
            }
            .finding(ctx),
        );
    }
    out
}
