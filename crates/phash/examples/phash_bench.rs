//! Side-by-side benchmark driver (run by hand or by `benches/compare_peers.py`; prints one JSON line).
//!
//! ```text
//! phash_bench images FILE...                          decode + PDQ, 1 thread and all threads
//! phash_bench index HASHES.bin QUERIES.bin RADIUS OUT  build/save/load, queries; OUT gets one line per query
//! phash_bench random N QUERIES RADIUS                  N random hashes built in memory (the 10M run)
//! ```
//! `.bin` files hold raw 32-byte hashes (the byte layout faiss's binary indexes use).

use interdict_phash::{DecodeOptions, HashIndex, PdqHash, PdqHasher, decode_file};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::io::Write;
use std::time::Instant;

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn read_hashes(path: &str) -> Vec<PdqHash> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .chunks_exact(32)
        .map(|c| {
            PdqHash::from_limbs(std::array::from_fn(|i| {
                u64::from_le_bytes(c[i * 8..i * 8 + 8].try_into().unwrap())
            }))
        })
        .collect()
}

fn images(files: &[String]) {
    let options = DecodeOptions::default();
    let t = Instant::now();
    let mut hasher = PdqHasher::new();
    let mut checksum = 0u32;
    for f in files {
        let img = decode_file(f.as_ref(), &options).unwrap();
        checksum ^= hasher
            .hash_rgb(&img.pixels, img.width, img.height)
            .hash
            .limbs[0] as u32;
    }
    let one = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let all: u32 = files
        .par_iter()
        .map_init(PdqHasher::new, |h, f| {
            let img = decode_file(f.as_ref(), &options).unwrap();
            h.hash_rgb(&img.pixels, img.width, img.height).hash.limbs[0] as u32
        })
        .reduce(|| 0, |a, b| a ^ b);
    let many = t.elapsed().as_secs_f64();
    assert_eq!(all, checksum);
    println!(
        "{{\"images\":{},\"secs_1_thread\":{one:.4},\"secs_all_threads\":{many:.4},\"threads\":{},\"images_per_sec_1_thread\":{:.1},\"images_per_sec_all_threads\":{:.1}}}",
        files.len(),
        rayon::current_num_threads(),
        files.len() as f64 / one,
        files.len() as f64 / many
    );
}

fn report_queries(
    index: &HashIndex,
    queries: &[PdqHash],
    radius: u32,
    out: Option<&str>,
) -> (f64, usize) {
    let t = Instant::now();
    let results = index.search_many(queries, radius).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let total = results.iter().map(|r| r.len()).sum();
    if let Some(path) = out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        for r in &results {
            let mut ids: Vec<u32> = r.iter().map(|m| m.entry).collect();
            ids.sort_unstable();
            let line: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            writeln!(w, "{}", line.join(" ")).unwrap();
        }
    }
    (secs, total)
}

fn index(hashes: &str, queries: &str, radius: u32, out: &str) {
    let hashes = read_hashes(hashes);
    let queries = read_hashes(queries);
    let rss0 = rss_bytes();
    let t = Instant::now();
    let index =
        HashIndex::from_entries(hashes.iter().enumerate().map(|(i, h)| (i.to_string(), *h)));
    let build = t.elapsed().as_secs_f64();
    let rss1 = rss_bytes();
    let path = std::env::temp_dir().join(format!("phash-bench-{}.idx", std::process::id()));
    index.save(&path).unwrap();
    let file_bytes = std::fs::metadata(&path).unwrap().len();
    drop(index);
    let t = Instant::now();
    let index = HashIndex::load(&path).unwrap();
    let load = t.elapsed().as_secs_f64();
    std::fs::remove_file(&path).unwrap();
    let (secs, total) = report_queries(&index, &queries, radius, Some(out));
    println!(
        "{{\"n\":{},\"queries\":{},\"radius\":{radius},\"matches\":{total},\"build_secs\":{build:.3},\"load_secs\":{load:.3},\"query_secs\":{secs:.4},\"queries_per_sec\":{:.1},\"threads\":{},\"file_bytes_per_hash\":{:.1},\"rss_bytes_per_hash\":{:.1}}}",
        index.len(),
        queries.len(),
        queries.len() as f64 / secs,
        rayon::current_num_threads(),
        file_bytes as f64 / index.len() as f64,
        rss1.saturating_sub(rss0) as f64 / index.len() as f64
    );
}

fn random(n: usize, nq: usize, radius: u32) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let rss0 = rss_bytes();
    let t = Instant::now();
    let hashes: Vec<PdqHash> = (0..n).map(|_| PdqHash::from_limbs(rng.r#gen())).collect();
    let index =
        HashIndex::from_entries(hashes.iter().enumerate().map(|(i, h)| (format!("{i}"), *h)));
    let build = t.elapsed().as_secs_f64();
    let rss1 = rss_bytes();
    // Queries: half near-duplicates of indexed hashes (distance 10..30), half random.
    let queries: Vec<PdqHash> = (0..nq)
        .map(|i| {
            if i % 2 == 0 {
                let mut q = hashes[rng.gen_range(0..n)];
                for _ in 0..rng.gen_range(10..30) {
                    let b = rng.gen_range(0..256);
                    q.limbs[b / 64] ^= 1 << (b % 64);
                }
                q
            } else {
                PdqHash::from_limbs(rng.r#gen())
            }
        })
        .collect();
    let (secs, total) = report_queries(&index, &queries, radius, None);
    // The single-query path (one query at a time on one thread, as an interactive lookup), same results.
    let single: Vec<PdqHash> = queries.iter().take(2000).copied().collect();
    let t = Instant::now();
    let single_total: usize = single
        .iter()
        .map(|q| index.search(q, radius).unwrap().len())
        .sum();
    let single_secs = t.elapsed().as_secs_f64();
    let batch_total: usize = index
        .search_many(&single, radius)
        .unwrap()
        .iter()
        .map(Vec::len)
        .sum();
    assert_eq!(single_total, batch_total);
    // Spot-check exactness against brute force on a few queries.
    for q in queries.iter().take(4) {
        assert_eq!(
            index.search(q, radius).unwrap(),
            index.search_brute_force(q, radius)
        );
    }
    println!(
        "{{\"n\":{n},\"queries\":{nq},\"radius\":{radius},\"matches\":{total},\"build_secs_incl_generation\":{build:.3},\"query_secs\":{secs:.4},\"queries_per_sec\":{:.1},\"single_queries_per_sec_1_thread\":{:.1},\"threads\":{},\"rss_bytes_per_hash\":{:.1}}}",
        nq as f64 / secs,
        single.len() as f64 / single_secs,
        rayon::current_num_threads(),
        rss1.saturating_sub(rss0) as f64 / n as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("images") => images(&args[1..]),
        Some("index") if args.len() == 5 => {
            index(&args[1], &args[2], args[3].parse().unwrap(), &args[4])
        }
        Some("random") if args.len() == 4 => random(
            args[1].parse().unwrap(),
            args[2].parse().unwrap(),
            args[3].parse().unwrap(),
        ),
        _ => eprintln!(
            "usage: phash_bench images FILE... | index HASHES.bin QUERIES.bin RADIUS OUT | random N QUERIES RADIUS"
        ),
    }
}
