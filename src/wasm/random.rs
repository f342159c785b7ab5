//! Random bytes from the platform (`crypto.getRandomValues`) and `generateHmacSecret`, shared by
//! every module (the browser modules need a fresh `hmac` for the create form; the emulator needs
//! ids and secrets).

use js_sys::{Function, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::make_error;
use super::js;

/// A fresh secret for `hmac`: base64 of 32 bytes from `crypto.getRandomValues`.
#[cfg(any(feature = "core", feature = "webhook"))]
#[wasm_bindgen(js_name = generateHmacSecret)]
pub fn generate_hmac_secret() -> Result<String, JsValue> {
    let bytes = random_bytes::<32>()?;
    Ok(crate::webhook::generate_secret(&bytes))
}

/// `N` random bytes from the platform's `crypto.getRandomValues`.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut out = [0u8; N];
    fill_random(&mut out)?;
    Ok(out)
}

/// Fills `out` from `crypto.getRandomValues` (at most 65536 bytes at a time, as the API allows).
pub fn fill_random(out: &mut [u8]) -> Result<(), JsValue> {
    let read = |r: Result<JsValue, JsValue>| r.unwrap_or(JsValue::UNDEFINED);
    let crypto = read(js::get(&js_sys::global(), &"crypto".into()));
    let f: Function = read(js::get(&crypto, &"getRandomValues".into()))
        .dyn_into()
        .map_err(|_| {
            make_error(
                "DailyDialinError",
                "crypto.getRandomValues is not available in this runtime",
                &[],
            )
        })?;
    for chunk in out.chunks_mut(65536) {
        let buf = Uint8Array::new_with_length(chunk.len() as u32);
        f.call1(&crypto, &buf)?;
        buf.copy_to(chunk);
    }
    Ok(())
}
