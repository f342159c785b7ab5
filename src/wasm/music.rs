//! `checkHoldMusic(url, opts)`: the fetch adapter of the hold-music check
//! (docs/daily-api.md#rule-hold-music-online). Every decision is the pure plan's
//! (`crate::hold_music::Check`): this file sends the requests it is given with `fetch`, reads
//! response heads and bodies (a body only up to the limit it is given, cancelling the stream
//! there), and turns the verdict into a plain JS object. The whole check races a deadline, so a
//! `fetch` that ignores its signal or a body that never ends cannot hold it past `timeoutMs`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

use super::deadline::Deadline;
use super::errors::make_error;
use super::issues::{issues_to_js, validation_error};
use super::js;
use super::options;
use super::reading::{fetch_of, get, number_option, pick, signal_of, thrown};
use crate::hold_music::{self, Check, Facts, Head, Next, Options, Outcome, Request, PATH};
use crate::issue::Issue;
use crate::mp3::Limits;
use crate::retry::TIMEOUT_MS_RANGE;
use crate::validate::code;

#[wasm_bindgen(typescript_custom_section)]
const MUSIC_TYPES: &'static str = r#"
/** The part of an `AbortSignal` the check uses (DOM and Node signals fit). */
export interface AbortSignalLike {
    readonly aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of `checkHoldMusic`. */
export interface CheckHoldMusicOptions {
    /** A fetch to use instead of the global one; it gets `redirect: "manual"` (or `"follow"` in browsers after an opaque redirect), maybe a `Range` header, in pages `credentials: "omit"`, and must resolve to a `Response`. */
    fetch?: (url: string, init: { method: "GET"; headers: Record<string, string>; redirect: "manual" | "follow"; credentials?: "omit"; mode?: "no-cors"; signal: AbortSignalLike }) => Promise<any>;
    /** Bound of the whole check, every request and body together, in milliseconds (default 15000). */
    timeoutMs?: number;
    /** Cancels the check: the promise rejects with an `AbortError`. */
    signal?: AbortSignalLike;
    /** The most body bytes read over the whole check (default 10485761: one over Daily's 10 MiB). */
    maxBytes?: number;
    /** Accept localhost, loopback and private hosts, for the URL and every redirect (a local server, the emulator). */
    allowPrivateUrls?: boolean;
}

/** What `checkHoldMusic` learned; the audio fields are `null` when no MPEG audio was found. */
export interface HoldMusicFacts {
    /** The URL the file was read from, after redirects. */
    url: string;
    redirects: number;
    contentType: string | null;
    /** The server answered `Range` requests, so only the bytes needed were read. */
    rangeRequests: boolean;
    /** Body bytes read over the whole check. */
    bytesRead: number;
    /** The file's size in bytes, when known. */
    bytes: number | null;
    /** What a file that is not MP3 looks like: "wav", "html", "mp2", "empty", ... */
    looksLike: string | null;
    /** "MPEG-1 Layer III", "MPEG-2.5 Layer III", ... */
    format: string | null;
    durationSeconds: number | null;
    /** True when frames were counted (by a Xing/VBRI header or one by one), false for an estimate from the bitrate. */
    durationExact: boolean;
    durationFrom: "frames" | "xing" | "vbri" | "bitrate" | null;
    /** The constant bitrate, or the average of a VBR stream. */
    bitrateKbps: number | null;
    vbr: boolean | null;
    sampleRate: number | null;
    channels: number | null;
    mpegVersion: "1" | "2" | "2.5" | null;
    layer: number | null;
    frames: number | null;
}

/** The answer of `checkHoldMusic`: `ok` is false when an issue is an error. */
export interface HoldMusicCheck {
    ok: boolean;
    issues: Issue[];
    /** `null` when no body was read (a refused URL, an unreachable server, an error status). */
    facts: HoldMusicFacts | null;
}
"#;

/// The most `maxBytes` may be: 1 GiB (the check needs 10 MiB + 1; more only costs memory).
const MAX_BYTES_LIMIT: f64 = 1_073_741_824.0;

/// Checks that the file at `url` will play as Daily's hold music: fetches as much of it as the MP3
/// inspector needs (with `Range` when the server allows it), within `maxBytes` and `timeoutMs`,
/// following redirects only to public hosts. Resolves to `{ ok, issues, facts }`; rejects only
/// for bad options (`ValidationError`) and the caller's signal (`AbortError`).
#[wasm_bindgen(js_name = checkHoldMusic, unchecked_return_type = "Promise<HoldMusicCheck>")]
pub fn check_hold_music(
    #[wasm_bindgen(unchecked_param_type = "string | { href: string }")] url: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckHoldMusicOptions")] opts: JsValue,
) -> Promise {
    let read = options::validate_options(&pick(&opts, &["allowPrivateUrls"]), false);
    let mut issues = read.conv.issues;
    let (min, max) = TIMEOUT_MS_RANGE;
    let timeout_ms = number_option(&opts, "timeoutMs", min as f64, max as f64, &mut issues)
        .map_or(hold_music::DEFAULT_TIMEOUT_MS, |n| n as u64);
    let read_cap = number_option(&opts, "maxBytes", 1.0, MAX_BYTES_LIMIT, &mut issues)
        .map_or(hold_music::DEFAULT_READ_CAP, |n| n as u64);
    let fetch = match fetch_of(&opts) {
        Ok(f) => f,
        Err(issue) => {
            issues.push(issue);
            None
        }
    };
    let signal = match signal_of(&opts) {
        Ok(s) => s.map(JsCast::unchecked_into::<AbortSignal>),
        Err(e) => return Promise::reject(&e),
    };
    if !issues.is_empty() {
        return Promise::reject(&validation_error("checkHoldMusic options", &issues));
    }
    let url = match url_of(&url) {
        Ok(u) => u,
        Err(issue) => {
            return Promise::resolve(&outcome_to_js(&Outcome {
                issues: vec![issue],
                facts: None,
            }))
        }
    };
    let global = js_sys::global();
    // Pages and web workers fetch under CORS, where a failure may be a refusal of this page.
    let cors = get(&global, "document").is_object() || get(&global, "importScripts").is_function();
    let opts = Options {
        allow_private_urls: read.value.allow_private_urls,
        read_cap,
        limits: Limits::default(),
        cors,
        timeout_ms,
    };
    let (check, first) = match Check::start(&url, opts) {
        Ok(started) => started,
        Err(outcome) => return Promise::resolve(&outcome_to_js(&outcome)),
    };
    let fetch = match fetch.map_or_else(|| get(&global, "fetch").dyn_into::<Function>(), Ok) {
        Ok(f) => f,
        Err(_) => {
            return Promise::reject(&make_error(
                "DailyDialinError",
                "checkHoldMusic: no global fetch in this runtime; pass the fetch option",
                &[],
            ))
        }
    };
    future_to_promise(run(check, first, fetch, cors, timeout_ms, signal))
}

/// The URL argument: a string, or an object with a string `href` (a `URL`).
fn url_of(url: &JsValue) -> Result<String, Issue> {
    url.as_string()
        .or_else(|| get(url, "href").as_string())
        .ok_or_else(|| {
            Issue::error(
                PATH,
                code::INVALID_TYPE,
                "checkHoldMusic needs the URL of the file, as a string",
            )
        })
}

/// The reader of the body being read, so that the end of the check (a timeout) can cancel it.
type Reading = Rc<RefCell<Option<JsValue>>>;

/// Runs the check against a deadline: `timeoutMs`, or the caller's abort, whichever comes first.
async fn run(
    mut check: Check,
    first: Request,
    fetch: Function,
    cors: bool,
    timeout_ms: u64,
    signal: Option<AbortSignal>,
) -> Result<JsValue, JsValue> {
    let aborted = || make_error("AbortError", "checkHoldMusic: aborted by the caller", &[]);
    if signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(aborted());
    }
    let mut deadline = Deadline::new(timeout_ms as f64, signal.as_ref()).map_err(|e| {
        make_error(
            "DailyDialinError",
            &format!("checkHoldMusic: {}", js_message(&e)),
            &[],
        )
    })?;
    let reading: Reading = Rc::new(RefCell::new(None));
    let fetch_signal = deadline.signal();
    let outcome = deadline
        .race(drive(
            &mut check,
            first,
            &fetch,
            cors,
            &fetch_signal,
            &reading,
        ))
        .await;
    let timed_out = deadline.timed_out();
    drop(deadline);
    // A body still being read (a fetch that ignored the abort) is cancelled, not left running.
    if let Some(reader) = reading.try_borrow_mut().ok().and_then(|mut r| r.take()) {
        cancel(&reader);
    }
    // Aborting the requests makes them fail at once, so the work may end before the deadline is
    // polled: the flags, not the order, say why the check ended.
    match outcome {
        _ if timed_out => Ok(outcome_to_js(&check.timed_out())),
        _ if signal.as_ref().is_some_and(AbortSignal::aborted) => Err(aborted()),
        Some(o) => Ok(outcome_to_js(&o)),
        // The deadline resolved for neither reason: not reachable, but never hang or panic.
        None => Ok(outcome_to_js(&check.timed_out())),
    }
}

