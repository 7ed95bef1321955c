//! `interdict audit`: checks and exports the hash-chained audit log of an Interdict database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use interdict_store::{SqliteStore, Store};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Verify the audit chain; names the first broken record. Exit 0 intact, 1 broken, 2 unreadable.
    Verify {
        /// The SQLite database of `interdict serve`.
        #[arg(long, default_value = "interdict.db")]
        db: PathBuf,
    },
    /// Write audit records as JSON lines (all organisations, or one).
    Export {
        #[arg(long, default_value = "interdict.db")]
        db: PathBuf,
        /// Only this organisation's records.
        #[arg(long)]
        org: Option<i64>,
    },
}

fn open(db: &std::path::Path) -> anyhow::Result<SqliteStore> {
    if !db.exists() {
        anyhow::bail!("database {} does not exist", db.display());
    }
    SqliteStore::open(db).with_context(|| format!("opening {}", db.display()))
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Verify { db } => {
            let v = open(&db)?
                .verify_audit()
                .with_context(|| format!("reading the audit log of {}", db.display()))?;
            println!(
                "{}",
                serde_json::json!({"intact": v.is_intact(), "records": v.records, "first_broken": v.first_broken})
            );
            match &v.first_broken {
                None => Ok(ExitCode::SUCCESS),
                Some(b) => {
                    eprintln!(
                        "interdict: audit chain of {} broken at record {}: {}",
                        db.display(),
                        b.seq,
                        b.reason
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Export { db, org } => {
            let store = open(&db)?;
            let mut after = 0;
            loop {
                let batch = store.audit_records(org, after, 5000)?;
                let Some(last) = batch.last() else { break };
                after = last.seq;
                for r in &batch {
                    println!("{}", serde_json::to_string(r)?);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
