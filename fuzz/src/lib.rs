//! The invariants every fuzz target asserts, in one place: what a reader
//! makes of arbitrary bytes, what the whole check reports about them, and
//! what a fix writes.
//!
//! A violated invariant panics, and libFuzzer keeps the input that caused it
//! under `fuzz/artifacts/<target>/`. Positions are recomputed here from the
//! byte offsets with the simplest code that can be right, never with
//! plainly's own `position` module, so that a bug there shows up.

use std::sync::LazyLock;

use plainly::document::{Document, Source};
use plainly::engine::{DocInfo, Engine, FileResult, Outcome, Setup};
use plainly::finding::{Edit, Finding, Summary};
use plainly::fix;
use plainly::reader::{self, Format};
use plainly::report::{self, OutputFormat, ReportOptions};

/// The engine with the bundled phrasebooks and no config, built once per
/// process (a fuzzer runs millions of inputs through one process).
pub static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    match Engine::load(&Setup {
        no_config: true,
        ..Default::default()
    }) {
        Ok(engine) => engine,
        Err(errors) => panic!("the bundled phrasebooks must load: {errors:?}"),
    }
});

/// What every reporter is handed, built once.
static OPTIONS: LazyLock<ReportOptions> = LazyLock::new(|| ReportOptions::new(&ENGINE, false));

/// Every output format, so that each reporter meets every finding.
const OUTPUT_FORMATS: &[OutputFormat] = &[
    OutputFormat::Human,
    OutputFormat::Concise,
    OutputFormat::Json,
    OutputFormat::Sarif,
    OutputFormat::Github,
    OutputFormat::Rdjson,
    OutputFormat::Junit,
    OutputFormat::Checkstyle,
];

/// One reader target: `data` read as `format` (the document's invariants),
/// then the whole check of `data` as a file called `name` (the findings',
/// the fix's and, for some inputs, every reporter's).
pub fn read_and_check(format: Format, name: &str, data: &[u8]) {
    if let Ok(doc) = reader::read(format, data, &Default::default()) {
        document(&doc);
    }
    let outcome = ENGINE.check_bytes(name, None, data);
    if let Outcome::Checked { findings, sources } = &outcome {
        for f in findings {
            finding(sources, f);
        }
        fixed(sources, findings);
    }
    // Rendering costs more than reading and checking together (miette
    // wraps every message), so every reporter sees one input in eight,
    // chosen by length so that a crash reproduces from its input alone.
    if data.len().is_multiple_of(8) {
        render(name, outcome);
    }
}

/// A document's segments map onto its sources: every character of a
/// segment lands inside its source on character boundaries, and where the
/// document says a range is verbatim (so a fix may rewrite it), the source
/// bytes there are exactly the segment's text.
pub fn document(doc: &Document) {
    for d in &doc.directives {
        let text = &doc
            .sources
            .first()
            .expect("a directive needs source 0")
            .text;
        assert!(
            text.get(d.range.clone()).is_some(),
            "directive {:?} off char boundaries of a {}-byte source",
            d.range,
            text.len()
        );
    }
    for seg in &doc.segments {
        let source = &doc
            .sources
            .get(seg.source)
            .unwrap_or_else(|| panic!("segment names source {}", seg.source))
            .text;
        let whole = 0..seg.text.len();
        mapped(source, &seg.text, seg, whole);
        // Each character on its own, for segments small enough to afford it.
        if seg.text.len() <= 4096 {
            for (i, c) in seg.text.char_indices() {
                mapped(source, &seg.text, seg, i..i + c.len_utf8());
            }
        }
    }
}

fn mapped(source: &str, text: &str, seg: &plainly::document::Segment, r: std::ops::Range<usize>) {
    let s = seg.to_source(&r);
    assert!(
        source.get(s.clone()).is_some(),
        "segment range {r:?} ({:?}) maps to {s:?}, off char boundaries of a {}-byte source",
        &text[r.clone()],
        source.len()
    );
    if seg.is_verbatim(&r) {
        assert_eq!(
            &source[s.clone()],
            &text[r.clone()],
            "verbatim segment range {r:?} maps to {s:?} with other text"
        );
    }
}

/// A finding points at exactly its text: the range lies on character
/// boundaries inside its source, the source there is `matched`, and the
/// lines and columns agree with the byte offsets.
pub fn finding(sources: &[Source], f: &Finding) {
    let loc = &f.location;
    let source = &sources
        .iter()
        .find(|s| s.decoded_part == loc.decoded_part)
        .unwrap_or_else(|| panic!("finding in missing source {:?}: {f:?}", loc.decoded_part))
        .text;
    let slice = source.get(loc.byte_start..loc.byte_end).unwrap_or_else(|| {
        panic!(
            "range {}..{} off char boundaries of a {}-byte source: {f:?}",
            loc.byte_start,
            loc.byte_end,
            source.len()
        )
    });
    assert_eq!(slice, &*f.matched, "source slice is not `matched`: {f:?}");
    assert_eq!(
        line_col(source, loc.byte_start),
        (loc.line, loc.column),
        "start position: {f:?}"
    );
    assert_eq!(
        line_col(source, loc.byte_end),
        (loc.end_line, loc.end_column),
        "end position: {f:?}"
    );
    if let Some(edit) = f.edit() {
        assert_eq!(loc.decoded_part, None, "a fix in a decoded part: {f:?}");
        assert_eq!(
            edit.range,
            loc.byte_start..loc.byte_end,
            "a fix elsewhere than its finding: {f:?}"
        );
    }
}

/// 1-based line and code-point column of `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// The fix of `findings` changes only the edited ranges of the file itself.
pub fn fixed(sources: &[Source], findings: &[Finding]) {
    let Some(file) = sources.iter().find(|s| s.decoded_part.is_none()) else {
        return;
    };
    let edits = fix::edits(findings);
    let new = fix::apply(&file.text, &edits);
    assert_eq!(new, spliced(&file.text, &edits), "fix::apply");
}

/// `text` with `edits` (sorted, disjoint) spliced in, the slow way.
pub fn spliced(text: &str, edits: &[Edit]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for e in edits {
        assert!(at <= e.range.start, "edits overlap or are unsorted");
        out += &text[at..e.range.start];
        out += &e.replacement;
        at = e.range.end;
    }
    out + &text[at..]
}

/// Renders the result in every output format; none may panic.
fn render(name: &str, outcome: Outcome) {
    let file = FileResult {
        path: name.to_string(),
        disk_path: None,
        info: DocInfo::default(),
        outcome,
    };
    let summary = Summary {
        files_checked: 1,
        findings: file.findings().len(),
        ..Default::default()
    };
    for &format in OUTPUT_FORMATS {
        let mut out = Vec::new();
        let mut reporter = report::reporter(format, &OPTIONS);
        reporter.file(&mut out, &file).expect("write to memory");
        reporter
            .finish(&mut out, &summary)
            .expect("write to memory");
    }
}
