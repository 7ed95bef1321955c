//! The HTTP API, called in-process (no sockets): authentication on every route, organisation isolation, the
//! screening -> alert -> decision flow, list versions, audit, retention, error bodies and the OpenAPI document.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use interdict_server::{
    AppState, KeyHashing, RetentionConfig, ServerConfig, auth::issue_api_key, router,
};
use interdict_store::{Role, SqliteStore, Store, now_ms};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Org {
    id: i64,
    admin: String,
    analyst: String,
    auditor: String,
    dpo: String,
    ingest: String,
}

struct Harness {
    state: AppState,
    a: Org,
    b: Org,
}

fn config() -> ServerConfig {
    let fast = KeyHashing::fast();
    ServerConfig {
        key_memory_kib: fast.memory_kib,
        key_iterations: fast.iterations,
        body_limit_bytes: 2 * 1024 * 1024,
        retention: interdict_server::RetentionConfig {
            interval_secs: 0,
            ..Default::default()
        },
        ..ServerConfig::default()
    }
}

fn org(store: &dyn Store, name: &str) -> Org {
    let o = store.create_organisation(name, now_ms()).unwrap();
    let key = |user: &str, role: Role| {
        let u = store.create_user(o.id, user, role, now_ms()).unwrap();
        issue_api_key(store, &u, KeyHashing::fast()).unwrap()
    };
    Org {
        id: o.id,
        admin: key("admin", Role::Admin),
        analyst: key("analyst", Role::Analyst),
        auditor: key("auditor", Role::Auditor),
        dpo: key("dpo", Role::DataProtection),
        ingest: key("ingest", Role::Ingest),
    }
}

const WATCHLIST_V1: &str = "id,schema,name,aliases,birth_date,nationality\n\
    T-1,Person,Abu Karim al-Fictiti,Karim Fictiti,1980,sy\n\
    T-2,Person,Olga Inventova,,1988-11-02,ru\n\
    T-3,Organization,Fictional Relief Front,FRF,,\n";

const WATCHLIST_V2: &str = "id,schema,name,aliases,birth_date,nationality\n\
    T-1,Person,Abu Karim al-Fictiti,Karim Fictiti;Abou Karim,1980,sy\n\
    T-3,Organization,Fictional Relief Front,FRF,,\n\
    T-4,Person,Jean-Pierre Madeup,,1969,fr\n";

