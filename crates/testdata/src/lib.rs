//! Test-only locator for the real public data kept beside the repository in `../shared/data` (never copied into
//! the repository). Tests and benches call [`shared_data`]; when the data is absent they get `None` and a printed
//! reason, so a skipped test always says why.
//!
//! The directory is `$INTERDICT_SHARED_DATA` when set, else `<workspace>/../shared/data`.
//!
//! ```
//! if let Some(path) = interdict_testdata::shared_data("lists/un/UN_consolidated.xml") {
//!     assert!(path.exists());
//! }
//! ```

use std::path::PathBuf;

/// The root of the shared data directory, if it exists.
pub fn shared_data_root() -> Option<PathBuf> {
    let root = match std::env::var_os("INTERDICT_SHARED_DATA") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    root.is_dir().then_some(root)
}

/// The path of `relative` inside the shared data directory, or `None` (after printing why) when it is missing.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    match shared_data_root() {
        Some(root) => {
            let p = root.join(relative);
            if p.exists() {
                Some(p)
            } else {
                eprintln!(
                    "SKIPPED: {} not found in the shared data directory {}",
                    relative,
                    root.display()
                );
                None
            }
        }
        None => {
            eprintln!(
                "SKIPPED: shared data directory not found (set INTERDICT_SHARED_DATA or place ../shared/data beside the repository); needed {relative}"
            );
            None
        }
    }
}
