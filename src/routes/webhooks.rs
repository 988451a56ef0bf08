//! `/webhooks`: the change feed pushed to subscribers (SPEC §8).

mod types;

pub use types::{CreateWebhookRequest, CreatedWebhookResponse, DeliveryResponse, WebhookResponse};

use crate::audit::{self, Actor};
use crate::auth::{Principal, Role};
use crate::clock::now;
use crate::db::webhooks::{self as store, NewWebhook, WebhookRow};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::extract::Json;
use crate::pagination::{Page, PageParams};
use crate::routes::{collect, created};
use crate::state::AppState;
use crate::webhooks::subscription;
use actix_web::{delete, get, post, web, HttpResponse};
use serde_json::json;

/// Who may manage webhooks.
const ROLES: [Role; 2] = [Role::Admin, Role::Integration];

/// Subscribe to the change feed
///
/// Roles: admin, integration. The worker POSTs each matching event the creator may see
/// (their visibility at delivery time: an integration user's agency, everything for an
/// admin) to `url`, one event per request, in feed order, at least once. Deliveries pause
/// while the creator is inactive.
///
/// **Body**: one event, exactly as an item of `GET /api/v1/events` (`id`, `type`,
/// `entity_type`, `entity_id`, `at`, `payload`). Receivers should ignore an `id` they
/// have already processed: after a lost answer an event can come twice.
///
/// **Headers**: `Content-Type: application/json`; `X-Lienthong-Event`: the event type;
/// `X-Lienthong-Delivery`: an id of this attempt (a UUID, also in the delivery log);
/// `X-Lienthong-Signature: sha256=<hex>`, the lower-case hex HMAC-SHA256 of the exact
/// body bytes keyed with the secret's UTF-8 bytes. Compute it over the raw body before
/// parsing it, and compare in constant time.
///
/// **Retries**: any 2xx answer within 5 seconds moves on to the next event. Anything else
/// (another status, a redirect, a timeout, a refused connection) is logged and the same
/// event is retried after 1 s, 2 s, 4 s, … up to 5 minutes between attempts; later events
/// wait, so order is kept. The position is stored, so delivery resumes where it stopped
/// after a restart.
///
/// **Start**: events written after this request, or those after `after` when given.
///
/// Errors: 422 naming each invalid field (`url`, `event_types[i]`, `secret`, `after`);
/// 403 for other roles.
#[utoipa::path(
    tag = "feed",
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Created; the only answer that shows the secret", body = CreatedWebhookResponse,
            headers(("Location" = String, description = "URL of the new subscription"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 415, description = "Body not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Principal,
    body: Json<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&ROLES)?;
    let actor = Actor::from(&caller);
    let req = body.0;
    let mut errors = Vec::new();
    let url = collect(&mut errors, subscription::url(&req.url));
    let types = match subscription::event_types(req.event_types.as_deref().unwrap_or_default()) {
        Ok(types) => Some(types),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let secret = collect(&mut errors, subscription::secret(req.secret.as_deref()));
    if req.after.is_some_and(|a| a < 0) {
        errors.push(crate::error::FieldError::new(
            "after",
            "must not be negative",
        ));
    }
    let (Some(url), Some(types), Some(secret), true) = (url, types, secret, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let owner = caller.user_id;
    let row = state
        .write(move |conn| {
            let head = store::last_event_id(conn)?;
            let start = match req.after {
                Some(after) if after > head => {
                    return Err(ApiError::invalid(
                        "after",
                        format!("must be at most the last event id ({head})"),
                    ))
                }
                Some(after) => after,
                None => head,
            };
            let row = store::insert(
                conn,
                &NewWebhook {
                    owner_id: owner,
                    url,
                    event_types: json!(types).to_string(),
                    secret,
                    created_at: now(),
                    last_event_id: start,
                },
            )?;
            audit::record(
                conn,
                &actor,
                "webhook.created",
                "webhook",
                Some(row.id),
                json!({"after": {"url": &row.url, "event_types": row.types(), "owner_id": owner,
                                 "last_event_id": start}}),
            )?;
            Ok(row)
        })
        .await?;
    let secret = row.secret.clone();
    let body = CreatedWebhookResponse {
        webhook: row.into(),
        secret,
    };
    Ok(created(
        &format!("/api/v1/webhooks/{}", body.webhook.id),
        &body,
    ))
}

/// List webhook subscriptions
///
/// Roles: admin (every subscription), integration (its own). In id order,
/// cursor-paginated. Secrets are never shown.
#[utoipa::path(
    tag = "feed",
    params(PageParams),
    responses(
        (status = 200, description = "A page of subscriptions", body = Page<WebhookResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Principal,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<WebhookResponse>>, ApiError> {
    caller.require(&ROLES)?;
    let limit = page.limit()?;
    let after = page.after_id()?;
    let owner = (!caller.is_admin()).then_some(caller.user_id);
    let rows = state
        .read(move |conn| Ok(store::list(conn, owner, after, limit)?))
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        WebhookResponse::from,
    )))
}

/// The subscription, if the caller may manage it (an admin any, an
/// integration user its own); anything else is the same 404.
fn owned(conn: &mut DbConn, caller: &Principal, id: i64) -> Result<WebhookRow, ApiError> {
    match store::find(conn, id)? {
        Some(row) if caller.is_admin() || row.owner_id == caller.user_id => Ok(row),
        _ => Err(ApiError::not_found("webhook")),
    }
}

/// Get a webhook subscription
///
/// Roles: admin, integration (its own; another's → 404). Shows the delivery position and
/// health, never the secret.
#[utoipa::path(
    tag = "feed",
    params(("id" = i64, Path, description = "Subscription id", example = 4)),
    responses(
        (status = 200, description = "The subscription", body = WebhookResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<web::Json<WebhookResponse>, ApiError> {
    caller.require(&ROLES)?;
    let id = id.into_inner();
    let row = state.read(move |conn| owned(conn, &caller, id)).await?;
    Ok(web::Json(row.into()))
}

/// Delete a webhook subscription
///
/// Roles: admin, integration (its own; another's → 404). Deliveries stop (an attempt
/// already in flight may still arrive) and the delivery log goes with it.
#[utoipa::path(
    tag = "feed",
    params(("id" = i64, Path, description = "Subscription id", example = 4)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&ROLES)?;
    let id = id.into_inner();
    let actor = Actor::from(&caller);
    state
        .write(move |conn| {
            let row = owned(conn, &caller, id)?;
            store::delete(conn, id)?;
            audit::record(
                conn,
                &actor,
                "webhook.deleted",
                "webhook",
                Some(id),
                json!({"before": {"url": row.url, "event_types": row.types(), "owner_id": row.owner_id,
                                  "last_event_id": row.last_event_id}}),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a webhook's delivery attempts
///
/// Roles: admin, integration (its own; another's → 404). Every attempt, newest first,
/// cursor-paginated: the event, the attempt number, the receiver's status or the error,
/// the duration, and after a failure when the event is tried again.
#[utoipa::path(
    tag = "feed",
    params(("id" = i64, Path, description = "Subscription id", example = 4), PageParams),
    responses(
        (status = 200, description = "A page of attempts", body = Page<DeliveryResponse>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    caller: Principal,
    id: web::Path<i64>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<DeliveryResponse>>, ApiError> {
    caller.require(&ROLES)?;
    let id = id.into_inner();
    let limit = page.limit()?;
    let before = page.after_id()?;
    let rows = state
        .read(move |conn| {
            owned(conn, &caller, id)?;
            Ok(store::deliveries(conn, id, before, limit)?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| vec![r.id.to_string()],
        DeliveryResponse::from,
    )))
}

/// Registers the webhook operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(get_webhook)
        .service(delete_webhook)
        .service(list_webhook_deliveries);
}
