//! One error type for the whole API, rendered as `application/problem+json`
//! (RFC 9457) with a machine-readable `code`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Where the problem is: a JSON path (`steps[1].days`) or a parameter name.
    #[schema(example = "code")]
    pub field: String,
    /// What is wrong, for a human.
    #[schema(example = "must be 2 to 32 upper-case letters, digits or dashes")]
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document: every error this API answers has this shape.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:lienthong:problem:validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "The request has 1 invalid field.",
    "code": "validation_failed",
    "errors": [{"field": "code", "message": "must be 2 to 32 upper-case letters, digits or dashes"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:lienthong:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP status phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence, for a human.
    pub detail: String,
    /// Stable machine-readable code, e.g. `not_found`, `invalid_transition`.
    pub code: String,
    /// For validation failures: each invalid field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, query, path or cursor).
    #[error("{detail}")]
    BadRequest {
        /// Machine-readable code.
        code: &'static str,
        /// Human-readable detail.
        detail: String,
    },
    /// 401: no usable credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 401: wrong username or password (the same for both).
    #[error("invalid username or password")]
    InvalidCredentials,
    /// 403: the caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such resource, or not visible to the caller.
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with the current state.
    #[error("{detail}")]
    Conflict {
        /// Machine-readable code.
        code: &'static str,
        /// Human-readable detail.
        detail: String,
    },
    /// 412: `If-Match` names a version that is no longer current.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 413: body over the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: body not in a supported media type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the request is well-formed but some fields are invalid.
    #[error("{} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// 429: too many attempts; retry after this many seconds.
    #[error("too many attempts")]
    TooManyRequests(u64),
    /// 503: the database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// 400 with a code.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    /// 409 with a code.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// 422 for one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// 404 for a resource kind.
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    /// 500 that keeps its cause for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } | Self::Conflict { code, .. } => code,
            Self::Unauthorized(_) => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::PreconditionFailed(_) => "precondition_failed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The problem document sent to the client.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            Self::Validation(errors) => format!(
                "The request has {} invalid field{}.",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            Self::TooManyRequests(secs) => {
                format!("Too many failed attempts; retry in {secs} seconds.")
            }
            Self::Unavailable(_) => "The database is unreachable; retry shortly.".to_string(),
            Self::Internal(_) => {
                "An unexpected error occurred. Quote the X-Request-Id header when reporting it."
                    .to_string()
            }
            other => other.to_string(),
        };
        Problem {
            problem_type: format!("urn:lienthong:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: self.code().to_string(),
            errors: match self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }
}

impl ApiError {
    /// One line for an operator: the detail, and each invalid field.
    pub fn describe(&self) -> String {
        let problem = self.problem();
        match problem.errors {
            Some(errors) if !errors.is_empty() => {
                let fields: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                format!("{} ({})", problem.detail, fields.join("; "))
            }
            _ => problem.detail,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.content_type("application/problem+json");
        match self {
            Self::Unauthorized(_) => {
                res.insert_header((
                    header::WWW_AUTHENTICATE,
                    r#"Bearer realm="lienthong", error="invalid_token""#,
                ));
            }
            Self::InvalidCredentials => {
                res.insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="lienthong""#));
            }
            Self::TooManyRequests(secs) => {
                res.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DieselError> for ApiError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => ApiError::NotFound("resource not found".into()),
            DieselError::DatabaseError(kind, info) => {
                let column = constrained_column(info.message(), info.details());
                match kind {
                    DatabaseErrorKind::UniqueViolation => ApiError::conflict(
                        "duplicate",
                        match column {
                            Some(c) => format!("`{c}` is already taken"),
                            None => "a resource with the same unique value already exists".into(),
                        },
                    ),
                    DatabaseErrorKind::ForeignKeyViolation => ApiError::invalid(
                        column.unwrap_or_else(|| "reference".into()),
                        "refers to a resource that does not exist",
                    ),
                    DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => {
                        ApiError::invalid(
                            column.unwrap_or_else(|| "body".into()),
                            "violates a rule of the data model",
                        )
                    }
                    DatabaseErrorKind::SerializationFailure => ApiError::conflict(
                        "concurrent_modification",
                        "another request changed this resource at the same time; retry",
                    ),
                    _ => ApiError::internal(format!("{kind:?}: {}", info.message())),
                }
            }
            other => ApiError::internal(other),
        }
    }
}

/// Reads the column a constraint failed on from SQLite's message
/// (`UNIQUE constraint failed: agencies.code`) or PostgreSQL's detail
/// (`Key (code)=(X) already exists.`).
fn constrained_column(message: &str, details: Option<&str>) -> Option<String> {
    if let Some(rest) = message.split("constraint failed: ").nth(1) {
        let first = rest.split(',').next()?.trim();
        return Some(first.rsplit('.').next()?.to_string());
    }
    let details = details?;
    let start = details.find("Key (")? + 5;
    let end = details[start..].find(')')? + start;
    Some(details[start..end].to_string())
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        ApiError::Unavailable(err.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::internal(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_columns_are_read_from_both_engines() {
        assert_eq!(
            constrained_column("UNIQUE constraint failed: agencies.code", None).as_deref(),
            Some("code")
        );
        assert_eq!(
            constrained_column(
                "duplicate key value violates unique constraint \"agencies_code_key\"",
                Some("Key (code)=(BTC-TU) already exists.")
            )
            .as_deref(),
            Some("code")
        );
        assert_eq!(constrained_column("something else", None), None);
    }

    #[test]
    fn operators_read_every_invalid_field() {
        let err = ApiError::invalid("agency_id", "required for the role officer");
        assert_eq!(
            err.describe(),
            "The request has 1 invalid field. (agency_id: required for the role officer)"
        );
        assert_eq!(ApiError::not_found("agency").describe(), "agency not found");
    }

    #[test]
    fn internal_errors_never_carry_their_cause() {
        let problem = ApiError::internal("SELECT * FROM secrets failed at /src/x.rs").problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("SELECT"));
        assert!(!problem.detail.contains("/src"));
    }

    #[test]
    fn validation_problems_list_their_fields() {
        let problem = ApiError::Validation(vec![
            FieldError::new("code", "required"),
            FieldError::new("name", "required"),
        ])
        .problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors.map(|e| e.len()), Some(2));
    }
}
