//! The catalog: loaded phrasebooks merged into roles, and the one matcher
//! built over every spelling of every term of every role.
//!
//! Several files may carry the same role (and language): their terms merge,
//! and an entry in a later file replaces an earlier entry of the same term.

use std::sync::OnceLock;

use crate::matcher::{Matcher, normalize};
use crate::phrasebook::{Entry, Phrasebook};

/// A reader role in one language, with its merged entries.
#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub name: Option<String>,
    pub language: String,
    pub entries: Vec<Entry>,
    /// The files that contributed, in merge order.
    pub files: Vec<String>,
    /// Each entry's words as its findings carry them, made by the jargon
    /// rule at the entry's first finding or fix (see [`Words`]).
    pub words: Vec<OnceLock<Words>>,
}

/// An entry's words as its findings carry them: [`intern`]ed, so that
/// every finding shares them without counting references (see
/// [`crate::finding::Shared`]).
///
/// [`intern`]: crate::finding::intern
#[derive(Debug, Clone)]
pub struct Words {
    pub role: &'static str,
    pub term: &'static str,
    pub replacements: &'static [String],
    pub explanation: Option<&'static str>,
    /// The message's words before and after the match it quotes.
    pub before: Box<str>,
    pub after: Box<str>,
    /// The whole message when the match is the term as written, as most
    /// are: its findings share it.
    pub message: &'static str,
}

/// Which role entry a needle stands for.
#[derive(Debug, Clone)]
pub struct Hit {
    pub role: usize,
    pub entry: usize,
    /// The spelling as written in the phrasebook (for case-sensitive terms).
    pub spelling: String,
}

/// Merged roles and their matcher.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub roles: Vec<Role>,
    pub matcher: Matcher,
    /// For each needle id, the role entries it stands for.
    pub hits: Vec<Vec<Hit>>,
}

impl Catalog {
    /// Merges `books` in order and builds the matcher.
    pub fn new(books: Vec<Phrasebook>) -> Self {
        use foldhash::{HashMap, HashMapExt};
        let mut roles: Vec<Role> = Vec::new();
        // Per role: normalized term -> entry index, for merging; and each
        // entry's normalized term, which is also its first needle.
        let mut index: Vec<HashMap<String, usize>> = Vec::new();
        let mut keys: Vec<Vec<String>> = Vec::new();
        for book in books {
            let idx = match roles
                .iter()
                .position(|r| r.id == book.role && same_language(&r.language, &book.language))
            {
                Some(i) => i,
                None => {
                    roles.push(Role {
                        id: book.role.clone(),
                        name: None,
                        language: book.language.clone(),
                        entries: Vec::new(),
                        files: Vec::new(),
                        words: Vec::new(),
                    });
                    index.push(HashMap::with_capacity(book.entries.len()));
                    keys.push(Vec::with_capacity(book.entries.len()));
                    roles.len() - 1
                }
            };
            let role = &mut roles[idx];
            if book.name.is_some() {
                role.name = book.name.clone();
            }
            role.files.push(book.path.clone());
            for entry in book.entries {
                let key = normalize(&entry.term);
                match index[idx].get(&key) {
                    Some(&i) => role.entries[i] = entry,
                    None => {
                        index[idx].insert(key.clone(), role.entries.len());
                        keys[idx].push(key);
                        role.entries.push(entry);
                    }
                }
            }
        }

        for role in &mut roles {
            role.words = role.entries.iter().map(|_| OnceLock::new()).collect();
        }

        let mut needles: Vec<String> = Vec::new();
        let mut hits: Vec<Vec<Hit>> = Vec::new();
        let mut ids: HashMap<String, usize> =
            HashMap::with_capacity(keys.iter().map(Vec::len).sum());
        for (ri, role) in roles.iter().enumerate() {
            for (ei, entry) in role.entries.iter().enumerate() {
                for (si, spelling) in entry.spellings().enumerate() {
                    // The term's key is the merge key (same normalized term
                    // when a later entry replaced this one).
                    let normalized;
                    let key = if si == 0 {
                        &keys[ri][ei]
                    } else {
                        normalized = normalize(spelling);
                        &normalized
                    };
                    if key.is_empty() {
                        continue;
                    }
                    let id = match ids.get(key) {
                        Some(&id) => id,
                        None => {
                            ids.insert(key.clone(), needles.len());
                            needles.push(key.clone());
                            hits.push(Vec::new());
                            needles.len() - 1
                        }
                    };
                    if !hits[id].iter().any(|h| h.role == ri && h.entry == ei) {
                        hits[id].push(Hit {
                            role: ri,
                            entry: ei,
                            spelling: spelling.to_string(),
                        });
                    }
                }
            }
        }
        Catalog {
            roles,
            matcher: Matcher::new(needles),
            hits,
        }
    }

