//! What every handler shares: the database, token keys, settings.

use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
use crate::config::Settings;
use crate::db::{Database, DbConn};
use crate::error::ApiError;
use actix_web::web;

/// Shared application state, held in `web::Data`.
pub struct AppState {
    /// The connection pool.
    pub db: Database,
    /// Signs and verifies tokens.
    pub tokens: TokenKeys,
    /// Failed-login counters.
    pub throttle: LoginThrottle,
    /// Prometheus registry and gauges.
    pub metrics: Metrics,
    /// The settings the service started with.
    pub settings: Settings,
    /// One permit per pooled connection: database work waits here, on the
    /// async side, instead of parking a blocking thread on the pool.
    pub db_slots: tokio::sync::Semaphore,
}

impl AppState {
    /// Runs read-only database work on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let _slot = self.db_slots.acquire().await.map_err(ApiError::internal)?;
        let db = self.db.clone();
        web::block(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs database work in one write transaction on the blocking pool:
    /// the change, its audit entry and its events commit together.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let _slot = self.db_slots.acquire().await.map_err(ApiError::internal)?;
        let db = self.db.clone();
        web::block(move || db.write(f)).await?
    }
}

/// The Prometheus registry and the gauges updated at scrape time.
pub struct Metrics {
    /// Every metric of the service.
    pub registry: prometheus::Registry,
    /// Connections open in the pool.
    pub pool_connections: prometheus::IntGauge,
    /// Idle connections in the pool.
    pub pool_idle: prometheus::IntGauge,
}

impl Metrics {
    /// A registry with the pool gauges registered.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = prometheus::Registry::new();
        let pool_connections = prometheus::IntGauge::new(
            "lienthong_db_pool_connections",
            "Connections open in the database pool",
        )?;
        let pool_idle = prometheus::IntGauge::new(
            "lienthong_db_pool_idle_connections",
            "Idle connections in the database pool",
        )?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        Ok(Self {
            registry,
            pool_connections,
            pool_idle,
        })
    }
}
