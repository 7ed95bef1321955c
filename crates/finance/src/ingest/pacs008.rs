//! ISO 20022 pacs.008 (FI-to-FI customer credit transfer) XML, any version from .001.02 on: every
//! `CdtTrfTxInf` becomes one [`Transaction`] with `channel = wire`.
//!
//! Read per transaction: `PmtId/TxId` (else `EndToEndId`, else `UETR`) as the id; `IntrBkSttlmAmt` and its `Ccy`;
//! the time from `AccptncDtTm`, else `IntrBkSttlmDt`, else the group header's `CreDtTm`; for `Dbtr` and `Cdtr`:
//! `Nm`, `PstlAdr/Ctry` (else `CtryOfRes`), `Id/OrgId` (organisation: `LEI`, `AnyBIC` or `Othr/Id`) or
//! `Id/PrvtId` (person: `Othr/Id`); the account from `DbtrAcct`/`CdtrAcct` `Id/IBAN` or `Id/Othr/Id`; the
//! agents' `FinInstnId/BICFI` (or `BIC`), `Nm` and `PstlAdr/Ctry`; `RmtInf/Ustrd` and `Purp/Cd` as purpose.
//! Elements are matched by local name, so any namespace prefix works.

use crate::xml_events::{XmlEvent, XmlEvents};
use crate::{
    Amount, Channel, Currency, FinanceError, Party, PartyKind, Timestamp, Transaction, UtcOffset,
};
use interdict_model::Country;
use std::collections::HashMap;
use std::io::BufRead;

/// Streams [`Transaction`]s from a pacs.008 document.
#[derive(Debug)]
pub struct Pacs008Reader<R: BufRead> {
    events: XmlEvents<R>,
    source_name: String,
    default_offset: UtcOffset,
    path: Vec<String>,
    header_time: Option<String>,
    fields: HashMap<String, String>,
    tx_start: Option<usize>,
    count: u64,
    done: bool,
}

impl<R: BufRead> Pacs008Reader<R> {
    pub fn new(input: R, source_name: &str, default_offset: UtcOffset) -> Self {
        Pacs008Reader {
            events: XmlEvents::new(input),
            source_name: source_name.to_string(),
            default_offset,
            path: Vec::new(),
            header_time: None,
            fields: HashMap::new(),
            tx_start: None,
            count: 0,
            done: false,
        }
    }

