//! The check pipeline for a run: config and phrasebooks loaded once, then
//! each file read, checked and handed on in path order.
//!
//! file → reader → segments; segments + catalog + audience → rules →
//! findings. This module owns audience and language resolution; it knows
//! nothing about output formats.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostic::SourceError;
use crate::document::Source;
use crate::finding::Finding;
use crate::phrasebook;
use crate::position::Locator;
use crate::reader::{self, Format, ReadError, ReadOptions};
use crate::rules;

/// What the user asked for, before anything is loaded.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// `--phrasebook` paths, in order.
    pub phrasebooks: Vec<PathBuf>,
    pub no_default_phrasebooks: bool,
    /// `--config`.
    pub config: Option<PathBuf>,
    pub no_config: bool,
    /// `--role`: overrides every other audience source.
    pub roles: Vec<String>,
    /// `--lang`: overrides every other language source.
    pub lang: Option<String>,
}

/// Config, catalog and settings for one run.
pub struct Engine {
    pub catalog: Catalog,
    /// Absolute paths of the phrasebook files loaded from disk: a folder
    /// walk does not check them as documents.
    pub phrasebook_files: HashSet<PathBuf>,
    pub config: Config,
    pub read_options: ReadOptions,
    roles: Vec<String>,
    lang: Option<String>,
}

/// What became of one input.
#[derive(Debug)]
pub enum Outcome {
    /// Read and checked; `sources` are kept for snippets and fixes.
    Checked {
        findings: Vec<Finding>,
        sources: Vec<Source>,
    },
    /// Not something plainly reads (binary, ...): a note, not an error.
    Skipped(String),
    /// The file could not be read or checked.
    Failed(SourceError),
}

/// How a checked document was read: its audience, language and kind.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    pub audience: Vec<String>,
    pub lang: String,
    /// Whether it is an e-invoice (the invoice-clarity rules ran).
    pub is_invoice: bool,
    /// What the reader could not check (see [`crate::document::Document::notes`]).
    pub notes: Vec<String>,
}

/// One input and what became of it.
#[derive(Debug)]
pub struct FileResult {
    /// The path as the user named it (or the `--stdin-name`).
    pub path: String,
    /// The path on disk (None for standard input).
    pub disk_path: Option<PathBuf>,
    /// What the document said about itself, once read.
    pub info: DocInfo,
    pub outcome: Outcome,
}

impl FileResult {
    /// The findings, if the file was checked.
    pub fn findings(&self) -> &[Finding] {
        match &self.outcome {
            Outcome::Checked { findings, .. } => findings,
            _ => &[],
        }
    }
}

/// One thing to check.
#[derive(Debug, Clone)]
pub enum Input {
    File { display: String, path: PathBuf },
    Stdin { name: String },
}

impl Engine {
    /// Loads the config and the phrasebooks and checks that every role named
    /// by `--role` or the config exists. All problems are returned at once.
    pub fn load(setup: &Setup) -> Result<Engine, Vec<SourceError>> {
        let prepared = Prepared::new(setup)?;
        let catalog = prepared.catalog(setup)?;
        Ok(prepared.engine(setup, catalog))
    }

    /// [`Engine::load`], running `beside` on another thread while the
    /// phrasebooks are parsed and the catalog is built: `check` walks its
    /// folders meanwhile (on the bench tree with 2,000 terms, about 40 ms
    /// of walking and 30 ms of loading).
    /// `beside` gets the config and the absolute paths of the phrasebook
    /// files, which a walk leaves out. If loading fails, what `beside`
    /// returned is dropped.
    pub fn load_beside<T: Send>(
        setup: &Setup,
        beside: impl FnOnce(&Config, &HashSet<PathBuf>) -> T + Send,
    ) -> Result<(Engine, T), Vec<SourceError>> {
        let prepared = Prepared::new(setup)?;
        let (catalog, aside) = std::thread::scope(|scope| {
            let aside = scope.spawn(|| beside(&prepared.config, &prepared.phrasebook_files));
            // A folder holds enough text to need the automaton (see
            // `Matcher::build_automaton`): it is built while the walk runs.
            let catalog = prepared.catalog(setup);
            if let Ok(catalog) = &catalog {
                catalog.matcher.build_automaton();
            }
            (catalog, aside.join())
        });
        let aside = aside.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((prepared.engine(setup, catalog?), aside))
    }

