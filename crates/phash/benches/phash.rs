//! Criterion benchmarks (modest sizes so `cargo bench --no-run` and CI stay fast). Each asserts its result so a
//! fast-but-wrong change fails. The side-by-side comparisons with the `pdqhash` and `faiss-cpu` Python packages,
//! and the 10M-hash run, are `benches/compare_peers.py` and `examples/phash_bench.rs`.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use interdict_phash::{HashIndex, PdqHash, PdqHasher, SearchPath};
use rand::{Rng, SeedableRng};

fn synthetic_rgb(width: usize, height: usize) -> Vec<u8> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    (0..width * height)
        .flat_map(|k| {
            let (x, y) = (k % width, k / width);
            let base = ((x / 37 + y / 23) % 2) as u8 * 120;
            [
                base.wrapping_add(rng.gen_range(0..40)),
                (x % 256) as u8,
                (y % 256) as u8,
            ]
        })
        .collect()
}

fn bench_pdq(c: &mut Criterion) {
    let (w, h) = (1024, 768);
    let rgb = synthetic_rgb(w, h);
    let mut hasher = PdqHasher::new();
    let expected = hasher.hash_rgb(&rgb, w, h);
    assert_eq!(expected.quality, 100);
    c.bench_function("pdq_hash_1024x768_rgb", |b| {
        b.iter(|| {
            let got = hasher.hash_rgb(black_box(&rgb), w, h);
            assert_eq!(got, expected);
        })
    });
    c.bench_function("pdq_dihedral_1024x768_rgb", |b| {
        b.iter(|| {
            let got = hasher.hash_rgb_dihedral(black_box(&rgb), w, h);
            assert_eq!(got.hashes[0], expected.hash);
        })
    });
}

fn bench_index(c: &mut Criterion) {
    let n = 100_000;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let mut entries: Vec<(String, PdqHash)> = (0..n)
        .map(|i| (format!("h{i}"), PdqHash::from_limbs(rng.r#gen())))
        .collect();
    let queries: Vec<PdqHash> = entries.iter().take(200).map(|(_, h)| *h).collect();
    // One planted neighbour at distance 20 per query.
    for (i, q) in queries.iter().enumerate() {
        let mut near = *q;
        near.limbs[0] ^= 0xFFFFF;
        entries.push((format!("near{i}"), near));
    }
    let index = HashIndex::from_entries(entries.clone());
    assert_eq!(index.search_path(31), SearchPath::MultiIndex);
    let expected: usize = queries
        .iter()
        .map(|q| index.search_brute_force(q, 31).len())
        .sum();
    assert!(expected >= 400, "{expected}");
    c.bench_function("index_query_r31_100k_x200", |b| {
        b.iter(|| {
            let found: usize = queries
                .iter()
                .map(|q| index.search(q, 31).map(|m| m.len()).unwrap_or(0))
                .sum();
            assert_eq!(found, expected);
        })
    });
    c.bench_function("index_bruteforce_r31_100k_x200", |b| {
        b.iter(|| {
            let found: usize = queries
                .iter()
                .map(|q| index.search_brute_force(q, 31).len())
                .sum();
            assert_eq!(found, expected);
        })
    });
    c.bench_function("index_build_100k", |b| {
        b.iter(|| {
            let built = HashIndex::from_entries(entries.iter().map(|(id, h)| (id.as_str(), *h)));
            assert_eq!(built.len(), entries.len());
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_pdq, bench_index
}
criterion_main!(benches);
