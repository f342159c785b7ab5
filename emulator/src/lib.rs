//! A local emulator of Daily's `/v1/domain-dialin-config` API, its failures and its pinless
//! webhook: the pure core. It does no I/O, reads no clock and has no global randomness; a thin
//! HTTP server (Node, through wasm) feeds it requests with the time and a [`Random`] source, and
//! carries out what it answers (status, headers, body, delay, dropped connection, webhooks to send).
//!
//! Field rules come from [`daily_dialin::validate`] only, so the emulator and the client agree.
//!
//! # Routes
//! | route | auth | answer |
//! |---|---|---|
//! | `GET /v1/` | yes | 200 the domain `{domain_name, domain_id, config}` with `config.pinless_dialin` / `config.pin_dialin` |
//! | `POST /v1/` | yes | `{properties}`: sets properties, replaces each legacy array given; 200 the domain |
//! | `POST /v1/domain-dialin-config` | yes | 200 config (pinless: + `hmac` if none, `sip_uri`) |
//! | `GET /v1/domain-dialin-config` | yes | 200 `{total_count, data}` |
//! | `GET`/`PUT`/`DELETE /v1/domain-dialin-config/:id` | yes | 200 config / 200 `{"status":"deleted"}` |
//! | `POST /v1/dialin/pinlessCallUpdate` | yes | 200 `{"ok":"true"}` |
//! | `GET`/`POST`/`DELETE /_emulator/faults` | admin | list / queue / clear faults |
//! | `GET`/`POST /_emulator/calls`, `GET /_emulator/calls/:id` | admin | call log / simulate a call |
//! | `POST /_emulator/reset` | admin | clear everything |
//! | `GET`/`PUT /_emulator/state` | admin | [`Emulator::export_state`] / [`Emulator::import_state`] |
//! | `GET`/`HEAD /_emulator/audio/<name>.mp3` | no | test audio for `hold_music_url` ([`audio`]): the shell serves the file, with `Range` |
//! | `OPTIONS` any path | no | 204 CORS preflight |
//!
//! "admin": `Authorization: Bearer <admin token or API key>` when
//! [`EmulatorOptions::admin_token`] is set. Before any route, every request passes the checks of
//! `access.rs`: a `Host` that names this emulator, no `Origin` but loopback ones (and
//! [`EmulatorOptions::cors_origins`] on `/v1`), no CORS-simple `POST` body (403 / 415).
//!
//! # Order of checks for `/v1` requests
//! 1. a queued fault matching method and path prefix (before auth: a fault hits even an
//!    unauthenticated request; with `apply` the real handling below still runs);
//! 2. auth: missing or malformed `Authorization` 400 `authorization-header-error`, unknown key
//!    401 `authentication-error` (no `info`);
//! 3. rate limit per key (sliding window; 429 `rate-limit-error`, `Retry-After` when enabled);
//! 4. route: unknown 404 `not-found`, wrong method 405 `invalid-request-error` with `Allow`;
//! 5. body: malformed JSON 400 `json-parsing-error` (an empty body reads as `{}`);
//! 6. validation (400 `invalid-request-error`, `info` = `path: message; ...`), then the operation.
//!
//! # Faults (`POST /_emulator/faults`)
//! Body `{ method?, path?, count? = 1, status?, body?, delay_ms? = 0, drop? = false,
//! apply? = false, retry_after? }` ([`FAULT_FIELDS`]). A fault matches `/v1` requests whose method
//! equals `method` (any when absent, case-insensitive) and whose path starts with `path` (default
//! `/v1`; a path without `/v1` is read under it; `/` or `/v1/` matches the domain config route
//! `/v1/` alone); the first matching fault in the queue is used,
//! `count` times. Admin routes and `OPTIONS` are never faulted. The answer is:
//! - only `delay_ms` (no `status`, `body`, `drop`, `apply`): the real answer, delayed;
//! - otherwise `status` (default 500) with `body` (a string is sent raw, other JSON serialized;
//!   a string that is not JSON goes out as `text/plain`; default
//!   `{"error": <Daily's value for the status>, "info": "injected fault"}`, i.e.
//!   `server-error` for 5xx, `rate-limit-error` for 429, ...), `Retry-After: <retry_after>` when
//!   given (a number or an HTTP date string), after `delay_ms`, or no answer at all with `drop`;
//! - `apply: true`: the real request is handled first (state may change, webhooks are still sent)
//!   and then the client gets the fault instead of the real answer.
//!
//! Every faulted answer carries the header [`FAULT_HEADER`] with the fault's id.
//!
//! # Simulated calls (`POST /_emulator/calls`)
//! Body `{ to? | sip_uri?, from? = "+15555550100", sipHeaders? }` ([`CALL_FIELDS`]): exactly one of
//! `to` (a config's `phone_number`) and `sip_uri` (a config's `sip_uri`, `sip:` optional). The
//! config must be pinless (a pin config is 400: PIN calls never hit a webhook; none is 404).
//! The answer is the call log entry and an [`Effect::SendWebhook`] with the compact body
//! `{"To","From","callId","callDomain"[,"sipHeaders"]}`, `X-Pinless-Timestamp` (Unix seconds) and
//! `X-Pinless-Signature`. Log entry fields: `id` (the `callId`), `callDomain`, `to`, `from`,
//! `config_id`, `status` ([`CallStatus`]), `created_ms`, `sipHeaders?`, `webhook_url`,
//! `webhook_status`, `webhook_error`, `webhook_ms` (when recorded), `sip_uri` (once routed), `routed_ms`, `timeout_ms`
//! (`created_ms + hold_timeout_ms`) and `played_message` (`timeout_config.message` of the config
//! at call time, once timed out). `GET /_emulator/calls` is `{"calls": [...]}`, oldest first.
//!
//! # Choices where Daily is silent
//! - DELETE answers `{"status":"deleted"}` (Q5 in docs/daily-api.md#open-questions).
//! - `POST /v1/domain-dialin-config/:id` is 405, not an alias of PUT (Q8 in docs/daily-api.md#open-questions).
//! - One trailing `/` is ignored (`/v1/domain-dialin-config/` is the collection), as Express does.
//! - An id with a broken percent-escape, or one `check_id` refuses (`/`, `?`, `#`, whitespace),
//!   is a 400 `invalid-request-error`; an unknown id is a 404 `not-found`.
//! - Update: present fields replace, omitted fields (including `hmac`) are kept; the type cannot
//!   change; a pinless `hmac` is generated only on create (Q4 in docs/daily-api.md#open-questions).
//! - `sip_uri` is `static-address--<n>@<sip_domain>` with the config's creation sequence number
//!   `n` (unique, never reused, not dense); `sip_username` matches the part before `@`.
//! - List: newest first by creation sequence; `name_prefix` filters by prefix (case-sensitive),
//!   `phone_number` exactly, `phone_numbers` by substring of any entry; `total_count` counts all
//!   matches of the filters. Cursors are ids: an id never issued is a 400 naming the parameter; a
//!   deleted id still works (the last 1000 deletions are remembered) so "list, delete, next page"
//!   loops work; `ending_before=OLDEST` gives the oldest page. In the query `+` is a space (form
//!   decoding), so a phone number's `+` must be sent as `%2B`; a repeated parameter is a 400,
//!   except `phone_numbers`, whose repeats are joined.
//! - The `{"Test":"test"}` ping is sent (signed) on create of a pinless config only, not on update.
//! - `pinlessCallUpdate` answers the documented example `{"ok":"true"}`; `sipUri` is not checked
//!   beyond being a non-empty string; a call already routed or timed out is 404 "Call Forwarding
//!   Failed". A failed webhook does not end the call early: it is held until the timeout.
//! - Calls are not persisted; at most 1000 are kept.
//! - The legacy domain-level arrays (`domain.rs`, docs/emulator.md#legacy-domain-level-arrays):
//!   a store beside the configs; a POST that names an array replaces it whole, a pinless entry
//!   without `hmac` gets a new one each time; a number is in one entry of the two arrays at most
//!   but may also have a config, which then answers its calls; a number only in an array is
//!   still routed (the call log's `config_id` is the entry's place, `pinless_dialin[2]`).

