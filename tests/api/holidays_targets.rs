use crate::helpers::TestApp;
use crate::on_both_engines;
use reqwest::Method;
use serde_json::{json, Value};

on_both_engines!(
    holidays_are_set_renamed_listed_and_removed,
    holiday_lists_filter_by_year_and_paginate,
    invalid_holidays_are_refused,
    the_targets_are_seeded_with_2025_and_2030,
    targets_are_set_and_replaced,
    invalid_targets_are_refused,
    only_admins_change_the_calendar_and_targets,
);

async fn put(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> crate::helpers::Answer {
    app.call(Method::PUT, path, token, Some(body)).await
}

fn dates(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| h["date"].as_str().unwrap().to_string())
        .collect()
}

async fn holidays_are_set_renamed_listed_and_removed(app: TestApp) {
    let admin = Some(app.admin_token.as_str());

    let res = put(
        &app,
        "/api/v1/holidays/2025-09-02",
        admin,
        json!({"name": "Quốc khánh"}),
    )
    .await;
    assert_eq!(
        res.expect(201),
        json!({"date": "2025-09-02", "name": "Quốc khánh"})
    );
    assert_eq!(
        res.header("location").as_deref(),
        Some("/api/v1/holidays/2025-09-02")
    );
    put(
        &app,
        "/api/v1/holidays/2025-04-30",
        admin,
        json!({"name": "Ngày Giải phóng"}),
    )
    .await
    .expect(201);

    let renamed = put(
        &app,
        "/api/v1/holidays/2025-09-02",
        admin,
        json!({"name": " Quốc khánh 2/9 "}),
    )
    .await
    .expect(200);
    assert_eq!(
        renamed,
        json!({"date": "2025-09-02", "name": "Quốc khánh 2/9"})
    );

    let list = app.get("/api/v1/holidays", None).await.expect(200);
    assert_eq!(
        list,
        json!({"items": [{"date": "2025-04-30", "name": "Ngày Giải phóng"},
                         {"date": "2025-09-02", "name": "Quốc khánh 2/9"}],
               "next_cursor": null})
    );
    let one = app
        .get("/api/v1/holidays/2025-04-30", None)
        .await
        .expect(200);
    assert_eq!(one["name"], "Ngày Giải phóng");

    let res = app
        .call(Method::DELETE, "/api/v1/holidays/2025-04-30", admin, None)
        .await;
    assert_eq!(res.status.as_u16(), 204);
    assert!(res.text.is_empty());
    app.call(Method::DELETE, "/api/v1/holidays/2025-04-30", admin, None)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/v1/holidays/2025-04-30", None)
        .await
        .assert_problem(404, "not_found");
    let list = app.get("/api/v1/holidays", None).await.expect(200);
    assert_eq!(dates(&list), ["2025-09-02"]);
}

