//! The `plainly` binary: parse the arguments, run, exit with the code.

fn main() {
    plainly::install_panic_hook();
    let code = plainly::cli::main();
    std::process::exit(code);
}