/// Sends each request the plan gives, until its verdict.
async fn drive(
    check: &mut Check,
    first: Request,
    fetch: &Function,
    cors: bool,
    signal: &AbortSignal,
    reading: &Reading,
) -> Outcome {
    let mut req = first;
    loop {
        let next = match send(fetch, &req, cors, signal).await {
            Err(message) => check.on_error(&message),
            Ok(resp) => match check.on_response(&head(&resp, &req.url)) {
                Next::Read { limit } => match read_body(&resp, limit, reading).await {
                    Ok((bytes, ended)) => check.on_body(&bytes, ended),
                    Err(message) => return check.on_body_error(&message),
                },
                other => {
                    // An answer whose body is not needed (a redirect, an error): let it go.
                    let body = get(&resp, "body");
                    if body.is_object() {
                        cancel(&body);
                    }
                    other
                }
            },
        };
        match next {
            Next::Fetch(r) => req = r,
            Next::Done(o) => return o,
            // The plan asks to read only right after a head.
            Next::Read { .. } => return check.on_body_error("the check lost its place"),
        }
    }
}

fn set(o: &JsValue, k: &str, v: &JsValue) {
    let _ = js::set(o, &JsValue::from_str(k), v);
}

/// `fetch(url, init)`; `Err` is what fetch said when it failed.
async fn send(
    fetch: &Function,
    req: &Request,
    cors: bool,
    signal: &AbortSignal,
) -> Result<JsValue, String> {
    let headers = js::object(&[]);
    if let Some(range) = &req.range {
        set(&headers, "Range", &JsValue::from_str(range));
    }
    let init = js::object(&[
        ("method", JsValue::from_str("GET")),
        ("headers", headers),
        (
            "redirect",
            JsValue::from_str(if req.follow { "follow" } else { "manual" }),
        ),
        ("signal", signal.into()),
    ]);
    if cors {
        // Daily fetches the file without cookies: so does a page, so that a file only a signed-in
        // page can read is not taken for a public one. (Servers have no cookie jar, and some
        // runtimes refuse the field: it is set in pages only.)
        set(&init, "credentials", &JsValue::from_str("omit"));
    }
    if req.no_cors {
        set(&init, "mode", &JsValue::from_str("no-cors"));
    }
    let promise = fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
        .map_err(|e| js_message(&e))?;
    let promise: Promise = promise
        .dyn_into()
        .map_err(|_| "fetch did not return a Promise".to_string())?;
    let resp = JsFuture::from(promise).await.map_err(|e| js_message(&e))?;
    if resp.is_object() {
        Ok(resp)
    } else {
        Err("fetch did not resolve to a Response".to_string())
    }
}