mod access;
pub mod audio;
mod calls;
mod domain;
mod faults;
mod http;
mod ids;
mod limits;
mod store;
#[cfg(target_arch = "wasm32")]
mod wasm;

use serde::{Deserialize, Serialize};

pub use calls::{CallStatus, CALL_FIELDS, DEFAULT_FROM, TEST_PING_BODY};
pub use domain::DOMAIN_NAME;
pub use faults::{FAULT_FIELDS, FAULT_HEADER};
pub use ids::{Random, SeededRandom};
pub use limits::RateLimit;
pub use store::{DELETE_STATUS, STATE_VERSION};

use calls::{CallSpec, Calls};
use faults::Faults;
use http::{err, parse_body, parse_query, percent_decode, Reply};
use limits::RateLimiter;
use store::Store;

use daily_dialin::validate::{self, Options};

/// Default `call_domain`: a fixed UUID-like value, so `callDomain` is stable across runs.
pub const DEFAULT_CALL_DOMAIN: &str = "00000000-0000-4000-8000-00000000da11";
/// Default `sip_domain` of generated `sip_uri`s (a reserved name: nothing resolves it).
pub const DEFAULT_SIP_DOMAIN: &str = "emulator.sip.localhost";
/// Default hold before `timeout_config.message` plays: about two plays of a 60 s hold track
/// (Daily does not document it: Q7 in docs/daily-api.md#open-questions).
pub const DEFAULT_HOLD_TIMEOUT_MS: u64 = 120_000;

