use crate::dossiers::{act, Province};
use crate::helpers::TestApp;
use crate::on_both_engines;
use reqwest::Method;
use serde_json::json;

on_both_engines!(
    an_accepted_transfer_moves_the_dossier_to_the_destination,
    a_rejected_transfer_sends_it_back_to_the_sender,
    transfers_record_whether_they_follow_the_process,
    bad_destinations_are_unprocessable,
    inboxes_and_outboxes_list_each_agencys_transfers,
    concurrent_transfers_never_both_succeed,
    idempotent_transfers_replay_the_first_answer,
    withdrawing_in_transfer_closes_the_pending_transfer,
);

async fn started(app: &TestApp, p: &Province) -> i64 {
    let id = p.file(app).await["id"].as_i64().unwrap();
    act(app, &p.officer_a, id, "start").await.expect(200);
    id
}

async fn an_accepted_transfer_moves_the_dossier_to_the_destination(app: TestApp) {
    let p = Province::new(&app).await;
    let id = started(&app, &p).await;
    let res = app
        .post(&format!("/api/v1/dossiers/{id}/transfers"), Some(&p.officer_a), json!({"to_agency_id": p.b, "method": "electronic", "step_seq": 2, "note": "Thẩm định"}))
        .await;
    let transfer = res.expect(201);
    let tid = transfer["id"].as_i64().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/transfers/{tid}"))
    );
    assert_eq!(transfer["status"], "pending");
    assert_eq!(transfer["from_agency_id"], p.a);
    assert_eq!(transfer["to_agency_id"], p.b);
    assert_eq!(transfer["method"], "electronic");
    assert_eq!(transfer["note"], "Thẩm định");
    let dossier = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(dossier["status"], "in_transfer");
    assert_eq!(dossier["current_agency_id"], p.a);

    let accepted = app
        .post(
            &format!("/api/v1/transfers/{tid}/accept"),
            Some(&p.officer_b),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["decided_at"].is_string());
    assert!(accepted["decided_by"].is_i64());
    let dossier = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_b))
        .await
        .expect(200);
    assert_eq!(dossier["status"], "processing");
    assert_eq!(dossier["current_agency_id"], p.b);
    assert_eq!(dossier["version"], 4);
    app.post(
        &format!("/api/v1/transfers/{tid}/accept"),
        Some(&p.officer_b),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    app.post(
        &format!("/api/v1/transfers/{tid}/reject"),
        Some(&p.officer_b),
        json!({"reason": "x"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
}

async fn a_rejected_transfer_sends_it_back_to_the_sender(app: TestApp) {
    let p = Province::new(&app).await;
    let id = started(&app, &p).await;
    let tid = app
        .post(
            &format!("/api/v1/dossiers/{id}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "paper"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/transfers/{tid}/reject"),
        Some(&p.officer_b),
        json!({"reason": " "}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let rejected = app
        .post(
            &format!("/api/v1/transfers/{tid}/reject"),
            Some(&p.officer_b),
            json!({"reason": "Thiếu ý kiến chi bộ"}),
        )
        .await
        .expect(200);
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], "Thiếu ý kiến chi bộ");
    let dossier = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(dossier["status"], "processing");
    assert_eq!(dossier["current_agency_id"], p.a);
    // Back at A, it can be sent again.
    app.post(
        &format!("/api/v1/dossiers/{id}/transfers"),
        Some(&p.officer_a),
        json!({"to_agency_id": p.b, "method": "electronic"}),
    )
    .await
    .expect(201);
}

async fn transfers_record_whether_they_follow_the_process(app: TestApp) {
    let p = Province::new(&app).await;
    let cases = [
        ("destination named by a step", p.b, None, true),
        ("destination named by the given step", p.b, Some(2), true),
        ("given step names another agency", p.b, Some(1), false),
        ("destination not in the process", p.c, None, false),
    ];
    for (description, to, step, expected) in cases {
        let id = started(&app, &p).await;
        let transfer = app
            .post(
                &format!("/api/v1/dossiers/{id}/transfers"),
                Some(&p.officer_a),
                json!({"to_agency_id": to, "method": "electronic", "step_seq": step}),
            )
            .await
            .expect(201);
        assert_eq!(transfer["on_process"], expected, "{description}");
        assert_eq!(transfer["step_seq"], json!(step));
    }
}

async fn bad_destinations_are_unprocessable(app: TestApp) {
    let p = Province::new(&app).await;
    let id = started(&app, &p).await;
    let inactive = app.agency("OLD-AG", None).await;
    app.patch(
        &format!("/api/v1/agencies/{inactive}"),
        Some(&app.admin_token),
        json!({"active": false}),
    )
    .await
    .expect(200);
    let cases = [
        (
            "the current agency",
            json!({"to_agency_id": p.a, "method": "electronic"}),
            "to_agency_id",
        ),
        (
            "an unknown agency",
            json!({"to_agency_id": 9999, "method": "electronic"}),
            "to_agency_id",
        ),
        (
            "an inactive agency",
            json!({"to_agency_id": inactive, "method": "electronic"}),
            "to_agency_id",
        ),
        (
            "an unknown step",
            json!({"to_agency_id": p.b, "method": "electronic", "step_seq": 9}),
            "step_seq",
        ),
        (
            "an unknown method",
            json!({"to_agency_id": p.b, "method": "pigeon"}),
            "method",
        ),
    ];
    for (description, body, field) in cases {
        let res = app
            .post(
                &format!("/api/v1/dossiers/{id}/transfers"),
                Some(&p.officer_a),
                body,
            )
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{description}");
    }
    app.post(
        "/api/v1/dossiers/9999/transfers",
        Some(&p.officer_a),
        json!({"to_agency_id": p.b, "method": "paper"}),
    )
    .await
    .assert_problem(404, "not_found");
    let dossier = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(dossier["status"], "processing");
}

async fn inboxes_and_outboxes_list_each_agencys_transfers(app: TestApp) {
    let p = Province::new(&app).await;
    let first = started(&app, &p).await;
    let second = started(&app, &p).await;
    let t1 = app
        .post(
            &format!("/api/v1/dossiers/{first}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "electronic"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let t2 = app
        .post(
            &format!("/api/v1/dossiers/{second}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "paper"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/transfers/{t1}/accept"),
        Some(&p.officer_b),
        json!({}),
    )
    .await
    .expect(200);

    let ids = |page: serde_json::Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let inbox = app
        .get(
            "/api/v1/transfers?direction=incoming&status=pending",
            Some(&p.officer_b),
        )
        .await
        .expect(200);
    assert_eq!(ids(inbox), vec![t2]);
    let inbox_all = app
        .get("/api/v1/transfers?direction=incoming", Some(&p.officer_b))
        .await
        .expect(200);
    assert_eq!(ids(inbox_all), vec![t2, t1]);
    let outbox_b = app
        .get("/api/v1/transfers?direction=outgoing", Some(&p.officer_b))
        .await
        .expect(200);
    assert!(ids(outbox_b).is_empty());
    let outbox_a = app
        .get("/api/v1/transfers?direction=outgoing", Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(ids(outbox_a), vec![t2, t1]);
    let leader = app
        .get(
            &format!("/api/v1/transfers?agency_id={}&direction=incoming", p.b),
            Some(&p.leader_r),
        )
        .await
        .expect(200);
    assert_eq!(ids(leader), vec![t2, t1]);
    let root = app
        .get(
            &format!("/api/v1/transfers?agency_id={}", p.r),
            Some(&p.leader_r),
        )
        .await
        .expect(200);
    assert!(ids(root).is_empty(), "no transfer touches R itself");
    let c = app
        .get("/api/v1/transfers", Some(&p.officer_c))
        .await
        .expect(200);
    assert!(ids(c).is_empty());
    app.get(
        &format!("/api/v1/transfers?agency_id={}", p.b),
        Some(&p.officer_c),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get("/api/v1/transfers?direction=sideways", Some(&p.officer_a))
        .await
        .assert_problem(400, "invalid_query");
}

async fn concurrent_transfers_never_both_succeed(app: TestApp) {
    let p = Province::new(&app).await;
    for _ in 0..3 {
        let id = started(&app, &p).await;
        let path = format!("/api/v1/dossiers/{id}/transfers");
        let send = |to: i64| {
            app.post(
                &path,
                Some(&p.officer_a),
                json!({"to_agency_id": to, "method": "electronic"}),
            )
        };
        let (x, y) = tokio::join!(send(p.b), send(p.c));
        let mut statuses = [x.status.as_u16(), y.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{} / {}", x.text, y.text);
        let pending = app
            .get(
                &format!("/api/v1/transfers?dossier_id={id}&status=pending"),
                Some(&app.admin_token),
            )
            .await
            .expect(200);
        assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    }
}

async fn idempotent_transfers_replay_the_first_answer(app: TestApp) {
    let p = Province::new(&app).await;
    let id = started(&app, &p).await;
    let send = |to: i64| {
        app.send(
            app.request(Method::POST, &format!("/api/v1/dossiers/{id}/transfers"))
                .bearer_auth(&p.officer_a)
                .header("idempotency-key", "transfer-1")
                .json(&json!({"to_agency_id": to, "method": "electronic"})),
        )
    };
    let first = send(p.b).await;
    assert_eq!(first.status, 201);
    let again = send(p.b).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.json(), first.json());
    send(p.c)
        .await
        .assert_problem(409, "idempotency_key_reused");
    let all = app
        .get(
            &format!("/api/v1/transfers?dossier_id={id}"),
            Some(&p.officer_a),
        )
        .await
        .expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
}

async fn withdrawing_in_transfer_closes_the_pending_transfer(app: TestApp) {
    let p = Province::new(&app).await;
    let id = started(&app, &p).await;
    let tid = app
        .post(
            &format!("/api/v1/dossiers/{id}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "electronic"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let withdrawn = act(&app, &p.officer_a, id, "withdraw").await.expect(200);
    assert_eq!(withdrawn["status"], "withdrawn");
    let transfer = app
        .get(&format!("/api/v1/transfers/{tid}"), Some(&p.officer_b))
        .await
        .expect(200);
    assert_eq!(transfer["status"], "rejected");
    assert!(transfer["reason"]
        .as_str()
        .unwrap()
        .starts_with("dossier withdrawn"));
    app.post(
        &format!("/api/v1/transfers/{tid}/accept"),
        Some(&p.officer_b),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");
}
