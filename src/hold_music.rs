//! The hold-music check (`checkHoldMusic`): will the file at a `hold_music_url` play as Daily
//! wants it (docs/daily-api.md#rule-hold-music-online)? This module is the plan of that check,
//! with no I/O: which request to send next, how much of a body to read, what a response means,
//! and the verdict. The adapter (`src/wasm/music.rs`) only sends the requests it is given, reads
//! bodies up to the limit it is given and hands back what it saw.
//!
//! The steps:
//! 1. The URL rules of `hold_music_url`, exactly as `validateCreate` applies them
//!    (docs/daily-api.md#rule-url-absolute, docs/daily-api.md#rule-url-public).
//! 2. `GET` with `Range: bytes=0-(PROBE_BYTES-1)`. A server that honours it answers 206 and its
//!    `Content-Range` gives the file's size; when the MP3 inspector ([`crate::mp3`]) asks for more
//!    bytes (a large ID3 tag, a VBR stream without a Xing header) the next range is fetched. A
//!    server that ignores `Range` answers 200: that body is read whole, up to the read cap.
//! 3. Redirects, when the adapter sees them (`redirect: "manual"`, Node and servers): at most
//!    [`MAX_REDIRECTS`], each `Location` judged by the same URL rules before it is requested. A
//!    browser hides them (an opaque redirect): the request is sent again with `redirect: "follow"`
//!    and the URL it ended at is judged.
//! 4. A request that fails where CORS applies (a page or a worker) may be the browser refusing
//!    this page the file rather than a dead server: the request is tried without `Range` (which
//!    needs a CORS preflight where `Range` is not CORS-safelisted), then once with
//!    `mode: "no-cors"`, whose opaque answer proves the server is up: `unchecked`, not an error.
//!
//! Every number read from a server is checked (`Content-Range`, `Content-Length`); the bytes read
//! over the whole check never exceed the read cap, the requests never exceed [`MAX_REQUESTS`].

#[allow(unused_imports)]
use crate::prelude::*;

use crate::issue::Issue;
use crate::mp3::{self, Limits, Mp3Issue, PROBE_BYTES};
use crate::text::cat;
use crate::urls;
use crate::validate::{self, code as vcode};

/// The path of every issue: the field the URL is for.
pub const PATH: &str = "hold_music_url";

/// Redirects followed before `too_many_redirects` (what browsers allow is 20; a file's URL needs
/// one or two).
pub const MAX_REDIRECTS: u32 = 5;

/// Requests in one check, redirects and ranges included: with hostile answers (a chain of large
/// ID3 tags, each asking for more) the check still ends.
pub const MAX_REQUESTS: u32 = 12;

/// The default read cap: one byte over Daily's 10 MB, enough to know that a file is too large.
pub const DEFAULT_READ_CAP: u64 = mp3::DEFAULT_MAX_BYTES + 1;

/// The default bound of the whole check, every request and body together (ms).
pub const DEFAULT_TIMEOUT_MS: u64 = 15_000;

/// Issue codes of the check, besides the URL codes of `validate::code` (`invalid_url`,
/// `not_public_url`, `insecure_url`) and the inspector's (`not_mp3`, `too_long`, `too_large`,
/// `truncated`, `duration_unknown`).
pub mod code {
    /// The request failed: no connection, DNS, TLS, a reset (error).
    pub const UNREACHABLE: &str = "unreachable";
    /// The server answered with a status other than 2xx (error).
    pub const HTTP_STATUS: &str = "http_status";
    /// No complete answer within `timeoutMs` (error).
    pub const TIMEOUT: &str = "timeout";
    /// More than [`super::MAX_REDIRECTS`] redirects (error).
    pub const TOO_MANY_REDIRECTS: &str = "too_many_redirects";
    /// The `Content-Type` is not MPEG audio (warning).
    pub const CONTENT_TYPE: &str = "content_type";
    /// A browser could not read the file from this page (CORS); the server answered (warning).
    pub const UNCHECKED: &str = "unchecked";
    /// The bytes allowed (`maxBytes`) or the requests allowed ran out before the answer (warning).
    pub const INCOMPLETE: &str = "incomplete";
}

/// The options of a check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Accept private and loopback hosts (for a local server or the emulator).
    pub allow_private_urls: bool,
    /// The most body bytes read over the whole check.
    pub read_cap: u64,
    /// Daily's limits by default.
    pub limits: Limits,
    /// Requests run under CORS (a page or a web worker): a failed request may be a refusal.
    pub cors: bool,
    /// For messages: the bound of the whole check.
    pub timeout_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow_private_urls: false,
            read_cap: DEFAULT_READ_CAP,
            limits: Limits::default(),
            cors: false,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

