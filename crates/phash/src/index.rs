//! [`HashIndex`]: exact radius search over 256-bit hashes by multi-index hashing (MIH), with a brute-force path
//! for small sets, incremental add and remove, and a compact on-disk format.
//!
//! # How it works
//! The 256 bits are cut into 16 chunks of 16 bits. If two hashes differ in at most `r` bits, at least one chunk
//! differs in at most `floor(r / 16)` bits (pigeonhole), so probing every chunk table with all values within that
//! chunk radius finds every match; candidates are then checked on all 256 bits. For `r = 31` this is 16 x 17
//! bucket probes. A candidate seen in several tables is reported once (only from the first table where its
//! chunk is within the chunk radius). Each table is a bucket array (counting sort): `offsets[65537]` and the
//! entry numbers in bucket order.
//!
//! Added hashes go to a small unindexed tail, searched by brute force, and are merged into the tables when the
//! tail grows past a fraction of the indexed part. Removed entries are marked and skipped; [`HashIndex::compact`]
//! (or saving) drops them.
//!
//! # File format (little-endian)
//! `b"IDPDQIX1"`, `count: u64`, `id_bytes: u64`, `count` hashes (4 x u64 limbs each), `count` id end offsets
//! (`u64`, cumulative), then the UTF-8 ids concatenated; then the change journal ([`crate::journal`]): adds and
//! removals appended by [`HashIndex::append_changes`] without rewriting the file, replayed on load.
//! [`HashIndex::save`] writes a new file beside the old one and renames it over, so a crash leaves either.
//! Tables are rebuilt on load (a counting sort, in parallel, ~1 s per million hashes on 2 cores), which keeps
//! the file at ~32 bytes plus the id per hash instead of the ~350 bytes per hash the tables take.

use crate::error::PhashError;
use crate::hash256::PdqHash;
use crate::journal::Change;
use rayon::prelude::*;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"IDPDQIX1";
const CHUNKS: usize = 16;
const BUCKETS: usize = 1 << 16;

/// One search result: the entry's id and its Hamming distance to the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexMatch<'a> {
    /// The id given when the hash was added.
    pub id: &'a str,
    /// Entry number (stable until [`HashIndex::compact`]).
    pub entry: u32,
    /// Hamming distance, 0..=256.
    pub distance: u32,
}

/// How a query was answered (for tests and benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPath {
    /// Every entry compared.
    BruteForce,
    /// Multi-index hashing over the tables plus a scan of the unindexed tail.
    MultiIndex,
}

/// One table as built: offsets, entries, sketches.
type TableParts = (Vec<u32>, Vec<u32>, Vec<[u64; 2]>);

/// The bucket tables for the first `indexed` entries.
#[derive(Debug, Default, Clone)]
struct Tables {
    indexed: usize,
    /// `CHUNKS` arrays of `BUCKETS + 1` offsets.
    offsets: Vec<Vec<u32>>,
    /// `CHUNKS` arrays of entry numbers in bucket order.
    entries: Vec<Vec<u32>>,
    /// Beside each entry, the two limbs after the one holding the table's chunk: 128 more bits, so that nearly
    /// every non-match is rejected without touching the (randomly placed) full hash.
    sketches: Vec<Vec<[u64; 2]>>,
}

/// A radius-searchable set of 256-bit hashes with string ids. Build it with [`HashIndex::new`] and
/// [`HashIndex::add`] (or [`HashIndex::from_entries`]), query with [`HashIndex::search`]; it is `Send + Sync`,
/// so one instance can serve many threads behind an `Arc`.
#[derive(Debug, Clone)]
pub struct HashIndex {
    hashes: Vec<PdqHash>,
    id_ends: Vec<u64>,
    id_blob: String,
    removed: Vec<bool>,
    removed_count: usize,
    tables: Tables,
    /// Below this many entries the index is searched by brute force and no tables are kept.
    brute_force_below: usize,
}

impl Default for HashIndex {
    fn default() -> Self {
        Self::new()
    }
}

#[inline]
fn sketch_limbs(t: usize) -> (usize, usize) {
    let limb = t / 4;
    ((limb + 1) % 4, (limb + 2) % 4)
}

#[inline]
fn chunk(h: &PdqHash, t: usize) -> usize {
    ((h.limbs[t / 4] >> (16 * (t % 4))) & 0xFFFF) as usize
}

