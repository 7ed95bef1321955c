//! Hash banks: named collections of signals (PDQ, MD5, SHA-256, ...) with metadata per signal, CSV import and
//! export in the ThreatExchange / Hasher-Matcher-Actioner style, and matching that returns the bank, labels and
//! distance.
//!
//! # CSV
//! Export writes the header `bank,content_id,signal_type,signal,labels,organisation,added,handling` (labels
//! separated by spaces, e.g. GIFCT taxonomy tags such as `type:video behaviour:glorification`). Import is
//! header-driven and lenient about names: `signal`, `signal_value`, `hash` or `pdq` (the last implies type `pdq`);
//! `signal_type` or `type`; `labels`, `tags` or `label`; `organisation`, `organization`, `org` or `contributor`;
//! `added`, `date_added` or `created`; `handling`, `tlp`. A file without a header row in the ThreatExchange
//! file-exchange form (`pdq <hex>` per line) is accepted too. Every bad record is reported with its line and
//! field; the good ones are kept.

use crate::error::PhashError;
use crate::hash256::PdqHash;
use crate::index::HashIndex;
use std::collections::HashMap;
use std::path::Path;

/// The kind of a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalType {
    /// PDQ image hash (64 hex digits), matched by Hamming distance.
    Pdq,
    /// MD5 of the file (32 hex digits), exact.
    Md5,
    /// SHA-256 of the file (64 hex digits), exact.
    Sha256,
    /// MD5 of a video file, exact (ThreatExchange's `video_md5`).
    VideoMd5,
}

impl SignalType {
    /// The name used in CSV files (ThreatExchange's where it has one).
    pub fn name(self) -> &'static str {
        match self {
            SignalType::Pdq => "pdq",
            SignalType::Md5 => "md5",
            SignalType::Sha256 => "sha256",
            SignalType::VideoMd5 => "video_md5",
        }
    }

    /// Parses a name, case-insensitively (`pdq`, `md5`, `photo_md5`, `sha256`, `sha-256`, `video_md5`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdq" | "hash_pdq" => Some(SignalType::Pdq),
            "md5" | "photo_md5" | "hash_md5" => Some(SignalType::Md5),
            "sha256" | "sha-256" | "hash_sha256" => Some(SignalType::Sha256),
            "video_md5" => Some(SignalType::VideoMd5),
            _ => None,
        }
    }

    /// Checks and normalises (trimmed, lower-case hex) a signal value of this type.
    ///
    /// # Errors
    /// A message saying how many hex digits the type needs.
    pub fn normalise(self, value: &str) -> Result<String, String> {
        let v = value.trim().to_ascii_lowercase();
        let want = match self {
            SignalType::Pdq | SignalType::Sha256 => 64,
            SignalType::Md5 | SignalType::VideoMd5 => 32,
        };
        if v.len() != want || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("expected {want} hex digits for {}", self.name()));
        }
        Ok(v)
    }
}

/// One signal in a bank, with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankEntry {
    /// The contributor's id for the content (may be empty).
    pub content_id: String,
    /// Signal type.
    pub signal_type: SignalType,
    /// Lower-case hex signal.
    pub signal: String,
    /// Labels, e.g. GIFCT taxonomy tags.
    pub labels: Vec<String>,
    /// Contributing organisation.
    pub organisation: String,
    /// Date added (ISO 8601 text, as given).
    pub added: String,
    /// Handling code (e.g. `TLP:AMBER`).
    pub handling: String,
}

/// A problem with one record of an imported file (the rest of the file is still imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// 1-based line number.
    pub line: u64,
    /// The field.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

/// A match of a query against the banks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankMatch<'a> {
    /// The bank's name.
    pub bank: &'a str,
    /// The matched entry.
    pub entry: &'a BankEntry,
    /// Hamming distance (0 for exact signal types).
    pub distance: u32,
}

/// Named banks of signals. Build by [`HashBanks::add`] or [`HashBanks::import_csv`]; [`HashBanks::matcher`]
/// compiles an immutable [`BankMatcher`] for lookups.
#[derive(Debug, Clone, Default)]
pub struct HashBanks {
    banks: Vec<(String, Vec<BankEntry>)>,
}

impl HashBanks {
    /// No banks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entry to the named bank (created on first use).
    pub fn add(&mut self, bank: &str, entry: BankEntry) {
        match self.banks.iter_mut().find(|(name, _)| name == bank) {
            Some((_, entries)) => entries.push(entry),
            None => self.banks.push((bank.to_string(), vec![entry])),
        }
    }

    /// Removes entries of a bank with this signal; returns how many.
    pub fn remove(&mut self, bank: &str, signal: &str) -> usize {
        let signal = signal.trim().to_ascii_lowercase();
        let mut n = 0;
        if let Some((_, entries)) = self.banks.iter_mut().find(|(name, _)| name == bank) {
            let before = entries.len();
            entries.retain(|e| e.signal != signal);
            n = before - entries.len();
        }
        n
    }

    /// The banks as `(name, entries)`.
    pub fn banks(&self) -> impl Iterator<Item = (&str, &[BankEntry])> {
        self.banks.iter().map(|(n, e)| (n.as_str(), e.as_slice()))
    }

