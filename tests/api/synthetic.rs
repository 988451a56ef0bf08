use crate::compliance::assert_matches_recount;
use crate::helpers::TestApp;
use crate::on_both_engines;
use lienthong::config::{DatabaseTarget, Settings};
use lienthong::db::stats::{Grouping, Scope};
use lienthong::db::Database;
use lienthong::seed::synthetic::{generate, SyntheticOptions};

on_both_engines!(synthetic_data_follows_the_rules_and_the_counters_match_a_recount);

async fn synthetic_data_follows_the_rules_and_the_counters_match_a_recount(app: TestApp) {
    let url = app.database_url.clone();
    let report = tokio::task::spawn_blocking(move || {
        let settings =
            Settings::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone())).unwrap();
        let db = Database::open(&DatabaseTarget::parse(Some(&url)).unwrap(), 2).unwrap();
        let options = SyntheticOptions {
            dossiers: 2_500,
            from_year: 2025,
            to_year: 2026,
            seed: 7,
        };
        let report = generate(&db, &settings, &options).unwrap();
        (report, db)
    })
    .await
    .unwrap();
    let (report, db) = report;
    assert_eq!(report.dossiers, 2_500);

    // The audit chain the generator wrote verifies, and the feed continues it.
    let verdict = app
        .get("/api/v1/audit/verify", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert!(verdict["entries_checked"].as_i64().unwrap() > 10_000);

    // Every status occurs.
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
                Some(&app.admin_token),
            )
            .await
            .expect(200);
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            1,
            "no dossier is {status}"
        );
    }

    // The API keeps working on top: a new filing gets the next code and id.
    let list = app
        .get("/api/v1/dossiers?limit=1", Some(&app.admin_token))
        .await
        .expect(200);
    let newest = &list["items"][0];
    let history = app
        .get(
            &format!("/api/v1/dossiers/{}/history", newest["id"]),
            Some(&app.admin_token),
        )
        .await
        .expect(200);
    assert_eq!(history["items"][0]["action"], "file");

    // The counters agree with a recount for every grouping.
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    for (name, grouping) in [
        ("none", Grouping::None),
        ("agency", Grouping::Agency),
        ("procedure", Grouping::Procedure),
        ("channel", Grouping::Channel),
        ("month", Grouping::Day),
    ] {
        for (from, to) in [("2025-01-01", "2026-12-31"), ("2025-03-17", "2026-02-11")] {
            let scope = Scope {
                from: from.parse().unwrap(),
                to: to.parse().unwrap(),
                as_of: today,
                agency_id: None,
                procedure_id: None,
                visible: None,
            };
            let query = format!("from={from}&to={to}&group_by={name}");
            assert_matches_recount(
                &app,
                &app.admin_token,
                &db,
                &query,
                &scope,
                grouping,
                &query,
            )
            .await;
        }
    }
}