/// All 16-bit masks with at most `radius` bits set, by increasing popcount (computed once).
fn masks_within(radius: u32) -> &'static [u16] {
    static MASKS: OnceLock<(Vec<u16>, [usize; 18])> = OnceLock::new();
    let (masks, ends) = MASKS.get_or_init(|| {
        let mut masks: Vec<u16> = (0..=u16::MAX).collect();
        masks.sort_by_key(|m| m.count_ones());
        let mut ends = [0usize; 18];
        for (r, end) in ends.iter_mut().enumerate().take(17) {
            *end = masks.iter().filter(|m| m.count_ones() <= r as u32).count();
        }
        ends[17] = masks.len();
        (masks, ends)
    });
    &masks[..ends[radius.min(16) as usize]]
}

impl HashIndex {
    /// An empty index.
    pub fn new() -> Self {
        HashIndex {
            hashes: Vec::new(),
            id_ends: Vec::new(),
            id_blob: String::new(),
            removed: Vec::new(),
            removed_count: 0,
            tables: Tables::default(),
            brute_force_below: 2048,
        }
    }

    /// Builds an index from `(id, hash)` pairs in one go (tables built once, in parallel).
    pub fn from_entries<I, S>(entries: I) -> Self
    where
        I: IntoIterator<Item = (S, PdqHash)>,
        S: AsRef<str>,
    {
        let mut index = HashIndex::new();
        for (id, hash) in entries {
            index.push(id.as_ref(), hash);
        }
        index.rebuild_tables();
        index
    }

    /// Sets the size below which queries scan every entry (default 2048); mainly for tests.
    pub fn with_brute_force_below(mut self, n: usize) -> Self {
        self.brute_force_below = n;
        self.rebuild_tables();
        self
    }

    fn push(&mut self, id: &str, hash: PdqHash) -> u32 {
        let entry = self.hashes.len() as u32;
        self.hashes.push(hash);
        self.id_blob.push_str(id);
        self.id_ends.push(self.id_blob.len() as u64);
        self.removed.push(false);
        entry
    }

    /// Adds a hash under `id` (ids need not be unique) and returns its entry number. Cheap: the entry is searched
    /// by brute force until the unindexed tail is merged into the tables.
    pub fn add(&mut self, id: &str, hash: PdqHash) -> u32 {
        let entry = self.push(id, hash);
        self.maybe_merge();
        entry
    }

    /// Marks every entry with this id as removed; returns how many. O(entries) over the id list, no rebuild.
    pub fn remove(&mut self, id: &str) -> usize {
        let mut n = 0;
        for entry in 0..self.hashes.len() {
            if !self.removed[entry] && self.id(entry as u32) == id {
                self.removed[entry] = true;
                n += 1;
            }
        }
        self.removed_count += n;
        n
    }

    /// Number of live (not removed) entries.
    pub fn len(&self) -> usize {
        self.hashes.len() - self.removed_count
    }

    /// Whether there are no live entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id of an entry.
    pub fn id(&self, entry: u32) -> &str {
        let e = entry as usize;
        let start = if e == 0 {
            0
        } else {
            self.id_ends[e - 1] as usize
        };
        &self.id_blob[start..self.id_ends[e] as usize]
    }

    /// The hash of an entry.
    pub fn hash(&self, entry: u32) -> PdqHash {
        self.hashes[entry as usize]
    }

