use crate::helpers::TestApp;
use crate::on_both_engines;
use reqwest::Method;
use serde_json::{json, Value};

/// A small province: R (root) with A and B below it, and C apart; a published
/// inter-agency procedure running at A (2 days) then B (3 days), 10 days in all.
pub struct Province {
    pub r: i64,
    pub a: i64,
    pub b: i64,
    pub c: i64,
    pub procedure: i64,
    pub officer_a: String,
    pub officer_b: String,
    pub officer_c: String,
    pub leader_r: String,
    pub inspector: String,
    pub integration_a: String,
}

impl Province {
    pub async fn new(app: &TestApp) -> Self {
        let r = app.agency("TU-BD", None).await;
        let a = app.agency("BTC-TU", Some(r)).await;
        let b = app.agency("UBKT-TU", Some(r)).await;
        let c = app.agency("HU-DT", None).await;
        let procedure = app.procedure("TU-BTC-03", 10, &[(a, 2), (b, 3)]).await;
        Self {
            r,
            a,
            b,
            c,
            procedure,
            officer_a: app.user("officer.a", "officer", Some(a)).await,
            officer_b: app.user("officer.b", "officer", Some(b)).await,
            officer_c: app.user("officer.c", "officer", Some(c)).await,
            leader_r: app.user("leader.r", "leader", Some(r)).await,
            inspector: app.user("inspector", "inspector", None).await,
            integration_a: app.user("system.a", "integration", Some(a)).await,
        }
    }

    pub fn filing(&self) -> Value {
        json!({
            "procedure_id": self.procedure,
            "title": "Hồ sơ kết nạp đảng viên Nguyễn Thị Hoa",
            "applicant": {"name": "Nguyễn Thị Hoa", "kind": "member", "reference": "ĐV-01", "contact": "0274 3822 111"},
            "channel": "in_person",
            "documents": [{"name": "Đơn xin vào Đảng", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "pages": 2}]
        })
    }

    /// Files a dossier at A and returns its body.
    pub async fn file(&self, app: &TestApp) -> Value {
        app.post("/api/v1/dossiers", Some(&self.officer_a), self.filing())
            .await
            .expect(201)
    }
}

pub async fn act(app: &TestApp, token: &str, id: i64, action: &str) -> crate::helpers::Answer {
    let body = match action {
        "request-supplement" | "withdraw" => Some(json!({"reason": "Thiếu giấy tờ"})),
        "complete" => Some(json!({"outcome": "approved", "note": "Đồng ý"})),
        _ => None,
    };
    app.call(
        Method::POST,
        &format!("/api/v1/dossiers/{id}/{action}"),
        Some(token),
        body,
    )
    .await
}

on_both_engines!(
    filing_answers_201_with_code_due_date_etag_and_a_one_time_key,
    back_filing_counts_working_days_and_holidays,
    filing_is_refused_with_precise_errors,
    the_lifecycle_moves_follow_the_diagram,
    every_refused_move_is_an_invalid_transition,
    history_records_who_did_what,
    visibility_follows_agencies_and_transfers,
    only_the_current_agency_moves_a_dossier,
    stale_if_match_is_412,
    a_supplement_pause_extends_the_due_date_by_its_working_days,
    lists_filter_and_paginate_newest_first,
    idempotent_filing_replays_the_first_answer,
    the_applicant_sees_only_the_public_fields,
);

async fn filing_answers_201_with_code_due_date_etag_and_a_one_time_key(app: TestApp) {
    let p = Province::new(&app).await;
    let res = app
        .post("/api/v1/dossiers", Some(&p.officer_a), p.filing())
        .await;
    let body = res.expect(201);
    let id = body["id"].as_i64().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/dossiers/{id}"))
    );
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(body["status"], "received");
    assert_eq!(body["version"], 1);
    assert_eq!(body["received_agency_id"], p.a);
    assert_eq!(body["current_agency_id"], p.a);
    assert_eq!(body["applicant"]["name"], "Nguyễn Thị Hoa");
    let code = body["code"].as_str().unwrap();
    assert!(
        code.starts_with("BTC-TU-") && code.ends_with("-0001"),
        "{code}"
    );
    let key = body["lookup_key"].as_str().unwrap();
    assert!(key.len() >= 16);

    let second = p.file(&app).await;
    assert!(second["code"].as_str().unwrap().ends_with("-0002"));

    let fetched = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_a))
        .await;
    assert_eq!(fetched.header("etag").as_deref(), Some("\"1\""));
    let fetched = fetched.expect(200);
    assert!(
        fetched.get("lookup_key").is_none(),
        "the key is shown only once"
    );
    assert_eq!(fetched["due_date"], body["due_date"]);
}

