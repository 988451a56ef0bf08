//! The caller: who they are, what role, what they can see (SPEC §6).

use crate::auth::Role;
use crate::db::{agencies, users};
use crate::domain::agency::subtree;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use std::collections::BTreeSet;

/// The agencies a principal can see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every agency (admin, inspector).
    All,
    /// These agencies only.
    Agencies(BTreeSet<i64>),
}

impl Visibility {
    /// Whether `agency` is visible.
    pub fn contains(&self, agency: i64) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Agencies(set) => set.contains(&agency),
        }
    }

    /// The visible agency ids, or `None` for all.
    pub fn ids(&self) -> Option<Vec<i64>> {
        match self {
            Visibility::All => None,
            Visibility::Agencies(set) => Some(set.iter().copied().collect()),
        }
    }
}

/// An authenticated caller, read from a valid bearer token whose user still
/// exists and is active. As an extractor it answers 401 without one.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The user's id.
    pub user_id: i64,
    /// The user's name.
    pub username: String,
    /// The user's current role.
    pub role: Role,
    /// The user's agency (none for admin and inspector).
    pub agency_id: Option<i64>,
    /// What the user can see.
    pub visibility: Visibility,
    /// The request's `X-Request-Id`, for the audit log.
    pub request_id: Option<String>,
}

impl Principal {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!(
                "this action needs the role {}; you are {}",
                names.join(" or "),
                self.role
            )))
        }
    }

    /// 403 unless the caller is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require(&[Role::Admin])
    }

    /// Whether the caller is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// An optional caller: no `Authorization` header means anonymous, but a
/// header with a bad token is still a 401, never "anonymous".
pub struct MaybePrincipal(pub Option<Principal>);

fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is not readable".into()))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(ApiError::Unauthorized(
            "expected `Authorization: Bearer <token>`".into(),
        )),
    }
}

async fn authenticate(req: HttpRequest) -> Result<Option<Principal>, ApiError> {
    let Some(token) = bearer_token(&req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("AppState missing"))?
        .clone();
    let claims = state
        .tokens
        .verify(&token)
        .map_err(|e| ApiError::Unauthorized(e.to_string()))?;
    let user_id: i64 = claims
        .sub
        .parse()
        .map_err(|_| ApiError::Unauthorized("the token is malformed".into()))?;
    let request_id = req
        .extensions()
        .get::<crate::startup::RequestId>()
        .map(|r| r.0.clone());
    let principal = state
        .read(move |conn| {
            let Some(user) = users::find(conn, user_id)? else {
                return Ok(None);
            };
            if !user.active {
                return Ok(None);
            }
            let role = Role::parse(&user.role).ok_or_else(|| ApiError::internal("bad role"))?;
            let visibility = match (role, user.agency_id) {
                (Role::Admin | Role::Inspector, _) => Visibility::All,
                (Role::Leader, Some(agency)) => {
                    let parents = agencies::parents(conn)?;
                    Visibility::Agencies(subtree(&parents, agency).into_iter().collect())
                }
                (_, Some(agency)) => Visibility::Agencies(BTreeSet::from([agency])),
                (_, None) => Visibility::Agencies(BTreeSet::new()),
            };
            Ok(Some(Principal {
                user_id: user.id,
                username: user.username,
                role,
                agency_id: user.agency_id,
                visibility,
                request_id,
            }))
        })
        .await?;
    principal.map(Some).ok_or_else(|| {
        ApiError::Unauthorized("the token's user no longer exists or is inactive".into())
    })
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            authenticate(req)
                .await?
                .ok_or_else(|| ApiError::Unauthorized("this endpoint needs a bearer token".into()))
        })
    }
}

impl FromRequest for MaybePrincipal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybePrincipal) })
    }
}
