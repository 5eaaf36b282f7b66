//! The portal glossary: every term of the chosen roles' phrasebooks in one
//! language, one entry per term (grouped across roles by its normalized
//! spelling), with the explanation and what each role calls it — rendered as
//! Markdown, as one self-contained HTML page, or as JSON.
//!
//! This module owns the glossary's shape, its order (locale-aware collation
//! of the glossary language), its anchors (slugs, stable across formats) and
//! its renderers. It does no I/O: the CLI loads the catalog, runs the engine
//! for `--used-in` and writes the result.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;

use crate::catalog::{Catalog, same_language};
use crate::diagnostic::SourceError;
use crate::finding::Finding;
use crate::matcher::normalize;
use crate::phrasebook::Policy;

/// The version of the JSON contract (`"version": 1`).
pub const JSON_VERSION: u32 = 1;

/// Element ids the HTML page uses itself; a term never gets one of these as
/// its slug, so that its anchor is the same in every format.
const RESERVED_IDS: &[&str] = &["search", "role", "status", "none", "terms", "controls"];

/// A reader role as the glossary shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossaryRole {
    pub id: String,
    /// The phrasebook's `name`, else the id.
    pub name: String,
}

/// What one role's phrasebook says about a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleTerm {
    pub policy: Policy,
    /// The words this role uses instead (empty for `allow`, and when the
    /// phrasebook gives none).
    pub replacements: Vec<String>,
}

/// One glossary entry: a term as all selected roles see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The term as the first role (in load order) spells it.
    pub term: String,
    /// The anchor: unique in the glossary, the same in every format.
    pub slug: String,
    /// Other spellings matched for it, across roles.
    pub variants: Vec<String>,
    /// Markdown; the first explanation given, in role order.
    pub explanation: Option<String>,
    /// Role id → what that role's phrasebook says, in role order.
    pub roles: IndexMap<String, RoleTerm>,
    /// Occurrences in the `--used-in` documents, when counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

/// The glossary of one language: terms in collation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glossary {
    /// The glossary language (BCP 47), as asked for.
    pub language: String,
    pub roles: Vec<GlossaryRole>,
    pub terms: Vec<Term>,
}

