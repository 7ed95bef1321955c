//! Interdict's plain CSV for an agency's own watchlist (for example the foreign-terrorist-fighter profiles a
//! partner shares). UTF-8, comma-separated, double quotes around values that contain commas, one header row.
//! Header names are matched without regard to case, spaces or dashes (`Birth Date` = `birth_date`).
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `id` | yes | the entry's reference in the agency's list (the entity id) |
//! | `name` | yes, unless `first_name`/`last_name` are given | the primary name as written |
//! | `schema` | no (default `Person`) | `Person`, `Organization`, `LegalEntity`, `Vessel` or `Aircraft` |
//! | `first_name`, `last_name` | no | name parts; they make the name when `name` is empty |
//! | `aliases` | no | strong aliases, separated by `;` |
//! | `weak_aliases` | no | weak aliases / noms de guerre, `;`-separated |
//! | `former_names` | no | former names, `;`-separated |
//! | `original_script_name` | no | the name(s) in the original script (Arabic, Cyrillic, ...), `;`-separated |
//! | `birth_date` | no | `;`-separated dates of birth, each `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `circa YYYY` (approximate, also `circa YYYY-MM`) or `YYYY..YYYY` (a range, both ends included) |
//! | `birth_place` | no | place of birth as text |
//! | `nationality`, `country` | no | `;`-separated ISO 3166 alpha-2 codes (`sy`) or English names (`Syria`, `Syrian`) |
//! | `gender` | no | `male`, `female`, `m`, `f`, `other` |
//! | `passport_number`, `id_number` | no | `;`-separated document numbers, each optionally followed by the issuing country in parentheses: `N0123456 (sy)` |
//! | `address` | no | `;`-separated addresses |
//! | `programme` (or `program`) | no | the list or programme the entry is on |
//! | `listed_on` | no | `YYYY-MM-DD` |
//! | `remarks` | no | free text |
//! | anything else | no | kept in the entity's properties under the column name |
//!
//! Records are named in problems as `demo_watchlist.csv line 7 (WL-0005)`.

use crate::ImportProblem;
use interdict_model::{
    Country, DateOfBirth, Document, DocumentKind, Entity, Gender, ListMembership, Name, NameKind,
    PartialDate, Place, Schema,
};
use std::collections::VecDeque;

/// The header name in the form the reader matches: lower case, spaces and dashes as `_`.
pub fn column_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Reads one birth-date value of the watchlist CSV: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `circa YYYY[-MM[-DD]]`
/// (also `c. YYYY`, `ca. YYYY`, `~YYYY`) or `YYYY..YYYY` (also with full dates on either side).
pub fn parse_birth_date(text: &str) -> Option<DateOfBirth> {
    let t = text.trim();
    let lower = t.to_lowercase();
    for prefix in ["circa ", "circa", "ca. ", "c. ", "~"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            return rest
                .trim()
                .parse::<PartialDate>()
                .ok()
                .map(DateOfBirth::Approximately);
        }
    }
    if let Some((a, b)) = t.split_once("..") {
        let (a, b) = (
            a.trim().parse::<PartialDate>().ok()?,
            b.trim().parse::<PartialDate>().ok()?,
        );
        return (a <= b).then_some(DateOfBirth::Between(a, b));
    }
    t.parse::<PartialDate>().ok().map(DateOfBirth::Exact)
}

/// A streaming reader of the watchlist CSV.
#[derive(Debug)]
pub struct WatchlistCsvReader<'a> {
    reader: csv::Reader<&'a [u8]>,
    file: String,
    header: Vec<String>,
    record: csv::StringRecord,
    pending: VecDeque<Result<Entity, ImportProblem>>,
    done: bool,
}

