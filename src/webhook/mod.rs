//! Pinless webhook (`room_creation_api`) signing and verification:
//! docs/daily-api.md#the-pinless-webhook (docs/daily-api.md#signature,
//! docs/daily-api.md#verification).
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
//!
//! The module is split by job, in private files: `sign.rs` decodes secrets and computes
//! signatures, `verify.rs` runs the checks of [`verify`] in order, `diagnose.rs` explains a
//! signature that does not match, `payload.rs` reads a verified body, and `error.rs` holds the
//! reason codes. Everything public is re-exported here: use `crate::webhook::...`.

mod diagnose;
mod error;
mod payload;
mod sign;
mod verify;

pub use crate::b64::generate_secret;
pub use error::{WebhookError, WebhookErrorKind};
pub use payload::{CallPayload, PayloadWarning, Verified};
pub use sign::{prepare_secrets, sign, sign_with, PreparedSecret};
pub use verify::{normalise_timestamp_seconds, verify, verify_with_secrets, VerifyInput};

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