    /// The audience of a file: `--role`, else front matter, else the first
    /// matching config glob, else config `roles`, else every loaded role.
    fn audience(&self, meta: Option<&[String]>, path: Option<&Path>) -> Vec<String> {
        if !self.roles.is_empty() {
            return self.roles.clone();
        }
        if let Some(m) = meta {
            return m.to_vec();
        }
        if let Some(a) = path.and_then(|p| self.config.audience_for(p)) {
            return a.to_vec();
        }
        if let Some(r) = &self.config.roles {
            return r.clone();
        }
        self.catalog.role_ids()
    }

    /// The language of a file: `--lang`, else what the document says, else
    /// the config glob, else English.
    fn language(&self, meta: Option<&str>, path: Option<&Path>) -> String {
        self.lang
            .clone()
            .or_else(|| meta.map(str::to_string))
            .or_else(|| {
                path.and_then(|p| self.config.language_for(p))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "en".to_string())
    }

    /// Reads and checks one file's bytes. `name` gives the format and the
    /// displayed path; `path` is used for config globs.
    pub fn check_bytes(&self, name: &str, path: Option<&Path>, bytes: &[u8]) -> Outcome {
        self.check_doc(name, path, bytes).0
    }

    /// [`Engine::check_bytes`], also saying how the document was read.
    pub fn check_doc(&self, name: &str, path: Option<&Path>, bytes: &[u8]) -> (Outcome, DocInfo) {
        match self.read(name, bytes) {
            Ok(doc) => self.check_read(name, path, doc),
            Err(failed) => (failed, DocInfo::default()),
        }
    }

    /// [`Engine::check_doc`] on bytes it may drop once they are read, so
    /// that a large file is not held twice while it is checked. A small
    /// buffer goes back to this thread for the next file.
    fn check_owned(&self, name: &str, path: Option<&Path>, bytes: Vec<u8>) -> (Outcome, DocInfo) {
        let read = self.read(name, &bytes);
        give_back(bytes);
        match read {
            Ok(doc) => self.check_read(name, path, doc),
            Err(failed) => (failed, DocInfo::default()),
        }
    }

    /// Reads a document, or says why it yields none.
    fn read(&self, name: &str, bytes: &[u8]) -> Result<crate::document::Document, Outcome> {
        match reader::read(Format::detect(name), bytes, &self.read_options) {
            Ok(d) => Ok(d),
            Err(ReadError::Skip(why)) => Err(Outcome::Skipped(why)),
            Err(e) => Err(Outcome::Failed(e.to_source_error(name, bytes))),
        }
    }

    /// Runs the rules and suppressions over a read document.
    fn check_read(
        &self,
        name: &str,
        path: Option<&Path>,
        doc: crate::document::Document,
    ) -> (Outcome, DocInfo) {
        let audience = self.audience(doc.meta.audience.as_deref(), path);
        if let Some(unknown) = audience.iter().find(|r| !self.catalog.has_role(r)) {
            return (
                Outcome::Failed(SourceError::file(
                    name,
                    format!("unknown role `{unknown}` in the document's audience"),
                    format!("use one of: {}", self.catalog.role_ids().join(", ")),
                )),
                DocInfo::default(),
            );
        }
        let lang = self.language(doc.meta.lang.as_deref(), path);
        let ignore_terms = path
            .map(|p| self.config.ignored_terms(p))
            .unwrap_or_default();
        let locator = Locator::new(&doc.sources);
        let shown_path: std::sync::Arc<str> = name.into();
        let ctx = rules::Context {
            path: &shown_path,
            doc: &doc,
            catalog: &self.catalog,
            audience: &audience,
            lang: &lang,
            locator: &locator,
            ignore_terms: &ignore_terms,
            config: &self.config,
        };
        let findings = crate::suppress::apply(&ctx, rules::run(&ctx));
        // The segments are done with: their buffers serve the next file's.
        crate::document::recycle(doc.segments);
        let info = DocInfo {
            is_invoice: doc.invoice.is_some(),
            audience,
            lang,
            notes: doc.notes,
        };
        (
            Outcome::Checked {
                findings,
                sources: doc.sources,
            },
            info,
        )
    }

    /// Checks one input.
    pub fn check_input(&self, input: &Input) -> FileResult {
        match input {
            Input::Stdin { name } => {
                let mut bytes = Vec::new();
                let (outcome, info) = match std::io::stdin().lock().read_to_end(&mut bytes) {
                    Ok(_) => self.check_owned(name, Some(Path::new(name)), bytes),
                    Err(e) => (
                        Outcome::Failed(SourceError::file(
                            name,
                            format!("cannot read standard input: {e}"),
                            "pipe the document into plainly",
                        )),
                        DocInfo::default(),
                    ),
                };
                FileResult {
                    path: name.clone(),
                    disk_path: None,
                    info,
                    outcome,
                }
            }
            Input::File { display, path } => {
                let (outcome, info) = match read_file(path) {
                    Ok(bytes) => self.check_owned(display, Some(path), bytes),
                    Err(e) => (
                        Outcome::Failed(SourceError::file(
                            display,
                            format!("cannot read file: {}", io_reason(&e)),
                            "check that the file exists and that you may read it",
                        )),
                        DocInfo::default(),
                    ),
                };
                FileResult {
                    path: display.clone(),
                    disk_path: Some(path.clone()),
                    info,
                    outcome,
                }
            }
        }
    }

    /// Checks every input on all cores and hands each result to `sink` in
    /// input order, as soon as it and all before it are done. Memory holds
    /// only results that finished out of order and a few waiting for the
    /// sink.
    pub fn check_all(&self, inputs: &[Input], mut sink: impl FnMut(FileResult)) {
        self.check_all_with(inputs, |_| (), |result, ()| sink(result));
    }

    /// [`Engine::check_all`], also running `prepare` on each result on the
    /// thread that checked it and handing its output to `sink` with the
    /// result: work that needs no order (rendering a file's findings) then
    /// runs on every core instead of on the thread that feeds the sink.
    ///
    /// The calling thread is one of the workers: between its own files it
    /// hands on what the others finished. A thread that only waited for
    /// results was woken once per file (55,000 context switches for 39,000
    /// files) and competed with the workers for the cores.
    pub fn check_all_with<T: Send>(
        &self,
        inputs: &[Input],
        prepare: impl Fn(&FileResult) -> T + Sync,
        mut sink: impl FnMut(FileResult, T),
    ) {
        let check = |input: &Input| {
            let result = self.check_input(input);
            let prepared = prepare(&result);
            (result, prepared)
        };
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(inputs.len().max(1));
        if threads <= 1 {
            for input in inputs {
                let (result, prepared) = check(input);
                sink(result, prepared);
            }
            return;
        }
        let next = AtomicUsize::new(0);
        // Bounded, so that the other workers wait for a slow sink
        // (rendering, a pipe) instead of piling up results in memory.
        let (tx, rx) = mpsc::sync_channel::<(usize, (FileResult, T))>(threads * 4);
        std::thread::scope(|scope| {
            for _ in 1..threads {
                let tx = tx.clone();
                let next = &next;
                let check = &check;
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = inputs.get(i) else { break };
                        if tx.send((i, check(input))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending: std::collections::BTreeMap<usize, (FileResult, T)> =
                Default::default();
            let mut want = 0;
            let mut hand_on = |pending: &mut std::collections::BTreeMap<usize, (FileResult, T)>| {
                while let Some((result, prepared)) = pending.remove(&want) {
                    sink(result, prepared);
                    want += 1;
                }
            };
            loop {
                while let Ok((i, done)) = rx.try_recv() {
                    pending.insert(i, done);
                }
                hand_on(&mut pending);
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                pending.insert(i, check(input));
                hand_on(&mut pending);
            }
            for (i, done) in rx {
                pending.insert(i, done);
                hand_on(&mut pending);
            }
        });
    }
}

/// The config and the phrasebook files it and `--phrasebook` name, listed
/// but not yet parsed.
struct Prepared {
    config: Config,
    /// Each phrasebook path's files, in order, or why it cannot be listed.
    listed: Vec<Result<Vec<PathBuf>, SourceError>>,
    /// Absolute paths of the listed files.
    phrasebook_files: HashSet<PathBuf>,
}

impl Prepared {
    fn new(setup: &Setup) -> Result<Prepared, Vec<SourceError>> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let config = if setup.no_config {
            Config::defaults(cwd)
        } else if let Some(p) = &setup.config {
            Config::load(p).map_err(|e| vec![e])?
        } else if let Some(p) = Config::discover(&cwd) {
            Config::load(&p).map_err(|e| vec![e])?
        } else {
            Config::defaults(cwd)
        };
        let listed: Vec<_> = config
            .phrasebooks
            .iter()
            .chain(&setup.phrasebooks)
            .map(|p| phrasebook::phrasebook_files(p))
            .collect();
        let phrasebook_files = listed
            .iter()
            .flatten()
            .flatten()
            .map(|f| config.absolute(f))
            .collect();
        Ok(Prepared {
            config,
            listed,
            phrasebook_files,
        })
    }

    /// Parses the phrasebooks, builds the catalog and checks that every role
    /// and rule named by `--role` or the config exists.
    fn catalog(&self, setup: &Setup) -> Result<Catalog, Vec<SourceError>> {
        let config = &self.config;
        let mut books = Vec::new();
        let mut errors = Vec::new();
        if config.default_phrasebooks && !setup.no_default_phrasebooks {
            match phrasebook::load_bundled() {
                Ok(mut b) => books.append(&mut b),
                Err(mut e) => errors.append(&mut e),
            }
        }
        for listed in &self.listed {
            match listed {
                Ok(files) => match phrasebook::load_files(files) {
                    Ok(mut b) => books.append(&mut b),
                    Err(mut e) => errors.append(&mut e),
                },
                Err(e) => errors.push(e.clone()),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let catalog = Catalog::new(books);
        let config_name = config
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for role in &setup.roles {
            if !catalog.has_role(role) {
                errors.push(unknown_role(role, "--role", &catalog));
            }
        }
        for id in config.rules.keys() {
            if !crate::rules::invoice::RULES.iter().any(|(r, _, _)| r == id) {
                errors.push(SourceError::file(
                    &config_name,
                    format!("unknown rule `{id}` under `rules:`"),
                    format!(
                        "use one of: {}",
                        crate::rules::invoice::RULES
                            .iter()
                            .map(|(r, _, _)| *r)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        for role in config.roles.iter().flatten().chain(&config.audience_roles) {
            if !catalog.has_role(role) {
                errors.push(unknown_role(role, &config_name, &catalog));
            }
        }
        if errors.is_empty() {
            Ok(catalog)
        } else {
            Err(errors)
        }
    }

    fn engine(self, setup: &Setup, catalog: Catalog) -> Engine {
        let config = self.config;
        Engine {
            catalog,
            phrasebook_files: self.phrasebook_files,
            read_options: ReadOptions {
                csv_columns: config.csv_columns.clone(),
            },
            config,
            roles: setup.roles.clone(),
            lang: setup.lang.clone(),
        }
    }
}

/// Up to this size, the buffer a file was read into is kept for the next
/// file on the same thread: one allocation per thread instead of one per
/// file. A larger one is freed, so that a huge file is not held twice.
const KEEP_READ_BUFFER: usize = 1 << 20;

thread_local! {
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a file, into this thread's spare buffer when there is one.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = READ_BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    bytes.clear();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Keeps a read buffer for the next file, unless it is large.
fn give_back(bytes: Vec<u8>) {
    if bytes.capacity() <= KEEP_READ_BUFFER {
        READ_BUFFER.with(|b| *b.borrow_mut() = bytes);
    }
}

fn unknown_role(role: &str, origin: &str, catalog: &Catalog) -> SourceError {
    SourceError::file(
        origin,
        format!("no phrasebook defines role `{role}`"),
        format!(
            "use one of: {} (or add a phrasebook with `role: {role}`)",
            catalog.role_ids().join(", ")
        ),
    )
}

/// An I/O error as a short reason, without Rust's `(os error N)` noise.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