impl<'a> WatchlistCsvReader<'a> {
    pub fn new(bytes: &'a [u8], source: &str) -> Self {
        let file = std::path::Path::new(source)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(source)
            .to_string();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let mut pending = VecDeque::new();
        let mut done = false;
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(column_key).collect(),
            Err(e) => {
                pending.push_back(Err(ImportProblem::new(
                    format!("{file} line 1"),
                    None,
                    format!("unreadable header: {e}"),
                )));
                done = true;
                Vec::new()
            }
        };
        if !done {
            for required in ["id", "name"] {
                if !header.iter().any(|h| h == required) {
                    pending.push_back(Err(ImportProblem::new(
                        format!("{file} line 1"),
                        Some(required),
                        format!("the header has no `{required}` column; no rows read"),
                    )));
                    done = true;
                }
            }
        }
        WatchlistCsvReader {
            reader,
            file,
            header,
            record: csv::StringRecord::new(),
            pending,
            done,
        }
    }

    fn read_next(&mut self) {
        let line = self.reader.position().line();
        match self.reader.read_record(&mut self.record) {
            Ok(false) => self.done = true,
            Ok(true) => {
                let line = self.record.position().map(|p| p.line()).unwrap_or(line);
                if self.record.iter().all(str::is_empty) {
                    return;
                }
                let (entity, problems) = self.build(line);
                self.pending.extend(problems.into_iter().map(Err));
                if let Some(e) = entity {
                    self.pending.push_back(Ok(e));
                }
            }
            Err(e) => {
                let message = format!("unreadable CSV row: {e}; row skipped");
                self.pending.push_back(Err(ImportProblem::new(
                    format!("{} line {line}", self.file),
                    None,
                    message,
                )));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    self.done = true;
                }
            }
        }
    }

    fn build(&self, line: u64) -> (Option<Entity>, Vec<ImportProblem>) {
        let col = |name: &str| -> &str {
            self.header
                .iter()
                .position(|h| h == name)
                .and_then(|i| self.record.get(i))
                .unwrap_or("")
        };
        let list = |name: &str| -> Vec<String> {
            col(name)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let id = col("id").to_string();
        let label = if id.is_empty() {
            format!("{} line {line}", self.file)
        } else {
            format!("{} line {line} ({id})", self.file)
        };
        let mut problems = Vec::new();
        if self.record.len() > self.header.len() {
            let message = format!(
                "{} values but {} header columns; extra values ignored",
                self.record.len(),
                self.header.len()
            );
            problems.push(ImportProblem::new(&label, None, message));
        }
        let mut problem = |field: &str, message: String| {
            problems.push(ImportProblem::new(&label, Some(field), message))
        };
        if id.is_empty() {
            problem("id", "empty id; row skipped".to_string());
            return (None, problems);
        }
        let schema_text = col("schema");
        let schema = if schema_text.is_empty() {
            Schema::Person
        } else {
            match schema_text.parse::<Schema>() {
                Ok(s) => s,
                Err(e) => {
                    problem("schema", format!("{e}; read as Person"));
                    Schema::Person
                }
            }
        };
        let mut e = Entity::new(id.clone(), schema);
        let (first, last) = (col("first_name"), col("last_name"));
        let name = col("name");
        if !name.is_empty() || !first.is_empty() || !last.is_empty() {
            let text = if name.is_empty() {
                [first, last]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                name.to_string()
            };
            let mut n = Name::new(text, NameKind::Primary);
            if !first.is_empty() {
                n.given = first.split_whitespace().map(str::to_string).collect();
            }
            if !last.is_empty() {
                n.family = Some(last.to_string());
            }
            e.names.push(n);
        }
        for (column, kind) in [
            ("aliases", NameKind::StrongAlias),
            ("weak_aliases", NameKind::WeakAlias),
            ("former_names", NameKind::FormerName),
            ("original_script_name", NameKind::OriginalScript),
        ] {
            for n in list(column) {
                e.names.push(Name::new(n, kind));
            }
        }
        if e.names.is_empty() {
            problem(
                "name",
                "no name, first_name/last_name or alias; row skipped".to_string(),
            );
            return (None, problems);
        }
        for d in list("birth_date") {
            match parse_birth_date(&d) {
                Some(dob) => e.birth_dates.push(dob),
                None => {
                    problem(
                        "birth_date",
                        format!(
                            "{d:?} is not YYYY, YYYY-MM, YYYY-MM-DD, circa YYYY or YYYY..YYYY; kept in property birthDate"
                        ),
                    );
                    e.add_property("birthDate", d);
                }
            }
        }
        let place = col("birth_place");
        if !place.is_empty() {
            let country = place.rsplit(',').next().and_then(Country::from_name);
            e.birth_places.push(Place {
                text: place.to_string(),
                country,
            });
        }
        for (column, nationality) in [("nationality", true), ("country", false)] {
            for v in list(column) {
                match Country::from_name(&v) {
                    Some(c) => {
                        let target = if nationality {
                            &mut e.nationalities
                        } else {
                            &mut e.countries
                        };
                        if !target.contains(&c) {
                            target.push(c);
                        }
                    }
                    None => {
                        problem(
                            column,
                            format!("unknown country {v:?}; kept in property {column}"),
                        );
                        e.add_property(column, v);
                    }
                }
            }
        }
        let gender = col("gender");
        if !gender.is_empty() {
            match gender.parse::<Gender>() {
                Ok(g) => e.gender = Some(g),
                Err(_) => {
                    problem(
                        "gender",
                        format!("unknown gender {gender:?}; kept in property gender"),
                    );
                    e.add_property("gender", gender);
                }
            }
        }
        for (column, kind) in [
            ("passport_number", DocumentKind::Passport),
            ("id_number", DocumentKind::NationalId),
        ] {
            for v in list(column) {
                let (number, country_text) = match v.split_once(" (") {
                    Some((n, rest)) => (
                        n.trim().to_string(),
                        Some(rest.trim_end_matches(')').trim().to_string()),
                    ),
                    None => (v.clone(), None),
                };
                let country = country_text.as_deref().and_then(Country::from_name);
                let note = match (&country_text, country) {
                    (Some(t), None) => {
                        problem(
                            column,
                            format!("unknown issuing country {t:?}; kept in the document note"),
                        );
                        Some(t.clone())
                    }
                    _ => None,
                };
                e.documents.push(Document {
                    kind: kind.clone(),
                    number,
                    country,
                    note,
                });
            }
        }
        for a in list("address") {
            let country = a.rsplit(',').next().and_then(Country::from_name);
            e.addresses.push(Place { text: a, country });
        }
        let mut membership = ListMembership {
            dataset: crate::dataset_from_source(&self.file),
            reference: id,
            ..ListMembership::default()
        };
        let programme = [col("programme"), col("program")]
            .into_iter()
            .find(|s| !s.is_empty());
        membership.programme = programme.map(str::to_string);
        let listed_on = col("listed_on");
        if !listed_on.is_empty() {
            match listed_on.parse::<PartialDate>() {
                Ok(d) => membership.listed_on = Some(d),
                Err(err) => {
                    problem("listed_on", format!("{err}; kept in property listedOn"));
                    e.add_property("listedOn", listed_on);
                }
            }
        }
        let remarks = col("remarks");
        membership.remarks = (!remarks.is_empty()).then(|| remarks.to_string());
        e.memberships.push(membership);
        const KNOWN: &[&str] = &[
            "id",
            "schema",
            "name",
            "first_name",
            "last_name",
            "aliases",
            "weak_aliases",
            "former_names",
            "original_script_name",
            "birth_date",
            "birth_place",
            "nationality",
            "country",
            "gender",
            "passport_number",
            "id_number",
            "address",
            "programme",
            "program",
            "listed_on",
            "remarks",
        ];
        for (i, h) in self.header.iter().enumerate() {
            if !KNOWN.contains(&h.as_str())
                && let Some(v) = self.record.get(i)
            {
                e.add_property(h, v);
            }
        }
        (Some(e), problems)
    }
}

