use crate::dossiers::{act, Province};
use crate::helpers::TestApp;
use crate::on_both_engines;
use serde_json::{json, Value};

on_both_engines!(
    the_chain_verifies_after_a_mixed_sequence_of_writes,
    a_tampered_entry_is_named_by_verification,
    only_inspectors_and_admins_read_the_audit_log,
    the_feed_is_filtered_by_visibility,
    a_poller_sees_every_event_exactly_once_while_writers_run,
);

async fn the_chain_verifies_after_a_mixed_sequence_of_writes(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, id, "start").await.expect(200);
    let t = app
        .post(
            &format!("/api/v1/dossiers/{id}/transfers"),
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
    app.patch(
        &format!("/api/v1/agencies/{}", p.c),
        Some(&app.admin_token),
        json!({"head_name": "Lê Văn Cường"}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/auth/token",
        None,
        json!({"username": "officer.a", "password": "wrong-password"}),
    )
    .await
    .assert_problem(401, "invalid_credentials");

    let verdict = app
        .get("/api/v1/audit/verify", Some(&p.inspector))
        .await
        .expect(200);
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["first_invalid_id"], Value::Null);
    let total = verdict["entries_checked"].as_i64().unwrap();
    assert!(total >= 20, "every change was recorded: {total}");

    let dossier = app
        .get(
            &format!("/api/v1/audit?entity_type=dossier&entity_id={id}"),
            Some(&p.inspector),
        )
        .await
        .expect(200);
    let actions: Vec<&str> = dossier["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "dossier.received",
            "dossier.start",
            "dossier.transfer",
            "dossier.accept_transfer"
        ]
    );
    let first = &dossier["items"][0];
    assert_eq!(first["actor_username"], "officer.a");
    assert_eq!(first["actor_role"], "officer");
    assert_eq!(first["actor_agency_id"], p.a);
    assert!(first["request_id"].is_string());
    assert_eq!(first["hash"].as_str().unwrap().len(), 64);

    let failed = app
        .get(
            "/api/v1/audit?action=auth.login_failed",
            Some(&app.admin_token),
        )
        .await
        .expect(200);
    let items = failed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["actor_username"], "officer.a");
    let agency = app
        .get(
            &format!(
                "/api/v1/audit?entity_type=agency&entity_id={}&action=agency.updated",
                p.c
            ),
            Some(&app.admin_token),
        )
        .await
        .expect(200);
    assert_eq!(
        agency["items"][0]["data"]["after"]["head_name"],
        "Lê Văn Cường"
    );
    assert_eq!(
        agency["items"][0]["data"]["before"]["head_name"],
        Value::Null
    );

    // Entries link: each one's prev_hash is its predecessor's hash.
    let all = app
        .get("/api/v1/audit?limit=500", Some(&app.admin_token))
        .await
        .expect(200);
    let items = all["items"].as_array().unwrap();
    for pair in items.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
        assert_eq!(
            pair[1]["id"].as_i64().unwrap(),
            pair[0]["id"].as_i64().unwrap() + 1
        );
    }
}

