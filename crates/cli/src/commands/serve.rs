//! `interdict serve`: the HTTP API on an embedded SQLite database. On a fresh database it creates the first
//! organisation, prints its admin and analyst API keys once, and loads the bundled fictional demo data.
//!
//! Settings come from (later wins): built-in defaults, `--config FILE` (TOML, see `ServerConfig`), environment
//! variables (`INTERDICT_LISTEN`, `INTERDICT_DATABASE`, `INTERDICT_BODY_LIMIT_BYTES`,
//! `INTERDICT_REQUEST_TIMEOUT_SECS`, `INTERDICT_RETENTION_INTERVAL_SECS`, the retention limits in days
//! `INTERDICT_PNR_MASK_DAYS`, `INTERDICT_PNR_DELETE_DAYS`, `INTERDICT_API_MASK_DAYS`, `INTERDICT_API_DELETE_DAYS`,
//! `INTERDICT_ALERT_DELETE_DAYS`, `INTERDICT_WORKER_THREADS`, `INTERDICT_SEALING_KEY_FILE`,
//! `INTERDICT_FSYNC_COMMITS`), then flags.
//!
//! Masked passenger data is sealed with a key kept apart from the database: `INTERDICT_SEALING_KEY` (the key, 64
//! hex digits), else the file `sealing_key_file` (default: the database path + `.sealing-key`), generated on
//! first run with a warning to keep a copy elsewhere.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use interdict_server::{AppState, ServerConfig, bootstrap};
use interdict_store::{SealingKey, SqliteStore, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TOML configuration file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    listen: Option<String>,
    /// SQLite database file (default interdict.db; created on first run).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Load the bundled fictional demo data (watchlist, passenger records) if not loaded yet. A fresh database
    /// gets it anyway unless --no-demo.
    #[arg(long)]
    demo: bool,
    /// Do not load demo data into a fresh database.
    #[arg(long, conflicts_with = "demo")]
    no_demo: bool,
    /// Write logs as JSON lines.
    #[arg(long)]
    log_json: bool,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    openapi: bool,
}

/// The validated settings of one run.
#[derive(Debug)]
struct ServeConfig {
    server: ServerConfig,
    demo: Option<bool>,
    log_json: bool,
}

fn env_override<T: std::str::FromStr>(name: &str, slot: &mut T) -> anyhow::Result<()>
where
    T::Err: std::fmt::Display,
{
    if let Ok(v) = std::env::var(name) {
        *slot = v
            .parse()
            .map_err(|e| anyhow::anyhow!("environment variable {name}={v:?}: {e}"))?;
    }
    Ok(())
}

