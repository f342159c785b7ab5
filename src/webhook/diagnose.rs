//! Why a signature did not match, in words: each signature value is classified (hex, URL-safe,
//! unpadded, wrong length, ...) so that the `signature_mismatch` message names the likely cause.

#[allow(unused_imports)]
use crate::prelude::*;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::sign::LENIENT;
use super::{DIGEST_LEN, SIGNATURE_HEADER};

/// At most this many signature values are described one by one in a mismatch message.
const MAX_TOKEN_NOTES: usize = 4;

/// What a signature value looks like, for the mismatch message.
pub(super) enum TokenShape {
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

pub(super) fn classify(token: &str) -> TokenShape {
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

pub(super) fn mismatch_message(shapes: &[TokenShape], n_secrets: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::sign;

    const SECRET: &str = "jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=";

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
}
