//! Pinless webhook (`room_creation_api`) signing and verification. See daily-api.md Part A5 and
//! section 6.3.
//!
//! Daily POSTs `{To, From, callId, callDomain, sipHeaders?}` (or the one-off test body
//! `{"Test":"test"}`) with two headers:
//!
//! - `X-Pinless-Timestamp`: a Unix time (seconds, or milliseconds: see [`normalise_timestamp_seconds`]);
//! - `X-Pinless-Signature`: standard, padded base64 of
//!   `HMAC-SHA256(key = base64_decode(hmac_secret), msg = timestamp_text + "." + raw_body)`.
//!
//! This module is pure: no I/O, no clock and no randomness source. Callers pass `now` and random
//! bytes. Nothing in it panics on any input.
//!
//! Verification fails closed and reports a stable reason code ([`WebhookErrorKind::as_str`]).
//! Error messages explain the likely cause and never contain a secret, its decoded bytes, or any
//! header or body text.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::collections::BTreeMap;
use core::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

type HmacSha256 = Hmac<Sha256>;

/// Header carrying the signature (read it case-insensitively).
pub const SIGNATURE_HEADER: &str = "X-Pinless-Signature";
/// Header carrying the timestamp (read it case-insensitively).
pub const TIMESTAMP_HEADER: &str = "X-Pinless-Timestamp";
/// Default replay window, applied in both directions.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;
/// Timestamps at or above this value are read as Unix milliseconds (10^12 ms is September 2001;
/// 10^12 s is far beyond any real clock).
pub const MILLISECONDS_THRESHOLD: i64 = 1_000_000_000_000;

/// Fewest bytes a secret may decode to, as `validateCreate` requires of a config's `hmac`. Shorter
/// secrets are refused (`bad_secret`) unless the caller allows weak secrets explicitly.
pub const MIN_SECRET_BYTES: usize = 16;

/// Length of an HMAC-SHA256 digest.
const DIGEST_LEN: usize = 32;
/// At most this many signature values are described one by one in a mismatch message.
const MAX_TOKEN_NOTES: usize = 4;

/// Decoder for SECRETS: standard alphabet, padding optional, non-zero trailing bits tolerated,
/// i.e. the same bytes that Python's `base64.b64decode` or Node's `Buffer.from(s, "base64")`
/// produce for a valid secret, without their acceptance of whitespace or other junk.
/// Signature values are decoded strictly (padded, canonical `STANDARD`); this engine only
/// diagnoses them.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a webhook was rejected (or why signing failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookErrorKind {
    /// `X-Pinless-Signature` absent, empty or blank.
    MissingSignature,
    /// `X-Pinless-Timestamp` absent, empty or blank.
    MissingTimestamp,
    /// `X-Pinless-Timestamp` is not a non-negative integer that fits in 64 bits.
    BadTimestamp,
    /// The timestamp is more than the tolerance before `now`.
    TimestampTooOld,
    /// The timestamp is more than the tolerance after `now`.
    TimestampInFuture,
    /// No secret given, or a secret that is not base64, decodes to nothing, or decodes to fewer
    /// than [`MIN_SECRET_BYTES`] bytes when weak secrets are not allowed.
    BadSecret,
    /// No signature value matches any secret.
    SignatureMismatch,
    /// Signature valid, but the body is not UTF-8 JSON (of any shape: shape surprises are
    /// [`PayloadWarning`]s); or, in the JS adapter, the body is not a string or bytes.
    BadPayload,
    /// An option of the call is unusable (the JS adapter's `now`, `toleranceSeconds`, a sign
    /// `timestamp`, or no options object). [`verify`] itself never returns it: its input is typed.
    BadOptions,
}

impl WebhookErrorKind {
    /// Every kind, in the order in which [`verify`] checks for them (except `BadSecret`, which
    /// comes after the timestamp parse, and the window, which comes after the signature), then
    /// `BadOptions`, which the JS adapter checks before anything else.
    pub const ALL: [WebhookErrorKind; 9] = [
        WebhookErrorKind::MissingSignature,
        WebhookErrorKind::MissingTimestamp,
        WebhookErrorKind::BadTimestamp,
        WebhookErrorKind::TimestampTooOld,
        WebhookErrorKind::TimestampInFuture,
        WebhookErrorKind::BadSecret,
        WebhookErrorKind::SignatureMismatch,
        WebhookErrorKind::BadPayload,
        WebhookErrorKind::BadOptions,
    ];

    /// The stable, machine-readable reason code.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookErrorKind::MissingSignature => "missing_signature",
            WebhookErrorKind::MissingTimestamp => "missing_timestamp",
            WebhookErrorKind::BadTimestamp => "bad_timestamp",
            WebhookErrorKind::TimestampTooOld => "timestamp_too_old",
            WebhookErrorKind::TimestampInFuture => "timestamp_in_future",
            WebhookErrorKind::BadSecret => "bad_secret",
            WebhookErrorKind::SignatureMismatch => "signature_mismatch",
            WebhookErrorKind::BadPayload => "bad_payload",
            WebhookErrorKind::BadOptions => "bad_options",
        }
    }
}

impl fmt::Display for WebhookErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected webhook: a stable reason code plus a sentence for people.
///
/// It stores only the kind and the message, and the message never contains a secret, its decoded
/// bytes, or header/body text, so the derived `Debug` is safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    kind: WebhookErrorKind,
    message: String,
}

impl WebhookError {
    /// An error of `kind` with `message`, which must not contain a secret or request text.
    pub fn new(kind: WebhookErrorKind, message: impl Into<String>) -> Self {
        WebhookError {
            kind,
            message: message.into(),
        }
    }

    pub fn kind(&self) -> WebhookErrorKind {
        self.kind
    }

    /// The stable reason code, e.g. `signature_mismatch`.
    pub fn reason(&self) -> &'static str {
        self.kind.as_str()
    }

    /// The likely cause, in words. Never contains secrets.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl core::error::Error for WebhookError {}

// ---------------------------------------------------------------------------------------------
// Payload
// ---------------------------------------------------------------------------------------------

