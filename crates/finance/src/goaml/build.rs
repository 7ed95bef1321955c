//! The goAML report model and its construction from alerts.

use super::GoamlProfile;
use crate::{Alert, Amount, Channel, FinanceError, Party, PartyKind, Timestamp, Transaction};

/// Who files the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reporter {
    /// `reporting_user_code`: the goAML web user code.
    UserCode(String),
    /// `reporting_person` with a first and last name.
    Person {
        first_name: String,
        last_name: String,
    },
}

/// A goAML `t_address`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoamlAddress {
    pub address_type: String,
    pub address: String,
    pub city: String,
    pub country_code: String,
    pub state: Option<String>,
}

/// The account, person or entity on one side of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoamlSubject {
    Account {
        institution_name: String,
        swift: Option<String>,
        institution_code: Option<String>,
        account: String,
        account_name: Option<String>,
    },
    Person {
        first_name: String,
        last_name: String,
    },
    Entity {
        name: String,
    },
}

/// `t_from` or `t_to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoamlParty {
    pub funds_code: String,
    pub subject: GoamlSubject,
    pub country: String,
}

/// One `transaction` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoamlTransaction {
    pub number: String,
    pub internal_ref: Option<String>,
    pub location: String,
    pub description: String,
    /// `YYYY-MM-DDTHH:MM:SS` in the profile's time zone.
    pub date: String,
    pub transmode_code: String,
    pub transmode_comment: Option<String>,
    pub amount_local: Amount,
    pub from: GoamlParty,
    pub to: GoamlParty,
}

/// One goAML report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoamlReport {
    pub schema_version: Option<String>,
    pub rentity_id: u32,
    pub rentity_branch: String,
    pub submission_code: String,
    pub report_code: String,
    pub entity_reference: String,
    pub submission_date: String,
    pub currency_code_local: String,
    pub reporter: Reporter,
    pub location: GoamlAddress,
    pub reason: String,
    pub action: String,
    pub transactions: Vec<GoamlTransaction>,
    pub indicators: Vec<String>,
}

