//! The command line: flags parsed once into plain structs, then handed to the
//! library. Exit codes: 0 nothing at or above `--fail-on`, 1 findings, 2
//! usage, config, phrasebook or file errors.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::diagnostic::{self, SourceError};
use crate::engine::{Engine, Outcome, Setup};
use crate::finding::{FailOn, Summary};
use crate::report::{self, OutputFormat, ReportOptions};

/// Exit code: no finding at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage, config, phrasebook or file errors.
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "plainly",
    version,
    about = "Finds industry jargon in customer-facing invoices, emails and portal pages, per reader role, and says what that reader would call it.",
    after_help = "Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, config, phrasebook or file errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check files and folders (default: the current folder) for jargon.
    Check(CheckArgs),
}

/// Phrasebook, config, role and language selection, shared by commands.
#[derive(Args, Debug, Clone, Default)]
pub struct Common {
    /// A phrasebook file, or a folder of *.yaml phrasebooks (repeatable).
    #[arg(long = "phrasebook", value_name = "PATH")]
    pub phrasebooks: Vec<PathBuf>,
    /// Do not load the bundled phrasebooks.
    #[arg(long)]
    pub no_default_phrasebooks: bool,
    /// Which reader roles to check for (repeatable); overrides front matter and config.
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Document language (BCP 47, e.g. en, nl, sv); overrides what documents say.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Use this config file instead of looking for .plainly.yaml.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any .plainly.yaml.
    #[arg(long)]
    pub no_config: bool,
}

impl Common {
    fn setup(&self) -> Setup {
        Setup {
            phrasebooks: self.phrasebooks.clone(),
            no_default_phrasebooks: self.no_default_phrasebooks,
            config: self.config.clone(),
            no_config: self.no_config,
            roles: self.roles.clone(),
            lang: self.lang.clone(),
        }
    }
}

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

/// Parses `std::env::args` and runs; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    run(cli)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
    }
}

fn stderr_color() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn stdout_color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints problems with the user's files to stderr.
pub fn print_errors(errors: &[SourceError]) {
    let color = stderr_color();
    let mut err = io::stderr().lock();
    for e in errors {
        let _ = err.write_all(diagnostic::render(e, color).as_bytes());
    }
}

/// Loads the engine or prints why it cannot be loaded.
pub fn load_engine(common: &Common) -> Result<Engine, i32> {
    Engine::load(&common.setup()).map_err(|errors| {
        print_errors(&errors);
        EXIT_ERROR
    })
}

/// Stdout that turns a closed pipe (`| head`) into a quiet stop.
pub struct Out {
    inner: io::BufWriter<io::StdoutLock<'static>>,
    closed: bool,
}

impl Out {
    pub fn new() -> Self {
        Out {
            inner: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
            closed: false,
        }
    }

    /// Runs a write; after a broken pipe, later writes are skipped. Other
    /// errors are reported once.
    pub fn write_with(&mut self, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        if self.closed {
            return;
        }
        if let Err(e) = f(&mut self.inner) {
            self.closed = true;
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("plainly: cannot write output: {e}");
            }
        }
    }

    pub fn finish(mut self) {
        self.write_with(|w| w.flush());
    }
}

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

fn check(args: CheckArgs) -> i32 {
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
    let mut reporter = report::reporter(
        args.format,
        &ReportOptions {
            color: stdout_color(),
        },
    );
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
