//! JS adapters for the pinless webhook (`room_creation_api`): verify, sign, generate a secret.
//! All rules live in `crate::webhook`; this file only reads JS values and builds the answer.
//!
//! Speed: a verification should cost little more than the HMAC itself, so the number of JS <->
//! wasm crossings is kept small and independent of the number of headers: options are read with
//! plain property reads (imported getters, so no key string is made per call), the JS strings used
//! on every call are made once per module instance, a plain headers object's names cross as one
//! joined string, the last few secrets are kept prepared (see [`SECRETS`]), and a call's answer is
//! built by one `JSON.parse`. Every JS operation that can throw (getters, proxies, `get` methods)
//! is imported with `catch`: a throwing one reads as absent (and so fails closed).
//!
//! Even so the careful reads take about 50 crossings per call, more than the HMAC costs; the
//! module's entries put `pkg-template/verify.js` in front, which reads the options servers pass
//! in JavaScript and calls [`verify_text`] once (1.3-1.4x `node:crypto` instead of 2.3-2.4x,
//! `bench/webhook.mjs`); everything else comes here.

use std::cell::RefCell;

use js_sys::{Function, JsString, Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::Nullable;

use super::errors::make_error;
use super::js;
use crate::request::write_json_str;
use crate::webhook::{
    self, PreparedSecret, Verified, VerifyInput, WebhookErrorKind, DEFAULT_TOLERANCE_SECONDS,
    MILLISECONDS_THRESHOLD, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

/// Most elements read from an array (header values, secrets); later ones are ignored (header
/// values) or refused (secrets). Keeps a sparse array of length 2^32 - 1 cheap.
const MAX_LIST: u32 = 64;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    /// The options bag of `verifyPinlessWebhook` / `signPinlessWebhook`.
    type Opts;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn body(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn headers(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn secret(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn secrets(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch, js_name = toleranceSeconds)]
    fn tolerance_seconds(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn now(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn timestamp(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch, js_name = allowWeakSecrets)]
    fn allow_weak_secrets(this: &Opts) -> Result<Option<Nullable<JsValue>>, JsValue>;

    /// Anything with a `get` property (a `Headers` instance), or an array (`length`, `join`).
    type Bag;
    #[wasm_bindgen(method, getter, structural, catch, js_name = get)]
    fn get_method(this: &Bag) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn length(this: &Bag) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(method, structural, catch)]
    fn join(this: &Bag, separator: &JsValue) -> Result<Option<Nullable<JsValue>>, JsValue>;
}

#[wasm_bindgen(typescript_custom_section)]
const WEBHOOK_TYPES: &'static str = r#"
/**
 * The known fields of what Daily POSTs to `room_creation_api` for an incoming call. `To`, `callId`
 * and `callDomain` are always sent: if a signed body lacks one or has another type there, it is
 * `""` here and `warnings` says so. `From` is absent when the caller ID is withheld. `sipHeaders`
 * holds the string values of the body's `sipHeaders` object (others are in `raw` and `warnings`).
 */
export interface PinlessCallPayload {
    To: string;
    From?: string;
    callId: string;
    callDomain: string;
    sipHeaders?: Record<string, string>;
}

/** A shape surprise in a verified body: it is genuine, so it is reported, never refused. */
export interface PinlessWebhookWarning {
    /** `""` for the body itself, `callId`, `sipHeaders.X-Name`, ... */
    path: string;
    /** `required`: a field Daily always sends is missing; `invalid_type`: another JSON type. */
    code: "required" | "invalid_type";
    /** Names fields and types, never values from the body. */
    message: string;
}

/**
 * A verified webhook: the one-off test request, or a call (any other genuine JSON body).
 * `raw` is the whole body as `JSON.parse` reads it, unknown keys included.
 */
export type PinlessWebhook =
    | { kind: "test"; raw: unknown; warnings: PinlessWebhookWarning[] }
    | { kind: "call"; payload: PinlessCallPayload; raw: unknown; warnings: PinlessWebhookWarning[] };

/** Why verification or signing failed (`WebhookVerificationError.reason`). */
export type WebhookFailureReason =
    | "missing_signature" | "missing_timestamp" | "bad_timestamp" | "timestamp_too_old"
    | "timestamp_in_future" | "bad_secret" | "signature_mismatch" | "bad_payload" | "bad_options";

export interface VerifyPinlessWebhookOptions {
    /** The raw body exactly as received (string or bytes), never a parsed object. */
    body: string | Uint8Array | ArrayBuffer;
    /** The request headers: a `Headers` instance or a plain object (any letter case). */
    headers: { get(name: string): string | null } | Record<string, string | string[] | undefined>;
    /** The config's `hmac` (base64). */
    secret?: string;
    /** Several secrets, for rotation: any one may match. */
    secrets?: string[];
    /** Allowed clock difference, both ways, whole seconds (default 300). */
    toleranceSeconds?: number;
    /** The current time (Unix seconds or milliseconds, or a Date); for tests. */
    now?: number | Date;
    /**
     * Accept secrets that decode to fewer than 16 bytes (refused with `bad_secret` otherwise), for
     * a config made elsewhere that still carries one. Such a secret is weak: replace it.
     */
    allowWeakSecrets?: boolean;
}

export interface SignPinlessWebhookOptions {
    body: string | Uint8Array | ArrayBuffer;
    secret: string;
    /** Unix seconds (default: now). */
    timestamp?: number | string;
    /** Accept a secret that decodes to fewer than 16 bytes (see VerifyPinlessWebhookOptions). */
    allowWeakSecrets?: boolean;
}
"#;

const SIGNATURE_LOWER: &str = "x-pinless-signature";
const TIMESTAMP_LOWER: &str = "x-pinless-timestamp";
// `pinless_headers` skips names of any other length.
const _: () = assert!(SIGNATURE_LOWER.len() == TIMESTAMP_LOWER.len());
const _: () = assert!(SIGNATURE_HEADER.len() == SIGNATURE_LOWER.len());

/// JS strings used on every call, made once.
struct Names {
    signature: JsValue,
    timestamp: JsValue,
    /// The header names as Node's `req.headers` has them (lower case).
    signature_lower: JsValue,
    timestamp_lower: JsValue,
    newline: JsValue,
    byte_length: JsValue,
}

thread_local! {
    static NAMES: Names = Names {
        signature: SIGNATURE_HEADER.into(),
        timestamp: TIMESTAMP_HEADER.into(),
        signature_lower: SIGNATURE_LOWER.into(),
        timestamp_lower: TIMESTAMP_LOWER.into(),
        newline: "\n".into(),
        byte_length: "byteLength".into(),
    };
}

/// A property read; a throwing getter reads as `undefined`.
/// A getter's value; `undefined` when it throws. (Getters cross as `Option<Nullable<_>>`: a
/// `catch` import returning a plain value leaks a table slot on every throw, see `wasm::js`.)
fn read(r: Result<Option<Nullable<JsValue>>, JsValue>) -> JsValue {
    r.map(js::value).unwrap_or(JsValue::UNDEFINED)
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn failure(reason: &str, message: &str) -> JsValue {
    make_error(
        "WebhookVerificationError",
        message,
        &[("reason", reason.into())],
    )
}

/// A `WebhookVerificationError` with reason `bad_options`: an option of the call is unusable.
fn bad_options(message: &str) -> JsValue {
    failure(WebhookErrorKind::BadOptions.as_str(), message)
}

/// The first [`MAX_LIST`] elements of an array (`Array.isArray`), or `None` for a non-array.
/// Returns the elements and whether some were left out.
fn list(v: &JsValue) -> Option<(Vec<JsValue>, bool)> {
    if !js::is_array(v).unwrap_or(false) {
        return None;
    }
    let len = read(v.unchecked_ref::<Bag>().length())
        .as_f64()
        .filter(|n| *n >= 0.0)
        .unwrap_or(0.0);
    let n = len.min(f64::from(MAX_LIST)) as u32;
    let items = (0..n)
        .map(|i| js::get(v, &JsValue::from(i)).unwrap_or(JsValue::UNDEFINED))
        .collect();
    Some((items, len > f64::from(MAX_LIST)))
}

/// Largest body accepted (in bytes, or UTF-16 units for a string): 64 KiB. Daily's webhook bodies are a
/// few hundred bytes; refusing larger ones keeps a hostile request from growing wasm memory.
const MAX_BODY: u32 = 64 << 10;
const TOO_LARGE: &str =
    "body is larger than 64 KiB; Daily's webhook bodies are a few hundred bytes";

/// Longest header value or secret read; longer strings are refused without being copied into wasm.
const MAX_TEXT: u32 = 8 << 10;
const SECRET_TOO_LONG: &str = "a secret longer than 8 KiB cannot be a Daily hmac";

/// `v` as a Rust string when it is a string of at most `max` UTF-16 units.
fn text_max(v: &JsValue, max: u32) -> Option<String> {
    let s = v.dyn_ref::<js_sys::JsString>()?;
    (s.length() <= max).then(|| String::from(s))
}

/// `v` as a Rust string when it is a string of at most [`MAX_TEXT`] units.
fn text(v: &JsValue) -> Option<String> {
    text_max(v, MAX_TEXT)
}

/// The raw body as bytes; a parsed object is refused.
fn body_bytes(v: &JsValue) -> Result<Vec<u8>, &'static str> {
    if let Some(s) = v.dyn_ref::<js_sys::JsString>() {
        if s.length() > MAX_BODY {
            return Err(TOO_LARGE);
        }
        return Ok(String::from(s).into_bytes());
    }
    let bytes = v.is_instance_of::<Uint8Array>();
    if bytes || v.is_instance_of::<js_sys::ArrayBuffer>() {
        // Read byteLength with a catching Reflect.get: a proxy or a fake object that passes
        // instanceof makes the real getter throw, and is refused instead of throwing through wasm.
        let len = NAMES
            .with(|n| js::get(v, &n.byte_length))
            .ok()
            .and_then(|l| l.as_f64());
        return match len {
            Some(n) if n > f64::from(MAX_BODY) => Err(TOO_LARGE),
            Some(_) if bytes => Ok(v.unchecked_ref::<Uint8Array>().to_vec()),
            Some(_) => Ok(Uint8Array::new(v).to_vec()),
            None => Err("body is not a readable Uint8Array or ArrayBuffer"),
        };
    }
    Err(if v.is_object() {
        "body must be the raw request body (a string or bytes), not a parsed object: parsing and re-serialising changes the bytes that Daily signed (in Express use express.raw(), in fetch handlers await request.text())"
    } else {
        "body must be the raw request body as a string or bytes"
    })
}

/// Both pinless headers: `(signature, timestamp)`.
type Found = (Option<String>, Option<String>);

/// Reads both headers from a `Headers`-like object (anything with a `get` method) or from a plain
/// object, whose keys match case-insensitively; string or array values; several values of one
/// header (array elements, or keys differing in case) are joined with ", " as HTTP does.
fn pinless_headers(headers: &JsValue) -> Found {
    NAMES.with(|n| {
        let getter = read(headers.unchecked_ref::<Bag>().get_method());
        if let Some(f) = getter.dyn_ref::<Function>() {
            let one = |name: &JsValue| f.call1(headers, name).ok().and_then(|v| text(&v));
            return (one(&n.signature), one(&n.timestamp));
        }
        let Ok(keys) = js::object_keys(headers) else {
            return (None, None);
        };
        let count = keys.length();
        let mut sig = Vec::new();
        let mut ts = Vec::new();
        let mut take = |i: u32, name: &str| {
            // Both names have this length: most names are passed over without comparing.
            if name.len() != SIGNATURE_LOWER.len() {
                return;
            }
            // A key spelt exactly as the JS string at hand is read with that string, which saves
            // fetching the key from the array.
            let (out, lower) = if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                (
                    &mut sig,
                    (name == SIGNATURE_LOWER).then_some(&n.signature_lower),
                )
            } else if name.eq_ignore_ascii_case(TIMESTAMP_HEADER) {
                (
                    &mut ts,
                    (name == TIMESTAMP_LOWER).then_some(&n.timestamp_lower),
                )
            } else {
                return;
            };
            let v = match lower {
                Some(key) => js::get(headers, key).unwrap_or(JsValue::UNDEFINED),
                None => js::get(headers, &keys.get(i)).unwrap_or(JsValue::UNDEFINED),
            };
            if let Some(s) = text(&v) {
                out.push(s);
            } else if let Some((items, _)) = list(&v) {
                out.extend(items.iter().filter_map(text));
            }
        };
        // All names cross into wasm as one string. When no name contains the separator, the
        // parts are exactly the keys; otherwise the keys are read one by one.
        let joined = keys
            .unchecked_ref::<Bag>()
            .join(&n.newline)
            .ok()
            .map(js::value)
            .and_then(|j| text_max(&j, 64 << 10));
        // (Byte loops, not `split`: chosen when this module was built at opt-level "z", where
        // `split`'s searcher stays a call; it is now built at opt-level 3 (scripts/build-pkg),
        // where `split` has not been measured against them.)
        let lines = |j: &str| j.bytes().filter(|b| *b == b'\n').count() + 1;
        match joined {
            Some(j) if lines(&j) == count as usize => {
                let (b, mut start, mut i) = (j.as_bytes(), 0, 0);
                for end in 0..b.len() + 1 {
                    if end == b.len() || b[end] == b'\n' {
                        // Cut at ASCII bytes, so at char boundaries.
                        take(i, &j[start..end]);
                        i += 1;
                        start = end + 1;
                    }
                }
            }
            _ => {
                for i in 0..count {
                    if let Some(name) = text(&keys.get(i)) {
                        take(i, &name);
                    }
                }
            }
        }
        let joined = |mut v: Vec<String>| match v.len() {
            0 => None,
            1 => v.pop(),
            _ => Some(v.join(", ")),
        };
        (joined(sig), joined(ts))
    })
}

/// `v` when it is a string of at most [`MAX_TEXT`] units (not copied into wasm).
fn short_string(v: JsValue) -> Result<JsString, &'static str> {
    match v.dyn_into::<JsString>() {
        Ok(s) if s.length() <= MAX_TEXT => Ok(s),
        Ok(_) => Err(SECRET_TOO_LONG),
        Err(_) => Err("every secret must be a base64 string"),
    }
}

/// The secrets given as `secret` and/or `secrets`, as JS strings; `Err` says what is wrong with
/// their types.
fn secrets_of(opts: &Opts) -> Result<Vec<JsString>, &'static str> {
    let mut out = Vec::new();
    for v in [read(opts.secret()), read(opts.secrets())] {
        if absent(&v) {
            continue;
        }
        if v.is_string() {
            out.push(short_string(v)?);
        } else if let Some((items, more)) = list(&v) {
            if more {
                return Err("at most 64 secrets can be given");
            }
            for x in items {
                out.push(short_string(x)?);
            }
        } else {
            return Err("secret must be a base64 string (secrets: an array of them)");
        }
    }
    Ok(out)
}

