//! Counts over an imported list, as `interdict lists inspect` prints them: entities by schema and by programme,
//! names by kind, dates of birth by kind, documents by kind, and the problems found.

use crate::{ImportProblem, ListImport};
use interdict_model::{DateOfBirth, DocumentKind, NameKind};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt;

/// What an import contains, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    pub format: crate::ListFormat,
    pub dataset: String,
    pub entities: usize,
    pub by_schema: BTreeMap<String, usize>,
    /// Entities per programme (an entity on two programmes counts in both; `(none)` for no programme).
    pub by_programme: BTreeMap<String, usize>,
    pub names: BTreeMap<String, usize>,
    pub birth_dates: BTreeMap<String, usize>,
    pub documents: BTreeMap<String, usize>,
    pub nationalities: usize,
    pub birth_places: usize,
    pub addresses: usize,
    pub problems: Vec<ImportProblem>,
}

fn name_kind(kind: NameKind) -> &'static str {
    match kind {
        NameKind::Primary => "primary",
        NameKind::StrongAlias => "strong_alias",
        NameKind::WeakAlias => "weak_alias",
        NameKind::FormerName => "former_name",
        NameKind::OriginalScript => "original_script",
    }
}

impl ListSummary {
    pub fn of(import: &ListImport) -> ListSummary {
        let mut s = ListSummary {
            format: import.format,
            dataset: import.dataset.clone(),
            entities: import.entities.len(),
            by_schema: BTreeMap::new(),
            by_programme: BTreeMap::new(),
            names: BTreeMap::new(),
            birth_dates: BTreeMap::new(),
            documents: BTreeMap::new(),
            nationalities: 0,
            birth_places: 0,
            addresses: 0,
            problems: import.problems.clone(),
        };
        for e in &import.entities {
            *s.by_schema
                .entry(e.schema.as_str().to_string())
                .or_default() += 1;
            let mut programmes: Vec<&str> = e
                .memberships
                .iter()
                .map(|m| m.programme.as_deref().unwrap_or("(none)"))
                .collect();
            programmes.sort_unstable();
            programmes.dedup();
            if programmes.is_empty() {
                programmes.push("(none)");
            }
            for p in programmes {
                *s.by_programme.entry(p.to_string()).or_default() += 1;
            }
            for n in &e.names {
                *s.names.entry(name_kind(n.kind).to_string()).or_default() += 1;
            }
            for d in &e.birth_dates {
                let kind = match d {
                    DateOfBirth::Exact(_) => "exact",
                    DateOfBirth::Approximately(_) => "approximately",
                    DateOfBirth::Between(..) => "between",
                };
                *s.birth_dates.entry(kind.to_string()).or_default() += 1;
            }
            for d in &e.documents {
                let kind = match &d.kind {
                    DocumentKind::Passport => "passport".to_string(),
                    DocumentKind::NationalId => "national_id".to_string(),
                    DocumentKind::Other(t) => t.clone(),
                };
                *s.documents.entry(kind).or_default() += 1;
            }
            s.nationalities += e.nationalities.len();
            s.birth_places += e.birth_places.len();
            s.addresses += e.addresses.len();
        }
        s
    }

    /// The summary as JSON (the `--format json` output of `interdict lists inspect`).
    pub fn to_json(&self) -> Value {
        let problems: Vec<Value> = self
            .problems
            .iter()
            .map(|p| json!({"record": p.record, "field": p.field, "message": p.message}))
            .collect();
        json!({
            "format": self.format.as_str(),
            "dataset": self.dataset,
            "entities": self.entities,
            "by_schema": self.by_schema,
            "by_programme": self.by_programme,
            "names": self.names,
            "birth_dates": self.birth_dates,
            "documents": self.documents,
            "nationalities": self.nationalities,
            "birth_places": self.birth_places,
            "addresses": self.addresses,
            "problem_count": self.problems.len(),
            "problems": problems,
        })
    }

    /// Writes the human-readable summary, listing at most `max_problems` problems.
    pub fn write_text(&self, out: &mut impl fmt::Write, max_problems: usize) -> fmt::Result {
        let total = |m: &BTreeMap<String, usize>| m.values().sum::<usize>();
        let parts = |m: &BTreeMap<String, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "format:        {} ({})",
            self.format.as_str(),
            self.format.description()
        )?;
        writeln!(out, "dataset:       {}", self.dataset)?;
        writeln!(
            out,
            "entities:      {} ({})",
            self.entities,
            parts(&self.by_schema)
        )?;
        writeln!(
            out,
            "names:         {} ({})",
            total(&self.names),
            parts(&self.names)
        )?;
        writeln!(
            out,
            "birth dates:   {} ({})",
            total(&self.birth_dates),
            parts(&self.birth_dates)
        )?;
        writeln!(
            out,
            "documents:     {} ({})",
            total(&self.documents),
            parts(&self.documents)
        )?;
        writeln!(out, "nationalities: {}", self.nationalities)?;
        writeln!(out, "birth places:  {}", self.birth_places)?;
        writeln!(out, "addresses:     {}", self.addresses)?;
        writeln!(out, "programmes:")?;
        for (p, n) in &self.by_programme {
            writeln!(out, "  {n:>7}  {p}")?;
        }
        writeln!(out, "problems:      {}", self.problems.len())?;
        for p in self.problems.iter().take(max_problems) {
            writeln!(out, "  {p}")?;
        }
        if self.problems.len() > max_problems {
            writeln!(
                out,
                "  ... and {} more (use --format json for all)",
                self.problems.len() - max_problems
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for ListSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f, usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let csv = "id,schema,name,aliases,birth_date,passport_number,programme\n\
                   A,Person,Karim Fictiti,Abu Karim,1980;circa 1981,N1,FTF\n\
                   B,Organization,Fiction Front,,,,\n\
                   C,Person,Bad,,1980-13,,FTF\n";
        let import = crate::read_list_bytes(csv.as_bytes(), "w.csv").unwrap();
        let s = ListSummary::of(&import);
        assert_eq!(s.entities, 3);
        assert_eq!(s.by_schema["Person"], 2);
        assert_eq!(s.by_programme["FTF"], 2);
        assert_eq!(s.by_programme["(none)"], 1);
        assert_eq!(s.names["strong_alias"], 1);
        assert_eq!(s.birth_dates["approximately"], 1);
        assert_eq!(s.documents["passport"], 1);
        let json = s.to_json();
        assert_eq!(json["problem_count"], 1);
        assert_eq!(json["problems"][0]["field"], "birth_date");
        let text = s.to_string();
        assert!(
            text.contains("entities:      3 (Organization 1, Person 2)"),
            "{text}"
        );
        assert!(
            text.contains("w.csv line 4 (C), field birth_date"),
            "{text}"
        );
    }
}
