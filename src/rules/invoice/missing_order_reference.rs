//! ## What it does
//! Checks that an e-invoice names the buyer's purchase order (BT-13) or
//! carries the buyer's own reference (BT-10).
//!
//! ## Why is this bad?
//! Accounts payable matches every invoice to a purchase order, or routes it
//! to whoever ordered. With neither, the invoice sits in a clarification
//! queue and is paid late or sent back. Peppol BIS 3.0 rule R003 requires
//! one of them.
//!
//! ## Example
//! ```xml
//! <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" ...>
//!     <cbc:ID>INV-2026-0418</cbc:ID>
//!     <!-- no cbc:BuyerReference, no cac:OrderReference -->
//! ```
//!
//! Use instead:
//! ```xml
//!     <cbc:BuyerReference>Anna Berg, maintenance</cbc:BuyerReference>
//!     <cac:OrderReference>
//!         <cbc:ID>4500012377</cbc:ID>
//!     </cac:OrderReference>
//! ```

use super::{Report, Rule, missing_field};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::{InvoiceFacts, Syntax};
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/missing-order-reference",
    default: Severity::Warning,
    summary: "The e-invoice has neither a purchase order reference (BT-13) nor a buyer reference (BT-10).",
    check,
};

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    if facts.order_reference.is_some() || facts.buyer_reference.is_some() {
        return Vec::new();
    }
    let xpath = match facts.syntax {
        Syntax::Ubl => facts.expected_xpath(&["cac:OrderReference", "cbc:ID"]),
        Syntax::Cii => facts.expected_xpath(&[
            "rsm:SupplyChainTradeTransaction",
            "ram:ApplicableHeaderTradeAgreement",
            "ram:BuyerOrderReferencedDocument",
            "ram:IssuerAssignedID",
        ]),
    };
    vec![
        Report {
            rule: RULE.id,
            severity,
            range: facts.root.clone(),
            field: missing_field("BT-13", "Purchase order reference", xpath),
            message: "The invoice names no purchase order (BT-13) and no buyer reference (BT-10): \
                      the buyer cannot match it to an order or to the person who ordered"
                .into(),
            explanation: "Accounts payable matches each invoice to a purchase order or to the person \
                          who ordered; without either, the invoice waits in a clarification queue.",
            replacements: Vec::new(),
            no_fix: "the order number comes from the buyer's purchase order; add it in the invoicing system",
        }
        .finding(ctx),
    ]
}
