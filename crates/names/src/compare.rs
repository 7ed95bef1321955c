//! Comparing two prepared names: part similarity, alignment of query parts to candidate parts, the score and its
//! explanation.
//!
//! Part similarity is one of a fixed set of methods, each of which the screening index can retrieve by a key
//! (so the index never misses a pair this module would score): exact text, a shared variant-lexicon group, a
//! shared nickname group (Bill / William), an equal consonant skeleton, a typo (skeletons at most one edit apart
//! and texts at most two, or in long names a consonant moved: skeletons that share a one-deletion variant), an
//! initial, or two adjacent parts written as one ("JanDaniel" / "Jan Daniel"). Some pairs never agree: the
//! feminine and masculine forms of a Slavic family name (Ivanova / Ivanov), and two different romanisations of
//! native Chinese or Korean names written in their own script (김종은 / 김정은).
//!
//! The score is `Σ similarity·weight / (matched weight + λ · unmatched weight)`: parts found on one side only (a
//! list's fuller name, a query's extra middle name) count by λ; when both names keep a distinctive part the other
//! lacks (a different family name) the score falls in proportion; parts aligned out of order cost a little, or
//! much across `bin` chains; an unmatched number costs 10%; organisation names stating different legal forms
//! (AG / GmbH) cost 25%. Weights come from each part's role and its rarity
//! ([`PartWeights`]), so common words cannot make a strong match alone. All constants are in [`ScoreParams`].

use crate::distance::{bounded_osa, jaro_winkler, within_one_edit_or_swap};
use crate::lexicon::Lexicon;
use crate::parts::{NameClass, Part, PartRole, PreparedName};
use serde::Serialize;
use smallvec::SmallVec;

/// How two name parts were found to agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    Exact,
    /// Both are spellings of one name in the variant lexicon (Mohammed / Mehmet).
    Lexicon,
    /// One is a short or pet form of the other (Bill / William, Misha / Mikhail).
    Nickname,
    /// Same consonant skeleton (Hussein / Husain; an Arabic-script name and its Latin form).
    Skeleton,
    /// A spelling mistake or small variation (Scholze / Scholz).
    Typo,
    /// An initial standing for the name (A. / Ali).
    Initial,
    /// Two adjacent parts on one side written as one part on the other.
    Merged,
}

/// Rarity of a name part: 1.0 for a distinctive part, lower for common ones ("Mohammed", "Trading", "Group").
pub trait PartWeights {
    fn rarity(&self, part: &Part) -> f64;
}

/// Weights used without an index: a short list of very common given names and company words counts less.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultWeights;

const COMMON_PARTS: &[&str] = &[
    "muhammad",
    "mohammed",
    "mohammad",
    "mohamed",
    "mohamad",
    "ahmad",
    "ahmed",
    "ali",
    "hassan",
    "hussein",
    "hasan",
    "husain",
    "abdullah",
    "abdallah",
    "ibrahim",
    "khan",
    "john",
    "maria",
    "kim",
    "lee",
    "park",
    "wang",
    "li",
    "zhang",
    "james",
    "david",
    "michael",
    "smith",
    "international",
    "trading",
    "group",
    "holding",
    "holdings",
    "company",
    "global",
    "general",
    "national",
    "bank",
    "services",
    "industries",
    "enterprises",
    "investment",
    "investments",
    "foundation",
    "organization",
    "organisation",
    "association",
    "society",
    "committee",
    "shipping",
    "petroleum",
    "energy",
    "resources",
    "development",
    "technology",
    "management",
    "consulting",
    "partners",
    "capital",
    "united",
];

impl PartWeights for DefaultWeights {
    fn rarity(&self, part: &Part) -> f64 {
        if COMMON_PARTS.contains(&part.text.as_str()) {
            0.6
        } else {
            1.0
        }
    }
}

/// One aligned pair in a comparison: query parts `query` (one, or two merged) with candidate parts `candidate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Edge {
    q: [u8; 2],
    q_len: u8,
    c: [u8; 2],
    c_len: u8,
    similarity: f64,
    method: MatchMethod,
}

