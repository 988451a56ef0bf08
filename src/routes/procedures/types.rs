//! The procedure catalogue's request and response types.

use crate::clock::utc;
use crate::db::procedures::{ProcedureRow, StepRow};
use crate::domain::procedure::{ProcedureDocument, ProcedureDraft, ProcedureStatus, ProcedureStep};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A catalogued procedure (thủ tục hành chính) with its process and documents.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "code": "TU-BTC-03", "name": "Kết nạp đảng viên", "field": "Tổ chức đảng, đảng viên",
    "description": "Xem xét, kết nạp quần chúng ưu tú vào Đảng Cộng sản Việt Nam.",
    "legal_basis": "Quy định số 24-QĐ/TW ngày 30/7/2021; Hướng dẫn số 01-HD/TW ngày 28/9/2021",
    "lead_agency_id": 5, "interagency": true, "electronic_eligible": true, "processing_days": 30,
    "steps": [
        {"seq": 1, "agency_id": 9, "action": "Đảng ủy cơ sở thẩm định, đề nghị kết nạp", "days": 10},
        {"seq": 2, "agency_id": 6, "action": "Ban Tổ chức Huyện ủy thẩm định hồ sơ", "days": 10},
        {"seq": 3, "agency_id": 5, "action": "Ban Thường vụ Huyện ủy xem xét, ra quyết định kết nạp", "days": 10}
    ],
    "documents": [
        {"name": "Đơn xin vào Đảng", "required": true, "copies": 1},
        {"name": "Lý lịch của người xin vào Đảng", "required": true, "copies": 2},
        {"name": "Giấy giới thiệu người vào Đảng", "required": true, "copies": 2}
    ],
    "status": "published", "version": 2, "published_at": "2025-03-03T02:00:00Z", "retired_at": null,
    "supersedes_id": 4, "created_at": "2025-02-20T08:30:00Z", "updated_at": "2025-03-03T02:00:00Z"
}))]
pub struct ProcedureResponse {
    /// Server-assigned id (one per version).
    pub id: i64,
    /// The procedure's code, shared by all its versions.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// What the procedure is for (may be empty).
    pub description: String,
    /// The regulations it rests on (may be empty).
    pub legal_basis: String,
    /// The agency accountable for the whole procedure.
    pub lead_agency_id: i64,
    /// Whether the process spans several agencies (thủ tục liên thông).
    pub interagency: bool,
    /// Whether its dossiers may be routed electronically.
    pub electronic_eligible: bool,
    /// Time limit in working days.
    pub processing_days: i32,
    /// The process, in order.
    pub steps: Vec<ProcedureStep>,
    /// Documents the applicant hands in.
    pub documents: Vec<ProcedureDocument>,
    /// Where the procedure is in its life.
    pub status: ProcedureStatus,
    /// 1 for the first version of a code; each superseding draft adds one.
    pub version: i32,
    /// When it was published (null for a draft).
    pub published_at: Option<DateTime<Utc>>,
    /// When it was retired (null unless retired).
    pub retired_at: Option<DateTime<Utc>>,
    /// The version this one replaces, if any.
    pub supersedes_id: Option<i64>,
    /// When the procedure was created.
    pub created_at: DateTime<Utc>,
    /// When the procedure last changed.
    pub updated_at: DateTime<Utc>,
}

impl ProcedureResponse {
    /// A stored procedure and its steps as the API shows them.
    pub fn new(row: ProcedureRow, steps: Vec<StepRow>) -> Self {
        Self {
            id: row.id,
            code: row.code,
            name: row.name,
            field: row.field,
            description: row.description,
            legal_basis: row.legal_basis,
            lead_agency_id: row.lead_agency_id,
            interagency: row.interagency,
            electronic_eligible: row.electronic_eligible,
            processing_days: row.processing_days,
            steps: steps.into_iter().map(step_of).collect(),
            documents: documents_of(&row.documents),
            status: ProcedureStatus::parse(&row.status).unwrap_or(ProcedureStatus::Draft),
            version: row.version,
            published_at: row.published_at.map(utc),
            retired_at: row.retired_at.map(utc),
            supersedes_id: row.supersedes_id,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

fn step_of(row: StepRow) -> ProcedureStep {
    ProcedureStep {
        seq: row.seq,
        agency_id: row.agency_id,
        action: row.action,
        days: row.days,
    }
}

fn documents_of(json: &str) -> Vec<ProcedureDocument> {
    // Only this module writes the column, always from a validated list.
    serde_json::from_str(json).unwrap_or_default()
}

/// What a stored procedure holds, as a draft to edit or re-check.
pub fn draft_of(row: &ProcedureRow, steps: Vec<StepRow>) -> ProcedureDraft {
    ProcedureDraft {
        code: row.code.clone(),
        name: row.name.clone(),
        field: row.field.clone(),
        description: row.description.clone(),
        legal_basis: row.legal_basis.clone(),
        lead_agency_id: row.lead_agency_id,
        interagency: row.interagency,
        electronic_eligible: row.electronic_eligible,
        processing_days: row.processing_days,
        steps: steps.into_iter().map(step_of).collect(),
        documents: documents_of(&row.documents),
    }
}

/// A new procedure, created as a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "code": "TU-BTC-21", "name": "Kết nạp lại đảng viên", "field": "Tổ chức đảng, đảng viên",
    "description": "Xem xét, kết nạp lại người từng là đảng viên vào Đảng Cộng sản Việt Nam.",
    "legal_basis": "Quy định số 24-QĐ/TW ngày 30/7/2021; Hướng dẫn số 01-HD/TW ngày 28/9/2021",
    "lead_agency_id": 5, "interagency": true, "electronic_eligible": true, "processing_days": 30,
    "steps": [
        {"seq": 1, "agency_id": 9, "action": "Đảng ủy cơ sở thẩm định, đề nghị kết nạp", "days": 10},
        {"seq": 2, "agency_id": 6, "action": "Ban Tổ chức Huyện ủy thẩm định hồ sơ", "days": 10},
        {"seq": 3, "agency_id": 5, "action": "Ban Thường vụ Huyện ủy xem xét, ra quyết định kết nạp", "days": 10}
    ],
    "documents": [
        {"name": "Đơn xin vào Đảng", "required": true, "copies": 1},
        {"name": "Lý lịch của người xin vào Đảng", "required": true, "copies": 2}
    ]
}))]
pub struct CreateProcedureRequest {
    /// 2–32 upper-case letters, digits or dashes, starting with a letter. A
    /// revision (`supersedes_id`) keeps the code of the version it replaces.
    pub code: String,
    /// Name (1–255 characters).
    pub name: String,
    /// Field (lĩnh vực, 1–255 characters).
    pub field: String,
    /// What the procedure is for (up to 10 000 characters).
    pub description: Option<String>,
    /// The regulations it rests on (up to 2 000 characters).
    pub legal_basis: Option<String>,
    /// The accountable agency; must exist and be active.
    pub lead_agency_id: i64,
    /// Whether the process spans several agencies; requires steps in at least two.
    pub interagency: bool,
    /// Whether its dossiers may be routed electronically.
    pub electronic_eligible: bool,
    /// Time limit in working days (1–365); the steps' days may not add up to more.
    pub processing_days: i32,
    /// The process: at least one step, numbered 1 to n in order.
    pub steps: Vec<ProcedureStep>,
    /// Documents the applicant hands in (default none).
    #[serde(default)]
    pub documents: Vec<ProcedureDocument>,
    /// To revise a published procedure: its id. The draft gets the next version,
    /// and publishing it retires the procedure it supersedes.
    pub supersedes_id: Option<i64>,
}

