//! The decisions of `DailyDialinClient` besides the retry policy itself ([`crate::retry`]): what
//! follows a failed attempt ([`after_failure`]), what the error of a failed call says
//! ([`error`]: class, message and fields, every string scrubbed of the API key and the body's
//! `hmac`), the path an error names ([`url_path`]) and `listAll`'s paging ([`Pager`])
//! (docs/daily-api.md#sending).
//!
//! The client's I/O is JavaScript (`pkg-template/client.js`: `fetch`, timers, reading the
//! answer); `src/wasm/client.rs` reads what it saw, calls these and converts the answers.

#[allow(unused_imports)]
use crate::prelude::*;

use serde_json::{Map, Value};

use crate::issue::Issue;
use crate::redact::redact;
use crate::request::{self, RequestOptions};
use crate::retry::{self, Failure, Method, Next};
use crate::text::cat;
use crate::validate::code;

/// The `kind` of a `DailyApiError` whose answer was not what the API answers.
pub const UNEXPECTED: &str = "unexpected_response";

/// How an attempt ended without a usable answer, as the I/O layer saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fail<'a> {
    /// The server answered with a status outside 2xx. `error` and `info` are the string fields of
    /// the body, when it is a JSON object.
    Status {
        status: u16,
        retry_after: Option<&'a str>,
        body: &'a str,
        error: Option<&'a str>,
        info: Option<&'a str>,
    },
    /// `fetch` threw or rejected with an error saying `message` (and `cause.code`, Node's).
    /// `synchronous`: it threw when called, before any request was made.
    Fetch {
        message: Option<&'a str>,
        code: Option<&'a str>,
        synchronous: bool,
    },
    /// The answer's head came, but reading its body failed.
    Body {
        message: Option<&'a str>,
        code: Option<&'a str>,
    },
    /// `fetch` resolved to something without an HTTP status: not a `Response`.
    NotResponse,
    /// A 2xx answer whose body is not JSON.
    NotJson,
    /// The per-attempt timeout (`timeoutMs`) ended the attempt.
    Timeout,
    /// The caller's signal aborted the call.
    Aborted,
}

impl Fail<'_> {
    /// The failure as the retry policy sees it; `None` for what is never retried (a 2xx that is
    /// not JSON, an abort).
    pub fn failure(&self) -> Option<Failure<'_>> {
        Some(match *self {
            Fail::Status {
                status,
                retry_after,
                ..
            } => Failure::Status {
                status,
                retry_after,
            },
            Fail::Fetch {
                synchronous: true, ..
            } => Failure::NotSent,
            Fail::Fetch { code, .. } if retry::never_sent(code.unwrap_or_default()) => {
                Failure::NotSent
            }
            Fail::Fetch { .. } | Fail::Body { .. } | Fail::NotResponse => Failure::Network,
            Fail::Timeout => Failure::Timeout,
            Fail::NotJson | Fail::Aborted => return None,
        })
    }
}

/// The message of an error that `fetch` (or a body stream) threw: its `message`, and Node's
/// `cause.code` in parentheses.
pub fn thrown_message(message: Option<&str>, code: Option<&str>) -> String {
    let message = message.unwrap_or("fetch failed");
    match code {
        Some(code) => cat!(message, " (", code, ")"),
        None => message.to_string(),
    }
}

/// The path of a request URL (`/v1/domain-dialin-config/...`), as errors name it; `/` when the
/// URL has none.
pub fn url_path(url: &str) -> &str {
    // Bytes, not `split_once("://")`: a string pattern brings core's substring searcher and its
    // panic formatting (char Debug, Unicode printable tables) into the no_std main module.
    url.as_bytes()
        .windows(3)
        .position(|w| w == b"://")
        .and_then(|i| url.get(i + 3..))
        .and_then(|rest| rest.find('/').and_then(|i| rest.get(i..)))
        .unwrap_or("/")
}

/// The `hmac` of a create or update body: a secret that errors must not show.
pub fn hmac_of(body: &Value) -> Option<&str> {
    body.get("hmac").and_then(Value::as_str)
}

/// What the client does after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Wait `delay_ms`, then send the request again.
    Wait { delay_ms: u64 },
    /// An ambiguous create: list the configs with this query (its phone number) first, then
    /// decide with [`retry::after_lookup`] and `then_retry`.
    LookUp {
        query: Value,
        then_retry: Option<u64>,
    },
    /// A DELETE that an earlier attempt did (docs/daily-api.md#send-delete-404): the call succeeds
    /// with `{ status: "deleted", reconciled: true }`.
    Deleted,
    /// Stop with this attempt's error; `maybe_applied` when the policy knows it.
    Fail { maybe_applied: Option<bool> },
}

