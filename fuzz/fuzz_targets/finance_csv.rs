#![no_main]
//! The Interdict transaction CSV and AMLSim readers (format detected from the content) must never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = interdict_finance::CsvOptions::default();
    if let Ok(reader) = interdict_finance::read_transactions(data, "fuzz.csv", &options) {
        for tx in reader.take(10_000) {
            let _ = tx.map(|t| t.is_cross_border());
        }
    }
});
