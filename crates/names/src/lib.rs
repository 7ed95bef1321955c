//! Names: the part of Interdict that knows how names vary.
//!
//! - [`fold`]: Unicode normalisation, transliteration of other scripts ([`to_latin`]), accent stripping and case
//!   folding to comparable lower-case ASCII.
//! - [`detect_script`]: which writing system a name is in.
//! - [`prepare`]: splits a name into [`Part`]s and tags each (word, article, kunya, patronymic, `abd`, honorific,
//!   company form, numeral, initial), with its consonant [`skeleton`] and variant-lexicon groups.
//! - [`Lexicon`]: curated spelling variants (Mohammed / Muhammad / Mehmet) and nickname groups (Bill / William,
//!   Misha / Mikhail), plus an optional larger lexicon.
//! - [`align`] / [`compare`]: aligns query parts with candidate parts and scores the alignment with a
//!   [`NameExplanation`] a reviewer can read.
//!
//! ```
//! use interdict_names::{compare, NameClass};
//!
//! let c = compare("Abu Muhammad al-Adnani", "ABOU MOHAMED AL ADNANI", NameClass::Person);
//! assert!(c.score > 0.9, "{c:?}");
//! let arabic = compare("أبو محمد العدناني", "Abu Mohammed al-Adnani", NameClass::Person);
//! assert!(arabic.score > 0.85, "{arabic:?}");
//! assert!(compare("Barack Obama", "Michelle Obama", NameClass::Person).score < 0.7);
//! ```

mod compare;
mod distance;
mod lexicon;
mod normalize;
mod parts;
mod script;
mod skeleton;
mod translit;

pub use compare::{
    AlignedParts, Alignment, DefaultWeights, LONG_TYPO_LEN, MERGED_SKELETON_SIMILARITY,
    MatchMethod, NameExplanation, PartWeights, SHIFTED_MIN_CLASSES, SHORT_TWO_EDIT_TYPOS,
    ScoreParams, align, merged_similarity, part_similarity, part_weights, round3, skeletons_close,
    skeletons_shifted, typo_by_text, typo_edits, typo_text_deletions, typo_text_variants,
};
pub use distance::{bounded_osa, jaro_winkler, within_one_edit, within_one_edit_or_swap};
pub use lexicon::{GroupId, Lexicon};
pub use normalize::fold;
pub use parts::{NameClass, Part, PartRole, PreparedName, prepare};
pub use script::{Script, detect_script};
pub use skeleton::skeleton;
pub use translit::to_latin;

/// Errors of the names crate.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{source_name}: cannot read lexicon: {message}")]
    Io {
        source_name: String,
        message: String,
    },
    #[error("{source_name} line {line}: {message}")]
    Malformed {
        source_name: String,
        line: usize,
        message: String,
    },
}

/// Compares two names with the built-in lexicon and default weights; `a` is the query, `b` the candidate.
pub fn compare(a: &str, b: &str, class: NameClass) -> NameExplanation {
    compare_with(
        a,
        b,
        class,
        Lexicon::builtin(),
        &DefaultWeights,
        &ScoreParams::default(),
    )
}

/// Compares two names with a given lexicon, weights and score parameters.
pub fn compare_with(
    a: &str,
    b: &str,
    class: NameClass,
    lexicon: &Lexicon,
    weights: &dyn PartWeights,
    params: &ScoreParams,
) -> NameExplanation {
    let qa = prepare(a, class, lexicon);
    let qb = prepare(b, class, lexicon);
    let wa = part_weights(&qa, weights);
    let wb = part_weights(&qb, weights);
    align(&qa, &wa, &qb, &wb, params).explain(&qa, &qb)
}