/// A request for the adapter to send: `GET url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    /// The `Range` header, e.g. `bytes=0-16383`.
    pub range: Option<String>,
    /// `redirect: "follow"` rather than `"manual"` (a browser, after an opaque redirect).
    pub follow: bool,
    /// `mode: "no-cors"`: only whether the server answers at all.
    pub no_cors: bool,
}

/// What the adapter saw of a response, before its body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    /// `response.type == "opaqueredirect"`: a browser's answer to `redirect: "manual"`.
    pub opaque_redirect: bool,
    /// `response.url`, when the runtime gives it (the URL after the redirects fetch followed).
    pub url: Option<String>,
    /// `response.redirected`.
    pub redirected: bool,
    /// `Location`, resolved against the request's URL by the adapter (`new URL(location, url)`),
    /// or as sent when it does not resolve.
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub content_range: Option<String>,
    pub content_length: Option<String>,
}

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Send this request (the body of the last response, if any, is not needed).
    Fetch(Request),
    /// Read at most `limit` bytes of this response's body, then call [`Check::on_body`].
    Read { limit: u64 },
    Done(Outcome),
}

/// The verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub issues: Vec<Issue>,
    /// `None` when no body was read.
    pub facts: Option<Box<Facts>>,
}

impl Outcome {
    /// True when no issue is an error.
    pub fn ok(&self) -> bool {
        !crate::issue::has_errors(&self.issues)
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.issues.iter().map(|i| i.code).collect()
    }
}

/// What was learned: the fetch, and the inspector's facts when the file is MPEG audio.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The URL the file was read from (after redirects).
    pub url: String,
    pub redirects: u32,
    pub content_type: Option<String>,
    /// The server answered `Range` requests with 206.
    pub range_requests: bool,
    /// Body bytes read over the whole check.
    pub bytes_read: u64,
    /// The file's size, when known.
    pub bytes: Option<u64>,
    /// What a file that is not MP3 looks like ("wav", "html", ...).
    pub looks_like: Option<&'static str>,
    /// The MPEG audio stream, when one was found.
    pub audio: Option<mp3::Facts>,
}

/// The range asked for by the request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u64,
    /// Inclusive.
    end: u64,
}

/// A check in progress. Start it with [`Check::start`], then feed it what the adapter sees.
#[derive(Debug)]
pub struct Check {
    opts: Options,
    url: String,
    redirects: u32,
    follow: bool,
    /// Whether the server is asked for ranges (false after it answered one badly, or after a
    /// failed ranged request under CORS).
    ranges: bool,
    /// The request in flight.
    pending: Request,
    span: Option<Span>,
    requests: u32,
    /// The URL's own warnings (`insecure_url`, the path's `not_mp3`).
    url_issues: Vec<Issue>,
    /// The first bytes of the file.
    data: Vec<u8>,
    total: Option<u64>,
    /// `Content-Length` of a 200 answer.
    length: Option<u64>,
    bytes_read: u64,
    range_requests: bool,
    content_type: Option<String>,
    /// The first failure's message, when trying again under CORS.
    first_failure: Option<String>,
}

/// Daily cannot play what the server does not send: a message per status class.
fn status_issue(status: u16, url: &str) -> Issue {
    let why = match status {
        300..=399 => " (a redirect without a usable Location)",
        401 | 403 => ": the file is not public, and Daily fetches it without credentials",
        404 | 410 => ": there is no file at this URL",
        500..=599 => ": a server error; Daily would play nothing if it lasts",
        _ => "",
    };
    Issue::error(
        PATH,
        code::HTTP_STATUS,
        cat!(
            "the server answered ",
            u32::from(status),
            " for ",
            url,
            why
        ),
    )
}

/// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`): `(start, end, total)`.
pub fn parse_content_range(s: &str) -> Option<(u64, u64, Option<u64>)> {
    let s = s.trim();
    let (unit, rest) = s.split_once(' ')?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    let (range, total) = rest.trim().split_once('/')?;
    let (start, end) = range.trim().split_once('-')?;
    let (start, end) = (parse_uint(start)?, parse_uint(end)?);
    let total = match total.trim() {
        "*" => None,
        t => Some(parse_uint(t)?),
    };
    if end < start || total.is_some_and(|t| end >= t) {
        return None;
    }
    Some((start, end, total))
}

/// `Content-Range: bytes */TOTAL`, as a 416 answer gives it.
fn unsatisfied_total(s: &str) -> Option<u64> {
    let rest = s.trim().strip_prefix("bytes")?.trim_start();
    parse_uint(rest.strip_prefix("*/")?)
}