/// How the emulator behaves. `Default` gives: any key accepted, private webhook URLs allowed
/// (the emulator's webhooks go to local servers), Daily's 100 requests / 5 s limit, no
/// `Retry-After`, a 120 s hold. Deserializes from camelCase JSON with every field optional
/// (`{"apiKeys": ["k"], "rateLimit": null, "holdTimeoutMs": 500}`). `Debug` hides the keys.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EmulatorOptions {
    /// Accepted API keys; `None` accepts any well-formed `Bearer` key.
    pub api_keys: Option<Vec<String>>,
    /// Passed to the validators: accept localhost and private hosts in URLs.
    pub allow_private_urls: bool,
    /// `None` disables rate limiting.
    pub rate_limit: Option<RateLimit>,
    /// Add `Retry-After: <seconds>` to 429 answers (Daily documents none).
    pub retry_after: bool,
    /// How long a simulated call waits for `pinlessCallUpdate` before it times out.
    pub hold_timeout_ms: u64,
    /// The `callDomain` of simulated calls.
    pub call_domain: String,
    /// The host part of generated `sip_uri`s.
    pub sip_domain: String,
    /// The admin routes (`/_emulator/*`) need `Authorization: Bearer <this>` (or one of
    /// `api_keys`). `None` leaves them open, for a server that guards them itself.
    pub admin_token: Option<String>,
    /// Web origins (`https://app.example.com`) besides loopback ones that may call `/v1` from a
    /// browser. Never the admin routes.
    pub cors_origins: Vec<String>,
    /// Host names besides IP literals and `localhost` that requests may name in `Host`.
    pub allowed_hosts: Vec<String>,
}

impl std::fmt::Debug for EmulatorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorOptions")
            .field(
                "api_keys",
                &self
                    .api_keys
                    .as_ref()
                    .map(|k| format!("[{} redacted]", k.len())),
            )
            .field("allow_private_urls", &self.allow_private_urls)
            .field("rate_limit", &self.rate_limit)
            .field("retry_after", &self.retry_after)
            .field("hold_timeout_ms", &self.hold_timeout_ms)
            .field("call_domain", &self.call_domain)
            .field("sip_domain", &self.sip_domain)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "***"))
            .field("cors_origins", &self.cors_origins)
            .field("allowed_hosts", &self.allowed_hosts)
            .finish()
    }
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            api_keys: None,
            allow_private_urls: true,
            rate_limit: Some(RateLimit::default()),
            retry_after: false,
            hold_timeout_ms: DEFAULT_HOLD_TIMEOUT_MS,
            call_domain: DEFAULT_CALL_DOMAIN.to_string(),
            sip_domain: DEFAULT_SIP_DOMAIN.to_string(),
            admin_token: None,
            cors_origins: Vec::new(),
            allowed_hosts: Vec::new(),
        }
    }
}

/// One HTTP request as the server received it. `Debug` shows neither the key nor the body.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct EmuRequest<'a> {
    pub method: &'a str,
    /// Path without the query, e.g. `/v1/domain-dialin-config/ID` (still percent-encoded).
    pub path: &'a str,
    /// Raw query string without `?`.
    pub query: &'a str,
    /// The `Authorization` header, if any.
    pub authorization: Option<&'a str>,
    /// The `Host` header (`None`: not over HTTP, or an HTTP/1.0 client that sent none).
    pub host: Option<&'a str>,
    /// The `Origin` header a browser adds.
    pub origin: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
    /// The server's clock, Unix milliseconds.
    pub now_ms: u64,
}

impl std::fmt::Debug for EmuRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmuRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("authorization", &self.authorization.map(|_| "***"))
            .field("host", &self.host)
            .field("origin", &self.origin)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .field("now_ms", &self.now_ms)
            .finish()
    }
}

/// Something the server must do besides answering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// POST `body` (exact bytes) with `headers` to `url`, then report the outcome with
    /// [`Emulator::record_webhook_result`] under `call_id`. `call_id` is empty for the one-off
    /// `{"Test":"test"}` ping sent when a pinless config is created (its outcome is not recorded).
    SendWebhook {
        call_id: String,
        url: String,
        body: String,
        headers: Vec<(String, String)>,
    },
}