    /// Whether `hit` stands for the text `matched`: always, unless its entry
    /// is case-sensitive and `matched` is not its spelling (whitespace runs
    /// compared as one space). `SET` the unit code is not "set".
    pub fn accepts(&self, hit: &Hit, matched: &str) -> bool {
        let entry = &self.roles[hit.role].entries[hit.entry];
        !entry.case_sensitive || same_spelling(matched, &hit.spelling)
    }

    /// Whether any loaded phrasebook defines role `id` (in any language).
    pub fn has_role(&self, id: &str) -> bool {
        self.roles.iter().any(|r| r.id == id)
    }

    /// Role ids in first-loaded order, without repeats.
    pub fn role_ids(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.roles {
            if !out.contains(&r.id) {
                out.push(r.id.clone());
            }
        }
        out
    }

    /// The languages loaded, sorted.
    pub fn languages(&self) -> Vec<String> {
        let mut out: Vec<String> = self.roles.iter().map(|r| primary(&r.language)).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Whether two spellings are equal with whitespace runs as one space, case kept.
pub fn same_spelling(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// The primary language subtag, lowercase (`en-GB` → `en`).
pub fn primary(tag: &str) -> String {
    subtag(tag).to_ascii_lowercase()
}

/// The primary language subtag as written.
fn subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag).trim()
}

/// Whether two language tags name the same language (by primary subtag).
/// Compared in place: the jargon rule asks for every role of every file.
pub fn same_language(a: &str, b: &str) -> bool {
    subtag(a).eq_ignore_ascii_case(subtag(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrasebook::parse;

    #[test]
    fn later_books_replace_terms_of_the_same_role() {
        let a = parse(
            "role: finance\nterms:\n  - term: DDP\n    replacement: a\n  - term: EXW\n",
            "a.yaml",
        )
        .unwrap();
        let b = parse(
            "role: finance\nterms:\n  - term: ddp\n    replacement: b\n",
            "b.yaml",
        )
        .unwrap();
        let cat = Catalog::new(vec![a, b]);
        assert_eq!(cat.roles.len(), 1);
        let ddp: Vec<_> = cat.roles[0]
            .entries
            .iter()
            .map(|e| e.replacements.clone())
            .collect();
        assert_eq!(ddp[0], vec!["b"]);
        assert_eq!(cat.roles[0].entries.len(), 2);
    }

    #[test]
    fn languages_compare_by_primary_subtag() {
        for (a, b, same) in [
            ("en", "en-GB", true),
            ("EN_us", " en", true),
            ("de-CH", "de_AT", true),
            ("sv", "sv-FI", true),
            ("en", "eng", false),
            ("de", "en", false),
            ("", "en", false),
        ] {
            assert_eq!(same_language(a, b), same, "{a} / {b}");
            assert_eq!(same_language(a, b), primary(a) == primary(b), "{a} / {b}");
        }
    }

    #[test]
    fn one_needle_many_roles() {
        let a = parse("role: finance\nterms:\n  - term: DDP\n", "a.yaml").unwrap();
        let b = parse(
            "role: purchasing\nterms:\n  - term: DDP\n    policy: allow\n",
            "b.yaml",
        )
        .unwrap();
        let cat = Catalog::new(vec![a, b]);
        assert_eq!(cat.matcher.len(), 1);
        assert_eq!(cat.hits[0].len(), 2);
    }
}
