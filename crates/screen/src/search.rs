//! Screening one query entity against the index: candidate retrieval with score upper bounds, exact scoring of
//! the candidates that can still make the result list, evidence, explanations.

use crate::evidence::{self, BirthYears, DOCUMENT_MATCH_SCORE, Evidence, QueryBirthYears};
use crate::hints::{prefer_huge_pages, prefetch, prefetch_slice};
use crate::index::{
    GROUP_CHUNK, NameRest, NameSummary, PairRest, PartGroup, WatchlistIndex, entry_name,
    entry_part, entry_signature, group_end, name_class,
};
use crate::keys::{self, Check, PartSignature};
use interdict_model::{Entity, NameKind, Schema, normalize_document_number};
use interdict_names::{
    Alignment, NameClass, NameExplanation, PreparedName, ScoreParams, align, prepare,
};
use rustc_hash::FxHashSet;
use serde::Serialize;
use smallvec::SmallVec;
use std::cell::RefCell;

/// An entity whose name score may reach the cutoff, with the bound of that score; ordered by bound, then by
/// lower entity id (the order candidates are scored in).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    bound: f64,
    entity: u32,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bound
            .total_cmp(&other.bound)
            .then(other.entity.cmp(&self.entity))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Candidate {}

/// Candidates whose dates of birth certainly contradict the query's: with a name bound that cannot make up for
/// that, they are left out of the result list without reading the entity.
struct BirthCut<'q> {
    query: &'q QueryBirthYears,
    /// The most evidence can add with a date of birth contradicted (see
    /// `evidence::max_effect_with_contradicted_birth_date`).
    contradicted_effect: f64,
    cutoff: f64,
}

impl BirthCut<'_> {
    /// Whether a candidate with `name_bound` and dates of birth spanning `years` cannot reach `floor` (a
    /// candidate holding one of the query's documents is the caller's to keep).
    fn rules_out(&self, name_bound: f64, floor: f64, years: BirthYears) -> bool {
        (name_bound + self.contradicted_effect).max(0.0) < floor
            && years.contradicted_by(self.query)
    }
}

/// Result-list options, with the defaults of the `interdict screen` contract.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenOptions {
    /// At most this many results per query (default 5).
    pub limit: usize,
    /// Results scoring below this are dropped (default 0.5).
    pub cutoff: f64,
    /// Results scoring at or above this are matches (default 0.7).
    pub threshold: f64,
}

impl Default for ScreenOptions {
    fn default() -> Self {
        ScreenOptions {
            limit: 5,
            cutoff: 0.5,
            threshold: 0.7,
        }
    }
}

/// One result of screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenMatch {
    pub id: String,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub caption: String,
    pub schema: Schema,
    pub datasets: Vec<String>,
    pub explanation: Explanation,
}

/// The work one screening took: how selective retrieval and bounding were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SearchStats {
    /// Posting entries read (one per indexed name part under a probed key).
    pub entries_read: usize,
    /// Indexed names that shared a retrieval key with a query name.
    pub names_touched: usize,
    /// Candidate names: names whose score bound (plus the most evidence can add) reached the cutoff and whose
    /// entity's dates of birth do not rule them out, and entities holding a matching document number (an entity
    /// counts once per such name).
    pub candidates: usize,
    /// Entities whose names were aligned and scored exactly.
    pub entities_scored: usize,
}

/// Why a result scored what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The score of the best-matching name pair, after the weight of the list name's kind.
    pub name_score: f64,
    /// The kind of the list name that matched best (primary, alias, weak alias, original script).
    pub matched_name_kind: NameKind,
    /// Name-part alignment of the best pair.
    pub name: NameExplanation,
    /// Dates of birth, countries, gender and documents, with their effect.
    pub evidence: Vec<Evidence>,
    /// `name_score` plus the evidence, clamped to [0, 1] (a decisive document match raises it to 0.97).
    pub score: f64,
}

struct QueryName {
    prepared: PreparedName,
    weights: SmallVec<[f64; 8]>,
    total_weight: f64,
    /// Sum of the weights of parts that can conflict (words, `abd`, kunya, initials).
    conflicting_total: f64,
    /// Bits of parts that can match without a shared key (initials), assumed matched when bounding.
    free_bits: u64,
    /// Bits of the parts (below `MAX_PARTS`) that can conflict.
    conflicting_bits: u64,
    /// Per part, the highest similarity it can have with a candidate part it shares only keys of the typo
    /// families with (see [`typo_cap`]); it also bounds a hit through joined parts' skeletons when it is at
    /// least `MERGED_SKELETON_SIMILARITY` (see `Probing::merge_hits`).
    typo_caps: SmallVec<[f64; 8]>,
    /// Bits of each set of two or more equal weighted parts ("Marek Marek"), which share every key: see
    /// [`QueryName::matchable`].
    equal_parts: SmallVec<[u64; 2]>,
}

impl QueryName {
    /// A cheap first cut of [`Self::matchable`], from the candidate parts that hits of the equal parts reached
    /// (`reached_by_equal`, see `Scratch::equal_reached`): each matched equal part needs one of them (a part
    /// similar to it shares a key with it), unless a hit went through joined parts (`MERGED_BIT`) or
    /// `joined_equal` (adjacent equal parts joined reach this name).
    fn matchable_by_parts(&self, mask: u64, reached_by_equal: u64, joined_equal: bool) -> u64 {
        if joined_equal || mask & MERGED_BIT != 0 || reached_by_equal & OVERFLOW_BIT != 0 {
            return mask;
        }
        let cap = reached_by_equal.count_ones();
        self.equal_parts
            .iter()
            .fold(mask, |out, &group| keep_at_most(out, group, cap))
    }

    /// `mask` without the equal parts that cannot all be matched with `candidate`: the alignment matches each
    /// query part with its own candidate part (or two adjacent query parts with one, one query part with two
    /// adjacent candidate parts), so equal parts count at most once per candidate part similar to them, twice
    /// per candidate part their joined adjacent pairs match, once per two adjacent candidate parts they match
    /// joined. A "Marek Marek" query hits a name with one "Marek" with both parts; only one can match it.
    fn matchable(&self, mask: u64, candidate: &PreparedName) -> u64 {
        let mut out = mask;
        for &group in &self.equal_parts {
            let hit = mask & group;
            if hit.count_ones() < 2 {
                continue;
            }
            let part = &self.prepared.parts[group.trailing_zeros() as usize];
            let joined_pairs: SmallVec<[usize; 4]> =
                (0..self.prepared.parts.len().saturating_sub(1))
                    .filter(|&i| i + 1 < MAX_PARTS && group & (0b11 << i) != 0)
                    .collect();
            // Counting stops once every hit part can match (the mask is then kept whole): most names that
            // reach this far have a part equal to each of them.
            let needed = hit.count_ones();
            let mut cap = 0u32;
            for (j, c) in candidate.parts.iter().enumerate() {
                if cap >= needed {
                    break;
                }
                if interdict_names::part_similarity(part, c).is_some() {
                    cap += 1;
                }
                if joined_pairs
                    .iter()
                    .any(|&i| interdict_names::merged_similarity(c, &self.prepared, i).is_some())
                {
                    cap += 2;
                }
                if j + 1 < candidate.parts.len()
                    && interdict_names::merged_similarity(part, candidate, j).is_some()
                {
                    cap += 1;
                }
            }
            out = keep_at_most(out, group, cap);
        }
        out
    }
}

/// `mask` with at most `count` of its bits in `group` (the lowest are kept).
fn keep_at_most(mask: u64, group: u64, count: u32) -> u64 {
    let mut out = mask;
    let mut hit = mask & group;
    while hit.count_ones() > count {
        let top = 63 - hit.leading_zeros();
        hit &= !(1 << top);
        out &= !(1 << top);
    }
    out
}

/// The highest similarity `interdict_names::part_similarity` gives a word and a part it does not equal, share no
/// lexicon group with and whose skeleton differs from its own: a typo (one edit: `1 - 0.8 / longer length`,
/// and the typo families reach parts at most two bytes longer; two edits score less) or a vowel-less
/// transliteration (0.8). Parts that are not words have no typo keys.
fn typo_cap(part: &interdict_names::Part) -> f64 {
    if part.role != interdict_names::PartRole::Word {
        return 1.0;
    }
    (1.0 - 0.8 / (part.text.len() + 2) as f64).max(0.8)
}

/// Per name, side by side so that one cache line holds them: the query parts that share a key with it (and
/// `MERGED_BIT`); the name's parts that produced a probed key (see `Hits::candidate_parts`); the query parts
/// among the first that may match exactly (see `Hits::matched`); and those whose only hits so far are typo or
/// variant hits not yet compared ([`HitKind::Unverified`], [`HitKind::UnverifiedVariant`]).
type NameHits = [u64; 4];

/// In [`Scratch::touched_rests`]: the rest was not read when the name was touched. A name whose rest has this
/// value has it read again, which is only slower.
const REST_NOT_READ: NameRest = NameRest(u64::MAX);

/// What a hit says of the similarity of the query part and the name's part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HitKind {
    /// May be 1.0 (same text, joined parts, pair keys, or compared and above the typo cap).
    Exact,
    /// Compared: similar, at most the query part's typo cap.
    Capped,
    /// A typo-family hit admitted by signatures only: at most the typo cap if similar at all. Names whose
    /// bound reaches the cutoff are compared before they become candidates (see `collect_bounds`).
    Unverified,
    /// A variant hit (lexicon group, skeleton) not compared: may be exact until compared, like `Unverified`.
    UnverifiedVariant,
}

#[derive(Default)]
struct Scratch {
    /// The hits of the touched names, in the order they were touched (parallel to `touched`).
    hits: Vec<NameHits>,
    /// Per name: where its hits are in `hits` (meaningful only while it is touched).
    slot: Vec<u32>,
    /// One bit per name: whether it is in `touched`. Small (a million names: 240 KB), so the many entries of
    /// names not touched are passed over without a cache miss.
    touched_bits: Vec<u64>,
    touched: Vec<u32>,
    /// Per touched name (parallel to `touched`): its [`NameRest`] when touching it read it (admission by rest),
    /// else [`REST_NOT_READ`]; the first round reads this instead of the scattered `rests` array.
    touched_rests: Vec<NameRest>,
    /// Positions in `touched` of the names whose cheap bounds reach the cutoff (see `collect_bounds`).
    survivors: Vec<u32>,
    /// Positions of the survivors whose parts must be compared, with the bound the second round gave them.
    to_compare: Vec<(u32, f64)>,
    /// For queries with equal parts ("Mohammed Mohammed"), per touched name (parallel to `hits`): the candidate
    /// parts that the hits of equal parts reached, which bound how many of them can match (see
    /// [`QueryName::matchable_by_parts`]). Empty for other queries.
    equal_reached: Vec<u64>,
    /// See `Probing::pending`.
    pending: Vec<u64>,
}

