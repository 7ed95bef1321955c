//! Traveller names as carriers write them: titles removed (`JOHNMR` -> `JOHN`, `NINA MS` -> `NINA`), given and
//! middle names joined by spaces.

/// Titles removed when they are a separate word.
const TITLES: &[&str] = &[
    "MR", "MRS", "MS", "MISS", "MSTR", "MASTER", "DR", "PROF", "REV", "SIR", "MME", "MLLE", "HERR",
    "FRAU", "CHD", "INF",
];

/// Titles removed when glued to the end of the last given name, the PNR way (`WILLIAMMR`). Longest first.
const GLUED_TITLES: &[&str] = &["MSTR", "MISS", "MRS", "MR", "MS"];

/// Removes titles from a given-name string and normalises spaces.
pub fn strip_titles(given: &str) -> String {
    let words: Vec<&str> = given.split_whitespace().collect();
    let mut kept: Vec<String> = words
        .iter()
        .filter(|w| !TITLES.iter().any(|t| w.eq_ignore_ascii_case(t)))
        .map(|w| w.to_string())
        .collect();
    let n = kept.len();
    for (i, word) in kept.iter_mut().enumerate() {
        let upper = word.to_ascii_uppercase();
        if upper != *word {
            continue;
        }
        for t in GLUED_TITLES {
            // `MS` only at the very end (the PNR way); keep at least three letters of name, so short names such
            // as "AMR" are left alone.
            if (*t == "MS" && i + 1 != n) || upper.len() < t.len() + 3 {
                continue;
            }
            if upper.ends_with(t) {
                word.truncate(word.len() - t.len());
                break;
            }
        }
    }
    kept.join(" ")
}

/// Joins name parts with single spaces, skipping empty parts, and removes titles.
pub fn join_given(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    strip_titles(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let cases = [
            ("JOHNMR", "JOHN"),
            ("WILLIAMMR", "WILLIAM"),
            ("MOLLYMRS", "MOLLY"),
            ("NINA MS", "NINA"),
            ("KONG CHUN MRS", "KONG CHUN"),
            ("MR JOHN", "JOHN"),
            ("SEJOONMR", "SEJOON"),
            ("AMR", "AMR"),
            ("Andrea Pat", "Andrea Pat"),
            ("THOMAS", "THOMAS"),
            ("TIMMSTR", "TIM"),
            ("", ""),
            ("CHARLESMR MUHAMMAD", "CHARLES MUHAMMAD"),
            ("ALEXANDR", "ALEXANDR"),
            ("ADAMS JOHN", "ADAMS JOHN"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_titles(input), want, "{input}");
        }
        assert_eq!(join_given(&["JOHN", "", " DONALD "]), "JOHN DONALD");
    }
}
