//! Phrasebook checks (`plainly phrasebook check`): mistakes that load fine
//! but make plainly's advice wrong, found over the merged [`Catalog`].
//!
//! - A replacement that is itself jargon for the same role (found with that
//!   role's own entries, as the jargon rule would find it): the advice would
//!   swap one unknown term for another.
//! - A spelling shared by two entries of one role (possible across files;
//!   one file cannot have it, the loader rejects that): only the first
//!   entry is ever reported, so the other's advice is dead.
//! - A note, not a warning, for a term that every loaded role of its language
//!   flags: no reader knows it, so it is one for plain words or the glossary.
//!
//! The checks read no files and print nothing; the CLI renders the [`Lint`]s.

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Hit, primary};
use crate::matcher::{normalize, select};
use crate::phrasebook::{Entry, Policy};

/// How much a [`Lint`] matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Worth knowing; never fails the run.
    Note,
    /// Very likely a mistake; exit code 1.
    Warning,
}

impl Level {
    /// The lowercase name printed before the message.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
        }
    }
}

/// One finding about a phrasebook, at the line of the term it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lint {
    pub path: String,
    pub line: usize,
    pub level: Level,
    pub message: String,
}

impl Lint {
    fn at(entry: &Entry, level: Level, message: String) -> Self {
        Lint {
            path: entry.origin.path.clone(),
            line: entry.origin.line,
            level,
            message,
        }
    }
}

/// Runs every check over the catalog; the result is sorted by file and line.
pub fn lint(catalog: &Catalog) -> Vec<Lint> {
    let mut out = jargon_replacements(catalog);
    out.extend(colliding_spellings(catalog));
    out.extend(known_by_nobody(catalog));
    out.sort();
    out
}

/// The entry of role `role` that needle `needle` stands for at `matched`, if
/// any: the first hit of the role whose case (for case-sensitive entries)
/// agrees, which is the one the jargon rule reports.
fn role_hit<'c>(
    catalog: &'c Catalog,
    needle: usize,
    role: usize,
    matched: &str,
) -> Option<&'c Hit> {
    catalog.hits[needle]
        .iter()
        .find(|h| h.role == role && catalog.accepts(h, matched))
}

