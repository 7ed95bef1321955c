//! PAXLST (and any other message in the input) read from arbitrary bytes: never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Frame the input as a PAXLST message so the reader is reached even by short inputs.
    let mut framed = b"UNB+UNOA:4+A+B+260301:0900+1'UNH+1+PAXLST:D:05B:UN:IATA'".to_vec();
    framed.extend_from_slice(data);
    let filter = interdict_travel::SensitiveDataFilter::default();
    let _ = interdict_travel::read_travel_file(&framed, &filter, (2026, 3, 1));
    let _ = interdict_travel::read_travel_file(data, &filter, (2026, 3, 1));
});
