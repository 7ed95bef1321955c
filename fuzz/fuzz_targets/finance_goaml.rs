#![no_main]
//! The goAML report reader must never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = interdict_finance::goaml::read_report(text);
    }
});
