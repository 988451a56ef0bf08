//! Health, readiness and metrics, outside the versioned API.

use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use prometheus::{Encoder, TextEncoder};
use serde::Serialize;
use utoipa::ToSchema;

/// A health answer.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok`, or `unavailable` when the database cannot be reached.
    pub status: &'static str,
}

/// Liveness
///
/// The process is up. Public.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)), security(()))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness
///
/// The database answers a query. Public. 503 when it does not.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable", body = Health, example = json!({"status": "unavailable"})),
    ),
    security(())
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db = state.db.clone();
    let up = web::block(move || db.ping()).await.unwrap_or(false);
    if up {
        HttpResponse::Ok().json(Health { status: "ok" })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable",
        })
    }
}

/// Metrics
///
/// Prometheus text format: request counts and latency histograms by route pattern,
/// method and status, and the database pool's state. Public.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Metrics", content_type = "text/plain; version=0.0.4", body = String,
        example = "lienthong_http_requests_total{endpoint=\"/api/v1/agencies\",method=\"GET\",status=\"200\"} 12\n")),
    security(())
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let (open, idle) = state.db.pool_state();
    state.metrics.pool_connections.set(open as i64);
    state.metrics.pool_idle.set(idle as i64);
    let mut buf = Vec::new();
    let encoder = TextEncoder::new();
    if encoder
        .encode(&state.metrics.registry.gather(), &mut buf)
        .is_err()
    {
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(buf)
}

/// Registers the operations endpoints.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}
