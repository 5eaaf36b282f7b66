//! The command line: flags parsed once into plain structs, then handed to the
//! library. One file per subcommand. Exit codes: 0 nothing at or above `--fail-on`, 1 findings, 2
//! usage, config, phrasebook or file errors.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod check;
mod glossary;
mod lsp;
mod phrasebook;
mod review;
mod setup;

use crate::diagnostic::{self, SourceError};
use crate::engine::{Engine, Setup};

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
    Check(check::CheckArgs),
    /// Pre-send review of one invoice, email or page: who will stumble, and why.
    Review(review::ReviewArgs),
    /// Generate the portal glossary (Markdown, HTML or JSON) from the phrasebooks.
    Glossary(glossary::GlossaryArgs),
    /// Phrasebook tools: test the examples, check for mistakes, suggest new terms.
    Phrasebook(phrasebook::PhrasebookArgs),
    /// Run the language server (LSP over stdio) for editors.
    Lsp(lsp::LspArgs),
    /// Write a starter .plainly.yaml and one phrasebook per role (never overwrites).
    Init(setup::InitArgs),
    /// Print a shell completion script.
    Completions(setup::CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// Where the bundled phrasebooks and the config come from, shared by every
/// command that loads phrasebooks.
#[derive(Args, Debug, Clone, Default)]
pub struct Sources {
    /// Do not load the bundled phrasebooks.
    #[arg(long)]
    pub no_default_phrasebooks: bool,
    /// Use this config file instead of looking for .plainly.yaml.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any .plainly.yaml.
    #[arg(long)]
    pub no_config: bool,
}

/// Phrasebook, config, role and language selection, shared by commands.
#[derive(Args, Debug, Clone, Default)]
pub struct Common {
    /// A phrasebook file, or a folder of *.yaml phrasebooks (repeatable).
    #[arg(long = "phrasebook", value_name = "PATH")]
    pub phrasebooks: Vec<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
    /// Reader roles to use (repeatable); when checking, overrides front matter and config.
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Language (BCP 47: en, nl, sv); when checking, overrides what documents say.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

impl Common {
    fn setup(&self) -> Setup {
        Setup {
            phrasebooks: self.phrasebooks.clone(),
            no_default_phrasebooks: self.sources.no_default_phrasebooks,
            config: self.sources.config.clone(),
            no_config: self.sources.no_config,
            roles: self.roles.clone(),
            lang: self.lang.clone(),
        }
    }
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
        Command::Check(args) => check::run(args),
        Command::Review(args) => review::run(args),
        Command::Glossary(args) => glossary::run(args),
        Command::Phrasebook(args) => phrasebook::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Init(args) => setup::init(args),
        Command::Completions(args) => setup::completions(args),
        Command::Man => setup::man(),
    }
}

pub fn stderr_color() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn stdout_color() -> bool {
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

    /// Whether a write failed (a closed pipe): later writes are skipped.
    pub fn is_closed(&self) -> bool {
        self.closed
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
