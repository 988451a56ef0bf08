//! The agencies, procedures and officers synthetic dossiers are filed with:
//! those already in the database, or a synthetic province when it is empty.

use crate::audit::{self, Actor};
use crate::auth::Role;
use crate::clock::now;
use crate::db::procedures::{self, NewProcedure, StepRow};
use crate::db::schema::{agencies, procedures as procedures_table, users};
use crate::db::{agencies as agency_store, DbConn};
use crate::domain::text::fold;
use crate::error::ApiError;
use crate::workflow::catalogue;
use diesel::prelude::*;
use serde_json::json;
use std::collections::HashMap;

/// A published procedure as the generator needs it.
#[derive(Clone, Debug)]
pub struct Procedure {
    pub id: i64,
    pub processing_days: u32,
    /// Inter-agency and electronic-eligible.
    pub eligible: bool,
    /// Step agencies in order.
    pub steps: Vec<(i32, i64)>,
}

/// An officer who acts for an agency.
#[derive(Clone, Debug)]
pub struct Officer {
    pub user_id: i64,
    pub username: String,
}

/// What dossiers are filed with.
pub struct Province {
    /// Agencies that receive dossiers: (id, code).
    pub desks: Vec<(i64, String)>,
    pub procedures: Vec<Procedure>,
    pub officers: HashMap<i64, Officer>,
}

