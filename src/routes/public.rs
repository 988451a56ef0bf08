//! `/public/dossiers/{code}`: the applicant's status lookup.

use crate::db::dossiers;
use crate::db::schema::{agencies, procedures};
use crate::domain::dossier::DossierStatus;
use crate::error::ApiError;
use crate::state::AppState;
use crate::workflow::filing::hash_lookup_key;
use actix_web::{get, web};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use utoipa::{IntoParams, ToSchema};

/// What the applicant may see: nothing more.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "BTC-TU-250526-0001", "procedure_name": "Kết nạp đảng viên", "status": "processing",
    "due_date": "2025-06-09", "current_agency_name": "Ban Tổ chức Tỉnh ủy"
}))]
pub struct PublicDossierStatus {
    /// The dossier code from the receipt.
    pub code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// Lifecycle status.
    pub status: DossierStatus,
    /// Due date (local).
    pub due_date: NaiveDate,
    /// Where the dossier is now.
    pub current_agency_name: String,
}

/// The receipt's key.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupKey {
    /// The `lookup_key` given at filing.
    pub key: String,
}

/// Check a dossier's status
///
/// Public: the applicant's lookup with the code and key from the receipt. A wrong key and an
/// unknown code give the same 404, in the same time.
#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "Dossier code", example = "BTC-TU-250526-0001"), LookupKey),
    responses(
        (status = 200, description = "The status", body = PublicDossierStatus),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(())
)]
#[get("/public/dossiers/{code}")]
pub async fn lookup_dossier(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<LookupKey>,
) -> Result<web::Json<PublicDossierStatus>, ApiError> {
    let code = code.into_inner();
    let presented = hash_lookup_key(&query.key);
    let found = state
        .read(move |conn| {
            let row = dossiers::find_by_code(conn, &code)?;
            // An unknown code still compares against a stored-sized hash.
            let stored = row
                .as_ref()
                .map(|r| r.lookup_key_hash.clone())
                .unwrap_or_else(|| "0".repeat(64));
            let matches: bool = presented.as_bytes().ct_eq(stored.as_bytes()).into();
            let Some(row) = row.filter(|_| matches) else {
                return Ok(None);
            };
            let procedure_name: String = procedures::table
                .find(row.procedure_id)
                .select(procedures::name)
                .first(conn)?;
            let current_agency_name: String = agencies::table
                .find(row.current_agency_id)
                .select(agencies::name)
                .first(conn)?;
            Ok(Some(PublicDossierStatus {
                code: row.code,
                procedure_name,
                status: DossierStatus::parse(&row.status).unwrap_or(DossierStatus::Received),
                due_date: row.due_date,
                current_agency_name,
            }))
        })
        .await?;
    found
        .map(web::Json)
        .ok_or_else(|| ApiError::NotFound("no dossier matches this code and key".into()))
}

/// Registers the public lookup.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(lookup_dossier);
}
