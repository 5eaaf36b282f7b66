//! `plainly review`: the pre-send review of one document (or a few) — a
//! short summary per reader role and of the invoice-clarity rules, then the
//! findings. Exit codes as `check`.

use clap::Args;

use super::{
    Common, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Out, load_engine, print_errors, stdout_color,
};
use crate::engine::Outcome;
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
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
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
    let mut reporter = report::reporter(
        OutputFormat::Human,
        &ReportOptions::new(&engine, stdout_color()),
    );
    let mut summary = Summary {
        errors: errors.len(),
        ..Default::default()
    };
    let mut failing = false;
    let mut out = Out::new();
    engine.check_all(&inputs, |result| {
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
        if let Some(review) = Review::new(result) {
            out.write_with(|w| w.write_all(review.summary_text().as_bytes()));
            let again = crate::engine::FileResult {
                path,
                disk_path,
                info,
                outcome: Outcome::Checked {
                    findings: review.findings,
                    sources: review.sources,
                },
            };
            out.write_with(|w| reporter.file(w, &again));
        }
    });
    out.write_with(|w| reporter.finish(w, &summary));
    out.finish();
    if summary.errors > 0 {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
