//! `DailyDialinClient`: sends the core's built requests with `fetch(url, init)` (web-sys reads the
//! responses), with typed errors, retries, per-attempt timeouts, cancellation and
//! exactly-once create. All decisions come from the pure core (`request`, `retry`); this file only
//! does the waiting and the I/O.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

use super::convert::to_json;
use super::deadline::{clear_timeout, set_timeout, Deadline};
use super::errors::make_error;
use super::fetching::{fetch_of, get, js_message, number_option, pick, signal_of};
use super::options;
use crate::issue::Issue;
use crate::model::{CreateDialinConfig, DialinType, HttpRequest, UpdateDialinConfig};
use crate::redact::redact;
use crate::request::{self, Built, RequestOptions};
use crate::retry::{self, AfterLookup, Failure, Method, Next};
use crate::ts::Ts;
use crate::validate::code;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    fn math_random() -> f64;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TYPES: &'static str = r#"
/** Options of `new DailyDialinClient(...)`. */
export interface ClientOptions extends RequestOptions {
    /** Retries after the first attempt (default 2). */
    maxRetries?: number;
    /** Per-attempt timeout in milliseconds (default 30000). */
    timeoutMs?: number;
    /**
     * A fetch implementation to use instead of the global `fetch` (`globalThis.fetch` itself fits):
     * called as `fetch(url, init)`, it must resolve to a `Response`. `init.signal` is a real
     * `AbortSignal` (the client's own, one per attempt), typed as the platform's `AbortSignal` when
     * the project has one (DOM lib or @types/node) and as `AbortSignalLike` otherwise.
     */
    fetch?: (url: string, init: {
        method: string;
        headers: Record<string, string>;
        body?: string;
        signal: AbortSignalLike & (typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : unknown);
    }) => Promise<any>;
}

/** The part of an `AbortSignal` the client uses (DOM and Node signals fit). */
export interface AbortSignalLike {
    readonly aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of one call. */
export interface CallOptions {
    /** Cancels the call, including the wait between retries. */
    signal?: AbortSignalLike;
}

/** Options of `update`. */
export interface UpdateCallOptions extends CallOptions {
    /** The stored config's type, when the client has not seen it yet. */
    type?: DialinType;
}
"#;

struct Inner {
    opts: RequestOptions,
    max_retries: u32,
    timeout_ms: f64,
    fetch: Option<Function>,
    /// Types of configs this client has seen, so updates can check applicability
    /// (docs/daily-api.md#rule-update-applicability).
    types: RefCell<HashMap<String, DialinType>>,
}

/// A client for `/v1/domain-dialin-config`. The API key stays inside WebAssembly memory: it is
/// sent only in the `Authorization` header and never appears in errors, logs or `JSON.stringify`.
#[wasm_bindgen]
pub struct DailyDialinClient {
    inner: Rc<Inner>,
}

/// How one attempt failed.
enum Fail {
    Status {
        status: u16,
        retry_after: Option<String>,
        body: String,
    },
    NotSent(String),
    Network(String),
    Timeout,
    Aborted,
}

impl Fail {
    fn as_failure(&self) -> Failure<'_> {
        match self {
            Fail::Status {
                status,
                retry_after,
                ..
            } => Failure::Status {
                status: *status,
                retry_after: retry_after.as_deref(),
            },
            Fail::NotSent(_) => Failure::NotSent,
            Fail::Network(_) | Fail::Aborted => Failure::Network,
            Fail::Timeout => Failure::Timeout,
        }
    }
}

fn url_path(url: &str) -> &str {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/")
}

/// Whether `e` (what `fetch` threw) proves the request never left ([`retry::never_sent`]).
fn never_sent(e: &JsValue) -> bool {
    retry::never_sent(
        &get(&get(e, "cause"), "code")
            .as_string()
            .unwrap_or_default(),
    )
}

