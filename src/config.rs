//! Settings read from the environment (and an optional `.env` file).

use chrono::FixedOffset;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://` or `postgresql://` URL).
    Postgres(String),
}

impl DatabaseTarget {
    /// Chooses the engine from the URL's scheme; `None` gives the default file.
    pub fn parse(url: Option<&str>) -> Result<Self, ConfigError> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(DatabaseTarget::Sqlite(PathBuf::from("data/lienthong.db"))),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(DatabaseTarget::Postgres(u.to_string()))
            }
            Some(u) if u.contains("://") && !u.starts_with("sqlite://") => Err(ConfigError::new(
                "DATABASE_URL",
                "expected a file path, sqlite://path or postgres://…",
            )),
            Some(u) => Ok(DatabaseTarget::Sqlite(PathBuf::from(
                u.trim_start_matches("sqlite://"),
            ))),
        }
    }
}

/// A bad setting: names the variable and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("invalid {variable}: {message}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with its value.
    pub message: String,
}

impl ConfigError {
    fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

/// Minimum length of an HS256 secret, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// Everything the service needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Database engine and location.
    pub database: DatabaseTarget,
    /// Listen address; port 0 asks the OS for a free one.
    pub bind: SocketAddr,
    /// HS256 secret for tokens; `None` means generate one (development only).
    pub jwt_secret: Option<Vec<u8>>,
    /// PEM file with an external identity provider's public key (RS256 or EdDSA).
    pub jwt_public_key: Option<PathBuf>,
    /// Token lifetime in seconds.
    pub token_ttl: i64,
    /// The agencies' time zone for local dates.
    pub tz: FixedOffset,
    /// Password for the bootstrap `admin` user, created when there is no user.
    pub admin_password: Option<String>,
    /// Connections in the pool.
    pub pool_size: u32,
    /// HTTP workers; `None` means one per core.
    pub workers: Option<usize>,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the settings through `get`, so tests can supply their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database = DatabaseTarget::parse(get("DATABASE_URL").as_deref())?;
        let bind = match get("LIENTHONG_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(v) => v.parse().map_err(|_| {
                ConfigError::new("LIENTHONG_BIND", format!("`{v}` is not host:port"))
            })?,
        };
        let jwt_secret = match get("LIENTHONG_JWT_SECRET") {
            None => None,
            Some(s) if s.len() < MIN_SECRET_LEN => {
                return Err(ConfigError::new(
                    "LIENTHONG_JWT_SECRET",
                    format!("must be at least {MIN_SECRET_LEN} bytes, got {}", s.len()),
                ))
            }
            Some(s) => Some(s.into_bytes()),
        };
        let jwt_public_key = get("LIENTHONG_JWT_PUBLIC_KEY").map(PathBuf::from);
        let token_ttl = parse_number(&get, "LIENTHONG_TOKEN_TTL", 3600, 60, 86_400 * 30)?;
        let tz = match get("LIENTHONG_TZ") {
            None => FixedOffset::east_opt(7 * 3600).expect("valid offset"),
            Some(v) => parse_offset(&v)
                .ok_or_else(|| ConfigError::new("LIENTHONG_TZ", format!("`{v}` is not ±HH:MM")))?,
        };
        let pool_size = parse_number(&get, "LIENTHONG_POOL_SIZE", 16, 1, 512)? as u32;
        let workers = match get("LIENTHONG_WORKERS") {
            None => None,
            Some(_) => Some(parse_number(&get, "LIENTHONG_WORKERS", 0, 1, 256)? as usize),
        };
        Ok(Self {
            database,
            bind,
            jwt_secret,
            jwt_public_key,
            token_ttl,
            tz,
            admin_password: get("LIENTHONG_ADMIN_PASSWORD").filter(|p| !p.is_empty()),
            pool_size,
            workers,
        })
    }
}

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ConfigError> {
    match get(variable) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ConfigError::new(
                variable,
                format!("`{v}` is not a whole number from {min} to {max}"),
            )),
        },
    }
}

/// Parses `+07:00`, `-05:30`, `Z` or `UTC`.
pub fn parse_offset(v: &str) -> Option<FixedOffset> {
    let v = v.trim();
    if v.eq_ignore_ascii_case("z") || v.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_are_sqlite_file_localhost_and_plus_seven() {
        let s = settings(&[]).unwrap();
        assert_eq!(
            s.database,
            DatabaseTarget::Sqlite(PathBuf::from("data/lienthong.db"))
        );
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.tz.local_minus_utc(), 7 * 3600);
        assert_eq!(s.token_ttl, 3600);
    }

    #[test]
    fn engine_follows_the_url_scheme() {
        let pg = settings(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(
            pg.database,
            DatabaseTarget::Postgres("postgres://u@h/db".into())
        );
        let file = settings(&[("DATABASE_URL", "sqlite:///tmp/x.db")]).unwrap();
        assert_eq!(file.database, DatabaseTarget::Sqlite("/tmp/x.db".into()));
        let err = settings(&[("DATABASE_URL", "mysql://h/db")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("LIENTHONG_BIND", "nowhere"),
            ("LIENTHONG_TZ", "+7"),
            ("LIENTHONG_TZ", "+25:00"),
            ("LIENTHONG_JWT_SECRET", "short"),
            ("LIENTHONG_TOKEN_TTL", "ten"),
            ("LIENTHONG_POOL_SIZE", "0"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var, "{var}={value}");
        }
    }

    #[test]
    fn offsets_parse_both_signs() {
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert_eq!(parse_offset("Z").unwrap().local_minus_utc(), 0);
        assert!(parse_offset("07:00").is_none());
    }
}