fn config_from(args: &Args) -> anyhow::Result<ServeConfig> {
    let mut server = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<ServerConfig>(&text)
                .with_context(|| format!("configuration file {}", path.display()))?
        }
        None => ServerConfig::default(),
    };
    env_override("INTERDICT_LISTEN", &mut server.listen)?;
    env_override("INTERDICT_DATABASE", &mut server.database)?;
    env_override("INTERDICT_BODY_LIMIT_BYTES", &mut server.body_limit_bytes)?;
    env_override(
        "INTERDICT_REQUEST_TIMEOUT_SECS",
        &mut server.request_timeout_secs,
    )?;
    env_override(
        "INTERDICT_RETENTION_INTERVAL_SECS",
        &mut server.retention.interval_secs,
    )?;
    let retention = &mut server.retention;
    env_override("INTERDICT_PNR_MASK_DAYS", &mut retention.pnr_mask_days)?;
    env_override("INTERDICT_PNR_DELETE_DAYS", &mut retention.pnr_delete_days)?;
    env_override("INTERDICT_API_MASK_DAYS", &mut retention.api_mask_days)?;
    env_override("INTERDICT_API_DELETE_DAYS", &mut retention.api_delete_days)?;
    env_override(
        "INTERDICT_ALERT_DELETE_DAYS",
        &mut retention.alert_delete_days,
    )?;
    env_override("INTERDICT_WORKER_THREADS", &mut server.worker_threads)?;
    env_override("INTERDICT_FSYNC_COMMITS", &mut server.fsync_commits)?;
    if let Ok(v) = std::env::var("INTERDICT_SEALING_KEY_FILE") {
        server.sealing_key_file = Some(PathBuf::from(v));
    }
    if let Some(l) = &args.listen {
        server.listen = l.clone();
    }
    if let Some(db) = &args.db {
        server.database = db.clone();
    }
    let demo = if args.demo {
        Some(true)
    } else if args.no_demo {
        Some(false)
    } else {
        None
    };
    Ok(ServeConfig {
        server,
        demo,
        log_json: args.log_json,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Gives the store its sealing key: from `INTERDICT_SEALING_KEY`, else from the key file, else a new key. A new
/// key is written to the key file before the store seals anything with it, and removed again if the database
/// already holds data sealed with another key (a lost key file is never silently replaced).
fn with_sealing_key(store: SqliteStore, config: &ServerConfig) -> anyhow::Result<SqliteStore> {
    if let Ok(hex) = std::env::var("INTERDICT_SEALING_KEY") {
        let key =
            SealingKey::from_hex(&hex).context("environment variable INTERDICT_SEALING_KEY")?;
        return Ok(store.with_sealing_key(key)?);
    }
    let path = config.sealing_key_path();
    if path.exists() {
        return Ok(store.with_sealing_key(SealingKey::read(&path)?)?);
    }
    let key = SealingKey::generate();
    key.write_new(&path)?;
    let store = match store.with_sealing_key(key.clone()) {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(anyhow::Error::new(e).context(format!(
                "the sealing key file {} is missing; restore it (or set INTERDICT_SEALING_KEY)",
                path.display()
            )));
        }
    };
    eprintln!(
        "interdict: WARNING: generated a new key sealing masked passenger data: {} (key id {}). Keep a copy apart \
         from the database (a secrets store or another volume): without it masked originals cannot be \
         re-personalised, and whoever holds both the key and the database can read them.",
        path.display(),
        key.id()
    );
    Ok(store)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.openapi {
        print!("{}", interdict_server::openapi::openapi_json());
        return Ok(ExitCode::SUCCESS);
    }
    let config = config_from(&args)?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    if config.log_json {
        logs.json().init();
    } else {
        logs.init();
    }

    let mut store = SqliteStore::open(&config.server.database)
        .with_context(|| format!("opening the database {}", config.server.database.display()))?;
    if config.server.fsync_commits {
        store = store.with_full_sync()?;
    }
    let store: Arc<dyn Store> = Arc::new(with_sealing_key(store, &config.server)?);
    let first = bootstrap::ensure_first_admin(
        store.as_ref(),
        &config.server.first_organisation,
        config.server.key_hashing(),
    )?;
    let state = AppState::new(Arc::clone(&store), config.server.clone());
    let demo_org = match (&first, config.demo) {
        (_, Some(false)) => None,
        (Some(f), _) => Some(f.org_id),
        (None, Some(true)) => store.organisations()?.first().map(|o| o.id),
        (None, None) => None,
    };
    if let Some(org) = demo_org
        && bootstrap::load_demo(&state, org)?
    {
        println!(
            "interdict: loaded the bundled fictional demo data (list `demo_watchlist`, 3 passenger records)"
        );
    }
    for org in store.organisations()? {
        state.indexes.rebuild(store.as_ref(), org.id)?;
    }

    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if config.server.worker_threads > 0 {
        runtime.worker_threads(config.server.worker_threads);
    }
    let runtime = runtime
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&config.server.listen)
            .await
            .with_context(|| format!("listening on {}", config.server.listen))?;
        let addr = listener.local_addr()?;
        println!("interdict: listening on http://{addr} (database {})", config.server.database.display());
        if let Some(f) = &first {
            println!("interdict: new database: organisation {:?} created; these keys are shown only once:", f.organisation);
            println!("  admin key:   {}", f.admin_key);
            println!("  analyst key: {}", f.analyst_key);
            println!("interdict: screen a name:");
            println!(
                "  curl -s http://{addr}/v1/screen -H 'Authorization: Bearer {}' -H 'X-Purpose: demo' \\\n    -d '{{\"queries\":[{{\"schema\":\"Person\",\"properties\":{{\"name\":[\"Abu Hamza al-Qasimani\"]}}}}]}}'",
                f.analyst_key
            );
        }
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        interdict_server::serve(listener, state, shutdown_signal()).await.context("serving")?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
