//! Reading goAML XML back into a [`GoamlReport`] (the subset [`super::write_report`] writes), for round trips
//! and for checking reports received from elsewhere.

use super::{GoamlAddress, GoamlParty, GoamlReport, GoamlSubject, GoamlTransaction, Reporter};
use crate::xml_events::{XmlEvent, XmlEvents};
use crate::{Amount, FinanceError};
use std::collections::HashMap;

/// Parses a goAML report.
///
/// # Errors
/// [`FinanceError::Goaml`] naming the element that is missing or malformed.
pub fn read_report(xml: &str) -> Result<GoamlReport, FinanceError> {
    let mut events = XmlEvents::new(xml.as_bytes());
    let mut path: Vec<String> = Vec::new();
    let mut top: HashMap<String, String> = HashMap::new();
    let mut txs: Vec<HashMap<String, String>> = Vec::new();
    let mut indicators = Vec::new();
    loop {
        let ev = events.next_event().map_err(|e| {
            FinanceError::goaml(
                "report",
                format!("XML not well formed near byte {}: {e}", events.position()),
            )
        })?;
        let Some(ev) = ev else { break };
        match ev {
            XmlEvent::Open { name, .. } => {
                if path.len() > 32 {
                    return Err(FinanceError::goaml("report", "nested too deeply"));
                }
                if path.is_empty() && name != "report" {
                    return Err(FinanceError::goaml(
                        "report",
                        format!("the root element must be <report>, not <{name}>"),
                    ));
                }
                if name == "transaction" && path.len() == 1 {
                    txs.push(HashMap::new());
                }
                path.push(name);
            }
            XmlEvent::Close { .. } => {
                path.pop();
            }
            XmlEvent::Text(t) => {
                if path.first().map(String::as_str) != Some("report") {
                    return Err(FinanceError::goaml(
                        "report",
                        "the root element must be <report>",
                    ));
                }
                let rel = path[1..].join("/");
                if rel == "report_indicators/indicator" {
                    indicators.push(t);
                } else if let Some(rest) = rel.strip_prefix("transaction/") {
                    if let Some(tx) = txs.last_mut() {
                        tx.insert(rest.to_string(), t);
                    }
                } else {
                    top.insert(rel, t);
                }
            }
        }
    }
    if let Some(open) = path.last() {
        return Err(FinanceError::goaml(
            "report",
            format!("XML not well formed: <{open}> is not closed"),
        ));
    }
    let need = |m: &HashMap<String, String>, k: &str, ctx: &str| -> Result<String, FinanceError> {
        m.get(k)
            .cloned()
            .ok_or_else(|| FinanceError::goaml(&format!("{ctx}{k}"), "missing"))
    };
    let opt = |m: &HashMap<String, String>, k: &str| m.get(k).cloned();
    let reporter = match opt(&top, "reporting_user_code") {
        Some(c) => Reporter::UserCode(c),
        None => Reporter::Person {
            first_name: need(&top, "reporting_person/first_name", "")?,
            last_name: need(&top, "reporting_person/last_name", "")?,
        },
    };
    let mut transactions = Vec::new();
    for (i, t) in txs.iter().enumerate() {
        let ctx = format!("transaction[{}]/", i + 1);
        let party = |dir: &str| -> Result<GoamlParty, FinanceError> {
            let p = format!("t_{dir}/");
            let subject = if t.contains_key(&format!("{p}{dir}_account/account")) {
                let a = format!("{p}{dir}_account/");
                GoamlSubject::Account {
                    institution_name: need(t, &format!("{a}institution_name"), &ctx)?,
                    swift: opt(t, &format!("{a}swift")),
                    institution_code: opt(t, &format!("{a}institution_code")),
                    account: need(t, &format!("{a}account"), &ctx)?,
                    account_name: opt(t, &format!("{a}account_name")),
                }
            } else if t.contains_key(&format!("{p}{dir}_person/last_name")) {
                GoamlSubject::Person {
                    first_name: need(t, &format!("{p}{dir}_person/first_name"), &ctx)?,
                    last_name: need(t, &format!("{p}{dir}_person/last_name"), &ctx)?,
                }
            } else {
                GoamlSubject::Entity {
                    name: need(t, &format!("{p}{dir}_entity/name"), &ctx)?,
                }
            };
            Ok(GoamlParty {
                funds_code: need(t, &format!("{p}{dir}_funds_code"), &ctx)?,
                subject,
                country: need(t, &format!("{p}{dir}_country"), &ctx)?,
            })
        };
        let amount_text = need(t, "amount_local", &ctx)?;
        transactions.push(GoamlTransaction {
            number: need(t, "transactionnumber", &ctx)?,
            internal_ref: opt(t, "internal_ref_number"),
            location: need(t, "transaction_location", &ctx)?,
            description: need(t, "transaction_description", &ctx)?,
            date: need(t, "date_transaction", &ctx)?,
            transmode_code: need(t, "transmode_code", &ctx)?,
            transmode_comment: opt(t, "transmode_comment"),
            amount_local: Amount::parse(&amount_text).map_err(|e| {
                FinanceError::goaml(
                    &format!("{ctx}amount_local"),
                    format!("{e}: {amount_text:?}"),
                )
            })?,
            from: party("from")?,
            to: party("to")?,
        });
    }
    let rentity = need(&top, "rentity_id", "")?;
    Ok(GoamlReport {
        schema_version: opt(&top, "schema_version"),
        rentity_id: rentity
            .parse()
            .map_err(|_| FinanceError::goaml("rentity_id", format!("not a number: {rentity:?}")))?,
        rentity_branch: need(&top, "rentity_branch", "")?,
        submission_code: need(&top, "submission_code", "")?,
        report_code: need(&top, "report_code", "")?,
        entity_reference: opt(&top, "entity_reference").unwrap_or_default(),
        submission_date: need(&top, "submission_date", "")?,
        currency_code_local: need(&top, "currency_code_local", "")?,
        reporter,
        location: GoamlAddress {
            address_type: need(&top, "location/address_type", "")?,
            address: need(&top, "location/address", "")?,
            city: need(&top, "location/city", "")?,
            country_code: need(&top, "location/country_code", "")?,
            state: opt(&top, "location/state"),
        },
        reason: opt(&top, "reason").unwrap_or_default(),
        action: opt(&top, "action").unwrap_or_default(),
        transactions,
        indicators,
    })
}
