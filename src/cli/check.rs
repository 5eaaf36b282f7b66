//! `plainly check`: the CI job. Walks the paths, checks every file, renders
//! the findings in path order, and maps the outcome to an exit code.

use clap::Args;

use super::{
    Common, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Out, load_engine, print_errors, stdout_color,
};
use crate::engine::Outcome;
use crate::finding::{FailOn, Summary};
use crate::report::{self, OutputFormat, ReportOptions};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to check; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Name standard input (for format detection and audience globs), e.g. invoice.md.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Lowest severity that makes the exit code 1 (default: config `fail_on`, else warning).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Print no notes about skipped files and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `plainly check`.
pub fn run(args: CheckArgs) -> i32 {
    let engine = match load_engine(&args.common) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let implied = args.paths.is_empty();
    let paths = if implied {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let (inputs, walk_errors) = crate::walk::inputs(
        &paths,
        args.stdin_name.as_deref(),
        &engine.config,
        &engine.phrasebook_files,
        implied,
    );
    print_errors(&walk_errors);
    let fail_on = args.fail_on.or(engine.config.fail_on).unwrap_or_default();
    let mut reporter = report::reporter(args.format, &ReportOptions::new(&engine, stdout_color()));
    let mut summary = Summary {
        errors: walk_errors.len(),
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
                if !args.quiet {
                    eprintln!("plainly: skipped {}: {why}", result.path);
                }
            }
            Outcome::Failed(e) => {
                summary.errors += 1;
                print_errors(std::slice::from_ref(e));
            }
        }
        out.write_with(|w| reporter.file(w, &result));
    });
    if !(args.quiet && args.format == OutputFormat::Human) {
        out.write_with(|w| reporter.finish(w, &summary));
    }
    out.finish();
    if summary.errors > 0 {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
