//! `plainly lsp` end to end: the real binary driven over stdio with framed
//! JSON-RPC, as an editor drives it. Every wait has a timeout, so a server
//! that hangs fails the test instead of stalling the suite.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::tree;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(20);

const CONFIG: &str = "default_phrasebooks: false\nphrasebooks: [books]\n";

const FINANCE: &str = "role: finance
terms:
  - term: restocking fee
    replacement: charge for taking returned goods back into stock
  - term: DDP
    replacement: delivered with import duties paid
    explanation: We pay transport and import duties.
";

const END_USER: &str = "role: end-user
terms:
  - term: restocking fee
    replacement: charge for taking returned goods back into stock
  - term: DDP
    replacement: [delivered to your door, duties paid]
";

/// A language client talking to a spawned `plainly lsp`.
struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    /// Messages received while waiting for another one.
    stash: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("plainly"))
            .arg("lsp")
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawns plainly lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            stash: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// Sends a request and returns its result, failing on an error.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    /// The next message matching `want` (others are kept for later).
    fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.stash.iter().position(&want) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.rx.recv_timeout(left).unwrap_or_else(|_| {
                panic!("no matching message within {WAIT:?}; got {:#?}", self.stash)
            });
            if want(&msg) {
                return msg;
            }
            self.stash.push(msg);
        }
    }

    /// The next `publishDiagnostics` params for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })["params"]
            .clone()
    }

    /// No `publishDiagnostics` for `uri` arrives within `quiet`.
    fn assert_no_diagnostics(&mut self, uri: &str, quiet: Duration) {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        assert!(!self.stash.iter().any(is_it), "{:#?}", self.stash);
        let deadline = Instant::now() + quiet;
        while let Ok(msg) = self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            assert!(!is_it(&msg), "unexpected {msg}");
            self.stash.push(msg);
        }
    }

    /// `initialize` (offering `encodings`) and `initialized`; returns the
    /// server's capabilities.
    fn initialize(&mut self, root: &Path, encodings: &[&str]) -> Value {
        self.initialize_with(root, json!({"general": {"positionEncodings": encodings}}))
    }

    fn initialize_with(&mut self, root: &Path, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result["capabilities"].clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown` then `exit`; returns how the process ended.
    fn finish(mut self) -> ExitStatus {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `Content-Length` framed message, or None at the end of the stream.
fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URI of a path (test paths have no characters to escape).
fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn warning(range: Value, code: &str, message: &str) -> Value {
    json!({"range": range, "severity": 2, "code": code, "source": "plainly", "message": message})
}

fn setup() -> tempfile::TempDir {
    tree(&[
        (".plainly.yaml", CONFIG),
        ("books/finance.yaml", FINANCE),
        ("books/end-user.yaml", END_USER),
    ])
}

const DDP_END_USER: &str =
    "end-user readers may not know \"DDP\": write \"delivered to your door\" or \"duties paid\"";
const DDP_FINANCE: &str =
    "finance readers may not know \"DDP\": write \"delivered with import duties paid\"";
const FEE_END_USER: &str = "end-user readers may not know \"restocking fee\": write \"charge for taking returned goods back into stock\"";
const FEE_FINANCE: &str = "finance readers may not know \"restocking fee\": write \"charge for taking returned goods back into stock\"";

#[test]
fn session_diagnostics_hover_code_actions_and_clean_exit() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let doc = uri(&dir.path().join("docs/note.md"));
    let mut c = Client::start(dir.path());
    let caps = c.initialize(dir.path(), &["utf-16"]);
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 1);
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );

    // "Grüße" is 7 bytes and 5 UTF-16 units; the emoji 4 bytes and 2 units.
    // DDP starts at byte 15 but UTF-16 character 11.
    c.open(
        &doc,
        "markdown",
        "# Grüße 😀 DDP\n\nA restocking fee applies.\n",
    );
    assert_eq!(
        c.diagnostics(&doc),
        json!({"uri": doc, "version": 1, "diagnostics": [
            warning(range(0, 11, 0, 14), "jargon/end-user", DDP_END_USER),
            warning(range(0, 11, 0, 14), "jargon/finance", DDP_FINANCE),
            warning(range(2, 2, 2, 16), "jargon/end-user", FEE_END_USER),
            warning(range(2, 2, 2, 16), "jargon/finance", FEE_FINANCE),
        ]})
    );

    // Two edits within the debounce window: one check, of the last text.
    c.change(&doc, 2, "# Grüße\n\nWe ship nothing yet.\n");
    c.change(
        &doc,
        3,
        "# Grüße\n\nWe ship DDP 😀 and charge a restocking fee.\n",
    );
    let fee = range(2, 28, 2, 42);
    assert_eq!(
        c.diagnostics(&doc),
        json!({"uri": doc, "version": 3, "diagnostics": [
            warning(range(2, 8, 2, 11), "jargon/end-user", DDP_END_USER),
            warning(range(2, 8, 2, 11), "jargon/finance", DDP_FINANCE),
            warning(fee.clone(), "jargon/end-user", FEE_END_USER),
            warning(fee.clone(), "jargon/finance", FEE_FINANCE),
        ]})
    );
    c.assert_no_diagnostics(&doc, Duration::from_millis(400));

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 2, "character": 9}}),
    );
    assert_eq!(
        hover,
        json!({
            "contents": {"kind": "markdown", "value": "**DDP**\n\nWe pay transport and import duties.\n\n- end-user: delivered to your door / duties paid\n- finance: delivered with import duties paid"},
            "range": range(2, 8, 2, 11),
        })
    );
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 2, "character": 3}}),
    );
    assert_eq!(nothing, Value::Null);

    // On the fee (which both roles would replace the same way): a quick fix
    // and a suppression. The action's diagnostics are the ones published.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(2, 30, 2, 30), "context": {"diagnostics": []}}),
    );
    let fee_diagnostics = json!([
        warning(fee.clone(), "jargon/end-user", FEE_END_USER),
        warning(fee.clone(), "jargon/finance", FEE_FINANCE),
    ]);
    let suppress = "<!-- plainly-disable-next-line restocking fee -- TODO: reason -->\n";
    assert_eq!(
        actions,
        json!([
            {
                "title": "Replace \"restocking fee\" with \"charge for taking returned goods back into stock\"",
                "kind": "quickfix",
                "diagnostics": fee_diagnostics,
                "edit": {"changes": {doc.as_str(): [{"range": fee, "newText": "charge for taking returned goods back into stock"}]}},
                "isPreferred": true,
            },
            {
                "title": "Suppress \"restocking fee\" with a reason",
                "kind": "quickfix",
                "diagnostics": fee_diagnostics,
                "edit": {"changes": {doc.as_str(): [{"range": range(2, 0, 2, 0), "newText": suppress}]}},
            },
        ])
    );

    // On DDP the roles disagree: no quick fix, only the suppression.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(2, 8, 2, 11), "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Suppress \"DDP\" with a reason"]);

    // The inserted comment does suppress the fee, with its reason.
    c.change(
        &doc,
        4,
        &format!("# Grüße\n\n{suppress}We ship DDP 😀 and charge a restocking fee.\n"),
    );
    assert_eq!(
        c.diagnostics(&doc),
        json!({"uri": doc, "version": 4, "diagnostics": [
            warning(range(3, 8, 3, 11), "jargon/end-user", DDP_END_USER),
            warning(range(3, 8, 3, 11), "jargon/finance", DDP_FINANCE),
        ]})
    );

    // Applying the quick fix's edit leaves nothing for the fee.
    c.change(
        &doc,
        5,
        "We charge a charge for taking returned goods back into stock.\n",
    );
    assert_eq!(
        c.diagnostics(&doc),
        json!({"uri": doc, "version": 5, "diagnostics": []})
    );

    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": doc}}),
    );
    assert_eq!(c.diagnostics(&doc), json!({"uri": doc, "diagnostics": []}));
    assert_eq!(c.finish().code(), Some(0));
}

#[test]
fn utf8_positions_when_offered_and_text_suppressions() {
    let dir = setup();
    let doc = uri(&dir.path().join("mail.txt"));
    let mut c = Client::start(dir.path());
    let caps = c.initialize(dir.path(), &["utf-8", "utf-16"]);
    assert_eq!(caps["positionEncoding"], "utf-8");

    c.open(&doc, "plaintext", "Hello\nGrüße 😀 DDP\n");
    let d = c.diagnostics(&doc);
    assert_eq!(d["diagnostics"][0]["range"], range(1, 13, 1, 16));
    assert_eq!(d["diagnostics"][1]["range"], range(1, 13, 1, 16));

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 1, "character": 14}}),
    );
    assert_eq!(hover["range"], range(1, 13, 1, 16));

    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(1, 13, 1, 16), "context": {"diagnostics": []}}),
    );
    assert_eq!(
        actions[0]["edit"]["changes"][doc.as_str()],
        json!([{"range": range(1, 0, 1, 0), "newText": "plainly: ignore DDP -- TODO: reason\n"}])
    );
    c.change(
        &doc,
        2,
        "Hello\nplainly: ignore DDP -- TODO: reason\nGrüße 😀 DDP\n",
    );
    assert_eq!(c.diagnostics(&doc)["diagnostics"], json!([]));

    // A client asking only for refactorings gets no quick fixes.
    c.change(&doc, 3, "Grüße 😀 DDP\n");
    assert_eq!(
        c.diagnostics(&doc)["diagnostics"].as_array().unwrap().len(),
        2
    );
    let none = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": range(0, 13, 0, 16), "context": {"diagnostics": [], "only": ["refactor"]}}),
    );
    assert_eq!(none, json!([]));
    assert_eq!(c.finish().code(), Some(0));
}

#[test]
fn broken_phrasebook_is_reported_on_its_file_and_the_last_good_engine_stays() {
    let dir = setup();
    let doc = uri(&dir.path().join("page.md"));
    let book_path = dir.path().join("books/finance.yaml");
    let book = uri(&book_path);
    let mut c = Client::start(dir.path());
    c.initialize_with(
        dir.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The server asks to be told about edits of setup files.
    let register = c.wait_for(|m| m["method"] == "client/registerCapability");
    assert_eq!(
        register["params"],
        json!({"registrations": [{
            "id": "plainly-setup-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [
                {"globPattern": "**/.plainly.yaml"},
                {"globPattern": "**/*.yaml"},
                {"globPattern": "**/*.yml"},
            ]},
        }]})
    );
    c.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));

    c.open(&doc, "markdown", "DDP and EXW.\n");
    let before = c.diagnostics(&doc);
    assert_eq!(
        before["diagnostics"].as_array().unwrap().len(),
        2,
        "{before}"
    );

    // A broken edit on disk, announced by the client's file watcher.
    std::fs::write(
        &book_path,
        "role: finance\nterms:\n  - term: EXW\n    replacment: ex works\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": book, "type": 2}]}),
    );
    assert_eq!(
        c.diagnostics(&book),
        json!({"uri": book, "diagnostics": [{
            "range": range(3, 4, 3, 24),
            "severity": 1,
            "source": "plainly",
            "message": "unknown field `replacment`, expected one of term, variants, replacement, explanation, policy, case_sensitive, severity, examples\nhelp: remove the key or correct its spelling; the README lists every key",
        }]})
    );
    // The document is checked again, with the engine that last loaded.
    let again = c.diagnostics(&doc);
    assert_eq!(again["diagnostics"], before["diagnostics"]);

    // Fixed on disk, without any watcher event: the mtime check before the
    // next check reloads, clears the errors and uses the new term.
    std::fs::write(
        &book_path,
        format!("{FINANCE}  - term: EXW\n    replacement: ex works\n"),
    )
    .unwrap();
    c.change(&doc, 2, "DDP and EXW.\n");
    assert_eq!(
        c.diagnostics(&book),
        json!({"uri": book, "diagnostics": []})
    );
    let after = c.diagnostics(&doc);
    let codes: Vec<(&str, u64)> = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("jargon/end-user", 0),
            ("jargon/finance", 0),
            ("jargon/finance", 8)
        ]
    );
    assert_eq!(c.finish().code(), Some(0));
}

#[test]
fn bad_messages_get_errors_and_exit_without_shutdown_is_1() {
    let dir = setup();
    let mut c = Client::start(dir.path());
    let early = c.call("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    c.initialize(dir.path(), &[]);
    let again = c.call("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    let bad = c.call("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let unknown = c.call("plainly/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    // A malformed notification and a change to an unknown document are
    // ignored; hovering a document never opened is empty.
    c.notify("textDocument/didOpen", json!({"textDocument": 7}));
    c.change("file:///nowhere/x.md", 2, "DDP");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere/x.md"}, "position": {"line": 99, "character": 99}}),
    );
    assert_eq!(hover, Value::Null);
    // An untitled buffer: checked as Markdown, found nothing to read the
    // config from but the workspace root.
    c.open("untitled:Untitled-1", "markdown", "# DDP\n");
    let d = c.diagnostics("untitled:Untitled-1");
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 2, "{d}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));
}

#[test]
fn a_setup_that_never_loaded_is_said_on_the_document() {
    let dir = tree(&[
        (
            ".plainly.yaml",
            "default_phrasebooks: false\nphrasebooks: [books]\nfail_onn: error\n",
        ),
        ("books/finance.yaml", FINANCE),
    ]);
    let config = uri(&dir.path().join(".plainly.yaml"));
    let doc = uri(&dir.path().join("page.html"));
    let mut c = Client::start(dir.path());
    c.initialize(dir.path(), &[]);
    c.open(&doc, "html", "<p>DDP</p>\n");
    let on_config = c.diagnostics(&config);
    assert_eq!(
        on_config["diagnostics"][0]["range"]["start"]["line"], 2,
        "{on_config}"
    );
    let on_doc = c.diagnostics(&doc);
    let message = on_doc["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("plainly cannot check this file: ") && message.contains("fail_onn"),
        "{on_doc}"
    );
    assert_eq!(on_doc["diagnostics"][0]["range"], range(0, 0, 0, 0));

    // Repaired: the document is checked, the config's errors are cleared.
    std::fs::write(dir.path().join(".plainly.yaml"), CONFIG).unwrap();
    c.change(&doc, 2, "<p>DDP</p>\n");
    assert_eq!(c.diagnostics(&config)["diagnostics"], json!([]));
    let d = c.diagnostics(&doc);
    assert_eq!(d["diagnostics"][0]["range"], range(0, 3, 0, 6), "{d}");
    assert_eq!(d["diagnostics"][0]["code"], "jargon/finance");
    assert_eq!(c.finish().code(), Some(0));
}

#[test]
fn excluded_files_get_no_diagnostics() {
    let dir = tree(&[
        (
            ".plainly.yaml",
            &format!("{CONFIG}exclude: [\"drafts/**\"]\n"),
        ),
        ("books/finance.yaml", FINANCE),
    ]);
    let draft = uri(&dir.path().join("drafts/a.md"));
    let page = uri(&dir.path().join("a.md"));
    let mut c = Client::start(dir.path());
    c.initialize(dir.path(), &[]);
    c.open(&draft, "markdown", "DDP\n");
    assert_eq!(c.diagnostics(&draft)["diagnostics"], json!([]));
    c.open(&page, "markdown", "DDP\n");
    assert_eq!(
        c.diagnostics(&page)["diagnostics"][0]["code"],
        "jargon/finance"
    );
    assert_eq!(c.finish().code(), Some(0));
}
