//! IBM AMLSim transaction files. Two layouts are read, told apart by their header:
//!
//! - `sourceNodeId,targetNodeId,value,time` (the 20K_fanin200cycle200 data set): one transfer per line, `time`
//!   a simulation step;
//! - `TXN_ID,ACCOUNT_ID,COUNTER_PARTY_ACCOUNT_NUM,TXN_SOURCE_TYPE_CODE,tx_count,TXN_AMOUNT_ORIG,start,end`
//!   (`outputs/tx.csv`): `ACCOUNT_ID` pays `COUNTER_PARTY_ACCOUNT_NUM`, `start` is the step.
//!
//! A step is one day starting at [`AMLSIM_EPOCH`] (2017-01-01, AMLSim's default start date), amounts are USD,
//! account `N` becomes account `A<N>` of customer `C<N>`. [`AmlSimLabels`] reads `nodes.csv` (or
//! `accounts.csv`) for the laundering labels.

use crate::{Amount, Channel, Currency, FinanceError, Party, PartyKind, Timestamp, Transaction};
use std::collections::HashSet;
use std::io::Read;

/// 2017-01-01T00:00:00Z, the instant of simulation step 0.
pub const AMLSIM_EPOCH: Timestamp = Timestamp(1_483_228_800);

#[derive(Debug, Clone, Copy)]
enum Layout {
    Nodes {
        src: usize,
        dst: usize,
        value: usize,
        time: usize,
    },
    Outputs {
        id: usize,
        src: usize,
        dst: usize,
        kind: usize,
        amount: usize,
        start: usize,
    },
}

/// Streams AMLSim transfers as [`Transaction`]s.
#[derive(Debug)]
pub struct AmlSimReader<R: Read> {
    rows: csv::Reader<R>,
    layout: Layout,
    record: csv::StringRecord,
    source_name: String,
    n: u64,
    done: bool,
}

const USD: Currency = Currency::USD;

impl<R: Read> AmlSimReader<R> {
    /// Reads the header and picks the layout.
    ///
    /// # Errors
    /// When the header is neither AMLSim layout.
    pub fn new(reader: R, source_name: &str) -> Result<Self, FinanceError> {
        let mut rows = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(reader);
        let header = rows
            .headers()
            .map_err(|e| FinanceError::input(source_name, format!("header: {e}")))?
            .clone();
        let find = |n: &str| header.iter().position(|h| h == n);
        let layout = if let (Some(src), Some(dst), Some(value), Some(time)) = (
            find("sourceNodeId"),
            find("targetNodeId"),
            find("value"),
            find("time"),
        ) {
            Layout::Nodes {
                src,
                dst,
                value,
                time,
            }
        } else if let (Some(id), Some(src), Some(dst), Some(kind), Some(amount), Some(start)) = (
            find("TXN_ID"),
            find("ACCOUNT_ID"),
            find("COUNTER_PARTY_ACCOUNT_NUM"),
            find("TXN_SOURCE_TYPE_CODE"),
            find("TXN_AMOUNT_ORIG"),
            find("start"),
        ) {
            Layout::Outputs {
                id,
                src,
                dst,
                kind,
                amount,
                start,
            }
        } else {
            return Err(FinanceError::input(
                source_name,
                "not an AMLSim header (expected sourceNodeId,targetNodeId,value,time or TXN_ID,ACCOUNT_ID,...)",
            ));
        };
        Ok(AmlSimReader {
            rows,
            layout,
            record: csv::StringRecord::new(),
            source_name: source_name.into(),
            n: 0,
            done: false,
        })
    }