impl Harness {
    async fn new() -> Harness {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().unwrap());
        let a = org(store.as_ref(), "Agency A");
        let b = org(store.as_ref(), "Agency B");
        let h = Harness {
            state: AppState::new(store, config()),
            a,
            b,
        };
        let (status, body) = h
            .send(
                Method::POST,
                "/v1/lists/watch",
                Some(&h.a.ingest),
                Body::from(WATCHLIST_V1),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        h
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        key: Option<&str>,
        body: Body,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let response = router(self.state.clone())
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, value)
    }

    async fn json(&self, method: Method, uri: &str, key: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            method,
            uri,
            Some(key),
            Body::from(body.to_string()),
            &[("x-purpose", "test"), ("content-type", "application/json")],
        )
        .await
    }

    async fn get(&self, uri: &str, key: &str) -> (StatusCode, Value) {
        self.send(Method::GET, uri, Some(key), Body::empty(), &[])
            .await
    }

    async fn screen_karim(&self, key: &str) -> Value {
        let (status, body) = self
            .json(Method::POST, "/v1/screen", key, json!({"queries": [{"id": "q1", "schema": "Person",
                "properties": {"name": ["Abu Karim al-Fictiti"], "birthDate": ["1980"], "nationality": ["sy"]}}]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

fn assert_error(status: StatusCode, body: &Value, want_status: u16, code: &str) {
    assert_eq!(status.as_u16(), want_status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["type"].is_string(), "{body}");
}

/// Every documented route (taken from the OpenAPI document, so a new route is covered automatically).
fn documented_routes() -> Vec<(Method, String)> {
    let doc: Value = serde_json::from_str(&interdict_server::openapi::openapi_json()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let uri = path
                .replace("{dataset}", "default")
                .replace("{list}", "watch")
                .replace("{id}", "1")
                .replace("{key_id}", "abc");
            out.push((method.to_uppercase().parse().unwrap(), uri));
        }
    }
    out
}

#[tokio::test]
async fn every_route_rejects_missing_and_wrong_credentials() {
    let h = Harness::new().await;
    let routes = documented_routes();
    assert!(routes.len() >= 25, "{routes:?}");
    let revoked = {
        let (status, body) = h
            .json(
                Method::POST,
                "/v1/users",
                &h.a.admin,
                json!({"name": "leaver", "role": "analyst"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let key = body["api_key"].as_str().unwrap().to_string();
        let key_id = key.split('_').nth(1).unwrap().to_string();
        assert_eq!(h.get("/v1/lists", &key).await.0, StatusCode::OK);
        let (status, _) = h
            .send(
                Method::DELETE,
                &format!("/v1/keys/{key_id}"),
                Some(&h.a.admin),
                Body::empty(),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        key
    };
    let wrong_secret = format!("{}x", h.a.admin);
    for (method, uri) in routes {
        if uri == "/healthz" || uri == "/readyz" {
            let (status, _) = h.send(method, &uri, None, Body::empty(), &[]).await;
            assert_eq!(status, StatusCode::OK, "{uri} is a probe");
            continue;
        }
        let (status, body) = h
            .send(method.clone(), &uri, None, Body::from("{}"), &[])
            .await;
        assert_error(status, &body, 401, "missing_credentials");
        for bad in [
            "idk_0000_1111",
            "not-a-key",
            wrong_secret.as_str(),
            revoked.as_str(),
        ] {
            let (status, body) = h
                .send(method.clone(), &uri, Some(bad), Body::from("{}"), &[])
                .await;
            assert_error(status, &body, 401, "invalid_credentials");
        }
        let (status, body) = h
            .send(
                method.clone(),
                &uri,
                Some("idk_0000_1111"),
                Body::from("{}"),
                &[],
            )
            .await;
        assert_ne!(
            body["code"], "no_route",
            "{method} {uri} is documented but not routed ({status})"
        );
    }
}

/// A query whose birth date cannot be read is still screened by name, with the problem named in its results; a
/// query that cannot be read at all gets an error in its place; the other queries of the batch are screened as
/// usual.
#[tokio::test]
async fn unreadable_queries_are_reported_and_the_batch_is_screened() {
    let h = Harness::new().await;
    let (status, body) = h
        .json(
            Method::POST,
            "/v1/screen",
            &h.a.analyst,
            json!({"queries": [
                {"id": "typo", "schema": "Person",
                 "properties": {"name": ["Abu Karim al-Fictiti"], "birthDate": ["19B0-13-45"]}},
                {"id": "clean", "schema": "Person",
                 "properties": {"name": ["Abu Karim al-Fictiti"], "birthDate": ["1980"]}},
                {"id": "dog", "schema": "Dog", "properties": {"name": ["Abu Karim al-Fictiti"]}}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let typo = &body["results"][0];
    assert_eq!(typo["id"], "typo");
    assert_eq!(typo["results"][0]["id"], "T-1", "{body}");
    let problems = typo["problems"].as_array().expect("problems listed");
    assert_eq!(problems.len(), 1, "{body}");
    let problem = problems[0].as_str().unwrap();
    assert!(
        problem.contains("typo") && problem.contains("birthDate"),
        "{problem}"
    );
    let clean = &body["results"][1];
    assert_eq!(clean["results"][0]["id"], "T-1", "{body}");
    assert!(clean.get("problems").is_none(), "{body}");
    assert!(clean.get("error").is_none(), "{body}");
    let dog = &body["results"][2];
    assert_eq!(dog["id"], "dog");
    assert_eq!(dog["results"].as_array().map(Vec::len), Some(0), "{body}");
    let error = dog["error"].as_str().expect("error named");
    assert!(error.contains("dog") && error.contains("schema"), "{error}");
    // The birth date that was read counts as evidence; the unreadable one does not.
    let evidence = |r: &Value| r["results"][0]["explanation"]["evidence"].to_string();
    assert!(evidence(clean).contains("birth_date"), "{body}");
    assert!(!evidence(typo).contains("birth_date"), "{body}");
    // Only the two queries that were read count as screened.
    let (status, metrics) = h.get("/metrics", &h.a.auditor).await;
    assert_eq!(status, StatusCode::OK);
    let metrics = metrics.as_str().unwrap();
    assert!(
        metrics.contains("interdict_screened_queries_total 2\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn screening_raises_alerts_that_an_analyst_decides() {
    let h = Harness::new().await;
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/screen",
            Some(&h.a.analyst),
            Body::from(r#"{"queries":[{"schema":"Person","properties":{"name":["x"]}}]}"#),
            &[],
        )
        .await;
    assert_error(status, &body, 400, "purpose_required");

    let body = h.screen_karim(&h.a.analyst).await;
    let result = &body["results"][0];
    assert_eq!(result["id"], "q1");
    assert_eq!(result["results"][0]["id"], "T-1", "{body}");
    assert_eq!(result["results"][0]["match"], true);
    assert!(result["results"][0]["explanation"].is_object());
    assert_eq!(body["lists"][0]["list"], "watch");
    let alert_id = result["alert_ids"][0]
        .as_i64()
        .expect("an alert for the match");

    let (status, alerts) = h.get("/v1/alerts?status=open", &h.a.analyst).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(alerts.as_array().unwrap().len(), 1);
    assert_eq!(alerts[0]["entity_id"], "T-1");

    let uri = format!("/v1/alerts/{alert_id}/decision");
    let (status, body) = h
        .json(
            Method::POST,
            &uri,
            &h.a.analyst,
            json!({"decision": "dismiss", "reason": " "}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h
        .json(
            Method::POST,
            &uri,
            &h.a.auditor,
            json!({"decision": "dismiss", "reason": "x"}),
        )
        .await;
    assert_error(status, &body, 403, "forbidden");
    let (status, body) = h
        .json(
            Method::POST,
            &uri,
            &h.a.analyst,
            json!({"decision": "maybe", "reason": "x"}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h
        .json(
            Method::POST,
            &uri,
            &h.a.analyst,
            json!({"decision": "confirm", "reason": "same date and nationality"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = h.get(&format!("/v1/alerts/{alert_id}"), &h.a.analyst).await;
    assert_eq!(detail["alert"]["status"], "confirmed");
    assert_eq!(
        detail["decisions"][0]["reason"],
        "same date and nationality"
    );

    let (status, case) = h
        .json(
            Method::POST,
            "/v1/cases",
            &h.a.analyst,
            json!({"title": "Fictiti network", "alert_ids": [alert_id]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (_, cases) = h.get("/v1/cases", &h.a.analyst).await;
    assert_eq!(cases[0]["alert_ids"][0], alert_id);

    let (status, records) = h.get("/v1/audit?limit=1000", &h.a.auditor).await;
    assert_eq!(status, StatusCode::OK);
    let records = records.as_array().unwrap();
    let screen = records
        .iter()
        .find(|r| r["action"] == "screen")
        .expect("the search is audited");
    assert_eq!(screen["purpose"], "test");
    assert!(screen["returned"].as_str().unwrap().contains("T-1"));
    assert!(
        screen["detail"]
            .as_str()
            .unwrap()
            .contains("Abu Karim al-Fictiti"),
        "what was queried is logged"
    );
    for action in [
        "alert.list",
        "alert.read",
        "alert.decide",
        "case.create",
        "case.list",
    ] {
        assert!(
            records.iter().any(|r| r["action"] == action),
            "{action} not audited"
        );
    }
    let (status, body) = h.get("/v1/audit", &h.a.analyst).await;
    assert_error(status, &body, 403, "forbidden");
    let (_, v) = h.get("/v1/audit/verify", &h.a.auditor).await;
    assert!(v["first_broken"].is_null(), "{v}");

    // An anchor of the head, published elsewhere, keeps verifying as the log grows; a wrong one does not.
    let (status, anchor) = h.get("/v1/audit/anchor", &h.a.auditor).await;
    assert_eq!(status, StatusCode::OK, "{anchor}");
    let (seq, hash) = (
        anchor["seq"].as_i64().unwrap(),
        anchor["hash"].as_str().unwrap(),
    );
    assert_eq!(hash.len(), 64);
    h.screen_karim(&h.a.analyst).await;
    let (_, v) = h
        .get(
            &format!("/v1/audit/verify?seq={seq}&hash={hash}"),
            &h.a.auditor,
        )
        .await;
    assert!(v["first_broken"].is_null(), "{v}");
    assert!(v["head_seq"].as_i64().unwrap() > seq, "{v}");
    let wrong = format!("{:0>64}", "1");
    let (_, v) = h
        .get(
            &format!("/v1/audit/verify?seq={seq}&hash={wrong}"),
            &h.a.auditor,
        )
        .await;
    assert_eq!(v["first_broken"]["seq"], seq, "{v}");
    let (_, v) = h
        .get(
            &format!("/v1/audit/verify?seq={}&hash={hash}", seq + 1000),
            &h.a.auditor,
        )
        .await;
    assert!(
        v["first_broken"]["reason"]
            .as_str()
            .unwrap()
            .contains("anchor"),
        "{v}"
    );
    let (status, body) = h.get("/v1/audit/verify?seq=3", &h.a.auditor).await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h.get("/v1/audit/anchor", &h.a.analyst).await;
    assert_error(status, &body, 403, "forbidden");
    let (_, records) = h.get("/v1/audit?limit=1000", &h.a.auditor).await;
    for action in ["audit.anchor", "audit.verify"] {
        assert!(
            records
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["action"] == action),
            "{action} not audited"
        );
    }
}

#[tokio::test]
async fn yente_clients_work_unchanged() {
    let h = Harness::new().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/match/default?limit=3&purpose=onboarding")
        .header("authorization", format!("ApiKey {}", h.a.analyst))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"queries": {"c1": {"schema": "Person", "properties": {"name": ["Olga Inventova"], "birthDate": ["1988-11-02"]}}}})
                .to_string(),
        ))
        .unwrap();
    let response = router(h.state.clone()).oneshot(req).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(
        &axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap(),
    )
    .unwrap();
    let r = &body["responses"]["c1"];
    assert_eq!(r["status"], 200);
    assert_eq!(r["results"][0]["id"], "T-2", "{body}");
    assert_eq!(r["results"][0]["schema"], "Person");
    assert_eq!(r["results"][0]["properties"]["name"][0], "Olga Inventova");
    assert!(r["results"][0]["score"].as_f64().unwrap() >= 0.7);
    assert_eq!(r["total"]["relation"], "eq");
    assert_eq!(body["limit"], 3);
    let (status, body) = h.json(Method::POST, "/match/nosuchlist", &h.a.analyst, json!({"queries": {"c1": {"schema": "Person", "properties": {"name": ["Olga Inventova"]}}}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["responses"]["c1"]["results"].as_array().unwrap().len(),
        0,
        "dataset filter applies"
    );
    // A query that cannot be read answers with its own status, as yente does; the others are screened.
    let (status, body) = h
        .json(
            Method::POST,
            "/match/default",
            &h.a.analyst,
            json!({"queries": {
                "c1": {"schema": "Person", "properties": {"name": ["Olga Inventova"]}},
                "c2": {"schema": "Dog", "properties": {"name": ["Olga Inventova"]}}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["responses"]["c1"]["status"], 200);
    assert_eq!(body["responses"]["c1"]["results"][0]["id"], "T-2", "{body}");
    assert_eq!(body["responses"]["c2"]["status"], 400);
    assert!(
        body["responses"]["c2"]["problems"][0]
            .as_str()
            .is_some_and(|p| p.contains("c2") && p.contains("schema")),
        "{body}"
    );
}

#[tokio::test]
async fn cross_organisation_reads_are_refused() {
    let h = Harness::new().await;
    let body = h.screen_karim(&h.a.analyst).await;
    let alert_id = body["results"][0]["alert_ids"][0].as_i64().unwrap();
    let (_, case) = h
        .json(
            Method::POST,
            "/v1/cases",
            &h.a.analyst,
            json!({"title": "A only", "alert_ids": [alert_id]}),
        )
        .await;
    let case_id = case["id"].as_i64().unwrap();
    let (_, ids) = h.json(Method::POST, "/v1/passengers", &h.a.ingest, json!({"records": [{"kind": "pnr", "received_at": now_ms(), "flight": "ZZ1", "personal": {"name": "A"}, "other": {}}]})).await;
    let record_id = ids["ids"][0].as_i64().unwrap();

    for uri in [
        format!("/v1/alerts/{alert_id}"),
        format!("/v1/cases/{case_id}"),
        format!("/v1/passengers/{record_id}"),
        "/v1/lists/watch/versions".into(),
        "/v1/lists/watch/diff?from=1&to=1".into(),
    ] {
        let (status, body) = h.get(&uri, &h.b.analyst).await;
        assert_error(status, &body, 404, "not_found");
    }
    let (status, body) = h
        .json(
            Method::POST,
            &format!("/v1/alerts/{alert_id}/decision"),
            &h.b.analyst,
            json!({"decision": "dismiss", "reason": "not ours"}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = h
        .json(
            Method::POST,
            "/v1/cases",
            &h.b.analyst,
            json!({"title": "steal", "alert_ids": [alert_id]}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
    assert_eq!(h.get("/v1/alerts", &h.b.analyst).await.1, json!([]));
    assert_eq!(h.get("/v1/cases", &h.b.analyst).await.1, json!([]));
    assert_eq!(h.get("/v1/lists", &h.b.analyst).await.1, json!([]));
    let b_screen = h.screen_karim(&h.b.analyst).await;
    assert_eq!(
        b_screen["results"][0]["results"],
        json!([]),
        "B does not screen against A's lists"
    );
    let (_, audit) = h.get("/v1/audit?limit=1000", &h.b.auditor).await;
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["org_id"] == h.b.id),
        "B's auditor sees only B's records"
    );
    let (_, audit) = h.get("/v1/audit?limit=1000", &h.a.auditor).await;
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["org_id"] == h.a.id)
    );
    let (_, alert) = h.get(&format!("/v1/alerts/{alert_id}"), &h.a.analyst).await;
    assert_eq!(
        alert["alert"]["status"], "open",
        "B's attempts changed nothing"
    );
}

#[tokio::test]
async fn failed_list_update_leaves_the_old_version_in_force() {
    let h = Harness::new().await;
    for (body, strict) in [
        ("<<<not a list>>>", false),
        ("id,name\n", false),
        (
            "id,schema,name,birth_date\nX-1,Person,Some One,1980-13-45\n",
            true,
        ),
    ] {
        let uri = if strict {
            "/v1/lists/watch?strict=true"
        } else {
            "/v1/lists/watch"
        };
        let (status, err) = h
            .send(Method::POST, uri, Some(&h.a.ingest), Body::from(body), &[])
            .await;
        assert_error(status, &err, 422, "import_failed");
    }
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/lists/watch",
            Some(&h.a.analyst),
            Body::from(WATCHLIST_V2),
            &[],
        )
        .await;
    assert_error(status, &body, 403, "forbidden");
    let (_, versions) = h.get("/v1/lists/watch/versions", &h.a.analyst).await;
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let body = h.screen_karim(&h.a.analyst).await;
    assert_eq!(
        body["results"][0]["results"][0]["id"], "T-1",
        "screening still runs on version 1"
    );

    let (status, body) = h
        .send(
            Method::POST,
            "/v1/lists/watch",
            Some(&h.a.ingest),
            Body::from(WATCHLIST_V2),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"]["version"], 2);
    let (_, diff) = h
        .get("/v1/lists/watch/diff?from=1&to=2", &h.a.analyst)
        .await;
    assert_eq!(diff["added"], json!(["T-4"]));
    assert_eq!(diff["removed"], json!(["T-2"]));
    assert_eq!(diff["changed"], json!(["T-1"]));
    let (_, lists) = h.get("/v1/lists", &h.a.analyst).await;
    assert_eq!(lists[0]["version"], 2);
    let (_, r) = h.json(Method::POST, "/v1/screen", &h.a.analyst, json!({"queries": [{"schema": "Person", "properties": {"name": ["Jean-Pierre Madeup"]}}]})).await;
    assert_eq!(
        r["results"][0]["results"][0]["id"], "T-4",
        "the index is rebuilt on update: {r}"
    );
}

#[tokio::test]
async fn alerts_are_deleted_after_alert_delete_days() {
    let h = Harness::new().await;
    let body = h.screen_karim(&h.a.analyst).await;
    let alert_id = body["results"][0]["alert_ids"][0].as_i64().unwrap();
    let uri = format!("/v1/alerts/{alert_id}");
    let day = 86_400_000i64;

    let never = RetentionConfig {
        alert_delete_days: 0,
        interval_secs: 0,
        ..Default::default()
    };
    let keep = AppState::new(
        Arc::clone(&h.state.store),
        ServerConfig {
            retention: never,
            ..config()
        },
    );
    let run = interdict_server::retention::apply(&keep, now_ms() + 100 * 365 * day).unwrap();
    assert_eq!(run.alerts.alerts, 0, "0 keeps alerts forever");
    assert_eq!(h.get(&uri, &h.a.analyst).await.0, StatusCode::OK);

    let run = interdict_server::retention::apply(&h.state, now_ms() + 1824 * day).unwrap();
    assert_eq!(run.alerts.alerts, 0, "younger than alert_delete_days");
    let run = interdict_server::retention::apply(&h.state, now_ms() + 1826 * day).unwrap();
    assert_eq!(run.alerts.alerts, 1);
    let (status, body) = h.get(&uri, &h.a.analyst).await;
    assert_error(status, &body, 404, "not_found");
    let records = h.state.store.audit_records(None, 0, 10_000).unwrap();
    let last = records
        .iter()
        .rev()
        .find(|r| r.action == "retention.alerts_delete")
        .unwrap();
    assert!(last.detail.contains("\"alerts\":1"), "{}", last.detail);
    assert!(!last.detail.contains("Karim"), "{}", last.detail);
    assert!(
        records.iter().any(|r| r.action == "screen"),
        "audit records of the screening are kept"
    );
    assert!(h.state.store.verify_audit().unwrap().is_intact());
}

#[tokio::test]
async fn masking_at_the_configured_age_and_second_approver() {
    let h = Harness::new().await;
    let day = 86_400_000i64;
    let rec = |age_days: i64| {
        json!({"kind": "pnr", "received_at": now_ms() - age_days * day, "flight": "ZZ9",
        "personal": {"name": "EXAMPLE/ANNA", "phone": "+00 1"}, "other": {"route": "AAA-BBB"}})
    };
    let (status, ids) = h
        .json(
            Method::POST,
            "/v1/passengers",
            &h.a.ingest,
            json!({"records": [rec(179), rec(181)]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ids}");
    let (young, old) = (
        ids["ids"][0].as_i64().unwrap(),
        ids["ids"][1].as_i64().unwrap(),
    );
    let (status, body) = h
        .json(Method::POST, "/v1/retention/run", &h.a.analyst, json!({}))
        .await;
    assert_error(status, &body, 403, "forbidden");
    let (status, run) = h
        .json(Method::POST, "/v1/retention/run", &h.a.dpo, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["pnr"]["masked"], 1);
    assert_eq!(
        run["alerts"]["alerts"], 0,
        "recent alerts are kept (alert_delete_days): {run}"
    );
    assert_eq!(
        h.get(&format!("/v1/passengers/{young}"), &h.a.analyst)
            .await
            .1["personal"]["name"],
        "EXAMPLE/ANNA"
    );
    let (_, masked) = h.get(&format!("/v1/passengers/{old}"), &h.a.analyst).await;
    assert_eq!(masked["personal"]["name"], interdict_store::MASK);
    assert_eq!(masked["other"]["route"], "AAA-BBB");

    let (status, req) = h
        .json(
            Method::POST,
            &format!("/v1/passengers/{old}/repersonalisation"),
            &h.a.analyst,
            json!({"reason": "case 7"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{req}");
    let req_id = req["id"].as_i64().unwrap();
    let (status, body) = h
        .get(
            &format!("/v1/repersonalisations/{req_id}/record"),
            &h.a.analyst,
        )
        .await;
    assert_error(status, &body, 409, "conflict");
    let (status, body) = h
        .json(
            Method::POST,
            &format!("/v1/repersonalisations/{req_id}/approve"),
            &h.a.analyst,
            json!({}),
        )
        .await;
    assert_error(status, &body, 403, "forbidden");
    let (status, body) = h
        .json(
            Method::POST,
            &format!("/v1/repersonalisations/{req_id}/approve"),
            &h.b.dpo,
            json!({}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = h
        .json(
            Method::POST,
            &format!("/v1/repersonalisations/{req_id}/approve"),
            &h.a.dpo,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, full) = h
        .get(
            &format!("/v1/repersonalisations/{req_id}/record"),
            &h.a.analyst,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(full["personal"]["name"], "EXAMPLE/ANNA");
    let (_, audit) = h.get("/v1/audit?limit=1000", &h.a.dpo).await;
    for action in [
        "repersonalisation.request",
        "repersonalisation.approve",
        "repersonalisation.disclose",
        "passenger.read",
    ] {
        assert!(
            audit
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["action"] == action),
            "{action} not audited"
        );
    }
}

#[tokio::test]
async fn errors_have_one_shape() {
    let h = Harness::new().await;
    let (status, body) = h.get("/v1/nothing", &h.a.admin).await;
    assert_error(status, &body, 404, "no_route");
    let big = vec![b'a'; 3 * 1024 * 1024];
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/lists/watch",
            Some(&h.a.ingest),
            Body::from(big),
            &[],
        )
        .await;
    assert_error(status, &body, 413, "payload_too_large");
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/screen",
            Some(&h.a.analyst),
            Body::from("{not json"),
            &[("x-purpose", "t")],
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h.get("/v1/alerts/abc", &h.a.analyst).await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h.get("/v1/alerts?status=weird", &h.a.analyst).await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h
        .json(
            Method::POST,
            "/v1/screen",
            &h.a.analyst,
            json!({"queries": [], "limit": 5}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h
        .json(
            Method::POST,
            "/v1/screen",
            &h.a.analyst,
            json!({"queries": [{"schema": "Dog", "properties": {"name": ["x"]}}]}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, metrics) = h.get("/metrics", &h.a.auditor).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        metrics
            .as_str()
            .unwrap()
            .contains("interdict_http_requests_total")
    );
}

#[test]
fn committed_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = interdict_server::openapi::openapi_json();
    if std::env::var_os("INTERDICT_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/server/openapi.json is stale: run `INTERDICT_UPDATE_OPENAPI=1 cargo test -p interdict-server --test api` and commit it"
    );
}

#[tokio::test]
async fn paxlst_in_hits_and_cusres_out() {
    let h = Harness::new().await;
    let paxlst = "UNB+UNOA:4+ZZAIR+GOV+260301:0900+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'\
        TDT+20+ZZ101+++ZZ'LOC+125+AAA'DTM+189:2603011000:201'LOC+87+BBB'DTM+232:2603011400:201'\
        NAD+FL+++FICTITI:ABU KARIM AL'DTM+329:800101'NAT+2+SYR'DOC+P:110:111+X0000001'\
        NAD+FL+++EXAMPLE:ANNA'DTM+329:900102'NAT+2+NLD'DOC+P:110:111+Y0000002'\
        CNT+42:2'UNT+16+1'UNZ+1+1'";
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/travel/messages",
            Some(&h.a.ingest),
            Body::from(paxlst),
            &[],
        )
        .await;
    assert_error(status, &body, 400, "purpose_required");
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/travel/messages",
            Some(&h.a.ingest),
            Body::from(paxlst),
            &[("x-purpose", "border control")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let m = &body["messages"][0];
    assert_eq!(m["message_type"], "PAXLST");
    let travellers = m["screening"]["travellers"].as_array().unwrap();
    assert_eq!(travellers.len(), 2);
    assert_eq!(travellers[0]["hits"][0]["reference"], "T-1", "{body}");
    assert!(travellers[1]["hits"].as_array().unwrap().is_empty());
    assert_eq!(m["alert_ids"].as_array().unwrap().len(), 1);
    let cusres = m["cusres"].as_str().unwrap();
    assert!(
        cusres.contains("UNB+") && cusres.contains("CUSRES"),
        "{cusres}"
    );
    let record = m["passenger_record_ids"][0].as_i64().unwrap();
    let (_, stored) = h
        .get(&format!("/v1/passengers/{record}"), &h.a.analyst)
        .await;
    assert_eq!(stored["kind"], "api");
    assert_eq!(stored["personal"]["surname"], "FICTITI", "{stored}");
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/travel/messages",
            Some(&h.a.ingest),
            Body::from("hello"),
            &[("x-purpose", "x")],
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
}

#[tokio::test]
async fn hash_banks_match_hashes_and_images() {
    let h = Harness::new().await;
    // The bridge photo's PDQ (reference value) with 4 bits flipped, as a bank entry; and a made-up MD5.
    let bank = "signal_type,signal,content_id,labels,handling\n\
        pdq,d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b2d,bridge-1,tve,TLP:AMBER\n\
        md5,0123456789abcdef0123456789abcdef,clip-7,tve,TLP:GREEN\n";
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/hashes/banks/tve",
            Some(&h.a.analyst),
            Body::from(bank),
            &[],
        )
        .await;
    assert_error(status, &body, 403, "forbidden");
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/hashes/banks/tve",
            Some(&h.a.ingest),
            Body::from("nothing usable"),
            &[],
        )
        .await;
    assert_error(status, &body, 422, "import_failed");
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/hashes/banks/tve",
            Some(&h.a.ingest),
            Body::from(bank),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["bank"]["entries"], 2);
    let query = json!({"pdq": ["d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"],
                       "md5": ["0123456789ABCDEF0123456789ABCDEF"]});
    let (status, r) = h
        .json(
            Method::POST,
            "/v1/hashes/match",
            &h.a.analyst,
            query.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["results"][0]["matches"][0]["content_id"], "bridge-1");
    assert_eq!(r["results"][0]["matches"][0]["distance"], 4);
    assert_eq!(r["results"][0]["matches"][0]["handling"], "TLP:AMBER");
    assert_eq!(r["results"][1]["matches"][0]["content_id"], "clip-7");
    let (_, r) = h
        .json(Method::POST, "/v1/hashes/match", &h.b.analyst, query)
        .await;
    assert!(
        r["results"][0]["matches"].as_array().unwrap().is_empty(),
        "banks are per organisation"
    );
    let (status, body) = h
        .json(
            Method::POST,
            "/v1/hashes/match",
            &h.a.analyst,
            json!({"pdq": ["xyz"]}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (_, banks) = h.get("/v1/hashes/banks", &h.a.auditor).await;
    assert_eq!(banks[0]["bank"], "tve");

    let Some(photo) = interdict_testdata::shared_data("pdq/bridge-mods/aaa-orig.jpg") else {
        return;
    };
    let image = std::fs::read(photo).unwrap();
    let (status, r) = h
        .send(
            Method::POST,
            "/v1/hashes/match-image",
            Some(&h.a.analyst),
            Body::from(image),
            &[("x-purpose", "upload check")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["results"][0]["signal_type"], "pdq");
    assert_eq!(r["results"][0]["quality"], 100);
    assert_eq!(
        r["results"][0]["matches"][0]["content_id"], "bridge-1",
        "{r}"
    );
    let (_, audit) = h.get("/v1/audit?limit=1000", &h.a.auditor).await;
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"] == "hashes.match"
                && r["returned"].as_str().unwrap().contains("bridge-1"))
    );
}

#[tokio::test]
async fn transactions_in_rule_alerts_out() {
    let h = Harness::new().await;
    let csv = "id,timestamp,amount,currency,channel,creditor_account,creditor_customer,creditor_name,creditor_kind,creditor_country\n\
        t1,2026-03-02T09:10:00+01:00,6000.00,EUR,cash_deposit,FR00TEST0001,C1,Fictional Person,person,fr\n\
        t2,2026-03-20T09:10:00+01:00,4500.00,EUR,cash_deposit,FR00TEST0001,C1,Fictional Person,person,fr\n";
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/finance/transactions",
            Some(&h.a.ingest),
            Body::from(csv),
            &[],
        )
        .await;
    assert_error(status, &body, 400, "purpose_required");
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/finance/transactions",
            Some(&h.a.ingest),
            Body::from(csv),
            &[("x-purpose", "AML monitoring")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["transactions"], 2);
    let alerts = body["alerts"].as_array().unwrap();
    assert!(
        !alerts.is_empty(),
        "monthly cash over 10,000 EUR fires: {body}"
    );
    assert!(
        alerts
            .iter()
            .any(|a| a["rule_id"].as_str().unwrap().contains("CASH")),
        "{body}"
    );
    assert_eq!(body["alert_ids"].as_array().unwrap().len(), alerts.len());
    let id = body["alert_ids"][0].as_i64().unwrap();
    let (_, alert) = h.get(&format!("/v1/alerts/{id}"), &h.a.analyst).await;
    assert!(
        alert["alert"]["entity_id"].as_str().unwrap().contains(" v"),
        "the rule id and version: {alert}"
    );
    let (status, body) = h
        .send(
            Method::POST,
            "/v1/finance/transactions",
            Some(&h.a.ingest),
            Body::from("nothing"),
            &[("x-purpose", "x")],
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
}

#[tokio::test]
async fn a_second_replica_picks_up_list_updates_from_the_store() {
    let h = Harness::new().await;
    let replica = AppState::new(Arc::clone(&h.state.store), config());
    let body = h.screen_karim(&h.a.analyst).await;
    assert_eq!(body["lists"][0]["version"], 1);
    let second = replica.indexes.get(replica.store.as_ref(), h.a.id).unwrap();
    assert_eq!(second.lists[0].version, 1);
    let (status, _) = h
        .send(
            Method::POST,
            "/v1/lists/watch",
            Some(&h.a.ingest),
            Body::from(WATCHLIST_V2),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        replica
            .indexes
            .refresh_changed(replica.store.as_ref())
            .unwrap(),
        1
    );
    assert_eq!(
        replica
            .indexes
            .get(replica.store.as_ref(), h.a.id)
            .unwrap()
            .lists[0]
            .version,
        2
    );
    assert_eq!(
        replica
            .indexes
            .refresh_changed(replica.store.as_ref())
            .unwrap(),
        0,
        "nothing changed since"
    );
}
