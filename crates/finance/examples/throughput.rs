//! Throughput run: the example rule pack (every windowed aggregate) with party screening over a synthetic
//! stream. The generator runs on one thread and `--shards` monitors (default 2) on others through
//! `interdict_finance::parallel::run_refilling` (bounded channels, so memory stays bounded; the transactions
//! the monitors are done with go back to the generator, which writes the next ones over them); peak resident
//! memory is read from /proc/self/status.
//!
//! The process runs on mimalloc: every transaction is about a dozen small strings, and with glibc malloc the
//! strings made on the generator thread and freed on a monitor thread cost about a quarter of the CPU
//! (consolidating and unlinking chunks freed from another thread); mimalloc's thread-local free lists took
//! that to a few percent. Since run_refilling reuses the transactions' strings, the allocator mostly serves
//! alerts, window logs and screening-cache entries. The engine itself does not choose an allocator; a binary
//! embedding it can.
//!
//! `cargo run --release -p interdict-finance --example throughput -- --transactions 10000000 \
//!     --list ../shared/data/lists/un/UN_consolidated.xml [--accounts 200000] [--rules PACK.toml]`

use interdict_finance::generator::{GeneratorConfig, SyntheticStream};
use interdict_finance::watchlist::WatchlistScreener;
use interdict_finance::{Monitor, RulePack};
use std::sync::Arc;
use std::time::Instant;

/// See the header: allocation traffic between the generator and the monitor threads.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU seconds used so far by the whole process (every thread).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let n: u64 = arg(&args, "--transactions")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let accounts: u32 = arg(&args, "--accounts")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200_000);
    let rules =
        arg(&args, "--rules").unwrap_or_else(|| format!("{root}/samples/finance/rules-fr-tf.toml"));
    let pack = Arc::new(RulePack::from_toml_str(&std::fs::read_to_string(&rules)?)?);

    let shards: usize = arg(&args, "--shards")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(2)
        .max(1);
    let mut planted = Vec::new();
    let screener: Option<Arc<dyn interdict_finance::PartyScreener>> = match arg(&args, "--list") {
        Some(list) => {
            let t = Instant::now();
            let import = interdict_lists::read_list_file(std::path::Path::new(&list))?;
            let mut builder = interdict_screen::WatchlistIndexBuilder::new();
            for e in &import.entities {
                if let Some(name) = e.primary_name()
                    && planted.len() < 50
                {
                    planted.push(name.to_string());
                }
            }
            let entities = import.entities.len();
            builder.extend(import.entities);
            let index = Arc::new(builder.build());
            eprintln!(
                "watchlist: {entities} entities indexed in {:.2}s",
                t.elapsed().as_secs_f64()
            );
            Some(Arc::new(WatchlistScreener::new(
                index,
                interdict_screen::ScreenOptions::default(),
            )))
        }
        None => None,
    };

    // parallel::run_refilling: the generator on one thread, one monitor per shard (customers hashed to shards), alerts
    // merged back into the order one monitor would raise them.
    let config = GeneratorConfig {
        transactions: n,
        accounts,
        planted_names: planted,
        plant_every: 100_000,
        ..GeneratorConfig::default()
    };
    let monitors: Vec<Monitor> = (0..shards)
        .map(|_| match &screener {
            Some(s) => Monitor::with_screener(pack.clone(), s.clone(), 1 << 20),
            None => Monitor::new(pack.clone()),
        })
        .collect();
    let start = Instant::now();
    let proc0 = process_cpu_seconds();
    let (mut alert_count, mut freeze) = (0u64, 0u64);
    let run = interdict_finance::parallel::run_refilling(
        monitors,
        move || SyntheticStream::new(config),
        |alerts, _| -> Result<(), ()> {
            alert_count += alerts.len() as u64;
            freeze += alerts
                .iter()
                .filter(|a| a.report == interdict_finance::ReportKind::Freeze)
                .count() as u64;
            Ok(())
        },
    )
    .map_err(|_| "monitoring failed")?;
    let monitor_cpu: f64 = run.shard_cpu_seconds.iter().sum();
    let total = run.stats;
    let elapsed = start.elapsed().as_secs_f64();
    let process_cpu = process_cpu_seconds()
        .zip(proc0)
        .map(|(b, a)| b - a)
        .unwrap_or(0.0);
    println!(
        "transactions: {n} ({shards} monitor threads + 1 generator thread + 1 merging thread)"
    );
    println!(
        "elapsed: {elapsed:.2}s, throughput: {:.0} tx/s (wall clock)",
        n as f64 / elapsed
    );
    println!(
        "cpu: monitors {monitor_cpu:.2}s, whole process {process_cpu:.2}s => {:.0} tx per CPU-second of the whole process, {:.0} tx/s if 2 cores were free; load average at end: {}",
        n as f64 / process_cpu.max(1e-9),
        2.0 * n as f64 / process_cpu.max(1e-9),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "alerts: {alert_count} (asset-freeze: {freeze}); by rule: {:?}",
        total.alerts_by_rule
    );
    println!(
        "screening: {} parties screened, {} exact cache hits, {} normalised cache hits (hit rate {:.2}%); live window state: {} events over {} entities",
        total.screening_calls,
        total.screening_cache_hits,
        total.screening_normalised_hits,
        100.0 * (total.screening_cache_hits + total.screening_normalised_hits) as f64
            / (total.screening_calls + total.screening_cache_hits + total.screening_normalised_hits)
                .max(1) as f64,
        total.live_window_events,
        total.live_window_entities
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak resident memory: {m:.0} MiB");
    }
    println!("Tazama's published figure for comparison: 2,497 tx/s on several hundred vCPUs");
    Ok(())
}