async fn a_tampered_entry_is_named_by_verification(app: TestApp) {
    let p = Province::new(&app).await;
    p.file(&app).await;
    let before = app
        .get("/api/v1/audit/verify", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(before["valid"], true);
    app.sql("UPDATE audit_log SET data = '{\"after\":{\"code\":\"FORGED\"}}' WHERE id = 3");
    let after = app
        .get("/api/v1/audit/verify", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(after["valid"], false);
    assert_eq!(after["first_invalid_id"], 3);
    assert_eq!(after["entries_checked"], 3);
}

async fn only_inspectors_and_admins_read_the_audit_log(app: TestApp) {
    let p = Province::new(&app).await;
    for token in [&p.officer_a, &p.leader_r, &p.integration_a] {
        app.get("/api/v1/audit", Some(token))
            .await
            .assert_problem(403, "forbidden");
        app.get("/api/v1/audit/verify", Some(token))
            .await
            .assert_problem(403, "forbidden");
    }
    app.get("/api/v1/audit", None)
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/v1/audit", Some(&p.inspector))
        .await
        .expect(200);
    app.get(
        "/api/v1/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        Some(&p.inspector),
    )
    .await
    .assert_problem(422, "validation_failed");
}

fn ids_and_types(page: &Value) -> Vec<(i64, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_i64().unwrap(),
                e["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn the_feed_is_filtered_by_visibility(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, id, "start").await.expect(200);

    let a = ids_and_types(
        &app.get("/api/v1/events", Some(&p.officer_a))
            .await
            .expect(200),
    );
    let types: Vec<&str> = a.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "procedure.published",
            "dossier.received",
            "dossier.status_changed"
        ]
    );
    assert!(a.windows(2).all(|w| w[0].0 < w[1].0));

    let c = ids_and_types(
        &app.get("/api/v1/events", Some(&p.officer_c))
            .await
            .expect(200),
    );
    let types: Vec<&str> = c.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        types,
        ["procedure.published"],
        "C sees the catalogue but not A's dossier"
    );

    let t = app
        .post(
            &format!("/api/v1/dossiers/{id}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "paper"}),
        )
        .await
        .expect(201);
    let b = ids_and_types(
        &app.get("/api/v1/events?types=transfer.sent", Some(&p.officer_b))
            .await
            .expect(200),
    );
    assert_eq!(b.len(), 1);
    let payload = &app
        .get("/api/v1/events?types=transfer.sent", Some(&p.officer_b))
        .await
        .expect(200)["items"][0];
    assert_eq!(payload["payload"]["transfer_id"], t["id"]);
    assert_eq!(payload["payload"]["method"], "paper");

    let last = a.last().unwrap().0;
    let newer = ids_and_types(
        &app.get(&format!("/api/v1/events?after={last}"), Some(&p.officer_a))
            .await
            .expect(200),
    );
    let types: Vec<&str> = newer.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(types, ["transfer.sent", "dossier.status_changed"]);
    app.get("/api/v1/events", None)
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/v1/events?limit=0", Some(&p.officer_a))
        .await
        .assert_problem(422, "validation_failed");
}

async fn a_poller_sees_every_event_exactly_once_while_writers_run(app: TestApp) {
    let p = Province::new(&app).await;
    let writers = async {
        let mut tasks = Vec::new();
        for _ in 0..4 {
            tasks.push(async {
                for _ in 0..6 {
                    let id = p.file(&app).await["id"].as_i64().unwrap();
                    act(&app, &p.officer_a, id, "start").await.expect(200);
                }
            });
        }
        futures_util::future::join_all(tasks).await;
    };
    let mut seen: Vec<i64> = Vec::new();
    let reader = async {
        let mut after = 0;
        let mut idle_rounds = 0;
        while idle_rounds < 20 {
            let page = app
                .get(
                    &format!("/api/v1/events?after={after}&limit=7"),
                    Some(&app.admin_token),
                )
                .await
                .expect(200);
            let ids: Vec<i64> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap())
                .collect();
            if ids.is_empty() {
                idle_rounds += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
            idle_rounds = 0;
            // The admin sees every event: each page continues exactly where the last ended.
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(
                    *id,
                    after + 1 + i as i64,
                    "gap or repeat after {after}: {ids:?}"
                );
            }
            after = *ids.last().unwrap();
            seen.extend(ids);
        }
    };
    tokio::join!(writers, reader);
    let total = app
        .get("/api/v1/events?limit=500", Some(&app.admin_token))
        .await
        .expect(200);
    let all: Vec<i64> = total["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, all);
    assert_eq!(
        all.len(),
        1 + 4 * 6 * 2,
        "procedure.published plus two events per dossier"
    );
}
