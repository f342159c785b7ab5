//! Why a webhook was rejected: a stable reason code and a message without secrets.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

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
    ///
    /// [`MIN_SECRET_BYTES`]: super::MIN_SECRET_BYTES
    BadSecret,
    /// No signature value matches any secret.
    SignatureMismatch,
    /// Signature valid, but the body is not UTF-8 JSON (of any shape: shape surprises are
    /// [`PayloadWarning`]s); or, in the JS adapter, the body is not a string or bytes.
    ///
    /// [`PayloadWarning`]: super::PayloadWarning
    BadPayload,
    /// An option of the call is unusable (the JS adapter's `now`, `toleranceSeconds`, a sign
    /// `timestamp`, or no options object). [`verify`] itself never returns it: its input is typed.
    ///
    /// [`verify`]: fn@super::verify
    BadOptions,
}

impl WebhookErrorKind {
    /// Every kind, in the order in which [`verify`] checks for them (except `BadSecret`, which
    /// comes after the timestamp parse, and the window, which comes after the signature), then
    /// `BadOptions`, which the JS adapter checks before anything else.
    ///
    /// [`verify`]: fn@super::verify
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_distinct() {
        let mut codes: Vec<_> = WebhookErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), WebhookErrorKind::ALL.len());
    }
}
