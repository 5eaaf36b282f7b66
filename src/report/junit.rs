//! `junit`: JUnit XML, for CI systems that show test reports. Each file is
//! one test case in one suite named `plainly`; the counts go in the suite's
//! attributes, so everything is buffered and written in `finish`.
//!
//! - A file with findings that fail the run (`--fail-on`) gets one
//!   `<failure>` listing them, one `path:line:col: rule: message` a line;
//!   findings below that level are listed in `<system-out>` and the case
//!   passes, so the report agrees with the exit code.
//! - A file that could not be read gets an `<error>`; a skipped file a
//!   `<skipped>`.

use std::io::{self, Write};

use super::{ReportOptions, Reporter, xml_attr, xml_text};
use crate::engine::{FileResult, Outcome};
use crate::finding::{FailOn, Finding, Severity, Summary};

pub struct Junit {
    fail_on: FailOn,
    cases: Vec<Case>,
}

/// One test case, ready to write.
struct Case {
    path: String,
    verdict: Verdict,
}

enum Verdict {
    Passed {
        /// Findings below the failing level, one line each.
        notes: String,
    },
    Failed {
        count: usize,
        worst: Severity,
        lines: String,
        notes: String,
    },
    Error {
        message: String,
        help: String,
    },
    Skipped(String),
}

impl Junit {
    pub fn new(options: &ReportOptions) -> Self {
        Junit {
            fail_on: options.fail_on,
            cases: Vec::new(),
        }
    }
}

/// `path:line:col: rule: message`; a finding in a decoded email part names
/// the part, since its line and column are in the decoded text.
fn line(f: &Finding) -> String {
    let l = &f.location;
    let place = match l.decoded_part {
        Some(part) => format!("{} (decoded part {part})", f.path),
        None => f.path.to_string(),
    };
    format!(
        "{place}:{}:{}: {}: {}\n",
        l.line,
        l.column,
        super::rule_id(f),
        f.message
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

impl Reporter for Junit {
    fn file(&mut self, _out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        let verdict = match &file.outcome {
            Outcome::Checked { findings, .. } => {
                let (mut lines, mut notes) = (String::new(), String::new());
                let mut count = 0;
                let mut worst = Severity::Info;
                for f in findings {
                    if self.fail_on.fails(f.severity) {
                        lines.push_str(&line(f));
                        count += 1;
                        worst = worst.max(f.severity);
                    } else {
                        notes.push_str(&line(f));
                    }
                }
                if count > 0 {
                    Verdict::Failed {
                        count,
                        worst,
                        lines,
                        notes,
                    }
                } else {
                    Verdict::Passed { notes }
                }
            }
            Outcome::Failed(e) => Verdict::Error {
                message: e.message.clone(),
                help: e.help.clone(),
            },
            Outcome::Skipped(why) => Verdict::Skipped(why.clone()),
        };
        self.cases.push(Case {
            path: file.path.clone(),
            verdict,
        });
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let count =
            |pred: fn(&Verdict) -> bool| self.cases.iter().filter(|c| pred(&c.verdict)).count();
        let counts = format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.cases.len(),
            count(|v| matches!(v, Verdict::Failed { .. })),
            count(|v| matches!(v, Verdict::Error { .. })),
            count(|v| matches!(v, Verdict::Skipped(_))),
        );
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<testsuites name=\"plainly\" {counts}>")?;
        writeln!(out, "  <testsuite name=\"plainly\" {counts}>")?;
        for case in &self.cases {
            // `file` lets GitLab and others link the case to the file.
            let path = xml_attr(&case.path);
            write!(
                out,
                "    <testcase name=\"{path}\" classname=\"plainly\" file=\"{path}\""
            )?;
            match &case.verdict {
                Verdict::Passed { notes } if notes.is_empty() => {
                    writeln!(out, "/>")?;
                    continue;
                }
                Verdict::Passed { notes } => {
                    writeln!(out, ">")?;
                    system_out(out, notes)?;
                }
                Verdict::Failed {
                    count,
                    worst,
                    lines,
                    notes,
                } => {
                    writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml_attr(&plural(*count, "finding")),
                        worst.as_str(),
                        xml_text(lines)
                    )?;
                    system_out(out, notes)?;
                }
                Verdict::Error { message, help } => writeln!(
                    out,
                    ">\n      <error message=\"{}\" type=\"file\">{}</error>",
                    xml_attr(message),
                    xml_text(help)
                )?,
                Verdict::Skipped(why) => {
                    writeln!(out, ">\n      <skipped message=\"{}\"/>", xml_attr(why))?
                }
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>\n</testsuites>")
    }
}

/// Findings that do not fail the run, as the case's output.
fn system_out(out: &mut dyn Write, notes: &str) -> io::Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "      <system-out>{}</system-out>", xml_text(notes))
}
