//! Secrets and signatures: a config's `hmac` decoded and made into HMAC-SHA256 key states, and
//! `HMAC-SHA256(key, timestamp + "." + body)` in Daily's base64.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{WebhookError, WebhookErrorKind, DIGEST_LEN, MIN_SECRET_BYTES};

type HmacSha256 = Hmac<Sha256>;

/// Decoder for SECRETS: standard alphabet, padding optional, non-zero trailing bits tolerated,
/// i.e. the same bytes that Python's `base64.b64decode` or Node's `Buffer.from(s, "base64")`
/// produce for a valid secret, without their acceptance of whitespace or other junk.
/// Signature values are decoded strictly (padded, canonical `STANDARD`); this engine only
/// diagnoses them.
pub(super) const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

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
    pub(super) fn digest(&self, timestamp: &str, body: &[u8]) -> [u8; DIGEST_LEN] {
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
///
/// [`verify`]: fn@super::verify
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
pub(super) fn check_strength(keys: &[PreparedSecret]) -> Result<(), WebhookError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=";

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
}
