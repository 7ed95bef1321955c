//! Retrieval keys: every way two name parts can agree (see `interdict_names::part_similarity`) has a key that
//! both parts produce, so looking keys up in the inverted index finds every candidate the scorer could score.
//!
//! - `T`: the folded text (exact matches; also adjacent-part concatenations for merged parts);
//! - `G`: variant-lexicon groups;
//! - `S`, `D`: the consonant skeleton, and for skeletons of four or more classes every skeleton with one class
//!   deleted (equal skeletons, typos, and Latin against vowel-less transliterations are at most one edit apart
//!   on the skeleton, counting a swap of neighbours as one edit, which two deletions also reveal). Hits that
//!   need a typo are checked against the posting entry's [`PartSignature`] before they count;
//! - `M`, `N`: text and skeleton of two adjacent indexed parts joined, probed by a query part written as one;
//! - `E`: for parts with a skeleton of at most three classes, the text and its one-deletion variants.

use interdict_names::{Part, PartRole, PreparedName};
use rustc_hash::FxHasher;
use smallvec::{SmallVec, smallvec};
use std::hash::Hasher;

pub(crate) type Key = u64;

fn key(family: u8, bytes: &[u8]) -> Key {
    let mut h = FxHasher::default();
    h.write_u8(family);
    h.write(bytes);
    // FxHasher is weak in its low bits for short inputs; mix once more.
    let x = h.finish();
    (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

/// The key of a part's folded text, whose posting-list length is the part's document frequency.
pub(crate) fn text_key(text: &str) -> Key {
    key(b'T', text.as_bytes())
}

/// What a probe hit must satisfy before it counts: keys of the typo families reach many parts that are not
/// within the edit distance the scorer allows, and posting entries carry enough of the part (see
/// [`PartSignature`]) to drop those without touching the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Every hit counts (same text, same lexicon group, same skeleton, initials, joined parts).
    None,
    /// Every hit counts, and the parts are at most variants of each other (same lexicon group, same skeleton):
    /// their similarity is below 1.0 unless their texts are equal, which the `T` key says.
    Variant,
    /// Every hit counts, at a known similarity below 1.0: a joined skeleton (the `N` key of a query part, the
    /// `S` key of two adjacent query parts joined), which `interdict_names::merged_similarity` scores
    /// [`interdict_names::MERGED_SKELETON_SIMILARITY`] unless the joined texts are equal, which the `M` and `T`
    /// keys say.
    Capped,
    /// The parts must be at most one text edit apart (`E` family): the probe is the query text with the byte
    /// `deleted` removed at `at` ([`WHOLE`] when nothing is removed); see [`PartSignature::admits`].
    OneEdit { at: u8, deleted: u8 },
    /// The parts must be at most two text edits apart, or one of them a vowel-less transliteration
    /// (`S` probed with a deletion of the query skeleton).
    TwoEdits,
    /// As `TwoEdits`, against `D` entries ([`PartSignature::skeleton_deletion`]); the probe is the query
    /// skeleton with the class `class` removed at `at` ([`WHOLE`]: the whole skeleton). An entry that removed
    /// the same class at the same place has the query's own skeleton: the `S` key already reaches it.
    /// `shifts`: the query skeleton is long enough for a consonant moved within it
    /// (`interdict_names::skeletons_shifted`).
    SkeletonDeletion { at: u8, class: u8, shifts: bool },
}

/// The bit of each letter `a`..`z` in a signature's letter set: the vowels and `y` first, then the consonants in
/// alphabetical order, so that [`PartSignature::fold13`] keeps a bit per vowel with a few shifts.
const LETTER_BIT: [u8; 26] = [
    0, 6, 7, 8, 1, 9, 10, 11, 2, 12, 13, 14, 15, 16, 3, 17, 18, 19, 20, 21, 4, 22, 23, 24, 5, 25,
];

/// The position of a deletion standing for "no byte removed".
pub(crate) const WHOLE: u8 = 31;

impl Check {
    /// Whether every entry under the probed key counts (no signature check).
    pub fn admits_all(self) -> bool {
        matches!(self, Check::None | Check::Variant | Check::Capped)
    }

    /// The entries this check rejects as a block: within each signature prefix, the entries whose low 26
    /// signature bits are in the returned inclusive range made their key the same way the probe did, so the
    /// part is the query part's own text (`OneEdit`) or skeleton (`SkeletonDeletion`), which the `T` and `S`
    /// keys reach. Entries are sorted by signature, so the block is one run per prefix and is not read.
    pub fn same_key_block(self) -> Option<(u32, u32)> {
        match self {
            Check::OneEdit { at, deleted } => {
                let v = (deleted as u32) << 5 | at as u32;
                Some((v, v))
            }
            // Positions from 30 on share one value, so only lower ones identify the skeleton.
            Check::SkeletonDeletion { at, class, .. } if at < WHOLE - 1 => {
                let v = (at as u32) << 21 | (class as u32) << 13;
                Some((v, v | 0x1fff))
            }
            _ => None,
        }
    }

    /// Order of leniency (for keeping the most lenient of duplicate probes).
    pub fn rank(self) -> u8 {
        match self {
            Check::None | Check::Variant | Check::Capped => 0,
            Check::TwoEdits => 1,
            Check::SkeletonDeletion { .. } => 2,
            Check::OneEdit { .. } => 3,
        }
    }
}

/// A part's text length, letter set and abjad flag, packed in 32 bits: a lower bound of the edit distance
/// between two texts can be read from two signatures (each edit changes the length by at most one and the set of
/// letters by at most two), so typo-family hits that cannot be typos are dropped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartSignature(pub u32);

impl PartSignature {
    const LETTER_BITS: u32 = 26;
    const LENGTH_SHIFT: u32 = 26;
    const ABJAD_BIT: u32 = 1 << 31;

    /// The signature of an `E` entry: the part's abjad flag and length, and where a byte was deleted from its
    /// text to make the key, and which byte ([`WHOLE`]: none).
    pub fn deletion(part: &Part, at: u8, deleted: u8) -> Self {
        let prefix = Self::of(part).0 & !((1 << Self::LETTER_BITS) - 1);
        PartSignature(prefix | (deleted as u32) << 5 | at as u32)
    }

    /// The signature of a `D` entry: the part's abjad flag and length, where a class was deleted from its
    /// skeleton and which, and its letter set folded to 13 bits.
    pub fn skeleton_deletion(part: &Part, at: u8, class: u8) -> Self {
        let whole = Self::of(part).0;
        let prefix = whole & !((1 << Self::LETTER_BITS) - 1);
        PartSignature(prefix | (at as u32) << 21 | (class as u32) << 13 | Self::fold13(whole))
    }

    /// The letter bits folded onto 13: the vowels and `y` keep a bit each, the twenty consonants share seven
    /// ([`LETTER_BIT`]). Two parts under one `D` key have the same consonant classes but one, so their vowels
    /// tell them apart more than their consonants do. (Collisions only shrink set differences, so bounds still
    /// hold.)
    fn fold13(signature: u32) -> u32 {
        let letters = signature & ((1 << Self::LETTER_BITS) - 1);
        let consonants = (letters >> 6 | letters >> 13 | letters >> 20) & 0x7f;
        (letters & 0x3f) | consonants << 6
    }

    pub fn of(part: &Part) -> Self {
        // Bytes outside a-z share the letter bits: collisions only shrink the set difference, so the bound holds.
        let letters = part.text.bytes().fold(0u32, |m, b| {
            m | 1 << LETTER_BIT[(b.wrapping_sub(b'a') as u32 % Self::LETTER_BITS) as usize]
        });
        let length = part.text.len().min(31) as u32;
        let abjad = if part.abjad { Self::ABJAD_BIT } else { 0 };
        PartSignature(letters | length << Self::LENGTH_SHIFT | abjad)
    }

    fn length(self) -> u32 {
        (self.0 >> Self::LENGTH_SHIFT) & 31
    }

    fn abjad(self) -> bool {
        self.0 & Self::ABJAD_BIT != 0
    }

    /// The ranges of signature prefixes (abjad flag and length, the top six bits) that `check` can admit
    /// against this signature, as inclusive `(from, to)` pairs. Posting entries are sorted by signature, so each
    /// range is one slice of a posting.
    pub fn admitted_prefixes(self, check: Check) -> SmallVec<[(u32, u32); 2]> {
        let prefix = |abjad: bool, length: u32| (abjad as u32) << 5 | length;
        let around = |abjad: bool, edits: u32| {
            let l = self.length();
            (
                prefix(abjad, l.saturating_sub(edits)),
                prefix(abjad, (l + edits).min(31)),
            )
        };
        match check {
            Check::None | Check::Variant | Check::Capped => smallvec![(0, 63)],
            Check::OneEdit { .. } => smallvec![around(false, 1), around(true, 1)],
            Check::TwoEdits | Check::SkeletonDeletion { .. } => {
                smallvec![
                    around(self.abjad(), 2),
                    (prefix(!self.abjad(), 0), prefix(!self.abjad(), 31))
                ]
            }
        }
    }

    /// The abjad flag and length of a signature, as sorted in postings (see [`Self::admitted_prefixes`]).
    pub fn prefix(self) -> u32 {
        self.0 >> Self::LENGTH_SHIFT
    }

    /// Whether two parts with these signatures can pass `check`. For `OneEdit`, `other` is an `E` entry's
    /// signature ([`Self::deletion`]): two texts that share a one-byte deletion are one edit apart exactly when
    /// the deletions are at the same place (a substitution), one side deleted nothing (an insertion), or they
    /// are neighbours removing the same byte (a transposition).
    pub fn admits(self, other: PartSignature, check: Check) -> bool {
        match check {
            Check::None | Check::Variant | Check::Capped => return true,
            Check::OneEdit { at, deleted } => {
                let other_at = (other.0 & 31) as u8;
                let other_deleted = ((other.0 >> 5) & 0xff) as u8;
                // The same deletion (or none on both sides) of the same text: see `Check::same_key_block`.
                if at == other_at && deleted == other_deleted {
                    return false;
                }
                return self.length().abs_diff(other.length()) <= 1
                    && (at == WHOLE
                        || other_at == WHOLE
                        || at == other_at
                        || (at.abs_diff(other_at) == 1 && deleted == other_deleted));
            }
            Check::SkeletonDeletion { at, class, shifts } => {
                if (self.0 ^ other.0) & Self::ABJAD_BIT != 0 {
                    return true;
                }
                let other_at = ((other.0 >> 21) & 31) as u8;
                let other_class = ((other.0 >> 13) & 0xff) as u8;
                // Positions from 30 on share one value, so only lower ones identify the skeleton.
                if at < WHOLE - 1 && other_at == at && other_class == class {
                    return false;
                }
                // Two skeletons that delete a class each into the same key are a substitution apart when they
                // deleted at the same place, and a swap apart when they deleted the same class at neighbouring
                // places. Otherwise they are two edits apart, which the scorer accepts only as a consonant moved
                // within a long name and skeleton (`skeletons_shifted`): short of that the entry is dropped,
                // since any skeletons a substitution or a swap apart also make the keys of those two cases.
                let long =
                    self.length().max(other.length()) as usize >= interdict_names::LONG_TYPO_LEN;
                if at < WHOLE - 1 && other_at < WHOLE - 1 && !(shifts && long) {
                    let substitution = at == other_at;
                    let swap = at.abs_diff(other_at) == 1 && class == other_class;
                    if !substitution && !swap {
                        return false;
                    }
                }
                return self.within_typo(other, Self::fold13(self.0), other.0 & 0x1fff);
            }
            Check::TwoEdits => {
                if (self.0 ^ other.0) & Self::ABJAD_BIT != 0 {
                    return true;
                }
            }
        };
        let letters = (1 << Self::LETTER_BITS) - 1;
        self.within_typo(other, self.0 & letters, other.0 & letters)
    }

    /// Whether the text of this signature (letter set `own`) and the text of `other` (letter set `theirs`,
    /// both folded alike or both not) can be a typo of each other: at most as many edits apart as
    /// [`interdict_names::typo_edits`] allows for their lengths. Turning this text into the other takes `i`
    /// insertions, `d` deletions and `s` substitutions (swaps change no letter) with `i - d` the difference of
    /// the lengths: the letters only the other has are at most `i + s`, those only this one has at most
    /// `d + s`. The fewest deletions the lengths allow leave the most room for both, so with `Δ` the length
    /// difference and `e` the edits: the longer text's own letters are at most `e`, the shorter's `e - Δ`.
    /// (Folding maps letters to fewer bits: a folded difference is never larger than the letters', so the
    /// bound holds. Lengths from 31 on read as 31, which only allows more.)
    fn within_typo(self, other: PartSignature, own: u32, theirs: u32) -> bool {
        let only_own = (own & !theirs).count_ones();
        let only_theirs = (theirs & !own).count_ones();
        // (length, letters only it has) of the shorter and the longer text.
        let ((shorter, shorter_only), (longer, longer_only)) = if other.length() >= self.length() {
            ((self.length(), only_own), (other.length(), only_theirs))
        } else {
            ((other.length(), only_theirs), (self.length(), only_own))
        };
        let edits = interdict_names::typo_edits(shorter as usize, longer as usize);
        let difference = longer - shorter;
        difference <= edits && longer_only <= edits && shorter_only <= edits - difference
    }
}

/// Index side: the full skeleton (`S`) and, for skeletons of four or more classes, every one-class deletion
/// (`D`). Query side ([`skeleton_probes`]): the full skeleton against both, and its deletions against both.
fn skeleton_keys(part: &Part, out: &mut Vec<(Key, PartSignature)>) {
    let b = part.skeleton.as_bytes();
    if b.is_empty() {
        return;
    }
    out.push((skeleton_key(&part.skeleton), PartSignature::of(part)));
    for_each_deletion(b, 4, |at, class, d| {
        out.push((
            key(b'D', d),
            PartSignature::skeleton_deletion(part, at, class),
        ))
    });
}

fn skeleton_probes(skeleton: &str, out: &mut Vec<(Key, Check)>) {
    let b = skeleton.as_bytes();
    if b.is_empty() {
        return;
    }
    // Equal skeletons agree whatever the texts; a one-class difference needs the texts close (or an abjad side).
    out.push((skeleton_key(skeleton), Check::Variant));
    if b.len() >= 3 {
        // The candidate's skeleton is one class longer (at least four).
        let whole = Check::SkeletonDeletion {
            at: WHOLE,
            class: 0,
            shifts: false,
        };
        out.push((key(b'D', b), whole));
    }
    let shifts = b.len() >= interdict_names::SHIFTED_MIN_CLASSES;
    for_each_deletion(b, 4, |at, class, d| {
        out.push((key(b'S', d), Check::TwoEdits));
        out.push((key(b'D', d), Check::SkeletonDeletion { at, class, shifts }));
    });
}

/// Calls `f(position, byte, rest)` with every one-byte deletion of `b` when `b` has at least `min_len`
/// bytes (positions from 30 on are reported as 30; `E` keys are only made of texts of at most eight bytes).
fn for_each_deletion(b: &[u8], min_len: usize, mut f: impl FnMut(u8, u8, &[u8])) {
    if b.len() < min_len {
        return;
    }
    let mut buf = Vec::with_capacity(b.len());
    for i in 0..b.len() {
        buf.clear();
        buf.extend_from_slice(&b[..i]);
        buf.extend_from_slice(&b[i + 1..]);
        f(i.min(WHOLE as usize - 1) as u8, b[i], &buf);
    }
}

/// The key of a word's full consonant skeleton (family `S`).
pub(crate) fn skeleton_key(skeleton: &str) -> Key {
    key(b'S', skeleton.as_bytes())
}

/// The key of a variant-lexicon group.
pub(crate) fn group_key(group: interdict_names::GroupId) -> Key {
    key(b'G', &group.to_le_bytes())
}

/// The key of the spellings of a variant-lexicon group whose skeleton is not the group's most common one among
/// the listed spellings (family `R`, see `WatchlistIndex::dominant_skeletons`).
pub(crate) fn residual_group_key(group: interdict_names::GroupId) -> Key {
    key(b'R', &group.to_le_bytes())
}

/// The key of an initial: posted by a name's initials, probed by the first letter of each query word (and the
/// reverse: a query initial is free, see `search`).
pub(crate) fn initial_key(letter: u8) -> Key {
    key(b'I', &[letter])
}

/// Index side: keys of one part with the signature its entries carry (empty for parts that do not count or
/// that match only exactly).
pub(crate) fn part_keys(part: &Part, out: &mut Vec<(Key, PartSignature)>) {
    let signature = PartSignature::of(part);
    if part.role == PartRole::Initial
        && let Some(&b) = part.text.as_bytes().first()
    {
        out.push((initial_key(b), signature));
    }
    out.push((text_key(&part.text), signature));
    if part.role != PartRole::Word {
        return;
    }
    for g in &part.groups {
        out.push((group_key(*g), signature));
    }
    skeleton_keys(part, out);
    if interdict_names::typo_by_text(part) {
        // Short skeletons: typos are found through one-deletion variants of the text.
        let b = part.text.as_bytes();
        for_each_deletion(b, 1, |at, deleted, d| {
            out.push((key(b'E', d), PartSignature::deletion(part, at, deleted)))
        });
        out.push((key(b'E', b), PartSignature::deletion(part, WHOLE, 0)));
    }
}

/// Query side: the keys a part probes, each with the check its hits must pass. Every candidate part that
/// `interdict_names::part_similarity` can match with `part` is posted under one of them and passes its check.
pub(crate) fn part_probes(part: &Part, out: &mut Vec<(Key, Check)>) {
    if part.role == PartRole::Initial
        && let Some(&b) = part.text.as_bytes().first()
    {
        out.push((initial_key(b), Check::None));
    }
    out.push((text_key(&part.text), Check::None));
    if part.role != PartRole::Word {
        return;
    }
    for g in &part.groups {
        out.push((group_key(*g), Check::Variant));
    }
    skeleton_probes(&part.skeleton, out);
    if interdict_names::typo_by_text(part) {
        let b = part.text.as_bytes();
        for_each_deletion(b, 1, |at, deleted, d| {
            out.push((key(b'E', d), Check::OneEdit { at, deleted }))
        });
        out.push((
            key(b'E', b),
            Check::OneEdit {
                at: WHOLE,
                deleted: 0,
            },
        ));
    }
}

/// The keys of a part that a query part can share with it without a check (same text, lexicon group,
/// skeleton; a candidate initial under its letter): the keys pair keys are made of.
pub(crate) fn pairable_keys(part: &Part, out: &mut Vec<Key>) {
    if part.role == PartRole::Initial
        && let Some(&b) = part.text.as_bytes().first()
    {
        out.push(initial_key(b));
    }
    out.push(text_key(&part.text));
    if part.role != PartRole::Word {
        return;
    }
    for g in &part.groups {
        out.push(group_key(*g));
    }
    if !part.skeleton.is_empty() {
        out.push(skeleton_key(&part.skeleton));
    }
}

/// The key of a pair of large keys (family `P`), posted by names whose two parts carry them: a query whose
/// common words would each reach far too many names reaches the names that have two of them at once.
pub(crate) fn pair_key(a: Key, b: Key) -> Key {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&lo.to_le_bytes());
    bytes[8..].copy_from_slice(&hi.to_le_bytes());
    key(b'P', &bytes)
}

