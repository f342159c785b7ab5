//! Standard, padded base64 (RFC 4648 §4) for the small wasm modules: encoding a new `hmac`
//! secret and checking a given one.
//!
//! Hand-written rather than the base64 crate's `STANDARD` engine, which the webhook module still
//! uses for signatures: the crate's fast encoder and decoder were ~2 KB and ~1.8 KB gzip of the
//! `daily-dialin/core` module, for 44-character secrets. Property tests (tests/props.rs) compare
//! both functions with `STANDARD` on random and mutated input.

#[allow(unused_imports)]
use crate::prelude::*;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The index of `c` in [`ALPHABET`].
fn value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// A new secret for a pinless config's `hmac`: standard padded base64 of the 32 bytes given.
/// Pass bytes from a cryptographically secure source (e.g. `crypto.getRandomValues`). Here rather
/// than in `webhook` (which re-exports it) because `generateHmacSecret` is also in the no_std
/// core module, which does not compile `webhook`.
pub fn generate_secret(random: &[u8; 32]) -> String {
    encode(random)
}

/// `bytes` as standard, padded base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(*chunk.get(i).unwrap_or(&0));
        let n = byte(0) << 16 | byte(1) << 8 | byte(2);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            out.push(if i <= chunk.len() {
                // The mask keeps the index in range (the `get` check is optimised out).
                ALPHABET
                    .get((n >> shift & 63) as usize)
                    .map_or('=', |&c| char::from(c))
            } else {
                '='
            });
        }
    }
    out
}

/// The decoded length of `s` when it is standard, padded, canonical base64 (what the base64
/// crate's `STANDARD` engine accepts), else `None`. Validation needs only the verdict and the
/// length, so nothing is decoded.
pub fn decoded_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() % 4 != 0 {
        return None;
    }
    let pad = b.iter().rev().take_while(|c| **c == b'=').count();
    let body = b.get(..b.len() - pad.min(b.len()))?;
    let mut last = 0;
    for &c in body {
        last = value(c)?;
    }
    // Canonical: the bits of the last symbol that fall past the last byte are zero.
    let canonical = match pad {
        0 => true,
        1 => last & 0b11 == 0,
        2 => last & 0b1111 == 0,
        _ => false,
    };
    canonical.then_some(body.len() * 3 / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_inverts_the_alphabet() {
        for (i, c) in ALPHABET.iter().enumerate() {
            assert_eq!(value(*c), Some(i as u8));
        }
        assert_eq!((0..=255u8).filter_map(value).count(), 64);
    }
}
