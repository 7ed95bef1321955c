//! The WatchlistIndex: entities, their prepared names, and an inverted index from retrieval keys to names.

use crate::keys::{self, Key};
use interdict_model::{Entity, NameKind, Schema, normalize_document_number};
use interdict_names::{Lexicon, NameClass, Part, PartWeights, PreparedName, prepare};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The name class used to prepare names of entities of a schema.
pub(crate) fn name_class(schema: Schema) -> NameClass {
    match schema {
        Schema::Person => NameClass::Person,
        Schema::Organization | Schema::LegalEntity => NameClass::Organization,
        Schema::Vessel | Schema::Aircraft => NameClass::Thing,
    }
}

/// One indexed name of an entity.
#[derive(Debug)]
pub(crate) struct IndexedName {
    pub entity: u32,
    pub kind: NameKind,
    pub prepared: PreparedName,
    pub weights: Vec<f64>,
    pub profile: WeightProfile,
}

/// What bounding needs to know of an indexed name's weights without aligning it.
#[derive(Debug, Default, Clone)]
pub(crate) struct WeightProfile {
    /// Sum of all part weights.
    pub total: f64,
    /// Sum of the weights of parts whose being unmatched on both sides counts as a conflict.
    pub conflicting: f64,
    /// Part weights, largest first.
    pub descending: Vec<f64>,
}

impl WeightProfile {
    fn of(name: &PreparedName, weights: &[f64]) -> Self {
        let mut descending: Vec<f64> = weights.iter().copied().filter(|w| *w > 0.0).collect();
        descending.sort_by(|a, b| b.total_cmp(a));
        let conflicting = name
            .parts
            .iter()
            .zip(weights)
            .filter(|(p, _)| p.role.can_conflict())
            .map(|(_, w)| *w)
            .sum();
        WeightProfile {
            total: weights.iter().sum(),
            conflicting,
            descending,
        }
    }

    /// The largest weight `k` parts of this name can carry.
    pub fn top(&self, k: usize) -> f64 {
        self.descending.iter().take(k).sum()
    }
}

/// Collects entities, then builds an immutable [`WatchlistIndex`].
#[derive(Debug, Default)]
pub struct WatchlistIndexBuilder {
    entities: Vec<Entity>,
    lexicon: Option<Arc<Lexicon>>,
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
                        weights: Vec::new(),
                        profile: WeightProfile::default(),
                    })
            })
            .collect();
        // Drop names that prepare to nothing (punctuation only).
        names.retain(|n| !n.prepared.parts.is_empty());
        // Postings as (key, name id) pairs, sorted, then compressed into offsets.
        let mut pairs: Vec<(Key, u32)> = names
            .par_iter()
            .enumerate()
            .flat_map_iter(|(ni, n)| {
                let mut ks = Vec::with_capacity(16);
                for p in &n.prepared.parts {
                    keys::part_keys(p, &mut ks);
                }
                for i in 0..n.prepared.adjacent.len() {
                    keys::indexed_adjacent_keys(&n.prepared, i, &mut ks);
                }
                ks.sort_unstable();
                ks.dedup();
                ks.into_iter().map(move |k| (k, ni as u32))
            })
            .collect();
        pairs.par_sort_unstable();
        let mut postings: FxHashMap<Key, (u32, u32)> = FxHashMap::default();
        let mut ids: Vec<u32> = Vec::with_capacity(pairs.len());
        let mut start = 0usize;
        while start < pairs.len() {
            let k = pairs[start].0;
            let mut end = start;
            while end < pairs.len() && pairs[end].0 == k {
                ids.push(pairs[end].1);
                end += 1;
            }
            postings.insert(k, (start as u32, end as u32));
            start = end;
        }
        drop(pairs);
        let mut documents: FxHashMap<Key, Vec<u32>> = FxHashMap::default();
        for (ei, e) in entities.iter().enumerate() {
            for d in &e.documents {
                let n = normalize_document_number(&d.number);
                if n.len() >= 5 {
                    let list = documents.entry(keys::document_key(&n)).or_default();
                    if list.last() != Some(&(ei as u32)) {
                        list.push(ei as u32);
                    }
                }
            }
        }
        let mut by_id: FxHashMap<String, u32> = FxHashMap::default();
        for (i, e) in entities.iter().enumerate() {
            by_id.entry(e.id.clone()).or_insert(i as u32);
        }
        let mut index = WatchlistIndex {
            entities,
            names: Vec::new(),
            postings,
            ids,
            documents,
            by_id,
            lexicon,
            name_total: names.len(),
        };
        let weighted: Vec<Vec<f64>> = names
            .par_iter()
            .map(|n| interdict_names::part_weights(&n.prepared, &index).to_vec())
            .collect();
        for (n, w) in names.iter_mut().zip(weighted) {
            n.profile = WeightProfile::of(&n.prepared, &w);
            n.weights = w;
        }
        index.names = names;
        index
    }
}

/// An immutable index of watchlist entities, built by [`WatchlistIndexBuilder`]. Share it as `Arc`; it is
/// `Send + Sync` and every query method takes `&self`.
#[derive(Debug)]
pub struct WatchlistIndex {
    pub(crate) entities: Vec<Entity>,
    pub(crate) names: Vec<IndexedName>,
    postings: FxHashMap<Key, (u32, u32)>,
    ids: Vec<u32>,
    pub(crate) documents: FxHashMap<Key, Vec<u32>>,
    by_id: FxHashMap<String, u32>,
    lexicon: Option<Arc<Lexicon>>,
    name_total: usize,
}

impl WatchlistIndex {
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
        self.by_id.get(id).map(|&i| &self.entities[i as usize])
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

    /// Name ids posted under `key`.
    pub(crate) fn posting(&self, key: Key) -> &[u32] {
        match self.postings.get(&key) {
            Some(&(s, e)) => &self.ids[s as usize..e as usize],
            None => &[],
        }
    }

    /// Number of names containing this exact folded text.
    pub fn document_frequency(&self, text: &str) -> usize {
        self.posting(keys::text_key(text)).len()
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
                df = df.max(self.posting(keys::group_key(*g)).len());
            }
        }
        if df <= 1 {
            return 1.0;
        }
        let idf = (n / df as f64).ln() / n.ln();
        0.3 + 0.7 * idf.clamp(0.0, 1.0)
    }
}
