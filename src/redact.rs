//! Removing secrets (the API key, a config's `hmac`) from text that came from elsewhere: an error
//! body a server sent back, a `fetch` failure's message. A server or proxy that echoes the request
//! may write a secret as it was sent, JSON-escaped (`\"`, `\/`, `\u0041`, even escaped twice when a
//! JSON body is quoted inside another), or percent-encoded in either letter case, and a message
//! may mix these forms. So the match is made on the *decoded* text: at each position, every
//! character of the secret may appear literally, as a `%XX` escape or as a JSON escape. What
//! matches is replaced by `***`.
//!
//! Secrets of any length are redacted, even a one-character key: mangling a message is better than
//! leaking a key. Secrets as long as Daily's keys and hmacs never match by chance.
//!
//! [`redact_body`] hides the `hmac` values of a request body we built, for previews and `Debug`.

#[allow(unused_imports)]
use crate::prelude::*;

/// What replaces a secret.
pub const MASK: &str = "***";

/// Replaces every occurrence of each of `secrets` in `text`, in any of the encodings above, by
/// [`MASK`]. Empty secrets are ignored. Linear in `text` times the secrets' lengths.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Start of the text not yet copied to `out`.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = secrets
            .iter()
            .filter(|s| !s.is_empty())
            .filter_map(|s| match_at(bytes, i, s.as_bytes()))
            .max();
        match end {
            Some(end) => {
                out.push_str(text.get(copied..i).unwrap_or(""));
                out.push_str(MASK);
                i = end;
                copied = end;
            }
            None => i += 1,
        }
    }
    out.push_str(text.get(copied..).unwrap_or(""));
    // A match can end inside a multi-byte character only if the secret itself ended with a
    // partial character, which a `&str` cannot; `get` keeps this total anyway.
    out
}

/// True when `text` holds one of `secrets` in any of the encodings [`redact`] knows.
pub fn contains_secret(text: &str, secrets: &[&str]) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        secrets
            .iter()
            .any(|s| !s.is_empty() && match_at(bytes, i, s.as_bytes()).is_some())
    })
}

/// Where a match of `secret` starting at `text[at]` ends, if there is one.
fn match_at(text: &[u8], at: usize, secret: &[u8]) -> Option<usize> {
    let mut i = at;
    for &want in secret {
        i = match_byte(text, i, want)?;
    }
    Some(i)
}

/// Matches one byte of a secret at `text[i]`: literally, percent-encoded, or JSON-escaped (any
/// number of backslashes, so that a body quoted inside another JSON string matches too). A
/// non-ASCII character written as `\uXXXX` is matched byte by byte through its UTF-8 form by
/// [`unicode_escape`].
fn match_byte(text: &[u8], i: usize, want: u8) -> Option<usize> {
    let c = *text.get(i)?;
    if c == want {
        return Some(i + 1);
    }
    if c == b'%' {
        let v = hex(text.get(i + 1..i + 3)?)?;
        return (v == u32::from(want)).then_some(i + 3);
    }
    if c == b'\\' {
        let mut j = i;
        while text.get(j) == Some(&b'\\') {
            j += 1;
        }
        let decoded = match *text.get(j)? {
            b'u' => return unicode_escape(text, j + 1, want),
            b'n' => b'\n',
            b't' => b'\t',
            b'r' => b'\r',
            b'b' => 8,
            b'f' => 12,
            other => other,
        };
        return (decoded == want).then_some(j + 1);
    }
    None
}

/// `\uXXXX` whose code point is the ASCII byte `want`. (Non-ASCII secrets are matched in their
/// literal or percent-encoded UTF-8 forms; API keys and base64 secrets are ASCII.)
fn unicode_escape(text: &[u8], at: usize, want: u8) -> Option<usize> {
    let v = hex(text.get(at..at + 4)?)?;
    (v == u32::from(want)).then_some(at + 4)
}

fn hex(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc * 16 + crate::text::hex_value(d)?))
}

