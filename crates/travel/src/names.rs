//! Traveller names as carriers write them: titles removed (`JOHNMR` -> `JOHN`, `NINA MS` -> `NINA`), given and
//! middle names joined by spaces.

/// Titles removed when they are a separate word.
const TITLES: &[&str] = &[
    "MR", "MRS", "MS", "MISS", "MSTR", "MASTER", "DR", "PROF", "REV", "SIR", "MME", "MLLE", "HERR",
    "FRAU", "CHD", "INF",
];

/// Titles removed when glued to the end of the last given name, the PNR way (`WILLIAMMR`). Longest first.
const GLUED_TITLES: &[&str] = &["MSTR", "MISS", "MRS", "MR", "MS", "DR"];

/// Removes titles from a given-name string and normalises spaces.
pub fn strip_titles(given: &str) -> String {
    let words: Vec<&str> = given.split_whitespace().collect();
    let mut kept: Vec<String> = words
        .iter()
        .filter(|w| !TITLES.iter().any(|t| w.eq_ignore_ascii_case(t)))
        .map(|w| w.to_string())
        .collect();
    if let Some(last) = kept.last_mut() {
        let upper = last.to_ascii_uppercase();
        if upper == *last {
            for t in GLUED_TITLES {
                // Keep at least two letters of name, so short names such as "AMR" are left alone.
                if upper.len() >= t.len() + 2 && upper.ends_with(t) {
                    last.truncate(last.len() - t.len());
                    break;
                }
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
        ];
        for (input, want) in cases {
            assert_eq!(strip_titles(input), want, "{input}");
        }
        assert_eq!(join_given(&["JOHN", "", " DONALD "]), "JOHN DONALD");
    }
}