/// Keeps `[A-Za-z0-9 .'-]`, folding common accented Latin letters to their base letter and dropping the rest;
/// an empty result becomes `UNKNOWN`.
pub(crate) fn ascii_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let base = match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | ' ' | '.' | '\'' | '-' => Some(c),
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => Some('a'),
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => Some('A'),
            'ç' | 'ć' | 'č' => Some('c'),
            'Ç' | 'Ć' | 'Č' => Some('C'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' => Some('e'),
            'È' | 'É' | 'Ê' | 'Ë' | 'Ē' => Some('E'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => Some('i'),
            'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => Some('I'),
            'ñ' => Some('n'),
            'Ñ' => Some('N'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => Some('o'),
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => Some('O'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => Some('u'),
            'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => Some('U'),
            'ý' | 'ÿ' => Some('y'),
            'Ý' => Some('Y'),
            'ß' => {
                out.push_str("ss");
                None
            }
            '’' | 'ʿ' | 'ʾ' | '`' => Some('\''),
            _ if c.is_whitespace() => Some(' '),
            _ => None,
        };
        if let Some(b) = base {
            out.push(b);
        }
    }
    let t = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() { "UNKNOWN".into() } else { t }
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn name_text(profile: &GoamlProfile, s: &str, max: usize) -> String {
    let t = if profile.ascii_names {
        ascii_name(s)
    } else {
        s.trim().to_string()
    };
    let t = if t.is_empty() {
        "UNKNOWN".to_string()
    } else {
        t
    };
    clip(&t, max)
}

fn country_code(p: &Party, fallback: &str) -> String {
    p.country
        .or(p.bank_country)
        .map(|c| c.code().to_ascii_uppercase())
        .unwrap_or_else(|| fallback.to_string())
}

fn subject(profile: &GoamlProfile, p: &Party, stand_in: &Party) -> GoamlSubject {
    if !p.account.is_empty() {
        let bic = p.bank_bic.trim();
        let bic_ok =
            (bic.len() == 8 || bic.len() == 11) && bic.chars().all(|c| c.is_ascii_alphanumeric());
        return GoamlSubject::Account {
            institution_name: name_text(
                profile,
                if p.bank_name.is_empty() {
                    "UNKNOWN"
                } else {
                    &p.bank_name
                },
                255,
            ),
            swift: bic_ok.then(|| bic.to_ascii_uppercase()),
            institution_code: (!bic_ok)
                .then(|| clip(if bic.is_empty() { "UNKNOWN" } else { bic }, 50)),
            account: clip(&p.account, 50),
            account_name: (!p.name.trim().is_empty()).then(|| name_text(profile, &p.name, 255)),
        };
    }
    // The cash side of a cash transaction: the conductor is the other side's holder.
    let who = if p.name.trim().is_empty() {
        stand_in
    } else {
        p
    };
    match who.kind {
        PartyKind::Person => {
            let name = name_text(profile, &who.name, 200);
            let (first, last) = match name.rsplit_once(' ') {
                Some((f, l)) => (f.to_string(), l.to_string()),
                None => ("UNKNOWN".to_string(), name.clone()),
            };
            GoamlSubject::Person {
                first_name: clip(&first, 100),
                last_name: clip(&last, 100),
            }
        }
        _ => GoamlSubject::Entity {
            name: name_text(profile, &who.name, 255),
        },
    }
}

fn funds_code(profile: &GoamlProfile, channel: Channel) -> String {
    profile
        .funds_codes
        .get(&channel)
        .cloned()
        .unwrap_or_else(|| profile.default_funds.clone())
}

fn transaction(profile: &GoamlProfile, tx: &Transaction) -> Result<GoamlTransaction, FinanceError> {
    let rate = profile.rates.get(&tx.currency).ok_or_else(|| {
        FinanceError::goaml(
            &format!("transaction {}", tx.id),
            format!(
                "no rate from {} to the local currency {} in the profile",
                tx.currency, profile.currency_code_local
            ),
        )
    })?;
    let amount_local = if *rate == 1.0 {
        tx.amount
    } else {
        Amount((tx.amount.0 as f64 * rate).round() as i64)
    };
    let fallback_country = profile.location.country_code.clone();
    Ok(GoamlTransaction {
        number: clip(&tx.id, 100),
        internal_ref: None,
        location: clip(
            &if !tx.debtor.bank_name.is_empty() && tx.channel.is_cash() {
                tx.debtor.bank_name.clone()
            } else {
                tx.channel.as_str().to_string()
            },
            255,
        ),
        description: clip(
            &format!(
                "{} of {} {}{}",
                tx.channel.as_str(),
                tx.amount,
                tx.currency,
                if tx.purpose.is_empty() {
                    String::new()
                } else {
                    format!(": {}", tx.purpose)
                }
            ),
            4000,
        ),
        date: tx.timestamp.to_local_naive(profile.offset),
        transmode_code: profile
            .transmode_codes
            .get(&tx.channel)
            .cloned()
            .unwrap_or_else(|| profile.default_transmode.clone()),
        transmode_comment: profile.transmode_comment.clone(),
        amount_local,
        from: GoamlParty {
            funds_code: funds_code(profile, tx.channel),
            subject: subject(profile, &tx.debtor, &tx.creditor),
            country: country_code(&tx.debtor, &fallback_country),
        },
        to: GoamlParty {
            funds_code: funds_code(profile, tx.channel),
            subject: subject(profile, &tx.creditor, &tx.debtor),
            country: country_code(&tx.creditor, &fallback_country),
        },
    })
}

/// Builds one report from one or more alerts about the same subject (they share the report code of the most
/// serious alert). `reference` becomes `entity_reference`; `submitted` the submission date.
///
/// # Errors
/// When the profile has no report code for the alert kind, a transaction's currency has no rate, or `alerts`
/// is empty.
pub fn build_report(
    alerts: &[Alert],
    profile: &GoamlProfile,
    reference: &str,
    submitted: Timestamp,
) -> Result<GoamlReport, FinanceError> {
    let first = alerts
        .first()
        .ok_or_else(|| FinanceError::goaml("report", "no alerts"))?;
    let kind = alerts
        .iter()
        .map(|a| a.report)
        .max()
        .unwrap_or(first.report);
    let report_code = profile.report_codes.get(&kind).cloned().ok_or_else(|| {
        FinanceError::goaml(
            "report_code",
            format!(
                "profile {} has no report code for `{}` alerts (alert {})",
                profile.name,
                kind.as_str(),
                first.id
            ),
        )
    })?;
    let mut transactions = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in alerts {
        for tx in &a.transactions {
            if seen.insert(tx.id.clone()) {
                transactions.push(transaction(profile, tx)?);
            }
        }
    }
    let mut indicators = Vec::new();
    for a in alerts {
        for code in profile
            .indicators
            .get(&a.rule_id)
            .unwrap_or(&profile.default_indicators)
        {
            if !indicators.contains(code) {
                indicators.push(code.clone());
            }
        }
    }
    let mut reason = String::new();
    for a in alerts {
        let values: Vec<String> = a.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        reason.push_str(&format!(
            "Rule {} v{} ({} {}): {}. Condition: {}. Values ({}): {}. Subject: {} {}. ",
            a.rule_id,
            a.rule_version,
            a.pack_id,
            a.pack_version,
            a.title,
            a.condition,
            a.currency,
            values.join(", "),
            a.side.as_str(),
            if a.subject.name.is_empty() {
                a.subject.account_key()
            } else {
                &a.subject.name
            },
        ));
        for f in &a.screening {
            reason.push_str(&format!(
                "Screening: {:?} {} matched {} ({}) score {:.2} on {}. ",
                f.role,
                f.party_name,
                f.hit.entry_id,
                f.hit.caption,
                f.hit.score,
                f.hit.datasets.join(",")
            ));
        }
    }
    let action = profile
        .actions
        .get(&kind)
        .cloned()
        .unwrap_or_else(|| match kind {
            crate::ReportKind::Freeze => {
                "Funds frozen pending confirmation; asset freeze reported".into()
            }
            _ => "Reported for analysis; account under review".into(),
        });
    Ok(GoamlReport {
        schema_version: profile
            .write_schema_version
            .then(|| profile.schema.as_str().to_string()),
        rentity_id: profile.rentity_id,
        rentity_branch: profile.rentity_branch.clone(),
        submission_code: "E".into(),
        report_code,
        entity_reference: clip(reference, 255),
        submission_date: submitted.to_local_naive(profile.offset),
        currency_code_local: profile.currency_code_local.code().to_string(),
        reporter: profile.reporter.clone(),
        location: profile.location.clone(),
        reason: clip(reason.trim(), 4000),
        action: clip(&action, 4000),
        transactions,
        indicators,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_names_to_the_uae_pattern() {
        let table = [
            ("Jean-Loïc Exemplé", "Jean-Loic Exemple"),
            ("O’Brien", "O'Brien"),
            ("Straße  Gmbh", "Strasse Gmbh"),
            ("محمد", "UNKNOWN"),
            ("Ali (alias) 2", "Ali alias 2"),
        ];
        for (input, want) in table {
            assert_eq!(super::ascii_name(input), want);
        }
    }
}
