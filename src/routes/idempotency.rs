//! `Idempotency-Key` (SPEC §7): a repeat with the same key and body returns
//! the first answer and creates nothing; the same key with another body is a
//! 409 `idempotency_key_reused`. Answers are kept at least 24 hours.

use crate::clock::now;
use crate::db::idempotency::{self, StoredAnswer};
use crate::db::DbConn;
use crate::error::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
use sha2::{Digest, Sha256};

/// How long answers are kept.
pub const RETENTION_HOURS: i64 = 48;

/// A request's key and fingerprint.
#[derive(Clone, Debug)]
pub struct Idempotency {
    key: String,
    fingerprint: String,
    user_id: i64,
}

/// Reads the `Idempotency-Key` header (1–255 visible ASCII characters).
pub fn from_request(
    req: &HttpRequest,
    user_id: i64,
    body: &[u8],
) -> Result<Option<Idempotency>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        })?;
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(req.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    Ok(Some(Idempotency {
        key: key.to_string(),
        fingerprint: hex::encode(hasher.finalize()),
        user_id,
    }))
}

impl Idempotency {
    /// The first answer to this key, if the same request was made before;
    /// 409 if the key was used for another request.
    pub fn replay(&self, conn: &mut DbConn) -> Result<Option<StoredAnswer>, ApiError> {
        idempotency::purge(conn, now() - Duration::hours(RETENTION_HOURS))?;
        match idempotency::find(conn, self.user_id, &self.key)? {
            None => Ok(None),
            Some(stored) if stored.request_hash == self.fingerprint => Ok(Some(stored)),
            Some(_) => Err(ApiError::conflict(
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request",
            )),
        }
    }

    /// Stores the answer to replay.
    pub fn store(
        &self,
        conn: &mut DbConn,
        status: StatusCode,
        location: Option<String>,
        etag: Option<String>,
        body: String,
    ) -> Result<StoredAnswer, ApiError> {
        let answer = StoredAnswer {
            user_id: self.user_id,
            idempotency_key: self.key.clone(),
            request_hash: self.fingerprint.clone(),
            status_code: i32::from(status.as_u16()),
            location,
            etag,
            body,
            created_at: now(),
        };
        idempotency::insert(conn, &answer)?;
        Ok(answer)
    }
}

/// Renders a stored (or fresh) answer.
pub fn respond(answer: &StoredAnswer) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status_code as u16).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    res.content_type("application/json");
    if let Some(location) = &answer.location {
        res.insert_header((header::LOCATION, location.as_str()));
    }
    if let Some(etag) = &answer.etag {
        res.insert_header((header::ETAG, etag.as_str()));
    }
    res.body(answer.body.clone())
}
