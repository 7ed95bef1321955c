//! Crash safety: the server runs in a child process (this test binary re-run as `child_server`) on a SQLite
//! file and is killed with SIGKILL during a list import and during a burst of decisions. After each kill the
//! store must be consistent (the old list version or the complete new one, never a half), every acknowledged
//! decision must be there, and the audit chain must verify.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use interdict_server::{AppState, KeyHashing, RetentionConfig, ServerConfig, bootstrap};
use interdict_store::{SqliteStore, Store};

const CHILD_ENV: &str = "INTERDICT_CRASH_CHILD_DIR";

#[test]
#[ignore = "started by kill_9_during_import_and_decisions_loses_nothing_acknowledged as a child process"]
fn child_server() {
    let Some(dir) = std::env::var_os(CHILD_ENV).map(PathBuf::from) else {
        return;
    };
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("store.db")).unwrap());
    if let Some(first) =
        bootstrap::ensure_first_admin(store.as_ref(), "Crash Agency", KeyHashing::fast()).unwrap()
    {
        write_atomically(
            &dir.join("keys"),
            &format!("{}\n{}\n", first.admin_key, first.analyst_key),
        );
    }
    let config = ServerConfig {
        key_memory_kib: 8,
        key_iterations: 1,
        retention: RetentionConfig {
            interval_secs: 0,
            ..Default::default()
        },
        ..ServerConfig::default()
    };
    let state = AppState::new(store, config);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        write_atomically(
            &dir.join("port"),
            &listener.local_addr().unwrap().port().to_string(),
        );
        interdict_server::serve(listener, state, std::future::pending())
            .await
            .unwrap();
    });
}

fn write_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(tmp, path).unwrap();
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    // The child is moved into `Server`, whose `Drop` kills and reaps it on every path.
    #[allow(clippy::zombie_processes)]
    fn start(dir: &Path) -> Server {
        let _ = std::fs::remove_file(dir.join("port"));
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["child_server", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_ENV, dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            if let Ok(p) = std::fs::read_to_string(dir.join("port")) {
                return Server {
                    child,
                    port: p.trim().parse().unwrap(),
                };
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "child server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill9(mut self) {
        self.child.kill().unwrap(); // SIGKILL on Unix
        self.child.wait().unwrap();
    }
}

/// One HTTP/1.1 request on a fresh connection; `None` when the connection fails (the server was killed).
fn http(port: u16, method: &str, path: &str, key: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nX-Purpose: crash test\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

/// A fictional person name, distinct for each `i`.
fn fictional_name(i: usize) -> String {
    const A: &[&str] = &[
        "Zor", "Kel", "Vam", "Dru", "Pel", "Nix", "Tav", "Qor", "Lum", "Bex",
    ];
    const B: &[&str] = &[
        "anu", "iko", "esta", "ovar", "ulin", "amir", "edo", "ysha", "oben", "ita",
    ];
    let part = |n: usize| {
        format!(
            "{}{}{}",
            A[n % 10],
            B[(n / 10) % 10],
            A[(n / 100) % 10].to_lowercase()
        )
    };
    format!("{} {}", part(i), part(i / 1000 + 7 * i + 3))
}

fn watchlist(rows: usize, version_tag: &str) -> String {
    let mut csv = String::from("id,schema,name,birth_date,nationality\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{version_tag}-{i},Person,{},19{:02},xx\n",
            fictional_name(i),
            i % 100
        ));
    }
    csv
}

fn keys(dir: &Path) -> (String, String) {
    let text = std::fs::read_to_string(dir.join("keys")).unwrap();
    let mut lines = text.lines();
    (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    )
}

fn check_store(dir: &Path) -> SqliteStore {
    let store = SqliteStore::open(&dir.join("store.db")).unwrap();
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact(), "audit chain broken after kill -9: {v:?}");
    store
}

