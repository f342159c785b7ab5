//! What the fetch adapters (`DailyDialinClient`'s decisions, `checkHoldMusic`) share: safe reads
//! of option bags and of thrown errors, and the `fetch`, `signal` and number options. no_std: the
//! main module (`client`) compiles it.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::make_error;
use crate::issue::Issue;
use crate::validate::code;

/// `obj[key]`; `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        // `js::get`, not js-sys's `Reflect::get`: a throwing getter then costs no table slot.
        super::js::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `obj[key]` when it is a string.
pub fn text(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).as_string()
}

/// An optional whole-number option in `min..=max` (both whole, `min >= 0`); anything else is an
/// `out_of_range` issue at the option's name.
pub fn number_option(
    opts: &JsValue,
    key: &str,
    min: f64,
    max: f64,
    issues: &mut Vec<Issue>,
) -> Option<f64> {
    let v = get(opts, key);
    if v.is_undefined() || v.is_null() {
        return None;
    }
    match v.as_f64() {
        // In range, so finite and not negative: whole when it survives the trip through u64.
        Some(n) if (min..=max).contains(&n) && (n as u64) as f64 == n => Some(n),
        _ => {
            issues.push(Issue::error(
                key,
                code::OUT_OF_RANGE,
                cat!(
                    "the option ",
                    key,
                    " must be a whole number from ",
                    min as u64,
                    " to ",
                    max as u64
                ),
            ));
            None
        }
    }
}

/// A plain object with only `keys` of `opts` (for the shared option readers, which refuse
/// non-JSON values such as functions and signals). A non-object is passed on as it is, so the
/// reader reports it.
pub fn pick(opts: &JsValue, keys: &[&str]) -> JsValue {
    if !opts.is_object() {
        return opts.clone();
    }
    let out = js_sys::Object::new().into();
    for key in keys {
        let v = get(opts, key);
        if !v.is_undefined() {
            let _ = super::js::set(&out, &JsValue::from_str(key), &v);
        }
    }
    out
}

/// The `fetch` option (of the client and of `checkHoldMusic`): absent, or a function.
pub fn fetch_of(opts: &JsValue) -> Result<Option<Function>, Issue> {
    let f = get(opts, "fetch");
    if f.is_undefined() || f.is_null() {
        return Ok(None);
    }
    f.dyn_into::<Function>().map(Some).map_err(|_| {
        Issue::error(
            "fetch",
            code::INVALID_TYPE,
            "the option fetch must be a function",
        )
    })
}

/// The `signal` option: an `AbortSignal`, or any object with its shape (`AbortSignalLike`: an
/// `aborted` flag and `addEventListener` / `removeEventListener`), as a polyfill or another realm's
/// signal is. It is only observed: each attempt has its own `AbortController`. `Err` is the
/// `ValidationError` to throw.
pub fn signal_of(opts: &JsValue) -> Result<Option<JsValue>, JsValue> {
    let s = get(opts, "signal");
    if s.is_undefined() || s.is_null() {
        return Ok(None);
    }
    let shaped = s.is_object()
        && get(&s, "addEventListener").is_function()
        && get(&s, "removeEventListener").is_function();
    if !shaped {
        return Err(make_error(
            "ValidationError",
            "the option signal must be an AbortSignal (or an object with aborted, addEventListener and removeEventListener)",
            &[],
        ));
    }
    Ok(Some(s))
}

/// The message and Node's `cause.code` of something thrown.
pub fn thrown(e: &JsValue) -> (Option<String>, Option<String>) {
    (text(e, "message"), text(&get(e, "cause"), "code"))
}
