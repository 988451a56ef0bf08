use crate::helpers::TestApp;
use crate::on_both_engines;
use reqwest::Method;
use serde_json::{json, Value};

on_both_engines!(
    a_procedure_goes_from_draft_to_published_and_is_revised_by_a_superseding_draft,
    each_validation_rule_names_its_field,
    revisions_must_supersede_a_published_procedure_and_keep_its_code,
    a_code_is_in_the_catalogue_at_most_once_outside_revisions,
    publishing_checks_the_draft_again,
    patch_replaces_steps_and_documents_wholesale,
    search_ignores_case_and_vietnamese_diacritics,
    lists_filter_by_field_agency_interagency_and_status,
    lists_paginate_and_refuse_bad_parameters,
    drafts_and_retired_versions_are_hidden_from_anonymous_callers,
    only_admins_change_the_catalogue,
);

/// Builds procedure bodies for tests: sensible defaults, one method per change.
pub struct ProcedureBuilder {
    body: Value,
}

impl ProcedureBuilder {
    /// A one-step, single-agency procedure led by `lead`.
    pub fn new(code: &str, lead: i64) -> Self {
        Self {
            body: json!({
                "code": code, "name": format!("Thủ tục {code}"), "field": "Tổ chức đảng, đảng viên",
                "lead_agency_id": lead, "interagency": false, "electronic_eligible": false,
                "processing_days": 10,
                "steps": [{"seq": 1, "agency_id": lead, "action": "Thẩm định hồ sơ", "days": 5}],
                "documents": [{"name": "Đơn đề nghị", "required": true, "copies": 1}]
            }),
        }
    }

    pub fn name(self, name: &str) -> Self {
        self.set("name", json!(name))
    }

    /// Steps numbered 1..n, each `(agency, action, days)`.
    pub fn steps(self, steps: &[(i64, &str, i64)]) -> Self {
        let steps: Vec<Value> = steps
            .iter()
            .enumerate()
            .map(|(i, (agency, action, days))| {
                json!({"seq": i + 1, "agency_id": agency, "action": action, "days": days})
            })
            .collect();
        self.set("steps", json!(steps))
    }

    pub fn interagency(self, yes: bool) -> Self {
        self.set("interagency", json!(yes))
    }

    pub fn electronic(self, yes: bool) -> Self {
        self.set("electronic_eligible", json!(yes))
    }

    pub fn set(mut self, key: &str, value: Value) -> Self {
        self.body[key] = value;
        self
    }

    pub fn body(self) -> Value {
        self.body
    }

    /// Creates the draft as admin and returns its id.
    pub async fn create(self, app: &TestApp) -> i64 {
        app.post("/api/v1/procedures", Some(&app.admin_token), self.body)
            .await
            .expect(201)["id"]
            .as_i64()
            .unwrap()
    }

    /// Creates and publishes it as admin and returns its id.
    pub async fn publish(self, app: &TestApp) -> i64 {
        let id = self.create(app).await;
        publish(app, id).await;
        id
    }
}

