//! `interdict finance`: transaction monitoring with a rule pack and party screening (`monitor`), goAML reports
//! from the alerts (`report`), and a synthetic transaction generator (`generate`).

use crate::progress::Progress;
use crate::watchlists::{WatchlistConfig, load_index};
use anyhow::Context;
use interdict_finance::generator::{GeneratorConfig, SyntheticStream};
use interdict_finance::goaml::{GoamlProfile, build_report, write_report};
use interdict_finance::watchlist::WatchlistScreener;
use interdict_finance::{Alert, CsvOptions, Monitor, ReportKind, RulePack, Timestamp, UtcOffset};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// The generic goAML 5.0.1 profile used when `--profile` is not given.
const DEFAULT_PROFILE: &str = include_str!("../../../../samples/finance/goaml-5.0.1.toml");

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run a rule pack (and party screening with --list) over transaction files; alerts to standard output.
    Monitor(MonitorArgs),
    /// Build goAML XML reports from alerts (JSON lines from `finance monitor`).
    Report(ReportArgs),
    /// Write a deterministic synthetic transaction stream in the Interdict CSV layout.
    Generate(GenerateArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlertFormat {
    Json,
    Table,
    /// No alert lines: only the counts (by rule) on standard error.
    Summary,
}

#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// Rule pack (TOML).
    #[arg(long)]
    rules: PathBuf,
    /// Watchlist file for party screening (UN SC XML, OFAC SDN CSV, FollowTheMoney JSON lines, watchlist CSV);
    /// repeatable. Without it parties are not screened.
    #[arg(long = "list")]
    lists: Vec<PathBuf>,
    /// Screening: results at or above this score are matches.
    #[arg(long, default_value_t = 0.7)]
    threshold: f64,
    /// Output: one JSON line per alert, or a table.
    #[arg(long, value_enum, default_value_t = AlertFormat::Json)]
    format: AlertFormat,
    /// Time-zone offset for timestamps written without one (default: the rule pack's).
    #[arg(long)]
    timezone: Option<String>,
    /// Show a progress bar on standard error (default: when standard error is a terminal).
    #[arg(long)]
    progress: bool,
    /// Monitoring threads: customers are split over them (alerts and their order are those of one thread);
    /// one more thread reads the input. Default: the number of CPUs.
    #[arg(long)]
    threads: Option<usize>,
    /// Monitor N transactions of the built-in synthetic stream (`finance generate`) instead of files.
    #[arg(long, value_name = "N", conflicts_with = "transactions")]
    synthetic: Option<u64>,
    /// With --synthetic: number of customer accounts.
    #[arg(long, default_value_t = 200_000, requires = "synthetic")]
    accounts: u32,
    /// With --synthetic: seed.
    #[arg(long, default_value_t = 1, requires = "synthetic")]
    seed: u64,
    /// Transaction files: Interdict CSV layout, AMLSim, or pacs.008 XML (detected from the content); `-` is
    /// standard input.
    #[arg(required_unless_present = "synthetic")]
    transactions: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Goaml,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Report format.
    #[arg(long, value_enum)]
    format: ReportFormat,
    /// FIU profile (TOML): schema version, reporting entity, report and indicator codes. Default: generic 5.0.1.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// FIU indicator list (JSON array of {"code","label"}) to check the profile's indicator codes against.
    #[arg(long)]
    indicators: Option<PathBuf>,
    /// Directory to write one XML file per report (required when there is more than one report).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also report review-only alerts (report kind `alert`); by default only str, ctr, tfr and freeze alerts.
    #[arg(long)]
    all: bool,
    /// Submission date written in the reports (ISO 8601; default: now).
    #[arg(long)]
    submitted: Option<String>,
    /// Alerts as JSON lines; `-` is standard input.
    alerts: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Number of transactions.
    #[arg(long, default_value_t = 100_000)]
    transactions: u64,
    /// Number of accounts.
    #[arg(long, default_value_t = 50_000)]
    accounts: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Monitor(a) => monitor(MonitorConfig::try_from(a)?),
        Command::Report(a) => report(ReportConfig::try_from(a)?),
        Command::Generate(a) => generate(a.transactions, a.accounts, a.seed),
    }
}

