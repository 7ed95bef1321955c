//! PartialDate parsing never panics, and what it accepts prints back to the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(d) = s.parse::<interdict_model::PartialDate>() {
            let again: interdict_model::PartialDate = d.to_string().parse().expect("display parses back");
            assert_eq!(again, d);
        }
    }
});
