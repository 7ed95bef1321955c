//! Writing segments: release characters inserted, terminators appended, UNT counts kept.

use crate::ServiceChars;
use crate::segment::push_released;

/// Builds an EDIFACT text segment by segment. Elements are lists of components; special characters in values
/// are released. Counts the segments of the open message for UNT.
#[derive(Debug, Clone)]
pub struct SegmentWriter {
    chars: ServiceChars,
    out: String,
    message_segments: usize,
    newline: bool,
}

impl SegmentWriter {
    /// A writer with the given service characters; `newline` puts a line break after each terminator.
    pub fn new(chars: ServiceChars, newline: bool) -> Self {
        SegmentWriter {
            chars,
            out: String::new(),
            message_segments: 0,
            newline,
        }
    }

    /// Writes the UNA service string advice.
    pub fn una(&mut self) {
        self.out.push_str(&self.chars.una());
        if self.newline {
            self.out.push('\n');
        }
    }

    /// Writes one segment; trailing empty elements and components are dropped as the syntax recommends.
    pub fn segment(&mut self, tag: &str, elements: &[&[&str]]) {
        let mut elems: Vec<Vec<&str>> = elements.iter().map(|e| e.to_vec()).collect();
        for e in &mut elems {
            while e.last().is_some_and(|c| c.is_empty()) {
                e.pop();
            }
        }
        while elems.last().is_some_and(Vec::is_empty) {
            elems.pop();
        }
        self.out.push_str(tag);
        for e in &elems {
            self.out.push(self.chars.element as char);
            for (k, c) in e.iter().enumerate() {
                if k > 0 {
                    self.out.push(self.chars.component as char);
                }
                push_released(&mut self.out, c, &self.chars);
            }
        }
        self.out.push(self.chars.terminator as char);
        if self.newline {
            self.out.push('\n');
        }
        match tag {
            "UNH" => self.message_segments = 1,
            _ => self.message_segments += 1,
        }
    }

    /// The number of segments written since the last UNH, including it (the value UNT must carry, plus one for
    /// UNT itself).
    pub fn message_segments(&self) -> usize {
        self.message_segments
    }

    pub fn finish(self) -> String {
        self.out
    }
}
