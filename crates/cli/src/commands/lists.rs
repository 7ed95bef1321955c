//! `interdict lists`: look into watchlist files.
//!
//! `interdict lists inspect FILE [--format text|json]` imports the file (format detected from its content) and
//! prints its format, dataset, counts by schema and programme, names, dates of birth and documents, and every
//! problem found (each naming its record and field). Exit code 0 when the file imported cleanly, 1 when it
//! imported with problems, 2 when it cannot be read or is not a list.

use anyhow::Context;
use interdict_lists::{ListSummary, read_list_file};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a list file's format, counts by schema and programme, and the problems found in it.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The list file: UN SC consolidated XML, OFAC sdn.csv (alt/add/comments read beside it), FollowTheMoney
    /// JSON lines, or an Interdict watchlist CSV.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// In text output, list at most this many problems.
    #[arg(long, default_value_t = 50)]
    pub max_problems: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// The validated inspect configuration.
#[derive(Debug)]
struct InspectConfig {
    file: PathBuf,
    json: bool,
    max_problems: usize,
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Inspect(args) => inspect(InspectConfig {
            file: args.file,
            json: args.format == OutputFormat::Json,
            max_problems: args.max_problems,
        }),
    }
}

fn inspect(config: InspectConfig) -> anyhow::Result<ExitCode> {
    let import = read_list_file(&config.file)?;
    let summary = ListSummary::of(&import);
    let text = if config.json {
        let mut json = summary.to_json();
        json["file"] = serde_json::Value::String(config.file.display().to_string());
        format!("{json}\n")
    } else {
        let mut text = format!("file:          {}\n", config.file.display());
        summary
            .write_text(&mut text, config.max_problems)
            .context("formatting the summary")?;
        text
    };
    print!("{text}");
    Ok(if summary.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