/// What a query name's key hits say about one candidate name, for bounding its score.
#[derive(Clone, Copy)]
struct Hits {
    /// Query-side weight of the parts that share a key with the candidate (or are initials).
    hit: f64,
    /// The most those parts can contribute to the matched similarity mass: their weight, times the typo cap
    /// ([`QueryName::typo_caps`]) for parts whose only shared keys are of the typo families (a part that shares
    /// no key of exact kind with the candidate is at best a typo or a vowel-less spelling of one of its parts).
    matched: f64,
    /// The part of `hit` carried by parts that can conflict.
    conflicting_hit: f64,
    /// Number of query parts hit.
    parts_hit: usize,
    /// Whether a hit went through a candidate's joined adjacent parts (one query part, two candidate parts).
    merged: bool,
    /// Candidate parts that produced a key the query probed (bit 63: some part from index 63 on). Every other
    /// candidate part can only be matched by a query initial, which needs no key.
    candidate_parts: u64,
}

/// The most a name pair can score given its key hits (see `interdict_names::align` for the score): hit query parts
/// match perfectly; the others stay unmatched; on the candidate side at most the hit parts (and, for query
/// initials, as many of the heaviest other parts) are matched, and no more parts than the hits can consume; the
/// conflict penalty applies to what certainly stays unmatched on both sides; the substance factor to the hit
/// weight.
fn name_score_bound(
    h: &Hits,
    q: &QueryName,
    c: &NameSummary,
    (weights, descending): (&[f64], &[f64]),
    params: &ScoreParams,
) -> f64 {
    if h.hit <= 0.0 {
        return 0.0;
    }
    let top = |k: usize| -> f64 { descending.iter().take(k).sum() };
    let by_count = top(h.consumable());
    // Candidate weight that query initials may take from parts no key reached.
    let by_initials = top(q.free_bits.count_ones() as usize);
    let (matched_c, conflict_c) = if h.candidate_parts & OVERFLOW_BIT != 0 {
        (by_count, (c.conflicting - by_count).max(0.0))
    } else {
        let mut hit_c = 0.0;
        let mut unhit_conflicting = 0.0;
        for (j, w) in weights.iter().enumerate() {
            if h.candidate_parts & (1 << j) != 0 {
                hit_c += w;
            } else if c.conflicting_parts & (1 << j) != 0 {
                unhit_conflicting += w;
            }
        }
        (
            by_count.min(hit_c + by_initials),
            (unhit_conflicting - by_initials).max(0.0),
        )
    };
    h.query_terms(q)
        .against(
            (c.total - matched_c).max(0.0),
            conflict_c,
            c.total,
            c.person,
            params,
        )
        .bound(params)
}

/// An upper bound of the score like [`name_score_bound`], from the name's [`NameRest`] instead of its summary and
/// part weights, which is read from a small array: most touched names are ruled out without reading their
/// summaries. At most as many candidate parts are matched as query parts hit (twice that through joined parts),
/// so the weight beyond that many heaviest parts stays unmatched, and so does the conflicting weight beyond that
/// many heaviest conflicting parts. Which parts the keys reached is not known here, so it is looser than
/// `name_score_bound` on the weight and may be tighter on conflicts; a name must pass both.
/// `query`: the hits' [`Hits::query_terms`]; `consumable`: their [`Hits::consumable`]. Searching decides
/// `rest_bound(..) >= min` with [`rest_reaches`]; this is the definition it is tested against.
#[cfg(test)]
fn rest_bound(query: &ScoreTerms, consumable: usize, rest: NameRest, params: &ScoreParams) -> f64 {
    let (missed_c, conflict_c) = rest.beyond(consumable);
    query
        .against(missed_c, conflict_c, rest.total(), rest.person(), params)
        .bound(params)
        * rest.kind_weight()
}

/// Whether the rest bound (`rest_bound`) reaches `min`, decided without its division and square root, since it
/// runs for most entries a query reads and most names it touches. The bound is
/// `min(matched / denominator * conflict factor * substance, 1) * kind weight`; `substance` is
/// `substance_factor(query.hit)`, the same for every name one probe admits.
#[inline]
fn rest_reaches(
    query: &ScoreTerms,
    substance: f64,
    consumable: usize,
    rest: NameRest,
    params: &ScoreParams,
    min: f64,
) -> bool {
    let kind = rest.kind_weight();
    if query.hit <= 0.0 {
        return min <= 0.0;
    }
    if kind < min {
        return false;
    }
    let (missed_c, conflict_c) = rest.beyond(consumable);
    let t = query.against(missed_c, conflict_c, rest.total(), rest.person(), params);
    let denominator = t.hit + t.lambda * (t.missed_q + t.missed_c);
    let mut reached = t.matched * substance * kind;
    if t.conflict_q > 0.0 && t.conflict_c > 0.0 {
        let cut = params.conflict_strength * t.conflict_q.min(t.conflict_c) / t.larger_total;
        reached *= (1.0 - cut).max(0.5);
    }
    reached >= min * denominator
}

/// The query side of a name's cheap bounds (see `collect_bounds`): its score terms, substance factor and the
/// number of parts it can consume; `None` when the query side alone cannot reach the bound.
type QuerySide = Option<(ScoreTerms, f64, usize)>;

/// Slots of the table of query sides by hit mask (see `collect_bounds`).
const QUERY_SIDES: usize = 16;

/// The slot of a hit mask and its possibly exact hits in the table of query sides.
fn query_side_slot(mask: u64, exact: u64) -> usize {
    let mixed = (mask ^ exact.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> 60) as usize % QUERY_SIDES
}

/// The terms of `interdict_names::align`'s score for one name pair, each bounded the way that raises the score;
/// [`ScoreTerms::bound`] is the score they allow. Every bound here is made of them.
#[derive(Clone, Copy)]
struct ScoreTerms {
    /// Query weight that may be matched, and the similarity mass it may carry.
    hit: f64,
    matched: f64,
    /// Weight certainly left unmatched, on the query side and on the candidate side.
    missed_q: f64,
    missed_c: f64,
    /// Weight of parts that can conflict certainly left unmatched, on each side.
    conflict_q: f64,
    conflict_c: f64,
    /// The larger of the two names' total weights.
    larger_total: f64,
    lambda: f64,
}

impl ScoreTerms {
    #[inline]
    fn bound(&self, params: &ScoreParams) -> f64 {
        if self.hit <= 0.0 {
            return 0.0;
        }
        let mut bound = self.matched / (self.hit + self.lambda * (self.missed_q + self.missed_c));
        if self.conflict_q > 0.0 && self.conflict_c > 0.0 {
            let factor = 1.0
                - params.conflict_strength * self.conflict_q.min(self.conflict_c)
                    / self.larger_total;
            bound *= factor.max(0.5);
        }
        (bound * substance_factor(self.hit)).min(1.0)
    }

    /// These query-side terms against a candidate with these candidate-side terms.
    #[inline]
    fn against(
        self,
        missed_c: f64,
        conflict_c: f64,
        candidate_total: f64,
        person: bool,
        params: &ScoreParams,
    ) -> ScoreTerms {
        ScoreTerms {
            missed_c,
            conflict_c,
            larger_total: self.larger_total.max(candidate_total),
            lambda: if person {
                params.lambda(NameClass::Person)
            } else {
                params.lambda(NameClass::Organization)
            },
            ..self
        }
    }
}

impl Hits {
    /// At most how many candidate parts these hits can match (twice the query parts through joined parts).
    #[inline]
    fn consumable(&self) -> usize {
        if self.merged {
            2 * self.parts_hit
        } else {
            self.parts_hit
        }
    }

    /// The query side of these hits' score terms (the candidate side empty, to be set with
    /// [`ScoreTerms::against`]).
    #[inline]
    fn query_terms(&self, q: &QueryName) -> ScoreTerms {
        ScoreTerms {
            hit: self.hit,
            matched: self.matched,
            missed_q: (q.total_weight - self.hit).max(0.0),
            missed_c: 0.0,
            conflict_q: (q.conflicting_total - self.conflicting_hit).max(0.0),
            conflict_c: 0.0,
            larger_total: q.total_weight,
            lambda: 0.0,
        }
    }
}

/// The hit weights of the query parts in `bits` (free initials included by the caller), of which those in
/// `capped` shared only keys of the typo families.
fn hits_of(q: &QueryName, bits: u64, capped: u64) -> Hits {
    let mut h = Hits {
        hit: 0.0,
        matched: 0.0,
        conflicting_hit: 0.0,
        parts_hit: bits.count_ones() as usize,
        merged: false,
        candidate_parts: 0,
    };
    let mut rest = bits;
    while rest != 0 {
        let i = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        h.hit += q.weights[i];
        h.matched += if capped & (1 << i) != 0 {
            q.weights[i] * q.typo_caps[i]
        } else {
            q.weights[i]
        };
        if q.conflicting_bits & (1 << i) != 0 {
            h.conflicting_hit += q.weights[i];
        }
    }
    h
}

/// [`name_score_bound`] for a candidate with no parts beyond those the hits consume (the most any candidate with
/// these hits can score), from the query side alone.
fn query_side_bound(h: &Hits, q: &QueryName, params: &ScoreParams) -> f64 {
    query_side_bound_of(h.hit, h.matched, q, params)
}

/// [`query_side_bound`] from the hit weight and the matched mass alone.
fn query_side_bound_of(hit: f64, matched: f64, q: &QueryName, params: &ScoreParams) -> f64 {
    ScoreTerms {
        hit,
        matched,
        missed_q: (q.total_weight - hit).max(0.0),
        missed_c: 0.0,
        conflict_q: 0.0,
        conflict_c: 0.0,
        larger_total: q.total_weight,
        lambda: params.lambda_person.min(params.lambda_other),
    }
    .bound(params)
}

