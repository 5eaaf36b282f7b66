//! `plainly phrasebook test | check | suggest` end to end: the real binary on
//! temporary phrasebooks, the bundled phrasebooks and the invoice fixtures.

mod common;

use common::*;

/// Runs `plainly phrasebook ARGS --no-config` in `dir`; returns
/// (exit code, stdout, stderr).
fn phrasebook(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    run_in(dir, &[&["phrasebook"], args, &["--no-config"]].concat())
}

const EXAMPLES_BOOK: &str = "role: finance
terms:
  - term: RSTK fee
    replacement: charge for taking returned goods back into stock
    examples:
      flag: [\"A RSTK fee applies.\", \"A restock fee applies.\"]
      pass: [\"Restocking starts on Monday.\"]
  - term: DDP
    replacement: delivered with import duties paid
    policy: explain
    examples:
      flag: [\"Sold DDP Oslo.\"]
      pass: [\"Sold DDP (delivered duty paid) Oslo.\", \"Sold DDP to Oslo.\"]
  - term: net 30
    examples:
      flag: [\"Terms: 2/10 net 30.\"]
  - term: 2/10 net 30
";

#[test]
fn test_lists_each_broken_example_and_fails() {
    let dir = tree(&[("book.yaml", EXAMPLES_BOOK)]);
    let (code, out, err) = phrasebook(
        dir.path(),
        &["test", "--no-default-phrasebooks", "book.yaml"],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "book.yaml:3: role finance (en), term \"RSTK fee\": flag example failed
  example: \"A restock fee applies.\"
  result:  no finding for \"RSTK fee\"
book.yaml:8: role finance (en), term \"DDP\": pass example failed
  example: \"Sold DDP to Oslo.\"
  result:  flagged \"DDP\" at column 6
book.yaml:14: role finance (en), term \"net 30\": flag example failed
  example: \"Terms: 2/10 net 30.\"
  result:  no finding for \"net 30\"; found \"2/10 net 30\" (term \"2/10 net 30\") instead
4 examples passed, 3 failed
"
    );
}

#[test]
fn test_passes_when_every_example_holds() {
    let dir = tree(&[(
        "books/sv.yaml",
        "role: finance\nlanguage: sv\nterms:\n  - term: förfallodag\n    examples:\n      flag: [\"FÖRFALLODAG: 30 april.\"]\n      pass: [\"Förfallodagen är satt.\"]\n",
    )]);
    let (code, out, err) = phrasebook(dir.path(), &["test", "--no-default-phrasebooks", "books"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "2 examples passed, 0 failed\n"),
        "{err}"
    );
}

#[test]
fn test_of_a_user_book_runs_alongside_the_bundled_ones() {
    let dir = tree(&[("book.yaml", EXAMPLES_BOOK)]);
    let (code, out, _) = phrasebook(dir.path(), &["test", "book.yaml"]);
    assert_eq!(code, 1);
    // The bundled finance book lists "RSTK fee" as a variant of "restocking
    // fee" and is loaded first, so the user's own "RSTK fee" entry is never
    // reported: both of its flag examples fail and say why.
    assert!(
        out.contains(
            "  example: \"A RSTK fee applies.\"\n  result:  no finding for \"RSTK fee\"; found \"RSTK fee\" (term \"restocking fee\") instead\n"
        ),
        "{out}"
    );
    assert_eq!(out.matches(" example failed\n").count(), 4, "{out}");
    // The user's DDP and net 30 replace the bundled entries (and their
    // examples); every other bundled example still holds.
    let replaced: usize = plainly::phrasebook::load_bundled()
        .unwrap()
        .iter()
        .filter(|b| b.role == "finance" && b.language == "en")
        .flat_map(|b| &b.entries)
        .filter(|e| e.term == "DDP" || e.term == "net 30" || e.term == "2/10 net 30")
        .map(|e| e.examples.flag.len() + e.examples.pass.len())
        .sum();
    let total = bundled_example_count() - replaced + 3;
    assert!(
        out.ends_with(&format!("{total} examples passed, 4 failed\n")),
        "{out}"
    );
}

/// The number of examples in the bundled phrasebooks.
fn bundled_example_count() -> usize {
    plainly::phrasebook::load_bundled()
        .expect("bundled phrasebooks load")
        .iter()
        .flat_map(|b| &b.entries)
        .map(|e| e.examples.flag.len() + e.examples.pass.len())
        .sum()
}

/// The suite's guarantee: every example of every bundled phrasebook (en, nl,
/// sv; finance, purchasing, end-user) holds under the real matcher and rules.
#[test]
fn bundled_phrasebook_examples_all_hold() {
    let dir = tree(&[]);
    let (code, out, err) = phrasebook(dir.path(), &["test"]);
    let n = bundled_example_count();
    assert!(n > 1000, "the bundled books lost their examples: {n}");
    assert_eq!(
        (code, out.as_str()),
        (0, format!("{n} examples passed, 0 failed\n").as_str()),
        "{err}"
    );
}

#[test]
fn test_and_check_stop_at_a_broken_phrasebook() {
    let dir = tree(&[(
        "book.yaml",
        "role: finance\nterms:\n  - term: DDP\n    policy: replce\n",
    )]);
    for cmd in ["test", "check"] {
        let (code, out, err) = phrasebook(dir.path(), &[cmd, "book.yaml"]);
        assert_eq!(code, 2, "{cmd}: {out}");
        assert!(err.contains("book.yaml:4"), "{cmd}: {err}");
        assert!(err.contains("replce"), "{cmd}: {err}");
    }
}

#[test]
fn check_warns_about_jargon_replacements_and_shadowed_spellings() {
    let dir = tree(&[
        (
            "books/a.yaml",
            "role: finance
terms:
  - term: restocking fee
    variants: [RSTK fee]
    replacement: charge for returned goods
  - term: EXW
    replacement: collected from our site under FCA terms
  - term: FCA
    replacement: handed to your carrier
",
        ),
        (
            "books/b.yaml",
            "role: finance
terms:
  - term: restock charge
    variants: [rstk fee]
    replacement: charge for returned goods
",
        ),
    ]);
    let (code, out, err) = phrasebook(dir.path(), &["check", "--no-default-phrasebooks", "books"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "books/a.yaml:6: warning: replacement \"collected from our site under FCA terms\" of \"EXW\" uses \"FCA\", which is jargon for role finance too (term \"FCA\" (books/a.yaml:8)): write it in words finance readers know
books/b.yaml:3: warning: \"rstk fee\" of term \"restock charge\" is also a spelling of term \"restocking fee\" (books/a.yaml:3) in role finance: plainly reports it as \"restocking fee\" only; remove it from one of the two entries
2 warnings, 0 notes
"
    );
}

#[test]
fn check_of_a_user_book_reports_its_collision_with_a_bundled_entry() {
    let dir = tree(&[(
        "my.yaml",
        "role: finance\nterms:\n  - term: restock charge\n    variants: [RSTK fee]\n    replacement: charge for putting returns back into stock\n",
    )]);
    let (code, out, err) = phrasebook(dir.path(), &["check", "my.yaml"]);
    assert_eq!(code, 1, "{err}");
    // Only the named file is reported on; the bundled books' notes are not.
    let line = plainly::phrasebook::load_bundled()
        .unwrap()
        .iter()
        .filter(|b| b.role == "finance" && b.language == "en")
        .flat_map(|b| &b.entries)
        .find(|e| e.term == "restocking fee")
        .expect("bundled finance book has restocking fee")
        .origin
        .line;
    assert_eq!(
        out,
        format!(
            "my.yaml:3: warning: \"RSTK fee\" of term \"restock charge\" is also a spelling of term \"restocking fee\" (phrasebooks/finance.yaml (bundled):{line}) in role finance: plainly reports it as \"restocking fee\" only; remove it from one of the two entries\n1 warning, 0 notes\n"
        )
    );
}

#[test]
fn check_notes_a_term_no_role_knows_without_failing() {
    let dir = tree(&[
        (
            "f.yaml",
            "role: finance\nterms:\n  - term: RSTK\n    replacement: restocking\n",
        ),
        (
            "p.yaml",
            "role: purchasing\nterms:\n  - term: RSTK\n    policy: explain\n",
        ),
    ]);
    let (code, out, err) = phrasebook(
        dir.path(),
        &["check", "--no-default-phrasebooks", "f.yaml", "p.yaml"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "f.yaml:3: note: \"RSTK\" is flagged for every en role (finance, purchasing): no reader is expected to know it; prefer plain words, or explain it in the glossary
0 warnings, 1 note
"
    );
}

#[test]
fn bundled_phrasebooks_have_no_warnings() {
    let dir = tree(&[]);
    let (code, out, err) = phrasebook(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains(": warning: "), "{out}");
    assert!(
        out.lines().last().unwrap().starts_with("0 warnings, "),
        "{out}"
    );
}

/// The stub `suggest` prints for one candidate.
fn stub(term: &str, seen: &str) -> String {
    format!(
        "  - term: {term}\n    replacement: \"\"  # {seen}\n    explanation: \"\"\n    policy: replace\n"
    )
}

#[test]
fn suggest_harvests_codes_from_the_invoice_fixtures() {
    let (code, out, err) = phrasebook(
        root(),
        &[
            "suggest",
            "fixtures/invoices/INV-2026-0417.txt",
            "fixtures/invoices/line-items.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let inv = "fixtures/invoices/INV-2026-0417.txt";
    for expected in [
        stub("INV-2026-0417", &format!("seen 2 times, e.g. in {inv}:5")),
        stub("ART-99812", &format!("seen once, in {inv}:22")),
        stub("SRV-0900", &format!("seen once, in {inv}:25")),
        // New although MOQ is a known term.
        stub("MOQ-SUR", &format!("seen once, in {inv}:27")),
        // Only the item-number column counts: in "RSTK fee" it is known.
        stub("RSTK", &format!("seen once, in {inv}:26")),
        // Once in the invoice text, once in a CSV description.
        stub(
            "filter cartridge",
            &format!("seen 2 times, e.g. in {inv}:22"),
        ),
    ] {
        assert!(out.contains(&expected), "missing\n{expected}in\n{out}");
    }
    let terms: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("  - term: "))
        .collect();
    // Known to the bundled phrasebooks: ASN, BOL, MOQ, DDP, net 30, lead time.
    for known in ["ASN", "BOL", "MOQ", "DDP", "N30", "lead time", "SET", "EA"] {
        assert!(!terms.contains(&known), "{known} is known: {terms:?}");
    }
    // ART-77005 is only in the CSV's sku column, which is not prose.
    assert!(!terms.contains(&"ART-77005"), "{terms:?}");
    // Ranked by count, then alphabetically.
    let first_once = out.find("seen once").unwrap();
    assert!(out[..first_once].contains("INV-2026-0417"));
    assert!(out.find("ART-40210").unwrap() < out.find("ART-99812").unwrap());
}

#[test]
fn suggest_min_count_and_role_narrow_the_list() {
    let dir = tree(&[
        ("f.yaml", "role: finance\nterms:\n  - term: ASN\n"),
        ("p.yaml", "role: purchasing\nterms:\n  - term: BOL\n"),
        (
            "docs/a.md",
            "# Shipping\n\nThe ASN and the BOL follow. Pallet KIT-7 ships.\n\nThe BOL is signed; KIT-7 again.\n",
        ),
    ]);
    let base = [
        "suggest",
        "--no-default-phrasebooks",
        "--phrasebook",
        "f.yaml",
        "--phrasebook",
        "p.yaml",
        "docs",
    ];
    let (code, out, err) = phrasebook(dir.path(), &base);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            stub("KIT-7", "seen 2 times, e.g. in docs/a.md:3").as_str()
        ),
        "{err}"
    );

    let mut args = base.to_vec();
    args.extend(["--role", "finance"]);
    let (_, out, _) = phrasebook(dir.path(), &args);
    assert_eq!(
        out,
        stub("BOL", "seen 2 times, e.g. in docs/a.md:3")
            + &stub("KIT-7", "seen 2 times, e.g. in docs/a.md:3")
    );

    let mut args = base.to_vec();
    args.extend(["--min-count", "3"]);
    let (code, out, err) = phrasebook(dir.path(), &args);
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(err.contains("no new candidates"), "{err}");
}

#[test]
fn suggest_skips_binary_files_and_reports_missing_ones() {
    let dir = tree(&[("bin.txt", "ZZQ\n\u{0}"), ("a.txt", "Call the ASN desk.\n")]);
    let (code, out, err) = phrasebook(
        dir.path(),
        &["suggest", "--no-default-phrasebooks", "bin.txt", "a.txt"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("skipped bin.txt: binary file"), "{err}");
    assert_eq!(out, stub("ASN", "seen once, in a.txt:1"));

    let (code, out, err) = phrasebook(
        dir.path(),
        &[
            "suggest",
            "--no-default-phrasebooks",
            "missing.txt",
            "a.txt",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing.txt"), "{err}");
    // What could be read is still harvested.
    assert_eq!(out, stub("ASN", "seen once, in a.txt:1"));
}
