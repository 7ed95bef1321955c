//! FollowTheMoney entities as JSON lines, the format OpenSanctions exports (`entities.ftm.json`):
//! `{"id":"...","schema":"Person","properties":{"name":["..."],...},"datasets":["..."]}` per line.
//!
//! Schemas Person, Organization, Company, LegalEntity, PublicBody, Vessel, Airplane / Aircraft are read; the
//! other FollowTheMoney schemas in an export (Sanction, Address, Identification, Ownership, Family, ...) describe
//! relations rather than parties and are skipped without a problem. Properties:
//!
//! | property | model |
//! |---|---|
//! | `name` / `alias` / `weakAlias` / `previousName` | names of kind Primary / StrongAlias / WeakAlias / FormerName |
//! | `firstName`, `middleName`, `fatherName`, `secondName`, `lastName` | a primary name when there is no `name`; else the parts of the single primary name |
//! | `birthDate` | `birth_dates` (exact, to its precision) |
//! | `birthPlace` | `birth_places` |
//! | `nationality` | `nationalities` |
//! | `citizenship`, `country`, `jurisdiction`, `mainCountry`, `flag` | `countries` |
//! | `gender` | `gender` |
//! | `passportNumber` / `idNumber` | documents (passport / national id) |
//! | `address` | `addresses` |
//! | `program`, `programId` | the membership's programme |
//! | `notes` | the membership's remarks (and kept as property) |
//! | anything else | `properties`, under the same name |
//!
//! [`query_from_json`] reads a screening query in the same form (DESIGN.md's command-line contract), strictly:
//! a value that cannot be read is an error naming the field.

use crate::{ImportProblem, ListError};
use interdict_model::{
    Country, DateOfBirth, Document, DocumentKind, Entity, Gender, ListMembership, Name, NameKind,
    PartialDate, Place, Schema,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};
use std::io::BufRead;

/// FollowTheMoney schemas that are relations or details, not parties to screen: skipped without a problem.
const NON_PARTY_SCHEMAS: &[&str] = &[
    "Address",
    "Article",
    "Associate",
    "BankAccount",
    "CryptoWallet",
    "Debt",
    "Directorship",
    "Document",
    "Documentation",
    "Employment",
    "Family",
    "Identification",
    "Membership",
    "Note",
    "Occupancy",
    "Ownership",
    "Passport",
    "Payment",
    "Position",
    "Representation",
    "Sanction",
    "Security",
    "Succession",
    "UnknownLink",
];

/// A streaming reader of FollowTheMoney JSON lines.
#[derive(Debug)]
pub struct FtmJsonReader<R: BufRead> {
    input: R,
    source: String,
    line: usize,
    buf: String,
    datasets: BTreeMap<String, usize>,
    pending: VecDeque<Result<Entity, ImportProblem>>,
    done: bool,
}

impl<R: BufRead> FtmJsonReader<R> {
    pub fn new(input: R, source: &str) -> Self {
        let name = std::path::Path::new(source)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(source);
        FtmJsonReader {
            input,
            source: name.to_string(),
            line: 0,
            buf: String::new(),
            datasets: BTreeMap::new(),
            pending: VecDeque::new(),
            done: false,
        }
    }

    /// The dataset name for the whole file: the one dataset all entities share, else the file name's stem.
    pub fn dataset_name(&self, source: &str) -> String {
        if self.datasets.len() == 1
            && let Some(name) = self.datasets.keys().next()
        {
            return name.clone();
        }
        crate::dataset_from_source(source)
    }

    fn read_line(&mut self) {
        self.buf.clear();
        let mut bytes = Vec::new();
        match self.input.read_until(b'\n', &mut bytes) {
            Ok(0) => {
                self.done = true;
                return;
            }
            Ok(_) => {}
            Err(e) => {
                self.pending.push_back(Err(ImportProblem::new(
                    format!("{} line {}", self.source, self.line + 1),
                    None,
                    format!("read error: {e}"),
                )));
                self.done = true;
                return;
            }
        }
        self.line += 1;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.is_empty() {
            return;
        }
        let label = format!("{} line {}", self.source, self.line);
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                self.pending.push_back(Err(ImportProblem::new(
                    label,
                    None,
                    format!("invalid JSON: {e}; line skipped"),
                )));
                return;
            }
        };
        let Some(object) = value.as_object() else {
            self.pending.push_back(Err(ImportProblem::new(
                label,
                None,
                "not a JSON object; line skipped",
            )));
            return;
        };
        let id = object.get("id").and_then(Value::as_str).unwrap_or("");
        let label = if id.is_empty() {
            label
        } else {
            format!("{label} ({id})")
        };
        let mut problems = Vec::new();
        let entity = entity_from_object(object, &label, false, &mut problems);
        self.pending.extend(problems.into_iter().map(Err));
        if let Some(e) = entity {
            for m in &e.memberships {
                *self.datasets.entry(m.dataset.clone()).or_default() += 1;
            }
            self.pending.push_back(Ok(e));
        }
    }
}

