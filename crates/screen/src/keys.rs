//! Retrieval keys: every way two name parts can agree (see `interdict_names::part_similarity`) has a key that
//! both parts produce, so looking keys up in the inverted index finds every candidate the scorer could score.
//!
//! - `T`: the folded text (exact matches; also adjacent-part concatenations for merged parts);
//! - `G`: variant-lexicon groups;
//! - `S`: the consonant skeleton and, for skeletons of four or more classes, every skeleton with one class
//!   deleted (equal skeletons, typos, and Latin against vowel-less transliterations are at most one edit apart
//!   on the skeleton, counting a swap of neighbours as one edit, which two deletions also reveal);
//! - `M`, `N`: text and skeleton of two adjacent indexed parts joined, probed by a query part written as one;
//! - `E`: for parts with a skeleton of at most three classes, the text and its one-deletion variants.

use interdict_names::{Part, PartRole, PreparedName};
use rustc_hash::FxHasher;
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

fn skeleton_keys(skeleton: &str, out: &mut Vec<Key>) {
    let b = skeleton.as_bytes();
    if b.is_empty() {
        return;
    }
    out.push(key(b'S', b));
    if b.len() >= 4 {
        let mut buf = Vec::with_capacity(b.len());
        for i in 0..b.len() {
            buf.clear();
            buf.extend_from_slice(&b[..i]);
            buf.extend_from_slice(&b[i + 1..]);
            out.push(key(b'S', &buf));
        }
    }
}

/// The key of a variant-lexicon group.
pub(crate) fn group_key(group: interdict_names::GroupId) -> Key {
    key(b'G', &group.to_le_bytes())
}

/// The key of an initial: posted by a name's initials, probed by the first letter of each query word (and the
/// reverse: a query initial is free, see `search`).
pub(crate) fn initial_key(letter: u8) -> Key {
    key(b'I', &[letter])
}

/// Keys of one part (empty for parts that do not count or that match only exactly).
pub(crate) fn part_keys(part: &Part, out: &mut Vec<Key>) {
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
    skeleton_keys(&part.skeleton, out);
    if interdict_names::typo_by_text(part) {
        // Short skeletons: typos are found through one-deletion variants of the text.
        let b = part.text.as_bytes();
        let mut buf = Vec::with_capacity(b.len());
        for i in 0..b.len() {
            buf.clear();
            buf.extend_from_slice(&b[..i]);
            buf.extend_from_slice(&b[i + 1..]);
            out.push(key(b'E', &buf));
        }
        out.push(key(b'E', b));
    }
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

/// Query side: the keys under which a candidate's two adjacent parts equal to this one part are posted.
pub(crate) fn merge_probe_keys(part: &Part, out: &mut Vec<Key>) {
    if part.role != PartRole::Word {
        return;
    }
    out.push(key(b'M', part.text.as_bytes()));
    if part.skeleton.len() >= 3 {
        out.push(key(b'N', part.skeleton.as_bytes()));
    }
}

/// Query side: keys of the concatenation of query parts `i` and `i + 1`, matched against candidates' single
/// parts (families `T` and `S`).
pub(crate) fn adjacent_keys(name: &PreparedName, i: usize, out: &mut Vec<Key>) {
    if name.parts[i].role != PartRole::Word || name.parts[i + 1].role != PartRole::Word {
        return;
    }
    let (joined, skeleton) = &name.adjacent[i];
    out.push(text_key(joined));
    if skeleton.len() >= 3 {
        out.push(key(b'S', skeleton.as_bytes()));
    }
}

/// Key of a document number (normalised: upper-case alphanumerics).
pub(crate) fn document_key(normalized_number: &str) -> Key {
    key(b'D', normalized_number.as_bytes())
}