/// Waits `ms`, or fails early when `signal` aborts.
async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), ()> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(());
    }
    let mut timer = JsValue::UNDEFINED;
    let mut reject = None;
    let p = Promise::new(&mut |res, rej| {
        timer = set_timeout(&res, ms);
        reject = Some(rej);
    });
    let listener = match (signal, reject) {
        (Some(s), Some(rej)) => {
            let t = timer.clone();
            let c = Closure::<dyn FnMut()>::new(move || {
                clear_timeout(&t);
                let _ = rej.call0(&JsValue::UNDEFINED);
            });
            let _ = s.add_event_listener_with_callback("abort", c.as_ref().unchecked_ref());
            Some((s, c))
        }
        _ => None,
    };
    let r = JsFuture::from(p).await;
    if let Some((s, c)) = listener {
        let _ = s.remove_event_listener_with_callback("abort", c.as_ref().unchecked_ref());
    }
    r.map(|_| ()).map_err(|_| ())
}

impl Inner {
    fn fetch_fn(&self) -> Result<Function, String> {
        if let Some(f) = &self.fetch {
            return Ok(f.clone());
        }
        get(&js_sys::global(), "fetch")
            .dyn_into::<Function>()
            .map_err(|_| "no global fetch in this runtime".to_string())
    }

    /// One attempt: send, and read the whole body, under a per-attempt timeout.
    async fn attempt(
        &self,
        req: &HttpRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<(u16, String), Fail> {
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(Fail::Aborted);
        }
        // The attempt ends when the exchange settles or at its deadline (the timeout, or the
        // caller's abort), whichever comes first (see `deadline`).
        let mut deadline =
            Deadline::new(self.timeout_ms, signal).map_err(|e| Fail::NotSent(js_message(&e)))?;
        let attempt_signal = deadline.signal();
        let result = deadline.race(self.exchange(req, &attempt_signal)).await;
        let timed_out = deadline.timed_out();
        drop(deadline);
        match result {
            Some(Ok(r)) => Ok(r),
            _ if signal.is_some_and(AbortSignal::aborted) => Err(Fail::Aborted),
            _ if timed_out => Err(Fail::Timeout),
            Some(Err(e)) => Err(e),
            // The deadline fired for neither reason: not reachable, but never hang or panic.
            None => Err(Fail::Timeout),
        }
    }

    async fn exchange(
        &self,
        req: &HttpRequest,
        signal: &AbortSignal,
    ) -> Result<(u16, String), Fail> {
        // `fetch(url, init)` with a string body: a `Request` object would make Node 20 stream the
        // body in pieces (measured ~1.5x slower per call in bench/, request section).
        let set = |o: &js_sys::Object, k: &str, v: &JsValue| {
            let _ = Reflect::set(o, &JsValue::from_str(k), v);
        };
        let headers = js_sys::Object::new();
        set(
            &headers,
            "Authorization",
            &JsValue::from_str(&req.headers.authorization),
        );
        if let Some(ct) = &req.headers.content_type {
            set(&headers, "Content-Type", &JsValue::from_str(ct));
        }
        let init = js_sys::Object::new();
        set(&init, "method", &JsValue::from_str(&req.method));
        set(&init, "headers", &headers);
        if let Some(b) = &req.body {
            set(&init, "body", &JsValue::from_str(b));
        }
        set(&init, "signal", signal);
        let fetch = self.fetch_fn().map_err(Fail::NotSent)?;
        let promise = fetch
            .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
            .map_err(|e| Fail::NotSent(js_message(&e)))?;
        let promise: Promise = promise
            .dyn_into()
            .map_err(|_| Fail::NotSent("fetch did not return a Promise".into()))?;
        let resp = JsFuture::from(promise).await.map_err(|e| {
            if never_sent(&e) {
                Fail::NotSent(js_message(&e))
            } else {
                Fail::Network(js_message(&e))
            }
        })?;
        let resp: web_sys::Response = resp
            .dyn_into()
            .map_err(|_| Fail::Network("fetch did not resolve to a Response".into()))?;
        let status = resp.status();
        let retry_after = resp.headers().get("retry-after").ok().flatten();
        let reading =
            |e: JsValue| Fail::Network(format!("reading the body failed: {}", js_message(&e)));
        let body = JsFuture::from(resp.text().map_err(reading)?)
            .await
            .map_err(reading)?
            .as_string()
            .unwrap_or_default();
        if (200..300).contains(&status) {
            Ok((status, body))
        } else {
            Err(Fail::Status {
                status,
                retry_after,
                body,
            })
        }
    }

