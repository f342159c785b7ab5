//! JS adapters for the pinless webhook (`room_creation_api`): verify, sign, generate a secret.
//! All rules live in `crate::webhook`; this file only reads JS values.

use js_sys::{Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::make_error;
use crate::webhook::{
    self, Verified, VerifyInput, DEFAULT_TOLERANCE_SECONDS, MILLISECONDS_THRESHOLD,
    SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

#[wasm_bindgen(typescript_custom_section)]
const WEBHOOK_TYPES: &'static str = r#"
/** What Daily POSTs to `room_creation_api` for an incoming call. */
export interface PinlessCallPayload {
    To: string;
    From: string;
    callId: string;
    callDomain: string;
    sipHeaders?: Record<string, string>;
}

/** A verified webhook: the one-off test request, or a call. */
export type PinlessWebhook = { kind: "test" } | { kind: "call"; payload: PinlessCallPayload };

/** Why verification failed (`WebhookVerificationError.reason`). */
export type WebhookFailureReason =
    | "missing_signature" | "missing_timestamp" | "bad_timestamp" | "timestamp_too_old"
    | "timestamp_in_future" | "bad_secret" | "signature_mismatch" | "bad_payload";

export interface VerifyPinlessWebhookOptions {
    /** The raw body exactly as received (string or bytes), never a parsed object. */
    body: string | Uint8Array | ArrayBuffer;
    /** The request headers: a `Headers` instance or a plain object (any letter case). */
    headers: { get(name: string): string | null } | Record<string, string | string[] | undefined>;
    /** The config's `hmac` (base64). */
    secret?: string;
    /** Several secrets, for rotation: any one may match. */
    secrets?: string[];
    /** Allowed clock difference, both ways (default 300). */
    toleranceSeconds?: number;
    /** The current time (Unix seconds or milliseconds, or a Date); for tests. */
    now?: number | Date;
}

export interface SignPinlessWebhookOptions {
    body: string | Uint8Array | ArrayBuffer;
    secret: string;
    /** Unix seconds (default: now). */
    timestamp?: number | string;
}
"#;

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// The items of a JS array (at most 64), read without letting a hostile proxy throw through wasm.
fn array_items(v: &JsValue) -> Option<Vec<JsValue>> {
    if !super::js::is_array(v).unwrap_or(false) {
        return None;
    }
    let len = super::js::get(v, &"length".into()).ok()?.as_f64()?;
    let len = if len.is_finite() && len >= 0.0 {
        len.min(64.0) as u32
    } else {
        0
    };
    (0..len)
        .map(|i| super::js::get(v, &i.into()).ok())
        .collect()
}

fn failure(reason: &str, message: &str) -> JsValue {
    make_error(
        "WebhookVerificationError",
        message,
        &[("reason", reason.into())],
    )
}

fn usage(message: &str) -> JsValue {
    make_error("DailyDialinError", message, &[])
}

/// The raw body as bytes; a parsed object is refused.
fn body_bytes(v: &JsValue) -> Result<Vec<u8>, String> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(u) = v.dyn_ref::<Uint8Array>() {
        return Ok(u.to_vec());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(b).to_vec());
    }
    Err(if v.is_object() {
        "body must be the raw request body (a string or bytes), not a parsed object: parsing and re-serialising changes the bytes that Daily signed (in Express use express.raw(), in fetch handlers await request.text())".into()
    } else {
        "body must be the raw request body as a string or bytes".into()
    })
}

/// A header from a `Headers` instance or a plain object, matched case-insensitively; several
/// values are joined with ", " (as HTTP does for repeated headers).
fn header(headers: &JsValue, name: &str) -> Option<String> {
    let getter = get(headers, "get");
    if let Some(f) = getter.dyn_ref::<Function>() {
        return f
            .call1(headers, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string());
    }
    let obj = headers.dyn_ref::<Object>()?;
    let mut values = Vec::new();
    // Reflect.ownKeys returns an error (instead of throwing through wasm) for hostile proxies.
    let keys = Reflect::own_keys(obj).ok()?;
    for key in keys.iter() {
        let Some(k) = key.as_string() else { continue };
        if !k.eq_ignore_ascii_case(name) {
            continue;
        }
        let v = super::js::get(obj, &key).unwrap_or(JsValue::UNDEFINED);
        if let Some(s) = v.as_string() {
            values.push(s);
        } else if let Some(items) = array_items(&v) {
            values.extend(items.iter().filter_map(|x| x.as_string()));
        }
    }
    (!values.is_empty()).then(|| values.join(", "))
}

fn secrets_of(opts: &JsValue) -> Result<Vec<String>, JsValue> {
    let mut out = Vec::new();
    let one = get(opts, "secret");
    let many = get(opts, "secrets");
    for v in [one, many] {
        if v.is_undefined() || v.is_null() {
            continue;
        }
        if let Some(s) = v.as_string() {
            out.push(s);
        } else if let Some(items) = array_items(&v) {
            for x in items {
                out.push(x.as_string().ok_or_else(|| {
                    failure("bad_secret", "every secret must be a base64 string")
                })?);
            }
        } else {
            return Err(failure(
                "bad_secret",
                "secret must be a base64 string (secrets: an array of them)",
            ));
        }
    }
    Ok(out)
}

