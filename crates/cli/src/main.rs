//! `interdict`: the command-line tool. A thin binary: clap arguments are turned into a validated config by each
//! command module, then handed to the engine crates. Exit codes follow DESIGN.md: 0 success, 1 success with hits
//! or failed checks, 2 usage or input error.

mod commands;
mod progress;
mod table;
mod watchlists;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "interdict",
    version,
    about = "Counter-terrorism screening and sharing platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Screen FollowTheMoney-style JSON-line queries (stdin) against watchlists.
    Screen(commands::screen::Args),
    /// Name tools: compare two names and explain the score.
    #[command(subcommand)]
    Names(commands::names::Command),
    /// Watchlist files: inspect counts and problems.
    #[command(subcommand)]
    Lists(commands::lists::Command),
    /// Evaluate matching accuracy on labelled data.
    #[command(subcommand)]
    Eval(commands::eval::Command),
    /// Perceptual (PDQ, vPDQ) and exact hashes of images and videos.
    Hash(commands::hash::Args),
    /// Build and query a Hamming-distance index of PDQ hashes.
    #[command(subcommand, name = "hash-index")]
    HashIndex(commands::hash_index::Command),
    /// Hash banks: named collections of hashes with labels.
    #[command(subcommand)]
    Bank(commands::bank::Command),
    /// Machine-readable zones of travel documents (ICAO 9303).
    #[command(subcommand)]
    Mrz(commands::mrz::Command),
    /// Passenger data: PAXLST and PNRGOV messages, screening, iAPI answers.
    #[command(subcommand)]
    Travel(commands::travel::Command),
    /// Terrorist-financing lane: transaction monitoring and goAML reports.
    #[command(subcommand)]
    Finance(commands::finance::Command),
    /// Run the HTTP API and web console.
    Serve(commands::serve::Args),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(commands::audit::Command),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Screen(args) => commands::screen::run(args),
        Command::Names(cmd) => commands::names::run(cmd),
        Command::Lists(cmd) => commands::lists::run(cmd),
        Command::Eval(cmd) => commands::eval::run(cmd),
        Command::Hash(args) => commands::hash::run(args),
        Command::HashIndex(cmd) => commands::hash_index::run(cmd),
        Command::Bank(cmd) => commands::bank::run(cmd),
        Command::Mrz(cmd) => commands::mrz::run(cmd),
        Command::Travel(cmd) => commands::travel::run(cmd),
        Command::Finance(cmd) => commands::finance::run(cmd),
        Command::Serve(args) => commands::serve::run(args),
        Command::Audit(cmd) => commands::audit::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("interdict: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
