//! Validation of untyped JSON input against the rules of
//! docs/daily-api.md#rules-the-code-implements (bodies, list queries and ids).
//!
//! Every validator reports all issues at once; none of them panics on any input.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::{self, cat};

use serde_json::{Map, Value};

use crate::issue::{join_path, parent_path, Issue};
use crate::model::DialinType;
use crate::{phone, urls};

/// Caller options shared by the validators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Accept localhost, loopback and private hosts in URLs (for the local emulator).
    pub allow_private_urls: bool,
}

/// Issue codes (stable, machine-readable).
pub mod code {
    pub const REQUIRED: &str = "required";
    pub const INVALID_ENUM: &str = "invalid_enum";
    pub const INVALID_PHONE_NUMBER: &str = "invalid_phone_number";
    pub const NOT_APPLICABLE: &str = "not_applicable";
    pub const INVALID_URL: &str = "invalid_url";
    pub const INSECURE_URL: &str = "insecure_url";
    pub const NOT_PUBLIC_URL: &str = "not_public_url";
    pub const NOT_MP3: &str = "not_mp3";
    pub const INVALID_BASE64: &str = "invalid_base64";
    pub const WEAK_SECRET: &str = "weak_secret";
    pub const EMPTY: &str = "empty";
    pub const INVALID_CHARS: &str = "invalid_chars";
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    pub const INVALID_TYPE: &str = "invalid_type";
    pub const IMMUTABLE_FIELD: &str = "immutable_field";
    pub const EMPTY_UPDATE: &str = "empty_update";
    pub const OUT_OF_RANGE: &str = "out_of_range";
    pub const MUTUALLY_EXCLUSIVE: &str = "mutually_exclusive";
    pub const INVALID_ID: &str = "invalid_id";
}

/// Fields of a create body, in the order requests are written.
pub const CREATE_FIELDS: [&str; 8] = [
    "type",
    "phone_number",
    "name_prefix",
    "hmac",
    "room_creation_api",
    "hold_music_url",
    "timeout_config",
    "ivr_greeting",
];
/// Fields that only `pinless_dialin` configs use.
pub const PINLESS_ONLY: [&str; 4] = [
    "hmac",
    "room_creation_api",
    "hold_music_url",
    "timeout_config",
];
/// Fields that only `pin_dialin` configs use.
pub const PIN_ONLY: [&str; 1] = ["ivr_greeting"];
/// List query parameters, in the order the query string is written.
pub const LIST_PARAMS: [&str; 8] = [
    "limit",
    "starting_after",
    "ending_before",
    "phone_number",
    "phone_numbers",
    "sip_username",
    "name_prefix",
    "type",
];
const MESSAGE_FIELDS: [&str; 1] = ["message"];

/// A JSON value as the validators read it: a `serde_json::Value` (the careful path, and the Rust
/// API), or a node of JSON text read in place ([`crate::json`], the fast path of the Node
/// entries). Both give the same issues, from the same rules.
pub trait Json<'a>: Copy {
    /// How an object is read.
    type Object: JsonObject<'a, Self>;
    /// The JSON type for messages ("a string", "an object", ...).
    fn type_name(self) -> &'static str;
    fn is_null(self) -> bool;
    fn as_str(self) -> Option<&'a str>;
    fn object(self) -> Option<Self::Object>;
}

/// An object of a [`Json`] value.
pub trait JsonObject<'a, J>: Copy {
    /// A key (`String` or `str`).
    type Key: AsRef<str> + ?Sized + 'a;
    /// The members in key order (`serde_json::Map`'s).
    fn members(self) -> impl Iterator<Item = (&'a Self::Key, J)>;
    fn member(self, key: &str) -> Option<J>;
    fn has(self, key: &str) -> bool;
    fn is_empty(self) -> bool;
}

impl<'a> Json<'a> for &'a Value {
    type Object = &'a Map<String, Value>;

    #[inline(always)]
    fn type_name(self) -> &'static str {
        type_name(self)
    }

    #[inline(always)]
    fn is_null(self) -> bool {
        Value::is_null(self)
    }

    #[inline(always)]
    fn as_str(self) -> Option<&'a str> {
        Value::as_str(self)
    }

    #[inline(always)]
    fn object(self) -> Option<Self::Object> {
        self.as_object()
    }
}

