//! The checks of [`verify`], in order: signature header, timestamp header, secrets, signature,
//! time window, then the body.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use subtle::{Choice, ConstantTimeEq};

use super::diagnose::{classify, mismatch_message, TokenShape};
use super::payload::parse_payload;
use super::sign::{check_strength, prepare_secrets, PreparedSecret};
use super::{
    Verified, WebhookError, WebhookErrorKind, DEFAULT_TOLERANCE_SECONDS, DIGEST_LEN,
    MILLISECONDS_THRESHOLD, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

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
    ///
    /// [`MIN_SECRET_BYTES`]: super::MIN_SECRET_BYTES
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
///
/// [`MIN_SECRET_BYTES`]: super::MIN_SECRET_BYTES
/// [`PayloadWarning`]: super::PayloadWarning
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

/// Reads a timestamp of 10^12 or more ([`MILLISECONDS_THRESHOLD`]) as Unix milliseconds and
/// returns whole seconds (rounded down); smaller values are returned unchanged.
pub fn normalise_timestamp_seconds(ts: i64) -> i64 {
    if ts >= MILLISECONDS_THRESHOLD {
        ts / 1000
    } else {
        ts
    }
}

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
    // `header.split(is_separator)` without decoding every char. (Index loops here and in
    // `parse_timestamp` were chosen and measured with bench/webhook.mjs when daily-dialin/webhook
    // was built at opt-level "z", where iterator adapters stay calls; it is now built at
    // opt-level 3 (scripts/build-pkg), and the iterator forms have not been measured there.)
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

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=";
    const NOW: i64 = 1_700_000_000;

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
    fn hex_digest_is_named_in_message() {
        let body = br#"{"Test":"test"}"#;
        let hex = "ab".repeat(32);
        let e = verify(&input(body, Some(&hex), Some("1700000000"), &[SECRET])).unwrap_err();
        assert_eq!(e.reason(), "signature_mismatch");
        assert!(e.message().contains("HEX digest"), "{e}");
    }

    #[test]
    fn debug_of_input_redacts_secrets() {
        let secrets = [SECRET];
        let i = input(b"{}", Some("sig"), Some("1"), &secrets);
        let d = format!("{i:?}");
        assert!(!d.contains(SECRET));
        assert!(d.contains("1 redacted"));
    }
}
