//! The change feed (SPEC §8): events written in the same transaction as
//! their change, with ids that increase in commit order (every write
//! transaction holds the chain-head lock, so ids are handed out and
//! committed one transaction at a time).

use crate::clock::now;
use crate::db::schema::{chain_head, dossier_agencies, events};
use crate::db::DbConn;
use crate::error::ApiError;
use diesel::prelude::*;
use serde_json::Value;

/// Who may see an event in the feed.
#[derive(Clone, Copy, Debug)]
pub enum Audience {
    /// Everyone with a token (catalogue changes).
    Everyone,
    /// Whoever sees this dossier (dossier and transfer changes, SPEC §6).
    Dossier(i64),
}

/// Appends an event. Call it inside the change's transaction.
pub fn emit(
    conn: &mut DbConn,
    event_type: &str,
    entity_type: &str,
    entity_id: i64,
    audience: Audience,
    payload: Value,
) -> Result<i64, ApiError> {
    let id: i64 = diesel::update(chain_head::table.find(1))
        .set(chain_head::event_seq.eq(chain_head::event_seq + 1))
        .returning(chain_head::event_seq)
        .get_result(conn)?;
    diesel::insert_into(events::table)
        .values((
            events::id.eq(id),
            events::at.eq(now()),
            events::event_type.eq(event_type),
            events::entity_type.eq(entity_type),
            events::entity_id.eq(entity_id),
            events::public.eq(matches!(audience, Audience::Everyone)),
            events::payload.eq(payload.to_string()),
            events::dossier_id.eq(match audience {
                Audience::Everyone => None,
                Audience::Dossier(d) => Some(d),
            }),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub at: chrono::NaiveDateTime,
    pub event_type: String,
    pub entity_type: String,
    pub entity_id: i64,
    pub public: bool,
    pub payload: String,
    pub dossier_id: Option<i64>,
}

/// Events after `after` that a caller seeing `visible` agencies may see (all when
/// `None`), in id order, `limit + 1` rows at most.
pub fn list(
    conn: &mut DbConn,
    visible: Option<&[i64]>,
    types: Option<&[String]>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    let mut q = events::table
        .select(EventRow::as_select())
        .filter(events::id.gt(after))
        .order(events::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(agencies) = visible {
        q = q.filter(
            events::public.eq(true).or(diesel::dsl::exists(
                dossier_agencies::table
                    .filter(
                        dossier_agencies::dossier_id
                            .nullable()
                            .eq(events::dossier_id),
                    )
                    .filter(dossier_agencies::agency_id.eq_any(agencies.to_vec())),
            )),
        );
    }
    if let Some(types) = types {
        q = q.filter(events::event_type.eq_any(types.to_vec()));
    }
    q.load(conn)
}
