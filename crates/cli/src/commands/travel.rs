//! `interdict travel`: read carrier messages (`parse`), screen their travellers (`screen`) and answer
//! interactive API requests with CUSRES (`iapi`).

use crate::commands::mrz::reference_date;
use crate::watchlists::{WatchlistConfig, load_index};
use anyhow::Context;
use interdict_screen::ScreenOptions;
use interdict_travel::cusres::{CusresHeader, write_cusres};
use interdict_travel::{
    IapiPolicy, LostStolenList, MessageScreening, RuleSet, SensitiveDataFilter, TravelFile,
    TravelMessage, TravellerScreener, read_travel_file,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Parse PAXLST, PNRGOV or CUSRES files; one JSON line per message with its flight, travellers and warnings.
    Parse(ParseArgs),
    /// Screen every traveller against watchlists, a lost/stolen document list and targeting rules.
    Screen(ScreenArgs),
    /// Answer iAPI PAXLST requests with CUSRES board / do-not-board / contact-authority codes.
    Iapi(IapiArgs),
}

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Message files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Sensitive-data list (`CODE category` per line) replacing the built-in one.
    #[arg(long)]
    sensitive_list: Option<PathBuf>,
    /// Date two-digit years pivot on when a file has no interchange date (YYYY-MM-DD; default today).
    #[arg(long)]
    today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ScreeningArgs {
    /// Watchlist file (UN SC XML, OFAC SDN CSV, FollowTheMoney JSON lines, or watchlist CSV); repeatable.
    #[arg(long = "list", required = true)]
    lists: Vec<PathBuf>,
    /// Lost/stolen travel documents (CSV with document_number and issuing_state columns).
    #[arg(long)]
    lost_stolen: Option<PathBuf>,
    /// Targeting rules (TOML); refused if a rule uses a forbidden attribute.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Sensitive-data list replacing the built-in one.
    #[arg(long)]
    sensitive_list: Option<PathBuf>,
    #[arg(long, default_value_t = 5)]
    limit: usize,
    #[arg(long, default_value_t = 0.5)]
    cutoff: f64,
    #[arg(long, default_value_t = 0.7)]
    threshold: f64,
    #[arg(long)]
    today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    screening: ScreeningArgs,
    /// Output: one JSON line per message, or a table of hits.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Message files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct IapiArgs {
    #[command(flatten)]
    screening: ScreeningArgs,
    /// iAPI answer policy (TOML): action per hit type and response codes. Default: hits -> contact authority.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Sender id written in UNB (the government system).
    #[arg(long, default_value = "PIU")]
    sender: String,
    /// PAXLST request files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Table,
}

/// Validated settings shared by `screen` and `iapi`.
struct ScreeningConfig {
    watchlists: WatchlistConfig,
    lost_stolen: Option<PathBuf>,
    rules: Option<PathBuf>,
    filter: SensitiveDataFilter,
    options: ScreenOptions,
    today: interdict_travel::dates::ReferenceDate,
}

fn load_filter(path: Option<&Path>) -> anyhow::Result<SensitiveDataFilter> {
    match path {
        None => Ok(SensitiveDataFilter::default()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            SensitiveDataFilter::from_config(&text)
                .with_context(|| format!("sensitive-data list {}", p.display()))
        }
    }
}

impl TryFrom<ScreeningArgs> for ScreeningConfig {
    type Error = anyhow::Error;
    fn try_from(a: ScreeningArgs) -> anyhow::Result<Self> {
        let options = crate::watchlists::screen_options(a.limit, a.cutoff, a.threshold)?;
        Ok(ScreeningConfig {
            watchlists: WatchlistConfig {
                lists: a.lists,
                lexicon: None,
                report_problems: false,
            },
            lost_stolen: a.lost_stolen,
            rules: a.rules,
            filter: load_filter(a.sensitive_list.as_deref())?,
            options,
            today: reference_date(a.today.as_deref())?,
        })
    }
}

impl ScreeningConfig {
    fn screener(&self) -> anyhow::Result<TravellerScreener> {
        let index = load_index(&self.watchlists)?;
        let lost_stolen = match &self.lost_stolen {
            None => LostStolenList::default(),
            Some(p) => {
                let f =
                    std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?;
                LostStolenList::from_csv(f, &p.display().to_string())?
            }
        };
        let rules = match &self.rules {
            None => RuleSet::default(),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?;
                RuleSet::from_toml(&text, &self.filter)
                    .with_context(|| format!("{}", p.display()))?
            }
        };
        Ok(TravellerScreener::new(
            index,
            lost_stolen,
            rules,
            self.options,
        ))
    }
}

fn read_file(
    path: &Path,
    filter: &SensitiveDataFilter,
    today: interdict_travel::dates::ReferenceDate,
) -> anyhow::Result<TravelFile> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file = read_travel_file(&bytes, filter, today);
    if file.messages.is_empty() {
        let why = file
            .warnings
            .first()
            .map(|w| format!(": {w}"))
            .unwrap_or_default();
        anyhow::bail!(
            "{}: no PAXLST, PNRGOV or CUSRES message found (no UNH segment, or no PNR element in XML){why}",
            path.display()
        );
    }
    Ok(file)
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Parse(a) => {
            let filter = load_filter(a.sensitive_list.as_deref())?;
            let today = reference_date(a.today.as_deref())?;
            parse(&a.files, &filter, today)
        }
        Command::Screen(a) => {
            let config = ScreeningConfig::try_from(a.screening)?;
            screen(&config, &a.files, a.format)
        }
        Command::Iapi(a) => {
            let policy = match &a.policy {
                None => IapiPolicy::default(),
                Some(p) => {
                    let text = std::fs::read_to_string(p)
                        .with_context(|| format!("reading {}", p.display()))?;
                    IapiPolicy::from_toml(&text).with_context(|| format!("{}", p.display()))?
                }
            };
            let config = ScreeningConfig::try_from(a.screening)?;
            iapi(&config, &policy, &a.sender, &a.files)
        }
    }
}

