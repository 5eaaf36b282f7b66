//! ## What it does
//! Checks that an e-invoice says when the goods or services were delivered
//! (BT-72) or which period it bills (BG-14, or a period on each line).
//!
//! ## Why is this bad?
//! Purchasing and goods receipt check an invoice against what arrived and
//! when. Without a date or a period they cannot tell which delivery or which
//! month is billed, and the VAT tax point is unclear.
//!
//! ## Example
//! ```xml
//! <Invoice ...>
//!     <cbc:IssueDate>2026-04-17</cbc:IssueDate>
//!     <!-- no cac:Delivery, no cac:InvoicePeriod -->
//! ```
//!
//! Use instead:
//! ```xml
//!     <cac:Delivery>
//!         <cbc:ActualDeliveryDate>2026-04-15</cbc:ActualDeliveryDate>
//!     </cac:Delivery>
//! ```

use super::{Report, Rule, missing_field};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::{InvoiceFacts, Syntax};
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/missing-delivery-date",
    default: Severity::Warning,
    summary: "The e-invoice has no delivery date (BT-72) and no invoicing period (BG-14).",
    check,
};

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    if facts.delivery_date.is_some() || facts.invoice_period.is_some() || facts.has_line_periods() {
        return Vec::new();
    }
    let xpath = match facts.syntax {
        Syntax::Ubl => facts.expected_xpath(&["cac:Delivery", "cbc:ActualDeliveryDate"]),
        Syntax::Cii => facts.expected_xpath(&[
            "rsm:SupplyChainTradeTransaction",
            "ram:ApplicableHeaderTradeDelivery",
            "ram:ActualDeliverySupplyChainEvent",
            "ram:OccurrenceDateTime",
        ]),
    };
    vec![
        Report {
            rule: RULE.id,
            severity,
            range: facts.root.clone(),
            field: missing_field("BT-72", "Actual delivery date", xpath),
            message: "The invoice says neither when the goods or services were delivered (BT-72) \
                      nor which period it bills (BG-14)"
                .into(),
            explanation: "The buyer checks an invoice against what arrived and when; without a \
                          delivery date or a billing period they cannot tell what is billed.",
            replacements: Vec::new(),
            no_fix: "only the seller knows the delivery date or the period billed",
        }
        .finding(ctx),
    ]
}
