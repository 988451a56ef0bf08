//! `/agencies`: the Party agencies and their tree (SPEC §3).

use crate::audit::{self, Actor};
use crate::auth::{MaybePrincipal, Principal};
use crate::clock::{now, utc};
use crate::db::agencies::{self as store, AgencyChangeset, AgencyRow, NewAgency};
use crate::domain::agency::{creates_cycle, AgencyLevel};
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::Json;
use crate::pagination::{Page, PageParams};
use crate::routes::{collect, created, double_option};
use crate::state::AppState;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// A Party agency.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "code": "BTC-TU", "name": "Ban Tổ chức Tỉnh ủy", "parent_id": 1, "level": "province",
    "head_name": "Nguyễn Văn An", "head_title": "Trưởng ban", "active": true,
    "created_at": "2025-01-02T01:00:00Z", "updated_at": "2025-01-02T01:00:00Z"
}))]
pub struct AgencyResponse {
    /// Server-assigned id.
    pub id: i64,
    /// Unique code.
    pub code: String,
    /// Full name.
    pub name: String,
    /// The agency above this one, if any.
    pub parent_id: Option<i64>,
    /// Level in the organisation.
    pub level: AgencyLevel,
    /// Name of the accountable head (người đứng đầu).
    pub head_name: Option<String>,
    /// Title of the head.
    pub head_title: Option<String>,
    /// Inactive agencies are hidden from the public and cannot be referenced.
    pub active: bool,
    /// When the agency was created.
    pub created_at: DateTime<Utc>,
    /// When the agency last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<AgencyRow> for AgencyResponse {
    fn from(row: AgencyRow) -> Self {
        Self {
            id: row.id,
            code: row.code,
            name: row.name,
            parent_id: row.parent_id,
            level: AgencyLevel::parse(&row.level).unwrap_or(AgencyLevel::Grassroots),
            head_name: row.head_name,
            head_title: row.head_title,
            active: row.active,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// A new agency.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "code": "DU-PL-TDM", "name": "Đảng ủy phường Phú Lợi", "parent_id": 1, "level": "grassroots",
    "head_name": "Lê Thị Thu", "head_title": "Bí thư Đảng ủy"
}))]
pub struct CreateAgencyRequest {
    /// Unique code: 2–32 upper-case letters, digits or dashes, starting with a letter.
    pub code: String,
    /// Full name (1–255 characters).
    pub name: String,
    /// The agency above this one; must exist and be active.
    pub parent_id: Option<i64>,
    /// Level in the organisation.
    pub level: AgencyLevel,
    /// Name of the accountable head.
    pub head_name: Option<String>,
    /// Title of the head.
    pub head_title: Option<String>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Changes to an agency: only the fields present change; `null` clears a nullable field.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"head_name": "Trần Thị Bình", "head_title": "Trưởng ban"}))]
pub struct UpdateAgencyRequest {
    /// New unique code.
    pub code: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New parent (`null` makes it a root); may not be the agency itself or below it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// New level.
    pub level: Option<AgencyLevel>,
    /// New head's name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub head_name: Option<Option<String>>,
    /// New head's title.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub head_title: Option<Option<String>>,
    /// Activate or deactivate.
    pub active: Option<bool>,
}

/// Filters of the agency list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyFilter {
    /// Admin only: include inactive agencies (default false).
    pub include_inactive: Option<bool>,
}