impl<R: BufRead> Iterator for FtmJsonReader<R> {
    type Item = Result<Entity, ImportProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pending.is_empty() && !self.done {
            self.read_line();
        }
        self.pending.pop_front()
    }
}

/// Reads one `interdict screen` query line: `{"id":"q1","schema":"Person","properties":{"name":["..."],
/// "birthDate":["1977"],"nationality":["sy"]}}`. Without `schema` the query is a `LegalEntity`; `firstName`,
/// `middleName` and `lastName` without `name` make the name.
///
/// # Errors
/// [`ListError::InvalidQuery`] naming the query (its id when it has one) and the field, for invalid JSON, a
/// schema that is not a person, organisation, vessel or aircraft, or a date, country or gender that cannot be read.
/// [`query_with_problems`] reads the last three leniently.
pub fn query_from_json(line: &str) -> Result<Entity, ListError> {
    let (entity, problems) = query_with_problems(line)?;
    match problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(entity),
    }
}

/// [`query_from_json`], lenient: a date, country or gender that cannot be read is reported (as
/// [`ListError::InvalidQuery`] naming the query and field) and kept as text in its property, where matching does
/// not use it, and the query is returned with everything else. A person whose birth date has a typo is still
/// screened by name.
///
/// # Errors
/// [`ListError::InvalidQuery`] for invalid JSON, or a schema that is not a person, organisation, vessel or aircraft.
pub fn query_with_problems(line: &str) -> Result<(Entity, Vec<ListError>), ListError> {
    let invalid = |record: &str, field: Option<&str>, message: String| ListError::InvalidQuery {
        record: record.to_string(),
        field: field.map(str::to_string),
        message,
    };
    let value: Value = serde_json::from_str(line.trim())
        .map_err(|e| invalid("line", None, format!("invalid JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| invalid("line", None, "not a JSON object".to_string()))?;
    let id = object.get("id").and_then(Value::as_str).unwrap_or("");
    let record = if id.is_empty() {
        "(no id)".to_string()
    } else {
        id.to_string()
    };
    let mut problems = Vec::new();
    let entity = entity_from_object(object, &record, true, &mut problems).ok_or_else(|| {
        invalid(
            &record,
            Some("schema"),
            "not a person, organisation, vessel or aircraft".to_string(),
        )
    })?;
    let problems = problems
        .into_iter()
        .map(|p| ListError::InvalidQuery {
            record: p.record,
            field: p.field,
            message: p.message,
        })
        .collect();
    Ok((entity, problems))
}

/// The strings of a FollowTheMoney property value: a string, an array of strings, or nested entities (their id).
fn strings(value: &Value) -> Vec<String> {
    fn one(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Null => None,
            Value::Object(o) => match o.get("id").and_then(Value::as_str) {
                Some(id) => Some(id.to_string()),
                None => Some(v.to_string()),
            },
            other => Some(other.to_string()),
        }
    }
    match value {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

fn entity_from_object(
    object: &Map<String, Value>,
    label: &str,
    is_query: bool,
    problems: &mut Vec<ImportProblem>,
) -> Option<Entity> {
    let mut problem = |field: &str, message: String| {
        problems.push(ImportProblem::new(label, Some(field), message))
    };
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if id.is_empty() && !is_query {
        problem("id", "entity without an id; skipped".to_string());
        return None;
    }
    let schema_name = object.get("schema").and_then(Value::as_str).unwrap_or("");
    let schema = if schema_name.is_empty() && is_query {
        Schema::LegalEntity
    } else if NON_PARTY_SCHEMAS.contains(&schema_name) && !is_query {
        return None;
    } else {
        match schema_name {
            "PublicBody" | "Company" => Schema::LegalEntity,
            "Airplane" => Schema::Aircraft,
            other => match other.parse::<Schema>() {
                Ok(s) => s,
                Err(e) => {
                    problem("schema", format!("{e}; skipped"));
                    return None;
                }
            },
        }
    };
    let mut e = Entity::new(id.clone(), schema);
    let empty = Map::new();
    let props = match object.get("properties") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            problem("properties", "not a JSON object; ignored".to_string());
            &empty
        }
    };
    let get = |key: &str| props.get(key).map(strings).unwrap_or_default();

    for (key, kind) in [
        ("name", NameKind::Primary),
        ("alias", NameKind::StrongAlias),
        ("weakAlias", NameKind::WeakAlias),
        ("previousName", NameKind::FormerName),
    ] {
        for n in get(key) {
            e.names.push(Name::new(n, kind));
        }
    }
    let first = get("firstName");
    let middle: Vec<String> = ["middleName", "fatherName", "secondName"]
        .iter()
        .flat_map(|k| get(k))
        .collect();
    let last = get("lastName");
    let has_primary = e.names.iter().any(|n| n.kind == NameKind::Primary);
    let mut used_parts = false;
    if !has_primary && (!first.is_empty() || !last.is_empty()) {
        let given: Vec<String> = first.iter().take(1).chain(middle.iter()).cloned().collect();
        let family = last.first().cloned();
        let text: Vec<&str> = given
            .iter()
            .map(String::as_str)
            .chain(family.as_deref())
            .collect();
        let mut name = Name::new(text.join(" "), NameKind::Primary);
        name.given = given;
        name.family = family;
        e.names.insert(0, name);
        used_parts = first.len() <= 1 && last.len() <= 1;
    } else if e
        .names
        .iter()
        .filter(|n| n.kind == NameKind::Primary)
        .count()
        == 1
        && first.len() == 1
        && last.len() == 1
        && let Some(n) = e.names.iter_mut().find(|n| n.kind == NameKind::Primary)
    {
        n.given = first.iter().chain(middle.iter()).cloned().collect();
        n.family = last.first().cloned();
        used_parts = true;
    }

    for d in get("birthDate") {
        match d.parse::<PartialDate>() {
            Ok(date) => {
                let dob = DateOfBirth::Exact(date);
                if !e.birth_dates.contains(&dob) {
                    e.birth_dates.push(dob);
                }
            }
            Err(err) => {
                problem("birthDate", format!("{err}; kept in property birthDate"));
                e.add_property("birthDate", d);
            }
        }
    }
    for p in get("birthPlace") {
        let country = Country::from_name(&p);
        e.birth_places.push(Place { text: p, country });
    }
    for (key, into_nationality) in [
        ("nationality", true),
        ("citizenship", false),
        ("country", false),
        ("jurisdiction", false),
        ("mainCountry", false),
        ("flag", false),
    ] {
        for v in get(key) {
            match Country::from_name(&v) {
                Some(c) => {
                    let list = if into_nationality {
                        &mut e.nationalities
                    } else {
                        &mut e.countries
                    };
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
                None => {
                    problem(
                        key,
                        format!("unknown country {v:?}; kept in property {key}"),
                    );
                    e.add_property(key, v);
                }
            }
        }
    }
    for g in get("gender") {
        match g.parse::<Gender>() {
            Ok(gender) => e.gender = Some(gender),
            Err(_) => {
                problem(
                    "gender",
                    format!("unknown gender {g:?}; kept in property gender"),
                );
                e.add_property("gender", g);
            }
        }
    }
    for (key, kind) in [
        ("passportNumber", DocumentKind::Passport),
        ("idNumber", DocumentKind::NationalId),
    ] {
        for number in get(key) {
            e.documents.push(Document {
                kind: kind.clone(),
                number,
                country: None,
                note: None,
            });
        }
    }
    for a in get("address") {
        e.addresses.push(Place {
            text: a,
            country: None,
        });
    }

    let programme = get("program")
        .into_iter()
        .next()
        .or_else(|| get("programId").into_iter().next());
    let remarks = {
        let notes = get("notes");
        (!notes.is_empty()).then(|| notes.join(" "))
    };
    let datasets: Vec<String> = object.get("datasets").map(strings).unwrap_or_default();
    if !is_query {
        let datasets = if datasets.is_empty() {
            vec!["followthemoney".to_string()]
        } else {
            datasets
        };
        for d in datasets {
            e.memberships.push(ListMembership {
                dataset: d,
                reference: id.clone(),
                programme: programme.clone(),
                listed_on: None,
                remarks: remarks.clone(),
            });
        }
    }

    const TYPED: &[&str] = &[
        "name",
        "alias",
        "weakAlias",
        "previousName",
        "birthDate",
        "birthPlace",
        "nationality",
        "citizenship",
        "country",
        "jurisdiction",
        "mainCountry",
        "flag",
        "gender",
        "passportNumber",
        "idNumber",
        "address",
    ];
    for (key, value) in props {
        if TYPED.contains(&key.as_str()) {
            continue;
        }
        if used_parts
            && matches!(
                key.as_str(),
                "firstName" | "middleName" | "fatherName" | "secondName" | "lastName"
            )
        {
            continue;
        }
        for v in strings(value) {
            e.add_property(key, v);
        }
    }
    for (key, value) in object {
        if matches!(
            key.as_str(),
            "id" | "schema" | "properties" | "datasets" | "caption"
        ) {
            continue;
        }
        for v in strings(value) {
            e.add_property(key, v);
        }
    }
    if e.names.is_empty() && !is_query {
        problem("name", "entity without a name; skipped".to_string());
        return None;
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let q = query_from_json(
            r#"{"id":"q1","schema":"Person","properties":{"name":["Abu Muhammad al-Adnani"],"birthDate":["1977"],"nationality":["sy"],"passportNumber":["N 123"],"gender":["male"]}}"#,
        )
        .unwrap();
        assert_eq!(q.id, "q1");
        assert_eq!(q.primary_name(), Some("Abu Muhammad al-Adnani"));
        assert_eq!(
            q.birth_dates,
            vec![DateOfBirth::Exact(PartialDate::year(1977))]
        );
        assert_eq!(q.nationalities[0].code(), "sy");
        assert_eq!(q.documents[0].kind, DocumentKind::Passport);
        assert_eq!(q.gender, Some(Gender::Male));
        assert!(q.memberships.is_empty());

        let q = query_from_json(r#"{"id":"q2","properties":{"firstName":["Karim"],"middleName":["Abu"],"lastName":["Fictiti"]}}"#).unwrap();
        assert_eq!(q.schema, Schema::LegalEntity);
        assert_eq!(q.names[0].text, "Karim Abu Fictiti");
        assert_eq!(q.names[0].family.as_deref(), Some("Fictiti"));

        let table = [
            (
                r#"{"id":"q3","schema":"Person","properties":{"birthDate":["1977-13"]}}"#,
                Some("birthDate"),
            ),
            (
                r#"{"id":"q4","schema":"Person","properties":{"nationality":["zz"]}}"#,
                Some("nationality"),
            ),
            (
                r#"{"id":"q5","schema":"Dog","properties":{}}"#,
                Some("schema"),
            ),
            (
                r#"{"id":"q6","schema":"Address","properties":{}}"#,
                Some("schema"),
            ),
            (r#"not json"#, None),
            (r#"[1,2]"#, None),
        ];
        for (line, field) in table {
            match query_from_json(line) {
                Err(ListError::InvalidQuery { field: f, .. }) => {
                    assert_eq!(f.as_deref(), field, "{line}")
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn export_lines() {
        let data = concat!(
            r#"{"id":"os-1","schema":"Person","caption":"X","properties":{"name":["Karim Fictiti"],"alias":["K. F."],"weakAlias":["The Lion"],"birthDate":["1980-02-01","not a date"],"nationality":["sy"],"topics":["sanction"]},"datasets":["demo_sanctions"],"first_seen":"2020-01-01"}"#,
            "\n\n",
            r#"{"id":"os-2","schema":"Sanction","properties":{}}"#,
            "\n",
            r#"{"id":"os-3","schema":"Company","properties":{"name":["Fiction Trading LLC"],"jurisdiction":["ae"]},"datasets":["demo_sanctions"]}"#,
            "\n{broken\n",
            r#"{"id":"os-4","schema":"Airplane","properties":{"name":["EP-FIC"]},"datasets":["demo_sanctions"]}"#,
            "\n",
        );
        let mut reader = FtmJsonReader::new(data.as_bytes(), "demo.json");
        let items: Vec<_> = reader.by_ref().collect();
        let entities: Vec<&Entity> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
        let problems: Vec<&ImportProblem> = items.iter().filter_map(|i| i.as_ref().err()).collect();
        assert_eq!(entities.len(), 3);
        assert_eq!(entities[0].names.len(), 3);
        assert_eq!(entities[0].properties["topics"], vec!["sanction"]);
        assert_eq!(entities[0].properties["first_seen"], vec!["2020-01-01"]);
        assert_eq!(entities[1].schema, Schema::LegalEntity);
        assert_eq!(entities[1].countries[0].code(), "ae");
        assert_eq!(entities[2].schema, Schema::Aircraft);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].record, "demo.json line 1 (os-1)");
        assert_eq!(problems[0].field.as_deref(), Some("birthDate"));
        assert_eq!(problems[1].record, "demo.json line 5");
        assert_eq!(reader.dataset_name("demo.json"), "demo_sanctions");
    }
}
