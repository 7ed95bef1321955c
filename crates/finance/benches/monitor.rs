//! Criterion benches: the example rule pack over a synthetic stream, on one monitor (no screening) and on two
//! monitor threads with party screening against the UN list (when ../shared/data is there). Each asserts its
//! alert count, so that a fast but wrong engine fails; the parallel one asserts the count of one monitor.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use interdict_finance::generator::{GeneratorConfig, SyntheticStream};
use interdict_finance::watchlist::WatchlistScreener;
use interdict_finance::{Monitor, PartyScreener, RulePack, Transaction};
use std::sync::Arc;

/// As in the throughput example: the bench measures the engine on the allocator a deployment would pick.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pack() -> Arc<RulePack> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/finance/rules-fr-tf.toml"
    ))
    .expect("example pack");
    Arc::new(RulePack::from_toml_str(&text).expect("pack compiles"))
}

fn un_screener() -> Option<Arc<dyn PartyScreener>> {
    let path = interdict_testdata::shared_data("lists/un/UN_consolidated.xml")?;
    let import = interdict_lists::read_list_file(&path).ok()?;
    let mut b = interdict_screen::WatchlistIndexBuilder::new();
    b.extend(import.entities);
    Some(Arc::new(WatchlistScreener::new(
        Arc::new(b.build()),
        interdict_screen::ScreenOptions::default(),
    )))
}

fn bench(c: &mut Criterion) {
    let pack = pack();
    let config = GeneratorConfig {
        transactions: 20_000,
        accounts: 5_000,
        ..GeneratorConfig::default()
    };
    let txs: Vec<Transaction> = SyntheticStream::new(config).collect();
    let run = |txs: &[Transaction]| {
        let mut m = Monitor::new(pack.clone());
        let mut n = 0usize;
        for t in txs {
            n += m.process(t.clone()).len();
        }
        n
    };
    let expected = run(&txs);
    assert!(expected > 0, "the synthetic stream must raise alerts");
    let mut g = c.benchmark_group("monitor");
    g.throughput(Throughput::Elements(txs.len() as u64));
    g.sample_size(10);
    g.bench_function("example_pack_20k", |b| {
        b.iter(|| assert_eq!(run(&txs), expected))
    });
    g.finish();

    // Two monitor threads with screening, the generator on the input thread (as `finance monitor
    // --synthetic N --threads 2`): 200,000 transactions, 20,000 customers.
    let Some(screener) = un_screener() else {
        eprintln!(
            "skipping monitor_parallel: ../shared/data/lists/un/UN_consolidated.xml not found"
        );
        return;
    };
    let config = GeneratorConfig {
        transactions: 200_000,
        accounts: 20_000,
        ..GeneratorConfig::default()
    };
    let monitor = || Monitor::with_screener(pack.clone(), screener.clone(), 1 << 20);
    let mut single = monitor();
    let mut sequential = 0usize;
    for t in SyntheticStream::new(config.clone()) {
        sequential += single.process(t).len();
    }
    let parallel = |threads: usize| {
        let mut n = 0usize;
        interdict_finance::parallel::run(
            (0..threads).map(|_| monitor()).collect(),
            || SyntheticStream::new(config.clone()),
            |alerts, _| {
                n += alerts.len();
                Ok::<(), ()>(())
            },
        )
        .expect("run");
        n
    };
    let mut g = c.benchmark_group("monitor_parallel");
    g.throughput(Throughput::Elements(200_000));
    g.sample_size(10);
    g.bench_function("example_pack_screening_200k_2_threads", |b| {
        b.iter(|| assert_eq!(parallel(2), sequential))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
