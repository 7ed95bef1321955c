//! Helpers for the human-readable `--format table` outputs.

/// `s` cut to at most `max` characters, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max.saturating_sub(1)).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncates_by_characters() {
        assert_eq!(super::truncate("abc", 5), "abc");
        assert_eq!(super::truncate("أبو محمد", 4), "أبو…");
        assert_eq!(super::truncate("abcdef", 3), "ab…");
    }
}
