//! Procedures: their status, their process (steps) and the rules a draft must
//! satisfy before it can be stored or published (SPEC §3).

use crate::domain::text;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// Longest time limit a procedure may have, in working days.
pub const MAX_PROCESSING_DAYS: i32 = 365;
/// Most steps a process may have.
pub const MAX_STEPS: usize = 100;
/// Most documents a procedure may require.
pub const MAX_DOCUMENTS: usize = 100;
/// Most copies of one document.
pub const MAX_COPIES: i32 = 100;

/// Where a procedure is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStatus {
    /// Being written: editable, visible to authenticated users only.
    Draft,
    /// Frozen and public; dossiers can be filed under it.
    Published,
    /// Withdrawn from use (by hand, or superseded by a newer version).
    Retired,
}

/// A move in a procedure's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcedureAction {
    /// `draft → published`.
    Publish,
    /// `published → retired`.
    Retire,
}

impl ProcedureStatus {
    /// Every status.
    pub const ALL: [ProcedureStatus; 3] = [Self::Draft, Self::Published, Self::Retired];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Retired => "retired",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Only drafts can be edited; publishing freezes a procedure.
    pub fn is_editable(self) -> bool {
        self == Self::Draft
    }

    /// The status `action` leads to, or `None` when it is not allowed from here.
    pub fn after(self, action: ProcedureAction) -> Option<Self> {
        match (self, action) {
            (Self::Draft, ProcedureAction::Publish) => Some(Self::Published),
            (Self::Published, ProcedureAction::Retire) => Some(Self::Retired),
            _ => None,
        }
    }
}

impl std::fmt::Display for ProcedureStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One agency's part of a procedure's process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"seq": 1, "agency_id": 7, "action": "Chi bộ xét, đề nghị kết nạp", "days": 5}))]
pub struct ProcedureStep {
    /// Position in the process: steps are numbered 1 to n, in order, without gaps.
    pub seq: i32,
    /// The agency that carries out the step; must exist and be active.
    pub agency_id: i64,
    /// What the agency does (up to 1000 characters). A step without an action
    /// is accepted, but its process does not count as complete in the
    /// catalogue figures.
    #[serde(default)]
    pub action: String,
    /// Working days the step may take (0–365). A step with 0 days is accepted,
    /// but its process does not count as complete in the catalogue figures.
    pub days: i32,
}

/// A document the applicant must (or may) hand in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Đơn xin vào Đảng", "required": true, "copies": 1}))]
pub struct ProcedureDocument {
    /// The document's name (1–255 characters).
    pub name: String,
    /// Whether the dossier is incomplete without it (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// How many copies (1–100, default 1).
    #[serde(default = "one")]
    pub copies: i32,
}

fn yes() -> bool {
    true
}

fn one() -> i32 {
    1
}

/// Everything an editor sets on a procedure: what a draft holds, checked as a
/// whole because several rules span fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcedureDraft {
    /// Shared by every version of the procedure.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// What the procedure is for; empty when none.
    pub description: String,
    /// The regulations it rests on; empty when none.
    pub legal_basis: String,
    /// The accountable agency.
    pub lead_agency_id: i64,
    /// Whether the process spans several agencies.
    pub interagency: bool,
    /// Whether its dossiers may be routed electronically.
    pub electronic_eligible: bool,
    /// Time limit in working days.
    pub processing_days: i32,
    /// The process, in order.
    pub steps: Vec<ProcedureStep>,
    /// Documents the applicant hands in.
    pub documents: Vec<ProcedureDocument>,
}

impl ProcedureDraft {
    /// Checks every rule that needs no database and returns the draft with its
    /// texts trimmed, or every broken rule, each naming its field.
    pub fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>, fallback: String| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                fallback
            }
        };
        let code = keep(text::code("code", &self.code), self.code.clone());
        let name = keep(text::required_text("name", &self.name, 255), self.name);
        let field = keep(text::required_text("field", &self.field, 255), self.field);
        let description = keep(
            optional("description", &self.description, 10_000),
            self.description,
        );
        let legal_basis = keep(
            optional("legal_basis", &self.legal_basis, 2_000),
            self.legal_basis,
        );
        let steps: Vec<ProcedureStep> = self
            .steps
            .into_iter()
            .map(|s| ProcedureStep {
                action: s.action.trim().to_string(),
                ..s
            })
            .collect();
        let documents: Vec<ProcedureDocument> = self
            .documents
            .into_iter()
            .map(|d| ProcedureDocument {
                name: d.name.trim().to_string(),
                ..d
            })
            .collect();
        errors.extend(process_errors(
            self.processing_days,
            self.interagency,
            &steps,
        ));
        errors.extend(document_errors(&documents));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            code,
            name,
            field,
            description,
            legal_basis,
            steps,
            documents,
            ..self
        })
    }

    /// Every agency the draft refers to, with the field that refers to it.
    pub fn agency_references(&self) -> Vec<(String, i64)> {
        let mut refs = vec![("lead_agency_id".to_string(), self.lead_agency_id)];
        refs.extend(
            self.steps
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("steps[{i}].agency_id"), s.agency_id)),
        );
        refs
    }

    /// What `q` searches: the code and name, folded (no case, no diacritics).
    pub fn search_text(&self) -> String {
        text::fold(&format!("{} {}", self.code, self.name))
    }
}

