//! Text of an envelope field (references, identifiers, dates, message types), kept inline when short.

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// How many bytes are kept inline (envelope fields are nearly always shorter).
const INLINE: usize = 22;

/// The text of an envelope field. Up to 22 bytes are stored inline, so reading an interchange does not allocate
/// once per header field; longer text is boxed. Reads as a `&str` (it derefs to `str`), compares with string
/// types and serializes as a string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ShortText(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Boxed(Box<str>),
}

impl ShortText {
    pub fn new(text: &str) -> Self {
        if text.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            ShortText(Repr::Inline {
                len: text.len() as u8,
                bytes,
            })
        } else {
            ShortText(Repr::Boxed(text.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: the bytes were copied from a `&str` up to its length.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(bytes.get(..*len as usize).unwrap_or(&[])).unwrap_or("")
            }
            Repr::Boxed(s) => s,
        }
    }
}

impl Default for ShortText {
    fn default() -> Self {
        ShortText::new("")
    }
}

impl Deref for ShortText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ShortText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for ShortText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl From<&str> for ShortText {
    fn from(text: &str) -> Self {
        ShortText::new(text)
    }
}

impl From<ShortText> for String {
    fn from(text: ShortText) -> Self {
        text.as_str().to_string()
    }
}

impl PartialEq<str> for ShortText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ShortText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for ShortText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<ShortText> for &str {
    fn eq(&self, other: &ShortText) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let long = "X".repeat(40);
        for s in [
            "",
            "PAXLST",
            "00102181551362",
            "ABCDEFGHIJKLMNOPQRSTUV",
            "M\u{dc}LLER",
            long.as_str(),
        ] {
            let t = ShortText::new(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t, s);
            assert_eq!(format!("{t}"), s);
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
        }
        assert_ne!(ShortText::new("A"), ShortText::new("A\0"));
        assert_eq!(ShortText::default(), "");
    }
}
