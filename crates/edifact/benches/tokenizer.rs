//! Tokenizer throughput on concatenated messages: the committed fictional fixtures and, when present, the real
//! samples in ../shared/data/travel, repeated to about 8 MB. Asserts the segment count so a fast but wrong
//! tokenizer fails.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;

fn collect(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if let Some(b) = p
            .extension()
            .is_some_and(|e| e == "edi")
            .then(|| std::fs::read(&p).ok())
            .flatten()
        {
            out.push(b);
        }
    }
}

fn corpus() -> (Vec<u8>, usize) {
    let mut files = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/travel"),
        &mut files,
    );
    if let Some(p) = interdict_testdata::shared_data("travel") {
        collect(&p, &mut files);
    }
    assert!(!files.is_empty(), "no EDIFACT samples found");
    let mut one = Vec::new();
    for f in &files {
        one.extend_from_slice(f);
        one.push(b'\n');
    }
    let per_copy = interdict_edifact::parse(&one).segments.len();
    let copies = (8 << 20) / one.len() + 1;
    let mut all = Vec::with_capacity(one.len() * copies);
    for _ in 0..copies {
        all.extend_from_slice(&one);
    }
    (all, per_copy * copies)
}

fn bench(c: &mut Criterion) {
    let (input, expected) = corpus();
    let mut g = c.benchmark_group("edifact");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(20);
    g.bench_function("parse_concatenated", |b| {
        b.iter(|| {
            let parsed = interdict_edifact::parse(std::hint::black_box(&input));
            assert_eq!(parsed.segments.len(), expected);
            parsed.segments.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