/// What one failed call has been through so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Retries already made.
    pub retries: u32,
    /// Whether an earlier attempt failed ambiguously (it may have been applied).
    pub ambiguous: bool,
}

/// Decides what follows the failed attempt `fail` of a request with `method` and `body` (the
/// create's body, for the lookup of an ambiguous create). Returns the step and the progress for the
/// next attempt. `jitter` in `[0, 1)` and `now_ms` (Unix ms) feed [`retry::next`].
pub fn after_failure(
    max_retries: u32,
    method: Method,
    body: Option<&Value>,
    progress: Progress,
    fail: &Fail,
    jitter: f64,
    now_ms: f64,
) -> (Step, Progress) {
    let Some(failure) = fail.failure() else {
        return (
            Step::Fail {
                maybe_applied: None,
            },
            progress,
        );
    };
    if retry::deleted_by_earlier_attempt(method, progress.ambiguous, &failure) {
        return (Step::Deleted, progress);
    }
    let next = Progress {
        retries: progress.retries + 1,
        ambiguous: progress.ambiguous || failure.ambiguous(),
    };
    let step = match retry::next(
        max_retries,
        method,
        progress.retries,
        failure,
        jitter,
        now_ms,
    ) {
        Next::Retry { delay_ms } => Step::Wait { delay_ms },
        Next::Reconcile { then_retry } => {
            match body.and_then(|b| b.get("phone_number")).and_then(Value::as_str) {
                Some(phone) => {
                    let mut query = Map::new();
                    query.insert("phone_number".into(), phone.into());
                    Step::LookUp {
                        query: Value::Object(query),
                        then_retry,
                    }
                }
                // No number to look the config up by: the outcome stays unknown.
                None => match retry::after_lookup(retry::Lookup::Unknown, then_retry) {
                    retry::AfterLookup::Fail { maybe_applied } => Step::Fail {
                        maybe_applied: Some(maybe_applied),
                    },
                    _ => Step::Fail {
                        maybe_applied: Some(true),
                    },
                },
            }
        }
        Next::GiveUp => Step::Fail {
            maybe_applied: None,
        },
    };
    (step, next)
}

/// A field of an error, as JS gets it.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Text(String),
    Number(f64),
    Flag(bool),
}

/// A thrown error: its class (in errors.js), message and fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorReport {
    pub class: &'static str,
    pub message: String,
    pub fields: Vec<(&'static str, Field)>,
}

/// The request an error is about, and the secrets it must not show.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub method: &'a str,
    pub url: &'a str,
    /// Attempts made, the failed one included.
    pub attempts: u32,
    pub timeout_ms: u64,
    pub api_key: &'a str,
    /// The body's `hmac`, if any.
    pub hmac: Option<&'a str>,
}

impl Context<'_> {
    /// Removes the API key and the body's `hmac` from `text`, in any encoding ([`redact`]).
    fn scrub(&self, text: &str) -> String {
        // (`redact` skips an empty secret, so no `hmac` is the same as none.)
        redact(text, &[self.api_key, self.hmac.unwrap_or_default()])
    }
}

