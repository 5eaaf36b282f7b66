//! `plainly check`: the CI job. Walks the paths, checks every file, applies
//! baseline and fixes, renders the findings in path order, and maps the
//! outcome to an exit code.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

use super::{Common, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Out, print_errors, stdout_color};
use crate::baseline::{Baseline, Recorder, line_text};
use crate::diagnostic::SourceError;
use crate::engine::{Engine, Outcome};
use crate::finding::{FailOn, Finding, Summary};
use crate::fix;
use crate::report::{self, OutputFormat, ReportOptions};

/// Up to this many findings, a file's output is rendered on the worker that
/// checked it (a few MB of human output at most); beyond, it streams.
const RENDER_IN_WORKER_MAX: usize = 10_000;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to check; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Name standard input (for format detection and audience globs), e.g. invoice.md.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Lowest severity that makes the exit code 1 (default: config `fail_on`, else warning).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Apply the safe replacements in place (atomic writes; everything else is reported).
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print a unified diff of what --fix would change, and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file (sorted JSON).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Print counts per term and role, most frequent first, instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print no notes about skipped files, no progress and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Shows `checked N/M files` on a terminal's stderr during long runs.
struct Progress {
    total: usize,
    done: usize,
    last: Instant,
    shown: bool,
    enabled: bool,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Self {
        Progress {
            total,
            done: 0,
            last: Instant::now(),
            shown: false,
            enabled: !quiet && total > 20 && std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self) {
        self.done += 1;
        if self.enabled && self.last.elapsed() > Duration::from_millis(100) {
            self.last = Instant::now();
            self.shown = true;
            eprint!("\rplainly: checked {}/{} files", self.done, self.total);
        }
    }

    fn clear(&self) {
        if self.shown {
            eprint!("\r\x1b[K");
        }
    }
}

/// Runs `plainly check`, for the binary: the process is expected to end
/// after it (the catalog is left for the exit to free).
pub fn run(args: CheckArgs) -> i32 {
    let implied = args.paths.is_empty();
    let paths = if implied {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let walk = |config: &_, phrasebook_files: &_| {
        crate::walk::inputs(
            &paths,
            args.stdin_name.as_deref(),
            config,
            phrasebook_files,
            implied,
        )
    };
    // Folders are walked while the phrasebooks load; files alone are named
    // quicker than a thread for them starts.
    let setup = args.common.setup();
    let loaded = if paths.iter().any(|p| std::path::Path::new(p).is_dir()) {
        Engine::load_beside(&setup, walk)
    } else {
        Engine::load(&setup).map(|engine| {
            let inputs = walk(&engine.config, &engine.phrasebook_files);
            (engine, inputs)
        })
    };
    let (engine, (inputs, walk_errors)) = match loaded {
        Ok(loaded) => loaded,
        Err(errors) => {
            print_errors(&errors);
            return EXIT_ERROR;
        }
    };
    let mut baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            print_errors(&[e]);
            return EXIT_ERROR;
        }
    };
    if args.stdin_name.is_some() && !args.paths.iter().any(|p| p == "-") {
        print_errors(&[SourceError::file(
            "--stdin-name",
            "--stdin-name names standard input, but `-` is not among the paths",
            "add `-` to read the document from standard input",
        )]);
        return EXIT_ERROR;
    }
    print_errors(&walk_errors);
    let fail_on = args.fail_on.or(engine.config.fail_on).unwrap_or_default();
    let mut options = ReportOptions::new(&engine, stdout_color());
    options.fail_on = fail_on;
    let mut reporter = report::reporter(args.format, &options);
    let mut summary = Summary {
        errors: walk_errors.len(),
        ..Default::default()
    };
    let mut failing = false;
    let mut recorder = args.write_baseline.as_ref().map(|_| Recorder::default());
    let mut stats: HashMap<(String, String), usize> = HashMap::new();
    let mut fixed = (0usize, 0usize);
    let mut diffs = 0usize;
    let mut progress = Progress::new(inputs.len(), args.quiet);
    let mut out = Out::new();

