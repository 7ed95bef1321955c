//! Watchlist importers: turn sanctions and watchlist files into [`interdict_model::Entity`] values.
//!
//! Four formats are read, each detected from the file's content (never from its name):
//!
//! | format | detected by | dataset |
//! |---|---|---|
//! | [`ListFormat::UnScXml`]: UN Security Council Consolidated List XML | root element `CONSOLIDATED_LIST` | `un_sc` |
//! | [`ListFormat::OfacSdnCsv`]: OFAC SDN legacy CSV (`sdn.csv` + sibling `alt.csv`, `add.csv`, `sdn_comments.csv`) | numeric first column, 12 columns, `-0-` for empty | `us_ofac_sdn` |
//! | [`ListFormat::FollowTheMoneyJson`]: FollowTheMoney JSON lines (OpenSanctions exports) | lines that are JSON objects | the entities' `datasets` |
//! | [`ListFormat::WatchlistCsv`]: an agency's own watchlist as plain CSV (see [`watchlist_csv`]) | a header row with `id` and `name` columns | the file name without extension |
//!
//! Importing is lenient: a malformed record or field becomes an [`ImportProblem`] that names the record (and the
//! field when there is one), and every other record still imports. Underneath [`read_list_file`] and
//! [`read_list_bytes`] are streaming readers, one per format ([`un_xml::UnXmlReader`],
//! [`ofac_csv::OfacSdnReader`], [`ftm_json::FtmJsonReader`], [`watchlist_csv::WatchlistCsvReader`]), each an
//! iterator of `Result<Entity, ImportProblem>`.
//!
//! [`query_from_json`] reads one `interdict screen` query line (FollowTheMoney style, see DESIGN.md).
//!
//! ```
//! use interdict_lists::{read_list_bytes, ListFormat};
//! use interdict_model::{NameKind, Schema};
//!
//! let csv = "id,schema,name,aliases,birth_date,nationality\n\
//!            WL-1,Person,Abu Karim al-Fictiti,Karim Fictiti;Abou Karim,circa 1980,sy\n\
//!            WL-2,Person,Broken Row,,1980-13-45,sy\n";
//! let import = read_list_bytes(csv.as_bytes(), "demo.csv").unwrap();
//! assert_eq!(import.format, ListFormat::WatchlistCsv);
//! assert_eq!(import.dataset, "demo");
//! assert_eq!(import.entities.len(), 2);
//! let first = &import.entities[0];
//! assert_eq!(first.schema, Schema::Person);
//! assert_eq!(first.names.iter().filter(|n| n.kind == NameKind::StrongAlias).count(), 2);
//! // The bad date is reported with its record and field; the record itself still imports.
//! assert_eq!(import.problems.len(), 1);
//! assert_eq!(import.problems[0].field.as_deref(), Some("birth_date"));
//! assert!(import.problems[0].record.contains("WL-2"));
//!
//! let query = interdict_lists::query_from_json(
//!     r#"{"id":"q1","schema":"Person","properties":{"firstName":["Karim"],"lastName":["Fictiti"],"birthDate":["1980"]}}"#,
//! ).unwrap();
//! assert_eq!(query.primary_name(), Some("Karim Fictiti"));
//! ```

pub mod ftm_json;
pub mod ofac_csv;
pub mod ofac_remarks;
pub mod summary;
mod text;
pub mod un_xml;
pub mod watchlist_csv;

use interdict_model::Entity;
use std::fmt;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

pub use ftm_json::{query_from_json, query_with_problems};
pub use summary::ListSummary;

/// The list formats Interdict reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListFormat {
    /// UN Security Council Consolidated List XML.
    UnScXml,
    /// OFAC SDN list in the legacy CSV format (`sdn.csv`, `alt.csv`, `add.csv`, `sdn_comments.csv`).
    OfacSdnCsv,
    /// FollowTheMoney entities as JSON lines (the OpenSanctions export format).
    FollowTheMoneyJson,
    /// Interdict's documented plain CSV for an agency's own watchlist.
    WatchlistCsv,
}

