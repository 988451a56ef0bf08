//! Storage: one diesel code path over SQLite and PostgreSQL.
//!
//! [`DbConn`] is a diesel `MultiConnection`: queries are written once against
//! it and run on whichever engine the URL chose.

pub mod agencies;
pub mod dossiers;
pub mod holidays;
pub mod idempotency;
pub mod procedures;
pub mod schema;
pub mod stats;
pub mod targets;
pub mod transfers;
pub mod users;
pub mod webhooks;

use crate::config::DatabaseTarget;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::{Arc, Mutex};

/// A connection to either engine.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL.
    Postgres(PgConnection),
    /// Embedded SQLite.
    Sqlite(SqliteConnection),
}

/// Which engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A pooled connection.
pub type PooledConn = PooledConnection<ConnectionManager<DbConn>>;

/// The connection pool, plus what one engine needs to serialise writers.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager<DbConn>>,
    engine: Engine,
    /// SQLite allows one writer at a time; taking this lock before a write
    /// transaction queues writers in the process instead of failing with
    /// `SQLITE_BUSY` when two deferred transactions both try to upgrade.
    sqlite_writer: Arc<Mutex<()>>,
}

/// Failure to open or migrate the database.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database file's folder could not be created.
    #[error("cannot create {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The pool could not open a connection.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::r2d2::PoolError),
    /// The SQLite file could not be opened.
    #[error("cannot open the database: {0}")]
    Open(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(_) = conn {
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

impl Database {
    /// Opens a pool on `target`, creating the SQLite file's folder if needed.
    pub fn open(target: &DatabaseTarget, pool_size: u32) -> Result<Self, StorageError> {
        let (url, engine) = match target {
            DatabaseTarget::Postgres(url) => (url.clone(), Engine::Postgres),
            DatabaseTarget::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| StorageError::Folder {
                        path: dir.display().to_string(),
                        source,
                    })?;
                }
                let url = path.display().to_string();
                // WAL is a property of the file: set it once, before the pool
                // opens its connections, so they do not race for the lock.
                use diesel::Connection;
                SqliteConnection::establish(&url)
                    .map_err(|e| StorageError::Open(format!("{url}: {e}")))?
                    .batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")?;
                (url, Engine::Sqlite)
            }
        };
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(std::time::Duration::from_secs(10))
            // A broken connection is noticed when it is returned; pinging on
            // every checkout would add a round trip to every request.
            .test_on_check_out(false)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(ConnectionManager::<DbConn>::new(url))?;
        Ok(Self {
            pool,
            engine,
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    /// The engine behind this pool.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Borrows a connection (blocking: call it off the async workers).
    pub fn conn(&self) -> Result<PooledConn, diesel::r2d2::PoolError> {
        self.pool.get()
    }

    /// Pool figures for `/metrics`: (connections open, idle).
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    /// Runs `f` in one write transaction (blocking): everything it writes
    /// commits together or not at all.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<diesel::r2d2::PoolError>,
    {
        // Queue for the writer lock before taking a connection, so waiting
        // writers never hold connections that readers need.
        let _guard = match self.engine {
            Engine::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Engine::Postgres => None,
        };
        let mut conn = self.conn()?;
        use diesel::Connection;
        let engine = self.engine;
        DbConn::transaction(&mut conn, |conn| {
            if engine == Engine::Postgres {
                // Every writer takes the chain head first: the audit chain
                // stays linear, feed ids commit in order, and no two writers
                // can deadlock on it.
                diesel::sql_query("SELECT id FROM chain_head WHERE id = 1 FOR UPDATE")
                    .execute(conn)?;
            }
            f(conn)
        })
    }

    /// Applies pending migrations of this engine's set.
    pub fn migrate(&self) -> Result<(), StorageError> {
        let mut conn = self.conn()?;
        let result = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| StorageError::Migrate(e.to_string()))
    }

    /// Whether the database answers a trivial query.
    pub fn ping(&self) -> bool {
        self.conn()
            .map(|mut c| c.batch_execute("SELECT 1").is_ok())
            .unwrap_or(false)
    }
}
