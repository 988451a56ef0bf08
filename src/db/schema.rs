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

diesel::table! {
    procedures (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        /// Code and name folded for search (lower case, no diacritics).
        search_text -> Text,
        field -> Text,
        description -> Text,
        legal_basis -> Text,
        lead_agency_id -> BigInt,
        interagency -> Bool,
        electronic_eligible -> Bool,
        processing_days -> Integer,
        /// JSON array of `{name, required, copies}`.
        documents -> Text,
        status -> Text,
        version -> Integer,
        published_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
        supersedes_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    procedure_steps (procedure_id, seq) {
        procedure_id -> BigInt,
        seq -> Integer,
        agency_id -> BigInt,
        action -> Text,
        days -> Integer,
    }
}

diesel::table! {
    holidays (date) {
        date -> Date,
        name -> Text,
    }
}

diesel::table! {
    targets (year) {
        year -> Integer,
        electronic_rate -> Double,
    }
}

diesel::table! {
    chain_head (id) {
        id -> Integer,
        audit_seq -> BigInt,
        audit_hash -> Text,
        event_seq -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_username -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        actor_agency_id -> Nullable<BigInt>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<BigInt>,
        data -> Text,
        request_id -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        at -> Timestamp,
        event_type -> Text,
        entity_type -> Text,
        entity_id -> BigInt,
        public -> Bool,
        payload -> Text,
        /// The dossier a dossier or transfer event is about.
        dossier_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    dossiers (id) {
        id -> BigInt,
        code -> Text,
        procedure_id -> BigInt,
        title -> Text,
        applicant_name -> Text,
        applicant_kind -> Text,
        applicant_reference -> Nullable<Text>,
        applicant_contact -> Nullable<Text>,
        channel -> Text,
        received_agency_id -> BigInt,
        current_agency_id -> BigInt,
        status -> Text,
        outcome -> Nullable<Text>,
        received_at -> Timestamp,
        received_date -> Date,
        due_date -> Date,
        completed_at -> Nullable<Timestamp>,
        completed_date -> Nullable<Date>,
        /// The local date a supplement was requested, while paused.
        paused_since -> Nullable<Date>,
        /// Filed under an inter-agency, electronic-eligible procedure.
        eligible -> Bool,
        transfer_count -> Integer,
        paper_transfer_count -> Integer,
        /// JSON array of `{name, sha256, pages}`.
        documents -> Text,
        search_text -> Text,
        lookup_key_hash -> Text,
        version -> Integer,
        created_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    dossier_agencies (agency_id, dossier_id) {
        dossier_id -> BigInt,
        agency_id -> BigInt,
    }
}

diesel::table! {
    dossier_sequences (agency_id, day) {
        agency_id -> BigInt,
        day -> Date,
        last_seq -> Integer,
    }
}

diesel::table! {
    transfers (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        from_agency_id -> BigInt,
        to_agency_id -> BigInt,
        method -> Text,
        step_seq -> Nullable<Integer>,
        on_process -> Bool,
        note -> Nullable<Text>,
        status -> Text,
        sent_at -> Timestamp,
        sent_by -> BigInt,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    dossier_history (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<BigInt>,
        actor_username -> Nullable<Text>,
        actor_agency_id -> Nullable<BigInt>,
        agency_id -> BigInt,
        transfer_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stats_daily (day, agency_id, procedure_id, channel) {
        day -> Date,
        agency_id -> BigInt,
        procedure_id -> BigInt,
        channel -> Text,
        dossiers -> BigInt,
        interagency -> BigInt,
        electronic -> BigInt,
        completed -> BigInt,
        on_time -> BigInt,
    }
}

diesel::table! {
    stats_monthly (month, agency_id, procedure_id, channel) {
        month -> Date,
        agency_id -> BigInt,
        procedure_id -> BigInt,
        channel -> Text,
        dossiers -> BigInt,
        interagency -> BigInt,
        electronic -> BigInt,
        completed -> BigInt,
        on_time -> BigInt,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(dossiers -> procedures (procedure_id));
diesel::joinable!(transfers -> dossiers (dossier_id));
diesel::joinable!(dossier_history -> dossiers (dossier_id));
diesel::joinable!(dossier_agencies -> dossiers (dossier_id));
diesel::joinable!(procedure_steps -> procedures (procedure_id));
diesel::joinable!(procedure_steps -> agencies (agency_id));
diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    users,
    procedures,
    procedure_steps,
    holidays,
    targets,
    chain_head,
    audit_log,
    events,
    dossiers,
    dossier_agencies,
    dossier_sequences,
    transfers,
    dossier_history,
    idempotency_keys,
    stats_daily,
    stats_monthly,
);

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        owner_id -> BigInt,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        created_at -> Timestamp,
        last_event_id -> BigInt,
        failures -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        delivery_id -> Text,
        event_id -> BigInt,
        event_type -> Text,
        attempt -> Integer,
        succeeded -> Bool,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
        attempted_at -> Timestamp,
        next_attempt_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> users (owner_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries, users);