/// Matched weight from which a name match counts in full; below it the name score shrinks with the square root of
/// the shortfall, so a lone common name ("Mohamed", weight about 0.5) cannot make a strong match while a lone
/// rare name (weight 1.0) still can.
const FULL_SUBSTANCE: f64 = 1.2;

fn substance_factor(matched_weight: f64) -> f64 {
    (matched_weight / FULL_SUBSTANCE).sqrt().min(1.0)
}

/// The query parts whose keys may add candidates: all but the lightest parts that, even matched perfectly with
/// nothing else, keep a name under `min_bound` (free initials count as matched).
fn essential_parts(qn: &QueryName, min_bound: f64) -> u64 {
    let params = ScoreParams::default();
    let lambda = params.lambda_person.min(params.lambda_other);
    let mut order: SmallVec<[usize; 8]> = (0..qn.weights.len().min(MAX_PARTS))
        .filter(|&i| qn.weights[i] > 0.0)
        .collect();
    order.sort_by(|&a, &b| qn.weights[a].total_cmp(&qn.weights[b]));
    let free: f64 = (0..qn.weights.len().min(MAX_PARTS))
        .filter(|i| qn.free_bits & (1 << i) != 0)
        .map(|i| qn.weights[i])
        .sum();
    let mut light = 0.0;
    let mut essential: u64 = order.iter().fold(0, |m, &i| m | 1 << i);
    for &i in &order {
        let h = light + qn.weights[i] + free;
        let only = h / (h + lambda * (qn.total_weight - h).max(0.0)) * substance_factor(h);
        if only >= min_bound {
            break;
        }
        light += qn.weights[i];
        essential &= !(1 << i);
    }
    essential
}

/// Keys to probe, each with the check its hits must pass.
type Probes = Vec<(keys::Key, Check)>;

/// The pair keys of two query parts' large keys, each once: parts with keys in common ("Mohammed Mohammed")
/// make the same pair key twice.
fn pair_probes(a: &Probes, b: &Probes) -> Probes {
    let mut pairs: Probes = a
        .iter()
        .flat_map(|&(ka, _)| {
            b.iter()
                .map(move |&(kb, _)| (keys::pair_key(ka, kb), Check::None))
        })
        .collect();
    pairs.sort_unstable_by_key(|&(k, _)| k);
    pairs.dedup();
    pairs
}

/// Makes the joined-skeleton probes ([`Check::Capped`]) exact ones when the query parts' typo cap (`typo_cap`, the
/// least of them) is below the similarity such a hit has: bounding caps a capped hit at the typo cap.
fn capped_if_bounded(probes: &mut Probes, typo_cap: f64) {
    if typo_cap < interdict_names::MERGED_SKELETON_SIMILARITY {
        for (_, check) in probes.iter_mut().filter(|(_, c)| *c == Check::Capped) {
            *check = Check::None;
        }
    }
}

/// Posting entries that reading costs as much as comparing a query part with one candidate name's parts (reading
/// an entry of a name not touched is a bit test in a small bitmap; a comparison runs `part_similarity` on every
/// part: measured at a million names, 40 left 37% of query time in direct comparisons, 200 and 500 cost the same).
const DIRECT_CHECK_COST: usize = 200;

/// Whether reading a posting with `check` for a query part with `signature` (see [`for_each_admitted_run`])
/// passes an entry with signature `entry` to the similarity test: it is in an admitted prefix slice and its
/// signature admits it. (An entry in a same-key block may pass this while the reading skips it.)
fn check_admits(signature: PartSignature, entry: PartSignature, check: Check) -> bool {
    signature
        .admitted_prefixes(check)
        .iter()
        .any(|&(from, to)| (from..=to).contains(&entry.prefix()))
        && signature.admits(entry, check)
}

/// The entries of a posting whose signature prefix is in `from..=to` (entries are sorted by signature).
fn admitted_slice(posting: &[u64], (from, to): (u32, u32)) -> &[u64] {
    let start = posting.partition_point(|&e| entry_signature(e).prefix() < from);
    let end = posting.partition_point(|&e| entry_signature(e).prefix() <= to);
    &posting[start..end.max(start)]
}

/// Calls `run` with each run of a posting that `check` can admit against a query part with `signature`: the
/// admitted prefix slices without the check's same-key blocks (see [`Check::same_key_block`]).
fn for_each_admitted_run<'p>(
    posting: &'p [u64],
    signature: PartSignature,
    check: Check,
    mut run: impl FnMut(&'p [u64]),
) {
    if posting.is_empty() {
        return;
    }
    let block = check.same_key_block();
    for range in signature.admitted_prefixes(check) {
        let mut rest = admitted_slice(posting, range);
        let Some((lo, hi)) = block else {
            if !rest.is_empty() {
                run(rest);
            }
            continue;
        };
        const LOW: u32 = (1 << 26) - 1;
        while let Some(&first) = rest.first() {
            let high = entry_signature(first).0 & !LOW;
            let sig = |e: &u64| entry_signature(*e).0;
            let block_start = rest.partition_point(|e| sig(e) < high | lo);
            let block_end = rest.partition_point(|e| sig(e) <= high | hi);
            let prefix_end = rest.partition_point(|e| sig(e) <= high | LOW);
            if block_start > 0 {
                run(&rest[..block_start]);
            }
            if prefix_end > block_end {
                run(&rest[block_end..prefix_end]);
            }
            rest = &rest[prefix_end..];
        }
    }
}

/// The per-name hit masks of one query name while its probes are read.
struct Probing<'a> {
    index: &'a WatchlistIndex,
    hits: &'a mut Vec<NameHits>,
    /// See `Scratch::equal_reached`; kept only when `equal_bits` is not empty.
    equal_reached: &'a mut Vec<u64>,
    /// The query's equal parts (all groups).
    equal_bits: u64,
    slot: &'a mut [u32],
    touched_bits: &'a mut [u64],
    touched: &'a mut Vec<u32>,
    touched_rests: &'a mut Vec<NameRest>,
    /// See [`Self::hit_bounded`].
    pending: &'a mut Vec<u64>,
    /// The query parts whose typo probes pass over their large part groups, which they read through the
    /// groups' text keys (see `collect_bounds`).
    deferring: u64,
    entries_read: usize,
}