/// The known fields of the body Daily POSTs to `room_creation_api` for an incoming call
/// (daily-api.md 6.2), each typed. Unknown keys are not kept here (the JS adapter returns the whole
/// body as `raw`).
///
/// `To`, `callId` and `callDomain` are always sent by Daily; when a verified body lacks one, or has
/// another type there, the field is empty and a [`PayloadWarning`] says so. `From` is absent when
/// the caller ID is withheld, and `sipHeaders` on calls that did not come through a SIP
/// interconnect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPayload {
    /// The dialed number.
    #[serde(rename = "To", default)]
    pub to: String,
    /// The caller, when known.
    #[serde(rename = "From", default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The call's session id on the SIP network (a UUID): a good idempotency key.
    #[serde(rename = "callId", default)]
    pub call_id: String,
    /// Your Daily domain's id on the SIP network (a UUID).
    #[serde(rename = "callDomain", default)]
    pub call_domain: String,
    /// Custom SIP headers received on a SIP interconnect: the values that are strings.
    #[serde(
        rename = "sipHeaders",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sip_headers: Option<BTreeMap<String, String>>,
}

/// A shape surprise in a verified body: a known field missing or of another type. The body is
/// still genuine (its signature verified), so it is reported, never refused.
///
/// The message names fields and JSON types only, never values from the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadWarning {
    /// Where: `""` for the body itself, `callId`, `sipHeaders.X-Name`, ...
    pub path: String,
    /// [`PayloadWarning::REQUIRED`] or [`PayloadWarning::INVALID_TYPE`].
    pub code: &'static str,
    pub message: String,
}

impl PayloadWarning {
    /// A field that Daily always sends is absent.
    pub const REQUIRED: &'static str = "required";
    /// A field (or the body) has another JSON type than the one documented.
    pub const INVALID_TYPE: &'static str = "invalid_type";
}

/// A verified webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// The one-off test request Daily sends when a pinless config is set up: `{"Test":"test"}`
    /// (`{"test":"test"}` is accepted too). Answer it with a 200 and do nothing else.
    Test,
    /// Any other genuine body: an incoming call, with what did not have the documented shape.
    Call {
        payload: CallPayload,
        warnings: Vec<PayloadWarning>,
    },
}

impl Verified {
    pub fn is_test(&self) -> bool {
        matches!(self, Verified::Test)
    }

    pub fn call(&self) -> Option<&CallPayload> {
        match self {
            Verified::Test => None,
            Verified::Call { payload, .. } => Some(payload),
        }
    }

    /// The shape surprises of a call (none for the test body).
    pub fn warnings(&self) -> &[PayloadWarning] {
        match self {
            Verified::Test => &[],
            Verified::Call { warnings, .. } => warnings,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// Everything [`verify`] needs. Pass header values exactly as received.
///
/// `Debug` is implemented by hand and shows only how many secrets there are.
#[derive(Clone, Copy)]
pub struct VerifyInput<'a> {
    /// The raw request body, byte for byte. Never a re-serialised JSON value.
    pub body: &'a [u8],
    /// `X-Pinless-Signature`; several values (a repeated header joined by `", "`, or values
    /// separated by spaces or commas) are each tried.
    pub signature: Option<&'a str>,
    /// `X-Pinless-Timestamp`, verbatim.
    pub timestamp: Option<&'a str>,
    /// The config's `hmac` secrets (base64). Give the old and the new one during a rotation.
    pub secrets: &'a [&'a str],
    /// Accepted distance between the timestamp and `now`, in both directions.
    pub tolerance_seconds: u64,
    /// The current Unix time in seconds.
    pub now_seconds: i64,
    /// Accept secrets that decode to fewer than [`MIN_SECRET_BYTES`] bytes (a config made
    /// elsewhere may carry one). Off by default: such secrets get `bad_secret`.
    pub allow_weak_secrets: bool,
}

impl<'a> VerifyInput<'a> {
    /// An input with the default tolerance ([`DEFAULT_TOLERANCE_SECONDS`]).
    pub fn new(
        body: &'a [u8],
        signature: Option<&'a str>,
        timestamp: Option<&'a str>,
        secrets: &'a [&'a str],
        now_seconds: i64,
    ) -> Self {
        VerifyInput {
            body,
            signature,
            timestamp,
            secrets,
            tolerance_seconds: DEFAULT_TOLERANCE_SECONDS,
            now_seconds,
            allow_weak_secrets: false,
        }
    }
}

impl fmt::Debug for VerifyInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyInput")
            .field("body_len", &self.body.len())
            .field("signature", &self.signature)
            .field("timestamp", &self.timestamp)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("tolerance_seconds", &self.tolerance_seconds)
            .field("now_seconds", &self.now_seconds)
            .field("allow_weak_secrets", &self.allow_weak_secrets)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

/// Signs a webhook the way Daily does: standard padded base64 of
/// `HMAC-SHA256(base64_decode(secret_b64), timestamp + "." + body)`.
///
/// The timestamp text is signed verbatim. Fails with `bad_secret` if the secret is not base64,
/// decodes to nothing, or decodes to fewer than [`MIN_SECRET_BYTES`] bytes (see [`sign_with`]).
pub fn sign(secret_b64: &str, timestamp: &str, body: &[u8]) -> Result<String, WebhookError> {
    sign_with(secret_b64, timestamp, body, false)
}

/// [`sign`], also accepting a secret of fewer than [`MIN_SECRET_BYTES`] bytes when
/// `allow_weak_secrets` is true (the emulator signs with whatever `hmac` a config holds).
pub fn sign_with(
    secret_b64: &str,
    timestamp: &str,
    body: &[u8],
    allow_weak_secrets: bool,
) -> Result<String, WebhookError> {
    let key = PreparedSecret::new(secret_b64, "the secret")?;
    if !allow_weak_secrets {
        check_strength(core::slice::from_ref(&key))?;
    }
    Ok(STANDARD.encode(key.digest(timestamp, body)))
}

