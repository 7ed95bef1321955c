//! Fuzzes the watchlist_csv list importer: any bytes must import (entities and problems) without panicking, and every
//! problem must name its record.
#![no_main]

use interdict_lists::{ListFormat, read_list_bytes_as};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let import = read_list_bytes_as(data, "fuzz", ListFormat::WatchlistCsv);
    for problem in &import.problems {
        assert!(!problem.record.is_empty());
    }
});
