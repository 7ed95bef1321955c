//! The Interdict transaction CSV layout.
//!
//! A header row is required; columns may come in any order and unknown columns are ignored. Required:
//! `id`, `timestamp`, `amount`, `currency`. Optional: `channel` (default `wire`; one of `wire`,
//! `cash_deposit`, `cash_withdrawal`, `cash_payment`, `card`, `prepaid_load`, `cheque`, `remittance`, `other`),
//! `purpose`, and for each side `debtor_` / `creditor_` followed by `account`, `customer`, `name`, `kind`
//! (`person`, `organization`, `npo`), `country` (ISO 3166 alpha-2), `identifier`, `bank_bic`, `bank_name`,
//! `bank_country`.
//!
//! `timestamp` is ISO 8601 (`2026-03-01T09:15:00+01:00`); without an offset it is read in
//! [`CsvOptions::default_offset`]. `amount` uses `.` for decimals (at most two) and no grouping.
//!
//! ```text
//! id,timestamp,amount,currency,channel,debtor_account,debtor_customer,debtor_name,debtor_country,creditor_account,creditor_name,creditor_country
//! t1,2026-03-01T09:15:00+01:00,9500.00,EUR,cash_deposit,,,,,FR7630001007941234567890185,Jean Exemple,fr
//! ```

use crate::{
    Amount, Channel, Currency, FinanceError, Party, PartyKind, Timestamp, Transaction, UtcOffset,
};
use interdict_model::Country;
use std::io::Read;

/// How to read the CSV layout.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// Offset for timestamps written without one.
    pub default_offset: UtcOffset,
}

const SIDE_FIELDS: [&str; 9] = [
    "account",
    "customer",
    "name",
    "kind",
    "country",
    "identifier",
    "bank_bic",
    "bank_name",
    "bank_country",
];

#[derive(Debug, Default)]
struct Columns {
    id: usize,
    timestamp: usize,
    amount: usize,
    currency: usize,
    channel: Option<usize>,
    purpose: Option<usize>,
    debtor: [Option<usize>; 9],
    creditor: [Option<usize>; 9],
}

/// Streams [`Transaction`]s from the CSV layout.
#[derive(Debug)]
pub struct CsvReader<R: Read> {
    rows: csv::Reader<R>,
    columns: Columns,
    record: csv::StringRecord,
    source_name: String,
    options: CsvOptions,
    line: u64,
    done: bool,
}