    /// Removes the API key and the request's `hmac` from `text`, in any encoding (`redact`).
    fn scrub(&self, text: &str, secret: Option<&str>) -> String {
        // (`redact` skips an empty secret, so no `hmac` is the same as none.)
        redact(text, &[&self.opts.api_key, secret.unwrap_or_default()])
    }

    fn error(
        &self,
        fail: &Fail,
        req: &HttpRequest,
        attempts: u32,
        extra: &[(&str, JsValue)],
        secret: Option<&str>,
    ) -> JsValue {
        // Every string of the error is scrubbed, the client's own words included: with a very short
        // key they could spell it.
        let path = self.scrub(url_path(&req.url), secret);
        let what = format!("{} {path}", req.method);
        let mut props: Vec<(&str, JsValue)> = vec![
            ("method", req.method.clone().into()),
            ("path", path.clone().into()),
            ("attempts", attempts.into()),
        ];
        props.extend(extra.iter().cloned());
        let (class, message) = match fail {
            Fail::Status { status, body, .. } => {
                // JSON.parse rather than serde_json: the module then carries no JSON parser.
                let parsed = super::js::json_parse(body).ok().filter(JsValue::is_object);
                let error = parsed.as_ref().and_then(|v| get(v, "error").as_string());
                let shown_error = error.as_deref().map(|e| self.scrub(e, secret));
                let info = parsed
                    .as_ref()
                    .and_then(|v| get(v, "info").as_string())
                    .map(|s| self.scrub(&s, secret));
                let kind = crate::api_error::kind(error.as_deref(), *status);
                let detail = match (&shown_error, &info) {
                    (Some(e), Some(i)) => format!("{e}: {i}"),
                    (Some(e), None) => e.clone(),
                    (None, _) => {
                        let snippet: String = self.scrub(body, secret).chars().take(200).collect();
                        if snippet.trim().is_empty() {
                            "no error body".to_string()
                        } else {
                            format!("non-JSON error body: {}", snippet.trim())
                        }
                    }
                };
                props.push(("status", (*status).into()));
                props.push((
                    "error",
                    shown_error.map_or(JsValue::UNDEFINED, JsValue::from),
                ));
                props.push(("info", info.map_or(JsValue::UNDEFINED, JsValue::from)));
                props.push(("kind", kind.into()));
                props.push(("retryable", retry::is_retryable_status(*status).into()));
                (
                    "DailyApiError",
                    format!("{what} failed with {status} ({detail})"),
                )
            }
            Fail::NotSent(m) | Fail::Network(m) => {
                props.push(("retryable", true.into()));
                let sent = matches!(fail, Fail::Network(_));
                props.push(("maybeSent", sent.into()));
                ("NetworkError", format!("{what}: network error: {m}"))
            }
            Fail::Timeout => {
                props.push(("retryable", true.into()));
                props.push(("timeoutMs", self.timeout_ms.into()));
                (
                    "TimeoutError",
                    format!(
                        "{what}: no complete response within {} ms",
                        self.timeout_ms as u64
                    ),
                )
            }
            Fail::Aborted => ("AbortError", format!("{what}: aborted by the caller")),
        };
        make_error(class, &self.scrub(&message, secret), &props)
    }

    fn parse_ok(&self, text: &str, req: &HttpRequest) -> Result<JsValue, JsValue> {
        let v = super::js::json_parse(text).map_err(|_| {
            let path = url_path(&req.url).to_string();
            make_error(
                "DailyApiError",
                &format!("{} {path}: the response is not JSON", req.method),
                &[
                    ("kind", "unexpected_response".into()),
                    ("method", req.method.clone().into()),
                    ("path", path.into()),
                ],
            )
        })?;
        self.remember(&v);
        Ok(v)
    }