/// List agencies
///
/// Active agencies in id order, cursor-paginated. Public: no token needed.
/// An admin may add `include_inactive=true`.
#[utoipa::path(
    tag = "agencies",
    params(PageParams, AgencyFilter),
    responses(
        (status = 200, description = "A page of agencies", body = Page<AgencyResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/agencies")]
pub async fn list_agencies(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    page: web::Query<PageParams>,
    filter: web::Query<AgencyFilter>,
) -> Result<web::Json<Page<AgencyResponse>>, ApiError> {
    let limit = page.limit()?;
    let after = page.after_id()?;
    let is_admin = caller.0.as_ref().is_some_and(Principal::is_admin);
    let active_only = !(is_admin && filter.include_inactive.unwrap_or(false));
    let rows = state
        .read(move |conn| Ok(store::list(conn, active_only, after, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        AgencyResponse::from,
    )))
}

/// Get an agency
///
/// Public for active agencies; an inactive one is visible to admins only.
#[utoipa::path(
    tag = "agencies",
    params(("id" = i64, Path, description = "Agency id", example = 2)),
    responses(
        (status = 200, description = "The agency", body = AgencyResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/agencies/{id}")]
pub async fn get_agency(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    id: web::Path<i64>,
) -> Result<web::Json<AgencyResponse>, ApiError> {
    let id = id.into_inner();
    let is_admin = caller.0.as_ref().is_some_and(Principal::is_admin);
    let row = state.read(move |conn| Ok(store::find(conn, id)?)).await?;
    match row {
        Some(row) if row.active || is_admin => Ok(web::Json(row.into())),
        _ => Err(ApiError::not_found("agency")),
    }
}

/// Create an agency
///
/// Roles: admin. A duplicate `code` is a 409; an unknown or inactive `parent_id` a 422.
#[utoipa::path(
    tag = "agencies",
    request_body = CreateAgencyRequest,
    responses(
        (status = 201, description = "Created", body = AgencyResponse,
            headers(("Location" = String, description = "URL of the new agency"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    caller: Principal,
    body: Json<CreateAgencyRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let actor = Actor::from(&caller);
    let req = body.0;
    let mut errors = Vec::new();
    let code = collect(&mut errors, text::code("code", &req.code));
    let name = collect(&mut errors, text::required_text("name", &req.name, 255));
    let head_name = collect(
        &mut errors,
        text::optional_text("head_name", req.head_name.as_deref(), 255),
    );
    let head_title = collect(
        &mut errors,
        text::optional_text("head_title", req.head_title.as_deref(), 255),
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (code, name) = (code.unwrap_or_default(), name.unwrap_or_default());
    let row = state
        .write(move |conn| {
            if store::code_taken(conn, &code, None)? {
                return Err(ApiError::conflict(
                    "duplicate",
                    format!("agency code `{code}` is already taken"),
                ));
            }
            if let Some(parent) = req.parent_id {
                check_parent(conn, parent)?;
            }
            let at = now();
            let row = store::insert(
                conn,
                &NewAgency {
                    code,
                    name,
                    parent_id: req.parent_id,
                    level: req.level.as_str().into(),
                    head_name: head_name.flatten(),
                    head_title: head_title.flatten(),
                    active: req.active.unwrap_or(true),
                    created_at: at,
                    updated_at: at,
                },
            )?;
            let body = AgencyResponse::from(row);
            audit::record(
                conn,
                &actor,
                "agency.created",
                "agency",
                Some(body.id),
                json!({ "after": &body }),
            )?;
            Ok(body)
        })
        .await?;
    Ok(created(&format!("/api/v1/agencies/{}", row.id), &row))
}

/// Update an agency
///
/// Roles: admin. Only the fields sent change. A duplicate `code` is a 409; a parent that
/// does not exist, is inactive, or lies below the agency (a cycle) is a 422.
#[utoipa::path(
    tag = "agencies",
    params(("id" = i64, Path, description = "Agency id", example = 2)),
    request_body = UpdateAgencyRequest,
    responses(
        (status = 200, description = "The updated agency", body = AgencyResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[patch("/agencies/{id}")]
pub async fn update_agency(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
    body: Json<UpdateAgencyRequest>,
) -> Result<web::Json<AgencyResponse>, ApiError> {
    caller.require_admin()?;
    let actor = Actor::from(&caller);
    let id = id.into_inner();
    let req = body.0;
    let mut errors = Vec::new();
    let code = req
        .code
        .as_deref()
        .and_then(|c| collect(&mut errors, text::code("code", c)));
    let name = req
        .name
        .as_deref()
        .and_then(|n| collect(&mut errors, text::required_text("name", n, 255)));
    let head_name = match &req.head_name {
        Some(v) => collect(
            &mut errors,
            text::optional_text("head_name", v.as_deref(), 255),
        ),
        None => None,
    };
    let head_title = match &req.head_title {
        Some(v) => collect(
            &mut errors,
            text::optional_text("head_title", v.as_deref(), 255),
        ),
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let row = state
        .write(move |conn| {
            let before = store::find(conn, id)?.ok_or_else(|| ApiError::not_found("agency"))?;
            if let Some(code) = &code {
                if store::code_taken(conn, code, Some(id))? {
                    return Err(ApiError::conflict(
                        "duplicate",
                        format!("agency code `{code}` is already taken"),
                    ));
                }
            }
            if let Some(Some(parent)) = req.parent_id {
                check_parent(conn, parent)?;
                if creates_cycle(&store::parents(conn)?, id, parent) {
                    return Err(ApiError::invalid(
                        "parent_id",
                        "would make the agency its own ancestor",
                    ));
                }
            }
            let changes = AgencyChangeset {
                code,
                name,
                parent_id: req.parent_id,
                level: req.level.map(|l| l.as_str().to_string()),
                head_name,
                head_title,
                active: req.active,
                updated_at: Some(now()),
            };
            let after = AgencyResponse::from(store::update(conn, id, &changes)?);
            audit::record(
                conn,
                &actor,
                "agency.updated",
                "agency",
                Some(id),
                json!({"before": AgencyResponse::from(before), "after": &after}),
            )?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(row))
}

fn check_parent(conn: &mut crate::db::DbConn, parent: i64) -> Result<(), ApiError> {
    match store::find(conn, parent)? {
        Some(p) if p.active => Ok(()),
        Some(_) => Err(ApiError::invalid(
            "parent_id",
            "the parent agency is inactive",
        )),
        None => Err(ApiError::invalid("parent_id", "no agency has this id")),
    }
}

/// Registers the agency operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_agencies)
        .service(create_agency)
        .service(get_agency)
        .service(update_agency);
}