/// Verifies a pinless webhook and parses its body. Fails closed.
///
/// Checks, in this order (the first failure is returned):
///
/// 1. `missing_signature`: the signature header is absent, or holds no value (empty, blank, or
///    only separators);
/// 2. `missing_timestamp`: the timestamp header is absent, empty or blank;
/// 3. `bad_timestamp`: the timestamp (surrounding whitespace ignored) is not made only of ASCII
///    digits, or does not fit in an `i64`;
/// 4. `bad_secret`: no secret given, or ANY given secret is not base64 or decodes to nothing, or
///    (unless `allow_weak_secrets`) decodes to fewer than [`MIN_SECRET_BYTES`] bytes (a broken
///    configuration is reported even if another secret would match);
/// 5. `signature_mismatch`: no signature value is padded standard base64 of a 32-byte digest
///    equal, in constant time, to the HMAC under some secret of the verbatim timestamp text +
///    `"."` + body (every value is compared with every secret's digest, with no early exit);
/// 6. `timestamp_too_old` / `timestamp_in_future`: the timestamp, normalised to seconds by
///    [`normalise_timestamp_seconds`], is more than `tolerance_seconds` from `now_seconds`
///    (exactly the tolerance is accepted);
/// 7. `bad_payload`: the body is not UTF-8 JSON. Any JSON is accepted: the test body gives
///    [`Verified::Test`], anything else a call whose known fields are typed, with a
///    [`PayloadWarning`] for each field that is missing or of another type. The signature proves
///    the body came from the secret's holder, so refusing it would drop a genuine caller.
///
/// Why the signature comes before the time window (Standard Webhooks checks the window first):
/// a request that is not signed with our secret always gets `signature_mismatch`, whatever its
/// timestamp, so an unauthenticated sender learns nothing about our window or our clock; and
/// `timestamp_too_old`/`timestamp_in_future` then mean something precise: "genuinely from Daily,
/// but replayed or the clocks (or the s/ms unit) disagree". The cost is one HMAC per secret for
/// stale forged requests, which is negligible. Both orders reject exactly the same requests.
pub fn verify(input: &VerifyInput<'_>) -> Result<Verified, WebhookError> {
    verify_with_secrets(input, || prepare_secrets(input.secrets))
}

/// [`verify`] with the secrets supplied by `secrets`, which is called at step 4 (only when steps
/// 1-3 passed) in place of [`prepare_secrets`]`(input.secrets)`; `input.secrets` is not read.
/// For callers that keep [`PreparedSecret`]s between calls. `secrets` must return what
/// `prepare_secrets` would for the same secrets (the same keys in the same order, or its error),
/// or the answers differ from [`verify`]'s.
pub fn verify_with_secrets<K: AsRef<[PreparedSecret]>>(
    input: &VerifyInput<'_>,
    secrets: impl FnOnce() -> Result<K, WebhookError>,
) -> Result<Verified, WebhookError> {
    let tokens = signature_tokens(input.signature)?;
    let ts_text = match input.timestamp {
        Some(t) if !t.trim().is_empty() => t,
        Some(_) => {
            return Err(WebhookError::new(
                WebhookErrorKind::MissingTimestamp,
                format!("the {TIMESTAMP_HEADER} header is empty; Daily always sends one, so this request is not from Daily or a proxy dropped its value"),
            ))
        }
        None => {
            return Err(WebhookError::new(
                WebhookErrorKind::MissingTimestamp,
                format!("no {TIMESTAMP_HEADER} header; pass the header value (read header names case-insensitively). Without it the request cannot be verified"),
            ))
        }
    };
    let ts = parse_timestamp(ts_text)?;
    let keys = secrets()?;
    if !input.allow_weak_secrets {
        check_strength(keys.as_ref())?;
    }
    check_signature(keys.as_ref(), ts_text, input.body, &tokens)?;
    check_window(
        ts,
        input.now_seconds,
        input.tolerance_seconds,
        ts >= MILLISECONDS_THRESHOLD,
    )?;
    parse_payload(input.body)
}

pub use crate::b64::generate_secret;

/// Reads a timestamp of 10^12 or more ([`MILLISECONDS_THRESHOLD`]) as Unix milliseconds and
/// returns whole seconds (rounded down); smaller values are returned unchanged.
pub fn normalise_timestamp_seconds(ts: i64) -> i64 {
    if ts >= MILLISECONDS_THRESHOLD {
        ts / 1000
    } else {
        ts
    }
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

fn is_separator(c: char) -> bool {
    c == ',' || c.is_ascii_whitespace()
}

/// Splits the signature header into values. Neither `,` nor whitespace is in the base64
/// alphabet, so splitting on them never breaks a genuine signature.
fn signature_tokens(header: Option<&str>) -> Result<Vec<&str>, WebhookError> {
    let Some(header) = header else {
        return Err(WebhookError::new(
            WebhookErrorKind::MissingSignature,
            format!("no {SIGNATURE_HEADER} header; Daily signs every request, so this request is not from Daily or the header was not passed through (read header names case-insensitively)"),
        ));
    };
    // The separators are ASCII, so cutting the bytes at them cuts at char boundaries; this is
    // `header.split(is_separator)` without decoding every char.
    // (Plain index loops here and below: at opt-level "z" iterator adapters are not inlined.)
    let bytes = header.as_bytes();
    let mut tokens: Vec<&str> = Vec::new();
    let mut start = 0;
    // `0..len + 1`, not `0..=len`: an inclusive range is a slower loop.
    for i in 0..bytes.len() + 1 {
        if i == bytes.len() || is_separator(char::from(bytes[i])) {
            if start < i {
                tokens.push(&header[start..i]);
            }
            start = i + 1;
        }
    }
    if tokens.is_empty() {
        return Err(WebhookError::new(
            WebhookErrorKind::MissingSignature,
            format!("the {SIGNATURE_HEADER} header is empty or blank"),
        ));
    }
    Ok(tokens)
}

fn parse_timestamp(text: &str) -> Result<i64, WebhookError> {
    // The usual case: only digits, too few to overflow (i64::MAX has 19).
    if (1..=18).contains(&text.len()) {
        let mut n: i64 = 0;
        for &b in text.as_bytes() {
            if !b.is_ascii_digit() {
                n = -1;
                break;
            }
            n = n * 10 + i64::from(b - b'0');
        }
        if n >= 0 {
            return Ok(n);
        }
    }
    let trimmed = text.trim();
    if let Some((pos, c)) = trimmed.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        let what = match c {
            '.' => "a decimal point",
            '-' | '+' => "a sign",
            'e' | 'E' => "an exponent",
            _ if c.is_whitespace() => "whitespace",
            _ => "a non-digit character",
        };
        return Err(WebhookError::new(
            WebhookErrorKind::BadTimestamp,
            format!(
                "the {TIMESTAMP_HEADER} header must be a non-negative integer Unix time in seconds or milliseconds; it has {what} at byte {pos} (of {})",
                trimmed.len()
            ),
        ));
    }
    trimmed.parse::<i64>().map_err(|_| {
        WebhookError::new(
            WebhookErrorKind::BadTimestamp,
            format!(
                "the {TIMESTAMP_HEADER} header has {} digits, too many for a Unix time",
                trimmed.len()
            ),
        )
    })
}

