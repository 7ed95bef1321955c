//! Fuzzes the ftm_json list importer: any bytes must import (entities and problems) without panicking, and every
//! problem must name its record. Each line is also read as an `interdict screen` query.
#![no_main]

use interdict_lists::{ListFormat, read_list_bytes_as};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let import = read_list_bytes_as(data, "fuzz", ListFormat::FollowTheMoneyJson);
    for problem in &import.problems {
        assert!(!problem.record.is_empty());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.lines() {
            let _ = interdict_lists::query_from_json(line);
        }
    }
});
