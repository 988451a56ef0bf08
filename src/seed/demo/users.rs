//! The demo users: one of each role, an officer at every agency, and the
//! principals their tokens would carry, for the story's moves.

use super::province::{seed_actor, AgencySpec};
use crate::auth::{Principal, Role, Visibility};
use crate::db::DbConn;
use crate::domain::agency::subtree;
use crate::error::ApiError;
use std::collections::{BTreeSet, HashMap};

/// A demo login.
pub struct DemoUser {
    pub username: &'static str,
    pub password: &'static str,
    pub role: Role,
    /// The agency's code (none for admin and inspector).
    pub agency: Option<&'static str>,
}

/// The users of each role, printed at start. Every other agency also has
/// `officer.<short>` with [`OFFICER_PASSWORD`].
pub const USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        password: "admin-demo-2025",
        role: Role::Admin,
        agency: None,
    },
    DemoUser {
        username: "inspector",
        password: "inspector-demo-2025",
        role: Role::Inspector,
        agency: None,
    },
    DemoUser {
        username: "leader.tu",
        password: "leader-demo-2025",
        role: Role::Leader,
        agency: Some("TU-BD"),
    },
    DemoUser {
        username: "integration.tdm",
        password: "integration-demo-2025",
        role: Role::Integration,
        agency: Some("TU-TDM"),
    },
    DemoUser {
        username: "officer.btc",
        password: OFFICER_PASSWORD,
        role: Role::Officer,
        agency: Some("BTC-TU"),
    },
    DemoUser {
        username: "officer.tdm",
        password: OFFICER_PASSWORD,
        role: Role::Officer,
        agency: Some("TU-TDM"),
    },
    DemoUser {
        username: "leader.tdm",
        password: "leader-demo-2025",
        role: Role::Leader,
        agency: Some("TU-TDM"),
    },
];

/// The password of every demo officer.
pub const OFFICER_PASSWORD: &str = "officer-demo-2025";

/// The agencies' ids by code, and their tree.
pub struct Tree<'a> {
    by_code: &'a HashMap<String, i64>,
    parents: HashMap<i64, Option<i64>>,
}

impl<'a> Tree<'a> {
    pub fn new(specs: &[AgencySpec], by_code: &'a HashMap<String, i64>) -> Self {
        let parents = specs
            .iter()
            .filter_map(|a| {
                let parent = a.parent.as_ref().and_then(|p| by_code.get(p).copied());
                Some((*by_code.get(&a.code)?, parent))
            })
            .collect();
        Self { by_code, parents }
    }
}

/// The demo users, by username, with their ids.
pub struct People {
    ids: HashMap<String, (i64, Role, Option<String>)>,
}

impl People {
    /// The principal a token of this user would carry (SPEC §6).
    pub fn principal(&self, username: &str, tree: &Tree<'_>) -> Result<Principal, String> {
        let (id, role, agency) = self
            .ids
            .get(username)
            .cloned()
            .ok_or_else(|| format!("demo user {username} is missing"))?;
        let agency_id = agency.and_then(|c| tree.by_code.get(&c).copied());
        let visibility = match (role, agency_id) {
            (Role::Admin | Role::Inspector, _) => Visibility::All,
            (Role::Leader, Some(a)) => {
                Visibility::Agencies(subtree(&tree.parents, a).into_iter().collect())
            }
            (_, Some(a)) => Visibility::Agencies(BTreeSet::from([a])),
            (_, None) => Visibility::Agencies(BTreeSet::new()),
        };
        Ok(Principal {
            user_id: id,
            username: username.to_string(),
            role,
            agency_id,
            visibility,
            request_id: None,
        })
    }

    /// Who moves dossiers at an agency: the committee's leader at the root,
    /// the officer everywhere else.
    pub fn mover(&self, code: &str, tree: &Tree<'_>) -> Result<Principal, String> {
        let name = self
            .ids
            .iter()
            .find(|(name, (_, role, agency))| {
                agency.as_deref() == Some(code)
                    && (*role == Role::Officer || (*role == Role::Leader && code == "TU-BD"))
                    && name.as_str() != "leader.tdm"
            })
            .map(|(name, _)| name.clone())
            .ok_or_else(|| format!("no demo user moves dossiers at {code}"))?;
        self.principal(&name, tree)
    }
}

/// Creates the demo users through the same function as `POST /users`; an
/// existing `admin` (made by `LIENTHONG_ADMIN_PASSWORD`) is kept.
pub fn create_users(
    conn: &mut DbConn,
    agencies: &[AgencySpec],
    by_code: &HashMap<String, i64>,
) -> Result<People, ApiError> {
    let mut wanted: Vec<(String, &str, Role, Option<String>)> = USERS
        .iter()
        .map(|u| {
            (
                u.username.to_string(),
                u.password,
                u.role,
                u.agency.map(str::to_string),
            )
        })
        .collect();
    for a in agencies {
        let taken = wanted.iter().any(|(_, _, role, agency)| {
            *role != Role::Leader && agency.as_deref() == Some(a.code.as_str())
        });
        if !taken && a.code != "TU-BD" {
            wanted.push((
                format!("officer.{}", a.short),
                OFFICER_PASSWORD,
                Role::Officer,
                Some(a.code.clone()),
            ));
        }
    }
    let mut ids = HashMap::new();
    for (username, password, role, agency) in wanted {
        let existing = crate::db::users::find_by_username(conn, &username)?;
        let id = match existing {
            Some(user) => user.id,
            None => {
                let agency_id = agency.as_ref().and_then(|c| by_code.get(c).copied());
                let actor = seed_actor();
                crate::routes::users::insert_user(
                    conn,
                    &actor,
                    username.clone(),
                    password,
                    role,
                    agency_id,
                    true,
                )?
                .id
            }
        };
        ids.insert(username, (id, role, agency));
    }
    Ok(People { ids })
}
