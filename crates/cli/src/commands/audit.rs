//! `interdict audit`: checks, anchors and exports the hash-chained audit log of an Interdict database.
//!
//! An anchor (`interdict audit anchor`) is the sequence number and hash of the newest record of a verified
//! chain, to be published or kept outside the database (a ticket, a partner agency, a transparency log).
//! `interdict audit verify --anchor` then also checks that the chain still holds that record with that hash,
//! which detects deleting the newest records even when the stored head was rewritten to match.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use interdict_store::{AuditAnchor, SqliteStore, Store, now_ms};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Verify the audit chain; names the first broken record. Exit 0 intact, 1 broken, 2 unreadable.
    Verify {
        /// The SQLite database of `interdict serve`.
        #[arg(long, default_value = "interdict.db")]
        db: PathBuf,
        /// Also check against an anchor printed by `interdict audit anchor`: its JSON text, or a file holding
        /// anchors one JSON object a line (the last one is used).
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Verify the chain and print its anchor (`{"seq","hash","records","at"}`) for publishing elsewhere.
    /// Exit 0 anchored, 1 broken (a broken chain is not anchored), 2 unreadable.
    Anchor {
        #[arg(long, default_value = "interdict.db")]
        db: PathBuf,
        /// Also append the anchor as a JSON line to this file.
        #[arg(long)]
        append: Option<PathBuf>,
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

/// Reads `--anchor`: JSON text, or the last non-empty line of a file of JSON lines.
fn read_anchor(arg: &str) -> anyhow::Result<AuditAnchor> {
    let text = if arg.trim_start().starts_with('{') {
        arg.to_string()
    } else {
        let content =
            std::fs::read_to_string(arg).with_context(|| format!("reading anchor file {arg}"))?;
        content
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .with_context(|| format!("anchor file {arg} is empty"))?
            .to_string()
    };
    let anchor: AuditAnchor = serde_json::from_str(&text).with_context(|| {
        format!("anchor {arg}: expected {{\"seq\": N, \"hash\": \"<64 hex>\"}}")
    })?;
    if anchor.seq < 0
        || anchor.hash.len() != 64
        || !anchor.hash.bytes().all(|b| b.is_ascii_hexdigit())
    {
        anyhow::bail!("anchor {arg}: field seq must be >= 0 and hash 64 hex digits");
    }
    Ok(anchor)
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Anchor { db, append } => {
            let v = open(&db)?
                .verify_audit()
                .with_context(|| format!("reading the audit log of {}", db.display()))?;
            let Some(anchor) = v.anchor() else {
                let b = v
                    .first_broken
                    .as_ref()
                    .map(|b| (b.seq, b.reason.as_str()))
                    .unwrap_or((0, ""));
                eprintln!(
                    "interdict: audit chain of {} broken at record {}: {}; not anchored",
                    db.display(),
                    b.0,
                    b.1
                );
                return Ok(ExitCode::from(1));
            };
            let line = serde_json::json!({
                "seq": anchor.seq, "hash": anchor.hash, "records": v.records, "at": now_ms(),
            })
            .to_string();
            if let Some(path) = append {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .with_context(|| format!("opening {}", path.display()))?;
                writeln!(f, "{line}").with_context(|| format!("writing {}", path.display()))?;
                f.sync_all()
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            println!("{line}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { db, anchor } => {
            let anchor = anchor.as_deref().map(read_anchor).transpose()?;
            let v = open(&db)?
                .verify_audit_against(anchor.as_ref())
                .with_context(|| format!("reading the audit log of {}", db.display()))?;
            println!(
                "{}",
                serde_json::json!({"intact": v.is_intact(), "records": v.records, "head_seq": v.head_seq,
                    "head_hash": v.head_hash, "anchor": anchor, "first_broken": v.first_broken})
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
