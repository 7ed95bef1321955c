//! Diagnostics: every problem the tokenizer or the envelope checks find, with its position.

use crate::ShortText;
use serde::Serialize;
use std::fmt;

/// Where something is in the input: byte offset (0-based), line and column (1-based, column in bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Position {
    pub offset: usize,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {} (byte {})",
            self.line, self.column, self.offset
        )
    }
}

/// What kind of problem a diagnostic reports. Stable snake_case names in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// The message was carried in an IATA Type B teletype envelope (SOH/STX lines), which was skipped.
    TypeBEnvelope,
    /// The UNA service string advice is malformed; the default service characters are used.
    InvalidServiceString,
    /// A segment ended without its terminator (at the end of input, at a blank line, or where a line starts a new
    /// segment tag).
    MissingTerminator,
    /// A character that looks like the segment terminator (for example U+2019 for `'`) ended a segment.
    TerminatorLookalike,
    /// Spaces or tabs before a segment tag.
    WhitespaceBeforeTag,
    /// The segment tag is not three upper-case letters or digits, or has spaces after it.
    InvalidTag,
    /// Two segment terminators in a row (an empty segment), skipped.
    EmptySegment,
    /// The release character was not followed by a service character (kept as data) or ended the input.
    InvalidRelease,
    /// A character outside the repertoire of the declared syntax level (UNOA, UNOB, UNOC).
    CharacterOutsideSyntaxLevel,
    /// Bytes that are not valid UTF-8 were read as ISO 8859-1.
    NotUtf8,
    /// Data after the interchange trailer (UNZ), ignored.
    DataAfterInterchange,
    /// No UNB interchange header.
    MissingInterchangeHeader,
    /// A message header (UNH) without its trailer (UNT), or UNT/UNE/UNZ without a header.
    MissingTrailer,
    /// A trailer (UNT, UNE, UNZ) declares a count that differs from the count of segments, messages or groups.
    CountMismatch,
    /// A trailer's reference differs from its header's, or is missing.
    ReferenceMismatch,
    /// Lines of a segment are wrapped inside a field (the line breaks were removed).
    WrappedLine,
}

/// One problem, with its position and, when known, the segment it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub message: String,
    pub position: Position,
    /// Index of the segment in the tokenized output (0-based), when the problem belongs to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<ShortText>,
}

impl Diagnostic {
    pub fn new(kind: DiagnosticKind, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            kind,
            message: message.into(),
            position,
            segment: None,
            tag: None,
        }
    }

    pub fn at_segment(mut self, index: usize, tag: &str) -> Self {
        self.segment = Some(index);
        self.tag = Some(ShortText::new(tag));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.position)?;
        if let (Some(i), Some(tag)) = (self.segment, &self.tag) {
            write!(f, ", segment {} {}", i + 1, tag)?;
        }
        write!(f, ": {}", self.message)
    }
}
