//! Safe autofix: applies the safe edits of a file's findings in one pass,
//! shows them as a unified diff, or writes them atomically (a temporary file
//! in the same folder, then a rename) keeping the file's permissions. A file
//! that changed on disk since it was checked, or that is read-only, is not
//! touched.

use std::io::Write;
use std::path::Path;

use crate::finding::{Edit, Finding};

/// The edits of `findings`, sorted, one per range, overlapping ones dropped.
pub fn edits(findings: &[Finding]) -> Vec<Edit> {
    let mut edits: Vec<Edit> = findings.iter().filter_map(|f| f.edit().cloned()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup_by(|b, a| a.range == b.range);
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if out
            .last()
            .is_none_or(|last| last.range.end <= e.range.start)
        {
            out.push(e);
        }
    }
    out
}

/// `text` with `edits` (sorted, non-overlapping) applied. Bytes outside the
/// edited ranges are copied unchanged.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.range.start < at || e.range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A unified diff of `old` → `new` for `path`.
pub fn diff(path: &str, old: &str, new: &str) -> String {
    let (a, b) = if path.starts_with('/') {
        (path.to_string(), path.to_string())
    } else {
        let p = path.trim_start_matches("./");
        (format!("a/{p}"), format!("b/{p}"))
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&a, &b)
        .to_string()
}

/// Why a fix was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the file changed since it was checked; run plainly again")]
    Changed,
    #[error("the file is read-only; make it writable to fix it")]
    ReadOnly,
    #[error("cannot write the fix: {0}")]
    Io(String),
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// synced, then renamed over `path`. An existing file keeps its
/// permissions; a new one gets the usual ones (0666 less the umask).
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".plainly-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `new` over `path` atomically, provided the file still holds
/// exactly `expected`. Keeps the file's permissions. On any error the
/// original file is left as it was.
pub fn write_atomically(path: &Path, expected: &str, new: &str) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(crate::engine::io_reason(&e));
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let current = std::fs::read(path).map_err(io)?;
    if current != expected.as_bytes() {
        return Err(WriteError::Changed);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".plainly-fix-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(new.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    // Last look: a change between our read and the rename is refused too.
    if std::fs::read(path).map_err(io)? != expected.as_bytes() {
        return Err(WriteError::Changed);
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(r: std::ops::Range<usize>, s: &str) -> Edit {
        Edit {
            range: r,
            replacement: s.into(),
        }
    }

    #[test]
    fn applies_edits_and_keeps_other_bytes() {
        let t = "a DDP b\r\nRSTK fee c";
        let new = apply(t, &[edit(2..5, "delivered"), edit(9..17, "return charge")]);
        assert_eq!(new, "a delivered b\r\nreturn charge c");
    }

    #[test]
    fn overlapping_edits_keep_the_first() {
        let f = |r, s: &str| Finding {
            path: "".into(),
            location: Default::default(),
            matched: "".into(),
            term: None,
            role: None,
            rule: "jargon",
            severity: crate::finding::Severity::Warning,
            replacements: Vec::new().into(),
            explanation: None,
            message: "".into(),
            field: None,
            fix: crate::finding::Fix::Safe(edit(r, s)),
        };
        let e = edits(&[f(0..5, "x"), f(0..5, "x"), f(3..8, "y"), f(8..9, "z")]);
        assert_eq!(e, vec![edit(0..5, "x"), edit(8..9, "z")]);
    }

    #[test]
    fn refuses_a_changed_file_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "old").unwrap();
        assert!(matches!(
            write_atomically(&p, "other", "new"),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_atomically(&p, "old", "new").unwrap();
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    }
}
