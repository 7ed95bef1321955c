//! Service characters (the UNA service string advice) and syntax levels (UNOA, UNOB, UNOC, ...).

use serde::Serialize;

/// The six service characters of an interchange. `repetition` and `release` are `None` when the UNA string puts a
/// space in their place (syntax version 3 reserves the repetition position; a space there means "not used").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServiceChars {
    pub component: u8,
    pub element: u8,
    pub decimal: u8,
    pub release: Option<u8>,
    pub repetition: Option<u8>,
    pub terminator: u8,
}

impl Default for ServiceChars {
    /// The defaults when no UNA is present: `:+.? '` with `*` as repetition separator (syntax version 4).
    fn default() -> Self {
        ServiceChars {
            component: b':',
            element: b'+',
            decimal: b'.',
            release: Some(b'?'),
            repetition: Some(b'*'),
            terminator: b'\'',
        }
    }
}

impl ServiceChars {
    /// Reads the six characters that follow `UNA`. Returns `None` (the caller keeps the defaults and reports the
    /// problem) when a character is a letter or digit, or when two of the active separators are the same.
    pub fn from_una(six: &[u8]) -> Option<ServiceChars> {
        if six.len() != 6 {
            return None;
        }
        let optional = |b: u8| if b == b' ' { None } else { Some(b) };
        let chars = ServiceChars {
            component: six[0],
            element: six[1],
            decimal: six[2],
            release: optional(six[3]),
            repetition: optional(six[4]),
            terminator: six[5],
        };
        let active: Vec<u8> = [
            Some(chars.component),
            Some(chars.element),
            chars.release,
            chars.repetition,
        ]
        .into_iter()
        .flatten()
        .chain(std::iter::once(chars.terminator))
        .collect();
        for (i, a) in active.iter().enumerate() {
            if a.is_ascii_alphanumeric() {
                return None;
            }
            if active[i + 1..].contains(a) {
                return None;
            }
        }
        Some(chars)
    }

    /// Whether `b` is one of the characters that must be released inside data.
    pub fn is_special(&self, b: u8) -> bool {
        b == self.component
            || b == self.element
            || b == self.terminator
            || Some(b) == self.release
            || Some(b) == self.repetition
    }

    /// The UNA service string for these characters (`UNA:+.? '`).
    pub fn una(&self) -> String {
        let chars = [
            self.component,
            self.element,
            self.decimal,
            self.release.unwrap_or(b' '),
            self.repetition.unwrap_or(b' '),
            self.terminator,
        ];
        format!("UNA{}", String::from_utf8_lossy(&chars))
    }
}

/// The character repertoire an interchange declares in UNB (syntax identifier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SyntaxLevel {
    /// Level A: upper-case letters, digits, space and `.,-()/='+:?!"%&*;<>`.
    Unoa,
    /// Level B: level A plus lower-case letters and the rest of printable ASCII.
    Unob,
    /// ISO 8859-1 (Latin-1).
    Unoc,
    /// UTF-8 (ISO 10646).
    Unoy,
    /// IATA's own syntax identifier (`IATA`, used by PNRGOV), printable ASCII.
    Iata,
    /// Any other identifier (`SIRE`, `UNOD`, ...), not checked.
    Other(String),
}

impl SyntaxLevel {
    pub fn from_identifier(id: &str) -> SyntaxLevel {
        match id.trim() {
            "UNOA" => SyntaxLevel::Unoa,
            "UNOB" => SyntaxLevel::Unob,
            "UNOC" => SyntaxLevel::Unoc,
            "UNOY" | "UNOW" => SyntaxLevel::Unoy,
            "IATA" | "IATB" => SyntaxLevel::Iata,
            other => SyntaxLevel::Other(other.to_string()),
        }
    }

    /// Whether the (decoded) character belongs to this level's repertoire.
    pub fn allows(&self, c: char) -> bool {
        match self {
            SyntaxLevel::Unoa => {
                c.is_ascii_uppercase() || c.is_ascii_digit() || " .,-()/='+:?!\"%&*;<>".contains(c)
            }
            SyntaxLevel::Unob | SyntaxLevel::Iata => c.is_ascii() && !c.is_ascii_control(),
            SyntaxLevel::Unoc => (c as u32) < 0x100 && !c.is_control(),
            SyntaxLevel::Unoy | SyntaxLevel::Other(_) => true,
        }
    }

