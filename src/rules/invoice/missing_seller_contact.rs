//! ## What it does
//! Checks that the seller gives a contact point: a person or department
//! (BT-41) with a telephone number (BT-42) or an email address (BT-43).
//!
//! ## Why is this bad?
//! When a line or an amount is unclear, accounts payable needs someone to
//! ask. Without a named contact the question goes to a general inbox and the
//! payment waits.
//!
//! ## Example
//! ```xml
//! <cac:AccountingSupplierParty>
//!     <cac:Party>
//!         <cac:PartyName><cbc:Name>Nordwind Industrial Supply</cbc:Name></cac:PartyName>
//!         <!-- no cac:Contact -->
//! ```
//!
//! Use instead:
//! ```xml
//!         <cac:Contact>
//!             <cbc:Name>Maria Schulz, billing</cbc:Name>
//!             <cbc:Telephone>+49 40 5550 0110</cbc:Telephone>
//!             <cbc:ElectronicMail>billing@nordwind.example</cbc:ElectronicMail>
//!         </cac:Contact>
//! ```

use super::{Report, Rule, missing_field, quoted};
use crate::finding::{Finding, Severity};
use crate::reader::invoice::{InvoiceFacts, Syntax};
use crate::rules::Context;

pub(super) const RULE: Rule = Rule {
    id: "invoice/missing-seller-contact",
    default: Severity::Warning,
    summary: "The seller gives no contact name (BT-41) with a telephone number (BT-42) or email address (BT-43).",
    check,
};

const EXPLANATION: &str = "When something on the invoice is unclear, the buyer needs a named person \
                           or department with a phone number or email address to ask.";
const NO_FIX: &str = "only the seller knows who answers questions about its invoices";

fn check(ctx: &Context<'_>, facts: &InvoiceFacts, severity: Severity) -> Vec<Finding> {
    let Some(contact) = &facts.seller_contact else {
        let xpath = match facts.syntax {
            Syntax::Ubl => {
                facts.expected_xpath(&["cac:AccountingSupplierParty", "cac:Party", "cac:Contact"])
            }
            Syntax::Cii => facts.expected_xpath(&[
                "rsm:SupplyChainTradeTransaction",
                "ram:ApplicableHeaderTradeAgreement",
                "ram:SellerTradeParty",
                "ram:DefinedTradeContact",
            ]),
        };
        return vec![
            Report {
                rule: RULE.id,
                severity,
                range: facts.root.clone(),
                field: missing_field("BT-41", "Seller contact point", xpath),
                message: "The seller gives no contact point (BT-41 with BT-42 or BT-43): \
                          the buyer does not know whom to ask about this invoice"
                    .into(),
                explanation: EXPLANATION,
                replacements: Vec::new(),
                no_fix: NO_FIX,
            }
            .finding(ctx),
        ];
    };
    let reachable = contact.phone.is_some() || contact.email.is_some();
    let message = match (&contact.name, reachable) {
        (Some(_), true) => return Vec::new(),
        (None, true) => "The seller's contact has no name (BT-41): say which person or department \
                         answers questions about this invoice"
            .to_string(),
        (Some(name), false) => format!(
            "The seller's contact \"{}\" has no telephone number (BT-42) and no email address (BT-43)",
            quoted(&name.value)
        ),
        (None, false) => "The seller's contact has no name (BT-41), no telephone number (BT-42) \
                          and no email address (BT-43)"
            .to_string(),
    };
    vec![
        Report {
            rule: RULE.id,
            severity,
            range: contact.range.clone(),
            field: missing_field("BT-41", "Seller contact point", contact.xpath.clone()),
            message,
            explanation: EXPLANATION,
            replacements: Vec::new(),
            no_fix: NO_FIX,
        }
        .finding(ctx),
    ]
}