/// Decimal digits only (no sign, no spaces inside), without overflow.
pub fn parse_uint(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Whether a `Content-Type` names MPEG audio (its parameters and letter case aside).
pub fn is_mpeg_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "audio/mpeg"
            | "audio/mp3"
            | "audio/mpeg3"
            | "audio/mpa"
            | "audio/mpg"
            | "audio/x-mpeg"
            | "audio/x-mp3"
            | "audio/x-mpeg-3"
            | "audio/x-mpg"
    )
}

/// A mp3 issue as a check issue.
fn mp3_issue(i: &Mp3Issue, read_cap: u64) -> Issue {
    let message = i.message();
    match i {
        Mp3Issue::NeedsMoreBytes { at_least } => Issue::warning(
            PATH,
            code::INCOMPLETE,
            cat!(
                "could not finish the check: it needs the first ",
                *at_least,
                " bytes of the file, over what maxBytes (",
                read_cap,
                ") or the request limit allows"
            ),
        ),
        _ if i.is_error() => Issue::error(PATH, i.code(), message),
        _ => Issue::warning(PATH, i.code(), message),
    }
}

impl Check {
    /// Judges `url` by the URL rules and returns the check and its first request, or the verdict
    /// when the URL is refused.
    pub fn start(url: &str, opts: Options) -> Result<(Check, Request), Outcome> {
        let url_issues = validate::check_hold_music_url(
            url,
            &validate::Options {
                allow_private_urls: opts.allow_private_urls,
            },
        );
        if crate::issue::has_errors(&url_issues) {
            return Err(Outcome {
                issues: url_issues,
                facts: None,
            });
        }
        let mut check = Check {
            opts,
            url: url.to_string(),
            redirects: 0,
            follow: false,
            ranges: true,
            pending: Request {
                url: String::new(),
                range: None,
                follow: false,
                no_cors: false,
            },
            span: None,
            requests: 0,
            url_issues,
            data: Vec::new(),
            total: None,
            length: None,
            bytes_read: 0,
            range_requests: false,
            content_type: None,
            first_failure: None,
        };
        let first = check.send(Some(check.probe_span()));
        Ok((check, first))
    }

    /// The bytes still allowed.
    fn budget(&self) -> u64 {
        self.opts.read_cap.saturating_sub(self.bytes_read)
    }

    /// Sends the request for `span` (or for the whole file, when `span` is `None` or the server
    /// is no longer asked for ranges) to the current URL.
    fn send(&mut self, span: Option<Span>) -> Request {
        self.requests = self.requests.saturating_add(1);
        self.span = span.filter(|_| self.ranges);
        self.pending = Request {
            url: self.url.clone(),
            range: self.span.map(|s| cat!("bytes=", s.start, "-", s.end)),
            follow: self.follow,
            no_cors: false,
        };
        self.pending.clone()
    }

    /// The first `PROBE_BYTES` (fewer when the budget is smaller).
    fn probe_span(&self) -> Span {
        Span {
            start: 0,
            end: PROBE_BYTES.min(self.budget()).max(1) - 1,
        }
    }

    /// The next range, from the end of the bytes held to `at_least`, within the budget and the
    /// request limit.
    fn more(&mut self, at_least: u64) -> Option<Request> {
        let start = self.data.len() as u64;
        let end = at_least.min(start.saturating_add(self.budget()));
        if end <= start || self.requests >= MAX_REQUESTS {
            return None;
        }
        Some(self.send(Some(Span {
            start,
            end: end - 1,
        })))
    }

    /// The request in flight again (to a redirect's target, or without `Range`), unless the
    /// requests ran out.
    fn again(&mut self) -> Next {
        if self.requests >= MAX_REQUESTS {
            return Next::Done(self.verdict_without_body(Issue::warning(
                PATH,
                code::INCOMPLETE,
                cat!(
                    "could not finish the check within ",
                    MAX_REQUESTS,
                    " requests"
                ),
            )));
        }
        Next::Fetch(self.send(self.span))
    }

    fn verdict_without_body(&self, issue: Issue) -> Outcome {
        let mut issues = self.url_issues.clone();
        issues.push(issue);
        Outcome {
            issues,
            facts: None,
        }
    }

