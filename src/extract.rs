//! Request extractors whose failures are problem+json like every other error.

use crate::error::{ApiError, FieldError};
use actix_web::dev::Payload;
use actix_web::error::{PathError, PayloadError, QueryPayloadError};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

/// Largest request body accepted, in bytes (SPEC §7).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON request body. Unlike `actix_web::web::Json`, a field of the wrong
/// type or a missing field is a 422 naming that field; broken JSON is a 400.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json_request(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json".into(),
                ));
            }
            let bytes = body.await.map_err(payload_error)?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// A JSON body together with its raw bytes (for idempotency fingerprints).
pub struct JsonWithRaw<T> {
    /// The parsed body.
    pub value: T,
    /// The bytes as received.
    pub raw: web::Bytes,
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonWithRaw<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json_request(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json".into(),
                ));
            }
            let raw = body.await.map_err(payload_error)?;
            let value = parse_json(&raw)?;
            Ok(JsonWithRaw { value, raw })
        })
    }
}

/// The raw request body, up to [`BODY_LIMIT`]; failures are problem+json.
pub struct RawBody(pub web::Bytes);

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move { body.await.map(RawBody).map_err(payload_error) })
    }
}

/// Whether the request declares a JSON body (`application/json` or `+json`).
pub fn is_json_request(req: &HttpRequest) -> bool {
    let ct = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Maps a failure to read the body.
pub fn payload_error(err: actix_web::Error) -> ApiError {
    match err.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => {
            ApiError::PayloadTooLarge(format!("the body is larger than {BODY_LIMIT} bytes"))
        }
        _ => ApiError::bad_request("malformed_body", "the body could not be read"),
    }
}

/// Parses a JSON document, reporting the path of a field that does not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            return Err(json_error(&path, &inner));
        }
    };
    de.end().map_err(|e| json_error(".", &e))?;
    Ok(value)
}

fn json_error(path: &str, err: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let message = err.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    match err.classify() {
        Category::Data => {
            let mut field = if path == "." {
                String::new()
            } else {
                path.to_string()
            };
            if let Some(name) = message
                .strip_prefix("missing field `")
                .and_then(|r| r.strip_suffix('`'))
            {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(name);
            }
            if field.is_empty() {
                field = "body".into();
            }
            ApiError::Validation(vec![FieldError::new(field, message)])
        }
        _ => ApiError::bad_request(
            "malformed_json",
            format!(
                "the body is not valid JSON: {message} (line {}, column {})",
                err.line(),
                err.column()
            ),
        ),
    }
}

/// Renders a query string that does not fit its parameters.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &err {
        QueryPayloadError::Deserialize(e) => format!("invalid query: {e}"),
        _ => "invalid query string".to_string(),
    };
    ApiError::bad_request("invalid_query", detail).into()
}

/// Renders a path segment that does not fit (e.g. a non-numeric id).
pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &err {
        PathError::Deserialize(e) => format!("invalid path parameter: {e}"),
        _ => "invalid path".to_string(),
    };
    ApiError::bad_request("invalid_path", detail).into()
}

/// Renders an `actix_web::web::Json` failure (used where actix's own
/// extractor is configured) the same way as [`Json`].
pub fn json_config_error(
    err: actix_web::error::JsonPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => {
            ApiError::PayloadTooLarge(format!("the body is larger than {BODY_LIMIT} bytes")).into()
        }
        E::ContentType => {
            ApiError::UnsupportedMediaType("send the body as application/json".into()).into()
        }
        E::Deserialize(e) => json_error(".", &e).into(),
        _ => ApiError::bad_request("malformed_body", "the body could not be read").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Step {
        seq: u32,
        days: u32,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        code: String,
        steps: Vec<Step>,
    }

    fn fields(err: ApiError) -> Vec<String> {
        match err {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_types_name_their_path() {
        let err = parse_json::<Body>(
            br#"{"code":"X","steps":[{"seq":1,"days":1},{"seq":2,"days":"x"}]}"#,
        )
        .unwrap_err();
        assert_eq!(fields(err), ["steps[1].days"]);
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            fields(parse_json::<Body>(br#"{"steps":[]}"#).unwrap_err()),
            ["code"]
        );
        let err = parse_json::<Body>(br#"{"code":"X","steps":[{"seq":1}]}"#).unwrap_err();
        assert_eq!(fields(err), ["steps[0].days"]);
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        for body in [
            &b"{"[..],
            b"",
            b"{\"code\":}",
            b"{\"code\":\"X\",\"steps\":[]} trailing",
        ] {
            let err = parse_json::<Body>(body).unwrap_err();
            assert_eq!(err.code(), "malformed_json", "{body:?}");
        }
    }
}
