//! `plainly lsp` (being built).

use clap::Args;

#[derive(Args, Debug)]
pub struct LspArgs {}

/// Runs `plainly lsp`.
pub fn run(_args: LspArgs) -> i32 {
    eprintln!("plainly: `lsp` is not built yet");
    super::EXIT_ERROR
}
