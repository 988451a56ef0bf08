//! Failed-login throttling, per username and per client address.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failed logins; after too many in a window, refuses further
/// attempts until the window ends.
pub struct LoginThrottle {
    max_per_user: u32,
    max_per_address: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// A throttle allowing `max_per_user` failures per username and
    /// `max_per_address` per address within `window`.
    pub fn new(max_per_user: u32, max_per_address: u32, window: Duration) -> Self {
        Self {
            max_per_user,
            max_per_address,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, address: &str) -> [(String, bool); 2] {
        [
            (format!("u:{}", username.to_lowercase()), true),
            (format!("a:{address}"), false),
        ]
    }

    /// Seconds to wait before another attempt, or `None` when allowed.
    pub fn blocked_for(&self, username: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (_, start)| now.duration_since(*start) < self.window);
        Self::keys(username, address)
            .iter()
            .filter_map(|(key, is_user)| {
                let (count, start) = map.get(key)?;
                let max = if *is_user {
                    self.max_per_user
                } else {
                    self.max_per_address
                };
                (*count >= max).then(|| (self.window - now.duration_since(*start)).as_secs().max(1))
            })
            .max()
    }

    /// Records a failed attempt.
    pub fn fail(&self, username: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(username, address) {
            map.entry(key).or_insert((0, now)).0 += 1;
        }
    }

    /// Forgets the failures of a user who has just logged in.
    pub fn succeed(&self, username: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(username, address) {
            map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_success_resets() {
        let t = LoginThrottle::new(3, 10, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(t.blocked_for("ana", "1.2.3.4"), None);
            t.fail("ana", "1.2.3.4");
        }
        let wait = t
            .blocked_for("ANA", "5.6.7.8")
            .expect("blocked by username");
        assert!((1..=60).contains(&wait));
        assert_eq!(t.blocked_for("bob", "1.2.3.4"), None);
        t.succeed("ana", "1.2.3.4");
        assert_eq!(t.blocked_for("ana", "1.2.3.4"), None);
    }

    #[test]
    fn blocks_an_address_trying_many_usernames() {
        let t = LoginThrottle::new(100, 2, Duration::from_secs(60));
        t.fail("a", "9.9.9.9");
        t.fail("b", "9.9.9.9");
        assert!(t.blocked_for("c", "9.9.9.9").is_some());
    }
}
