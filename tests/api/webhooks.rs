//! Webhooks: signed, ordered deliveries of what the subscriber may see, retries
//! with a delivery log, and who may manage subscriptions.

mod receiver;

use crate::dossiers::{act, Province};
use crate::helpers::{TestApp, JWT_SECRET};
use crate::on_both_engines;
use receiver::{free_port, Receiver};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

const SECRET: &str = "a-shared-secret-for-hmac";

on_both_engines!(
    a_receiver_gets_signed_ordered_deliveries_of_what_its_owner_sees,
    after_an_outage_the_receiver_gets_the_backlog_in_order,
    only_admins_and_integration_users_manage_webhooks,
    invalid_subscriptions_are_refused_naming_each_field,
    the_secret_is_shown_only_at_creation,
    deleting_a_webhook_stops_its_deliveries,
    a_deactivated_owner_receives_nothing_until_reactivated,
    a_second_instance_on_the_same_database_neither_repeats_nor_reorders,
);

/// Polls `check` until it gives a value, for at most 30 seconds.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn subscribe(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/api/v1/webhooks", Some(token), body)
        .await
        .expect(201)
}

fn id_of(body: &Value) -> i64 {
    body["id"].as_i64().expect("an id")
}

/// The feed as `token` reads it after `after`: what a subscription of that
/// user should receive.
async fn feed(app: &TestApp, token: &str, after: i64) -> Vec<Value> {
    app.get(
        &format!("/api/v1/events?after={after}&limit=500"),
        Some(token),
    )
    .await
    .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// The delivery log, newest first.
async fn deliveries(app: &TestApp, token: &str, hook: i64) -> Vec<Value> {
    app.get(
        &format!("/api/v1/webhooks/{hook}/deliveries?limit=500"),
        Some(token),
    )
    .await
    .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until `receiver` has accepted `count` deliveries, and returns their bodies.
async fn accepted(receiver: &Receiver, count: usize) -> Vec<Value> {
    eventually(&format!("{count} deliveries"), || async {
        let hits = receiver.accepted();
        (hits.len() >= count).then(|| hits.iter().map(|h| h.json()).collect())
    })
    .await
}

async fn file_at(app: &TestApp, p: &Province, token: &str) -> i64 {
    id_of(
        &app.post("/api/v1/dossiers", Some(token), p.filing())
            .await
            .expect(201),
    )
}

async fn a_receiver_gets_signed_ordered_deliveries_of_what_its_owner_sees(app: TestApp) {
    let p = Province::new(&app).await;
    let everything = Receiver::start(200);
    let moves = Receiver::start(204);
    let hook = subscribe(
        &app,
        &p.integration_a,
        json!({"url": everything.url, "secret": SECRET}),
    )
    .await;
    subscribe(
        &app,
        &p.integration_a,
        json!({"url": moves.url, "secret": SECRET, "event_types": ["dossier.status_changed"]}),
    )
    .await;
    let start = hook["last_event_id"].as_i64().unwrap();

    // A dossier filed at A goes to B; dossiers of B and C stay out of A's sight.
    let d = p.file(&app).await["id"].as_i64().unwrap();
    let at_b = file_at(&app, &p, &p.officer_b).await;
    let at_c = file_at(&app, &p, &p.officer_c).await;
    act(&app, &p.officer_a, d, "start").await.expect(200);
    act(&app, &p.officer_b, at_b, "start").await.expect(200);
    act(&app, &p.officer_c, at_c, "start").await.expect(200);
    let t = app
        .post(
            &format!("/api/v1/dossiers/{d}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "electronic"}),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/transfers/{}/accept", t["id"]),
        Some(&p.officer_b),
        json!({}),
    )
    .await
    .expect(200);

    let expected = feed(&app, &p.integration_a, start).await;
    assert!(expected.iter().all(|e| e["payload"]["dossier_id"] == d));
    let mut types: Vec<&str> = expected
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "dossier.received",
            "dossier.status_changed",
            "dossier.status_changed",
            "dossier.status_changed",
            "transfer.accepted",
            "transfer.sent"
        ]
    );

    let got = accepted(&everything, expected.len()).await;
    assert_eq!(
        got, expected,
        "the feed's events, in its order, as its JSON"
    );
    let mut delivery_ids = HashSet::new();
    for hit in everything.accepted() {
        hit.assert_signed_with(SECRET);
        assert_eq!(hit.content_type.as_deref(), Some("application/json"));
        assert_eq!(hit.event.as_deref(), hit.json()["type"].as_str());
        assert!(delivery_ids.insert(hit.delivery.clone().expect("X-Lienthong-Delivery")));
    }

    let wanted: Vec<Value> = expected
        .iter()
        .filter(|e| e["type"] == "dossier.status_changed")
        .cloned()
        .collect();
    assert_eq!(accepted(&moves, wanted.len()).await, wanted);
    for hit in moves.accepted() {
        hit.assert_signed_with(SECRET);
    }

    let hook_id = id_of(&hook);
    let log = eventually("a complete delivery log", || async {
        let log = deliveries(&app, &p.integration_a, hook_id).await;
        (log.len() == expected.len()).then_some(log)
    })
    .await;
    let logged: Vec<&Value> = log.iter().rev().map(|d| &d["event_id"]).collect();
    let ids: Vec<&Value> = expected.iter().map(|e| &e["id"]).collect();
    assert_eq!(logged, ids, "newest first");
    for entry in &log {
        assert_eq!(
            (
                &entry["succeeded"],
                &entry["status_code"],
                &entry["attempt"],
                &entry["error"],
                &entry["next_attempt_at"]
            ),
            (
                &json!(true),
                &json!(200),
                &json!(1),
                &Value::Null,
                &Value::Null
            ),
            "{entry}"
        );
        assert!(delivery_ids.contains(entry["delivery_id"].as_str().unwrap()));
    }
    let state = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}"),
            Some(&p.integration_a),
        )
        .await
        .expect(200);
    assert!(state["last_event_id"].as_i64() >= expected.last().unwrap()["id"].as_i64());
    assert_eq!(state["failures"], 0);
    assert!(state["last_success_at"].is_string());
}

