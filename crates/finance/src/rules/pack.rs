//! Loading and compiling a rule pack from TOML.

use super::expr::{self, Expr, ListValues, Scope};
use super::{AggregateFn, ReportKind, Side, Window};
use crate::{Currency, FinanceError, UtcOffset};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// Which identity an aggregate groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// The account number (the customer id when the account is empty).
    Account,
    /// The bank's customer id (the account when the customer id is empty).
    Customer,
}

/// Which transactions of an entity an aggregate counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Transactions where the entity is the creditor.
    In,
    /// Transactions where the entity is the debtor.
    Out,
    /// Both.
    Any,
}

impl Flow {
    pub(crate) fn includes(self, side: Side) -> bool {
        matches!(
            (self, side),
            (Flow::Any, _) | (Flow::In, Side::Creditor) | (Flow::Out, Side::Debtor)
        )
    }
}

/// A compiled windowed aggregate.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub name: String,
    pub function: AggregateFn,
    pub entity: Entity,
    pub flow: Flow,
    pub window: Window,
    /// The `where` filter as written (empty when absent).
    pub filter_text: String,
    pub(crate) filter: Option<Expr>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub description: String,
    pub report: ReportKind,
    pub sides: Vec<Side>,
    pub when_text: String,
    pub(crate) when: Expr,
    /// Aggregate indexes the condition reads, in first-use order.
    pub aggregates: Vec<usize>,
    /// A repeat alert for the same rule and entity inside this window is suppressed.
    pub suppress: Option<Window>,
    pub tags: Vec<String>,
}

/// What party screening does with hits.
#[derive(Debug, Clone)]
pub struct ScreeningPolicy {
    pub rule_id: String,
    pub version: u32,
    pub title: String,
    /// Datasets whose confirmed matches are sanctions hits (asset freeze).
    pub sanctions_datasets: Vec<String>,
    /// Whether a confirmed sanctions hit blocks the transaction (stated explicitly, principle 1).
    pub block_on_match: bool,
    /// Screen the banks (agents) as well as the debtor and creditor.
    pub screen_banks: bool,
}

/// A compiled, immutable rule pack; share it as `Arc<RulePack>`.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub id: String,
    pub version: String,
    pub title: String,
    pub currency: Currency,
    pub offset: UtcOffset,
    /// Units of the pack currency per unit of each other currency.
    pub rates: HashMap<Currency, f64>,
    pub aggregates: Vec<Aggregate>,
    pub rules: Vec<Rule>,
    pub screening: Option<ScreeningPolicy>,
    /// The longest window of any aggregate or suppression, in seconds.
    pub max_span: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackHeader,
    #[serde(default)]
    rates: BTreeMap<String, f64>,
    #[serde(default)]
    lists: BTreeMap<String, Vec<toml::Value>>,
    screening: Option<ScreeningFile>,
    #[serde(default)]
    aggregates: BTreeMap<String, AggregateFile>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    id: String,
    version: String,
    #[serde(default)]
    title: String,
    currency: String,
    #[serde(default = "utc")]
    timezone: String,
}

