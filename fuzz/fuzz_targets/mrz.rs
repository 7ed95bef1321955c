//! MRZ checks on arbitrary text: never panic; a zone without errors has a format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for zone in interdict_travel::mrz::split_zones(&text) {
        let r = interdict_travel::check_mrz(&zone, (2026, 3, 1));
        assert_eq!(r.valid, r.errors.is_empty());
        if r.valid {
            assert!(r.format.is_some());
        }
    }
});
