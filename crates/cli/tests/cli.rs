//! The `interdict` binary, run as users run it: the DESIGN.md contract for `screen`, `names compare` and
//! `lists inspect` (JSON lines in order, exit codes 0 / 1 / 2, errors on standard error naming the input).
//! Other command groups add their tests here.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("interdict runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

#[test]
fn screen_answers_each_query_in_order_with_the_contract_fields() {
    let queries = std::fs::read_to_string(repo("samples/queries.jsonl")).unwrap();
    let mut cmd = bin();
    cmd.args(["screen", "--list"])
        .arg(repo("samples/lists/demo_watchlist.csv"));
    let out = run_with_stdin(cmd, &queries);
    assert_eq!(
        out.status.code(),
        Some(1),
        "hits give exit code 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let ids: Vec<String> = queries
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(lines.len(), ids.len());
    for (line, id) in lines.iter().zip(&ids) {
        assert_eq!(line["id"], id.as_str());
        let results = line["results"].as_array().unwrap();
        assert!(results.len() <= 5);
        let scores: Vec<f64> = results
            .iter()
            .map(|r| r["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "sorted by score: {scores:?}"
        );
        for r in results {
            assert!(r["score"].as_f64().unwrap() >= 0.5);
            assert_eq!(
                r["match"].as_bool().unwrap(),
                r["score"].as_f64().unwrap() >= 0.7
            );
            assert!(
                r["caption"].is_string()
                    && r["datasets"].is_array()
                    && r["explanation"].is_object()
            );
        }
    }
    // The first sample query names a listed person exactly.
    assert_eq!(lines[0]["results"][0]["match"], true);
}

#[test]
fn screen_options_limit_cutoff_threshold() {
    let q = r#"{"id":"x","schema":"Person","properties":{"name":["Abu Hamza al-Qasimani"]}}"#;
    let mut cmd = bin();
    cmd.args([
        "screen",
        "--limit",
        "1",
        "--cutoff",
        "0.2",
        "--threshold",
        "0.99",
        "--list",
    ])
    .arg(repo("samples/lists/demo_watchlist.csv"));
    let out = run_with_stdin(cmd, q);
    let lines = json_lines(&out);
    let results = lines[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let score = results[0]["score"].as_f64().unwrap();
    assert_eq!(results[0]["match"].as_bool().unwrap(), score >= 0.99);
}

#[test]
fn screen_reports_a_bad_line_and_goes_on() {
    let input = "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Nobody Known Here\"]}}\nnot json\n{\"id\":\"c\",\"schema\":\"Dragon\",\"properties\":{\"name\":[\"x\"]}}\n{\"id\":\"d\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Zzyzx Qwerty\"]}}\n";
    let mut cmd = bin();
    cmd.args(["screen", "--list"])
        .arg(repo("samples/lists/demo_watchlist.csv"));
    let out = run_with_stdin(cmd, input);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4, "one output line per input line");
    assert_eq!(lines[0]["id"], "a");
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"));
    assert_eq!(lines[2]["id"], "c");
    assert!(lines[2]["error"].is_string());
    assert_eq!(lines[3]["id"], "d");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("standard input line 2"), "{stderr}");
}

/// A birth date with a typo is reported and left out, and the person is still screened by name: a field that
/// cannot be read must not let a listed name through.
#[test]
fn screen_reports_an_unreadable_birth_date_and_screens_the_name() {
    let input = "{\"id\":\"t\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Abu Hamza al-Qasimani\"],\"birthDate\":[\"1984-3-12\"]}}\n";
    let mut cmd = bin();
    cmd.args(["screen", "--list"])
        .arg(repo("samples/lists/demo_watchlist.csv"));
    let out = run_with_stdin(cmd, input);
    assert_eq!(out.status.code(), Some(2), "an input error");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], "t");
    let error = lines[0]["error"].as_str().unwrap();
    assert!(
        error.contains("line 1") && error.contains("birthDate") && error.contains("1984-3-12"),
        "{error}"
    );
    assert_eq!(lines[0]["results"][0]["id"], "DW-0001", "{:?}", lines[0]);
    assert_eq!(lines[0]["results"][0]["match"], true);
    // The date was not used as evidence.
    let evidence = lines[0]["results"][0]["explanation"]["evidence"]
        .as_array()
        .unwrap();
    assert!(
        evidence.iter().all(|e| e["kind"] != "birth_date"),
        "{evidence:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("standard input line 1"), "{stderr}");
}