/// What the server must answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmuResponse {
    pub status: u16,
    /// Includes `Content-Type` and the CORS headers.
    pub headers: Vec<(String, String)>,
    /// JSON, except when a fault gave a raw string body; empty for 204.
    pub body: String,
    /// Wait this long before answering (or dropping).
    pub delay_ms: u64,
    /// Destroy the connection without answering (after `delay_ms`).
    pub drop_connection: bool,
    /// Webhooks to send. Send them after answering; they never change this response.
    pub effects: Vec<Effect>,
    /// The persisted state ([`Emulator::export_state`]) changed. A server that keeps state in a
    /// file must write it BEFORE answering (or dropping), whatever the status: with an `apply`
    /// fault a create can change state and still answer 500.
    pub state_changed: bool,
    /// The change as one line of JSON (set exactly when `state_changed`): a server can append it
    /// to a journal instead of rewriting the whole state, and replay it with
    /// [`Emulator::apply_journal`] on top of the last [`Emulator::export_state`].
    pub journal: Option<String>,
}

/// The emulator: configs, calls, faults and rate-limit counters. `Debug` shows counts only
/// (the state holds `hmac` secrets and the rate limiter API keys).
#[derive(Clone)]
pub struct Emulator {
    opts: EmulatorOptions,
    store: Store,
    calls: Calls,
    faults: Faults,
    limiter: RateLimiter,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("opts", &self.opts)
            .field("configs", &self.store.len())
            .field("faults", &self.faults.list().len())
            .finish_non_exhaustive()
    }
}

/// Why `import_state` refused a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError(pub String);

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StateError {}

/// The answer of a handler before the common headers are added.
struct Outcome {
    reply: Reply,
    effects: Vec<Effect>,
    /// The change of the persisted state, as a journal line.
    journal: Option<String>,
}

impl From<Reply> for Outcome {
    fn from(reply: Reply) -> Self {
        Outcome {
            reply,
            effects: Vec::new(),
            journal: None,
        }
    }
}

impl From<Result<Reply, Reply>> for Outcome {
    fn from(r: Result<Reply, Reply>) -> Self {
        r.unwrap_or_else(|e| e).into()
    }
}

/// `GET`/`POST /v1/`, the domain config (one trailing `/` is dropped by [`clean_path`]).
const DOMAIN: &str = "/v1";
const RESOURCE: &str = "/v1/domain-dialin-config";
const PINLESS_CALL_UPDATE: &str = "/v1/dialin/pinlessCallUpdate";
const ADMIN: &str = "/_emulator";

enum ApiRoute<'p> {
    Domain,
    Collection,
    Item(&'p str),
    PinlessCallUpdate,
}

fn api_route(path: &str) -> Option<ApiRoute<'_>> {
    match path {
        DOMAIN => Some(ApiRoute::Domain),
        RESOURCE => Some(ApiRoute::Collection),
        PINLESS_CALL_UPDATE => Some(ApiRoute::PinlessCallUpdate),
        _ => path
            .strip_prefix(RESOURCE)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|id| !id.contains('/'))
            .map(ApiRoute::Item),
    }
}

fn method_not_allowed(method: &str, path: &str, allow: &str) -> Reply {
    Reply::error(
        405,
        err::INVALID_REQUEST,
        Some(&format!("{method} is not allowed on {path}; use {allow}")),
    )
    .with_header("Allow", allow)
}

fn route_not_found(path: &str) -> Reply {
    Reply::not_found(&format!("no route {path}"))
}

/// Splits a path that still carries `?query` or `#fragment`, and drops one trailing `/`.
fn clean_path<'a>(path: &'a str, query: &'a str) -> (&'a str, &'a str) {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) if query.is_empty() => (p, q),
        Some((p, _)) => (p, query),
        None => (path, query),
    };
    let path = path.split_once('#').map_or(path, |(p, _)| p);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let path = match path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => path,
    };
    (path, query)
}

/// True for requests that can change the persisted state when they succeed (create, update,
/// delete, domain config, reset, state import). Prefer [`EmuResponse::state_changed`], which also covers
/// `apply` faults; this helps a server that wants to serialise writes before handling.
pub fn is_mutating(method: &str, path: &str) -> bool {
    let (path, _) = clean_path(path, "");
    let method = method.to_ascii_uppercase();
    match (method.as_str(), api_route(path)) {
        ("POST", Some(ApiRoute::Collection | ApiRoute::Domain)) => true,
        ("PUT" | "DELETE", Some(ApiRoute::Item(_))) => true,
        _ => matches!(
            (method.as_str(), path),
            ("POST", "/_emulator/reset") | ("PUT", "/_emulator/state")
        ),
    }
}

