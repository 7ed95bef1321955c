//! The `id,pdq` hash-list CSV and the bank CSV importers never panic; what the hash list accepts round-trips.
#![no_main]
use interdict_phash::{HashBanks, PdqHash, parse_hash_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (rows, _problems) = parse_hash_list(text);
        for (_, hash) in rows {
            assert_eq!(PdqHash::from_hex(&hash.to_hex()).unwrap(), hash);
        }
        let mut banks = HashBanks::new();
        let _ = banks.import_csv(text, "fuzz");
        let exported = banks.export_csv();
        let mut again = HashBanks::new();
        assert!(again.import_csv(&exported, "fuzz").is_empty());
        assert_eq!(again.len(), banks.len());
    }
});
