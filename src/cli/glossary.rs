//! `plainly glossary`: the portal glossary of the selected roles' phrasebooks
//! in one language, as Markdown, HTML or JSON; with `--used-in`, only the
//! terms those documents use, with counts. Exit codes: 0 written, 2 usage,
//! phrasebook, config or file errors.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{Common, EXIT_ERROR, EXIT_OK, Out, load_engine, print_errors};
use crate::diagnostic::SourceError;
use crate::engine::Outcome;
use crate::glossary::{Glossary, Usage};
use crate::phrasebook::Policy;

/// `--format` values of `plainly glossary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GlossaryFormat {
    /// Markdown with an `<a id>` anchor per term.
    #[value(alias = "markdown")]
    Md,
    /// One self-contained HTML page with search and a role filter.
    Html,
    /// The v1 JSON contract.
    Json,
}

#[derive(Args, Debug)]
pub struct GlossaryArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: GlossaryFormat,
    /// Keep only the terms these files and folders use, with counts (repeatable).
    #[arg(long = "used-in", value_name = "PATH", num_args = 1..)]
    pub used_in: Vec<String>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `plainly glossary`.
pub fn run(args: GlossaryArgs) -> i32 {
    let language = args.common.lang.clone().unwrap_or_else(|| "en".to_string());
    // `--used-in` documents are read in the glossary's language, so that
    // their terms are this glossary's terms.
    let mut common = args.common.clone();
    common.lang = Some(language.clone());
    let mut engine = match load_engine(&common) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut glossary = match Glossary::build(&engine.catalog, &language, &common.roles) {
        Ok(g) => g,
        Err(e) => {
            print_errors(&[e]);
            return EXIT_ERROR;
        }
    };

    if !args.used_in.is_empty() {
        if common.roles.is_empty() {
            // The documents are read for every reader of the glossary, not
            // only the audience their front matter or the config names.
            common.roles = glossary.roles.iter().map(|r| r.id.clone()).collect();
            engine = match load_engine(&common) {
                Ok(e) => e,
                Err(code) => return code,
            };
        }
        // Every occurrence counts, not only those a reader is flagged for:
        // a term the document explains, or a role knows, is still used.
        for role in &mut engine.catalog.roles {
            for entry in &mut role.entries {
                entry.policy = Policy::Replace;
            }
        }
        let (inputs, mut errors) = crate::walk::inputs(
            &args.used_in,
            None,
            &engine.config,
            &engine.phrasebook_files,
            false,
        );
        let mut usage = Usage::default();
        engine.check_all(&inputs, |result| match &result.outcome {
            Outcome::Checked { findings, .. } => usage.add(findings),
            Outcome::Skipped(why) => eprintln!("plainly: skipped {}: {why}", result.path),
            Outcome::Failed(e) => errors.push(e.clone()),
        });
        if !errors.is_empty() {
            // A glossary missing the terms of an unreadable file is wrong,
            // not partial: write nothing.
            print_errors(&errors);
            return EXIT_ERROR;
        }
        glossary.retain_used(&usage);
    }

    let text = match args.format {
        GlossaryFormat::Md => glossary.to_markdown(),
        GlossaryFormat::Html => glossary.to_html(),
        GlossaryFormat::Json => glossary.to_json(),
    };
    match write_output(args.output.as_deref(), text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            print_errors(&[e]);
            EXIT_ERROR
        }
    }
}

/// Writes a command's whole output to `path` atomically (a temporary file in
/// the same folder, renamed over it: readers of the old file never see half
/// a page), or to standard output when there is no path. A file that exists
/// keeps its permissions; a new one gets the usual ones (0666 less umask),
/// not the temporary file's 0600.
pub(super) fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), SourceError> {
    let Some(path) = path else {
        let mut out = Out::new();
        out.write_with(|w| w.write_all(bytes));
        out.finish();
        return Ok(());
    };
    let name = path.display().to_string();
    let err = |e: std::io::Error| {
        SourceError::file(
            &name,
            format!("cannot write output: {}", crate::engine::io_reason(&e)),
            "check that the folder exists and that you may write to it",
        )
    };
    crate::fix::write_file_atomically(path, bytes).map_err(err)
}