pub async fn publish(app: &TestApp, id: i64) -> Value {
    app.post(
        &format!("/api/v1/procedures/{id}/publish"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .expect(200)
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

/// A URL-encoded query string.
fn query(params: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://localhost/", params).unwrap();
    url.query().unwrap_or_default().to_string()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

async fn a_procedure_goes_from_draft_to_published_and_is_revised_by_a_superseding_draft(
    app: TestApp,
) {
    let huyen_uy = app.agency("HU-DT", None).await;
    let dang_uy = app.agency("DU-DT-01", Some(huyen_uy)).await;
    let body = json!({
        "code": "TU-BTC-03", "name": "Kết nạp đảng viên", "field": "Tổ chức đảng, đảng viên",
        "description": "Xem xét, kết nạp quần chúng ưu tú vào Đảng.",
        "legal_basis": "Quy định số 24-QĐ/TW",
        "lead_agency_id": huyen_uy, "interagency": true, "electronic_eligible": true,
        "processing_days": 30,
        "steps": [
            {"seq": 1, "agency_id": dang_uy, "action": "Đảng ủy cơ sở thẩm định", "days": 10},
            {"seq": 2, "agency_id": huyen_uy, "action": "Ban Thường vụ Huyện ủy quyết định", "days": 15}
        ],
        "documents": [{"name": "Đơn xin vào Đảng"}, {"name": "Lý lịch người xin vào Đảng", "copies": 2}]
    });

    // A draft is created…
    let res = app
        .post("/api/v1/procedures", Some(&app.admin_token), body)
        .await;
    let draft = res.expect(201);
    let v1 = draft["id"].as_i64().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/procedures/{v1}"))
    );
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["version"], 1);
    assert_eq!(draft["published_at"], Value::Null);
    assert_eq!(draft["supersedes_id"], Value::Null);
    assert_eq!(draft["steps"][1]["agency_id"], huyen_uy);
    assert_eq!(
        draft["documents"],
        json!([{"name": "Đơn xin vào Đảng", "required": true, "copies": 1},
               {"name": "Lý lịch người xin vào Đảng", "required": true, "copies": 2}])
    );

    // …edited while a draft…
    let edited = app
        .patch(
            &format!("/api/v1/procedures/{v1}"),
            Some(&app.admin_token),
            json!({"processing_days": 25}),
        )
        .await
        .expect(200);
    assert_eq!(edited["processing_days"], 25);
    assert_eq!(edited["steps"], draft["steps"]);

    // …published, which freezes it…
    let published = publish(&app, v1).await;
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    app.patch(
        &format!("/api/v1/procedures/{v1}"),
        Some(&app.admin_token),
        json!({"name": "Kết nạp lại đảng viên"}),
    )
    .await
    .assert_problem(409, "procedure_not_editable");
    app.post(
        &format!("/api/v1/procedures/{v1}/publish"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    // …and revised by a draft that supersedes it.
    let revision = app
        .post(
            "/api/v1/procedures",
            Some(&app.admin_token),
            ProcedureBuilder::new("TU-BTC-03", huyen_uy)
                .name("Kết nạp đảng viên")
                .set("supersedes_id", json!(v1))
                .body(),
        )
        .await
        .expect(201);
    let v2 = revision["id"].as_i64().unwrap();
    assert_eq!(revision["version"], 2);
    assert_eq!(revision["supersedes_id"], v1);
    assert_eq!(revision["status"], "draft");
    let still_live = app
        .get(&format!("/api/v1/procedures/{v1}"), None)
        .await
        .expect(200);
    assert_eq!(still_live["status"], "published");

    let live = publish(&app, v2).await;
    assert_eq!(live["status"], "published");
    assert_eq!(live["version"], 2);
    let old = app
        .get(&format!("/api/v1/procedures/{v1}"), Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(old["status"], "retired");
    assert!(old["retired_at"].is_string());
    assert_eq!(old["published_at"], published["published_at"]);
    assert_eq!(old["processing_days"], 25, "the old version is unchanged");

    // A published procedure can be retired once.
    let retired = app
        .post(
            &format!("/api/v1/procedures/{v2}/retire"),
            Some(&app.admin_token),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(retired["status"], "retired");
    for path in [
        format!("/api/v1/procedures/{v2}/retire"),
        format!("/api/v1/procedures/{v2}/publish"),
    ] {
        app.post(&path, Some(&app.admin_token), json!({}))
            .await
            .assert_problem(409, "invalid_transition");
    }
    let fresh = ProcedureBuilder::new("TU-BTC-04", huyen_uy)
        .create(&app)
        .await;
    app.post(
        &format!("/api/v1/procedures/{fresh}/retire"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");
}

async fn each_validation_rule_names_its_field(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let b = app.agency("HU-DT", None).await;
    let off = app.agency("HU-CU", None).await;
    app.patch(
        &format!("/api/v1/agencies/{off}"),
        Some(&app.admin_token),
        json!({"active": false}),
    )
    .await
    .expect(200);
    let two_steps = |first: Value, second: Value| json!([first, second]);
    let step = |seq: i64, agency: i64, days: i64| json!({"seq": seq, "agency_id": agency, "action": "Thẩm định", "days": days});

    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("no steps", json!({"steps": []}), vec!["steps"]),
        (
            "a gap in the step numbers",
            json!({"steps": two_steps(step(1, a, 1), step(3, b, 1))}),
            vec!["steps[1].seq"],
        ),
        (
            "steps numbered from 0",
            json!({"steps": two_steps(step(0, a, 1), step(1, b, 1))}),
            vec!["steps[0].seq", "steps[1].seq"],
        ),
        (
            "the steps take longer than the time limit",
            json!({"processing_days": 10, "steps": two_steps(step(1, a, 6), step(2, b, 5))}),
            vec!["steps"],
        ),
        (
            "a time limit of zero days",
            json!({"processing_days": 0}),
            vec!["processing_days"],
        ),
        (
            "a negative step",
            json!({"steps": [step(1, a, -1)]}),
            vec!["steps[0].days"],
        ),
        (
            "an inter-agency procedure in one agency",
            json!({"interagency": true, "steps": two_steps(step(1, a, 1), step(2, a, 1))}),
            vec!["interagency"],
        ),
        (
            "an unknown lead agency",
            json!({"lead_agency_id": 9999}),
            vec!["lead_agency_id"],
        ),
        (
            "an unknown step agency",
            json!({"steps": [step(1, 9999, 1)]}),
            vec!["steps[0].agency_id"],
        ),
        (
            "an inactive step agency",
            json!({"steps": two_steps(step(1, a, 1), step(2, off, 1))}),
            vec!["steps[1].agency_id"],
        ),
        (
            "a code that is not a code",
            json!({"code": "tu btc 03"}),
            vec!["code"],
        ),
        ("a blank name", json!({"name": "  "}), vec!["name"]),
        (
            "a document with no copies",
            json!({"documents": [{"name": "Đơn", "copies": 0}]}),
            vec!["documents[0].copies"],
        ),
        (
            "a time limit that is not a number",
            json!({"processing_days": "mười"}),
            vec!["processing_days"],
        ),
        (
            "several problems at once",
            json!({"name": "", "lead_agency_id": off, "processing_days": 400}),
            vec!["name", "processing_days", "lead_agency_id"],
        ),
    ];
    for (description, changes, expected) in cases {
        let mut body = ProcedureBuilder::new("TU-BTC-03", a).body();
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        let res = app
            .post("/api/v1/procedures", Some(&app.admin_token), body)
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(fields(&problem), expected, "{description}");
    }

    let missing = app
        .post(
            "/api/v1/procedures",
            Some(&app.admin_token),
            json!({"code": "TU-BTC-03"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&missing), ["name"], "the first missing field");

    // The same rules hold for an edit, checked on the whole draft.
    let id = ProcedureBuilder::new("TU-BTC-03", a).create(&app).await;
    let problem = app
        .patch(
            &format!("/api/v1/procedures/{id}"),
            Some(&app.admin_token),
            json!({"processing_days": 4}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&problem), ["steps"], "5 days of steps in 4");
    let problem = app
        .patch(
            &format!("/api/v1/procedures/{id}"),
            Some(&app.admin_token),
            json!({"interagency": true}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&problem), ["interagency"]);
}

async fn revisions_must_supersede_a_published_procedure_and_keep_its_code(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let live = ProcedureBuilder::new("TU-BTC-03", a).publish(&app).await;
    let draft = ProcedureBuilder::new("TU-BTC-04", a).create(&app).await;

    for (description, code, supersedes, field) in [
        ("an unknown procedure", "TU-BTC-03", 9999, "supersedes_id"),
        ("a draft", "TU-BTC-04", draft, "supersedes_id"),
        ("another code", "TU-BTC-99", live, "code"),
    ] {
        let res = app
            .post(
                "/api/v1/procedures",
                Some(&app.admin_token),
                ProcedureBuilder::new(code, a)
                    .set("supersedes_id", json!(supersedes))
                    .body(),
            )
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(fields(&problem), [field], "{description}");
    }

    let revision = ProcedureBuilder::new("TU-BTC-03", a)
        .set("supersedes_id", json!(live))
        .create(&app)
        .await;
    app.post(
        "/api/v1/procedures",
        Some(&app.admin_token),
        ProcedureBuilder::new("TU-BTC-03", a)
            .set("supersedes_id", json!(live))
            .body(),
    )
    .await
    .assert_problem(409, "duplicate");
    let problem = app
        .patch(
            &format!("/api/v1/procedures/{revision}"),
            Some(&app.admin_token),
            json!({"code": "TU-BTC-30"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&problem), ["code"]);
}

async fn a_code_is_in_the_catalogue_at_most_once_outside_revisions(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let live = ProcedureBuilder::new("TU-BTC-03", a).publish(&app).await;
    ProcedureBuilder::new("TU-BTC-05", a).create(&app).await;

    for (i, (description, code)) in [
        ("a live code", "TU-BTC-03"),
        ("a draft's code", "TU-BTC-05"),
    ]
    .into_iter()
    .enumerate()
    {
        let res = app
            .post(
                "/api/v1/procedures",
                Some(&app.admin_token),
                ProcedureBuilder::new(code, a).body(),
            )
            .await;
        assert_eq!(res.status.as_u16(), 409, "{description}");
        res.assert_problem(409, "duplicate");
        let other = ProcedureBuilder::new(&format!("TU-BTC-9{i}"), a)
            .create(&app)
            .await;
        let res = app
            .patch(
                &format!("/api/v1/procedures/{other}"),
                Some(&app.admin_token),
                json!({"code": code}),
            )
            .await;
        assert_eq!(res.status.as_u16(), 409, "renamed to {description}");
        res.assert_problem(409, "duplicate");
    }

    // Once retired, a code may start again, with the next version number.
    app.post(
        &format!("/api/v1/procedures/{live}/retire"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .expect(200);
    let again = app
        .post(
            "/api/v1/procedures",
            Some(&app.admin_token),
            ProcedureBuilder::new("TU-BTC-03", a).body(),
        )
        .await
        .expect(201);
    assert_eq!(again["version"], 2);
    assert_eq!(again["supersedes_id"], Value::Null);
    let republished = publish(&app, again["id"].as_i64().unwrap()).await;
    assert_eq!(republished["status"], "published");
}

async fn publishing_checks_the_draft_again(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let b = app.agency("HU-DT", None).await;
    let id = ProcedureBuilder::new("TU-BTC-03", a)
        .interagency(true)
        .steps(&[(a, "Tiếp nhận", 2), (b, "Thẩm định", 3)])
        .create(&app)
        .await;
    app.patch(
        &format!("/api/v1/agencies/{b}"),
        Some(&app.admin_token),
        json!({"active": false}),
    )
    .await
    .expect(200);

    let problem = app
        .post(
            &format!("/api/v1/procedures/{id}/publish"),
            Some(&app.admin_token),
            json!({}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&problem), ["steps[1].agency_id"]);
    let still = app
        .get(&format!("/api/v1/procedures/{id}"), Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(still["status"], "draft");
    assert_eq!(still["published_at"], Value::Null);
}

async fn patch_replaces_steps_and_documents_wholesale(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let b = app.agency("HU-DT", None).await;
    let id = ProcedureBuilder::new("TU-BTC-03", a)
        .steps(&[
            (a, "Tiếp nhận", 1),
            (b, "Thẩm định", 2),
            (a, "Trả kết quả", 1),
        ])
        .create(&app)
        .await;

    let edited = app
        .patch(
            &format!("/api/v1/procedures/{id}"),
            Some(&app.admin_token),
            json!({"steps": [{"seq": 1, "agency_id": b, "action": " Thẩm định ", "days": 4}],
                   "documents": [], "description": "Mô tả mới", "name": "Kết nạp đảng viên"}),
        )
        .await
        .expect(200);
    assert_eq!(
        edited["steps"],
        json!([{"seq": 1, "agency_id": b, "action": "Thẩm định", "days": 4}])
    );
    assert_eq!(edited["documents"], json!([]));
    assert_eq!(edited["description"], "Mô tả mới");
    assert_eq!(edited["code"], "TU-BTC-03");

    let fetched = app
        .get(&format!("/api/v1/procedures/{id}"), Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(fetched, edited);
    let found = app
        .get("/api/v1/procedures?q=ket%20nap", Some(&app.admin_token))
        .await
        .expect(200);
    assert_eq!(
        ids(&found),
        [id],
        "the renamed draft is found by its new name"
    );
}

async fn search_ignores_case_and_vietnamese_diacritics(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let ket_nap = ProcedureBuilder::new("TU-BTC-03", a)
        .name("Kết nạp đảng viên")
        .publish(&app)
        .await;
    let chuyen = ProcedureBuilder::new("TU-BTC-05", a)
        .name("Chuyển sinh hoạt Đảng chính thức")
        .publish(&app)
        .await;
    let khen = ProcedureBuilder::new("TU-UBKT-01", a)
        .name("Xét tặng Huy hiệu 50% năm tuổi Đảng")
        .publish(&app)
        .await;

    for (description, q, expected) in [
        ("without diacritics", "ket nap dang vien", vec![ket_nap]),
        ("with diacritics", "Kết nạp đảng viên", vec![ket_nap]),
        ("upper case", "KẾT NẠP ĐẢNG VIÊN", vec![ket_nap]),
        ("đ folded to d", "đảng", vec![ket_nap, chuyen, khen]),
        ("Đ folded to d", "ĐANG", vec![ket_nap, chuyen, khen]),
        ("plain d", "dang", vec![ket_nap, chuyen, khen]),
        ("part of a word", "sinh hoat", vec![chuyen]),
        ("extra spaces", "  ket   nap ", vec![ket_nap]),
        ("the code", "tu-btc", vec![ket_nap, chuyen]),
        ("a literal %", "50%", vec![khen]),
        ("a % that is not a wildcard", "t%c", vec![]),
        ("an _ that is not a wildcard", "tu_btc", vec![]),
        ("no match", "khai trừ", vec![]),
    ] {
        let path = format!("/api/v1/procedures?{}", query(&[("q", q)]));
        let page = app.get(&path, None).await.expect(200);
        assert_eq!(ids(&page), expected, "{description}: {q}");
    }
}

async fn lists_filter_by_field_agency_interagency_and_status(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let b = app.agency("HU-DT", None).await;
    let c = app.agency("HU-BB", None).await;
    let led_by_a = ProcedureBuilder::new("TU-BTC-01", a)
        .set("field", json!("Kiểm tra, giám sát"))
        .publish(&app)
        .await;
    let through_b = ProcedureBuilder::new("TU-BTC-02", a)
        .interagency(true)
        .steps(&[(a, "Tiếp nhận", 1), (b, "Thẩm định", 1)])
        .publish(&app)
        .await;
    let led_by_c = ProcedureBuilder::new("TU-BTC-03", c).create(&app).await;
    let officer = app.user("officer.btc", "officer", Some(a)).await;

    for (description, query, expected) in [
        ("everything", "", vec![led_by_a, through_b, led_by_c]),
        (
            "a field",
            &query(&[("field", "Kiểm tra, giám sát")]),
            vec![led_by_a],
        ),
        (
            "led by or through a",
            &format!("agency_id={a}"),
            vec![led_by_a, through_b],
        ),
        ("through b", &format!("agency_id={b}"), vec![through_b]),
        ("an agency with none", "agency_id=9999", vec![]),
        ("inter-agency", "interagency=true", vec![through_b]),
        (
            "single-agency",
            "interagency=false",
            vec![led_by_a, led_by_c],
        ),
        ("drafts", "status=draft", vec![led_by_c]),
        ("published", "status=published", vec![led_by_a, through_b]),
        (
            "combined",
            &format!("agency_id={a}&interagency=false&status=published"),
            vec![led_by_a],
        ),
    ] {
        let page = app
            .get(&format!("/api/v1/procedures?{query}"), Some(&officer))
            .await
            .expect(200);
        assert_eq!(ids(&page), expected, "{description}");
    }
}

async fn lists_paginate_and_refuse_bad_parameters(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(
            ProcedureBuilder::new(&format!("TU-BTC-{i:02}"), a)
                .publish(&app)
                .await,
        );
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/procedures?limit=2".to_string();
    loop {
        let page = app.get(&path, None).await.expect(200);
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/procedures?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, created);

    for (description, query, status, code) in [
        ("an unknown status", "status=open", 400, "invalid_query"),
        ("a non-boolean", "interagency=maybe", 400, "invalid_query"),
        (
            "a non-numeric agency",
            "agency_id=BTC",
            400,
            "invalid_query",
        ),
        ("a foreign cursor", "cursor=%21%21", 400, "invalid_cursor"),
        ("a limit of 0", "limit=0", 422, "validation_failed"),
    ] {
        let res = app.get(&format!("/api/v1/procedures?{query}"), None).await;
        assert_eq!(res.status.as_u16(), status, "{description}");
        res.assert_problem(status, code);
    }
    let long = "a".repeat(201);
    let problem = app
        .get(&format!("/api/v1/procedures?q={long}"), None)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&problem), ["q"]);
    app.get("/api/v1/procedures/abc", None)
        .await
        .assert_problem(400, "invalid_path");
    app.get("/api/v1/procedures/9999", Some(&app.admin_token))
        .await
        .assert_problem(404, "not_found");
    app.patch(
        "/api/v1/procedures/9999",
        Some(&app.admin_token),
        json!({"name": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
    for action in ["publish", "retire"] {
        app.post(
            &format!("/api/v1/procedures/9999/{action}"),
            Some(&app.admin_token),
            json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    }
}

async fn drafts_and_retired_versions_are_hidden_from_anonymous_callers(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let published = ProcedureBuilder::new("TU-BTC-01", a).publish(&app).await;
    let draft = ProcedureBuilder::new("TU-BTC-02", a).create(&app).await;
    let retired = ProcedureBuilder::new("TU-BTC-03", a).publish(&app).await;
    app.post(
        &format!("/api/v1/procedures/{retired}/retire"),
        Some(&app.admin_token),
        json!({}),
    )
    .await
    .expect(200);

    let anonymous = app.get("/api/v1/procedures", None).await.expect(200);
    assert_eq!(ids(&anonymous), [published]);
    let asking_for_drafts = app
        .get("/api/v1/procedures?status=draft", None)
        .await
        .expect(200);
    assert_eq!(ids(&asking_for_drafts), Vec::<i64>::new());
    app.get(&format!("/api/v1/procedures/{published}"), None)
        .await
        .expect(200);
    for hidden in [draft, retired] {
        app.get(&format!("/api/v1/procedures/{hidden}"), None)
            .await
            .assert_problem(404, "not_found");
    }

    for role in ["officer", "leader", "integration"] {
        let token = app.user(&format!("{role}.btc"), role, Some(a)).await;
        let list = app
            .get("/api/v1/procedures", Some(&token))
            .await
            .expect(200);
        assert_eq!(ids(&list), [published, draft, retired], "{role}");
        let seen = app
            .get(&format!("/api/v1/procedures/{draft}"), Some(&token))
            .await
            .expect(200);
        assert_eq!(seen["status"], "draft", "{role}");
    }
    let inspector = app.user("inspector", "inspector", None).await;
    app.get(&format!("/api/v1/procedures/{retired}"), Some(&inspector))
        .await
        .expect(200);

    app.get("/api/v1/procedures", Some("not-a-token"))
        .await
        .assert_problem(401, "unauthorized");
}

async fn only_admins_change_the_catalogue(app: TestApp) {
    let a = app.agency("BTC-TU", None).await;
    let draft = ProcedureBuilder::new("TU-BTC-01", a).create(&app).await;
    let published = ProcedureBuilder::new("TU-BTC-02", a).publish(&app).await;
    let officer = app.user("officer.btc", "officer", Some(a)).await;
    let leader = app.user("leader.btc", "leader", Some(a)).await;

    let attempts = [
        (
            Method::POST,
            "/api/v1/procedures".to_string(),
            ProcedureBuilder::new("TU-BTC-09", a).body(),
        ),
        (
            Method::PATCH,
            format!("/api/v1/procedures/{draft}"),
            json!({"name": "Tên mới"}),
        ),
        (
            Method::POST,
            format!("/api/v1/procedures/{draft}/publish"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/procedures/{published}/retire"),
            json!({}),
        ),
    ];
    for (method, path, body) in attempts {
        for token in [&officer, &leader] {
            app.call(
                method.clone(),
                &path,
                Some(token.as_str()),
                Some(body.clone()),
            )
            .await
            .assert_problem(403, "forbidden");
        }
        let res = app.call(method.clone(), &path, None, Some(body)).await;
        res.assert_problem(401, "unauthorized");
        assert!(res.header("www-authenticate").is_some(), "{method} {path}");
    }
    let unchanged = app
        .get(&format!("/api/v1/procedures/{draft}"), Some(&officer))
        .await
        .expect(200);
    assert_eq!(unchanged["status"], "draft");
    assert_eq!(unchanged["name"], "Thủ tục TU-BTC-01");
}
