//! Evidence beyond the name: dates of birth, nationalities and countries, gender, identity documents. Each piece
//! says what it compared and what it did to the score.

use interdict_model::{DateOfBirth, Entity, PartialDate, normalize_document_number};
use serde::Serialize;

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
/// The most the evidence can add to a name score (used to bound candidates before scoring them).
pub(crate) const MAX_BONUS: f64 = 3.0 * DOB_AGREE_PER_PART + COUNTRY_AGREE;

/// Compares the query's evidence with the candidate's.
pub(crate) fn compare_evidence(query: &Entity, candidate: &Entity) -> Vec<Evidence> {
    let mut out = Vec::new();
    if let Some(e) = birth_date(query, candidate) {
        out.push(e);
    }
    if let Some(e) = countries(query, candidate) {
        out.push(e);
    }
    if let (Some(q), Some(c)) = (query.gender, candidate.gender) {
        if q != c && q != interdict_model::Gender::Other && c != interdict_model::Gender::Other {
            out.push(Evidence {
                kind: EvidenceKind::Gender,
                outcome: "contradicts",
                effect: GENDER_CONTRADICTION,
                query: format!("{q:?}").to_lowercase(),
                candidate: format!("{c:?}").to_lowercase(),
            });
        }
    }
    if let Some(e) = document(query, candidate) {
        out.push(e);
    }
    out
}

fn birth_date(query: &Entity, candidate: &Entity) -> Option<Evidence> {
    if query.birth_dates.is_empty() || candidate.birth_dates.is_empty() {
        return None;
    }
    // Best agreement over all pairs; if none agrees, the nearest miss.
    let mut best_agree: Option<(u8, &DateOfBirth, &DateOfBirth)> = None;
    let mut nearest_gap: Option<(i32, &DateOfBirth, &DateOfBirth)> = None;
    for q in &query.birth_dates {
        for c in &candidate.birth_dates {
            match dob_agreement(q, c) {
                Ok(precision) => {
                    if best_agree.is_none_or(|(p, _, _)| precision > p) {
                        best_agree = Some((precision, q, c));
                    }
                }
                Err(gap) => {
                    if nearest_gap.is_none_or(|(g, _, _)| gap < g) {
                        nearest_gap = Some((gap, q, c));
                    }
                }
            }
        }
    }
    if let Some((precision, q, c)) = best_agree {
        return Some(Evidence {
            kind: EvidenceKind::BirthDate,
            outcome: "agrees",
            effect: DOB_AGREE_PER_PART * f64::from(precision),
            query: q.to_string(),
            candidate: c.to_string(),
        });
    }
    let (gap, q, c) = nearest_gap?;
    Some(Evidence {
        kind: EvidenceKind::BirthDate,
        outcome: "contradicts",
        effect: if gap <= 1 {
            DOB_NEAR_MISS
        } else {
            DOB_CONTRADICTION
        },
        query: q.to_string(),
        candidate: c.to_string(),
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

fn countries(query: &Entity, candidate: &Entity) -> Option<Evidence> {
    let q: Vec<_> = query.nationalities.iter().chain(&query.countries).collect();
    let c: Vec<_> = candidate
        .nationalities
        .iter()
        .chain(&candidate.countries)
        .collect();
    if q.is_empty() || c.is_empty() {
        return None;
    }
    let list =
        |v: &[&interdict_model::Country]| v.iter().map(|c| c.code()).collect::<Vec<_>>().join(",");
    if let Some(shared) = q.iter().find(|x| c.contains(x)) {
        Some(Evidence {
            kind: EvidenceKind::Nationality,
            outcome: "agrees",
            effect: COUNTRY_AGREE,
            query: shared.code().to_string(),
            candidate: list(&c),
        })
    } else {
        Some(Evidence {
            kind: EvidenceKind::Nationality,
            outcome: "contradicts",
            effect: COUNTRY_DISAGREE,
            query: list(&q),
            candidate: list(&c),
        })
    }
}

fn document(query: &Entity, candidate: &Entity) -> Option<Evidence> {
    for qd in &query.documents {
        let qn = normalize_document_number(&qd.number);
        if qn.len() < 5 {
            continue;
        }
        for cd in &candidate.documents {
            if normalize_document_number(&cd.number) == qn {
                let country_conflict =
                    matches!((qd.country, cd.country), (Some(a), Some(b)) if a != b);
                if country_conflict {
                    continue;
                }
                return Some(Evidence {
                    kind: EvidenceKind::Document,
                    outcome: "decisive",
                    effect: 0.0,
                    query: qd.number.clone(),
                    candidate: cd.number.clone(),
                });
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

    #[test]
    fn birth_dates() {
        let table: &[(&[&str], &[&str], Option<(&str, f64)>)] = &[
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
            let got = birth_date(&person(q), &person(c)).map(|e| (e.outcome, e.effect));
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
        assert_eq!(
            birth_date(&person(&["1977"]), &approx).unwrap().outcome,
            "agrees"
        );
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
        assert_eq!(document(&q, &c).unwrap().outcome, "decisive");
        c.documents[0].country = interdict_model::Country::from_code("sy");
        assert!(document(&q, &c).is_none());
    }
}
