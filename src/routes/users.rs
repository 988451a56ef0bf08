//! `/users`: user management (admin only).

use crate::audit::{self, Actor};
use crate::auth::password::{hash_password, password_problem};
use crate::auth::{Principal, Role};
use crate::clock::{now, utc};
use crate::db::users::{self as store, NewUser, UserChangeset, UserRow};
use crate::db::{agencies, DbConn};
use crate::error::{ApiError, FieldError};
use crate::extract::Json;
use crate::pagination::{Page, PageParams};
use crate::routes::{collect, created, double_option};
use crate::state::AppState;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// A user. The password is never returned.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 5, "username": "officer.btc", "role": "officer", "agency_id": 2, "active": true,
    "created_at": "2025-01-02T01:00:00Z", "updated_at": "2025-01-02T01:00:00Z"
}))]
pub struct UserResponse {
    /// Server-assigned id.
    pub id: i64,
    /// Login name (lower case).
    pub username: String,
    /// Role.
    pub role: Role,
    /// Agency for leader, officer and integration users; null for admin and inspector.
    pub agency_id: Option<i64>,
    /// Inactive users cannot log in, and their tokens stop working at once.
    pub active: bool,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<UserRow> for UserResponse {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            username: row.username,
            role: Role::parse(&row.role).unwrap_or(Role::Officer),
            agency_id: row.agency_id,
            active: row.active,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"username": "officer.btc.lan", "password": "a-long-secret", "role": "officer", "agency_id": 2}))]
pub struct CreateUserRequest {
    /// 3–64 characters: lower-case letters, digits, `.`, `_`, `-` (stored lower-case).
    pub username: String,
    /// At least 8 characters; stored only as an Argon2id hash.
    pub password: String,
    /// Role.
    pub role: Role,
    /// Required for leader, officer and integration; must be null for admin and inspector.
    pub agency_id: Option<i64>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Changes to a user: only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"active": false}))]
pub struct UpdateUserRequest {
    /// A new password (reset by the admin).
    pub password: Option<String>,
    /// A new role.
    pub role: Option<Role>,
    /// A new agency (`null` for admin and inspector).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub agency_id: Option<Option<i64>>,
    /// Deactivate or reactivate.
    pub active: Option<bool>,
}

fn username(value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    let ok = (3..=64).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(
            "username",
            "must be 3 to 64 letters, digits, `.`, `_` or `-`",
        ))
    }
}

fn password(value: &str) -> Result<String, FieldError> {
    match password_problem(value) {
        Some(problem) => Err(FieldError::new("password", problem)),
        None => Ok(value.to_string()),
    }
}

/// Checks that the role and agency fit together and the agency is usable.
fn check_role_agency(conn: &mut DbConn, role: Role, agency: Option<i64>) -> Result<(), ApiError> {
    match (role.needs_agency(), agency) {
        (true, None) => Err(ApiError::invalid(
            "agency_id",
            format!("required for the role {role}"),
        )),
        (false, Some(_)) => Err(ApiError::invalid(
            "agency_id",
            format!("must be null for the role {role}"),
        )),
        (true, Some(id)) => match agencies::find(conn, id)? {
            Some(a) if a.active => Ok(()),
            Some(_) => Err(ApiError::invalid("agency_id", "the agency is inactive")),
            None => Err(ApiError::invalid("agency_id", "no agency has this id")),
        },
        (false, None) => Ok(()),
    }
}

/// Creates a user (used by the API, the CLI and the bootstrap).
pub fn insert_user(
    conn: &mut DbConn,
    actor: &Actor,
    username: String,
    password: &str,
    role: Role,
    agency_id: Option<i64>,
    active: bool,
) -> Result<UserRow, ApiError> {
    check_role_agency(conn, role, agency_id)?;
    if store::find_by_username(conn, &username)?.is_some() {
        return Err(ApiError::conflict(
            "duplicate",
            format!("username `{username}` is already taken"),
        ));
    }
    let at = now();
    let row = store::insert(
        conn,
        &NewUser {
            username,
            password_hash: hash_password(password),
            role: role.as_str().into(),
            agency_id,
            active,
            created_at: at,
            updated_at: at,
        },
    )?;
    let after = UserResponse::from(row.clone());
    audit::record(
        conn,
        actor,
        "user.created",
        "user",
        Some(row.id),
        json!({ "after": after }),
    )?;
    Ok(row)
}

