//! JWT access tokens (SPEC §9): HS256 with a pinned algorithm, and
//! optionally tokens of an external identity provider (RS256 or EdDSA).

use crate::auth::Role;
use crate::config::Settings;
use chrono::Utc;
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};

/// Issuer claim of every token.
pub const ISSUER: &str = "lienthong";
/// Audience claim of every token.
pub const AUDIENCE: &str = "lienthong-api";
/// Tolerated clock skew, in seconds.
pub const LEEWAY_SECS: u64 = 30;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string.
    pub sub: String,
    /// The user's role when the token was issued.
    pub role: Role,
    /// The user's agency id (null for admin and inspector).
    pub agency: Option<i64>,
    /// Always `lienthong`.
    pub iss: String,
    /// Always `lienthong-api`.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
}

/// Why a token was refused (each is a 401).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not a JWT, or claims missing or of the wrong type.
    #[error("the token is malformed")]
    Malformed,
    /// An algorithm other than the pinned ones.
    #[error("the token's algorithm is not accepted")]
    Algorithm,
    /// Bad signature.
    #[error("the token's signature is invalid")]
    Signature,
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `nbf` or `iat` lies in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// Wrong `iss` or `aud`.
    #[error("the token was not issued for this API")]
    WrongAudience,
}

/// Keys that sign and verify tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    external: Option<(Algorithm, DecodingKey)>,
    ttl: i64,
}

/// A failure to load the external identity provider's key.
#[derive(Debug, thiserror::Error)]
#[error("invalid LIENTHONG_JWT_PUBLIC_KEY: {0}")]
pub struct KeyError(pub String);

impl TokenKeys {
    /// Builds the keys from the settings. Without a configured secret a
    /// random one is generated (tokens then die with the process).
    pub fn from_settings(settings: &Settings) -> Result<Self, KeyError> {
        let secret = match &settings.jwt_secret {
            Some(s) => s.clone(),
            None => {
                log::warn!(
                    "LIENTHONG_JWT_SECRET is unset: using a random secret; tokens die with the process"
                );
                use rand::RngCore;
                let mut bytes = vec![0u8; 48];
                rand::thread_rng().fill_bytes(&mut bytes);
                bytes
            }
        };
        let external = match &settings.jwt_public_key {
            None => None,
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| KeyError(format!("{}: {e}", path.display())))?;
                Some(external_key(&pem)?)
            }
        };
        Ok(Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            external,
            ttl: settings.token_ttl,
        })
    }

    /// Token lifetime in seconds.
    pub fn ttl(&self) -> i64 {
        self.ttl
    }

    /// Issues a token for a user.
    pub fn issue(&self, user_id: i64, role: Role, agency: Option<i64>) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            agency,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + self.ttl,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing with a byte secret cannot fail")
    }

    /// Verifies a token and returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = decode_header(token).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithmName => TokenError::Algorithm,
            _ => TokenError::Malformed,
        })?;
        let (alg, key) = match (&self.external, header.alg) {
            (_, Algorithm::HS256) => (Algorithm::HS256, &self.decoding),
            (Some((ext_alg, key)), alg) if alg == *ext_alg => (alg, key),
            _ => return Err(TokenError::Algorithm),
        };
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let data = decode::<Claims>(token, key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::InvalidSignature => TokenError::Signature,
                K::ExpiredSignature => TokenError::Expired,
                K::ImmatureSignature => TokenError::NotYetValid,
                K::InvalidIssuer | K::InvalidAudience => TokenError::WrongAudience,
                K::InvalidAlgorithm => TokenError::Algorithm,
                _ => TokenError::Malformed,
            }
        })?;
        if data.claims.iat > Utc::now().timestamp() + LEEWAY_SECS as i64 {
            return Err(TokenError::NotYetValid);
        }
        Ok(data.claims)
    }
}

fn external_key(pem: &[u8]) -> Result<(Algorithm, DecodingKey), KeyError> {
    if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
        return Ok((Algorithm::RS256, key));
    }
    DecodingKey::from_ed_pem(pem)
        .map(|key| (Algorithm::EdDSA, key))
        .map_err(|_| KeyError("not an RSA or Ed25519 public key in PEM".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn keys() -> TokenKeys {
        let mut settings = Settings::from_lookup(|_| None).unwrap();
        settings.jwt_secret = Some(b"0123456789abcdef0123456789abcdef".to_vec());
        TokenKeys::from_settings(&settings).unwrap()
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = keys();
        let token = keys.issue(7, Role::Officer, Some(3));
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.sub, "7");
        assert_eq!(claims.role, Role::Officer);
        assert_eq!(claims.agency, Some(3));
        assert_eq!(claims.exp - claims.iat, 3600);
    }

    #[test]
    fn tokens_of_another_secret_or_algorithm_are_refused() {
        let keys = keys();
        let claims = keys.verify(&keys.issue(1, Role::Admin, None)).unwrap();
        let other = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
        )
        .unwrap();
        assert_eq!(keys.verify(&other).unwrap_err(), TokenError::Signature);
        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert_eq!(keys.verify(&hs512).unwrap_err(), TokenError::Algorithm);
        assert_eq!(keys.verify("not.a.jwt").unwrap_err(), TokenError::Malformed);
    }
}
