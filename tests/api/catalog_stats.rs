use crate::helpers::TestApp;
use crate::on_both_engines;
use crate::procedures::{publish, ProcedureBuilder};
use serde_json::json;

on_both_engines!(
    an_empty_catalogue_counts_zero,
    the_catalogue_figures_follow_a_known_set_of_changes,
);

async fn an_empty_catalogue_counts_zero(app: TestApp) {
    let stats = app.get("/api/v1/stats/catalog", None).await.expect(200);
    assert_eq!(
        stats,
        json!({"draft": 0, "published": 0, "retired": 0, "published_with_complete_process": 0,
               "published_interagency": 0, "published_electronic_eligible": 0,
               "published_interagency_electronic_eligible": 0})
    );
    app.get("/api/v1/stats/catalog", Some("forged"))
        .await
        .assert_problem(401, "unauthorized");
}

async fn the_catalogue_figures_follow_a_known_set_of_changes(app: TestApp) {
    let btc = app.agency("BTC-TU", None).await;
    let hu = app.agency("HU-DT", None).await;

    // Inter-agency, electronic, complete; later revised by a version that is
    // also complete (the first version ends up retired).
    let ket_nap_v1 = ProcedureBuilder::new("TU-BTC-03", hu)
        .interagency(true)
        .electronic(true)
        .steps(&[(btc, "Thẩm định", 5), (hu, "Quyết định", 5)])
        .publish(&app)
        .await;
    let ket_nap_v2 = ProcedureBuilder::new("TU-BTC-03", hu)
        .interagency(true)
        .electronic(true)
        .steps(&[(btc, "Thẩm định", 4), (hu, "Quyết định", 4)])
        .set("supersedes_id", json!(ket_nap_v1))
        .create(&app)
        .await;
    publish(&app, ket_nap_v2).await;
    // Single-agency, electronic, with a step of 0 days: incomplete.
    ProcedureBuilder::new("TU-BTC-05", btc)
        .electronic(true)
        .steps(&[(btc, "Tiếp nhận", 0)])
        .publish(&app)
        .await;
    // Inter-agency, paper only, with a step without an action: incomplete.
    ProcedureBuilder::new("TU-UBKT-01", hu)
        .interagency(true)
        .steps(&[(hu, "Tiếp nhận", 2), (btc, "", 2)])
        .publish(&app)
        .await;
    // Single-agency, complete, published then retired by hand.
    let dropped = ProcedureBuilder::new("TU-VP-02", btc).publish(&app).await;
    app.post(
        &format!("/api/v1/procedures/{dropped}/retire"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .expect(200);
    // A draft: counted by status only.
    ProcedureBuilder::new("TU-BTC-07", hu)
        .interagency(true)
        .electronic(true)
        .steps(&[(btc, "Thẩm định", 1), (hu, "Quyết định", 1)])
        .create(&app)
        .await;

    let stats = app.get("/api/v1/stats/catalog", None).await.expect(200);
    assert_eq!(
        stats,
        json!({
            "draft": 1,
            "published": 3,
            "retired": 2,
            "published_with_complete_process": 1,
            "published_interagency": 2,
            "published_electronic_eligible": 2,
            "published_interagency_electronic_eligible": 1
        })
    );
}