impl ListFormat {
    /// A stable machine name: `un_sc_xml`, `ofac_sdn_csv`, `ftm_json`, `watchlist_csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            ListFormat::UnScXml => "un_sc_xml",
            ListFormat::OfacSdnCsv => "ofac_sdn_csv",
            ListFormat::FollowTheMoneyJson => "ftm_json",
            ListFormat::WatchlistCsv => "watchlist_csv",
        }
    }

    /// A human description of the format.
    pub fn description(self) -> &'static str {
        match self {
            ListFormat::UnScXml => "UN Security Council Consolidated List (XML)",
            ListFormat::OfacSdnCsv => "OFAC SDN list (legacy CSV)",
            ListFormat::FollowTheMoneyJson => "FollowTheMoney entities (JSON lines)",
            ListFormat::WatchlistCsv => "Interdict watchlist CSV",
        }
    }
}

impl fmt::Display for ListFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found while importing: the record it is in, the field when known, and what is wrong.
///
/// A problem either means a field's value could not be used (the record still imports, and the raw value is
/// kept in the entity's properties) or, when the message says so, that the whole record was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImportProblem {
    /// The record, as a reader can find it: `INDIVIDUAL #12 (QDi.100)`, `sdn.csv line 88 (ent_num 306)`.
    pub record: String,
    /// The field (element, column or property) when the problem is in one field.
    pub field: Option<String>,
    pub message: String,
}

impl ImportProblem {
    pub fn new(record: impl Into<String>, field: Option<&str>, message: impl Into<String>) -> Self {
        ImportProblem {
            record: record.into(),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}, field {}: {}", self.record, field, self.message),
            None => write!(f, "{}: {}", self.record, self.message),
        }
    }
}

/// The result of importing one list file.
#[derive(Debug, Clone, PartialEq)]
pub struct ListImport {
    pub format: ListFormat,
    /// The dataset name the entities are filed under (`un_sc`, `us_ofac_sdn`, ...).
    pub dataset: String,
    pub entities: Vec<Entity>,
    pub problems: Vec<ImportProblem>,
}

/// Why a list file could not be imported at all. Problems inside a readable file are [`ImportProblem`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The file could not be read.
    #[error("cannot read list file {}: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The content is none of the formats Interdict reads.
    #[error("{file}: list format not recognised: {reason}")]
    NotRecognised { file: String, reason: String },
    /// A screening query line that cannot be read.
    #[error("query {record}{}: {message}", field.as_ref().map(|f| format!(", field {f}")).unwrap_or_default())]
    InvalidQuery {
        record: String,
        field: Option<String>,
        message: String,
    },
}

