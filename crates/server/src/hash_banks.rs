//! The hash banks the server matches against: per organisation, compiled from the stored bank CSVs into an owned
//! Hamming index over the PDQ signals and exact maps for MD5 / SHA-256, swapped whole when a bank changes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use interdict_phash::{BankEntry, HashBanks, HashIndex, PdqHash, SignalType};
use interdict_store::Store;

use crate::ApiError;

/// One organisation's compiled banks.
#[derive(Debug, Default)]
pub struct OrgHashes {
    entries: Vec<(String, BankEntry)>,
    pdq: HashIndex,
    exact: HashMap<(SignalType, String), Vec<usize>>,
}

/// A match of a query signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashHit<'a> {
    pub bank: &'a str,
    pub entry: &'a BankEntry,
    pub distance: u32,
}

impl OrgHashes {
    /// Compiles parsed banks.
    pub fn compile(banks: &HashBanks) -> OrgHashes {
        let mut entries = Vec::new();
        let mut pdq = Vec::new();
        let mut exact: HashMap<(SignalType, String), Vec<usize>> = HashMap::new();
        for (bank, list) in banks.banks() {
            for e in list {
                let i = entries.len();
                if e.signal_type == SignalType::Pdq {
                    if let Ok(h) = PdqHash::from_hex(&e.signal) {
                        pdq.push((i.to_string(), h));
                    }
                } else {
                    exact
                        .entry((e.signal_type, e.signal.to_ascii_lowercase()))
                        .or_default()
                        .push(i);
                }
                entries.push((bank.to_string(), e.clone()));
            }
        }
        OrgHashes {
            entries,
            pdq: HashIndex::from_entries(pdq),
            exact,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn hit(&self, i: usize, distance: u32) -> HashHit<'_> {
        let (bank, entry) = &self.entries[i];
        HashHit {
            bank,
            entry,
            distance,
        }
    }

    /// PDQ entries within `radius`, nearest first.
    ///
    /// # Errors
    /// [`ApiError::InvalidRequest`] for a radius above 255.
    pub fn match_pdq(&self, hash: &PdqHash, radius: u32) -> Result<Vec<HashHit<'_>>, ApiError> {
        let found = self
            .pdq
            .search(hash, radius)
            .map_err(|e| ApiError::invalid(e.to_string()))?;
        Ok(found
            .into_iter()
            .filter_map(|m| m.id.parse::<usize>().ok().map(|i| self.hit(i, m.distance)))
            .collect())
    }

    /// Entries with exactly this MD5 or SHA-256.
    pub fn match_exact(&self, signal_type: SignalType, signal: &str) -> Vec<HashHit<'_>> {
        self.exact
            .get(&(signal_type, signal.trim().to_ascii_lowercase()))
            .map(|ids| ids.iter().map(|&i| self.hit(i, 0)).collect())
            .unwrap_or_default()
    }
}

/// Compiled banks by organisation.
#[derive(Debug, Default)]
pub struct HashRegistry {
    by_org: RwLock<HashMap<i64, Arc<OrgHashes>>>,
}

impl HashRegistry {
    /// The organisation's banks, compiled from the store on first use.
    ///
    /// # Errors
    /// Store failures.
    pub fn get(&self, store: &dyn Store, org_id: i64) -> Result<Arc<OrgHashes>, ApiError> {
        if let Some(h) = self
            .by_org
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&org_id)
        {
            return Ok(Arc::clone(h));
        }
        self.rebuild(store, org_id)
    }

    /// Recompiles the organisation's banks from the store and swaps them in.
    ///
    /// # Errors
    /// Store failures.
    pub fn rebuild(&self, store: &dyn Store, org_id: i64) -> Result<Arc<OrgHashes>, ApiError> {
        let mut banks = HashBanks::new();
        for b in store.hash_banks(org_id)? {
            let _ = banks.import_csv(&b.body, &b.bank);
        }
        let compiled = Arc::new(OrgHashes::compile(&banks));
        self.by_org
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(org_id, Arc::clone(&compiled));
        Ok(compiled)
    }
}
