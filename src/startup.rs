//! Building and running the HTTP application.

use crate::auth::password::password_problem;
use crate::auth::throttle::LoginThrottle;
use crate::auth::token::{KeyError, TokenKeys};
use crate::auth::Role;
use crate::config::Settings;
use crate::db::{users, Database, StorageError};
use crate::error::ApiError;
use crate::extract::{json_config_error, path_error, query_error, BODY_LIMIT};
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::{AppState, Metrics};
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Logger, Next};
use actix_web::{web, App, HttpMessage, HttpServer};
use actix_web_prom::PrometheusMetricsBuilder;
use std::net::TcpListener;
use std::time::Duration;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The token keys could not be loaded.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The listen address could not be bound.
    #[error("cannot listen on LIENTHONG_BIND: {0}")]
    Bind(#[from] std::io::Error),
    /// The bootstrap admin could not be created.
    #[error("invalid LIENTHONG_ADMIN_PASSWORD: {0}")]
    Bootstrap(String),
    /// Metrics could not be set up.
    #[error("metrics: {0}")]
    Metrics(String),
}

/// A bound, ready-to-run server.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
}

/// The request id of the current request, for logs.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The routes with their OpenAPI description, without state or middleware:
/// what the spec is generated from.
pub fn api_app() -> utoipa_actix_web::UtoipaApp<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
}

impl Application {
    /// Opens and migrates the database, creates the bootstrap admin when
    /// configured, and binds the listener (port 0 picks a free port).
    pub fn build(settings: Settings) -> Result<Self, StartError> {
        let db = Database::open(&settings.database, settings.pool_size)?;
        db.migrate()?;
        bootstrap_admin(&db, settings.admin_password.as_deref())?;
        let tokens = TokenKeys::from_settings(&settings)?;
        let metrics = Metrics::new().map_err(|e| StartError::Metrics(e.to_string()))?;
        let prometheus = PrometheusMetricsBuilder::new("lienthong")
            .registry(metrics.registry.clone())
            .exclude("/metrics")
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .map_err(|e| StartError::Metrics(e.to_string()))?;
        let listener = TcpListener::bind(settings.bind)?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let state = web::Data::new(AppState {
            db,
            tokens,
            throttle: LoginThrottle::new(5, 20, Duration::from_secs(300)),
            metrics,
            db_slots: tokio::sync::Semaphore::new(settings.pool_size as usize),
            settings,
        });
        crate::webhooks::spawn_worker(&state);
        let spec = crate::openapi::spec();
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(request_id))
                .wrap(Logger::new(r#"%a "%r" %s %b %Dms req=%{x-request-id}o"#))
                .wrap(prometheus.clone())
                .app_data(app_state.clone())
                .app_data(web::PayloadConfig::new(BODY_LIMIT))
                .app_data(
                    web::JsonConfig::default()
                        .limit(BODY_LIMIT)
                        .error_handler(json_config_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(routes::configure)
                .into_app()
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}")
                        .url("/api-docs/openapi.json", spec.clone())
                        // No request to any other host: not even the online validator badge.
                        .config(
                            Config::default()
                                .validator_url("none")
                                .persist_authorization(true),
                        ),
                )
                .default_service(web::to(routes::unknown_route))
        })
        .listen(listener)?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Self {
            server: server.run(),
            port,
            state,
        })
    }

    /// A handle that stops the server (tests stop theirs when done).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (for tests and tools that need the database).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn bootstrap_admin(db: &Database, password: Option<&str>) -> Result<(), StartError> {
    let Some(password) = password else {
        return Ok(());
    };
    if let Some(problem) = password_problem(password) {
        return Err(StartError::Bootstrap(problem));
    }
    let created = db
        .write(|conn| {
            if users::count(conn)? > 0 {
                return Ok(false);
            }
            let system = crate::audit::Actor {
                username: Some("system".into()),
                ..Default::default()
            };
            routes::users::insert_user(
                conn,
                &system,
                "admin".into(),
                password,
                Role::Admin,
                None,
                true,
            )?;
            Ok::<_, ApiError>(true)
        })
        .map_err(|e| StartError::Bootstrap(e.to_string()))?;
    if created {
        log::info!("created the bootstrap user `admin` (LIENTHONG_ADMIN_PASSWORD)");
    }
    Ok(())
}

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Takes `X-Request-Id` from the request (if sane) or makes one, echoes it,
/// and logs the cause of any 500 with it.
async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.call(req).await?;
    if res.status().is_server_error() {
        if let Some(err) = res.response().error() {
            log::error!("request {id} failed: {err}");
        }
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(X_REQUEST_ID, value);
    }
    Ok(res)
}
