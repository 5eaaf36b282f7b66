//! The language server (`plainly lsp`): the check pipeline behind the
//! Language Server Protocol, so that editors show findings while a page,
//! email or invoice is written.
//!
//! It owns the protocol side only: open documents and their text, the
//! debounce of edits, which engine checks which document (one per config
//! root, found and reloaded like the CLI finds its config), and turning
//! findings into diagnostics, hovers and code actions. Checking is
//! [`Engine::check_doc`] on the editor's text; positions come from the
//! findings' byte offsets, converted here into the protocol's line and
//! character (UTF-16 code units unless the client offers UTF-8).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeResult, MarkupContent,
    MarkupKind, NumberOrString, Position, PositionEncodingKind, PublishDiagnosticsParams, Range,
    Registration, RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::{self, Config};
use crate::diagnostic::SourceError;
use crate::engine::{Engine, Outcome, Setup};
use crate::finding::{Finding, Severity};
use crate::matcher::normalize;
use crate::phrasebook;
use crate::position::LineIndex;
use crate::reader::Format;

/// How long edits are collected before a document is checked again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Exit code after `shutdown` and `exit`, as the protocol asks.
const EXIT_CLEAN: i32 = 0;
/// Exit code for `exit` without `shutdown`, a closed input, or a broken
/// stream: the protocol's "1".
const EXIT_UNCLEAN: i32 = 1;

/// What a diagnostic's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes, when the client offers `utf-8`.
    Utf8,
    /// UTF-16 code units: the protocol's default, which every client supports.
    Utf16,
}

impl Encoding {
    /// `utf-8` when the client lists it among `general.positionEncodings`,
    /// else UTF-16.
    fn negotiate(init: &Value) -> Encoding {
        let offered = init
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array);
        if offered.is_some_and(|o| o.iter().any(|e| e.as_str() == Some("utf-8"))) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// A text with its line index, for converting between byte offsets and
/// protocol positions.
#[derive(Debug, Clone)]
pub struct Text {
    /// The document as the editor has it.
    pub text: String,
    lines: LineIndex,
}

impl Text {
    /// Indexes the lines of `text`.
    pub fn new(text: String) -> Self {
        let lines = LineIndex::new(&text);
        Text { text, lines }
    }

    /// The protocol position of byte `offset` (clamped to the text and to a
    /// character boundary).
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line).min(offset);
        let character = match enc {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => self.text[start..offset].encode_utf16().count(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The protocol range of a byte range.
    pub fn range(&self, bytes: std::ops::Range<usize>, enc: Encoding) -> Range {
        Range::new(
            self.position(bytes.start, enc),
            self.position(bytes.end, enc),
        )
    }

    /// The byte offset of a protocol position. A line past the end is the
    /// end of the text; a character past the end of its line is the line's
    /// end; a character inside a multi-unit character is that character's
    /// start.
    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let range = self.line_range(line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in self.text[range.clone()].char_indices() {
            if units >= want {
                return range.start + i;
            }
            units += enc.units(c);
            if units > want {
                return range.start + i;
            }
        }
        range.end
    }

    /// Byte range of 0-based `line` without its `\n` or `\r\n`. (A lone
    /// `\r` is not a line break here, as in [`LineIndex`].)
    fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.lines.line_start(line).min(self.text.len());
        let end = match self.lines.line_start(line + 1) {
            usize::MAX => self.text.len(),
            next => {
                let lf = next - 1;
                lf - usize::from(self.text[..lf].ends_with('\r') && lf > start)
            }
        };
        start..end.max(start)
    }

    /// Byte offset of a 1-based line and 1-based code-point column, as
    /// [`SourceError`] gives them.
    fn offset_of_line_col(&self, line: usize, column: usize) -> usize {
        let line = line.saturating_sub(1);
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let range = self.line_range(line);
        self.text[range.clone()]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(range.end, |(i, _)| range.start + i)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The file a `file:` URI names, if it is one.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("file://"))
        .map(|_| &s[7..])?;
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let slash = rest.find('/')?;
    let host = &rest[..slash];
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let bytes = percent_decode(&rest[slash..])?;
    let path = String::from_utf8(bytes).ok()?;
    // `/C:/x` on Windows is `C:/x`.
    let path = match path.as_bytes() {
        [b'/', d, b':', ..] if cfg!(windows) && d.is_ascii_alphabetic() => path[1..].to_string(),
        _ => path,
    };
    Some(PathBuf::from(path))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of a path (made absolute).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = std::path::absolute(path).ok()?;
    let p = abs.to_str()?.replace('\\', "/");
    let mut s = String::from("file://");
    if !p.starts_with('/') {
        s.push('/');
    }
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}

/// A file's modification time and length, to notice edits cheaply.
type Stamp = (PathBuf, Option<(SystemTime, u64)>);

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path)
        .ok()
        .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
    (path.to_path_buf(), meta)
}