impl Glossary {
    /// Builds the glossary of `language` from the catalog's roles in that
    /// language; `roles` selects role ids (empty: every role). A selected role
    /// without a phrasebook in the language is an error, as is a language no
    /// phrasebook is written in.
    pub fn build(catalog: &Catalog, language: &str, roles: &[String]) -> Result<Self, SourceError> {
        let in_language: Vec<&crate::catalog::Role> = catalog
            .roles
            .iter()
            .filter(|r| same_language(&r.language, language))
            .collect();
        if in_language.is_empty() {
            return Err(SourceError::file(
                "--lang",
                format!("no phrasebook is written in language `{language}`"),
                format!(
                    "pass one of the loaded languages with --lang: {}",
                    catalog.languages().join(", ")
                ),
            ));
        }
        for id in roles {
            if !in_language.iter().any(|r| *r.id == **id) {
                return Err(SourceError::file(
                    "--role",
                    format!("role `{id}` has no phrasebook in language `{language}`"),
                    format!(
                        "use one of: {} (or pass its language with --lang)",
                        in_language
                            .iter()
                            .map(|r| &*r.id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let selected: Vec<&crate::catalog::Role> = in_language
            .into_iter()
            .filter(|r| roles.is_empty() || roles.iter().any(|x| **x == *r.id))
            .collect();

        let mut grouped: IndexMap<String, Term> = IndexMap::new();
        for role in &selected {
            for entry in &role.entries {
                let key = normalize(&entry.term);
                let term = grouped.entry(key).or_insert_with(|| Term {
                    term: entry.term.clone(),
                    slug: String::new(),
                    variants: Vec::new(),
                    explanation: None,
                    roles: IndexMap::new(),
                    count: None,
                });
                if term.explanation.is_none() {
                    term.explanation = entry.explanation.clone();
                }
                for v in &entry.variants {
                    let k = normalize(v);
                    if k != normalize(&term.term)
                        && !term.variants.iter().any(|have| normalize(have) == k)
                    {
                        term.variants.push(v.clone());
                    }
                }
                term.roles.insert(
                    role.id.to_string(),
                    RoleTerm {
                        policy: entry.policy,
                        replacements: match entry.policy {
                            Policy::Allow => Vec::new(),
                            _ => entry.replacements.clone(),
                        },
                    },
                );
            }
        }
        let mut terms: Vec<Term> = grouped.into_values().collect();
        let order = Order::new(language);
        terms.sort_by(|a, b| order.compare(&a.term, &b.term));
        assign_slugs(&mut terms);
        Ok(Glossary {
            language: language.to_string(),
            roles: selected
                .iter()
                .map(|r| GlossaryRole {
                    id: r.id.to_string(),
                    name: r.name.clone().unwrap_or_else(|| r.id.to_string()),
                })
                .collect(),
            terms,
        })
    }

    /// Keeps only the terms counted in `usage`, with their counts.
    pub fn retain_used(&mut self, usage: &Usage) {
        self.terms.retain_mut(|t| {
            t.count = usage.counts.get(&normalize(&t.term)).copied();
            t.count.is_some()
        });
    }

    /// The glossary as Markdown: a `##` heading per initial letter (in the
    /// glossary language's alphabet) and per term an `<a id>` anchor before a
    /// `###` heading. CommonMark has no heading ids; raw HTML anchors work in
    /// every renderer that allows HTML.
    pub fn to_markdown(&self) -> String {
        let l = labels(&self.language);
        let order = Order::new(&self.language);
        let mut out = format!("# {}\n", l.title);
        let mut letter: Option<String> = None;
        for t in &self.terms {
            let initial = initial(&t.term);
            if letter
                .as_deref()
                .is_none_or(|have| order.primary(have, &initial) != Ordering::Equal)
            {
                let _ = write!(out, "\n## {}\n", md_text(&initial));
                letter = Some(initial);
            }
            let _ = write!(
                out,
                "\n<a id=\"{}\"></a>\n### {}\n",
                esc(&t.slug),
                md_text(&t.term)
            );
            if let Some(e) = &t.explanation {
                let _ = write!(out, "\n{e}\n");
            }
            if !t.variants.is_empty() {
                let v: Vec<String> = t.variants.iter().map(|v| md_text(v).into_owned()).collect();
                let _ = write!(out, "\n{}: {}\n", l.also_written, v.join(", "));
            }
            out.push('\n');
            for (id, rt) in &t.roles {
                let _ = writeln!(
                    out,
                    "- **{}**: {}",
                    md_text(self.role_name(id)),
                    says(l, rt, |s| md_text(s).into_owned())
                );
            }
            if let Some(n) = t.count {
                let _ = write!(out, "\n{}\n", l.used(n));
            }
        }
        out
    }

    /// The glossary as JSON (contract version [`JSON_VERSION`]).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Doc<'a> {
            version: u32,
            language: &'a str,
            roles: &'a [GlossaryRole],
            terms: &'a [Term],
        }
        let doc = Doc {
            version: JSON_VERSION,
            language: &self.language,
            roles: &self.roles,
            terms: &self.terms,
        };
        // Plain data: serialization cannot fail.
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The glossary as one self-contained HTML page: inline CSS and script,
    /// nothing loaded from anywhere (a Content-Security-Policy says so too),
    /// a labelled search box and role filter, and an anchor per term. Without
    /// script the page still shows every term; the controls stay hidden.
    pub fn to_html(&self) -> String {
        let l = labels(&self.language);
        let lang = esc(&self.language);
        let total = self.terms.len();
        let mut out = String::with_capacity(64 * 1024 + total * 600);
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
             <meta name=\"generator\" content=\"plainly {}\">\n<title>{}</title>\n<style>{GLOSSARY_CSS}</style>\n</head>\n<body>\n\
             <header>\n<h1>{}</h1>\n\
             <form id=\"controls\" class=\"controls\" role=\"search\" hidden>\n\
             <span><label for=\"search\">{}</label> <input type=\"search\" id=\"search\" autocomplete=\"off\" spellcheck=\"false\"></span>\n\
             <span><label for=\"role\">{}</label> <select id=\"role\">\n<option value=\"\">{}</option>\n",
            env!("CARGO_PKG_VERSION"),
            esc(l.title),
            esc(l.title),
            esc(l.search),
            esc(l.reader),
            esc(l.all_roles),
        );
        for r in &self.roles {
            let _ = writeln!(
                out,
                "<option value=\"{}\">{}</option>",
                esc(&r.id),
                esc(&r.name)
            );
        }
        let status = l.status.replace("{n}", &total.to_string());
        let _ = write!(
            out,
            "</select></span>\n</form>\n\
             <p id=\"status\" role=\"status\" aria-live=\"polite\" data-template=\"{}\">{}</p>\n\
             </header>\n<main id=\"terms\">\n<p id=\"none\" hidden>{}</p>\n",
            esc(l.status),
            esc(&status.replace("{m}", &total.to_string())),
            esc(l.none),
        );
        for t in &self.terms {
            let slug = esc(&t.slug);
            let ids: Vec<&str> = t.roles.keys().map(String::as_str).collect();
            let _ = write!(
                out,
                "<section class=\"term\" id=\"{slug}\" data-roles=\"{}\">\n\
                 <h2><a href=\"#{slug}\">{}</a></h2>\n",
                esc(&ids.join(" ")),
                esc(&t.term)
            );
            if !t.variants.is_empty() {
                let _ = writeln!(
                    out,
                    "<p class=\"variants\">{}: {}</p>",
                    esc(l.also_written),
                    esc(&t.variants.join(", "))
                );
            }
            if let Some(e) = &t.explanation {
                let _ = writeln!(out, "<div class=\"explanation\">{}</div>", markdown_html(e));
            }
            out.push_str("<ul class=\"roles\">\n");
            for (id, rt) in &t.roles {
                let class = if rt.policy == Policy::Allow {
                    "knows"
                } else {
                    "says"
                };
                let _ = writeln!(
                    out,
                    "<li data-role=\"{}\"><strong>{}</strong>: <span class=\"{class}\">{}</span></li>",
                    esc(id),
                    esc(self.role_name(id)),
                    says(l, rt, |s| esc(s).into_owned())
                );
            }
            out.push_str("</ul>\n");
            if let Some(n) = t.count {
                let _ = writeln!(out, "<p class=\"count\">{}</p>", esc(&l.used(n)));
            }
            out.push_str("</section>\n");
        }
        let _ = write!(
            out,
            "</main>\n<script>{GLOSSARY_JS}</script>\n</body>\n</html>\n"
        );
        out
    }

    fn role_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.roles
            .iter()
            .find(|r| r.id == id)
            .map_or(id, |r| r.name.as_str())
    }
}

/// What a role says about a term, each replacement passed through
/// `text` (the format's escaping).
fn says(l: &Labels, rt: &RoleTerm, text: impl Fn(&str) -> String) -> String {
    match (rt.policy, rt.replacements.as_slice()) {
        (Policy::Allow, _) => text(l.knows),
        (_, []) => text(l.no_word),
        (_, many) => many
            .iter()
            .map(|r| text(r))
            .collect::<Vec<_>>()
            .join(&format!(" {} ", text(l.or))),
    }
}

/// Occurrences of terms in checked documents, for `--used-in`: one per
/// place, however many roles a finding there was reported for.
#[derive(Debug, Default)]
pub struct Usage {
    seen: HashSet<(String, Option<usize>, usize, usize, String)>,
    /// Normalized term → occurrences.
    counts: HashMap<String, usize>,
}

impl Usage {
    /// Counts the terms of a checked document's findings (rule findings,
    /// which name no term, are not counted).
    pub fn add(&mut self, findings: &[Finding]) {
        for f in findings {
            let Some(term) = &f.term else { continue };
            let key = normalize(term);
            let l = &f.location;
            let place = (
                f.path.to_string(),
                l.decoded_part,
                l.byte_start,
                l.byte_end,
                key.clone(),
            );
            if self.seen.insert(place) {
                *self.counts.entry(key).or_default() += 1;
            }
        }
    }
}

/// Sort order of the glossary language: ICU collation (Swedish sorts Å, Ä,
/// Ö after Z; English and Dutch sort them with A and O), then the plain
/// string as a tie-break so that the output is deterministic.
struct Order {
    tertiary: Option<icu_collator::CollatorBorrowed<'static>>,
    primary: Option<icu_collator::CollatorBorrowed<'static>>,
}

impl Order {
    fn new(language: &str) -> Self {
        let make = |strength| {
            let locale = icu_locale_core::Locale::try_from_str(language).ok()?;
            let mut options = icu_collator::options::CollatorOptions::default();
            options.strength = strength;
            icu_collator::Collator::try_new((&locale).into(), options).ok()
        };
        Order {
            tertiary: make(None),
            primary: make(Some(icu_collator::options::Strength::Primary)),
        }
    }

    fn compare(&self, a: &str, b: &str) -> Ordering {
        self.tertiary
            .as_ref()
            .map_or(Ordering::Equal, |c| c.compare(a, b))
            .then_with(|| normalize(a).cmp(&normalize(b)))
            .then_with(|| a.cmp(b))
    }

    /// Whether two initials are the same letter of the alphabet.
    fn primary(&self, a: &str, b: &str) -> Ordering {
        match &self.primary {
            Some(c) => c.compare(a, b),
            None => a.cmp(b),
        }
    }
}

/// The letter a term is filed under: its first character in upper case,
/// `0–9` for a term that starts with a digit, `#` for one that starts with a
/// sign.
fn initial(term: &str) -> String {
    match term.chars().next() {
        Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
        Some(c) if c.is_numeric() => "0–9".to_string(),
        _ => "#".to_string(),
    }
}

/// The anchor of a term: lowercase, every run of characters that are not
/// letters or digits as one `-`, no `-` at either end.
pub fn slug(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("term");
    }
    out
}

/// Gives each term (in glossary order) its slug; a slug taken already, or
/// used by the HTML page itself, gets `-2`, `-3`, ...
fn assign_slugs(terms: &mut [Term]) {
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    for t in terms {
        let base = slug(&t.term);
        let mut candidate = base.clone();
        let mut n = 1;
        while used.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        used.insert(candidate.clone());
        t.slug = candidate;
    }
}

/// `s` as literal Markdown text: the characters that could start markup are
/// backslash-escaped.
fn md_text(s: &str) -> Cow<'_, str> {
    const SPECIAL: &[char] = &[
        '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '&', '!',
    ];
    if !s.contains(SPECIAL) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// An explanation (Markdown) as HTML. Raw HTML in it is shown as text,
/// images as their alt text (the page loads nothing), and links keep only
/// relative, `http(s)`, `mailto` and `tel` targets.
pub fn markdown_html(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out = String::new();
    // What each open tag closes with; every End pops one.
    let mut closers: Vec<&'static str> = Vec::new();
    for event in Parser::new(md) {
        match event {
            Event::Start(tag) => {
                let (open, close): (Cow<'static, str>, &'static str) = match tag {
                    Tag::Paragraph | Tag::Heading { .. } => ("<p>".into(), "</p>\n"),
                    Tag::Emphasis => ("<em>".into(), "</em>"),
                    Tag::Strong => ("<strong>".into(), "</strong>"),
                    Tag::BlockQuote(_) => ("<blockquote>".into(), "</blockquote>\n"),
                    Tag::CodeBlock(_) => ("<pre><code>".into(), "</code></pre>\n"),
                    Tag::List(Some(_)) => ("<ol>".into(), "</ol>\n"),
                    Tag::List(None) => ("<ul>".into(), "</ul>\n"),
                    Tag::Item => ("<li>".into(), "</li>\n"),
                    Tag::Link { dest_url, .. } if safe_url(&dest_url) => {
                        (format!("<a href=\"{}\">", esc(&dest_url)).into(), "</a>")
                    }
                    _ => ("".into(), ""),
                };
                out.push_str(&open);
                closers.push(close);
            }
            Event::End(_) => out.push_str(closers.pop().unwrap_or("")),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&esc(&t)),
            Event::Code(t) => {
                let _ = write!(out, "<code>{}</code>", esc(&t));
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("<br>"),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Whether a link target is harmless: no scheme (relative, `#anchor`), or
/// one of the schemes a glossary links to.
fn safe_url(url: &str) -> bool {
    let url = url.trim();
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (None, _) => true,
        (Some(c), Some(p)) if p < c => true,
        (Some(c), _) => matches!(
            url[..c].to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto" | "tel"
        ),
    }
}

/// The words of the glossary in its language (English when there is no
/// translation).
struct Labels {
    title: &'static str,
    also_written: &'static str,
    knows: &'static str,
    or: &'static str,
    no_word: &'static str,
    used_one: &'static str,
    used_many: &'static str,
    search: &'static str,
    reader: &'static str,
    all_roles: &'static str,
    status: &'static str,
    none: &'static str,
}

impl Labels {
    fn used(&self, n: usize) -> String {
        let template = if n == 1 {
            self.used_one
        } else {
            self.used_many
        };
        template.replace("{n}", &n.to_string())
    }
}

const EN: Labels = Labels {
    title: "Glossary",
    also_written: "Also written",
    knows: "knows this term",
    or: "or",
    no_word: "no plainer word: see the explanation",
    used_one: "Used once in the checked documents.",
    used_many: "Used {n} times in the checked documents.",
    search: "Search",
    reader: "Reader",
    all_roles: "All roles",
    status: "{n} of {m} terms",
    none: "No term matches.",
};

const NL: Labels = Labels {
    title: "Woordenlijst",
    also_written: "Ook geschreven als",
    knows: "kent deze term",
    or: "of",
    no_word: "geen eenvoudiger woord: zie de uitleg",
    used_one: "Eén keer gebruikt in de gecontroleerde documenten.",
    used_many: "{n} keer gebruikt in de gecontroleerde documenten.",
    search: "Zoeken",
    reader: "Lezer",
    all_roles: "Alle rollen",
    status: "{n} van {m} termen",
    none: "Geen term gevonden.",
};

const SV: Labels = Labels {
    title: "Ordlista",
    also_written: "Skrivs också",
    knows: "känner till termen",
    or: "eller",
    no_word: "inget enklare ord: se förklaringen",
    used_one: "Används en gång i de granskade dokumenten.",
    used_many: "Används {n} gånger i de granskade dokumenten.",
    search: "Sök",
    reader: "Läsare",
    all_roles: "Alla roller",
    status: "{n} av {m} termer",
    none: "Ingen term matchar.",
};

fn labels(language: &str) -> &'static Labels {
    match crate::catalog::primary(language).as_str() {
        "nl" => &NL,
        "sv" => &SV,
        _ => &EN,
    }
}

/// Contrast: body text 16:1, muted text 8:1, links 6:1 on white.
const GLOSSARY_CSS: &str = "
:root{color-scheme:light;--fg:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b57d0;--hl:#fff4c2}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--fg);background:#fff}
header{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid var(--line);padding:1rem 1.5rem .75rem}
h1{margin:0 0 .5rem;font-size:1.75rem;line-height:1.2}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;margin:0}
.controls label{font-weight:600;margin-right:.35rem}
input,select{font:inherit;color:var(--fg);background:#fff;border:1px solid #6b6b6b;border-radius:4px;padding:.3rem .5rem}
input[type=search]{width:18rem;max-width:70vw}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
#status{margin:.5rem 0 0;color:var(--muted);font-size:.9rem}
main{max-width:60rem;padding:0 1.5rem 3rem}
section.term{border-bottom:1px solid var(--line);padding:1rem .5rem;scroll-margin-top:10rem}
section.term:target{background:var(--hl)}
h2{margin:0 0 .25rem;font-size:1.25rem;line-height:1.3}
h2 a{color:inherit;text-decoration:none}
h2 a:hover,h2 a:focus-visible{text-decoration:underline}
.explanation p{margin:.25rem 0}
.variants,.count{margin:.25rem 0;color:var(--muted);font-size:.95rem}
ul.roles{margin:.5rem 0 0;padding-left:1.25rem}
ul.roles li{margin:.15rem 0}
.knows{color:var(--muted);font-style:italic}
a{color:var(--accent)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
@media print{
header{position:static;border:0;padding:0 0 1rem}
.controls,#status{display:none}
main{max-width:none;padding:0}
section.term{break-inside:avoid;padding:.5rem 0}
section.term:target{background:none}
a{color:inherit;text-decoration:none}
body{font-size:11pt}
}
";

/// Filters by search words (all must occur in the term, its variants, its
/// explanation or a replacement) and by role; resets the filters when an
/// anchor points at a hidden term.
const GLOSSARY_JS: &str = r#"
(() => {
  const q = document.getElementById('search');
  const role = document.getElementById('role');
  const status = document.getElementById('status');
  const none = document.getElementById('none');
  const terms = Array.from(document.querySelectorAll('section.term'));
  const lang = document.documentElement.lang || undefined;
  const text = terms.map((s) =>
    Array.from(s.querySelectorAll('h2, .variants, .explanation, .says'))
      .map((e) => e.textContent).join(' ').toLocaleLowerCase(lang));
  document.getElementById('controls').hidden = false;
  function apply() {
    const words = q.value.toLocaleLowerCase(lang).split(/\s+/).filter(Boolean);
    const r = role.value;
    let shown = 0;
    terms.forEach((s, i) => {
      const ok = (!r || s.dataset.roles.split(' ').includes(r)) &&
        words.every((w) => text[i].includes(w));
      s.hidden = !ok;
      if (ok) shown++;
      s.querySelectorAll('li[data-role]').forEach((li) => { li.hidden = !!r && li.dataset.role !== r; });
    });
    status.textContent = status.dataset.template
      .replace('{n}', shown).replace('{m}', terms.length);
    none.hidden = shown > 0;
  }
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    const t = id && document.getElementById(id);
    if (t && t.hidden) { q.value = ''; role.value = ''; apply(); t.scrollIntoView(); }
  }
  q.addEventListener('input', apply);
  role.addEventListener('change', apply);
  document.getElementById('controls').addEventListener('submit', (e) => e.preventDefault());
  window.addEventListener('hashchange', reveal);
  apply();
  reveal();
})();
"#;

/// `s` escaped for HTML text and double-quoted attribute values: `& < > " '`
/// as entities.
fn esc(s: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrasebook::parse;

    fn glossary(books: &[&str], lang: &str, roles: &[&str]) -> Glossary {
        let books = books
            .iter()
            .enumerate()
            .map(|(i, b)| parse(b, &format!("{i}.yaml")).unwrap())
            .collect();
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        Glossary::build(&Catalog::new(books), lang, &roles).unwrap()
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slug("restocking fee"), "restocking-fee");
        assert_eq!(slug("2/10 N30"), "2-10-n30");
        assert_eq!(slug("  C&F  "), "c-f");
        assert_eq!(slug("Åtagande"), "åtagande");
        assert_eq!(slug("--"), "term");
    }

    #[test]
    fn slugs_are_unique_and_avoid_the_page_ids() {
        let g = glossary(
            &["role: a\nterms:\n  - term: net 30\n  - term: net-30\n  - term: search\n"],
            "en",
            &[],
        );
        let slugs: Vec<&str> = g.terms.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, vec!["net-30", "net-30-2", "search-2"]);
    }

    #[test]
    fn swedish_sorts_a_ring_and_o_umlaut_after_z() {
        let book = "role: a\nlanguage: sv\nterms:\n  - term: Örlogs\n  - term: Zebra\n  - term: Åtagande\n  - term: Avgift\n";
        let g = glossary(&[book], "sv", &[]);
        let terms: Vec<&str> = g.terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, vec!["Avgift", "Zebra", "Åtagande", "Örlogs"]);
        let en = glossary(&[&book.replace("language: sv", "language: en")], "en", &[]);
        let terms: Vec<&str> = en.terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, vec!["Åtagande", "Avgift", "Örlogs", "Zebra"]);
    }

