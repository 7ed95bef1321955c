//! PNRGOV read from arbitrary bytes: never panic, and nothing the sensitive-data filter drops is stored.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut framed = b"UNB+IATA:1+A+B+260301:0900+1'UNH+1+PNRGOV:13:1:IA+X'MSG+:22'TVL+010326:1000+AAA+BBB+ZZ+1'SRC'".to_vec();
    framed.extend_from_slice(data);
    let filter = interdict_travel::SensitiveDataFilter::default();
    let file = interdict_travel::read_travel_file(&framed, &filter, (2026, 3, 1));
    for m in &file.messages {
        if let interdict_travel::TravelMessage::Pnrgov(p) = &m.message {
            for b in &p.bookings {
                for s in &b.services {
                    let code = s.split_whitespace().next().unwrap_or("");
                    assert!(
                        filter.ssr_category(code).is_none(),
                        "sensitive SSR kept: {s}"
                    );
                }
            }
        }
    }
});
