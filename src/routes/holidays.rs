//! `/holidays`: the working-day calendar (SPEC §2, §4). A working day is a
//! Monday to Friday that is not one of these holidays.

use crate::audit::{self, Actor};
use crate::auth::{MaybePrincipal, Principal};
use crate::db::holidays::{self as store, HolidayRow};
use crate::domain::text;
use crate::error::{ApiError, FieldError};
use crate::extract::Json;
use crate::pagination::{Page, PageParams};
use crate::routes::{collect, created};
use crate::state::AppState;
use actix_web::{delete, get, put, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Years the calendar accepts.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A public holiday: a date that is not a working day.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"date": "2025-09-02", "name": "Quốc khánh"}))]
pub struct HolidayResponse {
    /// The date (`YYYY-MM-DD`).
    pub date: NaiveDate,
    /// What the holiday is.
    pub name: String,
}

impl From<HolidayRow> for HolidayResponse {
    fn from(row: HolidayRow) -> Self {
        Self {
            date: row.date,
            name: row.name,
        }
    }
}

/// A holiday's name.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Quốc khánh"}))]
pub struct PutHolidayRequest {
    /// What the holiday is (1–255 characters).
    pub name: String,
}

/// Filters of the holiday list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayFilter {
    /// Only the holidays of this year (2000–2100).
    #[param(example = 2025)]
    pub year: Option<i32>,
}

/// List holidays
///
/// Holidays in date order, cursor-paginated; `year` narrows the list to one
/// year. Public: no token needed.
///
/// Errors: 400 for a malformed query or cursor, 401 for a bad token, 422 for a
/// `year` outside 2000–2100 or a `limit` out of range.
#[utoipa::path(
    tag = "calendar",
    params(PageParams, HolidayFilter),
    responses(
        (status = 200, description = "A page of holidays", body = Page<HolidayResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/holidays")]
pub async fn list_holidays(
    state: web::Data<AppState>,
    _caller: MaybePrincipal,
    page: web::Query<PageParams>,
    filter: web::Query<HolidayFilter>,
) -> Result<web::Json<Page<HolidayResponse>>, ApiError> {
    let limit = page.limit()?;
    let after = match page.after()?.as_deref() {
        None => None,
        Some([date]) => Some(date.parse::<NaiveDate>().map_err(|_| invalid_cursor())?),
        Some(_) => return Err(invalid_cursor()),
    };
    let year = filter.year;
    if let Some(y) = year.filter(|y| !YEARS.contains(y)) {
        return Err(ApiError::invalid(
            "year",
            format!("must be from 2000 to 2100, not {y}"),
        ));
    }
    let rows = state
        .read(move |conn| Ok(store::list(conn, year, after, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.date.to_string()],
        HolidayResponse::from,
    )))
}

/// Get a holiday
///
/// The holiday on one date. Public: no token needed.
///
/// Errors: 400 for a path that is not a `YYYY-MM-DD` date, 401 for a bad
/// token, 404 when the date is not a holiday.
#[utoipa::path(
    tag = "calendar",
    params(("date" = NaiveDate, Path, description = "The date, `YYYY-MM-DD`", example = "2025-09-02")),
    responses(
        (status = 200, description = "The holiday", body = HolidayResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/holidays/{date}")]
pub async fn get_holiday(
    state: web::Data<AppState>,
    _caller: MaybePrincipal,
    date: web::Path<NaiveDate>,
) -> Result<web::Json<HolidayResponse>, ApiError> {
    let date = date.into_inner();
    let row = state.read(move |conn| Ok(store::find(conn, date)?)).await?;
    row.map(|r| web::Json(r.into()))
        .ok_or_else(|| ApiError::not_found("holiday"))
}

/// Set a holiday
///
/// Roles: admin. Makes `date` a holiday with this name, or renames the
/// holiday already on that date. Due dates of dossiers already filed are not
/// recomputed.
///
/// Answers 201 with `Location` when the date was not a holiday, 200 when an
/// existing holiday was renamed. Errors: 400 for a path that is not a
/// `YYYY-MM-DD` date, 422 for a blank name or a year outside 2000–2100.
#[utoipa::path(
    tag = "calendar",
    params(("date" = NaiveDate, Path, description = "The date, `YYYY-MM-DD`", example = "2025-09-02")),
    request_body = PutHolidayRequest,
    responses(
        (status = 200, description = "The holiday, renamed", body = HolidayResponse),
        (status = 201, description = "The new holiday", body = HolidayResponse,
            headers(("Location" = String, description = "URL of the holiday"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[put("/holidays/{date}")]
pub async fn put_holiday(
    state: web::Data<AppState>,
    caller: Principal,
    date: web::Path<NaiveDate>,
    body: Json<PutHolidayRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let date = date.into_inner();
    let mut errors = Vec::new();
    if !YEARS.contains(&date.year()) {
        errors.push(FieldError::new("date", "must be in the years 2000 to 2100"));
    }
    let name = collect(&mut errors, text::required_text("name", &body.0.name, 255));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let holiday = HolidayRow {
        date,
        name: name.unwrap_or_default(),
    };
    let actor = Actor::from(&caller);
    let (before, holiday) = state
        .write(move |conn| {
            let before = store::put(conn, &holiday)?;
            let after = json!({"date": date, "name": holiday.name});
            let (action, data) = match &before {
                None => ("holiday.created", json!({ "after": after })),
                Some(old) => (
                    "holiday.updated",
                    json!({"before": {"date": date, "name": old.name}, "after": after}),
                ),
            };
            audit::record(conn, &actor, action, "holiday", None, data)?;
            Ok((before, holiday))
        })
        .await?;
    let body = HolidayResponse::from(holiday);
    Ok(match before {
        None => created(&format!("/api/v1/holidays/{date}"), &body),
        Some(_) => HttpResponse::Ok().json(body),
    })
}

/// Remove a holiday
///
/// Roles: admin. Makes `date` an ordinary day again (a working day if it is
/// Monday to Friday). Due dates of dossiers already filed are not recomputed.
///
/// Errors: 400 for a path that is not a `YYYY-MM-DD` date, 404 when the date
/// is not a holiday.
#[utoipa::path(
    tag = "calendar",
    params(("date" = NaiveDate, Path, description = "The date, `YYYY-MM-DD`", example = "2025-09-02")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[delete("/holidays/{date}")]
pub async fn delete_holiday(
    state: web::Data<AppState>,
    caller: Principal,
    date: web::Path<NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let date = date.into_inner();
    let actor = Actor::from(&caller);
    state
        .write(move |conn| {
            let removed =
                store::delete(conn, date)?.ok_or_else(|| ApiError::not_found("holiday"))?;
            audit::record(
                conn,
                &actor,
                "holiday.deleted",
                "holiday",
                None,
                json!({"before": {"date": date, "name": removed.name}}),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request(
        "invalid_cursor",
        "`cursor` is not a cursor this list gave out",
    )
}

/// Registers the holiday operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_holidays)
        .service(get_holiday)
        .service(put_holiday)
        .service(delete_holiday);
}
