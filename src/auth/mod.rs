//! Identity and access: roles, tokens, passwords, the caller's principal.

pub mod password;
pub mod principal;
pub mod throttle;
pub mod token;

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

pub use principal::{MaybePrincipal, Principal, Visibility};

/// What a user may do (SPEC §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages agencies, procedures, users, targets and holidays; sees everything.
    Admin,
    /// Heads an agency: sees it and every agency below it; moves dossiers.
    Leader,
    /// Works at an agency: files and moves its dossiers.
    Officer,
    /// Reads everything, including the audit log; changes nothing.
    Inspector,
    /// Another system filing and reading dossiers for one agency.
    Integration,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Leader,
        Role::Officer,
        Role::Inspector,
        Role::Integration,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Officer => "officer",
            Role::Inspector => "inspector",
            Role::Integration => "integration",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether users of this role belong to one agency.
    pub fn needs_agency(self) -> bool {
        matches!(self, Role::Leader | Role::Officer | Role::Integration)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s).ok_or_else(|| {
            format!("unknown role `{s}` (admin, leader, officer, inspector, integration)")
        })
    }
}
