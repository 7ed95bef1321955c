//! Evidence beyond the name: dates of birth, nationalities and countries, gender, identity documents. Each piece
//! says what it compared and what it did to the score.

use interdict_model::{
    Country, DateOfBirth, Entity, Gender, PartialDate, normalize_document_number,
};
use serde::Serialize;
use smallvec::SmallVec;

/// What kind of evidence a piece is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    BirthDate,
    Nationality,
    Gender,
    Document,
}

/// One piece of evidence and its effect on the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// `agrees`, `contradicts` or `decisive`.
    pub outcome: &'static str,
    /// The amount added to (or, negative, taken from) the name score; for a decisive document match, the score
    /// is raised to [`DOCUMENT_MATCH_SCORE`] instead.
    pub effect: f64,
    pub query: String,
    pub candidate: String,
}

/// Tuning of the evidence, kept in one place.
pub(crate) const DOB_AGREE_PER_PART: f64 = 0.02;
pub(crate) const DOB_NEAR_MISS: f64 = -0.08;
pub(crate) const DOB_CONTRADICTION: f64 = -0.2;
pub(crate) const COUNTRY_AGREE: f64 = 0.03;
pub(crate) const COUNTRY_DISAGREE: f64 = -0.05;
pub(crate) const GENDER_CONTRADICTION: f64 = -0.15;
/// The score a matching identity document number (five or more characters) guarantees.
pub const DOCUMENT_MATCH_SCORE: f64 = 0.97;

/// One comparison outcome, kept as plain values while candidates are ranked; turned into an [`Evidence`] with
/// readable text only for the results returned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Finding {
    BirthDate {
        effect: f64,
        query: DateOfBirth,
        candidate: DateOfBirth,
    },
    Countries {
        shared: Option<Country>,
    },
    Gender {
        query: Gender,
        candidate: Gender,
    },
    Document {
        query: usize,
        candidate: usize,
    },
}

impl Finding {
    pub(crate) fn effect(&self) -> f64 {
        match self {
            Finding::BirthDate { effect, .. } => *effect,
            Finding::Countries { shared: Some(_) } => COUNTRY_AGREE,
            Finding::Countries { shared: None } => COUNTRY_DISAGREE,
            Finding::Gender { .. } => GENDER_CONTRADICTION,
            Finding::Document { .. } => 0.0,
        }
    }

    pub(crate) fn is_decisive(&self) -> bool {
        matches!(self, Finding::Document { .. })
    }

    /// The readable form, naming the values compared.
    pub(crate) fn to_evidence(self, query: &Entity, candidate: &Entity) -> Evidence {
        let codes = |e: &Entity| {
            e.nationalities
                .iter()
                .chain(&e.countries)
                .map(|c| c.code())
                .collect::<Vec<_>>()
                .join(",")
        };
        let effect = self.effect();
        match self {
            Finding::BirthDate {
                effect,
                query,
                candidate,
            } => Evidence {
                kind: EvidenceKind::BirthDate,
                outcome: if effect > 0.0 {
                    "agrees"
                } else {
                    "contradicts"
                },
                effect,
                query: query.to_string(),
                candidate: candidate.to_string(),
            },
            Finding::Countries { shared } => Evidence {
                kind: EvidenceKind::Nationality,
                outcome: if shared.is_some() {
                    "agrees"
                } else {
                    "contradicts"
                },
                effect,
                query: shared
                    .map(|c| c.code().to_string())
                    .unwrap_or_else(|| codes(query)),
                candidate: codes(candidate),
            },
            Finding::Gender { query, candidate } => Evidence {
                kind: EvidenceKind::Gender,
                outcome: "contradicts",
                effect,
                query: format!("{query:?}").to_lowercase(),
                candidate: format!("{candidate:?}").to_lowercase(),
            },
            Finding::Document {
                query: q,
                candidate: c,
            } => Evidence {
                kind: EvidenceKind::Document,
                outcome: "decisive",
                effect,
                query: query.documents[q].number.clone(),
                candidate: candidate.documents[c].number.clone(),
            },
        }
    }
}

