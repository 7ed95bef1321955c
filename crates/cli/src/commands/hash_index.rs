//! `interdict hash-index build|query|add|remove`: a Hamming-distance index of PDQ hashes on disk.
//!
//! `build --out INDEX HASHLIST.csv` reads a CSV with `id,pdq` columns; `query --index INDEX --radius 31` reads
//! one 64-hex hash per line from standard input and writes `{"query":"<hex>","matches":[{"id":..,"distance":N}]}`
//! per line, every match within the radius, nearest first. Exit 1 when any query matched.

use anyhow::Context;
use interdict_phash::{Change, HashIndex, PdqHash, parse_hash_list};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Build an index file from a CSV hash list (header `id,pdq`).
    Build {
        /// Where to write the index.
        #[arg(long)]
        out: PathBuf,
        /// The hash list(s).
        #[arg(required = true)]
        lists: Vec<PathBuf>,
    },
    /// Query: one hash per line on standard input, one JSON line per query.
    Query {
        /// The index file.
        #[arg(long)]
        index: PathBuf,
        /// Report every hash within this many bits (0..=255).
        #[arg(long, default_value_t = 31)]
        radius: u32,
    },
    /// Add the hashes of CSV hash lists to an existing index (appended to its journal; the file is rewritten
    /// only when the journal outgrows an eighth of it).
    Add {
        /// The index file.
        #[arg(long)]
        index: PathBuf,
        /// The hash list(s).
        #[arg(required = true)]
        lists: Vec<PathBuf>,
    },
    /// Remove every entry with the given ids (appended to the index's journal, as `add`).
    Remove {
        /// The index file.
        #[arg(long)]
        index: PathBuf,
        /// Ids to remove.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Build { out, lists } => {
            let mut entries = Vec::new();
            read_lists(&lists, &mut entries)?;
            let index = HashIndex::from_entries(entries);
            index.save(&out)?;
            eprintln!(
                "interdict: indexed {} hashes into {}",
                index.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Query { index, radius } => {
            anyhow::ensure!(radius <= 255, "--radius must be 0..=255, got {radius}");
            query(&HashIndex::load(&index)?, radius)
        }
        Command::Add { index, lists } => {
            let mut entries = Vec::new();
            read_lists(&lists, &mut entries)?;
            let changes: Vec<Change> = entries
                .into_iter()
                .map(|(id, h)| Change::Add(id, h))
                .collect();
            journal(&index, &changes, &format!("added {}", changes.len()))
        }
        Command::Remove { index, ids } => {
            let changes: Vec<Change> = ids.into_iter().map(Change::Remove).collect();
            journal(
                &index,
                &changes,
                &format!("recorded the removal of {} id(s)", changes.len()),
            )
        }
    }
}

/// Appends changes to the index file's journal; compacts (load, replay, rewrite) when the journal exceeds an
/// eighth of the file, so loading stays fast.
fn journal(index: &Path, changes: &[Change], done: &str) -> anyhow::Result<ExitCode> {
    let journal_bytes = HashIndex::append_changes(index, changes)?;
    let file_bytes = std::fs::metadata(index)
        .with_context(|| format!("{}", index.display()))?
        .len();
    if journal_bytes > (64 << 10).max(file_bytes / 8) {
        let loaded = HashIndex::load(index)?;
        loaded.save(index)?;
        eprintln!(
            "interdict: {done}; journal compacted, index now holds {}",
            loaded.len()
        );
    } else {
        eprintln!("interdict: {done} (journal {journal_bytes} bytes)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads hash lists; bad rows are reported (file, line, field) and skipped; a list with no good row is an error.
fn read_lists(lists: &[PathBuf], entries: &mut Vec<(String, PdqHash)>) -> anyhow::Result<()> {
    for path in lists {
        let text = read_text(path)?;
        let (rows, problems) = parse_hash_list(&text);
        for p in &problems {
            eprintln!(
                "interdict: warning: {}: line {}, field {}: {}",
                path.display(),
                p.line,
                p.field,
                p.reason
            );
        }
        anyhow::ensure!(
            !rows.is_empty(),
            "{}: no valid rows (expected a CSV with header id,pdq)",
            path.display()
        );
        entries.extend(rows);
    }
    Ok(())
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))
}

/// One output line, fields in the contract's order.
#[derive(Serialize)]
struct QueryRecord<'a> {
    query: String,
    matches: Vec<MatchRecord<'a>>,
}

#[derive(Serialize)]
struct MatchRecord<'a> {
    id: &'a str,
    distance: u32,
}

/// Reads queries in blocks (the index answers a block in one sweep per table) and writes answers in input order.
fn query(index: &HashIndex, radius: u32) -> anyhow::Result<ExitCode> {
    const BLOCK: usize = 4096;
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut any_match = false;
    let mut bad = 0;
    let mut block: Vec<PdqHash> = Vec::with_capacity(BLOCK);
    let mut flush = |block: &mut Vec<PdqHash>, out: &mut dyn Write| -> anyhow::Result<()> {
        for (hash, matches) in block.iter().zip(index.search_many(block, radius)?) {
            any_match |= !matches.is_empty();
            let record = QueryRecord {
                query: hash.to_hex(),
                matches: matches
                    .iter()
                    .map(|m| MatchRecord {
                        id: m.id,
                        distance: m.distance,
                    })
                    .collect(),
            };
            writeln!(out, "{}", serde_json::to_string(&record)?).context("writing output")?;
        }
        block.clear();
        Ok(())
    };
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.context("reading standard input")?;
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match PdqHash::from_hex(text) {
            Ok(h) => block.push(h),
            Err(e) => {
                eprintln!(
                    "interdict: error: standard input line {}, field pdq: {e}",
                    n + 1
                );
                bad += 1;
            }
        }
        if block.len() == BLOCK {
            flush(&mut block, &mut out)?;
        }
    }
    flush(&mut block, &mut out)?;
    out.flush().context("writing output")?;
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else if any_match {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
