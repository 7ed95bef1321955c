//! The OFAC SDN list in its legacy CSV form: `sdn.csv` with the sibling `alt.csv` (aliases), `add.csv`
//! (addresses) and `sdn_comments.csv` (the continuation of remarks too long for `sdn.csv`). No header row;
//! `-0-` means empty. The consolidated (non-SDN) list uses the same layout as `cons_prim.csv`, `cons_alt.csv`,
//! `cons_add.csv`, `cons_comments.csv`.
//!
//! | file | columns | model |
//! |---|---|---|
//! | sdn.csv | ent_num | id `ofac-<ent_num>`, membership reference |
//! | | SDN_Name (`LAST, First` for individuals) | primary [`Name`] as `First LAST`, with `given` and `family` |
//! | | SDN_Type: individual / vessel / aircraft / blank | [`Schema::Person`] / `Vessel` / `Aircraft` / `Organization` |
//! | | Program (`SDGT] [IFSR`) | one [`ListMembership`] per programme, dataset [`DATASET`] |
//! | | Title | property `position` |
//! | | Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner | properties `callSign`, `vesselType`, `tonnage`, `grossRegisteredTonnage`, `flag` (also `countries`), `owner` |
//! | | Remarks (+ sdn_comments.csv) | membership remarks, read by [`crate::ofac_remarks`] into dates and places of birth, nationalities, citizenships (`countries`), gender, documents, aliases and properties; other statements into property `notes` |
//! | alt.csv | ent_num, alt_num, alt_type (aka / fka / nka), alt_name, remarks | [`NameKind::StrongAlias`] / [`NameKind::FormerName`] / strong alias; remarks into property `aliasNote` |
//! | add.csv | ent_num, add_num, address, city/state/zip, country, remarks | `addresses` (country also in `countries`) |
//!
//! Records are named in problems as `sdn.csv line 88 (ent_num 306)`.

use crate::ofac_remarks::{Remark, parse_remarks};
use crate::{ImportProblem, ListFormat, ListImport};
use interdict_model::{Country, Document, Entity, ListMembership, Name, NameKind, Place, Schema};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// The dataset name of OFAC SDN entries.
pub const DATASET: &str = "us_ofac_sdn";

/// The four files of an OFAC legacy CSV export, as bytes. Only `sdn` is required.
#[derive(Debug, Clone, Copy)]
pub struct OfacSdnFiles<'a> {
    pub sdn: &'a [u8],
    pub alt: Option<&'a [u8]>,
    pub add: Option<&'a [u8]>,
    pub comments: Option<&'a [u8]>,
}

/// The sibling files found beside an `sdn.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfacSiblings {
    pub alt: Option<PathBuf>,
    pub add: Option<PathBuf>,
    pub comments: Option<PathBuf>,
}

impl OfacSiblings {
    /// Finds `alt.csv`, `add.csv` and `sdn_comments.csv` (or the `cons_` names, in any letter case) beside `sdn`.
    pub fn locate(sdn: &Path) -> OfacSiblings {
        let dir = sdn.parent().unwrap_or(Path::new("."));
        let file = sdn
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let (alt, add, comments) = if file.starts_with("cons_") {
            ("cons_alt.csv", "cons_add.csv", "cons_comments.csv")
        } else {
            ("alt.csv", "add.csv", "sdn_comments.csv")
        };
        let find = |name: &str| -> Option<PathBuf> {
            [name.to_string(), name.to_ascii_uppercase()]
                .into_iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file())
        };
        OfacSiblings {
            alt: find(alt),
            add: find(add),
            comments: find(comments),
        }
    }
}

/// Reads an OFAC legacy CSV export into a [`ListImport`]. `source` is the path or name of `sdn.csv`.
pub fn read_ofac_sdn(files: OfacSdnFiles<'_>, source: &str) -> ListImport {
    let reader = OfacSdnReader::new(files, source);
    crate::collect(ListFormat::OfacSdnCsv, DATASET.to_string(), reader)
}

/// One CSV row: its 1-based line and cleaned fields (`-0-` and blanks as empty strings).
#[derive(Debug)]
struct Row {
    line: u64,
    fields: Vec<String>,
}

impl Row {
    fn get(&self, i: usize) -> &str {
        self.fields.get(i).map(String::as_str).unwrap_or("")
    }
}

