//! `interdict names compare`: JSON lines `{"schema":"Person","a":"...","b":"..."}` in, one
//! `{"score":...,"explanation":...}` line out per input, in order.

use anyhow::Context;
use interdict_model::Schema;
use interdict_names::{DefaultWeights, Lexicon, NameClass, ScoreParams, compare_with};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Compare pairs of names read as JSON lines from standard input.
    Compare {
        /// Extra name-variant lexicon in rigour's person_names.txt format.
        #[arg(long)]
        lexicon: Option<PathBuf>,
    },
}

#[derive(serde::Deserialize)]
struct Pair {
    #[serde(default = "default_schema")]
    schema: String,
    a: String,
    b: String,
}

fn default_schema() -> String {
    "Person".to_string()
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let Command::Compare { lexicon } = cmd;
    let owned;
    let lexicon: &Lexicon = match lexicon {
        Some(path) => {
            owned = crate::watchlists::load_lexicon(&path)?;
            &owned
        }
        None => Lexicon::builtin(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("reading standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let outcome = serde_json::from_str::<Pair>(&line)
            .map_err(|e| format!("standard input line {}: {e}", i + 1))
            .and_then(|p| {
                let schema: Schema = p
                    .schema
                    .parse()
                    .map_err(|e| format!("standard input line {}, field schema: {e}", i + 1))?;
                Ok((schema, p))
            });
        match outcome {
            Ok((schema, p)) => {
                let class = match schema {
                    Schema::Person => NameClass::Person,
                    Schema::Organization | Schema::LegalEntity => NameClass::Organization,
                    Schema::Vessel | Schema::Aircraft => NameClass::Thing,
                };
                let e = compare_with(
                    &p.a,
                    &p.b,
                    class,
                    lexicon,
                    &DefaultWeights,
                    &ScoreParams::default(),
                );
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({"score": e.score, "explanation": e}),
                )?;
            }
            Err(message) => {
                failed = true;
                eprintln!("interdict: error: {message}");
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({"score": null, "error": message}),
                )?;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(ExitCode::from(if failed { 2 } else { 0 }))
}
