//! `review --html`: the pre-send review of one or more documents as one
//! self-contained page — per reader role how many terms they will stumble
//! over, the invoice-clarity results, and the document text with every
//! finding highlighted, the words each role uses on hover and in a side list.
//!
//! The page carries no script and loads nothing. Every piece of document
//! text, path, term and phrasebook text is escaped where it is written, so a
//! hostile document is shown, never run.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::finding::Finding;
use crate::review::Review;

/// One highlighted range of a source: every role finding there (findings
/// whose ranges overlap are merged into one mark).
struct Mark<'a> {
    start: usize,
    end: usize,
    findings: Vec<&'a Finding>,
}

impl Mark<'_> {
    /// Role ids, without repeats, in finding order.
    fn roles(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for f in &self.findings {
            if let Some(r) = f.role.as_deref()
                && !out.contains(&r)
            {
                out.push(r);
            }
        }
        out
    }

    /// One line per role finding: `finance: charge for …`.
    fn lines(&self) -> Vec<(String, String)> {
        self.findings
            .iter()
            .map(|f| (f.role.as_deref().unwrap_or_default().to_string(), says(f)))
            .collect()
    }
}

/// What the reader's role calls the term: its replacements, else the
/// explanation, else the finding's message.
fn says(f: &Finding) -> String {
    if !f.replacements.is_empty() {
        f.replacements.join(" or ")
    } else if let Some(e) = &f.explanation {
        e.to_string()
    } else {
        f.message.to_string()
    }
}

