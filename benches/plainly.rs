//! Micro-benchmarks (`cargo bench`): matcher build and scan at 100 / 2,000 /
//! 10,000 terms, fold on ASCII and non-ASCII text, Markdown segmenting,
//! bundled phrasebook loading, and JSON / human rendering.
//! Whole-process figures come from `bench/compare.sh`.

use divan::{Bencher, black_box};
use plainly::matcher::{Folded, Matcher, normalize};

/// The binary's allocator, so that the parts are measured as they run there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// Deterministic pseudo-words: the same list every run.
fn terms(n: usize) -> Vec<String> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let syll = [
        "ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "vu", "ze", "qua", "ber",
    ];
    (0..n)
        .map(|i| {
            let word = |r: u64| -> String {
                (0..3 + (r % 3))
                    .map(|k| syll[((r >> (k * 4)) % 12) as usize])
                    .collect()
            };
            if i % 10 == 0 {
                format!("{} {}", word(next()), word(next()))
            } else {
                word(next())
            }
        })
        .collect()
}

fn text(non_ascii: bool) -> String {
    let base = if non_ascii {
        "Grüße aus Göteborg: die Lieferung kommt pünktlich, förfallodag är på måndag. "
    } else {
        "Please check the delivery date and the invoice total before you send payment. "
    };
    let mut s = base.repeat(13_000); // about 1 MB
    s.push_str("kalomi nepura ");
    s
}

fn matcher(n: usize) -> Matcher {
    let mut needles: Vec<String> = terms(n).iter().map(|t| normalize(t)).collect();
    needles.sort();
    needles.dedup();
    Matcher::new(needles)
}

#[divan::bench(args = [100, 2_000, 10_000])]
fn matcher_build(bencher: Bencher, n: usize) {
    let mut needles: Vec<String> = terms(n).iter().map(|t| normalize(t)).collect();
    needles.sort();
    needles.dedup();
    bencher.bench(|| {
        let m = Matcher::new(black_box(needles.clone()));
        m.build_automaton();
        m
    });
}

#[divan::bench(args = [100, 2_000, 10_000])]
fn matcher_scan_1mb(bencher: Bencher, n: usize) {
    let m = matcher(n);
    let t = text(false);
    bencher
        .counter(divan::counter::BytesCount::new(t.len()))
        .bench(|| m.find(black_box(&t)));
}

#[divan::bench(args = [false, true])]
fn fold_1mb(bencher: Bencher, non_ascii: bool) {
    let t = text(non_ascii);
    bencher
        .counter(divan::counter::BytesCount::new(t.len()))
        .bench(|| Folded::new(black_box(&t)));
}

#[divan::bench]
fn markdown_segments(bencher: Bencher) {
    let page = "# Returns\n\nA *restocking fee* applies to [returns](https://x.example).\n\n- DDP terms\n- net 30\n\n```\ncode DDP\n```\n\n| a | b |\n|---|---|\n| LS | C62 |\n\n".repeat(2_000);
    bencher
        .counter(divan::counter::BytesCount::new(page.len()))
        .bench(|| plainly::reader::markdown::read(black_box(&page)));
}

#[divan::bench]
fn load_bundled_phrasebooks() -> usize {
    plainly::phrasebook::load_bundled()
        .map(|b| b.len())
        .unwrap_or(0)
}

#[divan::bench]
fn catalog_from_bundled(bencher: Bencher) {
    let books = plainly::phrasebook::load_bundled().unwrap_or_default();
    bencher.bench(|| plainly::catalog::Catalog::new(black_box(books.clone())));
}

/// A checked 3 MB file with many findings, for rendering benches.
fn checked() -> plainly::engine::FileResult {
    let engine = plainly::engine::Engine::load(&plainly::engine::Setup {
        no_config: true,
        roles: vec!["finance".into()],
        ..Default::default()
    })
    .expect("bundled phrasebooks load");
    let doc =
        "Our DDP price includes the restocking fee; see the SLA and the RMA form.\n".repeat(42_000);
    let (outcome, info) = engine.check_doc("bench.txt", None, doc.as_bytes());
    plainly::engine::FileResult {
        path: "bench.txt".into(),
        disk_path: None,
        info,
        outcome,
    }
}

#[divan::bench(args = ["json", "human"])]
fn render_findings(bencher: Bencher, format: &str) {
    use plainly::report::{OutputFormat, ReportOptions, reporter};
    let result = checked();
    let format = if format == "json" {
        OutputFormat::Json
    } else {
        OutputFormat::Human
    };
    bencher
        .counter(divan::counter::ItemsCount::new(result.findings().len()))
        .bench(|| {
            let mut out = Vec::with_capacity(64 << 20);
            let mut r = reporter(format, &ReportOptions::default());
            let _ = r.file(&mut out, &result);
            out.len()
        });
}
