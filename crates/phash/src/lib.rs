//! Content fingerprints for the online desk: PDQ image hashes, vPDQ video hashes, exact hashes (MD5, SHA-256), a
//! Hamming-distance index over 256-bit hashes and hash banks. A pure engine: bytes and files in, values out (the
//! one external process is `ffmpeg`, for video frames).
//!
//! - [`pdq`]: the PDQ algorithm, bit-exact with Meta's reference on the same pixels (float32 filter and DCT in
//!   the reference's order, Torben median), the quality metric and the 8 dihedral hashes.
//! - [`decode`]: the documented decoding policy (every image mode, CMYK JPEG, 16-bit, EXIF orientation, the C++
//!   tool's 512x512 pre-resize), so that a file gives the hash the ThreatExchange tools give.
//! - [`video`]: vPDQ through the `ffmpeg` command-line tool, the reference text format, video-to-video matching.
//! - [`exact`]: MD5 and SHA-256.
//! - [`index`]: [`HashIndex`], exact radius search by multi-index hashing (brute force for small sets),
//!   incremental add/remove, a compact file format.
//! - [`bank`]: [`HashBanks`], named collections of signals with labels, HMA-style CSV, matching.
//!
//! ```
//! use interdict_phash::{HashIndex, PdqHasher};
//!
//! // A synthetic 200x150 image: a checkerboard of 10-pixel cells.
//! let (w, h) = (200, 150);
//! let mut rgb = Vec::with_capacity(w * h * 3);
//! for y in 0..h {
//!     for x in 0..w {
//!         let v = if (x / 10 + y / 10) % 2 == 0 { 220 } else { 30 };
//!         rgb.extend_from_slice(&[v, v / 2, 255 - v]);
//!     }
//! }
//! let pdq = PdqHasher::new().hash_rgb(&rgb, w, h);
//! assert!(pdq.quality > 50);
//!
//! // Index it and look up a near-duplicate (3 bits flipped).
//! let index = HashIndex::from_entries([("demo-1", pdq.hash)]);
//! let mut near = pdq.hash;
//! near.limbs[0] ^= 0b111;
//! let matches = index.search(&near, 31).unwrap();
//! assert_eq!((matches[0].id, matches[0].distance), ("demo-1", 3));
//! ```

pub mod bank;
mod cmyk;
pub mod decode;
pub mod error;
pub mod exact;
pub mod hash256;
pub mod hashlist;
pub mod index;
pub mod journal;
mod jpeg;
pub mod pdq;
pub mod video;

pub use bank::{BankEntry, BankMatch, BankMatcher, HashBanks, ImportProblem, SignalType};
pub use decode::{DecodeOptions, Orientation, RgbImage, SixteenBit, decode_bytes, decode_file};
pub use error::PhashError;
pub use exact::{ExactHashes, exact_hashes, exact_hashes_of_file};
pub use hash256::PdqHash;
pub use hashlist::parse_hash_list;
pub use index::{HashIndex, IndexMatch, SearchPath};
pub use journal::Change;
pub use pdq::{Dihedral, LumaRule, Pdq, PdqDihedral, PdqHasher};
pub use video::{
    FrameConverter, VideoMatch, VpdqFeature, VpdqOptions, hash_video, match_videos, parse_vpdq,
};
