//! Fault injection: queued answers that replace, delay or drop the next matching `/v1` requests.

use serde::Serialize;
use serde_json::{Map, Value};

use super::http::{admin_object, text_field, Reply};

/// Header set on every answer a fault produced, so tests (and the fuzz test) can tell them apart.
pub const FAULT_HEADER: &str = "X-Emulator-Fault";
/// At most this many queued faults.
pub(crate) const MAX_FAULTS: usize = 1000;
const MAX_DELAY_MS: u64 = 600_000;
const MAX_COUNT: u64 = 1_000_000;
/// The fields of a `POST /_emulator/faults` body.
pub const FAULT_FIELDS: [&str; 9] = [
    "method",
    "path",
    "count",
    "status",
    "body",
    "delay_ms",
    "drop",
    "apply",
    "retry_after",
];

/// One queued fault, as `GET /_emulator/faults` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Fault {
    pub id: u64,
    /// Upper-case method, or `null` for any method.
    pub method: Option<String>,
    /// Path prefix, always under `/v1`; `/v1/` is the domain config route `/v1/` alone.
    pub path: String,
    /// Matching requests still to be hit.
    pub remaining: u64,
    /// `null` with no `body`, `drop` or `apply`: the real answer, only delayed; otherwise 500.
    pub status: Option<u16>,
    pub body: Option<Value>,
    pub delay_ms: u64,
    pub drop: bool,
    pub apply: bool,
    pub retry_after: Option<Value>,
}

impl Fault {
    /// True when the fault only delays the real answer: no `status`, `body`, `drop` or `apply`.
    /// (`apply` alone means: apply, then answer 500.)
    pub fn delay_only(&self) -> bool {
        self.status.is_none() && self.body.is_none() && !self.drop && !self.apply
    }

    /// `path` is the request's path without its trailing `/` (the domain config is `/v1`).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let path_matches = if self.path == DOMAIN_PATH {
            path == "/v1"
        } else {
            path.starts_with(&self.path)
        };
        self.method.as_deref().is_none_or(|m| m == method) && path_matches
    }

    /// What the client sees instead of the real answer.
    pub fn reply(&self) -> Reply {
        let status = self.status.unwrap_or(500);
        let body = match &self.body {
            None => serde_json::json!({"error": daily_dialin::api_error::error_for_status(status), "info": "injected fault"})
                .to_string(),
            Some(Value::String(raw)) => raw.clone(),
            Some(v) => v.to_string(),
        };
        let raw_text = serde_json::from_str::<Value>(&body).is_err();
        let mut reply = Reply::json(status, body);
        if raw_text {
            reply = reply.with_header("Content-Type", "text/plain; charset=utf-8");
        }
        if let Some(ra) = &self.retry_after {
            let text = match ra {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            reply = reply.with_header("Retry-After", text);
        }
        reply
    }

    /// Parses a `POST /_emulator/faults` body:
    /// `{ method?, path? = "/v1", count? = 1, status?, body?, delay_ms? = 0, drop? = false,
    ///    apply? = false, retry_after? }`.
    pub fn parse(v: &Value, id: u64) -> Result<Fault, Reply> {
        let (m, mut problems) = admin_object(v, "fault", &FAULT_FIELDS)?;
        let fault = Fault {
            id,
            method: text_field(m, "method", &mut problems).map(|s| s.to_ascii_uppercase()),
            path: text_field(m, "path", &mut problems)
                .map_or_else(|| "/v1".to_string(), normalise_path),
            remaining: int(m, "count", 1, MAX_COUNT, &mut problems).unwrap_or(1),
            status: int(m, "status", 200, 599, &mut problems).map(|s| s as u16),
            body: m.get("body").filter(|b| !b.is_null()).cloned(),
            delay_ms: int(m, "delay_ms", 0, MAX_DELAY_MS, &mut problems).unwrap_or(0),
            drop: flag(m, "drop", &mut problems),
            apply: flag(m, "apply", &mut problems),
            retry_after: match m.get("retry_after") {
                None | Some(Value::Null) => None,
                Some(Value::String(s))
                    if !s.trim().is_empty() && !s.chars().any(char::is_control) =>
                {
                    Some(Value::from(s.as_str()))
                }
                Some(_) => int(m, "retry_after", 0, u64::MAX, &mut problems).map(Value::from),
            },
        };
        if let Some(method) = &fault.method {
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
                problems.push("method: must be an HTTP method such as POST".to_string());
            }
        }
        if problems.is_empty() {
            Ok(fault)
        } else {
            Err(Reply::invalid(&problems.join("; ")))
        }
    }
}

