//! Screening: a [`WatchlistIndex`] of list entities, and [`WatchlistIndex::screen`] that finds the entries a
//! query entity may be, each with a score and an [`Explanation`] a reviewer can read.
//!
//! Building ([`WatchlistIndexBuilder`]) prepares every name once (folding, transliteration, part tagging,
//! skeletons, lexicon groups) and posts it under retrieval keys; the index is then immutable and shared as
//! `Arc`. Screening prepares the query once, gathers candidates through the keys with an upper bound of each
//! candidate's score, and scores exactly only the candidates that can still enter the result list.
//!
//! ```
//! use interdict_model::{Entity, Name, NameKind, Schema};
//! use interdict_screen::{ScreenOptions, WatchlistIndexBuilder};
//!
//! let mut listed = Entity::new("QDi.999", Schema::Person);
//! listed.names.push(Name::new("ABOU MOHAMED AL ADNANI", NameKind::Primary));
//! let mut builder = WatchlistIndexBuilder::new();
//! builder.add(listed);
//! let index = std::sync::Arc::new(builder.build());
//!
//! let mut query = Entity::new("q1", Schema::Person);
//! query.names.push(Name::new("Abu Muhammad al-Adnani", NameKind::Primary));
//! let results = index.screen(&query, &ScreenOptions::default());
//! assert_eq!(results[0].id, "QDi.999");
//! assert!(results[0].is_match);
//! ```

mod evidence;
mod hints;
mod index;
mod keys;
mod search;
pub mod synthetic;

pub use evidence::{DOCUMENT_MATCH_SCORE, Evidence, EvidenceKind};
pub use index::{
    DEFAULT_LARGE_POSTING, DEFAULT_PART_GROUP_RUN, WatchlistIndex, WatchlistIndexBuilder,
};
pub use search::{Explanation, ScreenMatch, ScreenOptions, SearchStats};

#[cfg(test)]
mod tests {
    #[test]
    fn index_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::WatchlistIndex>();
        assert_send_sync::<std::sync::Arc<super::WatchlistIndex>>();
    }
}
