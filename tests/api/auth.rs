use crate::helpers::{TestApp, ADMIN_PASSWORD, JWT_SECRET};
use crate::on_both_engines;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

on_both_engines!(
    a_token_is_issued_for_json_and_for_the_password_grant_form,
    wrong_credentials_answer_the_same_401,
    me_describes_the_caller,
    refused_tokens_answer_401_with_www_authenticate,
    deactivation_stops_tokens_on_the_next_request,
    repeated_failures_are_throttled_and_success_resets,
);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sub: &str) -> Value {
    json!({"sub": sub, "role": "admin", "agency": null, "iss": "lienthong", "aud": "lienthong-api",
           "iat": now(), "exp": now() + 600, "jti": "test-jti"})
}

fn sign(claims: &Value, alg: Algorithm, secret: &str) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn a_token_is_issued_for_json_and_for_the_password_grant_form(app: TestApp) {
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    let body = res.expect(200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    for claim in ["sub", "role", "agency", "iss", "aud", "iat", "exp", "jti"] {
        assert!(
            payload.get(claim).is_some(),
            "claim {claim} missing: {payload}"
        );
    }
    assert_eq!(payload["iss"], "lienthong");
    assert_eq!(payload["aud"], "lienthong-api");
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "HS256");

    let form = app
        .send(
            app.request(Method::POST, "/api/v1/auth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "grant_type=password&username=admin&password={ADMIN_PASSWORD}"
                )),
        )
        .await;
    assert_eq!(form.expect(200)["token_type"], "Bearer");

    let wrong_grant = app
        .send(
            app.request(Method::POST, "/api/v1/auth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&username=admin&password=x"),
        )
        .await;
    wrong_grant.assert_problem(422, "validation_failed");
}

async fn wrong_credentials_answer_the_same_401(app: TestApp) {
    let wrong_password = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": "admin", "password": "not-the-password"}),
        )
        .await;
    let unknown_user = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": "nobody", "password": "not-the-password"}),
        )
        .await;
    let a = wrong_password.assert_problem(401, "invalid_credentials");
    let b = unknown_user.assert_problem(401, "invalid_credentials");
    assert_eq!(a, b);
}

async fn me_describes_the_caller(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    let token = app.user("officer.btc", "officer", Some(agency)).await;
    let me = app.get("/api/v1/auth/me", Some(&token)).await.expect(200);
    assert_eq!(me["username"], "officer.btc");
    assert_eq!(me["role"], "officer");
    assert_eq!(me["agency_id"], agency);
    assert!(me.get("password").is_none() && me.get("password_hash").is_none());
}

async fn refused_tokens_answer_401_with_www_authenticate(app: TestApp) {
    let me = app
        .get("/api/v1/auth/me", Some(&app.admin_token))
        .await
        .expect(200);
    let sub = me["id"].as_i64().unwrap().to_string();
    let valid = claims(&sub);
    let with = |key: &str, value: Value| {
        let mut c = valid.clone();
        c[key] = value;
        c
    };
    let without = |key: &str| {
        let mut c = valid.clone();
        c.as_object_mut().unwrap().remove(key);
        c
    };
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(valid.to_string())
    );
    let good = sign(&valid, Algorithm::HS256, JWT_SECRET);
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(
        with("role", json!("admin"))
            .to_string()
            .replace("test-jti", "evil"),
    );
    let tampered = parts.join(".");

    let cases: Vec<(&str, String)> = vec![
        ("garbage", "not-a-token".into()),
        ("alg none", unsigned),
        ("HS512", sign(&valid, Algorithm::HS512, JWT_SECRET)),
        (
            "wrong secret",
            sign(&valid, Algorithm::HS256, "another-secret-another-secret-xx"),
        ),
        ("tampered payload", tampered),
        (
            "expired",
            sign(
                &with("exp", json!(now() - 120)),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "not yet valid",
            sign(
                &with("nbf", json!(now() + 600)),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "issued in the future",
            sign(
                &with("iat", json!(now() + 600)),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "wrong issuer",
            sign(&with("iss", json!("someone")), Algorithm::HS256, JWT_SECRET),
        ),
        (
            "wrong audience",
            sign(
                &with("aud", json!("other-api")),
                Algorithm::HS256,
                JWT_SECRET,
            ),
        ),
        (
            "no exp",
            sign(&without("exp"), Algorithm::HS256, JWT_SECRET),
        ),
        (
            "no role",
            sign(&without("role"), Algorithm::HS256, JWT_SECRET),
        ),
        (
            "no sub",
            sign(&without("sub"), Algorithm::HS256, JWT_SECRET),
        ),
        (
            "unknown user",
            sign(&claims("424242"), Algorithm::HS256, JWT_SECRET),
        ),
        (
            "non-numeric sub",
            sign(&claims("admin"), Algorithm::HS256, JWT_SECRET),
        ),
    ];
    for (description, token) in cases {
        let res = app.get("/api/v1/auth/me", Some(&token)).await;
        assert_eq!(res.status, 401, "{description}: {}", res.text);
        res.assert_problem(401, "unauthorized");
        let www = res.header("www-authenticate").unwrap_or_default();
        assert!(
            www.starts_with("Bearer") && www.contains("invalid_token"),
            "{description}: {www}"
        );
    }

    let leeway = sign(&with("exp", json!(now() - 5)), Algorithm::HS256, JWT_SECRET);
    app.get("/api/v1/auth/me", Some(&leeway)).await.expect(200);

    let res = app.get("/api/v1/auth/me", None).await;
    res.assert_problem(401, "unauthorized");
    assert!(res
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer"));
    let res = app
        .send(
            app.request(Method::GET, "/api/v1/auth/me")
                .header("authorization", "Basic YWRtaW46eA=="),
        )
        .await;
    res.assert_problem(401, "unauthorized");
    // A bad token on a public endpoint is still refused, never treated as anonymous.
    app.get("/api/v1/agencies", Some("not-a-token"))
        .await
        .assert_problem(401, "unauthorized");
}

async fn deactivation_stops_tokens_on_the_next_request(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    let token = app.user("officer.btc", "officer", Some(agency)).await;
    let me = app.get("/api/v1/auth/me", Some(&token)).await.expect(200);
    let id = me["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&app.admin_token),
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.get("/api/v1/auth/me", Some(&token))
        .await
        .assert_problem(401, "unauthorized");
    app.post(
        "/api/v1/auth/token",
        None,
        json!({"username": "officer.btc", "password": "officer.btc-password"}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
}

async fn repeated_failures_are_throttled_and_success_resets(app: TestApp) {
    let agency = app.agency("BTC-TU", None).await;
    app.user("officer.btc", "officer", Some(agency)).await;
    let attempt = |password: &'static str| {
        app.post(
            "/api/v1/auth/token",
            None,
            json!({"username": "officer.btc", "password": password}),
        )
    };
    for _ in 0..4 {
        attempt("wrong-password")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    attempt("officer.btc-password").await.expect(200);
    for _ in 0..5 {
        attempt("wrong-password")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    let res = attempt("officer.btc-password").await;
    res.assert_problem(429, "too_many_requests");
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 300);
    // Another user is not locked out by this one's failures.
    app.post(
        "/api/v1/auth/token",
        None,
        json!({"username": "admin", "password": ADMIN_PASSWORD}),
    )
    .await
    .expect(200);
}
