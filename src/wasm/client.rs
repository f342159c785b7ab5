//! `DailyDialinClient`'s decisions, for its I/O in JavaScript (`pkg-template/client.js`, which
//! calls `fetch(url, init)`, runs the timers and reads the answers). Each export reads what the
//! JS saw, calls the pure core (`request`, `retry`, `client`) and converts the answer:
//! - `create`, `update`, `get`, `delete`, `list`: the request to send, or a `ValidationError`;
//! - `failed`: what follows a failed attempt (wait and retry, look an ambiguous create up, succeed
//!   as a reconciled delete, or the error to throw); `afterLookup`: the same after that lookup;
//! - `page`: `listAll`'s paging.
//!
//! Per attempt the JS crosses into wasm once to build the request and, only after a failure, once
//! to decide; a success costs no crossing after `fetch`. The API key stays in wasm memory
//! (`__ClientCore`), and the JS class keeps this object in a private field.

#[allow(unused_imports)]
use crate::prelude::*;

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{read_id, to_json};
use super::core::request_to_js;
use super::errors::make_error;
use super::issues::validation_error;
use super::js;
use super::options;
use super::reading::{fetch_of, get, number_option, pick, signal_of, text, thrown};
use crate::client::{self as decide, Context, ErrorReport, Fail, Field, Pager, Progress, Step};
use crate::issue::Issue;
use crate::model::DialinType;
use crate::request::{self, Built, Refused, RequestOptions};
use crate::retry::{self, Method};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    fn math_random() -> f64;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// The client's options, as read and checked once (the API key among them).
#[wasm_bindgen(js_name = __ClientCore, skip_typescript)]
pub struct ClientCore {
    opts: RequestOptions,
    max_retries: u32,
    timeout_ms: u64,
    fetch: Option<js_sys::Function>,
}

/// A thrown error, from the core's report.
fn to_error(r: &ErrorReport) -> JsValue {
    let fields: Vec<(&str, JsValue)> = r
        .fields
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Field::Text(s) => JsValue::from_str(s),
                Field::Number(n) => JsValue::from_f64(*n),
                Field::Flag(b) => JsValue::from_bool(*b),
            };
            (*k, v)
        })
        .collect();
    make_error(r.class, &r.message, &fields)
}

/// The request (`{ method, url, headers, body? }`, as the builders return it) with the call's
/// signal, or the `ValidationError` of every issue read and found.
fn finish(
    what: &str,
    read_issues: Vec<Issue>,
    built: Result<Built, Refused>,
    signal: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    match built {
        Ok(b) if read_issues.is_empty() => {
            let req = request_to_js(&b.request);
            if let Some(s) = signal {
                let _ = js::set(&req, &JsValue::from_str("signal"), &s);
            }
            Ok(req)
        }
        Ok(b) => Err(validation_error(
            what,
            &read_issues.into_iter().chain(b.warnings).collect::<Vec<_>>(),
        )),
        Err(core) => Err(validation_error(
            what,
            &read_issues.into_iter().chain(core).collect::<Vec<_>>(),
        )),
    }
}

/// Reads an id argument; one that is not a string is refused with a `ValidationError`.
fn id_of(id: &JsValue, what: &str) -> Result<String, JsValue> {
    read_id(id).map_err(|issue| validation_error(what, &[issue]))
}

/// What an attempt's failure (a `Failed` of client.js: `kind`, `error`, `response`, `text`,
/// `retryAfter`) says, read once into owned strings.
struct Seen {
    kind: String,
    status: Option<u16>,
    retry_after: Option<String>,
    text: String,
    message: Option<String>,
    code: Option<String>,
    error: Option<String>,
    info: Option<String>,
    responded: bool,
}

impl Seen {
    fn read(f: &JsValue) -> Seen {
        let kind = text(f, "kind").unwrap_or_default();
        let response = get(f, "response");
        // An HTTP status: a whole number from 100 to 599.
        let status = get(&response, "status")
            .as_f64()
            .filter(|s| (100.0..=599.0).contains(s) && (*s as u16) as f64 == *s)
            .map(|s| s as u16);
        let body = text(f, "text").unwrap_or_default();
        // Daily's error fields; JSON.parse rather than serde_json: the module then carries no
        // JSON parser.
        let parsed = if kind == "status" {
            js::json_parse(&body).ok().filter(JsValue::is_object)
        } else {
            None
        };
        let (message, code) = thrown(&get(f, "error"));
        Seen {
            status,
            retry_after: text(f, "retryAfter"),
            error: parsed.as_ref().and_then(|p| text(p, "error")),
            info: parsed.as_ref().and_then(|p| text(p, "info")),
            text: body,
            message,
            code,
            responded: response.is_object(),
            kind,
        }
    }

