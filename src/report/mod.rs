//! Reporters render the finding list; one file per output format. They only
//! render what they are handed, in the order handed (path, then position).
//!
//! The CI formats (`sarif`, `github`, `rdjson`, `junit`, `checkstyle`) share
//! the few conventions defined here: the rule id a finding is reported under,
//! the repository-relative path, the note on findings in decoded email parts,
//! and XML escaping.

pub mod checkstyle;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod rdjson;
pub mod review_html;
pub mod sarif;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::engine::{FileResult, Outcome};
use crate::finding::{FailOn, Finding, Severity, Summary};

/// An output format: fed each file's result in path order, then the summary.
pub trait Reporter {
    /// Renders one file's findings.
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()>;
    /// Ends the report.
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
    /// What renders a file's findings on the thread that checked the file,
    /// so that rendering uses every core (`human`, whose snippets are slow
    /// to render, and `json`). [`Reporter::file_rendered`] then
    /// writes the result in path order. None: [`Reporter::file`] renders.
    fn renderer(&self) -> Option<Box<dyn Render>> {
        None
    }
    /// [`Reporter::file`] for a file whose findings, exactly as they are in
    /// `file`, the [`Reporter::renderer`] rendered as `rendered`.
    fn file_rendered(
        &mut self,
        out: &mut dyn Write,
        file: &FileResult,
        rendered: &[u8],
    ) -> io::Result<()> {
        let _ = rendered;
        self.file(out, file)
    }
}

/// Renders one file's findings with no state shared between files.
pub trait Render: Send + Sync {
    fn render(&self, file: &FileResult, buf: &mut Vec<u8>);
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Snippets with the term underlined, for people at a terminal.
    Human,
    /// One line per finding.
    Concise,
    /// The stable v1 JSON contract.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// reviewdog Diagnostic Format (`reviewdog -f=rdjson`).
    Rdjson,
    /// JUnit XML: one test case per file.
    Junit,
    /// Checkstyle XML.
    Checkstyle,
}

/// Settings every reporter may use.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// ANSI colour (a terminal, and no `NO_COLOR`).
    pub color: bool,
    /// Every rule the run can report (for formats that list rules).
    pub rules: Vec<RuleInfo>,
    /// Which findings fail the run: JUnit reports only those as failures.
    /// `new` takes it from the config; the CLI sets it from `--fail-on`.
    pub fail_on: FailOn,
}

/// A rule as output formats describe it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// `jargon/<role>`, `invoice/...`, `suppression/...`.
    pub id: String,
    pub default_severity: Severity,
    /// One sentence: what it checks.
    pub summary: String,
    /// What to do about a finding of this rule.
    pub help: String,
}

impl ReportOptions {
    /// The options for a run with `engine`'s roles.
    pub fn new(engine: &crate::engine::Engine, color: bool) -> Self {
        let mut rules: Vec<RuleInfo> = engine
            .catalog
            .role_ids()
            .into_iter()
            .map(|role| RuleInfo {
                summary: format!("Industry terms that {role} readers do not know, with the words they use instead."),
                help: format!(
                    "Write the words {role} readers use (the finding names them), or explain the term \
                     in parentheses or with a link to the glossary at its first use. `plainly check --fix` \
                     applies the replacements that are safe for every role the document is written for."
                ),
                id: format!("jargon/{role}"),
                default_severity: Severity::Warning,
            })
            .collect();
        rules.extend(
            crate::rules::invoice::RULES
                .iter()
                .map(|&(id, default_severity, summary)| RuleInfo {
                    id: id.to_string(),
                    default_severity,
                    summary: summary.to_string(),
                    help: format!(
                        "Give the human reader of the invoice what it leaves out (the finding says \
                         what and where). Change the rule's severity or switch it off under `rules:` \
                         in .plainly.yaml (`{id}: off`)."
                    ),
                }),
        );
        rules.extend([
            RuleInfo {
                id: crate::suppress::NO_REASON.to_string(),
                default_severity: Severity::Info,
                summary: "A suppression comment that gives no reason.".to_string(),
                help: "Add the reason after ` -- ` so reviewers know why the term stays: \
                       `<!-- plainly-disable-next-line DDP -- the customer's contract term -->` \
                       in Markdown and HTML, `plainly: ignore DDP -- the customer's contract term` \
                       in text and email."
                    .to_string(),
            },
            RuleInfo {
                id: crate::suppress::UNUSED.to_string(),
                default_severity: Severity::Info,
                summary: "A suppression comment that suppresses nothing.".to_string(),
                help: "Remove the suppression, or correct the term it names.".to_string(),
            },
        ]);
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        ReportOptions {
            color,
            rules,
            fail_on: engine.config.fail_on.unwrap_or_default(),
        }
    }
}