/// List users
///
/// Roles: admin. In id order, cursor-paginated.
#[utoipa::path(
    tag = "users",
    params(PageParams),
    responses(
        (status = 200, description = "A page of users", body = Page<UserResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Principal,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<UserResponse>>, ApiError> {
    caller.require_admin()?;
    let limit = page.limit()?;
    let after = page.after_id()?;
    let rows = state
        .read(move |conn| Ok(store::list(conn, after, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        UserResponse::from,
    )))
}

/// Get a user
///
/// Roles: admin.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id", example = 5)),
    responses(
        (status = 200, description = "The user", body = UserResponse),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<web::Json<UserResponse>, ApiError> {
    caller.require_admin()?;
    let id = id.into_inner();
    let row = state.read(move |conn| Ok(store::find(conn, id)?)).await?;
    row.map(|r| web::Json(r.into()))
        .ok_or_else(|| ApiError::not_found("user"))
}

/// Create a user
///
/// Roles: admin. `username` taken → 409; `agency_id` missing for leader, officer or
/// integration, or present for admin or inspector → 422; password under 8 characters → 422.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserResponse,
            headers(("Location" = String, description = "URL of the new user"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Principal,
    body: Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let req = body.0;
    let mut errors = Vec::new();
    let name = collect(&mut errors, username(&req.username));
    let pass = collect(&mut errors, password(&req.password));
    let (Some(name), Some(pass)) = (name, pass) else {
        return Err(ApiError::Validation(errors));
    };
    let actor = Actor::from(&caller);
    let row = state
        .write(move |conn| {
            insert_user(
                conn,
                &actor,
                name,
                &pass,
                req.role,
                req.agency_id,
                req.active.unwrap_or(true),
            )
        })
        .await?;
    Ok(created(
        &format!("/api/v1/users/{}", row.id),
        &UserResponse::from(row),
    ))
}

/// Update a user
///
/// Roles: admin. Reset a password, change role or agency, deactivate (the user's tokens
/// stop working on their next request). The last active admin cannot be demoted or
/// deactivated (409 `last_admin`).
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id", example = 5)),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated user", body = UserResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
    body: Json<UpdateUserRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    caller.require_admin()?;
    let actor = Actor::from(&caller);
    let id = id.into_inner();
    let req = body.0;
    let hash = match req.password.as_deref().map(password).transpose() {
        Ok(p) => p.map(|p| hash_password(&p)),
        Err(e) => return Err(ApiError::Validation(vec![e])),
    };
    let row = state
        .write(move |conn| {
            let current = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("user"))?;
            let old_role = Role::parse(&current.role).unwrap_or(Role::Officer);
            let role = req.role.unwrap_or(old_role);
            let agency = req.agency_id.unwrap_or(current.agency_id);
            check_role_agency(conn, role, agency)?;
            let active = req.active.unwrap_or(current.active);
            if old_role == Role::Admin && current.active && (role != Role::Admin || !active) {
                let admins = store::active_admins(conn)?;
                if admins <= 1 {
                    return Err(ApiError::conflict(
                        "last_admin",
                        "this is the last active admin",
                    ));
                }
            }
            let password_reset = hash.is_some();
            let changes = UserChangeset {
                password_hash: hash,
                role: req.role.map(|r| r.as_str().to_string()),
                agency_id: Some(agency),
                active: req.active,
                updated_at: Some(now()),
            };
            let after = UserResponse::from(store::update(conn, id, &changes)?);
            audit::record(
                conn,
                &actor,
                "user.updated",
                "user",
                Some(id),
                json!({"before": UserResponse::from(current), "after": &after, "password_reset": password_reset}),
            )?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(row))
}

/// Registers the user operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_cased_and_bounded() {
        assert_eq!(username(" Officer.BTC ").unwrap(), "officer.btc");
        for bad in ["ab", "has space", "dấu", &"a".repeat(65)] {
            assert!(username(bad).is_err(), "{bad:?}");
        }
    }
}
