//! Rule packs: readable, versioned monitoring rules in TOML, compiled once into a [`RulePack`].
//!
//! A pack has a header (`[pack]`: id, version, currency, time zone), exchange rates into its currency
//! (`[rates]`), named lists (`[lists]`, such as high-risk corridors), the party-screening policy
//! (`[screening]`), windowed aggregates (`[aggregates.NAME]`) and rules (`[[rule]]`). Each rule has an id, a
//! version, the side of the transaction it looks at (`debtor`, `creditor` or `both`) and a `when` condition in
//! the [expression language](expr) over the transaction's fields and the aggregates. See
//! `samples/finance/rules-fr-tf.toml` for the example pack.
//!
//! An aggregate counts, per account or customer (`entity`), the transactions flowing `in`, `out` or `any`
//! direction that pass its `where` filter, over a `window`, and yields their `sum`, `count`, `max` amount or
//! number of `distinct_counterparties`. Its value in a rule is taken for the entity on the rule's side,
//! including the current transaction.

pub mod expr;
pub mod pack;
pub mod window;

pub use pack::{Aggregate, Entity, Flow, Rule, RulePack, ScreeningPolicy};
pub use window::{AggregateFn, Window};

use serde::{Deserialize, Serialize};

/// One side of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debtor = 0,
    Creditor = 1,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debtor => "debtor",
            Side::Creditor => "creditor",
        }
    }
}

/// What kind of report an alert leads to. The goAML profile maps each to the FIU's report code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// For analyst review only; no report unless an analyst decides.
    Alert,
    /// Suspicious transaction report.
    Str,
    /// Cash (currency) transaction report: a threshold report with no suspicion implied.
    Ctr,
    /// Terrorist financing report, where the FIU has one.
    Tfr,
    /// Asset freeze: a confirmed sanctions-list hit (block and report).
    Freeze,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Alert => "alert",
            ReportKind::Str => "str",
            ReportKind::Ctr => "ctr",
            ReportKind::Tfr => "tfr",
            ReportKind::Freeze => "freeze",
        }
    }
}
