//! The WatchlistIndex: entities, their prepared names, and an inverted index from retrieval keys to names.

use crate::evidence::BirthYears;
use crate::hints::prefer_huge_pages;
use crate::keys::{self, Key, PartSignature};
use interdict_model::{Entity, NameKind, Schema, normalize_document_number};
use interdict_names::{Lexicon, NameClass, Part, PartWeights, PreparedName, prepare};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::sync::Arc;

/// The name class used to prepare names of entities of a schema.
pub(crate) fn name_class(schema: Schema) -> NameClass {
    match schema {
        Schema::Person => NameClass::Person,
        Schema::Organization | Schema::LegalEntity => NameClass::Organization,
        Schema::Vessel | Schema::Aircraft => NameClass::Thing,
    }
}

/// Bits of a posting entry that hold the part index; above them the name id, and in the high 32 bits the
/// part's [`PartSignature`].
const PART_BITS: u32 = 6;
const NAME_BITS: u32 = 26;

/// A posting entry: the name id, the index of the part that produced the key (for the joined-adjacent
/// families, the first of the two parts) and the part's signature. Parts from index 63 on share the last value,
/// read as "unknown part".
pub(crate) fn posting_entry(name: usize, part: usize, signature: PartSignature) -> u64 {
    (signature.0 as u64) << 32 | ((name as u64) << PART_BITS) | part.min(OVERFLOW_PART) as u64
}

/// The last part index an entry can hold; it stands for every part from there on.
pub(crate) const OVERFLOW_PART: usize = (1 << PART_BITS) - 1;

pub(crate) fn entry_name(entry: u64) -> u32 {
    ((entry as u32) >> PART_BITS) & ((1 << NAME_BITS) - 1)
}

pub(crate) fn entry_part(entry: u64) -> usize {
    (entry & ((1 << PART_BITS) - 1)) as usize
}

pub(crate) fn entry_signature(entry: u64) -> PartSignature {
    PartSignature((entry >> 32) as u32)
}

/// Runs of at least this many entries with one signature in a posting are ordered by the part they were made
/// of ([`part_order`]) by default, so that a typo probe compares each distinct part once instead of every entry
/// (see [`WatchlistIndexBuilder::part_group_run`]).
pub const DEFAULT_PART_GROUP_RUN: usize = 32;

