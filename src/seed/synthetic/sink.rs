//! Where generated rows go: bulk tables, the audit chain, feed ids and the
//! compliance counters, flushed in one transaction per batch.

use super::province::Officer;
use crate::audit::AuditRow;
use crate::db::dossiers::{DossierRow, NewHistory};
use crate::db::stats::Delta;
use crate::db::transfers::TransferRow;
use crate::db::DbConn;
use crate::domain::compliance::month_start;
use crate::seed::bulk::{self, Table};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::QueryResult;
use serde_json::Value;
use std::collections::HashMap;

type CellKey = (NaiveDate, i64, i64, String);

/// Generated rows waiting for the next flush, and the running ids.
pub struct Sink {
    pub next_dossier: i64,
    pub next_transfer: i64,
    next_history: i64,
    audit_seq: i64,
    audit_hash: String,
    event_seq: i64,
    /// Last daily sequence number per (agency, day), for dossier codes.
    pub sequences: HashMap<(i64, NaiveDate), i32>,
    touched_sequences: HashMap<(i64, NaiveDate), i32>,
    daily: HashMap<CellKey, Delta>,
    dossiers: Table,
    dossier_agencies: Table,
    transfers: Table,
    history: Table,
    audit: Table,
    events: Table,
    /// Rows written so far, all tables together.
    pub rows_written: u64,
}

const COUNTERS: [&str; 8] = [
    "agency_id",
    "procedure_id",
    "channel",
    "dossiers",
    "interagency",
    "electronic",
    "completed",
    "on_time",
];