/// The reporter for `format`.
pub fn reporter(format: OutputFormat, options: &ReportOptions) -> Box<dyn Reporter> {
    match format {
        OutputFormat::Human => Box::new(human::Human::new(options.color)),
        OutputFormat::Concise => Box::new(concise::Concise),
        OutputFormat::Json => Box::new(json::Json::default()),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(options)),
        OutputFormat::Github => Box::new(github::Github),
        OutputFormat::Rdjson => Box::new(rdjson::Rdjson::default()),
        OutputFormat::Junit => Box::new(junit::Junit::new(options)),
        OutputFormat::Checkstyle => Box::new(checkstyle::Checkstyle::default()),
    }
}

/// Where to read about plainly, when the package names a repository.
pub const HOMEPAGE: Option<&str> = {
    let url = env!("CARGO_PKG_REPOSITORY");
    if url.is_empty() { None } else { Some(url) }
};

/// The rule id a finding is reported under: `jargon/<role>` for a finding
/// for one role, else the rule itself (`invoice/...`, `suppression/...`).
pub fn rule_id(f: &Finding) -> Cow<'_, str> {
    match &f.role {
        Some(role) => Cow::Owned(format!("{}/{role}", f.rule)),
        None => Cow::Borrowed(f.rule),
    }
}

/// The path as CI tools match it against the repository: as given, with
/// leading `./` removed and `\` turned into `/`.
pub fn repo_path(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while p.starts_with("./") {
        p.drain(..2);
    }
    p
}

/// The finding's message for formats that point at the file: a finding in
/// a decoded email part has no place in the file's bytes, so those formats
/// give only the file and say which part.
pub fn file_message(f: &Finding) -> Cow<'_, str> {
    match f.location.decoded_part {
        Some(part) => Cow::Owned(format!("{} (in decoded part {part})", f.message)),
        None => Cow::Borrowed(&f.message),
    }
}

/// The text of the file itself (not a decoded part), when it was checked.
pub fn file_text(file: &FileResult) -> Option<&str> {
    match &file.outcome {
        Outcome::Checked { sources, .. } => sources
            .iter()
            .find(|s| s.decoded_part.is_none())
            .map(|s| s.text.as_str()),
        _ => None,
    }
}

/// `s` escaped for an XML attribute value in double quotes: markup
/// characters as entities (quick-xml), tab and line breaks as character
/// references (a parser would turn them into spaces), and characters XML 1.0
/// cannot carry at all as U+FFFD.
pub fn xml_attr(s: &str) -> String {
    let escaped = quick_xml::escape::escape(xml_chars(s));
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        match c {
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` escaped for XML element content; `\r` as a character reference so a
/// parser keeps it.
pub fn xml_text(s: &str) -> String {
    quick_xml::escape::partial_escape(xml_chars(s)).replace('\r', "&#13;")
}

/// `s` with the characters XML 1.0 forbids (most C0 controls, U+FFFE,
/// U+FFFF) replaced by U+FFFD: no escape can carry them.
fn xml_chars(s: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if s.chars().all(allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_relative_with_slashes() {
        assert_eq!(repo_path("./docs/a.md"), "docs/a.md");
        assert_eq!(repo_path("././a.md"), "a.md");
        assert_eq!(repo_path(".\\docs\\a.md"), "docs/a.md");
        assert_eq!(repo_path("docs/a.md"), "docs/a.md");
        assert_eq!(repo_path("/abs/a.md"), "/abs/a.md");
    }

    #[test]
    fn xml_escapes_markup_breaks_and_forbidden_characters() {
        assert_eq!(
            xml_attr("a<b>&\"c'\nd\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;d\u{FFFD}"
        );
        assert_eq!(xml_text("a<b>&\"\r\n"), "a&lt;b&gt;&amp;\"&#13;\n");
    }
}
