//! A tokenized segment: its tag and its data elements, each made of repetitions of components.

use crate::{EdifactError, Position, ServiceChars};
use std::fmt;

/// One component's place in the segment's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub start: u32,
    pub end: u32,
    pub element: u16,
    pub repetition: u8,
    pub component: u8,
}

/// Where a segment's text and components are in the shared storage of a [`crate::ParsedEdifact`]. Segments are
/// stored back to back, so a segment's text and parts end where the next segment's begin (24 bytes a segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SegmentRecord {
    pub text_start: u32,
    pub parts_start: u32,
    pub offset: u32,
    pub line: u32,
    pub column: u32,
    pub tag_len: u16,
}

impl SegmentRecord {
    pub(crate) fn new(
        text_start: usize,
        parts_start: usize,
        tag_len: usize,
        position: Position,
    ) -> Self {
        SegmentRecord {
            text_start: text_start as u32,
            parts_start: parts_start as u32,
            offset: position.offset as u32,
            line: position.line,
            column: position.column,
            tag_len: tag_len.min(u16::MAX as usize) as u16,
        }
    }

    pub(crate) fn position(&self) -> Position {
        Position {
            offset: self.offset as usize,
            line: self.line,
            column: self.column,
        }
    }
}

/// A segment: tag plus data elements, borrowed from the parsed input. Element 0 is the first data element after
/// the tag; component 0 is the first component of an element. Release characters are already resolved; line
/// breaks inside the segment are removed. Accessors return the first repetition unless they say otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The tag followed by the data of every component; `tag_len` bytes of tag. Part offsets are relative to it.
    /// Separators may lie between the parts (a segment that needed no rewriting is kept as it was written).
    pub(crate) text: &'a str,
    pub(crate) tag_len: usize,
    pub(crate) parts: &'a [Part],
    /// Where the tag starts in the input.
    pub position: Position,
    /// Index of this segment in the tokenized output (0-based).
    pub index: usize,
}

impl<'a> Segment<'a> {
    /// The same segment reported at another index and position (for segments re-read from a repaired text).
    pub fn relocated(self, index: usize, position: Position) -> Segment<'a> {
        Segment {
            index,
            position,
            ..self
        }
    }

    pub fn tag(&self) -> &'a str {
        self.text.get(..self.tag_len).unwrap_or("")
    }

    /// The number of data elements (0 for a segment such as `SRC'`).
    pub fn element_count(&self) -> usize {
        self.parts.last().map_or(0, |p| p.element as usize + 1)
    }

    fn part_text(&self, p: &Part) -> &'a str {
        self.text
            .get(p.start as usize..p.end as usize)
            .unwrap_or("")
    }

    /// Component `component` of the first repetition of element `element`, if present.
    pub fn get(&self, element: usize, component: usize) -> Option<&'a str> {
        self.get_repeated(element, 0, component)
    }

    /// Like [`Segment::get`], with an empty string for absent components.
    pub fn text(&self, element: usize, component: usize) -> &'a str {
        self.get(element, component).unwrap_or("")
    }

    /// Component `component` of repetition `repetition` of element `element`.
    pub fn get_repeated(
        &self,
        element: usize,
        repetition: usize,
        component: usize,
    ) -> Option<&'a str> {
        // Parts are in input order: by element, then repetition, then component.
        self.parts
            .iter()
            .take_while(|p| p.element as usize <= element)
            .find(|p| {
                p.element as usize == element
                    && p.repetition as usize == repetition
                    && p.component as usize == component
            })
            .map(|p| self.part_text(p))
    }

    /// The components of the first repetition of element `element` (empty when absent).
    pub fn components(&self, element: usize) -> Vec<&'a str> {
        self.repetition_components(element, 0)
    }

    /// The components of repetition `repetition` of element `element`.
    pub fn repetition_components(&self, element: usize, repetition: usize) -> Vec<&'a str> {
        self.parts
            .iter()
            .filter(|p| p.element as usize == element && p.repetition as usize == repetition)
            .map(|p| self.part_text(p))
            .collect()
    }

    /// How many repetitions element `element` has (0 when absent).
    pub fn repetitions(&self, element: usize) -> usize {
        self.parts
            .iter()
            .filter(|p| p.element as usize == element)
            .map(|p| p.repetition as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// Like [`Segment::get`] but an error naming the segment and position when the component is absent or empty.
    ///
    /// # Errors
    /// [`EdifactError::MissingComponent`] when the component is absent or empty.
    pub fn require(&self, element: usize, component: usize) -> Result<&'a str, EdifactError> {
        match self.get(element, component) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(EdifactError::MissingComponent {
                tag: self.tag().to_string(),
                segment: self.index + 1,
                element: element + 1,
                component: component + 1,
                position: self.position,
            }),
        }
    }

    /// The segment written with the given service characters (releasing special characters in data), without
    /// the terminator.
    pub fn to_edifact(&self, chars: &ServiceChars) -> String {
        let mut out = self.tag().to_string();
        let mut last: Option<(u16, u8)> = None;
        for p in self.parts {
            match last {
                Some((e, r)) if e == p.element && r == p.repetition => {
                    out.push(chars.component as char)
                }
                Some((e, _)) if e == p.element => {
                    out.push(chars.repetition.unwrap_or(chars.element) as char)
                }
                _ => {
                    let previous = last.map_or(-1, |(e, _)| i32::from(e));
                    for _ in previous..i32::from(p.element) {
                        out.push(chars.element as char);
                    }
                }
            }
            push_released(&mut out, self.part_text(p), chars);
            last = Some((p.element, p.repetition));
        }
        out
    }
}

/// The segments of a tokenized input in one shared text buffer (two allocations for the whole input, not
/// several per segment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentStore {
    pub(crate) text: String,
    pub(crate) parts: Vec<Part>,
    pub(crate) records: Vec<SegmentRecord>,
}

impl SegmentStore {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The tag bytes of segment `index` (empty when there is no such segment).
    pub(crate) fn tag_bytes(&self, index: usize) -> &[u8] {
        self.records.get(index).map_or(&[], |r| {
            let start = r.text_start as usize;
            self.text
                .as_bytes()
                .get(start..start + r.tag_len as usize)
                .unwrap_or(&[])
        })
    }

    /// Segment `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<Segment<'_>> {
        let r = self.records.get(index)?;
        let (text_end, parts_end) = match self.records.get(index + 1) {
            Some(next) => (next.text_start as usize, next.parts_start as usize),
            None => (self.text.len(), self.parts.len()),
        };
        Some(Segment {
            text: self.text.get(r.text_start as usize..text_end).unwrap_or(""),
            tag_len: r.tag_len as usize,
            parts: self
                .parts
                .get(r.parts_start as usize..parts_end)
                .unwrap_or(&[]),
            position: r.position(),
            index,
        })
    }

    /// The segments in input order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Segment<'_>> + '_ {
        (0..self.records.len()).filter_map(move |i| self.get(i))
    }

    /// The segments with indices in `range`.
    pub fn range(&self, range: std::ops::Range<usize>) -> Vec<Segment<'_>> {
        let end = range.end.min(self.len());
        (range.start.min(end)..end)
            .filter_map(|i| self.get(i))
            .collect()
    }
}

/// Appends `value` to `out`, putting the release character before every service character.
pub fn push_released(out: &mut String, value: &str, chars: &ServiceChars) {
    for c in value.chars() {
        if let Some(r) = chars
            .release
            .filter(|_| c.is_ascii() && chars.is_special(c as u8))
        {
            out.push(r as char);
        }
        out.push(c);
    }
}

impl fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_edifact(&ServiceChars::default()))
    }
}
