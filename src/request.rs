//! Request building with no I/O: method, absolute URL, headers and the exact JSON body.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::{self, cat};

use serde_json::{Map, Value};

use crate::issue::{has_errors, Issue};
use crate::model::{DialinType, HttpRequest, RequestHeaders};
use crate::validate::{self, code, Options, CREATE_FIELDS, LIST_PARAMS};

/// Kept here too, where request previews are made (`to_curl`); it lives in `redact`, the lower
/// module, because `model` needs it for `HttpRequest`'s `Debug`.
pub use crate::redact::redact_body;

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

impl core::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
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
            out.push('%');
            text::push_hex(&mut out, text::UPPER_HEX, b);
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
            cat!(
                "baseUrl ",
                e.describe(),
                " (Node has no relative URLs: give e.g. https://api.daily.co/v1)"
            ),
        )),
        Ok(_) if base.contains(['?', '#']) => out.push(Issue::error(
            "baseUrl",
            code::INVALID_URL,
            "baseUrl cannot have a query or fragment",
        )),
        // Credentials in the URL would be sent to the server in every request and shown wherever
        // the URL is (errors, curl previews); the message does not repeat them.
        Ok(u) if u.userinfo => out.push(Issue::error(
            "baseUrl",
            code::INVALID_URL,
            "baseUrl cannot hold a user name or password (user:password@host); the API key goes in apiKey",
        )),
        Ok(_) => {}
    }
    (!has_errors(out)).then(|| (base.to_string(), cat!("Bearer ", key)))
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
    let mut out = String::with_capacity(128);
    out.push('{');
    for (k, v) in CREATE_FIELDS.iter().filter_map(|k| Some((*k, m.get(*k)?))) {
        if out.len() > 1 {
            out.push(',');
        }
        write_json_str(k, &mut out);
        out.push(':');
        write_json(v, &mut out);
    }
    out.push('}');
    out
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it. (The cut points are always
/// char boundaries; `get` instead of slicing keeps std's slice-panic message code out of the wasm
/// modules.)
pub fn write_json_str(s: &str, out: &mut String) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        if esc.is_empty() {
            out.push_str("\\u00");
            text::push_hex(out, text::LOWER_HEX, b);
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Appends a validated body value as JSON. Validated bodies hold only strings and objects of
/// strings; the other shapes are written too (integers exactly), except that a number with a
/// fraction, which no validated body can hold, is written as its integer part.
fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => write_json_str(s, out),
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_str(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out);
            }
            out.push(']');
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        Value::Number(n) => out.push_str(&integer_text(n)),
    }
}

/// An integer's decimal text; a number with a fraction gives its integer part.
fn integer_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => cat!(i),
        (None, Some(u)) => cat!(u),
        _ => cat!(n.as_f64().unwrap_or(0.0) as i64),
    }
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
            cat!(base, "/", RESOURCE),
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
            cat!(base, "/", RESOURCE, "/", percent_encode(id)),
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
            cat!(base, "/", RESOURCE, "/", percent_encode(id)),
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

/// The query string (without `?`) of a valid list query, parameters in a fixed order. (Written
/// into one string: `[..].join` would add std's generic joiner to the wasm modules.)
pub fn list_query_string(query: &Value) -> String {
    let mut out = String::new();
    let Some(m) = query.as_object() else {
        return out;
    };
    for k in LIST_PARAMS {
        let text = match m.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) => {
                let mut list = String::new();
                text::push_joined(&mut list, items.iter().filter_map(Value::as_str), ",");
                list
            }
            Some(Value::Number(n)) => integer_text(n),
            _ => continue,
        };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(&text));
    }
    out
}

/// `GET /domain-dialin-config?…`.
pub fn build_list(query: &Value, opts: &RequestOptions) -> Result<Built, Refused> {
    let mut issues = validate::validate_list_query(query);
    let target = base_and_auth(opts, &mut issues);
    split(issues)?;
    let (base, auth) = target.ok_or_else(Vec::new)?;
    let qs = list_query_string(query);
    let url = if qs.is_empty() {
        cat!(base, "/", RESOURCE)
    } else {
        cat!(base, "/", RESOURCE, "?", qs)
    };
    Ok(Built {
        request: request("GET", url, auth, None),
        warnings: Vec::new(),
    })
}

/// Appends ` ` and `s` in single quotes, for any POSIX shell: inside them nothing is special
/// (`$`, backticks, `\`, newlines), and a `'` is written as `'\''`.
fn push_quoted(out: &mut String, s: &str) {
    out.push_str(" '");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// `req` as previews and logs may show it: the API key as `Bearer ***` and every `hmac` of the
/// body as `"***"` (as [`to_curl`] shows them).
pub fn redacted(req: &HttpRequest) -> HttpRequest {
    HttpRequest {
        method: req.method.clone(),
        url: req.url.clone(),
        headers: RequestHeaders {
            authorization: "Bearer ***".to_string(),
            content_type: req.headers.content_type.clone(),
        },
        body: req.body.as_deref().map(redact_body),
    }
}

/// A curl command for `req` with the API key shown as `***` and any `hmac` redacted. Every part
/// taken from `req` is single-quoted, so no method, URL, header or body can end the argument it
/// is in; a URL that starts with `-` is passed with `--url`, so curl cannot take it as an option.
pub fn to_curl(req: &HttpRequest) -> String {
    let mut out = String::from("curl");
    if req.method != "GET" {
        out.push_str(" -X");
        push_quoted(&mut out, &req.method);
    }
    if req.url.starts_with('-') {
        out.push_str(" --url");
    }
    push_quoted(&mut out, &req.url);
    out.push_str(" \\\n  -H 'Authorization: Bearer ***'");
    if let Some(ct) = &req.headers.content_type {
        out.push_str(" \\\n  -H");
        push_quoted(&mut out, &cat!("Content-Type: ", ct));
    }
    if let Some(body) = &req.body {
        out.push_str(" \\\n  -d");
        push_quoted(&mut out, &redact_body(body));
    }
    out
}