    /// Total number of entries.
    pub fn len(&self) -> usize {
        self.banks.iter().map(|(_, e)| e.len()).sum()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Imports CSV text into `default_bank` (or the bank named by a `bank` column). Returns the problems found;
    /// good records are added regardless.
    pub fn import_csv(&mut self, text: &str, default_bank: &str) -> Vec<ImportProblem> {
        let mut problems = Vec::new();
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if !first.contains(',') {
            // ThreatExchange file exchange: "<signal_type> <signal>" per line.
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (t, v) = line
                    .split_once(char::is_whitespace)
                    .unwrap_or(("pdq", line));
                let problem = |field: &str, reason: String| ImportProblem {
                    line: i as u64 + 1,
                    field: field.into(),
                    reason,
                };
                match SignalType::parse(t) {
                    None => {
                        problems.push(problem("signal_type", format!("unknown signal type {t:?}")))
                    }
                    Some(st) => match st.normalise(v) {
                        Ok(signal) => self.add(default_bank, BankEntry::new(st, signal)),
                        Err(reason) => problems.push(problem("signal", reason)),
                    },
                }
            }
            return problems;
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
            Err(e) => {
                problems.push(ImportProblem {
                    line: 1,
                    field: "header".into(),
                    reason: e.to_string(),
                });
                return problems;
            }
        };
        let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
        let c_signal = col(&["signal", "signal_value", "hash", "pdq", "value"]);
        let pdq_column = header.iter().any(|h| h == "pdq");
        let c_type = col(&["signal_type", "type"]);
        let c_bank = col(&["bank", "bank_name"]);
        let c_content = col(&["content_id", "id", "content"]);
        let c_labels = col(&["labels", "tags", "label"]);
        let c_org = col(&["organisation", "organization", "org", "contributor"]);
        let c_added = col(&["added", "date_added", "created"]);
        let c_handling = col(&["handling", "tlp", "handling_code"]);
        let Some(c_signal) = c_signal else {
            problems.push(ImportProblem {
                line: 1,
                field: "header".into(),
                reason: "no signal column (signal, hash or pdq)".into(),
            });
            return problems;
        };
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push(ImportProblem {
                        line,
                        field: "record".into(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
            let type_text = get(c_type);
            let signal_type = if type_text.is_empty() && (pdq_column || c_type.is_none()) {
                Some(SignalType::Pdq)
            } else {
                SignalType::parse(&type_text)
            };
            let Some(signal_type) = signal_type else {
                problems.push(ImportProblem {
                    line,
                    field: "signal_type".into(),
                    reason: format!("unknown signal type {type_text:?}"),
                });
                continue;
            };
            let signal = match signal_type.normalise(&get(Some(c_signal))) {
                Ok(s) => s,
                Err(reason) => {
                    problems.push(ImportProblem {
                        line,
                        field: header[c_signal].clone(),
                        reason,
                    });
                    continue;
                }
            };
            let bank = get(c_bank);
            let entry = BankEntry {
                content_id: get(c_content),
                signal_type,
                signal,
                labels: get(c_labels)
                    .split([' ', ';', '|'])
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                organisation: get(c_org),
                added: get(c_added),
                handling: get(c_handling),
            };
            self.add(if bank.is_empty() { default_bank } else { &bank }, entry);
        }
        problems
    }

    /// Reads a CSV file into `default_bank`; see [`HashBanks::import_csv`].
    ///
    /// # Errors
    /// [`PhashError::Io`] naming the file when it cannot be read.
    pub fn import_csv_file(
        &mut self,
        path: &Path,
        default_bank: &str,
    ) -> Result<Vec<ImportProblem>, PhashError> {
        let text = std::fs::read_to_string(path).map_err(|cause| PhashError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        Ok(self.import_csv(&text, default_bank))
    }

    /// Writes every bank as CSV (header first, banks and entries in insertion order).
    pub fn export_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "bank",
            "content_id",
            "signal_type",
            "signal",
            "labels",
            "organisation",
            "added",
            "handling",
        ]);
        for (bank, entries) in &self.banks {
            for e in entries {
                let labels = e.labels.join(" ");
                let _ = w.write_record([
                    bank.as_str(),
                    &e.content_id,
                    e.signal_type.name(),
                    &e.signal,
                    &labels,
                    &e.organisation,
                    &e.added,
                    &e.handling,
                ]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// Compiles the banks for matching: a Hamming index over the PDQ signals and exact maps for the others.
    pub fn matcher(&self) -> BankMatcher<'_> {
        let mut pdq_refs = Vec::new();
        let mut pdq_entries = Vec::new();
        let mut exact: HashMap<(SignalType, String), Vec<(usize, usize)>> = HashMap::new();
        for (b, (_, entries)) in self.banks.iter().enumerate() {
            for (e, entry) in entries.iter().enumerate() {
                if entry.signal_type == SignalType::Pdq {
                    if let Ok(h) = PdqHash::from_hex(&entry.signal) {
                        pdq_refs.push((b, e));
                        pdq_entries.push((String::new(), h));
                    }
                } else {
                    exact
                        .entry((entry.signal_type, entry.signal.clone()))
                        .or_default()
                        .push((b, e));
                }
            }
        }
        BankMatcher {
            banks: self,
            pdq_index: HashIndex::from_entries(pdq_entries),
            pdq_refs,
            exact,
        }
    }
}

impl BankEntry {
    /// An entry with only a signal (no metadata).
    pub fn new(signal_type: SignalType, signal: String) -> Self {
        BankEntry {
            content_id: String::new(),
            signal_type,
            signal,
            labels: Vec::new(),
            organisation: String::new(),
            added: String::new(),
            handling: String::new(),
        }
    }
}

/// Immutable lookup structure over [`HashBanks`].
#[derive(Debug)]
pub struct BankMatcher<'a> {
    banks: &'a HashBanks,
    pdq_index: HashIndex,
    pdq_refs: Vec<(usize, usize)>,
    exact: HashMap<(SignalType, String), Vec<(usize, usize)>>,
}

impl<'a> BankMatcher<'a> {
    fn resolve(&self, (b, e): (usize, usize), distance: u32) -> BankMatch<'a> {
        let (name, entries) = &self.banks.banks[b];
        BankMatch {
            bank: name,
            entry: &entries[e],
            distance,
        }
    }

    /// PDQ entries within `radius` of `hash`, nearest first.
    ///
    /// # Errors
    /// [`PhashError::Radius`] for a radius above 255.
    pub fn match_pdq(&self, hash: &PdqHash, radius: u32) -> Result<Vec<BankMatch<'a>>, PhashError> {
        Ok(self
            .pdq_index
            .search(hash, radius)?
            .into_iter()
            .map(|m| self.resolve(self.pdq_refs[m.entry as usize], m.distance))
            .collect())
    }