/// The most the evidence can add for this query: date-of-birth agreement needs a query date of birth, country
/// agreement a query country.
pub(crate) fn max_bonus(query: &Entity) -> f64 {
    let dob = if query.birth_dates.is_empty() {
        0.0
    } else {
        3.0 * DOB_AGREE_PER_PART
    };
    dob + max_country_effect(query)
}

/// The most country evidence can add for this query: agreement needs a query country.
fn max_country_effect(query: &Entity) -> f64 {
    if query.nationalities.is_empty() && query.countries.is_empty() {
        0.0
    } else {
        COUNTRY_AGREE
    }
}

/// The years an entity's dates of birth span together (the union of their year ranges), four bytes per entity:
/// searching checks it before reading a candidate entity, which is a cache miss in a large list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BirthYears {
    first: i16,
    last: i16,
}

impl BirthYears {
    /// The span of `entity`'s dates of birth; none (first after last) without dates or with years beyond `i16`.
    pub fn of(entity: &Entity) -> Self {
        let none = BirthYears::default();
        let ranges = entity.birth_dates.iter().map(DateOfBirth::year_range);
        let (Some(first), Some(last)) = (
            ranges.clone().map(|(lo, _)| lo).min(),
            ranges.map(|(_, hi)| hi).max(),
        ) else {
            return none;
        };
        match (i16::try_from(first), i16::try_from(last)) {
            (Ok(first), Ok(last)) => BirthYears { first, last },
            _ => none,
        }
    }

    /// Whether every date of birth of the query (`query`: its year ranges) is at least two years from every one
    /// of the entity's, so that comparing them finds a contradiction ([`DOB_CONTRADICTION`]) whatever the
    /// months and days.
    pub fn contradicted_by(self, query: &QueryBirthYears) -> bool {
        let (first, last) = (i32::from(self.first), i32::from(self.last));
        first <= last
            && !query.0.is_empty()
            && query
                .0
                .iter()
                .all(|&(lo, hi)| hi + 2 <= first || last + 2 <= lo)
    }
}

impl Default for BirthYears {
    /// No dates of birth.
    fn default() -> Self {
        BirthYears {
            first: i16::MAX,
            last: i16::MIN,
        }
    }
}

/// The year ranges of a query's dates of birth, worked out once per query for the many
/// [`BirthYears::contradicted_by`] checks.
pub(crate) struct QueryBirthYears(SmallVec<[(i32, i32); 2]>);

impl QueryBirthYears {
    pub fn of(query: &Entity) -> Self {
        QueryBirthYears(
            query
                .birth_dates
                .iter()
                .map(DateOfBirth::year_range)
                .collect(),
        )
    }
}

/// The most the evidence can add for this query against a candidate whose dates of birth contradict the query's
/// ([`BirthYears::contradicted_by`]) and that holds none of its documents: the contradiction, and a shared
/// country if the query has one.
pub(crate) fn max_effect_with_contradicted_birth_date(query: &Entity) -> f64 {
    DOB_CONTRADICTION + max_country_effect(query)
}

/// Compares the query's evidence with the candidate's.
pub(crate) fn compare_evidence(query: &Entity, candidate: &Entity) -> SmallVec<[Finding; 4]> {
    let mut out = SmallVec::new();
    if let Some(f) = birth_date(query, candidate) {
        out.push(f);
    }
    if let Some(f) = countries(query, candidate) {
        out.push(f);
    }
    if let (Some(q), Some(c)) = (query.gender, candidate.gender)
        && q != c
        && q != Gender::Other
        && c != Gender::Other
    {
        out.push(Finding::Gender {
            query: q,
            candidate: c,
        });
    }
    if let Some(f) = document(query, candidate) {
        out.push(f);
    }
    out
}

