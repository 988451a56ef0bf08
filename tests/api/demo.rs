//! The demo province: seeded through the library into a fresh database of
//! each engine (a short stretch of the story, so that the test stays quick),
//! then explored over HTTP as a newcomer would.

use crate::helpers::{TestApp, ADMIN_PASSWORD};
use crate::on_both_engines;
use chrono::{Duration, Utc};
use lienthong::config::Settings;
use lienthong::db::Database;
use lienthong::seed::demo::{self, DemoOptions, OFFICER_PASSWORD, USERS};
use serde_json::Value;

/// Seeds two months of the demo into the app's database, as
/// `lienthong seed --demo` would (the app's `admin` already exists and keeps
/// its password). Returns the seed's report.
async fn seed_demo(app: &TestApp) -> String {
    let url = app.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let settings = Settings::from_lookup(|key| match key {
            "DATABASE_URL" => Some(url.clone()),
            _ => None,
        })
        .expect("settings");
        let db = Database::open(&settings.database, 2).expect("open the test database");
        let options = DemoOptions {
            start: (Utc::now() - Duration::days(60)).date_naive(),
            dossiers_per_day: 2.0,
            ..DemoOptions::default()
        };
        demo::run_with(&db, &settings, &options).expect("demo seed")
    })
    .await
    .expect("seed task")
}

async fn login(app: &TestApp, username: &str) -> String {
    let password = match USERS.iter().find(|u| u.username == username) {
        _ if username == "admin" => ADMIN_PASSWORD,
        Some(user) => user.password,
        None => OFFICER_PASSWORD,
    };
    app.login(username, password).await
}

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("a page of items")
}

async fn the_demo_province_is_alive_for_every_role(app: TestApp) {
    // Arrange
    let report = seed_demo(&app).await;
    assert!(report.contains("leader.tu"), "{report}");

    // Act and assert: every demo user logs in with the printed password.
    for user in USERS {
        let token = login(&app, user.username).await;
        let me = app.get("/api/v1/auth/me", Some(&token)).await.expect(200);
        assert_eq!(me["role"], user.role.as_str(), "{}", user.username);
    }
    let officer = login(&app, "officer.ubkt").await;
    let inspector = login(&app, "inspector").await;
    let leader = login(&app, "leader.tu").await;

    // The catalogue is published (one draft and one superseded version aside),
    // and search ignores diacritics.
    let public = app
        .get("/api/v1/procedures?limit=500", None)
        .await
        .expect(200);
    assert_eq!(items(&public).len(), 13, "{public}");
    assert!(items(&public).iter().all(|p| p["status"] == "published"));
    let found = app
        .get("/api/v1/procedures?q=ket%20nap%20dang%20vien", None)
        .await
        .expect(200);
    assert_eq!(items(&found)[0]["code"], "TU-BTC-01");
    let catalog = app
        .get("/api/v1/stats/catalog", Some(&inspector))
        .await
        .expect(200);
    assert_eq!(catalog["draft"], 1, "{catalog}");
    assert_eq!(catalog["retired"], 1, "{catalog}");
    assert_eq!(catalog["published_with_complete_process"], 13, "{catalog}");

    // Dossiers exist in every status, some of them overdue.
    for status in [
        "received",
        "processing",
        "in_transfer",
        "supplement_requested",
        "completed",
        "withdrawn",
    ] {
        let page = app
            .get(
                &format!("/api/v1/dossiers?status={status}&limit=1"),
                Some(&inspector),
            )
            .await
            .expect(200);
        assert_eq!(items(&page).len(), 1, "no dossier is {status}");
    }
    let overdue = app
        .get("/api/v1/dossiers?overdue=true&limit=1", Some(&inspector))
        .await
        .expect(200);
    assert_eq!(items(&overdue).len(), 1, "no dossier is overdue");

    // Ban Tổ chức has a transfer waiting in its inbox.
    let board = login(&app, "officer.btc").await;
    let inbox = app
        .get(
            "/api/v1/transfers?direction=incoming&status=pending",
            Some(&board),
        )
        .await
        .expect(200);
    assert!(!items(&inbox).is_empty(), "{inbox}");

    // An officer sees its own agency's part of the feed; the audit chain holds.
    let feed = app
        .get("/api/v1/events?limit=5", Some(&officer))
        .await
        .expect(200);
    assert_eq!(items(&feed).len(), 5);
    let verify = app
        .get("/api/v1/audit/verify", Some(&inspector))
        .await
        .expect(200);
    assert_eq!(verify["valid"], true, "{verify}");

    // The compliance report by agency has rows.
    let today = Utc::now().date_naive();
    let from = today - Duration::days(90);
    let report = app
        .get(
            &format!("/api/v1/stats/compliance?from={from}&to={today}&group_by=agency"),
            Some(&leader),
        )
        .await
        .expect(200);
    let rows = report["rows"].as_array().expect("rows");
    assert!(rows.len() > 5, "{report}");
    assert!(rows
        .iter()
        .any(|r| r["interagency_dossiers"].as_i64() > Some(0)));
}

async fn the_demo_fills_an_empty_database_only(app: TestApp) {
    // Arrange
    seed_demo(&app).await;
    let before = app
        .get("/api/v1/agencies?limit=500", None)
        .await
        .expect(200);

    // Act
    let again = seed_demo(&app).await;

    // Assert
    assert!(again.contains("not seeded"), "{again}");
    let after = app
        .get("/api/v1/agencies?limit=500", None)
        .await
        .expect(200);
    assert_eq!(items(&before).len(), items(&after).len());
}

on_both_engines!(
    the_demo_province_is_alive_for_every_role,
    the_demo_fills_an_empty_database_only,
);
