//! Phrasebook self-tests (`plainly phrasebook test`): every term's `examples`
//! are checked the way `plainly check` would check them.
//!
//! Each sentence is read as a one-line `.txt` document and run through the
//! real pipeline ([`Engine::check_bytes`]) with the audience set to the
//! term's role and the language set to the role's language. A `flag`
//! sentence must yield a `jargon` finding for that term and role, a `pass`
//! sentence must yield none. Policy `explain` only reports an unexplained
//! first use, which is what a single sentence has.
//!
//! The examples tested are those of the merged catalog: an entry replaced by
//! a later phrasebook's entry of the same term is not what `check` uses, so
//! its examples are not run.

use crate::catalog::Role;
use crate::diagnostic::SourceError;
use crate::engine::{Engine, Outcome, Setup};
use crate::finding::Finding;
use crate::phrasebook::{Entry, Policy};

/// The document name every example sentence is checked under: plain text, so
/// the whole sentence is prose.
const EXAMPLE_NAME: &str = "example.txt";

/// Which list of `examples` a sentence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `flag`: the term must be found.
    Flag,
    /// `pass`: the term must not be found.
    Pass,
}

impl Expect {
    /// The key under `examples:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Flag => "flag",
            Expect::Pass => "pass",
        }
    }
}

/// One example that did not behave as its list says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The phrasebook file of the term (as loaded).
    pub path: String,
    /// The 1-based line of the term in that file.
    pub line: usize,
    pub role: String,
    pub language: String,
    pub term: String,
    pub expect: Expect,
    pub sentence: String,
    /// What happened instead, in words.
    pub what: String,
}

/// The result of a run: how many examples held, and the ones that did not.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<Failure>,
}

/// Loads the phrasebooks `setup` names and runs every example of every term
/// of every loaded role. `setup.roles` and `setup.lang` are ignored: each
/// role is checked on its own, in its own language.
pub fn run(setup: &Setup) -> Result<Report, Vec<SourceError>> {
    let base = Setup {
        roles: Vec::new(),
        lang: None,
        ..setup.clone()
    };
    let engine = Engine::load(&base)?;
    // Roles are independent: each gets its own engine, on its own thread.
    let per_role: Vec<Result<Report, Vec<SourceError>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = engine
            .catalog
            .roles
            .iter()
            .map(|role| scope.spawn(|| run_role(&base, role)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(vec![SourceError::file(
                        "plainly",
                        "an example check crashed",
                        "this is a bug; please report it with the phrasebook",
                    )])
                })
            })
            .collect()
    });
    let mut report = Report::default();
    for r in per_role {
        let r = r?;
        report.passed += r.passed;
        report.failures.extend(r.failures);
    }
    Ok(report)
}

/// Runs the examples of one role's entries.
fn run_role(base: &Setup, role: &Role) -> Result<Report, Vec<SourceError>> {
    let mut report = Report::default();
    if !role
        .entries
        .iter()
        .any(|e| !e.examples.flag.is_empty() || !e.examples.pass.is_empty())
    {
        return Ok(report);
    }
    // An engine whose audience and language are this role's, exactly as
    // `plainly check --role ROLE --lang LANG` would load it.
    let engine = Engine::load(&Setup {
        roles: vec![role.id.to_string()],
        lang: Some(role.language.clone()),
        ..base.clone()
    })?;
    for entry in &role.entries {
        let cases = entry
            .examples
            .flag
            .iter()
            .map(|s| (Expect::Flag, s))
            .chain(entry.examples.pass.iter().map(|s| (Expect::Pass, s)));
        for (expect, sentence) in cases {
            match judge(&engine, &role.id, entry, expect, sentence) {
                None => report.passed += 1,
                Some(what) => report.failures.push(Failure {
                    path: entry.origin.path.clone(),
                    line: entry.origin.line,
                    role: role.id.to_string(),
                    language: role.language.clone(),
                    term: entry.term.clone(),
                    expect,
                    sentence: sentence.clone(),
                    what,
                }),
            }
        }
    }
    Ok(report)
}