/// The alignment of two names: which parts matched how, and the weights needed for the score.
#[derive(Debug, Clone)]
pub struct Alignment {
    edges: SmallVec<[Edge; 8]>,
    q_weights: SmallVec<[f64; 8]>,
    c_weights: SmallVec<[f64; 8]>,
    q_used: u64,
    c_used: u64,
    score: f64,
    conflict: bool,
    inversions: usize,
    numeral_mismatch: bool,
    legal_form_mismatch: bool,
}

/// Tuning constants of the name score, kept in one place.
#[derive(Debug, Clone, Copy)]
pub struct ScoreParams {
    /// How much an unmatched part (on either side) counts against the score, for person names.
    pub lambda_person: f64,
    /// The same for organisation and other names.
    pub lambda_other: f64,
    /// Strength of the conflict penalty: the score falls by this times the smaller unmatched distinctive weight
    /// over the larger name weight (floored at half).
    pub conflict_strength: f64,
    /// Factor when aligned parts are in a different order.
    pub order_factor: f64,
    /// Factor when aligned parts are in a different order across `bin` / `ibn` chains on both sides.
    pub chain_order_factor: f64,
    /// Factor applied when a number or Roman numeral is unmatched.
    pub numeral_factor: f64,
    /// Factor applied when both organisation names state a legal form and none of them agree ("AG" / "GmbH"):
    /// two legal persons, such as a company and its subsidiary. "Company" and "Corporation" do not count.
    pub legal_form_factor: f64,
}

impl Default for ScoreParams {
    fn default() -> Self {
        ScoreParams {
            lambda_person: 0.35,
            lambda_other: 0.75,
            conflict_strength: 2.0,
            order_factor: 0.95,
            chain_order_factor: 0.6,
            numeral_factor: 0.9,
            legal_form_factor: 0.75,
        }
    }
}

impl ScoreParams {
    /// The weight of unmatched parts for names of `class`.
    pub fn lambda(&self, class: NameClass) -> f64 {
        if class == NameClass::Person {
            self.lambda_person
        } else {
            self.lambda_other
        }
    }
}

/// Similarity of a formal given name and its short or pet form: weaker than a spelling variant, since the short
/// form is also a name of its own (Jack, Tina).
const NICKNAME_SIMILARITY: f64 = 0.85;

