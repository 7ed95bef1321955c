"""Side-by-side benchmark of interdict-phash against its peers, in one run on the same inputs.

1. Images/second: the `pdqhash` Python package (Meta's C++ PDQ core, Pillow decoding, as ThreatExchange/HMA use
   it) against `examples/phash_bench.rs images` on the same files (decode + hash, 1 thread and all threads).
2. Radius-31 queries/second over N random 256-bit hashes: `faiss-cpu` IndexBinaryFlat.range_search against
   `examples/phash_bench.rs index`, with a check that both return identical result sets.

Usage (from the repository root):
    python -m venv /tmp/peers && /tmp/peers/bin/pip install pdqhash pillow numpy faiss-cpu
    cargo build --release -p interdict-phash --example phash_bench
    /tmp/peers/bin/python crates/phash/benches/compare_peers.py [--n 1000000] [--queries 2000] [--images DIR]

The 10M-hash run is `target/release/examples/phash_bench random 10000000 10000 31` (no peer: FAISS flat search
at that size takes minutes).
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[3]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BENCH = TARGET / "release" / "examples" / "phash_bench"


def image_files(directory):
    exts = {".jpg", ".jpeg", ".png", ".webp"}
    return sorted(str(p) for p in pathlib.Path(directory).rglob("*") if p.suffix.lower() in exts)


def bench_images(files):
    import pdqhash
    from PIL import Image

    t = time.perf_counter()
    for f in files:
        a = np.asarray(Image.open(f).convert("RGB"))
        pdqhash.compute(a)
    py = time.perf_counter() - t
    out = subprocess.run([str(BENCH), "images", *files], check=True, capture_output=True, text=True).stdout
    ours = json.loads(out)
    return {
        "images": len(files),
        "pdqhash_python_images_per_sec": round(len(files) / py, 1),
        "interdict_images_per_sec_1_thread": ours["images_per_sec_1_thread"],
        "interdict_images_per_sec_all_threads": ours["images_per_sec_all_threads"],
        "speedup_1_thread": round(ours["images_per_sec_1_thread"] * py / len(files), 2),
        "speedup_all_threads": round(ours["images_per_sec_all_threads"] * py / len(files), 2),
    }


def bench_index(n, nq, radius, workdir):
    import faiss

    rng = np.random.default_rng(7)
    base = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    queries = rng.integers(0, 256, size=(nq, 32), dtype=np.uint8)
    # Half the queries are near-duplicates (10..30 bits flipped) of indexed hashes, so there are matches.
    for i in range(0, nq, 2):
        q = base[rng.integers(0, n)].copy()
        bits = np.unpackbits(q)
        flip = rng.choice(256, size=rng.integers(10, 31), replace=False)
        bits[flip] ^= 1
        queries[i] = np.packbits(bits)
    hb, qb, ob = (workdir / "hashes.bin", workdir / "queries.bin", workdir / "ours.txt")
    base.tofile(hb)
    queries.tofile(qb)

    index = faiss.IndexBinaryFlat(256)
    t = time.perf_counter()
    index.add(base)
    faiss_build = time.perf_counter() - t
    t = time.perf_counter()
    lims, _dist, ids = index.range_search(queries, radius + 1)  # faiss keeps distances < radius
    faiss_secs = time.perf_counter() - t

    out = subprocess.run([str(BENCH), "index", str(hb), str(qb), str(radius), str(ob)], check=True,
                         capture_output=True, text=True).stdout
    ours = json.loads(out)
    mismatches = 0
    with open(ob) as f:
        for i, line in enumerate(f):
            mine = sorted(int(x) for x in line.split())
            theirs = sorted(ids[lims[i]:lims[i + 1]].tolist())
            mismatches += mine != theirs
    return {
        "n": n,
        "queries": nq,
        "radius": radius,
        "matches": int(lims[-1]),
        "faiss_threads": faiss.omp_get_max_threads(),
        "faiss_queries_per_sec": round(nq / faiss_secs, 1),
        "faiss_add_secs": round(faiss_build, 3),
        "interdict": ours,
        "speedup": round(ours["queries_per_sec"] * faiss_secs / nq, 1),
        "queries_with_different_results": mismatches,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", default=str(ROOT.parent / "shared" / "data" / "pdq"))
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--radius", type=int, default=31)
    args = ap.parse_args()
    if not BENCH.exists():
        sys.exit(f"build the driver first: cargo build --release -p interdict-phash --example phash_bench ({BENCH})")
    print(json.dumps({"machine": os.uname().machine, "cpus": os.cpu_count()}))
    files = image_files(args.images)
    if files:
        print(json.dumps({"images": bench_images(files)}))
    with tempfile.TemporaryDirectory() as d:
        result = bench_index(args.n, args.queries, args.radius, pathlib.Path(d))
        print(json.dumps({"index": result}))
        if result["queries_with_different_results"]:
            sys.exit("results differ from FAISS")


if __name__ == "__main__":
    main()
