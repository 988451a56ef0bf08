use crate::helpers::{TestApp, ADMIN_PASSWORD};
use crate::on_both_engines;
use reqwest::Method;
use serde_json::json;

on_both_engines!(
    admins_manage_users_and_no_answer_carries_a_password,
    role_and_agency_must_fit_together,
    duplicate_usernames_are_a_conflict,
    only_admins_manage_users_and_agencies,
    the_last_admin_cannot_be_demoted,
    a_reset_password_replaces_the_old_one,
);

async fn admins_manage_users_and_no_answer_carries_a_password(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    let password = "s3cret-password-x";
    let res = app
        .post(
            "/api/v1/users",
            Some(&app.admin_token),
            json!({"username": "Officer.BTC", "password": password, "role": "officer", "agency_id": agency}),
        )
        .await;
    let created = res.expect(201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(res.header("location"), Some(format!("/api/v1/users/{id}")));
    assert_eq!(created["username"], "officer.btc");
    let token = app.login("officer.btc", password).await;

    let answers = vec![
        res,
        app.get("/api/v1/users", Some(&app.admin_token)).await,
        app.get(&format!("/api/v1/users/{id}"), Some(&app.admin_token))
            .await,
        app.patch(
            &format!("/api/v1/users/{id}"),
            Some(&app.admin_token),
            json!({"password": "another-secret-1"}),
        )
        .await,
        app.get("/api/v1/auth/me", Some(&token)).await,
    ];
    for answer in answers {
        assert!(
            answer.status.is_success() || answer.status == 401,
            "{}",
            answer.text
        );
        for secret in [
            password,
            "another-secret-1",
            ADMIN_PASSWORD,
            "$argon2",
            "password_hash",
        ] {
            assert!(
                !answer.text.contains(secret),
                "leaked {secret}: {}",
                answer.text
            );
        }
    }
    let list = app
        .get("/api/v1/users", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

async fn role_and_agency_must_fit_together(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    let cases = [
        (
            "officer without agency",
            json!({"role": "officer", "agency_id": null}),
            "agency_id",
        ),
        (
            "leader without agency",
            json!({"role": "leader"}),
            "agency_id",
        ),
        (
            "integration without agency",
            json!({"role": "integration"}),
            "agency_id",
        ),
        (
            "admin with agency",
            json!({"role": "admin", "agency_id": agency}),
            "agency_id",
        ),
        (
            "inspector with agency",
            json!({"role": "inspector", "agency_id": agency}),
            "agency_id",
        ),
        (
            "unknown agency",
            json!({"role": "officer", "agency_id": 999}),
            "agency_id",
        ),
        (
            "unknown role",
            json!({"role": "king", "agency_id": agency}),
            "role",
        ),
        (
            "short password",
            json!({"role": "officer", "agency_id": agency, "password": "short"}),
            "password",
        ),
        (
            "bad username",
            json!({"role": "officer", "agency_id": agency, "username": "a b"}),
            "username",
        ),
    ];
    for (description, fields, field) in cases {
        let mut body = json!({"username": "someone", "password": "long-enough-pw"});
        for (k, v) in fields.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app
            .post("/api/v1/users", Some(&app.admin_token), body)
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{description}");
    }
    let inspector = app
        .post(
            "/api/v1/users",
            Some(&app.admin_token),
            json!({"username": "inspector", "password": "long-enough-pw", "role": "inspector"}),
        )
        .await
        .expect(201);
    let res = app
        .patch(
            &format!("/api/v1/users/{}", inspector["id"]),
            Some(&app.admin_token),
            json!({"role": "officer"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "agency_id"
    );
    let moved = app
        .patch(
            &format!("/api/v1/users/{}", inspector["id"]),
            Some(&app.admin_token),
            json!({"role": "officer", "agency_id": agency}),
        )
        .await
        .expect(200);
    assert_eq!(moved["role"], "officer");
}

async fn duplicate_usernames_are_a_conflict(app: TestApp) {
    let res = app
        .post(
            "/api/v1/users",
            Some(&app.admin_token),
            json!({"username": "ADMIN", "password": "long-enough-pw", "role": "inspector"}),
        )
        .await;
    res.assert_problem(409, "duplicate");
}

async fn only_admins_manage_users_and_agencies(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    let tokens = [
        ("leader", app.user("leader", "leader", Some(agency)).await),
        (
            "officer",
            app.user("officer", "officer", Some(agency)).await,
        ),
        (
            "integration",
            app.user("system", "integration", Some(agency)).await,
        ),
        ("inspector", app.user("inspector", "inspector", None).await),
    ];
    for (role, token) in &tokens {
        let t = Some(token.as_str());
        let answers = [
            app.get("/api/v1/users", t).await,
            app.get("/api/v1/users/1", t).await,
            app.post(
                "/api/v1/users",
                t,
                json!({"username": "x", "password": "long-enough-pw", "role": "inspector"}),
            )
            .await,
            app.patch("/api/v1/users/1", t, json!({"active": false}))
                .await,
            app.post(
                "/api/v1/agencies",
                t,
                json!({"code": "XX", "name": "x", "level": "province"}),
            )
            .await,
            app.patch(
                &format!("/api/v1/agencies/{agency}"),
                t,
                json!({"name": "x"}),
            )
            .await,
        ];
        for answer in answers {
            answer.assert_problem(403, "forbidden");
        }
        // Reading agencies is open to every role.
        app.get("/api/v1/agencies", t).await.expect(200);
        app.get(&format!("/api/v1/agencies/{agency}"), t)
            .await
            .expect(200);
        let _ = role;
    }
    for (method, path) in [
        (Method::GET, "/api/v1/users"),
        (Method::POST, "/api/v1/agencies"),
    ] {
        let res = app
            .send(
                app.request(method, path)
                    .header("content-type", "application/json")
                    .body("{}"),
            )
            .await;
        res.assert_problem(401, "unauthorized");
    }
}

async fn the_last_admin_cannot_be_demoted(app: TestApp) {
    let me = app
        .get("/api/v1/auth/me", Some(&app.admin_token))
        .await
        .expect(200);
    let id = me["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&app.admin_token),
        json!({"active": false}),
    )
    .await
    .assert_problem(409, "last_admin");
    app.post(
        "/api/v1/users",
        Some(&app.admin_token),
        json!({"username": "admin2", "password": "long-enough-pw", "role": "admin"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&app.admin_token),
        json!({"role": "inspector"}),
    )
    .await
    .expect(200);
}

async fn a_reset_password_replaces_the_old_one(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    app.user("officer", "officer", Some(agency)).await;
    let list = app
        .get("/api/v1/users", Some(&app.admin_token))
        .await
        .expect(200);
    let id = list["items"][1]["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&app.admin_token),
        json!({"password": "brand-new-pass"}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/auth/token",
        None,
        json!({"username": "officer", "password": "officer-password"}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
    app.login("officer", "brand-new-pass").await;
}