impl<'a> JsonObject<'a, &'a Value> for &'a Map<String, Value> {
    type Key = String;

    #[inline(always)]
    fn members(self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.iter()
    }

    #[inline(always)]
    fn member(self, key: &str) -> Option<&'a Value> {
        self.get(key)
    }

    #[inline(always)]
    fn has(self, key: &str) -> bool {
        self.contains_key(key)
    }

    #[inline(always)]
    fn is_empty(self) -> bool {
        Map::is_empty(self)
    }
}

/// The JSON type of `v` for messages ("a string", "an object", ...).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A number for messages: integers exactly, others with up to six decimals (`0.5`, `-2.25`,
/// `1e300` as "a very large number"). Written by hand so that the WebAssembly module carries no
/// float-formatting code.
pub fn number_text(n: f64) -> String {
    if !n.is_finite() || magnitude(n) >= 1e15 {
        return "a very large number".to_string();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    // Whole and millionths apart, so that no step leaves u64 (1e15 * 1e6 would); rounded half
    // away from zero by hand (`f64::round` is not in `core`). Both subtractions are exact.
    let x = magnitude(n);
    let mut int = x as u64;
    let scaled = (x - int as f64) * 1e6;
    let mut frac = scaled as u64;
    if scaled - frac as f64 >= 0.5 {
        frac += 1;
    }
    if frac == 1_000_000 {
        (int, frac) = (int + 1, 0);
    }
    let mut out = cat!(sign, int);
    if frac != 0 {
        let mut digits = String::new();
        text::push_uint(&mut digits, frac, 6);
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out
}

/// `n.abs()`, which `core` has only since Rust 1.85 (the crate's rust-version is 1.82).
fn magnitude(n: f64) -> f64 {
    if n < 0.0 {
        -n
    } else {
        n
    }
}

/// Whether `n` is a whole number in the safe-integer range (±(2^53 - 1)); `f64::fract` is not in
/// `core`.
pub fn is_whole(n: f64) -> bool {
    magnitude(n) <= 9_007_199_254_740_991.0 && (n as i64) as f64 == n
}

fn wrong_type<'a>(path: &str, expected: &str, v: impl Json<'a>) -> Issue {
    let hint = if v.is_null() {
        "; omit the field instead of sending null"
    } else {
        ""
    };
    Issue::error(
        path,
        code::INVALID_TYPE,
        cat!(path, " must be ", expected, ", not ", v.type_name(), hint),
    )
}

/// Levenshtein distance, bounded for short field names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the table at a time: `prev` is the row above, `left` the cell just written.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut left = i + 1;
        let mut cur = vec![left];
        for ((cb, diag), up) in b.iter().zip(&prev).zip(prev.iter().skip(1)) {
            left = (diag + usize::from(ca != *cb)).min(up + 1).min(left + 1);
            cur.push(left);
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or_default()
}

/// `phoneNumber` -> `phone_number`, `Room-Creation-API` -> `room_creation_api`.
fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('_') {
            out.push('_');
        }
        out.push(match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        });
    }
    out
}

/// `a == b` ignoring underscores (`roomcreationapi` matches `room_creation_api`).
fn same_without_underscores(a: &str, b: &str) -> bool {
    let not_underscore = |c: &u8| *c != b'_';
    a.bytes()
        .filter(not_underscore)
        .eq(b.bytes().filter(not_underscore))
}