    fn parse(&self, line: u64) -> Result<Transaction, FinanceError> {
        let get = |i: usize| self.record.get(i).unwrap_or("");
        let err =
            |field: &str, msg: String| FinanceError::record(&self.source_name, line, field, msg);
        let (id, src, dst, channel, amount, step, amount_field, step_field) = match self.layout {
            Layout::Nodes {
                src,
                dst,
                value,
                time,
            } => (
                format!("amlsim-{}", self.n),
                get(src),
                get(dst),
                Channel::Wire,
                get(value),
                get(time),
                "value",
                "time",
            ),
            Layout::Outputs {
                id,
                src,
                dst,
                kind,
                amount,
                start,
            } => {
                let channel = match get(kind) {
                    "CHECK" => Channel::Cheque,
                    "CREDIT" => Channel::Card,
                    "DEPOSIT" | "CASH-IN" => Channel::CashDeposit,
                    "CASH-OUT" => Channel::CashWithdrawal,
                    _ => Channel::Wire,
                };
                (
                    format!("amlsim-{}", get(id)),
                    get(src),
                    get(dst),
                    channel,
                    get(amount),
                    get(start),
                    "TXN_AMOUNT_ORIG",
                    "start",
                )
            }
        };
        let node = |v: &str, field: &str| -> Result<u64, FinanceError> {
            v.parse::<u64>()
                .map_err(|_| err(field, format!("not an account number: {v:?}")))
        };
        let (s, d) = match self.layout {
            Layout::Nodes { .. } => (node(src, "sourceNodeId")?, node(dst, "targetNodeId")?),
            Layout::Outputs { .. } => (
                node(src, "ACCOUNT_ID")?,
                node(dst, "COUNTER_PARTY_ACCOUNT_NUM")?,
            ),
        };
        let amount =
            Amount::parse(amount).map_err(|e| err(amount_field, format!("{e}: {amount:?}")))?;
        let step: i64 = step
            .parse()
            .map_err(|_| err(step_field, format!("not a step number: {step:?}")))?;
        if !(0..=100_000).contains(&step) {
            return Err(err(step_field, format!("step out of range: {step}")));
        }
        let party = |n: u64| Party {
            account: format!("A{n}"),
            customer: format!("C{n}"),
            kind: PartyKind::Person,
            ..Party::default()
        };
        Ok(Transaction {
            id,
            timestamp: Timestamp(AMLSIM_EPOCH.0 + step * 86_400),
            amount,
            currency: USD,
            channel,
            debtor: party(s),
            creditor: party(d),
            purpose: String::new(),
        })
    }
}

impl<R: Read> Iterator for AmlSimReader<R> {
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
                self.n += 1;
                let line = self
                    .record
                    .position()
                    .map(|p| p.line())
                    .unwrap_or(self.n + 1);
                Some(self.parse(line))
            }
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                    return Some(Err(FinanceError::input(&self.source_name, e.to_string())));
                }
                let line = e.position().map(|p| p.line()).unwrap_or(self.n + 1);
                Some(Err(FinanceError::record(
                    &self.source_name,
                    line,
                    "(row)",
                    e.to_string(),
                )))
            }
        }
    }
}

/// The accounts AMLSim labels as laundering (`isFraud` = 1 / true), from `nodes.csv` or `accounts.csv`.
#[derive(Debug, Clone, Default)]
pub struct AmlSimLabels {
    fraud_accounts: HashSet<String>,
}

impl AmlSimLabels {
    /// Reads `nodeid,isFraud,...` or `ACCOUNT_ID,...,isFraud,...`.
    ///
    /// # Errors
    /// When the header lacks the columns or a record is malformed.
    pub fn read<R: Read>(reader: R, source_name: &str) -> Result<Self, FinanceError> {
        let mut rows = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = rows
            .headers()
            .map_err(|e| FinanceError::input(source_name, format!("header: {e}")))?
            .clone();
        let find = |n: &str| header.iter().position(|h| h == n);
        let id = find("nodeid")
            .or_else(|| find("ACCOUNT_ID"))
            .ok_or_else(|| FinanceError::input(source_name, "no nodeid or ACCOUNT_ID column"))?;
        let fraud =
            find("isFraud").ok_or_else(|| FinanceError::input(source_name, "no isFraud column"))?;
        let mut fraud_accounts = HashSet::new();
        for (i, row) in rows.records().enumerate() {
            let row = row.map_err(|e| {
                FinanceError::record(source_name, i as u64 + 2, "(row)", e.to_string())
            })?;
            let flag = row.get(fraud).unwrap_or("");
            if flag == "1" || flag.eq_ignore_ascii_case("true") {
                fraud_accounts.insert(format!("A{}", row.get(id).unwrap_or("")));
            }
        }
        Ok(AmlSimLabels { fraud_accounts })
    }

    /// Whether the account (`A<N>`) is labelled as laundering.
    pub fn is_fraud_account(&self, account: &str) -> bool {
        self.fraud_accounts.contains(account)
    }

    /// A transfer is labelled laundering when both its accounts are laundering accounts.
    pub fn is_laundering(&self, tx: &Transaction) -> bool {
        self.is_fraud_account(&tx.debtor.account) && self.is_fraud_account(&tx.creditor.account)
    }

    pub fn fraud_account_count(&self) -> usize {
        self.fraud_accounts.len()
    }
}