impl Emulator {
    pub fn new(opts: EmulatorOptions) -> Self {
        Emulator {
            opts,
            store: Store::default(),
            calls: Calls::default(),
            faults: Faults::default(),
            limiter: RateLimiter::default(),
        }
    }

    pub fn options(&self) -> &EmulatorOptions {
        &self.opts
    }

    fn validation(&self) -> Options {
        Options {
            allow_private_urls: self.opts.allow_private_urls,
        }
    }

    /// Handles one request. Never panics; every answer with status >= 400 has a JSON body with an
    /// `error` string, except a fault's own raw body (marked by the [`FAULT_HEADER`] header).
    pub fn handle(&mut self, req: &EmuRequest, rng: &mut dyn Random) -> EmuResponse {
        let method = req.method.to_ascii_uppercase();
        let (path, query) = clean_path(req.path, req.query);
        let mut delay_ms = 0;
        let mut drop_connection = false;
        // Test audio is public, as a hold-music file is (audio.rs); the other admin routes are not.
        let audio = path.strip_prefix(audio::ROUTE);
        let admin = audio.is_none() && (path == ADMIN || path.starts_with("/_emulator/"));
        let allowed = match access::check(&self.opts, &method, admin, req) {
            Ok(allowed) => allowed,
            Err(reply) => return finish(reply.into(), None, delay_ms, drop_connection),
        };
        let outcome = if method == "OPTIONS" {
            Reply::json(204, String::new())
                .with_header(
                    "Access-Control-Allow-Methods",
                    "GET, POST, PUT, DELETE, OPTIONS",
                )
                .with_header(
                    "Access-Control-Allow-Headers",
                    "Authorization, Content-Type, Range",
                )
                .with_header("Access-Control-Max-Age", "600")
                .into()
        } else if let Some(name) = audio {
            audio::route(&method, name).into()
        } else if admin {
            self.admin(&method, path, req, rng)
        } else if path == "/v1" || path.starts_with("/v1/") {
            match self.faults.take(&method, path) {
                None => self.api(&method, path, query, req, rng),
                Some(fault) => {
                    delay_ms = fault.delay_ms;
                    drop_connection = fault.drop;
                    let real = if fault.apply || fault.delay_only() {
                        self.api(&method, path, query, req, rng)
                    } else {
                        Outcome::from(Reply::json(0, String::new()))
                    };
                    let reply = if fault.delay_only() {
                        real.reply
                    } else {
                        fault.reply()
                    };
                    Outcome {
                        reply: reply.with_header(FAULT_HEADER, fault.id.to_string()),
                        ..real
                    }
                }
            }
        } else {
            route_not_found(path).into()
        };
        finish(outcome, allowed.origin, delay_ms, drop_connection)
    }

    /// `/v1` after faults: auth, rate limit, route, body, operation.
    fn api(
        &mut self,
        method: &str,
        path: &str,
        query: &str,
        req: &EmuRequest,
        rng: &mut dyn Random,
    ) -> Outcome {
        let key = match limits::authenticate(req.authorization, self.opts.api_keys.as_deref()) {
            Ok(key) => key,
            Err(reply) => return reply.into(),
        };
        if let Some(limit) = self.opts.rate_limit {
            if let Err(seconds) = self.limiter.check(&key, req.now_ms, limit) {
                let mut reply = Reply::error(
                    429,
                    err::RATE_LIMIT,
                    Some(&format!(
                        "more than {} requests in {} ms; slow down",
                        limit.max_requests, limit.window_ms
                    )),
                );
                if self.opts.retry_after {
                    reply = reply.with_header("Retry-After", seconds.to_string());
                }
                return reply.into();
            }
        }
        let Some(route) = api_route(path) else {
            return route_not_found(path).into();
        };
        match (route, method) {
            (ApiRoute::Domain, "GET") => Reply::ok(&self.domain_view()).into(),
            (ApiRoute::Domain, "POST") => self.set_domain(req.body, req.now_ms, rng),
            (ApiRoute::Domain, _) => method_not_allowed(method, "/v1/", "GET, POST").into(),
            (ApiRoute::Collection, "POST") => self.create(req.body, req.now_ms, rng),
            (ApiRoute::Collection, "GET") => parse_query(query)
                .and_then(|pairs| self.store.list(&pairs))
                .map(|page| Reply::ok(&page))
                .into(),
            (ApiRoute::Collection, _) => method_not_allowed(method, path, "GET, POST").into(),
            (ApiRoute::Item(raw), "GET" | "PUT" | "DELETE") => {
                let id = match decode_id(raw) {
                    Ok(id) => id,
                    Err(reply) => return reply.into(),
                };
                match method {
                    "GET" => self
                        .store
                        .get(&id)
                        .map(Reply::ok)
                        .unwrap_or_else(|| {
                            Reply::not_found(&format!("no dial-in config with id {id}"))
                        })
                        .into(),
                    "PUT" => self.update(&id, req.body),
                    _ => self.delete(&id),
                }
            }
            (ApiRoute::Item(_), _) => method_not_allowed(method, path, "GET, PUT, DELETE").into(),
            (ApiRoute::PinlessCallUpdate, "POST") => parse_body(req.body)
                .map(|body| {
                    self.calls
                        .route(&body, req.now_ms, self.opts.hold_timeout_ms)
                })
                .into(),
            (ApiRoute::PinlessCallUpdate, _) => method_not_allowed(method, path, "POST").into(),
        }
    }