/// The known name closest to `key`, when it is close enough to be a likely typo.
pub fn suggest_field<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    if key.chars().nth(64).is_some() {
        return None;
    }
    let norm = snake(key);
    if let Some(k) = known
        .iter()
        .find(|k| **k == norm || same_without_underscores(k, &norm))
    {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (distance(&norm, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 4).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn unknown_field(path: &str, key: &str, known: &[&str]) -> Issue {
    let special = match key {
        "sip_uri" => Some("sip_uri is assigned by Daily and cannot be set"),
        "id" => Some("id is assigned by Daily; pass it as the update's id, not in the body"),
        "config" => Some("the body is flat: move the fields out of config to the top level"),
        _ => None,
    };
    let message = match (special, suggest_field(key, known)) {
        (Some(m), _) => m.to_string(),
        (None, Some(s)) => cat!(
            "unknown field ",
            path,
            "; did you mean ",
            join_path(parent_path(path), s),
            "?"
        ),
        (None, None) => {
            let mut m = cat!("unknown field ", path, "; known fields: ");
            text::push_joined(&mut m, known.iter().copied(), ", ");
            m
        }
    };
    Issue::error(path, code::UNKNOWN_FIELD, message)
}

fn check_string<'a>(path: &str, v: impl Json<'a>, out: &mut Vec<Issue>) -> Option<&'a str> {
    match v.as_str() {
        Some(s) => Some(s),
        None => {
            out.push(wrong_type(path, "a string", v));
            None
        }
    }
}

/// A text that is not empty or blank and has no control characters
/// (docs/daily-api.md#rule-text-fields).
fn check_text<'a>(path: &str, v: impl Json<'a>, out: &mut Vec<Issue>) {
    let Some(s) = check_string(path, v, out) else {
        return;
    };
    if s.trim().is_empty() {
        out.push(Issue::error(
            path,
            code::EMPTY,
            cat!(path, " must not be empty or blank"),
        ));
    } else if let Some(c) = s.chars().find(|c| c.is_control()) {
        out.push(Issue::error(
            path,
            code::INVALID_CHARS,
            cat!(
                path,
                " contains the control character U+",
                text::hex4(c as u32),
                "; remove it"
            ),
        ));
    }
}

/// `phone_number` is strict E.164 (docs/daily-api.md#rule-phone-e164).
fn check_phone<'a>(path: &str, v: impl Json<'a>, out: &mut Vec<Issue>) {
    let Some(s) = check_string(path, v, out) else {
        return;
    };
    if let Err(e) = phone::check_e164(s) {
        out.push(Issue::error(
            path,
            code::INVALID_PHONE_NUMBER,
            cat!(path, ": ", phone::explain(s, &e)),
        ));
    }
}

/// docs/daily-api.md#rule-url-absolute, docs/daily-api.md#rule-url-public and, when `mp3`
/// (hold music), docs/daily-api.md#rule-hold-music-mp3.
fn check_url<'a>(path: &str, v: impl Json<'a>, opts: &Options, mp3: bool, out: &mut Vec<Issue>) {
    let Some(s) = check_string(path, v, out) else {
        return;
    };
    let u = match urls::check(s, opts.allow_private_urls) {
        Ok(u) => u,
        Err(r) => {
            let c = if r.not_public {
                code::NOT_PUBLIC_URL
            } else {
                code::INVALID_URL
            };
            out.push(Issue::error(path, c, cat!(path, " ", r.message)));
            return;
        }
    };
    if !u.https {
        let what = if mp3 {
            "the hold music is fetched"
        } else {
            "Daily's webhook and its signature travel"
        };
        out.push(Issue::warning(
            path,
            code::INSECURE_URL,
            cat!(
                path,
                " uses http://, so ",
                what,
                " in clear; prefer https://"
            ),
        ));
    }
    if mp3 && !u.path.to_ascii_lowercase().ends_with(".mp3") {
        out.push(Issue::warning(
            path,
            code::NOT_MP3,
            cat!(
                path,
                " does not end in .mp3; Daily plays only MP3 files (< 10 MB, < 60 s)"
            ),
        ));
    }
}

/// The rules of `hold_music_url` for one URL, as [`validate_create`] applies them to the field:
/// the first step of the online hold-music check (`crate::hold_music`).
#[cfg(any(feature = "music", not(target_arch = "wasm32")))]
pub fn check_hold_music_url(url: &str, opts: &Options) -> Vec<Issue> {
    let mut out = Vec::new();
    check_url("hold_music_url", &Value::String(url.into()), opts, true, &mut out);
    out
}