const BOARDS: [(&str, &str); 7] = [
    ("VP-TU", "Văn phòng Tỉnh ủy"),
    ("BTC-TU", "Ban Tổ chức Tỉnh ủy"),
    ("UBKT-TU", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("BTG-TU", "Ban Tuyên giáo Tỉnh ủy"),
    ("BDV-TU", "Ban Dân vận Tỉnh ủy"),
    ("BNC-TU", "Ban Nội chính Tỉnh ủy"),
    ("DUK-TU", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"),
];

const DISTRICTS: [(&str, &str); 9] = [
    ("TU-TDM", "Thành ủy Thủ Dầu Một"),
    ("TU-DA", "Thành ủy Dĩ An"),
    ("TU-TA", "Thành ủy Thuận An"),
    ("TU-TUY", "Thành ủy Tân Uyên"),
    ("TU-BC", "Thành ủy Bến Cát"),
    ("HU-BB", "Huyện ủy Bàu Bàng"),
    ("HU-BTU", "Huyện ủy Bắc Tân Uyên"),
    ("HU-PG", "Huyện ủy Phú Giáo"),
    ("HU-DT", "Huyện ủy Dầu Tiếng"),
];

fn system() -> Actor {
    Actor {
        username: Some("seed".into()),
        ..Default::default()
    }
}

fn agency(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    parent: Option<i64>,
    level: &str,
) -> Result<i64, ApiError> {
    let at = now();
    let row = agency_store::insert(
        conn,
        &agency_store::NewAgency {
            code: code.into(),
            name: name.into(),
            parent_id: parent,
            level: level.into(),
            head_name: None,
            head_title: None,
            active: true,
            created_at: at,
            updated_at: at,
        },
    )?;
    audit::record(
        conn,
        &system(),
        "agency.created",
        "agency",
        Some(row.id),
        json!({"after": {"code": code, "name": name}}),
    )?;
    Ok(row.id)
}

fn create_agencies(conn: &mut DbConn) -> Result<(), ApiError> {
    let root = agency(conn, "TU-BD", "Tỉnh ủy Bình Dương", None, "province")?;
    for (code, name) in BOARDS {
        agency(conn, code, name, Some(root), "province")?;
    }
    for (code, name) in DISTRICTS {
        let district = agency(conn, code, name, Some(root), "district")?;
        for n in 1..=2 {
            let short = code.split('-').nth(1).unwrap_or(code);
            agency(
                conn,
                &format!("DU-{short}-{n:02}"),
                &format!("Đảng ủy phường {n} ({name})"),
                Some(district),
                "grassroots",
            )?;
        }
    }
    Ok(())
}

fn create_procedures(conn: &mut DbConn, ids: &HashMap<String, i64>) -> Result<(), ApiError> {
    let id = |code: &str| {
        ids.get(code)
            .copied()
            .ok_or_else(|| ApiError::internal(format!("agency {code} missing")))
    };
    // (code, name, processing days, electronic eligible, step agencies)
    let catalogue: [(&str, &str, i32, bool, &[&str]); 12] = [
        (
            "SYN-01",
            "Kết nạp đảng viên",
            30,
            true,
            &["TU-TDM", "BTC-TU", "VP-TU"],
        ),
        (
            "SYN-02",
            "Công nhận đảng viên chính thức",
            20,
            true,
            &["TU-TDM", "BTC-TU"],
        ),
        (
            "SYN-03",
            "Chuyển sinh hoạt đảng chính thức",
            10,
            true,
            &["BTC-TU", "TU-DA"],
        ),
        (
            "SYN-04",
            "Chuyển sinh hoạt đảng tạm thời",
            5,
            true,
            &["BTC-TU", "TU-TA"],
        ),
        (
            "SYN-05",
            "Cấp lại thẻ đảng viên",
            15,
            true,
            &["TU-BC", "BTC-TU"],
        ),
        (
            "SYN-06",
            "Xét tặng Huy hiệu Đảng",
            20,
            true,
            &["TU-TUY", "BTC-TU", "VP-TU"],
        ),
        (
            "SYN-07",
            "Khen thưởng tổ chức đảng",
            20,
            false,
            &["DUK-TU", "VP-TU"],
        ),
        (
            "SYN-08",
            "Giải quyết khiếu nại kỷ luật đảng",
            30,
            true,
            &["UBKT-TU", "VP-TU"],
        ),
        (
            "SYN-09",
            "Giải quyết tố cáo đảng viên",
            30,
            true,
            &["UBKT-TU", "BNC-TU"],
        ),
        (
            "SYN-10",
            "Xác nhận lý lịch đảng viên",
            5,
            false,
            &["BTC-TU"],
        ),
        (
            "SYN-11",
            "Đổi thẻ đảng viên",
            10,
            true,
            &["HU-PG", "BTC-TU"],
        ),
        (
            "SYN-12",
            "Thẩm định tuyên truyền",
            7,
            true,
            &["BTG-TU", "BDV-TU"],
        ),
    ];
    for (code, name, days, electronic, step_codes) in catalogue {
        let at = now();
        let interagency = step_codes.len() > 1;
        let row = procedures::insert(
            conn,
            &NewProcedure {
                code: code.into(),
                name: name.into(),
                search_text: fold(&format!("{code} {name}")),
                field: "Tổ chức đảng".into(),
                description: format!("{name} (synthetic)"),
                legal_basis: String::new(),
                lead_agency_id: id(step_codes[0])?,
                interagency,
                electronic_eligible: electronic,
                processing_days: days,
                documents: "[]".into(),
                status: "draft".into(),
                version: 1,
                supersedes_id: None,
                created_at: at,
                updated_at: at,
            },
        )?;
        let per_step = days / step_codes.len() as i32;
        let steps: Vec<StepRow> = step_codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(StepRow {
                    procedure_id: row.id,
                    seq: i as i32 + 1,
                    agency_id: id(c)?,
                    action: format!("Bước {}", i + 1),
                    days: per_step,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        procedures::replace_steps(conn, row.id, &steps)?;
        catalogue::publish(conn, &system(), row.id, at)?;
    }
    Ok(())
}

/// Loads (creating when the database is empty) the province to file into.
pub fn prepare(conn: &mut DbConn) -> Result<Province, ApiError> {
    let count: i64 = agencies::table.count().get_result(conn)?;
    if count == 0 {
        create_agencies(conn)?;
    }
    let all: Vec<(i64, String, String, bool)> = agencies::table
        .select((
            agencies::id,
            agencies::code,
            agencies::level,
            agencies::active,
        ))
        .order(agencies::id.asc())
        .load(conn)?;
    let ids: HashMap<String, i64> = all
        .iter()
        .map(|(id, code, ..)| (code.clone(), *id))
        .collect();
    let published: i64 = procedures_table::table
        .filter(procedures_table::status.eq("published"))
        .count()
        .get_result(conn)?;
    if published == 0 {
        create_procedures(conn, &ids)?;
    }
    let rows: Vec<(i64, i32, bool, bool)> = procedures_table::table
        .filter(procedures_table::status.eq("published"))
        .select((
            procedures_table::id,
            procedures_table::processing_days,
            procedures_table::interagency,
            procedures_table::electronic_eligible,
        ))
        .order(procedures_table::id.asc())
        .load(conn)?;
    let ids_only: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut steps = procedures::steps_of(conn, &ids_only)?;
    let procedures = rows
        .into_iter()
        .map(|(id, days, interagency, electronic)| Procedure {
            id,
            processing_days: days.max(1) as u32,
            eligible: interagency && electronic,
            steps: steps
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| (s.seq, s.agency_id))
                .collect(),
        })
        .collect();
    let active: Vec<&(i64, String, String, bool)> = all.iter().filter(|a| a.3).collect();
    let mut officers = HashMap::new();
    for (id, code, ..) in &active {
        let existing: Option<(i64, String)> = users::table
            .filter(users::agency_id.eq(*id))
            .filter(users::role.eq("officer"))
            .filter(users::active.eq(true))
            .select((users::id, users::username))
            .first(conn)
            .optional()?;
        let officer = match existing {
            Some((user_id, username)) => Officer { user_id, username },
            None => {
                let username = format!("synthetic.{}", code.to_lowercase());
                let password: String = uuid::Uuid::new_v4().simple().to_string();
                let row = crate::routes::users::insert_user(
                    conn,
                    &system(),
                    username.clone(),
                    &password,
                    Role::Officer,
                    Some(*id),
                    true,
                )?;
                Officer {
                    user_id: row.id,
                    username,
                }
            }
        };
        officers.insert(*id, officer);
    }
    let desks = active
        .iter()
        .filter(|a| a.2 != "province" || a.1 != "TU-BD")
        .map(|a| (a.0, a.1.clone()))
        .collect();
    Ok(Province {
        desks,
        procedures,
        officers,
    })
}