async fn after_an_outage_the_receiver_gets_the_backlog_in_order(app: TestApp) {
    let p = Province::new(&app).await;
    let port = free_port();
    let created = subscribe(
        &app,
        &app.admin_token,
        json!({"url": format!("http://127.0.0.1:{port}/hooks/lienthong")}),
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64, "a generated secret");
    let (hook, start) = (id_of(&created), created["last_event_id"].as_i64().unwrap());
    let log = || deliveries(&app, &app.admin_token, hook);

    // Nobody listens yet.
    let d = p.file(&app).await["id"].as_i64().unwrap();
    let refused = eventually("a refused attempt", || async {
        log().await.into_iter().find(|x| x["succeeded"] == false)
    })
    .await;
    assert_eq!(refused["status_code"], Value::Null);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .starts_with("connection failed"),
        "{refused}"
    );
    assert!(refused["next_attempt_at"].is_string());

    // It listens, but fails; more changes pile up meanwhile.
    let receiver = Receiver::start_on(port, 500);
    eventually("an attempt answered 500", || async {
        log().await.into_iter().find(|x| x["status_code"] == 500)
    })
    .await;
    let failing = app
        .get(&format!("/api/v1/webhooks/{hook}"), Some(&app.admin_token))
        .await
        .expect(200);
    assert!(failing["failures"].as_i64().unwrap() >= 2, "{failing}");
    assert!(failing["next_attempt_at"].is_string());
    act(&app, &p.officer_a, d, "start").await.expect(200);
    p.file(&app).await;

    // Back up: the whole backlog arrives, in order.
    receiver.answer(200);
    let expected = feed(&app, &app.admin_token, start).await;
    assert_eq!(expected.len(), 3);
    assert_eq!(accepted(&receiver, expected.len()).await, expected);
    for hit in receiver.hits() {
        hit.assert_signed_with(&secret);
        if hit.answered == 500 {
            assert_eq!(hit.json(), expected[0], "retries repeat the oldest event");
        }
    }

    let log = eventually("the log of the backlog", || async {
        let log = log().await;
        (log.iter().filter(|x| x["succeeded"] == true).count() == expected.len()).then_some(log)
    })
    .await;
    let first: Vec<&Value> = log
        .iter()
        .rev()
        .filter(|x| x["event_id"] == expected[0]["id"])
        .collect();
    let attempts: Vec<i64> = first
        .iter()
        .map(|x| x["attempt"].as_i64().unwrap())
        .collect();
    assert!(attempts.len() >= 3, "refused, 500, delivered: {attempts:?}");
    assert_eq!(attempts, (1..=attempts.len() as i64).collect::<Vec<_>>());
    let (last, failed) = first.split_last().unwrap();
    assert!(failed.iter().all(|x| x["succeeded"] == false));
    assert_eq!(
        (&last["succeeded"], &last["status_code"]),
        (&json!(true), &json!(200))
    );
    let healthy = app
        .get(&format!("/api/v1/webhooks/{hook}"), Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(healthy["failures"], 0);
    assert_eq!(healthy["next_attempt_at"], Value::Null);
}

