//! Filing a dossier (SPEC §4 "At filing").

use super::{calendar, local_date, payloads};
use crate::audit::{self, Actor};
use crate::db::dossiers::{self, DossierRow, NewDossier, NewHistory};
use crate::db::schema::procedures;
use crate::db::stats::{self, Cell, Delta};
use crate::db::{agencies, DbConn};
use crate::domain::dossier::{ApplicantKind, Channel, DossierStatus};
use crate::domain::text::fold;
use crate::error::ApiError;
use crate::events::{self, Audience};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{FixedOffset, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Who applies.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Nguyễn Thị Hoa", "kind": "member", "reference": "ĐV-0123456", "contact": "0274 3822 111"}))]
pub struct Applicant {
    /// Full name of the member or organisation.
    pub name: String,
    /// `member` or `organisation`.
    pub kind: ApplicantKind,
    /// Party card number or organisation reference.
    pub reference: Option<String>,
    /// Phone, e-mail or address.
    pub contact: Option<String>,
}

/// A document handed in with the dossier.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Đơn xin vào Đảng", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "pages": 2}))]
pub struct DocumentRef {
    /// What the document is.
    pub name: String,
    /// SHA-256 of the scanned file, 64 hex digits.
    pub sha256: String,
    /// Number of pages (≥ 1).
    pub pages: u32,
}

/// A validated filing.
#[derive(Clone, Debug)]
pub struct Filing {
    pub procedure_id: i64,
    pub title: String,
    pub applicant: Applicant,
    pub channel: Channel,
    pub documents: Vec<DocumentRef>,
    pub received_at: NaiveDateTime,
    pub agency_id: i64,
}

/// A filed dossier and its lookup key (shown once).
pub struct Filed {
    pub row: DossierRow,
    pub lookup_key: String,
}

/// SHA-256 of a lookup key, as stored.
pub fn hash_lookup_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn new_lookup_key() -> String {
    let mut bytes = [0u8; 15];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Files a dossier at `filing.agency_id`: the procedure must be published
/// and the agency active; the code is `<agency code>-<yymmdd>-<nnnn>`.
pub fn file(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    tz: FixedOffset,
    filing: Filing,
) -> Result<Filed, ApiError> {
    let procedure: Option<(String, i32, bool, bool)> = procedures::table
        .find(filing.procedure_id)
        .select((
            procedures::status,
            procedures::processing_days,
            procedures::interagency,
            procedures::electronic_eligible,
        ))
        .first(conn)
        .optional()?;
    let (processing_days, eligible) = match procedure {
        None => {
            return Err(ApiError::invalid(
                "procedure_id",
                "no procedure has this id",
            ))
        }
        Some((status, ..)) if status != "published" => {
            return Err(ApiError::invalid(
                "procedure_id",
                format!("the procedure is {status}; only published procedures accept dossiers"),
            ))
        }
        Some((_, days, interagency, electronic)) => (days.max(0) as u32, interagency && electronic),
    };
    let agency = match agencies::find(conn, filing.agency_id)? {
        Some(a) if a.active => a,
        _ => {
            return Err(ApiError::invalid(
                "received_agency_id",
                "no active agency has this id",
            ))
        }
    };
    let received_date = local_date(filing.received_at, tz);
    let cal = calendar(conn, received_date, received_date, processing_days)?;
    let due_date = cal.add_working_days(received_date, processing_days);
    let seq = dossiers::next_sequence(conn, agency.id, received_date)?;
    let code = format!(
        "{}-{}-{seq:04}",
        agency.code,
        received_date.format("%y%m%d")
    );
    let lookup_key = new_lookup_key();
    let at = filing.received_at;
    let row = dossiers::insert(
        conn,
        &NewDossier {
            search_text: fold(&format!(
                "{code} {} {}",
                filing.title, filing.applicant.name
            )),
            code,
            procedure_id: filing.procedure_id,
            title: filing.title,
            applicant_name: filing.applicant.name,
            applicant_kind: filing.applicant.kind.as_str().into(),
            applicant_reference: filing.applicant.reference,
            applicant_contact: filing.applicant.contact,
            channel: filing.channel.as_str().into(),
            received_agency_id: agency.id,
            current_agency_id: agency.id,
            status: DossierStatus::Received.as_str().into(),
            received_at: filing.received_at,
            received_date,
            due_date,
            eligible,
            documents: serde_json::to_string(&filing.documents).map_err(ApiError::internal)?,
            lookup_key_hash: hash_lookup_key(&lookup_key),
            version: 1,
            created_by: user_id,
            updated_at: at,
        },
    )?;
    let id = row.id;
    dossiers::add_agency(conn, id, agency.id)?;
    dossiers::add_history(
        conn,
        &NewHistory {
            dossier_id: id,
            action: "file".into(),
            from_status: None,
            to_status: DossierStatus::Received.as_str().into(),
            actor_id: actor.user_id,
            actor_username: actor.username.clone(),
            actor_agency_id: actor.agency_id,
            agency_id: agency.id,
            transfer_id: None,
            note: None,
            at,
        },
    )?;
    stats::bump(
        conn,
        &Cell::of(&row),
        Delta {
            dossiers: 1,
            ..Default::default()
        },
    )?;
    let summary = payloads::received(&row);
    audit::record(
        conn,
        actor,
        "dossier.received",
        "dossier",
        Some(id),
        summary.clone(),
    )?;
    events::emit(
        conn,
        "dossier.received",
        "dossier",
        id,
        Audience::Dossier(id),
        summary,
    )?;
    Ok(Filed { row, lookup_key })
}