/// The files an engine was loaded from: the config, and each configured
/// phrasebook path with the files under it (a folder's own stamp changes
/// when a book is added or removed).
fn setup_stamps(config: Option<&Path>) -> Vec<Stamp> {
    let Some(config) = config else {
        return Vec::new();
    };
    let mut out = vec![stamp(config)];
    if let Ok(c) = Config::load(config) {
        for p in &c.phrasebooks {
            out.push(stamp(p));
            if p.is_dir()
                && let Ok(files) = phrasebook::phrasebook_files(p)
            {
                out.extend(files.iter().map(|f| stamp(f)));
            }
        }
    }
    out
}

/// The engine of one config root (or of no config), with what it was loaded
/// from and the problems of its last load.
#[derive(Default)]
struct Slot {
    /// The last engine that loaded; kept while a later edit is broken.
    engine: Option<Rc<Engine>>,
    stamps: Vec<Stamp>,
    loaded: bool,
    /// Reload on next use even if no stamp changed (a watched-file event).
    stale: bool,
    /// Why no engine loaded at all, for the documents it would check.
    problem: Option<String>,
    /// Files its load errors were published on, to clear them later.
    error_uris: HashMap<String, Uri>,
}

/// One engine per config root, loaded on first use and reloaded when its
/// files change.
#[derive(Default)]
struct Setups {
    slots: HashMap<Option<PathBuf>, Slot>,
}

/// Diagnostics to publish on a file that is not an open document.
type Publish = (Uri, Vec<Diagnostic>);

impl Setups {
    /// The engine for documents under `config` (`None`: no config file),
    /// reloading it first if its files changed. Also returns the
    /// diagnostics to publish on the setup files.
    fn engine(
        &mut self,
        config: Option<&Path>,
        enc: Encoding,
    ) -> (Result<Rc<Engine>, String>, Vec<Publish>) {
        let stamps = setup_stamps(config);
        let slot = self.slots.entry(config.map(Path::to_path_buf)).or_default();
        let mut publish = Vec::new();
        if !slot.loaded || slot.stale || slot.stamps != stamps {
            slot.loaded = true;
            slot.stale = false;
            slot.stamps = stamps;
            let setup = match config {
                Some(p) => Setup {
                    config: Some(p.to_path_buf()),
                    ..Setup::default()
                },
                // Not `config: None`: that would look for a config from the
                // server's own folder, not the document's.
                None => Setup {
                    no_config: true,
                    ..Setup::default()
                },
            };
            // By URI text: `Uri` is no map key (it caches inside).
            let mut now: HashMap<String, (Uri, Vec<Diagnostic>)> = HashMap::new();
            match Engine::load(&setup) {
                Ok(engine) => {
                    slot.engine = Some(Rc::new(engine));
                    slot.problem = None;
                }
                Err(errors) => {
                    if let Some(e) = errors.first() {
                        slot.problem = Some(format!("{}: {}", e.place(), e.message));
                    }
                    for e in &errors {
                        if let Some((uri, d)) = setup_error(e, config, enc) {
                            now.entry(uri.as_str().to_string())
                                .or_insert_with(|| (uri, Vec::new()))
                                .1
                                .push(d);
                        }
                    }
                }
            }
            for (key, uri) in slot.error_uris.drain() {
                if !now.contains_key(&key) {
                    publish.push((uri, Vec::new()));
                }
            }
            slot.error_uris = now
                .iter()
                .map(|(k, (u, _))| (k.clone(), u.clone()))
                .collect();
            publish.extend(now.into_values());
        }
        let result = match (&slot.engine, &slot.problem) {
            (Some(e), _) => Ok(Rc::clone(e)),
            (None, problem) => Err(problem.clone().unwrap_or_default()),
        };
        (result, publish)
    }

