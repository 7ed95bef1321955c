//! Targeting rules: readable, versioned, pre-set. A rules file is TOML; each rule is a list of conditions
//! `FIELD OP VALUE` over API/PNR data (route, transit points, one-way ticket, days between booking and
//! departure, payment type, agency, co-travellers of a hit). Loading refuses any rule that references a
//! forbidden attribute (religion, ethnicity, health, meals and the like) or a sensitive code (MOML, WCHR, ...),
//! and any field the engine does not know.
//!
//! ```toml
//! ruleset = "piu-example"
//! version = "2026.11.1"
//!
//! [[rule]]
//! id = "TR-001"
//! version = 2
//! title = "One-way, paid in cash, booked at most 3 days before departure"
//! when = ["itinerary.one_way == true", "payment.types contains CA", "booking.days_before_departure <= 3"]
//! ```

use crate::TravelError;
use crate::dates::days_from_iso;
use crate::pnrgov::Booking;
use crate::sensitive::SensitiveDataFilter;
use crate::traveller::{Flight, Traveller};
use serde::{Deserialize, Serialize};

/// Words that may not appear in a rule's field: attributes whose use would be discriminatory profiling.
pub const FORBIDDEN_ATTRIBUTES: &[(&str, &str)] = &[
    ("religion", "religion or belief"),
    ("religious", "religion or belief"),
    ("belief", "religion or belief"),
    ("ethnicity", "racial or ethnic origin"),
    ("ethnic", "racial or ethnic origin"),
    ("race", "racial or ethnic origin"),
    ("health", "health"),
    ("medical", "health"),
    ("disability", "health"),
    ("meal", "special meals reveal religion or health"),
    ("meals", "special meals reveal religion or health"),
    ("diet", "special meals reveal religion or health"),
    ("sexual", "sex life or sexual orientation"),
    ("orientation", "sex life or sexual orientation"),
    ("political", "political opinions"),
    ("union", "trade-union membership"),
    ("biometric", "biometric data"),
    ("genetic", "genetic data"),
    ("language", "proxy for ethnic origin"),
];

/// The fields a condition may use, with their type.
const FIELDS: &[(&str, FieldType)] = &[
    ("route.origin", FieldType::Text),
    ("route.destination", FieldType::Text),
    ("route.airports", FieldType::List),
    ("route.transit", FieldType::List),
    ("flight.number", FieldType::Text),
    ("flight.carrier", FieldType::Text),
    ("itinerary.one_way", FieldType::Bool),
    ("itinerary.legs", FieldType::Number),
    ("booking.days_before_departure", FieldType::Number),
    ("booking.agency", FieldType::Text),
    ("booking.agency_type", FieldType::Text),
    ("booking.travellers", FieldType::Number),
    ("payment.types", FieldType::List),
    ("payment.cash", FieldType::Bool),
    ("traveller.nationality", FieldType::Text),
    ("traveller.role", FieldType::Text),
    ("traveller.age", FieldType::Number),
    ("traveller.document_issuing_state", FieldType::Text),
    ("traveller.document_missing", FieldType::Bool),
    ("traveller.document_expired", FieldType::Bool),
    ("traveller.co_traveller_of_hit", FieldType::Bool),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldType {
    Text,
    List,
    Bool,
    Number,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Contains,
    ContainsAny,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "==" | "=" | "is" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "in" => Op::In,
            "not_in" | "not-in" => Op::NotIn,
            "contains" => Op::Contains,
            "contains_any" | "contains-any" => Op::ContainsAny,
            _ => return None,
        })
    }
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub text: String,
    field: String,
    op: Op,
    values: Vec<String>,
}

/// A rule as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSource {
    id: String,
    version: u32,
    title: String,
    #[serde(default)]
    description: Option<String>,
    when: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFileSource {
    ruleset: String,
    version: String,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleSource>,
}

/// A loaded rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub id: String,
    pub version: u32,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub conditions: Vec<Condition>,
}

/// A loaded, checked rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RuleSet {
    pub name: String,
    pub version: String,
    pub rules: Vec<Rule>,
}

/// Everything a rule can look at for one traveller.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    pub traveller: &'a Traveller,
    pub booking: Option<&'a Booking>,
    pub flight: &'a Flight,
    /// Whether another traveller of the same booking has a watchlist or lost/stolen hit.
    pub co_traveller_of_hit: bool,
}

/// A rule that fired, with the values that made each condition true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleHit {
    pub rule_id: String,
    pub rule_version: u32,
    pub ruleset: String,
    pub ruleset_version: String,
    pub title: String,
    /// Each condition with the value it was evaluated on (`booking.days_before_departure <= 3 (was 1)`).
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    Number(f64),
}