    /// Judges a URL that a redirect leads to; `Err` is the verdict.
    fn judge_redirect(&mut self, to: &str) -> Result<(), Outcome> {
        match urls::check(to, self.opts.allow_private_urls) {
            Err(r) => {
                let c = if r.not_public {
                    vcode::NOT_PUBLIC_URL
                } else {
                    vcode::INVALID_URL
                };
                Err(self.verdict_without_body(Issue::error(
                    PATH,
                    c,
                    cat!(PATH, " redirects to ", to, ", which ", r.message),
                )))
            }
            Ok(u) => {
                let was_https = self.url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
                if was_https && !u.https {
                    self.url_issues.push(Issue::warning(
                        PATH,
                        vcode::INSECURE_URL,
                        cat!(
                            PATH,
                            " redirects to ",
                            to,
                            ", which uses http://, so the hold music is fetched in clear"
                        ),
                    ));
                }
                Ok(())
            }
        }
    }

    /// A response's head arrived.
    pub fn on_response(&mut self, h: &Head) -> Next {
        if self.pending.no_cors {
            // Any answer, opaque as it is, proves that the server is up.
            return Next::Done(self.verdict_without_body(Issue::warning(
                PATH,
                code::UNCHECKED,
                "this page cannot read the file: its server does not allow other sites to read it \
                 (no CORS headers), so the browser blocked the check. The server does answer, and \
                 Daily fetches the file from its own servers, where CORS does not apply: it may \
                 still play. Check it from Node (checkHoldMusic there), or allow this page's \
                 origin on the file's server",
            )));
        }
        if h.opaque_redirect && !self.follow {
            // A browser: `redirect: "manual"` hides where the redirect goes. Let fetch follow it
            // and judge where it ends (the hosts on the way cannot be seen from a page).
            self.follow = true;
            return self.again();
        }
        if self.follow {
            if let Some(to) = h.url.as_deref().filter(|u| !u.is_empty() && *u != self.url) {
                if let Err(v) = self.judge_redirect(to) {
                    return Next::Done(v);
                }
                self.url = to.to_string();
            }
            if h.redirected {
                self.redirects = self.redirects.max(1);
            }
        }
        match h.status {
            301 | 302 | 303 | 307 | 308 if !self.follow => {
                let Some(to) = h.location.as_deref().filter(|l| !l.is_empty()) else {
                    return Next::Done(
                        self.verdict_without_body(status_issue(h.status, &self.url)),
                    );
                };
                if self.redirects >= MAX_REDIRECTS {
                    return Next::Done(self.verdict_without_body(Issue::error(
                        PATH,
                        code::TOO_MANY_REDIRECTS,
                        cat!(
                            PATH,
                            " redirects more than ",
                            MAX_REDIRECTS,
                            " times (the last to ",
                            to,
                            ")"
                        ),
                    )));
                }
                if let Err(v) = self.judge_redirect(to) {
                    return Next::Done(v);
                }
                self.redirects += 1;
                self.url = to.to_string();
                self.again()
            }
            416 if self.span.is_some() => {
                if h.content_range.as_deref().and_then(unsatisfied_total) == Some(0) {
                    // An empty file: no range of it exists.
                    self.note_type(h);
                    self.total = Some(0);
                    self.span = None;
                    return self.verdict();
                }
                self.ranges = false;
                self.again()
            }
            200..=299 => {
                self.note_type(h);
                let span = self.span;
                match (h.status, span) {
                    (206, Some(span)) => {
                        let range = h.content_range.as_deref().and_then(parse_content_range);
                        match range {
                            Some((start, end, Some(total))) if start == span.start => {
                                self.total = Some(total);
                                self.range_requests = true;
                                let len = end.saturating_sub(start).saturating_add(1);
                                Next::Read {
                                    limit: len.min(self.budget()),
                                }
                            }
                            // No size (`*`, or a browser not shown the header: it is not
                            // CORS-safelisted), or another range than asked: the file whole.
                            _ => {
                                self.ranges = false;
                                self.again()
                            }
                        }
                    }
                    _ => {
                        // The whole file, from its first byte.
                        self.span = None;
                        self.data.clear();
                        self.length = h.content_length.as_deref().and_then(parse_uint);
                        self.total = None;
                        let mut limit = self.budget();
                        if self.length.is_some_and(|n| n > self.opts.limits.max_bytes) {
                            // Too large whatever it holds: read what says what it is, no more.
                            limit = limit.min(PROBE_BYTES);
                        }
                        Next::Read { limit }
                    }
                }
            }
            status => Next::Done(self.verdict_without_body(status_issue(status, &self.url))),
        }
    }

    fn note_type(&mut self, h: &Head) {
        self.content_type = h.content_type.clone();
    }

