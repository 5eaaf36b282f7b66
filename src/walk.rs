//! Which files a run checks: the paths named, folders walked in parallel with
//! the `ignore` crate (`.gitignore`/`.ignore` inside git repositories, hidden
//! entries skipped, symbolic links not followed, so loops cannot happen),
//! config `exclude` globs applied, sorted by path so output is deterministic.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::Config;
use crate::diagnostic::SourceError;
use crate::engine::{Input, io_reason};

/// The inputs named by `paths` (`-` is standard input, named `stdin_name`).
/// With `strip_dot`, walked paths lose the `./` of an implied `.`.
/// Files in `skip` (absolute paths: the loaded phrasebooks) are left out of
/// folder walks.
pub fn inputs(
    paths: &[String],
    stdin_name: Option<&str>,
    config: &Config,
    skip: &HashSet<PathBuf>,
    strip_dot: bool,
) -> (Vec<Input>, Vec<SourceError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(Input::Stdin {
                name: stdin_name.unwrap_or("<stdin>").to_string(),
            });
            continue;
        }
        let path = Path::new(p);
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let (mut files, mut errs) = walk(path, config, skip);
                files.sort_by_cached_key(|p| path_key(p));
                for f in files {
                    let display = f.display().to_string();
                    let display = match (strip_dot, display.strip_prefix("./")) {
                        (true, Some(rest)) => rest.to_string(),
                        _ => display,
                    };
                    out.push(Input::File { display, path: f });
                }
                errors.append(&mut errs);
            }
            Ok(_) => {
                if !config.is_excluded(path) {
                    out.push(Input::File {
                        display: p.clone(),
                        path: path.to_path_buf(),
                    });
                }
            }
            Err(e) => errors.push(SourceError::file(
                p,
                format!("cannot open: {}", io_reason(&e)),
                "check the path",
            )),
        }
    }
    // A file named twice (`docs/a.md docs`) is checked once: the first
    // naming wins. Compared by absolute path, without touching the disk.
    // One folder or file cannot name a file twice: skip the work.
    if paths.len() > 1 {
        let mut seen = HashSet::new();
        out.retain(|input| match input {
            Input::File { path, .. } => seen.insert(config.absolute(path)),
            Input::Stdin { .. } => true,
        });
    }
    (out, errors)
}

/// A key that sorts the normalized paths a walk yields as [`Path::cmp`]
/// does (component by component): their bytes with the separator lowest.
/// Comparing by components took 60 ms for 40,000 paths.
fn path_key(p: &Path) -> Vec<u8> {
    let bytes = p.as_os_str().as_encoded_bytes();
    bytes
        .iter()
        .map(|&c| if c == b'/' { 0 } else { c })
        .collect()
}

fn walk(root: &Path, config: &Config, skip: &HashSet<PathBuf>) -> (Vec<PathBuf>, Vec<SourceError>) {
    let skip_names: HashSet<&std::ffi::OsStr> = skip.iter().filter_map(|p| p.file_name()).collect();
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    ignore::WalkBuilder::new(root)
        .threads(threads)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        let is_file = e.file_type().is_some_and(|t| t.is_file());
                        let skipped = skip_names.contains(e.file_name())
                            && skip.contains(&config.absolute(e.path()));
                        if is_file && !skipped && !config.is_excluded(e.path()) {
                            if let Ok(mut f) = files.lock() {
                                f.push(e.into_path());
                            }
                        } else if e.file_type().is_some_and(|t| t.is_dir())
                            && e.depth() > 0
                            && config.is_excluded(e.path())
                        {
                            return ignore::WalkState::Skip;
                        }
                    }
                    Err(err) => {
                        if let Ok(mut v) = errors.lock() {
                            v.push(walk_error(&err));
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    (
        files.into_inner().unwrap_or_default(),
        errors.into_inner().unwrap_or_default(),
    )
}

fn walk_error(err: &ignore::Error) -> SourceError {
    let path = walk_error_path(err).unwrap_or_default();
    let reason = match err.io_error() {
        Some(io) => io_reason(io),
        None => err.to_string(),
    };
    SourceError::file(
        &path,
        format!("cannot walk: {reason}"),
        "check the folder's permissions, or exclude it in .plainly.yaml",
    )
}

fn walk_error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.display().to_string()),
        ignore::Error::Partial(errs) => errs.first().and_then(walk_error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_key_sorts_as_components_do() {
        let names = [
            "docs/a-b.md",
            "docs/a/b.md",
            "docs/a.md",
            "docs/a/b/c.md",
            "docs/a b.md",
            "docs/A.md",
            "docs/ä.md",
            "docs/a/.md",
            "./docs/z.md",
        ];
        let mut by_key: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        by_key.sort_by_cached_key(|p| path_key(p));
        let mut by_components = by_key.clone();
        by_components.sort();
        assert_eq!(by_key, by_components);
    }
}