fn optional(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    text::optional_text(field, Some(value), max).map(Option::unwrap_or_default)
}

/// The rules of a process: a time limit of 1 to 365 working days; at least
/// one step; steps numbered 1..n in order; each step's days within 0..=365
/// and its action at most 1000 characters; the steps' days adding up to no
/// more than the time limit; an inter-agency procedure spanning at least two
/// distinct agencies.
pub fn process_errors(
    processing_days: i32,
    interagency: bool,
    steps: &[ProcedureStep],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let limit_ok = (1..=MAX_PROCESSING_DAYS).contains(&processing_days);
    if !limit_ok {
        errors.push(FieldError::new(
            "processing_days",
            format!("must be from 1 to {MAX_PROCESSING_DAYS} working days"),
        ));
    }
    if steps.is_empty() {
        errors.push(FieldError::new(
            "steps",
            "a process needs at least one step",
        ));
        return errors;
    }
    if steps.len() > MAX_STEPS {
        errors.push(FieldError::new(
            "steps",
            format!("at most {MAX_STEPS} steps"),
        ));
        return errors;
    }
    let mut days_ok = true;
    for (i, step) in steps.iter().enumerate() {
        let expected = i as i32 + 1;
        if step.seq != expected {
            errors.push(FieldError::new(
                format!("steps[{i}].seq"),
                format!("must be {expected}: steps are numbered 1 to n, in order, without gaps"),
            ));
        }
        if !(0..=MAX_PROCESSING_DAYS).contains(&step.days) {
            days_ok = false;
            errors.push(FieldError::new(
                format!("steps[{i}].days"),
                format!("must be from 0 to {MAX_PROCESSING_DAYS} working days"),
            ));
        }
        if step.action.chars().count() > 1000 {
            errors.push(FieldError::new(
                format!("steps[{i}].action"),
                "must be at most 1000 characters",
            ));
        }
    }
    let total: i64 = steps.iter().map(|s| i64::from(s.days)).sum();
    if days_ok && limit_ok && total > i64::from(processing_days) {
        errors.push(FieldError::new(
            "steps",
            format!(
                "the steps take {total} working days in all, more than processing_days ({processing_days})"
            ),
        ));
    }
    let agencies: BTreeSet<i64> = steps.iter().map(|s| s.agency_id).collect();
    if interagency && agencies.len() < 2 {
        errors.push(FieldError::new(
            "interagency",
            "an inter-agency procedure needs steps in at least two distinct agencies",
        ));
    }
    errors
}

