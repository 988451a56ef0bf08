//! `lienthong bench`: loads synthetic dossiers into a fresh database of each
//! engine, starts the release server on it, and measures it from outside over
//! HTTP: requests per second and latency percentiles under concurrent
//! clients, the compliance query per grouping, and the server's peak
//! anonymous memory. A benchmark prints figures; it asserts nothing.

use crate::config::Settings;
use crate::db::Database;
use crate::seed::synthetic::{generate, SyntheticOptions};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reqwest::Client;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to run the benchmark.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub dossiers: u64,
    pub sqlite: bool,
    /// A PostgreSQL server to create the benchmark database on.
    pub postgres: Option<String>,
    pub clients: usize,
    pub seconds: u64,
    pub data_dir: std::path::PathBuf,
}

struct Sampled {
    name: String,
    requests: usize,
    errors: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summarise(name: &str, mut latencies: Vec<f64>, errors: usize, seconds: f64) -> Sampled {
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Sampled {
        name: name.into(),
        requests: latencies.len(),
        errors,
        seconds,
        p50_ms: percentile(&latencies, 50.0),
        p99_ms: percentile(&latencies, 99.0),
    }
}

/// The server under test, as a child process.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn rss_anon_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("RssAnon:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

const SECRET: &str = "benchmark-secret-benchmark-secret-0123";
const ADMIN: &str = "bench.admin";
const ADMIN_PASSWORD: &str = "benchmark-admin-password";

fn start_server(database_url: &str) -> Result<Server, String> {
    let port = free_port().map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let child = Command::new(exe)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LIENTHONG_BIND", format!("127.0.0.1:{port}"))
        .env("LIENTHONG_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    })
}

async fn token(
    client: &Client,
    base: &str,
    username: &str,
    password: &str,
) -> Result<String, String> {
    let res: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    res["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("login failed: {res}"))
}

/// Runs `clients` loops for `seconds`, each sending the request `make` builds.
async fn load<F>(client: &Client, clients: usize, seconds: u64, name: &str, make: F) -> Sampled
where
    F: Fn(&Client, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, make, stop, counter) =
            (client.clone(), make.clone(), stop.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                match make(&client, n).send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((l, e)) = task.await {
            all.extend(l);
            errors += e;
        }
    }
    summarise(name, all, errors, began.elapsed().as_secs_f64())
}

/// Sends one request at a time, `n` times.
async fn sequential(
    client: &Client,
    n: usize,
    name: &str,
    request: impl Fn(&Client) -> reqwest::RequestBuilder,
) -> Sampled {
    let began = Instant::now();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for _ in 0..n {
        let sent = Instant::now();
        match request(client).send().await {
            Ok(res) if res.status().is_success() => {
                let _ = res.bytes().await;
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            _ => errors += 1,
        }
    }
    summarise(name, latencies, errors, began.elapsed().as_secs_f64())
}

async fn measure(
    server: &Server,
    options: &BenchOptions,
    samples: &mut Vec<Sampled>,
    peak: Arc<AtomicU64>,
) -> Result<(), String> {
    let client = Client::builder()
        .pool_max_idle_per_host(options.clients * 2)
        .build()
        .map_err(|e| e.to_string())?;
    let base = server.base.clone();
    let admin = token(&client, &base, ADMIN, ADMIN_PASSWORD).await?;
    // An officer of the busiest receiving agency, and dossiers it can see.
    let busiest: Value = client
        .get(format!("{base}/api/v1/stats/compliance?from=2000-01-01&to=2100-12-31&group_by=agency&order_by=dossiers"))
        .bearer_auth(&admin)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let agency = busiest["rows"][0]["agency_id"]
        .as_i64()
        .ok_or("no agency with dossiers")?;
    let procedures: Value = client
        .get(format!("{base}/api/v1/procedures?status=published&limit=1"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let procedure = procedures["items"][0]["id"]
        .as_i64()
        .ok_or("no published procedure")?;
    let password = "benchmark-officer-password";
    let username = format!("bench.officer.{}", std::process::id());
    client
        .post(format!("{base}/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": username, "password": password, "role": "officer", "agency_id": agency}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let officer = token(&client, &base, &username, password).await?;
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    while ids.len() < 2_000 {
        let mut url = format!("{base}/api/v1/dossiers?limit=500");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = client
            .get(url)
            .bearer_auth(&officer)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        ids.extend(
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["id"].as_i64()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    if ids.is_empty() {
        return Err("the officer sees no dossier".into());
    }
    let ids = Arc::new(ids);
    let sampler_stop = Arc::new(AtomicBool::new(false));
    let pid = server.child.id();
    let sampler = {
        let (stop, peak) = (sampler_stop.clone(), peak.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(kib) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .ok()
                    .and_then(|s| {
                        s.lines()
                            .find(|l| l.starts_with("RssAnon:"))
                            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                    })
                {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let (c, s) = (options.clients, options.seconds);
    let (b, t, i) = (base.clone(), officer.clone(), ids.clone());
    samples.push(
        load(&client, c, s, "GET /dossiers/{id}", move |cl, n| {
            cl.get(format!(
                "{b}/api/v1/dossiers/{}",
                i[(n as usize * 7919) % i.len()]
            ))
            .bearer_auth(&t)
        })
        .await,
    );
    let (b, t) = (base.clone(), officer.clone());
    samples.push(
        load(
            &client,
            c,
            s,
            "GET /dossiers?status=processing",
            move |cl, _| {
                cl.get(format!("{b}/api/v1/dossiers?status=processing"))
                    .bearer_auth(&t)
            },
        )
        .await,
    );
    let (b, t) = (base.clone(), officer.clone());
    samples.push(
        load(&client, c, s, "POST /dossiers", move |cl, n| {
            cl.post(format!("{b}/api/v1/dossiers")).bearer_auth(&t).json(&json!({
            "procedure_id": procedure, "title": format!("Hồ sơ benchmark {n}"), "channel": "online",
            "applicant": {"name": "Nguyễn Văn Benchmark", "kind": "member"}
        }))
        })
        .await,
    );
    let year = crate::clock::now()
        .date()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026)
        - 1;
    for group in ["none", "agency", "procedure", "channel", "month"] {
        let url = format!(
            "{base}/api/v1/stats/compliance?from={year}-01-01&to={year}-12-31&group_by={group}"
        );
        let a = admin.clone();
        samples.push(
            sequential(
                &client,
                200,
                &format!("compliance {year} group_by={group}"),
                move |cl| cl.get(&url).bearer_auth(&a),
            )
            .await,
        );
    }
    sampler_stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    Ok(())
}

fn size_of_sqlite(path: &std::path::Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

fn run_engine(
    label: &str,
    url: &str,
    options: &BenchOptions,
    size: impl Fn() -> u64,
) -> Result<(), String> {
    println!("\n== {label}: {} synthetic dossiers ==", options.dossiers);
    let settings = Settings::from_lookup(|k| (k == "DATABASE_URL").then(|| url.to_string()))
        .map_err(|e| e.to_string())?;
    let db = Database::open(&settings.database, 4).map_err(|e| e.to_string())?;
    db.migrate().map_err(|e| e.to_string())?;
    let year = crate::clock::now()
        .date()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    let bench_admin = crate::audit::Actor {
        username: Some("bench".into()),
        ..Default::default()
    };
    db.write(|conn| {
        crate::routes::users::insert_user(
            conn,
            &bench_admin,
            ADMIN.into(),
            ADMIN_PASSWORD,
            crate::auth::Role::Admin,
            None,
            true,
        )
    })
    .map_err(|e| e.describe())?;
    let report = generate(
        &db,
        &settings,
        &SyntheticOptions {
            dossiers: options.dossiers,
            from_year: year - 1,
            to_year: year,
            seed: 1,
        },
    )?;
    drop(db);
    println!(
        "load: {:.1} s ({:.0} dossiers/s, {} rows), database size {:.0} MiB",
        report.seconds,
        report.dossiers as f64 / report.seconds,
        report.rows,
        size() as f64 / 1_048_576.0
    );
    let server = start_server(url)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let ready = runtime.block_on(async {
        let client = Client::new();
        for _ in 0..600 {
            if client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    });
    if !ready {
        return Err("the server did not become ready".into());
    }
    let idle = server.rss_anon_kib().unwrap_or(0);
    let peak = Arc::new(AtomicU64::new(idle));
    let mut samples = Vec::new();
    runtime.block_on(measure(&server, options, &mut samples, peak.clone()))?;
    println!(
        "{:<42} {:>9} {:>7} {:>10} {:>9} {:>9}",
        "operation", "requests", "errors", "req/s", "p50 ms", "p99 ms"
    );
    for s in &samples {
        println!(
            "{:<42} {:>9} {:>7} {:>10.0} {:>9.2} {:>9.2}",
            s.name,
            s.requests,
            s.errors,
            s.requests as f64 / s.seconds,
            s.p50_ms,
            s.p99_ms
        );
    }
    println!(
        "server RssAnon: idle {:.1} MiB, peak {:.1} MiB (anonymous memory, not the mapped database)",
        idle as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0
    );
    Ok(())
}

/// Runs the benchmark on each engine asked for.
pub fn run(options: &BenchOptions) -> Result<(), String> {
    println!(
        "lienthong benchmark: {} dossiers, {} clients, {} s per operation, {} cores",
        options.dossiers,
        options.clients,
        options.seconds,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    if options.sqlite {
        std::fs::create_dir_all(&options.data_dir).map_err(|e| e.to_string())?;
        let path = options
            .data_dir
            .join(format!("bench-{}.db", std::process::id()));
        let result = run_engine("SQLite", &path.display().to_string(), options, || {
            size_of_sqlite(&path)
        });
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        result?;
    }
    if let Some(server) = &options.postgres {
        let name = format!("lienthong_bench_{}", std::process::id());
        let mut admin = PgConnection::establish(server).map_err(|e| e.to_string())?;
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .map_err(|e| e.to_string())?;
        let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(server);
        let url = format!("{base}/{name}");
        let size = || -> u64 {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Size {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                bytes: i64,
            }
            PgConnection::establish(&url)
                .ok()
                .and_then(|mut c| {
                    diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
                        .get_result::<Size>(&mut c)
                        .ok()
                })
                .map(|s| s.bytes as u64)
                .unwrap_or(0)
        };
        let result = run_engine("PostgreSQL", &url, options, size);
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        result?;
    }
    Ok(())
}