    fn create(&mut self, body: &[u8], now_ms: u64, rng: &mut dyn Random) -> Outcome {
        let opts = self.validation();
        let created =
            parse_body(body).and_then(|v| self.store.create(&v, &opts, &self.opts.sip_domain, rng));
        match created {
            Err(reply) => reply.into(),
            Ok(config) => {
                let effects = match config.dialin_type {
                    daily_dialin::model::DialinType::PinlessDialin => vec![calls::webhook_effect(
                        "",
                        &config,
                        TEST_PING_BODY.to_string(),
                        now_ms,
                    )],
                    daily_dialin::model::DialinType::PinDialin => Vec::new(),
                };
                Outcome {
                    journal: Some(self.store.put_line(&config)),
                    reply: Reply::ok(&config),
                    effects,
                }
            }
        }
    }

    /// The domain object of `GET /v1/` and `POST /v1/`. `domain_id` is the `callDomain` of
    /// simulated calls: both name the domain (an assumption; Daily does not say).
    fn domain_view(&self) -> serde_json::Value {
        self.store
            .domain()
            .view(DOMAIN_NAME, &self.opts.call_domain)
    }

    /// `POST /v1/`: the domain properties, and the legacy arrays replaced whole.
    fn set_domain(&mut self, body: &[u8], now_ms: u64, rng: &mut dyn Random) -> Outcome {
        let opts = self.validation();
        let sip_domain = self.opts.sip_domain.clone();
        match parse_body(body).and_then(|v| self.store.set_domain(&v, &opts, &sip_domain, rng)) {
            Err(reply) => reply.into(),
            Ok((set, journal)) => Outcome {
                reply: Reply::ok(&self.domain_view()),
                effects: set
                    .pings
                    .iter()
                    .map(|c| calls::webhook_effect("", c, TEST_PING_BODY.to_string(), now_ms))
                    .collect(),
                journal,
            },
        }
    }

    fn update(&mut self, id: &str, body: &[u8]) -> Outcome {
        let opts = self.validation();
        match parse_body(body).and_then(|v| self.store.update(id, &v, &opts)) {
            Err(reply) => reply.into(),
            Ok(config) => Outcome {
                journal: Some(self.store.put_line(&config)),
                reply: Reply::ok(&config),
                effects: Vec::new(),
            },
        }
    }

    fn delete(&mut self, id: &str) -> Outcome {
        match self.store.delete(id) {
            Err(reply) => reply.into(),
            Ok(line) => Outcome {
                reply: Reply::ok(&serde_json::json!({ "status": DELETE_STATUS })),
                effects: Vec::new(),
                journal: Some(line),
            },
        }
    }

