//! The lenient tokenizer: bytes in, segments and diagnostics out. Never fails and never panics.
//!
//! Line breaks (CR, LF) are not data in EDIFACT: they are removed wherever they occur, which joins lines that a
//! teletype system wrapped inside a field. A line break still ends a segment whose terminator is missing when the
//! next line is blank or starts with a segment tag followed by a separator, so two segments are never merged
//! silently; each such repair is a diagnostic.

use crate::segment::{Part, SegmentRecord};
use crate::{Diagnostic, DiagnosticKind, Position, SegmentStore, ServiceChars, SyntaxLevel};

const DATA: u8 = 0;
const COMPONENT: u8 = 1;
const ELEMENT: u8 = 2;
const REPETITION: u8 = 3;
const TERMINATOR: u8 = 4;
const RELEASE: u8 = 5;
const NEWLINE: u8 = 6;
/// A data byte that needs the slow checks at the end of its segment: not ASCII (UTF-8 or ISO 8859-1 decoding) or
/// outside the declared syntax level's repertoire. Every other data byte is `DATA`, so a segment without `CHECK`
/// bytes skips both checks.
const CHECK: u8 = 7;

/// The bytes of U+2019 RIGHT SINGLE QUOTATION MARK, a common look-alike of the `'` terminator after PDF copying.
const RIGHT_QUOTE: &[u8] = "\u{2019}".as_bytes();

/// Tokenizer output: segments in input order plus every problem found.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub segments: SegmentStore,
    pub diagnostics: Vec<Diagnostic>,
    /// The service characters of the first interchange (from its UNA, or the defaults).
    pub service_chars: ServiceChars,
    /// The syntax level declared by the first UNB.
    pub syntax_level: Option<SyntaxLevel>,
    /// The Type B teletype envelope lines that preceded the interchange, if any.
    pub envelope: Option<String>,
}

/// Tokenizes `input` into segments.
pub fn tokenize(input: &[u8]) -> Tokens {
    let mut t = Tokenizer::new(input);
    t.run();
    t.finish()
}

/// [`tokenize`] with every segment on the byte-by-byte path (the reference the fast path is tested against).
#[cfg(test)]
fn tokenize_byte_by_byte(input: &[u8]) -> Tokens {
    let mut t = Tokenizer::new(input);
    t.plain_path = false;
    t.run();
    t.finish()
}

