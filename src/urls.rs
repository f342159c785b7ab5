//! URL checks for `room_creation_api` and `hold_music_url` (docs/daily-api.md#rule-url-absolute,
//! docs/daily-api.md#rule-url-public, docs/daily-api.md#rule-hold-music-mp3, and the host rules of
//! docs/daily-api.md#hosts) and for base URLs (docs/daily-api.md#rule-base-url).
//!
//! A URL is judged by the host that the WHATWG URL parser (`new URL()` in browsers and Node, so what
//! a user's code and Daily connect to) finds in it, not by its text:
//!
//! - **Authority** (http and https are "special" schemes): it ends at the first `/`, `\`, `?` or
//!   `#`; userinfo runs to the last `@` in it; the port is digits only. `\` counts as `/`, so in
//!   `https://127.0.0.1\@example.com/` the host is `127.0.0.1`.
//! - **Numbers**: a host whose last label (one trailing dot ignored) is all digits or `0x` + hex
//!   is an IPv4 address, parsed as the standard does (1 to 4 parts, each decimal, octal with a
//!   leading `0` or hex with `0x`, the last filling the remaining bytes): `0x7f.1` is 127.0.0.1,
//!   and `foo.123`, `09` or `1.2.3.256` are invalid, as `new URL()` throws on them. A bracketed host
//!   goes through the standard IPv6 parser (`::`, an embedded dotted IPv4 at the end) to 8 pieces.
//! - **The address is judged, not its spelling**: loopback, unspecified, private, carrier-grade
//!   NAT, link-local, multicast and reserved IPv4; `::1`, `::`, fc00::/7, fe80::/10, fec0::/10 and
//!   ff00::/8; for IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and
//!   6to4 (2002::/16) addresses, the IPv4 address inside. Such hosts are `not_public_url` (the
//!   message names the address). An address that is public but written other than as `new URL()`
//!   serialises it (`0x08.8.8.8`, `[2001:DB8:0:0::1]`) is `invalid_url`, with the canonical form to
//!   write instead, so the stored URL shows the address that will be called.
//! - **ASCII hosts only**: a host with any non-ASCII character (fullwidth `１２７.０.０.１`, a soft
//!   hyphen or zero-width space that IDNA drops) is refused (`invalid_url`: write the host in its
//!   ASCII `xn--` form), as is `%` in a host (the parser would percent-decode it). UTS-46 mapping
//!   tables would cost far more than this module's whole size budget, and with ASCII input the
//!   parser only lower-cases, as we do: the host judged here is exactly the one `new URL()` yields
//!   (one trailing dot aside; `localhost.` is judged as `localhost`). The one known difference:
//!   `new URL()` also checks the Punycode of `xn--` labels and throws on a bad one, which we accept.
//!
//! Hand-written rather than the `url` crate: we only need scheme, host and path, and `url` brings
//! IDNA tables that would multiply the size of the WASM module. `tests/js/hosts-differential`
//! compares these verdicts with Node's `URL` on generated spellings.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::{self, cat};

/// A host as the URL parser reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// A domain name (ASCII, lower-cased).
    Domain,
    V4([u8; 4]),
    V6([u16; 8]),
}

/// The parts of an absolute http(s) URL that the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl<'a> {
    pub https: bool,
    /// The host as written, lower-cased, without brackets, port or one trailing dot.
    pub host: String,
    /// What the host is.
    pub kind: Host,
    /// Path without query or fragment (may be empty).
    pub path: &'a str,
    /// The authority has a userinfo part (`user:password@`).
    pub userinfo: bool,
}

/// Why a string is not an absolute http(s) URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    NotAbsolute,
    BadScheme,
    NoHost,
    BadHost,
    BadAddress,
    NonAscii,
    BadPort,
    Whitespace,
}

impl UrlError {
    pub fn describe(&self) -> &'static str {
        match self {
            UrlError::NotAbsolute => "is not an absolute URL (expected https://host/path)",
            UrlError::BadScheme => "must use https:// (or http://)",
            UrlError::NoHost => "has no host",
            UrlError::BadHost => "has a host with characters a host name cannot hold",
            UrlError::BadAddress => "has a numeric host that is not a valid IP address",
            UrlError::NonAscii => {
                "has a host with non-ASCII characters; write the host in its ASCII form (xn--...)"
            }
            UrlError::BadPort => "has a port that is not a number from 1 to 65535",
            UrlError::Whitespace => "contains whitespace or control characters",
        }
    }
}