#[test]
fn screen_usage_errors_exit_2() {
    let out = bin().args(["screen"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["screen", "--list", "/nonexistent/list.xml"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/list.xml"));
    let mut cmd = bin();
    cmd.args(["screen", "--cutoff", "1.5", "--list"])
        .arg(repo("samples/lists/demo_watchlist.csv"));
    assert_eq!(run_with_stdin(cmd, "").status.code(), Some(2));
}

#[test]
fn screen_table_format_is_readable() {
    let q = r#"{"id":"t1","schema":"Person","properties":{"name":["Abu Hamza al-Qasimani"]}}"#;
    let mut cmd = bin();
    cmd.args(["screen", "--format", "table", "--list"])
        .arg(repo("samples/lists/demo_watchlist.csv"));
    let out = run_with_stdin(cmd, q);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("query t1") && text.contains("rank") && text.contains("DW-0001"),
        "{text}"
    );
}

#[test]
fn names_compare_scores_each_pair_in_order() {
    let input = concat!(
        r#"{"schema":"Person","a":"Olaf Scholze","b":"Olaf Scholz"}"#,
        "\n",
        r#"{"schema":"Person","a":"Barack Obama","b":"Michelle Obama"}"#,
        "\n",
        r#"{"a":"Abu Muhammad al-Adnani","b":"ABOU MOHAMED AL ADNANI"}"#,
        "\n"
    );
    let mut cmd = bin();
    cmd.args(["names", "compare"]);
    let out = run_with_stdin(cmd, input);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    let score = |i: usize| lines[i]["score"].as_f64().unwrap();
    assert!(score(0) >= 0.7, "{}", score(0));
    assert!(score(1) < 0.7, "{}", score(1));
    assert!(score(2) >= 0.9, "{}", score(2));
    assert!(lines[0]["explanation"]["pairs"].as_array().unwrap().len() == 2);
}

#[test]
fn names_compare_bad_line_exits_2_and_keeps_order() {
    let mut cmd = bin();
    cmd.args(["names", "compare"]);
    let out = run_with_stdin(cmd, "{\"a\":\"x\"}\n{\"a\":\"Ali\",\"b\":\"Aly\"}\n");
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"].as_str().unwrap().contains("line 1"));
    assert!(lines[1]["score"].as_f64().is_some());
}

#[test]
fn un_list_through_the_binary() {
    let Some(un) = interdict_testdata::shared_data("lists/un/UN_consolidated.xml") else {
        return;
    };
    let input = [
        "Abu Muhammad al-Adnani",
        "Abou Mohamed El Adnani",
        "AL-ADNANI, Abu Mohammad",
        "أبو محمد العدناني",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| {
        format!("{{\"id\":\"q{i}\",\"schema\":\"Person\",\"properties\":{{\"name\":[\"{n}\"]}}}}\n")
    })
    .collect::<String>();
    let mut cmd = bin();
    cmd.args(["screen", "--list"]).arg(&un);
    let out = run_with_stdin(cmd, &input);
    assert_eq!(out.status.code(), Some(1));
    for line in json_lines(&out) {
        assert_eq!(line["results"][0]["id"], "QDi.325", "{line}");
        assert_eq!(line["results"][0]["datasets"][0], "un_sc");
    }
}

/// `interdict audit anchor` prints (and appends) the verified head; `audit verify --anchor` accepts it from the
/// file and names the first missing record for an anchor beyond the chain (a truncated log).
#[test]
fn audit_anchor_and_verify_against_it() {
    let dir = std::env::temp_dir().join(format!("interdict-cli-anchor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("anchor.db");
    // A fresh database: `serve` creates the first organisation and audits it, then is stopped.
    let mut serve = bin()
        .args(["serve", "--no-demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(serve.stdout.take().unwrap());
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0
        && !line.contains("listening")
    {
        line.clear();
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
    let key = std::fs::read_to_string(dir.join("anchor.db.sealing-key")).unwrap();
    assert_eq!(
        key.trim().len(),
        64,
        "the first run writes the sealing key beside the database"
    );

    let anchors = dir.join("anchors.jsonl");
    let out = bin()
        .args(["audit", "anchor", "--db"])
        .arg(&db)
        .arg("--append")
        .arg(&anchors)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let anchor = &json_lines(&out)[0];
    assert!(anchor["seq"].as_i64().unwrap() >= 1, "{anchor}");
    assert_eq!(anchor["hash"].as_str().unwrap().len(), 64);
    let kept = std::fs::read_to_string(&anchors).unwrap();
    assert_eq!(kept.trim(), anchor.to_string());

    let out = bin()
        .args(["audit", "verify", "--db"])
        .arg(&db)
        .arg("--anchor")
        .arg(&anchors)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_lines(&out)[0]["intact"], true);

    let beyond = format!(
        r#"{{"seq": 1000, "hash": "{}"}}"#,
        anchor["hash"].as_str().unwrap()
    );
    let out = bin()
        .args(["audit", "verify", "--db"])
        .arg(&db)
        .args(["--anchor", &beyond])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = &json_lines(&out)[0];
    assert_eq!(v["intact"], false);
    assert_eq!(
        v["first_broken"]["seq"],
        anchor["seq"].as_i64().unwrap() + 1,
        "{v}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("anchor"));

    let out = bin()
        .args(["audit", "verify", "--db"])
        .arg(&db)
        .args(["--anchor", "{\"seq\": 1}"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a malformed anchor is a usage error"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn finance_monitor_threads_write_the_same_alerts_as_one_thread() {
    let dir = std::env::temp_dir().join(format!("interdict-cli-finance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("tx.csv");
    let out = bin()
        .args([
            "finance",
            "generate",
            "--transactions",
            "20000",
            "--accounts",
            "1500",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&csv, &out.stdout).unwrap();
    let rules = repo("samples/finance/rules-fr-tf.toml");
    let monitor = |threads: &str, input: &[&str]| {
        let out = bin()
            .args(["finance", "monitor", "--rules"])
            .arg(&rules)
            .args(["--threads", threads])
            .args(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "alerts: exit 1");
        out.stdout
    };
    let csv_arg = csv.to_str().unwrap();
    let one = monitor("1", &[csv_arg]);
    assert!(one.split(|b| *b == b'\n').count() > 100);
    assert!(one == monitor("3", &[csv_arg]), "CSV input, 3 threads");
    let synthetic = ["--synthetic", "20000", "--accounts", "1500"];
    assert!(
        monitor("1", &synthetic) == monitor("2", &synthetic),
        "synthetic input, 2 threads"
    );
    std::fs::remove_dir_all(&dir).ok();
}