/// Similarity of two single parts, with the method, or `None` when they do not agree.
pub fn part_similarity(a: &Part, b: &Part) -> Option<(f64, MatchMethod)> {
    use PartRole::*;
    match (a.role, b.role) {
        (Initial, Initial) => return (a.text == b.text).then_some((0.9, MatchMethod::Exact)),
        (Initial, Word) => {
            return b
                .text
                .starts_with(&a.text)
                .then_some((0.75, MatchMethod::Initial));
        }
        (Word, Initial) => {
            return a
                .text
                .starts_with(&b.text)
                .then_some((0.75, MatchMethod::Initial));
        }
        (Word, Word) => {}
        (x, y) if x == y => return (a.text == b.text).then_some((1.0, MatchMethod::Exact)),
        _ => return None,
    }
    if a.text == b.text {
        return Some((1.0, MatchMethod::Exact));
    }
    let mut best: Option<(f64, MatchMethod)> = None;
    let mut offer = |s: f64, m: MatchMethod| {
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, m));
        }
    };
    for g in a.groups.iter().filter(|g| b.groups.contains(g)) {
        if Lexicon::is_nickname_group(*g) {
            offer(NICKNAME_SIMILARITY, MatchMethod::Nickname);
        } else {
            offer(0.93, MatchMethod::Lexicon);
        }
    }
    if gendered_forms(&a.text, &b.text) || gendered_forms(&b.text, &a.text) {
        // Ivanova / Ivanov: the family name of a woman and of a man, relatives at most.
        return best;
    }
    if a.native_syllables && b.native_syllables {
        // Exact romanisations of native-script names: a different syllable is a different name.
        return best;
    }
    let (sa, sb) = (a.skeleton.as_bytes(), b.skeleton.as_bytes());
    if !sa.is_empty() && sa == sb {
        let s = if a.abjad || b.abjad {
            if sa.len() >= 3 { 0.92 } else { 0.85 }
        } else {
            let jw = jaro_winkler(a.text.as_bytes(), b.text.as_bytes());
            if sa.len() >= 3 {
                0.8 + 0.15 * jw
            } else {
                0.6 + 0.3 * jw
            }
        };
        offer(s, MatchMethod::Skeleton);
    }
    let (ta, tb) = (a.text.as_bytes(), b.text.as_bytes());
    let max_len = ta.len().max(tb.len());
    let skeletons_close = skeletons_close(&a.skeleton, &b.skeleton);
    let short_pair = typo_by_text(a) && typo_by_text(b);
    let typo_edits = typo_edits(ta.len().min(tb.len()), max_len);
    if (skeletons_close || short_pair) && typo_edits > 0 {
        match bounded_osa(ta, tb, 2) {
            Some(1) => offer(1.0 - 0.8 / max_len as f64, MatchMethod::Typo),
            Some(2)
                if typo_edits >= 2
                    && (skeletons_close
                        || (SHORT_TWO_EDIT_TYPOS
                            && short_pair
                            && within_one_edit_or_swap(sa, sb))) =>
            {
                offer(1.0 - 1.8 / max_len as f64, MatchMethod::Typo)
            }
            _ => {}
        }
    } else if max_len >= LONG_TYPO_LEN
        && skeletons_shifted(sa, sb)
        && bounded_osa(ta, tb, 2) == Some(2)
    {
        // A letter typed in the wrong place in a long name: "Khordorovsky" / "Khodorkovsky".
        offer(1.0 - 1.8 / max_len as f64, MatchMethod::Typo);
    }
    if skeletons_close && a.abjad != b.abjad && sa.len().min(sb.len()) >= 3 {
        // Latin against a vowel-less transliteration: a one-consonant difference is a spelling variant.
        offer(0.8, MatchMethod::Skeleton);
    }
    best
}

/// Whether `fem` is the feminine form of the Slavic family name `masc` or of a spelling of it (Ivanova / Ivanov,
/// Putina / Putin, Kowalska / Kowalski, Dostoyevskaya / Dostoyevsky): same first letter, the masculine ending in
/// `-ov`, `-ev`, `-in`, `-yn` or `-sk(i|y|ij|iy|ii)`, `-ck(i|y)`, the feminine in the same stem ending plus `-a`
/// (`-aya` / `-a` for `-sky`).
fn gendered_forms(fem: &str, masc: &str) -> bool {
    const PAIRS: &[(&str, &str)] = &[
        ("ova", "ov"),
        ("eva", "ev"),
        ("ina", "in"),
        ("yna", "yn"),
        ("skaya", "sky"),
        ("skaya", "skiy"),
        ("skaya", "skii"),
        ("skaja", "skij"),
        ("ska", "ski"),
        ("ska", "sky"),
        ("cka", "cki"),
        ("cka", "cky"),
    ];
    if fem.len() < 5 || masc.len() < 4 || fem.as_bytes()[0] != masc.as_bytes()[0] {
        return false;
    }
    PAIRS
        .iter()
        .any(|(f, m)| fem.ends_with(f) && masc.ends_with(m))
}

/// Texts from this length on may differ by a consonant moved within the name (see [`skeletons_shifted`]).
pub const LONG_TYPO_LEN: usize = 8;

/// Skeletons of at least this many classes may differ by a consonant moved (see [`skeletons_shifted`]).
pub const SHIFTED_MIN_CLASSES: usize = 5;

/// The most text edits (optimal string alignment) that [`part_similarity`] accepts as a typo between texts of
/// these lengths in bytes: none when the shorter has fewer than three or the longer fewer than four, one when
/// the longer has four, two from five on.
pub fn typo_edits(shorter: usize, longer: usize) -> u32 {
    if shorter < 3 || longer < 4 {
        0
    } else if longer < 5 {
        1
    } else {
        2
    }
}