impl CreateProcedureRequest {
    /// The editable part of the request.
    pub fn draft(&self) -> ProcedureDraft {
        ProcedureDraft {
            code: self.code.clone(),
            name: self.name.clone(),
            field: self.field.clone(),
            description: self.description.clone().unwrap_or_default(),
            legal_basis: self.legal_basis.clone().unwrap_or_default(),
            lead_agency_id: self.lead_agency_id,
            interagency: self.interagency,
            electronic_eligible: self.electronic_eligible,
            processing_days: self.processing_days,
            steps: self.steps.clone(),
            documents: self.documents.clone(),
        }
    }
}

/// Changes to a draft: only the fields sent change; `steps` and `documents`,
/// when sent, replace the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "processing_days": 25,
    "steps": [
        {"seq": 1, "agency_id": 9, "action": "Đảng ủy cơ sở thẩm định, đề nghị kết nạp", "days": 10},
        {"seq": 2, "agency_id": 5, "action": "Ban Thường vụ Huyện ủy xem xét, ra quyết định kết nạp", "days": 15}
    ]
}))]
pub struct UpdateProcedureRequest {
    /// New code (a revision must keep the code of the version it replaces).
    pub code: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New field.
    pub field: Option<String>,
    /// New description (`""` clears it).
    pub description: Option<String>,
    /// New legal basis (`""` clears it).
    pub legal_basis: Option<String>,
    /// New accountable agency.
    pub lead_agency_id: Option<i64>,
    /// Inter-agency or not.
    pub interagency: Option<bool>,
    /// Electronic-eligible or not.
    pub electronic_eligible: Option<bool>,
    /// New time limit.
    pub processing_days: Option<i32>,
    /// The whole new process.
    pub steps: Option<Vec<ProcedureStep>>,
    /// The whole new document list.
    pub documents: Option<Vec<ProcedureDocument>>,
}

impl UpdateProcedureRequest {
    /// `current` with this request's changes applied.
    pub fn apply(self, current: &ProcedureDraft) -> ProcedureDraft {
        let current = current.clone();
        ProcedureDraft {
            code: self.code.unwrap_or(current.code),
            name: self.name.unwrap_or(current.name),
            field: self.field.unwrap_or(current.field),
            description: self.description.unwrap_or(current.description),
            legal_basis: self.legal_basis.unwrap_or(current.legal_basis),
            lead_agency_id: self.lead_agency_id.unwrap_or(current.lead_agency_id),
            interagency: self.interagency.unwrap_or(current.interagency),
            electronic_eligible: self
                .electronic_eligible
                .unwrap_or(current.electronic_eligible),
            processing_days: self.processing_days.unwrap_or(current.processing_days),
            steps: self.steps.unwrap_or(current.steps),
            documents: self.documents.unwrap_or(current.documents),
        }
    }
}

/// Filters of the procedure list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureFilterParams {
    /// Words of the code or name, ignoring case and Vietnamese diacritics
    /// (`ket nap dang vien` finds `Kết nạp đảng viên`); up to 200 characters.
    #[param(example = "ket nap dang vien")]
    pub q: Option<String>,
    /// Exact field (lĩnh vực).
    #[param(example = "Tổ chức đảng, đảng viên")]
    pub field: Option<String>,
    /// Procedures led by this agency or with a step in it.
    pub agency_id: Option<i64>,
    /// Inter-agency procedures only (`true`) or the others (`false`).
    pub interagency: Option<bool>,
    /// Only this status. Anonymous callers see published procedures only.
    pub status: Option<ProcedureStatus>,
}