    /// `/_emulator/*`: no auth, no rate limit, no faults.
    fn admin(
        &mut self,
        method: &str,
        path: &str,
        req: &EmuRequest,
        rng: &mut dyn Random,
    ) -> Outcome {
        let now = req.now_ms;
        let hold = self.opts.hold_timeout_ms;
        match path {
            "/_emulator/faults" => match method {
                "GET" => Reply::ok(&serde_json::json!({ "faults": self.faults.list() })).into(),
                "POST" => parse_body(req.body)
                    .and_then(|v| self.faults.add(&v))
                    .map(|f| Reply::ok(&f))
                    .into(),
                "DELETE" => {
                    self.faults.clear();
                    Reply::ok(&serde_json::json!({ "status": "cleared" })).into()
                }
                _ => method_not_allowed(method, path, "GET, POST, DELETE").into(),
            },
            "/_emulator/calls" => match method {
                "GET" => Reply::ok(&self.calls.list(now, hold)).into(),
                "POST" => self.simulate_call(req.body, now, rng),
                _ => method_not_allowed(method, path, "GET, POST").into(),
            },
            "/_emulator/reset" => match method {
                "POST" => {
                    self.reset();
                    Outcome {
                        reply: Reply::ok(&serde_json::json!({ "status": "reset" })),
                        effects: Vec::new(),
                        journal: Some(store::RESET_LINE.to_string()),
                    }
                }
                _ => method_not_allowed(method, path, "POST").into(),
            },
            "/_emulator/state" => match method {
                "GET" => Reply::json(200, self.export_state()).into(),
                "PUT" => {
                    let text = String::from_utf8_lossy(req.body);
                    match self.import_state(&text) {
                        Ok(()) => Outcome {
                            reply: Reply::json(200, self.export_state()),
                            effects: Vec::new(),
                            journal: Some(self.store.state_line()),
                        },
                        Err(e) => Reply::invalid(&e.0).into(),
                    }
                }
                _ => method_not_allowed(method, path, "GET, PUT").into(),
            },
            _ => match path.strip_prefix("/_emulator/calls/") {
                Some(raw) if !raw.contains('/') => match method {
                    "GET" => decode_id(raw)
                        .and_then(|id| {
                            self.calls
                                .get(&id, now, hold)
                                .map(|c| Reply::ok(&c))
                                .ok_or_else(|| Reply::not_found(&format!("no call with id {id}")))
                        })
                        .into(),
                    _ => method_not_allowed(method, path, "GET").into(),
                },
                _ => route_not_found(path).into(),
            },
        }
    }

    fn simulate_call(&mut self, body: &[u8], now_ms: u64, rng: &mut dyn Random) -> Outcome {
        let spec = match parse_body(body).and_then(|v| CallSpec::parse(&v)) {
            Ok(spec) => spec,
            Err(reply) => return reply.into(),
        };
        // A config of /domain-dialin-config first; then the legacy arrays, which Daily still
        // routes (docs/emulator.md#legacy-domain-level-arrays).
        let config = match (&spec.to, &spec.sip_uri) {
            (Some(to), _) => self
                .store
                .by_phone(to)
                .cloned()
                .or_else(|| self.store.domain().by_phone(to)),
            (None, Some(uri)) => self
                .store
                .by_sip_uri(uri)
                .cloned()
                .or_else(|| self.store.domain().by_sip_uri(uri)),
            (None, None) => None,
        };
        let Some(config) = config else {
            let what = spec.to.as_deref().or(spec.sip_uri.as_deref()).unwrap_or("");
            return Reply::not_found(&format!("no dial-in config answers {what}")).into();
        };
        match self.calls.start(
            spec,
            &config,
            &self.opts.call_domain,
            now_ms,
            self.opts.hold_timeout_ms,
            rng,
        ) {
            Ok((view, effect)) => Outcome {
                reply: Reply::ok(&view),
                effects: vec![effect],
                journal: None,
            },
            Err(reply) => reply.into(),
        }
    }

    /// Stores the outcome of an [`Effect::SendWebhook`]: the HTTP status the webhook answered, or
    /// the network error. Returns false when `call_id` is no known call (e.g. the test ping's "").
    pub fn record_webhook_result(
        &mut self,
        call_id: &str,
        status: Option<u16>,
        error: Option<String>,
        now_ms: u64,
    ) -> bool {
        self.calls.record(call_id, status, error, now_ms)
    }

    /// The persisted state as JSON: `{version, next_seq, configs: [{seq, id, type, config}],
    /// deleted: [{seq, id}], domain: {properties, pinless_dialin, pin_dialin}}` (configs oldest
    /// first; hmac secrets included). [`STATE_VERSION`] 2; `import_state` also reads version 1,
    /// which had no `domain`.
    pub fn export_state(&self) -> String {
        self.store.export()
    }

    /// Applies one [`EmuResponse::journal`] line to the persisted state (configs and the domain
    /// config only: calls, faults and counters are not persisted). Replaying a journal on a state
    /// that already holds some or all of its changes gives the same state (each line sets a
    /// config, a deletion, the whole domain config or the whole state), so a crash between
    /// writing a snapshot and clearing the journal is safe.
    pub fn apply_journal(&mut self, line: &str) -> Result<(), StateError> {
        self.store
            .apply(line, &self.validation())
            .map_err(StateError)
    }

    /// Replaces the state with an exported one (a reset first: calls, faults and rate-limit
    /// counters are cleared too). Every config must pass the create rules under this emulator's
    /// options, with unique ids, sequence numbers and phone numbers; on error nothing changes.
    pub fn import_state(&mut self, json: &str) -> Result<(), StateError> {
        let store = Store::import(json, &self.validation()).map_err(StateError)?;
        self.reset();
        self.store = store;
        Ok(())
    }