/// Whether two skeletons of the same length (five classes or more) become equal when one class is deleted from
/// each: a consonant dropped in one place and added in another, as when a letter is typed in the wrong place. The
/// screening index finds such pairs through the one-deletion variants it keeps of skeletons of four or more.
pub fn skeletons_shifted(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() || n < SHIFTED_MIN_CLASSES || a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    // Deleting a[i] and b[j] (i <= j) leaves a[..i] == b[..i], a[i+1..=j] == b[i..j], a[j+1..] == b[j+1..]; the
    // same with the roles of a and b exchanged.
    let shifted = |x: &[u8], y: &[u8]| {
        (0..=prefix.min(n - 1))
            .any(|i| (i.max(n - 1 - suffix.min(n - 1))..n).any(|j| x[i + 1..=j] == y[i..j]))
    };
    shifted(a, b) || shifted(b, a)
}

/// Whether a part is short enough in skeleton that typos are found by its text (one-deletion variants of the
/// text) rather than by its skeleton: skeletons of at most three classes, texts of three to eight letters.
pub fn typo_by_text(part: &Part) -> bool {
    part.skeleton.len() <= 3 && (3..=8).contains(&part.text.len())
}

/// Whether two short names (see [`typo_by_text`]) whose skeletons are one edit apart may also differ by two
/// edits of their text ("Cooney" / "Carney", "Sechev" / "Sechin", "Jones" / "James"). Off until the screening
/// index retrieves such pairs: it must post every variant of [`typo_text_variants`] (up to
/// [`typo_text_deletions`] deletions) instead of the one-deletion variants.
pub const SHORT_TWO_EDIT_TYPOS: bool = false;

/// How many letters [`typo_text_variants`] deletes at most: 2 when [`SHORT_TWO_EDIT_TYPOS`] is on, else 1.
pub const fn typo_text_deletions() -> usize {
    if SHORT_TWO_EDIT_TYPOS { 2 } else { 1 }
}

/// The retrieval variants of a short part's text (see [`typo_by_text`]): the text and every text with up to
/// [`typo_text_deletions`] letters deleted. Two texts at most that many edits apart (optimal string alignment)
/// share a variant, so an index that posts these for its parts and probes them for a query part finds every
/// typo this module scores between short parts. Calls `f` once per variant (duplicates possible); nothing for
/// parts that are not [`typo_by_text`].
pub fn typo_text_variants(part: &Part, f: impl FnMut(&[u8])) {
    if typo_by_text(part) {
        deletion_variants(part.text.as_bytes(), typo_text_deletions(), f);
    }
}

/// `text` and every text with one, or one and two (`deletions` = 2), letters deleted.
fn deletion_variants(b: &[u8], deletions: usize, mut f: impl FnMut(&[u8])) {
    let mut buf: SmallVec<[u8; 8]> = SmallVec::new();
    f(b);
    for i in 0..b.len() {
        buf.clear();
        buf.extend_from_slice(&b[..i]);
        buf.extend_from_slice(&b[i + 1..]);
        f(&buf);
        if deletions >= 2 {
            for j in i + 1..b.len() {
                buf.clear();
                buf.extend_from_slice(&b[..i]);
                buf.extend_from_slice(&b[i + 1..j]);
                buf.extend_from_slice(&b[j + 1..]);
                f(&buf);
            }
        }
    }
}

/// Whether two skeletons are close enough for a typo or transliteration variant: one edit or one swap apart,
/// the longer of at least four classes (shorter skeletons say too little; their typos go by text).
pub fn skeletons_close(a: &str, b: &str) -> bool {
    a.len().max(b.len()) >= 4 && within_one_edit_or_swap(a.as_bytes(), b.as_bytes())
}

/// Similarity of a part written as one and two parts written apart whose joined skeletons (three classes or
/// more) are equal but whose texts are not (see [`merged_similarity`]).
pub const MERGED_SKELETON_SIMILARITY: f64 = 0.88;

