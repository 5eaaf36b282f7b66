//! Arbitrary bytes as CSV line items: the reader, then the whole check with the
//! bundled phrasebooks, the fix and every reporter (see `plainly_fuzz`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use plainly::reader::Format;

fuzz_target!(|data: &[u8]| {
    plainly_fuzz::read_and_check(Format::Csv, "x.csv", data);
});
