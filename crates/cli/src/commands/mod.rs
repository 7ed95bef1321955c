//! One module per command group. Each exposes its clap arguments and a `run` that validates them into a config
//! and calls the engines; nothing past `run`'s first lines sees clap types.

pub mod audit;
pub mod bank;
pub mod eval;
pub mod finance;
pub mod hash;
pub mod hash_index;
pub mod lists;
pub mod mrz;
pub mod names;
pub mod screen;
pub mod serve;
pub mod travel;