/// Similarity of a part written as one against two adjacent parts `i, i+1` written apart (the alignment's
/// `Merged` edges).
pub fn merged_similarity(joined: &Part, apart: &PreparedName, i: usize) -> Option<f64> {
    let (first, second) = (&apart.parts[i], &apart.parts[i + 1]);
    if joined.role != PartRole::Word
        || first.role != PartRole::Word
        || second.role != PartRole::Word
    {
        return None;
    }
    let (concat, concat_skeleton) = &apart.adjacent[i];
    if joined.text == *concat {
        return Some(0.95);
    }
    (*concat_skeleton == joined.skeleton && concat_skeleton.len() >= 3)
        .then_some(MERGED_SKELETON_SIMILARITY)
}

/// Aligns `query` to `candidate` and scores the alignment. `q_weights` and `c_weights` give each part's weight
/// (role weight times rarity; 0 for parts that do not count), in part order.
pub fn align(
    query: &PreparedName,
    q_weights: &[f64],
    candidate: &PreparedName,
    c_weights: &[f64],
    params: &ScoreParams,
) -> Alignment {
    let (qp, cp) = (&query.parts, &candidate.parts);
    let n = qp.len().min(63);
    let m = cp.len().min(63);
    let mut edges: SmallVec<[Edge; 16]> = SmallVec::new();
    for i in 0..n {
        if q_weights[i] <= 0.0 {
            continue;
        }
        for j in 0..m {
            if c_weights[j] <= 0.0 {
                continue;
            }
            if let Some((s, method)) = part_similarity(&qp[i], &cp[j]) {
                edges.push(Edge {
                    q: [i as u8, 0],
                    q_len: 1,
                    c: [j as u8, 0],
                    c_len: 1,
                    similarity: s,
                    method,
                });
            }
        }
    }
    // Merges: two adjacent query parts against one candidate part, and the reverse.
    for i in 0..n.saturating_sub(1) {
        for (j, c_part) in cp.iter().enumerate().take(m) {
            if let Some(s) = merged_similarity(c_part, query, i) {
                let e = Edge {
                    q: [i as u8, (i + 1) as u8],
                    q_len: 2,
                    c: [j as u8, 0],
                    c_len: 1,
                    similarity: s,
                    method: MatchMethod::Merged,
                };
                edges.push(e);
            }
        }
    }
    for j in 0..m.saturating_sub(1) {
        for (i, q_part) in qp.iter().enumerate().take(n) {
            if let Some(s) = merged_similarity(q_part, candidate, j) {
                let e = Edge {
                    q: [i as u8, 0],
                    q_len: 1,
                    c: [j as u8, (j + 1) as u8],
                    c_len: 2,
                    similarity: s,
                    method: MatchMethod::Merged,
                };
                edges.push(e);
            }
        }
    }
    let edge_mass = |e: &Edge| -> f64 {
        let wq: f64 = e.q[..e.q_len as usize]
            .iter()
            .map(|&i| q_weights[i as usize])
            .sum();
        e.similarity * wq
    };
    // Greedy: highest similarity first; among equals, the heavier pair; then by position, so results are stable.
    edges.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(edge_mass(b).total_cmp(&edge_mass(a)))
            .then(a.q.cmp(&b.q))
            .then(a.c.cmp(&b.c))
    });
    let mut q_used = 0u64;
    let mut c_used = 0u64;
    let mut chosen: SmallVec<[Edge; 8]> = SmallVec::new();
    for e in edges {
        let qmask = e.q[..e.q_len as usize]
            .iter()
            .fold(0u64, |m, &i| m | 1 << i);
        let cmask = e.c[..e.c_len as usize]
            .iter()
            .fold(0u64, |m, &j| m | 1 << j);
        if q_used & qmask == 0 && c_used & cmask == 0 {
            q_used |= qmask;
            c_used |= cmask;
            chosen.push(e);
        }
    }
    let mut al = Alignment {
        edges: chosen,
        q_weights: q_weights[..n].iter().copied().collect(),
        c_weights: c_weights[..m].iter().copied().collect(),
        q_used,
        c_used,
        score: 0.0,
        conflict: false,
        inversions: 0,
        numeral_mismatch: false,
        legal_form_mismatch: false,
    };
    al.score = al.compute_score(query, candidate, params);
    al
}