struct Tokenizer<'a> {
    input: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    chars: ServiceChars,
    table: [u8; 256],
    level: Option<SyntaxLevel>,
    first_chars: Option<ServiceChars>,
    first_level: Option<SyntaxLevel>,
    envelope: Option<String>,
    // Current segment.
    started: bool,
    in_tag: bool,
    tag: Vec<u8>,
    position: Position,
    /// Text of every kept segment (tag, then data); the current segment's bytes are appended from `seg_start`.
    arena: Vec<u8>,
    seg_start: usize,
    parts: Vec<Part>,
    parts_start: usize,
    records: Vec<SegmentRecord>,
    element: u16,
    repetition: u8,
    component: u8,
    part_start: usize,
    wrapped: bool,
    /// The current segment holds a `CHECK` byte or a released character.
    needs_check: bool,
    /// Whether plain segments take the fast path (off only in tests, to compare the two paths).
    plain_path: bool,
    // Whole input.
    after_unz: bool,
    indented_segments: usize,
    first_indent: Option<Position>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Tokenizer<'a> {
    fn new(input: &'a [u8]) -> Self {
        let chars = ServiceChars::default();
        Tokenizer {
            input,
            i: 0,
            line: 1,
            line_start: 0,
            chars,
            table: class_table(&chars, None),
            level: None,
            first_chars: None,
            first_level: None,
            envelope: None,
            started: false,
            in_tag: false,
            tag: Vec::with_capacity(8),
            position: Position::default(),
            arena: Vec::with_capacity(input.len()),
            seg_start: 0,
            parts: Vec::with_capacity(input.len() / 5 + 8),
            parts_start: 0,
            records: Vec::with_capacity(input.len() / 20 + 1),
            element: 0,
            repetition: 0,
            component: 0,
            part_start: 0,
            wrapped: false,
            needs_check: false,
            plain_path: true,
            after_unz: false,
            indented_segments: 0,
            first_indent: None,
            diagnostics: Vec::new(),
        }
    }

    fn pos(&self, offset: usize) -> Position {
        Position {
            offset,
            line: self.line,
            column: (offset.saturating_sub(self.line_start) + 1) as u32,
        }
    }

    fn diag(&mut self, kind: DiagnosticKind, position: Position, message: String) {
        self.diagnostics
            .push(Diagnostic::new(kind, position, message));
    }

    fn set_chars(&mut self, chars: ServiceChars) {
        if chars != self.chars {
            self.chars = chars;
            self.table = class_table(&chars, self.level.as_ref());
        }
    }

    fn set_level(&mut self, level: SyntaxLevel) {
        if self.level.as_ref() != Some(&level) {
            self.level = Some(level);
            self.table = class_table(&self.chars, self.level.as_ref());
        }
    }

    /// Advances line counting over `input[from..to]`.
    fn count_lines(&mut self, from: usize, to: usize) {
        for (k, &b) in self.input[from..to].iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = from + k + 1;
            }
        }
    }

    fn skip_envelope(&mut self) {
        let input = self.input;
        let lead = input.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if input[lead..].starts_with(b"UNA") || input[lead..].starts_with(b"UNB") {
            return;
        }
        let start = (0..input.len().saturating_sub(2)).find(|&k| {
            (input[k..].starts_with(b"UNA") || input[k..].starts_with(b"UNB"))
                && (k == 0 || input[k - 1].is_ascii_whitespace() || input[k - 1] < 0x20)
        });
        if let Some(k) = start {
            let text = String::from_utf8_lossy(&input[..k]);
            let lines: Vec<&str> = text
                .lines()
                .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c.is_control()))
                .collect();
            let summary = lines
                .into_iter()
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" / ");
            self.envelope = Some(summary.clone());
            let p = self.pos(0);
            self.diag(
                DiagnosticKind::TypeBEnvelope,
                p,
                format!("{k} bytes of Type B envelope before the interchange skipped: {summary}"),
            );
            self.count_lines(0, k);
            self.i = k;
        }
    }

    fn run(&mut self) {
        self.skip_envelope();
        let input = self.input;
        let n = input.len();
        while self.i < n {
            let b = input[self.i];
            if !self.started {
                if b == b' ' || b == b'\t' {
                    if self.first_indent.is_none() {
                        self.first_indent = Some(self.pos(self.i));
                    }
                    // Counted once per segment: the flag is the position of this segment's first indent.
                    let mut k = self.i;
                    while k < n && (input[k] == b' ' || input[k] == b'\t') {
                        k += 1;
                    }
                    if k < n && input[k] != b'\r' && input[k] != b'\n' {
                        self.indented_segments += 1;
                    }
                    self.i = k;
                    continue;
                }
                if self.table[b as usize] == NEWLINE {
                    if b == b'\n' {
                        self.line += 1;
                        self.line_start = self.i + 1;
                    }
                    self.i += 1;
                    continue;
                }
                if b == b'U' && input[self.i..].starts_with(b"UNA") {
                    self.read_una();
                    continue;
                }
                self.started = true;
                self.in_tag = true;
                self.position = self.pos(self.i);
                if self.plain_path && self.copy_plain_segment() {
                    continue;
                }
            }
            match self.table[b as usize] {
                DATA => {
                    if self.in_tag {
                        self.tag.push(b);
                        self.i += 1;
                    } else {
                        let mut j = self.i + 1;
                        while j < n && self.table[input[j] as usize] == DATA {
                            j += 1;
                        }
                        self.arena.extend_from_slice(&input[self.i..j]);
                        self.i = j;
                    }
                    continue;
                }
                ELEMENT => {
                    if self.in_tag {
                        self.close_tag();
                        self.element = 0;
                    } else {
                        self.finish_part();
                        self.element = self.element.saturating_add(1);
                    }
                    self.repetition = 0;
                    self.component = 0;
                }
                COMPONENT => {
                    if self.in_tag {
                        // A component separator inside the tag: keep it in the tag, which then fails validation.
                        self.tag.push(b);
                    } else {
                        self.finish_part();
                        self.component = self.component.saturating_add(1);
                    }
                }
                REPETITION => {
                    if self.in_tag {
                        self.tag.push(b);
                    } else {
                        self.finish_part();
                        self.repetition = self.repetition.saturating_add(1);
                        self.component = 0;
                    }
                }
                TERMINATOR => {
                    self.end_segment(None);
                }
                RELEASE => {
                    self.read_released();
                    continue;
                }
                CHECK => {
                    self.needs_check = true;
                    self.push_data(b);
                }
                _ => {
                    self.newline_in_segment(b);
                }
            }
            self.i += 1;
        }
        if self.started {
            let p = self.pos(n);
            self.end_segment(Some((
                DiagnosticKind::MissingTerminator,
                p,
                "segment has no terminator at the end of the input".to_string(),
            )));
        }
        if self.indented_segments > 0 {
            let p = self.first_indent.unwrap_or_default();
            let n = self.indented_segments;
            self.diag(
                DiagnosticKind::WhitespaceBeforeTag,
                p,
                format!("{n} segment(s) start with spaces or tabs before the tag (skipped)"),
            );
        }
    }

    /// The fast path for a segment starting at `self.i` that is all on one line, ends with its terminator and has
    /// no release character and no byte needing checks (the common case): one scan over the class table finds the
    /// component boundaries and the segment's bytes are copied to the arena in one piece, separators included
    /// (parts point at the data between them). Returns `false`, having changed nothing, when the segment needs the
    /// byte-by-byte path.
    fn copy_plain_segment(&mut self) -> bool {
        let input = self.input;
        let table = &self.table;
        let start = self.i;
        let n = input.len();
        let mut j = start;
        // The tag: up to the first element separator or the terminator (component and repetition separators stay
        // in it, as on the byte-by-byte path).
        let class = loop {
            if j == n {
                return false;
            }
            match table[input[j] as usize] {
                DATA | COMPONENT | REPETITION => j += 1,
                c @ (ELEMENT | TERMINATOR) => break c,
                _ => return false,
            }
        };
        let tag_end = j;
        if tag_end == start {
            return false;
        }
        let parts_start = self.parts.len();
        if class == ELEMENT {
            let (mut element, mut repetition, mut component) = (0u16, 0u8, 0u8);
            j += 1;
            let mut part_start = j;
            loop {
                while j < n && table[input[j] as usize] == DATA {
                    j += 1;
                }
                if j == n {
                    self.parts.truncate(parts_start);
                    return false;
                }
                let c = table[input[j] as usize];
                if !matches!(c, COMPONENT | ELEMENT | REPETITION | TERMINATOR) {
                    self.parts.truncate(parts_start);
                    return false;
                }
                self.parts.push(Part {
                    start: (part_start - start) as u32,
                    end: (j - start) as u32,
                    element,
                    repetition,
                    component,
                });
                match c {
                    COMPONENT => component = component.saturating_add(1),
                    ELEMENT => {
                        element = element.saturating_add(1);
                        repetition = 0;
                        component = 0;
                    }
                    REPETITION => {
                        repetition = repetition.saturating_add(1);
                        component = 0;
                    }
                    _ => break,
                }
                j += 1;
                part_start = j;
            }
        }
        // `j` is at the terminator.
        let tag = &input[start..tag_end];
        self.arena.extend_from_slice(&input[start..j]);
        self.i = j + 1;
        let ordinary = tag.len() == 3
            && tag[0].is_ascii_uppercase()
            && tag[1..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && tag != b"UNB"
            && tag != b"UNZ";
        if ordinary && !self.after_unz {
            // Nothing for commit_segment to check or report: a valid tag other than UNB and UNZ (which change
            // the syntax level and service characters), data inside the repertoire, not after UNZ.
            self.records.push(SegmentRecord::new(
                self.seg_start,
                self.parts_start,
                3,
                self.position,
            ));
            self.reset_segment();
        } else {
            self.tag.extend_from_slice(tag);
            self.in_tag = false;
            self.commit_segment(None);
        }
        true
    }

    fn read_una(&mut self) {
        let input = self.input;
        let p = self.pos(self.i);
        if input.len() - self.i < 9 {
            self.diag(
                DiagnosticKind::InvalidServiceString,
                p,
                "UNA service string advice is cut short; default service characters used"
                    .to_string(),
            );
            self.i = input.len();
            return;
        }
        let six = &input[self.i + 3..self.i + 9];
        match ServiceChars::from_una(six) {
            Some(chars) => self.set_chars(chars),
            None => {
                let shown = String::from_utf8_lossy(six).into_owned();
                self.diag(
                    DiagnosticKind::InvalidServiceString,
                    p,
                    format!(
                        "UNA service string \"{shown}\" is invalid; default service characters used"
                    ),
                );
                self.set_chars(ServiceChars::default());
            }
        }
        if self.first_chars.is_none() {
            self.first_chars = Some(self.chars);
        }
        self.i += 9;
    }

    fn read_released(&mut self) {
        let input = self.input;
        let n = input.len();
        let release_pos = self.pos(self.i);
        let mut j = self.i + 1;
        while j < n && (input[j] == b'\r' || input[j] == b'\n') {
            if input[j] == b'\n' {
                self.line += 1;
                self.line_start = j + 1;
            }
            j += 1;
        }
        if j >= n {
            self.diag(
                DiagnosticKind::InvalidRelease,
                release_pos,
                "release character at the end of the input".to_string(),
            );
            self.i = n;
            return;
        }
        let c = input[j];
        if !self.chars.is_special(c) {
            self.diag(
                DiagnosticKind::InvalidRelease,
                release_pos,
                format!(
                    "release character before '{}', which is not a service character (kept as data)",
                    char::from(c).escape_default()
                ),
            );
            self.push_data(input[self.i]);
        }
        self.push_data(c);
        self.i = j + 1;
    }

    fn push_data(&mut self, b: u8) {
        self.needs_check = true;
        if self.in_tag {
            self.tag.push(b);
        } else {
            self.arena.push(b);
        }
    }

    fn newline_in_segment(&mut self, b: u8) {
        if b != b'\n' {
            return;
        }
        let input = self.input;
        let nl = self.i;
        let nl_pos = self.pos(nl);
        self.line += 1;
        self.line_start = nl + 1;
        let mut k = nl + 1;
        while k < input.len() && matches!(input[k], b' ' | b'\t' | b'\r') {
            k += 1;
        }
        let rest = &input[k..];
        if rest.first() == Some(&b'\n') {
            let tag = String::from_utf8_lossy(&self.tag).into_owned();
            self.end_segment(Some((
                DiagnosticKind::MissingTerminator,
                nl_pos,
                format!("segment {tag} has no terminator before a blank line"),
            )));
            return;
        }
        if starts_segment(rest, &self.chars) {
            let tag = String::from_utf8_lossy(&self.tag).into_owned();
            let next = String::from_utf8_lossy(&rest[..3]).into_owned();
            let repair = if self.arena.ends_with(RIGHT_QUOTE)
                && self.arena.len() - RIGHT_QUOTE.len() >= self.part_start
            {
                let keep = self.arena.len() - RIGHT_QUOTE.len();
                self.arena.truncate(keep);
                (
                    DiagnosticKind::TerminatorLookalike,
                    format!(
                        "segment {tag} ends with U+2019 (\u{2019}) instead of the terminator '{}'; next segment {next} starts on line {}",
                        char::from(self.chars.terminator),
                        self.line
                    ),
                )
            } else {
                (
                    DiagnosticKind::MissingTerminator,
                    format!(
                        "segment {tag} has no terminator; next segment {next} starts on line {}",
                        self.line
                    ),
                )
            };
            self.end_segment(Some((repair.0, nl_pos, repair.1)));
            return;
        }
        if !self.wrapped && !self.after_unz {
            self.wrapped = true;
            let tag = String::from_utf8_lossy(&self.tag).into_owned();
            self.diag(
                DiagnosticKind::WrappedLine,
                nl_pos,
                format!(
                    "segment {tag} continues on line {} (line break inside the segment removed)",
                    self.line
                ),
            );
            if let Some(d) = self.diagnostics.last_mut() {
                d.segment = Some(self.records.len());
                d.tag = Some(crate::ShortText::new(&tag));
            }
        }
    }

    /// Ends the tag: its bytes go to the arena, data follows them.
    fn close_tag(&mut self) {
        self.in_tag = false;
        self.arena.extend_from_slice(&self.tag);
        self.part_start = self.arena.len();
    }

    fn finish_part(&mut self) {
        let end = self.arena.len();
        self.parts.push(Part {
            start: (self.part_start - self.seg_start) as u32,
            end: (end - self.seg_start) as u32,
            element: self.element,
            repetition: self.repetition,
            component: self.component,
        });
        self.part_start = end;
    }

    fn reset_segment(&mut self) {
        self.started = false;
        self.in_tag = false;
        self.tag.clear();
        self.seg_start = self.arena.len();
        self.part_start = self.seg_start;
        self.parts_start = self.parts.len();
        self.element = 0;
        self.repetition = 0;
        self.component = 0;
        self.wrapped = false;
        self.needs_check = false;
    }

    /// Drops the current segment's bytes and parts.
    fn discard_segment(&mut self) {
        self.arena.truncate(self.seg_start);
        self.parts.truncate(self.parts_start);
        self.reset_segment();
    }

    fn end_segment(&mut self, repair: Option<(DiagnosticKind, Position, String)>) {
        if self.in_tag {
            self.close_tag();
        } else {
            self.finish_part();
        }
        self.commit_segment(repair);
    }

    /// Checks and keeps (or drops) the current segment, whose tag is in `self.tag` and whose bytes and parts are
    /// at the end of the arena and parts.
    fn commit_segment(&mut self, repair: Option<(DiagnosticKind, Position, String)>) {
        let tag_bytes = std::mem::take(&mut self.tag);
        let raw_tag = match std::str::from_utf8(&tag_bytes) {
            Ok(t) => std::borrow::Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(&tag_bytes),
        };
        let tag: &str = raw_tag.trim_end();
        let index = self.records.len();
        let data_start = self.seg_start + tag_bytes.len();
        if tag.is_empty() && self.arena.len() == data_start {
            if repair.is_none() {
                let p = self.position;
                self.diag(
                    DiagnosticKind::EmptySegment,
                    p,
                    "empty segment (two terminators in a row) skipped".into(),
                );
            }
            self.discard_segment();
            return;
        }
        if self.after_unz && tag != "UNB" {
            let p = self.position;
            let shown: String = raw_tag.chars().take(20).collect();
            self.diag(
                DiagnosticKind::DataAfterInterchange,
                p,
                format!("data after the interchange trailer UNZ ignored (starts \"{shown}\")"),
            );
            self.discard_segment();
            return;
        }
        if let Some((kind, p, message)) = repair {
            self.diagnostics
                .push(Diagnostic::new(kind, p, message).at_segment(index, tag));
        }
        if raw_tag.len() != tag.len() {
            let p = self.position;
            self.diagnostics.push(
                Diagnostic::new(
                    DiagnosticKind::InvalidTag,
                    p,
                    format!("segment tag \"{raw_tag}\" has trailing spaces"),
                )
                .at_segment(index, tag),
            );
        }
        if !valid_tag(tag) {
            let p = self.position;
            self.diagnostics.push(
                Diagnostic::new(
                    DiagnosticKind::InvalidTag,
                    p,
                    format!("segment tag \"{tag}\" is not three letters or digits"),
                )
                .at_segment(index, tag),
            );
        }
        let raw_tag_len = tag_bytes.len()
            - tag_bytes
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let mut tag_len = raw_tag_len;
        // Without a CHECK byte the segment is ASCII inside the level's repertoire: both checks would pass.
        if self.needs_check && std::str::from_utf8(&self.arena[self.seg_start..]).is_err() {
            tag_len = tag_bytes[..raw_tag_len]
                .iter()
                .map(|&b| if b < 0x80 { 1 } else { 2 })
                .sum();
            let latin1 = self.level.as_ref().is_some_and(SyntaxLevel::is_latin1);
            if !latin1 {
                let p = self.position;
                self.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticKind::NotUtf8,
                        p,
                        "bytes that are not UTF-8 read as ISO 8859-1".to_string(),
                    )
                    .at_segment(index, tag),
                );
            }
            self.decode_latin1();
        }
        if let Some(level) = self.level.as_ref().filter(|_| self.needs_check) {
            let data =
                std::str::from_utf8(&self.arena[data_start.min(self.arena.len())..]).unwrap_or("");
            if let Some(c) = level.first_outside(data) {
                let p = self.position;
                let level_name = level_name(level);
                self.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticKind::CharacterOutsideSyntaxLevel,
                        p,
                        format!(
                            "character '{}' (U+{:04X}) is outside the {level_name} repertoire",
                            c.escape_default(),
                            c as u32
                        ),
                    )
                    .at_segment(index, tag),
                );
            }
        }
        let tag_owned_kind = match tag {
            "UNB" => 1,
            "UNZ" => 2,
            _ => 0,
        };
        self.records.push(SegmentRecord::new(
            self.seg_start,
            self.parts_start,
            tag_len,
            self.position,
        ));
        match tag_owned_kind {
            1 => {
                self.after_unz = false;
                // The UNB is the last segment so far: its text and parts run to the ends of the buffers.
                let seg_text = std::str::from_utf8(&self.arena[self.seg_start..]).unwrap_or("");
                let first = self.parts[self.parts_start..]
                    .iter()
                    .find(|p| p.element == 0 && p.repetition == 0 && p.component == 0)
                    .and_then(|p| seg_text.get(p.start as usize..p.end as usize))
                    .unwrap_or("");
                self.set_level(SyntaxLevel::from_identifier(first));
                if self.first_level.is_none() {
                    self.first_level = self.level.clone();
                }
                if self.first_chars.is_none() {
                    self.first_chars = Some(self.chars);
                }
            }
            2 => {
                self.after_unz = true;
                self.set_chars(ServiceChars::default());
            }
            _ => {}
        }
        self.tag = tag_bytes;
        self.reset_segment();
    }

    /// Re-reads the current segment's bytes as ISO 8859-1, keeping the component boundaries.
    fn decode_latin1(&mut self) {
        let raw = self.arena.split_off(self.seg_start);
        let mut decoded = String::with_capacity(raw.len() + 8);
        let mut map = Vec::with_capacity(raw.len() + 1);
        for &b in &raw {
            map.push(decoded.len());
            decoded.push(char::from(b));
        }
        map.push(decoded.len());
        for p in &mut self.parts[self.parts_start..] {
            p.start = map[p.start as usize] as u32;
            p.end = map[p.end as usize] as u32;
        }
        self.arena.extend_from_slice(decoded.as_bytes());
    }

    fn finish(self) -> Tokens {
        let text = String::from_utf8(self.arena)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Tokens {
            segments: SegmentStore {
                text,
                parts: self.parts,
                records: self.records,
            },
            diagnostics: self.diagnostics,
            service_chars: self.first_chars.unwrap_or_default(),
            syntax_level: self.first_level,
            envelope: self.envelope,
        }
    }
}

