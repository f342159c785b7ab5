//! URL checks for `room_creation_api` and `hold_music_url` (rules R6-R8) and for base URLs.
//!
//! Hand-written rather than the `url` crate: we only need scheme, host and path, and `url` brings
//! IDNA tables that would multiply the size of the WASM module.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text;

/// The parts of an absolute http(s) URL that the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl<'a> {
    pub https: bool,
    /// Lower-cased host without brackets or port.
    pub host: String,
    /// Path without query or fragment (may be empty).
    pub path: &'a str,
}

/// Why a string is not an absolute http(s) URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    NotAbsolute,
    BadScheme,
    NoHost,
    BadHost,
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
            UrlError::BadPort => "has a port that is not a number from 1 to 65535",
            UrlError::Whitespace => "contains whitespace or control characters",
        }
    }
}

/// Parses an absolute `http://` or `https://` URL with a host.
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
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at_checked(end).unwrap_or((rest, ""));
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let path = tail.get(..path_end).unwrap_or(tail);
    // Drop userinfo; the host is after the last '@'.
    let host_port = text::rsplit_byte(authority, b'@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let Some((h, after)) = inner.split_once(']') else {
            return Err(UrlError::BadHost);
        };
        if h.is_empty()
            || !h
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(UrlError::BadHost);
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or(UrlError::BadHost)?),
        };
        (h, port)
    } else {
        match text::rsplit_byte(host_port, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if let Some(p) = port {
        if !p.is_empty() && !matches!(p.parse::<u16>(), Ok(n) if n > 0) {
            return Err(UrlError::BadPort);
        }
    }
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host_ok = host_port.starts_with('[')
        || host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
        });
    if !host_ok {
        return Err(UrlError::BadHost);
    }
    Ok(ParsedUrl { https, host, path })
}

fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = host.split('.');
    for slot in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Why a host is not one Daily can reach, or `None` when it looks public.
pub fn non_public_reason(host: &str) -> Option<&'static str> {
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("localhost");
    }
    if host.ends_with(".local")
        || host.ends_with(".internal")
        || host.ends_with(".lan")
        || host.ends_with(".home.arpa")
    {
        return Some("a local-network name");
    }
    if !host.contains('.') && !host.contains(':') {
        return Some("a single-label name that only resolves on a local network");
    }
    if let Some([a, b, _, _]) = parse_ipv4(host) {
        return match (a, b) {
            (127, _) => Some("a loopback address"),
            (10, _) | (192, 168) => Some("a private address"),
            (172, 16..=31) => Some("a private address"),
            (100, 64..=127) => Some("a shared (carrier-grade NAT) address"),
            (169, 254) => Some("a link-local address"),
            (0, _) => Some("an unspecified address"),
            (224..=255, _) => Some("a multicast or reserved address"),
            _ => None,
        };
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Some("a numeric host that is not a dotted IPv4 address");
    }
    if host.contains(':') {
        let h = host.to_ascii_lowercase();
        if h == "::1" || h == "::" {
            return Some("a loopback address");
        }
        if h.starts_with("fe8")
            || h.starts_with("fe9")
            || h.starts_with("fea")
            || h.starts_with("feb")
        {
            return Some("a link-local address");
        }
        if h.starts_with("fc") || h.starts_with("fd") {
            return Some("a private (unique local) address");
        }
        if let Some(v4) = h.strip_prefix("::ffff:") {
            return non_public_reason(v4);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_urls() {
        let u = parse("https://Example.com:8443/api/dial?x=1#y").unwrap();
        assert!(u.https);
        assert_eq!(u.host, "example.com");
        assert_eq!(u.path, "/api/dial");
        let u = parse("http://user:pw@[::1]:8080/x").unwrap();
        assert_eq!(u.host, "::1");
        assert!(!u.https);
    }

    #[test]
    fn rejects_bad_urls() {
        assert_eq!(parse("example.com/x"), Err(UrlError::NotAbsolute));
        assert_eq!(parse("ftp://example.com"), Err(UrlError::BadScheme));
        assert_eq!(parse("https:///path"), Err(UrlError::NoHost));
        assert_eq!(parse("https://exa mple.com"), Err(UrlError::Whitespace));
        assert_eq!(parse("https://example.com:99999/"), Err(UrlError::BadPort));
        assert_eq!(parse("https://ex%ample.com/"), Err(UrlError::BadHost));
        assert_eq!(parse("https://[::1/"), Err(UrlError::BadHost));
    }

    #[test]
    fn classifies_hosts() {
        for h in [
            "localhost",
            "api.localhost",
            "printer.local",
            "svc.internal",
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "::1",
            "fd00::1",
            "fe80::1",
            "0.0.0.0",
            "intranet",
            "2130706433",
            "::ffff:127.0.0.1",
        ] {
            assert!(non_public_reason(h).is_some(), "{h}");
        }
        for h in [
            "example.com",
            "8.8.8.8",
            "172.32.0.1",
            "2001:db8::1",
            "api.daily.co",
        ] {
            assert_eq!(non_public_reason(h), None, "{h}");
        }
    }
}
