//! plainly finds industry jargon in customer-facing invoices, emails and
//! portal pages, per reader role at the customer, and says what that reader
//! would call it.
//!
//! Data flows one way: phrasebooks → [`catalog`] (matcher); file →
//! [`reader`] → prose segments ([`document`]); segments + catalog + roles →
//! [`rules`] → [`finding`]s → [`report`]ers. [`engine`] runs that pipeline
//! over files; [`cli`] maps flags onto it.

pub mod baseline;
pub mod booklint;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod glossary;
pub mod harvest;
pub mod lsp;
pub mod matcher;
pub mod phrasebook;
pub mod position;
pub mod reader;
pub mod report;
pub mod review;
pub mod rules;
pub mod selftest;
pub mod suppress;
pub mod walk;
mod yaml;

use std::cell::Cell;

thread_local! {
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic inside a third-party renderer into `None`
/// instead of a crash. Panics are silenced only while `f` runs (see
/// [`install_panic_hook`]).
pub fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    QUIET_PANICS.with(|q| q.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    QUIET_PANICS.with(|q| q.set(false));
    r
}

/// Installs a panic hook that stays silent inside [`quietly`] and otherwise
/// asks for a bug report.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if QUIET_PANICS.with(|q| q.get()) {
            return;
        }
        default(info);
        eprintln!("plainly: this is a bug; please report it with the file that caused it");
    }));
}