impl Value {
    fn show(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::List(l) => format!("[{}]", l.join(", ")),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => format!("{n}"),
        }
    }
}

fn forbidden(field: &str) -> Option<(&'static str, &'static str)> {
    field.split(['.', '_', '-']).find_map(|w| {
        FORBIDDEN_ATTRIBUTES
            .iter()
            .find(|(f, _)| w.eq_ignore_ascii_case(f))
            .copied()
    })
}

fn parse_condition(
    rule_id: &str,
    text: &str,
    sensitive: &SensitiveDataFilter,
) -> Result<Condition, TravelError> {
    let mut words = text.split_whitespace();
    let field = words.next().unwrap_or("").to_string();
    let op_text = words.next().unwrap_or("");
    let rest = words.collect::<Vec<_>>().join(" ");
    if let Some((attribute, reason)) = forbidden(&field) {
        return Err(TravelError::ForbiddenAttribute {
            rule_id: rule_id.into(),
            condition: text.into(),
            attribute: attribute.into(),
            reason: reason.into(),
        });
    }
    let Some(&(_, ty)) = FIELDS.iter().find(|(f, _)| *f == field) else {
        return Err(TravelError::Rule {
            rule_id: rule_id.into(),
            message: format!(
                "unknown field \"{field}\" in \"{text}\"; known fields: {}",
                FIELDS
                    .iter()
                    .map(|(f, _)| *f)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    };
    let Some(op) = Op::parse(op_text) else {
        return Err(TravelError::Rule {
            rule_id: rule_id.into(),
            message: format!(
                "unknown operator \"{op_text}\" in \"{text}\" (use == != < <= > >= in not_in contains contains_any)"
            ),
        });
    };
    let values: Vec<String> = rest
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|v| v.trim().trim_matches('"').to_ascii_uppercase())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(TravelError::Rule {
            rule_id: rule_id.into(),
            message: format!("no value in \"{text}\""),
        });
    }
    for v in &values {
        if let Some(category) = sensitive
            .ssr_category(v)
            .or_else(|| sensitive.text_category(v))
        {
            return Err(TravelError::ForbiddenAttribute {
                rule_id: rule_id.into(),
                condition: text.into(),
                attribute: v.clone(),
                reason: format!("the value is a sensitive code ({category})"),
            });
        }
    }
    let ok = match (ty, op) {
        (FieldType::Bool, Op::Eq | Op::Ne) => {
            values.len() == 1 && matches!(values[0].as_str(), "TRUE" | "FALSE")
        }
        (FieldType::Number, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge) => {
            values.len() == 1 && values[0].parse::<f64>().is_ok()
        }
        (FieldType::Text, Op::Eq | Op::Ne | Op::In | Op::NotIn) => true,
        (FieldType::List, Op::Contains | Op::ContainsAny) => true,
        _ => false,
    };
    if !ok {
        return Err(TravelError::Rule {
            rule_id: rule_id.into(),
            message: format!(
                "operator \"{op_text}\" or value does not fit field \"{field}\" in \"{text}\""
            ),
        });
    }
    Ok(Condition {
        text: text.trim().to_string(),
        field,
        op,
        values,
    })
}

impl RuleSet {
    /// Reads and checks a rules file.
    ///
    /// # Errors
    /// [`TravelError::ForbiddenAttribute`] when a rule uses a forbidden attribute or sensitive code;
    /// [`TravelError::Rule`] for unknown fields, operators, duplicate ids or empty rules;
    /// [`TravelError::RuleSyntax`] for TOML errors.
    pub fn from_toml(text: &str, sensitive: &SensitiveDataFilter) -> Result<RuleSet, TravelError> {
        let src: RuleFileSource =
            toml::from_str(text).map_err(|e| TravelError::RuleSyntax(e.to_string()))?;
        let mut rules: Vec<Rule> = Vec::new();
        for r in src.rules {
            if rules.iter().any(|x| x.id == r.id) {
                return Err(TravelError::Rule {
                    rule_id: r.id,
                    message: "duplicate rule id".into(),
                });
            }
            if r.when.is_empty() {
                return Err(TravelError::Rule {
                    rule_id: r.id,
                    message: "rule has no conditions".into(),
                });
            }
            let conditions = r
                .when
                .iter()
                .map(|c| parse_condition(&r.id, c, sensitive))
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(Rule {
                id: r.id,
                version: r.version,
                title: r.title,
                description: r.description,
                conditions,
            });
        }
        Ok(RuleSet {
            name: src.ruleset,
            version: src.version,
            rules,
        })
    }

    /// The rules that fire for one traveller.
    pub fn evaluate(&self, ctx: &RuleContext<'_>) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        for rule in &self.rules {
            let mut shown = Vec::with_capacity(rule.conditions.len());
            let all = rule
                .conditions
                .iter()
                .all(|c| match resolve(&c.field, ctx) {
                    Some(v) if holds(c, &v) => {
                        shown.push(format!("{} (was {})", c.text, v.show()));
                        true
                    }
                    _ => false,
                });
            if all {
                hits.push(RuleHit {
                    rule_id: rule.id.clone(),
                    rule_version: rule.version,
                    ruleset: self.name.clone(),
                    ruleset_version: self.version.clone(),
                    title: rule.title.clone(),
                    conditions: shown,
                });
            }
        }
        hits
    }
}