impl Alignment {
    fn compute_score(
        &mut self,
        query: &PreparedName,
        candidate: &PreparedName,
        params: &ScoreParams,
    ) -> f64 {
        if self.edges.is_empty() {
            return 0.0;
        }
        let w_q: f64 = self.q_weights.iter().sum();
        if w_q <= 0.0 {
            return 0.0;
        }
        let mut matched = 0.0;
        let mut matched_weight = 0.0;
        for e in &self.edges {
            let w: f64 = e.q[..e.q_len as usize]
                .iter()
                .map(|&i| self.q_weights[i as usize])
                .sum();
            matched += e.similarity * w;
            matched_weight += w;
        }
        let unmatched = |weights: &[f64], used: u64| -> f64 {
            weights
                .iter()
                .enumerate()
                .filter(|(i, _)| used & (1 << i) == 0)
                .map(|(_, w)| w)
                .sum()
        };
        let u_q = unmatched(&self.q_weights, self.q_used);
        let u_c = unmatched(&self.c_weights, self.c_used);
        let lambda = params.lambda(candidate.class);
        let mut score = matched / (matched_weight + lambda * (u_q + u_c));
        // Both names keep a distinctive part the other lacks: evidence of two different people, in proportion.
        // An unmatched `abd` makes its compound a different name ("Abdul Mohammed" is not "Mohammed"): it
        // conflicts with the weight of the word it governs.
        let conflicting = |parts: &[Part], weights: &[f64], used: u64| -> f64 {
            parts
                .iter()
                .zip(weights)
                .enumerate()
                .filter(|(i, (p, _))| used & (1 << i) == 0 && p.role.can_conflict())
                .map(|(i, (p, w))| {
                    if p.role == PartRole::Abd {
                        weights.get(i + 1).copied().unwrap_or(*w).max(*w)
                    } else {
                        *w
                    }
                })
                .sum()
        };
        let cq = conflicting(&query.parts, &self.q_weights, self.q_used);
        let cc = conflicting(&candidate.parts, &self.c_weights, self.c_used);
        self.conflict = cq > 0.0 && cc > 0.0;
        if self.conflict {
            let w_c: f64 = self.c_weights.iter().sum();
            let factor = 1.0 - params.conflict_strength * cq.min(cc) / w_q.max(w_c);
            score *= factor.max(0.5);
        }
        // Aligned parts in a different order: mild for given/family swaps, strong across a patronymic chain
        // ("Salman bin Muhammad" is the son, "Muhammad bin Salman" the father).
        self.inversions = self.count_inversions();
        if self.inversions > 0 {
            score *= if self.swapped_lineage(query, candidate) {
                params.chain_order_factor
            } else {
                params.order_factor
            };
        }
        let unmatched_numeral = |parts: &[Part], used: u64| {
            parts
                .iter()
                .enumerate()
                .any(|(i, p)| i < 64 && used & (1 << i) == 0 && p.role == PartRole::Numeral)
        };
        self.numeral_mismatch = unmatched_numeral(&query.parts, self.q_used)
            || unmatched_numeral(&candidate.parts, self.c_used);
        if self.numeral_mismatch {
            score *= params.numeral_factor;
        }
        let forms = |parts: &[Part], used: u64| {
            let mut stated = false;
            for (i, p) in parts.iter().enumerate().take(64) {
                // "Company" and "Corporation" are as much words of the name as legal forms.
                if p.role == PartRole::CompanyForm && !matches!(p.text.as_str(), "co" | "corp") {
                    if used & (1 << i) != 0 {
                        return (true, true);
                    }
                    stated = true;
                }
            }
            (stated, false)
        };
        let (q_forms, q_agree) = forms(&query.parts, self.q_used);
        let (c_forms, c_agree) = forms(&candidate.parts, self.c_used);
        self.legal_form_mismatch = q_forms && c_forms && !q_agree && !c_agree;
        if self.legal_form_mismatch {
            score *= params.legal_form_factor;
        }
        score.clamp(0.0, 1.0)
    }

