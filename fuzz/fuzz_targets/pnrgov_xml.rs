//! PNRGOV XML read from arbitrary bytes (after a PNR opening, so the reader gets past the root): never panic,
//! every warning lies within the input, and nothing the sensitive-data filter drops is stored.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut framed = b"<IATA_PNRGOV_NotifRQ><PNR PNR_TransDate=\"2026-03-01T09:00:00\">".to_vec();
    framed.extend_from_slice(data);
    let filter = interdict_travel::SensitiveDataFilter::default();
    for input in [&framed[..], data] {
        let file = interdict_travel::pnrgov_xml::read_pnrgov_xml(input, &filter, (2026, 3, 1));
        for m in &file.messages {
            for w in &m.warnings {
                assert!(w.offset <= input.len(), "warning past the end: {w:?}");
            }
            if let interdict_travel::TravelMessage::Pnrgov(p) = &m.message {
                for b in &p.bookings {
                    for s in &b.services {
                        let code = s.split_whitespace().next().unwrap_or("");
                        assert!(
                            filter.ssr_category(code).is_none(),
                            "sensitive SSR kept: {s}"
                        );
                    }
                    for r in &b.remarks {
                        assert!(
                            filter.text_category(r).is_none(),
                            "sensitive remark kept: {r}"
                        );
                    }
                }
            }
        }
    }
});