/// Replacements that contain a term the same role flags.
fn jargon_replacements(catalog: &Catalog) -> Vec<Lint> {
    let mut out = Vec::new();
    for (ri, role) in catalog.roles.iter().enumerate() {
        for entry in &role.entries {
            if entry.policy == Policy::Allow {
                continue;
            }
            for replacement in &entry.replacements {
                let candidates = catalog.matcher.find(replacement);
                let chosen = select(&candidates, |c| {
                    role_hit(catalog, c.needle, ri, &replacement[c.range.clone()]).is_some()
                });
                for c in chosen {
                    let matched = &replacement[c.range.clone()];
                    let Some(hit) = role_hit(catalog, c.needle, ri, matched) else {
                        continue;
                    };
                    let other = &role.entries[hit.entry];
                    if other.policy == Policy::Allow {
                        continue;
                    }
                    let which = if normalize(&other.term) == normalize(&entry.term) {
                        "the term itself".to_string()
                    } else {
                        format!(
                            "term \"{}\" ({}:{})",
                            other.term, other.origin.path, other.origin.line
                        )
                    };
                    out.push(Lint::at(
                        entry,
                        Level::Warning,
                        format!(
                            "replacement \"{replacement}\" of \"{}\" uses \"{matched}\", which is jargon for role {} too ({which}): write it in words {} readers know",
                            entry.term, role.id, role.id
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Spellings that two entries of one role share.
fn colliding_spellings(catalog: &Catalog) -> Vec<Lint> {
    let mut out = Vec::new();
    for (needle, hits) in catalog.hits.iter().enumerate() {
        for (i, later) in hits.iter().enumerate() {
            // The first hit of the role is the one reported; every later
            // entry of the same role is shadowed by it.
            let Some(first) = hits[..i].iter().find(|h| h.role == later.role) else {
                continue;
            };
            let role = &catalog.roles[later.role];
            let (a, b) = (&role.entries[first.entry], &role.entries[later.entry]);
            if a.case_sensitive
                && b.case_sensitive
                && !crate::catalog::same_spelling(&first.spelling, &later.spelling)
            {
                continue;
            }
            // As the later entry writes it.
            let key = catalog.matcher.needle(needle);
            let spelling = b.spellings().find(|s| normalize(s) == key).unwrap_or(key);
            out.push(Lint::at(
                b,
                Level::Warning,
                format!(
                    "\"{spelling}\" of term \"{}\" is also a spelling of term \"{}\" ({}:{}) in role {}: plainly reports it as \"{}\" only; remove it from one of the two entries",
                    b.term, a.term, a.origin.path, a.origin.line, role.id, a.term
                ),
            ));
        }
    }
    out
}

/// Terms that every loaded role of a language flags (two roles or more).
fn known_by_nobody(catalog: &Catalog) -> Vec<Lint> {
    // language → role ids, in load order.
    let mut languages: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for role in &catalog.roles {
        let ids = languages.entry(primary(&role.language)).or_default();
        if !ids.contains(&&*role.id) {
            ids.push(&role.id);
        }
    }
    let mut out = Vec::new();
    for (lang, ids) in &languages {
        if ids.len() < 2 {
            continue;
        }
        // term key → (first entry, roles that flag it, roles that allow it).
        let mut terms: BTreeMap<String, (&Entry, Vec<&str>, bool)> = BTreeMap::new();
        for role in catalog
            .roles
            .iter()
            .filter(|r| primary(&r.language) == *lang)
        {
            for entry in &role.entries {
                let slot =
                    terms
                        .entry(normalize(&entry.term))
                        .or_insert((entry, Vec::new(), false));
                if entry.policy == Policy::Allow {
                    slot.2 = true;
                } else if !slot.1.contains(&&*role.id) {
                    slot.1.push(&role.id);
                }
            }
        }
        for (first, flagged, allowed) in terms.values() {
            if *allowed || flagged.len() < ids.len() {
                continue;
            }
            out.push(Lint::at(
                first,
                Level::Note,
                format!(
                    "\"{}\" is flagged for every {lang} role ({}): no reader is expected to know it; prefer plain words, or explain it in the glossary",
                    first.term,
                    flagged.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrasebook::parse;

    fn catalog(books: &[(&str, &str)]) -> Catalog {
        Catalog::new(
            books
                .iter()
                .map(|(path, yaml)| parse(yaml, path).unwrap())
                .collect(),
        )
    }

    #[test]
    fn a_replacement_that_is_jargon_for_the_role_is_a_warning() {
        let cat = catalog(&[(
            "f.yaml",
            "role: finance\nterms:\n  - term: EXW\n    replacement: collected at our site, FCA terms\n  - term: FCA\n  - term: DDP\n    replacement: delivered, duty paid\n",
        )]);
        let lints = lint(&cat);
        assert_eq!(lints.len(), 1, "{lints:?}");
        assert_eq!((lints[0].path.as_str(), lints[0].line), ("f.yaml", 3));
        assert_eq!(
            lints[0].message,
            "replacement \"collected at our site, FCA terms\" of \"EXW\" uses \"FCA\", which is jargon for role finance too (term \"FCA\" (f.yaml:5)): write it in words finance readers know"
        );
    }

    #[test]
    fn allowed_terms_and_other_roles_do_not_count() {
        let cat = catalog(&[
            (
                "f.yaml",
                "role: finance\nterms:\n  - term: EXW\n    replacement: net 30 from our site\n  - term: net 30\n    policy: allow\n",
            ),
            ("p.yaml", "role: purchasing\nterms:\n  - term: site\n"),
        ]);
        assert!(lint(&cat).is_empty(), "{:?}", lint(&cat));
    }

    #[test]
    fn a_replacement_repeating_its_term_is_named() {
        let cat = catalog(&[(
            "f.yaml",
            "role: finance\nterms:\n  - term: lead time\n    replacement: lead time until delivery\n",
        )]);
        assert!(lint(&cat)[0].message.contains("(the term itself)"));
    }

    #[test]
    fn a_spelling_shared_across_files_is_a_warning_on_the_later_entry() {
        let cat = catalog(&[
            (
                "a.yaml",
                "role: finance\nterms:\n  - term: restocking fee\n    variants: [RSTK fee]\n",
            ),
            (
                "b.yaml",
                "role: finance\nterms:\n  - term: restock charge\n    variants: [Rstk Fee]\n",
            ),
        ]);
        let lints = lint(&cat);
        assert_eq!(lints.len(), 1, "{lints:?}");
        assert_eq!((lints[0].path.as_str(), lints[0].line), ("b.yaml", 3));
        assert_eq!(
            lints[0].message,
            "\"Rstk Fee\" of term \"restock charge\" is also a spelling of term \"restocking fee\" (a.yaml:3) in role finance: plainly reports it as \"restocking fee\" only; remove it from one of the two entries"
        );
    }

    #[test]
    fn case_sensitive_spellings_that_differ_do_not_collide() {
        let cat = catalog(&[
            (
                "a.yaml",
                "role: finance\nterms:\n  - term: FOB\n    case_sensitive: true\n",
            ),
            (
                "b.yaml",
                "role: finance\nterms:\n  - term: key fob\n    variants: [Fob]\n    case_sensitive: true\n",
            ),
        ]);
        assert!(lint(&cat).is_empty(), "{:?}", lint(&cat));
    }

    #[test]
    fn a_term_every_role_flags_is_a_note() {
        let cat = catalog(&[
            (
                "f.yaml",
                "role: finance\nterms:\n  - term: RSTK\n  - term: DDP\n",
            ),
            (
                "p.yaml",
                "role: purchasing\nterms:\n  - term: rstk\n    policy: explain\n  - term: DDP\n    policy: allow\n",
            ),
            // Another language's roles do not count.
            (
                "s.yaml",
                "role: finance\nlanguage: sv\nterms:\n  - term: DDP\n",
            ),
        ]);
        let lints = lint(&cat);
        assert_eq!(lints.len(), 1, "{lints:?}");
        assert_eq!(lints[0].level, Level::Note);
        assert_eq!((lints[0].path.as_str(), lints[0].line), ("f.yaml", 3));
        assert_eq!(
            lints[0].message,
            "\"RSTK\" is flagged for every en role (finance, purchasing): no reader is expected to know it; prefer plain words, or explain it in the glossary"
        );
    }

    #[test]
    fn one_role_alone_gives_no_notes() {
        let cat = catalog(&[("f.yaml", "role: finance\nterms:\n  - term: RSTK\n")]);
        assert!(lint(&cat).is_empty());
    }
}