/// What the plan needs of a response: status, type, URL and the headers it reads.
fn head(resp: &JsValue, url: &str) -> Head {
    let headers = get(resp, "headers");
    let header = |name: &str| -> Option<String> {
        let f = get(&headers, "get").dyn_into::<Function>().ok()?;
        f.call1(&headers, &JsValue::from_str(name))
            .ok()?
            .as_string()
    };
    let status = get(resp, "status").as_f64().unwrap_or(0.0);
    Head {
        status: if (0.0..=999.0).contains(&status) {
            status as u16
        } else {
            0
        },
        opaque_redirect: get(resp, "type").as_string().as_deref() == Some("opaqueredirect"),
        url: get(resp, "url").as_string(),
        redirected: get(resp, "redirected").as_bool() == Some(true),
        // Resolved as fetch would resolve it: the WHATWG parser, against the URL requested.
        location: header("location").map(|l| resolve(&l, url).unwrap_or(l)),
        content_type: header("content-type"),
        content_range: header("content-range"),
        content_length: header("content-length"),
    }
}

/// `new URL(location, base).href`, or `None` when it does not parse.
fn resolve(location: &str, base: &str) -> Option<String> {
    let ctor = get(&js_sys::global(), "URL");
    let args = js_sys::Array::of2(&JsValue::from_str(location), &JsValue::from_str(base));
    let u = js::construct(&ctor, &args).ok()?;
    get(&u, "href").as_string()
}