async fn only_admins_and_integration_users_manage_webhooks(app: TestApp) {
    let p = Province::new(&app).await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "secret": SECRET});
    app.post("/api/v1/webhooks", None, body.clone())
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/v1/webhooks", None)
        .await
        .assert_problem(401, "unauthorized");
    let mine = id_of(&subscribe(&app, &p.integration_a, body.clone()).await);
    let admins = id_of(&subscribe(&app, &app.admin_token, body.clone()).await);
    let one = format!("/api/v1/webhooks/{mine}");
    let log = format!("/api/v1/webhooks/{mine}/deliveries");
    for (who, token) in [
        ("officer", &p.officer_a),
        ("leader", &p.leader_r),
        ("inspector", &p.inspector),
    ] {
        for (method, path, body) in [
            (Method::POST, "/api/v1/webhooks", Some(body.clone())),
            (Method::GET, "/api/v1/webhooks", None),
            (Method::GET, one.as_str(), None),
            (Method::DELETE, one.as_str(), None),
            (Method::GET, log.as_str(), None),
        ] {
            let res = app.call(method.clone(), path, Some(token), body).await;
            assert_eq!(res.status, 403, "{who}: {method} {path}");
            res.assert_problem(403, "forbidden");
        }
    }

    // Another integration user sees only its own subscriptions.
    let integration_b = app.user("system.b", "integration", Some(p.b)).await;
    let theirs = id_of(&subscribe(&app, &integration_b, body).await);
    let listed = |token: String| {
        let app = &app;
        async move {
            app.get("/api/v1/webhooks", Some(&token)).await.expect(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(id_of)
                .collect::<Vec<i64>>()
        }
    };
    assert_eq!(listed(p.integration_a.clone()).await, [mine]);
    assert_eq!(listed(integration_b.clone()).await, [theirs]);
    assert_eq!(
        listed(app.admin_token.clone()).await,
        [mine, admins, theirs]
    );
    for (method, path) in [
        (Method::GET, one.as_str()),
        (Method::GET, log.as_str()),
        (Method::DELETE, one.as_str()),
    ] {
        app.call(method, path, Some(&integration_b), None)
            .await
            .assert_problem(404, "not_found");
    }
    app.get(&one, Some(&app.admin_token)).await.expect(200);
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{theirs}"),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(listed(integration_b).await, Vec::<i64>::new());
}

async fn invalid_subscriptions_are_refused_naming_each_field(app: TestApp) {
    let ok = "https://dms.example.org/hooks";
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("no url", json!({"secret": SECRET}), vec!["url"]),
        ("a url of the wrong type", json!({"url": 42}), vec!["url"]),
        ("not a URL", json!({"url": "dms.example.org"}), vec!["url"]),
        (
            "not http",
            json!({"url": "ftp://dms.example.org/"}),
            vec!["url"],
        ),
        (
            "credentials in the URL",
            json!({"url": "https://user:pw@dms.example.org/"}),
            vec!["url"],
        ),
        (
            "a short secret",
            json!({"url": ok, "secret": "short"}),
            vec!["secret"],
        ),
        (
            "an unknown event type",
            json!({"url": ok, "event_types": ["dossier.received", "dossier.deleted"]}),
            vec!["event_types[1]"],
        ),
        (
            "a negative start",
            json!({"url": ok, "after": -1}),
            vec!["after"],
        ),
        (
            "a start beyond the last event",
            json!({"url": ok, "after": 1_000_000}),
            vec!["after"],
        ),
        (
            "everything at once",
            json!({"url": "ftp://x", "secret": "short", "event_types": ["nope"]}),
            vec!["url", "event_types[0]", "secret"],
        ),
    ];
    for (what, body, fields) in cases {
        let problem = app
            .post("/api/v1/webhooks", Some(&app.admin_token), body)
            .await
            .assert_problem(422, "validation_failed");
        let named: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(named, fields, "{what}: {problem}");
    }
    let listed = app
        .get("/api/v1/webhooks", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(listed["items"], json!([]));
}

async fn the_secret_is_shown_only_at_creation(app: TestApp) {
    let p = Province::new(&app).await;
    let head = feed(&app, &app.admin_token, 0).await.last().unwrap()["id"].clone();
    let me = app
        .get("/api/v1/auth/me", Some(&p.integration_a))
        .await
        .expect(200);
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&p.integration_a),
            json!({"url": "https://dms.example.org/hooks", "secret": SECRET,
                   "event_types": ["transfer.sent", "transfer.accepted", "transfer.sent"]}),
        )
        .await;
    let created = res.expect(201);
    let id = id_of(&created);
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/webhooks/{id}"))
    );
    assert_eq!(created["secret"], SECRET);
    assert_eq!(created["url"], "https://dms.example.org/hooks");
    assert_eq!(
        created["event_types"],
        json!(["transfer.sent", "transfer.accepted"])
    );
    assert_eq!(created["owner_id"], me["id"]);
    assert_eq!(
        created["last_event_id"], head,
        "delivery starts after the last event"
    );
    assert_eq!(created["failures"], 0);

    for path in [format!("/api/v1/webhooks/{id}"), "/api/v1/webhooks".into()] {
        for token in [&p.integration_a, &app.admin_token] {
            let res = app.get(&path, Some(token)).await;
            res.expect(200);
            assert!(!res.text.contains(SECRET), "{path}: {}", res.text);
            assert!(!res.text.contains("\"secret\""), "{path}: {}", res.text);
        }
    }
    let audit = app
        .get("/api/v1/audit?entity_type=webhook", Some(&p.inspector))
        .await;
    let entries = audit.expect(200);
    assert_eq!(entries["items"][0]["action"], "webhook.created");
    assert!(!audit.text.contains(SECRET), "{}", audit.text);
}