/// Decodes one secret. `label` names it in messages ("the secret", "secret #2 of 3"); the secret
/// itself never appears in them.
fn decode_secret(secret: &str, label: &str) -> Result<Vec<u8>, WebhookError> {
    let bad = |detail: String| WebhookError::new(WebhookErrorKind::BadSecret, detail);
    if secret.trim().is_empty() {
        return Err(bad(format!(
            "{label} is empty; pass the config's `hmac` value (base64)"
        )));
    }
    match LENIENT.decode(secret) {
        Ok(key) if key.is_empty() => Err(bad(format!(
            "{label} decodes to no bytes; pass the config's `hmac` value (base64)"
        ))),
        Ok(key) => Ok(key),
        Err(_) => {
            let mut msg = format!("{label} is not valid standard base64");
            if secret.trim() != secret {
                msg.push_str(
                    ": it has leading or trailing whitespace (often a newline from a .env file, `echo` or a copy-paste); trim it",
                );
            } else if secret.chars().any(char::is_whitespace) {
                msg.push_str(": it contains whitespace (line-wrapped?); remove it");
            } else if secret.contains(['-', '_']) {
                msg.push_str(
                    ": it uses the URL-safe alphabet ('-' or '_'); Daily's `hmac` is standard base64 ('+' and '/')",
                );
            } else if secret.contains(['"', '\'']) {
                msg.push_str(": it contains quote characters; remove them");
            } else {
                msg.push_str(" (characters A-Z a-z 0-9 + / and '=' padding only)");
            }
            Err(bad(msg))
        }
    }
}

/// A secret ready to sign with: its base64 decoded and absorbed into HMAC-SHA256's inner and
/// outer hash states (the key block XOR ipad and XOR opad, one SHA-256 compression each). Every
/// signature under it then costs only the compressions of the message, and no base64 decode.
///
/// It holds key material (whoever has these states can sign), so its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct PreparedSecret {
    mac: HmacSha256,
    /// How many bytes the secret decodes to.
    len: usize,
}

impl PreparedSecret {
    /// Decodes `secret` (as [`verify`] does); `label` names it in messages ("the secret",
    /// "secret #2 of 3"), which never contain the secret itself.
    fn new(secret: &str, label: &str) -> Result<Self, WebhookError> {
        let key = decode_secret(secret, label)?;
        // HMAC accepts keys of any length; this error cannot happen, but is not unwrapped.
        let mac = HmacSha256::new_from_slice(&key).map_err(|_| {
            WebhookError::new(
                WebhookErrorKind::BadSecret,
                "the secret cannot be used as an HMAC key",
            )
        })?;
        Ok(PreparedSecret {
            mac,
            len: key.len(),
        })
    }

    /// `HMAC-SHA256(key, timestamp + "." + body)`.
    fn digest(&self, timestamp: &str, body: &[u8]) -> [u8; DIGEST_LEN] {
        let mut mac = self.mac.clone();
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for PreparedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PreparedSecret(redacted)")
    }
}

/// Decodes the secrets as step 4 of [`verify`] does: `bad_secret` when there is none, or when ANY
/// of them is not base64 or decodes to nothing (the message names which one, never its text).
pub fn prepare_secrets(secrets: &[&str]) -> Result<Vec<PreparedSecret>, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::new(
            WebhookErrorKind::BadSecret,
            "no secret given: pass the config's `hmac` value (base64); verification fails closed without one",
        ));
    }
    let n = secrets.len();
    secrets
        .iter()
        .enumerate()
        .map(|(i, s)| PreparedSecret::new(s, &secret_label(i, n)))
        .collect()
}

/// How messages name secret `i` (from 0) of `n`: "the secret", or "secret #2 of 3".
fn secret_label(i: usize, n: usize) -> String {
    if n == 1 {
        "the secret".to_string()
    } else {
        format!("secret #{} of {n}", i + 1)
    }
}

/// `bad_secret` when a secret decodes to fewer than [`MIN_SECRET_BYTES`] bytes (named as
/// [`prepare_secrets`] names them, never shown).
fn check_strength(keys: &[PreparedSecret]) -> Result<(), WebhookError> {
    let n = keys.len();
    for (i, key) in keys.iter().enumerate() {
        if key.len < MIN_SECRET_BYTES {
            let label = secret_label(i, n);
            return Err(WebhookError::new(
                WebhookErrorKind::BadSecret,
                format!(
                    "{label} decodes to {} bytes, fewer than {MIN_SECRET_BYTES}: too weak to prove who signed (validateCreate refuses such an `hmac`; generateHmacSecret makes 32 bytes). To use it anyway, for a config made elsewhere, pass allowWeakSecrets: true",
                    key.len
                ),
            ));
        }
    }
    Ok(())
}

/// What a signature value looks like, for the mismatch message.
enum TokenShape {
    /// Base64 of 32 bytes: compared.
    Digest([u8; DIGEST_LEN]),
    /// 64 hex characters: a hex digest.
    Hex,
    /// Base64 of 32 bytes, but unpadded or with non-zero trailing bits: not what Daily sends.
    NonCanonical,
    /// Valid base64 of some other length.
    WrongLength(usize),
    /// Uses `-` or `_`.
    UrlSafe,
    NotBase64,
}