/// Parses an absolute `http://` or `https://` URL with a host, as the WHATWG URL parser would.
pub fn parse(s: &str) -> Result<ParsedUrl<'_>, UrlError> {
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Whitespace);
    }
    // By bytes, and with `get` rather than slicing: std's substring search and a failed slice
    // bring panic-message code into the wasm modules.
    let Some(at) = text::find(s, "://") else {
        return Err(UrlError::NotAbsolute);
    };
    let (Some(scheme), Some(rest)) = (s.get(..at), s.get(at + 3..)) else {
        return Err(UrlError::NotAbsolute);
    };
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return Err(UrlError::BadScheme),
    };
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at_checked(end).unwrap_or((rest, ""));
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let path = tail.get(..path_end).unwrap_or(tail);
    // Drop userinfo; the host is after the last '@'.
    let host_port = text::rsplit_byte(authority, b'@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(inner) => {
            let Some((h, after)) = inner.split_once(']') else {
                return Err(UrlError::BadHost);
            };
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or(UrlError::BadHost)?),
            };
            (h, port)
        }
        None => match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    if let Some(p) = port {
        let n = p.bytes().try_fold(0u32, |n, b| {
            (b.is_ascii_digit() && n <= 65535).then(|| n * 10 + u32::from(b - b'0'))
        });
        if !p.is_empty() && !matches!(n, Some(1..=65535)) {
            return Err(UrlError::BadPort);
        }
    }
    if !host.is_ascii() {
        return Err(UrlError::NonAscii);
    }
    if host.contains('%') {
        return Err(UrlError::BadHost);
    }
    let host = host.to_ascii_lowercase();
    let kind = if host_port.starts_with('[') {
        Host::V6(parse_v6(host.as_bytes()).ok_or(UrlError::BadAddress)?)
    } else {
        let trimmed = host.strip_suffix('.').unwrap_or(&host);
        if trimmed.is_empty() {
            return Err(UrlError::NoHost);
        }
        let last = text::rsplit_byte(trimmed, b'.').map_or(trimmed, |(_, l)| l);
        if !last.is_empty() && (last.bytes().all(|b| b.is_ascii_digit()) || v4_part(last).is_some())
        {
            Host::V4(parse_v4(trimmed).ok_or(UrlError::BadAddress)?)
        } else if trimmed.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        }) {
            Host::Domain
        } else {
            return Err(UrlError::BadHost);
        }
    };
    let host = match host.strip_suffix('.') {
        Some(h) => h.to_string(),
        None => host,
    };
    Ok(ParsedUrl {
        https,
        host,
        kind,
        path,
        userinfo: host_port.len() != authority.len(),
    })
}

/// One part of an IPv4 host (the standard's "IPv4 number parser"): decimal, octal after a leading
/// `0`, hex after `0x`; `None` when it is not a number. Large values saturate (and are refused).
fn v4_part(p: &str) -> Option<u64> {
    let (digits, radix) = match p.as_bytes() {
        [] => return None,
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
        all => (all, 10),
    };
    digits.iter().try_fold(0u64, |n, &b| {
        let d = text::hex_value(b).filter(|&d| d < radix)?;
        Some(if n >> 33 != 0 {
            n
        } else {
            n * u64::from(radix) + u64::from(d)
        })
    })
}

/// The standard's IPv4 parser, on a host without its trailing dot.
fn parse_v4(host: &str) -> Option<[u8; 4]> {
    let mut parts = [0u64; 4];
    let mut n = 0;
    for p in host.split('.') {
        *parts.get_mut(n)? = v4_part(p)?;
        n += 1;
    }
    let (&last, init) = parts.get(..n)?.split_last()?;
    if init.iter().any(|&x| x > 255) || last >= 1u64 << (8 * (5 - n)) {
        return None;
    }
    let mut v = last;
    for (i, &x) in init.iter().enumerate() {
        v += x << (8 * (3 - i));
    }
    Some((v as u32).to_be_bytes())
}

