//! Small text routines the readers share: whitespace collapsing, a quote-aware CSV line split for format
//! detection, and English month names.

/// Trims and collapses every run of whitespace (including line breaks inside XML values) to one space.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Splits one CSV line on commas outside double quotes, removing the quotes. Used only to look at a first line.
pub(crate) fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The month number of an English month name or abbreviation ("Mar", "Mar.", "March", "Sept").
pub(crate) fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) || (w == "sept" && *m == "september"))
        .map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace() {
        assert_eq!(collapse_whitespace("  a \n\t  b  "), "a b");
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn splits_csv_lines() {
        assert_eq!(split_csv_line(r#"1,"a, b",c"#), vec!["1", "a, b", "c"]);
        assert_eq!(
            split_csv_line(r#""say ""hi""",x"#),
            vec![r#"say "hi""#, "x"]
        );
    }

    #[test]
    fn month_names() {
        let table = [
            ("Mar", Some(3)),
            ("Mar.", Some(3)),
            ("march", Some(3)),
            ("Sept", Some(9)),
            ("Sep", Some(9)),
            ("Ma", None),
            ("xyz", None),
        ];
        for (w, want) in table {
            assert_eq!(month_number(w), want, "{w}");
        }
    }
}
