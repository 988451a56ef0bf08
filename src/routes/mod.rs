//! HTTP only: extract, authorise, call, respond.

pub mod agencies;
pub mod audit;
pub mod auth;
pub mod catalog_stats;
pub mod dossiers;
pub mod events;
pub mod holidays;
pub mod idempotency;
pub mod operations;
pub mod procedures;
pub mod public;
pub mod stats_compliance;
pub mod targets;
pub mod transfers;
pub mod users;
pub mod webhooks;

use crate::error::{ApiError, FieldError};
use actix_web::http::header;
use actix_web::HttpResponse;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Registers every operation: the API under `/api/v1`, operations outside it.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .configure(auth::configure)
            .configure(users::configure)
            .configure(agencies::configure)
            .configure(procedures::configure)
            .configure(holidays::configure)
            .configure(targets::configure)
            .configure(catalog_stats::configure)
            .configure(stats_compliance::configure)
            .configure(dossiers::configure)
            .configure(transfers::configure)
            .configure(public::configure)
            .configure(events::configure)
            .configure(audit::configure)
            .configure(webhooks::configure),
    )
    .configure(operations::configure);
}

/// A `201 Created` with `Location` and the resource.
pub fn created<T: Serialize>(location: &str, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Keeps a field's value, or records its error for one 422 naming every field.
pub fn collect<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Answers 404 problem+json for any route that does not exist.
pub async fn unknown_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("no such endpoint".into()))
}