    fn fail(&self) -> Fail<'_> {
        let (message, code) = (self.message.as_deref(), self.code.as_deref());
        match self.kind.as_str() {
            // A status that a `Response` whose `ok` is false cannot have: not a `Response`.
            "status" => match self.status {
                Some(status) if !(200..300).contains(&status) => Fail::Status {
                    status,
                    retry_after: self.retry_after.as_deref(),
                    body: &self.text,
                    error: self.error.as_deref(),
                    info: self.info.as_deref(),
                },
                _ => Fail::NotResponse,
            },
            "unsent" => Fail::Fetch {
                message,
                code,
                synchronous: true,
            },
            "fetch" => Fail::Fetch {
                message,
                code,
                synchronous: false,
            },
            "body" if self.responded => Fail::Body { message, code },
            "body" => Fail::NotResponse,
            "json" => Fail::NotJson,
            "aborted" => Fail::Aborted,
            _ => Fail::Timeout,
        }
    }
}

/// The request a decision is about, as `create` & co. returned it.
struct Sent {
    method: String,
    url: String,
    /// The body, read back as JSON (for its `hmac` and a create's lookup).
    body: Option<Value>,
    signal: JsValue,
}

impl Sent {
    fn read(req: &JsValue) -> Sent {
        let body = text(req, "body")
            .and_then(|b| js::json_parse(&b).ok())
            .map(|b| to_json(&b, "").value);
        Sent {
            method: text(req, "method").unwrap_or_default(),
            url: text(req, "url").unwrap_or_default(),
            body,
            signal: get(req, "signal"),
        }
    }
}

/// A plain object for client.js: the decision's fields and the progress of the call.
fn decision(props: &[(&str, JsValue)], progress: Progress) -> JsValue {
    let out = js::object(props);
    let _ = js::set(&out, &"retries".into(), &progress.retries.into());
    let _ = js::set(&out, &"ambiguous".into(), &progress.ambiguous.into());
    out
}

impl ClientCore {
    fn context<'a>(&'a self, sent: &'a Sent, retries: u32) -> Context<'a> {
        Context {
            method: &sent.method,
            url: &sent.url,
            attempts: retries.saturating_add(1),
            timeout_ms: self.timeout_ms,
            api_key: &self.opts.api_key,
            hmac: sent.body.as_ref().and_then(decide::hmac_of),
        }
    }

    fn fail_with(&self, sent: &Sent, retries: u32, fail: &Fail, maybe_applied: Option<bool>) -> JsValue {
        let error = to_error(&decide::error(&self.context(sent, retries), fail, maybe_applied));
        js::object(&[("error", error)])
    }

    fn by_id(
        &self,
        id: &JsValue,
        opts: &JsValue,
        what: &str,
        build: fn(&str, &RequestOptions) -> Result<Built, Refused>,
    ) -> Result<JsValue, JsValue> {
        let signal = signal_of(opts)?;
        let id = id_of(id, what)?;
        finish(what, Vec::new(), build(&id, &self.opts), signal)
    }
}

