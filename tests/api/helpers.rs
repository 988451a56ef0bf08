//! Spawning the real app on a fresh database, and talking to it over HTTP.

use diesel::{Connection, PgConnection, RunQueryDsl};
use lienthong::config::Settings;
use lienthong::startup::Application;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The HS256 secret every test app signs with, so tests can craft tokens.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret!";
/// The bootstrap admin's password.
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// Which engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs a test body once per engine, each on a fresh database.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Engine::Sqlite)
                        .await
                        .expect("sqlite always runs");
                    let server = app.server.clone();
                    super::$name(app).await;
                    server.stop(false).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(app) =
                        $crate::helpers::spawn_app($crate::helpers::Engine::Postgres).await
                    {
                        let server = app.server.clone();
                        super::$name(app).await;
                        server.stop(false).await;
                    }
                }
            }
        )*
    };
}

enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { server, name } = self {
            if let Ok(mut conn) = PgConnection::establish(server) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
            }
        }
    }
}

/// A running app on its own database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub admin_token: String,
    /// The database URL (a file path for SQLite), for tests that reach under the API.
    pub database_url: String,
    /// Stops the server: its workers, pool and webhook worker go with it.
    pub server: actix_web::dev::ServerHandle,
    _db: TestDb,
}

/// One HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (panics with the text when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Asserts a problem+json answer with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "body: {}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["code"], code, "body: {}", self.text);
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:lienthong:problem:{code}"));
        assert!(body["title"].is_string() && body["detail"].is_string());
        body
    }

    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        self.json()
    }
}

/// The test server's URL asking for a connection without TLS (unless the URL
/// says otherwise): the tests talk to a local server, and a process that
/// exits while pooled TLS connections are still open can crash in
/// OpenSSL's exit handlers.
fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

/// Starts the app on a fresh database of `engine`; `None` (with a notice)
/// when PostgreSQL is requested but `LIENTHONG_TEST_POSTGRES_URL` is unset.
pub async fn spawn_app(engine: Engine) -> Option<TestApp> {
    spawn_app_with(engine, &[]).await
}

/// Like [`spawn_app`], with extra settings (`LIENTHONG_*` variables).
pub async fn spawn_app_with(engine: Engine, extra: &[(&str, &str)]) -> Option<TestApp> {
    let (db, database_url) = match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("test.db").display().to_string();
            (TestDb::Sqlite(dir), path)
        }
        Engine::Postgres => {
            let Ok(server) = std::env::var("LIENTHONG_TEST_POSTGRES_URL") else {
                eprintln!("skipped on PostgreSQL: LIENTHONG_TEST_POSTGRES_URL is unset");
                return None;
            };
            let name = format!("lienthong_test_{}", uuid::Uuid::new_v4().simple());
            let server = without_tls(&server);
            let mut conn = PgConnection::establish(&server).expect("connect to test PostgreSQL");
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .expect("create test database");
            let (address, query) = server.split_once('?').unwrap_or((&server, ""));
            let base = address.rsplit_once('/').map(|(b, _)| b).unwrap_or(address);
            let url = format!("{base}/{name}?{query}");
            (TestDb::Postgres { server, name }, url)
        }
    };
    let url = database_url.clone();
    let settings = Settings::from_lookup(|key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "LIENTHONG_BIND" => Some("127.0.0.1:0".into()),
        "LIENTHONG_JWT_SECRET" => Some(JWT_SECRET.into()),
        "LIENTHONG_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
        "LIENTHONG_WORKERS" => Some("2".into()),
        "LIENTHONG_POOL_SIZE" => Some("6".into()),
        other => extra
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| v.to_string()),
    })
    .expect("test settings");
    let app = Application::build(settings).expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());
    let mut test_app = TestApp {
        address,
        client: reqwest::Client::new(),
        admin_token: String::new(),
        database_url,
        server,
        _db: db,
    };
    test_app.admin_token = test_app.login("admin", ADMIN_PASSWORD).await;
    Some(test_app)
}

impl TestApp {
    /// Sends a request; `token` adds a bearer header, `body` a JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        self.send(req).await
    }

    /// Sends a prepared request.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let res = req.send().await.expect("request sent");
        Answer {
            status: res.status(),
            headers: res.headers().clone(),
            text: res.text().await.expect("body read"),
        }
    }

    /// A request builder for custom headers or bodies.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.address, path))
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let res = self
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": username, "password": password}),
            )
            .await;
        let body = res.expect(200);
        body["access_token"].as_str().expect("token").to_string()
    }

    /// Creates an agency as admin and returns its id.
    pub async fn agency(&self, code: &str, parent: Option<i64>) -> i64 {
        let res = self
            .post(
                "/api/v1/agencies",
                Some(&self.admin_token),
                json!({"code": code, "name": format!("Agency {code}"), "parent_id": parent,
                       "level": if parent.is_some() { "district" } else { "province" }}),
            )
            .await;
        res.expect(201)["id"].as_i64().expect("id")
    }

    /// Runs SQL directly on the test database (to set up what the API
    /// cannot, such as a past date, or to tamper with stored rows).
    pub fn sql(&self, statement: &str) {
        use diesel::connection::SimpleConnection;
        if self.database_url.starts_with("postgres") {
            let mut conn = PgConnection::establish(&self.database_url).expect("connect");
            conn.batch_execute(statement).expect("sql");
        } else {
            let mut conn = diesel::SqliteConnection::establish(&self.database_url).expect("open");
            conn.batch_execute(statement).expect("sql");
        }
    }

    /// Creates and publishes a procedure whose steps run at `steps`
    /// (agency, days), and returns its id.
    pub async fn procedure(&self, code: &str, processing_days: i32, steps: &[(i64, i32)]) -> i64 {
        let agencies: std::collections::BTreeSet<i64> = steps.iter().map(|s| s.0).collect();
        let steps: Vec<Value> = steps
            .iter()
            .enumerate()
            .map(|(i, (agency, days))| json!({"seq": i + 1, "agency_id": agency, "action": format!("Bước {}", i + 1), "days": days}))
            .collect();
        let res = self
            .post(
                "/api/v1/procedures",
                Some(&self.admin_token),
                json!({"code": code, "name": format!("Thủ tục {code}"), "field": "Tổ chức đảng",
                       "lead_agency_id": steps[0]["agency_id"], "interagency": agencies.len() > 1,
                       "electronic_eligible": true, "processing_days": processing_days, "steps": steps,
                       "documents": [{"name": "Đơn", "required": true, "copies": 1}]}),
            )
            .await;
        let id = res.expect(201)["id"].as_i64().unwrap();
        self.post(
            &format!("/api/v1/procedures/{id}/publish"),
            Some(&self.admin_token),
            json!({}),
        )
        .await
        .expect(200);
        id
    }

    /// Creates a user with `role` at `agency` and returns a token for them.
    pub async fn user(&self, username: &str, role: &str, agency: Option<i64>) -> String {
        let password = format!("{username}-password");
        self.post(
            "/api/v1/users",
            Some(&self.admin_token),
            json!({"username": username, "password": password, "role": role, "agency_id": agency}),
        )
        .await
        .expect(201);
        self.login(username, &password).await
    }
}