/// The fault path of the domain config route (`GET`/`POST /v1/`) alone: given as `/` or `/v1/`.
/// `/v1` (the default) is the prefix of every route.
const DOMAIN_PATH: &str = "/v1/";

/// A path given without the `/v1` prefix (`/domain-dialin-config`) is read under `/v1`.
fn normalise_path(p: String) -> String {
    if p == "/v1" || p.starts_with("/v1/") {
        p
    } else if p.starts_with('/') {
        format!("/v1{p}")
    } else {
        format!("/v1/{p}")
    }
}

fn int(
    m: &Map<String, Value>,
    k: &str,
    min: u64,
    max: u64,
    problems: &mut Vec<String>,
) -> Option<u64> {
    let v = m.get(k).filter(|v| !v.is_null())?;
    match v.as_u64().filter(|n| (min..=max).contains(n)) {
        Some(n) => Some(n),
        None => {
            problems.push(if max == u64::MAX {
                format!("{k}: must be a whole number of at least {min}, or a string")
            } else {
                format!("{k}: must be a whole number from {min} to {max}")
            });
            None
        }
    }
}

fn flag(m: &Map<String, Value>, k: &str, problems: &mut Vec<String>) -> bool {
    match m.get(k) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            problems.push(format!("{k}: must be true or false"));
            false
        }
    }
}

/// The queue, first match first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Faults {
    queue: Vec<Fault>,
    next_id: u64,
}

impl Faults {
    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn list(&self) -> &[Fault] {
        &self.queue
    }

    pub fn add(&mut self, spec: &Value) -> Result<Fault, Reply> {
        if self.queue.len() >= MAX_FAULTS {
            return Err(Reply::invalid(&format!(
                "at most {MAX_FAULTS} faults can be queued; DELETE /_emulator/faults first"
            )));
        }
        let fault = Fault::parse(spec, self.next_id.saturating_add(1))?;
        self.next_id = fault.id;
        self.queue.push(fault.clone());
        Ok(fault)
    }

    /// Takes one use of the first fault matching the request, if any.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let i = self.queue.iter().position(|f| f.matches(method, path))?;
        let f = self.queue.get_mut(i)?;
        f.remaining = f.remaining.saturating_sub(1);
        let hit = f.clone();
        if hit.remaining == 0 {
            self.queue.remove(i);
        }
        Some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_errors() {
        let f = Fault::parse(&json!({}), 1).unwrap();
        assert_eq!(f.path, "/v1");
        assert_eq!(f.remaining, 1);
        assert!(f.delay_only());
        assert_eq!(f.reply().status, 500);
        let f = Fault::parse(&json!({"path": "domain-dialin-config", "status": 429}), 1).unwrap();
        assert_eq!(f.path, "/v1/domain-dialin-config");
        assert!(f.reply().body.contains("rate-limit-error"));
        let e = Fault::parse(&json!({"staus": 500, "count": 0, "drop": "yes"}), 1).unwrap_err();
        assert!(e.body.contains("did you mean status"), "{}", e.body);
        assert!(e.body.contains("count"));
        assert!(e.body.contains("drop"));
        assert!(Fault::parse(&json!({"method": "PO ST"}), 1).is_err());
        assert!(Fault::parse(&json!({"retry_after": -1}), 1).is_err());
        assert!(Fault::parse(&json!({"retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"}), 1).is_ok());
    }

    #[test]
    fn count_exhaustion() {
        let mut q = Faults::default();
        q.add(&json!({"method": "get", "count": 2, "status": 503}))
            .unwrap();
        assert!(q.take("POST", "/v1/x").is_none());
        assert_eq!(q.take("GET", "/v1/x").unwrap().remaining, 1);
        assert_eq!(q.take("GET", "/v1/x").unwrap().remaining, 0);
        assert!(q.take("GET", "/v1/x").is_none());
        assert!(q.list().is_empty());
    }
}