#[wasm_bindgen(js_class = __ClientCore)]
impl ClientCore {
    /// Reads and checks the client's options; throws a `ValidationError` listing every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> Result<ClientCore, JsValue> {
        // The shared reader checks apiKey / baseUrl / allowPrivateUrls; the client's own options
        // (a fetch function among them) are read here.
        let read = options::request_options(
            &pick(&opts, &["apiKey", "baseUrl", "allowPrivateUrls"]),
            false,
        );
        let mut issues = read.conv.issues;
        let (min, max) = retry::MAX_RETRIES_RANGE;
        let max_retries = number_option(&opts, "maxRetries", min.into(), max.into(), &mut issues)
            .map_or(retry::DEFAULT_MAX_RETRIES, |n| n as u32);
        let (min, max) = retry::TIMEOUT_MS_RANGE;
        let timeout_ms = number_option(&opts, "timeoutMs", min as f64, max as f64, &mut issues)
            .map_or(retry::DEFAULT_TIMEOUT_MS, |n| n as u64);
        let fetch = fetch_of(&opts).unwrap_or_else(|issue| {
            issues.push(issue);
            None
        });
        if let Err(core) = request::build_list(&Value::Null, &read.value) {
            issues.extend(core);
        }
        if !issues.is_empty() {
            return Err(validation_error("client options", &issues));
        }
        Ok(ClientCore {
            opts: read.value,
            max_retries,
            timeout_ms,
            fetch,
        })
    }

    /// The request of one call (`op`: `create`, `update`, `get`, `delete`, `list`, or `pages` for
    /// `listAll`'s first page; `a`, `b`, `c` the call's arguments, `known` the type the client saw
    /// for an update's id), with the call's signal; throws a `ValidationError`. And `page`, the
    /// next step of `listAll` ([`ClientCore::page`]: `a` query, `b` options, `c` the page, `known`
    /// the cursors seen), and `settings` (`[fetch, timeoutMs]`). One export for them all: each export costs the module its own glue.
    pub fn request(
        &self,
        op: &str,
        a: JsValue,
        b: JsValue,
        c: JsValue,
        known: JsValue,
    ) -> Result<JsValue, JsValue> {
        match op {
            "page" => self.page(&a, &b, &c, &known),
            // The `fetch` option (or `undefined`: the global `fetch`, looked up at each attempt)
            // and the per-attempt timeout, as `[fetch, timeoutMs]`.
            "settings" => {
                let fetch = self.fetch.clone().map_or(JsValue::UNDEFINED, Into::into);
                Ok(js_sys::Array::of2(&fetch, &(self.timeout_ms as f64).into()).into())
            }
            "create" => {
                let signal = signal_of(&b)?;
                let read = to_json(&a, "");
                let built = request::build_create(&read.value, &self.opts);
                finish("create body", read.issues, built, signal)
            }
            "update" => {
                let signal = signal_of(&c)?;
                let typed = options::validate_options(&pick(&c, &["type"]), true);
                let mut read = to_json(&b, "");
                read.absorb(typed.conv);
                let id = id_of(&a, "update")?;
                let dialin_type = typed
                    .dialin_type
                    .or_else(|| known.as_string().as_deref().and_then(DialinType::parse));
                let built = request::build_update(&id, &read.value, dialin_type, &self.opts);
                finish("update", read.issues, built, signal)
            }
            "get" => self.by_id(&a, &b, "get", request::build_get),
            "delete" => self.by_id(&a, &b, "delete", request::build_delete),
            // listAll's first page.
            "pages" => {
                let signal = signal_of(&b)?;
                let pager = self.pager(&a)?;
                let query = pager.next_query().unwrap_or(&Value::Null);
                finish("list query", Vec::new(), request::build_list(query, &self.opts), signal)
            }
            _ => {
                let signal = signal_of(&b)?;
                let read = to_json(&a, "");
                let built = request::build_list(&read.value, &self.opts);
                finish("list query", read.issues, built, signal)
            }
        }
    }

    /// After the failed attempt `f` of `req` (`retries` retries made before it): `{ delay }` (wait,
    /// then send again), `{ lookup, thenRetry }` (an ambiguous create: send `lookup`, then ask
    /// again with this answer as `looked_up` and the listing as `page`, `undefined` when the
    /// lookup failed), `{ value }` (the call's result) or `{ error }`; with the progress
    /// (`retries`, `ambiguous`) of the next attempt.
    pub fn failed(
        &self,
        req: JsValue,
        f: JsValue,
        retries: u32,
        ambiguous: bool,
        looked_up: JsValue,
        page: JsValue,
    ) -> JsValue {
        if !looked_up.is_undefined() {
            return self.after_lookup(req, f, retries, looked_up, page);
        }
        let sent = Sent::read(&req);
        let seen = Seen::read(&f);
        let fail = seen.fail();
        let method = Method::parse(&sent.method).unwrap_or(Method::Get);
        let (step, next) = decide::after_failure(
            self.max_retries,
            method,
            sent.body.as_ref(),
            Progress { retries, ambiguous },
            &fail,
            math_random(),
            date_now(),
        );
        match step {
            Step::Wait { delay_ms } => decision(&[("delay", (delay_ms as f64).into())], next),
            Step::Deleted => {
                let value = js::object(&[("status", "deleted".into()), ("reconciled", true.into())]);
                decision(&[("value", value)], next)
            }
            Step::LookUp { query, then_retry } => {
                let Ok(lookup) = request::build_list(&query, &self.opts)
                    .map_err(|_| ())
                    .and_then(|b| finish("", Vec::new(), Ok(b), Some(sent.signal.clone())).map_err(|_| ()))
                else {
                    return self.fail_with(&sent, retries, &fail, Some(true));
                };
                let then = then_retry.map_or(JsValue::UNDEFINED, |d| (d as f64).into());
                decision(&[("lookup", lookup), ("thenRetry", then)], next)
            }
            Step::Fail { maybe_applied } => self.fail_with(&sent, retries, &fail, maybe_applied),
        }
    }

}

