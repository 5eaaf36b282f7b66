//! `plainly lsp`: the language server for editors, over standard input and
//! output. The server itself is [`crate::lsp`]; this file only maps the
//! command line onto it.

use clap::Args;

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Talk over standard input and output (the only transport; accepted
    /// because many editor clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Runs `plainly lsp` until the editor sends `exit`. Exit code 0 after
/// `shutdown` and `exit`, 1 otherwise, as the protocol asks.
pub fn run(_args: LspArgs) -> i32 {
    crate::lsp::serve_stdio()
}