    /// Records the type of each config seen (single config or page).
    fn remember(&self, v: &JsValue) {
        let note = |c: &JsValue| {
            if let (Some(id), Some(t)) = (
                get(c, "id").as_string(),
                get(c, "type")
                    .as_string()
                    .and_then(|t| DialinType::parse(&t)),
            ) {
                if let Ok(mut m) = self.types.try_borrow_mut() {
                    m.insert(id, t);
                }
            }
        };
        note(v);
        if let Ok(data) = get(v, "data").dyn_into::<js_sys::Array>() {
            data.iter().for_each(|c| note(&c));
        }
    }

    /// Sends `req` with retries. `create_body` enables reconciliation of ambiguous creates;
    /// `secret` is the body's `hmac`, kept out of every error as the API key is.
    async fn send(
        self: &Rc<Self>,
        req: HttpRequest,
        signal: Option<AbortSignal>,
        create_body: Option<Value>,
        secret: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let method = Method::parse(&req.method).unwrap_or(Method::Get);
        let secret = secret.as_deref();
        let mut retries = 0u32;
        let mut ambiguous_before = false;
        loop {
            let fail = match self.attempt(&req, signal.as_ref()).await {
                Ok((_, text)) => return self.parse_ok(&text, &req),
                Err(f) => f,
            };
            let attempts = retries + 1;
            if let Fail::Aborted = fail {
                return Err(self.error(&fail, &req, attempts, &[], secret));
            }
            if retry::deleted_by_earlier_attempt(method, ambiguous_before, &fail.as_failure()) {
                // The first attempt deleted it; only the answer was lost.
                let out = js_sys::Object::new();
                let _ = Reflect::set(&out, &"status".into(), &"deleted".into());
                let _ = Reflect::set(&out, &"reconciled".into(), &true.into());
                return Ok(out.into());
            }
            ambiguous_before |= fail.as_failure().ambiguous();
            let err =
                |f: &Fail, extra: &[(&str, JsValue)]| self.error(f, &req, attempts, extra, secret);
            match retry::next(
                self.max_retries,
                method,
                retries,
                fail.as_failure(),
                math_random(),
                date_now(),
            ) {
                Next::Retry { delay_ms } => {
                    if sleep(delay_ms as f64, signal.as_ref()).await.is_err() {
                        return Err(err(&Fail::Aborted, &[]));
                    }
                    retries += 1;
                }
                Next::Reconcile { then_retry } => {
                    let phone = create_body
                        .as_ref()
                        .and_then(|b| b.get("phone_number"))
                        .and_then(Value::as_str);
                    let (found, config) = match phone {
                        None => (retry::Lookup::Unknown, None),
                        Some(phone) => {
                            match self
                                .lookup(phone, create_body.as_ref(), signal.as_ref())
                                .await
                            {
                                Lookup::Found(config) => (retry::Lookup::Created, Some(config)),
                                Lookup::Absent => (retry::Lookup::Absent, None),
                                Lookup::Unknown => (retry::Lookup::Unknown, None),
                                Lookup::Aborted => return Err(err(&Fail::Aborted, &[])),
                            }
                        }
                    };
                    match (retry::after_lookup(found, then_retry), config) {
                        (AfterLookup::UseFound, Some(config)) => return Ok(config),
                        (AfterLookup::Retry { delay_ms }, _) => {
                            if sleep(delay_ms as f64, signal.as_ref()).await.is_err() {
                                return Err(err(&Fail::Aborted, &[]));
                            }
                            retries += 1;
                        }
                        (AfterLookup::Fail { maybe_applied }, _) => {
                            return Err(err(&fail, &[("maybeApplied", maybe_applied.into())]));
                        }
                        // Not reached: only a lookup that found the config says Created.
                        (AfterLookup::UseFound, None) => {
                            return Err(err(&fail, &[("maybeApplied", true.into())]));
                        }
                    }
                }
                Next::GiveUp => return Err(err(&fail, &[])),
            }
        }
    }