    /// The body read (`bytes`, at most the limit given); `ended` when the stream ended before the
    /// limit, i.e. these are all the bytes the response had.
    pub fn on_body(&mut self, bytes: &[u8], ended: bool) -> Next {
        let n = bytes.len() as u64;
        self.bytes_read = self.bytes_read.saturating_add(n);
        match self.span {
            Some(span) => {
                if span.start == self.data.len() as u64 {
                    self.data.extend_from_slice(bytes);
                }
            }
            None => {
                self.data = bytes.to_vec();
                let len = self.data.len() as u64;
                self.total = if ended {
                    Some(len)
                } else {
                    // Cut at the limit: the size is what the server declared, if that is more.
                    self.length.filter(|l| *l > len)
                };
            }
        }
        self.verdict()
    }

    /// Inspects the bytes read; asks for more when the inspector does and the budget allows.
    fn verdict(&mut self) -> Next {
        let report = mp3::inspect(&self.data, self.total, &self.opts.limits);
        if let (Some(at_least), false, true) =
            (report.needs_more_bytes(), report.has_errors(), self.span.is_some())
        {
            if let Some(req) = self.more(at_least) {
                return Next::Fetch(req);
            }
        }
        Next::Done(self.outcome(&report))
    }

    fn outcome(&self, report: &mp3::Report) -> Outcome {
        let mut issues: Vec<Issue> = self
            .url_issues
            .iter()
            // The path's extension said "maybe not MP3"; the bytes now say what it is.
            .filter(|i| i.code != vcode::NOT_MP3)
            .cloned()
            .collect();
        let errors = report.has_errors();
        for i in &report.issues {
            if matches!(i, Mp3Issue::NeedsMoreBytes { .. }) && errors {
                continue;
            }
            issues.push(mp3_issue(i, self.opts.read_cap));
        }
        match &self.content_type {
            Some(t) if is_mpeg_type(t) => {}
            Some(t) => issues.push(Issue::warning(
                PATH,
                code::CONTENT_TYPE,
                cat!(
                    "the server sends the file as ",
                    t.trim(),
                    " (Content-Type), not audio/mpeg: players that trust the type may refuse it"
                ),
            )),
            None => issues.push(Issue::warning(
                PATH,
                code::CONTENT_TYPE,
                "the server sends the file without a Content-Type; audio/mpeg is the MP3 type",
            )),
        }
        let looks_like = report.issues.iter().find_map(|i| match i {
            Mp3Issue::NotMp3 { looks_like } => Some(looks_like.as_str()),
            _ => None,
        });
        Outcome {
            issues,
            facts: Some(Box::new(Facts {
                url: self.url.clone(),
                redirects: self.redirects,
                content_type: self.content_type.clone(),
                range_requests: self.range_requests,
                bytes_read: self.bytes_read,
                bytes: self.total,
                looks_like,
                audio: report.facts.clone(),
            })),
        }
    }

    /// The request failed before a response (`message`: what fetch said).
    pub fn on_error(&mut self, message: &str) -> Next {
        if self.pending.no_cors {
            let first = self.first_failure.clone().unwrap_or_else(|| message.to_string());
            return Next::Done(self.unreachable(&first));
        }
        if !self.opts.cors {
            return Next::Done(self.unreachable(message));
        }
        if self.first_failure.is_none() {
            self.first_failure = Some(message.to_string());
        }
        if self.pending.range.is_some() {
            // `Range` may need a CORS preflight that the server does not answer: try without.
            self.ranges = false;
            return self.again();
        }
        if self.requests >= MAX_REQUESTS {
            return Next::Done(self.unreachable(message));
        }
        self.requests = self.requests.saturating_add(1);
        self.pending = Request {
            url: self.url.clone(),
            range: None,
            follow: true,
            no_cors: true,
        };
        Next::Fetch(self.pending.clone())
    }

    fn unreachable(&self, message: &str) -> Outcome {
        self.verdict_without_body(Issue::error(
            PATH,
            code::UNREACHABLE,
            cat!("could not fetch ", self.url, ": ", message),
        ))
    }

    /// Reading the body failed after the head arrived.
    pub fn on_body_error(&self, message: &str) -> Outcome {
        self.verdict_without_body(Issue::error(
            PATH,
            code::UNREACHABLE,
            cat!(
                "the connection failed while reading ",
                self.url,
                ": ",
                message
            ),
        ))
    }

    /// The check ran out of time.
    pub fn timed_out(&self) -> Outcome {
        self.verdict_without_body(Issue::error(
            PATH,
            code::TIMEOUT,
            cat!(
                "no complete answer from ",
                self.url,
                " within ",
                self.opts.timeout_ms,
                " ms"
            ),
        ))
    }
}
