//! The UN Security Council Consolidated List in XML (`CONSOLIDATED_LIST`, schema
//! `https://www.un.org/sc/resources/sc-sanctions.xsd`), read as a stream with quick-xml.
//!
//! Every `INDIVIDUAL` becomes a [`Schema::Person`] and every `ENTITY` a [`Schema::Organization`], with the
//! `REFERENCE_NUMBER` (`QDi.325`) as its id and dataset [`DATASET`]. Field by field:
//!
//! | XML | model |
//! |---|---|
//! | `FIRST_NAME`..`FOURTH_NAME` | the primary [`Name`]: parts joined by spaces; for persons with two or more parts, all but the last in `given` and the last in `family` |
//! | `NAME_ORIGINAL_SCRIPT` | a [`NameKind::OriginalScript`] name |
//! | `*_ALIAS` `QUALITY` Good / a.k.a. / (none) | [`NameKind::StrongAlias`]; Low: [`NameKind::WeakAlias`]; f.k.a.: [`NameKind::FormerName`] |
//! | `*_ALIAS` `NOTE`, `DATE_OF_BIRTH`, `CITY_OF_BIRTH`, `COUNTRY_OF_BIRTH` | properties `aliasNote`, `aliasBirthDate`, `aliasBirthPlace` as `"<alias>: <value>"`; an alias date of birth is also added to `birth_dates` |
//! | `INDIVIDUAL_DATE_OF_BIRTH` `TYPE_OF_DATE` EXACT / APPROXIMATELY / BETWEEN with `DATE`, `YEAR`, `FROM_YEAR`/`TO_YEAR` | [`DateOfBirth`]; a `NOTE` such as "Nov. 1973" is read when there is no date; notes are kept in `birthDateNote` |
//! | `INDIVIDUAL_PLACE_OF_BIRTH` | `birth_places` |
//! | `NATIONALITY/VALUE` | `nationalities` (unknown names: a problem, raw value kept in property `nationality`) |
//! | `INDIVIDUAL_DOCUMENT` | [`Document`] (type, number, `ISSUING_COUNTRY` or `COUNTRY_OF_ISSUE`, note with `TYPE_OF_DOCUMENT2`, issue date and city); a document without a number goes to property `documentNote` |
//! | `*_ADDRESS` | `addresses` (and the country into `countries`) |
//! | `GENDER` | `gender` |
//! | `TITLE/VALUE`, `DESIGNATION/VALUE` | properties `title`, `position` |
//! | `UN_LIST_TYPE`, `LISTED_ON`, `COMMENTS1` | the [`ListMembership`]'s programme, listed-on date and remarks |
//! | `LIST_TYPE`, `LAST_DAY_UPDATED`, `DATAID`, `VERSIONNUM`, `SORT_KEY*` | properties `listType`, `modifiedAt`, `unDataId`, `unVersion`, `sortKey`, `sortKeyLastMod` |
//! | anything else | a property named after the element, so nothing is lost |
//!
//! A record is named in problems as `INDIVIDUAL #12 (QDi.100)`: its element, its position among its kind
//! (from 1) and its reference number.

use crate::ImportProblem;
use crate::text::{collapse_whitespace, month_number};
use interdict_model::{
    Country, DateOfBirth, Document, DocumentKind, Entity, Gender, ListMembership, Name, NameKind,
    PartialDate, Place, Schema,
};
use quick_xml::events::Event;
use std::collections::VecDeque;
use std::io::BufRead;

/// The dataset name of UN SC list entries.
pub const DATASET: &str = "un_sc";

/// At most this many XML syntax errors are reported before the reader gives up on a file.
const MAX_SYNTAX_ERRORS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordKind {
    Individual,
    Entity,
}

impl RecordKind {
    fn tag(self) -> &'static str {
        match self {
            RecordKind::Individual => "INDIVIDUAL",
            RecordKind::Entity => "ENTITY",
        }
    }
}

/// A child element of a record with child elements of its own (`INDIVIDUAL_ALIAS`, `NATIONALITY`, ...).
#[derive(Debug, Default)]
struct Group {
    tag: String,
    values: Vec<(String, String)>,
}

