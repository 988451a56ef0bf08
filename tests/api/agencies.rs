use crate::helpers::TestApp;
use crate::on_both_engines;
use serde_json::json;

on_both_engines!(
    creating_an_agency_answers_201_with_location_and_the_resource,
    duplicate_codes_are_a_conflict,
    unknown_parent_is_unprocessable,
    a_parent_change_that_makes_a_cycle_is_refused,
    patch_changes_only_the_fields_sent,
    lists_paginate_with_a_stable_cursor,
    inactive_agencies_are_hidden_from_everyone_but_admins,
    invalid_fields_are_all_named,
);

async fn creating_an_agency_answers_201_with_location_and_the_resource(app: TestApp) {
    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"code": "BTC-TU", "name": "Ban Tổ chức Tỉnh ủy", "level": "province",
                   "head_name": "Nguyễn Văn An", "head_title": "Trưởng ban"}),
        )
        .await;
    let body = res.expect(201);
    let id = body["id"].as_i64().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/agencies/{id}"))
    );
    assert_eq!(body["code"], "BTC-TU");
    assert_eq!(body["name"], "Ban Tổ chức Tỉnh ủy");
    assert_eq!(body["level"], "province");
    assert_eq!(body["active"], true);
    assert_eq!(body["parent_id"], serde_json::Value::Null);

    let fetched = app
        .get(&format!("/api/v1/agencies/{id}"), None)
        .await
        .expect(200);
    assert_eq!(fetched, body);
}

async fn duplicate_codes_are_a_conflict(app: TestApp) {
    app.agency("BTC-TU", None).await;
    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"code": "BTC-TU", "name": "Other", "level": "province"}),
        )
        .await;
    res.assert_problem(409, "duplicate");

    let other = app.agency("UBKT-TU", None).await;
    let res = app
        .patch(
            &format!("/api/v1/agencies/{other}"),
            Some(&app.admin_token),
            json!({"code": "BTC-TU"}),
        )
        .await;
    res.assert_problem(409, "duplicate");
}

async fn unknown_parent_is_unprocessable(app: TestApp) {
    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"code": "HU-DA", "name": "Huyện ủy", "level": "district", "parent_id": 999}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "parent_id");
}

async fn a_parent_change_that_makes_a_cycle_is_refused(app: TestApp) {
    let root = app.agency("TU-BD", None).await;
    let child = app.agency("HU-DA", Some(root)).await;
    let grandchild = app.agency("DU-DA-01", Some(child)).await;

    for (description, id, parent) in [
        ("itself", root, root),
        ("its child", root, child),
        ("its grandchild", root, grandchild),
    ] {
        let res = app
            .patch(
                &format!("/api/v1/agencies/{id}"),
                Some(&app.admin_token),
                json!({"parent_id": parent}),
            )
            .await;
        let body = res.assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "parent_id", "{description}");
    }

    let moved = app
        .patch(
            &format!("/api/v1/agencies/{grandchild}"),
            Some(&app.admin_token),
            json!({"parent_id": root}),
        )
        .await
        .expect(200);
    assert_eq!(moved["parent_id"], root);
}

async fn patch_changes_only_the_fields_sent(app: TestApp) {
    let root = app.agency("TU-BD", None).await;
    let id = app.agency("BTC-TU", Some(root)).await;
    let body = app
        .patch(
            &format!("/api/v1/agencies/{id}"),
            Some(&app.admin_token),
            json!({"head_name": "Trần Thị Bình", "head_title": "Trưởng ban"}),
        )
        .await
        .expect(200);
    assert_eq!(body["head_name"], "Trần Thị Bình");
    assert_eq!(body["code"], "BTC-TU");
    assert_eq!(body["parent_id"], root);

    let cleared = app
        .patch(
            &format!("/api/v1/agencies/{id}"),
            Some(&app.admin_token),
            json!({"parent_id": null, "head_title": null}),
        )
        .await
        .expect(200);
    assert_eq!(cleared["parent_id"], serde_json::Value::Null);
    assert_eq!(cleared["head_title"], serde_json::Value::Null);
    assert_eq!(cleared["head_name"], "Trần Thị Bình");

    app.patch(
        "/api/v1/agencies/9999",
        Some(&app.admin_token),
        json!({"name": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
}

async fn lists_paginate_with_a_stable_cursor(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(app.agency(&format!("AG-{i}"), None).await);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/agencies?limit=2".to_string();
    loop {
        let page = app.get(&path, None).await.expect(200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|a| a["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/agencies?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    app.get("/api/v1/agencies?limit=0", None)
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/agencies?limit=501", None)
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/agencies?cursor=!!!", None)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/api/v1/agencies?limit=abc", None)
        .await
        .assert_problem(400, "invalid_query");
}

async fn inactive_agencies_are_hidden_from_everyone_but_admins(app: TestApp) {
    let active = app.agency("AG-ON", None).await;
    let inactive = app.agency("AG-OFF", None).await;
    app.patch(
        &format!("/api/v1/agencies/{inactive}"),
        Some(&app.admin_token),
        json!({"active": false}),
    )
    .await
    .expect(200);
    let officer = app.user("officer.on", "officer", Some(active)).await;

    for token in [None, Some(officer.as_str())] {
        let list = app.get("/api/v1/agencies", token).await.expect(200);
        let ids: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![active]);
        app.get(&format!("/api/v1/agencies/{inactive}"), token)
            .await
            .assert_problem(404, "not_found");
    }
    let all = app
        .get(
            "/api/v1/agencies?include_inactive=true",
            Some(&app.admin_token),
        )
        .await
        .expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    app.get(
        &format!("/api/v1/agencies/{inactive}"),
        Some(&app.admin_token),
    )
    .await
    .expect(200);

    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"code": "AG-KID", "name": "Kid", "level": "grassroots", "parent_id": inactive}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "parent_id"
    );
}

async fn invalid_fields_are_all_named(app: TestApp) {
    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"code": "bad code", "name": "  ", "level": "province"}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "name"]);

    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"code": "AB", "name": "x", "level": "planet"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "level"
    );
    let res = app
        .post(
            "/api/v1/agencies",
            Some(&app.admin_token),
            json!({"name": "x", "level": "province"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "code"
    );
}
