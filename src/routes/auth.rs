//! `/auth`: tokens and the caller's identity (SPEC §9).

use crate::audit::{self, Actor};
use crate::auth::password::{verify_dummy, verify_password};
use crate::auth::{Principal, Role};
use crate::db::users;
use crate::error::ApiError;
use crate::extract::{is_json_request, parse_json, RawBody};
use crate::routes::users::UserResponse;
use crate::startup::RequestId;
use crate::state::AppState;
use actix_web::{get, post, web, HttpMessage, HttpRequest};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// Credentials as JSON.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"username": "admin", "password": "admin-demo-2025"}))]
pub struct TokenRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Credentials as an OAuth2 password grant form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordGrantForm {
    /// Must be `password`.
    pub grant_type: String,
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// An access token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.sig", "token_type": "Bearer", "expires_in": 3600}))]
pub struct TokenResponse {
    /// The JWT, to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Get a token
///
/// Public. Exchanges a username and password for a bearer token, as JSON or as an OAuth2
/// password-grant form (`grant_type=password`). Wrong credentials → 401
/// `invalid_credentials` (the same answer for an unknown user and a wrong password);
/// after repeated failures for one username or address → 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body(content(
        (TokenRequest = "application/json"),
        (PasswordGrantForm = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "A token", body = TokenResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 415, description = "Neither JSON nor a form", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
        (status = 429, response = crate::openapi::TooManyRequests),
    ),
    security(())
)]
#[post("/auth/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let credentials = read_credentials(&req, &body.0)?;
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    if let Some(wait) = state.throttle.blocked_for(&credentials.username, &address) {
        return Err(ApiError::TooManyRequests(wait));
    }
    let username = credentials.username.trim().to_lowercase();
    let password = credentials.password;
    let user = state
        .read(move |conn| {
            let user = users::find_by_username(conn, &username)?;
            Ok(match user {
                Some(u) if verify_password(&password, &u.password_hash) && u.active => Some(u),
                Some(_) => None,
                None => {
                    verify_dummy(&password);
                    None
                }
            })
        })
        .await?;
    let Some(user) = user else {
        state.throttle.fail(&credentials.username, &address);
        let actor = Actor {
            username: Some(credentials.username.clone()),
            request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
            ..Default::default()
        };
        state
            .write(move |conn| {
                audit::record(
                    conn,
                    &actor,
                    "auth.login_failed",
                    "user",
                    None,
                    json!({ "address": address }),
                )
            })
            .await?;
        return Err(ApiError::InvalidCredentials);
    };
    state.throttle.succeed(&credentials.username, &address);
    let role = Role::parse(&user.role).ok_or_else(|| ApiError::internal("stored role unknown"))?;
    Ok(web::Json(TokenResponse {
        access_token: state.tokens.issue(user.id, role, user.agency_id),
        token_type: "Bearer",
        expires_in: state.tokens.ttl(),
    }))
}

fn read_credentials(req: &HttpRequest, body: &[u8]) -> Result<TokenRequest, ApiError> {
    if is_json_request(req) {
        return parse_json(body);
    }
    let is_form = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(ApiError::UnsupportedMediaType(
            "send application/json or application/x-www-form-urlencoded".into(),
        ));
    }
    let form: PasswordGrantForm = serde_urlencoded::from_bytes(body)
        .map_err(|e| ApiError::bad_request("malformed_form", format!("invalid form: {e}")))?;
    if form.grant_type != "password" {
        return Err(ApiError::invalid("grant_type", "must be `password`"));
    }
    Ok(TokenRequest {
        username: form.username,
        password: form.password,
    })
}

/// Who am I
///
/// Any authenticated role: the caller's user, role and agency.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The caller", body = UserResponse),
        (status = 401, response = crate::openapi::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/auth/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    caller: Principal,
) -> Result<web::Json<UserResponse>, ApiError> {
    let id = caller.user_id;
    let row = state.read(move |conn| Ok(users::find(conn, id)?)).await?;
    row.map(|r| web::Json(r.into()))
        .ok_or_else(|| ApiError::Unauthorized("the token's user no longer exists".into()))
}

/// Registers the auth operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issue_token).service(get_me);
}