/// Checks one sentence; `None` when it behaves as expected, else what
/// happened instead.
fn judge(
    engine: &Engine,
    role: &str,
    entry: &Entry,
    expect: Expect,
    sentence: &str,
) -> Option<String> {
    let findings = match engine.check_bytes(EXAMPLE_NAME, None, sentence.as_bytes()) {
        Outcome::Checked { findings, .. } => findings,
        Outcome::Skipped(why) => return Some(format!("the sentence was not checked: {why}")),
        Outcome::Failed(e) => {
            return Some(format!("the sentence could not be read: {}", e.message));
        }
    };
    let is_jargon_for_role = |f: &&Finding| f.rule == "jargon" && f.role.as_deref() == Some(role);
    let mine: Vec<&Finding> = findings
        .iter()
        .filter(is_jargon_for_role)
        .filter(|f| f.term.as_deref() == Some(entry.term.as_str()))
        .collect();
    match expect {
        Expect::Flag if mine.is_empty() => {
            let others: Vec<String> = findings
                .iter()
                .filter(is_jargon_for_role)
                .map(|f| {
                    format!(
                        "\"{}\" (term \"{}\")",
                        f.matched,
                        f.term.as_deref().unwrap_or("")
                    )
                })
                .collect();
            let mut what = format!("no finding for \"{}\"", entry.term);
            if !others.is_empty() {
                what.push_str(&format!("; found {} instead", others.join(", ")));
            }
            if entry.policy == Policy::Allow {
                what.push_str("; its policy is `allow`, which never reports it");
            }
            Some(what)
        }
        Expect::Pass if !mine.is_empty() => Some(format!(
            "flagged {}",
            mine.iter()
                .map(|f| format!("\"{}\" at column {}", f.matched, f.location.column))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the examples of one phrasebook file, alone.
    fn run_book(yaml: &str) -> Report {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.yaml");
        std::fs::write(&path, yaml).unwrap();
        run(&Setup {
            phrasebooks: vec![path],
            no_default_phrasebooks: true,
            no_config: true,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn examples_that_hold_pass() {
        let r = run_book(
            "role: finance\nterms:\n  - term: RSTK fee\n    examples:\n      flag: [\"A RSTK fee applies.\"]\n      pass: [\"Restocking starts soon.\"]\n",
        );
        assert_eq!(r.passed, 2);
        assert!(r.failures.is_empty(), "{:?}", r.failures);
    }

    #[test]
    fn a_flag_sentence_without_the_term_fails() {
        let r = run_book(
            "role: finance\nterms:\n  - term: RSTK fee\n    examples:\n      flag: [\"A restock fee applies.\"]\n",
        );
        assert_eq!(r.passed, 0);
        let f = &r.failures[0];
        assert_eq!(
            (f.line, f.role.as_str(), f.term.as_str()),
            (3, "finance", "RSTK fee")
        );
        assert_eq!(f.expect, Expect::Flag);
        assert_eq!(f.what, "no finding for \"RSTK fee\"");
    }

    #[test]
    fn a_pass_sentence_with_the_term_fails() {
        let r = run_book(
            "role: finance\nterms:\n  - term: DDP\n    examples:\n      pass: [\"Sold DDP Oslo.\"]\n",
        );
        assert_eq!(r.failures[0].what, "flagged \"DDP\" at column 6");
    }

    #[test]
    fn a_longer_term_that_wins_is_named() {
        let r = run_book(
            "role: finance\nterms:\n  - term: net 30\n    examples:\n      flag: [\"Terms: 2/10 net 30.\"]\n  - term: 2/10 net 30\n",
        );
        assert_eq!(
            r.failures[0].what,
            "no finding for \"net 30\"; found \"2/10 net 30\" (term \"2/10 net 30\") instead"
        );
    }

    #[test]
    fn allowed_terms_are_never_flagged() {
        let r = run_book(
            "role: finance\nterms:\n  - term: net 30\n    policy: allow\n    examples:\n      flag: [\"Pay net 30.\"]\n",
        );
        assert!(
            r.failures[0]
                .what
                .ends_with("policy is `allow`, which never reports it")
        );
    }

    #[test]
    fn each_role_is_checked_in_its_own_language() {
        let r = run_book(
            "role: finance\nlanguage: sv\nterms:\n  - term: förfallodag\n    examples:\n      flag: [\"Förfallodag: 30 april.\"]\n",
        );
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        assert_eq!(r.passed, 1);
    }
}
