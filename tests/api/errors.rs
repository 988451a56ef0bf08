use crate::helpers::TestApp;
use crate::on_both_engines;
use reqwest::Method;

on_both_engines!(
    malformed_json_is_a_400_problem,
    a_body_that_is_not_json_is_a_415_problem,
    a_body_over_one_mebibyte_is_a_413_problem,
    unknown_routes_are_a_404_problem,
    bad_path_parameters_are_a_400_problem,
    request_ids_are_echoed_or_made,
);

async fn malformed_json_is_a_400_problem(app: TestApp) {
    for body in [
        "{",
        "",
        "{\"code\": }",
        "{\"code\": \"AB\"",
        "{\"code\":\"AB\",\"name\":\"x\",\"level\":\"province\"} x",
    ] {
        let res = app
            .send(
                app.request(Method::POST, "/api/v1/agencies")
                    .bearer_auth(&app.admin_token)
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await;
        res.assert_problem(400, "malformed_json");
    }
}

async fn a_body_that_is_not_json_is_a_415_problem(app: TestApp) {
    for content_type in [None, Some("text/plain"), Some("application/xml")] {
        let mut req = app
            .request(Method::POST, "/api/v1/agencies")
            .bearer_auth(&app.admin_token)
            .body(r#"{"code":"AB","name":"x","level":"province"}"#);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        app.send(req)
            .await
            .assert_problem(415, "unsupported_media_type");
    }
}

async fn a_body_over_one_mebibyte_is_a_413_problem(app: TestApp) {
    let name = "x".repeat(1024 * 1024 + 10);
    let res = app
        .send(
            app.request(Method::POST, "/api/v1/agencies")
                .bearer_auth(&app.admin_token)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"code":"AB","name":"{name}","level":"province"}}"#
                )),
        )
        .await;
    res.assert_problem(413, "payload_too_large");
}

async fn unknown_routes_are_a_404_problem(app: TestApp) {
    for path in ["/nope", "/api/v1/nope", "/api/v2/agencies"] {
        app.get(path, None).await.assert_problem(404, "not_found");
    }
}

async fn bad_path_parameters_are_a_400_problem(app: TestApp) {
    app.get("/api/v1/agencies/abc", None)
        .await
        .assert_problem(400, "invalid_path");
    app.get("/api/v1/agencies/99999999999999999999", None)
        .await
        .assert_problem(400, "invalid_path");
}

async fn request_ids_are_echoed_or_made(app: TestApp) {
    let res = app
        .send(
            app.request(Method::GET, "/healthz")
                .header("x-request-id", "trace-42"),
        )
        .await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("trace-42"));
    let made = app
        .get("/api/v1/agencies", None)
        .await
        .header("x-request-id")
        .unwrap();
    assert_eq!(made.len(), 36, "a UUID: {made}");
    let problem = app.get("/nope", None).await;
    assert!(problem.header("x-request-id").is_some());
}
