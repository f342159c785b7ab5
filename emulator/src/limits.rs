//! Authentication and per-key rate limiting.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::http::{err, Reply};

/// At most `max_requests` per API key in any `window_ms` (a sliding window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub max_requests: u32,
    pub window_ms: u64,
}

impl Default for RateLimit {
    /// Daily's general limit: 100 requests per 5 s (docs/daily-api.md#rate-limits).
    fn default() -> Self {
        RateLimit {
            max_requests: 100,
            window_ms: 5000,
        }
    }
}

/// Reads `Authorization: Bearer <key>` and returns the key, or Daily's error reply:
/// missing or malformed header -> 400 `authorization-header-error`; a key outside `keys`
/// (when given) -> 401 `authentication-error` with no `info`. The scheme is matched
/// case-insensitively (RFC 9110); the key is never echoed.
pub(crate) fn authenticate(header: Option<&str>, keys: Option<&[String]>) -> Result<String, Reply> {
    let Some(header) = header else {
        return Err(Reply::error(
            400,
            err::AUTH_HEADER,
            Some("the Authorization header is missing; send Authorization: Bearer <API key>"),
        ));
    };
    let key = header
        .trim()
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim())
        .filter(|key| !key.is_empty() && !key.chars().any(char::is_whitespace));
    let Some(key) = key else {
        return Err(Reply::error(
            400,
            err::AUTH_HEADER,
            Some("the Authorization header must be Bearer <API key>"),
        ));
    };
    match keys {
        Some(keys) if !keys.iter().any(|k| k == key) => {
            Err(Reply::error(401, err::AUTHENTICATION, None))
        }
        _ => Ok(key.to_string()),
    }
}

/// Sliding-window log per key: the times of the accepted requests within the window.
/// Requests answered 429 are not counted, so a client that backs off recovers.
#[derive(Debug, Clone, Default)]
pub(crate) struct RateLimiter {
    log: HashMap<String, VecDeque<u64>>,
}

/// Above this many keys, keys with no request in their window are forgotten.
const MAX_IDLE_KEYS: usize = 1024;

impl RateLimiter {
    pub fn clear(&mut self) {
        self.log.clear();
    }

    /// Counts a request by `key` at `now_ms`, or returns the whole seconds (>= 1) until a slot frees.
    pub fn check(&mut self, key: &str, now_ms: u64, limit: RateLimit) -> Result<(), u64> {
        let expired = |t: u64| t.saturating_add(limit.window_ms) <= now_ms;
        if self.log.len() > MAX_IDLE_KEYS {
            self.log
                .retain(|_, times| times.back().is_some_and(|t| !expired(*t)));
        }
        let times = self.log.entry(key.to_string()).or_default();
        while times.front().is_some_and(|t| expired(*t)) {
            times.pop_front();
        }
        if times.len() >= limit.max_requests as usize {
            let frees_at = times
                .front()
                .map_or(now_ms.saturating_add(limit.window_ms), |t| {
                    t.saturating_add(limit.window_ms)
                });
            let wait_ms = frees_at.saturating_sub(now_ms);
            return Err(wait_ms.div_ceil(1000).max(1));
        }
        times.push_back(now_ms);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        assert_eq!(authenticate(Some("Bearer k"), None).unwrap(), "k");
        assert_eq!(authenticate(Some("bearer   k "), None).unwrap(), "k");
        for bad in ["", "Bearer", "Bearer ", "Basic k", "k", "Bearer a b"] {
            let r = authenticate(Some(bad), None).unwrap_err();
            assert_eq!(r.status, 400, "{bad:?}");
        }
        let keys = vec!["good".to_string()];
        assert_eq!(
            authenticate(Some("Bearer bad"), Some(&keys))
                .unwrap_err()
                .status,
            401
        );
        assert!(authenticate(Some("Bearer good"), Some(&keys)).is_ok());
    }

    #[test]
    fn sliding_window() {
        let mut r = RateLimiter::default();
        let lim = RateLimit {
            max_requests: 2,
            window_ms: 1000,
        };
        assert!(r.check("k", 0, lim).is_ok());
        assert!(r.check("k", 400, lim).is_ok());
        assert_eq!(r.check("k", 500, lim), Err(1));
        assert!(r.check("other", 500, lim).is_ok());
        assert!(r.check("k", 1000, lim).is_ok());
        assert_eq!(r.check("k", 1001, lim), Err(1));
        let zero = RateLimit {
            max_requests: 0,
            window_ms: 2500,
        };
        assert_eq!(r.check("z", 0, zero), Err(3));
    }
}
