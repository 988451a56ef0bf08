//! `POST /dossiers`: filing.

use super::{etag, DossierResponse};
use crate::audit::Actor;
use crate::auth::{Principal, Role};
use crate::clock::now;
use crate::db::idempotency::StoredAnswer;
use crate::domain::dossier::Channel;
use crate::domain::text;
use crate::error::{ApiError, FieldError};
use crate::extract::JsonWithRaw;
use crate::routes::collect;
use crate::routes::idempotency::{self, respond};
use crate::state::AppState;
use crate::workflow::filing::{self, Applicant, DocumentRef, Filing};
use crate::workflow::local_date;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "procedure_id": 3, "title": "Hồ sơ kết nạp đảng viên Nguyễn Thị Hoa",
    "applicant": {"name": "Nguyễn Thị Hoa", "kind": "member", "reference": "ĐV-0123456", "contact": "0274 3822 111"},
    "channel": "in_person",
    "documents": [{"name": "Đơn xin vào Đảng", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "pages": 2}]
}))]
pub struct CreateDossierRequest {
    /// A published procedure.
    pub procedure_id: i64,
    /// Short description (1–500 characters).
    pub title: String,
    /// Who applies.
    pub applicant: Applicant,
    /// How it arrived.
    pub channel: Channel,
    /// Documents handed in (default none).
    #[serde(default)]
    pub documents: Vec<DocumentRef>,
    /// Integration and admin only: an earlier reception time (back-filing); never in the future.
    pub received_at: Option<DateTime<Utc>>,
    /// Admin only: the receiving agency (others file at their own agency).
    pub received_agency_id: Option<i64>,
}

/// A filed dossier, with its lookup key.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDossier {
    /// The dossier.
    #[serde(flatten)]
    pub dossier: DossierResponse,
    /// The applicant's secret for `GET /public/dossiers/{code}?key=…`; shown this once, stored only hashed.
    #[schema(example = "q3ZkR2xW9vTn0bYcPa1m")]
    pub lookup_key: String,
}

fn validate(req: &CreateDossierRequest) -> Result<(String, Applicant, Vec<DocumentRef>), ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let title = collect(&mut errors, text::required_text("title", &req.title, 500));
    let name = collect(
        &mut errors,
        text::required_text("applicant.name", &req.applicant.name, 255),
    );
    let reference = collect(
        &mut errors,
        text::optional_text(
            "applicant.reference",
            req.applicant.reference.as_deref(),
            100,
        ),
    );
    let contact = collect(
        &mut errors,
        text::optional_text("applicant.contact", req.applicant.contact.as_deref(), 255),
    );
    let mut documents = Vec::new();
    for (i, d) in req.documents.iter().enumerate() {
        let name = collect(
            &mut errors,
            text::required_text(&format!("documents[{i}].name"), &d.name, 255),
        );
        let sha = d.sha256.trim().to_ascii_lowercase();
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            errors.push(FieldError::new(
                format!("documents[{i}].sha256"),
                "must be 64 hex digits",
            ));
        }
        if d.pages == 0 {
            errors.push(FieldError::new(
                format!("documents[{i}].pages"),
                "must be at least 1",
            ));
        }
        if let Some(name) = name {
            documents.push(DocumentRef {
                name,
                sha256: sha,
                pages: d.pages,
            });
        }
    }
    if req.documents.len() > 100 {
        errors.push(FieldError::new("documents", "at most 100 documents"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let applicant = Applicant {
        name: name.unwrap_or_default(),
        kind: req.applicant.kind,
        reference: reference.flatten(),
        contact: contact.flatten(),
    };
    Ok((title.unwrap_or_default(), applicant, documents))
}

/// File a dossier
///
/// Roles: officer, leader, integration (at their own agency) and admin (names the agency in
/// `received_agency_id`). The procedure must be published (draft, retired or unknown → 422).
/// Answers 201 with `Location`, `ETag`, the dossier (`status: received`, `due_date` from the
/// procedure's working days) and a `lookup_key` shown only this once. Integration and admin
/// callers may back-file with an earlier `received_at` (a future one → 422; other roles → 403).
/// Honours `Idempotency-Key`: the same key and body replays the first answer; the same key
/// with another body → 409 `idempotency_key_reused`.
#[utoipa::path(
    tag = "dossiers",
    request_body = CreateDossierRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: 1–255 visible ASCII characters, kept 48 hours")),
    responses(
        (status = 201, description = "Filed", body = CreatedDossier,
            headers(("Location" = String, description = "URL of the dossier"), ("ETag" = String, description = "Version, e.g. \"1\""))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/dossiers")]
pub async fn create_dossier(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    body: JsonWithRaw<CreateDossierRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Officer, Role::Leader, Role::Integration, Role::Admin])?;
    let input = body.value;
    let (title, applicant, documents) = validate(&input)?;
    let agency_id = match (caller.role, input.received_agency_id, caller.agency_id) {
        (Role::Admin, Some(a), _) => a,
        (Role::Admin, None, _) => {
            return Err(ApiError::invalid(
                "received_agency_id",
                "required for an admin",
            ))
        }
        (_, Some(a), Some(own)) if a != own => {
            return Err(ApiError::Forbidden(
                "you may only file at your own agency".into(),
            ))
        }
        (_, _, Some(own)) => own,
        (_, _, None) => return Err(ApiError::Forbidden("your user has no agency".into())),
    };
    let at = now();
    let received_at = match input.received_at {
        None => at,
        Some(_) if !matches!(caller.role, Role::Integration | Role::Admin) => {
            return Err(ApiError::Forbidden(
                "only integration and admin callers may set received_at".into(),
            ))
        }
        Some(t) if t.naive_utc() > at => {
            return Err(ApiError::invalid(
                "received_at",
                "must not be in the future",
            ))
        }
        Some(t) => t.naive_utc(),
    };
    let key = idempotency::from_request(&req, caller.user_id, &body.raw)?;
    let tz = state.settings.tz;
    let actor = Actor::from(&caller);
    let user_id = caller.user_id;
    let answer = state
        .write(move |conn| -> Result<StoredAnswer, ApiError> {
            if let Some(stored) = key.as_ref().map(|k| k.replay(conn)).transpose()?.flatten() {
                return Ok(stored);
            }
            let filing = Filing {
                procedure_id: input.procedure_id,
                title,
                applicant,
                channel: input.channel,
                documents,
                received_at,
                agency_id,
            };
            let filed = filing::file(conn, &actor, user_id, tz, filing)?;
            let today = local_date(now(), tz);
            let body = CreatedDossier {
                dossier: DossierResponse::from_row(filed.row, today),
                lookup_key: filed.lookup_key,
            };
            let location = format!("/api/v1/dossiers/{}", body.dossier.id);
            let tag = etag(body.dossier.version);
            let json = serde_json::to_string(&body).map_err(ApiError::internal)?;
            match &key {
                Some(k) => k.store(conn, StatusCode::CREATED, Some(location), Some(tag), json),
                None => Ok(StoredAnswer {
                    user_id,
                    idempotency_key: String::new(),
                    request_hash: String::new(),
                    status_code: 201,
                    location: Some(location),
                    etag: Some(tag),
                    body: json,
                    created_at: now(),
                }),
            }
        })
        .await?;
    Ok(respond(&answer))
}