/// The standard's IPv6 parser, on the text between the brackets.
fn parse_v6(s: &[u8]) -> Option<[u16; 8]> {
    let at = |i: usize| s.get(i).copied();
    let mut a = [0u16; 8];
    let mut piece = 0usize;
    let mut compress = None;
    let mut i = 0;
    if at(0) == Some(b':') {
        if at(1) != Some(b':') {
            return None;
        }
        i = 2;
        piece = 1;
        compress = Some(1);
    }
    while let Some(c) = at(i) {
        if piece == 8 {
            return None;
        }
        if c == b':' {
            if compress.is_some() {
                return None;
            }
            i += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let mut value = 0u32;
        let mut len = 0;
        while let (true, Some(d)) = (len < 4, at(i).and_then(text::hex_value)) {
            value = value * 16 + d;
            i += 1;
            len += 1;
        }
        match at(i) {
            Some(b'.') => {
                if len == 0 || piece > 6 {
                    return None;
                }
                i -= len;
                let mut seen = 0;
                while let Some(c) = at(i) {
                    if seen > 0 {
                        if c != b'.' || seen == 4 {
                            return None;
                        }
                        i += 1;
                    }
                    let mut part: Option<u32> = None;
                    while let Some(d @ b'0'..=b'9') = at(i) {
                        let d = u32::from(d - b'0');
                        part = match part {
                            None => Some(d),
                            Some(0) => return None,
                            Some(x) => Some(x * 10 + d).filter(|&x| x <= 255),
                        };
                        part?;
                        i += 1;
                    }
                    let slot = a.get_mut(piece)?;
                    *slot = (*slot << 8) | part? as u16;
                    seen += 1;
                    if seen == 2 || seen == 4 {
                        piece += 1;
                    }
                }
                if seen != 4 {
                    return None;
                }
                break;
            }
            Some(b':') => {
                i += 1;
                at(i)?;
            }
            Some(_) => return None,
            None => {}
        }
        *a.get_mut(piece)? = value as u16;
        piece += 1;
    }
    match compress {
        // The pieces after `::` move to the end.
        Some(c) => {
            let mut out = [0u16; 8];
            for (k, &v) in a.iter().enumerate().take(piece) {
                let to = if k < c { k } else { k + 8 - piece };
                *out.get_mut(to)? = v;
            }
            Some(out)
        }
        None => (piece == 8).then_some(a),
    }
}

fn push_v4(out: &mut String, v4: [u8; 4]) {
    for (i, b) in v4.into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        text::push_uint(out, u64::from(b), 1);
    }
}

/// The address as `new URL()` writes it (IPv6 without brackets).
pub fn canonical(kind: Host) -> Option<String> {
    let mut out = String::new();
    match kind {
        Host::Domain => return None,
        Host::V4(v4) => push_v4(&mut out, v4),
        Host::V6(a) => {
            // The first longest run of two or more zero pieces becomes `::`.
            let (mut best, mut best_len, mut run) = (8, 1, 0);
            for (i, &p) in a.iter().enumerate() {
                run = if p == 0 { run + 1 } else { 0 };
                if run > best_len {
                    (best, best_len) = (i + 1 - run, run);
                }
            }
            let mut i = 0;
            while let Some(&p) = a.get(i) {
                if i == best {
                    out.push_str(if i == 0 { "::" } else { ":" });
                    i += best_len;
                    continue;
                }
                let mut started = false;
                for shift in [12, 8, 4, 0] {
                    let d = (p >> shift) & 15;
                    started |= d != 0 || shift == 0;
                    if started {
                        out.push(text::hex_digit(text::LOWER_HEX, u32::from(d)));
                    }
                }
                if i < 7 {
                    out.push(':');
                }
                i += 1;
            }
        }
    }
    Some(out)
}

fn v4_reason([a, b, _, _]: [u8; 4]) -> Option<&'static str> {
    match (a, b) {
        (127, _) => Some("a loopback address"),
        (10, _) | (192, 168) | (172, 16..=31) => Some("a private address"),
        (100, 64..=127) => Some("a shared (carrier-grade NAT) address"),
        (169, 254) => Some("a link-local address"),
        (0, _) => Some("an unspecified address"),
        (224..=255, _) => Some("a multicast or reserved address"),
        _ => None,
    }
}

