//! `github`: GitHub Actions workflow commands, one line per finding, which
//! the runner turns into annotations on the pull request:
//! `::warning file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=TITLE::MESSAGE`.
//!
//! GitHub accepts columns only on a single line, so a finding that spans
//! lines gives lines only; a finding in a decoded email part gives the file
//! only (its positions are in the decoded text). Files that could not be
//! read are annotated as errors too, so the failure shows on the pull request.

use std::io::{self, Write};

use super::Reporter;
use crate::engine::{FileResult, Outcome};
use crate::finding::{Finding, Severity, Summary};

pub struct Github;

/// The workflow command for a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's data (the message), as the runner unescapes it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus the `:` and `,` that delimit
/// properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation line for one finding.
pub fn annotation(f: &Finding) -> String {
    let l = &f.location;
    let mut props = vec![format!(
        "file={}",
        escape_property(&super::repo_path(&f.path))
    )];
    if l.decoded_part.is_none() {
        props.push(format!("line={}", l.line));
        if l.line == l.end_line {
            props.push(format!("col={}", l.column));
        }
        props.push(format!("endLine={}", l.end_line));
        if l.line == l.end_line {
            props.push(format!("endColumn={}", l.end_column));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("plainly {}", super::rule_id(f)))
    ));
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&super::file_message(f))
    )
}

impl Reporter for Github {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        match &file.outcome {
            Outcome::Checked { findings, .. } => {
                for f in findings {
                    writeln!(out, "{}", annotation(f))?;
                }
            }
            Outcome::Failed(e) => {
                let mut props = vec![format!(
                    "file={}",
                    escape_property(&super::repo_path(&file.path))
                )];
                if let Some(line) = e.line {
                    props.push(format!("line={line}"));
                }
                if let Some(col) = e.column {
                    props.push(format!("col={col}"));
                }
                props.push("title=plainly".to_string());
                writeln!(
                    out,
                    "::error {}::{}",
                    props.join(","),
                    escape_data(&format!("{}: {}", e.message, e.help))
                )?;
            }
            Outcome::Skipped(_) => {}
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            escape_data("50% off\r\nnow: a,b"),
            "50%25 off%0D%0Anow: a,b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
