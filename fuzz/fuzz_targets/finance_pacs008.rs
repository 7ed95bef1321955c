#![no_main]
//! The ISO 20022 pacs.008 reader must never panic, whatever the XML.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let reader = interdict_finance::ingest::pacs008::Pacs008Reader::new(data, "fuzz.xml", Default::default());
    for tx in reader.take(10_000) {
        let _ = tx.map(|t| t.amount);
    }
});
