//! goAML reports (UNODC's FIU reporting format): build a [`GoamlReport`] from alerts with an FIU
//! [`GoamlProfile`] (report codes, indicator codes, funds and transmission codes, the reporting entity), write it
//! as XML valid against the FIU's goAML 5.0.x schema, and read such XML back.
//!
//! Each transaction is written as `t_from` / `t_to` with an account (`from_account`: institution, BIC, account
//! number, holder name), a person or an entity, which both the 5.0.1 and the 5.0.2 (UAE) schemas accept.

mod build;
mod profile;
mod reader;
mod writer;

pub use build::{
    GoamlAddress, GoamlParty, GoamlReport, GoamlSubject, GoamlTransaction, Reporter, build_report,
};
pub use profile::{GoamlProfile, SchemaVersion};
pub use reader::read_report;
pub use writer::write_report;
