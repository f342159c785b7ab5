//! Retry policy (docs/daily-api.md#send-retries; anchors: stripe-node, octokit): pure decisions, no
//! timers.
//!
//! - backoff `0.5 s * 2^(n-1)`, capped at 5 s, with jitter in `[d/2, d]`;
//! - `Retry-After` (seconds or HTTP date) honoured up to 60 s;
//! - retried: network errors, timeouts, 409, 429 and 5xx; never 400/401/403/404 (nor other 4xx);
//! - GET, PUT and DELETE are retried; POST only on 429 or when the request provably never left.
//!   Other POST failures are *ambiguous*: the caller reconciles (looks the config up) first.

/// HTTP methods the client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// How an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure<'a> {
    /// The server answered with a non-2xx status.
    Status {
        status: u16,
        retry_after: Option<&'a str>,
    },
    /// The request provably never reached the server (connection refused, DNS failure).
    NotSent,
    /// The connection failed after the request may have been sent (reset, dropped).
    Network,
    /// The per-attempt timeout fired.
    Timeout,
}

impl Failure<'_> {
    /// The request may have been applied by the server: the connection failed after it may have
    /// been sent, the attempt timed out, or the server answered 5xx.
    pub fn ambiguous(&self) -> bool {
        matches!(
            self,
            Failure::Network
                | Failure::Timeout
                | Failure::Status {
                    status: 500..=599,
                    ..
                }
        )
    }
}

/// A DELETE answered 404 after an earlier attempt failed ambiguously: that attempt deleted the
/// config and only its answer was lost, so the call succeeds (`{ status: "deleted", reconciled:
/// true }`; docs/daily-api.md#send-delete-404).
pub fn deleted_by_earlier_attempt(method: Method, ambiguous_before: bool, now: &Failure) -> bool {
    method == Method::Delete
        && ambiguous_before
        && matches!(now, Failure::Status { status: 404, .. })
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Wait `delay_ms`, then send again.
    Retry { delay_ms: u64 },
    /// A POST may or may not have been applied: look it up first. When it was not applied,
    /// `then_retry` says whether (and after how long) a new attempt may be sent.
    Reconcile { then_retry: Option<u64> },
    /// Stop and report this failure.
    GiveUp,
}

/// Default number of retries (3 attempts in all).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The client's `maxRetries` option: a whole number in this range.
pub const MAX_RETRIES_RANGE: (u32, u32) = (0, 100);
/// The client's `timeoutMs` option: a whole number of milliseconds in this range (up to 10 min).
pub const TIMEOUT_MS_RANGE: (u64, u64) = (1, 600_000);
const BASE_MS: f64 = 500.0;
const CAP_MS: f64 = 5_000.0;
/// Longest `Retry-After` we wait for.
pub const RETRY_AFTER_CAP_MS: u64 = 60_000;

/// Statuses worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    status == 409 || status == 429 || status >= 500
}

/// The delay before retry number `n` (1-based), given `jitter` in `[0, 1)`.
pub fn backoff_ms(n: u32, jitter: f64) -> u64 {
    let exp = n.saturating_sub(1).min(16);
    let d = (BASE_MS * f64::from(1u32 << exp)).min(CAP_MS);
    let j = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        1.0
    };
    // Rounded to the nearest millisecond (the value is positive; `f64::round` needs std).
    (d / 2.0 + j * d / 2.0 + 0.5) as u64
}

/// `Retry-After` as milliseconds from `now_ms` (Unix ms): delta seconds or an IMF-fixdate.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    if let Some(secs) = digits(v) {
        return Some(secs.saturating_mul(1000));
    }
    let at = parse_http_date(v)?;
    let delta = at as f64 - now_ms;
    Some(if delta > 0.0 { delta as u64 } else { 0 })
}

