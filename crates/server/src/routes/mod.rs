//! Route handlers, one module per resource. Handlers are thin: extract, call the store or an engine, map.

pub mod admin;
pub mod alerts;
pub mod audit;
pub mod finance;
pub mod hashes;
pub mod health;
pub mod lists;
pub mod passengers;
pub mod screening;
pub mod travel;