/// How many prepared secrets [`SECRETS`] keeps: a server verifies with one secret, two during a
/// rotation; a few more cover a handful of configs.
const CACHED_SECRETS: usize = 4;

thread_local! {
    /// The last [`CACHED_SECRETS`] secrets that verified calls were given, most recently used
    /// first, each with its [`PreparedSecret`], so that a call with a secret seen before skips
    /// copying it into wasm, decoding its base64 and the two SHA-256 compressions of the HMAC key
    /// (a third of the hashing for a small body).
    ///
    /// Holding secrets here is acceptable: the JS strings (kept alive by this cache) are the
    /// caller's own, already in the same JS heap as every other value of the process, and the
    /// prepared states are in this module's memory, which only code of the same JS realm can read
    /// (that code can read the caller's secret directly). Without the cache the decoded key bytes
    /// sat in that memory too, in freed allocations that nothing clears. The cache is bounded (at
    /// most [`CACHED_SECRETS`] entries of a few hundred bytes, strings of at most 8 KiB), and it
    /// changes no answer: a [`PreparedSecret`] depends only on the secret's text, only secrets that
    /// prepared without error are kept, and a call with any secret not found here prepares all its
    /// secrets with [`webhook::prepare_secrets`], as an uncached call would (same errors, same
    /// labels). Entries are found with JS `===` on strings, which is not constant-time; that is
    /// fine because both sides of that comparison are the caller's secrets, never request data.
    static SECRETS: RefCell<Vec<(JsString, PreparedSecret)>> = const { RefCell::new(Vec::new()) };
}