    fn build(&self) -> Result<Transaction, FinanceError> {
        let record = self.count;
        let f = |k: &str| self.fields.get(k).map(String::as_str).unwrap_or("");
        let err = |field: &str, msg: String| {
            FinanceError::record(
                &self.source_name,
                record,
                field,
                format!(
                    "{msg} (CdtTrfTxInf #{record}, before byte {})",
                    self.events.position()
                ),
            )
        };
        let id = [f("PmtId/TxId"), f("PmtId/EndToEndId"), f("PmtId/UETR")]
            .into_iter()
            .find(|s| !s.is_empty() && *s != "NOTPROVIDED")
            .ok_or_else(|| err("PmtId", "no TxId, EndToEndId or UETR".into()))?
            .to_string();
        let amt = f("IntrBkSttlmAmt");
        let amount =
            Amount::parse(amt).map_err(|e| err("IntrBkSttlmAmt", format!("{e}: {amt:?}")))?;
        let ccy = f("IntrBkSttlmAmt@Ccy");
        let currency = Currency::from_code(ccy).ok_or_else(|| {
            err(
                "IntrBkSttlmAmt/@Ccy",
                format!("not an ISO 4217 code: {ccy:?}"),
            )
        })?;
        let (time_field, time_text) = if !f("AccptncDtTm").is_empty() {
            ("AccptncDtTm", f("AccptncDtTm"))
        } else if !f("IntrBkSttlmDt").is_empty() {
            ("IntrBkSttlmDt", f("IntrBkSttlmDt"))
        } else {
            ("GrpHdr/CreDtTm", self.header_time.as_deref().unwrap_or(""))
        };
        let timestamp = Timestamp::parse(time_text, self.default_offset)
            .map_err(|e| err(time_field, format!("{e}: {time_text:?}")))?;
        let country = |k: &str| -> Result<Option<Country>, FinanceError> {
            let v = f(k);
            if v.is_empty() {
                Ok(None)
            } else {
                Country::from_code(v)
                    .map(Some)
                    .ok_or_else(|| err(k, format!("not an ISO 3166 alpha-2 code: {v:?}")))
            }
        };
        let party = |p: &str, acct: &str, agt: &str| -> Result<Party, FinanceError> {
            let first = |keys: &[String]| {
                keys.iter()
                    .map(|k| f(k))
                    .find(|v| !v.is_empty())
                    .unwrap_or("")
                    .to_string()
            };
            let org = [
                format!("{p}/Id/OrgId/LEI"),
                format!("{p}/Id/OrgId/AnyBIC"),
                format!("{p}/Id/OrgId/Othr/Id"),
            ];
            let prv = [format!("{p}/Id/PrvtId/Othr/Id")];
            let org_id = first(&org);
            let prv_id = first(&prv);
            let kind = if self
                .fields
                .keys()
                .any(|k| k.starts_with(&format!("{p}/Id/OrgId")))
            {
                PartyKind::Organization
            } else if self
                .fields
                .keys()
                .any(|k| k.starts_with(&format!("{p}/Id/PrvtId")))
            {
                PartyKind::Person
            } else {
                PartyKind::Unknown
            };
            let mut c = country(&format!("{p}/PstlAdr/Ctry"))?;
            if c.is_none() {
                c = country(&format!("{p}/CtryOfRes"))?;
            }
            Ok(Party {
                account: first(&[format!("{acct}/Id/IBAN"), format!("{acct}/Id/Othr/Id")]),
                customer: String::new(),
                name: f(&format!("{p}/Nm")).to_string(),
                kind,
                country: c,
                identifier: if org_id.is_empty() { prv_id } else { org_id },
                bank_bic: first(&[
                    format!("{agt}/FinInstnId/BICFI"),
                    format!("{agt}/FinInstnId/BIC"),
                ]),
                bank_name: f(&format!("{agt}/FinInstnId/Nm")).to_string(),
                bank_country: country(&format!("{agt}/FinInstnId/PstlAdr/Ctry"))?,
            })
        };
        let mut purpose = f("RmtInf/Ustrd").to_string();
        if !f("Purp/Cd").is_empty() {
            if !purpose.is_empty() {
                purpose.push(' ');
            }
            purpose.push_str(&format!("[{}]", f("Purp/Cd")));
        }
        Ok(Transaction {
            id,
            timestamp,
            amount,
            currency,
            channel: Channel::Wire,
            debtor: party("Dbtr", "DbtrAcct", "DbtrAgt")?,
            creditor: party("Cdtr", "CdtrAcct", "CdtrAgt")?,
            purpose,
        })
    }
}

impl<R: BufRead> Iterator for Pacs008Reader<R> {
    type Item = Result<Transaction, FinanceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let event = match self.events.next_event() {
                Ok(Some(e)) => e,
                Ok(None) => {
                    self.done = true;
                    if self.count == 0 {
                        return Some(Err(FinanceError::input(
                            &self.source_name,
                            "no CdtTrfTxInf element: not a pacs.008 message",
                        )));
                    }
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(FinanceError::input(
                        &self.source_name,
                        format!(
                            "XML not well formed near byte {}: {e}",
                            self.events.position()
                        ),
                    )));
                }
            };
            match event {
                XmlEvent::Open { name, attributes } => {
                    if self.path.len() > 64 {
                        self.done = true;
                        return Some(Err(FinanceError::input(
                            &self.source_name,
                            "XML nested deeper than 64 elements",
                        )));
                    }
                    self.path.push(name);
                    if self.tx_start.is_none()
                        && self.path.last().map(String::as_str) == Some("CdtTrfTxInf")
                    {
                        self.tx_start = Some(self.path.len());
                        self.fields.clear();
                        self.count += 1;
                    } else if let Some(start) = self.tx_start {
                        let rel = self.path[start..].join("/");
                        for (k, v) in attributes {
                            self.fields.entry(format!("{rel}@{k}")).or_insert(v);
                        }
                    }
                }
                XmlEvent::Text(text) => {
                    if let Some(start) = self.tx_start {
                        let rel = self.path[start..].join("/");
                        match self.fields.get_mut(&rel) {
                            Some(existing) if rel == "RmtInf/Ustrd" => {
                                existing.push(' ');
                                existing.push_str(&text);
                            }
                            Some(_) => {}
                            None => {
                                self.fields.insert(rel, text);
                            }
                        }
                    } else if self
                        .path
                        .ends_with(&["GrpHdr".to_string(), "CreDtTm".to_string()])
                    {
                        self.header_time = Some(text);
                    }
                }
                XmlEvent::Close { .. } => {
                    let closing_tx = self.tx_start == Some(self.path.len());
                    self.path.pop();
                    if closing_tx {
                        self.tx_start = None;
                        return Some(self.build());
                    }
                }
            }
        }
    }
}