fn counter_columns(period: &'static str) -> Vec<&'static str> {
    std::iter::once(period).chain(COUNTERS).collect()
}

impl Sink {
    /// A sink continuing from the database's current ids and chain head.
    pub fn new(
        next_ids: (i64, i64, i64),
        chain: (i64, String, i64),
        sequences: HashMap<(i64, NaiveDate), i32>,
    ) -> Self {
        Self {
            next_dossier: next_ids.0,
            next_transfer: next_ids.1,
            next_history: next_ids.2,
            audit_seq: chain.0,
            audit_hash: chain.1,
            event_seq: chain.2,
            sequences,
            touched_sequences: HashMap::new(),
            daily: HashMap::new(),
            dossiers: Table::new(
                "dossiers",
                &[
                    "id",
                    "code",
                    "procedure_id",
                    "title",
                    "applicant_name",
                    "applicant_kind",
                    "applicant_reference",
                    "applicant_contact",
                    "channel",
                    "received_agency_id",
                    "current_agency_id",
                    "status",
                    "outcome",
                    "received_at",
                    "received_date",
                    "due_date",
                    "completed_at",
                    "completed_date",
                    "paused_since",
                    "eligible",
                    "transfer_count",
                    "paper_transfer_count",
                    "documents",
                    "search_text",
                    "lookup_key_hash",
                    "version",
                    "created_by",
                    "updated_at",
                ],
                "",
            ),
            dossier_agencies: Table::new("dossier_agencies", &["dossier_id", "agency_id"], ""),
            transfers: Table::new(
                "transfers",
                &[
                    "id",
                    "dossier_id",
                    "from_agency_id",
                    "to_agency_id",
                    "method",
                    "step_seq",
                    "on_process",
                    "note",
                    "status",
                    "sent_at",
                    "sent_by",
                    "decided_at",
                    "decided_by",
                    "reason",
                ],
                "",
            ),
            history: Table::new(
                "dossier_history",
                &[
                    "id",
                    "dossier_id",
                    "action",
                    "from_status",
                    "to_status",
                    "actor_id",
                    "actor_username",
                    "actor_agency_id",
                    "agency_id",
                    "transfer_id",
                    "note",
                    "at",
                ],
                "",
            ),
            audit: Table::new(
                "audit_log",
                &[
                    "id",
                    "at",
                    "actor_id",
                    "actor_username",
                    "actor_role",
                    "actor_agency_id",
                    "action",
                    "entity_type",
                    "entity_id",
                    "data",
                    "request_id",
                    "prev_hash",
                    "hash",
                ],
                "",
            ),
            events: Table::new(
                "events",
                &[
                    "id",
                    "at",
                    "event_type",
                    "entity_type",
                    "entity_id",
                    "public",
                    "payload",
                    "dossier_id",
                ],
                "",
            ),
            rows_written: 0,
        }
    }

    /// The next code number of an agency's day.
    pub fn next_sequence(&mut self, agency: i64, day: NaiveDate) -> i32 {
        let seq = self.sequences.entry((agency, day)).or_insert(0);
        *seq += 1;
        self.touched_sequences.insert((agency, day), *seq);
        *seq
    }

    /// Appends an audit entry for `officer` at `agency`.
    pub fn audit(
        &mut self,
        at: NaiveDateTime,
        officer: &Officer,
        agency: i64,
        action: &str,
        entity: (&str, i64),
        data: &Value,
    ) {
        self.audit_seq += 1;
        let mut row = AuditRow {
            id: self.audit_seq,
            at,
            actor_id: Some(officer.user_id),
            actor_username: Some(officer.username.clone()),
            actor_role: Some("officer".into()),
            actor_agency_id: Some(agency),
            action: action.into(),
            entity_type: entity.0.into(),
            entity_id: Some(entity.1),
            data: data.to_string(),
            request_id: None,
            prev_hash: std::mem::take(&mut self.audit_hash),
            hash: String::new(),
        };
        row.hash = row.compute_hash();
        self.audit_hash = row.hash.clone();
        self.audit.push(&[
            row.id.to_string(),
            bulk::timestamp(row.at),
            bulk::opt_int(row.actor_id),
            bulk::opt_text(row.actor_username.as_deref()),
            bulk::opt_text(row.actor_role.as_deref()),
            bulk::opt_int(row.actor_agency_id),
            bulk::text(&row.action),
            bulk::text(&row.entity_type),
            bulk::opt_int(row.entity_id),
            bulk::text(&row.data),
            "NULL".into(),
            bulk::text(&row.prev_hash),
            bulk::text(&row.hash),
        ]);
    }

    /// Appends a feed event about a dossier.
    pub fn event(
        &mut self,
        at: NaiveDateTime,
        event_type: &str,
        entity: (&str, i64),
        dossier: i64,
        payload: &Value,
    ) {
        self.event_seq += 1;
        self.events.push(&[
            self.event_seq.to_string(),
            bulk::timestamp(at),
            bulk::text(event_type),
            bulk::text(entity.0),
            entity.1.to_string(),
            bulk::boolean(false).into(),
            bulk::text(&payload.to_string()),
            dossier.to_string(),
        ]);
    }

    /// Appends a history entry.
    pub fn history(&mut self, entry: &NewHistory) {
        self.next_history += 1;
        self.history.push(&[
            self.next_history.to_string(),
            entry.dossier_id.to_string(),
            bulk::text(&entry.action),
            bulk::opt_text(entry.from_status.as_deref()),
            bulk::text(&entry.to_status),
            bulk::opt_int(entry.actor_id),
            bulk::opt_text(entry.actor_username.as_deref()),
            bulk::opt_int(entry.actor_agency_id),
            entry.agency_id.to_string(),
            bulk::opt_int(entry.transfer_id),
            bulk::opt_text(entry.note.as_deref()),
            bulk::timestamp(entry.at),
        ]);
    }

    /// Queues a dossier in its final state, with the agencies that see it.
    pub fn dossier(&mut self, d: &DossierRow, agencies: &[i64]) {
        self.dossiers.push(&[
            d.id.to_string(),
            bulk::text(&d.code),
            d.procedure_id.to_string(),
            bulk::text(&d.title),
            bulk::text(&d.applicant_name),
            bulk::text(&d.applicant_kind),
            bulk::opt_text(d.applicant_reference.as_deref()),
            bulk::opt_text(d.applicant_contact.as_deref()),
            bulk::text(&d.channel),
            d.received_agency_id.to_string(),
            d.current_agency_id.to_string(),
            bulk::text(&d.status),
            bulk::opt_text(d.outcome.as_deref()),
            bulk::timestamp(d.received_at),
            bulk::date(d.received_date),
            bulk::date(d.due_date),
            bulk::opt_timestamp(d.completed_at),
            bulk::opt_date(d.completed_date),
            bulk::opt_date(d.paused_since),
            bulk::boolean(d.eligible).into(),
            d.transfer_count.to_string(),
            d.paper_transfer_count.to_string(),
            bulk::text(&d.documents),
            bulk::text(&d.search_text),
            bulk::text(&d.lookup_key_hash),
            d.version.to_string(),
            d.created_by.to_string(),
            bulk::timestamp(d.updated_at),
        ]);
        for agency in agencies {
            self.dossier_agencies
                .push(&[d.id.to_string(), agency.to_string()]);
        }
    }

    /// Queues a transfer in its final state.
    pub fn transfer(&mut self, t: &TransferRow) {
        self.transfers.push(&[
            t.id.to_string(),
            t.dossier_id.to_string(),
            t.from_agency_id.to_string(),
            t.to_agency_id.to_string(),
            bulk::text(&t.method),
            bulk::opt_int(t.step_seq.map(i64::from)),
            bulk::boolean(t.on_process).into(),
            bulk::opt_text(t.note.as_deref()),
            bulk::text(&t.status),
            bulk::timestamp(t.sent_at),
            t.sent_by.to_string(),
            bulk::opt_timestamp(t.decided_at),
            bulk::opt_int(t.decided_by),
            bulk::opt_text(t.reason.as_deref()),
        ]);
    }

    /// Adds to a dossier's counter cell.
    pub fn count(&mut self, d: &DossierRow, delta: Delta) {
        let e = self
            .daily
            .entry((
                d.received_date,
                d.received_agency_id,
                d.procedure_id,
                d.channel.clone(),
            ))
            .or_default();
        e.dossiers += delta.dossiers;
        e.interagency += delta.interagency;
        e.electronic += delta.electronic;
        e.completed += delta.completed;
        e.on_time += delta.on_time;
    }

    /// Writes everything queued, the counters and the chain head. Call it
    /// inside one write transaction.
    pub fn flush(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        self.rows_written += [
            &self.dossiers,
            &self.dossier_agencies,
            &self.transfers,
            &self.history,
            &self.audit,
            &self.events,
        ]
        .iter()
        .map(|t| t.len() as u64)
        .sum::<u64>();
        for table in [
            &mut self.dossiers,
            &mut self.dossier_agencies,
            &mut self.transfers,
            &mut self.history,
            &mut self.audit,
            &mut self.events,
        ] {
            table.flush(conn)?;
        }
        let mut monthly: HashMap<CellKey, Delta> = HashMap::new();
        let mut daily = Table::new(
            "stats_daily",
            &counter_columns("day"),
            " ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET \
              dossiers = stats_daily.dossiers + excluded.dossiers, \
              interagency = stats_daily.interagency + excluded.interagency, \
              electronic = stats_daily.electronic + excluded.electronic, \
              completed = stats_daily.completed + excluded.completed, \
              on_time = stats_daily.on_time + excluded.on_time",
        );
        for ((day, agency, procedure, channel), d) in self.daily.drain() {
            let m = monthly
                .entry((month_start(day), agency, procedure, channel.clone()))
                .or_default();
            m.dossiers += d.dossiers;
            m.interagency += d.interagency;
            m.electronic += d.electronic;
            m.completed += d.completed;
            m.on_time += d.on_time;
            daily.push(&counter_values(day, agency, procedure, &channel, &d));
        }
        daily.flush(conn)?;
        let mut months = Table::new(
            "stats_monthly",
            &counter_columns("month"),
            " ON CONFLICT (month, agency_id, procedure_id, channel) DO UPDATE SET \
              dossiers = stats_monthly.dossiers + excluded.dossiers, \
              interagency = stats_monthly.interagency + excluded.interagency, \
              electronic = stats_monthly.electronic + excluded.electronic, \
              completed = stats_monthly.completed + excluded.completed, \
              on_time = stats_monthly.on_time + excluded.on_time",
        );
        for ((month, agency, procedure, channel), d) in monthly {
            months.push(&counter_values(month, agency, procedure, &channel, &d));
        }
        months.flush(conn)?;
        let mut sequences = Table::new(
            "dossier_sequences",
            &["agency_id", "day", "last_seq"],
            " ON CONFLICT (agency_id, day) DO UPDATE SET last_seq = excluded.last_seq",
        );
        for ((agency, day), seq) in self.touched_sequences.drain() {
            sequences.push(&[agency.to_string(), bulk::date(day), seq.to_string()]);
        }
        sequences.flush(conn)?;
        conn.batch_execute(&format!(
            "UPDATE chain_head SET audit_seq = {}, audit_hash = {}, event_seq = {} WHERE id = 1",
            self.audit_seq,
            bulk::text(&self.audit_hash),
            self.event_seq
        ))
    }
}

fn counter_values(
    period: NaiveDate,
    agency: i64,
    procedure: i64,
    channel: &str,
    d: &Delta,
) -> Vec<String> {
    vec![
        bulk::date(period),
        agency.to_string(),
        procedure.to_string(),
        bulk::text(channel),
        d.dossiers.to_string(),
        d.interagency.to_string(),
        d.electronic.to_string(),
        d.completed.to_string(),
        d.on_time.to_string(),
    ]
}