impl Probing<'_> {
    /// Hits of a query part written as one word on candidates' two adjacent parts joined.
    /// A joined-skeleton hit counts as capped ([`HitKind::Capped`]) when the part's typo cap bounds its
    /// similarity, else as exact (see [`capped_if_bounded`]).
    fn merge_hits(&mut self, i: usize, part: &interdict_names::Part, typo_cap: f64, adds: bool) {
        let mut probes: Probes = Vec::with_capacity(2);
        keys::merge_probe_keys(part, &mut probes);
        capped_if_bounded(&mut probes, typo_cap);
        self.hit(&probes, None, (1 << i) | MERGED_BIT, adds, Reach::Joined);
    }

    /// Hits of the query's adjacent parts `i, i + 1` joined on candidates' single parts; a joined-skeleton hit
    /// counts as capped when both parts' typo caps bound its similarity.
    fn adjacent_hits(&mut self, qn: &QueryName, i: usize, adds: bool) {
        let mut probes: Probes = Vec::with_capacity(2);
        keys::adjacent_keys(&qn.prepared, i, &mut probes);
        capped_if_bounded(&mut probes, qn.typo_caps[i].min(qn.typo_caps[i + 1]));
        let pair = (1u64 << i) | (1 << (i + 1));
        self.hit(&probes, None, pair, adds, Reach::Part);
    }

    /// Number of entries the probes' admitted slices hold.
    fn admitted_len(&self, probes: &[(keys::Key, Check)], signature: PartSignature) -> usize {
        let mut entries = 0;
        for &(k, check) in probes {
            for_each_admitted_run(self.index.posting(k), signature, check, |run| {
                entries += run.len()
            });
        }
        entries
    }

    /// Sets `bits` on every name posted under the probes whose entry passes the probe's check. Only names
    /// already touched get bits unless `adds`. `typo`: the query part the probes were made of and its typo cap,
    /// for probes of one part (checks, part groups and comparisons need them).
    fn hit(
        &mut self,
        probes: &[(keys::Key, Check)],
        typo: Option<(&interdict_names::Part, f64)>,
        bits: u64,
        adds: bool,
        reach: Reach,
    ) {
        self.hit_bounded(probes, typo, bits, adds, reach, Admission::default());
    }

    /// [`Self::hit`] for probes that add names under conditions (`admission`): a name not yet touched is touched
    /// only if its entry's [`PairRest`] can still reach the pair bound (pair probes), and only from part groups
    /// whose similarity with the query part the similarity test accepts (probes without a check are then read
    /// by part group too).
    ///
    /// Entries are read a run of equal signatures at a time (the check depends on the signatures only). In long
    /// runs of typo and variant probes (the index orders them by part, see
    /// `WatchlistIndexBuilder::part_group_run`), each distinct part is compared with the query part once, exactly (`part_similarity`), and skipped when not
    /// similar: the common names a typo key also reaches ("Mohamed" for "Ahmed") are passed over without being
    /// touched, and a variant's similarity (below 1.0) bounds the score. Hits in short runs are
    /// [`HitKind::Unverified`] or [`HitKind::UnverifiedVariant`]: compared only for names whose bound reaches
    /// the cutoff, since most such names never get near it.
    fn hit_bounded(
        &mut self,
        probes: &[(keys::Key, Check)],
        typo: Option<(&interdict_names::Part, f64)>,
        bits: u64,
        adds: bool,
        reach: Reach,
        admission: Admission,
    ) {
        let admit = admission.similarity;
        let signature = typo.map_or(PartSignature(0), |(p, _)| PartSignature::of(p));
        let index = self.index;
        for &(k, check) in probes {
            // Entries of short runs wait in `pending` until a part group or the end of the admitted run, so that
            // they are touched in one stream, each loading its name's state a few entries ahead
            // ([`Self::touch_all`]): most short runs hold a few entries, too few to overlap their loads. They
            // are touched before the group, in posting order: a name with a part in each must be touched by the
            // entry that may add it before the group, which may only set bits, sets them.
            let kind = match check {
                Check::None => HitKind::Exact,
                Check::Variant => HitKind::UnverifiedVariant,
                Check::Capped => HitKind::Capped,
                _ => HitKind::Unverified,
            };
            for_each_admitted_run(index.posting(k), signature, check, |run| {
                let mut at = 0;
                while at < run.len() {
                    let sig = entry_signature(run[at]);
                    let end = group_end(run, at, true, |e| entry_signature(e) == sig);
                    let same = &run[at..end];
                    at = end;
                    if !signature.admits(sig, check) {
                        self.entries_read += 1;
                        continue;
                    }
                    let group_by_part = match typo {
                        Some(t)
                            if (check != Check::None || admit.is_some())
                                && same.len() >= self.index.part_group_run =>
                        {
                            Some(t)
                        }
                        _ => None,
                    };
                    let Some((part, cap)) = group_by_part else {
                        self.entries_read += same.len();
                        self.pending.extend_from_slice(same);
                        continue;
                    };
                    self.touch_pending(bits, kind, adds, reach, admission);
                    let mut g = 0;
                    while g < same.len() {
                        let first = self.index.entry_part_of(same[g]);
                        let ordered = same.len() >= self.index.part_group_run;
                        let g_end =
                            group_end(same, g, ordered, |e| self.index.entry_part_of(e) == first);
                        let group_start = g;
                        let group = &same[g..g_end];
                        g = g_end;
                        // Entries of parts past the 63rd do not say which part they are: read them one by one.
                        let (kind, group_adds) = match first {
                            None if check.admits_all() => (HitKind::Exact, adds),
                            None => (HitKind::Unverified, adds),
                            // A large group of a typo probe is read through its text key, one of the
                            // query part's large keys (see `WatchlistIndex::part_groups`).
                            Some(_)
                                if !check.admits_all()
                                    && self.deferring & bits != 0
                                    && self.index.is_large_group(g_end - group_start) =>
                            {
                                self.entries_read += 1;
                                continue;
                            }
                            Some(c) => match interdict_names::part_similarity(part, c) {
                                Some((s, _)) => (
                                    if s > cap {
                                        HitKind::Exact
                                    } else {
                                        HitKind::Capped
                                    },
                                    adds && admit.is_none_or(|f| f(s)),
                                ),
                                None => {
                                    self.entries_read += 1;
                                    continue;
                                }
                            },
                        };
                        self.entries_read += group.len();
                        // A long group's chunks whose most favourable rest cannot reach the bound only set
                        // bits on names already touched, without reading the names' rests.
                        let listed = match admission.rest {
                            Some(rest) if group_adds && self.index.may_be_listed(group.len()) => {
                                self.index
                                    .part_group(k, group[0])
                                    .filter(|g| g.len as usize == group.len())
                                    .map(|g| (rest, self.index.chunk_rests(g)))
                            }
                            _ => None,
                        };
                        let Some((rest, chunk_rests)) = listed else {
                            self.touch_all(group, bits, kind, group_adds, reach, admission);
                            continue;
                        };
                        for (chunk, best) in group.chunks(GROUP_CHUNK).zip(chunk_rests) {
                            let adds = best.iter().flatten().any(|&b| rest.admits(b));
                            self.touch_all(chunk, bits, kind, adds, reach, admission);
                        }
                    }
                }
                self.touch_pending(bits, kind, adds, reach, admission);
            });
        }
    }

    /// Touches the entries waiting in `pending` (see [`Self::hit_bounded`]).
    fn touch_pending(
        &mut self,
        bits: u64,
        kind: HitKind,
        adds: bool,
        reach: Reach,
        admission: Admission,
    ) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(self.pending);
        self.touch_all(&pending, bits, kind, adds, reach, admission);
        *self.pending = pending;
        self.pending.clear();
    }

    /// [`Self::touch`] for each of `entries`, loading the per-name state of an entry a few entries ahead: the
    /// names are scattered, and a load issued early overlaps with the work on the entries before it instead of
    /// stalling the touch that needs it.
    fn touch_all(
        &mut self,
        entries: &[u64],
        bits: u64,
        kind: HitKind,
        adds: bool,
        reach: Reach,
        admission: Admission,
    ) {
        if !adds {
            self.touch_touched(entries, bits, kind, reach);
            return;
        }
        const AHEAD: usize = 8;
        let rest = admission.rest.is_some();
        for (at, &entry) in entries.iter().enumerate() {
            if let Some(&ahead) = entries.get(at + AHEAD) {
                self.load_early(ahead, rest);
            }
            self.touch(entry, bits, kind, adds, reach, admission);
        }
    }

    /// [`Self::touch_all`] for entries that add no names (most of the entries read: the common words' postings
    /// that only set bits on names already touched). The entries are filtered a batch at a time without branches
    /// (a bit test in the small touched bitmap each), the slots of the touched ones are prefetched, and only
    /// then are those touched.
    fn touch_touched(&mut self, entries: &[u64], bits: u64, kind: HitKind, reach: Reach) {
        // The size of a long part group's chunk (`GROUP_CHUNK`), which most calls get: the batch is zeroed on
        // every call, and a larger one cost more zeroing than it saved.
        const BATCH: usize = 64;
        let mut found = [0u64; BATCH];
        for chunk in entries.chunks(BATCH) {
            let mut n = 0;
            for &entry in chunk {
                let name = entry_name(entry) as usize;
                found[n] = entry;
                n += (self.touched_bits[name >> 6] >> (name & 63)) as usize & 1;
            }
            for &entry in &found[..n] {
                prefetch(&self.slot[entry_name(entry) as usize]);
            }
            for &entry in &found[..n] {
                self.touch(entry, bits, kind, false, reach, Admission::default());
            }
        }
    }

    /// Starts loading what [`Self::touch`] will read of the name of `entry` (see [`Self::touch_all`]).
    #[inline]
    fn load_early(&self, entry: u64, rest: bool) {
        let name = entry_name(entry) as usize;
        prefetch(&self.slot[name]);
        if rest {
            prefetch(&self.index.rests[name]);
        }
    }

    /// Sets `bits` with what `kind` says on the name of `entry`, touching it first if `adds` and `admission`
    /// allow.
    #[inline(always)]
    fn touch(
        &mut self,
        entry: u64,
        bits: u64,
        kind: HitKind,
        adds: bool,
        reach: Reach,
        admission: Admission,
    ) {
        let name = entry_name(entry) as usize;
        let (word, bit) = (name >> 6, 1u64 << (name & 63));
        if self.touched_bits[word] & bit == 0 {
            if !adds
                || admission
                    .pair
                    .is_some_and(|b| !b.admits(&PairRest::read(entry_signature(entry)).1))
            {
                return;
            }
            let mut rest = REST_NOT_READ;
            if let Some(r) = admission.rest {
                rest = self.index.rests[name];
                if !r.admits(rest) {
                    return;
                }
            }
            self.touched_bits[word] |= bit;
            self.slot[name] = self.touched.len() as u32;
            self.touched.push(name as u32);
            self.touched_rests.push(rest);
            self.hits.push([0; 4]);
            if self.equal_bits != 0 {
                self.equal_reached.push(0);
            }
        }
        let at = self.slot[name] as usize;
        let h = &mut self.hits[at];
        match kind {
            HitKind::Exact => {
                h[2] |= bits;
                h[3] &= !bits;
            }
            HitKind::Capped => h[3] &= !bits,
            HitKind::Unverified => h[3] |= bits & !h[0],
            HitKind::UnverifiedVariant => {
                h[2] |= bits;
                h[3] |= bits & !h[0];
            }
        }
        h[0] |= bits;
        let reached = candidate_bits(entry, reach);
        h[1] |= reached;
        if bits & self.equal_bits != 0 {
            self.equal_reached[at] |= reached;
        }
    }

    /// Sets the query `bits` on the touched names that `part` reaches through `probes`: by comparing the part
    /// with each touched name's parts when that is cheaper than reading the postings.
    fn add_bits(
        &mut self,
        bits: u64,
        part: &interdict_names::Part,
        typo_cap: f64,
        probes: &[(keys::Key, Check)],
    ) {
        let signature = PartSignature::of(part);
        if self.touched.len() * DIRECT_CHECK_COST < self.admitted_len(probes, signature) {
            self.compare_directly(bits, part, typo_cap);
        } else {
            self.hit(probes, Some((part, typo_cap)), bits, false, Reach::Part);
        }
    }

    /// For every touched name, sets the query `bits` and the candidate bits of the parts that `part` is similar
    /// to: the same bits its single-part probes would set, or fewer (a shared key does not make parts similar).
    /// The part counts as matched exactly unless its best similarity is within `typo_cap`.
    fn compare_directly(&mut self, bits: u64, part: &interdict_names::Part, typo_cap: f64) {
        let names = &self.index.names;
        let name_at = |at: usize| self.touched.get(at).map(|&n| &names[n as usize].prepared);
        for (at, &name) in self.touched.iter().enumerate() {
            prefetch_names_ahead(at, 4, name_at);
            let (found, best) = similar_parts(part, &names[name as usize].prepared);
            if found != 0 {
                let h = &mut self.hits[at];
                h[0] |= bits;
                h[1] |= found;
                h[3] &= !bits;
                if best > typo_cap {
                    h[2] |= bits;
                }
                if bits & self.equal_bits != 0 {
                    self.equal_reached[at] |= found;
                }
            }
        }
    }
}

/// Starts loading the parts of the names a few places after `at` in a sequence of names (`name_at`), which is
/// about to compare parts with each: a name's parts are three dependent loads away (the name, its parts, their
/// text); each is started `step` names after the load before it, once that has had time to arrive (the less
/// work per name, the larger `step` must be).
#[inline(always)]
fn prefetch_names_ahead<'n>(
    at: usize,
    step: usize,
    name_at: impl Fn(usize) -> Option<&'n PreparedName>,
) {
    if let Some(ahead) = name_at(at + 3 * step) {
        prefetch(ahead);
    }
    if let Some(ahead) = name_at(at + 2 * step) {
        prefetch_slice(&ahead.parts);
    }
    if let Some(ahead) = name_at(at + step) {
        for p in ahead.parts.iter().take(4) {
            prefetch_slice(p.text.as_bytes());
        }
    }
}

/// The parts of `candidate` that `part` is similar to (bit 63: some part from index 63 on), and the best
/// similarity (0 when none is).
fn similar_parts(part: &interdict_names::Part, candidate: &PreparedName) -> (u64, f64) {
    let mut found = 0u64;
    let mut best = 0.0f64;
    for (j, c) in candidate.parts.iter().enumerate() {
        if let Some((s, _)) = interdict_names::part_similarity(part, c) {
            found |= if j >= 63 { OVERFLOW_BIT } else { 1 << j };
            best = best.max(s);
        }
    }
    (found, best)
}