/// A total order of parts that puts equal parts (`Part`'s equality: same text, skeleton, lexicon groups, role
/// and flags, which is all `interdict_names::part_similarity` reads) together; unknown parts (`None`: entries of
/// parts past the 63rd) first.
fn part_order(a: Option<&Part>, b: Option<&Part>) -> std::cmp::Ordering {
    fn key(p: &Part) -> (&str, &str, &[interdict_names::GroupId], u8, bool, bool) {
        (
            p.text.as_str(),
            p.skeleton.as_str(),
            p.groups.as_slice(),
            p.role as u8,
            p.abjad,
            p.native_syllables,
        )
    }
    match (a, b) {
        (Some(a), Some(b)) => key(a).cmp(&key(b)),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

/// The part a posting entry was made from, `None` for the entries of parts past the 63rd (which share one value).
fn part_of_entry(names: &[IndexedName], entry: u64) -> Option<&Part> {
    let j = entry_part(entry);
    (j < OVERFLOW_PART).then(|| &names[entry_name(entry) as usize].prepared.parts[j])
}

/// Orders every run of at least `part_group_run` equal signatures in the postings by part (see
/// [`WatchlistIndexBuilder::part_group_run`]), in parallel.
fn order_runs_by_part(
    ids: &mut [u64],
    postings: &FxHashMap<Key, Posting>,
    names: &[IndexedName],
    part_group_run: usize,
) {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for p in postings.values() {
        let mut at = p.start as usize;
        for run in ids[p.start as usize..p.end as usize].chunk_by(|a, b| a >> 32 == b >> 32) {
            if run.len() >= part_group_run {
                runs.push((at, at + run.len()));
            }
            at += run.len();
        }
    }
    runs.sort_unstable();
    let mut slices: Vec<&mut [u64]> = Vec::with_capacity(runs.len());
    let mut rest = ids;
    let mut offset = 0;
    for (start, end) in runs {
        let (_, tail) = std::mem::take(&mut rest).split_at_mut(start - offset);
        let (run, tail) = tail.split_at_mut(end - start);
        slices.push(run);
        rest = tail;
        offset = end;
    }
    slices.par_iter_mut().for_each(|run| {
        run.sort_unstable_by(|&a, &b| {
            part_order(part_of_entry(names, a), part_of_entry(names, b)).then(a.cmp(&b))
        })
    });
}

/// The end of the group that starts at `start` in `entries`, where `same(e)` holds for the group's entries. In
/// `ordered` entries (equal parts together) it holds for no later one and the end is found by galloping search,
/// since most groups are short; otherwise the group ends at the first entry it does not hold for.
pub(crate) fn group_end(
    entries: &[u64],
    start: usize,
    ordered: bool,
    same: impl Fn(u64) -> bool,
) -> usize {
    let n = entries.len();
    if !ordered {
        return start
            + 1
            + entries[start + 1..]
                .iter()
                .take_while(|&&e| same(e))
                .count();
    }
    let mut known = start + 1;
    let mut step = 1;
    while known < n {
        let probe = (known + step - 1).min(n - 1);
        if !same(entries[probe]) {
            return known + entries[known..probe].partition_point(|&e| same(e));
        }
        known = probe + 1;
        step *= 2;
    }
    n
}

/// A long group of one part's entries in a posting (see [`WatchlistIndex::part_groups`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PartGroup {
    /// The group's first entry, by which it is found.
    pub first: u64,
    pub len: u32,
    /// Where its chunks' most favourable rests are in `WatchlistIndex::chunk_rests`.
    rests_at: u32,
}

/// Per chunk of a listed part group: the most favourable rest of its persons' names and of its other names.
pub(crate) type ChunkRests = [Option<NameRest>; 2];

/// The most favourable rests of the persons' names and of the other names among `entries`' names.
fn most_favourable_rests(rests: &[NameRest], entries: &[u64]) -> ChunkRests {
    let mut best: ChunkRests = [None, None];
    for &e in entries {
        let rest = rests[entry_name(e) as usize];
        let slot = &mut best[rest.person() as usize];
        *slot = Some(slot.map_or(rest, |b| b.most_favourable(rest)));
    }
    best
}

/// Entries per chunk of a part group, each with the most favourable rests of its names (see
/// [`WatchlistIndex::chunk_rests`]).
pub(crate) const GROUP_CHUNK: usize = 64;

/// Part groups of at least this many entries are listed (or of more than the large-posting size, if smaller).
const LISTED_PART_GROUP: usize = 256;

/// The part groups of at least `min_len` entries of every posting, in their runs ordered by part (at least
/// `part_group_run` entries of one signature), sorted by first entry, each with the most favourable rests of its
/// chunks (see [`WatchlistIndex::part_groups`]).
fn part_groups(
    index: &WatchlistIndex,
    min_len: usize,
) -> (FxHashMap<Key, Vec<PartGroup>>, Vec<ChunkRests>) {
    let long: Vec<(Key, Posting)> = index
        .postings
        .iter()
        .filter(|(_, p)| p.len() >= min_len)
        .map(|(&k, &p)| (k, p))
        .collect();
    // Per key: each group's first entry, length and chunks.
    type Found = (u64, usize, Vec<ChunkRests>);
    let found: Vec<(Key, Vec<Found>)> = long
        .par_iter()
        .filter_map(|&(key, p)| {
            let mut groups = Vec::new();
            let entries = &index.ids[p.start as usize..p.end as usize];
            for run in entries.chunk_by(|a, b| a >> 32 == b >> 32) {
                if run.len() < index.part_group_run || run.len() < min_len {
                    continue;
                }
                // Equal parts are together: each group's end is found by galloping, not by comparing every
                // entry's part (a cache miss each).
                let mut at = 0;
                while at < run.len() {
                    let part = part_of_entry(&index.names, run[at]);
                    let end = group_end(run, at, true, |e| part_of_entry(&index.names, e) == part);
                    let group = &run[at..end];
                    if group.len() >= min_len && part.is_some() {
                        let chunks = group
                            .chunks(GROUP_CHUNK)
                            .map(|chunk| most_favourable_rests(&index.rests, chunk))
                            .collect();
                        groups.push((group[0], group.len(), chunks));
                    }
                    at = end;
                }
            }
            groups.sort_unstable_by_key(|g| g.0);
            (!groups.is_empty()).then_some((key, groups))
        })
        .collect();
    let mut by_key = FxHashMap::default();
    let mut chunk_rests = Vec::new();
    for (key, groups) in found {
        let listed = groups
            .into_iter()
            .map(|(first, len, chunks)| {
                let rests_at = chunk_rests.len() as u32;
                chunk_rests.extend(chunks);
                PartGroup {
                    first,
                    len: len as u32,
                    rests_at,
                }
            })
            .collect();
        by_key.insert(key, listed);
    }
    (by_key, chunk_rests)
}

/// Where a key's entries are in `WatchlistIndex::ids`, and how many distinct names they come from.
#[derive(Debug, Clone, Copy)]
struct Posting {
    start: u32,
    end: u32,
    names: u32,
}

impl Posting {
    fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
}

/// Postings with more entries than this are large by default: a query reaches the names under them through pair
/// keys (see `keys::pair_key`) when one common word alone could not make a match.
pub const DEFAULT_LARGE_POSTING: usize = 2048;

/// Appends sorted `(key, entry)` pairs to `ids`, one posting per key.
fn append_postings(
    pairs: Vec<(Key, u64)>,
    postings: &mut FxHashMap<Key, Posting>,
    ids: &mut Vec<u64>,
) {
    let base = ids.len();
    let mut names: Vec<u32> = Vec::new();
    let mut at = base;
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        names.clear();
        names.extend(run.iter().map(|&(_, e)| entry_name(e)));
        names.sort_unstable();
        names.dedup();
        postings.insert(
            run[0].0,
            Posting {
                start: at as u32,
                end: (at + run.len()) as u32,
                names: names.len() as u32,
            },
        );
        at += run.len();
    }
    if ids.is_empty() {
        // Collected in place into the pairs' own allocation (same alignment, half the size), so the entries
        // never exist twice: at a million entities that is the peak of building.
        *ids = pairs.into_iter().map(|(_, e)| e).collect();
    } else {
        ids.extend(pairs.into_iter().map(|(_, e)| e));
    }
}

/// The weights of a name's parts that can conflict, largest first.
fn conflicting_descending(index: &WatchlistIndex, summary: &NameSummary) -> SmallVec<[f64; 8]> {
    let (weights, _) = index.name_bound_weights(summary);
    let mut conflicting: SmallVec<[f64; 8]> = weights
        .iter()
        .enumerate()
        .filter(|(j, _)| summary.conflicting_parts & (1 << j) != 0)
        .map(|(_, w)| *w)
        .collect();
    conflicting.sort_by(|a, b| b.total_cmp(a));
    conflicting
}

/// What a pair entry tells of its name besides its two parts, for bounding names reached through pair keys
/// alone when a query can match at most two of their parts (see `search`). Stored in the entry's signature bits,
/// low to high: the second part's index (6 bits); the weight left unmatched when the two heaviest parts are
/// matched (9 bits, 1/64 units, rounded down); the weight of parts that can conflict left when the two
/// heaviest of those are matched (9 bits, 1/64, down); the total weight (8 bits, 1/32, rounded up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PairRest {
    pub unmatched_beyond_two: f64,
    pub conflicting_beyond_two: f64,
    pub total: f64,
}

