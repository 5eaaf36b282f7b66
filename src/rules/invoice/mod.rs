//! Invoice-clarity rules: one file per rule, each with a stable id.

use super::Context;
use crate::finding::Finding;

/// Runs every invoice rule on an e-invoice document.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(_facts) = &ctx.doc.invoice else {
        return Vec::new();
    };
    Vec::new()
}