/// Reads a list file of any supported format, detected from its content.
///
/// For the OFAC legacy CSV, `path` is `sdn.csv` (or `cons_prim.csv`); the sibling `alt.csv`, `add.csv` and
/// `sdn_comments.csv` in the same directory are read too when present.
///
/// # Errors
/// [`ListError::Unreadable`] when the file (or an OFAC sibling that exists) cannot be read,
/// [`ListError::NotRecognised`] when the content is not a supported format. Problems inside the file are
/// returned in [`ListImport::problems`].
pub fn read_list_file(path: &Path) -> Result<ListImport, ListError> {
    let source = path.display().to_string();
    let unreadable = |error| ListError::Unreadable {
        path: path.to_path_buf(),
        error,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut input = std::io::BufReader::with_capacity(64 * 1024, file);
    let format = detect_format(input.fill_buf().map_err(unreadable)?, &source)?;
    match format {
        // The XML and JSON-lines readers stream from the file, so a large OpenSanctions export is never held
        // in memory as bytes.
        ListFormat::UnScXml => Ok(collect(
            format,
            un_xml::DATASET.to_string(),
            un_xml::UnXmlReader::new(input),
        )),
        ListFormat::FollowTheMoneyJson => Ok(read_ftm(input, &source)),
        ListFormat::OfacSdnCsv | ListFormat::WatchlistCsv => {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(unreadable)?;
            if format == ListFormat::WatchlistCsv {
                return Ok(read_list_bytes_as(&bytes, &source, format));
            }
            let siblings = ofac_csv::OfacSiblings::locate(path);
            let read_opt = |p: &Option<PathBuf>| -> Result<Option<Vec<u8>>, ListError> {
                p.as_deref().map(read_file).transpose()
            };
            let (alt, add, comments) = (
                read_opt(&siblings.alt)?,
                read_opt(&siblings.add)?,
                read_opt(&siblings.comments)?,
            );
            let files = ofac_csv::OfacSdnFiles {
                sdn: &bytes,
                alt: alt.as_deref(),
                add: add.as_deref(),
                comments: comments.as_deref(),
            };
            Ok(ofac_csv::read_ofac_sdn(files, &source))
        }
    }
}

fn read_ftm(input: impl std::io::BufRead, source: &str) -> ListImport {
    let mut reader = ftm_json::FtmJsonReader::new(input, source);
    let mut import = collect_from(ListFormat::FollowTheMoneyJson, String::new(), &mut reader);
    import.dataset = reader.dataset_name(source);
    import
}

fn read_file(path: &Path) -> Result<Vec<u8>, ListError> {
    std::fs::read(path).map_err(|error| ListError::Unreadable {
        path: path.to_path_buf(),
        error,
    })
}

/// Reads a list from memory, detecting the format from the content. `source` names the data in problems and
/// errors (a file name); for the watchlist CSV its file stem is the dataset name. OFAC sibling files are not
/// read: use [`ofac_csv::read_ofac_sdn`] to pass them.
///
/// # Errors
/// [`ListError::NotRecognised`] when the content is not a supported format.
pub fn read_list_bytes(bytes: &[u8], source: &str) -> Result<ListImport, ListError> {
    let format = detect_format(bytes, source)?;
    Ok(read_list_bytes_as(bytes, source, format))
}

/// Reads a list from memory in a known format (no detection). Never fails: everything that cannot be read is
/// an [`ImportProblem`].
pub fn read_list_bytes_as(bytes: &[u8], source: &str, format: ListFormat) -> ListImport {
    match format {
        ListFormat::UnScXml => collect(
            format,
            un_xml::DATASET.to_string(),
            un_xml::UnXmlReader::new(bytes),
        ),
        ListFormat::OfacSdnCsv => ofac_csv::read_ofac_sdn(
            ofac_csv::OfacSdnFiles {
                sdn: bytes,
                alt: None,
                add: None,
                comments: None,
            },
            source,
        ),
        ListFormat::FollowTheMoneyJson => read_ftm(bytes, source),
        ListFormat::WatchlistCsv => collect(
            format,
            dataset_from_source(source),
            watchlist_csv::WatchlistCsvReader::new(bytes, source),
        ),
    }
}

pub(crate) fn collect(
    format: ListFormat,
    dataset: String,
    mut records: impl Iterator<Item = Result<Entity, ImportProblem>>,
) -> ListImport {
    collect_from(format, dataset, &mut records)
}

fn collect_from(
    format: ListFormat,
    dataset: String,
    records: &mut impl Iterator<Item = Result<Entity, ImportProblem>>,
) -> ListImport {
    let mut import = ListImport {
        format,
        dataset,
        entities: Vec::new(),
        problems: Vec::new(),
    };
    for record in records {
        match record {
            Ok(entity) => import.entities.push(entity),
            Err(problem) => import.problems.push(problem),
        }
    }
    import
}

/// The file name without directories and extension: `/data/ftf_profiles.csv` -> `ftf_profiles`.
pub(crate) fn dataset_from_source(source: &str) -> String {
    let name = Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if name.is_empty() {
        "watchlist".to_string()
    } else {
        name.to_string()
    }
}

/// Detects the list format from the content.
///
/// # Errors
/// [`ListError::NotRecognised`] with the reason when no format fits.
pub fn detect_format(bytes: &[u8], source: &str) -> Result<ListFormat, ListError> {
    let not = |reason: &str| ListError::NotRecognised {
        file: source.to_string(),
        reason: reason.to_string(),
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or_else(|| not("the file is empty"))?;
    let body = &body[start..];
    match body[0] {
        b'<' => {
            let head = &body[..body.len().min(8192)];
            if contains(head, b"<CONSOLIDATED_LIST") {
                Ok(ListFormat::UnScXml)
            } else {
                Err(not(
                    "XML without a CONSOLIDATED_LIST root element (only the UN SC consolidated list XML is read)",
                ))
            }
        }
        b'{' => Ok(ListFormat::FollowTheMoneyJson),
        _ => {
            let line_end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
            let line = String::from_utf8_lossy(&body[..line_end]);
            let fields = text::split_csv_line(line.trim_end_matches('\r'));
            let first = fields.first().map(|f| f.trim()).unwrap_or("");
            if !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()) {
                return match fields.len() {
                    12 => Ok(ListFormat::OfacSdnCsv),
                    5 => Err(not(
                        "this looks like OFAC alt.csv; pass sdn.csv (its alt.csv and add.csv are read beside it)",
                    )),
                    6 => Err(not(
                        "this looks like OFAC add.csv; pass sdn.csv (its alt.csv and add.csv are read beside it)",
                    )),
                    n => Err(not(&format!(
                        "a numeric first column like OFAC's sdn.csv, but {n} columns instead of 12"
                    ))),
                };
            }
            let header: Vec<String> = fields
                .iter()
                .map(|f| watchlist_csv::column_key(f))
                .collect();
            if header.iter().any(|h| h == "id") && header.iter().any(|h| h == "name") {
                Ok(ListFormat::WatchlistCsv)
            } else {
                Err(not(
                    "expected UN XML, OFAC sdn.csv, FollowTheMoney JSON lines, or a watchlist CSV whose header has `id` and `name` columns",
                ))
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_from_content() {
        let table: &[(&str, Option<ListFormat>)] = &[
            (
                "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"x\">",
                Some(ListFormat::UnScXml),
            ),
            ("\u{feff}  <CONSOLIDATED_LIST>", Some(ListFormat::UnScXml)),
            ("<html></html>", None),
            (
                "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
                Some(ListFormat::OfacSdnCsv),
            ),
            ("36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n", None),
            (
                "{\"id\":\"x\",\"schema\":\"Person\"}\n",
                Some(ListFormat::FollowTheMoneyJson),
            ),
            ("ID,Name,Aliases\nA,B,C\n", Some(ListFormat::WatchlistCsv)),
            ("id;name\n", None),
            ("", None),
            ("   \n", None),
            ("hello world", None),
        ];
        for (input, want) in table {
            let got = detect_format(input.as_bytes(), "t").ok();
            assert_eq!(&got, want, "{input:?}");
        }
    }

    #[test]
    fn problems_display_record_and_field() {
        let p = ImportProblem::new(
            "INDIVIDUAL #12 (QDi.100)",
            Some("NATIONALITY"),
            "unknown country \"Atlantis\"",
        );
        assert_eq!(
            p.to_string(),
            "INDIVIDUAL #12 (QDi.100), field NATIONALITY: unknown country \"Atlantis\""
        );
    }

    #[test]
    fn dataset_names_come_from_the_file_stem() {
        assert_eq!(dataset_from_source("/x/ftf_profiles.csv"), "ftf_profiles");
        assert_eq!(dataset_from_source(""), "watchlist");
    }

    #[test]
    fn unreadable_file_is_an_error_naming_it() {
        let err = read_list_file(Path::new("/nonexistent/list.xml")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/list.xml"), "{err}");
    }

    mod properties {
        use super::super::*;
        use interdict_model::{DateOfBirth, NameKind, PartialDate};
        use proptest::prelude::*;

        const FORMATS: [ListFormat; 4] = [
            ListFormat::UnScXml,
            ListFormat::OfacSdnCsv,
            ListFormat::FollowTheMoneyJson,
            ListFormat::WatchlistCsv,
        ];

        const UN_RECORDS: &str = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>KARIM</FIRST_NAME>\
            <SECOND_NAME>FICTITI</SECOND_NAME><REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER><INDIVIDUAL_ALIAS>\
            <QUALITY>Good</QUALITY><ALIAS_NAME>Abu Karim</ALIAS_NAME></INDIVIDUAL_ALIAS><INDIVIDUAL_DATE_OF_BIRTH>\
            <TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1970</FROM_YEAR><TO_YEAR>1972</TO_YEAR>\
            </INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL><INDIVIDUAL><FIRST_NAME>SALIM</FIRST_NAME>\
            <REFERENCE_NUMBER>QDi.902</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any bytes, in any format: no panic, and every problem names its record.
            #[test]
            fn any_bytes_import_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), f in 0usize..4) {
                let import = read_list_bytes_as(&bytes, "p", FORMATS[f]);
                for p in &import.problems {
                    prop_assert!(!p.record.is_empty());
                }
            }

            /// UN XML with a byte range cut out: no panic, never more entities than records, and a complete
            /// record before the cut is still imported.
            #[test]
            fn cut_un_xml_keeps_what_is_intact(start in 0usize..600, len in 1usize..80) {
                let bytes = UN_RECORDS.as_bytes();
                let start = start.min(bytes.len());
                let end = (start + len).min(bytes.len());
                let mut cut = bytes[..start].to_vec();
                cut.extend_from_slice(&bytes[end..]);
                let import = read_list_bytes_as(&cut, "un.xml", ListFormat::UnScXml);
                prop_assert!(import.entities.len() <= 2);
                if start > UN_RECORDS.find("<INDIVIDUAL><FIRST_NAME>SALIM").unwrap() {
                    prop_assert!(import.entities.iter().any(|e| e.id == "QDi.901"));
                }
            }

            /// A watchlist row written from values reads back to the same values.
            #[test]
            fn watchlist_rows_read_back(
                name in "[A-Z][a-z]{1,8} (al-)?[A-Z][a-z]{2,10}",
                aliases in proptest::collection::vec("[A-Z][a-z]{1,8} [A-Z][a-z]{2,10}", 0..4),
                year in 1900i32..2020,
                month in 1u8..13,
                form in 0usize..4,
            ) {
                let date = PartialDate { year, month: Some(month), day: None };
                let (text, want) = match form {
                    0 => (date.to_string(), DateOfBirth::Exact(date)),
                    1 => (format!("circa {date}"), DateOfBirth::Approximately(date)),
                    2 => (format!("{year}..{}", year + 2), DateOfBirth::Between(PartialDate::year(year), PartialDate::year(year + 2))),
                    _ => (year.to_string(), DateOfBirth::Exact(PartialDate::year(year))),
                };
                let csv = format!("id,name,aliases,birth_date\nX-1,{name},{},{text}\n", aliases.join(";"));
                let import = read_list_bytes(csv.as_bytes(), "w.csv").unwrap();
                prop_assert!(import.problems.is_empty(), "{:?}", import.problems);
                let e = &import.entities[0];
                prop_assert_eq!(e.primary_name(), Some(name.as_str()));
                let got: Vec<&str> = e.names.iter().filter(|n| n.kind == NameKind::StrongAlias).map(|n| n.text.as_str()).collect();
                prop_assert_eq!(got, aliases.iter().map(String::as_str).collect::<Vec<_>>());
                prop_assert_eq!(&e.birth_dates, &vec![want]);
            }
        }
    }

    #[test]
    fn import_types_are_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ListImport>();
        assert_send_sync::<ListError>();
    }
}