impl PairRest {
    /// What a name summary says; nothing (zeros, which bound nothing) for names whose weights do not fit.
    fn of(index: &WatchlistIndex, summary: &NameSummary) -> Self {
        // The total must fit its 8 bits rounded up, and the name's weights must all be known.
        if summary.total >= 7.9 || summary.parts as usize >= OVERFLOW_PART {
            return PairRest {
                unmatched_beyond_two: 0.0,
                conflicting_beyond_two: 0.0,
                total: 7.96875,
            };
        }
        let (_, descending) = index.name_bound_weights(summary);
        let conflicting = conflicting_descending(index, summary);
        PairRest {
            unmatched_beyond_two: descending.iter().skip(2).sum(),
            conflicting_beyond_two: conflicting.iter().skip(2).sum(),
            total: summary.total,
        }
    }

    /// Signature bits of a pair entry whose second part is `second`.
    fn signature(self, second: usize) -> PartSignature {
        let down = |w: f64| ((w * 64.0).floor().max(0.0) as u32).min(511);
        let up = ((self.total * 32.0).ceil().max(0.0) as u32).min(255);
        PartSignature(
            second.min(OVERFLOW_PART) as u32
                | down(self.unmatched_beyond_two) << 6
                | down(self.conflicting_beyond_two) << 15
                | up << 24,
        )
    }

    /// Reads [`Self::signature`] back (weights as rounded), with the second part's index.
    pub fn read(signature: PartSignature) -> (usize, PairRest) {
        let s = signature.0;
        (
            (s & 63) as usize,
            PairRest {
                unmatched_beyond_two: ((s >> 6) & 511) as f64 / 64.0,
                conflicting_beyond_two: ((s >> 15) & 511) as f64 / 64.0,
                total: (s >> 24) as f64 / 32.0,
            },
        )
    }
}

/// One indexed name of an entity.
#[derive(Debug)]
pub(crate) struct IndexedName {
    pub entity: u32,
    pub kind: NameKind,
    pub prepared: PreparedName,
}

/// What bounding needs to know of an indexed name without aligning it, packed so that bounding the many names a
/// query touches reads little memory. Part weights are in `WatchlistIndex::bound_weights` from `weights_at`:
/// first in part order (at most 63), then the same weights largest first.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NameSummary {
    pub entity: u32,
    pub weights_at: u32,
    /// Number of parts with a weight slot (at most 63).
    pub parts: u8,
    pub person: bool,
    /// The weight of the name's kind (primary 1.0, weak alias 0.85, ...).
    pub kind_weight: f64,
    /// Sum of all part weights.
    pub total: f64,
    /// Sum of the weights of parts whose being unmatched on both sides counts as a conflict.
    pub conflicting: f64,
    /// Bits of the parts (below index 63) that can conflict.
    pub conflicting_parts: u64,
    /// The years the entity's dates of birth span (in the room the fields above leave): bounding leaves out
    /// names whose dates contradict the query's and whose bound cannot make up for that without another read.
    pub birth_years: BirthYears,
}

// The birth years fill padding: a summary stays 48 bytes.
const _: () = assert!(std::mem::size_of::<NameSummary>() == 48);

impl NameSummary {
    /// `weights`: the name's part weights, at most [`OVERFLOW_PART`] of them (names are aligned on their
    /// first 63 parts).
    fn of(name: &IndexedName, weights: &[f64], weights_at: usize, birth_years: BirthYears) -> Self {
        let parts = &name.prepared.parts[..weights.len()];
        let conflicting = parts
            .iter()
            .zip(weights)
            .filter(|(p, _)| p.role.can_conflict())
            .map(|(_, w)| *w)
            .sum();
        let conflicting_parts = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role.can_conflict())
            .fold(0u64, |m, (j, _)| m | 1 << j);
        NameSummary {
            entity: name.entity,
            weights_at: weights_at as u32,
            parts: weights.len() as u8,
            person: name.prepared.class == NameClass::Person,
            kind_weight: name.kind.weight(),
            total: weights.iter().sum(),
            conflicting,
            conflicting_parts,
            birth_years,
        }
    }
}

/// The candidate side of a name's score bound in 8 bytes per name, so that bounding the many names a query
/// touches reads a small array (a million entities: 14 MB, which stays in cache) instead of their summaries and
/// weights. For `k` = 1, 2, 3 matched parts: the weight left unmatched beyond the `k` heaviest parts and the
/// conflicting weight left beyond the `k` heaviest conflicting parts (1/32 units, rounded down, so they bound
/// from below); the total weight (1/32, rounded up; `u8::MAX`: unknown, too large); the person flag and the kind
/// weight (1/127, rounded up). Bit layout, low to high: total, unmatched 1-3, conflicting 1-3, flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NameRest(pub u64);

impl NameRest {
    const PERSON: u64 = 1 << 63;

    /// What a name summary says; nothing beyond the total and flags for names whose weights are not all known.
    fn of(index: &WatchlistIndex, summary: &NameSummary) -> Self {
        let down = |w: f64| ((w * 32.0).floor().max(0.0) as u64).min(255);
        let total = (summary.total * 32.0).ceil().max(0.0) as u64;
        let total = if total >= 255 { 255 } else { total };
        let kind = ((summary.kind_weight * 127.0).ceil().max(0.0) as u64).min(127);
        let mut packed = total | kind << 56;
        if summary.person {
            packed |= Self::PERSON;
        }
        if (summary.parts as usize) < OVERFLOW_PART {
            let (_, descending) = index.name_bound_weights(summary);
            let conflicting = conflicting_descending(index, summary);
            for k in 1..=3 {
                let unmatched: f64 = descending.iter().skip(k).sum();
                let conflict: f64 = conflicting.iter().skip(k).sum();
                packed |= down(unmatched) << (8 * k) | down(conflict) << (8 * (k + 3));
            }
        }
        NameRest(packed)
    }