/// The error of a call whose attempt failed with `fail`. Every string is scrubbed, the client's
/// own words included: with a very short key they could spell it.
pub fn error(ctx: &Context, fail: &Fail, maybe_applied: Option<bool>) -> ErrorReport {
    let path = ctx.scrub(url_path(ctx.url));
    let what = cat!(ctx.method, " ", &path);
    let text = |s: &str| Field::Text(s.to_string());
    let mut fields = vec![("method", text(ctx.method)), ("path", text(&path))];
    if *fail != Fail::NotJson {
        fields.push(("attempts", Field::Number(ctx.attempts.into())));
    }
    if let Some(m) = maybe_applied {
        fields.push(("maybeApplied", Field::Flag(m)));
    }
    let network = |detail: String, sent: bool, fields: &mut Vec<_>| {
        fields.push(("retryable", Field::Flag(true)));
        fields.push(("maybeSent", Field::Flag(sent)));
        ("NetworkError", cat!(what, ": network error: ", detail))
    };
    let (class, message) = match *fail {
        Fail::Status {
            status,
            body,
            error,
            info,
            ..
        } => {
            let shown_error = error.map(|e| ctx.scrub(e));
            let info = info.map(|i| ctx.scrub(i));
            let detail = match (&shown_error, &info) {
                (Some(e), Some(i)) => cat!(e, ": ", i),
                (Some(e), None) => e.clone(),
                (None, _) => {
                    let snippet: String = ctx.scrub(body).chars().take(200).collect();
                    if snippet.trim().is_empty() {
                        "no error body".to_string()
                    } else {
                        cat!("non-JSON error body: ", snippet.trim())
                    }
                }
            };
            fields.push(("status", Field::Number(status.into())));
            if let Some(e) = shown_error {
                fields.push(("error", Field::Text(e)));
            }
            if let Some(i) = info {
                fields.push(("info", Field::Text(i)));
            }
            fields.push((
                "kind",
                text(crate::api_error::kind(error, status)),
            ));
            fields.push((
                "retryable",
                Field::Flag(retry::is_retryable_status(status)),
            ));
            (
                "DailyApiError",
                cat!(what, " failed with ", u32::from(status), " (", detail, ")"),
            )
        }
        Fail::Fetch { message, code, .. } => {
            let sent = fail.failure() != Some(Failure::NotSent);
            network(thrown_message(message, code), sent, &mut fields)
        }
        Fail::Body { message, code } => network(
            cat!("reading the body failed: ", thrown_message(message, code)),
            true,
            &mut fields,
        ),
        Fail::NotResponse => network(
            "fetch did not resolve to a Response".to_string(),
            true,
            &mut fields,
        ),
        Fail::NotJson => {
            fields.push(("kind", text(UNEXPECTED)));
            ("DailyApiError", cat!(what, ": the response is not JSON"))
        }
        Fail::Timeout => {
            fields.push(("retryable", Field::Flag(true)));
            fields.push(("timeoutMs", Field::Number(ctx.timeout_ms as f64)));
            (
                "TimeoutError",
                cat!(what, ": no complete response within ", ctx.timeout_ms, " ms"),
            )
        }
        Fail::Aborted => ("AbortError", cat!(what, ": aborted by the caller")),
    };
    ErrorReport {
        class,
        message: ctx.scrub(&message),
        fields,
    }
}

/// `listAll`'s paging: forward with `starting_after` (the last id of each page), until an empty
/// page or one without ids; a cursor handed out twice stops it (paging would never end).
#[derive(Debug, Clone)]
pub struct Pager {
    /// The query, with the cursor of the next page as `starting_after`.
    query: Value,
    /// Every cursor used so far. A list, not a set: a listing has few pages, and a `BTreeSet` of
    /// strings cost the main module its own B-tree code.
    seen: Vec<String>,
    done: bool,
}

impl Pager {
    /// Checks `query` (a list query; `ending_before` is refused: listAll pages forward) with the
    /// client's options, and starts at the first page.
    pub fn start(query: Value, opts: &RequestOptions) -> Result<Pager, Vec<Issue>> {
        let query = match query {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let mut issues = Vec::new();
        if query.contains_key("ending_before") {
            issues.push(Issue::error(
                "ending_before",
                code::MUTUALLY_EXCLUSIVE,
                "listAll pages forward with starting_after; use list() to page backwards",
            ));
        }
        let query = Value::Object(query);
        if let Err(core) = request::build_list(&query, opts) {
            issues.extend(core);
        }
        if issues.is_empty() {
            Ok(Pager {
                query,
                seen: Vec::new(),
                done: false,
            })
        } else {
            Err(issues)
        }
    }

    /// Continues a listing whose pages so far ended at the cursors `seen` (in order): the next page
    /// starts after the last of them.
    pub fn resume(&mut self, seen: Vec<String>) {
        if let (Some(c), Value::Object(q)) = (seen.last(), &mut self.query) {
            q.insert("starting_after".into(), c.clone().into());
        }
        self.seen = seen;
    }

    /// The query of the next page, or `None` when the listing is complete.
    pub fn next_query(&self) -> Option<&Value> {
        (!self.done).then_some(&self.query)
    }

    /// Takes in a page: `items` is the length of its `data` array (`None`: it has none) and
    /// `last_id` the id of its last config. Returns the page's cursor (its last id), to pass to
    /// [`Pager::resume`] with the others; the error is a `DailyApiError`'s.
    pub fn page(
        &mut self,
        items: Option<u32>,
        last_id: Option<&str>,
    ) -> Result<Option<String>, ErrorReport> {
        let unexpected = |message: String| ErrorReport {
            class: "DailyApiError",
            message,
            fields: vec![("kind", Field::Text(UNEXPECTED.to_string()))],
        };
        let Some(items) = items else {
            return Err(unexpected("listAll: a page has no data array".to_string()));
        };
        if let Some(c) = last_id {
            if self.seen.iter().any(|s| s == c) {
                return Err(unexpected(cat!(
                    "listAll: the server answered a page ending at ",
                    c,
                    " again (its cursor did not advance), so paging would never end; stopped"
                )));
            }
            self.seen.push(c.to_string());
            if let Value::Object(q) = &mut self.query {
                q.insert("starting_after".into(), c.into());
            }
        }
        self.done = items == 0 || last_id.is_none();
        Ok(last_id.map(str::to_string))
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "sk_live_SECRET_1234";

    fn ctx<'a>(hmac: Option<&'a str>) -> Context<'a> {
        Context {
            method: "POST",
            url: "https://api.daily.co/v1/domain-dialin-config",
            attempts: 2,
            timeout_ms: 30_000,
            api_key: KEY,
            hmac,
        }
    }

