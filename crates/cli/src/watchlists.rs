//! Loading watchlist files into one [`WatchlistIndex`]: the one place the binary turns `--list` paths (and an
//! optional `--lexicon`) into an index, shared by every command that screens.

use anyhow::Context;
use interdict_names::Lexicon;
use interdict_screen::{WatchlistIndex, WatchlistIndexBuilder};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct WatchlistConfig {
    pub lists: Vec<PathBuf>,
    pub lexicon: Option<PathBuf>,
    /// Print import problems to standard error.
    pub report_problems: bool,
}

/// Reads every list and builds the index. Problems in individual records are reported on standard error (when
/// asked) and do not stop the load; an unreadable or unrecognised file is an error naming it.
pub fn load_index(config: &WatchlistConfig) -> anyhow::Result<Arc<WatchlistIndex>> {
    let mut builder = WatchlistIndexBuilder::new();
    if let Some(path) = &config.lexicon {
        builder = builder.lexicon(Arc::new(load_lexicon(path)?));
    }
    for path in &config.lists {
        let import = interdict_lists::read_list_file(path)
            .with_context(|| format!("loading list {}", path.display()))?;
        if config.report_problems {
            for p in &import.problems {
                eprintln!("interdict: warning: {}: {p}", path.display());
            }
        }
        builder.extend(import.entities);
    }
    Ok(Arc::new(builder.build()))
}

/// The built-in lexicon extended with a rigour-format lexicon file.
pub fn load_lexicon(path: &Path) -> anyhow::Result<Lexicon> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening lexicon {}", path.display()))?;
    let mut lexicon = Lexicon::empty();
    lexicon.load_rigour(std::io::BufReader::new(file), &path.display().to_string())?;
    Ok(lexicon.with_builtin())
}
