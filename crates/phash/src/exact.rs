//! Exact file hashes (MD5 and SHA-256), computed in one streaming pass.

use crate::error::PhashError;
use md5::{Digest, Md5};
use sha2::Sha256;
use std::io::Read;
use std::path::Path;

/// The MD5 and SHA-256 of some content, as lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactHashes {
    /// 32 hex digits.
    pub md5: String,
    /// 64 hex digits.
    pub sha256: String,
}

/// Hashes bytes held in memory.
pub fn exact_hashes(bytes: &[u8]) -> ExactHashes {
    ExactHashes {
        md5: to_hex(&Md5::digest(bytes)),
        sha256: to_hex(&Sha256::digest(bytes)),
    }
}

/// Hashes a file without loading it whole.
///
/// # Errors
/// [`PhashError::Io`] naming the file when it cannot be read.
pub fn exact_hashes_of_file(path: &Path) -> Result<ExactHashes, PhashError> {
    let io = |cause| PhashError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let (mut md5, mut sha) = (Md5::new(), Sha256::new());
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        md5.update(&buf[..n]);
        sha.update(&buf[..n]);
    }
    Ok(ExactHashes {
        md5: to_hex(&md5.finalize()),
        sha256: to_hex(&sha.finalize()),
    })
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let cases = [
            (
                "",
                "d41d8cd98f00b204e9800998ecf8427e",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "abc",
                "900150983cd24fb0d6963f7d28e17f72",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (input, md5, sha256) in cases {
            assert_eq!(
                exact_hashes(input.as_bytes()),
                ExactHashes {
                    md5: md5.into(),
                    sha256: sha256.into()
                }
            );
        }
    }
}