/// What [`webhook::prepare_secrets`] returns for `secrets`, from [`SECRETS`] when all of them are
/// there.
fn prepared(secrets: &[JsString]) -> Result<Vec<PreparedSecret>, webhook::WebhookError> {
    SECRETS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let mut keys = Vec::with_capacity(secrets.len());
        for s in secrets {
            match cache.iter().position(|(k, _)| k == s) {
                Some(i) => {
                    // Move to the front, keeping the order of the others.
                    cache[..=i].rotate_right(1);
                    keys.push(cache[0].1.clone());
                }
                None => break,
            }
        }
        if keys.len() == secrets.len() && !secrets.is_empty() {
            return Ok(keys);
        }
        let texts: Vec<String> = secrets.iter().map(String::from).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let keys = webhook::prepare_secrets(&refs)?;
        for (s, key) in secrets.iter().zip(&keys) {
            if let Some(i) = cache.iter().position(|(k, _)| k == s) {
                cache.remove(i);
            }
            cache.insert(0, (s.clone(), key.clone()));
        }
        cache.truncate(CACHED_SECRETS);
        Ok(keys)
    })
}

const BAD_NOW: &str =
    "now must be Unix seconds or milliseconds (a finite number, 0 or more), or a Date";
const BAD_TOLERANCE: &str = "toleranceSeconds must be a whole number of seconds, 0 or more";