impl ClientCore {
    /// After the lookup of an ambiguous create (`d` is `failed`'s answer; `page` the listing, or
    /// `undefined` when it failed): `{ value }` (the config the create made), `{ delay }` (it was
    /// not made: send it again) or `{ error }`.
    fn after_lookup(&self, req: JsValue, f: JsValue, retries: u32, d: JsValue, page: JsValue) -> JsValue {
        let sent = Sent::read(&req);
        let seen = Seen::read(&f);
        let fail = seen.fail();
        if get(&sent.signal, "aborted").as_bool() == Some(true) {
            return self.fail_with(&sent, retries, &Fail::Aborted, None);
        }
        let data = get(&page, "data");
        let (found, config) = match (&sent.body, js::is_array(&data)) {
            (Some(body), Ok(true)) => {
                let data: js_sys::Array = data.unchecked_into();
                let config = data
                    .iter()
                    .find(|item| retry::is_created_from(body, &to_json(item, "").value));
                match config {
                    Some(c) => (retry::Lookup::Created, Some(c)),
                    None => (retry::Lookup::Absent, None),
                }
            }
            _ => (retry::Lookup::Unknown, None),
        };
        let then_retry = get(&d, "thenRetry").as_f64().map(|n| n as u64);
        let next = Progress {
            retries: get(&d, "retries").as_f64().map_or(retries, |n| n as u32),
            ambiguous: get(&d, "ambiguous").as_bool().unwrap_or(true),
        };
        match (retry::after_lookup(found, then_retry), config) {
            (retry::AfterLookup::UseFound, Some(config)) => decision(&[("value", config)], next),
            (retry::AfterLookup::Retry { delay_ms }, _) => {
                decision(&[("delay", (delay_ms as f64).into())], next)
            }
            (retry::AfterLookup::Fail { maybe_applied }, _) => {
                self.fail_with(&sent, retries, &fail, Some(maybe_applied))
            }
            // Not reached: only a lookup that found the config says Created.
            (retry::AfterLookup::UseFound, None) => self.fail_with(&sent, retries, &fail, Some(true)),
        }
    }

}

impl ClientCore {
    /// `listAll`'s next step (docs/daily-api.md#sending): after `page` (the answer to the request
    /// for the page after the cursors `seen`), `[configs, cursor, request]`: the page's configs,
    /// its cursor (to add to `seen`) and the request of the next page (`undefined` at the end).
    /// Throws a `DailyApiError` when the page has no `data` array or repeats a cursor. The
    /// listing's state is `seen`, kept by the JS: no object of this module to free.
    fn page(
        &self,
        query: &JsValue,
        opts: &JsValue,
        page: &JsValue,
        seen: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let signal = signal_of(opts)?;
        let mut pager = self.pager(query)?;
        let seen: js_sys::Array = seen.clone().unchecked_into();
        pager.resume(seen.iter().filter_map(|c| c.as_string()).collect());
        let data = get(page, "data");
        let data = match js::is_array(&data) {
            Ok(true) => Some(data.unchecked_into::<js_sys::Array>()),
            _ => None,
        };
        let last_id = data
            .as_ref()
            .and_then(|d| d.length().checked_sub(1).map(|i| d.get(i)))
            .and_then(|c| text(&c, "id"));
        let cursor = pager
            .page(data.as_ref().map(js_sys::Array::length), last_id.as_deref())
            .map_err(|report| to_error(&report))?;
        let next = match pager.next_query() {
            Some(q) => finish("list query", Vec::new(), request::build_list(q, &self.opts), signal)?,
            None => JsValue::UNDEFINED,
        };
        Ok(js_sys::Array::of3(
            &data.map_or(JsValue::UNDEFINED, Into::into),
            &cursor.map_or(JsValue::UNDEFINED, |c| JsValue::from_str(&c)),
            &next,
        )
        .into())
    }
}

impl ClientCore {
    /// `listAll`'s paging over `query`, checked: a `ValidationError` when it is refused.
    fn pager(&self, query: &JsValue) -> Result<Pager, JsValue> {
        let read = to_json(query, "");
        let mut issues = read.issues;
        match Pager::start(read.value, &self.opts) {
            Ok(pager) if issues.is_empty() => Ok(pager),
            Ok(_) => Err(validation_error("list query", &issues)),
            Err(core) => {
                issues.extend(core);
                Err(validation_error("list query", &issues))
            }
        }
    }
}