fn holds(c: &Condition, v: &Value) -> bool {
    let first = c.values.first().map(String::as_str).unwrap_or("");
    match (v, c.op) {
        (Value::Bool(b), Op::Eq) => *b == (first == "TRUE"),
        (Value::Bool(b), Op::Ne) => *b != (first == "TRUE"),
        (Value::Number(n), op) => {
            let x: f64 = first.parse().unwrap_or(f64::NAN);
            match op {
                Op::Eq => *n == x,
                Op::Ne => *n != x,
                Op::Lt => *n < x,
                Op::Le => *n <= x,
                Op::Gt => *n > x,
                Op::Ge => *n >= x,
                _ => false,
            }
        }
        (Value::Text(s), Op::Eq) => s.eq_ignore_ascii_case(first),
        (Value::Text(s), Op::Ne) => !s.eq_ignore_ascii_case(first),
        (Value::Text(s), Op::In) => c.values.iter().any(|x| s.eq_ignore_ascii_case(x)),
        (Value::Text(s), Op::NotIn) => !c.values.iter().any(|x| s.eq_ignore_ascii_case(x)),
        (Value::List(l), Op::Contains) => c
            .values
            .iter()
            .all(|x| l.iter().any(|y| y.eq_ignore_ascii_case(x))),
        (Value::List(l), Op::ContainsAny) => c
            .values
            .iter()
            .any(|x| l.iter().any(|y| y.eq_ignore_ascii_case(x))),
        _ => false,
    }
}

fn itinerary<'a>(ctx: &RuleContext<'a>) -> Vec<&'a crate::traveller::FlightLeg> {
    match ctx.booking {
        Some(b) if !b.itinerary.is_empty() => b.itinerary.iter().collect(),
        _ => ctx.flight.legs.iter().collect(),
    }
}

fn airports(ctx: &RuleContext<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for leg in itinerary(ctx) {
        for a in [&leg.departure_airport, &leg.arrival_airport]
            .into_iter()
            .flatten()
        {
            if out.last() != Some(a) {
                out.push(a.clone());
            }
        }
    }
    out
}