impl<R: Read> CsvReader<R> {
    /// Reads and checks the header.
    ///
    /// # Errors
    /// When the header is missing or lacks a required column.
    pub fn new(reader: R, source_name: &str, options: CsvOptions) -> Result<Self, FinanceError> {
        let mut rows = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = rows
            .headers()
            .map_err(|e| FinanceError::input(source_name, format!("header: {e}")))?
            .clone();
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
        };
        let need = |name: &str| {
            find(name).ok_or_else(|| {
                FinanceError::input(
                    source_name,
                    format!("header lacks the required column `{name}`"),
                )
            })
        };
        let mut columns = Columns {
            id: need("id")?,
            timestamp: need("timestamp")?,
            amount: need("amount")?,
            currency: need("currency")?,
            channel: find("channel"),
            purpose: find("purpose"),
            ..Columns::default()
        };
        for (i, f) in SIDE_FIELDS.iter().enumerate() {
            columns.debtor[i] = find(&format!("debtor_{f}"));
            columns.creditor[i] = find(&format!("creditor_{f}"));
        }
        Ok(CsvReader {
            rows,
            columns,
            record: csv::StringRecord::new(),
            source_name: source_name.to_string(),
            options,
            line: 1,
            done: false,
        })
    }

    fn field(&self, idx: usize) -> &str {
        self.record.get(idx).unwrap_or("")
    }

    fn party(&self, cols: &[Option<usize>; 9], side: &str) -> Result<Party, FinanceError> {
        let get = |i: usize| cols[i].map(|c| self.field(c)).unwrap_or("");
        let country = |i: usize| -> Result<Option<Country>, FinanceError> {
            let v = get(i);
            if v.is_empty() {
                return Ok(None);
            }
            Country::from_code(v).map(Some).ok_or_else(|| {
                FinanceError::record(
                    &self.source_name,
                    self.line,
                    &format!("{side}_{}", SIDE_FIELDS[i]),
                    format!("not an ISO 3166 alpha-2 code: {v:?}"),
                )
            })
        };
        Ok(Party {
            account: get(0).to_string(),
            customer: get(1).to_string(),
            name: get(2).to_string(),
            kind: get(3).parse::<PartyKind>().map_err(|e| {
                FinanceError::record(&self.source_name, self.line, &format!("{side}_kind"), e)
            })?,
            country: country(4)?,
            identifier: get(5).to_string(),
            bank_bic: get(6).to_string(),
            bank_name: get(7).to_string(),
            bank_country: country(8)?,
        })
    }

    fn parse_record(&self) -> Result<Transaction, FinanceError> {
        let c = &self.columns;
        let err = |field: &str, msg: String| {
            FinanceError::record(&self.source_name, self.line, field, msg)
        };
        let id = self.field(c.id);
        if id.is_empty() {
            return Err(err("id", "empty".into()));
        }
        let ts = self.field(c.timestamp);
        let timestamp = Timestamp::parse(ts, self.options.default_offset)
            .map_err(|e| err("timestamp", format!("{e}: {ts:?}")))?;
        let am = self.field(c.amount);
        let amount = Amount::parse(am).map_err(|e| err("amount", format!("{e}: {am:?}")))?;
        let cur = self.field(c.currency);
        let currency = Currency::from_code(cur)
            .ok_or_else(|| err("currency", format!("not an ISO 4217 code: {cur:?}")))?;
        let channel = match c.channel.map(|i| self.field(i)).filter(|s| !s.is_empty()) {
            Some(s) => s.parse::<Channel>().map_err(|e| err("channel", e))?,
            None => Channel::Wire,
        };
        Ok(Transaction {
            id: id.to_string(),
            timestamp,
            amount,
            currency,
            channel,
            debtor: self.party(&c.debtor, "debtor")?,
            creditor: self.party(&c.creditor, "creditor")?,
            purpose: c
                .purpose
                .map(|i| self.field(i).to_string())
                .unwrap_or_default(),
        })
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<Transaction, FinanceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut record = std::mem::take(&mut self.record);
        let got = self.rows.read_record(&mut record);
        self.record = record;
        match got {
            Ok(false) => None,
            Ok(true) => {
                self.line = self
                    .record
                    .position()
                    .map(|p| p.line())
                    .unwrap_or(self.line + 1);
                Some(self.parse_record())
            }
            Err(e) => {
                self.line = e.position().map(|p| p.line()).unwrap_or(self.line + 1);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    // An I/O error repeats; report it once and stop.
                    self.done = true;
                    return Some(Err(FinanceError::input(&self.source_name, e.to_string())));
                }
                Some(Err(FinanceError::record(
                    &self.source_name,
                    self.line,
                    "(row)",
                    e.to_string(),
                )))
            }
        }
    }
}

/// The full header of the layout, in the order [`record`] writes.
pub const HEADER: [&str; 24] = [
    "id",
    "timestamp",
    "amount",
    "currency",
    "channel",
    "purpose",
    "debtor_account",
    "debtor_customer",
    "debtor_name",
    "debtor_kind",
    "debtor_country",
    "debtor_identifier",
    "debtor_bank_bic",
    "debtor_bank_name",
    "debtor_bank_country",
    "creditor_account",
    "creditor_customer",
    "creditor_name",
    "creditor_kind",
    "creditor_country",
    "creditor_identifier",
    "creditor_bank_bic",
    "creditor_bank_name",
    "creditor_bank_country",
];

/// One transaction as a record under [`HEADER`] (timestamps in UTC).
pub fn record(tx: &Transaction) -> Vec<String> {
    let mut out = vec![
        tx.id.clone(),
        tx.timestamp.to_rfc3339(),
        tx.amount.to_string(),
        tx.currency.to_string(),
        tx.channel.as_str().to_string(),
        tx.purpose.clone(),
    ];
    for p in [&tx.debtor, &tx.creditor] {
        out.push(p.account.clone());
        out.push(p.customer.clone());
        out.push(p.name.clone());
        out.push(if p.kind == PartyKind::Unknown {
            String::new()
        } else {
            p.kind.as_str().to_string()
        });
        out.push(p.country.map(|c| c.code().to_string()).unwrap_or_default());
        out.push(p.identifier.clone());
        out.push(p.bank_bic.clone());
        out.push(p.bank_name.clone());
        out.push(
            p.bank_country
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
        );
    }
    out
}