/// docs/daily-api.md#rule-hmac-base64 (never echoes the secret).
// Inlined into `check_field`, its one caller, as it was before the rules became generic over
// `Json` (-28 B gzip on daily-dialin/core, whose budget is tight).
#[inline(always)]
fn check_hmac<'a>(path: &str, v: impl Json<'a>, out: &mut Vec<Issue>) {
    let Some(s) = check_string(path, v, out) else {
        return;
    };
    match crate::b64::decoded_len(s) {
        None => {
            let hint = if s.trim() != s {
                "; it has leading or trailing whitespace"
            } else if s.contains(['-', '_']) {
                "; it looks like URL-safe base64 (use + and /)"
            } else if !s.is_empty() && s.len() % 4 != 0 {
                "; padding (=) may be missing"
            } else {
                ""
            };
            out.push(Issue::error(
                path,
                code::INVALID_BASE64,
                cat!(path, " must be standard, padded base64", hint),
            ));
        }
        Some(len) if len < 16 => out.push(Issue::error(
            path,
            code::WEAK_SECRET,
            cat!(
                path,
                " decodes to ",
                len,
                " bytes; it must be at least 16 (32 recommended: generate one)"
            ),
        )),
        Some(len) if len < 32 => out.push(Issue::warning(
            path,
            code::WEAK_SECRET,
            cat!(
                path,
                " decodes to ",
                len,
                " bytes; 32 random bytes are recommended"
            ),
        )),
        Some(_) => {}
    }
}

/// `timeout_config` / `ivr_greeting`: `{ message?: string }`.
#[inline(always)]
fn check_message_object<'a>(path: &str, v: impl Json<'a>, out: &mut Vec<Issue>) {
    let Some(m) = v.object() else {
        out.push(wrong_type(
            path,
            "an object like { \"message\": \"...\" }",
            v,
        ));
        return;
    };
    for (k, val) in m.members() {
        let k = k.as_ref();
        let p = join_path(path, k);
        if k == "message" {
            check_text(&p, val, out);
        } else {
            out.push(unknown_field(&p, k, &MESSAGE_FIELDS));
        }
    }
}

/// Checks one known body field's shape and format (not its applicability).
fn check_field<'a>(key: &str, v: impl Json<'a>, opts: &Options, out: &mut Vec<Issue>) {
    match key {
        "phone_number" => check_phone(key, v, out),
        "name_prefix" => check_text(key, v, out),
        "hmac" => check_hmac(key, v, out),
        "room_creation_api" => check_url(key, v, opts, false, out),
        "hold_music_url" => check_url(key, v, opts, true, out),
        "timeout_config" | "ivr_greeting" => check_message_object(key, v, out),
        _ => {}
    }
}

/// Fields that the other type owns (docs/daily-api.md#rule-fields-by-type).
fn check_applicability<'a, J: Json<'a>>(m: J::Object, t: DialinType, out: &mut Vec<Issue>) {
    let (foreign, owner): (&[&str], DialinType) = match t {
        DialinType::PinDialin => (&PINLESS_ONLY, DialinType::PinlessDialin),
        DialinType::PinlessDialin => (&PIN_ONLY, DialinType::PinDialin),
    };
    for key in foreign.iter().filter(|k| m.has(k)) {
        out.push(Issue::error(
            *key,
            code::NOT_APPLICABLE,
            cat!(
                key,
                " applies only to ",
                owner.as_str(),
                " configs, and this one is ",
                t.as_str()
            ),
        ));
    }
}

fn parse_type<'a>(path: &str, v: impl Json<'a>, out: &mut Vec<Issue>) -> Option<DialinType> {
    let s = check_string(path, v, out)?;
    let t = DialinType::parse(s);
    if t.is_none() {
        let lower = s.to_ascii_lowercase();
        let hint = match lower.as_str() {
            x if x.starts_with("pinless") => " (did you mean pinless_dialin?)",
            x if x.starts_with("pin") => " (did you mean pin_dialin?)",
            _ => "",
        };
        out.push(Issue::error(
            path,
            code::INVALID_ENUM,
            cat!(path, " must be \"pinless_dialin\" or \"pin_dialin\"", hint),
        ));
    }
    t
}