fn clean(field: &[u8]) -> String {
    let s = String::from_utf8_lossy(field);
    let t = s.trim();
    if t == "-0-" {
        String::new()
    } else {
        t.to_string()
    }
}

/// Reads every row of a headerless CSV; rows that cannot be read become problems.
fn read_rows(bytes: &[u8], file: &str, problems: &mut Vec<ImportProblem>) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    // Line numbers are counted from byte offsets: the csv crate counts CR LF files' lines differently.
    let mut counted_to = 0usize;
    let mut line = 1u64;
    let mut line_at = |offset: usize| -> u64 {
        let mut offset = offset.min(bytes.len());
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset > counted_to {
            line += bytes[counted_to..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = offset;
        }
        line
    };
    loop {
        let start = reader.position().byte() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record
                    .position()
                    .map(|p| p.byte() as usize)
                    .unwrap_or(start);
                let line = line_at(start);
                let fields: Vec<String> = record.iter().map(clean).collect();
                // OFAC files end with a DOS end-of-file byte (0x1A) on a line of its own.
                if fields.iter().all(|f| f.is_empty() || f == "\u{1a}") {
                    continue;
                }
                rows.push(Row { line, fields });
            }
            Err(e) => {
                let line = line_at(start);
                problems.push(ImportProblem::new(
                    format!("{file} line {line}"),
                    None,
                    format!("unreadable CSV row: {e}"),
                ));
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                ) {
                    break;
                }
            }
        }
    }
    rows
}

/// A streaming reader of `sdn.csv` rows, with the sibling files' rows attached to their entities.
///
/// The sibling files are indexed up front (they are small); `sdn.csv` rows are read into entities one at a time.
/// Sibling rows whose `ent_num` is not in `sdn.csv` are reported as problems after the last entity.
#[derive(Debug)]
pub struct OfacSdnReader {
    file: String,
    rows: std::vec::IntoIter<Row>,
    alt: HashMap<String, Vec<Row>>,
    add: HashMap<String, Vec<Row>>,
    comments: HashMap<String, String>,
    seen: HashSet<String>,
    pending: VecDeque<Result<Entity, ImportProblem>>,
    finished: bool,
}

impl OfacSdnReader {
    pub fn new(files: OfacSdnFiles<'_>, source: &str) -> Self {
        let file = Path::new(source)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(source)
            .to_string();
        let file = if file.is_empty() {
            "sdn.csv".to_string()
        } else {
            file
        };
        let mut problems = Vec::new();
        let rows = read_rows(files.sdn, &file, &mut problems);
        let mut by_ent =
            |bytes: Option<&[u8]>, name: &str, min_cols: usize| -> HashMap<String, Vec<Row>> {
                let mut map: HashMap<String, Vec<Row>> = HashMap::new();
                for row in bytes
                    .map(|b| read_rows(b, name, &mut problems))
                    .unwrap_or_default()
                {
                    let ent = row.get(0).to_string();
                    if ent.is_empty() || !ent.bytes().all(|b| b.is_ascii_digit()) {
                        problems.push(ImportProblem::new(
                            format!("{name} line {}", row.line),
                            Some("ent_num"),
                            format!("not a number: {ent:?}; row skipped"),
                        ));
                        continue;
                    }
                    if row.fields.len() < min_cols {
                        problems.push(ImportProblem::new(
                            format!("{name} line {} (ent_num {ent})", row.line),
                            None,
                            format!(
                                "{} columns instead of {min_cols}; missing columns read as empty",
                                row.fields.len()
                            ),
                        ));
                    }
                    map.entry(ent).or_default().push(row);
                }
                map
            };
        let alt = by_ent(files.alt, "alt.csv", 5);
        let add = by_ent(files.add, "add.csv", 6);
        let comment_rows = by_ent(files.comments, "sdn_comments.csv", 2);
        let comments = comment_rows
            .into_iter()
            .map(|(ent, rows)| {
                (
                    ent,
                    rows.iter().map(|r| r.get(1)).collect::<Vec<_>>().concat(),
                )
            })
            .collect();
        OfacSdnReader {
            file,
            rows: rows.into_iter(),
            alt,
            add,
            comments,
            seen: HashSet::new(),
            pending: problems.into_iter().map(Err).collect(),
            finished: false,
        }
    }