/// Why an address is not one Daily can reach, or `None` when it is public.
fn address_reason(kind: Host) -> Option<String> {
    let a = match kind {
        Host::Domain => return None,
        Host::V4(v4) => return v4_reason(v4).map(String::from),
        Host::V6(a) => a,
    };
    let embedded = |hi: u16, lo: u16| {
        let v4 = [(hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8];
        let why = v4_reason(v4)?;
        let mut out = cat!(why, " (");
        push_v4(&mut out, v4);
        out.push_str(" in an IPv6 address)");
        Some(out)
    };
    let why = match a {
        [0, 0, 0, 0, 0, 0, 0, 1] => "a loopback address",
        [0, 0, 0, 0, 0, 0, 0, 0] => "an unspecified address",
        [0, 0, 0, 0, 0, 0xffff | 0, hi, lo] | [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => {
            return embedded(hi, lo)
        }
        [0x2002, hi, lo, ..] => return embedded(hi, lo),
        [0x64, 0xff9b, 1, ..] => "a local-use NAT64 address",
        [p, ..] if p & 0xfe00 == 0xfc00 => "a private (unique local) address",
        [p, ..] if p & 0xffc0 == 0xfe80 => "a link-local address",
        [p, ..] if p & 0xffc0 == 0xfec0 => "a site-local address",
        [p, ..] if p >= 0xff00 => "a multicast address",
        _ => return None,
    };
    Some(why.to_string())
}

/// Why a domain name is not one Daily can reach, or `None` when it looks public.
fn domain_reason(host: &str) -> Option<&'static str> {
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("a localhost name");
    }
    if host.ends_with(".local")
        || host.ends_with(".internal")
        || host.ends_with(".lan")
        || host.ends_with(".home.arpa")
    {
        return Some("a local-network name");
    }
    if !host.contains('.') {
        return Some("a single-label name that only resolves on a local network");
    }
    None
}

/// A URL that the rules refuse, and why (the message starts after the field's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `not_public_url` rather than `invalid_url`.
    pub not_public: bool,
    pub message: String,
}

/// Parses `s` and judges its host: an error for a URL `parse` refuses, a host Daily cannot reach
/// (unless `allow_private`), or an IP address not written in its canonical form.
pub fn check(s: &str, allow_private: bool) -> Result<ParsedUrl<'_>, Refusal> {
    let u = parse(s).map_err(|e| Refusal {
        not_public: false,
        message: e.describe().to_string(),
    })?;
    let canon = canonical(u.kind).filter(|c| *c != u.host);
    let why = match u.kind {
        Host::Domain => domain_reason(&u.host).map(String::from),
        kind => address_reason(kind),
    };
    // IPv6 addresses are shown as they are written in a URL.
    let (open, close) = match u.kind {
        Host::V6(_) => ("[", "]"),
        _ => ("", ""),
    };
    if let (Some(why), false) = (why, allow_private) {
        let mut message = cat!("points at ", open, u.host, close);
        if let Some(c) = &canon {
            message.push_str(&cat!(", which is ", open, c, close));
        }
        message.push_str(&cat!(", ", why, "; Daily cannot reach it: use a public host, or allowPrivateUrls with the local emulator"));
        return Err(Refusal {
            not_public: true,
            message,
        });
    }
    if let Some(c) = canon {
        return Err(Refusal {
            not_public: false,
            message: cat!(
                "has the IP address written ",
                open,
                u.host,
                close,
                "; write it as ",
                open,
                c,
                close
            ),
        });
    }
    Ok(u)
}

/// Why the IP address `ip` (as `dns.lookup` returns it: dotted IPv4 or IPv6, maybe with a
/// `%zone`) is not one Daily can reach, or `None` when it is public. Text that is not an address
/// is refused too.
pub fn ip_reason(ip: &str) -> Option<String> {
    let ip = ip.split('%').next().unwrap_or(ip);
    let kind = if ip.contains(':') {
        parse_v6(ip.as_bytes()).map(Host::V6)
    } else {
        parse_v4(ip).map(Host::V4)
    };
    match kind {
        Some(k) => address_reason(k),
        None => Some("not an IP address".to_string()),
    }
}

