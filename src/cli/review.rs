//! `plainly review`: the pre-send review of one document (or a few) — a
//! short summary per reader role and of the invoice-clarity rules, then the
//! findings; with `--html`, one self-contained page of it all. Exit codes as
//! `check`.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;

use super::{
    Common, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Out, load_engine, print_errors, stdout_color,
};
use crate::engine::{FileResult, Outcome};
use crate::finding::{FailOn, Summary};
use crate::report::{self, OutputFormat, ReportOptions};
use crate::review::Review;

#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The document(s) to review; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    #[command(flatten)]
    pub common: Common,
    /// Name standard input (for format detection), e.g. reply.eml.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Lowest severity that makes the exit code 1 (default: config `fail_on`, else warning).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// One self-contained HTML page: the text highlighted, each reader's words on hover.
    #[arg(long)]
    pub html: bool,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Where the review goes: straight to standard output, or into memory when
/// it is written to a file (once, atomically).
enum Sink {
    Stdout(Out),
    Memory(Vec<u8>),
}

impl Sink {
    fn write_with(&mut self, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        match self {
            Sink::Stdout(out) => out.write_with(f),
            // Writing to memory cannot fail.
            Sink::Memory(buf) => {
                let _ = f(buf);
            }
        }
    }
}

/// Runs `plainly review`.
pub fn run(args: ReviewArgs) -> i32 {
    let engine = match load_engine(&args.common) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let (inputs, errors) = crate::walk::inputs(
        &args.files,
        args.stdin_name.as_deref(),
        &engine.config,
        &engine.phrasebook_files,
        false,
    );
    print_errors(&errors);
    let fail_on = args.fail_on.or(engine.config.fail_on).unwrap_or_default();
    let color = stdout_color() && args.output.is_none();
    let mut reporter = report::reporter(OutputFormat::Human, &ReportOptions::new(&engine, color));
    let mut summary = Summary {
        errors: errors.len(),
        ..Default::default()
    };
    let mut failing = false;
    let mut sink = match args.output {
        Some(_) => Sink::Memory(Vec::new()),
        None => Sink::Stdout(Out::new()),
    };
    // The page needs every review before it can start.
    let mut reviews: Vec<Review> = Vec::new();
    engine.check_all(&inputs, |result| {
        for note in &result.info.notes {
            eprintln!("plainly: note: {}: {note}", result.path);
        }
        match &result.outcome {
            Outcome::Checked { findings, .. } => {
                summary.files_checked += 1;
                summary.findings += findings.len();
                failing |= findings.iter().any(|f| fail_on.fails(f.severity));
            }
            Outcome::Skipped(why) => {
                summary.files_skipped += 1;
                eprintln!("plainly: skipped {}: {why}", result.path);
                return;
            }
            Outcome::Failed(e) => {
                summary.errors += 1;
                print_errors(std::slice::from_ref(e));
                return;
            }
        }
        let path = result.path.clone();
        let disk_path = result.disk_path.clone();
        let info = result.info.clone();
        let Some(review) = Review::new(result) else {
            return;
        };
        if args.html {
            reviews.push(review);
            return;
        }
        sink.write_with(|w| w.write_all(review.summary_text().as_bytes()));
        let again = FileResult {
            path,
            disk_path,
            info,
            outcome: Outcome::Checked {
                findings: review.findings,
                sources: review.sources,
            },
        };
        sink.write_with(|w| reporter.file(w, &again));
    });
    if args.html {
        let page = report::review_html::render(&reviews);
        sink.write_with(|w| w.write_all(page.as_bytes()));
    } else {
        sink.write_with(|w| reporter.finish(w, &summary));
    }
    match sink {
        Sink::Stdout(out) => out.finish(),
        Sink::Memory(bytes) => {
            if let Err(e) = super::glossary::write_output(args.output.as_deref(), &bytes) {
                print_errors(&[e]);
                return EXIT_ERROR;
            }
        }
    }
    if summary.errors > 0 {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