fn parse(
    files: &[PathBuf],
    filter: &SensitiveDataFilter,
    today: interdict_travel::dates::ReferenceDate,
) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for path in files {
        let file = match read_file(path, filter, today) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("interdict: error: {e:#}");
                failed = true;
                continue;
            }
        };
        let n = file.messages.len();
        for (k, m) in file.messages.iter().enumerate() {
            let mut v = serde_json::to_value(&m.message)?;
            let mut warnings = m.warnings.clone();
            if k + 1 == n {
                warnings.extend(file.warnings.iter().cloned());
            }
            if let Some(obj) = v.as_object_mut() {
                obj.insert("file".into(), serde_json::json!(path.display().to_string()));
                obj.insert("warnings".into(), serde_json::to_value(&warnings)?);
            }
            serde_json::to_writer(&mut out, &v)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if failed { 2 } else { 0 }))
}

fn screen(
    config: &ScreeningConfig,
    files: &[PathBuf],
    format: OutputFormat,
) -> anyhow::Result<ExitCode> {
    let screener = config.screener()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut any_hit = false;
    let mut failed = false;
    for path in files {
        let file = match read_file(path, &config.filter, config.today) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("interdict: error: {e:#}");
                failed = true;
                continue;
            }
        };
        for m in &file.messages {
            if matches!(m.message, TravelMessage::Cusres(_)) {
                continue;
            }
            let s = screener.screen_message(m);
            any_hit |= s.hit_count() > 0;
            match format {
                OutputFormat::Json => {
                    let mut v = serde_json::to_value(&s)?;
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("file".into(), serde_json::json!(path.display().to_string()));
                        obj.insert("warnings".into(), serde_json::json!(m.warnings.len()));
                    }
                    serde_json::to_writer(&mut out, &v)?;
                    writeln!(out)?;
                }
                OutputFormat::Table => write_table(&mut out, path, &s)?,
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if failed {
        2
    } else if any_hit {
        1
    } else {
        0
    }))
}

fn write_table(out: &mut impl Write, path: &Path, s: &MessageScreening) -> anyhow::Result<()> {
    let f = &s.flight;
    writeln!(
        out,
        "{} {} {} {}-{} {}: {} traveller(s), {} hit(s)",
        path.display(),
        s.message_type,
        f.number.as_deref().unwrap_or("?"),
        f.departure_airport.as_deref().unwrap_or("?"),
        f.arrival_airport.as_deref().unwrap_or("?"),
        f.departure_time.as_deref().unwrap_or(""),
        s.travellers.len(),
        s.hit_count()
    )?;
    if s.hit_count() > 0 {
        writeln!(
            out,
            "  {:<32} {:<11} {:<22} {:<16} {:<6} why",
            "traveller", "born", "hit", "reference", "score"
        )?;
    }
    for t in &s.travellers {
        for h in &t.hits {
            let name = format!("{}, {}", t.surname, t.given_names);
            writeln!(
                out,
                "  {:<32} {:<11} {:<22} {:<16} {:<6} {}",
                crate::table::truncate(&name, 32),
                t.birth_date.as_deref().unwrap_or("-"),
                h.hit_type.as_str(),
                crate::table::truncate(&h.reference, 16),
                h.score
                    .map(|x| format!("{x:.3}"))
                    .unwrap_or_else(|| "-".into()),
                h.caption
            )?;
        }
    }
    Ok(())
}

fn iapi(
    config: &ScreeningConfig,
    policy: &IapiPolicy,
    sender: &str,
    files: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let screener = config.screener()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut any_hit = false;
    let mut failed = false;
    let (y, mo, d) = config.today;
    for path in files {
        let file = match read_file(path, &config.filter, config.today) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("interdict: error: {e:#}");
                failed = true;
                continue;
            }
        };
        for m in &file.messages {
            let TravelMessage::Paxlst(p) = &m.message else {
                eprintln!(
                    "interdict: warning: {}: {} message skipped (iAPI answers PAXLST requests)",
                    path.display(),
                    m.message.message_type()
                );
                continue;
            };
            let s = screener.screen_message(m);
            any_hit |= s.hit_count() > 0;
            let answers = policy.answers(&s);
            let header = CusresHeader {
                sender: sender.to_string(),
                recipient: m.sender.clone(),
                date: format!("{:02}{mo:02}{d:02}", y % 100),
                time: "0000".into(),
                interchange_reference: format!("R{}", p.reference),
                message_reference: p.reference.clone(),
                transaction_reference: p.transaction_reference.clone(),
                flight: p.flight.legs.last().cloned().unwrap_or_default(),
            };
            out.write_all(write_cusres(&header, &answers, policy).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(if failed {
        2
    } else if any_hit {
        1
    } else {
        0
    }))
}