async fn holiday_lists_filter_by_year_and_paginate(app: TestApp) {
    let admin = Some(app.admin_token.as_str());
    for date in [
        "2026-01-01",
        "2025-01-01",
        "2025-12-31",
        "2024-12-31",
        "2025-05-01",
    ] {
        put(
            &app,
            &format!("/api/v1/holidays/{date}"),
            admin,
            json!({"name": "Nghỉ lễ"}),
        )
        .await
        .expect(201);
    }
    let year = app
        .get("/api/v1/holidays?year=2025", None)
        .await
        .expect(200);
    assert_eq!(dates(&year), ["2025-01-01", "2025-05-01", "2025-12-31"]);

    let mut seen = Vec::new();
    let mut path = "/api/v1/holidays?limit=2".to_string();
    loop {
        let page = app.get(&path, None).await.expect(200);
        seen.extend(dates(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/holidays?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "2024-12-31",
            "2025-01-01",
            "2025-05-01",
            "2025-12-31",
            "2026-01-01"
        ]
    );
}

async fn invalid_holidays_are_refused(app: TestApp) {
    let admin = Some(app.admin_token.as_str());
    for (description, path, body, status, code, field) in [
        (
            "a date that does not exist",
            "/api/v1/holidays/2025-02-30",
            json!({"name": "x"}),
            400,
            "invalid_path",
            None,
        ),
        (
            "not a date",
            "/api/v1/holidays/tet",
            json!({"name": "x"}),
            400,
            "invalid_path",
            None,
        ),
        (
            "a day-month-year date",
            "/api/v1/holidays/02-09-2025",
            json!({"name": "x"}),
            400,
            "invalid_path",
            None,
        ),
        (
            "a blank name",
            "/api/v1/holidays/2025-09-02",
            json!({"name": "  "}),
            422,
            "validation_failed",
            Some("name"),
        ),
        (
            "no name",
            "/api/v1/holidays/2025-09-02",
            json!({}),
            422,
            "validation_failed",
            Some("name"),
        ),
        (
            "a year out of range",
            "/api/v1/holidays/1999-09-02",
            json!({"name": "x"}),
            422,
            "validation_failed",
            Some("date"),
        ),
    ] {
        let res = put(&app, path, admin, body).await;
        assert_eq!(res.status.as_u16(), status, "{description}: {}", res.text);
        let problem = res.assert_problem(status, code);
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{description}");
        }
    }
    for (description, query, status, code) in [
        ("a year out of range", "year=1800", 422, "validation_failed"),
        ("a non-numeric year", "year=2025a", 400, "invalid_query"),
        ("a foreign cursor", "cursor=eHl6", 400, "invalid_cursor"),
    ] {
        let res = app.get(&format!("/api/v1/holidays?{query}"), None).await;
        assert_eq!(res.status.as_u16(), status, "{description}");
        res.assert_problem(status, code);
    }
    app.call(Method::DELETE, "/api/v1/holidays/someday", admin, None)
        .await
        .assert_problem(400, "invalid_path");
    let list = app.get("/api/v1/holidays", None).await.expect(200);
    assert_eq!(dates(&list), Vec::<String>::new());
}

async fn the_targets_are_seeded_with_2025_and_2030(app: TestApp) {
    let list = app.get("/api/v1/targets", None).await.expect(200);
    assert_eq!(
        list,
        json!({"items": [{"year": 2025, "electronic_rate": 0.8}, {"year": 2030, "electronic_rate": 1.0}],
               "next_cursor": null})
    );
    let one = app.get("/api/v1/targets/2030", None).await.expect(200);
    assert_eq!(one, json!({"year": 2030, "electronic_rate": 1.0}));
    app.get("/api/v1/targets/2027", None)
        .await
        .assert_problem(404, "not_found");
}

