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
    /// PAXLST or PNRGOV files to cross-check against: each zone is compared with the traveller holding the same
    /// document number (name, birth date, expiry, nationality); differences are document-fraud indicators and
    /// make the document count as failed.
    #[arg(long = "against")]
    against: Vec<PathBuf>,
}

struct CheckConfig {
    files: Vec<PathBuf>,
    today: dates::ReferenceDate,
    travellers: Vec<(String, interdict_travel::Traveller)>,
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
            let today = reference_date(args.today.as_deref())?;
            let mut travellers = Vec::new();
            let filter = interdict_travel::SensitiveDataFilter::default();
            for path in &args.against {
                let bytes =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                let file = interdict_travel::read_travel_file(&bytes, &filter, today);
                for m in &file.messages {
                    for t in m.message.travellers() {
                        travellers.push((path.display().to_string(), t.clone()));
                    }
                }
            }
            let config = CheckConfig {
                today,
                files: args.files,
                travellers,
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
            let cross = if config.travellers.is_empty() || r.format.is_none() {
                None
            } else {
                let key = interdict_model::normalize_document_number(&r.fields.document_number);
                let found = config.travellers.iter().find(|(_, t)| {
                    t.documents
                        .iter()
                        .any(|d| interdict_model::normalize_document_number(&d.number) == key)
                });
                Some(match found {
                    Some((file, t)) => {
                        let mismatches = interdict_travel::cross_check(&r.fields, t);
                        all_valid &= mismatches.is_empty();
                        serde_json::json!({
                            "file": file, "traveller": t.display_name(), "mismatches": mismatches,
                        })
                    }
                    None => {
                        serde_json::json!({ "file": null, "traveller": null, "mismatches": [] })
                    }
                })
            };
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
            let mut line = line;
            if let (Some(c), Some(obj)) = (cross, line.as_object_mut()) {
                obj.insert("cross_check".into(), c);
            }
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if all_valid { 0 } else { 1 }))
}
