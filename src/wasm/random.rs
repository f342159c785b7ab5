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

/// Fills `out` from `crypto.getRandomValues` (at most 65536 bytes at a time, as the API allows),
/// written straight into this module's memory through a view. Not a JS array and `copy_to`: its
/// `assert_eq!` on the lengths brought core::fmt's number formatting and `fmt::write` into the
/// no_std core module (-1.0 KB gzip there; measured with twiggy and scripts/size).
pub fn fill_random(out: &mut [u8]) -> Result<(), JsValue> {
    for chunk in out.chunks_mut(65536) {
        // SAFETY: the view covers exactly `chunk`, which stays borrowed while the view lives, and
        // is used only for the call below, which runs no wasm code: the memory cannot grow (and
        // detach the view) meanwhile. The module's memory is not shared (no atomics), which
        // getRandomValues requires.
        let buf = unsafe { Uint8Array::view_mut_raw(chunk.as_mut_ptr(), chunk.len()) };
        // The runtime's own error stays as `cause`: it says why (no `crypto` at all, or, as
        // Cloudflare's workerd does, a refusal outside a request handler).
        get_random_values(&buf).map_err(|cause| {
            make_error(
                "DailyDialinError",
                "crypto.getRandomValues failed (see cause); in Cloudflare Workers, call this inside a request handler",
                &[("cause", cause)],
            )
        })?;
    }
    Ok(())
}