fn classify(token: &str) -> TokenShape {
    if token.len() == 2 * DIGEST_LEN && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return TokenShape::Hex;
    }
    // Daily sends padded, canonical standard base64; only that is compared. A 32-byte value
    // (the usual case) is decoded without allocating; anything else takes the general path.
    let mut digest = [0u8; DIGEST_LEN];
    if let Ok(DIGEST_LEN) = STANDARD.decode_slice(token, &mut digest) {
        return TokenShape::Digest(digest);
    }
    if let Ok(bytes) = STANDARD.decode(token) {
        return match <[u8; DIGEST_LEN]>::try_from(bytes.as_slice()) {
            Ok(digest) => TokenShape::Digest(digest),
            Err(_) => TokenShape::WrongLength(bytes.len()),
        };
    }
    match LENIENT.decode(token) {
        Ok(bytes) if bytes.len() == DIGEST_LEN => TokenShape::NonCanonical,
        Ok(bytes) => TokenShape::WrongLength(bytes.len()),
        Err(_) if token.contains(['-', '_']) => TokenShape::UrlSafe,
        Err(_) => TokenShape::NotBase64,
    }
}

fn check_signature(
    keys: &[PreparedSecret],
    ts_text: &str,
    body: &[u8],
    tokens: &[&str],
) -> Result<(), WebhookError> {
    let expected: Vec<[u8; DIGEST_LEN]> = keys.iter().map(|k| k.digest(ts_text, body)).collect();
    let shapes: Vec<TokenShape> = tokens.iter().map(|t| classify(t)).collect();

    // Every candidate is compared with every expected digest, without an early exit.
    let mut matched = Choice::from(0u8);
    for shape in &shapes {
        if let TokenShape::Digest(candidate) = shape {
            for want in &expected {
                matched |= candidate.ct_eq(want);
            }
        }
    }
    if bool::from(matched) {
        return Ok(());
    }
    Err(WebhookError::new(
        WebhookErrorKind::SignatureMismatch,
        mismatch_message(&shapes, keys.len()),
    ))
}

fn mismatch_message(shapes: &[TokenShape], n_secrets: usize) -> String {
    let n = shapes.len();
    let mut msg = format!(
        "none of the {n} value(s) in {SIGNATURE_HEADER} matches HMAC-SHA256(secret, timestamp + \".\" + body) under the {n_secrets} secret(s) given."
    );
    for (i, shape) in shapes.iter().enumerate().take(MAX_TOKEN_NOTES) {
        let note = match shape {
            TokenShape::Digest(_) => continue,
            TokenShape::Hex => "is 64 hex characters: it looks like a HEX digest, but Daily sends standard base64 of the 32-byte digest (44 characters)".to_string(),
            TokenShape::WrongLength(len) => format!(
                "decodes to {len} bytes, not 32 (truncated or not an HMAC-SHA256 signature)"
            ),
            TokenShape::NonCanonical => "is unpadded or non-canonical base64 (a missing '=' or a truncated last character?); Daily sends padded standard base64 of 44 characters".to_string(),
            TokenShape::UrlSafe => "uses the URL-safe base64 alphabet ('-' or '_'); Daily sends standard base64".to_string(),
            TokenShape::NotBase64 => "is not base64".to_string(),
        };
        msg.push_str(&format!(" Value #{} {note}.", i + 1));
    }
    if n > MAX_TOKEN_NOTES {
        msg.push_str(&format!(
            " ({} more value(s) not described.)",
            n - MAX_TOKEN_NOTES
        ));
    }
    msg.push_str(
        " Common causes: the body was re-serialised (e.g. JSON.stringify(req.body) or a framework's parsed JSON) instead of verifying the raw bytes received; the secret has whitespace or a newline in it, or was used as text instead of base64-decoded; the wrong secret (after a rotation, pass both the old and the new one); a hex digest compared with a base64 one; or the timestamp header was changed in transit.",
    );
    msg
}

fn check_window(ts: i64, now: i64, tolerance: u64, was_ms: bool) -> Result<(), WebhookError> {
    let ts_s = normalise_timestamp_seconds(ts);
    // i128 holds the difference of any two i64 values, and any u64, without overflow.
    let diff = i128::from(now) - i128::from(ts_s);
    let tol = i128::from(tolerance);
    if diff.abs() <= tol {
        return Ok(());
    }
    let unit = if was_ms {
        format!(" (read as milliseconds: {ts} ms = {ts_s} s)")
    } else {
        String::new()
    };
    if diff > 0 {
        let cause = if now >= MILLISECONDS_THRESHOLD {
            "`now_seconds` looks like milliseconds (Date.now()); pass seconds"
        } else {
            "a replayed request, a delayed delivery, or a receiver clock running fast"
        };
        Err(WebhookError::new(
            WebhookErrorKind::TimestampTooOld,
            format!(
                "the timestamp {ts_s}{unit} is {diff} s before now ({now}), beyond the tolerance of {tolerance} s: {cause}"
            ),
        ))
    } else {
        let ahead = -diff;
        Err(WebhookError::new(
            WebhookErrorKind::TimestampInFuture,
            format!(
                "the timestamp {ts_s}{unit} is {ahead} s after now ({now}), beyond the tolerance of {tolerance} s: the receiver clock is behind the sender's (check NTP), or the timestamp unit is not seconds or milliseconds"
            ),
        ))
    }
}

fn bad_payload(message: String) -> WebhookError {
    WebhookError::new(WebhookErrorKind::BadPayload, message)
}

/// The keys Daily always sends in a call, as JSON strings.
const REQUIRED_KEYS: [&str; 3] = ["To", "callId", "callDomain"];

