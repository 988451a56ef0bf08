//! `/stats/compliance`: the compliance report (SPEC §5), as JSON or CSV.

use crate::auth::{Principal, Visibility};
use crate::clock::now;
use crate::compliance::{self, GroupBy, Key, OrderBy, Request, Row};
use crate::db::schema::{agencies, procedures};
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::workflow::local_date;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The report's parameters. Values are read as text so that every bad value is a 422
/// naming its parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceParams {
    /// First local reception date, inclusive (`YYYY-MM-DD`).
    #[param(example = "2025-01-01")]
    pub from: Option<String>,
    /// Last local reception date, inclusive (`YYYY-MM-DD`), not before `from`.
    #[param(example = "2025-12-31")]
    pub to: Option<String>,
    /// Only dossiers received by this agency (must be visible to the caller, else 403).
    pub agency_id: Option<String>,
    /// Only dossiers filed under this procedure version.
    pub procedure_id: Option<String>,
    /// `none` (default), `agency`, `procedure`, `channel` or `month`.
    #[param(example = "agency")]
    pub group_by: Option<String>,
    /// The date for `overdue_open` (default today, local).
    pub as_of: Option<String>,
    /// Rank rows by `electronic_rate`, `on_time_rate`, `overdue_open` or `dossiers` (default: by key).
    pub order_by: Option<String>,
    /// `desc` (default) or `asc`, with `order_by`; rows without a value come last.
    pub order: Option<String>,
}

/// One row of the report: its key (absent for `group_by=none`) and the figures.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "agency_id": 2, "agency_code": "BTC-TU", "agency_name": "Ban Tổ chức Tỉnh ủy", "head_name": "Nguyễn Văn An", "head_title": "Trưởng ban",
    "dossiers": 1240, "interagency_dossiers": 610, "electronic_dossiers": 502, "paper_dossiers": 108,
    "electronic_rate": 0.8229508196721311, "target_rate": 0.8, "meets_target": true,
    "completed": 1105, "completed_on_time": 1021, "on_time_rate": 0.9239819004524887, "overdue_open": 7
}))]
pub struct ComplianceRow {
    /// `group_by=agency`: the receiving agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<i64>,
    /// `group_by=agency`: its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_code: Option<String>,
    /// `group_by=agency`: its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_name: Option<String>,
    /// `group_by=agency`: the accountable head (null when vacant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_name: Option<Option<String>>,
    /// `group_by=agency`: the head's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_title: Option<Option<String>>,
    /// `group_by=procedure`: the procedure version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure_id: Option<i64>,
    /// `group_by=procedure`: its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    /// `group_by=procedure`: its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure_name: Option<String>,
    /// `group_by=channel`: the channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// `group_by=month`: `YYYY-MM` of the local reception date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// Dossiers in scope.
    pub dossiers: i64,
    /// In scope, under an `interagency` and `electronic_eligible` procedure, with at least one transfer.
    pub interagency_dossiers: i64,
    /// Of those, every transfer electronic.
    pub electronic_dossiers: i64,
    /// `interagency_dossiers − electronic_dossiers`.
    pub paper_dossiers: i64,
    /// `electronic_dossiers / interagency_dossiers`; null when 0.
    pub electronic_rate: Option<f64>,
    /// The target of the latest year ≤ the year of `to` (of the row's month for `month`) that has one.
    pub target_rate: Option<f64>,
    /// `electronic_rate ≥ target_rate`; null when either is null.
    pub meets_target: Option<bool>,
    /// In scope with status `completed`.
    pub completed: i64,
    /// Of those, completed on or before the due date (local).
    pub completed_on_time: i64,
    /// `completed_on_time / completed`; null when 0.
    pub on_time_rate: Option<f64>,
    /// In scope, open, due before `as_of`.
    pub overdue_open: i64,
}

impl From<Row> for ComplianceRow {
    fn from(r: Row) -> Self {
        let f = r.figures;
        let d = r.details;
        let mut row = ComplianceRow {
            agency_id: None,
            agency_code: None,
            agency_name: None,
            head_name: None,
            head_title: None,
            procedure_id: None,
            procedure_code: None,
            procedure_name: None,
            channel: None,
            month: None,
            dossiers: f.counts.dossiers,
            interagency_dossiers: f.counts.interagency_dossiers,
            electronic_dossiers: f.counts.electronic_dossiers,
            paper_dossiers: f.paper_dossiers,
            electronic_rate: f.electronic_rate,
            target_rate: f.target_rate,
            meets_target: f.meets_target,
            completed: f.counts.completed,
            completed_on_time: f.counts.completed_on_time,
            on_time_rate: f.on_time_rate,
            overdue_open: f.counts.overdue_open,
        };
        match r.key {
            Key::None => {}
            Key::Agency(id) => {
                row.agency_id = Some(id);
                row.agency_code = d.code;
                row.agency_name = d.name;
                row.head_name = Some(d.head_name);
                row.head_title = Some(d.head_title);
            }
            Key::Procedure(id) => {
                row.procedure_id = Some(id);
                row.procedure_code = d.code;
                row.procedure_name = d.name;
            }
            Key::Channel(c) => row.channel = Some(c),
            Key::Month(m) => row.month = Some(m.format("%Y-%m").to_string()),
        }
        row
    }
}