/// `thing.cancel()` (a stream or its reader), its rejection ignored.
fn cancel(thing: &JsValue) {
    let Ok(f) = get(thing, "cancel").dyn_into::<Function>() else {
        return;
    };
    let Ok(p) = f.call0(thing) else {
        return;
    };
    // `Boolean` as the rejection handler: a built-in that never throws, so no rejection goes
    // unhandled and no closure is left waiting for one that never comes.
    if let Ok(catch) = get(&p, "catch").dyn_into::<Function>() {
        let _ = catch.call1(&p, &get(&js_sys::global(), "Boolean"));
    }
}

/// Reads at most `limit` bytes of the body; the flag says whether the stream ended before the
/// limit (so these are all of its bytes). A stream with more is cancelled at the limit.
async fn read_body(
    resp: &JsValue,
    limit: u64,
    reading: &Reading,
) -> Result<(Vec<u8>, bool), String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let body = get(resp, "body");
    let failed = |e: JsValue| js_message(&e);
    let reader = if body.is_object() {
        let get_reader = get(&body, "getReader")
            .dyn_into::<Function>()
            .map_err(|_| "the response body is not a stream".to_string())?;
        get_reader.call0(&body).map_err(failed)?
    } else {
        // No body (204, a HEAD-like answer, a minimal custom Response): its bytes, if any.
        return match get(resp, "arrayBuffer").dyn_into::<Function>() {
            Ok(f) => {
                let p: Promise = f.call0(resp).map_err(failed)?.unchecked_into();
                let buf = JsFuture::from(p).await.map_err(failed)?;
                let bytes = Uint8Array::new(&buf);
                let n = bytes.length() as usize;
                let take = n.min(limit);
                let mut out = Vec::new();
                copy_into(&mut out, &bytes, take);
                Ok((out, take == n))
            }
            Err(_) => Ok((Vec::new(), true)),
        };
    };
    if let Ok(mut slot) = reading.try_borrow_mut() {
        *slot = Some(reader.clone());
    }
    let read = get(&reader, "read")
        .dyn_into::<Function>()
        .map_err(|_| "the response body has no reader".to_string())?;
    let mut out: Vec<u8> = Vec::new();
    let result = loop {
        if out.len() >= limit {
            cancel(&reader);
            break Ok((out, false));
        }
        let step = match read.call0(&reader).map(|p| p.dyn_into::<Promise>()) {
            Ok(Ok(p)) => JsFuture::from(p).await.map_err(failed),
            _ => Err("reading the body failed".to_string()),
        };
        let step = match step {
            Ok(s) => s,
            Err(e) => break Err(e),
        };
        if get(&step, "done").as_bool() == Some(true) {
            break Ok((out, true));
        }
        let Ok(chunk) = get(&step, "value").dyn_into::<Uint8Array>() else {
            cancel(&reader);
            break Err("the response body is not bytes".to_string());
        };
        let n = chunk.length() as usize;
        let take = n.min(limit - out.len());
        copy_into(&mut out, &chunk, take);
        if take < n {
            cancel(&reader);
            break Ok((out, false));
        }
    };
    if let Ok(mut slot) = reading.try_borrow_mut() {
        *slot = None;
    }
    result
}