fn root_object<'a, J: Json<'a>>(body: J, out: &mut Vec<Issue>) -> Option<J::Object> {
    match body.object() {
        Some(m) => Some(m),
        None => {
            out.push(Issue::error(
                "",
                code::INVALID_TYPE,
                cat!("the body must be a JSON object, not ", body.type_name()),
            ));
            None
        }
    }
}

/// Validates a create body (docs/daily-api.md#create-and-update-bodies). Returns every issue,
/// errors and warnings.
pub fn validate_create<'a, J: Json<'a>>(body: J, opts: &Options) -> Vec<Issue> {
    let mut out = Vec::new();
    let Some(m) = root_object(body, &mut out) else {
        return out;
    };
    let dialin_type = match m.member("type") {
        None => {
            out.push(Issue::error(
                "type",
                code::REQUIRED,
                "type is required: \"pinless_dialin\" (webhook) or \"pin_dialin\" (PIN prompt)",
            ));
            None
        }
        Some(v) => parse_type("type", v, &mut out),
    };
    for (k, v) in m.members() {
        let k = k.as_ref();
        if CREATE_FIELDS.contains(&k) {
            check_field(k, v, opts, &mut out);
        } else {
            out.push(unknown_field(k, k, &CREATE_FIELDS));
        }
    }
    let required = match dialin_type {
        Some(DialinType::PinDialin) => Some((
            "phone_number",
            "phone_number is required for pin_dialin (the purchased number that plays the PIN prompt)",
        )),
        Some(DialinType::PinlessDialin) => Some((
            "room_creation_api",
            "room_creation_api is required for pinless_dialin: without it no one is asked for a room and every call ends in the timeout message",
        )),
        None => None,
    };
    if let Some((field, message)) = required.filter(|(f, _)| !m.has(f)) {
        out.push(Issue::error(field, code::REQUIRED, message));
    }
    if let Some(t) = dialin_type {
        check_applicability::<J>(m, t, &mut out);
    }
    out
}

/// Validates an update (PUT) body (docs/daily-api.md#rule-update-type-immutable,
/// docs/daily-api.md#rule-update-not-empty, docs/daily-api.md#rule-update-applicability).
/// `dialin_type` is the stored config's type, when known.
pub fn validate_update<'a, J: Json<'a>>(
    body: J,
    dialin_type: Option<DialinType>,
    opts: &Options,
) -> Vec<Issue> {
    let mut out = Vec::new();
    let Some(m) = root_object(body, &mut out) else {
        return out;
    };
    if m.is_empty() {
        out.push(Issue::error(
            "",
            code::EMPTY_UPDATE,
            "the update is empty; give at least one field to change",
        ));
    }
    for (k, v) in m.members() {
        let k = k.as_ref();
        if k == "type" {
            out.push(Issue::error(
                "type",
                code::IMMUTABLE_FIELD,
                "type cannot change; delete the config and create a new one of the other type",
            ));
        } else if CREATE_FIELDS.contains(&k) {
            check_field(k, v, opts, &mut out);
        } else {
            out.push(unknown_field(k, k, &CREATE_FIELDS[1..]));
        }
    }
    if let Some(t) = dialin_type {
        check_applicability::<J>(m, t, &mut out);
    }
    out
}

/// Checks a config id (docs/daily-api.md#rule-config-id): non-empty, and no `/`, `?`, `#` or
/// whitespace.
pub fn check_id(path: &str, id: &str) -> Option<Issue> {
    if id.is_empty() {
        return Some(Issue::error(
            path,
            code::INVALID_ID,
            cat!(path, " must not be empty"),
        ));
    }
    if is_dot_segment(id) {
        return Some(Issue::error(
            path,
            code::INVALID_ID,
            cat!(
                path,
                " cannot be . or .. (or a percent-encoded form of them): a URL would take it as \
                 a step to another path; pass the config's id as Daily returned it"
            ),
        ));
    }
    id.chars()
        .find(|c| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c.is_control())
        .map(|c| {
            let shown = if c.is_whitespace() || c.is_control() {
                cat!("U+", text::hex4(c as u32))
            } else {
                c.to_string()
            };
            Issue::error(
                path,
                code::INVALID_ID,
                cat!(
                    path,
                    " cannot contain ",
                    shown,
                    "; pass the config's id as Daily returned it"
                ),
            )
        })
}