fn birth_date(query: &Entity, candidate: &Entity) -> Option<Finding> {
    if query.birth_dates.is_empty() || candidate.birth_dates.is_empty() {
        return None;
    }
    // Best agreement over all pairs; if none agrees, the nearest miss.
    let mut best_agree: Option<(u8, DateOfBirth, DateOfBirth)> = None;
    let mut nearest_gap: Option<(i32, DateOfBirth, DateOfBirth)> = None;
    for q in &query.birth_dates {
        for c in &candidate.birth_dates {
            match dob_agreement(q, c) {
                Ok(precision) => {
                    if best_agree.is_none_or(|(p, _, _)| precision > p) {
                        best_agree = Some((precision, *q, *c));
                    }
                }
                Err(gap) => {
                    if nearest_gap.is_none_or(|(g, _, _)| gap < g) {
                        nearest_gap = Some((gap, *q, *c));
                    }
                }
            }
        }
    }
    if let Some((precision, query, candidate)) = best_agree {
        return Some(Finding::BirthDate {
            effect: DOB_AGREE_PER_PART * f64::from(precision),
            query,
            candidate,
        });
    }
    let (gap, query, candidate) = nearest_gap?;
    let effect = if gap <= 1 {
        DOB_NEAR_MISS
    } else {
        DOB_CONTRADICTION
    };
    Some(Finding::BirthDate {
        effect,
        query,
        candidate,
    })
}

/// `Ok(precision)` when the two dates can be the same (precision = parts agreed: 1 year, 2 month, 3 day; an
/// approximate or range date agrees with precision 1 at most), `Err(gap)` with the distance in years otherwise
/// (0 when the year agrees but the month or day does not).
fn dob_agreement(q: &DateOfBirth, c: &DateOfBirth) -> Result<u8, i32> {
    let (q_lo, q_hi) = q.year_range();
    let (c_lo, c_hi) = c.year_range();
    if q_hi < c_lo || c_hi < q_lo {
        let gap = if q_hi < c_lo {
            c_lo - q_hi
        } else {
            q_lo - c_hi
        };
        return Err(gap);
    }
    match (q, c) {
        (DateOfBirth::Exact(a), DateOfBirth::Exact(b)) => {
            if a.compatible(b) {
                Ok(shared_precision(a, b))
            } else if a.year == b.year {
                Err(0)
            } else {
                Err((a.year - b.year).abs())
            }
        }
        _ => Ok(1),
    }
}

fn shared_precision(a: &PartialDate, b: &PartialDate) -> u8 {
    a.precision().min(b.precision())
}

fn countries(query: &Entity, candidate: &Entity) -> Option<Finding> {
    let mut q = query
        .nationalities
        .iter()
        .chain(&query.countries)
        .peekable();
    let c = || candidate.nationalities.iter().chain(&candidate.countries);
    if q.peek().is_none() || c().next().is_none() {
        return None;
    }
    let shared = q.find(|x| c().any(|y| y == *x)).copied();
    Some(Finding::Countries { shared })
}

