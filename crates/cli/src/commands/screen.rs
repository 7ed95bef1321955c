//! `interdict screen`: FollowTheMoney-style JSON-line queries on standard input, one JSON line of results per
//! query on standard output, in input order (DESIGN.md's contract).

use crate::watchlists::{WatchlistConfig, load_index};
use anyhow::Context;
use interdict_screen::{ScreenMatch, ScreenOptions, WatchlistIndex};
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Watchlist file (UN SC XML, OFAC SDN CSV, FollowTheMoney JSON lines, or watchlist CSV); repeatable.
    #[arg(long = "list", required = true)]
    lists: Vec<PathBuf>,
    /// At most this many results per query.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// Drop results scoring below this.
    #[arg(long, default_value_t = 0.5)]
    cutoff: f64,
    /// Results scoring at or above this are matches.
    #[arg(long, default_value_t = 0.7)]
    threshold: f64,
    /// Extra name-variant lexicon in rigour's person_names.txt format.
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Output: one JSON line per query, or a table for people.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Show a progress bar on standard error (default: when standard error is a terminal).
    #[arg(long)]
    progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Table,
}

/// Validated settings of one screening run.
#[derive(Debug)]
struct ScreenConfig {
    watchlists: WatchlistConfig,
    options: ScreenOptions,
    format: OutputFormat,
    progress: bool,
}

impl TryFrom<Args> for ScreenConfig {
    type Error = anyhow::Error;
    fn try_from(a: Args) -> anyhow::Result<Self> {
        let options = crate::watchlists::screen_options(a.limit, a.cutoff, a.threshold)?;
        use std::io::IsTerminal;
        Ok(ScreenConfig {
            watchlists: WatchlistConfig {
                lists: a.lists,
                lexicon: a.lexicon,
                report_problems: false,
            },
            options,
            format: a.format,
            progress: a.progress || std::io::stderr().is_terminal(),
        })
    }
}

/// One input line's outcome.
enum LineResult {
    /// Screened; `problem` names the fields that could not be read and were left out of matching (a birth date
    /// with a typo does not keep a person from being screened by name).
    Screened {
        id: String,
        results: Vec<ScreenMatch>,
        problem: Option<String>,
    },
    Failed {
        id: Option<String>,
        message: String,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = ScreenConfig::try_from(args)?;
    let index = load_index(&config.watchlists)?;
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let progress = crate::progress::Progress::new(config.progress, "queries");
    let mut any_hit = false;
    let mut any_error = false;
    let mut line_no = 0usize;
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(BATCH);
    let mut lines = stdin.lines();
    loop {
        batch.clear();
        for line in lines.by_ref() {
            let line = line.context("reading standard input")?;
            line_no += 1;
            if line.trim().is_empty() {
                continue;
            }
            batch.push((line_no, line));
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        let results: Vec<LineResult> = batch
            .par_iter()
            .map(|(n, line)| screen_line(&index, *n, line, &config.options))
            .collect();
        for r in results {
            match &r {
                LineResult::Screened {
                    results, problem, ..
                } => {
                    any_hit |= results.iter().any(|m| m.is_match);
                    if let Some(message) = problem {
                        any_error = true;
                        eprintln!("interdict: error: {message}");
                    }
                }
                LineResult::Failed { message, .. } => {
                    any_error = true;
                    eprintln!("interdict: error: {message}");
                }
            }
            write_result(&mut out, &r, config.format)?;
        }
        progress.advance(batch.len() as u64);
    }
    out.flush()?;
    progress.finish();
    Ok(ExitCode::from(if any_error {
        2
    } else if any_hit {
        1
    } else {
        0
    }))
}

const BATCH: usize = 2048;

fn screen_line(
    index: &WatchlistIndex,
    line_no: usize,
    line: &str,
    options: &ScreenOptions,
) -> LineResult {
    match interdict_lists::query_with_problems(line) {
        Ok((query, problems)) => LineResult::Screened {
            results: index.screen(&query, options),
            id: query.id,
            problem: (!problems.is_empty()).then(|| {
                let each: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                format!(
                    "standard input line {line_no}: {}; screened without it",
                    each.join("; ")
                )
            }),
        },
        Err(e) => {
            let id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string));
            LineResult::Failed {
                id,
                message: format!("standard input line {line_no}: {e}"),
            }
        }
    }
}

fn write_result(out: &mut impl Write, r: &LineResult, format: OutputFormat) -> anyhow::Result<()> {
    match (r, format) {
        (
            LineResult::Screened {
                id,
                results,
                problem,
            },
            OutputFormat::Json,
        ) => {
            let line = match problem {
                None => serde_json::json!({ "id": id, "results": results }),
                Some(message) => {
                    serde_json::json!({ "id": id, "error": message, "results": results })
                }
            };
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        }
        (LineResult::Failed { id, message }, OutputFormat::Json) => {
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({ "id": id, "error": message, "results": [] }),
            )?;
            writeln!(out)?;
        }
        (
            LineResult::Screened {
                id,
                results,
                problem,
            },
            OutputFormat::Table,
        ) => {
            writeln!(out, "query {id}: {} result(s)", results.len())?;
            if let Some(message) = problem {
                writeln!(out, "  error: {message}")?;
            }
            if !results.is_empty() {
                writeln!(out, "  rank score  match id             {:<40} why", "name")?;
            }
            for (i, m) in results.iter().enumerate() {
                let why: Vec<String> = m
                    .explanation
                    .name
                    .pairs
                    .iter()
                    .map(|p| format!("{}~{} ({:?})", p.query, p.candidate, p.method).to_lowercase())
                    .chain(
                        m.explanation
                            .evidence
                            .iter()
                            .map(|e| format!("{:?} {}", e.kind, e.outcome).to_lowercase()),
                    )
                    .collect();
                writeln!(
                    out,
                    "  {:<4} {:<6.3} {:<5} {:<14} {:<40} {}",
                    i + 1,
                    m.score,
                    if m.is_match { "yes" } else { "no" },
                    m.id,
                    crate::table::truncate(&m.caption, 40),
                    why.join(", ")
                )?;
            }
        }
        (LineResult::Failed { id, message }, OutputFormat::Table) => {
            writeln!(
                out,
                "query {}: ERROR {message}",
                id.as_deref().unwrap_or("?")
            )?;
        }
    }
    Ok(())
}
