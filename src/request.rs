//! Request building with no I/O: method, absolute URL, headers and the exact JSON body.

use serde_json::{Map, Value};

use crate::issue::{has_errors, Issue};
use crate::model::{DialinType, HttpRequest, RequestHeaders};
use crate::validate::{self, code, Options, CREATE_FIELDS, LIST_PARAMS};

/// Daily's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.daily.co/v1";
const RESOURCE: &str = "domain-dialin-config";

/// Where and as whom to send.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub api_key: String,
    /// Absolute base URL ending in `/v1` (or a proxy's); defaults to [`DEFAULT_BASE_URL`].
    pub base_url: Option<String>,
    pub allow_private_urls: bool,
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("api_key", &"***")
            .field("base_url", &self.base_url)
            .field("allow_private_urls", &self.allow_private_urls)
            .finish()
    }
}

impl RequestOptions {
    fn validation(&self) -> Options {
        Options {
            allow_private_urls: self.allow_private_urls,
        }
    }
}

/// A built request and the warnings its input raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub request: HttpRequest,
    pub warnings: Vec<Issue>,
}

/// Why a request was not built: every issue found (at least one is an error).
pub type Refused = Vec<Issue>;

/// Percent-encodes everything except RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn base_and_auth(opts: &RequestOptions, out: &mut Vec<Issue>) -> Option<(String, String)> {
    let key = opts.api_key.as_str();
    if key.trim().is_empty() {
        out.push(Issue::error(
            "apiKey",
            code::REQUIRED,
            "apiKey is required (your Daily API key)",
        ));
    } else if key
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        out.push(Issue::error(
            "apiKey",
            code::INVALID_CHARS,
            "apiKey contains whitespace or characters an HTTP header cannot carry (was it copied with a newline?)",
        ));
    }
    let base = opts
        .base_url
        .as_deref()
        .unwrap_or(DEFAULT_BASE_URL)
        .trim_end_matches('/');
    match crate::urls::parse(base) {
        Err(e) => out.push(Issue::error(
            "baseUrl",
            code::INVALID_URL,
            format!(
                "baseUrl {} (Node has no relative URLs: give e.g. https://api.daily.co/v1)",
                e.describe()
            ),
        )),
        Ok(_) if base.contains(['?', '#']) => out.push(Issue::error(
            "baseUrl",
            code::INVALID_URL,
            "baseUrl cannot have a query or fragment",
        )),
        Ok(_) => {}
    }
    (!has_errors(out)).then(|| (base.to_string(), format!("Bearer {key}")))
}

fn split(issues: Vec<Issue>) -> Result<Vec<Issue>, Refused> {
    if has_errors(&issues) {
        Err(issues)
    } else {
        Ok(issues)
    }
}

/// The body as JSON with fields in the documented order (`type` first).
fn ordered_body(m: &Map<String, Value>) -> String {
    // serde_json keeps insertion order only with `preserve_order`; write the object by hand.
    let parts: Vec<String> = CREATE_FIELDS
        .iter()
        .filter_map(|k| m.get(*k).map(|v| format!("{}:{}", Value::from(*k), v)))
        .collect();
    format!("{{{}}}", parts.join(","))
}

fn request(method: &str, url: String, auth: String, body: Option<String>) -> HttpRequest {
    HttpRequest {
        method: method.to_string(),
        url,
        headers: RequestHeaders {
            authorization: auth,
            content_type: body.as_ref().map(|_| "application/json".to_string()),
        },
        body,
    }
}

fn id_issue(id: &str, out: &mut Vec<Issue>) {
    out.extend(validate::check_id("id", id));
}

/// `POST /domain-dialin-config` with a flat body that includes `type`.
pub fn build_create(body: &Value, opts: &RequestOptions) -> Result<Built, Refused> {
    let mut issues = validate::validate_create(body, &opts.validation());
    let target = base_and_auth(opts, &mut issues);
    let warnings = split(issues)?;
    let (base, auth) = target.ok_or_else(Vec::new)?;
    let m = body.as_object().ok_or_else(Vec::new)?;
    Ok(Built {
        request: request(
            "POST",
            format!("{base}/{RESOURCE}"),
            auth,
            Some(ordered_body(m)),
        ),
        warnings,
    })
}