    /// The weight at least left unmatched, and the conflicting weight at least left, when at most `matched` of
    /// the name's parts are matched.
    #[inline]
    pub fn beyond(self, matched: usize) -> (f64, f64) {
        if matched == 0 || matched > 3 {
            // No match leaves the total, which this does not bound from below; more than three: nothing known.
            return (0.0, 0.0);
        }
        let byte = |at: usize| ((self.0 >> (8 * at)) & 255) as f64 / 32.0;
        (byte(matched), byte(matched + 3))
    }

    /// The name's total weight, rounded up (infinite when too large to store).
    #[inline]
    pub fn total(self) -> f64 {
        match self.0 & 255 {
            255 => f64::INFINITY,
            t => t as f64 / 32.0,
        }
    }

    #[inline]
    pub fn person(self) -> bool {
        self.0 & Self::PERSON != 0
    }

    /// The name kind's weight, rounded up.
    #[inline]
    pub fn kind_weight(self) -> f64 {
        ((self.0 >> 56) & 127) as f64 / 127.0
    }

    /// The rest that bounds as high as either of two names' rests (of the same person flag): the larger total
    /// and kind weight, the smaller weights left beyond the heaviest parts. A bound it does not reach, neither
    /// name reaches.
    pub fn most_favourable(self, other: NameRest) -> NameRest {
        let byte = |r: NameRest, at: usize| (r.0 >> (8 * at)) & 255;
        let mut packed = byte(self, 0).max(byte(other, 0));
        for at in 1..=6 {
            packed |= byte(self, at).min(byte(other, at)) << (8 * at);
        }
        let kind = ((self.0 >> 56) & 127).max((other.0 >> 56) & 127);
        NameRest(packed | kind << 56 | (self.0 & Self::PERSON))
    }
}

/// Per lexicon group (by key), the key of the skeleton most of its listed spellings have (words only; ties go
/// to the smaller key), see `WatchlistIndex::dominant_skeletons`.
fn dominant_skeletons(names: &[IndexedName]) -> FxHashMap<Key, Key> {
    let mut counts: FxHashMap<(Key, Key), u32> = FxHashMap::default();
    for part in names.iter().flat_map(|n| &n.prepared.parts) {
        if part.role != interdict_names::PartRole::Word || part.skeleton.is_empty() {
            continue;
        }
        let skeleton = keys::skeleton_key(&part.skeleton);
        for g in &part.groups {
            *counts.entry((keys::group_key(*g), skeleton)).or_insert(0) += 1;
        }
    }
    let mut dominant: FxHashMap<Key, (u32, Key)> = FxHashMap::default();
    for ((group, skeleton), count) in counts {
        let best = dominant.entry(group).or_insert((count, skeleton));
        if count > best.0 || (count == best.0 && skeleton < best.1) {
            *best = (count, skeleton);
        }
    }
    dominant.into_iter().map(|(g, (_, s))| (g, s)).collect()
}

/// Whether `part` has the dominant skeleton of its lexicon group `group` (see
/// `WatchlistIndex::dominant_skeletons`): the one rule that decides both where a spelling is posted and what a
/// query part reads.
fn has_dominant_skeleton(
    dominant: &FxHashMap<Key, Key>,
    group: interdict_names::GroupId,
    part: &Part,
) -> bool {
    !part.skeleton.is_empty()
        && dominant.get(&keys::group_key(group)) == Some(&keys::skeleton_key(&part.skeleton))
}

/// The residual keys ([`keys::residual_group_key`]) `part` is posted under: those of its groups (words only have
/// group keys) whose dominant skeleton is not its own.
fn residual_keys<'a>(
    dominant: &'a FxHashMap<Key, Key>,
    part: &'a Part,
) -> impl Iterator<Item = Key> + 'a {
    let groups = if part.role == interdict_names::PartRole::Word {
        &part.groups[..]
    } else {
        &[]
    };
    groups
        .iter()
        .filter(move |&&g| !has_dominant_skeleton(dominant, g, part))
        .map(|&g| keys::residual_group_key(g))
}

/// Collects entities, then builds an immutable [`WatchlistIndex`].
#[derive(Debug, Default)]
pub struct WatchlistIndexBuilder {
    entities: Vec<Entity>,
    lexicon: Option<Arc<Lexicon>>,
    large_posting: Option<usize>,
    part_group_run: Option<usize>,
}

impl WatchlistIndexBuilder {
    pub fn new() -> Self {
        WatchlistIndexBuilder::default()
    }

    /// Uses `lexicon` (for example the built-in one extended with rigour's person names) instead of the built-in
    /// lexicon.
    pub fn lexicon(mut self, lexicon: Arc<Lexicon>) -> Self {
        self.lexicon = Some(lexicon);
        self
    }

    /// Postings with more entries than `entries` count as large (default [`DEFAULT_LARGE_POSTING`]): names
    /// reached only through large keys of common words are found through pair keys. Lower values make queries
    /// with common words cheaper and the index larger; results are the same.
    pub fn large_posting(mut self, entries: usize) -> Self {
        self.large_posting = Some(entries);
        self
    }

    /// Typo and variant probes compare the query part once with each distinct part in runs of at least
    /// `entries` entries sharing one signature (default [`DEFAULT_PART_GROUP_RUN`]); hits in shorter runs are
    /// compared only for names whose bound reaches the cutoff. Results are the same; tests lower it so that
    /// small lists take the grouped path.
    pub fn part_group_run(mut self, entries: usize) -> Self {
        self.part_group_run = Some(entries.max(1));
        self
    }

