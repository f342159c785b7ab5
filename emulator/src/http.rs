//! HTTP-shaped helpers: replies, Daily's error bodies, percent-decoding and query parsing.

use serde::Serialize;
use serde_json::{Map, Value};

use daily_dialin::issue::Issue;
use daily_dialin::validate::suggest_field;

/// Daily's documented `error` values ([`daily_dialin::api_error`], shared with the client).
pub(crate) use daily_dialin::api_error::error_type as err;

/// A status, extra headers and a body (JSON unless a fault says otherwise).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// 200 with `value` serialized; a serialization failure (not expected) becomes a 500.
    pub fn ok<T: Serialize>(value: &T) -> Reply {
        match serde_json::to_string(value) {
            Ok(body) => Reply::json(200, body),
            Err(_) => Reply::error(500, err::SERVER, Some("could not serialize the response")),
        }
    }

    /// Daily's error body `{"error": ..., "info": ...}`; `info` is left out when `None`.
    pub fn error(status: u16, error: &str, info: Option<&str>) -> Reply {
        let mut m = serde_json::Map::new();
        m.insert("error".into(), Value::from(error));
        if let Some(info) = info {
            m.insert("info".into(), Value::from(info));
        }
        Reply::json(status, Value::Object(m).to_string())
    }

    pub fn invalid(info: &str) -> Reply {
        Reply::error(400, err::INVALID_REQUEST, Some(info))
    }

    pub fn not_found(info: &str) -> Reply {
        Reply::error(404, err::NOT_FOUND, Some(info))
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// `path: message; path2: message2` for the error issues (warnings never block a request).
pub(crate) fn issues_info(issues: &[Issue]) -> String {
    issues
        .iter()
        .filter(|i| i.is_error())
        .map(|i| {
            if i.path.is_empty() {
                i.message.clone()
            } else {
                format!("{}: {}", i.path, i.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// 400 `invalid-request-error` naming every failing field.
pub(crate) fn invalid_issues(issues: &[Issue]) -> Reply {
    Reply::invalid(&issues_info(issues))
}

/// The object of an admin request body and one problem per key outside `fields` (with a
/// suggestion when one is close).
pub(crate) fn admin_object<'v>(
    v: &'v Value,
    what: &str,
    fields: &[&str],
) -> Result<(&'v Map<String, Value>, Vec<String>), Reply> {
    let Value::Object(m) = v else {
        return Err(Reply::invalid(&format!("the {what} must be a JSON object")));
    };
    let problems = m
        .keys()
        .filter(|k| !fields.contains(&k.as_str()))
        .map(|k| match suggest_field(k, fields) {
            Some(s) => format!("{k}: unknown field; did you mean {s}?"),
            None => format!("{k}: unknown field; known fields: {}", fields.join(", ")),
        })
        .collect();
    Ok((m, problems))
}

/// An optional non-empty string field of an admin body (`null` reads as absent).
pub(crate) fn text_field(
    m: &Map<String, Value>,
    k: &str,
    problems: &mut Vec<String>,
) -> Option<String> {
    match m.get(k)? {
        Value::Null => None,
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => {
            problems.push(format!("{k}: must be a non-empty string"));
            None
        }
    }
}

/// Parses a JSON request body. An empty (or blank) body reads as `{}`, so the validators can say
/// which fields are required instead of a bare parse error.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| {
        Reply::error(
            400,
            err::JSON_PARSING,
            Some(&format!("the request body is not valid JSON: {e}")),
        )
    })
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in query strings).
/// `None` for a broken escape or a result that is not UTF-8.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hi = (*bytes.get(i + 1)? as char).to_digit(16)?;
                let lo = (*bytes.get(i + 2)? as char).to_digit(16)?;
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Splits a raw query string (no `?`) into decoded pairs, in order. `+` is a space, as every
/// form-decoding server reads it: send `%2B` for the `+` of a phone number.
pub(crate) fn parse_query(query: &str) -> Result<Vec<(String, String)>, Reply> {
    let mut out = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        match (percent_decode(k, true), percent_decode(v, true)) {
            (Some(k), Some(v)) => out.push((k, v)),
            _ => {
                return Err(Reply::invalid(
                    "the query string has a broken percent-escape or is not UTF-8",
                ))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%2Fb+c", false).as_deref(), Some("a/b+c"));
        assert_eq!(percent_decode("a%2fb+c", true).as_deref(), Some("a/b c"));
        assert_eq!(percent_decode("%", true), None);
        assert_eq!(percent_decode("%4", true), None);
        assert_eq!(percent_decode("%zz", true), None);
        assert_eq!(percent_decode("%FF", true), None);
        assert_eq!(percent_decode("%C3%A9", true).as_deref(), Some("é"));
    }

    #[test]
    fn query_pairs() {
        let q = parse_query("a=1&&b&c=%2B1+2").unwrap();
        assert_eq!(
            q,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "+1 2".into())
            ]
        );
        assert!(parse_query("a=%G0").is_err());
    }

    #[test]
    fn error_body_without_info() {
        let r = Reply::error(401, err::AUTHENTICATION, None);
        assert_eq!(r.body, r#"{"error":"authentication-error"}"#);
    }
}
