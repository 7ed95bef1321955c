//! The on-disk index format and the vPDQ text format are parsed without panicking.
#![no_main]
use interdict_phash::{HashIndex, PdqHash, parse_vpdq};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(index) = HashIndex::from_bytes(data) {
        let _ = index.search(&PdqHash::ZERO, 31);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_vpdq(text, std::path::Path::new("fuzz.txt"));
    }
});