fn resolve(field: &str, ctx: &RuleContext<'_>) -> Option<Value> {
    let t = ctx.traveller;
    let departure = itinerary(ctx)
        .first()
        .and_then(|l| l.departure_time.clone())
        .or(ctx.flight.departure_time.clone());
    Some(match field {
        "route.origin" => Value::Text(airports(ctx).first()?.clone()),
        "route.destination" => Value::Text(airports(ctx).last()?.clone()),
        "route.airports" => Value::List(airports(ctx)),
        "route.transit" => {
            let a = airports(ctx);
            Value::List(if a.len() > 2 {
                a[1..a.len() - 1].to_vec()
            } else {
                Vec::new()
            })
        }
        "flight.number" => Value::Text(ctx.flight.number.clone()?),
        "flight.carrier" => Value::Text(ctx.flight.carrier.clone()?),
        "itinerary.one_way" => {
            let a = airports(ctx);
            Value::Bool(a.len() >= 2 && !a[1..].contains(&a[0]))
        }
        "itinerary.legs" => Value::Number(itinerary(ctx).len() as f64),
        "booking.days_before_departure" => {
            let created = days_from_iso(ctx.booking?.created.as_deref()?)?;
            Value::Number((days_from_iso(departure.as_deref()?)? - created) as f64)
        }
        "booking.agency" => Value::Text(ctx.booking?.agency.as_ref()?.iata_number.clone()?),
        "booking.agency_type" => {
            Value::Text(ctx.booking?.agency.as_ref()?.originator_type.clone()?)
        }
        "booking.travellers" => Value::Number(ctx.booking?.travellers.len() as f64),
        "payment.types" => Value::List(
            ctx.booking?
                .payments
                .iter()
                .map(|p| p.kind.clone())
                .collect(),
        ),
        "payment.cash" => Value::Bool(ctx.booking?.payments.iter().any(|p| p.kind == "CA")),
        "traveller.nationality" => Value::Text(t.nationality.clone()?),
        "traveller.role" => Value::Text(
            serde_json::to_value(t.role)
                .ok()?
                .as_str()?
                .to_ascii_uppercase(),
        ),
        "traveller.age" => {
            let born = days_from_iso(t.birth_date.as_deref()?)?;
            Value::Number(
                ((days_from_iso(departure.as_deref()?)? - born) as f64 / 365.2425).floor(),
            )
        }
        "traveller.document_issuing_state" => {
            Value::Text(t.travel_document()?.issuing_state.clone()?)
        }
        "traveller.document_missing" => Value::Bool(t.document_number.is_none()),
        "traveller.document_expired" => {
            let expiry = days_from_iso(t.travel_document()?.expiry_date.as_deref()?)?;
            Value::Bool(expiry < days_from_iso(departure.as_deref()?)?)
        }
        "traveller.co_traveller_of_hit" => Value::Bool(ctx.co_traveller_of_hit),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traveller::{FlightLeg, TravellerRole};

    const RULES: &str = r#"
ruleset = "test"
version = "1"

[[rule]]
id = "R1"
version = 2
title = "cash, one-way, booked late"
when = ["itinerary.one_way == true", "payment.cash == true", "booking.days_before_departure <= 3"]

[[rule]]
id = "R2"
version = 1
title = "transit through BBB"
when = ["route.transit contains BBB"]
"#;

    #[test]
    fn forbidden_attributes_are_refused() {
        let f = SensitiveDataFilter::default();
        let cases = [
            ("traveller.religion == X", "religion"),
            ("ssr.meal contains MOML", "meal"),
            ("traveller.ethnicity in A, B", "ethnicity"),
            ("traveller.health_status == POOR", "health"),
            ("payment.types contains MOML", "MOML"),
        ];
        for (cond, attribute) in cases {
            let text = format!(
                "ruleset = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"X\"\nversion = 1\ntitle = \"x\"\nwhen = [\"{cond}\"]\n"
            );
            match RuleSet::from_toml(&text, &f) {
                Err(TravelError::ForbiddenAttribute {
                    attribute: a,
                    rule_id,
                    ..
                }) => {
                    assert_eq!(a, attribute);
                    assert_eq!(rule_id, "X");
                }
                other => panic!("{cond}: expected refusal, got {other:?}"),
            }
        }
        let unknown = "ruleset = \"t\"\nversion = \"1\"\n[[rule]]\nid = \"X\"\nversion = 1\ntitle = \"x\"\nwhen = [\"traveller.shoe_size > 3\"]\n";
        assert!(matches!(
            RuleSet::from_toml(unknown, &f),
            Err(TravelError::Rule { .. })
        ));
    }

    #[test]
    fn rules_fire_with_explanations() {
        let set = RuleSet::from_toml(RULES, &SensitiveDataFilter::default()).unwrap();
        let t = Traveller::new(TravellerRole::Passenger, 0);
        let leg = |a: &str, b: &str| FlightLeg {
            departure_airport: Some(a.into()),
            arrival_airport: Some(b.into()),
            departure_time: Some("2026-03-03T10:00".into()),
            ..FlightLeg::default()
        };
        let booking = Booking {
            created: Some("2026-03-01T09:00".into()),
            itinerary: vec![leg("AAA", "BBB"), leg("BBB", "CCC")],
            payments: vec![crate::pnrgov::Payment {
                kind: "CA".into(),
                amount: None,
                vendor: None,
                masked_card: None,
            }],
            ..Booking::default()
        };
        let flight = Flight::default();
        let ctx = RuleContext {
            traveller: &t,
            booking: Some(&booking),
            flight: &flight,
            co_traveller_of_hit: false,
        };
        let hits = set.evaluate(&ctx);
        let ids: Vec<&str> = hits.iter().map(|h| h.rule_id.as_str()).collect();
        assert_eq!(ids, vec!["R1", "R2"]);
        assert_eq!(hits[0].rule_version, 2);
        assert!(
            hits[0].conditions[2].contains("(was 2)"),
            "{:?}",
            hits[0].conditions
        );
    }
}