/// `PUT /domain-dialin-config/:id` with a partial body (no `type`).
pub fn build_update(
    id: &str,
    patch: &Value,
    dialin_type: Option<DialinType>,
    opts: &RequestOptions,
) -> Result<Built, Refused> {
    let mut issues = Vec::new();
    id_issue(id, &mut issues);
    issues.extend(validate::validate_update(
        patch,
        dialin_type,
        &opts.validation(),
    ));
    let target = base_and_auth(opts, &mut issues);
    let warnings = split(issues)?;
    let (base, auth) = target.ok_or_else(Vec::new)?;
    let m = patch.as_object().ok_or_else(Vec::new)?;
    Ok(Built {
        request: request(
            "PUT",
            format!("{base}/{RESOURCE}/{}", percent_encode(id)),
            auth,
            Some(ordered_body(m)),
        ),
        warnings,
    })
}

fn by_id(method: &str, id: &str, opts: &RequestOptions) -> Result<Built, Refused> {
    let mut issues = Vec::new();
    id_issue(id, &mut issues);
    let target = base_and_auth(opts, &mut issues);
    split(issues)?;
    let (base, auth) = target.ok_or_else(Vec::new)?;
    Ok(Built {
        request: request(
            method,
            format!("{base}/{RESOURCE}/{}", percent_encode(id)),
            auth,
            None,
        ),
        warnings: Vec::new(),
    })
}

/// `GET /domain-dialin-config/:id`.
pub fn build_get(id: &str, opts: &RequestOptions) -> Result<Built, Refused> {
    by_id("GET", id, opts)
}

/// `DELETE /domain-dialin-config/:id`.
pub fn build_delete(id: &str, opts: &RequestOptions) -> Result<Built, Refused> {
    by_id("DELETE", id, opts)
}

/// The query string (without `?`) of a valid list query, parameters in a fixed order.
pub fn list_query_string(query: &Value) -> String {
    let Some(m) = query.as_object() else {
        return String::new();
    };
    LIST_PARAMS
        .iter()
        .filter_map(|k| {
            let text = match m.get(*k)? {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                Value::Number(n) => n
                    .as_f64()
                    .map_or_else(|| n.to_string(), |f| format!("{}", f as i64)),
                _ => return None,
            };
            Some(format!("{k}={}", percent_encode(&text)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /domain-dialin-config?…`.
pub fn build_list(query: &Value, opts: &RequestOptions) -> Result<Built, Refused> {
    let mut issues = validate::validate_list_query(query);
    let target = base_and_auth(opts, &mut issues);
    split(issues)?;
    let (base, auth) = target.ok_or_else(Vec::new)?;
    let qs = list_query_string(query);
    let url = if qs.is_empty() {
        format!("{base}/{RESOURCE}")
    } else {
        format!("{base}/{RESOURCE}?{qs}")
    };
    Ok(Built {
        request: request("GET", url, auth, None),
        warnings: Vec::new(),
    })
}

/// The body with any `hmac` value replaced by `***` (for previews and logs).
pub fn redact_body(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(mut m)) => {
            let mut changed = false;
            if let Some(v) = m.get_mut("hmac") {
                *v = Value::from("***");
                changed = true;
            }
            if let Some(Value::Object(c)) = m.get_mut("config") {
                if let Some(v) = c.get_mut("hmac") {
                    *v = Value::from("***");
                    changed = true;
                }
            }
            if !changed {
                body.to_string()
            } else if m.keys().all(|k| CREATE_FIELDS.contains(&k.as_str())) {
                ordered_body(&m)
            } else {
                Value::Object(m).to_string()
            }
        }
        Ok(_) => body.to_string(),
        Err(_) => "<body hidden: not JSON>".to_string(),
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A curl command for `req` with the API key shown as `***` and any `hmac` redacted.
pub fn to_curl(req: &HttpRequest) -> String {
    let mut parts = vec!["curl".to_string()];
    if req.method != "GET" {
        parts.push(format!("-X {}", req.method));
    }
    parts.push(shell_quote(&req.url));
    parts.push(shell_quote("Authorization: Bearer ***"));
    if let Some(ct) = &req.headers.content_type {
        parts.push(shell_quote(&format!("Content-Type: {ct}")));
    }
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            out.push_str(p);
        } else if p.starts_with('\'') && p.contains(": ") {
            out.push_str(" \\\n  -H ");
            out.push_str(p);
        } else {
            out.push(' ');
            out.push_str(p);
        }
    }
    if let Some(body) = &req.body {
        out.push_str(" \\\n  -d ");
        out.push_str(&shell_quote(&redact_body(body)));
    }
    out
}