/// When a probe may add a name not yet touched (see [`Probing::hit_bounded`]); by default whenever it adds.
#[derive(Default, Clone, Copy)]
struct Admission<'a> {
    /// For pair probes: the bound the entry's [`PairRest`] must reach.
    pair: Option<&'a PairBound>,
    /// For probes read by part group: whether a group with this similarity to the query part may add.
    similarity: Option<&'a dyn Fn(f64) -> bool>,
    /// The bound a name's [`NameRest`] must reach with the query parts that can still hit it.
    rest: Option<&'a RestAdmission>,
}

/// Which names a probe may add, from the query parts that can still hit a name it reaches first (`hits`: each
/// assumed to match exactly) and the name's [`NameRest`]. Only names whose [`rest_bound`] reaches `min_bound`
/// are added; any other is ruled out whatever else it matches, so leaving it untouched loses nothing.
struct RestAdmission {
    terms: ScoreTerms,
    /// `substance_factor(terms.hit)`, the same for every name.
    substance: f64,
    consumable: usize,
    params: ScoreParams,
    min_bound: f64,
}

impl RestAdmission {
    fn new(q: &QueryName, hits: Hits, params: ScoreParams, min_bound: f64) -> Self {
        RestAdmission {
            terms: hits.query_terms(q),
            substance: substance_factor(hits.hit),
            consumable: hits.consumable(),
            params,
            min_bound,
        }
    }

    #[inline]
    fn admits(&self, rest: NameRest) -> bool {
        rest_reaches(
            &self.terms,
            self.substance,
            self.consumable,
            rest,
            &self.params,
            self.min_bound - 1e-9,
        )
    }
}

/// The most a name can score that a pair probe reaches before any other probe, when the query parts that can
/// still match it are just the pair's two (see `collect_bounds`): the name matches at most two of its parts, so
/// the weight of its other parts stays unmatched and its conflicting parts beyond two conflict with the query's
/// unreachable ones ([`interdict_names::align`]'s score, each term bounded the way that raises it).
struct PairBound {
    reachable: f64,
    unreachable: f64,
    unreachable_conflicting: f64,
    query_total: f64,
    params: ScoreParams,
    min_bound: f64,
}

impl PairBound {
    fn new(q: &QueryName, reachable: u64, min_bound: f64, params: &ScoreParams) -> Self {
        let weight_of = |bits: u64| {
            q.weights
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < MAX_PARTS && bits & (1 << i) != 0)
                .map(|(_, w)| *w)
                .sum::<f64>()
        };
        let reached = weight_of(reachable);
        PairBound {
            reachable: reached,
            unreachable: (q.total_weight - reached).max(0.0),
            unreachable_conflicting: weight_of(q.conflicting_bits & !reachable),
            query_total: q.total_weight,
            params: *params,
            min_bound,
        }
    }

    fn admits(&self, rest: &PairRest) -> bool {
        let terms = ScoreTerms {
            hit: self.reachable,
            matched: self.reachable,
            missed_q: self.unreachable,
            missed_c: rest.unmatched_beyond_two,
            conflict_q: self.unreachable_conflicting,
            conflict_c: rest.conflicting_beyond_two,
            larger_total: self.query_total.max(rest.total),
            lambda: self.params.lambda_person.min(self.params.lambda_other),
        };
        self.reachable > 0.0 && terms.bound(&self.params) >= self.min_bound - 1e-9
    }
}

/// At most this many names reached by a query's adjacent equal parts joined are listed (see `collect_bounds`);
/// beyond it, every name is treated as reached, which is slower, never wrong.
const JOINED_EQUAL_LISTED: usize = 4096;

/// Query parts that take part in retrieval (the rest of a very long name only counts when scoring).
const MAX_PARTS: usize = 63;
/// Mask bit recording a hit through a candidate's joined adjacent parts.
const MERGED_BIT: u64 = 1 << 63;
/// Candidate-part mask bit standing for every part from index 63 on.
const OVERFLOW_BIT: u64 = 1 << 63;

/// What kind of key a posting entry was found under, which says which candidate parts it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// One part (the entry's).
    Part,
    /// Two adjacent parts joined (the entry's and the next).
    Joined,
    /// Two parts of a pair key (the entry's and the one in its signature bits).
    Pair,
}