/// Validated settings of a monitoring run.
#[derive(Debug)]
struct MonitorConfig {
    pack: Arc<RulePack>,
    lists: Vec<PathBuf>,
    threshold: f64,
    format: AlertFormat,
    offset: UtcOffset,
    progress: bool,
    threads: usize,
    input: MonitorInput,
}

/// Where the transactions come from.
#[derive(Debug)]
enum MonitorInput {
    Files(Vec<PathBuf>),
    Synthetic(GeneratorConfig),
}

impl TryFrom<MonitorArgs> for MonitorConfig {
    type Error = anyhow::Error;
    fn try_from(a: MonitorArgs) -> anyhow::Result<Self> {
        anyhow::ensure!(
            (0.0..=1.0).contains(&a.threshold),
            "--threshold must be between 0 and 1, got {}",
            a.threshold
        );
        let text = std::fs::read_to_string(&a.rules)
            .with_context(|| format!("reading rule pack {}", a.rules.display()))?;
        let pack = RulePack::from_toml_str(&text)
            .with_context(|| format!("rule pack {}", a.rules.display()))?;
        let offset = match &a.timezone {
            Some(tz) => UtcOffset::parse(tz)
                .with_context(|| format!("--timezone {tz:?}: expected an offset such as +01:00"))?,
            None => pack.offset,
        };
        use std::io::IsTerminal;
        let threads = match a.threads {
            Some(0) => anyhow::bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let input = match a.synthetic {
            Some(n) => {
                anyhow::ensure!(a.accounts >= 2, "--accounts must be at least 2");
                MonitorInput::Synthetic(GeneratorConfig {
                    transactions: n,
                    accounts: a.accounts,
                    seed: a.seed,
                    ..GeneratorConfig::default()
                })
            }
            None => MonitorInput::Files(a.transactions),
        };
        Ok(MonitorConfig {
            pack: Arc::new(pack),
            lists: a.lists,
            threshold: a.threshold,
            format: a.format,
            offset,
            progress: a.progress || std::io::stderr().is_terminal(),
            threads,
            input,
        })
    }
}

fn open_input(path: &PathBuf) -> anyhow::Result<Box<dyn BufRead + Send>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
    }
}

