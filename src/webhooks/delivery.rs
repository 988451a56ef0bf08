//! One HTTP attempt at delivering one event, and when to try again.

use super::signature::sign;
use std::time::{Duration, Instant};

/// The client the worker posts with: short timeouts, no redirects (a 3xx is
/// a failure like any other non-2xx answer).
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("lienthong-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// What one attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed without an answer (timeout, refused connection, ...).
    pub error: Option<String>,
    /// How long the attempt took.
    pub duration: Duration,
}

impl Outcome {
    /// Whether the receiver took the event (any 2xx).
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The headers that go with a body.
pub struct Envelope<'a> {
    /// The subscription's secret.
    pub secret: &'a str,
    /// `X-Lienthong-Event`: the event type.
    pub event_type: &'a str,
    /// `X-Lienthong-Delivery`: this attempt's id.
    pub delivery_id: &'a str,
}

/// POSTs `body` to `url`, signed; never fails, the outcome says how it went.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    envelope: &Envelope<'_>,
    body: Vec<u8>,
) -> Outcome {
    let signature = sign(envelope.secret, &body);
    let started = Instant::now();
    let result = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Lienthong-Signature", signature)
        .header("X-Lienthong-Event", envelope.event_type)
        .header("X-Lienthong-Delivery", envelope.delivery_id)
        .body(body)
        .send()
        .await;
    let (status, error) = match result {
        // The body is not read: only the status matters.
        Ok(res) => (Some(res.status().as_u16()), None),
        Err(e) => (None, Some(describe(&e))),
    };
    Outcome {
        status,
        error,
        duration: started.elapsed(),
    }
}

/// A short, stable reason for the delivery log (no URL, which the caller has).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_request() {
        "request failed"
    } else {
        "error"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let text = if cause.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {cause}")
    };
    text.chars().take(500).collect()
}

/// Longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The wait after the `failures`-th consecutive failure: 1 s, 2 s, 4 s, …,
/// at most [`MAX_BACKOFF`].
pub fn backoff(failures: i32) -> Duration {
    let exponent = failures.saturating_sub(1).clamp(0, 16) as u32;
    Duration::from_secs(1u64 << exponent).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let secs: Vec<u64> = (1..=11).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(backoff(0).as_secs(), 1);
        assert_eq!(backoff(i32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn only_2xx_counts_as_delivered() {
        let outcome = |status| Outcome {
            status,
            error: None,
            duration: Duration::ZERO,
        };
        assert!(outcome(Some(200)).delivered());
        assert!(outcome(Some(204)).delivered());
        assert!(!outcome(Some(301)).delivered());
        assert!(!outcome(Some(500)).delivered());
        assert!(!outcome(None).delivered());
    }
}