    /// Whether both names say "X bin Y" and X, Y are aligned the other way round (the son for the father).
    fn swapped_lineage(&self, query: &PreparedName, candidate: &PreparedName) -> bool {
        // (son, father): the words just before and just after each `bin`, skipping articles.
        let lineages = |n: &PreparedName| -> SmallVec<[(usize, usize); 2]> {
            let word = |i: &usize| n.parts[*i].role == PartRole::Word;
            (0..n.parts.len())
                .filter(|&i| n.parts[i].role == PartRole::Patronymic)
                .filter_map(|i| {
                    Some(((0..i).rev().find(word)?, (i + 1..n.parts.len()).find(word)?))
                })
                .collect()
        };
        let aligned_to = |q: usize| -> Option<usize> {
            self.edges
                .iter()
                .find(|e| e.q[..e.q_len as usize].contains(&(q as u8)))
                .map(|e| e.c[0] as usize)
        };
        let c_lineages = lineages(candidate);
        lineages(query).iter().any(|&(son, father)| {
            matches!((aligned_to(son), aligned_to(father)), (Some(cs), Some(cf)) if c_lineages.contains(&(cf, cs)))
        })
    }

    /// Pairs of aligned word parts whose order differs between the two names.
    fn count_inversions(&self) -> usize {
        let mut order: SmallVec<[(u8, u8); 8]> =
            self.edges.iter().map(|e| (e.q[0], e.c[0])).collect();
        order.sort_unstable();
        let mut n = 0;
        for i in 0..order.len() {
            for j in i + 1..order.len() {
                if order[j].1 < order[i].1 {
                    n += 1;
                }
            }
        }
        n
    }

    /// The name score in [0, 1].
    pub fn score(&self) -> f64 {
        self.score
    }

    /// The query-side weight of the aligned parts: how much distinctive name the match rests on (a lone common
    /// given name rests on little, however well it matches).
    pub fn matched_weight(&self) -> f64 {
        self.edges
            .iter()
            .map(|e| {
                e.q[..e.q_len as usize]
                    .iter()
                    .map(|&i| self.q_weights[i as usize])
                    .sum::<f64>()
            })
            .sum()
    }

    /// A readable account of the alignment.
    pub fn explain(&self, query: &PreparedName, candidate: &PreparedName) -> NameExplanation {
        let join = |parts: &[Part], idx: &[u8]| -> String {
            idx.iter()
                .map(|&i| parts[i as usize].text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let pairs = self
            .edges
            .iter()
            .map(|e| AlignedParts {
                query: join(&query.parts, &e.q[..e.q_len as usize]),
                candidate: join(&candidate.parts, &e.c[..e.c_len as usize]),
                method: e.method,
                similarity: round3(e.similarity),
                weight: round3(
                    e.q[..e.q_len as usize]
                        .iter()
                        .map(|&i| self.q_weights[i as usize])
                        .sum(),
                ),
            })
            .collect();
        let leftovers =
            |parts: &[Part], weights: &[f64], used: u64, counted: bool| -> Vec<String> {
                parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| {
                        *i < weights.len() && used & (1 << i) == 0 && (weights[*i] > 0.0) == counted
                    })
                    .map(|(_, p)| p.text.clone())
                    .collect()
            };
        let mut ignored = leftovers(&query.parts, &self.q_weights, self.q_used, false);
        ignored.extend(leftovers(
            &candidate.parts,
            &self.c_weights,
            self.c_used,
            false,
        ));
        let mut adjustments = Vec::new();
        if self.conflict {
            adjustments.push(
                "both names keep an unmatched part (for example a different family name)"
                    .to_string(),
            );
        }
        if self.inversions > 0 {
            adjustments.push(format!(
                "{} pair(s) of parts in a different order",
                self.inversions
            ));
        }
        if self.numeral_mismatch {
            adjustments.push("a number or numeral is not matched".to_string());
        }
        if self.legal_form_mismatch {
            adjustments.push("the names state different legal forms".to_string());
        }
        NameExplanation {
            query: query.original.clone(),
            candidate: candidate.original.clone(),
            score: round3(self.score),
            pairs,
            unmatched_query: leftovers(&query.parts, &self.q_weights, self.q_used, true),
            unmatched_candidate: leftovers(&candidate.parts, &self.c_weights, self.c_used, true),
            ignored,
            adjustments,
        }
    }
}

/// Rounds to three decimals for output.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Parts that were aligned, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignedParts {
    pub query: String,
    pub candidate: String,
    pub method: MatchMethod,
    pub similarity: f64,
    /// The query-side weight of the pair (role times rarity).
    pub weight: f64,
}

