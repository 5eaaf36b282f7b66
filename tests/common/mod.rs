//! Helpers shared by the integration tests: run the real binary, read its
//! JSON, and check that every finding points at its exact source text.

#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The plainly binary, run without any config from the surroundings.
pub fn plainly() -> Command {
    let mut cmd = Command::cargo_bin("plainly").expect("binary builds");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `plainly ARGS` in `dir` (its config applies) and returns
/// (exit code, stdout, stderr).
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = plainly()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 output"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `plainly check --format json --no-config ARGS` in `dir` and returns
/// (exit code, parsed JSON, stderr).
pub fn check_json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = plainly()
        .current_dir(dir)
        .args(["check", "--format", "json", "--no-config"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `plainly check --format concise ARGS` in `dir` (its config applies)
/// and returns standard output.
pub fn check_concise(dir: &Path, args: &[&str]) -> String {
    let out = plainly()
        .current_dir(dir)
        .args(["check", "--format", "concise"])
        .args(args)
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The repository root (where Cargo.toml is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// 1-based line and code-point column of `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Asserts, for every finding located in the file itself, that the file's
/// bytes at `byte_start..byte_end` are `matched` and that line/column agree
/// with the offsets. Returns how many findings were verified.
pub fn assert_exact_positions(dir: &Path, json: &Value) -> usize {
    let mut n = 0;
    for f in json["findings"].as_array().expect("findings") {
        if f.get("location").and_then(Value::as_str) == Some("decoded") {
            continue;
        }
        let path = dir.join(f["path"].as_str().unwrap());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let (s, e) = (
            f["byte_start"].as_u64().unwrap() as usize,
            f["byte_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], f["matched"].as_str().unwrap(), "slice at {f}");
        assert_eq!(
            line_col(&text, s),
            (
                f["line"].as_u64().unwrap() as usize,
                f["column"].as_u64().unwrap() as usize
            ),
            "start of {f}"
        );
        assert_eq!(
            line_col(&text, e),
            (
                f["end_line"].as_u64().unwrap() as usize,
                f["end_column"].as_u64().unwrap() as usize
            ),
            "end of {f}"
        );
        n += 1;
    }
    n
}

/// `(role, matched)` of every finding, in output order.
pub fn role_matches(json: &Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["role"].as_str().unwrap_or("").to_string(),
                f["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Writes `files` (path, content) under a new temporary folder.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, content) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}
