//! A lenient UN/EDIFACT tokenizer with positioned diagnostics, for carrier messages (PAXLST, PNRGOV, CUSRES)
//! as they really arrive: service characters redefined by UNA (all six), the release character, repetition
//! separators, lines wrapped inside fields, IATA Type B teletype envelopes, missing terminators and wrong
//! segment counts. Every problem becomes a [`Diagnostic`] with its line, column and byte offset; the tokenizer
//! never panics, never fails and never merges two segments silently.
//!
//! ```
//! use interdict_edifact::{parse, DiagnosticKind};
//!
//! let input = b"UNA:+.? 'UNB+UNOA:4+AIR1+DHS+070218:1545+6++DHS'UNH+1+PAXLST:D:05B:UN:IATA'\
//! NAD+FL+++CLARK:MICHAEL'UNT+5+1'UNZ+1+6'";
//! let parsed = parse(input);
//! let nad = parsed.segments.get(2).unwrap();
//! assert_eq!(nad.tag(), "NAD");
//! assert_eq!(nad.text(3, 0), "CLARK");
//! assert_eq!(parsed.envelope.messages[0].message_type, "PAXLST");
//! // UNT says 5 segments, the message has 3: reported, not rejected.
//! assert_eq!(parsed.diagnostics[0].kind, DiagnosticKind::CountMismatch);
//! ```

mod diagnostic;
mod error;
mod segment;
mod service;
mod short_text;
mod structure;
mod tokenizer;
mod writer;

pub use diagnostic::{Diagnostic, DiagnosticKind, Position};
pub use error::EdifactError;
pub use segment::{Segment, SegmentStore, push_released};
pub use service::{ServiceChars, SyntaxLevel};
pub use short_text::ShortText;
pub use structure::{Envelope, InterchangeHeader, MessageSpan, check_envelope};
pub use tokenizer::{Tokens, tokenize};
pub use writer::SegmentWriter;

/// A tokenized input with its envelope structure and every diagnostic, in input order.
#[derive(Debug, Clone)]
pub struct ParsedEdifact {
    pub segments: SegmentStore,
    pub diagnostics: Vec<Diagnostic>,
    pub service_chars: ServiceChars,
    pub syntax_level: Option<SyntaxLevel>,
    /// Type B envelope lines skipped before the interchange.
    pub type_b_envelope: Option<String>,
    pub envelope: Envelope,
}

impl ParsedEdifact {
    /// The segments of message `m` (UNH..UNT inclusive).
    pub fn message_segments(&self, m: &MessageSpan) -> Vec<Segment<'_>> {
        self.segments.range(m.start..m.end)
    }

    /// The interchange header of message `m`, if any.
    pub fn interchange_of(&self, m: &MessageSpan) -> Option<&InterchangeHeader> {
        m.interchange
            .and_then(|i| self.envelope.interchanges.get(i))
    }
}

/// Tokenizes `input` and checks its envelope (UNB/UNG/UNH/UNT/UNE/UNZ counts and references).
pub fn parse(input: &[u8]) -> ParsedEdifact {
    let tokens = tokenize(input);
    let mut diagnostics = tokens.diagnostics;
    let envelope = check_envelope(&tokens.segments, &mut diagnostics);
    sort_by_offset(&mut diagnostics);
    ParsedEdifact {
        segments: tokens.segments,
        diagnostics,
        service_chars: tokens.service_chars,
        syntax_level: tokens.syntax_level,
        type_b_envelope: tokens.envelope,
        envelope,
    }
}

/// Sorts diagnostics by position, keeping the order of equal positions. Sorts (offset, index) keys and then
/// moves each diagnostic once, instead of moving the large values around while sorting.
fn sort_by_offset(diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.is_sorted_by_key(|d| d.position.offset) {
        return;
    }
    let mut keys: Vec<(usize, usize)> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| (d.position.offset, i))
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<Diagnostic>> =
        std::mem::take(diagnostics).into_iter().map(Some).collect();
    diagnostics.extend(keys.iter().filter_map(|&(_, i)| slots[i].take()));
}
