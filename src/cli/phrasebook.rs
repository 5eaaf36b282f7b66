//! `plainly phrasebook`: tools for the people who write phrasebooks.
//! `test` runs every term's examples through the real pipeline
//! ([`crate::selftest`]), `check` looks for mistakes the loader cannot see
//! ([`crate::booklint`]), and `suggest` harvests candidate terms from real
//! documents ([`crate::harvest`]). This file only maps flags onto those and
//! prints their results.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Common, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Out, Sources, load_engine, print_errors};
use crate::booklint::{self, Level};
use crate::diagnostic::SourceError;
use crate::engine::{Input, Setup, io_reason};
use crate::harvest::{self, Harvester};
use crate::selftest;

#[derive(Args, Debug)]
pub struct PhrasebookArgs {
    #[command(subcommand)]
    pub command: PhrasebookCommand,
}

#[derive(Subcommand, Debug)]
pub enum PhrasebookCommand {
    /// Run every term's `examples`: each `flag` sentence must be flagged for the term, each `pass` sentence must not.
    ///
    /// Each sentence is checked as `plainly check --role ROLE --lang LANG` would check it, for the term's role and
    /// language. The examples of every loaded phrasebook run: the bundled and configured ones too, unless
    /// --no-default-phrasebooks or --no-config.
    ///
    /// Exit codes: 0 every example holds, 1 some do not, 2 a phrasebook cannot be loaded.
    Test(BookArgs),
    /// Validate phrasebooks and warn about likely mistakes (replacements that are jargon, colliding variants).
    ///
    /// Everything loaded is checked together (a variant that collides with a bundled entry counts); with PATHs, only
    /// the warnings and notes in those files are printed.
    ///
    /// Exit codes: 0 no warnings (notes alone do not count), 1 warnings, 2 a phrasebook cannot be loaded.
    Check(BookArgs),
    /// Suggest terms from real documents: all-caps abbreviations, codes and frequent phrases no phrasebook knows yet.
    ///
    /// Prints YAML stubs to paste under `terms:`. Exit codes: 0, or 2 when a file or phrasebook cannot be read.
    Suggest(SuggestArgs),
}

/// Which phrasebooks `test` and `check` load.
#[derive(Args, Debug)]
pub struct BookArgs {
    /// Phrasebook files or folders of *.yaml phrasebooks, loaded after the bundled and configured ones.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
}

impl BookArgs {
    /// The books to load: the bundled and configured ones, then `paths`.
    fn common(&self) -> Common {
        Common {
            phrasebooks: self.paths.clone(),
            sources: self.sources.clone(),
            ..Default::default()
        }
    }

    fn setup(&self) -> Setup {
        self.common().setup()
    }
}

#[derive(Args, Debug)]
pub struct SuggestArgs {
    /// Documents or folders to harvest (read as `plainly check` reads them: only prose counts); `-` reads standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// Name standard input (for format detection), e.g. reply.eml.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Suggest only candidates seen at least this often (phrases always need 2).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_count: usize,
    /// Phrasebooks, config, and `--role` (suggest what these roles' phrasebooks
    /// lack; default: what no loaded phrasebook knows) and `--lang` (the
    /// documents' language, for the stop words of phrases).
    #[command(flatten)]
    pub common: Common,
}

/// Runs `plainly phrasebook`.
pub fn run(args: PhrasebookArgs) -> i32 {
    match args.command {
        PhrasebookCommand::Test(a) => test(&a),
        PhrasebookCommand::Check(a) => check(&a),
        PhrasebookCommand::Suggest(a) => suggest(&a),
    }
}

