//! Suppressions written in the document, each with a reason someone can
//! review:
//!
//! - Markdown and HTML: `<!-- plainly-disable-next-line TERM -- reason -->`,
//!   `<!-- plainly-disable TERM -- reason -->` … `<!-- plainly-enable -->`.
//! - Plain text and email: `plainly: ignore TERM -- reason`, which covers its
//!   own line and the next one.
//!
//! Without a term a suppression covers every term. A suppression without a
//! reason is itself a finding (`suppression/no-reason`), and one that
//! suppresses nothing is reported as `suppression/unused`.

use std::ops::Range;

use crate::finding::{Finding, Fix, Severity, Shared};
use crate::matcher::normalize;
use crate::rules::Context;

/// Rule id of a suppression without a reason.
pub const NO_REASON: &str = "suppression/no-reason";
/// Rule id of a suppression that suppresses nothing.
pub const UNUSED: &str = "suppression/unused";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
    /// `plainly: ignore`: its own line and the next.
    Ignore,
}

#[derive(Debug)]
struct Suppression {
    kind: Kind,
    /// Normalized term, or None for all terms.
    term: Option<String>,
    reason: Option<String>,
    range: Range<usize>,
    /// Byte range of source 0 this suppression covers (for NextLine and
    /// Ignore: whole lines; for Disable: up to the matching Enable).
    covers: Range<usize>,
    used: bool,
}

/// Parses one directive's text, if it is a plainly directive.
fn parse(text: &str) -> Option<(Kind, Option<String>, Option<String>)> {
    let t = text.trim();
    let (kind, rest) = if let Some(r) = t.strip_prefix("plainly-disable-next-line") {
        (Kind::NextLine, r)
    } else if let Some(r) = t.strip_prefix("plainly-disable") {
        (Kind::Disable, r)
    } else if let Some(r) = t.strip_prefix("plainly-enable") {
        (Kind::Enable, r)
    } else if let Some(r) = t.strip_prefix("plainly: ignore") {
        (Kind::Ignore, r)
    } else {
        return None;
    };
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let (term, reason) = match rest.find("--") {
        Some(i) => (&rest[..i], Some(rest[i + 2..].trim())),
        None => (rest, None),
    };
    let term = normalize(term);
    let reason = reason
        .map(|r| r.trim_end_matches("-->").trim().to_string())
        .filter(|r| !r.is_empty());
    Some((kind, (!term.is_empty()).then_some(term), reason))
}

/// Removes findings covered by the document's suppressions and adds the
/// findings about the suppressions themselves.
pub fn apply(ctx: &Context<'_>, findings: Vec<Finding>) -> Vec<Finding> {
    let (doc, locator) = (ctx.doc, ctx.locator);
    if doc.directives.is_empty() {
        return findings;
    }
    let text = &doc.sources[0].text;
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);

    let mut sups: Vec<Suppression> = Vec::new();
    for d in &doc.directives {
        let Some((kind, term, reason)) = parse(&d.text) else {
            continue;
        };
        let covers = match kind {
            Kind::NextLine => {
                let next = line_end(d.range.end.min(text.len()));
                next..line_end(next)
            }
            Kind::Ignore => {
                let start = line_start(d.range.start.min(text.len()));
                let next = line_end(d.range.end.min(text.len()));
                start..line_end(next)
            }
            Kind::Disable => d.range.end..text.len(),
            Kind::Enable => d.range.clone(),
        };
        if kind == Kind::Enable {
            // Close the open disables it names (or all).
            for s in sups.iter_mut().filter(|s| {
                s.kind == Kind::Disable
                    && s.covers.end == text.len()
                    && (term.is_none() || s.term == term)
            }) {
                s.covers.end = d.range.start;
            }
            continue;
        }
        sups.push(Suppression {
            kind,
            term,
            reason,
            range: d.range.clone(),
            covers,
            used: false,
        });
    }
    if sups.is_empty() {
        return findings;
    }

    let mut out = Vec::with_capacity(findings.len());
    for f in findings {
        let in_file = f.location.decoded_part.is_none();
        let hit = in_file
            && sups.iter_mut().any(|s| {
                let covered =
                    s.covers.start <= f.location.byte_start && f.location.byte_start < s.covers.end;
                let term_ok = match &s.term {
                    None => true,
                    Some(t) => {
                        f.term.as_deref().map(normalize).as_ref() == Some(t)
                            || normalize(&f.matched) == *t
                    }
                };
                if covered && term_ok {
                    s.used = true;
                }
                covered && term_ok
            });
        if !hit {
            out.push(f);
        }
    }
    for s in &sups {
        let problem = if s.reason.is_none() {
            Some((
                NO_REASON,
                "this suppression gives no reason: add one after ` -- ` so reviewers know why",
            ))
        } else if !s.used {
            Some((
                UNUSED,
                "this suppression suppresses nothing: remove it, or correct its term",
            ))
        } else {
            None
        };
        if let Some((rule, message)) = problem {
            out.push(Finding {
                path: ctx.path.clone(),
                location: locator.locate(0, s.range.clone()),
                matched: locator.text(0, s.range.clone()).into(),
                term: None,
                role: None,
                rule,
                severity: Severity::Info,
                replacements: Shared::Static(&[]),
                explanation: None,
                message: message.into(),
                field: None,
                fix: Fix::None("edit the suppression by hand".into()),
            });
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terms_and_reasons() {
        assert_eq!(
            parse("plainly-disable-next-line restocking  fee -- quoted from the contract"),
            Some((
                Kind::NextLine,
                Some("restocking fee".into()),
                Some("quoted from the contract".into())
            ))
        );
        assert_eq!(parse("plainly-disable"), Some((Kind::Disable, None, None)));
        assert_eq!(
            parse("plainly: ignore DDP --"),
            Some((Kind::Ignore, Some("ddp".into()), None))
        );
        assert_eq!(parse("plainly-disabled x"), None);
        assert_eq!(parse("just a comment"), None);
    }
}
