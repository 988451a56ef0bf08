use crate::helpers::TestApp;
use crate::on_both_engines;

on_both_engines!(
    health_and_readiness_answer_ok,
    metrics_count_requests_by_route_pattern,
);

async fn health_and_readiness_answer_ok(app: TestApp) {
    assert_eq!(app.get("/healthz", None).await.expect(200)["status"], "ok");
    assert_eq!(app.get("/readyz", None).await.expect(200)["status"], "ok");
}

async fn metrics_count_requests_by_route_pattern(app: TestApp) {
    let id = app.agency("AG-M", None).await;
    app.get(&format!("/api/v1/agencies/{id}"), None)
        .await
        .expect(200);
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status, 200);
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert!(
        res.text
            .lines()
            .any(|l| l.starts_with("lienthong_http_requests_total")
                && l.contains("endpoint=\"/api/v1/agencies/{id}\"")
                && l.contains("status=\"200\"")),
        "{}",
        res.text
    );
    assert!(res
        .text
        .contains("lienthong_http_requests_duration_seconds_bucket"));
    assert!(res.text.contains("lienthong_db_pool_connections"));
}

/// The committed spec must be what the code generates.
#[test]
fn committed_openapi_matches_the_generated_spec() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap_or_default();
    let generated = lienthong::openapi::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale; regenerate it with:\n\n    cargo run -- openapi > openapi/openapi.json\n"
    );
}

#[tokio::test]
async fn served_spec_equals_the_committed_one_and_swagger_ui_is_local() {
    let app = crate::helpers::spawn_app(crate::helpers::Engine::Sqlite)
        .await
        .unwrap();
    let served = app.get("/api-docs/openapi.json", None).await.expect(200);
    let committed: serde_json::Value =
        serde_json::from_str(&lienthong::openapi::spec_json()).unwrap();
    assert_eq!(served, committed);
    assert_eq!(served["openapi"], "3.1.0");
    assert!(served["paths"]["/api/v1/agencies"]["get"].is_object());

    let ui = app.get("/swagger-ui/", None).await;
    assert_eq!(ui.status, 200);
    assert!(ui.text.contains("swagger-ui"));
    assert!(
        !ui.text.contains("https://"),
        "Swagger UI must not load anything from another host"
    );
    let init = app.get("/swagger-ui/swagger-initializer.js", None).await;
    assert_eq!(init.status, 200);
    assert!(init.text.contains("/api-docs/openapi.json"));
    let compact: String = init.text.split_whitespace().collect();
    assert!(
        compact.contains(r#""validatorUrl":"none""#),
        "{}",
        init.text
    );
}

/// Every operation documents its errors as problem+json, a summary, and its security.
#[test]
fn every_operation_documents_errors_summary_and_security() {
    let spec: serde_json::Value = serde_json::from_str(&lienthong::openapi::spec_json()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let what = format!("{method} {path}");
            assert!(op["summary"].is_string(), "{what} has no summary");
            assert!(op["security"].is_array(), "{what} declares no security");
            assert!(op["operationId"].is_string(), "{what} has no operationId");
            if path.starts_with("/api/v1") {
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|k| k.starts_with('4')),
                    "{what} documents no error"
                );
            }
        }
    }
}

/// Both engines' migration sets carry the same names in the same order, each with a down.sql.
#[test]
fn migration_sets_are_kept_in_step() {
    let names = |engine: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(engine);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_dir())
            .map(|e| {
                for file in ["up.sql", "down.sql"] {
                    assert!(
                        e.path().join(file).is_file(),
                        "{} has no {file}",
                        e.path().display()
                    );
                }
                e.file_name().to_string_lossy().into_owned()
            })
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
}
