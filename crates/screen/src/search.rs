//! Screening one query entity against the index: candidate retrieval with score upper bounds, exact scoring of
//! the candidates that can still make the result list, evidence, explanations.

use crate::evidence::{self, DOCUMENT_MATCH_SCORE, Evidence};
use crate::index::{IndexedName, WatchlistIndex, name_class};
use crate::keys;
use interdict_model::{Entity, NameKind, Schema, normalize_document_number};
use interdict_names::{
    Alignment, NameClass, NameExplanation, PreparedName, ScoreParams, align, prepare,
};
use rustc_hash::FxHashMap;
use serde::Serialize;
use smallvec::SmallVec;
use std::cell::RefCell;

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
}

#[derive(Default)]
struct Scratch {
    masks: Vec<u64>,
    touched: Vec<u32>,
}

/// What a query name's key hits say about one candidate name, for bounding its score.
struct Hits {
    /// Query-side weight of the parts that share a key with the candidate (or are initials).
    hit: f64,
    /// The part of `hit` carried by parts that can conflict.
    conflicting_hit: f64,
    /// Number of query parts hit.
    parts_hit: usize,
    /// Whether a hit went through a candidate's joined adjacent parts (one query part, two candidate parts).
    merged: bool,
}

/// The most a name pair can score given its key hits (see `interdict_names::align` for the score): hit query parts
/// match perfectly; the others stay unmatched; on the candidate side at most the heaviest parts that the hits can
/// consume are matched, the rest are unmatched; the conflict penalty applies to what certainly stays unmatched on
/// both sides; the substance factor to the hit weight.
fn name_score_bound(h: &Hits, q: &QueryName, c: &IndexedName, params: &ScoreParams) -> f64 {
    if h.hit <= 0.0 {
        return 0.0;
    }
    let missed_q = (q.total_weight - h.hit).max(0.0);
    let consumable = if h.merged {
        2 * h.parts_hit
    } else {
        h.parts_hit
    };
    let top = c.profile.top(consumable);
    let missed_c = (c.profile.total - top).max(0.0);
    let lambda = params.lambda(c.prepared.class);
    let mut bound = h.hit / (h.hit + lambda * (missed_q + missed_c));
    let conflict_q = (q.conflicting_total - h.conflicting_hit).max(0.0);
    let conflict_c = (c.profile.conflicting - top).max(0.0);
    if conflict_q > 0.0 && conflict_c > 0.0 {
        let factor = 1.0
            - params.conflict_strength * conflict_q.min(conflict_c)
                / q.total_weight.max(c.profile.total);
        bound *= factor.max(0.5);
    }
    (bound * substance_factor(h.hit)).min(1.0)
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

/// Query parts that take part in retrieval (the rest of a very long name only counts when scoring).
const MAX_PARTS: usize = 63;
/// Mask bit recording a hit through a candidate's joined adjacent parts.
const MERGED_BIT: u64 = 1 << 63;

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
        let params = ScoreParams::default();
        let query_names = self.prepare_query(query);
        // Upper bound of the name score per candidate entity.
        let mut bounds: FxHashMap<u32, f64> = FxHashMap::default();
        for qn in &query_names {
            self.collect_bounds(qn, options.cutoff - evidence::max_bonus(query), &mut bounds);
        }
        // Document numbers: a matching number makes a candidate regardless of its name.
        for d in &query.documents {
            let n = normalize_document_number(&d.number);
            if n.len() >= 5
                && let Some(ents) = self.documents.get(&keys::document_key(&n))
            {
                for &e in ents {
                    bounds.insert(e, 1.0);
                }
            }
        }
        let bonus = evidence::max_bonus(query);
        let mut candidates: Vec<(u32, f64)> = bounds
            .into_iter()
            .filter(|(e, _)| query.schema.can_match(self.entities[*e as usize].schema))
            .map(|(e, b)| (e, (b + bonus).min(1.0)))
            .filter(|(_, b)| *b >= options.cutoff)
            .collect();
        candidates.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut results: Vec<(f64, u32, Scored)> = Vec::new();
        for (e, bound) in candidates {
            if results.len() >= options.limit {
                let worst = results.last().map(|r| r.0).unwrap_or(0.0);
                if bound < worst {
                    break;
                }
            }
            let Some(scored) = self.score_entity(query, &query_names, e, &params) else {
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
        results
            .into_iter()
            .map(|(score, e, scored)| self.to_match(query, &query_names, e, score, scored, options))
            .collect()
    }

    /// Scores every entity of the index without candidate retrieval: the reference that [`Self::screen`] must
    /// agree with (tests compare the two), and a way to audit a result list. Same options and order as `screen`.
    pub fn scan(&self, query: &Entity, options: &ScreenOptions) -> Vec<ScreenMatch> {
        let params = ScoreParams::default();
        let query_names = self.prepare_query(query);
        let mut scored: Vec<(f64, u32, Scored)> = (0..self.entities.len() as u32)
            .filter(|&e| query.schema.can_match(self.entities[e as usize].schema))
            .filter_map(|e| {
                self.score_entity(query, &query_names, e, &params)
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
                out.push(QueryName {
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
    /// whose parts have a key in common with it, and keeps the best bound per entity.
    fn collect_bounds(&self, qn: &QueryName, min_bound: f64, bounds: &mut FxHashMap<u32, f64>) {
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let Scratch { masks, touched } = &mut *scratch;
            if masks.len() < self.names.len() {
                masks.resize(self.names.len(), 0);
            }
            let parts = &qn.prepared.parts;
            let mut ks: Vec<keys::Key> = Vec::with_capacity(16);
            // Essential parts (MaxScore): the lightest parts whose weight together cannot lift a candidate to
            // `min_bound` only add bits to candidates that heavier parts found; they never add candidates.
            let essential = essential_parts(qn, min_bound);
            let hit = |ks: &[keys::Key],
                       bits: u64,
                       adds: bool,
                       masks: &mut Vec<u64>,
                       touched: &mut Vec<u32>| {
                for &k in ks {
                    for &name in self.posting(k) {
                        let m = &mut masks[name as usize];
                        if *m == 0 {
                            if !adds {
                                continue;
                            }
                            touched.push(name);
                        }
                        *m |= bits;
                    }
                }
            };
            // Essential keys first, so that the others find every candidate they may add bits to.
            for pass_essential in [true, false] {
                for (i, p) in parts.iter().enumerate().take(MAX_PARTS) {
                    if qn.weights[i] <= 0.0 || (essential & (1 << i) != 0) != pass_essential {
                        continue;
                    }
                    ks.clear();
                    keys::part_keys(p, &mut ks);
                    ks.sort_unstable();
                    ks.dedup();
                    hit(&ks, 1 << i, pass_essential, masks, touched);
                    ks.clear();
                    keys::merge_probe_keys(p, &mut ks);
                    hit(&ks, (1 << i) | MERGED_BIT, pass_essential, masks, touched);
                    if p.role == interdict_names::PartRole::Word
                        && let Some(&b) = p.text.as_bytes().first()
                    {
                        // A word can match a candidate's initial.
                        hit(
                            &[keys::initial_key(b)],
                            1 << i,
                            pass_essential,
                            masks,
                            touched,
                        );
                    }
                }
                for i in 0..qn.prepared.adjacent.len().min(MAX_PARTS - 1) {
                    let pair = (1u64 << i) | (1 << (i + 1));
                    if (essential & pair != 0) != pass_essential {
                        continue;
                    }
                    ks.clear();
                    keys::adjacent_keys(&qn.prepared, i, &mut ks);
                    hit(&ks, pair, pass_essential, masks, touched);
                }
            }
            let params = ScoreParams::default();
            for &name in touched.iter() {
                let mask = std::mem::take(&mut masks[name as usize]);
                let bits = (mask & !MERGED_BIT) | qn.free_bits;
                let mut h = Hits {
                    hit: 0.0,
                    conflicting_hit: 0.0,
                    parts_hit: 0,
                    merged: mask & MERGED_BIT != 0,
                };
                for (i, (w, p)) in qn
                    .weights
                    .iter()
                    .zip(&qn.prepared.parts)
                    .enumerate()
                    .take(MAX_PARTS)
                {
                    if bits & (1 << i) != 0 {
                        h.hit += w;
                        h.parts_hit += 1;
                        if p.role.can_conflict() {
                            h.conflicting_hit += w;
                        }
                    }
                }
                let indexed = &self.names[name as usize];
                let bound = name_score_bound(&h, qn, indexed, &params) * indexed.kind.weight();
                let slot = bounds.entry(indexed.entity).or_insert(0.0);
                if bound > *slot {
                    *slot = bound;
                }
            }
            touched.clear();
        });
    }

    /// Scores one entity exactly: the best name pair, then the evidence. `None` when no name pair aligns at all
    /// and no document matches.
    fn score_entity(
        &self,
        query: &Entity,
        query_names: &[QueryName],
        entity: u32,
        params: &ScoreParams,
    ) -> Option<Scored> {
        let mut best: Option<(f64, usize, usize, Alignment)> = None;
        // Names of one entity are contiguous in `names`; find them by binary search on the entity id.
        let start = self.names.partition_point(|n| n.entity < entity);
        for (ni, indexed) in self.names[start..]
            .iter()
            .enumerate()
            .take_while(|(_, n)| n.entity == entity)
        {
            for (qi, qn) in query_names.iter().enumerate() {
                if qn.prepared.class != indexed.prepared.class {
                    continue;
                }
                let al = align(
                    &qn.prepared,
                    &qn.weights,
                    &indexed.prepared,
                    &indexed.weights,
                    params,
                );
                let s = al.score() * indexed.kind.weight() * substance_factor(al.matched_weight());
                if best.as_ref().is_none_or(|b| s > b.0) {
                    best = Some((s, qi, start + ni, al));
                }
            }
        }
        let findings = evidence::compare_evidence(query, &self.entities[entity as usize]);
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