/// Why two names scored what they did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameExplanation {
    pub query: String,
    pub candidate: String,
    pub score: f64,
    pub pairs: Vec<AlignedParts>,
    pub unmatched_query: Vec<String>,
    pub unmatched_candidate: Vec<String>,
    /// Parts that do not count (articles, honorifics, stopwords).
    pub ignored: Vec<String>,
    pub adjustments: Vec<String>,
}

/// Weights of each part of `name`: role weight times rarity.
pub fn part_weights(name: &PreparedName, weights: &dyn PartWeights) -> SmallVec<[f64; 8]> {
    name.parts
        .iter()
        .map(|p| {
            p.role.base_weight()
                * if p.role.base_weight() > 0.0 {
                    weights.rarity(p)
                } else {
                    0.0
                }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_skeletons() {
        let table = [
            ("XRDRVSK", "XDRKVSK", true),
            ("ABCDE", "ABXDE", true),
            ("ABCDEF", "BCDEFA", true),
            ("ABCDE", "ABCDE", false),
            ("ABCD", "ABDC", false),
            ("ABCDEF", "ABCDE", false),
            ("KLMNOP", "KMLNPO", false),
        ];
        for (a, b, want) in table {
            assert_eq!(
                skeletons_shifted(a.as_bytes(), b.as_bytes()),
                want,
                "{a} {b}"
            );
            assert_eq!(
                skeletons_shifted(b.as_bytes(), a.as_bytes()),
                want,
                "{b} {a}"
            );
        }
    }

    fn variants(text: &str, deletions: usize) -> std::collections::HashSet<Vec<u8>> {
        let mut out = std::collections::HashSet::new();
        deletion_variants(text.as_bytes(), deletions, |v| {
            out.insert(v.to_vec());
        });
        out
    }

    #[test]
    fn deletion_variants_reveal_short_typos() {
        let table = [
            ("cooney", "carney", 2, true),
            ("sechev", "sechin", 2, true),
            ("jones", "james", 2, true),
            ("khaja", "khan", 2, true),
            ("jones", "james", 1, false),
            ("scholz", "scholze", 1, true),
            ("abcdef", "abfcde", 2, true),
            ("abc", "xyz", 2, false),
        ];
        for (a, b, deletions, shared) in table {
            let (va, vb) = (variants(a, deletions), variants(b, deletions));
            assert_eq!(!va.is_disjoint(&vb), shared, "{a} {b} {deletions}");
        }
        assert_eq!(variants("abcd", 1).len(), 5);
        assert_eq!(variants("abcd", 2).len(), 11);
    }

    proptest::proptest! {
        /// Texts at most `d` edits apart (optimal string alignment) share a variant with up to `d` deletions, so
        /// retrieval by these variants misses no typo the scorer accepts.
        #[test]
        fn variants_cover_edit_distance(a in "[a-d]{3,8}", b in "[a-d]{3,8}", d in 1usize..=2) {
            if bounded_osa(a.as_bytes(), b.as_bytes(), d).is_some() {
                proptest::prop_assert!(!variants(&a, d).is_disjoint(&variants(&b, d)), "{} {}", a, b);
            }
        }
    }

    #[test]
    fn gendered_family_names() {
        let table = [
            ("ivanova", "ivanov", true),
            ("putina", "putin", true),
            ("kowalska", "kowalski", true),
            ("dostoyevskaya", "dostoyevsky", true),
            ("ivanova", "petrov", false),
            ("ivanov", "ivanova", false),
            ("marina", "marin", true),
            ("lina", "lin", false),
        ];
        for (fem, masc, want) in table {
            assert_eq!(gendered_forms(fem, masc), want, "{fem} {masc}");
        }
    }
}
