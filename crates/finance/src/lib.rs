//! Interdict's terrorist-financing lane: read transactions (a documented CSV layout, IBM AMLSim, ISO 20022
//! pacs.008), run readable versioned monitoring rules with windowed aggregates over them, screen the parties
//! against watchlists, and write goAML reports (STR, CTR, TFR, asset-freeze) from the alerts.
//!
//! The engine is pure: readers take `Read`/`BufRead`, the [`Monitor`] takes [`Transaction`]s and returns
//! [`Alert`]s, the goAML writer returns a `String`. Files, progress bars and list loading live in the CLI.
//!
//! ```
//! use interdict_finance::{Monitor, RulePack, read_transactions, CsvOptions};
//! use std::sync::Arc;
//!
//! let pack = RulePack::from_toml_str(r#"
//!     [pack]
//!     id = "demo"
//!     version = "1"
//!     currency = "EUR"
//!     timezone = "+01:00"
//!
//!     [aggregates.cash_month]
//!     fn = "sum"
//!     entity = "customer"
//!     flow = "any"
//!     window = "calendar_month"
//!     where = "channel in ['cash_deposit', 'cash_withdrawal']"
//!
//!     [[rule]]
//!     id = "CASH-MONTH-10000"
//!     version = 1
//!     title = "Cash deposits and withdrawals over 10,000 EUR in a calendar month"
//!     report = "ctr"
//!     when = "cash_month > 10000"
//! "#).unwrap();
//!
//! let csv = "id,timestamp,amount,currency,channel,creditor_account,creditor_customer,creditor_name\n\
//!            t1,2026-03-02T10:00:00,6000,EUR,cash_deposit,FR01,C1,Jean Exemple\n\
//!            t2,2026-03-20T10:00:00,4500,EUR,cash_deposit,FR01,C1,Jean Exemple\n";
//! let mut monitor = Monitor::new(Arc::new(pack));
//! let mut alerts = Vec::new();
//! for tx in read_transactions(csv.as_bytes(), "example.csv", &CsvOptions::default()).unwrap() {
//!     alerts.extend(monitor.process(tx.unwrap()));
//! }
//! assert_eq!(alerts.len(), 1);
//! assert_eq!(alerts[0].rule_id, "CASH-MONTH-10000");
//! assert_eq!(alerts[0].values["cash_month"], 10500.0);
//! assert_eq!(alerts[0].transactions.len(), 2);
//! ```

mod alert;
mod error;
pub mod generator;
pub mod goaml;
pub mod ingest;
mod key;
mod money;
mod monitor;
pub mod parallel;
pub mod rules;
pub mod screening;
mod timestamp;
mod transaction;
pub mod watchlist;
mod xml_events;

pub use alert::{Alert, AlertAction, ScreeningFinding};
pub use error::FinanceError;
pub use ingest::csv_layout::{CsvOptions, CsvReader};
pub use ingest::{TransactionFormat, detect_format, read_transactions};
pub use money::{Amount, Currency};
pub use monitor::{MAX_ALERT_TRANSACTIONS, Monitor, MonitorStats};
pub use rules::{ReportKind, RulePack, Side};
pub use screening::{PartyQuery, PartyRole, PartyScreener, ScreeningHit};
pub use timestamp::{Timestamp, UtcOffset, civil_from_days, days_from_civil};
pub use transaction::{Channel, Party, PartyKind, Transaction};