/// A number written with ASCII digits only (HTTP's `1*DIGIT`: no sign, unlike `str::parse`, which
/// the no_std main module does without: 596 B of its code before wasm-opt).
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit()
            .then(|| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))
            .flatten()
    })
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` into Unix milliseconds.
fn parse_http_date(s: &str) -> Option<i64> {
    // A char pattern, not `", "`: a string pattern brings core's substring searcher and its
    // panic formatting (char Debug, Unicode printable tables) into the no_std main module.
    let rest = s.split_once(',')?.1.strip_prefix(' ')?;
    let mut it = rest.split(' ');
    let number = |s: &str| digits(s).and_then(|n| i64::try_from(n).ok());
    let day = number(it.next()?)?;
    let month = match it.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = number(it.next()?)?;
    let mut hms = it.next()?.split(':').map(number);
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if it.next()? != "GMT"
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || sec > 60
        || !(1970..=9999).contains(&year)
    {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400) + h * 3600 + m * 60 + sec) * 1000)
}

/// Decides what follows a failed attempt. `retries_done` counts retries already made.
pub fn next(
    max_retries: u32,
    method: Method,
    retries_done: u32,
    failure: Failure<'_>,
    jitter: f64,
    now_ms: f64,
) -> Next {
    let left = retries_done < max_retries;
    let wait = |hint: Option<&str>| {
        let backoff = backoff_ms(retries_done + 1, jitter);
        match hint.and_then(|h| parse_retry_after(h, now_ms)) {
            // Callers told the same Retry-After would all come back at the same instant and
            // collide again: spread them over up to half a backoff step after it.
            Some(ms) => {
                let j = if jitter.is_finite() {
                    jitter.clamp(0.0, 1.0)
                } else {
                    1.0
                };
                let spread = (j * backoff_ms(retries_done + 1, 1.0) as f64 / 2.0) as u64;
                ms.min(RETRY_AFTER_CAP_MS) + spread
            }
            None => backoff,
        }
    };
    let retryable = match failure {
        Failure::Status { status, .. } => is_retryable_status(status),
        Failure::NotSent | Failure::Network | Failure::Timeout => true,
    };
    if !retryable {
        return Next::GiveUp;
    }
    let hint = match failure {
        Failure::Status { retry_after, .. } => retry_after,
        _ => None,
    };
    let safe_for_post = matches!(
        failure,
        Failure::NotSent | Failure::Status { status: 429, .. }
    );
    match (method, safe_for_post, left) {
        (Method::Post, false, _) => Next::Reconcile {
            then_retry: left.then(|| wait(hint)),
        },
        (_, _, true) => Next::Retry {
            delay_ms: wait(hint),
        },
        (_, _, false) => Next::GiveUp,
    }
}

/// What the lookup after an ambiguous create ([`Next::Reconcile`]) found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A config that the body created ([`is_created_from`]): the create happened.
    Created,
    /// No such config: the create did not happen.
    Absent,
    /// No answer: the body has no `phone_number` to look up, or the lookup itself failed.
    Unknown,
}

/// What the client does after that lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterLookup {
    /// Return the config that was found, as if the create had answered.
    UseFound,
    /// Send the create again after `delay_ms`: it did not happen, so a second config cannot result.
    Retry { delay_ms: u64 },
    /// Report the failure with `maybeApplied` set as given.
    Fail { maybe_applied: bool },
}

/// The rule after an ambiguous create (docs/daily-api.md#sending): `then_retry` is
/// [`Next::Reconcile`]'s. An unknown outcome is never retried, since that could create a second
/// config.
pub fn after_lookup(found: Lookup, then_retry: Option<u64>) -> AfterLookup {
    match (found, then_retry) {
        (Lookup::Created, _) => AfterLookup::UseFound,
        (Lookup::Unknown, _) => AfterLookup::Fail {
            maybe_applied: true,
        },
        (Lookup::Absent, Some(delay_ms)) => AfterLookup::Retry { delay_ms },
        (Lookup::Absent, None) => AfterLookup::Fail {
            maybe_applied: false,
        },
    }
}

/// Connection errors that prove a request never reached the server, by the code Node's fetch puts
/// in `err.cause.code` (browsers do not say, so there every failure counts as ambiguous): a
/// refused or unroutable connection, or a name that does not resolve.
pub fn never_sent(code: &str) -> bool {
    matches!(
        code,
        "ECONNREFUSED"
            | "ENOTFOUND"
            | "EAI_AGAIN"
            | "ENETUNREACH"
            | "EHOSTUNREACH"
            | "UND_ERR_CONNECT_TIMEOUT"
    )
}

/// Whether `config` (a `DialinConfig` found by phone number after an ambiguous create) is the one
/// that `body` created: same type, and every field of the body stored with the same value.
pub fn is_created_from(body: &serde_json::Value, config: &serde_json::Value) -> bool {
    let (Some(b), Some(stored)) = (
        body.as_object(),
        config.get("config").and_then(|c| c.as_object()),
    ) else {
        return false;
    };
    config.get("type").is_some()
        && config.get("type") == b.get("type")
        && b.iter()
            .filter(|(k, _)| *k != "type")
            .all(|(k, v)| stored.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_an_ambiguous_create_only_a_config_known_absent_is_sent_again() {
        assert_eq!(
            after_lookup(Lookup::Created, Some(5)),
            AfterLookup::UseFound
        );
        assert_eq!(after_lookup(Lookup::Created, None), AfterLookup::UseFound);
        assert_eq!(
            after_lookup(Lookup::Absent, Some(5)),
            AfterLookup::Retry { delay_ms: 5 }
        );
        assert_eq!(
            after_lookup(Lookup::Absent, None),
            AfterLookup::Fail {
                maybe_applied: false
            }
        );
        for then in [Some(5), None] {
            assert_eq!(
                after_lookup(Lookup::Unknown, then),
                AfterLookup::Fail {
                    maybe_applied: true
                }
            );
        }
    }

    #[test]
    fn only_connection_errors_before_sending_count_as_never_sent() {
        for code in [
            "ECONNREFUSED",
            "ENOTFOUND",
            "EAI_AGAIN",
            "UND_ERR_CONNECT_TIMEOUT",
        ] {
            assert!(never_sent(code), "{code}");
        }
        for code in [
            "ECONNRESET",
            "UND_ERR_SOCKET",
            "ETIMEDOUT",
            "",
            "econnrefused",
        ] {
            assert!(!never_sent(code), "{code}");
        }
    }

    use super::*;

    #[test]
    fn delete_404_counts_only_after_an_ambiguous_attempt() {
        let not_found = Failure::Status {
            status: 404,
            retry_after: None,
        };
        assert!(deleted_by_earlier_attempt(Method::Delete, true, &not_found));
        assert!(!deleted_by_earlier_attempt(
            Method::Delete,
            false,
            &not_found
        ));
        assert!(!deleted_by_earlier_attempt(Method::Get, true, &not_found));
        let gone = Failure::Status {
            status: 410,
            retry_after: None,
        };
        assert!(!deleted_by_earlier_attempt(Method::Delete, true, &gone));
    }

    #[test]
    fn ambiguous_failures_are_those_the_server_may_have_applied() {
        let status = |status| Failure::Status {
            status,
            retry_after: None,
        };
        assert!(Failure::Network.ambiguous());
        assert!(Failure::Timeout.ambiguous());
        assert!(status(500).ambiguous() && status(503).ambiguous());
        assert!(!Failure::NotSent.ambiguous());
        assert!(!status(409).ambiguous() && !status(429).ambiguous() && !status(404).ambiguous());
    }

    #[test]
    fn reconciliation_recognises_only_the_config_the_body_created() {
        use serde_json::json;
        let body = json!({"type":"pinless_dialin","phone_number":"+12095551234","room_creation_api":"https://a.example/x"});
        let ours = json!({"id":"1","type":"pinless_dialin","config":{"phone_number":"+12095551234","room_creation_api":"https://a.example/x","hmac":"generated=","sip_uri":"s@x"}});
        let theirs = json!({"id":"2","type":"pinless_dialin","config":{"phone_number":"+12095551234","room_creation_api":"https://b.example/x"}});
        let pin = json!({"id":"3","type":"pin_dialin","config":{"phone_number":"+12095551234","room_creation_api":"https://a.example/x"}});
        assert!(is_created_from(&body, &ours));
        assert!(!is_created_from(&body, &theirs));
        assert!(!is_created_from(&body, &pin));
        assert!(!is_created_from(&body, &json!({"id":"4"})));
    }

    #[test]
    fn backoff_grows_caps_and_jitters_within_half_to_full() {
        assert_eq!(backoff_ms(1, 0.0), 250);
        assert_eq!(backoff_ms(1, 1.0), 500);
        assert_eq!(backoff_ms(2, 1.0), 1000);
        assert_eq!(backoff_ms(4, 1.0), 4000);
        assert_eq!(backoff_ms(5, 1.0), 5000);
        assert_eq!(backoff_ms(40, 0.0), 2500);
        assert_eq!(backoff_ms(3, f64::NAN), 2000);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("3", 0.0), Some(3000));
        assert_eq!(parse_retry_after("1.5", 0.0), None);
        assert_eq!(parse_retry_after("-1", 0.0), None);
        assert_eq!(parse_retry_after("+1", 0.0), None);
        assert_eq!(parse_retry_after("", 0.0), None);
        assert_eq!(parse_retry_after("99999999999999999999", 0.0), None);
        assert_eq!(parse_retry_after("soon", 0.0), None);
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(10_000)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now),
            Some(0)
        );
    }

    #[test]
    fn statuses() {
        for s in [409, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [400, 401, 403, 404, 405, 422] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }

    #[test]
    fn get_put_delete_retry_until_exhausted() {
        for m in [Method::Get, Method::Put, Method::Delete] {
            for f in [
                Failure::Network,
                Failure::Timeout,
                Failure::NotSent,
                Failure::Status {
                    status: 503,
                    retry_after: None,
                },
            ] {
                assert!(
                    matches!(next(2, m, 0, f, 0.5, 0.0), Next::Retry { .. }),
                    "{m:?} {f:?}"
                );
                assert_eq!(next(2, m, 2, f, 0.5, 0.0), Next::GiveUp);
            }
            assert_eq!(
                next(
                    2,
                    m,
                    0,
                    Failure::Status {
                        status: 404,
                        retry_after: None
                    },
                    0.5,
                    0.0
                ),
                Next::GiveUp
            );
        }
    }

    #[test]
    fn post_is_retried_only_when_safe_and_reconciled_otherwise() {
        assert_eq!(
            next(
                2,
                Method::Post,
                0,
                Failure::Status {
                    status: 429,
                    retry_after: Some("2")
                },
                0.0,
                0.0
            ),
            Next::Retry { delay_ms: 2000 }
        );
        assert!(matches!(
            next(2, Method::Post, 0, Failure::NotSent, 0.0, 0.0),
            Next::Retry { .. }
        ));
        assert_eq!(
            next(2, Method::Post, 0, Failure::Timeout, 1.0, 0.0),
            Next::Reconcile {
                then_retry: Some(500)
            }
        );
        assert_eq!(
            next(2, Method::Post, 2, Failure::Network, 1.0, 0.0),
            Next::Reconcile { then_retry: None }
        );
        assert_eq!(
            next(
                2,
                Method::Post,
                0,
                Failure::Status {
                    status: 500,
                    retry_after: None
                },
                1.0,
                0.0
            ),
            Next::Reconcile {
                then_retry: Some(500)
            }
        );
        assert_eq!(
            next(
                2,
                Method::Post,
                0,
                Failure::Status {
                    status: 400,
                    retry_after: None
                },
                1.0,
                0.0
            ),
            Next::GiveUp
        );
    }

    #[test]
    fn retry_after_waits_are_spread_by_jitter() {
        let f = Failure::Status {
            status: 429,
            retry_after: Some("1"),
        };
        assert_eq!(
            next(2, Method::Get, 0, f, 0.0, 0.0),
            Next::Retry { delay_ms: 1000 }
        );
        assert_eq!(
            next(2, Method::Get, 0, f, 1.0, 0.0),
            Next::Retry { delay_ms: 1250 }
        );
        assert_eq!(
            next(2, Method::Get, 1, f, 1.0, 0.0),
            Next::Retry { delay_ms: 1500 }
        );
    }

    #[test]
    fn retry_after_is_capped_at_sixty_seconds() {
        let f = Failure::Status {
            status: 429,
            retry_after: Some("3600"),
        };
        assert_eq!(
            next(2, Method::Get, 0, f, 0.0, 0.0),
            Next::Retry { delay_ms: 60_000 }
        );
    }
}