/// The candidate-part bits a posting entry covers.
fn candidate_bits(entry: u64, reach: Reach) -> u64 {
    let bit = |j: usize| {
        if j >= 63 { OVERFLOW_BIT } else { 1u64 << j }
    };
    let j = entry_part(entry);
    match reach {
        Reach::Part => bit(j),
        Reach::Joined => bit(j) | bit(j + 1),
        Reach::Pair => bit(j) | bit(PairRest::read(entry_signature(entry)).0),
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl WatchlistIndex {
    /// Screens `query` and returns at most `options.limit` results scoring at least `options.cutoff`, best first.
    ///
    /// The result is exact: every entity that a full scan would score at or above the cutoff competes for the
    /// list. Candidates are retrieved by key and bounded from above; scoring stops once no remaining candidate
    /// can beat the current results.
    pub fn screen(&self, query: &Entity, options: &ScreenOptions) -> Vec<ScreenMatch> {
        self.screen_with_stats(query, options).0
    }

    /// [`Self::screen`], with counts of the work it took (for benchmarks and capacity planning).
    pub fn screen_with_stats(
        &self,
        query: &Entity,
        options: &ScreenOptions,
    ) -> (Vec<ScreenMatch>, SearchStats) {
        let params = ScoreParams::default();
        let query_names = self.prepare_query(query);
        let bonus = evidence::max_bonus(query);
        let mut stats = SearchStats::default();
        let query_years = QueryBirthYears::of(query);
        let birth = BirthCut {
            query: &query_years,
            contradicted_effect: evidence::max_effect_with_contradicted_birth_date(query),
            cutoff: options.cutoff,
        };
        // Upper bounds of the name score of candidate entities, one per name that reaches the cutoff (an entity
        // may appear more than once; its best bound comes out of the heap first).
        let mut bounds: Vec<Candidate> = Vec::new();
        for qn in &query_names {
            self.collect_bounds(qn, options.cutoff - bonus, &birth, &mut bounds, &mut stats);
        }
        // Document numbers: a matching number makes a candidate regardless of its name.
        let mut documented: SmallVec<[u32; 2]> = SmallVec::new();
        for d in &query.documents {
            let n = normalize_document_number(&d.number);
            if n.len() >= 5 {
                for e in self.entities_with_document(keys::document_key(&n)) {
                    documented.push(e);
                    bounds.push(Candidate {
                        bound: 1.0,
                        entity: e,
                    });
                }
            }
        }
        stats.candidates = bounds.len();
        // Best bound first (at equal bound, the lower entity id). A heap, not a sort: scoring usually stops after
        // a few of them, and common names make thousands.
        let mut candidates = std::collections::BinaryHeap::from(bounds);
        let mut seen: FxHashSet<u32> = FxHashSet::default();
        let mut results: Vec<(f64, u32, Scored)> = Vec::new();
        while let Some(Candidate {
            bound: name_bound,
            entity: e,
        }) = candidates.pop()
        {
            // The score a candidate must reach to enter the list (at equal score, the lower entity id wins).
            let floor = match results.last() {
                Some(worst) if results.len() >= options.limit => worst.0,
                _ => options.cutoff,
            };
            if name_bound + bonus < floor {
                break;
            }
            if !seen.insert(e) {
                continue;
            }
            // A candidate whose dates of birth certainly contradict the query's, and whose name cannot make up
            // for that, is passed over without reading the entity (a cache miss in a large list). (Bounding
            // left out those that cannot reach the cutoff; the floor may have risen since.)
            if birth.rules_out(name_bound, floor, self.birth_years[e as usize])
                && !documented.contains(&e)
            {
                continue;
            }
            if !query.schema.can_match(self.entities[e as usize].schema) {
                continue;
            }
            // Evidence is cheap next to aligning names: a candidate it rules out is not aligned.
            let findings = evidence::compare_evidence(query, &self.entities[e as usize]);
            let decisive = findings.iter().any(|f| f.is_decisive());
            let effect: f64 = findings.iter().map(|f| f.effect()).sum();
            if !decisive && (name_bound + effect).max(0.0) < floor {
                continue;
            }
            stats.entities_scored += 1;
            let Some(scored) = self.score_entity(&query_names, e, &params, findings) else {
                continue;
            };
            let score = scored.score;
            if score < options.cutoff {
                continue;
            }
            let pos = results.partition_point(|r| r.0 > score || (r.0 == score && r.1 < e));
            if pos < options.limit {
                results.insert(pos, (score, e, scored));
                results.truncate(options.limit);
            }
        }
        let matches = results
            .into_iter()
            .map(|(score, e, scored)| self.to_match(query, &query_names, e, score, scored, options))
            .collect();
        (matches, stats)
    }

    /// Scores every entity of the index without candidate retrieval: the reference that [`Self::screen`] must
    /// agree with (tests compare the two), and a way to audit a result list. Same options and order as `screen`.
    pub fn scan(&self, query: &Entity, options: &ScreenOptions) -> Vec<ScreenMatch> {
        let params = ScoreParams::default();
        let query_names = self.prepare_query(query);
        let mut scored: Vec<(f64, u32, Scored)> = (0..self.entities.len() as u32)
            .filter(|&e| query.schema.can_match(self.entities[e as usize].schema))
            .filter_map(|e| {
                let findings = evidence::compare_evidence(query, &self.entities[e as usize]);
                self.score_entity(&query_names, e, &params, findings)
                    .map(|s| (s.score, e, s))
            })
            .filter(|(score, _, _)| *score >= options.cutoff)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(options.limit);
        scored
            .into_iter()
            .map(|(score, e, s)| self.to_match(query, &query_names, e, score, s, options))
            .collect()
    }

    fn to_match(
        &self,
        query: &Entity,
        query_names: &[QueryName],
        e: u32,
        score: f64,
        scored: Scored,
        options: &ScreenOptions,
    ) -> ScreenMatch {
        let explanation = self.explain(query, query_names, e, scored);
        let ent = &self.entities[e as usize];
        ScreenMatch {
            id: ent.id.clone(),
            score: interdict_names::round3(score),
            is_match: score >= options.threshold,
            caption: ent.primary_name().unwrap_or_default().to_string(),
            schema: ent.schema,
            datasets: ent.datasets().into_iter().map(str::to_string).collect(),
            explanation,
        }
    }

    fn prepare_query(&self, query: &Entity) -> Vec<QueryName> {
        let classes: &[NameClass] = match query.schema {
            // An unspecified legal entity may be listed as a person or as an organisation.
            Schema::LegalEntity => &[NameClass::Organization, NameClass::Person],
            s => std::slice::from_ref(match name_class(s) {
                NameClass::Person => &NameClass::Person,
                NameClass::Organization => &NameClass::Organization,
                NameClass::Thing => &NameClass::Thing,
            }),
        };
        let mut out = Vec::new();
        for n in &query.names {
            for &class in classes {
                let prepared = prepare(&n.text, class, self.lexicon());
                if prepared.parts.is_empty() {
                    continue;
                }
                let weights = interdict_names::part_weights(&prepared, self);
                let total_weight: f64 = weights.iter().sum();
                if total_weight <= 0.0 {
                    continue;
                }
                let free_bits = prepared
                    .parts
                    .iter()
                    .enumerate()
                    .take(MAX_PARTS)
                    .filter(|(_, p)| p.role == interdict_names::PartRole::Initial)
                    .fold(0u64, |m, (i, _)| m | 1 << i);
                let conflicting_total = prepared
                    .parts
                    .iter()
                    .zip(&weights)
                    .filter(|(p, _)| p.role.can_conflict())
                    .map(|(_, w)| *w)
                    .sum();
                let conflicting_bits = prepared
                    .parts
                    .iter()
                    .enumerate()
                    .take(MAX_PARTS)
                    .filter(|(_, p)| p.role.can_conflict())
                    .fold(0u64, |m, (i, _)| m | 1 << i);
                let typo_caps = prepared.parts.iter().map(typo_cap).collect();
                let mut equal_parts: SmallVec<[u64; 2]> = SmallVec::new();
                let counted = |i: &usize| *i < MAX_PARTS && weights[*i] > 0.0;
                for (i, p) in prepared
                    .parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| counted(i))
                {
                    let group = (i..prepared.parts.len())
                        .filter(|j| counted(j) && prepared.parts[*j] == *p)
                        .fold(0u64, |m, j| m | 1 << j);
                    if group.count_ones() >= 2 && equal_parts.iter().all(|g| g & group == 0) {
                        equal_parts.push(group);
                    }
                }
                out.push(QueryName {
                    equal_parts,
                    typo_caps,
                    conflicting_bits,
                    prepared,
                    weights,
                    total_weight,
                    conflicting_total,
                    free_bits,
                });
            }
        }
        out
    }

    /// For every candidate name sharing a key with `qn`, bounds its name score by the share of query weight
    /// whose parts have a key in common with it, and keeps the best bound per entity (unless `birth` rules
    /// the name out).
    fn collect_bounds(
        &self,
        qn: &QueryName,
        min_bound: f64,
        birth: &BirthCut,
        bounds: &mut Vec<Candidate>,
        stats: &mut SearchStats,
    ) {
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let Scratch {
                hits,
                slot,
                touched_bits,
                touched,
                touched_rests,
                survivors,
                to_compare,
                equal_reached,
                pending,
            } = &mut *scratch;
            if slot.len() < self.names.len() {
                slot.resize(self.names.len(), 0);
                touched_bits.resize(self.names.len().div_ceil(64), 0);
                prefer_huge_pages(slot);
            }
            let parts = &qn.prepared.parts;
            let mut probing = Probing {
                index: self,
                hits,
                equal_reached,
                equal_bits: qn.equal_parts.iter().fold(0, |m, g| m | g),
                slot,
                touched_bits,
                touched,
                touched_rests,
                pending,
                deferring: 0,
                entries_read: 0,
            };
            let params = ScoreParams::default();
            // Essential parts (MaxScore): the lightest parts whose weight together cannot lift a candidate to
            // `min_bound` only add bits to candidates that heavier parts found; they never add candidates.
            let essential = essential_parts(qn, min_bound);
            let no_signature = PartSignature(0);
            let single_probes = |p: &interdict_names::Part| {
                let mut probes: Vec<(keys::Key, Check)> = Vec::with_capacity(32);
                keys::part_probes(p, &mut probes);
                if p.role == interdict_names::PartRole::Word
                    && let Some(&b) = p.text.as_bytes().first()
                {
                    // A word can match a candidate's initial.
                    probes.push((keys::initial_key(b), Check::None));
                }
                // A part of its group's common skeleton reads only the group's other spellings.
                for &g in &p.groups {
                    let (group, read) = (keys::group_key(g), self.group_probe(g, p));
                    for probe in probes.iter_mut().filter(|(k, _)| *k == group) {
                        probe.0 = read;
                    }
                }
                // One probe per key and check (E probes of one key may differ in where they deleted).
                probes.sort_unstable_by_key(|(k, c)| (*k, c.rank()));
                probes.dedup();
                probes
            };
            let weighted = |i: &usize| qn.weights[*i] > 0.0;
            let query_parts = 0..parts.len().min(MAX_PARTS);
            // Each part's probes, split into small ones and large unchecked ones (common words), which are
            // read through pair keys instead; then the text keys of the large part groups its typo probes admit
            // (see `WatchlistIndex::part_groups`), with the number of entries those groups hold.
            let split: Vec<(Probes, Probes, Probes, usize)> = parts
                .iter()
                .take(MAX_PARTS)
                .map(|p| {
                    let (mut small, mut large): (Probes, Probes) = single_probes(p)
                        .into_iter()
                        .partition(|&(k, check)| !check.admits_all() || !self.is_large(k));
                    // Keys of exact kind first (pass 1 reads them before the typo keys).
                    small.sort_by_key(|&(_, check)| !check.admits_all());
                    // A word's text key reaches only words with its own text, which its skeleton key reaches
                    // too: when that is large as well, reading (or pairing) the text key adds nothing.
                    if p.role == interdict_names::PartRole::Word && !p.skeleton.is_empty() {
                        let skeleton = keys::skeleton_key(&p.skeleton);
                        if large.iter().any(|&(k, _)| k == skeleton) {
                            let text = keys::text_key(&p.text);
                            large.retain(|&(k, _)| k != text);
                        }
                    }
                    let signature = PartSignature::of(p);
                    let mut typo_groups: Probes = Vec::new();
                    let mut grouped = 0;
                    for &(k, check) in small.iter().filter(|(_, check)| !check.admits_all()) {
                        let large_groups = self
                            .part_groups(k)
                            .iter()
                            .filter(|g| self.is_large_group(g.len as usize));
                        for &PartGroup {
                            first: entry, len, ..
                        } in large_groups
                        {
                            if !check_admits(signature, entry_signature(entry), check) {
                                continue;
                            }
                            let Some(c) = self.entry_part_of(entry) else {
                                continue;
                            };
                            if interdict_names::part_similarity(p, c).is_some() {
                                typo_groups.push((keys::text_key(&c.text), Check::Variant));
                                grouped += len as usize;
                            }
                        }
                    }
                    typo_groups.sort_unstable_by_key(|&(k, _)| k);
                    typo_groups.dedup();
                    (small, large, typo_groups, grouped)
                })
                .collect();
            // A part with large keys of its own reads its large typo groups through their text keys too: it is
            // read through pair keys anyway. One whose only large keys they would be (`typo_large`) does so
            // only when that reads fewer entries than the groups hold: it then counts among the parts that can
            // still hit a name no probe touched, which can take the bound of pair entries (`PairBound`) from
            // the names that two common words reach, and its groups' text keys make pair keys of their own.
            // Such a part's keys of exact kind are all small, so a name it has not touched once read is at
            // best a typo of it (a part above the typo cap shares a text, group or skeleton key with it).
            let pair_entries = |a: &Probes, b: &Probes| -> usize {
                pair_probes(a, b)
                    .iter()
                    .map(|&(k, _)| self.posting(k).len())
                    .sum()
            };
            let own_large: Vec<usize> = (0..split.len())
                .filter(|&i| !split[i].1.is_empty())
                .collect();
            let mut typo_large = 0u64;
            let mut deferring = 0u64;
            for (i, (_, large, typo_groups, grouped)) in split.iter().enumerate() {
                if typo_groups.is_empty() {
                    continue;
                }
                if !large.is_empty() {
                    deferring |= 1 << i;
                    continue;
                }
                let mut cost = 0;
                if own_large.len() == 2 {
                    cost += pair_entries(&split[own_large[0]].1, &split[own_large[1]].1);
                }
                for (_, other) in split.iter().enumerate().filter(|&(j, _)| j != i) {
                    cost +=
                        pair_entries(typo_groups, &other.1) + pair_entries(typo_groups, &other.2);
                }
                if cost < *grouped {
                    deferring |= 1 << i;
                    typo_large |= 1 << i;
                }
            }
            probing.deferring = deferring;
            let split: Vec<(Probes, Probes)> = split
                .into_iter()
                .enumerate()
                .map(|(i, (small, mut large, typo_groups, _))| {
                    if deferring & (1 << i) != 0 {
                        large.extend(typo_groups);
                        large.sort_unstable_by_key(|&(k, check)| (k, check.rank()));
                        large.dedup_by_key(|(k, _)| *k);
                    }
                    (small, large)
                })
                .collect();
            let is_essential = |i: &usize| essential & (1 << i) != 0;
            let non_essential_bits = query_parts
                .clone()
                .filter(|i| !is_essential(i))
                .fold(0u64, |m, i| m | 1 << i);
            let bound_of =
                |bits: u64| query_side_bound(&hits_of(qn, bits | qn.free_bits, 0), qn, &params);
            let reaches = |bits: u64| bound_of(bits) >= min_bound - 1e-9;
            // A name reached through one essential part's large keys and otherwise only by non-essential parts
            // is found through its pair keys when those parts reach it through large keys too, and through the
            // non-essential parts' small keys otherwise, which then add candidates.
            // Otherwise those large keys add candidates themselves; whichever reads fewer entries is done.
            let needing: Vec<usize> = query_parts
                .clone()
                .filter(weighted)
                .filter(|&i| is_essential(&i) && !split[i].1.is_empty())
                .filter(|&i| reaches(non_essential_bits | 1 << i))
                .collect();
            let others_add = !needing.is_empty() && {
                let small_of_others: usize = query_parts
                    .clone()
                    .filter(weighted)
                    .filter(|i| !is_essential(i))
                    .map(|i| probing.admitted_len(&split[i].0, PartSignature::of(&parts[i])))
                    .sum();
                let large_of_needing: usize = needing
                    .iter()
                    .map(|&i| probing.admitted_len(&split[i].1, no_signature))
                    .sum();
                small_of_others < large_of_needing
            };
            let adds = |i: &usize| is_essential(i) || others_add;
            // Every part's joined-part probes add (they are short): so a name not touched here matches each
            // query part with at most one of its parts, which bounding names reached through pair keys needs.
            // They come first, so that a name pass 1 has not touched has no hit through joined parts.
            for i in query_parts.clone().filter(weighted) {
                probing.merge_hits(i, &parts[i], qn.typo_caps[i], true);
            }
            let adjacent_pairs = qn.prepared.adjacent.len().min(MAX_PARTS - 1);
            let pair_adds = |i: usize| adds(&i) || adds(&(i + 1));
            for i in (0..adjacent_pairs).filter(|&i| pair_adds(i)) {
                probing.adjacent_hits(qn, i, true);
            }
            // Pass 1, adding candidates, the parts with the fewest entries first (by posting length, cheaper to
            // find than the admitted entries and as good for ordering). Once a part without large keys
            // is read, a name it did not touch has no hit from it; so a later part adds a name only if the
            // parts not yet read (and those read later, with large keys or not adding) can lift it to
            // `min_bound` with what its `NameRest` says: the last parts add little but the names they can make.
            let mut order: Vec<(usize, usize)> = query_parts
                .clone()
                .filter(weighted)
                .filter(adds)
                .map(|i| {
                    let entries: usize =
                        split[i].0.iter().map(|&(k, _)| self.posting(k).len()).sum();
                    (entries, i)
                })
                .collect();
            order.sort_unstable();
            let mut unread = query_parts.clone().fold(0u64, |m, i| m | 1 << i);
            // The unread parts that can hit a name they did not touch only as typos (see `typo_large`).
            let mut capped_unread = 0u64;
            let mut read = 0u64;
            for (at, &(_, i)) in order.iter().enumerate() {
                if read & (1 << i) != 0 {
                    continue;
                }
                let p = &parts[i];
                // Equal parts ("Marek Marek") have the same probes: read once for both bits.
                let bits = order[at..]
                    .iter()
                    .filter(|&&(_, j)| parts[j] == *p)
                    .fold(0u64, |m, &(_, j)| m | 1 << j);
                read |= bits;
                let typo = Some((p, qn.typo_caps[i]));
                // Keys of exact kind first: once they are read, a part without large keys reaches a name it has
                // not touched only through typo keys, so at most with its typo cap.
                let small = &split[i].0;
                let (exact_kind, typo_kind) =
                    small.split_at(small.partition_point(|&(_, check)| check.admits_all()));
                let typo_capped = if split[i].1.is_empty() || typo_large & bits != 0 {
                    bits
                } else {
                    0
                };
                for (probes, capped) in [(exact_kind, 0), (typo_kind, typo_capped)] {
                    let rest = RestAdmission::new(
                        qn,
                        hits_of(qn, unread | qn.free_bits, capped | capped_unread),
                        params,
                        min_bound,
                    );
                    let admission = Admission {
                        rest: Some(&rest),
                        ..Admission::default()
                    };
                    probing.hit_bounded(probes, typo, bits, true, Reach::Part, admission);
                }
                if split[i].1.is_empty() {
                    unread &= !bits;
                } else if typo_large & bits != 0 {
                    // Still unread for the names it has not touched, but only through typo groups.
                    capped_unread |= bits;
                }
            }
            // Names that two parts (one of them essential) reach only through large keys: their pair keys.
            let large_parts: Vec<usize> = query_parts
                .clone()
                .filter(weighted)
                .filter(|&i| !split[i].1.is_empty())
                .collect();
            // Parts that can still give bits to a name no probe above touched: those with large keys, those whose
            // keys did not add, and free initials. When they are just the pair's two parts, a name the pair's keys
            // reach first matches at most those two of its parts.
            let reachable = query_parts
                .clone()
                .filter(weighted)
                .filter(|i| !split[*i].1.is_empty() || !adds(i))
                .fold(qn.free_bits, |m, i| m | 1 << i);
            for (a, &ia) in large_parts.iter().enumerate() {
                for &ib in &large_parts[a + 1..] {
                    if !is_essential(&ia) && !is_essential(&ib) {
                        continue;
                    }
                    let pair_bound = (reachable == (1 << ia) | (1 << ib)
                        && parts.len() <= MAX_PARTS)
                        .then(|| PairBound::new(qn, reachable, min_bound, &params));
                    let pairs = pair_probes(&split[ia].1, &split[ib].1);
                    probing.hit_bounded(
                        &pairs,
                        None,
                        (1 << ia) | (1 << ib),
                        true,
                        Reach::Pair,
                        Admission {
                            pair: pair_bound.as_ref(),
                            similarity: None,
                            rest: None,
                        },
                    );
                }
            }
            // Names one essential part reaches through its large keys and nothing else but free initials (and
            // the non-essential parts, when their keys do not add): when they could still reach `min_bound`,
            // the large keys add candidates after all.
            let alone = if others_add { 0 } else { non_essential_bits };
            let mut large_read = 0u64;
            for &i in large_parts.iter().filter(|i| is_essential(i)) {
                if reaches(alone | 1 << i) {
                    // A name these keys reach first, through a part the query part matches with similarity
                    // `s`, is added only if that match and `alone` can reach the bound, with what its
                    // `NameRest` says too.
                    let base = hits_of(qn, (alone | qn.free_bits) & !(1 << i), 0);
                    let w = qn.weights[i];
                    let admit = |s: f64| {
                        query_side_bound_of(base.hit + w, base.matched + s * w, qn, &params)
                            >= min_bound - 1e-9
                    };
                    let typo = Some((&parts[i], qn.typo_caps[i]));
                    let rest = RestAdmission::new(
                        qn,
                        hits_of(qn, alone | qn.free_bits | 1 << i, 0),
                        params,
                        min_bound,
                    );
                    // When no name under the large keys has a rest that can reach the bound, they add nothing:
                    // pass 2 sets their bits, comparing the touched names directly when that is cheaper (and
                    // once for equal parts).
                    let can_add = split[i].1.iter().any(|&(k, _)| {
                        self.large_rests(k)
                            .is_none_or(|best| best.iter().flatten().any(|&b| rest.admits(b)))
                    });
                    if !can_add {
                        continue;
                    }
                    probing.hit_bounded(
                        &split[i].1,
                        typo,
                        1 << i,
                        true,
                        Reach::Part,
                        Admission {
                            pair: None,
                            similarity: Some(&admit),
                            rest: Some(&rest),
                        },
                    );
                    large_read |= 1 << i;
                }
            }
            // Pass 2, bits only: what did not add candidates above. Equal parts ("Mohammed Mohammed") treated
            // alike read their postings once for both bits.
            let pass_two = |i: usize| -> Option<bool> {
                if !adds(&i) {
                    Some(true)
                } else if !split[i].1.is_empty() && large_read & (1 << i) == 0 {
                    Some(false)
                } else {
                    None
                }
            };
            let mut done = 0u64;
            for i in query_parts.clone().filter(weighted) {
                let Some(all_probes) = pass_two(i).filter(|_| done & (1 << i) == 0) else {
                    continue;
                };
                let p = &parts[i];
                let bits = query_parts
                    .clone()
                    .filter(weighted)
                    .filter(|&j| j > i && parts[j] == *p && pass_two(j) == Some(all_probes))
                    .fold(1u64 << i, |m, j| m | 1 << j);
                done |= bits;
                if all_probes {
                    let mut all = split[i].0.clone();
                    all.extend_from_slice(&split[i].1);
                    probing.add_bits(bits, p, qn.typo_caps[i], &all);
                } else {
                    probing.add_bits(bits, p, qn.typo_caps[i], &split[i].1);
                }
            }
            for i in (0..adjacent_pairs).filter(|&i| !pair_adds(i)) {
                probing.adjacent_hits(qn, i, false);
            }
            stats.entries_read += probing.entries_read;
            // The names that adjacent equal parts joined ("marekmarek") reach (see `QueryName::matchable`), sorted;
            // `None` when they are too many to list, and then any name may be one.
            let joined_equal: Option<Vec<u32>> = {
                let mut ks = Vec::with_capacity(4);
                for &group in &qn.equal_parts {
                    for i in (0..adjacent_pairs).filter(|&i| group & (0b11 << i) != 0) {
                        keys::adjacent_keys(&qn.prepared, i, &mut ks);
                    }
                }
                let postings = ks.iter().map(|&(k, _)| self.posting(k));
                (postings.clone().map(<[u64]>::len).sum::<usize>() <= JOINED_EQUAL_LISTED).then(
                    || {
                        let mut reached: Vec<u32> =
                            postings.flatten().map(|&e| entry_name(e)).collect();
                        reached.sort_unstable();
                        reached.dedup();
                        reached
                    },
                )
            };
            let joined_equal_reaches = |name: u32| {
                joined_equal
                    .as_ref()
                    .is_none_or(|names| names.binary_search(&name).is_ok())
            };
            // A touched name's hit mask, its equal parts limited by the parts their hits reached.
            let first_mask = |at: usize, name: u32| {
                let mask = hits[at][0];
                if qn.equal_parts.is_empty() {
                    mask
                } else {
                    qn.matchable_by_parts(mask, equal_reached[at], joined_equal_reaches(name))
                }
            };
            // What the hits say for bounding.
            let hits_with = |mask: u64, candidate_parts: u64, exact: u64| {
                let bits = (mask & !MERGED_BIT) | qn.free_bits;
                let mut h = hits_of(qn, bits, bits & !exact & !qn.free_bits);
                h.merged = mask & MERGED_BIT != 0;
                h.candidate_parts = candidate_parts;
                h
            };
            // The cheap bounds, which need only the hits and the name's rest: the bound if the candidate had
            // nothing but the hit parts (most names reached through one common part alone fail it), then with
            // what its `NameRest` says. The first depends on the hit mask and the hits that may be exact alone.
            let query_side_of = |mask: u64, exact: u64| -> QuerySide {
                let h = hits_with(mask, 0, exact);
                (query_side_bound(&h, qn, &params) >= min_bound - 1e-9)
                    .then(|| (h.query_terms(qn), substance_factor(h.hit), h.consumable()))
            };
            let cheap_bounds_reach = |side: QuerySide, rest: NameRest| {
                side.is_some_and(|(terms, substance, consumable)| {
                    rest_reaches(
                        &terms,
                        substance,
                        consumable,
                        rest,
                        &params,
                        min_bound - 1e-9,
                    )
                })
            };
            // Three rounds over the touched names. The first rules out most of them with the cheap bounds (rests
            // are a small array); the second reads the summaries and part weights of the others, the summary of
            // a name a few names ahead and its weights a few names later, so the scattered loads overlap; the
            // third reads the parts of the few names whose bound needs their parts compared.
            survivors.clear();
            // A name's rest was read when it was touched, unless it was touched without rest admission: then it
            // is read here, starting a few names ahead to overlap the cache misses.
            let rest_of = |at: usize| match touched_rests[at] {
                REST_NOT_READ => self.rests[touched[at] as usize],
                rest => rest,
            };
            // The many touched names share a few hit masks: the query side of each is computed once, kept in a
            // small table.
            let mut query_sides: [Option<(u64, u64, QuerySide)>; QUERY_SIDES] = [None; QUERY_SIDES];
            for (at, &name) in touched.iter().enumerate() {
                if touched_rests.get(at + 8) == Some(&REST_NOT_READ) {
                    prefetch(&self.rests[touched[at + 8] as usize]);
                }
                touched_bits[name as usize >> 6] = 0;
                let exact = hits[at][2];
                let mask = first_mask(at, name);
                let cached = &mut query_sides[query_side_slot(mask, exact)];
                let side = match *cached {
                    Some((m, e, side)) if m == mask && e == exact => side,
                    _ => {
                        let side = query_side_of(mask, exact);
                        *cached = Some((mask, exact, side));
                        side
                    }
                };
                if cheap_bounds_reach(side, rest_of(at)) {
                    survivors.push(at as u32);
                }
            }
            let summary_of = |k: usize| {
                survivors
                    .get(k)
                    .map(|&at| &self.summaries[touched[at as usize] as usize])
            };
            // The full bound of a survivor's hits, from its summary and part weights.
            let full_bound = |h: &Hits, summary: &NameSummary| {
                name_score_bound(h, qn, summary, self.name_bound_weights(summary), &params)
                    * summary.kind_weight
            };
            // An entity holding one of the query's documents is a candidate through that (see `screen_with_stats`),
            // whatever `birth` says of its names.
            let keep = |bounds: &mut Vec<Candidate>, summary: &NameSummary, bound: f64| {
                if !birth.rules_out(bound, birth.cutoff, summary.birth_years) {
                    bounds.push(Candidate {
                        bound,
                        entity: summary.entity,
                    });
                }
            };
            // The second round keeps the names whose bound is final and passes those it must compare part by part
            // (typo hits not yet compared, equal query parts) to the third.
            to_compare.clear();
            for (k, &at) in survivors.iter().enumerate() {
                if let Some(ahead) = summary_of(k + 16) {
                    prefetch(ahead);
                }
                if let Some(ahead) = summary_of(k + 8) {
                    prefetch_slice(self.name_bound_weights(ahead).0);
                }
                let at = at as usize;
                let name = touched[at];
                let [_, candidate_parts, exact, unverified] = hits[at];
                let summary = &self.summaries[name as usize];
                // The first round checked the cheap bounds of these hits.
                let h = hits_with(first_mask(at, name), candidate_parts, exact);
                let bound = full_bound(&h, summary);
                if bound < min_bound - 1e-9 {
                    continue;
                }
                if unverified == 0 && qn.equal_parts.is_empty() {
                    keep(bounds, summary, bound);
                } else {
                    to_compare.push((at as u32, bound));
                }
            }
            // The third round compares the names' parts, loaded a few names ahead.
            let name_of = |k: usize| {
                to_compare
                    .get(k)
                    .map(|&(at, _)| &self.names[touched[at as usize] as usize].prepared)
            };
            for (k, &(at, second_round_bound)) in to_compare.iter().enumerate() {
                prefetch_names_ahead(k, 8, name_of);
                let at = at as usize;
                let name = touched[at];
                let [_, candidate_parts, mut exact, mut unverified] = hits[at];
                let mut mask = first_mask(at, name);
                let summary = &self.summaries[name as usize];
                let mut bound = second_round_bound;
                // Twice at most: while the bound reaches the cutoff on typo hits not yet compared, they are
                // compared (each query part with every part of the name), equal query parts are limited to what
                // the name can match (`QueryName::matchable`), and the bound is computed again.
                let mut limited = qn.equal_parts.is_empty();
                loop {
                    if bound < min_bound - 1e-9 || (unverified == 0 && limited) {
                        break;
                    }
                    let candidate = &self.names[name as usize].prepared;
                    let mut rest = unverified;
                    while rest != 0 {
                        let i = rest.trailing_zeros() as usize;
                        rest &= rest - 1;
                        // Only unverified hits set these bits (an exact or compared hit clears them), so the
                        // comparison decides both the bit and whether it may be exact.
                        let (found, best) = similar_parts(&parts[i], candidate);
                        if found == 0 {
                            mask &= !(1 << i);
                        }
                        if best > qn.typo_caps[i] {
                            exact |= 1 << i;
                        } else {
                            exact &= !(1 << i);
                        }
                    }
                    unverified = 0;
                    if !limited {
                        mask = qn.matchable(mask, candidate);
                        limited = true;
                    }
                    // The comparisons may have taken hits away: the cheap bounds first again.
                    if !cheap_bounds_reach(query_side_of(mask, exact), rest_of(at)) {
                        bound = 0.0;
                        break;
                    }
                    bound = full_bound(&hits_with(mask, candidate_parts, exact), summary);
                }
                if bound >= min_bound - 1e-9 {
                    keep(bounds, summary, bound);
                }
            }
            stats.names_touched += touched.len();
            touched.clear();
            hits.clear();
            touched_rests.clear();
            equal_reached.clear();
        })
    }

    /// Scores one entity exactly: the best name pair, then the evidence. `None` when no name pair aligns at all
    /// and no document matches.
    fn score_entity(
        &self,
        query_names: &[QueryName],
        entity: u32,
        params: &ScoreParams,
        findings: SmallVec<[evidence::Finding; 4]>,
    ) -> Option<Scored> {
        let mut best: Option<(f64, usize, usize, Alignment)> = None;
        let (start, names) = self.names_of(entity);
        for (ni, indexed) in names.iter().enumerate() {
            for (qi, qn) in query_names.iter().enumerate() {
                if qn.prepared.class != indexed.prepared.class {
                    continue;
                }
                let summary = &self.summaries[start + ni];
                let (weights, _) = self.name_bound_weights(summary);
                let al = align(
                    &qn.prepared,
                    &qn.weights,
                    &indexed.prepared,
                    weights,
                    params,
                );
                let s = al.score() * indexed.kind.weight() * substance_factor(al.matched_weight());
                if best.as_ref().is_none_or(|b| s > b.0) {
                    best = Some((s, qi, start + ni, al));
                }
            }
        }
        let decisive = findings.iter().any(|f| f.is_decisive());
        let name_score = best.as_ref().map_or(0.0, |b| b.0);
        if name_score <= 0.0 && !decisive {
            return None;
        }
        let mut score = name_score + findings.iter().map(|f| f.effect()).sum::<f64>();
        if decisive {
            score = score.max(DOCUMENT_MATCH_SCORE);
        }
        Some(Scored {
            score: score.clamp(0.0, 1.0),
            name_score,
            best: best.map(|(_, q, n, al)| (q, n, al)),
            findings,
        })
    }

    /// The readable explanation of a scored result.
    fn explain(
        &self,
        query: &Entity,
        query_names: &[QueryName],
        entity: u32,
        scored: Scored,
    ) -> Explanation {
        let ent = &self.entities[entity as usize];
        let (name, kind) = match &scored.best {
            Some((qi, ni, al)) => {
                let indexed = &self.names[*ni];
                (
                    al.explain(&query_names[*qi].prepared, &indexed.prepared),
                    indexed.kind,
                )
            }
            None => (
                NameExplanation {
                    query: query.primary_name().unwrap_or_default().to_string(),
                    candidate: ent.primary_name().unwrap_or_default().to_string(),
                    score: 0.0,
                    pairs: Vec::new(),
                    unmatched_query: Vec::new(),
                    unmatched_candidate: Vec::new(),
                    ignored: Vec::new(),
                    adjustments: Vec::new(),
                },
                NameKind::Primary,
            ),
        };
        Explanation {
            name_score: interdict_names::round3(scored.name_score),
            matched_name_kind: kind,
            name,
            evidence: scored
                .findings
                .into_iter()
                .map(|f| f.to_evidence(query, ent))
                .collect(),
            score: interdict_names::round3(scored.score),
        }
    }
}

