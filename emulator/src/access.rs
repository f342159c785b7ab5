//! Who may talk to the emulator: the `Host` a request names, the web page (`Origin`) it comes
//! from, whether it is a CORS-simple state change, and the credentials of the admin routes.
//!
//! The emulator listens on a local port that every web page the user opens could try to reach.
//! These rules keep such pages out while the user's own tools (Node, curl, pages on loopback
//! origins) keep working:
//! - `Host` must be an IP literal, `localhost` / `*.localhost`, or a name in
//!   [`EmulatorOptions::allowed_hosts`]: a page on another site that re-binds its DNS name to
//!   127.0.0.1 still sends its own name (DNS rebinding);
//! - a request with an `Origin` header is refused unless the origin is loopback
//!   (`http(s)://localhost|127.x.x.x|[::1]`, any port) or listed in
//!   [`EmulatorOptions::cors_origins`]; a listed non-loopback origin is accepted on `/v1` only,
//!   never on the admin routes. An accepted origin is echoed in `Access-Control-Allow-Origin`;
//! - a `POST` whose body a cross-site page could send without a CORS preflight (content type
//!   `text/plain`, a form type, or a body with no content type) is refused with 415: the emulator
//!   reads JSON only;
//! - the admin routes (`/_emulator/*`) need `Authorization: Bearer <admin token>` (or one of the
//!   configured API keys) when [`EmulatorOptions::admin_token`] is set. The Node server always
//!   sets one.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::http::{err, Reply};
use super::{EmuRequest, EmulatorOptions};

/// What the checks allow: the origin to echo in `Access-Control-Allow-Origin`, if any.
pub(crate) struct Allowed<'a> {
    pub origin: Option<&'a str>,
}

/// The hostname of a `Host` header (port dropped, brackets kept for IPv6), lower-cased, without
/// a trailing dot.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or(host, |(inner, _)| {
            host.get(..inner.len() + 2).unwrap_or(host)
        }),
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        },
    };
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

fn is_ip_literal(name: &str) -> bool {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
        None => name.parse::<Ipv4Addr>().is_ok(),
    }
}

fn is_localhost_name(name: &str) -> bool {
    name == "localhost" || name.ends_with(".localhost")
}

fn is_loopback_name(name: &str) -> bool {
    is_localhost_name(name)
        || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || name == "[::1]"
}

/// Whether a `Host` header names this emulator: an IP literal (a rebinding page cannot make the
/// browser send one of ours), a localhost name, or a name the user allowed.
pub(crate) fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = host_name(host);
    !name.is_empty()
        && (is_ip_literal(&name)
            || is_localhost_name(&name)
            || allowed.iter().any(|a| host_name(a) == name))
}

/// `scheme://host[:port]` of an `Origin` header, or `None` for `null` and anything else.
fn origin_parts(origin: &str) -> Option<(&str, String)> {
    let (scheme, rest) = origin.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        || rest.is_empty()
        || rest.contains(['/', '?', '#', '@'])
    {
        return None;
    }
    Some((scheme, host_name(rest)))
}

fn is_loopback_origin(origin: &str) -> bool {
    origin_parts(origin).is_some_and(|(_, name)| is_loopback_name(&name))
}

fn same_origin(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// A CORS-safelisted request content type (or none): what a page on any site may send with
/// `fetch` or a form without a preflight.
fn simple_content_type(content_type: Option<&str>, body: &[u8]) -> bool {
    let Some(ct) = content_type else {
        return !body.is_empty();
    };
    let essence = ct.split(';').next().unwrap_or("").trim();
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
    .iter()
    .any(|t| essence.eq_ignore_ascii_case(t))
}

fn forbidden(info: &str) -> Reply {
    Reply::error(403, err::FORBIDDEN, Some(info))
}

/// The checks every request passes before routing. `admin`: the path is under `/_emulator`.
/// A preflight (`OPTIONS`) carries no credentials: it passes on its host and origin alone.
pub(crate) fn check<'r>(
    opts: &EmulatorOptions,
    method: &str,
    admin: bool,
    req: &EmuRequest<'r>,
) -> Result<Allowed<'r>, Reply> {
    if let Some(host) = req.host {
        if !host_allowed(host, &opts.allowed_hosts) {
            return Err(forbidden(
                "the Host header does not name this emulator (a web page may be reaching it through DNS rebinding); \
                 use localhost or an IP address, or start the emulator with allowedHosts (--allowed-host)",
            ));
        }
    }
    let origin = match req.origin {
        None => None,
        Some(origin) => {
            let listed = !admin && opts.cors_origins.iter().any(|o| same_origin(o, origin));
            if !(is_loopback_origin(origin) || listed) {
                return Err(forbidden(if admin {
                    "the admin routes answer pages on loopback origins only (http://localhost, http://127.0.0.1, http://[::1])"
                } else {
                    "requests from this web page's origin are not allowed; start the emulator with corsOrigins (--cors-origin) to allow it"
                }));
            }
            Some(origin)
        }
    };
    if method == "POST" && simple_content_type(req.content_type, req.body) {
        return Err(Reply::error(
            415,
            err::INVALID_REQUEST,
            Some("send the body as JSON with Content-Type: application/json (other web pages can send text and forms without asking)"),
        ));
    }
    if admin && method != "OPTIONS" {
        check_admin_credentials(opts, req.authorization)?;
    }
    Ok(Allowed { origin })
}

