//! `/dossiers`: filing, reading and moving dossiers (SPEC §4, §7).

mod create;
mod moves;
mod read;
mod transfer;

use crate::clock::utc;
use crate::db::dossiers::DossierRow;
use crate::domain::dossier::{ApplicantKind, Channel, DossierStatus, Outcome};
use crate::error::ApiError;
use crate::workflow::filing::{Applicant, DocumentRef};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create::{create_dossier, CreateDossierRequest, CreatedDossier};
pub use moves::{
    complete_dossier, request_supplement, resume_dossier, start_dossier, withdraw_dossier,
};
pub use read::{get_dossier, get_dossier_history, list_dossiers};
pub use transfer::transfer_dossier;

/// A dossier.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 41, "code": "BTC-TU-250526-0001", "procedure_id": 3, "title": "Hồ sơ kết nạp đảng viên Nguyễn Thị Hoa",
    "applicant": {"name": "Nguyễn Thị Hoa", "kind": "member", "reference": "ĐV-0123456", "contact": "0274 3822 111"},
    "channel": "in_person", "received_agency_id": 2, "current_agency_id": 2, "status": "processing",
    "outcome": null, "received_at": "2025-05-26T01:00:00Z", "due_date": "2025-06-09", "completed_at": null,
    "documents": [{"name": "Đơn xin vào Đảng", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "pages": 2}],
    "version": 2, "overdue": false
}))]
pub struct DossierResponse {
    /// Server-assigned id.
    pub id: i64,
    /// Unique, stable, human-readable code: `<agency code>-<yymmdd>-<nnnn>`.
    pub code: String,
    /// The procedure version it was filed under.
    pub procedure_id: i64,
    /// Short description.
    pub title: String,
    /// Who applies.
    pub applicant: Applicant,
    /// How it arrived.
    pub channel: Channel,
    /// Where it was filed.
    pub received_agency_id: i64,
    /// Who holds it now.
    pub current_agency_id: i64,
    /// Lifecycle status (SPEC §4).
    pub status: DossierStatus,
    /// For completed dossiers.
    pub outcome: Option<Outcome>,
    /// When it was received (UTC).
    pub received_at: DateTime<Utc>,
    /// Due date (local), extended by supplement pauses.
    pub due_date: NaiveDate,
    /// When it was completed (UTC).
    pub completed_at: Option<DateTime<Utc>>,
    /// Documents handed in.
    pub documents: Vec<DocumentRef>,
    /// Increments on every change; sent as `ETag`.
    pub version: i32,
    /// Open and past its due date as of today (local).
    pub overdue: bool,
}

impl DossierResponse {
    /// Maps a row, judging `overdue` as of `today`.
    pub fn from_row(row: DossierRow, today: NaiveDate) -> Self {
        let status = DossierStatus::parse(&row.status).unwrap_or(DossierStatus::Received);
        Self {
            overdue: status.is_open() && row.due_date < today,
            id: row.id,
            code: row.code,
            procedure_id: row.procedure_id,
            title: row.title,
            applicant: Applicant {
                name: row.applicant_name,
                kind: ApplicantKind::parse(&row.applicant_kind).unwrap_or(ApplicantKind::Member),
                reference: row.applicant_reference,
                contact: row.applicant_contact,
            },
            channel: Channel::parse(&row.channel).unwrap_or(Channel::InPerson),
            received_agency_id: row.received_agency_id,
            current_agency_id: row.current_agency_id,
            status,
            outcome: row.outcome.as_deref().and_then(Outcome::parse),
            received_at: utc(row.received_at),
            due_date: row.due_date,
            completed_at: row.completed_at.map(utc),
            documents: serde_json::from_str(&row.documents).unwrap_or_default(),
            version: row.version,
        }
    }
}

/// The `ETag` of a dossier version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// A dossier answer with its `ETag`.
pub fn dossier_ok(body: &DossierResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(body.version)))
        .json(body)
}

/// Reads `If-Match`: `None` when absent or `*`; the version it names otherwise.
pub fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i32>()
        .map(Some)
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_if_match",
                "If-Match must be an ETag of this API, e.g. \"3\"",
            )
        })
}

/// Registers the dossier operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_dossiers)
        .service(create_dossier)
        .service(get_dossier)
        .service(get_dossier_history)
        .service(start_dossier)
        .service(request_supplement)
        .service(resume_dossier)
        .service(complete_dossier)
        .service(withdraw_dossier)
        .service(transfer_dossier);
}
