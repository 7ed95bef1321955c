//! The screening indexes the server holds in memory: one immutable [`WatchlistIndex`] per organisation, built
//! from the active versions of its lists and swapped (not mutated) when a list changes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use interdict_model::Entity;
use interdict_screen::{ScreenMatch, ScreenOptions, WatchlistIndex, WatchlistIndexBuilder};
use interdict_store::Store;
use serde::Serialize;

use crate::ApiError;
use crate::config::ScreeningDefaults;

/// A list and the version of it an index was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ListRef {
    pub list: String,
    pub version: i64,
}

/// One organisation's compiled index and the list versions in it.
#[derive(Debug)]
pub struct OrgIndex {
    pub index: Arc<WatchlistIndex>,
    pub lists: Vec<ListRef>,
}

/// Indexes by organisation id.
#[derive(Debug, Default)]
pub struct IndexRegistry {
    by_org: RwLock<HashMap<i64, Arc<OrgIndex>>>,
}

impl IndexRegistry {
    /// The organisation's index, built from the store on first use.
    ///
    /// # Errors
    /// Store failures.
    pub fn get(&self, store: &dyn Store, org_id: i64) -> Result<Arc<OrgIndex>, ApiError> {
        if let Some(ix) = self
            .by_org
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&org_id)
        {
            return Ok(Arc::clone(ix));
        }
        self.rebuild(store, org_id)
    }

    /// Rebuilds the organisation's index from the active list versions and swaps it in.
    ///
    /// # Errors
    /// Store failures.
    pub fn rebuild(&self, store: &dyn Store, org_id: i64) -> Result<Arc<OrgIndex>, ApiError> {
        let lists = store
            .lists(org_id)?
            .into_iter()
            .map(|v| ListRef {
                list: v.list,
                version: v.version,
            })
            .collect();
        let mut builder = WatchlistIndexBuilder::new();
        for entity in store.active_entities(org_id)? {
            builder.add(entity);
        }
        let built = Arc::new(OrgIndex {
            index: Arc::new(builder.build()),
            lists,
        });
        self.by_org
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(org_id, Arc::clone(&built));
        Ok(built)
    }
}

impl IndexRegistry {
    /// Rebuilds the index of every organisation whose active list versions in the store differ from the ones
    /// its index was built from (another replica, or another process on the same database, imported a list).
    /// Returns the number of indexes rebuilt.
    ///
    /// # Errors
    /// Store failures.
    pub fn refresh_changed(&self, store: &dyn Store) -> Result<usize, ApiError> {
        let mut rebuilt = 0;
        for org in store.organisations()? {
            let current: Vec<ListRef> = store
                .lists(org.id)?
                .into_iter()
                .map(|v| ListRef {
                    list: v.list,
                    version: v.version,
                })
                .collect();
            let held = self
                .by_org
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(&org.id)
                .map(|ix| ix.lists.clone());
            if held.is_some_and(|h| h != current) {
                self.rebuild(store, org.id)?;
                rebuilt += 1;
            }
        }
        Ok(rebuilt)
    }

    /// Runs [`IndexRegistry::refresh_changed`] every `secs` seconds (a no-op when `secs` is 0).
    pub fn spawn_refresh(self: &Arc<Self>, store: Arc<dyn Store>, secs: u64) {
        if secs == 0 {
            return;
        }
        let registry = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(secs));
            loop {
                tick.tick().await;
                let (registry, store) = (Arc::clone(&registry), Arc::clone(&store));
                match tokio::task::spawn_blocking(move || registry.refresh_changed(store.as_ref()))
                    .await
                {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => {
                        tracing::info!(rebuilt = n, "screening indexes refreshed from the store")
                    }
                    Ok(Err(e)) => tracing::error!(error = %e, "index refresh failed"),
                    Err(e) => tracing::error!(error = %e, "index refresh task failed"),
                }
            }
        });
    }
}

/// Screening parameters of one request.
#[derive(Debug, Clone, Copy)]
pub struct ScreenParams {
    pub limit: usize,
    pub cutoff: f64,
    pub threshold: f64,
}

impl ScreenParams {
    /// Request values over configured defaults, validated.
    ///
    /// # Errors
    /// [`ApiError::InvalidRequest`] for a limit outside 1..=500 or a cutoff or threshold outside 0..=1.
    pub fn new(
        defaults: ScreeningDefaults,
        limit: Option<usize>,
        cutoff: Option<f64>,
        threshold: Option<f64>,
    ) -> Result<ScreenParams, ApiError> {
        let p = ScreenParams {
            limit: limit.unwrap_or(defaults.limit),
            cutoff: cutoff.unwrap_or(defaults.cutoff),
            threshold: threshold.unwrap_or(defaults.threshold),
        };
        if !(1..=500).contains(&p.limit) {
            return Err(ApiError::invalid(format!(
                "limit must be between 1 and 500, not {}",
                p.limit
            )));
        }
        for (name, v) in [("cutoff", p.cutoff), ("threshold", p.threshold)] {
            if !(0.0..=1.0).contains(&v) {
                return Err(ApiError::invalid(format!(
                    "{name} must be between 0 and 1, not {v}"
                )));
            }
        }
        Ok(p)
    }

    fn options(&self) -> ScreenOptions {
        ScreenOptions {
            limit: self.limit,
            cutoff: self.cutoff,
            threshold: self.threshold,
        }
    }
}

/// Reads one FollowTheMoney-style query object, leniently: a birth date, country or gender that cannot be read
/// is left out of matching and returned as a problem naming the query and field, and the query is screened on
/// everything else (a birth date with a typo does not keep a person from being screened by name).
///
/// # Errors
/// A message naming the query (position and id) and the field, for a query that is not a JSON object of a
/// known schema.
pub fn read_query(
    position: usize,
    value: &serde_json::Value,
) -> Result<(Entity, Vec<String>), String> {
    // The reader's message names the query by its id ("(no id)" without one) and the field.
    let (entity, problems) = interdict_lists::query_with_problems(&value.to_string())
        .map_err(|e| format!("position {position}: {e}"))?;
    Ok((entity, problems.iter().map(ToString::to_string).collect()))
}

/// The query's `id`, or its 1-based position.
pub fn query_id(position: usize, value: &serde_json::Value) -> String {
    value
        .get("id")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| format!("q{position}"))
}

/// Screens one query against the index.
pub fn screen(index: &OrgIndex, query: &Entity, params: &ScreenParams) -> Vec<ScreenMatch> {
    index.index.screen(query, &params.options())
}