/// A candidate scored but not yet explained.
struct Scored {
    score: f64,
    name_score: f64,
    /// (query name, indexed name, alignment) of the best pair.
    best: Option<(usize, usize, Alignment)>,
    findings: SmallVec<[evidence::Finding; 4]>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// The division-free test agrees with the bound it stands for, away from the slack every caller leaves.
        #[test]
        fn rest_reaches_agrees_with_rest_bound(
            hit in 0.0f64..4.0,
            matched_share in 0.0f64..=1.0,
            missed_q in 0.0f64..4.0,
            conflict_q in prop_oneof![Just(0.0), 0.0f64..3.0],
            rest in any::<u64>(),
            consumable in 0usize..5,
            min_bound in -0.3f64..1.2,
        ) {
            let params = ScoreParams::default();
            let admission = RestAdmission {
                terms: ScoreTerms {
                    hit,
                    matched: hit * matched_share,
                    missed_q,
                    missed_c: 0.0,
                    conflict_q,
                    conflict_c: 0.0,
                    larger_total: hit + missed_q,
                    lambda: 0.0,
                },
                substance: substance_factor(hit),
                consumable,
                params,
                min_bound,
            };
            let rest = NameRest(rest);
            let bound = rest_bound(&admission.terms, consumable, rest, &params);
            if (bound - (min_bound - 1e-9)).abs() > 1e-12 {
                prop_assert_eq!(admission.admits(rest), bound >= min_bound - 1e-9, "bound {}", bound);
            }
        }
    }
}