async fn back_filing_counts_working_days_and_holidays(app: TestApp) {
    let p = Province::new(&app).await;
    let mut filing = p.filing();
    // Monday 26 May 2025, 08:00 local: ten working days later is Monday 9 June.
    filing["received_at"] = json!("2025-05-26T01:00:00Z");
    let plain = app
        .post("/api/v1/dossiers", Some(&p.integration_a), filing.clone())
        .await
        .expect(201);
    assert_eq!(plain["due_date"], "2025-06-09");
    assert!(plain["code"]
        .as_str()
        .unwrap()
        .starts_with("BTC-TU-250526-"));
    assert_eq!(plain["overdue"], true);

    app.call(
        Method::PUT,
        "/api/v1/holidays/2025-06-02",
        Some(&app.admin_token),
        Some(json!({"name": "Nghỉ bù"})),
    )
    .await;
    let with_holiday = app
        .post("/api/v1/dossiers", Some(&p.integration_a), filing.clone())
        .await
        .expect(201);
    assert_eq!(with_holiday["due_date"], "2025-06-10");

    // 23:30 on Sunday 25 May in UTC is already Monday morning in +07:00.
    filing["received_at"] = json!("2025-05-25T17:30:00Z");
    let late_night = app
        .post("/api/v1/dossiers", Some(&p.integration_a), filing)
        .await
        .expect(201);
    assert!(late_night["code"]
        .as_str()
        .unwrap()
        .starts_with("BTC-TU-250526-"));
    assert_eq!(late_night["due_date"], "2025-06-10");
}