#[test]
fn kill_9_during_import_and_decisions_loses_nothing_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let server = Server::start(dir);
    let (admin, analyst) = keys(dir);
    let (status, body) = http(
        server.port,
        "POST",
        "/v1/lists/watch",
        &admin,
        watchlist(300, "A").as_bytes(),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let queries: Vec<serde_json::Value> = (0..300)
        .map(|i| serde_json::json!({"id": format!("q{i}"), "schema": "Person", "properties": {"name": [fictional_name(i)]}}))
        .collect();
    let (status, body) = http(
        server.port,
        "POST",
        "/v1/screen",
        &analyst,
        serde_json::json!({"queries": queries})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let screened: serde_json::Value = serde_json::from_str(&body).unwrap();
    let alert_ids: Vec<i64> = screened["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| {
            q["alert_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_i64().unwrap())
        })
        .collect();
    assert!(
        alert_ids.len() >= 250,
        "exact names raise alerts: {}",
        alert_ids.len()
    );
    server.kill9();
    let org_id = check_store(dir).organisations().unwrap()[0].id;

    // One complete import of a 40,000-entry version, timed; then kills at fractions of that time.
    let big = watchlist(40_000, "B");
    let server = Server::start(dir);
    let started = Instant::now();
    let (status, body) = http(
        server.port,
        "POST",
        "/v1/lists/watch",
        &admin,
        big.as_bytes(),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let full = started.elapsed();
    server.kill9();
    eprintln!("a complete 40,000-entry import took {full:?}");
    for fraction in [0.05, 0.3, 0.6, 0.9] {
        let server = Server::start(dir);
        let port = server.port;
        let body = big.clone();
        let admin2 = admin.clone();
        let upload = std::thread::spawn(move || {
            http(port, "POST", "/v1/lists/watch", &admin2, body.as_bytes())
        });
        std::thread::sleep(full.mul_f64(fraction));
        server.kill9();
        let acknowledged = matches!(upload.join().unwrap(), Some((200, _)));
        let store = check_store(dir);
        let versions = store.list_versions(org_id, "watch").unwrap();
        let active: Vec<_> = versions.iter().filter(|v| v.active).collect();
        assert_eq!(
            active.len(),
            1,
            "exactly one version in force: {versions:?}"
        );
        let active = active[0];
        let entities = store
            .list_entities(org_id, "watch", active.version)
            .unwrap();
        assert_eq!(entities.len() as i64, active.entity_count);
        assert_eq!(
            entities.len(),
            40_000,
            "the previous complete version (or the new complete one) is in force"
        );
        assert!(
            versions
                .iter()
                .all(|v| v.entity_count == 300 || v.entity_count == 40_000),
            "no half version: {versions:?}"
        );
        eprintln!(
            "kill -9 at {fraction} of an import: acknowledged={acknowledged}, version {} of {} in force with {} entities",
            active.version,
            versions.len(),
            entities.len()
        );
    }

    // Kill during a burst of decisions from four clients.
    let server = Server::start(dir);
    let port = server.port;
    let acked: Arc<Mutex<Vec<(i64, i64)>>> = Arc::default();
    let mut clients = Vec::new();
    for c in 0..4 {
        let ids: Vec<i64> = alert_ids.iter().copied().skip(c).step_by(4).collect();
        let (acked, analyst) = (Arc::clone(&acked), analyst.clone());
        clients.push(std::thread::spawn(move || {
            for id in ids {
                let body = serde_json::json!({"decision": "dismiss", "reason": format!("crash test {id}")}).to_string();
                match http(port, "POST", &format!("/v1/alerts/{id}/decision"), &analyst, body.as_bytes()) {
                    Some((200, text)) => {
                        let d: serde_json::Value = serde_json::from_str(&text).unwrap();
                        acked.lock().unwrap().push((id, d["id"].as_i64().unwrap()));
                    }
                    Some((status, text)) => panic!("decision on {id}: {status} {text}"),
                    None => return,
                }
            }
        }));
    }
    let started = Instant::now();
    while acked.lock().unwrap().len() < 40 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    server.kill9();
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    eprintln!(
        "kill -9 during decisions: {} acknowledged before the kill",
        acked.len()
    );
    assert!(
        acked.len() >= 40,
        "the burst was under way when killed: {}",
        acked.len()
    );
    let store = check_store(dir);
    for (alert, decision) in &acked {
        let stored = store.decisions(org_id, *alert).unwrap();
        assert!(
            stored.iter().any(|d| d.id == *decision),
            "acknowledged decision {decision} on alert {alert} lost"
        );
    }
    let decided = store
        .audit_records(None, 0, 100_000)
        .unwrap()
        .iter()
        .filter(|r| r.action == "alert.decide")
        .count();
    assert!(
        decided >= acked.len(),
        "every acknowledged decision is audited"
    );

    // And the server comes back on the same file.
    let server = Server::start(dir);
    assert_eq!(
        http(server.port, "GET", "/readyz", "", b"").map(|r| r.0),
        Some(200)
    );
    server.kill9();
}
