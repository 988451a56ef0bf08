//! `/stats/catalog`: the catalogue figures (SPEC §5) that answer the 2023
//! commitment — every procedure with a written process, published.

use crate::auth::MaybePrincipal;
use crate::db::procedures as store;
use crate::domain::procedure::ProcedureStatus;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// The catalogue figures. Every figure counts procedure versions (each
/// version of a code is one procedure).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "draft": 3, "published": 42, "retired": 5,
    "published_with_complete_process": 40,
    "published_interagency": 18,
    "published_electronic_eligible": 30,
    "published_interagency_electronic_eligible": 15
}))]
pub struct CatalogStatsResponse {
    /// Procedures in `draft`.
    pub draft: i64,
    /// Procedures in `published`: the live catalogue.
    pub published: i64,
    /// Procedures in `retired` (withdrawn, or superseded by a newer version).
    pub retired: i64,
    /// Published procedures with a complete process: at least one step, and
    /// every step with an agency, a non-empty action and at least 1 working day.
    pub published_with_complete_process: i64,
    /// Published procedures flagged `interagency`.
    pub published_interagency: i64,
    /// Published procedures flagged `electronic_eligible`.
    pub published_electronic_eligible: i64,
    /// Published procedures flagged both `interagency` and
    /// `electronic_eligible`: those whose dossiers count towards the
    /// electronic routing targets.
    pub published_interagency_electronic_eligible: i64,
}

/// Get the catalogue figures
///
/// Public: no token needed. How the catalogue stands against the 2023
/// commitment. Each version of a procedure counts as one procedure.
///
/// | figure | definition |
/// |---|---|
/// | `draft` | procedures with status `draft` |
/// | `published` | procedures with status `published` (at most one per code) |
/// | `retired` | procedures with status `retired`, retired by hand or superseded by a newer version |
/// | `published_with_complete_process` | published procedures that have at least one step, where every step names an agency, has a non-empty `action` and `days ≥ 1` |
/// | `published_interagency` | published procedures with `interagency = true` |
/// | `published_electronic_eligible` | published procedures with `electronic_eligible = true` |
/// | `published_interagency_electronic_eligible` | published procedures with both `interagency` and `electronic_eligible` true: the ones whose dossiers count in the compliance statistics' `interagency_dossiers` |
///
/// Errors: 401 for a bad token.
#[utoipa::path(
    tag = "stats",
    responses(
        (status = 200, description = "The catalogue figures", body = CatalogStatsResponse),
        (status = 401, response = crate::openapi::Unauthorized),
    ),
    security((), ("bearer" = []))
)]
#[get("/stats/catalog")]
pub async fn get_catalog_stats(
    state: web::Data<AppState>,
    _caller: MaybePrincipal,
) -> Result<web::Json<CatalogStatsResponse>, ApiError> {
    let counts = state
        .read(move |conn| Ok(store::catalog_counts(conn)?))
        .await?;
    let by_status = |s: ProcedureStatus| counts.by_status.get(s.as_str()).copied().unwrap_or(0);
    Ok(web::Json(CatalogStatsResponse {
        draft: by_status(ProcedureStatus::Draft),
        published: by_status(ProcedureStatus::Published),
        retired: by_status(ProcedureStatus::Retired),
        published_with_complete_process: counts.published_complete_process,
        published_interagency: counts.published_interagency,
        published_electronic_eligible: counts.published_electronic_eligible,
        published_interagency_electronic_eligible: counts.published_interagency_electronic,
    }))
}

/// Registers the catalogue statistics.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_catalog_stats);
}
