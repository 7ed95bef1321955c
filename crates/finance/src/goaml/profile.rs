//! The FIU-specific configuration of goAML output, loaded from TOML (see `samples/finance/goaml-*.toml`).

use crate::{Channel, Currency, FinanceError, ReportKind, UtcOffset};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The goAML schema generation the FIU runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaVersion {
    V5_0_1,
    V5_0_2,
}

impl SchemaVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaVersion::V5_0_1 => "5.0.1",
            SchemaVersion::V5_0_2 => "5.0.2",
        }
    }
}

/// An FIU profile: who reports, and the FIU's codes.
#[derive(Debug, Clone)]
pub struct GoamlProfile {
    pub name: String,
    pub schema: SchemaVersion,
    /// Write `<schema_version>` (5.0.2 FIUs expect it).
    pub write_schema_version: bool,
    pub rentity_id: u32,
    pub rentity_branch: String,
    pub currency_code_local: Currency,
    /// Local time zone for `sql_date` values.
    pub offset: UtcOffset,
    pub reporter: super::Reporter,
    pub location: super::GoamlAddress,
    /// Report code per alert kind (STR, CTR, ...). A kind without a code cannot be reported to this FIU.
    pub report_codes: HashMap<ReportKind, String>,
    /// Indicator codes per rule id; `default_indicators` when a rule has none.
    pub indicators: HashMap<String, Vec<String>>,
    pub default_indicators: Vec<String>,
    pub transmode_codes: HashMap<Channel, String>,
    pub default_transmode: String,
    pub transmode_comment: Option<String>,
    pub funds_codes: HashMap<Channel, String>,
    pub default_funds: String,
    /// Units of the local currency per unit of another currency.
    pub rates: HashMap<Currency, f64>,
    /// Fold names to the characters `[A-Za-z0-9 .'-]` (the UAE schema's name pattern).
    pub ascii_names: bool,
    /// The action text written for reports of each kind.
    pub actions: HashMap<ReportKind, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    schema: String,
    #[serde(default)]
    write_schema_version: bool,
    rentity_id: u32,
    rentity_branch: String,
    currency_code_local: String,
    #[serde(default = "utc")]
    timezone: String,
    reporting_user_code: Option<String>,
    reporting_person: Option<PersonFile>,
    location: AddressFile,
    report_codes: BTreeMap<String, String>,
    #[serde(default)]
    indicators: BTreeMap<String, Vec<String>>,
    default_indicators: Vec<String>,
    #[serde(default)]
    transmode_codes: BTreeMap<String, String>,
    default_transmode: String,
    transmode_comment: Option<String>,
    #[serde(default)]
    funds_codes: BTreeMap<String, String>,
    default_funds: String,
    #[serde(default)]
    rates: BTreeMap<String, f64>,
    #[serde(default)]
    ascii_names: bool,
    #[serde(default)]
    actions: BTreeMap<String, String>,
}