fn document(query: &Entity, candidate: &Entity) -> Option<Finding> {
    for (qi, qd) in query.documents.iter().enumerate() {
        let qn = normalize_document_number(&qd.number);
        if qn.len() < 5 {
            continue;
        }
        for (ci, cd) in candidate.documents.iter().enumerate() {
            if normalize_document_number(&cd.number) == qn {
                let country_conflict =
                    matches!((qd.country, cd.country), (Some(a), Some(b)) if a != b);
                if !country_conflict {
                    return Some(Finding::Document {
                        query: qi,
                        candidate: ci,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::{Document, DocumentKind, Schema};

    fn person(dobs: &[&str]) -> Entity {
        let mut e = Entity::new("x", Schema::Person);
        e.birth_dates = dobs
            .iter()
            .map(|d| DateOfBirth::Exact(d.parse().unwrap()))
            .collect();
        e
    }

    /// A span two years or more from every query date means a contradiction, whatever the kinds of dates; a
    /// span within a year (or none) decides nothing. Checked against `birth_date` itself.
    #[test]
    fn birth_years_contradiction_agrees_with_the_comparison() {
        let exact = |d: &str| DateOfBirth::Exact(d.parse().unwrap());
        let circa = |d: &str| DateOfBirth::Approximately(d.parse().unwrap());
        let between =
            |a: &str, b: &str| DateOfBirth::Between(a.parse().unwrap(), b.parse().unwrap());
        let with = |dates: Vec<DateOfBirth>| {
            let mut e = Entity::new("x", Schema::Person);
            e.birth_dates = dates;
            e
        };
        let table: Vec<(Vec<DateOfBirth>, Vec<DateOfBirth>, bool)> = vec![
            (vec![exact("1990-05-01")], vec![exact("1977-01-02")], true),
            (vec![exact("1979")], vec![exact("1977-01-02")], true),
            (vec![exact("1978-12-31")], vec![exact("1977-01-02")], false),
            (
                vec![exact("1990")],
                vec![exact("1977"), exact("1989")],
                false,
            ),
            (
                vec![exact("1990")],
                vec![exact("1977"), exact("1987")],
                true,
            ),
            // Circa 1985 spans 1984-1986.
            (vec![exact("1982")], vec![circa("1985")], true),
            (vec![exact("1983")], vec![circa("1985")], false),
            (
                vec![between("1960", "1965")],
                vec![exact("1967-03-04")],
                true,
            ),
            (
                vec![between("1960", "1966")],
                vec![exact("1967-03-04")],
                false,
            ),
            // Every query date must be far.
            (
                vec![exact("1950"), exact("1967")],
                vec![exact("1967")],
                false,
            ),
            (
                vec![exact("1950"), exact("1960")],
                vec![exact("1967")],
                true,
            ),
            (vec![], vec![exact("1967")], false),
            (vec![exact("1967")], vec![], false),
        ];
        for (q, c, want) in table {
            let (query, candidate) = (with(q), with(c));
            let got = BirthYears::of(&candidate).contradicted_by(&QueryBirthYears::of(&query));
            assert_eq!(
                got, want,
                "{:?} {:?}",
                query.birth_dates, candidate.birth_dates
            );
            if got {
                let effect = birth_date(&query, &candidate).map(|f| f.effect());
                assert_eq!(effect, Some(DOB_CONTRADICTION));
            }
        }
    }

    #[test]
    fn birth_dates() {
        type Case<'a> = (&'a [&'a str], &'a [&'a str], Option<(&'a str, f64)>);
        let table: &[Case] = &[
            (&["1977"], &["1977-08-01"], Some(("agrees", 0.02))),
            (&["1977-08-01"], &["1977-08-01"], Some(("agrees", 0.06))),
            (
                &["1977-08-02"],
                &["1977-08-01"],
                Some(("contradicts", DOB_NEAR_MISS)),
            ),
            (&["1978"], &["1977"], Some(("contradicts", DOB_NEAR_MISS))),
            (
                &["1990"],
                &["1977", "1989"],
                Some(("contradicts", DOB_NEAR_MISS)),
            ),
            (
                &["1990"],
                &["1977"],
                Some(("contradicts", DOB_CONTRADICTION)),
            ),
            (&[], &["1977"], None),
        ];
        for (q, c, want) in table {
            let got = birth_date(&person(q), &person(c)).map(|f| {
                (
                    if f.effect() > 0.0 {
                        "agrees"
                    } else {
                        "contradicts"
                    },
                    f.effect(),
                )
            });
            match (got, want) {
                (None, None) => {}
                (Some((o, eff)), Some((wo, weff))) => {
                    assert_eq!(o, *wo, "{q:?} {c:?}");
                    assert!((eff - weff).abs() < 1e-9, "{q:?} {c:?}: {eff}");
                }
                (g, w) => panic!("{q:?} {c:?}: got {g:?}, want {w:?}"),
            }
        }
        let mut approx = person(&[]);
        approx
            .birth_dates
            .push(DateOfBirth::Approximately("1976".parse().unwrap()));
        assert!(birth_date(&person(&["1977"]), &approx).unwrap().effect() > 0.0);
    }

    #[test]
    fn documents_are_decisive_unless_countries_conflict() {
        let doc = |n: &str, c: &str| Document {
            kind: DocumentKind::Passport,
            number: n.into(),
            country: interdict_model::Country::from_code(c),
            note: None,
        };
        let mut q = person(&[]);
        let mut c = person(&[]);
        q.documents.push(doc("N-123 456", "iq"));
        c.documents.push(doc("N123456", "iq"));
        let found = document(&q, &c).unwrap();
        assert!(found.is_decisive());
        assert_eq!(found.to_evidence(&q, &c).outcome, "decisive");
        c.documents[0].country = interdict_model::Country::from_code("sy");
        assert!(document(&q, &c).is_none());
    }
}
