//! Import throughput of the list readers. Each bench asserts its entity count, so a fast but wrong reader fails.
//! The real lists come from ../shared/data (skipped with a printed reason when absent); the fictional demo
//! watchlist is in the repository.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use interdict_lists::{read_list_bytes, read_list_file};
use std::hint::black_box;
use std::path::Path;

fn un_xml(c: &mut Criterion) {
    let Some(path) = interdict_testdata::shared_data("lists/un/UN_consolidated.xml") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("un_consolidated_xml", |b| {
        b.iter(|| {
            let import = read_list_bytes(black_box(&bytes), "UN_consolidated.xml").unwrap();
            assert_eq!(import.entities.len(), 1_003);
            import
        })
    });
    group.finish();
}

fn ofac_csv(c: &mut Criterion) {
    let Some(path) = interdict_testdata::shared_data("lists/ofac_sdn_legacy_csv/sdn.csv") else {
        return;
    };
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("ofac_sdn_csv_with_alt_add", |b| {
        b.iter(|| {
            let import = read_list_file(black_box(&path)).unwrap();
            assert_eq!(import.entities.len(), 8_976);
            import
        })
    });
    group.finish();
}

fn watchlist_csv(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/lists/demo_watchlist.csv");
    let bytes = std::fs::read(path).unwrap();
    c.bench_function("import/demo_watchlist_csv", |b| {
        b.iter(|| {
            let import = read_list_bytes(black_box(&bytes), "demo_watchlist.csv").unwrap();
            assert_eq!(import.entities.len(), 42);
            import
        })
    });
}

criterion_group!(benches, un_xml, ofac_csv, watchlist_csv);
criterion_main!(benches);