    fn read_row(&mut self, row: Row) {
        let ent = row.get(0).to_string();
        let label = if ent.is_empty() {
            format!("{} line {}", self.file, row.line)
        } else {
            format!("{} line {} (ent_num {ent})", self.file, row.line)
        };
        let mut problem = |field: Option<&str>, message: String| {
            self.pending
                .push_back(Err(ImportProblem::new(label.clone(), field, message)));
        };
        if ent.is_empty() || !ent.bytes().all(|b| b.is_ascii_digit()) {
            problem(
                Some("ent_num"),
                format!("not a number: {ent:?}; row skipped"),
            );
            return;
        }
        if !self.seen.insert(ent.clone()) {
            problem(
                Some("ent_num"),
                "duplicate ent_num; row skipped".to_string(),
            );
            return;
        }
        if row.fields.len() != 12 {
            problem(
                None,
                format!(
                    "{} columns instead of 12; missing columns read as empty",
                    row.fields.len()
                ),
            );
        }
        let name = row.get(1);
        if name.is_empty() {
            problem(Some("SDN_Name"), "empty name; row skipped".to_string());
            return;
        }
        let sdn_type = row.get(2).to_ascii_lowercase();
        let schema = match sdn_type.as_str() {
            "individual" => Schema::Person,
            "vessel" => Schema::Vessel,
            "aircraft" => Schema::Aircraft,
            "" | "entity" => Schema::Organization,
            other => {
                problem(
                    Some("SDN_Type"),
                    format!("unknown type {other:?}; read as an organisation"),
                );
                Schema::Organization
            }
        };
        let mut e = Entity::new(format!("ofac-{ent}"), schema);
        e.names
            .push(person_or_thing_name(name, schema, NameKind::Primary));

        let mut remarks = row.get(11).to_string();
        if let Some(more) = self.comments.remove(&ent) {
            remarks.push_str(&more);
        }
        let programmes: Vec<String> = row
            .get(3)
            .split("] [")
            .map(|p| p.trim_matches(['[', ']', ' ']).to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let remarks_opt = (!remarks.is_empty()).then(|| remarks.clone());
        if programmes.is_empty() {
            e.memberships.push(ListMembership {
                dataset: DATASET.into(),
                reference: ent.clone(),
                remarks: remarks_opt,
                ..Default::default()
            });
        } else {
            for (i, p) in programmes.into_iter().enumerate() {
                e.memberships.push(ListMembership {
                    dataset: DATASET.into(),
                    reference: ent.clone(),
                    programme: Some(p),
                    remarks: if i == 0 { remarks_opt.clone() } else { None },
                    ..Default::default()
                });
            }
        }
        e.add_property("position", row.get(4));
        e.add_property("callSign", row.get(5));
        e.add_property("vesselType", row.get(6));
        e.add_property("tonnage", row.get(7));
        e.add_property("grossRegisteredTonnage", row.get(8));
        let flag = row.get(9);
        if !flag.is_empty() {
            e.add_property("flag", flag);
            if let Some(c) = Country::from_name(flag) {
                push_unique(&mut e.countries, c);
            }
        }
        e.add_property("owner", row.get(10));
        for extra in row.fields.iter().skip(12) {
            e.add_property("extraColumn", extra.clone());
        }

        for remark in parse_remarks(&remarks) {
            apply_remark(&mut e, remark, schema, &mut problem);
        }

        for alt in self.alt.remove(&ent).unwrap_or_default() {
            let alt_name = alt.get(3);
            if alt_name.is_empty() {
                self.pending.push_back(Err(ImportProblem::new(
                    format!("alt.csv line {} (ent_num {ent})", alt.line),
                    Some("alt_name"),
                    "empty alias name",
                )));
                continue;
            }
            let kind = match alt.get(2).to_ascii_lowercase().as_str() {
                "fka" => NameKind::FormerName,
                _ => NameKind::StrongAlias,
            };
            e.names.push(person_or_thing_name(alt_name, schema, kind));
            if !alt.get(4).is_empty() {
                e.add_property("aliasNote", format!("{alt_name}: {}", alt.get(4)));
            }
        }
        for add in self.add.remove(&ent).unwrap_or_default() {
            let parts: Vec<&str> = [add.get(2), add.get(3), add.get(4)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let country = Country::from_name(add.get(4));
            if let Some(c) = country {
                push_unique(&mut e.countries, c);
            }
            if !add.get(5).is_empty() {
                e.add_property("addressNote", add.get(5));
            }
            if !parts.is_empty() {
                e.addresses.push(Place {
                    text: parts.join(", "),
                    country,
                });
            }
        }
        self.pending.push_back(Ok(e));
    }

    fn finish(&mut self) {
        let mut orphans: Vec<(String, u64, String)> = Vec::new();
        for (file, map) in [("alt.csv", &self.alt), ("add.csv", &self.add)] {
            for (ent, rows) in map {
                for r in rows {
                    orphans.push((file.to_string(), r.line, ent.clone()));
                }
            }
        }
        for ent in self.comments.keys() {
            orphans.push(("sdn_comments.csv".to_string(), 0, ent.clone()));
        }
        orphans.sort();
        for (file, line, ent) in orphans {
            let record = if line == 0 {
                format!("{file} (ent_num {ent})")
            } else {
                format!("{file} line {line} (ent_num {ent})")
            };
            self.pending.push_back(Err(ImportProblem::new(
                record,
                Some("ent_num"),
                format!("ent_num {ent} is not in {}; row not attached", self.file),
            )));
        }
    }
}

fn push_unique(list: &mut Vec<Country>, c: Country) {
    if !list.contains(&c) {
        list.push(c);
    }
}

fn apply_remark(
    e: &mut Entity,
    remark: Remark,
    schema: Schema,
    problem: &mut impl FnMut(Option<&str>, String),
) {
    match remark {
        Remark::BirthDate(d) => {
            if !e.birth_dates.contains(&d) {
                e.birth_dates.push(d);
            }
        }
        Remark::BirthPlace(text) => {
            let country = text
                .rsplit(',')
                .next()
                .and_then(Country::from_name)
                .or_else(|| Country::from_name(&text));
            e.birth_places.push(Place { text, country });
        }
        Remark::Nationality(text) => {
            match Country::from_name(text.strip_prefix("possibly ").unwrap_or(&text)) {
                Some(c) => {
                    push_unique(&mut e.nationalities, c);
                    if text.starts_with("possibly ") {
                        e.add_property("nationality", text);
                    }
                }
                None => {
                    problem(
                        Some("Remarks"),
                        format!(
                            "nationality: unknown country {text:?}; kept in property nationality"
                        ),
                    );
                    e.add_property("nationality", text);
                }
            }
        }
        Remark::Citizenship(text) => match Country::from_name(&text) {
            Some(c) => {
                push_unique(&mut e.countries, c);
                e.add_property("citizenship", c.code());
            }
            None => {
                problem(
                    Some("Remarks"),
                    format!("citizen: unknown country {text:?}; kept in property citizenship"),
                );
                e.add_property("citizenship", text);
            }
        },
        Remark::Gender(g) => e.gender = Some(g),
        Remark::Document {
            kind,
            number,
            country,
            note,
        } => {
            let code = country.as_deref().and_then(Country::from_name);
            let note = match (&country, code) {
                (Some(c), None) => Some(match note {
                    Some(n) => format!("{c}; {n}"),
                    None => c.clone(),
                }),
                _ => note,
            };
            e.documents.push(Document {
                kind,
                number,
                country: code,
                note,
            });
        }
        Remark::Alias(kind, name) => e.names.push(person_or_thing_name(&name, schema, kind)),
        Remark::Property(key, value) => e.add_property(key, value),
        Remark::Unreadable { field, text } => {
            problem(
                Some("Remarks"),
                format!("{field} not understood in {text:?}; kept in property notes"),
            );
            e.add_property("notes", text);
        }
        Remark::Note(text) => e.add_property("notes", text),
    }
}

/// `AL-ADNANI, Abu Mohammad` -> `Abu Mohammad AL-ADNANI` (given `Abu Mohammad`, family `AL-ADNANI`) for
/// persons; other names as written.
fn person_or_thing_name(raw: &str, schema: Schema, kind: NameKind) -> Name {
    if schema == Schema::Person
        && let Some((family, given)) = raw.split_once(',')
    {
        let (family, given) = (family.trim(), given.trim());
        if !family.is_empty() && !given.is_empty() {
            let mut name = Name::new(format!("{given} {family}"), kind);
            name.given = vec![given.to_string()];
            name.family = Some(family.to_string());
            return name;
        }
    }
    Name::new(raw.trim().trim_end_matches(',').trim(), kind)
}

impl Iterator for OfacSdnReader {
    type Item = Result<Entity, ImportProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.rows.next() {
                Some(row) => self.read_row(row),
                None if !self.finished => {
                    self.finished = true;
                    self.finish();
                }
                None => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::DocumentKind;

    const SDN: &str = "\
100,\"FICTITI, Karim Abu\",\"individual\",\"SDGT] [IFSR\",\"Commander\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 01 Feb 1980; alt. DOB circa 1981; POB Homs, Syria; nationality Syria; Passport N000111 (Syria); Gender Male; a.k.a. 'ABU K'.\"\r
bad,\"BROKEN ROW\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r
200,\"SEA FICTION\",\"vessel\",\"IRAN\",-0- ,\"ABCD\",\"Tanker\",\"1000\",\"900\",\"Panama\",\"FICTION SHIPPING\",\"Vessel Registration Identification IMO 9999999.\"\r
300,\"FRONT FICTION LLC\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Linked To: SEA FICTION.\"\r
\u{1a}";
    const ALT: &str = "100,1,\"aka\",\"AL-FICTITI, Karim\",-0- \r\n300,2,\"fka\",\"OLD FRONT\",-0- \r\n999,3,\"aka\",\"ORPHAN\",-0- \r\n";
    const ADD: &str = "300,1,\"1 Fiction Street\",\"Dubai\",\"United Arab Emirates\",-0- \r\n";

    #[test]
    fn reads_rows_with_siblings() {
        let files = OfacSdnFiles {
            sdn: SDN.as_bytes(),
            alt: Some(ALT.as_bytes()),
            add: Some(ADD.as_bytes()),
            comments: None,
        };
        let import = read_ofac_sdn(files, "/x/sdn.csv");
        assert_eq!(import.entities.len(), 3);
        let p = &import.entities[0];
        assert_eq!(p.id, "ofac-100");
        assert_eq!(p.schema, Schema::Person);
        assert_eq!(p.names[0].text, "Karim Abu FICTITI");
        assert_eq!(p.names[0].family.as_deref(), Some("FICTITI"));
        assert_eq!(p.names.len(), 3, "{:?}", p.names);
        assert_eq!(p.names[1].kind, NameKind::WeakAlias);
        assert_eq!(p.names[2].text, "Karim AL-FICTITI");
        assert_eq!(p.birth_dates.len(), 2);
        assert_eq!(p.nationalities[0].code(), "sy");
        assert_eq!(p.documents[0].kind, DocumentKind::Passport);
        assert_eq!(
            p.documents[0].country.map(|c| c.to_string()).as_deref(),
            Some("sy")
        );
        assert_eq!(p.memberships.len(), 2);
        assert_eq!(p.properties["position"], vec!["Commander"]);
        let v = &import.entities[1];
        assert_eq!(v.schema, Schema::Vessel);
        assert_eq!(v.properties["imoNumber"], vec!["9999999"]);
        assert_eq!(v.countries[0].code(), "pa");
        let o = &import.entities[2];
        assert_eq!(o.schema, Schema::Organization);
        assert_eq!(o.names[1].kind, NameKind::FormerName);
        assert_eq!(
            o.addresses[0].country.map(|c| c.to_string()).as_deref(),
            Some("ae")
        );
        let records: Vec<&str> = import.problems.iter().map(|p| p.record.as_str()).collect();
        assert_eq!(
            records,
            vec![
                "sdn.csv line 2 (ent_num bad)",
                "alt.csv line 3 (ent_num 999)"
            ],
            "{:?}",
            import.problems
        );
    }

    #[test]
    fn comments_continue_remarks() {
        let sdn =
            "5,\"X CO\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Website www.exa\"\r\n";
        let comments = "5,\"mple.org; Linked To: Y.\"\r\n";
        let files = OfacSdnFiles {
            sdn: sdn.as_bytes(),
            alt: None,
            add: None,
            comments: Some(comments.as_bytes()),
        };
        let import = read_ofac_sdn(files, "sdn.csv");
        assert!(import.problems.is_empty(), "{:?}", import.problems);
        assert_eq!(
            import.entities[0].properties["website"],
            vec!["www.example.org"]
        );
        assert_eq!(import.entities[0].properties["linkedTo"], vec!["Y"]);
    }

    #[test]
    fn sibling_names() {
        let dir =
            std::env::temp_dir().join(format!("interdict-ofac-siblings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("alt.csv"), "").unwrap();
        let s = OfacSiblings::locate(&dir.join("sdn.csv"));
        assert_eq!(s.alt, Some(dir.join("alt.csv")));
        assert_eq!(s.add, None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