fn utc() -> String {
    "Z".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreeningFile {
    rule: String,
    version: u32,
    #[serde(default)]
    title: String,
    #[serde(default)]
    sanctions_datasets: Vec<String>,
    #[serde(default)]
    block_on_match: bool,
    #[serde(default = "yes")]
    screen_banks: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AggregateFile {
    #[serde(rename = "fn")]
    function: String,
    entity: String,
    flow: String,
    window: String,
    #[serde(default, rename = "where")]
    filter: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    version: u32,
    title: String,
    #[serde(default)]
    description: String,
    report: String,
    #[serde(default = "both")]
    side: String,
    when: String,
    suppress: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

fn both() -> String {
    "both".into()
}

fn check_name(owner: &str, name: &str) -> Result<(), FinanceError> {
    if let Some(bad) = expr::forbidden_attribute(name) {
        return Err(FinanceError::rule(
            owner,
            None,
            format!("name `{name}` refers to a forbidden attribute ({bad})"),
        ));
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(FinanceError::rule(
            owner,
            None,
            format!("name `{name}` must be letters, digits and `_`"),
        ));
    }
    if expr::field_names().any(|f| f == name)
        || ["and", "or", "not", "in", "true", "false"].contains(&name)
    {
        return Err(FinanceError::rule(
            owner,
            None,
            format!("name `{name}` is already a field or keyword"),
        ));
    }
    Ok(())
}

impl RulePack {
    /// Parses and compiles a pack.
    ///
    /// # Errors
    /// A [`FinanceError::Rule`] naming the rule, aggregate or list and, inside an expression, the character
    /// position: TOML syntax, unknown keys, unknown names, type errors, forbidden attributes, duplicate ids.
    pub fn from_toml_str(text: &str) -> Result<RulePack, FinanceError> {
        let file: PackFile =
            toml::from_str(text).map_err(|e| FinanceError::rule("pack", None, e.to_string()))?;
        let h = &file.pack;
        let currency = Currency::from_code(&h.currency).ok_or_else(|| {
            FinanceError::rule(
                "pack",
                None,
                format!("currency {:?} is not an ISO 4217 code", h.currency),
            )
        })?;
        let offset = UtcOffset::parse(&h.timezone).ok_or_else(|| {
            FinanceError::rule(
                "pack",
                None,
                format!(
                    "timezone {:?}: expected an offset such as +01:00",
                    h.timezone
                ),
            )
        })?;
        let mut rates = HashMap::new();
        for (code, rate) in &file.rates {
            let c = Currency::from_code(code).ok_or_else(|| {
                FinanceError::rule("rates", None, format!("{code:?} is not a currency code"))
            })?;
            if !(rate.is_finite() && *rate > 0.0) {
                return Err(FinanceError::rule(
                    "rates",
                    None,
                    format!("rate for {code} must be a positive number"),
                ));
            }
            rates.insert(c, *rate);
        }
        rates.insert(currency, 1.0);

        let mut lists = HashMap::new();
        for (name, values) in &file.lists {
            check_name(&format!("lists.{name}"), name)?;
            let strs: Option<Vec<String>> = values
                .iter()
                .map(|v| v.as_str().map(str::to_ascii_lowercase))
                .collect();
            let nums: Option<Vec<f64>> = values
                .iter()
                .map(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                .collect();
            let list = match (strs, nums) {
                (Some(s), _) => ListValues::Str(s),
                (None, Some(n)) => ListValues::Num(n),
                _ => {
                    return Err(FinanceError::rule(
                        &format!("lists.{name}"),
                        None,
                        "a list holds strings or numbers, not both",
                    ));
                }
            };
            lists.insert(name.clone(), list);
        }

        let mut aggregates = Vec::new();
        let mut agg_index = HashMap::new();
        for (name, a) in &file.aggregates {
            let owner = format!("aggregates.{name}");
            check_name(&owner, name)?;
            let filter = if a.filter.trim().is_empty() {
                None
            } else {
                Some(expr::compile_condition(
                    &a.filter,
                    &owner,
                    &Scope {
                        aggregates: None,
                        lists: Some(&lists),
                    },
                )?)
            };
            let entity = match a.entity.as_str() {
                "account" => Entity::Account,
                "customer" => Entity::Customer,
                other => {
                    return Err(FinanceError::rule(
                        &owner,
                        None,
                        format!("entity {other:?}: expected account or customer"),
                    ));
                }
            };
            let flow = match a.flow.as_str() {
                "in" => Flow::In,
                "out" => Flow::Out,
                "any" => Flow::Any,
                other => {
                    return Err(FinanceError::rule(
                        &owner,
                        None,
                        format!("flow {other:?}: expected in, out or any"),
                    ));
                }
            };
            agg_index.insert(name.clone(), aggregates.len());
            aggregates.push(Aggregate {
                name: name.clone(),
                function: AggregateFn::parse(&a.function, &owner)?,
                entity,
                flow,
                window: Window::parse(&a.window, &owner)?,
                filter_text: a.filter.clone(),
                filter,
            });
        }

        for kind in [Entity::Account, Entity::Customer] {
            if aggregates.iter().filter(|a| a.entity == kind).count() > 64 {
                return Err(FinanceError::rule(
                    "aggregates",
                    None,
                    "at most 64 aggregates per entity kind (account, customer)",
                ));
            }
        }
        let mut rules: Vec<Rule> = Vec::new();
        for r in &file.rules {
            if r.id.trim().is_empty() {
                return Err(FinanceError::rule("rule", None, "a rule needs an id"));
            }
            if rules.iter().any(|x| x.id == r.id) {
                return Err(FinanceError::rule(&r.id, None, "duplicate rule id"));
            }
            let when = expr::compile_condition(
                &r.when,
                &r.id,
                &Scope {
                    aggregates: Some(&agg_index),
                    lists: Some(&lists),
                },
            )?;
            let mut used = Vec::new();
            when.aggregates_used(&mut used);
            let report = match r.report.as_str() {
                "alert" => ReportKind::Alert,
                "str" => ReportKind::Str,
                "ctr" => ReportKind::Ctr,
                "tfr" => ReportKind::Tfr,
                "freeze" => ReportKind::Freeze,
                other => {
                    return Err(FinanceError::rule(
                        &r.id,
                        None,
                        format!("report {other:?}: expected alert, str, ctr, tfr or freeze"),
                    ));
                }
            };
            let sides = match r.side.as_str() {
                "debtor" => vec![Side::Debtor],
                "creditor" => vec![Side::Creditor],
                "both" => vec![Side::Debtor, Side::Creditor],
                other => {
                    return Err(FinanceError::rule(
                        &r.id,
                        None,
                        format!("side {other:?}: expected debtor, creditor or both"),
                    ));
                }
            };
            let suppress = match &r.suppress {
                Some(s) if s == "none" => None,
                Some(s) => Some(Window::parse(s, &r.id)?),
                None => used
                    .iter()
                    .map(|i| aggregates[*i].window)
                    .max_by_key(|w: &Window| w.max_span()),
            };
            rules.push(Rule {
                id: r.id.clone(),
                version: r.version,
                title: r.title.clone(),
                description: r.description.clone(),
                report,
                sides,
                when_text: r.when.clone(),
                when,
                aggregates: used,
                suppress,
                tags: r.tags.clone(),
            });
        }
        let screening = file.screening.as_ref().map(|s| ScreeningPolicy {
            rule_id: s.rule.clone(),
            version: s.version,
            title: if s.title.is_empty() {
                "Party matches a watchlist entry".into()
            } else {
                s.title.clone()
            },
            sanctions_datasets: s.sanctions_datasets.clone(),
            block_on_match: s.block_on_match,
            screen_banks: s.screen_banks,
        });
        let max_span = aggregates
            .iter()
            .map(|a| a.window.max_span())
            .chain(
                rules
                    .iter()
                    .filter_map(|r| r.suppress.map(|w| w.max_span())),
            )
            .max()
            .unwrap_or(0);
        Ok(RulePack {
            id: h.id.clone(),
            version: h.version.clone(),
            title: h.title.clone(),
            currency,
            offset,
            rates,
            aggregates,
            rules,
            screening,
            max_span,
        })
    }

    /// The amount of a transaction in the pack currency (minor units), or `None` without a rate.
    pub fn convert(&self, amount: crate::Amount, currency: Currency) -> Option<i64> {
        if currency == self.currency {
            return Some(amount.0);
        }
        self.rates
            .get(&currency)
            .map(|r| (amount.0 as f64 * r).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "[pack]\nid = \"t\"\nversion = \"1\"\ncurrency = \"EUR\"\n";

    #[test]
    fn loads_or_names_the_problem() {
        let table: &[(&str, Result<(), &str>)] = &[
            (
                "[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='str'\nwhen='amount > 1'\n",
                Ok(()),
            ),
            (
                "[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='str'\nwhen='amount > 1'\n[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='str'\nwhen='cash'\n",
                Err("R: duplicate"),
            ),
            (
                "[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='sometimes'\nwhen='cash'\n",
                Err("report \"sometimes\""),
            ),
            (
                "[aggregates.s]\nfn='sum'\nentity='account'\nflow='in'\nwindow='7d'\n[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='str'\nwhen='s > 1'\n",
                Ok(()),
            ),
            (
                "[aggregates.s]\nfn='avg'\nentity='account'\nflow='in'\nwindow='7d'\n",
                Err("aggregates.s: unknown fn"),
            ),
            (
                "[aggregates.religion_sum]\nfn='sum'\nentity='account'\nflow='in'\nwindow='7d'\n",
                Err("forbidden attribute"),
            ),
            ("[lists]\nethnicity=['a']\n", Err("forbidden attribute")),
            (
                "[aggregates.s]\nfn='sum'\nentity='account'\nflow='in'\nwindow='7d'\nwhere='s > 3'\n",
                Err("not in `where`"),
            ),
            (
                "[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='str'\nwhen='amount >'\n",
                Err("R: expression ends too early (at character 8)"),
            ),
            (
                "[[rule]]\nid='R'\nversion=1\ntitle='t'\nreport='str'\nwhen='cash'\ncolour='red'\n",
                Err("unknown field"),
            ),
            ("[rates]\nUSD=-1\n", Err("positive")),
        ];
        for (body, want) in table {
            let got = RulePack::from_toml_str(&format!("{HEADER}{body}"));
            match (want, got) {
                (Ok(()), Ok(_)) => {}
                (Err(msg), Err(e)) => assert!(e.to_string().contains(msg), "{body}\n=> {e}"),
                (w, g) => panic!("{body}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn converts_currencies() {
        let pack = RulePack::from_toml_str(&format!("{HEADER}[rates]\nUSD = 0.5\n")).unwrap();
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(pack.convert(crate::Amount(1000), usd), Some(500));
        assert_eq!(pack.convert(crate::Amount(1000), Currency::EUR), Some(1000));
        assert_eq!(
            pack.convert(crate::Amount(1000), Currency::from_code("GBP").unwrap()),
            None
        );
    }
}