    #[test]
    fn roles_group_under_one_term() {
        let g = glossary(
            &[
                "role: finance\nterms:\n  - term: DDP\n    replacement: delivered, duties paid\n",
                "role: purchasing\nterms:\n  - term: ddp\n    replacement: x\n    policy: allow\n",
            ],
            "en",
            &[],
        );
        assert_eq!(g.terms.len(), 1);
        assert_eq!(g.terms[0].term, "DDP");
        assert_eq!(
            g.terms[0].roles["purchasing"].replacements,
            Vec::<String>::new()
        );
    }

    #[test]
    fn markdown_text_is_escaped() {
        assert_eq!(md_text("C&F <b>"), "C\\&F \\<b\\>");
        assert_eq!(md_text("net 30"), "net 30");
    }

    #[test]
    fn explanations_render_markdown_but_no_raw_html_or_scripts() {
        assert_eq!(
            markdown_html("See [DDP](glossary#ddp) and *this*."),
            "<p>See <a href=\"glossary#ddp\">DDP</a> and <em>this</em>.</p>"
        );
        assert_eq!(
            markdown_html("See <b>x</b> [a](javascript:alert(1)) ![i](https://x/i.png)"),
            "<p>See &lt;b&gt;x&lt;/b&gt; a i</p>"
        );
        // An HTML block is shown as text, whole.
        assert_eq!(
            markdown_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
    }

    #[test]
    fn unknown_language_is_an_error_that_names_the_loaded_ones() {
        let books = vec![parse("role: a\nlanguage: sv\nterms: []\n", "a.yaml").unwrap()];
        let e = Glossary::build(&Catalog::new(books), "en", &[]).unwrap_err();
        assert!(e.help.contains("sv"), "{e:?}");
    }
}