async fn filing_is_refused_with_precise_errors(app: TestApp) {
    let p = Province::new(&app).await;
    let draft = app
        .post(
            "/api/v1/procedures",
            Some(&app.admin_token),
            json!({"code": "TU-BTC-04", "name": "Nháp", "field": "Tổ chức", "lead_agency_id": p.a,
                   "interagency": false, "electronic_eligible": false, "processing_days": 5,
                   "steps": [{"seq": 1, "agency_id": p.a, "action": "Xử lý", "days": 5}], "documents": []}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let with = |key: &str, value: Value| {
        let mut f = p.filing();
        f[key] = value;
        f
    };
    // (description, token, body, status, code, field named)
    type Refusal<'a> = (&'a str, &'a str, Value, u16, &'a str, Option<&'a str>);
    let cases: Vec<Refusal> = vec![
        (
            "draft procedure",
            &p.officer_a,
            with("procedure_id", json!(draft)),
            422,
            "validation_failed",
            Some("procedure_id"),
        ),
        (
            "unknown procedure",
            &p.officer_a,
            with("procedure_id", json!(9999)),
            422,
            "validation_failed",
            Some("procedure_id"),
        ),
        (
            "empty title",
            &p.officer_a,
            with("title", json!(" ")),
            422,
            "validation_failed",
            Some("title"),
        ),
        (
            "bad channel",
            &p.officer_a,
            with("channel", json!("fax")),
            422,
            "validation_failed",
            Some("channel"),
        ),
        (
            "bad applicant kind",
            &p.officer_a,
            with("applicant", json!({"name": "X", "kind": "alien"})),
            422,
            "validation_failed",
            Some("applicant.kind"),
        ),
        (
            "bad document hash",
            &p.officer_a,
            with(
                "documents",
                json!([{"name": "Đơn", "sha256": "abc", "pages": 1}]),
            ),
            422,
            "validation_failed",
            Some("documents[0].sha256"),
        ),
        (
            "zero pages",
            &p.officer_a,
            with(
                "documents",
                json!([{"name": "Đơn", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "pages": 0}]),
            ),
            422,
            "validation_failed",
            Some("documents[0].pages"),
        ),
        (
            "future received_at",
            &p.integration_a,
            with("received_at", json!("2999-01-01T00:00:00Z")),
            422,
            "validation_failed",
            Some("received_at"),
        ),
        (
            "officer back-filing",
            &p.officer_a,
            with("received_at", json!("2025-01-01T00:00:00Z")),
            403,
            "forbidden",
            None,
        ),
        (
            "officer filing elsewhere",
            &p.officer_a,
            with("received_agency_id", json!(p.b)),
            403,
            "forbidden",
            None,
        ),
        (
            "inspector filing",
            &p.inspector,
            p.filing(),
            403,
            "forbidden",
            None,
        ),
        (
            "admin without agency",
            &app.admin_token,
            p.filing(),
            422,
            "validation_failed",
            Some("received_agency_id"),
        ),
    ];
    for (description, token, body, status, code, field) in cases {
        let res = app.post("/api/v1/dossiers", Some(token), body).await;
        assert_eq!(res.status.as_u16(), status, "{description}: {}", res.text);
        let problem = res.assert_problem(status, code);
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{description}");
        }
    }
    app.post("/api/v1/dossiers", None, p.filing())
        .await
        .assert_problem(401, "unauthorized");
    let mut by_admin = p.filing();
    by_admin["received_agency_id"] = json!(p.b);
    let filed = app
        .post("/api/v1/dossiers", Some(&app.admin_token), by_admin)
        .await
        .expect(201);
    assert!(filed["code"].as_str().unwrap().starts_with("UBKT-TU-"));
    let list = app
        .get("/api/v1/dossiers", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "refused filings left nothing behind"
    );
}

async fn the_lifecycle_moves_follow_the_diagram(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    let steps = [
        ("start", "processing", 2),
        ("request-supplement", "supplement_requested", 3),
        ("resume", "processing", 4),
        ("complete", "completed", 5),
    ];
    for (action, status, version) in steps {
        let res = act(&app, &p.officer_a, id, action).await;
        assert_eq!(res.header("etag"), Some(format!("\"{version}\"")));
        let body = res.expect(200);
        assert_eq!(body["status"], status, "{action}");
        assert_eq!(body["version"], version);
    }
    let done = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(done["outcome"], "approved");
    assert!(done["completed_at"].is_string());
    assert_eq!(done["overdue"], false);

    let other = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, other, "start").await.expect(200);
    let withdrawn = act(&app, &p.officer_a, other, "withdraw").await.expect(200);
    assert_eq!(withdrawn["status"], "withdrawn");
}

async fn every_refused_move_is_an_invalid_transition(app: TestApp) {
    let p = Province::new(&app).await;
    // Dossiers in each status, then every move that the diagram does not allow.
    let received = p.file(&app).await["id"].as_i64().unwrap();
    let processing = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, processing, "start")
        .await
        .expect(200);
    let paused = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, paused, "start").await.expect(200);
    act(&app, &p.officer_a, paused, "request-supplement")
        .await
        .expect(200);
    let completed = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, completed, "start")
        .await
        .expect(200);
    act(&app, &p.officer_a, completed, "complete")
        .await
        .expect(200);
    let withdrawn = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, withdrawn, "withdraw")
        .await
        .expect(200);
    let in_transfer = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, in_transfer, "start")
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/dossiers/{in_transfer}/transfers"),
        Some(&p.officer_a),
        json!({"to_agency_id": p.b, "method": "electronic"}),
    )
    .await
    .expect(201);

    let refused = [
        (
            "received",
            received,
            vec!["request-supplement", "resume", "complete"],
        ),
        ("processing", processing, vec!["start", "resume"]),
        (
            "supplement_requested",
            paused,
            vec!["start", "request-supplement", "complete"],
        ),
        (
            "completed",
            completed,
            vec![
                "start",
                "request-supplement",
                "resume",
                "complete",
                "withdraw",
            ],
        ),
        (
            "withdrawn",
            withdrawn,
            vec![
                "start",
                "request-supplement",
                "resume",
                "complete",
                "withdraw",
            ],
        ),
        (
            "in_transfer",
            in_transfer,
            vec!["start", "request-supplement", "resume", "complete"],
        ),
    ];
    for (status, id, actions) in refused {
        for action in actions {
            let res = act(&app, &p.officer_a, id, action).await;
            assert_eq!(res.status, 409, "{action} from {status}: {}", res.text);
            res.assert_problem(409, "invalid_transition");
        }
    }
    for (status, id) in [
        ("received", received),
        ("completed", completed),
        ("supplement_requested", paused),
    ] {
        let res = app
            .post(
                &format!("/api/v1/dossiers/{id}/transfers"),
                Some(&p.officer_a),
                json!({"to_agency_id": p.b, "method": "paper"}),
            )
            .await;
        assert_eq!(res.status, 409, "transfer from {status}");
        res.assert_problem(409, "invalid_transition");
    }
    // The refused moves changed nothing.
    let still = app
        .get(&format!("/api/v1/dossiers/{received}"), Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(still["version"], 1);
}

