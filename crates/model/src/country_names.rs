//! English country names and nationality adjectives, keyed by [`crate::country::name_key`], mapped to alpha-2 codes.
//! Sorted by key so the lookup is a binary search.

const NAMES: &[(&str, &str)] = &[
    ("afghan", "af"),
    ("afghanistan", "af"),
    ("iran", "ir"),
    ("iran islamic republic of", "ir"),
    ("iranian", "ir"),
    ("iraq", "iq"),
    ("iraqi", "iq"),
    ("syria", "sy"),
    ("syrian", "sy"),
    ("syrian arab republic", "sy"),
    ("united kingdom", "gb"),
    ("united kingdom of great britain and northern ireland", "gb"),
];

pub(crate) fn lookup(key: &str) -> Option<&'static str> {
    NAMES.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| NAMES[i].1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_is_sorted_and_codes_are_valid() {
        for w in super::NAMES.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?} must sort before {:?}", w[0].0, w[1].0);
        }
        for (name, code) in super::NAMES {
            assert!(crate::Country::from_code(code).is_some(), "{name} -> {code}");
        }
    }
}
