//! `checkstyle`: Checkstyle XML (`<checkstyle version="4.3">`), which many CI
//! tools and reviewdog (`-f=checkstyle`) read. Like Checkstyle itself, every
//! checked file gets a `<file>` element, with or without errors, in path
//! order. Files arrive in that order, so elements are written as they come.
//!
//! `source` is the rule id in dotted form (`plainly.jargon.finance`). A
//! finding in a decoded email part has no line in the file: it is given as
//! `line="0"` without a column (a file-level error, as other tools write
//! them), and its message says which part. A file that could not be read
//! gets one `error` with `source="plainly.file"`.

use std::io::{self, Write};

use super::{Reporter, xml_attr};
use crate::engine::{FileResult, Outcome};
use crate::finding::Summary;

#[derive(Default)]
pub struct Checkstyle {
    started: bool,
}

impl Checkstyle {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
            writeln!(out, "<checkstyle version=\"4.3\">")?;
            self.started = true;
        }
        Ok(())
    }
}

impl Reporter for Checkstyle {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        self.start(out)?;
        let name = xml_attr(&file.path);
        match &file.outcome {
            Outcome::Checked { findings, .. } if findings.is_empty() => {
                writeln!(out, "  <file name=\"{name}\"/>")?;
            }
            Outcome::Checked { findings, .. } => {
                writeln!(out, "  <file name=\"{name}\">")?;
                for f in findings {
                    let place = match f.location.decoded_part {
                        Some(_) => "line=\"0\"".to_string(),
                        None => format!(
                            "line=\"{}\" column=\"{}\"",
                            f.location.line, f.location.column
                        ),
                    };
                    writeln!(
                        out,
                        "    <error {place} severity=\"{}\" message=\"{}\" source=\"plainly.{}\"/>",
                        f.severity.as_str(),
                        xml_attr(&super::file_message(f)),
                        xml_attr(&super::rule_id(f).replace('/', "."))
                    )?;
                }
                writeln!(out, "  </file>")?;
            }
            Outcome::Failed(e) => {
                let mut place = format!("line=\"{}\"", e.line.unwrap_or(0));
                if let Some(column) = e.column {
                    place.push_str(&format!(" column=\"{column}\""));
                }
                writeln!(out, "  <file name=\"{name}\">")?;
                writeln!(
                    out,
                    "    <error {place} severity=\"error\" message=\"{}\" source=\"plainly.file\"/>",
                    xml_attr(&format!("{}: {}", e.message, e.help))
                )?;
                writeln!(out, "  </file>")?;
            }
            Outcome::Skipped(_) => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        writeln!(out, "</checkstyle>")
    }
}