/// The report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceReport {
    /// First reception date of the scope.
    pub from: NaiveDate,
    /// Last reception date of the scope.
    pub to: NaiveDate,
    /// The date `overdue_open` is judged at.
    pub as_of: NaiveDate,
    /// How rows are grouped.
    pub group_by: String,
    /// The agency narrowing, if any.
    pub agency_id: Option<i64>,
    /// The procedure narrowing, if any.
    pub procedure_id: Option<i64>,
    /// The rows: one for `none`; otherwise one per group with dossiers in scope.
    pub rows: Vec<ComplianceRow>,
}

fn date(errors: &mut Vec<FieldError>, name: &str, value: Option<&str>) -> Option<NaiveDate> {
    let value = value?;
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(name, "must be a date YYYY-MM-DD"));
            None
        }
    }
}

fn id(errors: &mut Vec<FieldError>, name: &str, value: Option<&str>) -> Option<i64> {
    let value = value?;
    match value.parse::<i64>() {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errors.push(FieldError::new(name, "must be a positive integer id"));
            None
        }
    }
}

struct Parsed {
    request: Request,
    order: Option<(OrderBy, bool)>,
}

fn parse(p: &ComplianceParams, today: NaiveDate) -> Result<Parsed, ApiError> {
    let mut errors = Vec::new();
    if p.from.is_none() {
        errors.push(FieldError::new("from", "required"));
    }
    if p.to.is_none() {
        errors.push(FieldError::new("to", "required"));
    }
    let from = date(&mut errors, "from", p.from.as_deref());
    let to = date(&mut errors, "to", p.to.as_deref());
    let as_of = date(&mut errors, "as_of", p.as_of.as_deref()).unwrap_or(today);
    let agency_id = id(&mut errors, "agency_id", p.agency_id.as_deref());
    let procedure_id = id(&mut errors, "procedure_id", p.procedure_id.as_deref());
    let group_by = match p.group_by.as_deref() {
        None => Some(GroupBy::None),
        Some(g) => GroupBy::parse(g).or_else(|| {
            errors.push(FieldError::new(
                "group_by",
                "must be none, agency, procedure, channel or month",
            ));
            None
        }),
    };
    let order_by = match p.order_by.as_deref() {
        None => None,
        Some(o) => OrderBy::parse(o).or_else(|| {
            errors.push(FieldError::new(
                "order_by",
                "must be electronic_rate, on_time_rate, overdue_open or dossiers",
            ));
            None
        }),
    };
    let descending = match p.order.as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            errors.push(FieldError::new("order", "must be asc or desc"));
            true
        }
    };
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push(FieldError::new("from", "must not be after `to`"));
        }
    }
    match (from, to, group_by, errors.is_empty()) {
        (Some(from), Some(to), Some(group_by), true) => Ok(Parsed {
            request: Request {
                from,
                to,
                as_of,
                agency_id,
                procedure_id,
                group_by,
            },
            order: order_by.map(|o| (o, descending)),
        }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Get the compliance report
///
/// Roles: officer, leader, integration, inspector, admin — over the caller's visibility
/// (SPEC §6): a dossier counts when it was received by, is held by, or was transferred to
/// or from an agency the caller sees. `agency_id` narrows to dossiers received by that
/// agency (outside the caller's visibility → 403); `procedure_id` to one procedure version.
/// Send `Accept: text/csv` for the same rows as CSV (UTF-8, header row).
///
/// **Scope**: dossiers whose local reception date (`LIENTHONG_TZ`) lies in `[from, to]`.
///
/// | figure | definition |
/// |---|---|
/// | `dossiers` | dossiers in scope |
/// | `interagency_dossiers` | in scope, filed under a procedure that is `interagency` and `electronic_eligible`, with at least one transfer (any status) |
/// | `electronic_dossiers` | of those, every transfer has `method = electronic` |
/// | `paper_dossiers` | `interagency_dossiers − electronic_dossiers` |
/// | `electronic_rate` | `electronic_dossiers / interagency_dossiers`; null when 0 |
/// | `target_rate` | the target of the latest year ≤ the year of `to` that has one (a `month` row: of its own year); null when none |
/// | `meets_target` | `electronic_rate ≥ target_rate`; null when either is null |
/// | `completed` | in scope with status `completed` |
/// | `completed_on_time` | of those, local completion date ≤ `due_date` |
/// | `on_time_rate` | `completed_on_time / completed`; null when 0 — late open dossiers are not in it, they are `overdue_open` |
/// | `overdue_open` | in scope, open (`received`, `processing`, `in_transfer`, `supplement_requested`), `due_date` before `as_of` (default today) |
///
/// `group_by`: `none` (one row), `agency` (by receiving agency, with its head), `procedure`,
/// `channel`, `month` (of the reception date). Only groups with dossiers in scope are rows.
/// Missing or invalid `from`/`to`, `from` after `to`, or an unknown value → 422 naming the
/// parameter.
#[utoipa::path(
    tag = "stats",
    params(ComplianceParams),
    responses(
        (status = 200, description = "The report", content(
            (ComplianceReport = "application/json"),
            (String = "text/csv", example = "agency_id,agency_code,agency_name,head_name,head_title,dossiers,interagency_dossiers,electronic_dossiers,paper_dossiers,electronic_rate,target_rate,meets_target,completed,completed_on_time,on_time_rate,overdue_open\n2,BTC-TU,Ban Tổ chức Tỉnh ủy,Nguyễn Văn An,Trưởng ban,1240,610,502,108,0.8229508196721311,0.8,true,1105,1021,0.9239819004524887,7\n"),
        )),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/stats/compliance")]
pub async fn get_compliance_stats(
    state: web::Data<AppState>,
    caller: Principal,
    req: HttpRequest,
    params: web::Query<ComplianceParams>,
) -> Result<HttpResponse, ApiError> {
    let today = local_date(now(), state.settings.tz);
    let parsed = parse(&params, today)?;
    if let Some(a) = parsed.request.agency_id {
        if !caller.visibility.contains(a) {
            return Err(ApiError::Forbidden(
                "this agency is outside your visibility".into(),
            ));
        }
    }
    let request = parsed.request.clone();
    let visibility: Visibility = caller.visibility.clone();
    let mut rows = state
        .read(move |conn| {
            if let Some(a) = request.agency_id {
                let exists: Option<i64> = agencies::table
                    .find(a)
                    .select(agencies::id)
                    .first(conn)
                    .optional()?;
                if exists.is_none() {
                    return Err(ApiError::invalid("agency_id", "no agency has this id"));
                }
            }
            if let Some(p) = request.procedure_id {
                let exists: Option<i64> = procedures::table
                    .find(p)
                    .select(procedures::id)
                    .first(conn)
                    .optional()?;
                if exists.is_none() {
                    return Err(ApiError::invalid(
                        "procedure_id",
                        "no procedure has this id",
                    ));
                }
            }
            Ok(compliance::report(conn, &visibility, &request)?)
        })
        .await?;
    if let Some((by, descending)) = parsed.order {
        compliance::rank(&mut rows, by, descending);
    }
    let rows: Vec<ComplianceRow> = rows.into_iter().map(ComplianceRow::from).collect();
    if wants_csv(&req) {
        return csv_response(parsed.request.group_by, &rows);
    }
    Ok(HttpResponse::Ok().json(ComplianceReport {
        from: parsed.request.from,
        to: parsed.request.to,
        as_of: parsed.request.as_of,
        group_by: parsed.request.group_by.as_str().into(),
        agency_id: parsed.request.agency_id,
        procedure_id: parsed.request.procedure_id,
        rows,
    }))
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept.split(',').any(|part| {
                part.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("text/csv")
            })
        })
}

fn csv_response(group_by: GroupBy, rows: &[ComplianceRow]) -> Result<HttpResponse, ApiError> {
    let keys: &[&str] = match group_by {
        GroupBy::None => &[],
        GroupBy::Agency => &[
            "agency_id",
            "agency_code",
            "agency_name",
            "head_name",
            "head_title",
        ],
        GroupBy::Procedure => &["procedure_id", "procedure_code", "procedure_name"],
        GroupBy::Channel => &["channel"],
        GroupBy::Month => &["month"],
    };
    const FIGURES: [&str; 11] = [
        "dossiers",
        "interagency_dossiers",
        "electronic_dossiers",
        "paper_dossiers",
        "electronic_rate",
        "target_rate",
        "meets_target",
        "completed",
        "completed_on_time",
        "on_time_rate",
        "overdue_open",
    ];
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = keys.iter().chain(FIGURES.iter()).copied().collect();
    writer.write_record(&header).map_err(ApiError::internal)?;
    for row in rows {
        let json = serde_json::to_value(row).map_err(ApiError::internal)?;
        let record: Vec<String> = header
            .iter()
            .map(|name| match &json[*name] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        writer.write_record(&record).map_err(ApiError::internal)?;
    }
    let body = writer.into_inner().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"compliance.csv\"",
        ))
        .body(body))
}

/// Registers the report.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_compliance_stats);
}