async fn targets_are_set_and_replaced(app: TestApp) {
    let admin = Some(app.admin_token.as_str());
    let res = put(
        &app,
        "/api/v1/targets/2027",
        admin,
        json!({"electronic_rate": 0.9}),
    )
    .await;
    assert_eq!(
        res.expect(201),
        json!({"year": 2027, "electronic_rate": 0.9})
    );
    assert_eq!(
        res.header("location").as_deref(),
        Some("/api/v1/targets/2027")
    );

    let replaced = put(
        &app,
        "/api/v1/targets/2025",
        admin,
        json!({"electronic_rate": 0.85}),
    )
    .await
    .expect(200);
    assert_eq!(replaced, json!({"year": 2025, "electronic_rate": 0.85}));
    for (year, rate) in [(2000, json!(0)), (2100, json!(1))] {
        put(
            &app,
            &format!("/api/v1/targets/{year}"),
            admin,
            json!({"electronic_rate": rate}),
        )
        .await
        .expect(201);
    }

    let list = app.get("/api/v1/targets", None).await.expect(200);
    let years: Vec<(i64, f64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["year"].as_i64().unwrap(),
                t["electronic_rate"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [
            (2000, 0.0),
            (2025, 0.85),
            (2027, 0.9),
            (2030, 1.0),
            (2100, 1.0)
        ]
    );
    let page = app.get("/api/v1/targets?limit=2", None).await.expect(200);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let next = app
        .get(&format!("/api/v1/targets?limit=2&cursor={cursor}"), None)
        .await
        .expect(200);
    assert_eq!(next["items"][0]["year"], 2027);
}

async fn invalid_targets_are_refused(app: TestApp) {
    let admin = Some(app.admin_token.as_str());
    for (description, path, body, status, code, fields) in [
        (
            "a rate above 1",
            "/api/v1/targets/2027",
            json!({"electronic_rate": 1.5}),
            422,
            "validation_failed",
            vec!["electronic_rate"],
        ),
        (
            "a percentage",
            "/api/v1/targets/2027",
            json!({"electronic_rate": 80}),
            422,
            "validation_failed",
            vec!["electronic_rate"],
        ),
        (
            "a negative rate",
            "/api/v1/targets/2027",
            json!({"electronic_rate": -0.1}),
            422,
            "validation_failed",
            vec!["electronic_rate"],
        ),
        (
            "a rate that is not a number",
            "/api/v1/targets/2027",
            json!({"electronic_rate": "80%"}),
            422,
            "validation_failed",
            vec!["electronic_rate"],
        ),
        (
            "no rate",
            "/api/v1/targets/2027",
            json!({}),
            422,
            "validation_failed",
            vec!["electronic_rate"],
        ),
        (
            "a year too early",
            "/api/v1/targets/1999",
            json!({"electronic_rate": 0.5}),
            422,
            "validation_failed",
            vec!["year"],
        ),
        (
            "a year too late",
            "/api/v1/targets/2101",
            json!({"electronic_rate": 0.5}),
            422,
            "validation_failed",
            vec!["year"],
        ),
        (
            "both",
            "/api/v1/targets/3000",
            json!({"electronic_rate": 2}),
            422,
            "validation_failed",
            vec!["year", "electronic_rate"],
        ),
        (
            "a year that is not a number",
            "/api/v1/targets/next",
            json!({"electronic_rate": 0.5}),
            400,
            "invalid_path",
            vec![],
        ),
    ] {
        let res = put(&app, path, admin, body).await;
        assert_eq!(res.status.as_u16(), status, "{description}: {}", res.text);
        let problem = res.assert_problem(status, code);
        if !fields.is_empty() {
            let named: Vec<&str> = problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert_eq!(named, fields, "{description}");
        }
    }
    let list = app.get("/api/v1/targets", None).await.expect(200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "nothing was stored"
    );
}

async fn only_admins_change_the_calendar_and_targets(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    let officer = app.user("officer.btc", "officer", Some(agency)).await;
    let inspector = app.user("inspector", "inspector", None).await;
    let attempts = [
        (
            Method::PUT,
            "/api/v1/holidays/2025-09-02",
            Some(json!({"name": "Quốc khánh"})),
        ),
        (Method::DELETE, "/api/v1/holidays/2025-09-02", None),
        (
            Method::PUT,
            "/api/v1/targets/2027",
            Some(json!({"electronic_rate": 0.9})),
        ),
    ];
    for (method, path, body) in attempts {
        for token in [&officer, &inspector] {
            app.call(method.clone(), path, Some(token.as_str()), body.clone())
                .await
                .assert_problem(403, "forbidden");
        }
        app.call(method.clone(), path, None, body)
            .await
            .assert_problem(401, "unauthorized");
    }
    // Reading is public; a bad token is still refused.
    for path in ["/api/v1/holidays", "/api/v1/targets"] {
        app.get(path, None).await.expect(200);
        app.get(path, Some(&officer)).await.expect(200);
        app.get(path, Some("forged"))
            .await
            .assert_problem(401, "unauthorized");
    }
}