impl Iterator for WatchlistCsvReader<'_> {
    type Item = Result<Entity, ImportProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pending.is_empty() && !self.done {
            self.read_next();
        }
        self.pending.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_forms() {
        let table = [
            ("1980", Some("1980")),
            ("1980-05", Some("1980-05")),
            ("1980-05-17", Some("1980-05-17")),
            ("circa 1980", Some("circa 1980")),
            ("Circa 1980-05", Some("circa 1980-05")),
            ("c. 1980", Some("circa 1980")),
            ("~1980", Some("circa 1980")),
            ("1975..1978", Some("between 1975 and 1978")),
            (
                "1975-01-01..1975-06-30",
                Some("between 1975-01-01 and 1975-06-30"),
            ),
            ("1978..1975", None),
            ("1980-02-30", None),
            ("80", None),
            ("17/05/1980", None),
            ("circa", None),
            ("", None),
        ];
        for (input, want) in table {
            assert_eq!(
                parse_birth_date(input).map(|d| d.to_string()).as_deref(),
                want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn rows_and_a_bad_row_in_the_middle() {
        let csv = "ID,Schema,Name,Aliases,Weak Aliases,Original Script Name,Birth Date,Nationality,Gender,Passport Number,Programme,Listed On,Remarks,Handling Code\n\
                   WL-1,Person,Karim al-Fictiti,Abu Karim;K. Fictiti,The Lion,كريم الفتيتي,1980;circa 1981,Syrian,m,N0001 (sy),FTF,2019-01-02,fictional,TLP:AMBER\n\
                   WL-2,Person,Bad Row,,,,1980-13,Atlantis,robot,,FTF,yesterday,,\n\
                   ,Person,No Id,,,,,,,,,,,\n\
                   WL-4,Organization,Fiction Front,,,,,,,,,,,\n";
        let items: Vec<_> = WatchlistCsvReader::new(csv.as_bytes(), "/tmp/ftf.csv").collect();
        let entities: Vec<&Entity> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
        let problems: Vec<&ImportProblem> = items.iter().filter_map(|i| i.as_ref().err()).collect();
        assert_eq!(entities.len(), 3);
        let e = entities[0];
        assert_eq!(e.names.len(), 5);
        assert_eq!(e.names[4].kind, NameKind::OriginalScript);
        assert_eq!(e.birth_dates.len(), 2);
        assert_eq!(e.nationalities[0].code(), "sy");
        assert_eq!(
            e.documents[0].country.map(|c| c.to_string()).as_deref(),
            Some("sy")
        );
        assert_eq!(e.memberships[0].dataset, "ftf");
        assert_eq!(e.properties["handling_code"], vec!["TLP:AMBER"]);
        let fields: Vec<(&str, Option<&str>)> = problems
            .iter()
            .map(|p| (p.record.as_str(), p.field.as_deref()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("ftf.csv line 3 (WL-2)", Some("birth_date")),
                ("ftf.csv line 3 (WL-2)", Some("nationality")),
                ("ftf.csv line 3 (WL-2)", Some("gender")),
                ("ftf.csv line 3 (WL-2)", Some("listed_on")),
                ("ftf.csv line 4", Some("id")),
            ]
        );
        assert_eq!(entities[2].schema, Schema::Organization);
    }

    #[test]
    fn missing_required_columns() {
        let items: Vec<_> = WatchlistCsvReader::new(b"id,alias\nx,y\n", "w.csv").collect();
        assert_eq!(items.len(), 1);
        assert!(matches!(&items[0], Err(p) if p.field.as_deref() == Some("name")));
    }
}