    /// Whether `path` is a config or phrasebook file of a loaded setup:
    /// such files are not checked as documents.
    fn is_setup_file(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == config::FILE_NAME)
            || self.slots.values().any(|s| {
                s.stamps.iter().any(|(p, _)| p == path)
                    || s.engine
                        .as_ref()
                        .is_some_and(|e| e.phrasebook_files.contains(path))
            })
    }

    /// Makes every engine check its files again on next use.
    fn mark_stale(&mut self) {
        for s in self.slots.values_mut() {
            s.stale = true;
        }
    }
}

/// A config or phrasebook problem as a diagnostic on its file: the file
/// named by the error when it exists, else the config file.
fn setup_error(e: &SourceError, config: Option<&Path>, enc: Encoding) -> Option<(Uri, Diagnostic)> {
    let named = Path::new(&e.path);
    let (file, at) = if named.is_file() {
        (named, e.line.map(|l| (l, e.column.unwrap_or(1))))
    } else {
        (config?, None)
    };
    let uri = path_to_uri(file)?;
    let text = Text::new(std::fs::read_to_string(file).unwrap_or_default());
    let range = match at {
        Some((line, column)) => {
            let start = text.offset_of_line_col(line, column);
            let end = text
                .lines
                .line_range(&text.text, text.lines.line_of(start))
                .end;
            text.range(start..end.max(start), enc)
        }
        None => Range::default(),
    };
    let message = if named.is_file() {
        format!("{}\nhelp: {}", e.message, e.help)
    } else {
        format!("{}: {}\nhelp: {}", e.path, e.message, e.help)
    };
    Some((
        uri,
        Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("plainly".into()),
            message,
            ..Diagnostic::default()
        },
    ))
}

/// An open document.
struct Doc {
    uri: Uri,
    text: Text,
    version: i32,
    language_id: String,
    /// Findings of the last check located in the text itself.
    findings: Vec<Finding>,
}

/// What the main loop does after a message.
enum Flow {
    Continue,
    Exit(i32),
}

/// The server's state between messages.
struct Server {
    conn: Connection,
    enc: Encoding,
    /// Open documents by URI text.
    docs: HashMap<String, Doc>,
    /// Documents edited since their last check, and when to check them.
    due: HashMap<String, Instant>,
    setups: Setups,
    /// Where config discovery starts for documents that are not files.
    fallback_dir: PathBuf,
    /// Whether to ask the client to watch setup files (once initialized).
    watch_files: bool,
    shut_down: bool,
}

/// Runs the server over standard input and output until `exit`; returns the
/// process exit code.
pub fn serve_stdio() -> i32 {
    let (conn, io) = Connection::stdio();
    let code = serve(conn);
    match io.join() {
        Ok(()) => code,
        Err(e) => {
            eprintln!("plainly lsp: {e}");
            EXIT_UNCLEAN
        }
    }
}

/// Runs the server on a connection: the handshake, then messages until
/// `exit` or a closed connection.
pub fn serve(conn: Connection) -> i32 {
    let Some((id, init)) = wait_for_initialize(&conn) else {
        return EXIT_UNCLEAN;
    };
    let enc = Encoding::negotiate(&init);
    let result = InitializeResult {
        capabilities: capabilities(enc),
        server_info: Some(ServerInfo {
            name: "plainly".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let server = Server {
        enc,
        docs: HashMap::new(),
        due: HashMap::new(),
        setups: Setups::default(),
        fallback_dir: workspace_dir(&init)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from(".")),
        watch_files: init
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            == Some(true),
        shut_down: false,
        conn,
    };
    server.reply(id, Ok(to_json(result)));
    server.run()
}

/// Waits for `initialize`, answering other requests that the server is not
/// initialized yet. None when the client exits or the input closes first.
fn wait_for_initialize(conn: &Connection) -> Option<(RequestId, Value)> {
    loop {
        match conn.receiver.recv().ok()? {
            Message::Request(r) if r.method == "initialize" => return Some((r.id, r.params)),
            Message::Request(r) => {
                let _ = conn.sender.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "send `initialize` first".into(),
                    )
                    .into(),
                );
            }
            Message::Notification(n) if n.method == "exit" => return None,
            _ => {}
        }
    }
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The first workspace folder (or the root URI) as a path.
fn workspace_dir(init: &Value) -> Option<PathBuf> {
    let uri = init
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| init.pointer("/rootUri"))
        .and_then(Value::as_str)?;
    uri_to_path(&uri.parse().ok()?)
}