/// The rules of the document list: at most 100; each named (1–255
/// characters), with 1 to 100 copies.
pub fn document_errors(documents: &[ProcedureDocument]) -> Vec<FieldError> {
    if documents.len() > MAX_DOCUMENTS {
        return vec![FieldError::new(
            "documents",
            format!("at most {MAX_DOCUMENTS} documents"),
        )];
    }
    let mut errors = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        if let Err(e) = text::required_text(&format!("documents[{i}].name"), &doc.name, 255) {
            errors.push(e);
        }
        if !(1..=MAX_COPIES).contains(&doc.copies) {
            errors.push(FieldError::new(
                format!("documents[{i}].copies"),
                format!("must be from 1 to {MAX_COPIES}"),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(seq: i32, agency_id: i64, days: i32) -> ProcedureStep {
        ProcedureStep {
            seq,
            agency_id,
            action: "Thẩm định hồ sơ".into(),
            days,
        }
    }

    fn draft() -> ProcedureDraft {
        ProcedureDraft {
            code: "TU-BTC-03".into(),
            name: "Kết nạp đảng viên".into(),
            field: "Tổ chức đảng, đảng viên".into(),
            description: String::new(),
            legal_basis: "Quy định 24-QĐ/TW".into(),
            lead_agency_id: 1,
            interagency: true,
            electronic_eligible: true,
            processing_days: 20,
            steps: vec![step(1, 1, 5), step(2, 2, 10)],
            documents: vec![ProcedureDocument {
                name: "Đơn xin vào Đảng".into(),
                required: true,
                copies: 1,
            }],
        }
    }

    fn fields(draft: ProcedureDraft) -> Vec<String> {
        match draft.validate() {
            Ok(_) => vec![],
            Err(errors) => errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn statuses_round_trip_and_only_allowed_moves_happen() {
        for s in ProcedureStatus::ALL {
            assert_eq!(ProcedureStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ProcedureStatus::parse("open"), None);
        use ProcedureAction::*;
        use ProcedureStatus::*;
        assert_eq!(Draft.after(Publish), Some(Published));
        assert_eq!(Published.after(Retire), Some(Retired));
        for (status, action) in [
            (Draft, Retire),
            (Published, Publish),
            (Retired, Publish),
            (Retired, Retire),
        ] {
            assert_eq!(status.after(action), None, "{status} {action:?}");
        }
        assert!(Draft.is_editable());
        assert!(!Published.is_editable() && !Retired.is_editable());
    }

    #[test]
    fn a_sound_draft_passes_with_its_texts_trimmed() {
        let mut d = draft();
        d.name = "  Kết nạp đảng viên ".into();
        d.steps[0].action = " Chi bộ xét ".into();
        let ok = d.validate().unwrap();
        assert_eq!(ok.name, "Kết nạp đảng viên");
        assert_eq!(ok.steps[0].action, "Chi bộ xét");
        assert_eq!(ok.search_text(), "tu-btc-03 ket nap dang vien");
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        type Edit = fn(&mut ProcedureDraft);
        let cases: Vec<(&str, Edit, Vec<&str>)> = vec![
            ("no steps", |d| d.steps.clear(), vec!["steps"]),
            ("a gap in seq", |d| d.steps[1].seq = 3, vec!["steps[1].seq"]),
            (
                "seq out of order",
                |d| {
                    d.steps[0].seq = 2;
                    d.steps[1].seq = 1;
                },
                vec!["steps[0].seq", "steps[1].seq"],
            ),
            (
                "seq starting at 0",
                |d| {
                    d.steps[0].seq = 0;
                    d.steps[1].seq = 1;
                },
                vec!["steps[0].seq", "steps[1].seq"],
            ),
            (
                "steps longer than the time limit",
                |d| d.steps[1].days = 16,
                vec!["steps"],
            ),
            (
                "zero processing days",
                |d| d.processing_days = 0,
                vec!["processing_days"],
            ),
            (
                "too many processing days",
                |d| d.processing_days = 366,
                vec!["processing_days"],
            ),
            (
                "negative step days",
                |d| d.steps[0].days = -1,
                vec!["steps[0].days"],
            ),
            (
                "inter-agency in one agency",
                |d| d.steps[1].agency_id = 1,
                vec!["interagency"],
            ),
            ("bad code", |d| d.code = "tu btc".into(), vec!["code"]),
            ("blank name", |d| d.name = " ".into(), vec!["name"]),
            ("blank field", |d| d.field = String::new(), vec!["field"]),
            (
                "unnamed document",
                |d| d.documents[0].name = " ".into(),
                vec!["documents[0].name"],
            ),
            (
                "zero copies",
                |d| d.documents[0].copies = 0,
                vec!["documents[0].copies"],
            ),
        ];
        for (description, edit, expected) in cases {
            let mut d = draft();
            edit(&mut d);
            assert_eq!(fields(d), expected, "{description}");
        }
    }

    #[test]
    fn edge_values_are_accepted() {
        let mut exact = draft();
        exact.steps[1].days = 15;
        assert!(exact.validate().is_ok(), "days adding up to the limit");

        let mut single = draft();
        single.interagency = false;
        single.steps = vec![step(1, 1, 0)];
        single.steps[0].action.clear();
        assert!(
            single.validate().is_ok(),
            "one agency, zero days, no action"
        );
    }

    #[test]
    fn agency_references_name_their_fields() {
        assert_eq!(
            draft().agency_references(),
            vec![
                ("lead_agency_id".to_string(), 1),
                ("steps[0].agency_id".to_string(), 1),
                ("steps[1].agency_id".to_string(), 2),
            ]
        );
    }
}
