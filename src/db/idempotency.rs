//! Stored answers of requests made with an `Idempotency-Key`.

use super::schema::idempotency_keys;
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A stored answer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredAnswer {
    pub user_id: i64,
    pub idempotency_key: String,
    pub request_hash: String,
    pub status_code: i32,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// The answer stored for a user's key, if any.
pub fn find(conn: &mut DbConn, user: i64, key: &str) -> QueryResult<Option<StoredAnswer>> {
    idempotency_keys::table
        .find((user, key))
        .select(StoredAnswer::as_select())
        .first(conn)
        .optional()
}

/// Stores an answer.
pub fn insert(conn: &mut DbConn, answer: &StoredAnswer) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(answer)
        .execute(conn)
        .map(|_| ())
}

/// Forgets answers stored before `before`.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)
}