/// Appends the first `take` bytes of `chunk` to `out`, written straight into this module's memory
/// through a view (not `to_vec`/`copy_to`, whose `assert_eq!` brings panic formatting along; see
/// `random::fill_random`).
fn copy_into(out: &mut Vec<u8>, chunk: &Uint8Array, take: usize) {
    let start = out.len();
    out.resize(start + take, 0);
    if let Some(dest) = out.get_mut(start..) {
        // SAFETY: the view covers exactly `dest`, which stays borrowed while the view lives, and
        // is used only for `set`, which runs no wasm code: the memory cannot grow (and detach
        // the view) meanwhile.
        let view = unsafe { Uint8Array::view_mut_raw(dest.as_mut_ptr(), dest.len()) };
        view.set(&chunk.subarray(0, take as u32), 0);
    }
}

fn opt_f64(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

fn opt_str(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

fn facts_to_js(f: &Facts) -> JsValue {
    let a = f.audio.as_ref();
    let format = a.map(|a| {
        let layer = match a.layer {
            1 => "I",
            2 => "II",
            _ => "III",
        };
        format!("MPEG-{} Layer {layer}", a.mpeg_version.as_str())
    });
    js::object(&[
        ("url", JsValue::from_str(&f.url)),
        ("redirects", f.redirects.into()),
        ("contentType", opt_str(f.content_type.as_deref())),
        ("rangeRequests", f.range_requests.into()),
        ("bytesRead", JsValue::from_f64(f.bytes_read as f64)),
        ("bytes", opt_f64(f.bytes.map(|b| b as f64))),
        ("looksLike", opt_str(f.looks_like)),
        ("format", opt_str(format.as_deref())),
        (
            "durationSeconds",
            opt_f64(a.and_then(|a| a.duration_seconds)),
        ),
        (
            "durationExact",
            a.is_some_and(|a| a.duration_exact && a.duration_seconds.is_some())
                .into(),
        ),
        (
            "durationFrom",
            opt_str(a.and_then(|a| a.duration_from).map(|d| d.as_str())),
        ),
        ("bitrateKbps", opt_f64(a.map(|a| f64::from(a.bitrate_kbps)))),
        ("vbr", a.map_or(JsValue::NULL, |a| a.vbr.into())),
        ("sampleRate", opt_f64(a.map(|a| f64::from(a.sample_rate)))),
        ("channels", opt_f64(a.map(|a| f64::from(a.channels)))),
        ("mpegVersion", opt_str(a.map(|a| a.mpeg_version.as_str()))),
        ("layer", opt_f64(a.map(|a| f64::from(a.layer)))),
        (
            "frames",
            opt_f64(a.and_then(|a| a.frames).map(|n| n as f64)),
        ),
    ])
}

fn outcome_to_js(o: &Outcome) -> JsValue {
    js::object(&[
        ("ok", o.ok().into()),
        ("issues", issues_to_js(&o.issues)),
        (
            "facts",
            o.facts.as_deref().map_or(JsValue::NULL, facts_to_js),
        ),
    ])
}

/// The message of something `fetch` or a body stream threw (`crate::client::thrown_message`).
fn js_message(e: &JsValue) -> String {
    let (message, code) = thrown(e);
    crate::client::thrown_message(message.as_deref(), code.as_deref())
}
