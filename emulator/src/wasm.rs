//! JS adapter for the emulator core, used by the Node server in `pkg-template/emulator.mjs`
//! (this crate's own npm package, Node only, so browser users of `daily-dialin` never download it).

use wasm_bindgen::prelude::*;

use crate::{EmuRequest, Emulator, EmulatorOptions, Random};
use daily_dialin::wasm::errors::make_error;
use daily_dialin::wasm::random::fill_random;

/// `crypto.getRandomValues`. It exists in every supported runtime (Node 20+); if it ever fails,
/// the bytes are zeros (ids stay unique, see `unique_uuid`) and `handle` throws instead of
/// answering, so a weak secret is never handed out silently.
#[derive(Default)]
struct JsRandom {
    failed: bool,
}

impl Random for JsRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        if fill_random(buf).is_err() {
            self.failed = true;
            buf.iter_mut().for_each(|b| *b = 0);
        }
    }
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| make_error("DailyDialinError", &format!("emulator: {e}"), &[]))
}

/// The emulator's state machine. Each HTTP request is one `handle` call.
#[wasm_bindgen(js_name = EmulatorCore, skip_typescript)]
pub struct EmulatorCore {
    inner: Emulator,
}

#[wasm_bindgen(js_class = EmulatorCore)]
impl EmulatorCore {
    /// `opts` uses the camelCase names of `EmulatorOptions` (`apiKeys`, `allowPrivateUrls`,
    /// `rateLimit: { maxRequests, windowMs } | null`, `retryAfter`, `holdTimeoutMs`, ...).
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> Result<EmulatorCore, JsValue> {
        let opts: EmulatorOptions = if opts.is_undefined() || opts.is_null() {
            EmulatorOptions::default()
        } else {
            serde_wasm_bindgen::from_value(opts).map_err(|e| {
                make_error("DailyDialinError", &format!("emulator options: {e}"), &[])
            })?
        };
        Ok(EmulatorCore {
            inner: Emulator::new(opts),
        })
    }

    /// Handles one request; returns `{ status, headers: [[name, value]], body, delay_ms,
    /// drop_connection, effects, state_changed, journal }`. `host`, `origin` and `content_type`
    /// are the request's headers (left out for in-process calls).
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        method: &str,
        path: &str,
        query: &str,
        authorization: Option<String>,
        body: &[u8],
        now_ms: f64,
        host: Option<String>,
        origin: Option<String>,
        content_type: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let req = EmuRequest {
            method,
            path,
            query,
            authorization: authorization.as_deref(),
            host: host.as_deref(),
            origin: origin.as_deref(),
            content_type: content_type.as_deref(),
            body,
            now_ms: now_ms.max(0.0) as u64,
        };
        let mut rng = JsRandom::default();
        let resp = self.inner.handle(&req, &mut rng);
        if rng.failed {
            return Err(make_error(
                "DailyDialinError",
                "emulator: crypto.getRandomValues failed; no id or secret could be generated",
                &[],
            ));
        }
        to_js(&resp)
    }

    #[wasm_bindgen(js_name = recordWebhookResult)]
    pub fn record_webhook_result(
        &mut self,
        call_id: &str,
        status: Option<u16>,
        error: Option<String>,
        now_ms: f64,
    ) -> bool {
        self.inner
            .record_webhook_result(call_id, status, error, now_ms.max(0.0) as u64)
    }

    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self) -> String {
        self.inner.export_state()
    }

    #[wasm_bindgen(js_name = importState)]
    pub fn import_state(&mut self, json: &str) -> Result<(), JsValue> {
        self.inner
            .import_state(json)
            .map_err(|e| make_error("DailyDialinError", &format!("emulator state: {e}"), &[]))
    }

    /// Applies one `journal` line of a `handle` answer (replay at start).
    #[wasm_bindgen(js_name = applyJournal)]
    pub fn apply_journal(&mut self, line: &str) -> Result<(), JsValue> {
        self.inner
            .apply_journal(line)
            .map_err(|e| make_error("DailyDialinError", &format!("emulator journal: {e}"), &[]))
    }

    pub fn reset(&mut self) {
        self.inner.reset();
    }
}

/// Why the emulator must not deliver a webhook to `url` when private URLs are not allowed (the
/// rule `validateCreate` applies to `room_creation_api`), or `undefined` when it may.
#[wasm_bindgen(js_name = deliveryUrlRefusal, skip_typescript)]
pub fn delivery_url_refusal(url: &str) -> Option<String> {
    daily_dialin::urls::check(url, false)
        .err()
        .map(|r| format!("the webhook URL {}", r.message))
}

/// Why a resolved IP address (as `dns.lookup` gives it) is not one Daily could reach, or
/// `undefined` when it is public. The emulator refuses to connect to such an address.
#[wasm_bindgen(js_name = addressRefusal, skip_typescript)]
pub fn address_refusal(ip: &str) -> Option<String> {
    daily_dialin::urls::ip_reason(ip)
}

/// What to send of a test audio file of `size` bytes for the request's `Range` header
/// (`audio::range`): `{ status, start, end, headers: [[name, value]] }`.
#[wasm_bindgen(js_name = audioRange, skip_typescript)]
pub fn audio_range(range: Option<String>, size: f64) -> Result<JsValue, JsValue> {
    let size = if size.is_finite() && size > 0.0 {
        size as u64
    } else {
        0
    };
    to_js(&crate::audio::range(range.as_deref(), size))
}