/// The call body in the form Daily sends it, read without building a JSON tree: compact JSON with
/// the four keys `To`, `From`, `callId`, `callDomain` in this order, then optionally `sipHeaders` (an object), and string
/// values without escapes, e.g. `{"To":"+1...","From":"+1...","callId":"...","callDomain":"..."}`.
/// Any other body gives `None`, and [`parse_payload`] reads it as a [`Value`]. For a body this
/// accepts, that reading gives the same [`CallPayload`] and no warning: a JSON string without `"`, `\` or control
/// characters is its text, and a repeated `sipHeaders` name keeps its last value in both.
fn compact_call(text: &str) -> Option<CallPayload> {
    // Byte offsets and plain loops: at opt-level "z" iterator adapters and `str` patterns are not
    // inlined, and this runs on every verified call. The cuts are at ASCII bytes (`"`), so at
    // char boundaries.
    let b = text.as_bytes();
    let mut i = 0;
    // Moves past `lit` if the text continues with it.
    let lit = |i: &mut usize, lit: &[u8]| {
        let found = b.len() - *i >= lit.len() && &b[*i..*i + lit.len()] == lit;
        if found {
            *i += lit.len();
        }
        found
    };
    // The text of a string literal without escapes that starts after its opening quote, moving
    // past its closing quote.
    let string = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i] != b'"' && b[*i] != b'\\' && b[*i] >= 0x20 {
            *i += 1;
        }
        let closed = *i < b.len() && b[*i] == b'"';
        *i += 1;
        closed.then(|| text[start..*i - 1].to_string())
    };
    let mut values: [String; 4] = Default::default();
    for (n, key) in [
        &b"{\"To\":\""[..],
        b",\"From\":\"",
        b",\"callId\":\"",
        b",\"callDomain\":\"",
    ]
    .into_iter()
    .enumerate()
    {
        if !lit(&mut i, key) {
            return None;
        }
        values[n] = string(&mut i)?;
    }
    let mut sip_headers = None;
    if lit(&mut i, b",\"sipHeaders\":{") {
        let mut map = BTreeMap::new();
        let mut first = true;
        while !lit(&mut i, b"}") {
            if !(first || lit(&mut i, b",")) || !lit(&mut i, b"\"") {
                return None;
            }
            first = false;
            let k = string(&mut i)?;
            if !lit(&mut i, b":\"") {
                return None;
            }
            map.insert(k, string(&mut i)?);
        }
        sip_headers = Some(map);
    }
    if i != b.len() - 1 || b[i] != b'}' {
        return None;
    }
    let [to, from, call_id, call_domain] = values;
    Some(CallPayload {
        to,
        from: Some(from),
        call_id,
        call_domain,
        sip_headers,
    })
}