    /// Live entries as `(id, hash)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, PdqHash)> + '_ {
        (0..self.hashes.len() as u32)
            .filter(|&e| !self.removed[e as usize])
            .map(|e| (self.id(e), self.hash(e)))
    }

    /// Drops removed entries and rebuilds the tables (entry numbers change).
    pub fn compact(&mut self) {
        if self.removed_count > 0 {
            let live: Vec<(String, PdqHash)> =
                self.iter().map(|(id, h)| (id.to_string(), h)).collect();
            *self = HashIndex {
                brute_force_below: self.brute_force_below,
                ..HashIndex::from_entries(live)
            };
        }
        self.rebuild_tables();
    }

    fn maybe_merge(&mut self) {
        let n = self.hashes.len();
        if n < self.brute_force_below {
            if self.tables.indexed > 0 {
                self.tables = Tables::default();
            }
            return;
        }
        let tail = n - self.tables.indexed;
        if tail > 1024.max(self.tables.indexed / 8) {
            self.rebuild_tables();
        }
    }

    fn rebuild_tables(&mut self) {
        let n = self.hashes.len();
        if n < self.brute_force_below {
            self.tables = Tables::default();
            return;
        }
        let hashes = &self.hashes;
        let built: Vec<TableParts> = (0..CHUNKS)
            .into_par_iter()
            .map(|t| {
                let mut offsets = vec![0u32; BUCKETS + 1];
                for h in hashes {
                    offsets[chunk(h, t) + 1] += 1;
                }
                for b in 0..BUCKETS {
                    offsets[b + 1] += offsets[b];
                }
                // One sequential pass over the hashes scatters both the entry numbers and the sketches
                // (independent random writes, which the CPU buffers; a separate gather of the sketches by entry
                // number would wait on a random read each).
                let mut cursor = offsets.clone();
                let mut entries = vec![0u32; n];
                let mut sketches = vec![[0u64; 2]; n];
                let (l1, l2) = sketch_limbs(t);
                for (e, h) in hashes.iter().enumerate() {
                    let c = chunk(h, t);
                    let slot = cursor[c] as usize;
                    entries[slot] = e as u32;
                    sketches[slot] = [h.limbs[l1], h.limbs[l2]];
                    cursor[c] += 1;
                }
                (offsets, entries, sketches)
            })
            .collect();
        let mut tables = Tables {
            indexed: n,
            ..Tables::default()
        };
        for (o, e, s) in built {
            tables.offsets.push(o);
            tables.entries.push(e);
            tables.sketches.push(s);
        }
        self.tables = tables;
    }

    /// Which path a search at `radius` takes.
    pub fn search_path(&self, radius: u32) -> SearchPath {
        if self.tables.indexed == 0 {
            return SearchPath::BruteForce;
        }
        let chunk_radius = radius / CHUNKS as u32;
        let probes: usize = (0..=chunk_radius.min(16) as usize)
            .map(|k| binomial(16, k))
            .sum();
        let per_bucket = self.tables.indexed as f64 / BUCKETS as f64;
        let mih_cost = (CHUNKS * probes) as f64 * (4.0 + per_bucket);
        if mih_cost < self.hashes.len() as f64 {
            SearchPath::MultiIndex
        } else {
            SearchPath::BruteForce
        }
    }

    /// Every live entry within `radius` bits of `query`, nearest first (ties by entry number).
    ///
    /// # Errors
    /// [`PhashError::Radius`] for a radius above 255.
    pub fn search(&self, query: &PdqHash, radius: u32) -> Result<Vec<IndexMatch<'_>>, PhashError> {
        self.search_with(query, radius, self.search_path(radius))
    }

    /// Search by a chosen path (tests and benchmarks compare the two). `MultiIndex` on an index without tables
    /// falls back to brute force.
    ///
    /// # Errors
    /// [`PhashError::Radius`] for a radius above 255.
    pub fn search_with(
        &self,
        query: &PdqHash,
        radius: u32,
        path: SearchPath,
    ) -> Result<Vec<IndexMatch<'_>>, PhashError> {
        if radius > 255 {
            return Err(PhashError::Radius { radius });
        }
        let path = if self.tables.indexed == 0 {
            SearchPath::BruteForce
        } else {
            path
        };
        let mut found: Vec<(u32, u32)> = Vec::new();
        match path {
            SearchPath::BruteForce => self.scan(query, radius, 0, &mut found),
            SearchPath::MultiIndex => {
                self.probe_tables(query, radius, &mut found);
                self.scan(query, radius, self.tables.indexed, &mut found);
            }
        }
        found.sort_unstable_by_key(|&(entry, d)| (d, entry));
        Ok(found
            .into_iter()
            .map(|(entry, distance)| IndexMatch {
                id: self.id(entry),
                entry,
                distance,
            })
            .collect())
    }

    /// Searches many queries in parallel (rayon), results in query order.
    ///
    /// # Errors
    /// [`PhashError::Radius`] for a radius above 255.
    pub fn search_many(
        &self,
        queries: &[PdqHash],
        radius: u32,
    ) -> Result<Vec<Vec<IndexMatch<'_>>>, PhashError> {
        if radius > 255 {
            return Err(PhashError::Radius { radius });
        }
        if queries.len() < 64 || self.search_path(radius) != SearchPath::MultiIndex {
            return queries.par_iter().map(|q| self.search(q, radius)).collect();
        }
        Ok(self.search_batch(queries, radius))
    }

    /// Batch multi-index search: per table, all the queries' probes are sorted by bucket and the table is swept
    /// once in order (sequential memory access instead of one random access per probe). Tables run in parallel.
    /// Same results as [`HashIndex::search`] for each query (a match is kept only from the first table where its
    /// chunk is within the chunk radius, so the order tables are processed in does not matter).
    fn search_batch(&self, queries: &[PdqHash], radius: u32) -> Vec<Vec<IndexMatch<'_>>> {
        let chunk_radius = radius / CHUNKS as u32;
        let masks = masks_within(chunk_radius);
        let per_table: Vec<Vec<(u32, u32, u32)>> = (0..CHUNKS)
            .into_par_iter()
            .map(|t| {
                let mut probes: Vec<(u32, u32)> = Vec::with_capacity(queries.len() * masks.len());
                for (qi, q) in queries.iter().enumerate() {
                    let c = chunk(q, t);
                    probes.extend(masks.iter().map(|&m| ((c ^ m as usize) as u32, qi as u32)));
                }
                probes.sort_unstable();
                let mut found = Vec::new();
                self.sweep_table(t, &probes, queries, radius, chunk_radius, &mut found);
                found
            })
            .collect();
        let mut results: Vec<Vec<(u32, u32)>> = vec![Vec::new(); queries.len()];
        for found in per_table {
            for (qi, e, d) in found {
                results[qi as usize].push((e, d));
            }
        }
        results
            .into_par_iter()
            .zip(queries.par_iter())
            .map(|(mut found, q)| {
                self.scan(q, radius, self.tables.indexed, &mut found);
                found.sort_unstable_by_key(|&(entry, d)| (d, entry));
                found
                    .into_iter()
                    .map(|(entry, distance)| IndexMatch {
                        id: self.id(entry),
                        entry,
                        distance,
                    })
                    .collect()
            })
            .collect()
    }

    fn sweep_table(
        &self,
        t: usize,
        probes: &[(u32, u32)],
        queries: &[PdqHash],
        radius: u32,
        chunk_radius: u32,
        found: &mut Vec<(u32, u32, u32)>,
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("popcnt") {
                #[allow(unsafe_code)]
                // SAFETY: `sweep_table_popcnt` only needs the POPCNT instruction, checked just above.
                unsafe {
                    self.sweep_table_popcnt(t, probes, queries, radius, chunk_radius, found)
                };
                return;
            }
        }
        self.sweep_table_portable(t, probes, queries, radius, chunk_radius, found);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn sweep_table_popcnt(
        &self,
        t: usize,
        probes: &[(u32, u32)],
        queries: &[PdqHash],
        radius: u32,
        chunk_radius: u32,
        found: &mut Vec<(u32, u32, u32)>,
    ) {
        self.sweep_table_portable(t, probes, queries, radius, chunk_radius, found);
    }

    #[inline(always)]
    fn sweep_table_portable(
        &self,
        t: usize,
        probes: &[(u32, u32)],
        queries: &[PdqHash],
        radius: u32,
        chunk_radius: u32,
        found: &mut Vec<(u32, u32, u32)>,
    ) {
        let offsets = &self.tables.offsets[t][..];
        let entries = &self.tables.entries[t][..];
        let sketches = &self.tables.sketches[t][..];
        let (l1, l2) = sketch_limbs(t);
        for &(b, qi) in probes {
            let query = &queries[qi as usize];
            let (q1, q2) = (query.limbs[l1], query.limbs[l2]);
            let chunk_d = ((b as usize ^ chunk(query, t)) as u16).count_ones();
            let (lo, hi) = (
                offsets[b as usize] as usize,
                offsets[b as usize + 1] as usize,
            );
            for (k, s) in sketches[lo..hi].iter().enumerate() {
                if chunk_d + (s[0] ^ q1).count_ones() + (s[1] ^ q2).count_ones() > radius {
                    continue;
                }
                let e = entries[lo + k];
                let h = &self.hashes[e as usize];
                let d = h.distance(query);
                if d <= radius
                    && !self.removed[e as usize]
                    && (0..t).all(|p| {
                        ((chunk(h, p) ^ chunk(query, p)) as u16).count_ones() > chunk_radius
                    })
                {
                    found.push((qi, e, d));
                }
            }
        }
    }

    /// Brute-force search over every live entry (the oracle the index is tested against).
    pub fn search_brute_force(&self, query: &PdqHash, radius: u32) -> Vec<IndexMatch<'_>> {
        let mut found = Vec::new();
        self.scan(query, radius, 0, &mut found);
        found.sort_unstable_by_key(|&(entry, d)| (d, entry));
        found
            .into_iter()
            .map(|(entry, distance)| IndexMatch {
                id: self.id(entry),
                entry,
                distance,
            })
            .collect()
    }

    fn scan(&self, query: &PdqHash, radius: u32, from: usize, found: &mut Vec<(u32, u32)>) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("popcnt") {
                #[allow(unsafe_code)]
                // SAFETY: `scan_popcnt` only needs the POPCNT instruction, checked just above.
                unsafe {
                    self.scan_popcnt(query, radius, from, found)
                };
                return;
            }
        }
        self.scan_portable(query, radius, from, found);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn scan_popcnt(&self, query: &PdqHash, radius: u32, from: usize, found: &mut Vec<(u32, u32)>) {
        self.scan_portable(query, radius, from, found);
    }

    #[inline(always)]
    fn scan_portable(
        &self,
        query: &PdqHash,
        radius: u32,
        from: usize,
        found: &mut Vec<(u32, u32)>,
    ) {
        for (e, h) in self.hashes.iter().enumerate().skip(from) {
            let d = h.distance(query);
            if d <= radius && !self.removed[e] {
                found.push((e as u32, d));
            }
        }
    }

    fn probe_tables(&self, query: &PdqHash, radius: u32, found: &mut Vec<(u32, u32)>) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("popcnt") {
                #[allow(unsafe_code)]
                // SAFETY: `probe_tables_popcnt` only needs the POPCNT instruction, checked just above.
                unsafe {
                    self.probe_tables_popcnt(query, radius, found)
                };
                return;
            }
        }
        self.probe_tables_portable(query, radius, found);
    }

    /// The probe loop compiled with the POPCNT instruction (the portable build has none on x86-64), which makes
    /// the 256-bit distance 4 instructions instead of ~50.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn probe_tables_popcnt(&self, query: &PdqHash, radius: u32, found: &mut Vec<(u32, u32)>) {
        self.probe_tables_portable(query, radius, found);
    }

    #[inline(always)]
    fn probe_tables_portable(&self, query: &PdqHash, radius: u32, found: &mut Vec<(u32, u32)>) {
        let chunk_radius = radius / CHUNKS as u32;
        let masks = masks_within(chunk_radius);
        let qchunks: [usize; CHUNKS] = std::array::from_fn(|t| chunk(query, t));
        let hashes = &self.hashes[..];
        // Phase 1: every probed bucket's range. The offset loads are independent, so the CPU overlaps their
        // cache misses instead of waiting for each before scanning; each bucket's sketches are prefetched too.
        // (A single query is bound by these ~16 x 17 random memory accesses, not by arithmetic.)
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(CHUNKS * masks.len());
        for ((offsets, sketches), &qchunk) in self
            .tables
            .offsets
            .iter()
            .zip(&self.tables.sketches)
            .zip(&qchunks)
        {
            for &m in masks {
                let b = qchunk ^ m as usize;
                let (lo, hi) = (offsets[b], offsets[b + 1]);
                prefetch(sketches.as_ptr().wrapping_add(lo as usize));
                ranges.push((lo, hi));
            }
        }
        // Phase 2: scan the buckets.
        let mut ranges = ranges.into_iter();
        for t in 0..CHUNKS {
            let entries = &self.tables.entries[t][..];
            let sketches = &self.tables.sketches[t][..];
            let (l1, l2) = sketch_limbs(t);
            let (q1, q2) = (query.limbs[l1], query.limbs[l2]);
            for (&m, (lo, hi)) in masks.iter().zip(ranges.by_ref()) {
                let (lo, hi) = (lo as usize, hi as usize);
                let chunk_d = m.count_ones();
                for (k, s) in sketches[lo..hi].iter().enumerate() {
                    // Lower bound from 144 of the 256 bits; the full hash is read only when it can still match.
                    if chunk_d + (s[0] ^ q1).count_ones() + (s[1] ^ q2).count_ones() > radius {
                        continue;
                    }
                    let e = entries[lo + k];
                    let h = &hashes[e as usize];
                    let d = h.distance(query);
                    if d <= radius
                        && !self.removed[e as usize]
                        && (0..t).all(|p| {
                            ((chunk(h, p) ^ qchunks[p]) as u16).count_ones() > chunk_radius
                        })
                    {
                        found.push((e, d));
                    }
                }
            }
        }
    }

    /// Writes the index (live entries only) to `path`, journal folded in: the file is written beside `path`,
    /// synced and renamed over it, so a crash leaves the old file or the new one, never a partial one.
    ///
    /// # Errors
    /// [`PhashError::Io`] naming the file.
    pub fn save(&self, path: &Path) -> Result<(), PhashError> {
        let io = |cause| PhashError::Io {
            path: path.to_path_buf(),
            cause,
        };
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".tmp-{}", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let written = self
            .write_file(&tmp)
            .and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(io)
    }

    fn write_file(&self, path: &Path) -> std::io::Result<()> {
        let file = std::fs::File::create(path)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        let live: Vec<u32> = (0..self.hashes.len() as u32)
            .filter(|&e| !self.removed[e as usize])
            .collect();
        let id_bytes: u64 = live.iter().map(|&e| self.id(e).len() as u64).sum();
        w.write_all(MAGIC)?;
        w.write_all(&(live.len() as u64).to_le_bytes())?;
        w.write_all(&id_bytes.to_le_bytes())?;
        let mut buf = Vec::with_capacity(1 << 16);
        for &e in &live {
            for limb in self.hashes[e as usize].limbs {
                buf.extend_from_slice(&limb.to_le_bytes());
            }
            if buf.len() >= 1 << 16 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        let mut end = 0u64;
        for &e in &live {
            end += self.id(e).len() as u64;
            buf.extend_from_slice(&end.to_le_bytes());
            if buf.len() >= 1 << 16 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        w.write_all(&buf)?;
        for &e in &live {
            w.write_all(self.id(e).as_bytes())?;
        }
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    }

    /// Appends adds and removals to the index file at `path` as journal records, without rewriting it;
    /// [`HashIndex::load`] replays them. Returns the journal's size in bytes, so the caller can decide when to
    /// compact (load and [`HashIndex::save`]).
    ///
    /// # Errors
    /// [`PhashError::Io`] when the file cannot be read or written, [`PhashError::IndexFormat`] when its header
    /// is not an index's.
    pub fn append_changes(path: &Path, changes: &[Change]) -> Result<u64, PhashError> {
        let io = |cause| PhashError::Io {
            path: path.to_path_buf(),
            cause,
        };
        let mut header = [0u8; 24];
        let mut file = std::fs::File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        file.read_exact(&mut header).map_err(io)?;
        let base_len = base_len(&header, file_len).map_err(|reason| PhashError::IndexFormat {
            path: path.to_path_buf(),
            reason,
        })?;
        drop(file);
        crate::journal::append(path, base_len, changes).map_err(io)
    }

    /// Applies journalled changes in order: an entry is removed by a removal of its id recorded after it was
    /// added (one pass over the entries, however many removals).
    fn replay(&mut self, changes: Vec<Change>) {
        let base = self.hashes.len();
        let mut added_at = Vec::new();
        let mut last_removal: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        for (position, change) in changes.into_iter().enumerate() {
            match change {
                Change::Add(id, hash) => {
                    self.push(&id, hash);
                    added_at.push(position + 1);
                }
                Change::Remove(id) => {
                    last_removal.insert(id, position + 1);
                }
            }
        }
        if last_removal.is_empty() {
            return;
        }
        for e in 0..self.hashes.len() {
            let added = if e < base { 0 } else { added_at[e - base] };
            if !self.removed[e]
                && last_removal
                    .get(self.id(e as u32))
                    .is_some_and(|&removed| removed > added)
            {
                self.removed[e] = true;
                self.removed_count += 1;
            }
        }
    }

    /// Loads an index written by [`HashIndex::save`], rebuilding its tables.
    ///
    /// # Errors
    /// [`PhashError::Io`] when the file cannot be read, [`PhashError::IndexFormat`] (with the byte offset) when it
    /// is truncated or malformed.
    pub fn load(path: &Path) -> Result<Self, PhashError> {
        let file = std::fs::File::open(path).map_err(|cause| PhashError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        Self::read_from(BufReader::with_capacity(1 << 20, file), len).map_err(|reason| {
            PhashError::IndexFormat {
                path: path.to_path_buf(),
                reason,
            }
        })
    }

    /// Parses the file format from bytes in memory (used by the fuzz target).
    ///
    /// # Errors
    /// A description of the first problem, with its byte offset.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        Self::read_from(bytes, bytes.len() as u64)
    }

    fn read_from(mut r: impl Read, file_len: u64) -> Result<Self, String> {
        let mut header = [0u8; 24];
        r.read_exact(&mut header)
            .map_err(|_| "truncated header (need 24 bytes at offset 0)".to_string())?;
        base_len(&header, file_len)?;
        let count = u64::from_le_bytes(header[8..16].try_into().expect("8 bytes"));
        let id_bytes = u64::from_le_bytes(header[16..24].try_into().expect("8 bytes"));
        let count = count as usize;
        let mut raw = vec![0u8; count * 32];
        r.read_exact(&mut raw)
            .map_err(|e| format!("hashes at offset 24: {e}"))?;
        let hashes: Vec<PdqHash> = raw
            .chunks_exact(32)
            .map(|c| {
                PdqHash::from_limbs(std::array::from_fn(|i| {
                    u64::from_le_bytes(c[i * 8..i * 8 + 8].try_into().expect("8"))
                }))
            })
            .collect();
        let mut raw = vec![0u8; count * 8];
        let ends_at = 24 + count as u64 * 32;
        r.read_exact(&mut raw)
            .map_err(|e| format!("id offsets at offset {ends_at}: {e}"))?;
        let id_ends: Vec<u64> = raw
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8")))
            .collect();
        let mut prev = 0u64;
        for (i, &end) in id_ends.iter().enumerate() {
            if end < prev || end > id_bytes {
                return Err(format!(
                    "id offset {i} at byte {} is out of order or out of range",
                    ends_at + 8 * i as u64
                ));
            }
            prev = end;
        }
        if prev != id_bytes {
            return Err(format!(
                "id offsets end at {prev}, header says {id_bytes} id bytes"
            ));
        }
        let mut blob = vec![0u8; id_bytes as usize];
        let blob_at = ends_at + count as u64 * 8;
        r.read_exact(&mut blob)
            .map_err(|e| format!("ids at offset {blob_at}: {e}"))?;
        let id_blob = String::from_utf8(blob)
            .map_err(|e| format!("ids at offset {blob_at} are not UTF-8: {e}"))?;
        let mut start = 0usize;
        for (i, &end) in id_ends.iter().enumerate() {
            if !id_blob.is_char_boundary(start) || !id_blob.is_char_boundary(end as usize) {
                return Err(format!("id {i} splits a UTF-8 character"));
            }
            start = end as usize;
        }
        let mut journal = Vec::new();
        r.read_to_end(&mut journal)
            .map_err(|e| format!("journal at offset {}: {e}", blob_at + id_bytes))?;
        let mut index = HashIndex {
            removed: vec![false; count],
            hashes,
            id_ends,
            id_blob,
            ..HashIndex::new()
        };
        index.replay(crate::journal::decode(&journal).0);
        index.rebuild_tables();
        Ok(index)
    }
}

/// Checks an index header against the file's length; returns where the saved index ends (the journal starts).
fn base_len(header: &[u8; 24], file_len: u64) -> Result<u64, String> {
    if &header[..8] != MAGIC {
        return Err("bad magic at offset 0 (expected IDPDQIX1)".into());
    }
    let count = u64::from_le_bytes(header[8..16].try_into().expect("8 bytes"));
    let id_bytes = u64::from_le_bytes(header[16..24].try_into().expect("8 bytes"));
    if count > u64::from(u32::MAX) {
        return Err(format!("too many entries ({count}) at offset 8"));
    }
    match count
        .checked_mul(40)
        .and_then(|x| x.checked_add(24))
        .and_then(|x| x.checked_add(id_bytes))
    {
        Some(len) if len <= file_len => Ok(len),
        _ => Err(format!(
            "size mismatch: header says {count} hashes and {id_bytes} id bytes, file has {file_len} bytes"
        )),
    }
}

/// Hints the CPU to start loading the cache line at `p` (no effect on results; a no-op off x86-64).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        #[allow(unsafe_code)]
        // SAFETY: a prefetch never dereferences (any address is allowed, even invalid), and SSE, its only
        // requirement, is part of the x86-64 baseline.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>())
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

fn binomial(n: usize, k: usize) -> usize {
    (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(limbs: [u64; 4]) -> PdqHash {
        PdqHash::from_limbs(limbs)
    }

    #[test]
    fn small_sets_use_brute_force_and_large_ones_mih() {
        let small = HashIndex::from_entries((0..10u64).map(|i| (format!("s{i}"), h([i, 0, 0, 0]))));
        assert_eq!(small.search_path(31), SearchPath::BruteForce);
        let large = HashIndex::from_entries((0..5000u64).map(|i| {
            (
                format!("l{i}"),
                h([i * 0x9E37_79B9_7F4A_7C15, i, !i, i << 7]),
            )
        }));
        assert_eq!(large.search_path(31), SearchPath::MultiIndex);
        assert_eq!(large.search_path(200), SearchPath::BruteForce);
    }

    #[test]
    fn search_table() {
        let base = h([0, 0, 0, 0]);
        let entries = vec![
            ("same", base),
            ("one-bit", h([1, 0, 0, 0])),
            ("31-bits", h([(1 << 31) - 1, 0, 0, 0])),
            ("32-bits", h([0, u64::from(u32::MAX), 0, 0])),
            (
                "spread-31",
                h([
                    0x0101_0101_0101_0101,
                    0x0101_0101_0101_0101,
                    0x0101_0101_0101_0101,
                    0x0001_0101_0101_0101,
                ]),
            ),
        ];
        for brute_below in [0usize, 1_000_000] {
            let index =
                HashIndex::from_entries(entries.clone()).with_brute_force_below(brute_below);
            let path = if brute_below == 0 {
                SearchPath::MultiIndex
            } else {
                SearchPath::BruteForce
            };
            let ids = |r| {
                index
                    .search_with(&base, r, path)
                    .unwrap()
                    .iter()
                    .map(|m| (m.id.to_string(), m.distance))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(0), vec![("same".to_string(), 0)]);
            assert_eq!(ids(1).len(), 2);
            let at31 = ids(31);
            assert_eq!(at31.len(), 4, "{at31:?}");
            assert_eq!(
                at31[2..].iter().map(|x| x.1).collect::<Vec<_>>(),
                vec![31, 31]
            );
            assert_eq!(ids(32).len(), 5);
        }
    }

    #[test]
    fn journal_replay_equals_the_same_changes_in_memory() {
        let dir = std::env::temp_dir().join(format!("phash-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.idx");
        let hash = |i: u64| h([i, i.rotate_left(17), !i, i ^ 0xFFFF]);
        let mut memory =
            HashIndex::from_entries((0..3000u64).map(|i| (format!("e{}", i % 2900), hash(i))));
        memory.save(&path).unwrap();
        let saved_len = std::fs::metadata(&path).unwrap().len();
        // Removal before and after a re-add of the same id, removal of a base id, a removal that matches nothing.
        let changes = vec![
            Change::Add("new".into(), hash(10_001)),
            Change::Remove("new".into()),
            Change::Add("new".into(), hash(10_002)),
            Change::Remove("e5".into()),
            Change::Remove("absent".into()),
            Change::Add("e7".into(), hash(10_003)),
        ];
        let journal = HashIndex::append_changes(&path, &changes).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), saved_len + journal);
        for change in &changes {
            match change {
                Change::Add(id, hash) => {
                    memory.add(id, *hash);
                }
                Change::Remove(id) => {
                    memory.remove(id);
                }
            }
        }
        let live = |index: &HashIndex| {
            let mut v: Vec<(String, PdqHash)> =
                index.iter().map(|(id, h)| (id.to_string(), h)).collect();
            v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.limbs.cmp(&b.1.limbs)));
            v
        };
        let loaded = HashIndex::load(&path).unwrap();
        assert_eq!(loaded.len(), 3000 + 3 - 2 - 1);
        assert_eq!(live(&loaded), live(&memory));
        for q in [hash(10_002), hash(10_001), hash(5), hash(7), hash(10_003)] {
            let ids = |index: &HashIndex| -> Vec<String> {
                index
                    .search(&q, 0)
                    .unwrap()
                    .iter()
                    .map(|m| m.id.to_string())
                    .collect()
            };
            assert_eq!(ids(&loaded), ids(&memory));
        }
        // A torn append (crash mid-write) is ignored on load and cut off by the next append.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"+\x05\x00\x00\x00partial");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(live(&HashIndex::load(&path).unwrap()), live(&memory));
        HashIndex::append_changes(&path, &[Change::Remove("e1".into())]).unwrap();
        memory.remove("e1");
        assert_eq!(live(&HashIndex::load(&path).unwrap()), live(&memory));
        // Saving folds the journal in.
        HashIndex::load(&path).unwrap().save(&path).unwrap();
        let expected_len = 24
            + 40 * memory.len() as u64
            + memory.iter().map(|(id, _)| id.len() as u64).sum::<u64>();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), expected_len);
        assert_eq!(live(&HashIndex::load(&path).unwrap()), live(&memory));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn add_remove_and_compact() {
        let mut index = HashIndex::new().with_brute_force_below(0);
        for i in 0..3000u64 {
            index.add(&format!("e{i}"), h([i, i.rotate_left(17), !i, i ^ 0xFFFF]));
        }
        let q = h([42, 42u64.rotate_left(17), !42, 42 ^ 0xFFFF]);
        assert_eq!(index.search(&q, 0).unwrap()[0].id, "e42");
        assert_eq!(index.remove("e42"), 1);
        assert!(index.search(&q, 0).unwrap().is_empty());
        assert_eq!(index.len(), 2999);
        index.compact();
        assert_eq!(index.len(), 2999);
        assert!(index.search(&q, 0).unwrap().is_empty());
        assert!(matches!(
            index.search(&q, 256),
            Err(PhashError::Radius { radius: 256 })
        ));
    }

    #[test]
    fn malformed_files_are_errors() {
        let cases: &[&[u8]] = &[
            b"",
            b"IDPDQIX1",
            b"XXXXXXXX\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
            b"IDPDQIX1\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        ];
        for bytes in cases {
            assert!(HashIndex::from_bytes(bytes).is_err());
        }
        let empty = b"IDPDQIX1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
        assert_eq!(HashIndex::from_bytes(empty).unwrap().len(), 0);
    }
}
