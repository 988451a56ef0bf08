//! What makes a subscription valid: its URL, its event types, its secret.

use super::EVENT_TYPES;
use crate::error::FieldError;
use rand::RngCore;

/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 2000;
/// Shortest secret accepted.
pub const MIN_SECRET_LEN: usize = 16;
/// Longest secret accepted.
pub const MAX_SECRET_LEN: usize = 256;

/// An absolute `http` or `https` URL with a host and no credentials.
pub fn url(value: &str) -> Result<String, FieldError> {
    let invalid = |message: &str| FieldError::new("url", message);
    let value = value.trim();
    if value.len() > MAX_URL_LEN {
        return Err(invalid("must be at most 2000 characters"));
    }
    let parsed = url::Url::parse(value).map_err(|_| invalid("must be an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("must use http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("must name a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "must not carry credentials: receivers check the signature instead",
        ));
    }
    Ok(parsed.to_string())
}

/// Known event types, without repeats, in the order given; empty means all.
pub fn event_types(values: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    let mut kept: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, value) in values.iter().enumerate() {
        if !EVENT_TYPES.contains(&value.as_str()) {
            errors.push(FieldError::new(
                format!("event_types[{i}]"),
                format!("must be one of {}", EVENT_TYPES.join(", ")),
            ));
        } else if !kept.contains(value) {
            kept.push(value.clone());
        }
    }
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// The secret given (16 to 256 characters), or a new random one (64 hex digits).
pub fn secret(value: Option<&str>) -> Result<String, FieldError> {
    match value {
        None => {
            let mut bytes = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut bytes);
            Ok(hex::encode(bytes))
        }
        Some(s) if (MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&s.chars().count()) => {
            Ok(s.to_string())
        }
        Some(_) => Err(FieldError::new(
            "secret",
            "must be 16 to 256 characters (or leave it out to get a generated one)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_absolute_http_with_a_host_and_no_credentials() {
        let ok = [
            ("http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/hook"),
            ("https://example.org", "https://example.org/"),
            (" https://example.org/a?b=c ", "https://example.org/a?b=c"),
        ];
        for (given, stored) in ok {
            assert_eq!(url(given).unwrap(), stored, "{given}");
        }
        let bad = [
            ("not a url", "must be an absolute URL"),
            ("/relative/path", "must be an absolute URL"),
            ("ftp://example.org/", "must use http or https"),
            ("mailto:a@example.org", "must use http or https"),
            (
                "https://user:pw@example.org/",
                "must not carry credentials: receivers check the signature instead",
            ),
        ];
        for (given, message) in bad {
            let e = url(given).unwrap_err();
            assert_eq!((e.field.as_str(), e.message.as_str()), ("url", message));
        }
        assert!(url(&format!("https://example.org/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn event_types_are_known_and_deduplicated() {
        let given: Vec<String> = ["transfer.sent", "dossier.received", "transfer.sent"]
            .map(String::from)
            .into();
        assert_eq!(
            event_types(&given).unwrap(),
            ["transfer.sent", "dossier.received"]
        );
        assert!(event_types(&[]).unwrap().is_empty());
        let bad: Vec<String> = ["dossier.received", "dossier.deleted", ""]
            .map(String::from)
            .into();
        let fields: Vec<String> = event_types(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["event_types[1]", "event_types[2]"]);
    }

    #[test]
    fn secrets_are_long_enough_or_generated() {
        assert_eq!(
            secret(Some("0123456789abcdef")).unwrap(),
            "0123456789abcdef"
        );
        assert_eq!(secret(Some("short")).unwrap_err().field, "secret");
        assert!(secret(Some(&"x".repeat(257))).is_err());
        let generated = secret(None).unwrap();
        assert_eq!(generated.len(), 64);
        assert_ne!(generated, secret(None).unwrap());
    }
}