    /// Clears configs (and the sequence counter), calls, faults and rate-limit counters.
    pub fn reset(&mut self) {
        self.store = Store::default();
        self.calls.clear();
        self.faults.clear();
        self.limiter.clear();
    }
}

/// The response: the handler's reply with `Content-Type` (JSON unless set) and the CORS headers
/// (`origin` is echoed when the access checks accepted it; no other page may read the answer).
fn finish(
    outcome: Outcome,
    origin: Option<&str>,
    delay_ms: u64,
    drop_connection: bool,
) -> EmuResponse {
    let Outcome {
        reply,
        effects,
        journal,
    } = outcome;
    let mut headers = Vec::with_capacity(reply.headers.len() + 4);
    let typed = reply
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("Content-Type"));
    if reply.status != 204 && !typed {
        headers.push((
            "Content-Type".to_string(),
            "application/json; charset=utf-8".to_string(),
        ));
    }
    headers.push(("Vary".to_string(), "Origin".to_string()));
    if let Some(origin) = origin {
        headers.push((
            "Access-Control-Allow-Origin".to_string(),
            origin.to_string(),
        ));
        headers.push((
            "Access-Control-Expose-Headers".to_string(),
            // Content-Range: a page reads the size of a ranged answer (test audio).
            format!("Retry-After, {FAULT_HEADER}, Content-Range"),
        ));
    }
    headers.extend(reply.headers);
    EmuResponse {
        status: reply.status,
        headers,
        body: reply.body,
        delay_ms,
        drop_connection,
        effects,
        state_changed: journal.is_some(),
        journal,
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Emulator::new(EmulatorOptions::default())
    }
}

/// Percent-decodes a path id and checks it like the client does ([`validate::check_id`]).
fn decode_id(raw: &str) -> Result<String, Reply> {
    let id = percent_decode(raw, false)
        .ok_or_else(|| Reply::invalid("id: the id has a broken percent-escape or is not UTF-8"))?;
    match validate::check_id("id", &id) {
        Some(issue) => Err(Reply::invalid(&format!("id: {}", issue.message))),
        None => Ok(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_camel_case_json_and_redacted_debug() {
        let o: EmulatorOptions = serde_json::from_str(
            r#"{"apiKeys":["secret-key"],"rateLimit":{"maxRequests":2,"windowMs":10},"retryAfter":true,"holdTimeoutMs":5}"#,
        )
        .unwrap();
        assert_eq!(o.api_keys, Some(vec!["secret-key".to_string()]));
        assert_eq!(
            o.rate_limit,
            Some(RateLimit {
                max_requests: 2,
                window_ms: 10
            })
        );
        assert!(o.retry_after && o.allow_private_urls);
        assert_eq!(o.hold_timeout_ms, 5);
        assert_eq!(o.call_domain, DEFAULT_CALL_DOMAIN);
        assert!(!format!("{o:?}").contains("secret-key"));
        let o: EmulatorOptions = serde_json::from_str(r#"{"rateLimit":null}"#).unwrap();
        assert_eq!(o.rate_limit, None);
        assert_eq!(
            serde_json::from_str::<EmulatorOptions>("{}").unwrap(),
            EmulatorOptions::default()
        );
    }

    #[test]
    fn debug_hides_keys_and_secrets() {
        let mut emu = Emulator::default();
        let mut rng = SeededRandom::new(1);
        let body = br#"{"type":"pinless_dialin","room_creation_api":"https://example.com/h"}"#;
        let req = EmuRequest {
            method: "POST",
            path: "/v1/domain-dialin-config",
            query: "",
            authorization: Some("Bearer key-123"),
            content_type: Some("application/json"),
            body,
            now_ms: 0,
            ..Default::default()
        };
        let resp = emu.handle(&req, &mut rng);
        assert_eq!(resp.status, 200);
        let hmac = serde_json::from_str::<serde_json::Value>(&resp.body).unwrap()["config"]["hmac"]
            .as_str()
            .unwrap()
            .to_string();
        for shown in [format!("{req:?}"), format!("{emu:?}")] {
            assert!(
                !shown.contains("key-123") && !shown.contains(&hmac),
                "{shown}"
            );
        }
    }

    #[test]
    fn paths_are_cleaned() {
        assert_eq!(clean_path("/a/?x=1", ""), ("/a", "x=1"));
        assert_eq!(clean_path("/a?x=1", "y=2"), ("/a", "y=2"));
        assert_eq!(clean_path("/a#f", "q#g"), ("/a", "q"));
        assert_eq!(clean_path("/", ""), ("/", ""));
    }
}
