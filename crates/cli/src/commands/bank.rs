//! `interdict bank import|export|match`: hash banks kept in one CSV file (the export format), with labels and
//! metadata per signal.
//!
//! - `import --banks BANKS.csv --bank NAME FILE...` merges ThreatExchange/HMA-style CSV files into the store.
//! - `export --banks BANKS.csv [--bank NAME]` writes the store as CSV.
//! - `match --banks BANKS.csv [--radius 31] [FILE...]` hashes each file (PDQ for images, MD5 and SHA-256 for all)
//!   and reports the matching entries with bank, labels and distance; without files it reads signals from
//!   standard input, one per line (`<64 hex>` for PDQ, or `<type> <hex>`). Exit 1 when anything matched.

use anyhow::Context;
use interdict_phash::{
    BankMatch, DecodeOptions, HashBanks, PdqHash, PdqHasher, SignalType, decode_file,
    exact_hashes_of_file,
};
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Import CSV files (header-driven: signal_type,signal,labels,... or id,pdq; or "pdq <hex>" lines).
    Import {
        /// The bank store (created if missing).
        #[arg(long)]
        banks: PathBuf,
        /// Bank for rows without a `bank` column.
        #[arg(long)]
        bank: String,
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write the banks (or one bank) as CSV to standard output.
    Export {
        /// The bank store.
        #[arg(long)]
        banks: PathBuf,
        /// Only this bank.
        #[arg(long)]
        bank: Option<String>,
    },
    /// Match files (or signals on standard input) against the banks.
    Match {
        /// The bank store.
        #[arg(long)]
        banks: PathBuf,
        /// PDQ match radius in bits.
        #[arg(long, default_value_t = 31)]
        radius: u32,
        /// Files to hash and match (standard input signals when none).
        files: Vec<PathBuf>,
    },
}

fn load(path: &Path, must_exist: bool) -> anyhow::Result<HashBanks> {
    let mut banks = HashBanks::new();
    if !path.exists() && !must_exist {
        return Ok(banks);
    }
    let problems = banks.import_csv_file(path, "default")?;
    if let Some(p) = problems.first() {
        anyhow::bail!(
            "{}: line {}, field {}: {}",
            path.display(),
            p.line,
            p.field,
            p.reason
        );
    }
    Ok(banks)
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import { banks, bank, files } => {
            let mut store = load(&banks, false)?;
            let before = store.len();
            let mut problems = 0;
            for file in &files {
                for p in store.import_csv_file(file, &bank)? {
                    problems += 1;
                    eprintln!(
                        "interdict: warning: {}: line {}, field {}: {}",
                        file.display(),
                        p.line,
                        p.field,
                        p.reason
                    );
                }
            }
            std::fs::write(&banks, store.export_csv())
                .with_context(|| format!("{}: cannot write", banks.display()))?;
            eprintln!(
                "interdict: imported {} signals ({problems} rows skipped)",
                store.len() - before
            );
            Ok(if problems > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Export { banks, bank } => {
            let store = load(&banks, true)?;
            let text = match bank {
                None => store.export_csv(),
                Some(name) => {
                    let mut only = HashBanks::new();
                    for (b, entries) in store.banks().filter(|(b, _)| *b == name) {
                        for e in entries {
                            only.add(b, e.clone());
                        }
                    }
                    only.export_csv()
                }
            };
            std::io::stdout()
                .write_all(text.as_bytes())
                .context("writing output")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Match {
            banks,
            radius,
            files,
        } => {
            anyhow::ensure!(radius <= 255, "--radius must be 0..=255, got {radius}");
            let store = load(&banks, true)?;
            match_signals(&store, radius, &files)
        }
    }
}

fn match_json(m: &BankMatch<'_>) -> Value {
    json!({
        "bank": m.bank,
        "content_id": m.entry.content_id,
        "signal_type": m.entry.signal_type.name(),
        "signal": m.entry.signal,
        "labels": m.entry.labels,
        "organisation": m.entry.organisation,
        "added": m.entry.added,
        "handling": m.entry.handling,
        "distance": m.distance,
    })
}

fn match_signals(store: &HashBanks, radius: u32, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let matcher = store.matcher();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut any, mut failed) = (false, 0);
    if files.is_empty() {
        for (n, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line.context("reading standard input")?;
            let text = line.trim();
            if text.is_empty() {
                continue;
            }
            let (kind, value) = text
                .split_once(char::is_whitespace)
                .unwrap_or(("pdq", text));
            let matches = match SignalType::parse(kind) {
                Some(SignalType::Pdq) => match PdqHash::from_hex(value.trim()) {
                    Ok(h) => matcher.match_pdq(&h, radius)?,
                    Err(e) => {
                        eprintln!(
                            "interdict: error: standard input line {}, field signal: {e}",
                            n + 1
                        );
                        failed += 1;
                        continue;
                    }
                },
                Some(kind) => matcher.match_exact(kind, value),
                None => {
                    eprintln!(
                        "interdict: error: standard input line {}, field signal_type: unknown {kind:?}",
                        n + 1
                    );
                    failed += 1;
                    continue;
                }
            };
            any |= !matches.is_empty();
            let matches: Vec<Value> = matches.iter().map(match_json).collect();
            writeln!(out, "{}", json!({"query": text, "matches": matches}))
                .context("writing output")?;
        }
    } else {
        let mut hasher = PdqHasher::new();
        for file in files {
            let exact = match exact_hashes_of_file(file) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("interdict: error: {e}");
                    failed += 1;
                    continue;
                }
            };
            let mut matches = matcher.match_exact(SignalType::Md5, &exact.md5);
            matches.extend(matcher.match_exact(SignalType::VideoMd5, &exact.md5));
            matches.extend(matcher.match_exact(SignalType::Sha256, &exact.sha256));
            let mut record = json!({"file": file.display().to_string(), "md5": exact.md5, "sha256": exact.sha256});
            // Not every file is an image: a file that does not decode is still matched on its exact hashes.
            if let Ok(img) = decode_file(file, &DecodeOptions::default()) {
                let pdq = hasher.hash_rgb(&img.pixels, img.width, img.height);
                record["pdq"] = json!(pdq.hash.to_hex());
                record["quality"] = json!(pdq.quality);
                matches.extend(matcher.match_pdq(&pdq.hash, radius)?);
            }
            any |= !matches.is_empty();
            record["matches"] = Value::Array(matches.iter().map(match_json).collect());
            writeln!(out, "{record}").context("writing output")?;
        }
    }
    out.flush().context("writing output")?;
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else if any {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