    /// Entries whose exact signal (MD5, SHA-256, video MD5) equals `signal`.
    pub fn match_exact(&self, signal_type: SignalType, signal: &str) -> Vec<BankMatch<'a>> {
        let signal = signal.trim().to_ascii_lowercase();
        self.exact
            .get(&(signal_type, signal))
            .map(|refs| refs.iter().map(|&r| self.resolve(r, 0)).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDQ_A: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    #[test]
    fn import_table() {
        let cases: &[(&str, usize, usize)] = &[
            (
                "signal_type,signal\npdq,F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22\n",
                1,
                0,
            ),
            (
                "pdq,labels\nf8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,type:image\n",
                1,
                0,
            ),
            (
                "signal_type,signal\nmd5,d41d8cd98f00b204e9800998ecf8427e\nmd5,xyz\nfoo,abc\n",
                1,
                2,
            ),
            (
                "pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\nmd5 nothex\n",
                1,
                1,
            ),
            ("id,value\n1,2\n", 0, 1),
            ("name,other\na,b\n", 0, 1),
            ("", 0, 0),
        ];
        for (text, ok, bad) in cases {
            let mut banks = HashBanks::new();
            let problems = banks.import_csv(text, "default");
            assert_eq!(
                (banks.len(), problems.len()),
                (*ok, *bad),
                "{text:?}: {problems:?}"
            );
        }
    }

    #[test]
    fn problems_name_line_and_field() {
        let mut banks = HashBanks::new();
        let p = banks.import_csv("signal_type,signal\npdq,abc\n", "b");
        assert_eq!(
            p,
            vec![ImportProblem {
                line: 2,
                field: "signal".into(),
                reason: "expected 64 hex digits for pdq".into()
            }]
        );
    }

    #[test]
    fn export_import_round_trip_and_match() {
        let mut banks = HashBanks::new();
        banks.add(
            "gifct-sample",
            BankEntry {
                content_id: "c-1".into(),
                signal_type: SignalType::Pdq,
                signal: PDQ_A.into(),
                labels: vec!["type:image".into(), "behaviour:glorification".into()],
                organisation: "Example Platform".into(),
                added: "2026-11-01".into(),
                handling: "TLP:AMBER".into(),
            },
        );
        banks.add(
            "files",
            BankEntry::new(SignalType::Md5, "d41d8cd98f00b204e9800998ecf8427e".into()),
        );
        let text = banks.export_csv();
        let mut again = HashBanks::new();
        assert!(again.import_csv(&text, "unused").is_empty());
        assert_eq!(again.export_csv(), text);

        let matcher = again.matcher();
        let mut near = PdqHash::from_hex(PDQ_A).unwrap();
        near.limbs[0] ^= 0b111;
        let m = matcher.match_pdq(&near, 31).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].bank, m[0].distance, m[0].entry.labels.len()),
            ("gifct-sample", 3, 2)
        );
        assert_eq!(
            matcher.match_exact(SignalType::Md5, "D41D8CD98F00B204E9800998ECF8427E")[0].bank,
            "files"
        );
        assert!(matcher.match_exact(SignalType::Sha256, "00").is_empty());
        assert_eq!(again.remove("files", "d41d8cd98f00b204e9800998ecf8427e"), 1);
    }
}