fn parse_payload(body: &[u8]) -> Result<Verified, WebhookError> {
    let text = core::str::from_utf8(body).map_err(|e| {
        bad_payload(format!(
            "the signature is valid but the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    if let Some(payload) = compact_call(text) {
        return Ok(Verified::Call {
            payload,
            warnings: Vec::new(),
        });
    }
    parse_value_payload(text)
}

/// [`parse_payload`] of any UTF-8 body, through a [`Value`].
fn parse_value_payload(text: &str) -> Result<Verified, WebhookError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        bad_payload(format!(
            "the signature is valid but the body is not JSON ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    let mut warnings = Vec::new();
    let Value::Object(obj) = &value else {
        warnings.push(PayloadWarning {
            path: String::new(),
            code: PayloadWarning::INVALID_TYPE,
            message: format!(
                "the body is {}, not a JSON object: neither the test body {{\"Test\":\"test\"}} nor a call {{To, From?, callId, callDomain, sipHeaders?}}",
                crate::validate::type_name(&value)
            ),
        });
        return Ok(Verified::Call {
            payload: CallPayload::default(),
            warnings,
        });
    };
    if ["Test", "test"]
        .iter()
        .any(|k| obj.get(*k).and_then(Value::as_str) == Some("test"))
    {
        return Ok(Verified::Test);
    }
    let mut string = |key: &str, required: bool| match obj.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        None | Some(Value::Null) if !required => None,
        None => {
            let near = obj.keys().any(|k| k.eq_ignore_ascii_case(key));
            let hint = if near {
                " (a key differing only in case is present; keys are case-sensitive)"
            } else {
                ""
            };
            warnings.push(PayloadWarning {
                path: key.to_string(),
                code: PayloadWarning::REQUIRED,
                message: format!("`{key}` is missing{hint}: payload.{key} is empty"),
            });
            None
        }
        Some(other) => {
            warnings.push(invalid_type(key, other, "a string"));
            None
        }
    };
    let [to, call_id, call_domain] = REQUIRED_KEYS.map(|k| string(k, true).unwrap_or_default());
    let from = string("From", false);
    let sip_headers = match obj.get("sipHeaders") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                match v {
                    Value::String(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    other => {
                        warnings.push(invalid_type(&format!("sipHeaders.{k}"), other, "a string"))
                    }
                }
            }
            Some(out)
        }
        Some(other) => {
            warnings.push(invalid_type("sipHeaders", other, "an object"));
            None
        }
    };
    Ok(Verified::Call {
        payload: CallPayload {
            to,
            from,
            call_id,
            call_domain,
            sip_headers,
        },
        warnings,
    })
}

/// The warning for a field at `path` of JSON type `found` where `expected` was documented.
fn invalid_type(path: &str, found: &Value, expected: &str) -> PayloadWarning {
    let what = if path.contains('.') {
        "payload.sipHeaders holds only the string values"
    } else {
        "it is left out of payload"
    };
    PayloadWarning {
        path: path.to_string(),
        code: PayloadWarning::INVALID_TYPE,
        message: format!(
            "`{path}` is {}, not {expected}: {what} (raw has the value sent)",
            crate::validate::type_name(found)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=";
    const NOW: i64 = 1_700_000_000;

    /// A call without warnings.
    fn clean(payload: CallPayload) -> Verified {
        Verified::Call {
            payload,
            warnings: Vec::new(),
        }
    }

    fn input<'a>(
        body: &'a [u8],
        sig: Option<&'a str>,
        ts: Option<&'a str>,
        secrets: &'a [&'a str],
    ) -> VerifyInput<'a> {
        VerifyInput::new(body, sig, ts, secrets, NOW)
    }

    #[test]
    fn tokens_split_on_commas_and_whitespace() {
        let t = signature_tokens(Some(" a, b\tc,,d ")).unwrap();
        assert_eq!(t, vec!["a", "b", "c", "d"]);
        for blank in ["", "   ", ",", " , \t"] {
            let e = signature_tokens(Some(blank)).unwrap_err();
            assert_eq!(e.reason(), "missing_signature");
        }
        assert_eq!(
            signature_tokens(None).unwrap_err().reason(),
            "missing_signature"
        );
    }

    #[test]
    fn timestamp_parsing() {
        assert_eq!(parse_timestamp("1700000000").unwrap(), 1_700_000_000);
        assert_eq!(parse_timestamp(" 1700000000 ").unwrap(), 1_700_000_000);
        assert_eq!(parse_timestamp("0").unwrap(), 0);
        for bad in [
            "1.5",
            "-5",
            "+5",
            "1e9",
            "abc",
            "١٢٣",
            "99999999999999999999",
        ] {
            assert_eq!(
                parse_timestamp(bad).unwrap_err().reason(),
                "bad_timestamp",
                "{bad}"
            );
        }
    }

    #[test]
    fn normalise() {
        assert_eq!(normalise_timestamp_seconds(1_700_000_000), 1_700_000_000);
        assert_eq!(
            normalise_timestamp_seconds(1_700_000_000_999),
            1_700_000_000
        );
        assert_eq!(
            normalise_timestamp_seconds(999_999_999_999),
            999_999_999_999
        );
        assert_eq!(
            normalise_timestamp_seconds(1_000_000_000_000),
            1_000_000_000
        );
        assert_eq!(normalise_timestamp_seconds(i64::MAX), i64::MAX / 1000);
        assert_eq!(normalise_timestamp_seconds(i64::MIN), i64::MIN);
    }

    #[test]
    fn window_extremes_do_not_overflow() {
        assert_eq!(
            check_window(0, i64::MAX, u64::MAX, false).map_err(|e| e.reason()),
            Ok(())
        );
        assert_eq!(
            check_window(0, i64::MAX, 0, false).unwrap_err().reason(),
            "timestamp_too_old"
        );
        assert_eq!(
            check_window(i64::MAX, i64::MIN, 0, true)
                .unwrap_err()
                .reason(),
            "timestamp_in_future"
        );
    }

    #[test]
    fn classify_shapes() {
        let sig = sign(SECRET, "1", b"x").unwrap();
        assert!(matches!(classify(&sig), TokenShape::Digest(_)));
        assert!(matches!(
            classify(sig.trim_end_matches('=')),
            TokenShape::NonCanonical
        ));
        assert!(matches!(classify(&"ab".repeat(32)), TokenShape::Hex));
        assert!(matches!(classify(&sig[..8]), TokenShape::WrongLength(6)));
        assert!(matches!(classify("a-b_"), TokenShape::UrlSafe));
        assert!(matches!(classify("!!"), TokenShape::NotBase64));
    }

    #[test]
    fn hex_digest_is_named_in_message() {
        let body = br#"{"Test":"test"}"#;
        let hex = "ab".repeat(32);
        let e = verify(&input(body, Some(&hex), Some("1700000000"), &[SECRET])).unwrap_err();
        assert_eq!(e.reason(), "signature_mismatch");
        assert!(e.message().contains("HEX digest"), "{e}");
    }

    #[test]
    fn secret_whitespace_is_named_without_printing_it() {
        let with_nl = format!("{SECRET}\n");
        let e = sign(&with_nl, "1", b"").unwrap_err();
        assert_eq!(e.reason(), "bad_secret");
        assert!(e.message().contains("whitespace"), "{e}");
        assert!(!e.to_string().contains(SECRET));
        let e = sign("abc-def_", "1", b"").unwrap_err();
        assert!(e.message().contains("URL-safe"), "{e}");
        assert_eq!(sign("", "1", b"").unwrap_err().reason(), "bad_secret");
        assert_eq!(sign("====", "1", b"").unwrap_err().reason(), "bad_secret");
    }

    #[test]
    fn sign_accepts_unpadded_secret_with_same_key() {
        assert_eq!(
            sign("ZGFpbHktcGlubGVzcy0xNg==", "1", b"b").unwrap(),
            sign("ZGFpbHktcGlubGVzcy0xNg", "1", b"b").unwrap()
        );
    }

    /// The warnings of a verified body, as (path, code).
    fn warnings_of(body: &str) -> Vec<(String, &'static str)> {
        let v = parse_payload(body.as_bytes()).unwrap();
        v.warnings()
            .iter()
            .map(|w| (w.path.clone(), w.code))
            .collect()
    }

    #[test]
    fn payload_shapes() {
        assert_eq!(
            parse_payload(br#"{"Test":"test"}"#).unwrap(),
            Verified::Test
        );
        assert_eq!(
            parse_payload(br#"{"test":"test"}"#).unwrap(),
            Verified::Test
        );
        // Only a body that is not UTF-8 JSON is refused.
        for bad in [&b"{"[..], b"", b"\xff\xfe", b"hello", b"{\"a\":1,}"] {
            assert_eq!(parse_payload(bad).unwrap_err().reason(), "bad_payload");
        }
        // What JSON.parse accepts but this parser refuses (docs/webhooks.md, Limits).
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        for bad in [r#"{"a":1e400}"#, r#"{"a":"\ud800"}"#, &deep] {
            assert_eq!(
                parse_payload(bad.as_bytes()).unwrap_err().reason(),
                "bad_payload"
            );
        }
        let deep_ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(parse_payload(deep_ok.as_bytes()).is_ok());
        let ok = parse_payload(
            br#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":null,"extra":[1]}"#,
        )
        .unwrap();
        assert_eq!(ok.call().unwrap().sip_headers, None);
        assert!(ok.warnings().is_empty());
    }

    #[test]
    fn shape_surprises_are_warnings() {
        let w = |p: &str, c| (p.to_string(), c);
        let (req, ty) = (PayloadWarning::REQUIRED, PayloadWarning::INVALID_TYPE);
        assert_eq!(
            warnings_of(r#"{"Test":"nope"}"#),
            [w("To", req), w("callId", req), w("callDomain", req)]
        );
        let cased =
            parse_payload(br#"{"To":"a","From":"b","callid":"c","callDomain":"d"}"#).unwrap();
        assert_eq!(cased.warnings()[0].path, "callId");
        assert!(cased.warnings()[0].message.contains("case-sensitive"));
        let number = parse_payload(br#"{"To":1,"From":2,"callId":"c","callDomain":"d"}"#).unwrap();
        assert_eq!(number.call().unwrap().to, "");
        assert_eq!(number.call().unwrap().from, None);
        assert!(number.warnings()[0].message.contains("`To` is a number"));
        assert_eq!(number.warnings().len(), 2);
        // No caller ID: From absent or null, no warning.
        for body in [
            r#"{"To":"a","callId":"c","callDomain":"d"}"#,
            r#"{"To":"a","From":null,"callId":"c","callDomain":"d"}"#,
        ] {
            let v = parse_payload(body.as_bytes()).unwrap();
            assert_eq!(v.call().unwrap().from, None, "{body}");
            assert!(v.warnings().is_empty(), "{body}");
        }
        let sip = r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"n":1,"a":[],"o":{},"z":null,"s":"v"}}"#;
        assert_eq!(
            warnings_of(sip),
            [
                w("sipHeaders.a", ty),
                w("sipHeaders.n", ty),
                w("sipHeaders.o", ty),
                w("sipHeaders.z", ty)
            ]
        );
        let v = parse_payload(sip.as_bytes()).unwrap();
        let headers = v.call().unwrap().sip_headers.clone().unwrap();
        assert_eq!(
            headers.into_iter().collect::<Vec<_>>(),
            [("s".into(), "v".into())]
        );
        assert_eq!(
            warnings_of(r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":[]}"#),
            [w("sipHeaders", ty)]
        );
        for body in ["[]", "\"x\"", "1", "null"] {
            let v = parse_payload(body.as_bytes()).unwrap();
            assert_eq!(v.call(), Some(&CallPayload::default()), "{body}");
            assert_eq!(warnings_of(body), [w("", ty)], "{body}");
        }
    }

    /// Bodies near the compact form, for `compact_call_agrees_with_the_value_reading`.
    const NEAR_COMPACT: &[&str] = &[
        r#"{"To":"+12095550100","From":"+14155550123","callId":"8a3c1e0e","callDomain":"dom"}"#,
        r#"{"To":"","From":"","callId":"","callDomain":""}"#,
        "{\"To\":\"é ☎ \u{7f}\",\"From\":\"b\",\"callId\":\"c\",\"callDomain\":\"d\"}",
        r#"{"To":"a\"b","From":"b","callId":"c","callDomain":"d"}"#,
        r#"{"To":"a\nb","From":"b","callId":"c","callDomain":"d"}"#,
        r#"{"To":"a\ud800","From":"b","callId":"c","callDomain":"d"}"#,
        "{\"To\":\"a\tb\",\"From\":\"b\",\"callId\":\"c\",\"callDomain\":\"d\"}",
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":"1","a":"2","x":"3"}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":"1",}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":"1""y":"2"}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":1}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":null}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","Test":"test"}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d"} "#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d"}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","To":"e"}"#,
        r#"{"From":"b","To":"a","callId":"c","callDomain":"d"}"#,
        r#"{"To":"a","From":"b","callId":"c"}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":1}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d""#,
        r#"{"To":"a","From":"b","callId":"c","calldomain":"d"}"#,
        r#"{ "To":"a","From":"b","callId":"c","callDomain":"d"}"#,
    ];

    #[test]
    fn compact_call_agrees_with_the_value_reading() {
        let mut compact = 0;
        for body in NEAR_COMPACT {
            let full = parse_value_payload(body);
            if let Some(call) = compact_call(body) {
                compact += 1;
                assert_eq!(full, Ok(clean(call)), "{body}");
            }
            assert_eq!(parse_payload(body.as_bytes()), full, "{body}");
        }
        // The compact form, with and without sipHeaders (empty, and with a repeated name).
        assert_eq!(compact, 5);
    }

    proptest::proptest! {
        /// Any body made of JSON-ish pieces: the compact reading, when it accepts, agrees.
        #[test]
        fn compact_call_agrees_on_generated_bodies(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "{", "}", "\"", ":", ",", "To", "From", "callId", "callDomain", "sipHeaders",
                "x", "\\", "\\\"", "\\u0041", " ", "\n", "1", "null", "é", "\u{1}",
            ]), 0..40)
        ) {
            let body: String = parts.concat();
            if let Some(call) = compact_call(&body) {
                proptest::prop_assert_eq!(parse_value_payload(&body), Ok(clean(call)));
            }
        }

        /// Compact bodies with arbitrary string values: accepted exactly when no value needs an
        /// escape, and then read as the value reading does.
        #[test]
        fn compact_call_reads_generated_calls(
            values in proptest::collection::vec("[ -~\\u{0}-\\u{1f}é☎\"\\\\]{0,12}", 4),
            sip in proptest::option::of(proptest::collection::vec(("[a-c\"]{0,2}", "[ -~]{0,4}"), 0..4)),
        ) {
            let lit = |s: &str| serde_json::to_string(s).unwrap();
            let mut body = format!(
                "{{\"To\":{},\"From\":{},\"callId\":{},\"callDomain\":{}",
                lit(&values[0]), lit(&values[1]), lit(&values[2]), lit(&values[3])
            );
            if let Some(pairs) = &sip {
                let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{}:{}", lit(k), lit(v))).collect();
                body.push_str(&format!(",\"sipHeaders\":{{{}}}", pairs.join(",")));
            }
            body.push('}');
            let full = parse_value_payload(&body);
            proptest::prop_assert!(full.is_ok(), "{}", body);
            match compact_call(&body) {
                Some(call) => proptest::prop_assert_eq!(full, Ok(clean(call))),
                None => proptest::prop_assert!(body.contains('\\'), "{}", body),
            }
        }
    }

    #[test]
    fn call_payload_serde_uses_wire_names() {
        let p = CallPayload {
            to: "+1".into(),
            from: Some("+2".into()),
            call_id: "c".into(),
            call_domain: "d".into(),
            sip_headers: None,
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"To":"+1","From":"+2","callId":"c","callDomain":"d"}"#
        );
        let back: CallPayload =
            serde_json::from_str(r#"{"To":"+1","From":"+2","callId":"c","callDomain":"d","x":1}"#)
                .unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn debug_of_input_redacts_secrets() {
        let secrets = [SECRET];
        let i = input(b"{}", Some("sig"), Some("1"), &secrets);
        let d = format!("{i:?}");
        assert!(!d.contains(SECRET));
        assert!(d.contains("1 redacted"));
    }

    #[test]
    fn reason_codes_are_distinct() {
        let mut codes: Vec<_> = WebhookErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), WebhookErrorKind::ALL.len());
    }
}
