//! The pre-send review of one document (or a few): per reader role, how many
//! terms that reader will not understand, and which invoice-clarity rules
//! fail. Built from the same findings as `check`; rendered as text here and
//! as a page by [`crate::report::review_html`].

use std::collections::BTreeMap;

use crate::document::Source;
use crate::engine::{FileResult, Outcome};
use crate::finding::{Finding, Severity};

/// What one reader role will stumble over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSummary {
    pub role: String,
    /// Distinct terms, in order of first appearance.
    pub terms: Vec<String>,
    /// Occurrences (findings) for this role.
    pub occurrences: usize,
}

/// A failed document-level rule (invoice clarity, suppressions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResult {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
}

/// One reviewed document.
#[derive(Debug)]
pub struct Review {
    pub path: String,
    pub roles: Vec<RoleSummary>,
    pub rules: Vec<RuleResult>,
    /// Whether the document is an e-invoice (the invoice rules ran).
    pub is_invoice: bool,
    pub findings: Vec<Finding>,
    pub sources: Vec<Source>,
}

impl Review {
    /// Summarises a checked file; every role of its audience is listed, so
    /// that a role with nothing to stumble over is shown as such.
    pub fn new(result: FileResult) -> Option<Review> {
        let audience = result.info.audience.clone();
        let is_invoice = result.info.is_invoice;
        let Outcome::Checked { findings, sources } = result.outcome else {
            return None;
        };
        let mut by_role: BTreeMap<&str, (Vec<String>, usize)> = BTreeMap::new();
        for r in &audience {
            by_role.entry(r.as_str()).or_default();
        }
        let mut rules = Vec::new();
        for f in &findings {
            match (&f.role, &f.term) {
                (Some(role), Some(term)) => {
                    let e = by_role.entry(role).or_default();
                    if !e.0.iter().any(|t| **t == **term) {
                        e.0.push(term.to_string());
                    }
                    e.1 += 1;
                }
                _ => rules.push(RuleResult {
                    rule: f.rule.to_string(),
                    severity: f.severity,
                    message: f.message.to_string(),
                }),
            }
        }
        let roles = by_role
            .into_iter()
            .map(|(role, (terms, occurrences))| RoleSummary {
                role: role.to_string(),
                terms,
                occurrences,
            })
            .collect();
        Some(Review {
            path: result.path,
            roles,
            rules,
            is_invoice,
            findings,
            sources,
        })
    }

    /// The text summary printed before the findings.
    pub fn summary_text(&self) -> String {
        let mut s = format!("Pre-send review of {}\n\n", self.path);
        let width = self.roles.iter().map(|r| r.role.len()).max().unwrap_or(0);
        s.push_str("Readers who will stumble:\n");
        for r in &self.roles {
            if r.terms.is_empty() {
                s.push_str(&format!("  {:<width$}  nothing unclear\n", r.role));
            } else {
                s.push_str(&format!(
                    "  {:<width$}  {} term{} in {} place{}: {}\n",
                    r.role,
                    r.terms.len(),
                    if r.terms.len() == 1 { "" } else { "s" },
                    r.occurrences,
                    if r.occurrences == 1 { "" } else { "s" },
                    r.terms.join(", ")
                ));
            }
        }
        if self.is_invoice || !self.rules.is_empty() {
            s.push_str("\nInvoice clarity:\n");
            if self.rules.is_empty() {
                s.push_str("  every invoice-clarity rule passes\n");
            }
            for r in &self.rules {
                s.push_str(&format!(
                    "  {:<7} {}: {}\n",
                    r.severity.as_str(),
                    r.rule,
                    r.message
                ));
            }
        }
        s.push('\n');
        s
    }
}
