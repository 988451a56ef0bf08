//! The OpenAPI contract, generated from the handlers.

use crate::error::Problem;
use utoipa::openapi::security::{
    Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi, ToResponse};

/// The document's static parts; paths are added by the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "lienthong",
        description = include_str!("openapi_description.md"),
        license(name = "MIT"),
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Tokens and the caller's identity (SPEC §9)"),
        (name = "users", description = "User management (admin)"),
        (name = "agencies", description = "Party agencies and their hierarchy (SPEC §3)"),
        (name = "procedures", description = "The procedure catalogue: processes, versions, publication (SPEC §3)"),
        (name = "dossiers", description = "Dossiers and their lifecycle (SPEC §4)"),
        (name = "transfers", description = "Transfers of dossiers between agencies (SPEC §4)"),
        (name = "calendar", description = "The working-day calendar (holidays) and yearly targets"),
        (name = "stats", description = "Compliance and catalogue statistics (SPEC §5)"),
        (name = "public", description = "The applicant's status lookup"),
        (name = "feed", description = "The change feed and webhooks (SPEC §8)"),
        (name = "audit", description = "The audit chain (SPEC §8)"),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    components(
        schemas(Problem),
        responses(BadRequest, Unauthorized, Forbidden, NotFound, Conflict, Unprocessable, TooManyRequests)
    ),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/token`, sent as `Authorization: Bearer <token>`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "password",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::Password(Password::new(
                    "/api/v1/auth/token",
                    Scopes::new(),
                ))],
                "Log in with a username and password (OAuth2 password grant); Swagger UI's Authorize dialog uses it.",
            )),
        );
    }
}

/// The request could not be read: malformed JSON, query, path or cursor.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lienthong:problem:malformed_json", "title": "Bad Request", "status": 400,
        "detail": "the body is not valid JSON: EOF while parsing an object (line 1, column 1)", "code": "malformed_json"})
)]
pub struct BadRequest(pub Problem);

/// No bearer token, or one that is malformed, expired, forged, or whose user is gone or inactive.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lienthong:problem:unauthorized", "title": "Unauthorized", "status": 401,
        "detail": "the token has expired", "code": "unauthorized"})
)]
pub struct Unauthorized(pub Problem);

/// The caller's role may not do this.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lienthong:problem:forbidden", "title": "Forbidden", "status": 403,
        "detail": "this action needs the role admin; you are officer", "code": "forbidden"})
)]
pub struct Forbidden(pub Problem);

/// No such resource, or not visible to the caller.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lienthong:problem:not_found", "title": "Not Found", "status": 404,
        "detail": "agency not found", "code": "not_found"})
)]
pub struct NotFound(pub Problem);

/// The request conflicts with the current state (duplicate, invalid transition, concurrent move).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lienthong:problem:duplicate", "title": "Conflict", "status": 409,
        "detail": "`code` is already taken", "code": "duplicate"})
)]
pub struct Conflict(pub Problem);

/// Some fields are invalid; `errors` names each.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:lienthong:problem:validation_failed", "title": "Unprocessable Entity", "status": 422,
        "detail": "The request has 1 invalid field.", "code": "validation_failed",
        "errors": [{"field": "parent_id", "message": "no agency has this id"}]})
)]
pub struct Unprocessable(pub Problem);

/// Too many failed logins; wait for `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait")),
    example = json!({"type": "urn:lienthong:problem:too_many_requests", "title": "Too Many Requests", "status": 429,
        "detail": "Too many failed attempts; retry in 300 seconds.", "code": "too_many_requests"})
)]
pub struct TooManyRequests(pub Problem);

/// The full spec: static parts plus every registered handler.
pub fn spec() -> utoipa::openapi::OpenApi {
    crate::startup::api_app().split_for_parts().1
}

/// The spec as pretty JSON, as committed in `openapi/openapi.json`.
pub fn spec_json() -> String {
    let mut json = spec().to_pretty_json().expect("the spec serialises");
    json.push('\n');
    json
}
