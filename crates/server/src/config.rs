//! Server settings. The `interdict serve` command fills them from a TOML file and `INTERDICT_*` environment
//! variables; tests build them directly.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::auth::KeyHashing;

/// Everything `interdict serve` can be told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: String,
    /// The SQLite database file (created on first run).
    pub database: PathBuf,
    /// Largest accepted request body (list files are uploaded whole).
    pub body_limit_bytes: usize,
    /// Requests running longer are answered with `timeout`.
    pub request_timeout_secs: u64,
    /// Organisation created on a fresh database, with a first admin user whose key is printed once.
    pub first_organisation: String,
    pub retention: RetentionConfig,
    pub screening: ScreeningDefaults,
    /// Seconds between checks for list versions activated by another replica or process (0: never).
    pub index_refresh_secs: u64,
    /// Argon2 memory cost of new API keys in KiB (default: argon2's recommendation).
    pub key_memory_kib: u32,
    /// Argon2 iterations of new API keys.
    pub key_iterations: u32,
    /// File holding the key (64 hex digits) that seals (encrypts) the original personal fields of masked passenger
    /// records. Default: the database path with `.sealing-key` appended, created on first run. Keep it apart
    /// from the database; the `INTERDICT_SEALING_KEY` environment variable (the key itself) takes precedence.
    pub sealing_key_file: Option<PathBuf>,
    /// Wait for the disk on every commit (SQLite `synchronous = FULL`): answered requests then survive an OS crash
    /// or power loss, not only a crash of the process. Off by default (WAL with `synchronous = NORMAL`).
    pub fsync_commits: bool,
    /// Threads of the async runtime that serves requests (0: one per CPU core). Screening of small batches runs
    /// on them; the screening recorder (group commits) has its own thread.
    pub worker_threads: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let hashing = KeyHashing::default();
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            database: PathBuf::from("interdict.db"),
            body_limit_bytes: 64 * 1024 * 1024,
            request_timeout_secs: 30,
            first_organisation: "Demo Agency".into(),
            retention: RetentionConfig::default(),
            screening: ScreeningDefaults::default(),
            index_refresh_secs: 10,
            key_memory_kib: hashing.memory_kib,
            key_iterations: hashing.iterations,
            sealing_key_file: None,
            fsync_commits: false,
            worker_threads: 0,
        }
    }
}

impl ServerConfig {
    /// Where the sealing key is kept: `sealing_key_file`, or the database path with `.sealing-key` appended.
    pub fn sealing_key_path(&self) -> PathBuf {
        self.sealing_key_file.clone().unwrap_or_else(|| {
            let mut p = self.database.clone().into_os_string();
            p.push(".sealing-key");
            PathBuf::from(p)
        })
    }

    pub fn key_hashing(&self) -> KeyHashing {
        KeyHashing {
            memory_kib: self.key_memory_kib,
            iterations: self.key_iterations,
        }
    }
}

/// Retention limits per data type (passenger data, alerts), in days, and how often the background job runs.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// PNR personal fields are masked after this many days (EU PNR directive: 6 months).
    pub pnr_mask_days: i64,
    /// PNR records are deleted after this many days (EU PNR directive: 5 years).
    pub pnr_delete_days: i64,
    pub api_mask_days: i64,
    pub api_delete_days: i64,
    /// Alerts (screening hits: the screened query, i.e. the person, and the matched entity) are deleted this many
    /// days after they were raised, with the decisions on them; they leave their cases, whose rows are kept.
    /// 0 keeps alerts forever. The audit log is never deleted (it is the legally required access log).
    pub alert_delete_days: i64,
    /// Seconds between runs of the retention job (0 disables the background job).
    pub interval_secs: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            pnr_mask_days: 180,
            pnr_delete_days: 5 * 365,
            api_mask_days: 180,
            api_delete_days: 5 * 365,
            alert_delete_days: 5 * 365,
            interval_secs: 3600,
        }
    }
}

/// Defaults of the screening parameters (each request may override them).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScreeningDefaults {
    pub limit: usize,
    pub cutoff: f64,
    pub threshold: f64,
}

impl Default for ScreeningDefaults {
    fn default() -> Self {
        ScreeningDefaults {
            limit: 5,
            cutoff: 0.5,
            threshold: 0.7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_configuration_parses() {
        let text = include_str!("../../../samples/demo/interdict.toml");
        let c: ServerConfig = toml::from_str(text).unwrap();
        assert_eq!(c.retention.pnr_mask_days, 180);
        assert_eq!(c.retention.alert_delete_days, 1825);
        assert_eq!(RetentionConfig::default().alert_delete_days, 1825);
        assert_eq!(c.index_refresh_secs, 10);
        assert_eq!(c.screening.threshold, 0.7);
        assert!(toml::from_str::<ServerConfig>("listen = 1").is_err());
        assert!(
            toml::from_str::<ServerConfig>("unknown_key = true").is_err(),
            "typos are refused"
        );
        let empty: ServerConfig = toml::from_str("").unwrap();
        assert_eq!(empty.listen, "127.0.0.1:8080");
    }
}
