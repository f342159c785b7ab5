//! The JS surface: thin `#[wasm_bindgen]` adapters over the pure core. No rules live here; this
//! layer only reads JS values safely ([`convert`]), reads option bags ([`options`]), calls the core
//! and turns its answers into plain JS objects or thrown error classes ([`errors`]).
//!
//! Every export is total: whatever JS passes, it returns or throws an `Error`; it never traps.
//!
//! One crate, several modules: each npm entry is its own `.wasm`, built with the features it
//! exports (see `scripts/build-pkg`), so that a browser downloads only what it uses:
//! - `core`: validation, request building, `toCurl`, `generateHmacSecret` (`daily-dialin/core`);
//! - `core` + `client`: the above and `DailyDialinClient` (`daily-dialin`);
//! - `music`: `checkHoldMusic` (`daily-dialin/hold-music`);
//! - `webhook`: `verifyPinlessWebhook`, `signPinlessWebhook`, `generateHmacSecret` (`daily-dialin/webhook`);
//!
//! The emulator (`emulator/`, its own crate and npm package) uses [`errors`] and [`random`] too.

#[allow(unused_imports)]
use crate::prelude::*;

// What `daily-dialin/core` compiles keeps its no_std rules as lints (`no_std_core!` in lib.rs).
no_std_core! {
    pub mod convert;
    #[cfg(feature = "core")]
    pub mod core;
    pub mod errors;
    #[cfg(any(feature = "core", feature = "client", feature = "music"))]
    mod issues;
    mod js;
    pub mod options;
    pub mod random;
    #[cfg(any(feature = "client", feature = "music"))]
    mod reading;
}

no_std_core! {
    // DailyDialinClient's decisions: with `core`, the main module (no_std).
    #[cfg(feature = "client")]
    pub mod client;
}
#[cfg(feature = "music")]
mod deadline;
// `checkHoldMusic` (docs/daily-api.md#rule-hold-music-online): the `daily-dialin/hold-music` module.
#[cfg(feature = "music")]
pub mod music;
// Configs as code: the `daily-dialin/configs` module (with `core`).
#[cfg(feature = "plan")]
pub mod plan;
#[cfg(feature = "webhook")]
pub mod webhook;

use crate::ts as tsify;
use serde::Serialize;
use tsify::Tsify;

use crate::issue::Issue;
use wasm_bindgen::prelude::*;

/// The result of a validator: `ok` is true when no issue has error severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct ValidationReport {
    pub ok: bool,
    pub issues: Vec<Issue>,
}

#[cfg(any(feature = "core", feature = "client"))]
#[wasm_bindgen(typescript_custom_section)]
const OPTION_TYPES: &'static str = r#"
/** Options of `validateCreate` and `validateListQuery`. */
export interface ValidateOptions {
    /** Accept localhost, loopback and private hosts in URLs (for the local emulator). */
    allowPrivateUrls?: boolean;
}

/** Options of `validateUpdate`. */
export interface ValidateUpdateOptions extends ValidateOptions {
    /** The stored config's type, when known: fields that only the other type has are refused. */
    type?: DialinType;
}

/** Where and as whom a request goes. */
export interface RequestOptions {
    /** Your Daily API key. It is sent only in the `Authorization` header and never shown. */
    apiKey: string;
    /** Absolute base URL ending in `/v1` (or a proxy's); default `https://api.daily.co/v1`. */
    baseUrl?: string;
    /** Accept localhost, loopback and private hosts in URLs (for the local emulator). */
    allowPrivateUrls?: boolean;
}

/** Options of `buildUpdateRequest`. */
export interface UpdateRequestOptions extends RequestOptions {
    /** The stored config's type, when known: fields that only the other type has are refused. */
    type?: DialinType;
}
"#;

/// Size of the module's linear memory in bytes (for leak tests); not part of the public API.
#[wasm_bindgen(js_name = __memoryBytes, skip_typescript)]
pub fn memory_bytes() -> f64 {
    (::core::arch::wasm32::memory_size(0) as f64) * 65536.0
}