    fn field<'r>(r: &'r ErrorReport, name: &str) -> Option<&'r Field> {
        r.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    fn status<'a>(status: u16, body: &'a str, error: Option<&'static str>) -> Fail<'a> {
        Fail::Status {
            status,
            retry_after: None,
            body,
            error,
            info: None,
        }
    }

    #[test]
    fn url_path_is_the_path_of_the_url() {
        assert_eq!(
            url_path("https://api.daily.co/v1/domain-dialin-config?limit=2"),
            "/v1/domain-dialin-config?limit=2"
        );
        assert_eq!(url_path("https://api.daily.co"), "/");
        assert_eq!(url_path("not a url"), "/");
    }

    #[test]
    fn a_status_error_names_daily_s_error_and_info_or_the_body() {
        let with = Fail::Status {
            status: 400,
            retry_after: None,
            body: "",
            error: Some("invalid-request-error"),
            info: Some("bad phone"),
        };
        let r = error(&ctx(None), &with, None);
        assert_eq!(r.class, "DailyApiError");
        assert_eq!(
            r.message,
            "POST /v1/domain-dialin-config failed with 400 (invalid-request-error: bad phone)"
        );
        assert_eq!(field(&r, "kind"), Some(&Field::Text("invalid_request".into())));
        assert_eq!(field(&r, "retryable"), Some(&Field::Flag(false)));
        assert_eq!(field(&r, "attempts"), Some(&Field::Number(2.0)));
        let html = error(&ctx(None), &status(502, "  <html>Bad Gateway</html> ", None), None);
        assert!(html.message.ends_with("(non-JSON error body: <html>Bad Gateway</html>)"));
        assert_eq!(field(&html, "error"), None);
        assert_eq!(field(&html, "retryable"), Some(&Field::Flag(true)));
        let empty = error(&ctx(None), &status(503, " ", None), Some(true));
        assert!(empty.message.ends_with("(no error body)"));
        assert_eq!(field(&empty, "maybeApplied"), Some(&Field::Flag(true)));
    }

    #[test]
    fn errors_never_show_the_key_or_the_hmac() {
        let hmac = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
        let body = format!("echo {KEY} {hmac} {}", KEY.replace('_', "%5F"));
        let r = error(&ctx(Some(hmac)), &status(500, &body, None), None);
        let all = format!("{r:?}");
        assert!(!all.contains(KEY) && !all.contains(hmac), "{all}");
        let thrown = Fail::Fetch {
            message: Some(KEY),
            code: Some(hmac),
            synchronous: false,
        };
        let all = format!("{:?}", error(&ctx(Some(hmac)), &thrown, None));
        assert!(!all.contains(KEY) && !all.contains(hmac), "{all}");
    }

    #[test]
    fn network_errors_say_whether_the_request_may_have_left() {
        let sent = |f: Fail| field(&error(&ctx(None), &f, None), "maybeSent").cloned();
        let fetch = |code, synchronous| Fail::Fetch {
            message: Some("fetch failed"),
            code,
            synchronous,
        };
        assert_eq!(sent(fetch(Some("ECONNREFUSED"), false)), Some(Field::Flag(false)));
        assert_eq!(sent(fetch(None, true)), Some(Field::Flag(false)));
        assert_eq!(sent(fetch(Some("ECONNRESET"), false)), Some(Field::Flag(true)));
        assert_eq!(sent(Fail::NotResponse), Some(Field::Flag(true)));
        let r = error(&ctx(None), &fetch(Some("ECONNRESET"), false), None);
        assert_eq!(r.class, "NetworkError");
        assert!(r.message.ends_with(": network error: fetch failed (ECONNRESET)"));
        let body = Fail::Body {
            message: None,
            code: None,
        };
        assert!(error(&ctx(None), &body, None)
            .message
            .ends_with("reading the body failed: fetch failed"));
    }

    #[test]
    fn timeouts_aborts_and_non_json_answers() {
        let t = error(&ctx(None), &Fail::Timeout, None);
        assert_eq!(t.class, "TimeoutError");
        assert_eq!(field(&t, "timeoutMs"), Some(&Field::Number(30_000.0)));
        assert!(t.message.ends_with("no complete response within 30000 ms"));
        let a = error(&ctx(None), &Fail::Aborted, None);
        assert_eq!(a.class, "AbortError");
        let j = error(&ctx(None), &Fail::NotJson, None);
        assert_eq!(field(&j, "kind"), Some(&Field::Text(UNEXPECTED.into())));
        assert_eq!(field(&j, "attempts"), None);
    }

    #[test]
    fn an_ambiguous_create_is_looked_up_by_its_number() {
        let body = json!({"type": "pin_dialin", "phone_number": "+12095550100"});
        let start = Progress {
            retries: 0,
            ambiguous: false,
        };
        let (step, next) = after_failure(2, Method::Post, Some(&body), start, &Fail::Timeout, 1.0, 0.0);
        assert_eq!(
            step,
            Step::LookUp {
                query: json!({"phone_number": "+12095550100"}),
                then_retry: Some(500)
            }
        );
        assert_eq!(next, Progress { retries: 1, ambiguous: true });
        let no_number = json!({"type": "pinless_dialin"});
        let (step, _) = after_failure(2, Method::Post, Some(&no_number), start, &Fail::Timeout, 1.0, 0.0);
        assert_eq!(step, Step::Fail { maybe_applied: Some(true) });
    }

    #[test]
    fn a_delete_404_after_an_ambiguous_attempt_counts_as_deleted() {
        let dropped = Fail::Fetch {
            message: None,
            code: Some("ECONNRESET"),
            synchronous: false,
        };
        let start = Progress {
            retries: 0,
            ambiguous: false,
        };
        let (step, next) = after_failure(2, Method::Delete, None, start, &dropped, 0.0, 0.0);
        assert!(matches!(step, Step::Wait { .. }));
        let (step, _) = after_failure(2, Method::Delete, None, next, &status(404, "", None), 0.0, 0.0);
        assert_eq!(step, Step::Deleted);
        let (step, _) = after_failure(2, Method::Delete, None, start, &status(404, "", None), 0.0, 0.0);
        assert_eq!(step, Step::Fail { maybe_applied: None });
    }

    #[test]
    fn aborts_and_non_json_answers_are_never_retried() {
        let start = Progress {
            retries: 0,
            ambiguous: false,
        };
        for f in [Fail::Aborted, Fail::NotJson] {
            let (step, _) = after_failure(2, Method::Get, None, start, &f, 0.0, 0.0);
            assert_eq!(step, Step::Fail { maybe_applied: None });
        }
    }

    #[test]
    fn list_all_pages_forward_and_stops_on_a_repeated_cursor() {
        let opts = RequestOptions {
            api_key: KEY.into(),
            base_url: None,
            allow_private_urls: false,
        };
        assert!(Pager::start(json!({"ending_before": "x"}), &opts).is_err());
        assert!(Pager::start(json!({"limit": 0}), &opts).is_err());
        let mut p = Pager::start(json!({"limit": 2}), &opts).unwrap();
        assert_eq!(p.next_query(), Some(&json!({"limit": 2})));
        assert_eq!(p.page(Some(2), Some("b")).unwrap().as_deref(), Some("b"));
        assert_eq!(
            p.next_query(),
            Some(&json!({"limit": 2, "starting_after": "b"}))
        );
        let err = p.page(Some(2), Some("b")).unwrap_err();
        assert!(err.message.contains("cursor did not advance"), "{}", err.message);
        // The same listing, resumed from its cursors (the JS keeps them between pages).
        let mut r = Pager::start(json!({"limit": 2}), &opts).unwrap();
        r.resume(vec!["a".into(), "b".into()]);
        assert_eq!(
            r.next_query(),
            Some(&json!({"limit": 2, "starting_after": "b"}))
        );
        assert!(r.page(Some(2), Some("a")).is_err());
        let mut q = Pager::start(Value::Null, &opts).unwrap();
        assert_eq!(q.page(Some(0), None).unwrap(), None);
        assert_eq!(q.next_query(), None);
        assert!(Pager::start(Value::Null, &opts).unwrap().page(None, None).is_err());
    }
}
