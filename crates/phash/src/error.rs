//! [`PhashError`]: the one error type of this crate. Every variant names what the user needs to find the problem:
//! the file, the line or record, the field.

use std::path::PathBuf;

/// Everything that can go wrong in hashing, indexing and bank handling.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhashError {
    /// A file could not be read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// An image could not be decoded.
    #[error("{path}: cannot decode image: {reason}")]
    Decode {
        /// The file (or `<bytes>` for in-memory input).
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// Text that should be a 64-digit hex PDQ hash is not.
    #[error("bad PDQ hash {text:?}: {reason}")]
    BadHash {
        /// The offending text (at most 80 characters).
        text: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A record of a CSV or line-based file is malformed.
    #[error("{path}: line {line}, field {field}: {reason}")]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The column or field name.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// An index file is not in the expected format.
    #[error("{path}: not a valid hash index: {reason}")]
    IndexFormat {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the byte offset where known.
        reason: String,
    },
    /// The `ffmpeg`/`ffprobe` tools are missing or failed.
    #[error("{path}: video decoding failed: {reason}")]
    Video {
        /// The video file.
        path: PathBuf,
        /// What went wrong (including "ffmpeg not found" with a hint).
        reason: String,
    },
    /// A search radius outside what the index supports.
    #[error("radius {radius} is out of range (0..=255)")]
    Radius {
        /// The requested radius.
        radius: u32,
    },
}
