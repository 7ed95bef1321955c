//! Throughput run: the example rule pack (every windowed aggregate) with party screening over a synthetic
//! stream. The generator runs on one thread and the monitor on another (2 cores), connected by a bounded
//! channel of batches, so memory stays bounded; peak resident memory is read from /proc/self/status.
//!
//! `cargo run --release -p interdict-finance --example throughput -- --transactions 10000000 \
//!     --list ../shared/data/lists/un/UN_consolidated.xml [--accounts 200000] [--rules PACK.toml]`

use interdict_finance::generator::{GeneratorConfig, SyntheticStream};
use interdict_finance::watchlist::WatchlistScreener;
use interdict_finance::{Monitor, RulePack, Transaction};
use std::sync::Arc;
use std::time::Instant;

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

/// CPU seconds (user + system) used so far by the calling thread.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
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

    let mut planted = Vec::new();
    let mut monitor = match arg(&args, "--list") {
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
            let screener =
                WatchlistScreener::new(index, interdict_screen::ScreenOptions::default());
            Monitor::with_screener(pack, Arc::new(screener), 1 << 20)
        }
        None => Monitor::new(pack),
    };

    let config = GeneratorConfig {
        transactions: n,
        accounts,
        planted_names: planted,
        plant_every: 100_000,
        ..GeneratorConfig::default()
    };
    let (send, recv) = std::sync::mpsc::sync_channel::<Vec<Transaction>>(8);
    let producer = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(4096);
        for tx in SyntheticStream::new(config) {
            batch.push(tx);
            if batch.len() == 4096
                && send
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(4096)))
                    .is_err()
            {
                return;
            }
        }
        let _ = send.send(batch);
    });
    let start = Instant::now();
    let cpu0 = thread_cpu_seconds();
    let proc0 = process_cpu_seconds();
    let mut alerts = Vec::new();
    let mut alert_count = 0u64;
    let mut freeze = 0u64;
    for batch in recv {
        for tx in batch {
            monitor.process_into(tx, &mut alerts);
            alert_count += alerts.len() as u64;
            freeze += alerts
                .iter()
                .filter(|a| a.report == interdict_finance::ReportKind::Freeze)
                .count() as u64;
            alerts.clear();
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let monitor_cpu = thread_cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
    let process_cpu = process_cpu_seconds().zip(proc0).map(|(b, a)| b - a);
    producer.join().map_err(|_| "generator thread panicked")?;
    let stats = monitor.stats();
    println!("transactions: {}", stats.transactions);
    println!(
        "elapsed: {elapsed:.2}s, throughput: {:.0} tx/s",
        stats.transactions as f64 / elapsed
    );
    if let (Some(m), Some(p)) = (monitor_cpu, process_cpu) {
        println!(
            "cpu: monitor thread {m:.2}s ({:.0} tx per monitor-CPU-second), whole process {p:.2}s; load average at end: {}",
            stats.transactions as f64 / m.max(1e-9),
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .trim()
        );
    }
    println!(
        "alerts: {alert_count} (asset-freeze: {freeze}); by rule: {:?}",
        stats.alerts_by_rule
    );
    println!(
        "screening: {} distinct parties screened, {} cache hits; live window state: {} events over {} entities",
        stats.screening_calls,
        stats.screening_cache_hits,
        stats.live_window_events,
        stats.live_window_entities
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak resident memory: {m:.0} MiB");
    }
    println!("Tazama's published figure for comparison: 2,497 tx/s on several hundred vCPUs");
    Ok(())
}