    /// The first character of `text` outside this level's repertoire.
    pub fn first_outside(&self, text: &str) -> Option<char> {
        let table = self.ascii_repertoire()?;
        let bytes = text.as_bytes();
        match bytes.iter().position(|&b| b >= 0x80 || !table[b as usize]) {
            None => None,
            Some(k) => text[k..].chars().find(|c| !self.allows(*c)),
        }
    }

    /// The ASCII bytes this level allows (indexed by byte), or `None` when the level is not checked.
    pub(crate) fn ascii_repertoire(&self) -> Option<&'static [bool; 128]> {
        match self {
            SyntaxLevel::Unoa => Some(&UNOA_BYTES),
            SyntaxLevel::Unob | SyntaxLevel::Iata => Some(&UNOB_BYTES),
            SyntaxLevel::Unoc => Some(&UNOC_ASCII_BYTES),
            SyntaxLevel::Unoy | SyntaxLevel::Other(_) => None,
        }
    }

    /// Whether bytes that are not valid UTF-8 should be read as ISO 8859-1 without a warning.
    pub fn is_latin1(&self) -> bool {
        matches!(self, SyntaxLevel::Unoc)
    }
}

const fn ascii_table(level: u8) -> [bool; 128] {
    let mut t = [false; 128];
    let mut b = 0x20;
    while b < 0x7f {
        let c = b as u8;
        t[b] = match level {
            0 => {
                c.is_ascii_uppercase()
                    || c.is_ascii_digit()
                    || matches!(
                        c,
                        b' ' | b'.'
                            | b','
                            | b'-'
                            | b'('
                            | b')'
                            | b'/'
                            | b'='
                            | b'\''
                            | b'+'
                            | b':'
                            | b'?'
                            | b'!'
                            | b'"'
                            | b'%'
                            | b'&'
                            | b'*'
                            | b';'
                            | b'<'
                            | b'>'
                    )
            }
            _ => true,
        };
        b += 1;
    }
    t
}

static UNOA_BYTES: [bool; 128] = ascii_table(0);
static UNOB_BYTES: [bool; 128] = ascii_table(1);
static UNOC_ASCII_BYTES: [bool; 128] = ascii_table(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn una_strings() {
        type Expected = Option<(u8, u8, Option<u8>, Option<u8>, u8)>;
        let cases: &[(&[u8], Expected)] = &[
            (b":+.? '", Some((b':', b'+', Some(b'?'), None, b'\''))),
            (b":+.?*'", Some((b':', b'+', Some(b'?'), Some(b'*'), b'\''))),
            (b":*.? $", Some((b':', b'*', Some(b'?'), None, b'$'))),
            (b":(.) -", Some((b':', b'(', Some(b')'), None, b'-'))),
            (b":-.? *", Some((b':', b'-', Some(b'?'), None, b'*'))),
            (
                b":+.\\*'",
                Some((b':', b'+', Some(b'\\'), Some(b'*'), b'\'')),
            ),
            (b"A+.? '", None),
            (b"::.? '", None),
            (b":+.?", None),
        ];
        for (input, expected) in cases {
            let got = ServiceChars::from_una(input).map(|s| {
                (
                    s.component,
                    s.element,
                    s.release,
                    s.repetition,
                    s.terminator,
                )
            });
            assert_eq!(got, *expected, "UNA{}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn repertoires() {
        assert!(SyntaxLevel::Unoa.allows('A'));
        assert!(!SyntaxLevel::Unoa.allows('a'));
        assert!(SyntaxLevel::Unob.allows('a'));
        assert!(!SyntaxLevel::Unob.allows('é'));
        assert!(SyntaxLevel::Unoc.allows('é'));
        assert!(!SyntaxLevel::Unoc.allows('€'));
        assert_eq!(ServiceChars::default().una(), "UNA:+.?*'");
    }
}