fn now_seconds(v: &JsValue) -> Result<i64, JsValue> {
    if absent(v) {
        return now_seconds_of(None);
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        let ms = d.get_time();
        if !ms.is_finite() {
            return Err(bad_options("now is an invalid Date"));
        }
        return Ok((ms / 1000.0).floor() as i64);
    }
    match v.as_f64() {
        Some(n) => now_seconds_of(Some(n)),
        None => Err(bad_options(BAD_NOW)),
    }
}

/// `now` given as a number, or absent (`None`: the clock's time), as Unix seconds.
fn now_seconds_of(n: Option<f64>) -> Result<i64, JsValue> {
    let ms = match n {
        None => date_now(),
        Some(n) if n.is_finite() && n >= 0.0 => {
            if n >= MILLISECONDS_THRESHOLD as f64 {
                n
            } else {
                n * 1000.0
            }
        }
        Some(_) => return Err(bad_options(BAD_NOW)),
    };
    Ok((ms / 1000.0).floor() as i64)
}

fn tolerance_of(v: &JsValue) -> Result<u64, JsValue> {
    if absent(v) {
        return tolerance_seconds_of(None);
    }
    match v.as_f64() {
        Some(t) => tolerance_seconds_of(Some(t)),
        None => Err(bad_options(BAD_TOLERANCE)),
    }
}