fn params<P: DeserializeOwned>(v: Value) -> Result<P, String> {
    serde_json::from_value(v).map_err(|e| format!("invalid params: {e}"))
}

impl Server {
    fn run(mut self) -> i32 {
        loop {
            let next = self.due.values().min().copied();
            let msg = match next {
                Some(when) => {
                    let wait = when.saturating_duration_since(Instant::now());
                    match self.conn.receiver.recv_timeout(wait) {
                        Ok(m) => Some(m),
                        Err(e) if e.is_timeout() => None,
                        Err(_) => return self.closed(),
                    }
                }
                None => match self.conn.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return self.closed(),
                },
            };
            if let Some(msg) = msg
                && let Flow::Exit(code) = self.guarded(msg)
            {
                return code;
            }
            if crate::quietly(|| self.check_due()).is_none() {
                eprintln!("plainly lsp: internal error while checking; please report it");
                self.due.clear();
            }
        }
    }

    /// The input closed without `exit`.
    fn closed(&self) -> i32 {
        if self.shut_down {
            EXIT_CLEAN
        } else {
            EXIT_UNCLEAN
        }
    }

    /// Handles a message; a bug that panics answers the request with an
    /// error instead of ending the server.
    fn guarded(&mut self, msg: Message) -> Flow {
        let request = match &msg {
            Message::Request(r) => Some((r.id.clone(), r.method.clone())),
            _ => None,
        };
        match crate::quietly(|| self.handle(msg)) {
            Some(flow) => flow,
            None => {
                eprintln!("plainly lsp: internal error; please report it");
                if let Some((id, method)) = request {
                    self.send(Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("plainly failed on {method}"),
                    ));
                }
                Flow::Continue
            }
        }
    }

    fn handle(&mut self, msg: Message) -> Flow {
        match msg {
            Message::Request(req) => {
                self.request(req);
                Flow::Continue
            }
            Message::Notification(n) => self.notification(n),
            // Answers to our own requests (registerCapability): nothing to do.
            Message::Response(_) => Flow::Continue,
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // A closed connection ends the loop on the next receive.
        let _ = self.conn.sender.send(msg.into());
    }

    fn request(&mut self, req: Request) {
        let Request {
            id,
            method,
            params: p,
        } = req;
        if self.shut_down {
            return self.reply(
                id,
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".into(),
                )),
            );
        }
        let result = match method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            "initialize" => Err((ErrorCode::InvalidRequest, "already initialized".into())),
            "textDocument/hover" => params::<HoverParams>(p)
                .map(|p| to_json(self.hover(p)))
                .map_err(|e| (ErrorCode::InvalidParams, e)),
            "textDocument/codeAction" => params::<CodeActionParams>(p)
                .map(|p| to_json(self.code_actions(p)))
                .map_err(|e| (ErrorCode::InvalidParams, e)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method {method}"),
            )),
        };
        self.reply(id, result);
    }

    fn reply(&self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(v) => Response {
                id,
                result: Some(v),
                error: None,
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response);
    }

    fn notification(&mut self, n: Notification) -> Flow {
        let Notification { method, params: p } = n;
        let result = match method.as_str() {
            "exit" => {
                return Flow::Exit(if self.shut_down {
                    EXIT_CLEAN
                } else {
                    EXIT_UNCLEAN
                });
            }
            "initialized" => {
                if self.watch_files {
                    self.watch_setup_files();
                }
                Ok(())
            }
            "textDocument/didOpen" => params(p).map(|p| self.did_open(p)),
            "textDocument/didChange" => params(p).map(|p| self.did_change(p)),
            "textDocument/didClose" => params(p).map(|p| self.did_close(p)),
            "textDocument/didSave" => params(p).map(|p| self.did_save(p)),
            "workspace/didChangeWatchedFiles" => {
                self.setups_changed();
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            eprintln!("plainly lsp: {method}: {e}");
        }
        Flow::Continue
    }

    /// Asks the client to report edits of configs and phrasebooks.
    fn watch_setup_files(&self) {
        let watchers = ["**/.plainly.yaml", "**/*.yaml", "**/*.yml"]
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "plainly-setup-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Request {
            id: RequestId::from("plainly-watch".to_string()),
            method: "client/registerCapability".into(),
            params: to_json(params),
        });
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let d = p.text_document;
        self.docs.insert(
            d.uri.as_str().to_string(),
            Doc {
                uri: d.uri.clone(),
                text: Text::new(d.text),
                version: d.version,
                language_id: d.language_id,
                findings: Vec::new(),
            },
        );
        self.due.remove(d.uri.as_str());
        self.check(&d.uri);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let enc = self.enc;
        let Some(doc) = self.docs.get_mut(uri.as_str()) else {
            return;
        };
        for change in p.content_changes {
            let text = match change.range {
                None => change.text,
                Some(r) => {
                    let start = doc.text.offset(r.start, enc);
                    let end = doc.text.offset(r.end, enc).max(start);
                    let mut t = std::mem::take(&mut doc.text.text);
                    t.replace_range(start..end, &change.text);
                    t
                }
            };
            doc.text = Text::new(text);
        }
        doc.version = p.text_document.version;
        doc.findings.clear();
        self.due
            .insert(uri.as_str().to_string(), Instant::now() + DEBOUNCE);
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.due.remove(uri.as_str());
        if self.docs.remove(uri.as_str()).is_some() && !self.is_setup_uri(&uri) {
            self.publish(uri, Vec::new(), None);
        }
    }

    fn did_save(&mut self, p: DidSaveTextDocumentParams) {
        if self.is_setup_uri(&p.text_document.uri) {
            self.setups_changed();
        }
    }

    /// A config or phrasebook changed: reload on next use and check every
    /// open document again.
    fn setups_changed(&mut self) {
        self.setups.mark_stale();
        let now = Instant::now();
        for uri in self.docs.keys() {
            self.due.insert(uri.clone(), now);
        }
    }

    fn is_setup_uri(&self, uri: &Uri) -> bool {
        uri_to_path(uri).is_some_and(|p| self.setups.is_setup_file(&p))
    }

    fn check_due(&mut self) {
        let now = Instant::now();
        let mut ready: Vec<String> = self
            .due
            .iter()
            .filter(|(_, when)| **when <= now)
            .map(|(u, _)| u.clone())
            .collect();
        ready.sort();
        for key in ready {
            self.due.remove(&key);
            if let Some(uri) = self.docs.get(&key).map(|d| d.uri.clone()) {
                self.check(&uri);
            }
        }
    }

    /// Checks a document now if an edit of it is waiting, so that hovers and
    /// code actions see the current text.
    fn flush(&mut self, uri: &Uri) {
        if self.due.remove(uri.as_str()).is_some() {
            self.check(uri);
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        ));
    }

    /// Checks one open document with the engine of its config root and
    /// publishes its diagnostics (and any setup errors found on the way).
    fn check(&mut self, uri: &Uri) {
        let Some(language_id) = self.docs.get(uri.as_str()).map(|d| d.language_id.clone()) else {
            return;
        };
        let path = uri_to_path(uri);
        let dir = path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(&self.fallback_dir);
        let config = Config::discover(dir);
        let (engine, setup_diagnostics) = self.setups.engine(config.as_deref(), self.enc);
        for (u, d) in setup_diagnostics {
            self.publish(u, d, None);
        }
        if path
            .as_deref()
            .is_some_and(|p| self.setups.is_setup_file(p))
        {
            return;
        }
        let enc = self.enc;
        let Some(doc) = self.docs.get_mut(uri.as_str()) else {
            return;
        };
        let name = document_name(uri, path.as_deref(), &language_id);
        let diagnostics = match engine {
            Err(problem) => {
                doc.findings.clear();
                vec![Diagnostic {
                    range: Range::default(),
                    severity: Some(DiagnosticSeverity::ERROR),
                    source: Some("plainly".into()),
                    message: format!("plainly cannot check this file: {problem}"),
                    ..Diagnostic::default()
                }]
            }
            // Excluded in the config: as quiet as `plainly check` is about it.
            Ok(engine)
                if path
                    .as_deref()
                    .is_some_and(|p| engine.config.is_excluded(p)) =>
            {
                doc.findings.clear();
                Vec::new()
            }
            Ok(engine) => {
                let (outcome, _) =
                    engine.check_doc(&name, path.as_deref(), doc.text.text.as_bytes());
                match outcome {
                    Outcome::Checked { findings, .. } => {
                        doc.findings = findings
                            .into_iter()
                            .filter(|f| f.location.decoded_part.is_none())
                            .collect();
                        doc.findings
                            .iter()
                            .map(|f| diagnostic(&doc.text, f, enc))
                            .collect()
                    }
                    Outcome::Skipped(_) => {
                        doc.findings.clear();
                        Vec::new()
                    }
                    Outcome::Failed(e) => {
                        doc.findings.clear();
                        vec![read_error(&doc.text, &e, enc)]
                    }
                }
            }
        };
        let version = doc.version;
        self.publish(uri.clone(), diagnostics, Some(version));
    }

    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params;
        let uri = at.text_document.uri;
        self.flush(&uri);
        let doc = self.docs.get(uri.as_str())?;
        let offset = doc.text.offset(at.position, self.enc);
        let hits: Vec<&Finding> = doc
            .findings
            .iter()
            .filter(|f| f.location.byte_start <= offset && offset <= f.location.byte_end)
            .collect();
        let start = hits.iter().map(|f| f.location.byte_start).min()?;
        let end = hits.iter().map(|f| f.location.byte_end).max()?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: hover_markdown(&hits),
            }),
            range: Some(doc.text.range(start..end, self.enc)),
        })
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = p.text_document.uri;
        if let Some(only) = &p.context.only
            && !only
                .iter()
                .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        {
            return Vec::new();
        }
        self.flush(&uri);
        let Some(doc) = self.docs.get(uri.as_str()) else {
            return Vec::new();
        };
        let enc = self.enc;
        let from = doc.text.offset(p.range.start, enc);
        let to = doc.text.offset(p.range.end, enc);
        let hits: Vec<&Finding> = doc
            .findings
            .iter()
            .filter(|f| f.location.byte_start <= to && from <= f.location.byte_end)
            .collect();
        let path = uri_to_path(&uri);
        let format = Format::detect(&document_name(&uri, path.as_deref(), &doc.language_id));
        let edit = |edit: TextEdit| WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        };

        let mut actions = Vec::new();
        let mut seen_fixes = HashSet::new();
        for f in &hits {
            let Some(fix) = f.edit() else { continue };
            if !seen_fixes.insert((fix.range.clone(), fix.replacement.clone())) {
                continue;
            }
            let fixed: Vec<Diagnostic> = hits
                .iter()
                .filter(|g| g.edit() == Some(fix))
                .map(|g| diagnostic(&doc.text, g, enc))
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Replace \"{}\" with \"{}\"", f.matched, fix.replacement),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(fixed),
                edit: Some(edit(TextEdit {
                    range: doc.text.range(fix.range.clone(), enc),
                    new_text: fix.replacement.to_string(),
                })),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }

        let mut seen_terms = HashSet::new();
        for f in &hits {
            let Some(term) = &f.term else { continue };
            if !seen_terms.insert(normalize(term)) {
                continue;
            }
            let Some(insert) = suppression(&doc.text, format, f.location.byte_start, term) else {
                continue;
            };
            let covered: Vec<Diagnostic> = hits
                .iter()
                .filter(|g| g.term.as_deref().map(normalize) == Some(normalize(term)))
                .map(|g| diagnostic(&doc.text, g, enc))
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Suppress \"{term}\" with a reason"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(covered),
                edit: Some(edit(TextEdit {
                    range: doc.text.range(insert.at..insert.at, enc),
                    new_text: insert.text,
                })),
                ..CodeAction::default()
            }));
        }
        actions
    }
}

