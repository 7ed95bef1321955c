//! Criterion bench: the example rule pack over a synthetic stream. Asserts the alert count so that a fast but
//! wrong engine fails.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use interdict_finance::generator::{GeneratorConfig, SyntheticStream};
use interdict_finance::{Monitor, RulePack, Transaction};
use std::sync::Arc;

fn pack() -> Arc<RulePack> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/finance/rules-fr-tf.toml"
    ))
    .expect("example pack");
    Arc::new(RulePack::from_toml_str(&text).expect("pack compiles"))
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