fn monitor(cfg: MonitorConfig) -> anyhow::Result<ExitCode> {
    let screener: Option<Arc<dyn interdict_finance::PartyScreener>> = if cfg.lists.is_empty() {
        None
    } else {
        let index = load_index(&WatchlistConfig {
            lists: cfg.lists.clone(),
            lexicon: None,
            report_problems: false,
        })?;
        let options = interdict_screen::ScreenOptions {
            threshold: cfg.threshold,
            ..Default::default()
        };
        Some(Arc::new(WatchlistScreener::new(index, options)))
    };
    let new_monitor = || match &screener {
        Some(s) => Monitor::with_screener(cfg.pack.clone(), s.clone(), 1 << 20),
        None => Monitor::new(cfg.pack.clone()),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if cfg.format == AlertFormat::Table {
        writeln!(
            out,
            "{:<26} {:<4} {:<8} {:<20} {:<28} {:>12}  values",
            "rule", "ver", "report", "transaction", "subject", "amount"
        )?;
    }
    let progress = Progress::new(cfg.progress, "transactions");
    let record_errors = std::sync::atomic::AtomicU64::new(0);
    let mut alert_count = 0u64;
    // Open every file first, so a missing file is an error before any work.
    let inputs = match &cfg.input {
        MonitorInput::Files(files) => files
            .iter()
            .map(|p| Ok((p.display().to_string(), open_input(p)?)))
            .collect::<anyhow::Result<Vec<_>>>()?,
        MonitorInput::Synthetic(_) => Vec::new(),
    };
    let fatal: std::sync::Mutex<Option<anyhow::Error>> = std::sync::Mutex::new(None);
    let options = CsvOptions {
        default_offset: cfg.offset,
    };
    // The transactions, with each bad record reported (named by file, record and field) and skipped.
    let transactions = || -> Box<dyn Iterator<Item = interdict_finance::Transaction>> {
        match &cfg.input {
            MonitorInput::Synthetic(g) => Box::new(SyntheticStream::new(g.clone())),
            MonitorInput::Files(_) => Box::new(inputs.into_iter().flat_map(|(name, input)| {
                let reader = match interdict_finance::read_transactions(input, &name, &options) {
                    Ok(r) => r,
                    Err(e) => {
                        *fatal.lock().unwrap_or_else(|p| p.into_inner()) =
                            Some(anyhow::Error::new(e).context(name.clone()));
                        Box::new(std::iter::empty())
                    }
                };
                reader.filter_map(|tx| match tx {
                    Ok(tx) => Some(tx),
                    Err(e) => {
                        record_errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        eprintln!("interdict: error: {e}");
                        None
                    }
                })
            })),
        }
    };
    let stats = if cfg.threads <= 1 {
        let mut monitor = new_monitor();
        let mut alerts = Vec::new();
        for (i, tx) in transactions().enumerate() {
            monitor.process_into(tx, &mut alerts);
            for a in alerts.drain(..) {
                alert_count += 1;
                write_alert(&mut out, &a, cfg.format)?;
            }
            if i % 4096 == 4095 {
                progress.advance(4096);
            }
        }
        monitor.stats()
    } else {
        let monitors = (0..cfg.threads).map(|_| new_monitor()).collect();
        let run = interdict_finance::parallel::run(monitors, transactions, |alerts, n| {
            for a in &alerts {
                alert_count += 1;
                write_alert(&mut out, a, cfg.format)?;
            }
            progress.advance(n);
            anyhow::Ok(())
        })?;
        run.stats
    };
    if let Some(e) = fatal.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let record_errors = record_errors.into_inner();
    progress.finish();
    out.flush()?;
    eprintln!(
        "interdict: {} transactions, {} alerts, {} record errors, {} repeat alerts suppressed",
        stats.transactions, alert_count, record_errors, stats.suppressed
    );
    for (rule, n) in &stats.alerts_by_rule {
        eprintln!("interdict:   {rule}: {n}");
    }
    if screener.is_some() {
        let lookups =
            stats.screening_calls + stats.screening_cache_hits + stats.screening_normalised_hits;
        eprintln!(
            "interdict: party screening: {} parties and banks screened, {} of {} look-ups answered by the cache ({:.2}%; {} by another spelling)",
            stats.screening_calls,
            stats.screening_cache_hits + stats.screening_normalised_hits,
            lookups,
            100.0 * (lookups - stats.screening_calls) as f64 / lookups.max(1) as f64,
            stats.screening_normalised_hits
        );
    }
    eprintln!(
        "interdict: window state at the end: {} events over {} accounts and customers",
        stats.live_window_events, stats.live_window_entities
    );
    if stats.unconverted_currency > 0 {
        eprintln!(
            "interdict: warning: {} transactions in a currency the pack has no rate for",
            stats.unconverted_currency
        );
    }
    if stats.out_of_order > 0 {
        eprintln!(
            "interdict: warning: {} transactions out of time order (windows assume time order)",
            stats.out_of_order
        );
    }
    Ok(if alert_count > 0 || stats.alerts > 0 {
        ExitCode::from(1)
    } else if record_errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_alert(out: &mut impl Write, a: &Alert, format: AlertFormat) -> anyhow::Result<()> {
    match format {
        AlertFormat::Summary => {}
        AlertFormat::Json => {
            serde_json::to_writer(&mut *out, a)?;
            writeln!(out)?;
        }
        AlertFormat::Table => {
            let tx = &a.transactions[0];
            let subject = if a.subject.name.is_empty() {
                a.subject.account_key().to_string()
            } else {
                a.subject.name.clone()
            };
            let values: Vec<String> = a
                .values
                .iter()
                .filter(|(k, _)| *k != "amount")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let subject: String = subject.chars().take(28).collect();
            writeln!(
                out,
                "{:<26} {:<4} {:<8} {:<20} {:<28} {:>12}  {}",
                a.rule_id,
                a.rule_version,
                a.report.as_str(),
                tx.id,
                subject,
                format!("{} {}", tx.amount, tx.currency),
                values.join(" ")
            )?;
        }
    }
    Ok(())
}

/// Validated settings of a report run.
#[derive(Debug)]
struct ReportConfig {
    profile: GoamlProfile,
    out: Option<PathBuf>,
    all: bool,
    submitted: Timestamp,
    alerts: PathBuf,
}

impl TryFrom<ReportArgs> for ReportConfig {
    type Error = anyhow::Error;
    fn try_from(a: ReportArgs) -> anyhow::Result<Self> {
        let ReportFormat::Goaml = a.format;
        let profile = match &a.profile {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading profile {}", p.display()))?;
                GoamlProfile::from_toml_str(&text)
                    .with_context(|| format!("profile {}", p.display()))?
            }
            None => GoamlProfile::from_toml_str(DEFAULT_PROFILE)?,
        };
        if let Some(list) = &a.indicators {
            let text = std::fs::read_to_string(list)
                .with_context(|| format!("reading {}", list.display()))?;
            let unknown = profile.unknown_indicators(&text)?;
            anyhow::ensure!(
                unknown.is_empty(),
                "profile {} uses indicator codes not in {}: {}",
                profile.name,
                list.display(),
                unknown.join(", ")
            );
        }
        let submitted = match &a.submitted {
            Some(s) => Timestamp::parse(s, profile.offset)
                .map_err(|e| anyhow::anyhow!("--submitted {s:?}: {e}"))?,
            None => Timestamp(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(0),
            ),
        };
        Ok(ReportConfig {
            profile,
            out: a.out,
            all: a.all,
            submitted,
            alerts: a.alerts,
        })
    }
}

fn report(cfg: ReportConfig) -> anyhow::Result<ExitCode> {
    let input = open_input(&cfg.alerts)?;
    let name = cfg.alerts.display().to_string();
    // Alerts about the same subject and of the same report kind go into one report.
    let mut groups: BTreeMap<(ReportKind, String), Vec<Alert>> = BTreeMap::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("reading {name}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let alert: Alert = serde_json::from_str(&line)
            .with_context(|| format!("{name}: line {}: not an alert", i + 1))?;
        if alert.report == ReportKind::Alert && !cfg.all {
            continue;
        }
        let report_kind = if alert.report == ReportKind::Alert {
            ReportKind::Str
        } else {
            alert.report
        };
        groups
            .entry((report_kind, alert.subject.account_key().to_string()))
            .or_default()
            .push(alert);
    }
    if groups.is_empty() {
        eprintln!("interdict: no reportable alerts in {name}");
        return Ok(ExitCode::SUCCESS);
    }
    anyhow::ensure!(
        groups.len() == 1 || cfg.out.is_some(),
        "{} reports to write: give --out DIRECTORY",
        groups.len()
    );
    if let Some(dir) = &cfg.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    for (n, ((kind, subject), alerts)) in groups.iter().enumerate() {
        let reference = format!(
            "INTERDICT-{}-{}-{:04}",
            kind.as_str().to_ascii_uppercase(),
            cfg.submitted.0,
            n + 1
        );
        let report = build_report(alerts, &cfg.profile, &reference, cfg.submitted)
            .with_context(|| format!("report for {subject} ({} alerts)", alerts.len()))?;
        let xml = write_report(&report);
        match &cfg.out {
            Some(dir) => {
                let path = dir.join(format!("{reference}.xml"));
                std::fs::write(&path, xml)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!(
                    "interdict: wrote {} ({} {}, {} transactions)",
                    path.display(),
                    report.report_code,
                    subject,
                    report.transactions.len()
                );
            }
            None => std::io::stdout().write_all(xml.as_bytes())?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(transactions: u64, accounts: u32, seed: u64) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(accounts >= 2, "--accounts must be at least 2");
    let stdout = std::io::stdout();
    let mut out = csv::Writer::from_writer(BufWriter::new(stdout.lock()));
    out.write_record(interdict_finance::ingest::csv_layout::HEADER)?;
    let config = GeneratorConfig {
        transactions,
        accounts,
        seed,
        ..GeneratorConfig::default()
    };
    for tx in SyntheticStream::new(config) {
        out.write_record(interdict_finance::ingest::csv_layout::record(&tx))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