fn level_name(level: &SyntaxLevel) -> &str {
    match level {
        SyntaxLevel::Unoa => "UNOA",
        SyntaxLevel::Unob => "UNOB",
        SyntaxLevel::Unoc => "UNOC",
        SyntaxLevel::Unoy => "UNOY",
        SyntaxLevel::Iata => "IATA",
        SyntaxLevel::Other(s) => s,
    }
}

fn class_table(chars: &ServiceChars, level: Option<&SyntaxLevel>) -> [u8; 256] {
    let mut t = [DATA; 256];
    for c in &mut t[0x80..] {
        *c = CHECK;
    }
    if let Some(allowed) = level.and_then(SyntaxLevel::ascii_repertoire) {
        for (c, ok) in t.iter_mut().zip(allowed) {
            if !ok {
                *c = CHECK;
            }
        }
    }
    t[b'\r' as usize] = NEWLINE;
    t[b'\n' as usize] = NEWLINE;
    t[chars.component as usize] = COMPONENT;
    t[chars.element as usize] = ELEMENT;
    if let Some(r) = chars.repetition {
        t[r as usize] = REPETITION;
    }
    if let Some(r) = chars.release {
        t[r as usize] = RELEASE;
    }
    t[chars.terminator as usize] = TERMINATOR;
    t
}

fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() == 3
        && b[0].is_ascii_uppercase()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Whether `rest` starts with a segment tag (three upper-case letters) followed by an element separator or a
/// terminator.
fn starts_segment(rest: &[u8], chars: &ServiceChars) -> bool {
    rest.len() >= 4
        && rest[..3].iter().all(u8::is_ascii_uppercase)
        && (rest[3] == chars.element || rest[3] == chars.terminator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &Tokens) -> Vec<&str> {
        t.segments.iter().map(|s| s.tag()).collect()
    }

    fn seg(t: &Tokens, i: usize) -> crate::Segment<'_> {
        t.segments.get(i).unwrap()
    }

    fn kinds(t: &Tokens) -> Vec<DiagnosticKind> {
        t.diagnostics.iter().map(|d| d.kind).collect()
    }

    #[test]
    fn table_of_inputs() {
        use DiagnosticKind::*;
        // (input, tags, diagnostic kinds)
        let cases: &[(&str, &[&str], &[DiagnosticKind])] = &[
            ("UNA:+.? 'UNB+UNOA:4'UNZ+1'", &["UNB", "UNZ"], &[]),
            ("BGM+745'", &["BGM"], &[]),
            ("BGM+745", &["BGM"], &[MissingTerminator]),
            ("BGM+745''NAD+FL'", &["BGM", "NAD"], &[EmptySegment]),
            (
                " BGM+745'\n NAD+FL'",
                &["BGM", "NAD"],
                &[WhitespaceBeforeTag],
            ),
            ("ADD+1:AB\nCD'", &["ADD"], &[WrappedLine]),
            ("RPI+1+HK\nTVL+1'", &["RPI", "TVL"], &[MissingTerminator]),
            (
                "RPI+1+HK\u{2019}\nTVL+1'",
                &["RPI", "TVL"],
                &[TerminatorLookalike],
            ),
            (
                "UNZ+1+2\n\nSome prose here.",
                &["UNZ"],
                &[MissingTerminator, DataAfterInterchange],
            ),
            (
                "UNB+UNOA:4'UNZ+1'\n13Nov09\n",
                &["UNB", "UNZ"],
                &[DataAfterInterchange],
            ),
            ("FTX+A?Bc'", &["FTX"], &[InvalidRelease]),
            ("FTX+ABC?", &["FTX"], &[InvalidRelease, MissingTerminator]),
            ("UNA:*.? $UNG *PAXLST$", &["UNG"], &[InvalidTag]),
            (
                "UNB+UNOA:4'NAD+FL+++Smith'",
                &["UNB", "NAD"],
                &[CharacterOutsideSyntaxLevel],
            ),
            ("UNA:+.?", &[], &[InvalidServiceString]),
            ("UNAx+.? 'BGM+1'", &["BGM"], &[InvalidServiceString]),
            (
                "SOH QK LONPPXS\n.MUCKMTS 250521\nSTX UNA:(.) -\nUNB(UNOA:4-BGM(745-",
                &["UNB", "BGM"],
                &[TypeBEnvelope],
            ),
        ];
        for (input, want_tags, want_kinds) in cases {
            let t = tokenize(input.as_bytes());
            assert_eq!(tags(&t), *want_tags, "tags of {input:?}");
            assert_eq!(
                kinds(&t),
                *want_kinds,
                "diagnostics of {input:?}: {:?}",
                t.diagnostics
            );
        }
    }

    #[test]
    fn elements_components_repetitions_and_release() {
        let t =
            tokenize(b"UNA:+.? 'NAD+VW+1:109++AOMAD:CHRIS+11107 SUNSET HILL?'S ROAD'ATT+2++M*M*M'");
        let nad = seg(&t, 0);
        assert_eq!(nad.text(0, 0), "VW");
        assert_eq!(nad.text(1, 1), "109");
        assert_eq!(nad.get(2, 0), Some(""));
        assert_eq!(nad.text(3, 1), "CHRIS");
        assert_eq!(nad.text(4, 0), "11107 SUNSET HILL'S ROAD");
        assert_eq!(nad.element_count(), 5);
        // UNA with a space in the repetition position: `*` is data.
        assert_eq!(seg(&t, 1).text(2, 0), "M*M*M");
        let t = tokenize(b"ATT+2++M*F*M'");
        assert_eq!(seg(&t, 0).repetitions(2), 3);
        assert_eq!(seg(&t, 0).get_repeated(2, 1, 0), Some("F"));
    }

    #[test]
    fn custom_service_characters() {
        let t = tokenize(b"UNA:*.? $\r\nUNB*UNOA:4*SDT:ZZ$\r\nNAD*MS***SABRE CENTRAL$\r\n");
        assert_eq!(seg(&t, 1).text(3, 0), "SABRE CENTRAL");
        assert_eq!(t.service_chars.terminator, b'$');
        let t = tokenize(b"UNA:+.\\*'FTX+A\\+B'");
        assert_eq!(seg(&t, 0).text(0, 0), "A+B");
    }

    #[test]
    fn positions_are_reported() {
        let t = tokenize(b"BGM+1'\nNAD+FL\nTVL+1'");
        let d = &t.diagnostics[0];
        assert_eq!(d.kind, DiagnosticKind::MissingTerminator);
        assert_eq!((d.position.line, d.position.column), (2, 7));
        assert_eq!(seg(&t, 2).position.line, 3);
    }

    #[test]
    fn latin1_bytes_are_decoded() {
        let t = tokenize(b"UNB+UNOC:3'NAD+FL+++M\xdcLLER'");
        assert_eq!(seg(&t, 1).text(3, 0), "MÜLLER");
        assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    }

    /// Everything a caller can see of the tokens, independent of how the segment text is stored.
    fn visible(t: &Tokens) -> String {
        let mut out = format!(
            "{:?}\n{:?} {:?} {:?}\n",
            t.diagnostics, t.service_chars, t.syntax_level, t.envelope
        );
        for seg in t.segments.iter() {
            let elements: Vec<Vec<Vec<&str>>> = (0..seg.element_count())
                .map(|e| {
                    (0..seg.repetitions(e))
                        .map(|r| seg.repetition_components(e, r))
                        .collect()
                })
                .collect();
            out += &format!("{:?} {} {elements:?} {seg}\n", seg.position, seg.tag());
        }
        out
    }

    proptest::proptest! {
        /// The fast path for plain segments gives exactly what the byte-by-byte path gives (segments, parts,
        /// positions, diagnostics), on inputs assembled from service strings, separators, line breaks, release
        /// characters, non-ASCII bytes and segment fragments.
        #[test]
        fn plain_segment_path_equals_byte_by_byte(
            picks in proptest::collection::vec(0usize..PIECES.len(), 0..40),
        ) {
            let input: Vec<u8> = picks.iter().flat_map(|&k| PIECES[k].iter().copied()).collect();
            proptest::prop_assert_eq!(
                visible(&tokenize(&input)),
                visible(&tokenize_byte_by_byte(&input)),
                "{:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }

    const PIECES: &[&[u8]] = &[
        b"UNA:+.? '",
        b"UNA:*.? $",
        b"UNA:(.) -",
        b"UNA:+.\\*'",
        b"UNA:-.? *",
        b"UNB+UNOA:4+X+Y+101209:2100+1'",
        b"UNB+UNOC:3'",
        b"UNB+IATA:1'",
        b"UNH+1+PAXLST:D:05B:UN:IATA'",
        b"UNT+3+1'",
        b"UNZ+1+1'",
        b"UNG *PAXLST$",
        b"NAD",
        b"+",
        b":",
        b"*",
        b"?",
        b"'",
        b"$",
        b"-",
        b"(",
        b")",
        b"\\",
        b"\n",
        b"\r\n",
        b" ",
        b"\t",
        b"\n\n",
        b"abc",
        b"ABC",
        b"\xc3\xa9",
        b"\xe2\x80\x99",
        b"\xe2\x80\x99\nTVL+1'",
        b"\xdc",
        b"\x01",
        b"SOH QK\n.MUC 1\nSTX ",
        b"FTX+A?+B'",
        b"??",
        b"?\n'",
        b"123",
        b" \n NAD+FL'",
    ];

    #[test]
    fn writes_back() {
        let t = tokenize(b"NAD+FL+++A?+B:C++X'");
        assert_eq!(seg(&t, 0).to_string(), "NAD+FL+++A?+B:C++X");
    }
}
