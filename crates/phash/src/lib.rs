//! Content fingerprints for the online desk: PDQ image hashes, vPDQ video hashes, exact hashes (MD5, SHA-256), a
//! Hamming-distance index over 256-bit hashes and hash banks.

pub mod error;
pub mod hash256;
pub mod pdq;

pub use error::PhashError;
pub use hash256::PdqHash;
pub use pdq::{Dihedral, LumaRule, Pdq, PdqDihedral, PdqHasher};
mod cmyk;
pub mod decode;

pub use decode::{DecodeOptions, Orientation, RgbImage, SixteenBit, decode_bytes, decode_file};
pub mod exact;
pub mod index;

pub use exact::{ExactHashes, exact_hashes, exact_hashes_of_file};
pub use index::{HashIndex, IndexMatch, SearchPath};
pub mod video;

pub use video::{VideoMatch, VpdqFeature, VpdqOptions, hash_video, match_videos, parse_vpdq};
pub mod bank;

pub use bank::{BankEntry, BankMatch, BankMatcher, HashBanks, ImportProblem, SignalType};
pub mod hashlist;

pub use hashlist::parse_hash_list;
