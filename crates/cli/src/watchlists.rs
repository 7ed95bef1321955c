//! Loading watchlist files into one [`WatchlistIndex`]: the one place the binary turns `--list` paths (and an
//! optional `--lexicon`) into an index, shared by every command that screens.

use anyhow::Context;
use interdict_names::Lexicon;
use interdict_screen::{ScreenOptions, WatchlistIndex, WatchlistIndexBuilder};
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

/// Validated result-list options from the `--limit`, `--cutoff` and `--threshold` flags.
///
/// # Errors
/// When a score is outside [0, 1] or the limit is zero, naming the flag.
pub fn screen_options(limit: usize, cutoff: f64, threshold: f64) -> anyhow::Result<ScreenOptions> {
    for (name, v) in [("--cutoff", cutoff), ("--threshold", threshold)] {
        anyhow::ensure!(
            (0.0..=1.0).contains(&v),
            "{name} must be between 0 and 1, got {v}"
        );
    }
    anyhow::ensure!(limit > 0, "--limit must be at least 1");
    Ok(ScreenOptions {
        limit,
        cutoff,
        threshold,
    })
}

/// The built-in lexicon extended with a rigour-format lexicon file.
pub fn load_lexicon(path: &Path) -> anyhow::Result<Lexicon> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening lexicon {}", path.display()))?;
    let mut lexicon = Lexicon::empty();
    lexicon.load_rigour(std::io::BufReader::new(file), &path.display().to_string())?;
    Ok(lexicon.with_builtin())
}
