use crate::dossiers::{act, Province};
use crate::helpers::TestApp;
use crate::on_both_engines;
use lienthong::config::DatabaseTarget;
use lienthong::db::stats::{recount, Grouping, Scope};
use lienthong::db::Database;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

on_both_engines!(
    every_figure_matches_a_hand_built_dataset,
    month_rows_take_their_own_years_target,
    as_of_and_the_null_rules,
    the_report_is_scoped_by_visibility,
    csv_carries_the_same_rows,
    bad_parameters_are_named,
    random_histories_match_a_direct_recount,
);

/// The hand-built dataset: see each dossier's comment.
struct Dataset {
    p: Province,
    q: i64,
    e: i64,
}

async fn procedure_with(
    app: &TestApp,
    code: &str,
    agencies: &[i64],
    electronic_eligible: bool,
) -> i64 {
    let steps: Vec<Value> = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| json!({"seq": i + 1, "agency_id": a, "action": "Xử lý", "days": 2}))
        .collect();
    let id = app
        .post(
            "/api/v1/procedures",
            Some(&app.admin_token),
            json!({"code": code, "name": format!("Thủ tục {code}"), "field": "Tổ chức", "lead_agency_id": agencies[0],
                   "interagency": agencies.len() > 1, "electronic_eligible": electronic_eligible,
                   "processing_days": 10, "steps": steps}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/procedures/{id}/publish"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .expect(200);
    id
}

async fn file(
    app: &TestApp,
    token: &str,
    procedure: i64,
    received_at: Option<&str>,
    agency: Option<i64>,
    channel: &str,
) -> i64 {
    let mut body = json!({"procedure_id": procedure, "title": "Hồ sơ", "channel": channel,
                          "applicant": {"name": "Trần Văn Bình", "kind": "member"}});
    if let Some(at) = received_at {
        body["received_at"] = json!(at);
    }
    if let Some(a) = agency {
        body["received_agency_id"] = json!(a);
    }
    app.post("/api/v1/dossiers", Some(token), body)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn transfer(app: &TestApp, token: &str, id: i64, to: i64, method: &str) -> i64 {
    app.post(
        &format!("/api/v1/dossiers/{id}/transfers"),
        Some(token),
        json!({"to_agency_id": to, "method": method}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn decide(app: &TestApp, token: &str, transfer: i64, accept: bool) {
    let (path, body) = if accept {
        (format!("/api/v1/transfers/{transfer}/accept"), json!({}))
    } else {
        (
            format!("/api/v1/transfers/{transfer}/reject"),
            json!({"reason": "Thiếu hồ sơ"}),
        )
    };
    app.post(&path, Some(token), body).await.expect(200);
}

impl Dataset {
    async fn build(app: &TestApp) -> Self {
        let p = Province::new(app).await;
        app.patch(
            &format!("/api/v1/agencies/{}", p.a),
            Some(&app.admin_token),
            json!({"head_name": "Nguyễn Văn An", "head_title": "Trưởng ban"}),
        )
        .await
        .expect(200);
        let q = procedure_with(app, "TU-Q", &[p.a], true).await;
        let e = procedure_with(app, "TU-E", &[p.a, p.b], false).await;
        let (a, ia, oa, ob) = (
            &p,
            p.integration_a.as_str(),
            p.officer_a.as_str(),
            p.officer_b.as_str(),
        );

        // d1: 2025-03, electronic transfer to B, accepted, completed (late).
        let d1 = file(
            app,
            ia,
            a.procedure,
            Some("2025-03-03T02:00:00Z"),
            None,
            "in_person",
        )
        .await;
        act(app, oa, d1, "start").await.expect(200);
        let t = transfer(app, oa, d1, p.b, "electronic").await;
        decide(app, ob, t, true).await;
        act(app, ob, d1, "complete").await.expect(200);
        // d2: 2025-03, paper transfer rejected, then electronic accepted; open, overdue.
        let d2 = file(
            app,
            ia,
            a.procedure,
            Some("2025-03-10T02:00:00Z"),
            None,
            "in_person",
        )
        .await;
        act(app, oa, d2, "start").await.expect(200);
        let t = transfer(app, oa, d2, p.b, "paper").await;
        decide(app, ob, t, false).await;
        let t = transfer(app, oa, d2, p.b, "electronic").await;
        decide(app, ob, t, true).await;
        // d3: 2025-06, never transferred, withdrawn.
        let d3 = file(
            app,
            ia,
            a.procedure,
            Some("2025-06-02T02:00:00Z"),
            None,
            "in_person",
        )
        .await;
        act(app, oa, d3, "withdraw").await.expect(200);
        // d4: 2025-06, single-agency procedure transferred anyway; open, overdue.
        let d4 = file(app, ia, q, Some("2025-06-02T03:00:00Z"), None, "in_person").await;
        act(app, oa, d4, "start").await.expect(200);
        let t = transfer(app, oa, d4, p.b, "electronic").await;
        decide(app, ob, t, true).await;
        // d5: 2025-06, inter-agency but not electronic-eligible; in transfer, overdue.
        let d5 = file(app, ia, e, Some("2025-06-03T02:00:00Z"), None, "in_person").await;
        act(app, oa, d5, "start").await.expect(200);
        transfer(app, oa, d5, p.b, "electronic").await;
        // d6: today, completed on time.
        let d6 = file(app, oa, a.procedure, None, None, "in_person").await;
        act(app, oa, d6, "start").await.expect(200);
        act(app, oa, d6, "complete").await.expect(200);
        // d7: today, electronic transfer pending.
        let d7 = file(app, oa, a.procedure, None, None, "in_person").await;
        act(app, oa, d7, "start").await.expect(200);
        transfer(app, oa, d7, p.b, "electronic").await;
        // d8: 2025-04 at C, untouched, overdue.
        file(
            app,
            &app.admin_token,
            a.procedure,
            Some("2025-04-01T02:00:00Z"),
            Some(p.c),
            "postal",
        )
        .await;
        // d9: today, online, untouched.
        file(app, oa, a.procedure, None, None, "online").await;
        Dataset { p, q, e }
    }
}

fn figures(row: &Value) -> Vec<Value> {
    [
        "dossiers",
        "interagency_dossiers",
        "electronic_dossiers",
        "paper_dossiers",
        "electronic_rate",
        "target_rate",
        "meets_target",
        "completed",
        "completed_on_time",
        "on_time_rate",
        "overdue_open",
    ]
    .iter()
    .map(|k| row[*k].clone())
    .collect()
}

async fn report(app: &TestApp, token: &str, query: &str) -> Value {
    app.get(&format!("/api/v1/stats/compliance?{query}"), Some(token))
        .await
        .expect(200)
}

async fn every_figure_matches_a_hand_built_dataset(app: TestApp) {
    let d = Dataset::build(&app).await;
    let admin = app.admin_token.clone();
    let range = "from=2025-01-01&to=2026-12-31";

    let none = report(&app, &admin, range).await;
    assert_eq!(none["group_by"], "none");
    let rows = none["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].get("agency_id").is_none(),
        "a `none` row has no key"
    );
    let two_thirds = 2.0 / 3.0;
    assert_eq!(
        figures(&rows[0]),
        json!([9, 3, 2, 1, two_thirds, 0.8, false, 2, 1, 0.5, 4])
            .as_array()
            .unwrap()
            .clone()
    );

    let by_agency = report(&app, &admin, &format!("{range}&group_by=agency")).await;
    let rows = by_agency["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["agency_id"], d.p.a);
    assert_eq!(rows[0]["agency_name"], "Agency BTC-TU");
    assert_eq!(rows[0]["head_name"], "Nguyễn Văn An");
    assert_eq!(rows[0]["head_title"], "Trưởng ban");
    assert_eq!(
        figures(&rows[0]),
        json!([8, 3, 2, 1, two_thirds, 0.8, false, 2, 1, 0.5, 3])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(rows[1]["agency_id"], d.p.c);
    assert_eq!(rows[1]["head_name"], Value::Null);
    assert_eq!(
        figures(&rows[1]),
        json!([1, 0, 0, 0, null, 0.8, null, 0, 0, null, 1])
            .as_array()
            .unwrap()
            .clone()
    );

    let by_procedure = report(&app, &admin, &format!("{range}&group_by=procedure")).await;
    let counts: Vec<(i64, i64, i64)> = by_procedure["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["procedure_id"].as_i64().unwrap(),
                r["dossiers"].as_i64().unwrap(),
                r["interagency_dossiers"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![(d.p.procedure, 7, 3), (d.q, 1, 0), (d.e, 1, 0)]
    );
    assert_eq!(by_procedure["rows"][0]["procedure_code"], "TU-BTC-03");

    let by_channel = report(&app, &admin, &format!("{range}&group_by=channel")).await;
    let channels: Vec<(String, i64)> = by_channel["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["channel"].as_str().unwrap().to_string(),
                r["dossiers"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        channels,
        vec![
            ("in_person".to_string(), 7),
            ("online".to_string(), 1),
            ("postal".to_string(), 1)
        ]
    );

    let narrowed = report(
        &app,
        &admin,
        &format!("{range}&agency_id={}&procedure_id={}", d.p.a, d.p.procedure),
    )
    .await;
    assert_eq!(
        figures(&narrowed["rows"][0])[..4],
        json!([6, 3, 2, 1]).as_array().unwrap()[..]
    );

    let ranked = report(
        &app,
        &admin,
        &format!("{range}&group_by=agency&order_by=overdue_open&order=asc"),
    )
    .await;
    assert_eq!(ranked["rows"][0]["agency_id"], d.p.c);
    let ranked = report(
        &app,
        &admin,
        &format!("{range}&group_by=agency&order_by=electronic_rate"),
    )
    .await;
    assert_eq!(
        ranked["rows"][0]["agency_id"], d.p.a,
        "rows without a rate come last"
    );
}

async fn month_rows_take_their_own_years_target(app: TestApp) {
    let d = Dataset::build(&app).await;
    app.call(
        Method::PUT,
        "/api/v1/targets/2026",
        Some(&app.admin_token),
        Some(json!({"electronic_rate": 0.9})),
    )
    .await;
    let months = report(
        &app,
        &app.admin_token,
        "from=2025-01-01&to=2026-12-31&group_by=month",
    )
    .await;
    let rows = months["rows"].as_array().unwrap();
    let this_month = (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%Y-%m")
        .to_string();
    let keys: Vec<&str> = rows.iter().map(|r| r["month"].as_str().unwrap()).collect();
    assert_eq!(keys, ["2025-03", "2025-04", "2025-06", this_month.as_str()]);
    assert_eq!(
        figures(&rows[0]),
        json!([2, 2, 1, 1, 0.5, 0.8, false, 1, 0, 0.0, 1])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(
        figures(&rows[1]),
        json!([1, 0, 0, 0, null, 0.8, null, 0, 0, null, 1])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(
        figures(&rows[2]),
        json!([3, 0, 0, 0, null, 0.8, null, 0, 0, null, 2])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(
        figures(&rows[3]),
        json!([3, 1, 1, 0, 1.0, 0.9, true, 1, 1, 1.0, 0])
            .as_array()
            .unwrap()
            .clone()
    );
    // The whole range takes the target of the year of `to`.
    let none = report(&app, &app.admin_token, "from=2025-01-01&to=2026-12-31").await;
    assert_eq!(none["rows"][0]["target_rate"], 0.9);
    let y2025 = report(&app, &app.admin_token, "from=2025-01-01&to=2025-12-31").await;
    assert_eq!(y2025["rows"][0]["target_rate"], 0.8);
    assert_eq!(y2025["rows"][0]["dossiers"], 6);
    let _ = d;
}

async fn as_of_and_the_null_rules(app: TestApp) {
    Dataset::build(&app).await;
    let early = report(
        &app,
        &app.admin_token,
        "from=2025-01-01&to=2026-12-31&as_of=2025-03-01",
    )
    .await;
    assert_eq!(early["as_of"], "2025-03-01");
    assert_eq!(early["rows"][0]["overdue_open"], 0);
    let mid = report(
        &app,
        &app.admin_token,
        "from=2025-01-01&to=2026-12-31&as_of=2025-04-20",
    )
    .await;
    // d2 (due 2025-03-24) and d8 (due 2025-04-15) are late by then; June dossiers are not yet filed.
    assert_eq!(mid["rows"][0]["overdue_open"], 2);

    let empty = report(&app, &app.admin_token, "from=2024-01-01&to=2024-12-31").await;
    let rows = empty["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        figures(&rows[0]),
        json!([0, 0, 0, 0, null, null, null, 0, 0, null, 0])
            .as_array()
            .unwrap()
            .clone()
    );
    let empty_groups = report(
        &app,
        &app.admin_token,
        "from=2024-01-01&to=2024-12-31&group_by=agency",
    )
    .await;
    assert!(empty_groups["rows"].as_array().unwrap().is_empty());
}

async fn the_report_is_scoped_by_visibility(app: TestApp) {
    let d = Dataset::build(&app).await;
    let range = "from=2025-01-01&to=2026-12-31";
    let total = |v: &Value| v["rows"][0]["dossiers"].as_i64().unwrap();
    // B sees the dossiers transferred to it: d1, d2, d4, d5, d7.
    assert_eq!(total(&report(&app, &d.p.officer_b, range).await), 5);
    assert_eq!(total(&report(&app, &d.p.officer_c, range).await), 1);
    assert_eq!(total(&report(&app, &d.p.leader_r, range).await), 8);
    assert_eq!(total(&report(&app, &d.p.inspector, range).await), 9);
    assert_eq!(total(&report(&app, &d.p.integration_a, range).await), 8);
    let b = report(&app, &d.p.officer_b, range).await;
    assert_eq!(
        figures(&b["rows"][0]),
        json!([5, 3, 2, 1, 2.0 / 3.0, 0.8, false, 1, 0, 0.0, 3])
            .as_array()
            .unwrap()
            .clone()
    );
    let leader_a = report(&app, &d.p.leader_r, &format!("{range}&agency_id={}", d.p.a)).await;
    assert_eq!(total(&leader_a), 8);
    app.get(
        &format!("/api/v1/stats/compliance?{range}&agency_id={}", d.p.a),
        Some(&d.p.officer_b),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get(
        &format!("/api/v1/stats/compliance?{range}&agency_id={}", d.p.c),
        Some(&d.p.leader_r),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/stats/compliance?{range}"), None)
        .await
        .assert_problem(401, "unauthorized");
}

async fn csv_carries_the_same_rows(app: TestApp) {
    let d = Dataset::build(&app).await;
    let res = app
        .send(
            app.request(
                Method::GET,
                "/api/v1/stats/compliance?from=2025-01-01&to=2026-12-31&group_by=agency",
            )
            .bearer_auth(&app.admin_token)
            .header("accept", "text/csv"),
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = res.text.lines().collect();
    assert_eq!(
        lines[0],
        "agency_id,agency_code,agency_name,head_name,head_title,dossiers,interagency_dossiers,electronic_dossiers,paper_dossiers,electronic_rate,target_rate,meets_target,completed,completed_on_time,on_time_rate,overdue_open"
    );
    assert_eq!(
        lines[1],
        format!(
            "{},BTC-TU,Agency BTC-TU,Nguyễn Văn An,Trưởng ban,8,3,2,1,{},0.8,false,2,1,0.5,3",
            d.p.a,
            2.0f64 / 3.0
        )
    );
    assert_eq!(
        lines[2],
        format!("{},HU-DT,Agency HU-DT,,,1,0,0,0,,0.8,,0,0,,1", d.p.c)
    );
    assert_eq!(lines.len(), 3);
}

async fn bad_parameters_are_named(app: TestApp) {
    let cases = [
        ("missing from", "to=2025-12-31", "from"),
        ("missing to", "from=2025-01-01", "to"),
        ("reversed range", "from=2025-12-31&to=2025-01-01", "from"),
        ("bad date", "from=2025-13-01&to=2025-12-31", "from"),
        (
            "unknown group",
            "from=2025-01-01&to=2025-12-31&group_by=planet",
            "group_by",
        ),
        (
            "unknown order",
            "from=2025-01-01&to=2025-12-31&order_by=luck",
            "order_by",
        ),
        (
            "bad direction",
            "from=2025-01-01&to=2025-12-31&order=up",
            "order",
        ),
        (
            "bad as_of",
            "from=2025-01-01&to=2025-12-31&as_of=today",
            "as_of",
        ),
        (
            "bad agency",
            "from=2025-01-01&to=2025-12-31&agency_id=x",
            "agency_id",
        ),
        (
            "unknown agency",
            "from=2025-01-01&to=2025-12-31&agency_id=9999",
            "agency_id",
        ),
        (
            "unknown procedure",
            "from=2025-01-01&to=2025-12-31&procedure_id=9999",
            "procedure_id",
        ),
    ];
    for (description, query, field) in cases {
        let res = app
            .get(
                &format!("/api/v1/stats/compliance?{query}"),
                Some(&app.admin_token),
            )
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{description}");
    }
}

/// Random histories through the API, compared figure by figure with the
/// reference recount for every grouping and several callers.
async fn random_histories_match_a_direct_recount(app: TestApp) {
    let d = Dataset::build(&app).await;
    let p = &d.p;
    let mut rng = StdRng::seed_from_u64(20251127);
    let procedures = [p.procedure, d.q, d.e];
    let channels = ["in_person", "postal", "online", "integration"];
    for _ in 0..30 {
        let procedure = procedures[rng.gen_range(0..3)];
        let channel = channels[rng.gen_range(0..4)];
        let received = if rng.gen_bool(0.7) {
            Some(format!(
                "2025-{:02}-{:02}T03:00:00Z",
                rng.gen_range(1..=12),
                rng.gen_range(1..=28)
            ))
        } else {
            None
        };
        let id = file(
            &app,
            &p.integration_a,
            procedure,
            received.as_deref(),
            None,
            channel,
        )
        .await;
        if rng.gen_bool(0.1) {
            continue;
        }
        act(&app, &p.officer_a, id, "start").await.expect(200);
        let mut holder_is_a = true;
        for _ in 0..rng.gen_range(0..3) {
            if rng.gen_bool(0.3) {
                let token = if holder_is_a {
                    &p.officer_a
                } else {
                    &p.officer_b
                };
                act(&app, token, id, "request-supplement").await.expect(200);
                act(&app, token, id, "resume").await.expect(200);
            }
            let (from, to) = if holder_is_a {
                (&p.officer_a, p.b)
            } else {
                (&p.officer_b, p.a)
            };
            let method = if rng.gen_bool(0.6) {
                "electronic"
            } else {
                "paper"
            };
            let t = transfer(&app, from, id, to, method).await;
            let receiver = if holder_is_a {
                &p.officer_b
            } else {
                &p.officer_a
            };
            let accept = rng.gen_bool(0.7);
            decide(&app, receiver, t, accept).await;
            if accept {
                holder_is_a = !holder_is_a;
            }
        }
        let holder = if holder_is_a {
            &p.officer_a
        } else {
            &p.officer_b
        };
        match rng.gen_range(0..4) {
            0 | 1 => {
                act(&app, holder, id, "complete").await.expect(200);
            }
            2 => {
                act(&app, holder, id, "withdraw").await.expect(200);
            }
            _ => {}
        }
    }

    let target = DatabaseTarget::parse(Some(&app.database_url)).unwrap();
    let db = Database::open(&target, 1).unwrap();
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let ranges = [
        ("2025-01-01", "2026-12-31"),
        ("2025-02-10", "2025-09-20"),
        ("2025-06-01", "2025-06-30"),
    ];
    // (who, token, the agencies they see (None: all), agency narrowing)
    type Caller<'a> = (&'a str, &'a str, Option<Vec<i64>>, Option<i64>);
    let callers: [Caller; 5] = [
        ("admin", &app.admin_token, None, None),
        ("officer at B", &p.officer_b, Some(vec![p.b]), None),
        ("leader of R", &p.leader_r, Some(vec![p.r, p.a, p.b]), None),
        ("admin narrowed to A", &app.admin_token, None, Some(p.a)),
        ("officer at C", &p.officer_c, Some(vec![p.c]), None),
    ];
    let groupings = [
        ("none", Grouping::None),
        ("agency", Grouping::Agency),
        ("procedure", Grouping::Procedure),
        ("channel", Grouping::Channel),
        ("month", Grouping::Day),
    ];
    for (from, to) in ranges {
        for (who, token, visible, agency) in &callers {
            for procedure in [None, Some(p.procedure)] {
                for (name, grouping) in groupings {
                    let mut query = format!("from={from}&to={to}&group_by={name}");
                    if let Some(a) = agency {
                        query.push_str(&format!("&agency_id={a}"));
                    }
                    if let Some(pr) = procedure {
                        query.push_str(&format!("&procedure_id={pr}"));
                    }
                    let scope = Scope {
                        from: from.parse().unwrap(),
                        to: to.parse().unwrap(),
                        as_of: today,
                        agency_id: *agency,
                        procedure_id: procedure,
                        visible: visible.clone(),
                    };
                    let what =
                        format!("{who}, {from}..{to}, group_by={name}, procedure={procedure:?}");
                    assert_matches_recount(&app, token, &db, &query, &scope, grouping, &what).await;
                }
            }
        }
    }
}

/// Asserts that the report for `query` has exactly the recount's rows.
pub async fn assert_matches_recount(
    app: &TestApp,
    token: &str,
    db: &Database,
    query: &str,
    scope: &Scope,
    grouping: Grouping,
    what: &str,
) {
    let got = report(app, token, query).await;
    let key_of_recount = |r: &lienthong::db::stats::AggRow| match grouping {
        Grouping::None => String::new(),
        Grouping::Agency => r.agency_id.unwrap().to_string(),
        Grouping::Procedure => r.procedure_id.unwrap().to_string(),
        Grouping::Channel => r.channel.clone().unwrap(),
        Grouping::Day => r.period.unwrap().format("%Y-%m").to_string(),
    };
    let mut conn = db.conn().unwrap();
    let mut want: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for r in recount(&mut conn, scope, grouping).unwrap() {
        let e = want.entry(key_of_recount(&r)).or_default();
        for (slot, v) in e.iter_mut().zip([
            r.dossiers,
            r.interagency,
            r.electronic,
            r.completed,
            r.on_time,
            r.overdue,
        ]) {
            *slot += v;
        }
    }
    want.retain(|k, v| v[0] > 0 || k.is_empty());
    if grouping == Grouping::None && want.is_empty() {
        want.insert(String::new(), [0; 6]);
    }
    let mut have: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for row in got["rows"].as_array().unwrap() {
        let key = match grouping {
            Grouping::None => String::new(),
            Grouping::Agency => row["agency_id"].to_string(),
            Grouping::Procedure => row["procedure_id"].to_string(),
            Grouping::Channel => row["channel"].as_str().unwrap().to_string(),
            Grouping::Day => row["month"].as_str().unwrap().to_string(),
        };
        let f = |k: &str| row[k].as_i64().unwrap();
        have.insert(
            key,
            [
                f("dossiers"),
                f("interagency_dossiers"),
                f("electronic_dossiers"),
                f("completed"),
                f("completed_on_time"),
                f("overdue_open"),
            ],
        );
    }
    assert_eq!(have, want, "{what}");
}