async fn deleting_a_webhook_stops_its_deliveries(app: TestApp) {
    let p = Province::new(&app).await;
    let doomed = Receiver::start(200);
    let kept = Receiver::start(200);
    let hook = id_of(&subscribe(&app, &p.integration_a, json!({"url": doomed.url})).await);
    subscribe(&app, &p.integration_a, json!({"url": kept.url})).await;
    let d = p.file(&app).await["id"].as_i64().unwrap();
    accepted(&doomed, 1).await;
    accepted(&kept, 1).await;

    let path = format!("/api/v1/webhooks/{hook}");
    let res = app
        .call(Method::DELETE, &path, Some(&p.integration_a), None)
        .await;
    assert_eq!(res.status, 204, "{}", res.text);
    app.get(&path, Some(&p.integration_a))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{path}/deliveries"), Some(&p.integration_a))
        .await
        .assert_problem(404, "not_found");
    app.call(Method::DELETE, &path, Some(&p.integration_a), None)
        .await
        .assert_problem(404, "not_found");

    // The kept subscription gets the next change; the deleted one does not.
    act(&app, &p.officer_a, d, "start").await.expect(200);
    accepted(&kept, 2).await;
    assert_eq!(doomed.hits().len(), 1);
}

async fn a_deactivated_owner_receives_nothing_until_reactivated(app: TestApp) {
    let p = Province::new(&app).await;
    let owners = Receiver::start(200);
    let admins = Receiver::start(200);
    subscribe(&app, &p.integration_a, json!({"url": owners.url})).await;
    subscribe(&app, &app.admin_token, json!({"url": admins.url})).await;
    let me = app
        .get("/api/v1/auth/me", Some(&p.integration_a))
        .await
        .expect(200);
    let user = format!("/api/v1/users/{}", me["id"]);

    app.patch(&user, Some(&app.admin_token), json!({"active": false}))
        .await
        .expect(200);
    p.file(&app).await;
    let event = accepted(&admins, 1).await[0].clone();
    assert!(owners.hits().is_empty());

    app.patch(&user, Some(&app.admin_token), json!({"active": true}))
        .await
        .expect(200);
    assert_eq!(accepted(&owners, 1).await, [event]);
}

/// A second app on the same database, as a second instance of the service.
fn second_instance(app: &TestApp) {
    let url = app.database_url.clone();
    let settings = lienthong::config::Settings::from_lookup(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "LIENTHONG_BIND" => Some("127.0.0.1:0".into()),
        "LIENTHONG_JWT_SECRET" => Some(JWT_SECRET.into()),
        "LIENTHONG_WORKERS" => Some("1".into()),
        "LIENTHONG_POOL_SIZE" => Some("4".into()),
        _ => None,
    })
    .expect("settings");
    let second = lienthong::startup::Application::build(settings).expect("second instance");
    tokio::spawn(second.run_until_stopped());
}

async fn a_second_instance_on_the_same_database_neither_repeats_nor_reorders(app: TestApp) {
    // Several instances share one database only on PostgreSQL.
    if !app.database_url.starts_with("postgres") {
        return;
    }
    let p = Province::new(&app).await;
    let receiver = Receiver::start(200);
    let hook = subscribe(
        &app,
        &app.admin_token,
        json!({"url": receiver.url, "secret": SECRET}),
    )
    .await;
    let start = hook["last_event_id"].as_i64().unwrap();
    let first = p.file(&app).await["id"].as_i64().unwrap();
    accepted(&receiver, 1).await;

    second_instance(&app);
    act(&app, &p.officer_a, first, "start").await.expect(200);
    for _ in 0..4 {
        let d = p.file(&app).await["id"].as_i64().unwrap();
        act(&app, &p.officer_a, d, "start").await.expect(200);
    }
    let expected = feed(&app, &app.admin_token, start).await;
    assert_eq!(expected.len(), 10);
    assert_eq!(accepted(&receiver, expected.len()).await, expected);
    for hit in receiver.accepted() {
        hit.assert_signed_with(SECRET);
    }
}
