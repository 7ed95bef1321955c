//! The EDIFACT tokenizer and envelope checks on arbitrary bytes: never panic; every segment's components are
//! readable and every diagnostic has a position inside (or at the end of) the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = interdict_edifact::parse(data);
    for seg in parsed.segments.iter() {
        let _ = seg.tag();
        for e in 0..seg.element_count() {
            let _ = seg.components(e);
        }
        let _ = seg.to_string();
    }
    for d in &parsed.diagnostics {
        assert!(d.position.offset <= data.len());
    }
});