async fn history_records_who_did_what(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, id, "start").await.expect(200);
    let transfer = app
        .post(
            &format!("/api/v1/dossiers/{id}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "electronic", "note": "Thẩm định"}),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/transfers/{}/accept", transfer["id"]),
        Some(&p.officer_b),
        json!({}),
    )
    .await
    .expect(200);
    let history = app
        .get(
            &format!("/api/v1/dossiers/{id}/history"),
            Some(&p.officer_b),
        )
        .await
        .expect(200);
    let items = history["items"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap(),
                h["to_status"].as_str().unwrap(),
                h["actor_username"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("file", "received", "officer.a"),
            ("start", "processing", "officer.a"),
            ("transfer", "in_transfer", "officer.a"),
            ("accept_transfer", "processing", "officer.b"),
        ]
    );
    assert_eq!(items[2]["note"], "Thẩm định");
    assert_eq!(items[2]["transfer_id"], transfer["id"]);
    assert_eq!(items[3]["agency_id"], p.b);
    assert_eq!(items[0]["from_status"], Value::Null);
    app.get(
        &format!("/api/v1/dossiers/{id}/history"),
        Some(&p.officer_c),
    )
    .await
    .assert_problem(404, "not_found");
}

async fn visibility_follows_agencies_and_transfers(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/dossiers/{id}");
    for (who, token, visible) in [
        ("officer at A", &p.officer_a, true),
        ("officer at B before the transfer", &p.officer_b, false),
        ("officer at C", &p.officer_c, false),
        ("leader of R above A", &p.leader_r, true),
        ("inspector", &p.inspector, true),
        ("integration at A", &p.integration_a, true),
        ("admin", &app.admin_token, true),
    ] {
        let res = app.get(&path, Some(token)).await;
        if visible {
            res.expect(200);
        } else {
            res.assert_problem(404, "not_found");
        }
        let list = app.get("/api/v1/dossiers", Some(token)).await.expect(200);
        assert_eq!(
            list["items"].as_array().unwrap().len(),
            usize::from(visible),
            "{who}"
        );
    }
    app.get(&path, None)
        .await
        .assert_problem(401, "unauthorized");

    act(&app, &p.officer_a, id, "start").await.expect(200);
    let transfer = app
        .post(
            &format!("{path}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "paper"}),
        )
        .await
        .expect(201);
    app.get(&path, Some(&p.officer_b)).await.expect(200);
    app.get(
        &format!("/api/v1/transfers/{}", transfer["id"]),
        Some(&p.officer_b),
    )
    .await
    .expect(200);
    app.get(
        &format!("/api/v1/transfers/{}", transfer["id"]),
        Some(&p.officer_c),
    )
    .await
    .assert_problem(404, "not_found");
    // After the dossier comes back, B still sees it: it was an end of a transfer.
    app.post(
        &format!("/api/v1/transfers/{}/reject", transfer["id"]),
        Some(&p.officer_b),
        json!({"reason": "Thiếu ý kiến chi bộ"}),
    )
    .await
    .expect(200);
    app.get(&path, Some(&p.officer_b)).await.expect(200);
    app.get(&path, Some(&p.officer_c))
        .await
        .assert_problem(404, "not_found");
}

async fn only_the_current_agency_moves_a_dossier(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    // Not visible: 404, not 403.
    act(&app, &p.officer_c, id, "start")
        .await
        .assert_problem(404, "not_found");
    // Visible but not theirs to move: the inspector and integration read only.
    act(&app, &p.inspector, id, "start")
        .await
        .assert_problem(403, "forbidden");
    act(&app, &p.integration_a, id, "start")
        .await
        .assert_problem(403, "forbidden");
    // A leader above the current agency may move it.
    act(&app, &p.leader_r, id, "start").await.expect(200);
    let transfer = app
        .post(
            &format!("/api/v1/dossiers/{id}/transfers"),
            Some(&p.officer_a),
            json!({"to_agency_id": p.b, "method": "electronic"}),
        )
        .await
        .expect(201);
    // B sees it now, but only A (the current agency) may withdraw it, and only B may accept.
    act(&app, &p.officer_b, id, "withdraw")
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &format!("/api/v1/transfers/{}/accept", transfer["id"]),
        Some(&p.officer_a),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    let accepted = app
        .post(
            &format!("/api/v1/transfers/{}/accept", transfer["id"]),
            Some(&p.officer_b),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(accepted["status"], "accepted");
    act(&app, &p.officer_a, id, "complete")
        .await
        .assert_problem(403, "forbidden");
    let done = act(&app, &p.officer_b, id, "complete").await.expect(200);
    assert_eq!(done["current_agency_id"], p.b);
}

async fn stale_if_match_is_412(app: TestApp) {
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    let start = |etag: &'static str| {
        app.send(
            app.request(Method::POST, &format!("/api/v1/dossiers/{id}/start"))
                .bearer_auth(&p.officer_a)
                .header("if-match", etag),
        )
    };
    start("\"7\"")
        .await
        .assert_problem(412, "precondition_failed");
    start("garbage")
        .await
        .assert_problem(400, "invalid_if_match");
    let moved = start("\"1\"").await;
    assert_eq!(moved.header("etag").as_deref(), Some("\"2\""));
    let transfer = app
        .send(
            app.request(Method::POST, &format!("/api/v1/dossiers/{id}/transfers"))
                .bearer_auth(&p.officer_a)
                .header("if-match", "\"1\"")
                .json(&json!({"to_agency_id": p.b, "method": "electronic"})),
        )
        .await;
    transfer.assert_problem(412, "precondition_failed");
    let unchanged = app
        .get(&format!("/api/v1/dossiers/{id}"), Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(unchanged["status"], "processing");
}

async fn a_supplement_pause_extends_the_due_date_by_its_working_days(app: TestApp) {
    use lienthong::domain::calendar::Calendar;
    let p = Province::new(&app).await;
    let id = p.file(&app).await["id"].as_i64().unwrap();
    act(&app, &p.officer_a, id, "start").await.expect(200);
    let paused = act(&app, &p.officer_a, id, "request-supplement")
        .await
        .expect(200);
    let due: chrono::NaiveDate = paused["due_date"].as_str().unwrap().parse().unwrap();
    // Pretend the request was made 20 days ago.
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let requested = today - chrono::Duration::days(20);
    app.sql(&format!(
        "UPDATE dossiers SET paused_since = '{requested}' WHERE id = {id}"
    ));
    let resumed = act(&app, &p.officer_a, id, "resume").await.expect(200);
    let cal = Calendar::default();
    let stopped = cal.working_days_between(requested, today);
    assert!(stopped >= 13, "twenty days hold at least 13 working days");
    assert_eq!(
        resumed["due_date"],
        cal.add_working_days(due, stopped).to_string()
    );

    // Requested and resumed the same day: nothing to add.
    act(&app, &p.officer_a, id, "request-supplement")
        .await
        .expect(200);
    let again = act(&app, &p.officer_a, id, "resume").await.expect(200);
    assert_eq!(again["due_date"], resumed["due_date"]);
}

async fn lists_filter_and_paginate_newest_first(app: TestApp) {
    let p = Province::new(&app).await;
    let mut old = p.filing();
    old["received_at"] = json!("2025-01-06T02:00:00Z");
    old["title"] = json!("Hồ sơ chuyển sinh hoạt Đảng");
    let old = app
        .post("/api/v1/dossiers", Some(&p.integration_a), old)
        .await
        .expect(201);
    let mut ids = vec![old["id"].as_i64().unwrap()];
    for _ in 0..4 {
        ids.push(p.file(&app).await["id"].as_i64().unwrap());
    }
    act(&app, &p.officer_a, ids[4], "start").await.expect(200);

    let mut seen = Vec::new();
    let mut path = "/api/v1/dossiers?limit=2".to_string();
    loop {
        let page = app.get(&path, Some(&p.officer_a)).await.expect(200);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/dossiers?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(seen, expected, "newest first, the back-filed one last");

    let count = |q: &str| {
        let q = q.to_string();
        let token = p.officer_a.clone();
        let app = &app;
        async move {
            app.get(&format!("/api/v1/dossiers?{q}"), Some(&token))
                .await
                .expect(200)["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count("status=processing").await, 1);
    assert_eq!(count("status=received").await, 4);
    assert_eq!(count("overdue=true").await, 1);
    assert_eq!(count("overdue=false").await, 4);
    assert_eq!(count("received_to=2025-12-31").await, 1);
    assert_eq!(
        count("received_from=2025-01-06&received_to=2025-01-06").await,
        1
    );
    assert_eq!(count(&format!("procedure_id={}", p.procedure)).await, 5);
    assert_eq!(count(&format!("agency_id={}", p.b)).await, 0);
    assert_eq!(count("q=chuyen%20sinh%20hoat%20dang").await, 1);
    assert_eq!(count("q=NGUYEN%20THI%20HOA").await, 5);
    assert_eq!(
        count(&format!("code={}", old["code"].as_str().unwrap())).await,
        1
    );
    app.get("/api/v1/dossiers?status=lost", Some(&p.officer_a))
        .await
        .assert_problem(400, "invalid_query");
    app.get(
        "/api/v1/dossiers?received_from=2025-02-01&received_to=2025-01-01",
        Some(&p.officer_a),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get(
        "/api/v1/dossiers?received_from=yesterday",
        Some(&p.officer_a),
    )
    .await
    .assert_problem(400, "invalid_query");
}

async fn idempotent_filing_replays_the_first_answer(app: TestApp) {
    let p = Province::new(&app).await;
    let send = |body: Value, key: &'static str| {
        app.send(
            app.request(Method::POST, "/api/v1/dossiers")
                .bearer_auth(&p.officer_a)
                .header("idempotency-key", key)
                .json(&body),
        )
    };
    let first = send(p.filing(), "filing-001").await;
    let again = send(p.filing(), "filing-001").await;
    assert_eq!(again.status, 201);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.header("location"), first.header("location"));
    let mut other = p.filing();
    other["title"] = json!("Khác");
    send(other, "filing-001")
        .await
        .assert_problem(409, "idempotency_key_reused");
    send(p.filing(), "filing-002").await.expect(201);
    let list = app
        .get("/api/v1/dossiers", Some(&p.officer_a))
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

async fn the_applicant_sees_only_the_public_fields(app: TestApp) {
    let p = Province::new(&app).await;
    let filed = p.file(&app).await;
    let code = filed["code"].as_str().unwrap();
    let key = filed["lookup_key"].as_str().unwrap();
    let status = app
        .get(&format!("/api/v1/public/dossiers/{code}?key={key}"), None)
        .await
        .expect(200);
    let mut fields: Vec<&String> = status.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "code",
            "current_agency_name",
            "due_date",
            "procedure_name",
            "status"
        ]
    );
    assert_eq!(status["current_agency_name"], "Agency BTC-TU");
    assert_eq!(status["procedure_name"], "Thủ tục TU-BTC-03");
    assert_eq!(status["status"], "received");

    let wrong_key = app
        .get(&format!("/api/v1/public/dossiers/{code}?key=wrong"), None)
        .await;
    let unknown = app
        .get(
            &format!("/api/v1/public/dossiers/NOPE-250101-0001?key={key}"),
            None,
        )
        .await;
    let a = wrong_key.assert_problem(404, "not_found");
    let b = unknown.assert_problem(404, "not_found");
    assert_eq!(a, b);
    app.get(&format!("/api/v1/public/dossiers/{code}"), None)
        .await
        .assert_problem(400, "invalid_query");
}
