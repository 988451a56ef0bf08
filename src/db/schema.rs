//! Table definitions shared by both engines (written by hand: the same
//! declarations must hold for SQLite and PostgreSQL).

diesel::table! {
    agencies (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        parent_id -> Nullable<BigInt>,
        level -> Text,
        head_name -> Nullable<Text>,
        head_title -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        agency_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::allow_tables_to_appear_in_same_query!(agencies, users);