/// Index side: keys of the concatenation of parts `i` and `i + 1` (families `M` text, `N` skeleton), which a
/// query part written as one word probes with [`merge_probe_keys`]. Kept apart from the single-part families so
/// that a hit through them is known to consume two candidate parts.
pub(crate) fn indexed_adjacent_keys(name: &PreparedName, i: usize, out: &mut Vec<Key>) {
    if name.parts[i].role != PartRole::Word || name.parts[i + 1].role != PartRole::Word {
        return;
    }
    let (joined, skeleton) = &name.adjacent[i];
    out.push(key(b'M', joined.as_bytes()));
    if skeleton.len() >= 3 {
        out.push(key(b'N', skeleton.as_bytes()));
    }
}

/// Query side: the keys under which a candidate's two adjacent parts equal to this one part are posted, with
/// their checks: the joined text may match exactly, the joined skeleton alone at a capped similarity.
pub(crate) fn merge_probe_keys(part: &Part, out: &mut Vec<(Key, Check)>) {
    if part.role != PartRole::Word {
        return;
    }
    out.push((key(b'M', part.text.as_bytes()), Check::None));
    if part.skeleton.len() >= 3 {
        out.push((key(b'N', part.skeleton.as_bytes()), Check::Capped));
    }
}

/// Query side: keys of the concatenation of query parts `i` and `i + 1`, matched against candidates' single
/// parts (families `T` and `S`), with their checks: the joined text may match exactly, the joined skeleton
/// alone at a capped similarity (see [`merge_probe_keys`]).
pub(crate) fn adjacent_keys(name: &PreparedName, i: usize, out: &mut Vec<(Key, Check)>) {
    if name.parts[i].role != PartRole::Word || name.parts[i + 1].role != PartRole::Word {
        return;
    }
    let (joined, skeleton) = &name.adjacent[i];
    out.push((text_key(joined), Check::None));
    if skeleton.len() >= 3 {
        out.push((key(b'S', skeleton.as_bytes()), Check::Capped));
    }
}