/// True when `id` is `.` or `..`, as written or once percent-escapes are decoded, once or again
/// (up to 16 times): a URL parser, a proxy or a server would read it as the current or the parent
/// path segment and send the request to another resource.
fn is_dot_segment(id: &str) -> bool {
    let mut s = id.as_bytes().to_vec();
    for _ in 0..16 {
        if matches!(s.as_slice(), b"." | b"..") {
            return true;
        }
        let hex = |j: usize| s.get(j).copied().and_then(text::hex_value);
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while let Some(&b) = s.get(i) {
            match (b, hex(i + 1), hex(i + 2)) {
                (b'%', Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        if out.len() == s.len() {
            return false;
        }
        s = out;
    }
    false
}

/// Validates a list query (docs/daily-api.md#list-queries-and-ids).
pub fn validate_list_query(query: &Value) -> Vec<Issue> {
    let mut out = Vec::new();
    let m = match query {
        Value::Null => return out,
        Value::Object(m) => m,
        other => {
            out.push(Issue::error(
                "",
                code::INVALID_TYPE,
                cat!("the query must be an object, not ", type_name(other)),
            ));
            return out;
        }
    };
    for (k, v) in m {
        match k.as_str() {
            "limit" => match v.as_f64() {
                Some(n) if is_whole(n) && (1.0..=100.0).contains(&n) => {}
                Some(n) => out.push(Issue::error(
                    "limit",
                    code::OUT_OF_RANGE,
                    cat!(
                        "limit must be a whole number from 1 to 100, not ",
                        number_text(n)
                    ),
                )),
                None => out.push(wrong_type("limit", "a number", v)),
            },
            "starting_after" | "ending_before" => {
                if let Some(s) = check_string(k, v, &mut out) {
                    out.extend(check_id(k, s));
                }
            }
            "phone_number" => check_phone(k, v, &mut out),
            "phone_numbers" => match v {
                Value::String(s) => {
                    if s.split(',').any(|p| p.trim().is_empty()) {
                        out.push(Issue::error(
                            k,
                            code::EMPTY,
                            "phone_numbers has an empty entry",
                        ));
                    }
                }
                Value::Array(items) => {
                    if items.is_empty() {
                        out.push(Issue::error(
                            k,
                            code::EMPTY,
                            "phone_numbers must not be an empty list",
                        ));
                    }
                    for (i, item) in items.iter().enumerate() {
                        let p = cat!("phone_numbers.", i);
                        if let Some(s) = check_string(&p, item, &mut out) {
                            if s.trim().is_empty() || s.contains(',') {
                                out.push(Issue::error(p, code::EMPTY, "each phone_numbers entry must be a non-empty number without commas"));
                            }
                        }
                    }
                }
                _ => out.push(wrong_type(
                    k,
                    "a comma-separated string or an array of strings",
                    v,
                )),
            },
            "sip_username" | "name_prefix" => check_text(k, v, &mut out),
            "type" => {
                parse_type(k, v, &mut out);
            }
            _ => out.push(unknown_field(k, k, &LIST_PARAMS)),
        }
    }
    if m.contains_key("starting_after") && m.contains_key("ending_before") {
        out.push(Issue::error(
            "ending_before",
            code::MUTUALLY_EXCLUSIVE,
            "starting_after and ending_before cannot be used together; page in one direction",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook Levenshtein table, indexed, against `distance`'s row-by-row form.
    fn table_distance(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let sub = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn distance_is_levenshtein() {
        let words = ["", "a", "hmac", "HMAC", "mesage", "message", "phoneNumber", "phone_number", "é☎x"];
        for a in words {
            for b in words {
                assert_eq!(distance(a, b), table_distance(a, b), "{a:?} {b:?}");
            }
        }
        assert_eq!(distance("mesage", "message"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