fn utc() -> String {
    "Z".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    first_name: String,
    last_name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressFile {
    address_type: String,
    address: String,
    city: String,
    country_code: String,
    state: Option<String>,
}

fn report_kind(s: &str) -> Option<ReportKind> {
    Some(match s {
        "alert" => ReportKind::Alert,
        "str" => ReportKind::Str,
        "ctr" => ReportKind::Ctr,
        "tfr" => ReportKind::Tfr,
        "freeze" => ReportKind::Freeze,
        _ => return None,
    })
}

impl GoamlProfile {
    /// Parses a profile.
    ///
    /// # Errors
    /// [`FinanceError::Goaml`] naming the setting that is wrong.
    pub fn from_toml_str(text: &str) -> Result<GoamlProfile, FinanceError> {
        let f: ProfileFile =
            toml::from_str(text).map_err(|e| FinanceError::goaml("profile", e.to_string()))?;
        let schema = match f.schema.as_str() {
            "5.0.1" => SchemaVersion::V5_0_1,
            "5.0.2" => SchemaVersion::V5_0_2,
            other => {
                return Err(FinanceError::goaml(
                    "profile.schema",
                    format!("{other:?}: expected 5.0.1 or 5.0.2"),
                ));
            }
        };
        if f.rentity_id == 0 {
            return Err(FinanceError::goaml(
                "profile.rentity_id",
                "must be 1 or more",
            ));
        }
        let currency = |s: &str, what: &str| {
            Currency::from_code(s)
                .ok_or_else(|| FinanceError::goaml(what, format!("{s:?} is not a currency code")))
        };
        let reporter = match (f.reporting_user_code, f.reporting_person) {
            (Some(code), None) => {
                if !(4..=50).contains(&code.chars().count()) {
                    return Err(FinanceError::goaml(
                        "profile.reporting_user_code",
                        "must be 4 to 50 characters",
                    ));
                }
                super::Reporter::UserCode(code)
            }
            (None, Some(p)) => super::Reporter::Person {
                first_name: p.first_name,
                last_name: p.last_name,
            },
            _ => {
                return Err(FinanceError::goaml(
                    "profile",
                    "give exactly one of reporting_user_code or [reporting_person]",
                ));
            }
        };
        let mut report_codes = HashMap::new();
        for (k, v) in &f.report_codes {
            let kind = report_kind(k).ok_or_else(|| {
                FinanceError::goaml("profile.report_codes", format!("unknown alert kind {k:?}"))
            })?;
            report_codes.insert(kind, v.clone());
        }
        let mut actions = HashMap::new();
        for (k, v) in &f.actions {
            let kind = report_kind(k).ok_or_else(|| {
                FinanceError::goaml("profile.actions", format!("unknown alert kind {k:?}"))
            })?;
            actions.insert(kind, v.clone());
        }
        let channels = |m: &BTreeMap<String, String>,
                        what: &str|
         -> Result<HashMap<Channel, String>, FinanceError> {
            m.iter()
                .map(|(k, v)| {
                    k.parse::<Channel>()
                        .map(|c| (c, v.clone()))
                        .map_err(|e| FinanceError::goaml(what, e))
                })
                .collect()
        };
        let mut rates = HashMap::new();
        for (k, v) in &f.rates {
            rates.insert(currency(k, "profile.rates")?, *v);
        }
        let local = currency(&f.currency_code_local, "profile.currency_code_local")?;
        rates.insert(local, 1.0);
        if f.default_indicators.is_empty() {
            return Err(FinanceError::goaml(
                "profile.default_indicators",
                "at least one indicator is required by the schema",
            ));
        }
        Ok(GoamlProfile {
            name: f.name,
            schema,
            write_schema_version: f.write_schema_version,
            rentity_id: f.rentity_id,
            rentity_branch: f.rentity_branch,
            currency_code_local: local,
            offset: UtcOffset::parse(&f.timezone).ok_or_else(|| {
                FinanceError::goaml("profile.timezone", format!("{:?}", f.timezone))
            })?,
            reporter,
            location: super::GoamlAddress {
                address_type: f.location.address_type,
                address: f.location.address,
                city: f.location.city,
                country_code: f.location.country_code,
                state: f.location.state,
            },
            report_codes,
            indicators: f.indicators.into_iter().collect(),
            default_indicators: f.default_indicators,
            transmode_codes: channels(&f.transmode_codes, "profile.transmode_codes")?,
            default_transmode: f.default_transmode,
            transmode_comment: f.transmode_comment,
            funds_codes: channels(&f.funds_codes, "profile.funds_codes")?,
            default_funds: f.default_funds,
            rates,
            ascii_names: f.ascii_names,
            actions,
        })
    }

    /// Checks every indicator code of the profile against an FIU indicator list (JSON array of
    /// `{"code": ..., "label": ...}`, as the UAE list), returning the unknown codes.
    ///
    /// # Errors
    /// When the list is not such JSON.
    pub fn unknown_indicators(
        &self,
        indicator_list_json: &str,
    ) -> Result<Vec<String>, FinanceError> {
        #[derive(Deserialize)]
        struct Item {
            code: String,
        }
        let items: Vec<Item> = serde_json::from_str(indicator_list_json)
            .map_err(|e| FinanceError::goaml("indicator list", e.to_string()))?;
        let mut unknown: Vec<String> = self
            .indicators
            .values()
            .flatten()
            .chain(self.default_indicators.iter())
            .filter(|c| !items.iter().any(|i| &i.code == *c))
            .cloned()
            .collect();
        unknown.sort();
        unknown.dedup();
        Ok(unknown)
    }
}
