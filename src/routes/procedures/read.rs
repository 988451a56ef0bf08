//! Reading the catalogue: open to everyone for published procedures.

use super::types::{ProcedureFilterParams, ProcedureResponse};
use crate::auth::MaybePrincipal;
use crate::db::procedures::{self as store, ProcedureFilter};
use crate::domain::procedure::ProcedureStatus;
use crate::domain::text::fold;
use crate::error::ApiError;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, web};

/// Longest search text accepted in `q`.
const MAX_QUERY_CHARS: usize = 200;

/// List procedures
///
/// Procedures in id order, cursor-paginated. Public: anonymous callers see
/// published procedures only; any authenticated role also sees drafts and
/// retired versions (narrow with `status`).
///
/// `q` matches the code and the name, ignoring case and Vietnamese
/// diacritics (`ket nap dang vien` and `KẾT NẠP ĐẢNG VIÊN` both find
/// `Kết nạp đảng viên`); `field` is an exact match; `agency_id` finds the
/// procedures an agency leads or carries out a step of.
///
/// Errors: 400 for a malformed query (e.g. an unknown `status`) or cursor,
/// 401 for a bad token, 422 for a `limit` out of range or a `q` over 200
/// characters.
#[utoipa::path(
    tag = "procedures",
    params(PageParams, ProcedureFilterParams),
    responses(
        (status = 200, description = "A page of procedures", body = Page<ProcedureResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/procedures")]
pub async fn list_procedures(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    page: web::Query<PageParams>,
    params: web::Query<ProcedureFilterParams>,
) -> Result<web::Json<Page<ProcedureResponse>>, ApiError> {
    let limit = page.limit()?;
    let after = page.after_id()?;
    let params = params.into_inner();
    let filter = ProcedureFilter {
        statuses: visible_statuses(caller.0.is_some(), params.status),
        search_pattern: search_pattern(params.q.as_deref())?,
        field: params
            .field
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty()),
        agency_id: params.agency_id,
        interagency: params.interagency,
    };
    let (rows, mut steps) = state
        .read(move |conn| {
            let rows = store::list(conn, &filter, after, limit)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let steps = store::steps_of(conn, &ids)?;
            Ok((rows, steps))
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        |r| {
            let s = steps.remove(&r.id).unwrap_or_default();
            ProcedureResponse::new(r, s)
        },
    )))
}

/// Get a procedure
///
/// Public for a published procedure. Drafts and retired versions answer 404
/// to anonymous callers and are visible to any authenticated role.
#[utoipa::path(
    tag = "procedures",
    params(("id" = i64, Path, description = "Procedure id", example = 12)),
    responses(
        (status = 200, description = "The procedure", body = ProcedureResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/procedures/{id}")]
pub async fn get_procedure(
    state: web::Data<AppState>,
    caller: MaybePrincipal,
    id: web::Path<i64>,
) -> Result<web::Json<ProcedureResponse>, ApiError> {
    let id = id.into_inner();
    let sees_unpublished = caller.0.is_some();
    let found = state
        .read(move |conn| {
            let Some(row) = store::find(conn, id)? else {
                return Ok(None);
            };
            if row.status != ProcedureStatus::Published.as_str() && !sees_unpublished {
                return Ok(None);
            }
            let steps = store::steps(conn, id)?;
            Ok(Some(ProcedureResponse::new(row, steps)))
        })
        .await?;
    found
        .map(web::Json)
        .ok_or_else(|| ApiError::not_found("procedure"))
}

/// The statuses a caller may list, narrowed by the `status` filter; `None`
/// means all.
fn visible_statuses(authenticated: bool, wanted: Option<ProcedureStatus>) -> Option<Vec<String>> {
    let mut allowed: Vec<ProcedureStatus> = if authenticated {
        ProcedureStatus::ALL.to_vec()
    } else {
        vec![ProcedureStatus::Published]
    };
    if let Some(wanted) = wanted {
        allowed.retain(|s| *s == wanted);
    }
    (allowed.len() < ProcedureStatus::ALL.len())
        .then(|| allowed.iter().map(|s| s.as_str().to_string()).collect())
}

/// A `LIKE` pattern over the folded code and name, with the caller's `%`,
/// `_` and `\` taken literally.
fn search_pattern(q: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(q) = q else { return Ok(None) };
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::invalid(
            "q",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let folded = fold(q.trim());
    if folded.is_empty() {
        return Ok(None);
    }
    let mut pattern = String::with_capacity(folded.len() + 2);
    pattern.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Ok(Some(pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_fold_and_escape() {
        assert_eq!(
            search_pattern(Some("  Kết nạp ĐẢNG ")).unwrap().as_deref(),
            Some("%ket nap dang%")
        );
        assert_eq!(
            search_pattern(Some("50%_a\\b")).unwrap().as_deref(),
            Some("%50\\%\\_a\\\\b%")
        );
        assert_eq!(search_pattern(Some("   ")).unwrap(), None);
        assert!(search_pattern(Some(&"a".repeat(201))).is_err());
    }

    #[test]
    fn anonymous_callers_see_published_procedures_only() {
        let published = Some(vec!["published".to_string()]);
        assert_eq!(visible_statuses(false, None), published);
        assert_eq!(
            visible_statuses(false, Some(ProcedureStatus::Draft)),
            Some(vec![])
        );
        assert_eq!(visible_statuses(true, None), None);
        assert_eq!(
            visible_statuses(true, Some(ProcedureStatus::Retired)),
            Some(vec!["retired".to_string()])
        );
    }
}