/// Key of a document number (normalised: upper-case alphanumerics).
pub(crate) fn document_key(normalized_number: &str) -> Key {
    key(b'D', normalized_number.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_names::{Lexicon, NameClass, part_similarity, prepare};
    use proptest::prelude::*;

    fn part(text: &str) -> Part {
        let prepared = prepare(text, NameClass::Person, Lexicon::builtin());
        prepared.parts.into_iter().next().expect("one part")
    }

    /// Whether some probe of `query` meets an index key of `candidate` under which the entry passes the
    /// probe's check (in an admitted prefix range, and admitted by signature).
    fn reached(query: &Part, candidate: &Part) -> bool {
        let (mut probes, mut posted) = (Vec::new(), Vec::new());
        part_probes(query, &mut probes);
        part_keys(candidate, &mut posted);
        let own = PartSignature::of(query);
        probes.iter().any(|&(k, check)| {
            posted.iter().any(|&(key, entry)| {
                key == k
                    && own
                        .admitted_prefixes(check)
                        .iter()
                        .any(|&(from, to)| (from..=to).contains(&entry.prefix()))
                    && own.admits(entry, check)
            })
        })
    }

    /// A word and the same word with up to three random edits (insert, delete, substitute, swap): most pairs
    /// are within the scorer's typo distance, some just beyond it.
    fn word_and_edit() -> impl Strategy<Value = (String, String)> {
        let letters = "abdeghiklmnorstuyz";
        let word = prop::collection::vec(prop::sample::select(letters.as_bytes().to_vec()), 3..11);
        let edit = (
            0u8..4,
            any::<prop::sample::Index>(),
            prop::sample::select(letters.as_bytes().to_vec()),
        );
        (word, prop::collection::vec(edit, 0..4)).prop_map(|(word, edits)| {
            let mut edited = word.clone();
            for (kind, at, letter) in edits {
                let i = at.index(edited.len().max(1));
                match kind {
                    0 => edited.insert(i, letter),
                    1 if edited.len() > 1 => {
                        edited.remove(i);
                    }
                    2 if !edited.is_empty() => edited[i] = letter,
                    3 if i + 1 < edited.len() => edited.swap(i, i + 1),
                    _ => {}
                }
            }
            (
                String::from_utf8(word).unwrap(),
                String::from_utf8(edited).unwrap(),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Every pair of parts the scorer finds similar shares a key whose check admits the pair, both ways
        /// round: the signature checks drop only hits that cannot be typos.
        #[test]
        fn every_similar_pair_is_reached_and_admitted((a, b) in word_and_edit()) {
            let (a, b) = (part(&a), part(&b));
            if part_similarity(&a, &b).is_some() {
                prop_assert!(reached(&a, &b), "{:?} does not reach {:?}", a.text, b.text);
            }
            if part_similarity(&b, &a).is_some() {
                prop_assert!(reached(&b, &a), "{:?} does not reach {:?}", b.text, a.text);
            }
        }
    }
}
