//! Name folding, transliteration, part tagging and alignment never panic on any text, and a name compared with
//! itself scores its best.
#![no_main]
use interdict_names::{NameClass, compare};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(text.len(), |(i, _)| i));
    for class in [NameClass::Person, NameClass::Organization, NameClass::Thing] {
        let e = compare(a, b, class);
        assert!((0.0..=1.0).contains(&e.score));
        let same = compare(a, a, class);
        assert!(same.score == 0.0 || same.score >= 0.99, "{a:?} vs itself: {}", same.score);
    }
});