#[cfg(test)]
// Tests may format and slice: the no_std rules (`no_std_core!` in lib.rs) are for shipped code.
#[allow(clippy::disallowed_macros, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_urls() {
        let u = parse("https://Example.com:8443/api/dial?x=1#y").unwrap();
        assert!(u.https);
        assert_eq!(u.host, "example.com");
        assert_eq!(u.kind, Host::Domain);
        assert_eq!(u.path, "/api/dial");
        let u = parse("http://user:pw@[::1]:8080/x").unwrap();
        assert_eq!(u.host, "::1");
        assert_eq!(u.kind, Host::V6([0, 0, 0, 0, 0, 0, 0, 1]));
        assert!(!u.https);
        // `\` ends the authority in http(s), as `/` does: the `@` after it is in the path.
        assert_eq!(
            parse("https://127.0.0.1\\@example.com/").unwrap().host,
            "127.0.0.1"
        );
        assert_eq!(
            parse("https://a@b@example.com./").unwrap().host,
            "example.com"
        );
    }

    #[test]
    fn rejects_bad_urls() {
        assert_eq!(parse("example.com/x"), Err(UrlError::NotAbsolute));
        assert_eq!(parse("ftp://example.com"), Err(UrlError::BadScheme));
        assert_eq!(parse("https:///path"), Err(UrlError::NoHost));
        assert_eq!(parse("https://exa mple.com"), Err(UrlError::Whitespace));
        assert_eq!(parse("https://example.com:99999/"), Err(UrlError::BadPort));
        assert_eq!(parse("https://example.com:+1/"), Err(UrlError::BadPort));
        assert_eq!(parse("https://ex%ample.com/"), Err(UrlError::BadHost));
        assert_eq!(parse("https://%31.0.0.1/"), Err(UrlError::BadHost));
        assert_eq!(parse("https://[::1%25lo]/"), Err(UrlError::BadHost));
        assert_eq!(parse("https://[::1/"), Err(UrlError::BadHost));
        assert_eq!(parse("https://a..b/"), Err(UrlError::BadHost));
        assert_eq!(parse("https://1.2.3.4../"), Err(UrlError::BadHost));
        for h in [
            "１２７.０.０.１",
            "foo.ｌｏｃａｌｈｏｓｔ",
            "exa\u{ad}mple.com",
            "a\u{200b}.com",
        ] {
            assert_eq!(
                parse(&format!("https://{h}/")),
                Err(UrlError::NonAscii),
                "{h}"
            );
        }
        for h in [
            "foo.123",
            "09",
            "1.2.3.256",
            "256.1",
            "1.2.3.4.5",
            "0x1g.0x1",
            "a.0x",
            "[1:2:3:4:5:6:7:8:9]",
            "[1::2::3]",
            "[::1.2.3]",
            "[::01.2.3.4]",
            "[:1]",
            "[1:]",
            "4294967296",
            "0x100000000",
        ] {
            assert_eq!(
                parse(&format!("http://{h}/")),
                Err(UrlError::BadAddress),
                "{h}"
            );
        }
    }

    fn host_of(s: &str) -> (Host, Option<String>) {
        let url = format!("http://{s}/");
        let kind = parse(&url).unwrap().kind;
        (kind, canonical(kind))
    }

    #[test]
    fn reads_numbers_as_the_url_standard_does() {
        for (h, want) in [
            ("0x7f.0.0.1", "127.0.0.1"),
            ("0x7f.1", "127.0.0.1"),
            ("0177.0.0.1", "127.0.0.1"),
            ("10.0x0.0.1", "10.0.0.1"),
            ("2130706433", "127.0.0.1"),
            ("127.1", "127.0.0.1"),
            ("0x", "0.0.0.0"),
            ("0XA.0", "10.0.0.0"),
            ("0x00000000000000000000008.8.8.8", "8.8.8.8"),
            ("1.2.3.4.", "1.2.3.4"),
            ("[0:0:0:0:0:0:0:1]", "::1"),
            ("[0::1]", "::1"),
            ("[::127.0.0.1]", "::7f00:1"),
            ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
            ("[2001:DB8:0:0::1]", "2001:db8::1"),
            ("[1:0:0:2:0:0:0:3]", "1:0:0:2::3"),
            ("[1:0:0:2:0:0:3:4]", "1::2:0:0:3:4"),
            ("[1:2:3:4:5:6:7::]", "1:2:3:4:5:6:7:0"),
            ("[::]", "::"),
        ] {
            assert_eq!(host_of(h).1.as_deref(), Some(want), "{h}");
        }
        assert_eq!(host_of("0x1g.com").0, Host::Domain);
        assert_eq!(host_of("09.example").0, Host::Domain);
    }

    fn verdict(s: &str) -> Result<(), (bool, String)> {
        check(&format!("https://{s}/hook"), false)
            .map(|_| ())
            .map_err(|r| (r.not_public, r.message))
    }

    #[test]
    fn judges_the_address_not_its_spelling() {
        for h in [
            "localhost",
            "localhost.",
            "api.localhost",
            "printer.local",
            "svc.internal",
            "intranet",
            "127.0.0.1",
            "0x7f.0.0.1",
            "0x7f.1",
            "0177.0.0.1",
            "2130706433",
            "10.0x0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0",
            "224.0.0.1",
            "255.255.255.255",
            "[::1]",
            "[0:0:0:0:0:0:0:1]",
            "[0::1]",
            "[::]",
            "[fd00::1]",
            "[fe80::1]",
            "[fec0::1]",
            "[ff02::1]",
            "[::ffff:7f00:1]",
            "[::ffff:127.0.0.1]",
            "[::127.0.0.1]",
            "[::a00:1]",
            "[64:ff9b::a9fe:a9fe]",
            "[64:ff9b:1::1]",
            "[2002:7f00:1::]",
            "[2002:c0a8:101::1]",
            "127.0.0.1\\@example.com",
        ] {
            assert!(
                matches!(verdict(h), Err((true, _))),
                "{h}: {:?}",
                verdict(h)
            );
        }
        assert_eq!(
            verdict("0x7f.1").unwrap_err().1,
            "points at 0x7f.1, which is 127.0.0.1, a loopback address; Daily cannot reach it: use a public host, or allowPrivateUrls with the local emulator"
        );
        assert!(verdict("[::ffff:a00:1]")
            .unwrap_err()
            .1
            .contains("(10.0.0.1 in an IPv6 address)"));
        for h in [
            "example.com",
            "8.8.8.8",
            "172.32.0.1",
            "[2001:db8::1]",
            "api.daily.co",
            "[::ffff:808:808]",
            "[2002:808:808::1]",
            "xn--nxasmq6b.com",
            "8.8.8.8.",
        ] {
            assert_eq!(verdict(h), Ok(()), "{h}");
        }
        for (h, canon) in [
            ("0x08.8.8.8", "8.8.8.8"),
            ("134744072", "8.8.8.8"),
            ("[2001:DB8:0:0::1]", "[2001:db8::1]"),
            ("[::ffff:8.8.8.8]", "[::ffff:808:808]"),
        ] {
            let (not_public, msg) = verdict(h).unwrap_err();
            assert!(
                !not_public && msg.ends_with(&format!("; write it as {canon}")),
                "{h}: {msg}"
            );
        }
        // With private URLs allowed, the spelling must still be canonical.
        assert!(check("http://127.0.0.1:8080/hook", true).is_ok());
        assert!(check("http://0x7f.1:8080/hook", true).is_err());
    }

    #[test]
    fn judges_resolved_addresses() {
        for ip in [
            "127.0.0.1",
            "127.0.1.1",
            "10.0.0.1",
            "::1",
            "fe80::1%lo",
            "::ffff:127.0.0.1",
            "",
            "x",
        ] {
            assert!(ip_reason(ip).is_some(), "{ip}");
        }
        for ip in ["8.8.8.8", "2001:4860::8888", "::ffff:8.8.8.8"] {
            assert_eq!(ip_reason(ip), None, "{ip}");
        }
    }
}