    /// After an ambiguous create: is there a config with this number that the body created?
    async fn lookup(
        self: &Rc<Self>,
        phone: &str,
        body: Option<&Value>,
        signal: Option<&AbortSignal>,
    ) -> Lookup {
        let query = serde_json::json!({ "phone_number": phone });
        let Ok(Built { request, .. }) = request::build_list(&query, &self.opts) else {
            return Lookup::Unknown;
        };
        let page = match Box::pin(self.send(request, signal.cloned(), None, None)).await {
            Ok(p) => p,
            Err(_) if signal.is_some_and(AbortSignal::aborted) => return Lookup::Aborted,
            Err(_) => return Lookup::Unknown,
        };
        let Ok(data) = get(&page, "data").dyn_into::<js_sys::Array>() else {
            return Lookup::Unknown;
        };
        let Some(body) = body else {
            return Lookup::Unknown;
        };
        for item in data.iter() {
            if retry::is_created_from(body, &to_json(&item, "").value) {
                return Lookup::Found(item);
            }
        }
        Lookup::Absent
    }
}

enum Lookup {
    Found(JsValue),
    Absent,
    Unknown,
    Aborted,
}

/// The `hmac` of a create or update body, the secret its errors must not show.
fn hmac_of(body: &Value) -> Option<String> {
    body.get("hmac").and_then(Value::as_str).map(str::to_string)
}

fn validation_error(what: &str, issues: Vec<Issue>) -> JsValue {
    super::issues::validation_error(what, &issues)
}

fn rejected(e: JsValue) -> Promise {
    Promise::reject(&e)
}

/// Reads an id argument; one that is not a string is refused with a `ValidationError`.
fn id_of(id: &JsValue, what: &str) -> Result<String, JsValue> {
    super::convert::read_id(id).map_err(|issue| validation_error(what, vec![issue]))
}

impl DailyDialinClient {
    /// Sends the built request, or rejects with a `ValidationError` holding every issue found while
    /// reading the JS input and by the core. `create_body` enables create reconciliation;
    /// `secret` is the body's `hmac`.
    fn dispatch(
        &self,
        what: &str,
        read_issues: Vec<Issue>,
        built: Result<Built, Vec<Issue>>,
        signal: Option<AbortSignal>,
        create_body: Option<Value>,
        secret: Option<String>,
    ) -> Promise {
        match (read_issues.is_empty(), built) {
            (true, Ok(b)) => {
                let inner = self.inner.clone();
                future_to_promise(async move {
                    inner.send(b.request, signal, create_body, secret).await
                })
            }
            (_, Ok(b)) => rejected(validation_error(
                what,
                read_issues.into_iter().chain(b.warnings).collect(),
            )),
            (_, Err(core)) => rejected(validation_error(
                what,
                read_issues.into_iter().chain(core).collect(),
            )),
        }
    }
}