/// Compares without stopping at the first difference, so the time does not tell how much of a
/// guessed token was right.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `Authorization: Bearer <admin token or API key>` when an admin token is set.
fn check_admin_credentials(opts: &EmulatorOptions, header: Option<&str>) -> Result<(), Reply> {
    let Some(token) = opts.admin_token.as_deref() else {
        return Ok(());
    };
    let given = header
        .map(str::trim)
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let ok = given.is_some_and(|t| {
        same_secret(t, token)
            || opts
                .api_keys
                .as_deref()
                .is_some_and(|keys| keys.iter().any(|k| same_secret(t, k)))
    });
    if ok {
        Ok(())
    } else {
        Err(Reply::error(
            401,
            err::AUTHENTICATION,
            Some("the admin routes need Authorization: Bearer <admin token> (printed at start; emu.adminToken) or one of the emulator's apiKeys"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(
        host: Option<&'a str>,
        origin: Option<&'a str>,
        ct: Option<&'a str>,
        auth: Option<&'a str>,
    ) -> EmuRequest<'a> {
        EmuRequest {
            method: "POST",
            path: "/_emulator/reset",
            host,
            origin,
            content_type: ct,
            authorization: auth,
            ..EmuRequest::default()
        }
    }

    fn opts() -> EmulatorOptions {
        EmulatorOptions {
            admin_token: Some("tok".into()),
            api_keys: Some(vec!["key".into()]),
            cors_origins: vec!["https://app.example.com".into()],
            allowed_hosts: vec!["devbox.lan".into()],
            ..EmulatorOptions::default()
        }
    }

    #[test]
    fn host_names() {
        let allowed = ["devbox.lan".to_string()];
        for ok in [
            "127.0.0.1:4010",
            "localhost",
            "LOCALHOST:1",
            "app.localhost:3",
            "[::1]:4010",
            "10.1.2.3",
            "devbox.lan:80",
            "devbox.lan.",
        ] {
            assert!(host_allowed(ok, &allowed), "{ok}");
        }
        for bad in [
            "evil.test:4010",
            "",
            "localhost.evil.test",
            "127.0.0.1.nip.io",
            "[::1",
            "0x7f.1",
        ] {
            assert!(!host_allowed(bad, &allowed), "{bad}");
        }
    }

    #[test]
    fn origins() {
        let o = opts();
        let get = |origin, path: &'static str| {
            let r = EmuRequest {
                method: "GET",
                path,
                origin: Some(origin),
                authorization: Some("Bearer tok"),
                ..EmuRequest::default()
            };
            check(&o, "GET", path.starts_with("/_emulator"), &r).map(|a| a.origin.is_some())
        };
        for ok in [
            "http://localhost:5173",
            "https://127.0.0.1",
            "http://[::1]:1",
            "http://a.localhost",
        ] {
            assert_eq!(get(ok, "/_emulator/state"), Ok(true), "{ok}");
        }
        assert_eq!(get("https://app.example.com", "/v1/x"), Ok(true));
        for bad in [
            "https://app.example.com",
            "http://evil.test:4010",
            "null",
            "http://localhost.evil.test",
        ] {
            assert_eq!(
                get(bad, "/_emulator/state").map_err(|r| r.status),
                Err(403),
                "{bad}"
            );
        }
        assert_eq!(
            get("http://evil.test", "/v1/x").map_err(|r| r.status),
            Err(403)
        );
    }

    #[test]
    fn simple_posts_and_admin_credentials() {
        let o = opts();
        let status = |r: &EmuRequest| check(&o, "POST", true, r).err().map(|r| r.status);
        let json = Some("application/json");
        assert_eq!(status(&req(None, None, json, Some("Bearer tok"))), None);
        assert_eq!(status(&req(None, None, json, Some("bearer key"))), None);
        assert_eq!(status(&req(None, None, None, Some("Bearer tok"))), None);
        assert_eq!(status(&req(None, None, json, None)), Some(401));
        assert_eq!(status(&req(None, None, json, Some("Bearer to"))), Some(401));
        assert_eq!(status(&req(None, None, json, Some("Basic tok"))), Some(401));
        for ct in [
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "Multipart/Form-Data; boundary=x",
        ] {
            assert_eq!(
                status(&req(None, None, Some(ct), Some("Bearer tok"))),
                Some(415),
                "{ct}"
            );
        }
        let mut r = req(None, None, None, Some("Bearer tok"));
        r.body = b"{}";
        assert_eq!(status(&r), Some(415));
        assert_eq!(
            status(&req(Some("evil.test:1"), None, json, Some("Bearer tok"))),
            Some(403)
        );
        let open = EmulatorOptions::default();
        assert!(check(&open, "POST", true, &req(None, None, json, None)).is_ok());
    }
}
