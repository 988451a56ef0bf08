//! Tokens signed by an external identity provider (issue 3, item 3).

use crate::helpers::{spawn_app_with, Engine, TestApp, JWT_SECRET};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;

const PUBLIC_KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/api/fixtures/idp-ed25519-public.pem"
);
const PRIVATE_KEY: &[u8] = include_bytes!("fixtures/idp-ed25519-private.pem");

fn idp_token(sub: &str, alg: Algorithm, key: &EncodingKey) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": sub, "role": "admin", "agency": null, "iss": "lienthong", "aud": "lienthong-api",
                        "iat": now, "exp": now + 600, "jti": "idp-1"});
    encode(&Header::new(alg), &claims, key).unwrap()
}

async fn tokens_of_the_configured_provider_are_accepted_with_the_same_rules(app: TestApp) {
    let me = app
        .get("/api/v1/auth/me", Some(&app.admin_token))
        .await
        .expect(200);
    let sub = me["id"].as_i64().unwrap().to_string();
    let key = EncodingKey::from_ed_pem(PRIVATE_KEY).unwrap();
    let token = idp_token(&sub, Algorithm::EdDSA, &key);
    let me_again = app.get("/api/v1/auth/me", Some(&token)).await.expect(200);
    assert_eq!(me_again["username"], "admin");
    // The same claim rules: an unknown user is refused.
    let stranger = idp_token("424242", Algorithm::EdDSA, &key);
    app.get("/api/v1/auth/me", Some(&stranger))
        .await
        .assert_problem(401, "unauthorized");
    // HS256 tokens from lienthong itself still work.
    let hs = idp_token(
        &sub,
        Algorithm::HS256,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    );
    app.get("/api/v1/auth/me", Some(&hs)).await.expect(200);
}

#[tokio::test]
async fn an_external_eddsa_key_verifies_tokens_on_sqlite() {
    let app = spawn_app_with(Engine::Sqlite, &[("LIENTHONG_JWT_PUBLIC_KEY", PUBLIC_KEY)])
        .await
        .unwrap();
    tokens_of_the_configured_provider_are_accepted_with_the_same_rules(app).await;
}

#[tokio::test]
async fn an_external_eddsa_key_verifies_tokens_on_postgres() {
    if let Some(app) = spawn_app_with(
        Engine::Postgres,
        &[("LIENTHONG_JWT_PUBLIC_KEY", PUBLIC_KEY)],
    )
    .await
    {
        tokens_of_the_configured_provider_are_accepted_with_the_same_rules(app).await;
    }
}

#[tokio::test]
async fn without_a_provider_key_eddsa_tokens_are_refused() {
    let app = spawn_app_with(Engine::Sqlite, &[]).await.unwrap();
    let key = EncodingKey::from_ed_pem(PRIVATE_KEY).unwrap();
    let token = idp_token("1", Algorithm::EdDSA, &key);
    app.get("/api/v1/auth/me", Some(&token))
        .await
        .assert_problem(401, "unauthorized");
}