/// The body with the value of every `hmac` key (at any depth, in any letter case: `HMAC`,
/// `Hmac`, ...) replaced by `"***"`, for previews and logs; the rest of the text is kept as it
/// is. A body that is not JSON is hidden whole (it might hold a secret in a form we cannot see).
pub fn redact_body(body: &str) -> String {
    let mut scan = json_scan::Scan::new(body);
    if scan.document().is_err() {
        return "<body hidden: not JSON>".to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for &(start, end) in &scan.secrets {
        out.push_str(body.get(at..start).unwrap_or_default());
        out.push_str("\"***\"");
        at = end;
    }
    out.push_str(body.get(at..).unwrap_or_default());
    out
}

/// A small JSON checker (RFC 8259) that finds the spans of `hmac` values: `redact_body` needs
/// only that, and a full parser would cost the browser module several kilobytes.
mod json_scan {
    #[allow(unused_imports)]
    use crate::prelude::*;

    /// Deepest nesting accepted; deeper input is treated as not JSON (as serde_json does at 128).
    const MAX_DEPTH: usize = 128;

    pub struct Scan<'a> {
        text: &'a str,
        s: &'a [u8],
        i: usize,
        /// Byte spans of the values to redact, in order.
        pub secrets: Vec<(usize, usize)>,
    }

    pub struct NotJson;

    impl<'a> Scan<'a> {
        pub fn new(text: &'a str) -> Self {
            Scan {
                text,
                s: text.as_bytes(),
                i: 0,
                secrets: Vec::new(),
            }
        }

        pub fn document(&mut self) -> Result<(), NotJson> {
            self.value(0)?;
            self.ws();
            if self.i == self.s.len() {
                Ok(())
            } else {
                Err(NotJson)
            }
        }

        fn peek(&self) -> Option<u8> {
            self.s.get(self.i).copied()
        }

        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
                self.i += 1;
            }
        }

        fn eat(&mut self, b: u8) -> Result<(), NotJson> {
            if self.peek() == Some(b) {
                self.i += 1;
                Ok(())
            } else {
                Err(NotJson)
            }
        }

        fn literal(&mut self, word: &[u8]) -> Result<(), NotJson> {
            if self.s.get(self.i..).is_some_and(|rest| rest.starts_with(word)) {
                self.i += word.len();
                Ok(())
            } else {
                Err(NotJson)
            }
        }

        fn value(&mut self, depth: usize) -> Result<(), NotJson> {
            if depth > MAX_DEPTH {
                return Err(NotJson);
            }
            self.ws();
            match self.peek().ok_or(NotJson)? {
                b'{' => self.object(depth),
                b'[' => self.array(depth),
                b'"' => self.string(None),
                b't' => self.literal(b"true"),
                b'f' => self.literal(b"false"),
                b'n' => self.literal(b"null"),
                _ => self.number(),
            }
        }

        /// Moves past `open` and, when the container is empty, past `close` too; true if it was.
        fn open(&mut self, open: u8, close: u8) -> Result<bool, NotJson> {
            self.eat(open)?;
            self.ws();
            let empty = self.peek() == Some(close);
            if empty {
                self.i += 1;
            }
            Ok(empty)
        }

        /// After an item: moves past `,` (false: more items follow) or `close` (true: done).
        fn item_end(&mut self, close: u8) -> Result<bool, NotJson> {
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    Ok(false)
                }
                Some(b) if b == close => {
                    self.i += 1;
                    Ok(true)
                }
                _ => Err(NotJson),
            }
        }

        fn array(&mut self, depth: usize) -> Result<(), NotJson> {
            if self.open(b'[', b']')? {
                return Ok(());
            }
            loop {
                self.value(depth + 1)?;
                if self.item_end(b']')? {
                    return Ok(());
                }
            }
        }

        fn object(&mut self, depth: usize) -> Result<(), NotJson> {
            if self.open(b'{', b'}')? {
                return Ok(());
            }
            loop {
                self.ws();
                let mut key = String::new();
                self.string(Some(&mut key))?;
                self.ws();
                self.eat(b':')?;
                self.ws();
                let start = self.i;
                self.value(depth + 1)?;
                if key.eq_ignore_ascii_case("hmac") {
                    self.secrets.push((start, self.i));
                }
                if self.item_end(b'}')? {
                    return Ok(());
                }
            }
        }

        /// A string; its decoded text goes to `decoded` when given (object keys).
        fn string(&mut self, mut decoded: Option<&mut String>) -> Result<(), NotJson> {
            self.eat(b'"')?;
            let mut run = self.i;
            loop {
                let b = self.peek().ok_or(NotJson)?;
                match b {
                    b'"' | b'\\' => {
                        if let Some(d) = decoded.as_deref_mut() {
                            // Runs between escapes are whole UTF-8 sequences of a &str.
                            d.push_str(self.text.get(run..self.i).ok_or(NotJson)?);
                        }
                        self.i += 1;
                        if b == b'"' {
                            return Ok(());
                        }
                        let c = match self.peek().ok_or(NotJson)? {
                            b'u' => {
                                let hex = self.s.get(self.i + 1..self.i + 5).ok_or(NotJson)?;
                                let mut n = 0u32;
                                for h in hex {
                                    n = n * 16 + crate::text::hex_value(*h).ok_or(NotJson)?;
                                }
                                self.i += 4;
                                // A surrogate half decodes to U+FFFD: only keys are decoded, to
                                // compare them with "hmac".
                                char::from_u32(n).unwrap_or('\u{fffd}')
                            }
                            e => crate::text::json_escape(e).ok_or(NotJson)?,
                        };
                        if let Some(d) = decoded.as_deref_mut() {
                            d.push(c);
                        }
                        self.i += 1;
                        run = self.i;
                    }
                    0..=0x1f => return Err(NotJson),
                    _ => self.i += 1,
                }
            }
        }

        fn digits(&mut self) -> Result<(), NotJson> {
            let start = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i > start {
                Ok(())
            } else {
                Err(NotJson)
            }
        }

        fn number(&mut self) -> Result<(), NotJson> {
            if self.peek() == Some(b'-') {
                self.i += 1;
            }
            if self.peek() == Some(b'0') {
                self.i += 1;
            } else {
                self.digits()?;
            }
            if self.peek() == Some(b'.') {
                self.i += 1;
                self.digits()?;
            }
            if let Some(b'e' | b'E') = self.peek() {
                self.i += 1;
                if let Some(b'+' | b'-') = self.peek() {
                    self.i += 1;
                }
                self.digits()?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
// Tests may format and slice: the no_std rules (`no_std_core!` in lib.rs) are for shipped code.
#[allow(clippy::disallowed_macros, clippy::string_slice)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_a1b2\"c3/d4+e5=";

    fn pct(s: &str, upper: bool) -> String {
        s.bytes()
            .map(|b| {
                if upper {
                    format!("%{b:02X}")
                } else {
                    format!("%{b:02x}")
                }
            })
            .collect()
    }

    #[test]
    fn redacts_every_encoding() {
        let json = serde_json::to_string(KEY).unwrap();
        let json = &json[1..json.len() - 1];
        let twice = serde_json::to_string(&format!("{{\"k\":\"{json}\"}}")).unwrap();
        let forms = [
            KEY.to_string(),
            json.to_string(),
            json.replace('/', "\\/"),
            pct(KEY, true),
            pct(KEY, false),
            KEY.bytes().map(|b| format!("\\u{:04x}", b)).collect(),
            KEY.bytes().map(|b| format!("\\u{:04X}", b)).collect(),
            twice,
        ];
        for form in forms {
            let text = format!("error: got {form}, see logs");
            let out = redact(&text, &[KEY]);
            assert!(out.contains(MASK), "{text} -> {out}");
            assert!(!contains_secret(&out, &[KEY]), "{text} -> {out}");
        }
    }

    #[test]
    fn short_secrets_are_redacted_too() {
        assert_eq!(redact("key=ab; x", &["ab"]), "key=***; x");
        assert_eq!(redact("a%62c", &["b"]), "a***c");
        assert_eq!(redact("nothing here", &["zq"]), "nothing here");
        assert_eq!(redact("x", &[""]), "x");
    }

    #[test]
    fn keeps_the_rest_of_the_text() {
        assert_eq!(
            redact("é before SECRET and after ü", &["SECRET"]),
            "é before *** and after ü"
        );
        assert_eq!(redact("SECRETSECRET", &["SECRET"]), "******");
        assert_eq!(redact("ab abc", &["abc", "ab"]), "*** ***");
    }

    proptest::proptest! {
        #[test]
        fn never_leaves_an_encoded_secret(
            // No `*`: the mask itself is made of it.
            secret in "[ -)+-~]{1,24}",
            before in "[ -)+-~]{0,20}",
            after in "[ -)+-~]{0,20}",
            mode in 0u8..5,
        ) {
            let form = match mode {
                0 => secret.clone(),
                1 => {
                    let j = serde_json::to_string(&secret).unwrap();
                    j[1..j.len() - 1].to_string()
                }
                2 | 3 => pct(&secret, mode == 2),
                _ => secret.bytes().map(|b| format!("\\u{:04x}", b)).collect(),
            };
            let out = redact(&format!("{before}{form}{after}"), &[&secret]);
            proptest::prop_assert!(!out.contains(&secret));
            proptest::prop_assert!(!contains_secret(&out, &[&secret]));
        }
    }
}
