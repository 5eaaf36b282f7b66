//! `concise`: one line per finding, `path:line:col: role: "term" -> replacement`
//! (`path (part N, decoded):line:col: …` for an encoded email part).

use std::io::{self, Write};

use super::Reporter;
use crate::engine::FileResult;
use crate::finding::{Finding, Summary};

pub struct Concise;

/// The one-line form of a finding.
pub fn line(f: &Finding) -> String {
    // Positions in a decoded email part are not positions in the file: say so.
    let place = match f.location.decoded_part {
        Some(part) => format!(
            "{} (part {part}, decoded):{}:{}",
            f.path, f.location.line, f.location.column
        ),
        None => format!("{}:{}:{}", f.path, f.location.line, f.location.column),
    };
    match (&f.role, &f.term) {
        (Some(role), Some(term)) => {
            let to = if f.replacements.is_empty() {
                "(explain it)".to_string()
            } else {
                f.replacements.join(" / ")
            };
            format!("{place}: {role}: \"{term}\" -> {to}")
        }
        _ => format!("{place}: {}: {}", f.rule, f.message),
    }
}

impl Reporter for Concise {
    fn file(&mut self, out: &mut dyn Write, file: &FileResult) -> io::Result<()> {
        for f in file.findings() {
            writeln!(out, "{}", line(f))?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