/// `plainly phrasebook test`.
fn test(args: &BookArgs) -> i32 {
    let report = match selftest::run(&args.setup()) {
        Ok(r) => r,
        Err(errors) => {
            print_errors(&errors);
            return EXIT_ERROR;
        }
    };
    let mut text = String::new();
    for f in &report.failures {
        text.push_str(&format!(
            "{}:{}: role {} ({}), term \"{}\": {} example failed\n  example: \"{}\"\n  result:  {}\n",
            f.path,
            f.line,
            f.role,
            f.language,
            f.term,
            f.expect.as_str(),
            f.sentence,
            f.what
        ));
    }
    text.push_str(&format!(
        "{} examples passed, {} failed\n",
        report.passed,
        report.failures.len()
    ));
    let mut out = Out::new();
    out.write_with(|w| w.write_all(text.as_bytes()));
    out.finish();
    if report.failures.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// `plainly phrasebook check`.
fn check(args: &BookArgs) -> i32 {
    let engine = match load_engine(&args.common()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut lints = booklint::lint(&engine.catalog);
    if !args.paths.is_empty() {
        // Checked in the context of everything loaded (a collision with a
        // bundled entry counts), but only the named files are reported on.
        let named: Vec<String> = args
            .paths
            .iter()
            .filter_map(|p| crate::phrasebook::phrasebook_files(p).ok())
            .flatten()
            .map(|f| f.display().to_string())
            .collect();
        lints.retain(|l| named.contains(&l.path));
    }
    let mut text = String::new();
    for l in &lints {
        text.push_str(&format!(
            "{}:{}: {}: {}\n",
            l.path,
            l.line,
            l.level.as_str(),
            l.message
        ));
    }
    let warnings = lints.iter().filter(|l| l.level == Level::Warning).count();
    let notes = lints.len() - warnings;
    text.push_str(&format!(
        "{} warning{}, {} note{}\n",
        warnings,
        plural(warnings),
        notes,
        plural(notes)
    ));
    let mut out = Out::new();
    out.write_with(|w| w.write_all(text.as_bytes()));
    out.finish();
    if warnings > 0 { EXIT_FINDINGS } else { EXIT_OK }
}

/// `plainly phrasebook suggest`.
fn suggest(args: &SuggestArgs) -> i32 {
    let engine = match load_engine(&args.common) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let (inputs, walk_errors) = crate::walk::inputs(
        &args.paths,
        args.stdin_name.as_deref(),
        &engine.config,
        &engine.phrasebook_files,
        false,
    );
    print_errors(&walk_errors);
    let mut errors = walk_errors.len();
    let mut harvester = Harvester::new(&engine.catalog, &args.common.roles);
    for input in &inputs {
        let (display, path) = match input {
            Input::File { display, path } => (display.as_str(), Some(path.as_path())),
            Input::Stdin { name } => (name.as_str(), None),
        };
        let read = match path {
            Some(p) => std::fs::read(p),
            None => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut bytes)
                    .map(|_| bytes)
            }
        };
        let bytes = match read {
            Ok(b) => b,
            Err(e) => {
                errors += 1;
                print_errors(&[SourceError::file(
                    display,
                    format!("cannot read: {}", io_reason(&e)),
                    "check that the file exists and that you may read it",
                )]);
                continue;
            }
        };
        let lang = args.common.lang.clone().or_else(|| {
            path.and_then(|p| engine.config.language_for(p))
                .map(str::to_string)
        });
        match harvester.add(display, &bytes, &engine.read_options, lang.as_deref()) {
            Ok(()) => {}
            Err(harvest::AddError::Skipped(why)) => {
                eprintln!("plainly: skipped {display}: {why}")
            }
            Err(harvest::AddError::Failed(e)) => {
                errors += 1;
                print_errors(&[e]);
            }
        }
    }
    let suggestions = harvester.suggestions(args.min_count);
    let mut out = Out::new();
    out.write_with(|w| w.write_all(harvest::stubs(&suggestions).as_bytes()));
    out.finish();
    if suggestions.is_empty() {
        eprintln!("plainly: no new candidates found");
    }
    if errors > 0 { EXIT_ERROR } else { EXIT_OK }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
