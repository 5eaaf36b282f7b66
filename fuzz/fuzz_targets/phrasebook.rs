//! Arbitrary UTF-8 as a phrasebook: parsing never panics, every error names
//! a place inside the file and renders, and a book that loads builds a
//! matcher that runs over its own examples.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plainly::catalog::Catalog;
use plainly::{diagnostic, phrasebook};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match phrasebook::parse(text, "fuzz.yaml") {
        Ok(book) => {
            let examples: Vec<String> = book
                .entries
                .iter()
                .flat_map(|e| e.examples.flag.iter().chain(&e.examples.pass).cloned())
                .collect();
            let catalog = Catalog::new(vec![book]);
            for sentence in examples.iter().map(String::as_str).chain([text]) {
                for c in catalog.matcher.find(sentence) {
                    assert!(sentence.get(c.range.clone()).is_some(), "{c:?}");
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without a message");
            for e in &errors {
                assert_eq!(e.path, "fuzz.yaml");
                if let Some(line) = e.line {
                    assert!(
                        line >= 1 && line <= text.lines().count().max(1) + 1,
                        "line {line} outside the file: {e:?}"
                    );
                }
                diagnostic::render(e, false);
            }
        }
    }
});
