//! What the fetch adapters (`checkHoldMusic`, `DailyDialinClient`) share: safe reads of option
//! bags, and the `fetch`, `signal` and number options.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::errors::make_error;
use crate::issue::Issue;
use crate::validate::code;

pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        // `js::get`, not js-sys's `Reflect::get`: a throwing getter then costs no table slot.
        super::js::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

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
        Some(n) if n.is_finite() && n.fract() == 0.0 && (min..=max).contains(&n) => Some(n),
        _ => {
            issues.push(Issue::error(
                key,
                code::OUT_OF_RANGE,
                format!(
                    "the option {key} must be a whole number from {} to {}",
                    min as u64, max as u64
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
    let out = js_sys::Object::new();
    for key in keys {
        let v = get(opts, key);
        if !v.is_undefined() {
            let _ = Reflect::set(&out, &JsValue::from_str(key), &v);
        }
    }
    out.into()
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
/// signal is. The client only observes it (each attempt has its own `AbortController`); web-sys
/// calls its methods by name, so an object of that shape works through the `AbortSignal` binding.
pub fn signal_of(opts: &JsValue) -> Result<Option<AbortSignal>, JsValue> {
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
    Ok(Some(s.unchecked_into()))
}

pub fn js_message(e: &JsValue) -> String {
    let msg = get(e, "message")
        .as_string()
        .unwrap_or_else(|| "fetch failed".into());
    match get(&get(e, "cause"), "code").as_string() {
        Some(code) => format!("{msg} ({code})"),
        None => msg,
    }
}
