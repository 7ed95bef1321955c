//! Scale run: builds an index over a synthetic list (default 1,000,000 entities) and screens queries drawn from
//! it, reporting build time, resident memory, queries per second on all cores and latency percentiles.
//!
//! `cargo run --release -p interdict-screen --example scale -- [ENTITIES] [QUERIES] [CUTOFF]` (CUTOFF defaults to
//! the contract's 0.5). `INTERDICT_SCALE_DUMP=FILE` writes one line per query (wall ms, work counts, found, text)
//! for finding the queries that cost most.

use interdict_model::{Entity, Name, NameKind};
use interdict_screen::{
    ScreenOptions, SearchStats, WatchlistIndexBuilder, synthetic::synthetic_entities,
};
use rayon::prelude::*;
use std::time::Instant;

/// Peak (`VmHWM`) or current (`VmRSS`) resident memory of this process.
fn resident_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(str::to_string))
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time this thread has run, in nanoseconds (Linux `schedstat`): summed over the queries, the work done
/// without the time spent waiting for a core, so that runs on a shared machine can be compared.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let q: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let cutoff: Option<f64> = args.next().and_then(|a| a.parse().ok());
    let t = Instant::now();
    let entities: Vec<Entity> = synthetic_entities(n, 7).collect();
    let gen_time = t.elapsed();
    let queries: Vec<(String, Entity)> = entities
        .iter()
        .step_by((n / q).max(1))
        .take(q)
        .enumerate()
        .map(|(i, e)| {
            let mut text = e.names[0].text.clone();
            if i % 2 == 0 && text.len() > 8 {
                // Every other query carries a typo.
                text.remove(text.len() - 3);
            }
            let mut query = Entity::new(format!("q{i}"), e.schema);
            query.names.push(Name::new(text, NameKind::Primary));
            query.birth_dates = e.birth_dates.clone();
            (e.id.clone(), query)
        })
        .collect();
    let t = Instant::now();
    let mut b = WatchlistIndexBuilder::new();
    b.extend(entities);
    let index = b.build();
    let build = t.elapsed();
    println!(
        "entities {n}, names {}, generate {:.1}s, build {:.1}s, peak resident memory {:.0} MiB, after build {:.0} MiB",
        index.name_count(),
        gen_time.as_secs_f64(),
        build.as_secs_f64(),
        resident_mib("VmHWM:"),
        resident_mib("VmRSS:")
    );
    let mut options = ScreenOptions::default();
    if let Some(c) = cutoff {
        options.cutoff = c;
    }
    let t = Instant::now();
    let outcomes: Vec<(bool, f64, SearchStats, f64)> = queries
        .par_iter()
        .map(|(id, query)| {
            let cpu = thread_cpu_ns();
            let s = Instant::now();
            let (r, stats) = index.screen_with_stats(query, &options);
            let wall_ms = s.elapsed().as_secs_f64() * 1000.0;
            let cpu_ms = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e6;
            (r.iter().any(|m| &m.id == id), wall_ms, stats, cpu_ms)
        })
        .collect();
    let wall = t.elapsed().as_secs_f64();
    if let Ok(path) = std::env::var("INTERDICT_SCALE_DUMP") {
        let lines: Vec<String> = queries
            .iter()
            .zip(&outcomes)
            .map(|((_, q), (found, ms, s, _))| {
                format!(
                    "{ms:.3}\t{}\t{}\t{}\t{}\t{found}\t{}",
                    s.entries_read,
                    s.names_touched,
                    s.candidates,
                    s.entities_scored,
                    q.names[0].text
                )
            })
            .collect();
        std::fs::write(&path, lines.join("\n") + "\n").expect("dump file");
    }
    let found = outcomes.iter().filter(|o| o.0).count();
    let mut lat: Vec<f64> = outcomes.iter().map(|o| o.1).collect();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "queries {}, found their entity {found} ({:.1}%), {:.0} queries/s on {} threads, latency ms p50 {:.3} p99 {:.3} max {:.3}",
        queries.len(),
        100.0 * found as f64 / queries.len() as f64,
        queries.len() as f64 / wall,
        rayon::current_num_threads(),
        pct(0.5),
        pct(0.99),
        lat[lat.len() - 1]
    );
    // Per-query CPU readings move in scheduler ticks, so only their sum is reported.
    let cpu_ms: f64 = outcomes.iter().map(|o| o.3).sum();
    println!(
        "CPU time per query: mean {:.3} ms (so {:.0} queries/s per free core)",
        cpu_ms / outcomes.len() as f64,
        1000.0 * outcomes.len() as f64 / cpu_ms
    );
    let work = |f: fn(&SearchStats) -> usize| {
        let mut v: Vec<usize> = outcomes.iter().map(|o| f(&o.2)).collect();
        v.sort_unstable();
        let mean = v.iter().sum::<usize>() as f64 / v.len() as f64;
        format!(
            "mean {mean:.0} p99 {} max {}",
            v[(v.len() * 99 / 100).min(v.len() - 1)],
            v[v.len() - 1]
        )
    };
    println!(
        "per query: entries read {}; names touched {}; candidates {}; entities scored {}",
        work(|s| s.entries_read),
        work(|s| s.names_touched),
        work(|s| s.candidates),
        work(|s| s.entities_scored)
    );
}
