//! Random bytes from the platform (`crypto.getRandomValues`) and `generateHmacSecret`, shared by
//! every module (the browser modules need a fresh `hmac` for the create form; the emulator needs
//! ids and secrets).

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::errors::make_error;

/// A fresh secret for `hmac`: base64 of 32 bytes from `crypto.getRandomValues`.
#[cfg(any(feature = "core", feature = "webhook"))]
#[wasm_bindgen(js_name = generateHmacSecret)]
pub fn generate_hmac_secret() -> Result<String, JsValue> {
    let bytes = random_bytes::<32>()?;
    Ok(crate::b64::generate_secret(&bytes))
}

/// `N` random bytes from the platform's `crypto.getRandomValues`.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut out = [0u8; N];
    fill_random(&mut out)?;
    Ok(out)
}

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues(buf)`, looked up when called: a runtime without `crypto` throws
    /// a ReferenceError, which `catch` turns into an `Err`. (Named directly rather than found
    /// through `js_sys::global()`, whose four global lookups are ~1 KB of the small modules.)
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    /// (Its result, `buf` itself, is not taken: see `wasm::js` on `catch` imports.)
    fn get_random_values(buf: &Uint8Array) -> Result<(), JsValue>;
}

/// Fills `out` from `crypto.getRandomValues` (at most 65536 bytes at a time, as the API allows).
pub fn fill_random(out: &mut [u8]) -> Result<(), JsValue> {
    for chunk in out.chunks_mut(65536) {
        let buf = Uint8Array::new_with_length(chunk.len() as u32);
        get_random_values(&buf).map_err(|_| {
            make_error(
                "DailyDialinError",
                "crypto.getRandomValues is not available in this runtime",
                &[],
            )
        })?;
        buf.copy_to(chunk);
    }
    Ok(())
}
