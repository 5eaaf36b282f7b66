//! `plainly phrasebook` (being built).

use clap::Args;

#[derive(Args, Debug)]
pub struct PhrasebookArgs {}

/// Runs `plainly phrasebook`.
pub fn run(_args: PhrasebookArgs) -> i32 {
    eprintln!("plainly: `phrasebook` is not built yet");
    super::EXIT_ERROR
}