impl Group {
    fn get(&self, tag: &str) -> &str {
        self.values
            .iter()
            .find(|(t, v)| t == tag && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// One record as read, before it is turned into an entity.
#[derive(Debug)]
struct RawRecord {
    kind: RecordKind,
    ordinal: usize,
    /// Stack depth of the record element itself.
    depth: usize,
    fields: Vec<(String, String)>,
    groups: Vec<Group>,
    group: Option<Group>,
    text: String,
}

impl RawRecord {
    fn field(&self, tag: &str) -> &str {
        self.fields
            .iter()
            .find(|(t, v)| t == tag && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn label(&self) -> String {
        let reference = self.field("REFERENCE_NUMBER");
        if reference.is_empty() {
            format!("{} #{}", self.kind.tag(), self.ordinal)
        } else {
            format!("{} #{} ({})", self.kind.tag(), self.ordinal, reference)
        }
    }
}

/// A streaming reader of the UN consolidated list: an iterator of entities and problems, in file order.
///
/// A problem (`Err`) either concerns one field of a record that is still returned right after it, or, when
/// its message says so, a record that was skipped. XML syntax errors are reported with their byte position and
/// the reader carries on with the next record it can find.
#[derive(Debug)]
pub struct UnXmlReader<R: BufRead> {
    reader: quick_xml::Reader<R>,
    buf: Vec<u8>,
    stack: Vec<String>,
    record: Option<RawRecord>,
    individuals: usize,
    entities: usize,
    pending: VecDeque<Result<Entity, ImportProblem>>,
    syntax_errors: usize,
    saw_root: bool,
    done: bool,
}

impl<R: BufRead> UnXmlReader<R> {
    pub fn new(input: R) -> Self {
        let mut reader = quick_xml::Reader::from_reader(input);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.expand_empty_elements = false;
        UnXmlReader {
            reader,
            buf: Vec::with_capacity(4096),
            stack: Vec::with_capacity(8),
            record: None,
            individuals: 0,
            entities: 0,
            pending: VecDeque::new(),
            syntax_errors: 0,
            saw_root: false,
            done: false,
        }
    }

    fn problem_here(&self, message: String) -> ImportProblem {
        let record = match &self.record {
            Some(r) => r.label(),
            None => format!("UN list near byte {}", self.reader.buffer_position()),
        };
        ImportProblem::new(record, None, message)
    }

    /// Reads events until at least one item is pending or the input ends.
    fn advance(&mut self) {
        while self.pending.is_empty() && !self.done {
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf);
            match event {
                Ok(Event::Start(e)) => {
                    let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.start(tag);
                }
                Ok(Event::Empty(e)) => {
                    let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.start(tag);
                    self.end_top();
                }
                Ok(Event::End(e)) => {
                    let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.end(&tag);
                }
                Ok(Event::Text(e)) => {
                    if let Some(r) = self.record.as_mut() {
                        r.text.push_str(&String::from_utf8_lossy(&e));
                    }
                }
                Ok(Event::CData(e)) => {
                    if let Some(r) = self.record.as_mut() {
                        r.text.push_str(&String::from_utf8_lossy(&e));
                    }
                }
                Ok(Event::GeneralRef(e)) => {
                    if let Some(r) = self.record.as_mut() {
                        let name = String::from_utf8_lossy(&e);
                        match resolve_reference(&name) {
                            Some(c) => r.text.push(c),
                            None => {
                                r.text.push('&');
                                r.text.push_str(&name);
                                r.text.push(';');
                            }
                        }
                    }
                }
                Ok(Event::Eof) => {
                    self.finish_input();
                    self.done = true;
                }
                Ok(_) => {}
                Err(e) => {
                    self.syntax_errors += 1;
                    let position = self.reader.error_position();
                    let problem =
                        self.problem_here(format!("XML syntax error at byte {position}: {e}"));
                    self.pending.push_back(Err(problem));
                    if self.syntax_errors >= MAX_SYNTAX_ERRORS {
                        let p = self.problem_here(format!(
                            "{MAX_SYNTAX_ERRORS} XML syntax errors; the rest of the file is not read"
                        ));
                        self.pending.push_back(Err(p));
                        self.done = true;
                    }
                }
            }
        }
    }

    fn start(&mut self, tag: String) {
        if self.stack.is_empty() {
            if tag == "CONSOLIDATED_LIST" {
                self.saw_root = true;
            } else if !self.saw_root {
                self.pending.push_back(Err(ImportProblem::new(
                    "UN list",
                    Some(&tag),
                    "root element is not CONSOLIDATED_LIST",
                )));
            }
        }
        self.stack.push(tag);
        let depth = self.stack.len();
        let tag = &self.stack[depth - 1];
        match self.record.as_mut() {
            None => {
                let kind = match tag.as_str() {
                    "INDIVIDUAL" => RecordKind::Individual,
                    "ENTITY" => RecordKind::Entity,
                    _ => return,
                };
                let ordinal = match kind {
                    RecordKind::Individual => {
                        self.individuals += 1;
                        self.individuals
                    }
                    RecordKind::Entity => {
                        self.entities += 1;
                        self.entities
                    }
                };
                self.record = Some(RawRecord {
                    kind,
                    ordinal,
                    depth,
                    fields: Vec::new(),
                    groups: Vec::new(),
                    group: None,
                    text: String::new(),
                });
            }
            Some(r) => {
                let rel = depth - r.depth;
                if rel == 1 {
                    r.group = Some(Group {
                        tag: tag.clone(),
                        values: Vec::new(),
                    });
                    r.text.clear();
                } else if rel == 2 {
                    r.text.clear();
                }
            }
        }
    }

    fn end(&mut self, tag: &str) {
        match self.stack.iter().rposition(|t| t == tag) {
            Some(i) => {
                if i + 1 != self.stack.len() {
                    let unclosed = self.stack[i + 1..].join(", ");
                    let p = self
                        .problem_here(format!("</{tag}> closes unclosed element(s) {unclosed}"));
                    self.pending.push_back(Err(p));
                }
                while self.stack.len() > i + 1 {
                    self.end_top();
                }
                self.end_top();
            }
            None => {
                // Most often a misspelt end tag: inside a record it closes the innermost open field.
                let inside_field = self
                    .record
                    .as_ref()
                    .is_some_and(|r| self.stack.len() > r.depth);
                if inside_field {
                    let open = self.stack.last().cloned().unwrap_or_default();
                    let p = self.problem_here(format!(
                        "end tag </{tag}> does not match <{open}>; read as its end"
                    ));
                    self.pending.push_back(Err(p));
                    self.end_top();
                } else {
                    let p =
                        self.problem_here(format!("end tag </{tag}> without a start tag; ignored"));
                    self.pending.push_back(Err(p));
                }
            }
        }
    }

    /// Closes the innermost open element.
    fn end_top(&mut self) {
        let depth = self.stack.len();
        let Some(tag) = self.stack.pop() else { return };
        let Some(r) = self.record.as_mut() else {
            return;
        };
        if depth < r.depth {
            // The record's parent closed without the record closing: treat as the record's end.
            self.finish_record(Some("the record was not closed"));
            return;
        }
        match depth - r.depth {
            0 => self.finish_record(None),
            1 => {
                let text = collapse_whitespace(&std::mem::take(&mut r.text));
                match r.group.take() {
                    Some(g) if !g.values.is_empty() => r.groups.push(g),
                    _ => r.fields.push((tag, text)),
                }
            }
            2 => {
                let text = collapse_whitespace(&std::mem::take(&mut r.text));
                if let Some(g) = r.group.as_mut() {
                    g.values.push((tag, text));
                }
            }
            _ => {}
        }
    }

    fn finish_record(&mut self, damage: Option<&str>) {
        if let Some(mut record) = self.record.take() {
            if let Some(g) = record.group.take()
                && !g.values.is_empty()
            {
                record.groups.push(g);
            }
            let label = record.label();
            if let Some(why) = damage {
                self.pending.push_back(Err(ImportProblem::new(
                    label,
                    None,
                    format!("{why}; the fields read so far are imported"),
                )));
            }
            let (entity, problems) = build_entity(&record);
            self.pending.extend(problems.into_iter().map(Err));
            if let Some(e) = entity {
                self.pending.push_back(Ok(e));
            }
        }
    }

    fn finish_input(&mut self) {
        if self.record.is_some() {
            self.finish_record(Some("the file ends inside this record (truncated?)"));
        }
        if !self.saw_root {
            self.pending.push_back(Err(ImportProblem::new(
                "UN list",
                None,
                "no CONSOLIDATED_LIST element found",
            )));
        } else if !self.stack.is_empty() {
            let open = self.stack.join(" > ");
            self.pending.push_back(Err(ImportProblem::new(
                "UN list",
                None,
                format!("the file ends with elements still open ({open}): it is truncated"),
            )));
        }
        self.stack.clear();
    }
}

impl<R: BufRead> Iterator for UnXmlReader<R> {
    type Item = Result<Entity, ImportProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        self.advance();
        self.pending.pop_front()
    }
}

fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

/// Collects the problems of one record.
struct RecordProblems<'a> {
    label: &'a str,
    problems: Vec<ImportProblem>,
}

impl RecordProblems<'_> {
    fn add(&mut self, field: &str, message: String) {
        self.problems
            .push(ImportProblem::new(self.label, Some(field), message));
    }
}

fn build_entity(r: &RawRecord) -> (Option<Entity>, Vec<ImportProblem>) {
    let label = r.label();
    let mut p = RecordProblems {
        label: &label,
        problems: Vec::new(),
    };
    let schema = match r.kind {
        RecordKind::Individual => Schema::Person,
        RecordKind::Entity => Schema::Organization,
    };
    let mut reference = r.field("REFERENCE_NUMBER").to_string();
    if reference.is_empty() {
        let dataid = r.field("DATAID");
        if dataid.is_empty() {
            p.add(
                "REFERENCE_NUMBER",
                "record has neither REFERENCE_NUMBER nor DATAID; skipped".to_string(),
            );
            return (None, p.problems);
        }
        reference = format!("un-dataid-{dataid}");
        p.add(
            "REFERENCE_NUMBER",
            format!("missing; the record is filed as {reference}"),
        );
    }
    let mut e = Entity::new(reference.clone(), schema);
    let mut membership = ListMembership {
        dataset: DATASET.to_string(),
        reference,
        ..ListMembership::default()
    };

    // Primary name from its parts.
    let parts: Vec<&str> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .map(|t| r.field(t))
        .filter(|v| !v.is_empty())
        .collect();
    if !parts.is_empty() {
        let mut name = Name::new(parts.join(" "), NameKind::Primary);
        if schema == Schema::Person && parts.len() >= 2 {
            name.given = parts[..parts.len() - 1]
                .iter()
                .map(|s| s.to_string())
                .collect();
            name.family = Some(parts[parts.len() - 1].to_string());
        }
        e.names.push(name);
    }

    for (tag, value) in &r.fields {
        if value.is_empty() {
            continue;
        }
        match tag.as_str() {
            "FIRST_NAME" | "SECOND_NAME" | "THIRD_NAME" | "FOURTH_NAME" | "REFERENCE_NUMBER" => {}
            "NAME_ORIGINAL_SCRIPT" => e
                .names
                .push(Name::new(value.clone(), NameKind::OriginalScript)),
            "UN_LIST_TYPE" => membership.programme = Some(value.clone()),
            "LISTED_ON" => match without_time_zone(value).parse::<PartialDate>() {
                Ok(d) => membership.listed_on = Some(d),
                Err(err) => {
                    p.add(tag, format!("{err}; kept in property listedOn"));
                    e.add_property("listedOn", value.clone());
                }
            },
            "COMMENTS1" => membership.remarks = Some(value.clone()),
            "GENDER" => match value.parse::<Gender>() {
                Ok(g) => e.gender = Some(g),
                Err(_) => {
                    p.add(
                        tag,
                        format!("unknown gender {value:?}; kept in property gender"),
                    );
                    e.add_property("gender", value.clone());
                }
            },
            "DATAID" => e.add_property("unDataId", value.clone()),
            "VERSIONNUM" => e.add_property("unVersion", value.clone()),
            "SORT_KEY" => e.add_property("sortKey", value.clone()),
            "SORT_KEY_LAST_MOD" => e.add_property("sortKeyLastMod", value.clone()),
            // Multi-value elements written with a bare value instead of VALUE children.
            "NATIONALITY" => add_nationality(&mut e, &mut p, value),
            other => e.add_property(&property_for(other), value.clone()),
        }
    }

    for g in &r.groups {
        match g.tag.as_str() {
            "NATIONALITY" => {
                for (_, v) in g.values.iter().filter(|(_, v)| !v.is_empty()) {
                    add_nationality(&mut e, &mut p, v);
                }
            }
            "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => add_alias(&mut e, &mut p, g),
            "INDIVIDUAL_DATE_OF_BIRTH" => add_birth_date(&mut e, &mut p, g),
            "INDIVIDUAL_PLACE_OF_BIRTH" => {
                if let Some(place) = place_of(
                    g,
                    &[
                        "STREET",
                        "CITY",
                        "STATE_PROVINCE",
                        "ZIP_CODE",
                        "COUNTRY",
                        "NOTE",
                    ],
                ) {
                    e.birth_places.push(place);
                }
            }
            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => {
                if let Some(place) = place_of(
                    g,
                    &[
                        "STREET",
                        "CITY",
                        "STATE_PROVINCE",
                        "ZIP_CODE",
                        "COUNTRY",
                        "NOTE",
                    ],
                ) {
                    if let Some(c) = place.country
                        && !e.countries.contains(&c)
                    {
                        e.countries.push(c);
                    }
                    e.addresses.push(place);
                }
            }
            "INDIVIDUAL_DOCUMENT" => add_document(&mut e, g),
            other => {
                let key = property_for(other);
                for (_, v) in g.values.iter().filter(|(_, v)| !v.is_empty()) {
                    e.add_property(&key, v.clone());
                }
            }
        }
    }

    e.memberships.push(membership);
    if e.names.is_empty() {
        p.add(
            "FIRST_NAME",
            "record has no name, alias or original-script name; skipped".to_string(),
        );
        return (None, p.problems);
    }
    (Some(e), p.problems)
}

/// `2015-07-01-04:00` (a date with a time-zone offset, as some UN entries write LISTED_ON) -> `2015-07-01`.
fn without_time_zone(value: &str) -> &str {
    let b = value.as_bytes();
    if b.len() > 10 && matches!(b[10], b'-' | b'+' | b'Z') && value.is_char_boundary(10) {
        &value[..10]
    } else {
        value
    }
}

/// The property name for an element: the known UN elements by their FollowTheMoney-style names, others by tag.
fn property_for(tag: &str) -> String {
    match tag {
        "TITLE" => "title".into(),
        "DESIGNATION" => "position".into(),
        "LIST_TYPE" => "listType".into(),
        "LAST_DAY_UPDATED" => "modifiedAt".into(),
        other => other.to_string(),
    }
}

fn add_nationality(e: &mut Entity, p: &mut RecordProblems<'_>, value: &str) {
    match Country::from_name(value) {
        Some(c) => {
            if !e.nationalities.contains(&c) {
                e.nationalities.push(c);
            }
        }
        None => {
            p.add(
                "NATIONALITY",
                format!("unknown country {value:?}; kept in property nationality"),
            );
            e.add_property("nationality", value);
        }
    }
}

fn add_alias(e: &mut Entity, p: &mut RecordProblems<'_>, g: &Group) {
    let name = g.get("ALIAS_NAME");
    if name.is_empty() {
        return;
    }
    let quality = g.get("QUALITY");
    let kind = match quality.to_ascii_lowercase().as_str() {
        "good" | "a.k.a." | "aka" | "" => NameKind::StrongAlias,
        "low" => NameKind::WeakAlias,
        "f.k.a." | "fka" => NameKind::FormerName,
        _ => {
            p.add(
                "QUALITY",
                format!("unknown alias quality {quality:?} for {name:?}; read as a strong alias"),
            );
            NameKind::StrongAlias
        }
    };
    e.names.push(Name::new(name, kind));
    let note = g.get("NOTE");
    if !note.is_empty() {
        e.add_property("aliasNote", format!("{name}: {note}"));
    }
    let dob = g.get("DATE_OF_BIRTH");
    if !dob.is_empty() {
        e.add_property("aliasBirthDate", format!("{name}: {dob}"));
        match dob.parse::<PartialDate>() {
            Ok(d) => push_birth_date(e, DateOfBirth::Exact(d)),
            Err(err) => p.add(
                "DATE_OF_BIRTH",
                format!("alias {name:?}: {err}; kept in property aliasBirthDate"),
            ),
        }
    }
    let place: Vec<&str> = [g.get("CITY_OF_BIRTH"), g.get("COUNTRY_OF_BIRTH")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !place.is_empty() {
        e.add_property("aliasBirthPlace", format!("{name}: {}", place.join(", ")));
    }
}

fn push_birth_date(e: &mut Entity, dob: DateOfBirth) {
    if !e.birth_dates.contains(&dob) {
        e.birth_dates.push(dob);
    }
}

fn add_birth_date(e: &mut Entity, p: &mut RecordProblems<'_>, g: &Group) {
    let kind = g.get("TYPE_OF_DATE").to_ascii_uppercase();
    let note = g.get("NOTE");
    if !note.is_empty() {
        e.add_property("birthDateNote", note);
    }
    let mut parse = |field: &str| -> Option<PartialDate> {
        let v = g.get(field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<PartialDate>() {
            Ok(d) => Some(d),
            Err(err) => {
                p.add(
                    field,
                    format!("date of birth: {err}; kept in property birthDate"),
                );
                e.add_property("birthDate", v);
                None
            }
        }
    };
    let date = parse("DATE").or_else(|| parse("YEAR"));
    let from = parse("FROM_YEAR");
    let to = parse("TO_YEAR");
    let dob = match (kind.as_str(), date, from, to) {
        ("BETWEEN", _, Some(a), Some(b)) => Some(DateOfBirth::Between(a, b)),
        ("BETWEEN", Some(d), _, _)
        | ("BETWEEN", None, Some(d), None)
        | ("BETWEEN", None, None, Some(d)) => {
            p.add(
                "TO_YEAR",
                "BETWEEN date of birth without both FROM_YEAR and TO_YEAR; read as approximate"
                    .into(),
            );
            Some(DateOfBirth::Approximately(d))
        }
        ("APPROXIMATELY", Some(d), _, _) => Some(DateOfBirth::Approximately(d)),
        ("EXACT" | "", Some(d), _, _) => Some(DateOfBirth::Exact(d)),
        (other, Some(d), _, _) => {
            p.add(
                "TYPE_OF_DATE",
                format!("unknown TYPE_OF_DATE {other:?}; read as exact"),
            );
            Some(DateOfBirth::Exact(d))
        }
        (_, None, Some(a), Some(b)) => Some(DateOfBirth::Between(a, b)),
        (kind, None, _, _) => date_from_note(note).map(|d| match (kind, d) {
            ("APPROXIMATELY", DateOfBirth::Exact(x)) => DateOfBirth::Approximately(x),
            (_, d) => d,
        }),
    };
    if let Some(d) = dob {
        push_birth_date(e, d);
    }
}

/// Reads the dates that UN notes state in words: "Nov. 1973", "August 1961", "Between Aug. and Sep. 1977".
fn date_from_note(note: &str) -> Option<DateOfBirth> {
    let words: Vec<&str> = note.split_whitespace().collect();
    let year_of = |w: &str| -> Option<i32> {
        (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    match words.as_slice() {
        [m, y] => {
            let (m, y) = (month_number(m)?, year_of(y)?);
            Some(DateOfBirth::Exact(PartialDate {
                year: y,
                month: Some(m),
                day: None,
            }))
        }
        [b, m1, a, m2, y] if b.eq_ignore_ascii_case("between") && a.eq_ignore_ascii_case("and") => {
            let (m1, m2, y) = (month_number(m1)?, month_number(m2)?, year_of(y)?);
            Some(DateOfBirth::Between(
                PartialDate {
                    year: y,
                    month: Some(m1),
                    day: None,
                },
                PartialDate {
                    year: y,
                    month: Some(m2),
                    day: None,
                },
            ))
        }
        _ => None,
    }
}

fn place_of(g: &Group, order: &[&str]) -> Option<Place> {
    let mut parts: Vec<&str> = Vec::new();
    for tag in order {
        for (t, v) in &g.values {
            if t == tag && !v.is_empty() {
                parts.push(v);
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    let country = Country::from_name(g.get("COUNTRY"));
    Some(Place {
        text: parts.join(", "),
        country,
    })
}

fn add_document(e: &mut Entity, g: &Group) {
    let number = g.get("NUMBER");
    let type_text = g.get("TYPE_OF_DOCUMENT");
    let issuing = g.get("ISSUING_COUNTRY");
    let country_of_issue = g.get("COUNTRY_OF_ISSUE");
    let mut note_parts: Vec<String> = Vec::new();
    for (label, tag) in [
        ("", "TYPE_OF_DOCUMENT2"),
        ("issued ", "DATE_OF_ISSUE"),
        ("issued in ", "CITY_OF_ISSUE"),
        ("", "NOTE"),
    ] {
        let v = g.get(tag);
        if !v.is_empty() {
            note_parts.push(format!("{label}{v}"));
        }
    }
    let country = Country::from_name(issuing).or_else(|| Country::from_name(country_of_issue));
    for c in [issuing, country_of_issue] {
        if !c.is_empty() && Country::from_name(c).is_none() && !note_parts.iter().any(|n| n == c) {
            note_parts.push(format!("country {c}"));
        }
    }
    if number.is_empty() {
        let mut text: Vec<String> = Vec::new();
        if !type_text.is_empty() {
            text.push(type_text.to_string());
        }
        text.extend(note_parts);
        if let Some(c) = country {
            text.push(format!("({})", c.code()));
        }
        if !text.is_empty() {
            e.add_property("documentNote", text.join("; "));
        }
        return;
    }
    let kind = document_kind(type_text);
    let note = (!note_parts.is_empty()).then(|| note_parts.join("; "));
    e.documents.push(Document {
        kind,
        number: number.to_string(),
        country,
        note,
    });
}

/// The document kind for a type as the UN list writes it (English, French or Spanish).
pub(crate) fn document_kind(type_text: &str) -> DocumentKind {
    let t = type_text.to_lowercase();
    if t.contains("passport") || t.contains("passeport") || t.contains("pasaporte") {
        DocumentKind::Passport
    } else if t.contains("national identification")
        || t.contains("national id")
        || t.contains("identity card")
        || t.contains("identification number")
    {
        DocumentKind::NationalId
    } else if t.is_empty() {
        DocumentKind::Other("document".to_string())
    } else {
        DocumentKind::Other(type_text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> (Vec<Entity>, Vec<ImportProblem>) {
        let mut entities = Vec::new();
        let mut problems = Vec::new();
        for item in UnXmlReader::new(xml.as_bytes()) {
            match item {
                Ok(e) => entities.push(e),
                Err(p) => problems.push(p),
            }
        }
        (entities, problems)
    }

    const ONE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>
  <DATAID>1</DATAID><FIRST_NAME>KARIM</FIRST_NAME><SECOND_NAME>AL FICTITI</SECOND_NAME>
  <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER><LISTED_ON>2015-01-02</LISTED_ON>
  <NAME_ORIGINAL_SCRIPT>كريم الفتيتي</NAME_ORIGINAL_SCRIPT><GENDER>Male</GENDER>
  <COMMENTS1>Fictional &amp; made up &#8217;entry&#x2019;</COMMENTS1>
  <TITLE><VALUE>Mullah</VALUE></TITLE><DESIGNATION><VALUE>Commander</VALUE></DESIGNATION>
  <NATIONALITY><VALUE>Syrian Arab Republic</VALUE><VALUE>Atlantis</VALUE></NATIONALITY>
  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Karim</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>The Lion</ALIAS_NAME><NOTE>nom de guerre</NOTE></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>K. Fictiti</ALIAS_NAME><DATE_OF_BIRTH>1981-02-03</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ADDRESS><CITY>Raqqa</CITY><COUNTRY>Syrian Arab Republic</COUNTRY></INDIVIDUAL_ADDRESS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1980</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1978</FROM_YEAR><TO_YEAR>1979</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>Nov. 1973</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1980-13-45</DATE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Homs</CITY><COUNTRY>Syrian Arab Republic</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>N 000111</NUMBER><ISSUING_COUNTRY>Syrian Arab Republic</ISSUING_COUNTRY><NOTE>expired</NOTE></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NOTE>no number given</NOTE></INDIVIDUAL_DOCUMENT>
  <SORT_KEY/>
</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY><FIRST_NAME>FICTITIOUS FRONT</FIRST_NAME><REFERENCE_NUMBER>QDe.900</REFERENCE_NUMBER>
  <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Old Front</ALIAS_NAME></ENTITY_ALIAS>
</ENTITY></ENTITIES></CONSOLIDATED_LIST>"#;

    #[test]
    fn reads_every_field_of_a_record() {
        let (entities, problems) = read(ONE);
        assert_eq!(entities.len(), 2);
        let e = &entities[0];
        assert_eq!(e.id, "QDi.900");
        assert_eq!(e.schema, Schema::Person);
        assert_eq!(e.names[0].text, "KARIM AL FICTITI");
        assert_eq!(e.names[0].given, vec!["KARIM"]);
        assert_eq!(e.names[0].family.as_deref(), Some("AL FICTITI"));
        let kinds: Vec<NameKind> = e.names.iter().map(|n| n.kind).collect();
        use NameKind::*;
        assert_eq!(
            kinds,
            vec![Primary, OriginalScript, StrongAlias, WeakAlias, StrongAlias]
        );
        assert_eq!(e.nationalities, vec![Country::from_code("sy").unwrap()]);
        assert_eq!(e.properties["nationality"], vec!["Atlantis"]);
        assert_eq!(e.gender, Some(Gender::Male));
        let dobs: Vec<String> = e.birth_dates.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            dobs,
            vec![
                "1981-02-03",
                "circa 1980",
                "between 1978 and 1979",
                "1973-11"
            ]
        );
        assert_eq!(e.documents.len(), 1);
        assert_eq!(e.documents[0].kind, DocumentKind::Passport);
        assert_eq!(
            e.documents[0].country.map(|c| c.to_string()).as_deref(),
            Some("sy")
        );
        assert_eq!(
            e.properties["documentNote"],
            vec!["National Identification Number; no number given"]
        );
        assert_eq!(e.addresses[0].text, "Raqqa, Syrian Arab Republic");
        assert_eq!(e.birth_places[0].text, "Homs, Syrian Arab Republic");
        assert_eq!(e.properties["title"], vec!["Mullah"]);
        assert_eq!(e.properties["position"], vec!["Commander"]);
        assert_eq!(e.properties["aliasNote"], vec!["The Lion: nom de guerre"]);
        let m = &e.memberships[0];
        assert_eq!(m.programme.as_deref(), Some("Al-Qaida"));
        assert_eq!(
            m.listed_on.map(|d| d.to_string()).as_deref(),
            Some("2015-01-02")
        );
        assert_eq!(
            m.remarks.as_deref(),
            Some("Fictional & made up \u{2019}entry\u{2019}")
        );
        let fields: Vec<&str> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
        assert_eq!(fields, vec!["NATIONALITY", "DATE"], "{problems:?}");
        assert!(
            problems
                .iter()
                .all(|p| p.record == "INDIVIDUAL #1 (QDi.900)")
        );
        let org = &entities[1];
        assert_eq!(org.schema, Schema::Organization);
        assert_eq!(org.names[1].kind, FormerName);
    }

    #[test]
    fn truncated_file_keeps_complete_records_and_names_the_cut_one() {
        let cut = ONE.find("<ENTITY_ALIAS>").unwrap();
        let (entities, problems) = read(&ONE[..cut]);
        assert_eq!(
            entities.len(),
            2,
            "complete record and the partial one with its name"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.record == "ENTITY #1 (QDe.900)" && p.message.contains("truncated"))
        );
        assert!(problems.iter().any(|p| p.message.contains("still open")));
    }

    #[test]
    fn garbage_is_reported_not_panicked_on() {
        for input in [
            "",
            "<",
            "<CONSOLIDATED_LIST><INDIVIDUAL><FIRST_NAME>A</X>",
            "<A></B>",
            "\u{0}\u{1}<<>>&&;",
            "<CONSOLIDATED_LIST><INDIVIDUAL><FIRST_NAME>&bogus;</FIRST_NAME><REFERENCE_NUMBER>x</REFERENCE_NUMBER></INDIVIDUAL>",
        ] {
            let (_, problems) = read(input);
            assert!(!problems.is_empty(), "{input:?}");
        }
    }

    #[test]
    fn notes_with_dates_in_words() {
        let table = [
            ("Nov. 1973", Some("1973-11")),
            ("August 1961", Some("1961-08")),
            (
                "Between Aug. and Sep. 1977",
                Some("between 1977-08 and 1977-09"),
            ),
            ("30-35 years old", None),
            ("24/06/1402 (Hijri Calendar)", None),
        ];
        for (note, want) in table {
            assert_eq!(
                date_from_note(note).map(|d| d.to_string()).as_deref(),
                want,
                "{note}"
            );
        }
    }

    #[test]
    fn document_kinds() {
        assert_eq!(document_kind("Numéro de passeport"), DocumentKind::Passport);
        assert_eq!(
            document_kind("National Identification Number"),
            DocumentKind::NationalId
        );
        assert_eq!(
            document_kind("Driving licence"),
            DocumentKind::Other("Driving licence".into())
        );
    }
}