fn to_json(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The name a document is checked under: its path, whose extension gives
/// the format. A document that is no file (or has no extension) gets one
/// from its language id.
fn document_name(uri: &Uri, path: Option<&Path>, language_id: &str) -> String {
    let name = match path {
        Some(p) => p.display().to_string(),
        None => uri
            .as_str()
            .rsplit(['/', ':'])
            .next()
            .unwrap_or("")
            .to_string(),
    };
    let has_ext = Path::new(&name).extension().is_some();
    let ext = match language_id {
        "markdown" | "mdx" => "md",
        "html" => "html",
        "xml" => "xml",
        "csv" => "csv",
        "mail" | "email" | "eml" => "eml",
        _ => "",
    };
    if has_ext || ext.is_empty() {
        name
    } else {
        format!("{name}.{ext}")
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A finding as a diagnostic; the code is the rule id the reports use
/// (`jargon/<role>`, `invoice/...`).
fn diagnostic(text: &Text, f: &Finding, enc: Encoding) -> Diagnostic {
    Diagnostic {
        range: text.range(f.location.byte_start..f.location.byte_end, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(
            crate::report::rule_id(f).into_owned(),
        )),
        source: Some("plainly".into()),
        message: f.message.to_string(),
        ..Diagnostic::default()
    }
}

/// A document that could not be read (malformed XML, an unknown role in
/// its front matter, ...): one error at the place named, if any.
fn read_error(text: &Text, e: &SourceError, enc: Encoding) -> Diagnostic {
    let at = e
        .line
        .map_or(0, |l| text.offset_of_line_col(l, e.column.unwrap_or(1)));
    Diagnostic {
        range: text.range(at..at, enc),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("plainly".into()),
        message: format!("{}\nhelp: {}", e.message, e.help),
        ..Diagnostic::default()
    }
}

/// Hover text for the findings under the cursor: each term with its
/// explanation and what each role calls it; other findings by message.
fn hover_markdown(hits: &[&Finding]) -> String {
    let mut terms: Vec<(&str, Vec<&Finding>)> = Vec::new();
    let mut others = Vec::new();
    for f in hits {
        match f.term.as_deref() {
            Some(t) => match terms.iter_mut().find(|(u, _)| normalize(u) == normalize(t)) {
                Some((_, fs)) => fs.push(f),
                None => terms.push((t, vec![f])),
            },
            None => others.push(*f),
        }
    }
    let mut parts = Vec::new();
    for (term, fs) in terms {
        let mut s = format!("**{term}**");
        let mut explanations: Vec<&str> = Vec::new();
        for f in &fs {
            if let Some(e) = f.explanation.as_deref()
                && !explanations.contains(&e)
            {
                explanations.push(e);
            }
        }
        for e in explanations {
            s.push_str("\n\n");
            s.push_str(e);
        }
        s.push('\n');
        for f in &fs {
            let words = if f.replacements.is_empty() {
                "(no plain word yet: explain it)".to_string()
            } else {
                f.replacements.join(" / ")
            };
            s.push_str(&format!(
                "\n- {}: {words}",
                f.role.as_deref().unwrap_or("all readers")
            ));
        }
        parts.push(s);
    }
    for f in others {
        parts.push(format!("**{}**: {}", crate::report::rule_id(f), f.message));
    }
    parts.join("\n\n---\n\n")
}

/// Text to insert for a suppression, and where.
struct Insert {
    at: usize,
    text: String,
}

/// The suppression comment for `term` at the line of byte `at`, written on
/// the line before it in the format's syntax (see [`crate::suppress`]).
/// CSV has no comments: no suppression there.
fn suppression(text: &Text, format: Format, at: usize, term: &str) -> Option<Insert> {
    // A term with `--` would end the term part of the comment early.
    if term.contains("--") {
        return None;
    }
    const REASON: &str = "TODO: reason";
    let html = format!("<!-- plainly-disable-next-line {term} -- {REASON} -->");
    let plain = format!("plainly: ignore {term} -- {REASON}");
    let t = &text.text;
    let line = text.lines.line_of(at.min(t.len()));
    let start = text.lines.line_start(line).min(t.len());
    let range = text.line_range(line);
    let line_text = &t[range.clone()];
    let eol = if t[range.end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let indent: &str = &line_text[..line_text.len() - line_text.trim_start().len()];
    let comment = match format {
        Format::Markdown | Format::Html | Format::Xml => html,
        Format::Text => plain,
        Format::Email if in_html_part(t, at) => html,
        Format::Email => plain,
        Format::Csv => return None,
    };
    // Nothing may come before an XML declaration: put the comment after it.
    if format == Format::Xml
        && line_text.trim_start().starts_with("<?xml")
        && let Some(end) = line_text.find("?>")
    {
        return Some(Insert {
            at: start + end + 2,
            text: format!("{eol}{comment}{eol}"),
        });
    }
    Some(Insert {
        at: start,
        text: format!("{indent}{comment}{eol}"),
    })
}

/// Whether byte `at` of a raw email lies in an HTML part: the nearest
/// `Content-Type` header before it says `text/html`.
fn in_html_part(raw: &str, at: usize) -> bool {
    let before = raw.get(..at).unwrap_or(raw).to_ascii_lowercase();
    before.rfind("content-type:").is_some_and(|i| {
        before[i + "content-type:".len()..]
            .trim_start()
            .starts_with("text/html")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns() {
        let t = Text::new("a\nGrüße 😀 DDP\r\nx".to_string());
        let ddp = t.text.find("DDP").unwrap();
        assert_eq!(t.position(ddp, Encoding::Utf16), Position::new(1, 9));
        assert_eq!(t.position(ddp, Encoding::Utf8), Position::new(1, 13));
        assert_eq!(t.offset(Position::new(1, 9), Encoding::Utf16), ddp);
        assert_eq!(t.offset(Position::new(1, 13), Encoding::Utf8), ddp);
        // Inside the emoji's surrogate pair: its start.
        let emoji = t.text.find('😀').unwrap();
        assert_eq!(t.offset(Position::new(1, 7), Encoding::Utf16), emoji);
        // Past the line end: the line end, before CRLF.
        assert_eq!(t.offset(Position::new(1, 99), Encoding::Utf16), ddp + 3);
        assert_eq!(t.offset(Position::new(9, 0), Encoding::Utf16), t.text.len());
        // Inside a multi-byte character: clamped back.
        assert_eq!(t.position(emoji + 1, Encoding::Utf16), Position::new(1, 6));
    }

    proptest::proptest! {
        /// Any position maps to a character boundary, and every boundary
        /// maps back to itself, in both encodings; nothing panics.
        #[test]
        fn positions_round_trip(
            s in "(a|ü|😀|\r\n|\n|\r| ){0,24}",
            line in 0u32..8,
            character in 0u32..40,
        ) {
            let t = Text::new(s.clone());
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let at = t.offset(Position::new(line, character), enc);
                proptest::prop_assert!(s.is_char_boundary(at));
                for (i, _) in s.char_indices().chain([(s.len(), ' ')]) {
                    // Inside CRLF is no place a client can name.
                    if s[..i].ends_with('\r') && s[i..].starts_with('\n') {
                        continue;
                    }
                    proptest::prop_assert_eq!(t.offset(t.position(i, enc), enc), i);
                }
            }
        }
    }

    #[test]
    fn file_uris_round_trip() {
        let path = std::path::absolute(Path::new("/tmp/a b/Grüße.md")).unwrap();
        let uri = path_to_uri(&path).unwrap();
        assert!(
            uri.as_str().ends_with("/a%20b/Gr%C3%BC%C3%9Fe.md"),
            "{uri:?}"
        );
        assert_eq!(uri_to_path(&uri), Some(path));
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
        let bad: Uri = "file:///x%zz".parse().unwrap_or(other);
        assert_eq!(uri_to_path(&bad), None);
    }

    #[test]
    fn suppressions_follow_the_format() {
        let t = Text::new("a\n  DDP here\r\n".to_string());
        let at = t.text.find("DDP").unwrap();
        let md = suppression(&t, Format::Markdown, at, "DDP").unwrap();
        assert_eq!(md.at, 2);
        assert_eq!(
            md.text,
            "  <!-- plainly-disable-next-line DDP -- TODO: reason -->\r\n"
        );
        let txt = suppression(&t, Format::Text, at, "DDP").unwrap();
        assert_eq!(txt.text, "  plainly: ignore DDP -- TODO: reason\r\n");
        assert!(suppression(&t, Format::Csv, at, "DDP").is_none());
        let x = Text::new("<?xml version=\"1.0\"?><Invoice>DDP</Invoice>".to_string());
        let at = x.text.find("DDP").unwrap();
        let xml = suppression(&x, Format::Xml, at, "DDP").unwrap();
        assert_eq!(xml.at, 21);
        assert!(xml.text.starts_with("\n<!-- plainly-disable-next-line DDP"));
    }

    #[test]
    fn html_parts_of_emails() {
        let raw = "Content-Type: multipart/alternative\n\nContent-Type: text/plain\n\nDDP\nContent-Type: text/html\n\n<p>DDP</p>";
        assert!(!in_html_part(raw, raw.find("DDP").unwrap()));
        assert!(in_html_part(raw, raw.rfind("DDP").unwrap()));
    }

    #[test]
    fn names_from_language_ids() {
        let u: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(document_name(&u, None, "markdown"), "Untitled-1.md");
        assert_eq!(document_name(&u, None, "plaintext"), "Untitled-1");
        let f: Uri = "file:///x/a.txt".parse().unwrap();
        assert_eq!(
            document_name(&f, Some(Path::new("/x/a.txt")), "markdown"),
            "/x/a.txt"
        );
    }
}
