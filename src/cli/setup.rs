//! Commands that set plainly up rather than check text: `init` (a starter
//! config and phrasebooks), `completions` (shell completion scripts) and
//! `man` (the man page).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};

use super::{Cli, EXIT_ERROR, EXIT_OK, Out, print_errors};
use crate::diagnostic::SourceError;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to set up.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const CONFIG: &str = "# plainly configuration: see the README's \"Config\" section.
# Your own phrasebooks, added to the bundled ones (a later entry of the same
# term replaces the bundled one).
phrasebooks: [phrasebooks/]
default_phrasebooks: true
# Who reads your documents when nothing more specific applies.
roles: [finance, purchasing, end-user]
# Globs (relative to this file) -> roles; the first match wins.
audiences:
  \"invoices/**\": [finance, purchasing]
  \"portal/**\": [end-user]
exclude: [\"drafts/**\"]
fail_on: warning
";

fn starter_book(role: &str, name: &str) -> String {
    format!(
        "# Your company's own terms for {name}. Each entry: the industry term,
# what this reader calls it, a plain explanation, and a policy:
# replace (always flag), explain (flag an unexplained first use) or allow.
role: {role}
name: {name}
language: en
terms:
  - term: RSTK fee
    replacement: charge for taking returned goods back into stock
    explanation: What we charge when ordered goods are sent back and put back on our shelves.
    policy: replace
    examples:
      flag: [\"A RSTK fee of 15% applies.\"]
      pass: [\"Restocking starts on Monday.\"]
"
    )
}

/// Runs `plainly init`: refuses to overwrite anything, writes nothing unless
/// it can write everything.
pub fn init(args: InitArgs) -> i32 {
    let files: Vec<(PathBuf, String)> = vec![
        (args.dir.join(crate::config::FILE_NAME), CONFIG.to_string()),
        (
            args.dir.join("phrasebooks/finance.yaml"),
            starter_book("finance", "Finance department"),
        ),
        (
            args.dir.join("phrasebooks/purchasing.yaml"),
            starter_book("purchasing", "Purchasing"),
        ),
        (
            args.dir.join("phrasebooks/end-user.yaml"),
            starter_book("end-user", "People who use the product"),
        ),
    ];
    let existing: Vec<SourceError> = files
        .iter()
        .filter(|(p, _)| p.exists())
        .map(|(p, _)| {
            SourceError::file(
                &p.display().to_string(),
                "already exists; plainly init never overwrites",
                "edit the file, or move it away and run plainly init again",
            )
        })
        .collect();
    if !existing.is_empty() {
        print_errors(&existing);
        return EXIT_ERROR;
    }
    for (path, text) in &files {
        if let Err(e) = create_new(path, text) {
            print_errors(&[SourceError::file(
                &path.display().to_string(),
                format!("cannot write: {}", crate::engine::io_reason(&e)),
                "check that the folder is writable",
            )]);
            return EXIT_ERROR;
        }
        eprintln!("plainly: wrote {}", path.display());
    }
    EXIT_OK
}

fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// Runs `plainly completions SHELL`.
pub fn completions(args: CompletionsArgs) -> i32 {
    let mut out = Out::new();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "plainly", &mut buf);
    out.write_with(|w| w.write_all(&buf));
    out.finish();
    EXIT_OK
}

/// Runs `plainly man`: the man page in roff on stdout.
pub fn man() -> i32 {
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut buf) {
        eprintln!("plainly: cannot render the man page: {e}");
        return EXIT_ERROR;
    }
    let mut out = Out::new();
    out.write_with(|w| w.write_all(&buf));
    out.finish();
    EXIT_OK
}