/// `toleranceSeconds` given as a number, or absent (`None`: the default).
fn tolerance_seconds_of(t: Option<f64>) -> Result<u64, JsValue> {
    match t {
        None => Ok(DEFAULT_TOLERANCE_SECONDS),
        Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 => Ok(t as u64),
        Some(_) => Err(bad_options(BAD_TOLERANCE)),
    }
}

/// `allowWeakSecrets`: only `true` allows secrets under 16 bytes; absent or `false` does not.
fn allow_weak_of(opts: &Opts) -> Result<bool, JsValue> {
    let v = read(opts.allow_weak_secrets());
    match v.as_bool() {
        Some(b) => Ok(b),
        None if absent(&v) => Ok(false),
        None => Err(bad_options("allowWeakSecrets must be true or false")),
    }
}

fn not_json() -> JsValue {
    failure("bad_payload", "the body could not be read as JSON")
}

/// `{ kind: "test", warnings, raw }` or `{ kind: "call", payload, warnings, raw }`, written as
/// JSON here and made by one `JSON.parse`: one string crosses into JS instead of a key and a value
/// per field, and `JSON.parse` defines own data properties (a `__proto__` key stays a plain key).
/// `raw` is the body's text itself, which the core has read as JSON, so `raw` is exactly what
/// `JSON.parse(body)` gives.
fn verified_to_js(verified: &Verified, body: &[u8]) -> Result<JsValue, JsValue> {
    let raw = core::str::from_utf8(body).map_err(|_| not_json())?;
    let mut json = verified_json_head(verified, raw.len());
    json.push_str(raw);
    json.push('}');
    js::json_parse(&json).map_err(|_| not_json())
}