    pub fn add(&mut self, entity: Entity) -> &mut Self {
        self.entities.push(entity);
        self
    }

    pub fn extend(&mut self, entities: impl IntoIterator<Item = Entity>) -> &mut Self {
        self.entities.extend(entities);
        self
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Prepares every name, builds the inverted index and the part weights. Entities with a duplicate id keep
    /// the first occurrence's id lookup; all are indexed.
    pub fn build(self) -> WatchlistIndex {
        let lexicon = self.lexicon;
        let large_posting = self.large_posting.unwrap_or(DEFAULT_LARGE_POSTING);
        let part_group_run = self.part_group_run.unwrap_or(DEFAULT_PART_GROUP_RUN);
        let lex: &Lexicon = lexicon.as_deref().unwrap_or_else(|| Lexicon::builtin());
        let entities = self.entities;
        // Prepare names in parallel: this is the expensive part of building.
        let mut names: Vec<IndexedName> = entities
            .par_iter()
            .enumerate()
            .flat_map_iter(|(ei, e)| {
                let class = name_class(e.schema);
                e.names
                    .iter()
                    .filter(|n| !n.text.trim().is_empty())
                    .map(move |n| IndexedName {
                        entity: ei as u32,
                        kind: n.kind,
                        prepared: prepare(&n.text, class, lex),
                    })
            })
            .collect();
        // Drop names that prepare to nothing (punctuation only).
        names.retain(|n| !n.prepared.parts.is_empty());
        assert!(
            names.len() < 1 << NAME_BITS,
            "a WatchlistIndex holds at most {} names",
            1u32 << NAME_BITS
        );
        let dominant = dominant_skeletons(&names);
        // Postings as (key, posting entry) pairs, sorted, then compressed into offsets. An entry names the name
        // and the part that produced the key, so that bounding knows which candidate parts a query can match.
        let mut pairs: Vec<(Key, u64)> = names
            .par_iter()
            .enumerate()
            .flat_map_iter(|(ni, n)| {
                let mut entries: Vec<(Key, u64)> = Vec::with_capacity(24);
                let mut ks = Vec::with_capacity(16);
                let mut signed = Vec::with_capacity(16);
                for (j, p) in n.prepared.parts.iter().enumerate() {
                    signed.clear();
                    keys::part_keys(p, &mut signed);
                    let signature = PartSignature::of(p);
                    signed.extend(residual_keys(&dominant, p).map(|k| (k, signature)));
                    entries.extend(
                        signed
                            .iter()
                            .map(|&(k, sig)| (k, posting_entry(ni, j, sig))),
                    );
                }
                for i in 0..n.prepared.adjacent.len() {
                    ks.clear();
                    keys::indexed_adjacent_keys(&n.prepared, i, &mut ks);
                    let none = PartSignature(0);
                    entries.extend(ks.iter().map(|&k| (k, posting_entry(ni, i, none))));
                }
                entries.sort_unstable();
                entries.dedup();
                entries.into_iter()
            })
            .collect();
        pairs.par_sort_unstable();
        let mut postings: FxHashMap<Key, Posting> = FxHashMap::default();
        let mut ids: Vec<u64> = Vec::new();
        append_postings(pairs, &mut postings, &mut ids);
        // Give back the half of the pairs' allocation the entries do not use (a shrinking realloc of a large block
        // moves no data).
        ids.shrink_to_fit();
        order_runs_by_part(&mut ids, &postings, &names, part_group_run);
        // Document keys and entity ids as sorted vectors (binary search): a map would hold an allocation per
        // entry, which at a million entities is a sizeable share of the index.
        let mut documents: Vec<(Key, u32)> = entities
            .iter()
            .enumerate()
            .flat_map(|(ei, e)| {
                e.documents.iter().filter_map(move |d| {
                    let n = normalize_document_number(&d.number);
                    (n.len() >= 5).then(|| (keys::document_key(&n), ei as u32))
                })
            })
            .collect();
        documents.sort_unstable();
        documents.dedup();
        documents.shrink_to_fit();
        let birth_years = entities.iter().map(BirthYears::of).collect();
        let mut by_id: Vec<u32> = (0..entities.len() as u32).collect();
        by_id.sort_by(|&a, &b| {
            entities[a as usize]
                .id
                .cmp(&entities[b as usize].id)
                .then(a.cmp(&b))
        });
        let mut index = WatchlistIndex {
            large_posting,
            part_group_run,
            entities,
            names: Vec::new(),
            entity_names: Vec::new(),
            summaries: Vec::new(),
            bound_weights: Vec::new(),
            rests: Vec::new(),
            postings,
            ids,
            part_groups: FxHashMap::default(),
            chunk_rests: Vec::new(),
            large_rests: FxHashMap::default(),
            dominant_skeletons: dominant,
            pair_postings: FxHashMap::default(),
            pair_ids: Vec::new(),
            documents,
            birth_years,
            by_id,
            lexicon,
            name_total: names.len(),
        };
        let weighted: Vec<Vec<f64>> = names
            .par_iter()
            .map(|n| {
                let mut w = interdict_names::part_weights(&n.prepared, &index).to_vec();
                w.truncate(OVERFLOW_PART);
                w
            })
            .collect();
        let mut summaries = Vec::with_capacity(names.len());
        let mut bound_weights = Vec::new();
        for (n, w) in names.iter().zip(&weighted) {
            summaries.push(NameSummary::of(
                n,
                w,
                bound_weights.len(),
                index.birth_years[n.entity as usize],
            ));
            bound_weights.extend_from_slice(w);
            let mut descending = w.clone();
            descending.sort_by(|a, b| b.total_cmp(a));
            bound_weights.extend_from_slice(&descending);
        }
        drop(weighted);
        let mut entity_names = vec![0u32; index.entities.len() + 1];
        for n in &names {
            entity_names[n.entity as usize + 1] += 1;
        }
        for e in 1..entity_names.len() {
            entity_names[e] += entity_names[e - 1];
        }
        index.entity_names = entity_names;
        index.names = names;
        index.summaries = summaries;
        index.bound_weights = bound_weights;
        index.rests = index
            .summaries
            .iter()
            .map(|s| NameRest::of(&index, s))
            .collect();
        (index.part_groups, index.chunk_rests) =
            part_groups(&index, LISTED_PART_GROUP.min(large_posting + 1));
        index.large_rests = index
            .postings
            .par_iter()
            .filter(|(_, p)| p.len() > large_posting)
            .map(|(&key, p)| {
                let entries = &index.ids[p.start as usize..p.end as usize];
                (key, most_favourable_rests(&index.rests, entries))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        // Pair keys: for every two parts of a name that both carry a large key, the pair of those keys. The
        // entry says what else the name holds (see `PairRest`), so a query can pass over names whose other parts
        // keep them under its bound without touching them.
        let mut pairs: Vec<(Key, u64)> = index
            .names
            .par_iter()
            .enumerate()
            .flat_map_iter(|(ni, n)| {
                let mut large: Vec<(usize, Key)> = Vec::new();
                let mut ks = Vec::with_capacity(8);
                for (j, p) in n.prepared.parts.iter().enumerate() {
                    ks.clear();
                    keys::pairable_keys(p, &mut ks);
                    // A query part of a group's dominant skeleton pairs the skeleton key and the residual one
                    // instead of the group's; one of another skeleton ("Mehmet" where "Mohammed" is the common
                    // spelling) pairs the group's.
                    ks.extend(residual_keys(&index.dominant_skeletons, p));
                    large.extend(ks.iter().filter(|&&k| index.is_large(k)).map(|&k| (j, k)));
                }
                let mut entries: Vec<(Key, u64)> = Vec::new();
                if large.len() >= 2 {
                    let rest = PairRest::of(&index, &index.summaries[ni]);
                    for (a, &(ja, ka)) in large.iter().enumerate() {
                        for &(jb, kb) in &large[a + 1..] {
                            if ja != jb {
                                // The entry holds the first part; the second is in the signature bits.
                                entries.push((
                                    keys::pair_key(ka, kb),
                                    posting_entry(ni, ja, rest.signature(jb)),
                                ));
                            }
                        }
                    }
                }
                entries.sort_unstable();
                entries.dedup();
                entries.into_iter()
            })
            .collect();
        pairs.par_sort_unstable();
        // In their own array: appending to `ids` would reallocate it, holding it twice at the peak of building.
        append_postings(pairs, &mut index.pair_postings, &mut index.pair_ids);
        index.pair_ids.shrink_to_fit();
        // Queries read these at random: on huge pages their reads miss the TLB far less.
        prefer_huge_pages(&index.ids);
        prefer_huge_pages(&index.pair_ids);
        prefer_huge_pages(&index.names);
        prefer_huge_pages(&index.summaries);
        prefer_huge_pages(&index.bound_weights);
        prefer_huge_pages(&index.rests);
        index
    }
}

/// An immutable index of watchlist entities, built by [`WatchlistIndexBuilder`]. Share it as `Arc`; it is
/// `Send + Sync` and every query method takes `&self`.
#[derive(Debug)]
pub struct WatchlistIndex {
    large_posting: usize,
    /// See [`WatchlistIndexBuilder::part_group_run`].
    pub(crate) part_group_run: usize,
    pub(crate) entities: Vec<Entity>,
    pub(crate) names: Vec<IndexedName>,
    /// Per entity, where its names start in `names` (they are contiguous, in entity order), and the end of the
    /// last entity's names: scoring an entity finds its names with one read instead of a binary search, whose
    /// every step is a cache miss in a large list.
    entity_names: Vec<u32>,
    /// Per name, what bounding needs (parallel to `names`).
    pub(crate) summaries: Vec<NameSummary>,
    /// Part weights of every name, for scoring and bounding (see [`NameSummary`]).
    pub(crate) bound_weights: Vec<f64>,
    /// Per name, the compact candidate side of its bound (parallel to `names`).
    pub(crate) rests: Vec<NameRest>,
    postings: FxHashMap<Key, Posting>,
    ids: Vec<u64>,
    /// Per key, its long part groups by first entry (see [`Self::part_groups`]).
    part_groups: FxHashMap<Key, Vec<PartGroup>>,
    /// Per chunk of [`GROUP_CHUNK`] entries of a listed part group: the most favourable rest of its persons'
    /// names and of its other names ([`NameRest::most_favourable`]), `None` when it has none.
    chunk_rests: Vec<ChunkRests>,
    /// Per large posting (more than `large_posting` entries), the same for all its names: a probe that adds
    /// names only if their rest reaches a bound knows before reading whether any can (see
    /// [`Self::large_rests`]).
    large_rests: FxHashMap<Key, ChunkRests>,
    /// Per lexicon-group key, the key of the skeleton most of the group's listed spellings have. The group's
    /// spellings of other skeletons are also posted under its residual key ([`keys::residual_group_key`]), so a
    /// query part of the dominant skeleton, which probes that skeleton anyway, reads the residual key instead of
    /// the whole group (see [`Self::group_probe`]).
    dominant_skeletons: FxHashMap<Key, Key>,
    /// Postings of the pair keys (family `P`), kept apart from the others.
    pair_postings: FxHashMap<Key, Posting>,
    pair_ids: Vec<u64>,
    /// (document key, entity), sorted.
    documents: Vec<(Key, u32)>,
    /// Per entity, the years its dates of birth span (see [`BirthYears`]).
    pub(crate) birth_years: Vec<BirthYears>,
    /// Entity indices sorted by id (then by index, so the first of duplicate ids comes first).
    by_id: Vec<u32>,
    lexicon: Option<Arc<Lexicon>>,
    name_total: usize,
}

impl WatchlistIndex {
    /// The names of entity `entity`, with the index of the first in `names`.
    pub(crate) fn names_of(&self, entity: u32) -> (usize, &[IndexedName]) {
        let (start, end) = (
            self.entity_names[entity as usize] as usize,
            self.entity_names[entity as usize + 1] as usize,
        );
        (start, &self.names[start..end])
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Number of indexed names (primary names and aliases).
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        let at = self
            .by_id
            .partition_point(|&i| self.entities[i as usize].id.as_str() < id);
        self.by_id
            .get(at)
            .map(|&i| &self.entities[i as usize])
            .filter(|e| e.id == id)
    }

    /// All entities, in the order they were added.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The lexicon names are prepared with.
    pub fn lexicon(&self) -> &Lexicon {
        self.lexicon
            .as_deref()
            .unwrap_or_else(|| Lexicon::builtin())
    }

    /// The part a posting entry was made from (`None` past the 63rd part).
    pub(crate) fn entry_part_of(&self, entry: u64) -> Option<&Part> {
        part_of_entry(&self.names, entry)
    }

    /// Posting entries under `key` (see [`posting_entry`]), sorted by signature.
    pub(crate) fn posting(&self, key: Key) -> &[u64] {
        match self.postings.get(&key) {
            Some(p) => &self.ids[p.start as usize..p.end as usize],
            None => match self.pair_postings.get(&key) {
                Some(p) => &self.pair_ids[p.start as usize..p.end as usize],
                None => &[],
            },
        }
    }

    /// A name's part weights in part order, and the same largest first.
    pub(crate) fn name_bound_weights(&self, s: &NameSummary) -> (&[f64], &[f64]) {
        let at = s.weights_at as usize;
        let n = s.parts as usize;
        (
            &self.bound_weights[at..at + n],
            &self.bound_weights[at + n..at + 2 * n],
        )
    }

    /// The key `part` reads for its lexicon group `group`: the group's own key, or, when `part` has the group's
    /// dominant skeleton, the group's residual key. The group's posting is the entries of its dominant skeleton
    /// (which the part's skeleton key reaches, under the same check, [`keys::Check::Variant`]) plus the residual
    /// ones, so the residual key reaches the rest without reading the common spelling twice.
    pub(crate) fn group_probe(&self, group: interdict_names::GroupId, part: &Part) -> Key {
        if has_dominant_skeleton(&self.dominant_skeletons, group, part) {
            keys::residual_group_key(group)
        } else {
            keys::group_key(group)
        }
    }

    /// The long part groups of the posting under `key` (at least 256 entries of one part, or more than
    /// `large_posting`, in a run the index ordered by part, see [`WatchlistIndexBuilder::part_group_run`]),
    /// sorted by first entry.
    ///
    /// The large ones (more than `large_posting`, [`Self::is_large_group`]) hold one common text each, whose
    /// text key is large too. A typo probe whose check admits one of these reads that text key as one of its
    /// part's large keys instead of the group ("Gali" would otherwise add every "Ali" through the one-deletion
    /// key "ali"), so that names sharing nothing else with the query are reached through pair keys (see
    /// `search`). Every listed group has the most favourable rests of its chunks ([`Self::chunk_rests`]): a probe
    /// that adds names only if their rest reaches a bound passes over a chunk whose best rest does not.
    pub(crate) fn part_groups(&self, key: Key) -> &[PartGroup] {
        self.part_groups.get(&key).map_or(&[], Vec::as_slice)
    }

    /// The listed part group of the posting under `key` whose first entry is `first`.
    pub(crate) fn part_group(&self, key: Key, first: u64) -> Option<&PartGroup> {
        let groups = self.part_groups(key);
        groups
            .binary_search_by_key(&first, |g| g.first)
            .ok()
            .map(|at| &groups[at])
    }

    /// Per chunk of [`GROUP_CHUNK`] entries of `group`: the most favourable rests of its persons' names and of
    /// its other names.
    pub(crate) fn chunk_rests(&self, group: &PartGroup) -> &[ChunkRests] {
        let at = group.rests_at as usize;
        &self.chunk_rests[at..at + (group.len as usize).div_ceil(GROUP_CHUNK)]
    }

    /// The most favourable rests of the persons' names and of the other names under `key`, if its posting is
    /// large.
    pub(crate) fn large_rests(&self, key: Key) -> Option<&ChunkRests> {
        self.large_rests.get(&key)
    }

    /// Whether a part group of `entries` entries in a run ordered by part is listed (see [`Self::part_groups`]).
    pub(crate) fn may_be_listed(&self, entries: usize) -> bool {
        entries >= LISTED_PART_GROUP.min(self.large_posting + 1)
    }

    /// Whether a part group of `entries` entries is large (see [`Self::part_groups`]).
    pub(crate) fn is_large_group(&self, entries: usize) -> bool {
        entries > self.large_posting
    }

    /// Whether the posting under `key` is large (see [`WatchlistIndexBuilder::large_posting`]).
    pub(crate) fn is_large(&self, key: Key) -> bool {
        self.postings
            .get(&key)
            .is_some_and(|p| p.len() > self.large_posting)
    }

    /// Entities holding a document whose normalised number has this key.
    pub(crate) fn entities_with_document(&self, key: Key) -> impl Iterator<Item = u32> + '_ {
        let start = self.documents.partition_point(|&(k, _)| k < key);
        self.documents[start..]
            .iter()
            .take_while(move |&&(k, _)| k == key)
            .map(|&(_, e)| e)
    }

    /// Number of distinct names posted under `key`.
    fn posted_names(&self, key: Key) -> usize {
        self.postings.get(&key).map_or(0, |p| p.names as usize)
    }

    /// Number of names containing this exact folded text.
    pub fn document_frequency(&self, text: &str) -> usize {
        self.posted_names(keys::text_key(text))
    }
}

impl PartWeights for WatchlistIndex {
    /// Inverse document frequency over the indexed names, mapped to [0.3, 1]: a part found in one name weighs
    /// 1.0, a part found in every name 0.3. A part's frequency is that of its most frequent spelling group, so
    /// "Mohamed" counts as common because "Muhammad", "Mohammed" and the rest are.
    fn rarity(&self, part: &Part) -> f64 {
        let n = self.name_total.max(2) as f64;
        let mut df = self.document_frequency(&part.text);
        if part.role == interdict_names::PartRole::Word {
            for g in &part.groups {
                df = df.max(self.posted_names(keys::group_key(*g)));
            }
        }
        if df <= 1 {
            return 1.0;
        }
        let idf = (n / df as f64).ln() / n.ln();
        0.3 + 0.7 * idf.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::{Name, Schema};

    /// `NameRest` bounds from the side that keeps bounds upper bounds: what stays unmatched from below, the total
    /// and the kind weight from above.
    #[test]
    fn name_rest_rounds_towards_higher_bounds() {
        let mut e = Entity::new("x", Schema::Person);
        e.names.push(Name::new(
            "Quillan Orvaldo Tremayne Bex",
            NameKind::WeakAlias,
        ));
        let mut b = WatchlistIndexBuilder::new();
        b.extend([e]);
        let index = b.build();
        let summary = index.summaries[0];
        let rest = index.rests[0];
        let (_, descending) = index.name_bound_weights(&summary);
        assert_eq!(descending.len(), 4);
        assert!(rest.person());
        assert!(
            rest.kind_weight() >= summary.kind_weight
                && rest.kind_weight() < summary.kind_weight + 0.01
        );
        assert!(rest.total() >= summary.total && rest.total() < summary.total + 1.0 / 32.0);
        for k in 1..=3 {
            let (unmatched, conflicting) = rest.beyond(k);
            let exact: f64 = descending.iter().skip(k).sum();
            assert!(
                unmatched <= exact && unmatched > exact - 1.0 / 32.0,
                "k={k}"
            );
            // Every part of this name is a word, so every part can conflict.
            assert!(
                conflicting <= exact && conflicting > exact - 1.0 / 32.0,
                "k={k}"
            );
        }
        assert_eq!(rest.beyond(4), (0.0, 0.0));
        assert_eq!(rest.beyond(0), (0.0, 0.0));
    }

    /// The most favourable of two rests bounds at least as high as either: larger total and kind weight,
    /// smaller weights left beyond the heaviest parts.
    #[test]
    fn most_favourable_rest_takes_the_side_that_raises_bounds() {
        let mut b = WatchlistIndexBuilder::new();
        for (i, (text, kind)) in [
            ("Quillan Orvaldo Tremayne Bex", NameKind::WeakAlias),
            ("Zephra Kestrel", NameKind::Primary),
        ]
        .into_iter()
        .enumerate()
        {
            let mut e = Entity::new(format!("e{i}"), Schema::Person);
            e.names.push(Name::new(text, kind));
            b.add(e);
        }
        let index = b.build();
        let (long, short) = (index.rests[0], index.rests[1]);
        let best = long.most_favourable(short);
        assert_eq!(best, short.most_favourable(long));
        assert!(best.person());
        assert_eq!(best.total(), long.total().max(short.total()));
        assert_eq!(best.kind_weight(), short.kind_weight());
        assert!(best.kind_weight() > long.kind_weight());
        for k in 1..=3 {
            let (a, b) = (long.beyond(k), short.beyond(k));
            assert_eq!(best.beyond(k), (a.0.min(b.0), a.1.min(b.1)), "k={k}");
        }
        // The two-part name leaves nothing beyond two parts; the four-part one does.
        assert_eq!(best.beyond(2), (0.0, 0.0));
        assert!(long.beyond(2).0 > 0.0);
    }

    /// A part of a group's most common listed skeleton reads the group's residual key, which holds the group's
    /// other spellings; a part of another skeleton reads the whole group.
    #[test]
    fn group_probe_reads_the_residual_spellings_for_the_dominant_skeleton() {
        let mut b = WatchlistIndexBuilder::new();
        b.extend(
            ["Mohammed Kessler", "Muhammad Orvald", "Mehmet Orvald"]
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let mut e = Entity::new(format!("e{i}"), Schema::Person);
                    e.names.push(Name::new(*text, NameKind::Primary));
                    e
                }),
        );
        let index = b.build();
        let query = prepare("Mohamed", NameClass::Person, Lexicon::builtin());
        let part = &query.parts[0];
        let group = *part
            .groups
            .first()
            .expect("the builtin lexicon groups Mohamed");
        let residual = index.group_probe(group, part);
        assert_eq!(residual, keys::residual_group_key(group));
        // Only Mehmet (skeleton mhmt) is in the residual: Mohammed and Muhammad share mhmd.
        let names: Vec<u32> = index
            .posting(residual)
            .iter()
            .map(|&e| entry_name(e))
            .collect();
        assert_eq!(names, vec![2]);
        assert_eq!(index.posting(keys::group_key(group)).len(), 3);
        let mehmet = prepare("Mehmet", NameClass::Person, Lexicon::builtin());
        assert_eq!(
            index.group_probe(group, &mehmet.parts[0]),
            keys::group_key(group)
        );
    }
}
