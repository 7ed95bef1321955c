//! `interdict mrz check`: machine-readable zones (ICAO 9303) from a file or standard input, one JSON line per
//! document with its validity, format, failed checks (each naming its field) and fields.

use anyhow::Context;
use interdict_travel::{MrzCheck, check_mrz, dates, mrz::split_zones};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check zones: lines of one document separated by newlines, documents by a blank line; `#` lines are
    /// comments. Writes one JSON line per document.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files to read (standard input when none).
    files: Vec<PathBuf>,
    /// The date two-digit years pivot on (YYYY-MM-DD; default: today, UTC).
    #[arg(long)]
    today: Option<String>,
}

struct CheckConfig {
    files: Vec<PathBuf>,
    today: dates::ReferenceDate,
}

fn parse_today(s: &str) -> anyhow::Result<dates::ReferenceDate> {
    let parts: Vec<&str> = s.split('-').collect();
    anyhow::ensure!(parts.len() == 3, "--today must be YYYY-MM-DD, got {s:?}");
    let (y, m, d) = (
        parts[0].parse::<i32>()?,
        parts[1].parse::<u32>()?,
        parts[2].parse::<u32>()?,
    );
    anyhow::ensure!(
        dates::iso_date(y, m, d).is_some(),
        "--today {s:?} is not a valid date"
    );
    Ok((y, m, d))
}

pub(crate) fn reference_date(arg: Option<&str>) -> anyhow::Result<dates::ReferenceDate> {
    match arg {
        Some(s) => parse_today(s),
        None => Ok(dates::today_utc()),
    }
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Check(args) => {
            let config = CheckConfig {
                today: reference_date(args.today.as_deref())?,
                files: args.files,
            };
            check(&config)
        }
    }
}

fn check(config: &CheckConfig) -> anyhow::Result<ExitCode> {
    let mut inputs: Vec<(String, String)> = Vec::new();
    if config.files.is_empty() {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading standard input")?;
        inputs.push(("standard input".into(), s));
    }
    for f in &config.files {
        let s = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        inputs.push((f.display().to_string(), s));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut all_valid = true;
    for (_, text) in &inputs {
        for zone in split_zones(text) {
            let r: MrzCheck = check_mrz(&zone, config.today);
            all_valid &= r.valid;
            let errors: Vec<serde_json::Value> = r
                .errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "field": e.field.as_str(), "line": e.line, "column": e.column, "message": e.message
                    })
                })
                .collect();
            let f = &r.fields;
            let line = serde_json::json!({
                "valid": r.valid,
                "format": r.format.map(|f| f.as_str()),
                "errors": errors,
                "fields": {
                    "document_number": f.document_number,
                    "birth_date": f.birth_date,
                    "expiry_date": f.expiry_date,
                    "nationality": f.nationality,
                    "issuing_state": f.issuing_state,
                    "surname": f.surname,
                    "given_names": f.given_names,
                    "sex": f.sex,
                    "document_code": f.document_code,
                    "optional_data": f.optional_data,
                },
            });
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if all_valid { 0 } else { 1 }))
}
