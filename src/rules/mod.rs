//! Rules turn a read document into findings. Each rule is one file; rules
//! know nothing about output formats.

pub mod invoice;
pub mod jargon;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::document::Document;
use crate::finding::Finding;
use crate::position::Locator;

/// Everything a rule may look at for one document.
pub struct Context<'a> {
    /// The path as the user named it, shared by the document's findings.
    pub path: &'a std::sync::Arc<str>,
    pub doc: &'a Document,
    pub catalog: &'a Catalog,
    /// The roles the document is checked for.
    pub audience: &'a [String],
    /// The document's language (a BCP 47 tag).
    pub lang: &'a str,
    pub locator: &'a Locator<'a>,
    /// Terms not to report in this file (config `ignore_terms`), normalized.
    pub ignore_terms: &'a [String],
    /// The config, for rule switches (`rules:`).
    pub config: &'a Config,
}

/// Runs every rule over the document.
pub fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = jargon::check(ctx);
    out.extend(invoice::check(ctx));
    // Usually in order already (one rule, segments in source order): a
    // stable sort would still copy every finding through a scratch buffer.
    if !out.is_sorted_by(|a, b| a.sort_key() <= b.sort_key()) {
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    out
}