fn now_seconds(opts: &JsValue) -> Result<i64, JsValue> {
    let v = get(opts, "now");
    let ms = if v.is_undefined() || v.is_null() {
        date_now()
    } else if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        d.get_time()
    } else if let Some(n) = v.as_f64().filter(|n| n.is_finite() && *n >= 0.0) {
        if n >= MILLISECONDS_THRESHOLD as f64 {
            n
        } else {
            n * 1000.0
        }
    } else {
        return Err(usage("now must be Unix seconds or milliseconds, or a Date"));
    };
    if !ms.is_finite() {
        return Err(usage("now is not a valid time"));
    }
    Ok((ms / 1000.0).floor() as i64)
}

/// Verifies a pinless webhook request; throws `WebhookVerificationError` (with `reason`) when it
/// must be rejected. Fail-closed: missing headers, bad secrets, mismatches and stale timestamps all
/// reject. The secret never appears in an error.
#[wasm_bindgen(js_name = verifyPinlessWebhook, unchecked_return_type = "PinlessWebhook")]
pub fn verify_pinless_webhook(
    #[wasm_bindgen(unchecked_param_type = "VerifyPinlessWebhookOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    if !opts.is_object() {
        return Err(usage(
            "verifyPinlessWebhook takes { body, headers, secret | secrets }",
        ));
    }
    let body = body_bytes(&get(&opts, "body")).map_err(|m| failure("bad_payload", &m))?;
    let headers = get(&opts, "headers");
    if !headers.is_object() {
        return Err(failure(
            "missing_signature",
            "headers must be the request's headers (a Headers instance or an object)",
        ));
    }
    let signature = header(&headers, SIGNATURE_HEADER);
    let timestamp = header(&headers, TIMESTAMP_HEADER);
    let secrets = secrets_of(&opts)?;
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let tolerance = get(&opts, "toleranceSeconds");
    let tolerance_seconds = match tolerance.as_f64() {
        None if tolerance.is_undefined() || tolerance.is_null() => DEFAULT_TOLERANCE_SECONDS,
        Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 => t as u64,
        _ => {
            return Err(usage(
                "toleranceSeconds must be a whole number of seconds, 0 or more",
            ))
        }
    };
    let input = VerifyInput {
        body: &body,
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
        secrets: &secret_refs,
        tolerance_seconds,
        now_seconds: now_seconds(&opts)?,
    };
    let verified = webhook::verify(&input).map_err(|e| failure(e.reason(), e.message()))?;
    let out = Object::new();
    match verified {
        Verified::Test => {
            Reflect::set(&out, &"kind".into(), &"test".into())?;
        }
        Verified::Call(payload) => {
            Reflect::set(&out, &"kind".into(), &"call".into())?;
            let p = payload
                .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
                .map_err(|_| usage("could not convert the payload"))?;
            Reflect::set(&out, &"payload".into(), &p)?;
        }
    }
    Ok(out.into())
}

use serde::Serialize;

/// Signs a body as Daily does; returns `{ "X-Pinless-Signature", "X-Pinless-Timestamp" }`.
#[wasm_bindgen(js_name = signPinlessWebhook, unchecked_return_type = "{ \"X-Pinless-Signature\": string; \"X-Pinless-Timestamp\": string }")]
pub fn sign_pinless_webhook(
    #[wasm_bindgen(unchecked_param_type = "SignPinlessWebhookOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    if !opts.is_object() {
        return Err(usage(
            "signPinlessWebhook takes { body, secret, timestamp? }",
        ));
    }
    let body = body_bytes(&get(&opts, "body")).map_err(|m| usage(&m))?;
    let secret = get(&opts, "secret")
        .as_string()
        .ok_or_else(|| failure("bad_secret", "secret must be a base64 string"))?;
    let ts = get(&opts, "timestamp");
    let timestamp = if ts.is_undefined() || ts.is_null() {
        format!("{}", (date_now() / 1000.0).floor() as i64)
    } else if let Some(s) = ts.as_string() {
        s
    } else if let Some(n) = ts
        .as_f64()
        .filter(|n| n.is_finite() && n.fract() == 0.0 && *n >= 0.0)
    {
        format!("{}", n as i64)
    } else {
        return Err(usage(
            "timestamp must be a whole number (Unix seconds) or a string",
        ));
    };
    let sig =
        webhook::sign(&secret, &timestamp, &body).map_err(|e| failure(e.reason(), e.message()))?;
    let out = Object::new();
    Reflect::set(&out, &SIGNATURE_HEADER.into(), &sig.into())?;
    Reflect::set(&out, &TIMESTAMP_HEADER.into(), &timestamp.into())?;
    Ok(out.into())
}

/// A fresh secret for `hmac`: base64 of 32 bytes from `crypto.getRandomValues`.
#[wasm_bindgen(js_name = generateHmacSecret)]
pub fn generate_hmac_secret() -> Result<String, JsValue> {
    let bytes = random_bytes::<32>()?;
    Ok(webhook::generate_secret(&bytes))
}

/// `N` random bytes from the platform's `crypto.getRandomValues`.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut out = [0u8; N];
    fill_random(&mut out)?;
    Ok(out)
}

/// Fills `out` from `crypto.getRandomValues` (at most 65536 bytes at a time, as the API allows).
pub fn fill_random(out: &mut [u8]) -> Result<(), JsValue> {
    let crypto = get(&js_sys::global(), "crypto");
    let f: Function = get(&crypto, "getRandomValues")
        .dyn_into()
        .map_err(|_| usage("crypto.getRandomValues is not available in this runtime"))?;
    for chunk in out.chunks_mut(65536) {
        let buf = Uint8Array::new_with_length(chunk.len() as u32);
        f.call1(&crypto, &buf)?;
        buf.copy_to(chunk);
    }
    Ok(())
}