/// Renders the review page of `reviews`, in the order given.
pub fn render(reviews: &[Review]) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = match reviews {
        [one] => format!("Pre-send review of {}", one.path),
        _ => "Pre-send review".to_string(),
    };
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"plainly {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header>\n<h1>{}</h1>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title),
        esc(&title),
    );
    totals(&mut out, reviews);
    out.push_str("</header>\n<main>\n");
    if reviews.is_empty() {
        out.push_str("<p>No document could be reviewed.</p>\n");
    }
    for (di, review) in reviews.iter().enumerate() {
        document(&mut out, di + 1, review, reviews.len() > 1);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The counts per role over every document, at the top of the page.
fn totals(out: &mut String, reviews: &[Review]) {
    let mut roles: BTreeMap<&str, (Vec<&str>, usize)> = BTreeMap::new();
    for r in reviews {
        for s in &r.roles {
            let e = roles.entry(s.role.as_str()).or_default();
            for t in &s.terms {
                if !e.0.contains(&t.as_str()) {
                    e.0.push(t);
                }
            }
            e.1 += s.occurrences;
        }
    }
    let rows: Vec<(&str, Vec<&str>, usize)> =
        roles.into_iter().map(|(r, (t, n))| (r, t, n)).collect();
    let caption = match reviews.len() {
        0 | 1 => "Readers who will stumble".to_string(),
        n => format!("Readers who will stumble, in all {n} documents"),
    };
    counts_table(out, &caption, &rows);
}

fn counts_table(out: &mut String, caption: &str, rows: &[(&str, Vec<&str>, usize)]) {
    let _ = write!(
        out,
        "<table class=\"counts\">\n<caption>{}</caption>\n\
         <thead><tr><th scope=\"col\">Reader</th><th scope=\"col\">Terms</th><th scope=\"col\">Places</th><th scope=\"col\">Unclear terms</th></tr></thead>\n<tbody>\n",
        esc(caption)
    );
    for (role, terms, places) in rows {
        let list = if terms.is_empty() {
            "<span class=\"ok\">nothing unclear</span>".to_string()
        } else {
            esc(&terms.join(", ")).into_owned()
        };
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><th scope=\"row\">{}</th><td>{}</td><td>{places}</td><td>{list}</td></tr>",
            if terms.is_empty() { "clear" } else { "unclear" },
            esc(role),
            terms.len(),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One document: its counts (when there are several), the rule results,
/// then its text with the marks beside the list of findings.
fn document(out: &mut String, n: usize, review: &Review, several: bool) {
    let _ = write!(
        out,
        "<article class=\"doc\" id=\"doc-{n}\" aria-labelledby=\"doc-{n}-title\">\n\
         <h2 id=\"doc-{n}-title\">{}</h2>\n",
        esc(&review.path)
    );
    if several {
        let rows: Vec<(&str, Vec<&str>, usize)> = review
            .roles
            .iter()
            .map(|r| {
                (
                    r.role.as_str(),
                    r.terms.iter().map(String::as_str).collect(),
                    r.occurrences,
                )
            })
            .collect();
        counts_table(out, "Readers who will stumble", &rows);
    }
    if review.is_invoice || !review.rules.is_empty() {
        out.push_str(
            "<section class=\"clarity\">\n<h3>Invoice clarity</h3>\n<ul class=\"rules\">\n",
        );
        if review.rules.is_empty() {
            out.push_str("<li class=\"ok\">Every invoice-clarity rule passes.</li>\n");
        }
        for r in &review.rules {
            let sev = r.severity.as_str();
            let _ = writeln!(
                out,
                "<li class=\"sev-{sev}\"><span class=\"sev\">{sev}</span> <code>{}</code>: {}</li>",
                esc(&r.rule),
                esc(&r.message)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }

    // Sources shown: the file itself, and each decoded part with findings.
    let source_of = |f: &Finding| {
        review
            .sources
            .iter()
            .position(|s| s.decoded_part == f.location.decoded_part)
    };
    let role_findings: Vec<&Finding> = review
        .findings
        .iter()
        .filter(|f| f.role.is_some())
        .collect();
    let mut marks: Vec<(usize, Vec<Mark>)> = Vec::new();
    for (si, source) in review.sources.iter().enumerate() {
        let mut here: Vec<&Finding> = role_findings
            .iter()
            .copied()
            .filter(|f| source_of(f) == Some(si))
            .collect();
        if si != 0 && here.is_empty() {
            continue;
        }
        here.sort_by_key(|f| (f.location.byte_start, f.location.byte_end));
        marks.push((si, merge(&source.text, here)));
    }

    out.push_str("<div class=\"layout\">\n<section class=\"text\">\n<h3>Document text</h3>\n");
    let mut list = String::new();
    for (si, ms) in &marks {
        let source = &review.sources[*si];
        if let Some(p) = source.decoded_part {
            let _ = writeln!(out, "<h4>Decoded part {p}</h4>");
        }
        out.push_str("<pre class=\"source\">");
        let text = source.text.as_str();
        let mut at = 0;
        for (mi, m) in ms.iter().enumerate() {
            let id = format!("d{n}-s{si}-m{}", mi + 1);
            let title: Vec<String> = m.lines().iter().map(|(r, s)| format!("{r}: {s}")).collect();
            out.push_str(&esc(&text[at..m.start]));
            let _ = write!(
                out,
                "<mark id=\"{id}\" data-role=\"{}\" title=\"{}\">{}</mark>",
                esc(&m.roles().join(" ")),
                esc(&title.join("\n")),
                esc(&text[m.start..m.end])
            );
            at = m.end;
            let first = m.findings[0];
            let _ = write!(
                list,
                "<li><a href=\"#{id}\">{}</a> <span class=\"where\">line {}</span>\n<ul>\n",
                esc(&text[m.start..m.end]),
                first.location.line
            );
            for (role, said) in m.lines() {
                let _ = writeln!(
                    list,
                    "<li><strong>{}</strong>: {}</li>",
                    esc(&role),
                    esc(&said)
                );
            }
            list.push_str("</ul></li>\n");
        }
        out.push_str(&esc(&text[at..]));
        out.push_str("</pre>\n");
    }
    out.push_str("</section>\n<aside class=\"findings\">\n<h3>What each reader calls it</h3>\n");
    if list.is_empty() {
        out.push_str("<p class=\"ok\">No reader will stumble over a term.</p>\n");
    } else {
        let _ = write!(out, "<ol>\n{list}</ol>\n");
    }
    out.push_str("</aside>\n</div>\n</article>\n");
}

/// Turns findings (sorted by start) into marks over `text`, merging
/// overlapping ranges. A range that does not fall on character boundaries
/// of `text` is dropped rather than risk a panic or broken text.
fn merge<'a>(text: &str, findings: Vec<&'a Finding>) -> Vec<Mark<'a>> {
    let mut marks: Vec<Mark> = Vec::new();
    for f in findings {
        let (start, end) = (f.location.byte_start, f.location.byte_end);
        if start >= end || text.get(start..end).is_none() {
            continue;
        }
        match marks.last_mut() {
            Some(m) if start < m.end => {
                m.end = m.end.max(end);
                m.findings.push(f);
            }
            _ => marks.push(Mark {
                start,
                end,
                findings: vec![f],
            }),
        }
    }
    marks
}

/// Contrast: text 16:1 on white and on the mark colour (#ffe38a, 14:1).
const CSS: &str = "
:root{color-scheme:light;--fg:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b57d0;--mark:#ffe38a}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--fg);background:#fff}
header,main{padding:1rem 1.5rem}
header{border-bottom:1px solid var(--line)}
h1{margin:0 0 .75rem;font-size:1.6rem;line-height:1.2;overflow-wrap:anywhere}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem;overflow-wrap:anywhere}
h3{font-size:1.1rem;margin:1rem 0 .5rem}
table.counts{border-collapse:collapse;margin:.5rem 0}
table.counts caption{text-align:left;font-weight:600;padding-bottom:.25rem}
table.counts th,table.counts td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
table.counts thead th{background:#f2f2f2}
tr.unclear th{color:#8a1c00}
.ok{color:#1d5e20}
.rules{padding-left:1.25rem}
.sev{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase;font-size:.8rem}
.sev-error .sev{color:#a40e0e}.sev-warning .sev{color:#7a4a00}.sev-info .sev{color:#1f4e8c}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 22rem;gap:1.5rem;align-items:start}
pre.source{margin:0;padding:1rem;border:1px solid var(--line);background:#fcfcfc;white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
mark{background:var(--mark);color:var(--fg);border-bottom:2px solid #b07800;padding:0 1px;cursor:help}
mark:target{outline:3px solid var(--accent)}
aside.findings{position:sticky;top:0;max-height:100vh;overflow:auto}
aside ol{padding-left:2.5rem;margin:0}
aside li{margin:.25rem 0}
aside ul{padding-left:1rem;margin:.1rem 0 .5rem;list-style:none}
.where{color:var(--muted);font-size:.9rem}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
@media (max-width:60rem){.layout{grid-template-columns:1fr}aside.findings{position:static;max-height:none}}
@media print{
.layout{display:block}
aside.findings{position:static;max-height:none;overflow:visible;margin-top:1rem}
mark{-webkit-print-color-adjust:exact;print-color-adjust:exact}
pre.source{border:0;padding:0;background:none}
article.doc{break-before:page}
article.doc:first-child{break-before:auto}
a{color:inherit;text-decoration:none}
}
";

/// `s` escaped for HTML text and double-quoted attribute values: `& < > " '`
/// as entities.
fn esc(s: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Source;
    use crate::finding::{Fix, Severity};
    use crate::position::Location;
    use crate::review::{Review, RoleSummary};

    fn finding(role: &str, start: usize, end: usize, replacement: &str) -> Finding {
        Finding {
            path: "a.txt".into(),
            location: Location {
                line: 1,
                column: start + 1,
                end_line: 1,
                end_column: end + 1,
                byte_start: start,
                byte_end: end,
                decoded_part: None,
            },
            matched: "".into(),
            term: Some("DDP".into()),
            role: Some(role.into()),
            rule: "jargon",
            severity: Severity::Warning,
            replacements: vec![replacement.to_string()].into(),
            explanation: None,
            message: "".into(),
            field: None,
            fix: Fix::None(String::new()),
        }
    }

    fn review(text: &str, findings: Vec<Finding>) -> Review {
        Review {
            path: "<a>.txt".into(),
            roles: vec![RoleSummary {
                role: "finance".into(),
                terms: vec!["DDP".into()],
                occurrences: findings.len(),
            }],
            rules: Vec::new(),
            is_invoice: false,
            findings,
            sources: vec![Source {
                text: text.into(),
                decoded_part: None,
            }],
        }
    }

    #[test]
    fn roles_at_one_place_share_one_mark() {
        let r = review(
            "x DDP <y>",
            vec![
                finding("finance", 2, 5, "duties paid"),
                finding("purchasing", 2, 5, "\"q\""),
            ],
        );
        let html = render(&[r]);
        assert!(
            html.contains(
                "x <mark id=\"d1-s0-m1\" data-role=\"finance purchasing\" \
                 title=\"finance: duties paid\npurchasing: &quot;q&quot;\">DDP</mark> &lt;y&gt;"
            ),
            "{html}"
        );
        assert!(html.contains("<h1>Pre-send review of &lt;a&gt;.txt</h1>"));
    }

    #[test]
    fn ranges_off_character_boundaries_are_dropped() {
        let r = review("é DDP", vec![finding("finance", 1, 3, "x")]);
        let html = render(&[r]);
        assert!(!html.contains("<mark"), "{html}");
        assert!(html.contains("é DDP"));
    }
}
