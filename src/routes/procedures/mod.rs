//! `/procedures`: the procedure catalogue — processes, versions and
//! publication (SPEC §3).
//!
//! A procedure is born a draft, is frozen when published, and is changed only
//! by a new draft that supersedes it: publishing that draft retires the old
//! version in the same transaction, so dossiers filed earlier keep pointing
//! at the version they were filed under.

mod checks;
mod lifecycle;
mod read;
mod types;
mod write;

pub use lifecycle::{publish_procedure, retire_procedure};
pub use read::{get_procedure, list_procedures};
pub use types::{
    CreateProcedureRequest, ProcedureFilterParams, ProcedureResponse, UpdateProcedureRequest,
};
pub use write::{create_procedure, update_procedure};

/// Registers the procedure operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_procedures)
        .service(create_procedure)
        .service(get_procedure)
        .service(update_procedure)
        .service(publish_procedure)
        .service(retire_procedure);
}
