//! `plainly glossary` (being built).

use clap::Args;

#[derive(Args, Debug)]
pub struct GlossaryArgs {}

/// Runs `plainly glossary`.
pub fn run(_args: GlossaryArgs) -> i32 {
    eprintln!("plainly: `glossary` is not built yet");
    super::EXIT_ERROR
}