#[wasm_bindgen]
impl DailyDialinClient {
    /// Creates a client. Throws a `ValidationError` when `apiKey` is missing or `baseUrl` is not an
    /// absolute http(s) URL.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] opts: JsValue,
    ) -> Result<DailyDialinClient, JsValue> {
        // The shared reader checks apiKey / baseUrl / allowPrivateUrls; the client's own options
        // (a fetch function among them) are read here.
        let read = options::request_options(
            &pick(&opts, &["apiKey", "baseUrl", "allowPrivateUrls"]),
            false,
        );
        let mut issues = read.conv.issues;
        let (min, max) = retry::MAX_RETRIES_RANGE;
        let max_retries = number_option(&opts, "maxRetries", min.into(), max.into(), &mut issues)
            .unwrap_or(retry::DEFAULT_MAX_RETRIES.into()) as u32;
        let (min, max) = retry::TIMEOUT_MS_RANGE;
        let timeout_ms = number_option(&opts, "timeoutMs", min as f64, max as f64, &mut issues)
            .unwrap_or(retry::DEFAULT_TIMEOUT_MS as f64);
        let fetch = fetch_of(&opts).unwrap_or_else(|issue| {
            issues.push(issue);
            None
        });
        if let Err(core) = request::build_list(&Value::Null, &read.value) {
            issues.extend(core);
        }
        if !issues.is_empty() {
            return Err(validation_error("client options", issues));
        }
        Ok(DailyDialinClient {
            inner: Rc::new(Inner {
                opts: read.value,
                max_retries,
                timeout_ms,
                fetch,
                types: RefCell::new(HashMap::new()),
            }),
        })
    }

    /// Creates a config (`POST /domain-dialin-config`). After an ambiguous failure (timeout,
    /// dropped connection, 5xx) of a config with a phone number, the client looks the number up
    /// and returns the config if the create did happen, so the caller gets exactly one.
    #[wasm_bindgen(unchecked_return_type = "Promise<DialinConfig>")]
    pub fn create(
        &self,
        body: Ts<CreateDialinConfig>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let signal = match signal_of(&opts) {
            Ok(s) => s,
            Err(e) => return rejected(e),
        };
        let read = to_json(&body.into_js_value(), "");
        let built = request::build_create(&read.value, &self.inner.opts);
        let secret = hmac_of(&read.value);
        self.dispatch(
            "create body",
            read.issues,
            built,
            signal,
            Some(read.value),
            secret,
        )
    }

    /// Updates a config (`PUT /domain-dialin-config/:id`) with a partial body.
    #[wasm_bindgen(unchecked_return_type = "Promise<DialinConfig>")]
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        patch: Ts<UpdateDialinConfig>,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateCallOptions")] opts: JsValue,
    ) -> Promise {
        let signal = match signal_of(&opts) {
            Ok(s) => s,
            Err(e) => return rejected(e),
        };
        let typed = options::validate_options(&pick(&opts, &["type"]), true);
        let mut read = to_json(&patch.into_js_value(), "");
        read.absorb(typed.conv);
        let id = match id_of(&id, "update") {
            Ok(id) => id,
            Err(e) => return rejected(e),
        };
        let known = self
            .inner
            .types
            .try_borrow()
            .ok()
            .and_then(|m| m.get(&id).copied());
        let dialin_type = typed.dialin_type.or(known);
        let built = request::build_update(&id, &read.value, dialin_type, &self.inner.opts);
        let secret = hmac_of(&read.value);
        self.dispatch("update", read.issues, built, signal, None, secret)
    }

    fn by_id(
        &self,
        id: JsValue,
        opts: JsValue,
        what: &str,
        build: fn(&str, &RequestOptions) -> Result<Built, Vec<Issue>>,
    ) -> Promise {
        let signal = match signal_of(&opts) {
            Ok(s) => s,
            Err(e) => return rejected(e),
        };
        match id_of(&id, what) {
            Ok(id) => self.dispatch(
                what,
                Vec::new(),
                build(&id, &self.inner.opts),
                signal,
                None,
                None,
            ),
            Err(e) => rejected(e),
        }
    }

    /// Reads one config (`GET /domain-dialin-config/:id`).
    #[wasm_bindgen(unchecked_return_type = "Promise<DialinConfig>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        self.by_id(id, opts, "get", request::build_get)
    }

    /// Deletes a config (`DELETE /domain-dialin-config/:id`). When an attempt failed ambiguously
    /// and the retry answers 404, the config counts as deleted (`reconciled: true`).
    #[wasm_bindgen(js_name = delete, unchecked_return_type = "Promise<DeleteResult>")]
    pub fn delete_config(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        self.by_id(id, opts, "delete", request::build_delete)
    }

    /// Lists one page (`GET /domain-dialin-config?...`).
    #[wasm_bindgen(unchecked_return_type = "Promise<DialinConfigPage>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Promise {
        let signal = match signal_of(&opts) {
            Ok(s) => s,
            Err(e) => return rejected(e),
        };
        let read = to_json(&query, "");
        let built = request::build_list(&read.value, &self.inner.opts);
        self.dispatch("list query", read.issues, built, signal, None, None)
    }

    /// Every config matching `query`, newest first, fetching pages with `starting_after` as the
    /// iteration goes: `for await (const config of client.listAll({ type: "pin_dialin" }))`.
    #[wasm_bindgen(js_name = listAll, unchecked_return_type = "AsyncIterableIterator<DialinConfig>")]
    pub fn list_all(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let signal = signal_of(&opts)?;
        let read = to_json(&query, "");
        let mut issues = read.issues;
        let q = match read.value {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        if q.contains_key("ending_before") {
            issues.push(Issue::error(
                "ending_before",
                code::MUTUALLY_EXCLUSIVE,
                "listAll pages forward with starting_after; use list() to page backwards",
            ));
        }
        if let Err(core) = request::build_list(&Value::Object(q.clone()), &self.inner.opts) {
            issues.extend(core);
        }
        if !issues.is_empty() {
            return Err(validation_error("list query", issues));
        }
        let state = Rc::new(RefCell::new(Pager {
            buffer: VecDeque::new(),
            cursor: None,
            seen: HashSet::new(),
            done: false,
            query: q,
        }));
        let inner = self.inner.clone();
        let next = Closure::<dyn FnMut() -> Promise>::new(move || {
            let (inner, state, signal) = (inner.clone(), state.clone(), signal.clone());
            future_to_promise(async move { Pager::next(&inner, &state, signal).await })
        });
        let iter = js_sys::Object::new();
        Reflect::set(&iter, &"next".into(), &next.into_js_value())?;
        // `[Symbol.asyncIterator]() { return this }` without generating code from a string (a
        // strict Content-Security-Policy forbids that): `Object.prototype.valueOf` returns `this`.
        let return_this = get(&js_sys::Object::new(), "valueOf");
        Reflect::set(&iter, &js_sys::Symbol::async_iterator(), &return_this)?;
        Ok(iter.into())
    }
}

