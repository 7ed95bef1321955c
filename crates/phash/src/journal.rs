//! The index file's change journal: adds and removals appended after the saved index, so that `add` and `remove`
//! write only what changed instead of rewriting the file; loading replays them.
//!
//! # Record format (little-endian), repeated until the end of the file
//! `tag: u8` (`b'+'` add, `b'-'` remove), `id_len: u32`, for an add the hash (4 x u64 limbs), the UTF-8 id, then
//! `check: u64`, the FNV-1a hash of every byte of the record before it.
//!
//! A crash while appending can leave a partial or garbled last record. Replay stops at the first record that is
//! incomplete or fails its check, so the index is the last complete state; the next append cuts the file there
//! first. Records are appended with one write and synced before the append reports success.

use crate::hash256::PdqHash;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// One journalled change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `(id, hash)` added.
    Add(String, PdqHash),
    /// Every entry with this id removed.
    Remove(String),
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Encodes changes as journal records.
pub(crate) fn encode(changes: &[Change]) -> Vec<u8> {
    let mut out = Vec::new();
    for change in changes {
        let start = out.len();
        let id = match change {
            Change::Add(id, _) => id,
            Change::Remove(id) => id,
        };
        out.push(if matches!(change, Change::Add(..)) {
            b'+'
        } else {
            b'-'
        });
        out.extend_from_slice(&(id.len() as u32).to_le_bytes());
        if let Change::Add(_, hash) = change {
            for limb in hash.limbs {
                out.extend_from_slice(&limb.to_le_bytes());
            }
        }
        out.extend_from_slice(id.as_bytes());
        let check = fnv1a(&out[start..]);
        out.extend_from_slice(&check.to_le_bytes());
    }
    out
}

/// Decodes the complete, checked records at the start of `bytes`; returns them and how many bytes they span
/// (anything after is a torn or garbled tail, ignored).
pub(crate) fn decode(bytes: &[u8]) -> (Vec<Change>, usize) {
    let mut changes = Vec::new();
    let mut pos = 0;
    while let Some((change, len)) = decode_one(&bytes[pos..]) {
        changes.push(change);
        pos += len;
    }
    (changes, pos)
}

fn decode_one(bytes: &[u8]) -> Option<(Change, usize)> {
    let tag = *bytes.first()?;
    let id_len = u32::from_le_bytes(bytes.get(1..5)?.try_into().ok()?) as usize;
    let hash_len = match tag {
        b'+' => 32,
        b'-' => 0,
        _ => return None,
    };
    let body = 5usize.checked_add(hash_len)?.checked_add(id_len)?;
    let check = u64::from_le_bytes(bytes.get(body..body.checked_add(8)?)?.try_into().ok()?);
    if fnv1a(&bytes[..body]) != check {
        return None;
    }
    let id = std::str::from_utf8(&bytes[5 + hash_len..body])
        .ok()?
        .to_string();
    let change = if tag == b'+' {
        let limbs = std::array::from_fn(|i| {
            u64::from_le_bytes(bytes[5 + 8 * i..13 + 8 * i].try_into().expect("8 bytes"))
        });
        Change::Add(id, PdqHash::from_limbs(limbs))
    } else {
        Change::Remove(id)
    };
    Some((change, body + 8))
}

/// Appends `changes` to the journal of the index file at `path`, whose saved index ends at `base_len`; returns
/// the number of journal bytes now in the file. A torn tail from an earlier crash is cut off first.
pub(crate) fn append(path: &Path, base_len: u64, changes: &[Change]) -> std::io::Result<u64> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    file.seek(SeekFrom::Start(base_len))?;
    let mut existing = Vec::new();
    file.read_to_end(&mut existing)?;
    let (_, valid) = decode(&existing);
    let end = base_len + valid as u64;
    if valid < existing.len() {
        file.set_len(end)?;
    }
    file.seek(SeekFrom::Start(end))?;
    let records = encode(changes);
    file.write_all(&records)?;
    file.sync_data()?;
    Ok(valid as u64 + records.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: u64) -> PdqHash {
        PdqHash::from_limbs([x, !x, x << 3, 7])
    }

    #[test]
    fn records_round_trip_and_torn_tails_are_dropped() {
        let changes = vec![
            Change::Add("a".into(), h(1)),
            Change::Remove("b".into()),
            Change::Add("ü-id".into(), h(2)),
        ];
        let bytes = encode(&changes);
        assert_eq!(decode(&bytes), (changes.clone(), bytes.len()));
        // Every truncation keeps exactly the complete records before the cut.
        let ends: Vec<usize> = (1..=3).map(|k| encode(&changes[..k]).len()).collect();
        for cut in 0..bytes.len() {
            let (got, valid) = decode(&bytes[..cut]);
            let complete = ends.iter().filter(|&&e| e <= cut).count();
            assert_eq!(got, changes[..complete].to_vec(), "cut at {cut}");
            assert_eq!(valid, if complete == 0 { 0 } else { ends[complete - 1] });
        }
        // A flipped byte stops replay at that record.
        let mut garbled = bytes.clone();
        garbled[ends[0] + 3] ^= 1;
        assert_eq!(decode(&garbled).0, changes[..1].to_vec());
        // Zeros (an unwritten tail) are not records.
        assert_eq!(decode(&[0u8; 64]), (vec![], 0));
    }
}
