//! Script detection: which writing system a name is written in.

use serde::Serialize;

/// The writing systems Interdict distinguishes when normalising names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Greek,
    Hebrew,
    Hangul,
    Kana,
    Han,
    Armenian,
    Georgian,
    Devanagari,
    Thai,
    Ethiopic,
    /// Digits, punctuation and other characters that belong to no script.
    Common,
    Other,
}

impl Script {
    /// The script of one character.
    pub fn of(c: char) -> Script {
        let u = c as u32;
        match u {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F => {
                if u == 0xD7 || u == 0xF7 {
                    Script::Common
                } else {
                    Script::Latin
                }
            }
            0x300..=0x36F => Script::Common, // combining marks
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x530..=0x58F => Script::Armenian,
            0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
            0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Script::Arabic
            }
            0x900..=0x97F => Script::Devanagari,
            0xE00..=0xE7F => Script::Thai,
            0x10A0..=0x10FF => Script::Georgian,
            0x1200..=0x139F | 0x2D80..=0x2DDF | 0xAB00..=0xAB2F => Script::Ethiopic,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => Script::Han,
            _ if c.is_alphabetic() => Script::Other,
            _ => Script::Common,
        }
    }

    /// Whether the script's transliteration usually lacks short vowels (an abjad; Thai, whose inherent vowels are
    /// not written), so Latin forms of its names must be compared on their consonants.
    pub fn is_abjad(self) -> bool {
        matches!(self, Script::Arabic | Script::Hebrew | Script::Thai)
    }
}

/// The dominant script of a text: the script with most letters, ignoring common characters. `Common` for text
/// without letters.
pub fn detect_script(text: &str) -> Script {
    let mut counts: [(Script, usize); 8] = [(Script::Common, 0); 8];
    let mut used = 0;
    for c in text.chars() {
        let s = Script::of(c);
        if s == Script::Common {
            continue;
        }
        if let Some(slot) = counts[..used].iter_mut().find(|(k, _)| *k == s) {
            slot.1 += 1;
        } else if used < counts.len() {
            counts[used] = (s, 1);
            used += 1;
        }
    }
    counts[..used]
        .iter()
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| *s)
        .unwrap_or(Script::Common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_scripts() {
        let table = [
            ("Abu Muhammad al-Adnani", Script::Latin),
            ("François Hollande", Script::Latin),
            ("أبو محمد العدناني", Script::Arabic),
            ("Владимир Путин", Script::Cyrillic),
            ("Αλέξανδρος", Script::Greek),
            ("משה", Script::Hebrew),
            ("김정은", Script::Hangul),
            ("金正恩", Script::Han),
            ("やまだ", Script::Kana),
            ("สมชาย", Script::Thai),
            ("አበበ ቢቂላ", Script::Ethiopic),
            ("12-34", Script::Common),
        ];
        for (text, want) in table {
            assert_eq!(detect_script(text), want, "{text}");
        }
        assert!(Script::Arabic.is_abjad());
        assert!(!Script::Cyrillic.is_abjad());
    }
}