struct Pager {
    buffer: VecDeque<JsValue>,
    cursor: Option<String>,
    /// Every cursor used so far: a server that hands one out again would loop forever.
    seen: HashSet<String>,
    done: bool,
    query: serde_json::Map<String, Value>,
}

impl Pager {
    fn result(value: Option<JsValue>) -> JsValue {
        let out = js_sys::Object::new();
        let done = value.is_none();
        let _ = Reflect::set(&out, &"value".into(), &value.unwrap_or(JsValue::UNDEFINED));
        let _ = Reflect::set(&out, &"done".into(), &done.into());
        out.into()
    }

    async fn next(
        inner: &Rc<Inner>,
        state: &Rc<RefCell<Pager>>,
        signal: Option<AbortSignal>,
    ) -> Result<JsValue, JsValue> {
        let (query, done) = {
            let mut s = state.try_borrow_mut().map_err(|_| {
                make_error(
                    "DailyDialinError",
                    "listAll: next() called again before the previous call settled",
                    &[],
                )
            })?;
            if let Some(v) = s.buffer.pop_front() {
                return Ok(Pager::result(Some(v)));
            }
            let mut q = s.query.clone();
            if let Some(c) = &s.cursor {
                q.insert("starting_after".into(), c.clone().into());
            }
            (q, s.done)
        };
        if done {
            return Ok(Pager::result(None));
        }
        let req = request::build_list(&Value::Object(query), &inner.opts)
            .map_err(|i| validation_error("list query", i))?
            .request;
        let page = inner.send(req, signal, None, None).await?;
        let data: js_sys::Array = get(&page, "data").dyn_into().map_err(|_| {
            make_error(
                "DailyApiError",
                "listAll: a page has no data array",
                &[("kind", "unexpected_response".into())],
            )
        })?;
        let mut s = state
            .try_borrow_mut()
            .map_err(|_| make_error("DailyDialinError", "listAll: concurrent next()", &[]))?;
        s.cursor = data.iter().last().and_then(|c| get(&c, "id").as_string());
        if let Some(c) = s.cursor.clone() {
            if !s.seen.insert(c.clone()) {
                return Err(make_error(
                    "DailyApiError",
                    &format!(
                        "listAll: the server answered a page ending at {c} again (its cursor did not advance), so paging would never end; stopped"
                    ),
                    &[("kind", "unexpected_response".into())],
                ));
            }
        }
        s.done = data.length() == 0 || s.cursor.is_none();
        s.buffer.extend(data.iter());
        Ok(Pager::result(s.buffer.pop_front()))
    }
}