/// The answer's JSON text up to its last value: `{"kind":..., "warnings":[...],"raw":`; the body's
/// text and `}` complete it. `extra`: room to reserve for them.
fn verified_json_head(verified: &Verified, extra: usize) -> String {
    let mut json = String::with_capacity(extra + 256);
    let warnings = match verified {
        Verified::Test => {
            json.push_str(r#"{"kind":"test""#);
            &[][..]
        }
        Verified::Call { payload, warnings } => {
            json.push_str(r#"{"kind":"call","payload":{"To":"#);
            write_json_str(&payload.to, &mut json);
            if let Some(from) = &payload.from {
                json.push_str(r#","From":"#);
                write_json_str(from, &mut json);
            }
            json.push_str(r#","callId":"#);
            write_json_str(&payload.call_id, &mut json);
            json.push_str(r#","callDomain":"#);
            write_json_str(&payload.call_domain, &mut json);
            if let Some(sip) = &payload.sip_headers {
                json.push_str(r#","sipHeaders":{"#);
                for (i, (k, v)) in sip.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    write_json_str(k, &mut json);
                    json.push(':');
                    write_json_str(v, &mut json);
                }
                json.push('}');
            }
            json.push('}');
            &warnings[..]
        }
    };
    json.push_str(r#","warnings":["#);
    for (i, w) in warnings.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(r#"{"path":"#);
        write_json_str(&w.path, &mut json);
        json.push_str(r#","code":"#);
        write_json_str(w.code, &mut json);
        json.push_str(r#","message":"#);
        write_json_str(&w.message, &mut json);
        json.push('}');
    }
    json.push_str(r#"],"raw":"#);
    json
}

/// Both paths' call of the core, once the options are read: the secrets' prepared keys come from
/// [`SECRETS`] (see [`prepared`]).
fn check(
    body: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: &[JsString],
    tolerance_seconds: u64,
    now_seconds: i64,
    allow_weak_secrets: bool,
) -> Result<Verified, webhook::WebhookError> {
    let input = VerifyInput {
        body,
        signature,
        timestamp,
        // Not read: the secrets come from `prepared`.
        secrets: &[],
        tolerance_seconds,
        now_seconds,
        allow_weak_secrets,
    };
    webhook::verify_with_secrets(&input, || prepared(secrets))
}

/// Verifies a pinless webhook request; throws `WebhookVerificationError` (with `reason`) when it
/// must be rejected. Fail-closed: missing headers, bad or weak secrets, mismatches and stale
/// timestamps all reject; unusable options throw with reason `bad_options`. A genuine body is never
/// refused for its shape, only when it is not JSON. The secret never appears in an error.
#[wasm_bindgen(js_name = verifyPinlessWebhook, unchecked_return_type = "PinlessWebhook")]
pub fn verify_pinless_webhook(
    #[wasm_bindgen(unchecked_param_type = "VerifyPinlessWebhookOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    if !opts.is_object() {
        return Err(bad_options(
            "verifyPinlessWebhook takes { body, headers, secret | secrets }",
        ));
    }
    let opts: &Opts = opts.unchecked_ref();
    let tolerance_seconds = tolerance_of(&read(opts.tolerance_seconds()))?;
    let now_seconds = now_seconds(&read(opts.now()))?;
    let allow_weak_secrets = allow_weak_of(opts)?;
    let body = body_bytes(&read(opts.body())).map_err(|m| failure("bad_payload", m))?;
    let headers = read(opts.headers());
    let (signature, timestamp) = if headers.is_object() {
        pinless_headers(&headers)
    } else {
        (None, None)
    };
    // A wrongly typed secret is reported where the core checks secrets (after the headers), as a
    // missing one would be, but with its own message.
    let (secrets, secret_problem) = match secrets_of(opts) {
        Ok(s) => (s, None),
        Err(m) => (Vec::new(), Some(m)),
    };
    let checked = check(
        &body,
        signature.as_deref(),
        timestamp.as_deref(),
        &secrets,
        tolerance_seconds,
        now_seconds,
        allow_weak_secrets,
    );
    match checked {
        Ok(verified) => verified_to_js(&verified, &body),
        Err(e) => Err(match (e.kind(), secret_problem) {
            (WebhookErrorKind::BadSecret, Some(m)) => failure(e.reason(), m),
            _ => failure(e.reason(), e.message()),
        }),
    }
}

/// The fast path of `verifyPinlessWebhook` for the options servers pass (`pkg-template/verify.js`
/// decides when, and reads them): the body as a string (not larger than 64 KiB, well-formed UTF-16),
/// both headers already found (`None`: absent), one secret, and `now` / `toleranceSeconds` as
/// numbers or absent. What `verify_pinless_webhook` does with the same values, in the same order
/// (options, then the core), without its reads of JS values; answers the JSON text of the result
/// up to `"raw":` ([`verified_json_head`]), which the caller completes with the body and `}`.
/// Errors are the same `WebhookVerificationError`s.
#[wasm_bindgen(js_name = __verifyText, skip_typescript)]
pub fn verify_text(
    body: &str,
    signature: Option<String>,
    timestamp: Option<String>,
    secret: JsString,
    now: Option<f64>,
    tolerance_seconds: Option<f64>,
    allow_weak_secrets: bool,
) -> Result<String, JsValue> {
    let tolerance_seconds = tolerance_seconds_of(tolerance_seconds)?;
    let now_seconds = now_seconds_of(now)?;
    let checked = check(
        body.as_bytes(),
        signature.as_deref(),
        timestamp.as_deref(),
        core::slice::from_ref(&secret),
        tolerance_seconds,
        now_seconds,
        allow_weak_secrets,
    );
    match checked {
        Ok(verified) => Ok(verified_json_head(&verified, 0)),
        Err(e) => Err(failure(e.reason(), e.message())),
    }
}

/// Signs a body as Daily does; returns `{ "X-Pinless-Signature", "X-Pinless-Timestamp" }`.
#[wasm_bindgen(js_name = signPinlessWebhook, unchecked_return_type = "{ \"X-Pinless-Signature\": string; \"X-Pinless-Timestamp\": string }")]
pub fn sign_pinless_webhook(
    #[wasm_bindgen(unchecked_param_type = "SignPinlessWebhookOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    if !opts.is_object() {
        return Err(bad_options(
            "signPinlessWebhook takes { body, secret, timestamp? }",
        ));
    }
    let opts: &Opts = opts.unchecked_ref();
    let allow_weak_secrets = allow_weak_of(opts)?;
    let body = body_bytes(&read(opts.body())).map_err(bad_options)?;
    let secret = text(&read(opts.secret())).ok_or_else(|| {
        failure(
            "bad_secret",
            "secret must be a base64 string (at most 8 KiB)",
        )
    })?;
    let ts = read(opts.timestamp());
    let timestamp = if absent(&ts) {
        format!("{}", (date_now() / 1000.0).floor() as i64)
    } else if let Some(s) = text(&ts) {
        s
    } else if let Some(n) = ts
        .as_f64()
        .filter(|n| n.is_finite() && n.fract() == 0.0 && *n >= 0.0)
    {
        format!("{}", n as i64)
    } else {
        return Err(bad_options(
            "timestamp must be a whole number (Unix seconds) or a string",
        ));
    };
    let sig = webhook::sign_with(&secret, &timestamp, &body, allow_weak_secrets)
        .map_err(|e| failure(e.reason(), e.message()))?;
    Ok(NAMES.with(|n| {
        let out: JsValue = Object::new().into();
        let _ = js::set(&out, &n.signature, &sig.into());
        let _ = js::set(&out, &n.timestamp, &timestamp.into());
        out
    }))
}
