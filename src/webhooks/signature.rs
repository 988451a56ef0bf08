//! `X-Lienthong-Signature`: `sha256=` and the lower-case hex HMAC-SHA256 of
//! the exact body bytes, keyed with the subscription's secret (its UTF-8 bytes).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header value signing `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_4231_test_vector() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn depends_on_every_byte_and_the_secret() {
        let base = sign("a-secret-of-16-chars", br#"{"id":1}"#);
        assert_ne!(base, sign("a-secret-of-16-chars", br#"{"id": 1}"#));
        assert_ne!(base, sign("another-secret-16", br#"{"id":1}"#));
    }
}