    // Formats that render each finding at length do so on the worker that
    // checked the file; the count says which findings were rendered, as a
    // baseline or a fix below may drop some. A file with very many findings
    // is rendered by the reporter as it writes, so that its output streams
    // instead of being held in memory whole. Once the output is closed
    // (`| head`), nothing more is rendered.
    let renderer = (!args.statistics && !args.diff)
        .then(|| reporter.renderer())
        .flatten();
    let output_closed = std::sync::atomic::AtomicBool::new(false);
    let render = |result: &crate::engine::FileResult| {
        let renderer = renderer.as_ref()?;
        if result.findings().len() > RENDER_IN_WORKER_MAX
            || output_closed.load(std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        let mut rendered = Vec::new();
        renderer.render(result, &mut rendered);
        Some((result.findings().len(), rendered))
    };
    engine.check_all_with(&inputs, render, |mut result, rendered| {
        progress.tick();
        let mut file_error: Option<SourceError> = None;
        if !args.quiet {
            for note in &result.info.notes {
                progress.clear();
                eprintln!("plainly: note: {}: {note}", result.path);
            }
        }
        match &mut result.outcome {
            Outcome::Checked { findings, sources } => {
                summary.files_checked += 1;
                let source_of = |f: &Finding| -> &str {
                    let part = f.location.decoded_part;
                    sources
                        .iter()
                        .find(|s| s.decoded_part == part)
                        .map_or("", |s| s.text.as_str())
                };
                if let Some(rec) = &mut recorder {
                    for f in findings.iter() {
                        rec.add(f, line_text(f, source_of(f)));
                    }
                }
                if let Some(b) = &mut baseline {
                    let kept: Vec<Finding> = std::mem::take(findings)
                        .into_iter()
                        .filter(|f| !b.take(f, line_text(f, source_of(f))))
                        .collect();
                    *findings = kept;
                }
                if args.fix || args.diff {
                    let edits = fix::edits(findings);
                    if !edits.is_empty() {
                        let old = &sources[0].text;
                        let new = fix::apply(old, &edits);
                        if args.diff {
                            diffs += 1;
                            let d = fix::diff(&result.path, old, &new);
                            out.write_with(|w| w.write_all(d.as_bytes()));
                        } else {
                            match &result.disk_path {
                                None => {
                                    file_error = Some(SourceError::file(
                                        &result.path,
                                        "standard input cannot be fixed in place",
                                        "use --diff to see the changes",
                                    ))
                                }
                                Some(p) => match fix::write_atomically(p, old, &new) {
                                    Ok(()) => {
                                        fixed.0 += edits.len();
                                        fixed.1 += 1;
                                        findings.retain(|f| {
                                            f.edit().is_none_or(|e| !edits.contains(e))
                                        });
                                    }
                                    Err(e) => {
                                        file_error = Some(SourceError::file(
                                            &result.path,
                                            format!("not fixed: {e}"),
                                            "nothing was written to this file",
                                        ))
                                    }
                                },
                            }
                        }
                    }
                }
                summary.findings += findings.len();
                failing |= findings.iter().any(|f| fail_on.fails(f.severity));
                // Only when asked: two strings and a hash per finding.
                if args.statistics {
                    for f in findings.iter() {
                        let what = f.term.as_deref().unwrap_or(f.rule).to_string();
                        *stats
                            .entry((what, f.role.as_deref().unwrap_or_default().to_string()))
                            .or_insert(0) += 1;
                    }
                }
            }
            Outcome::Skipped(why) => {
                summary.files_skipped += 1;
                if !args.quiet {
                    progress.clear();
                    eprintln!("plainly: skipped {}: {why}", result.path);
                }
            }
            Outcome::Failed(e) => {
                summary.errors += 1;
                progress.clear();
                print_errors(std::slice::from_ref(e));
            }
        }
        if let Some(e) = file_error {
            summary.errors += 1;
            progress.clear();
            print_errors(&[e]);
        }
        if !args.statistics && !args.diff {
            match rendered {
                Some((count, rendered)) if count == result.findings().len() => {
                    out.write_with(|w| reporter.file_rendered(w, &result, &rendered))
                }
                _ => out.write_with(|w| reporter.file(w, &result)),
            }
            if out.is_closed() {
                output_closed.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
    });
    progress.clear();

    if args.statistics {
        let table = statistics(&stats, args.format);
        out.write_with(|w| w.write_all(table.as_bytes()));
    } else if !(args.diff || args.quiet && args.format == OutputFormat::Human) {
        out.write_with(|w| reporter.finish(w, &summary));
    }
    out.finish();
    if let (Some(rec), Some(path)) = (&recorder, &args.write_baseline) {
        match rec.write(path) {
            Ok(()) if !args.quiet => eprintln!("plainly: wrote baseline {}", path.display()),
            Ok(()) => {}
            Err(e) => {
                print_errors(&[e]);
                summary.errors += 1;
            }
        }
    }
    if args.fix && !args.quiet && fixed.0 > 0 {
        eprintln!(
            "plainly: fixed {} occurrence{} in {} file{}",
            fixed.0,
            if fixed.0 == 1 { "" } else { "s" },
            fixed.1,
            if fixed.1 == 1 { "" } else { "s" }
        );
    }
    // The process ends next: freeing the catalog (a twentieth of a one-file
    // check's start-up) would be work for nothing.
    std::mem::forget(engine);
    if summary.errors > 0 {
        EXIT_ERROR
    } else if args.write_baseline.is_some() {
        EXIT_OK
    } else if args.diff {
        if diffs > 0 { EXIT_FINDINGS } else { EXIT_OK }
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The `--statistics` table (or JSON), most frequent first, then by name.
fn statistics(stats: &HashMap<(String, String), usize>, format: OutputFormat) -> String {
    let mut rows: Vec<(&(String, String), &usize)> = stats.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if format == OutputFormat::Json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|((term, role), n)| serde_json::json!({"term": term, "role": role, "count": n}))
            .collect();
        return format!("{}\n", serde_json::Value::Array(v));
    }
    let width = rows
        .iter()
        .map(|r| r.0.0.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!("{:>6}  {:<width$}  role\n", "count", "term");
    for ((term, role), n) in rows {
        s.push_str(&format!("{n:>6}  {term:<width$}  {role}\n"));
    }
    s
}
