//! Daily's error bodies (`{ "error": "<type>", "info"?: "..." }`; docs/daily-api.md#send-error-kinds): the
//! documented `error` types, the status each goes with, and the `kind` the client gives a failed
//! answer. One table for the client (reading Daily's answers) and the emulator (writing them).

/// Daily's documented `error` values.
pub mod error_type {
    pub const AUTH_HEADER: &str = "authorization-header-error";
    pub const AUTHENTICATION: &str = "authentication-error";
    pub const FORBIDDEN: &str = "forbidden-error";
    pub const INVALID_REQUEST: &str = "invalid-request-error";
    pub const JSON_PARSING: &str = "json-parsing-error";
    pub const NOT_FOUND: &str = "not-found";
    pub const RATE_LIMIT: &str = "rate-limit-error";
    pub const SERVER: &str = "server-error";
}

use error_type as t;

/// Each documented `error` type, its status and the client's `kind` for it.
pub const TABLE: [(&str, u16, &str); 8] = [
    (t::AUTH_HEADER, 400, "authorization_header"),
    (t::AUTHENTICATION, 401, "authentication"),
    (t::FORBIDDEN, 403, "forbidden"),
    (t::INVALID_REQUEST, 400, "invalid_request"),
    (t::JSON_PARSING, 400, "json_parsing"),
    (t::NOT_FOUND, 404, "not_found"),
    (t::RATE_LIMIT, 429, "rate_limit"),
    (t::SERVER, 500, "server"),
];

/// The `kind` of a failed answer: by Daily's `error` type when it is a known one, else by status
/// (401, 403, 404 only without an `error`; 429 and 5xx whatever the `error` says), else `unknown`.
pub fn kind(error: Option<&str>, status: u16) -> &'static str {
    if let Some(e) = error {
        if let Some((_, _, kind)) = TABLE.iter().find(|(name, _, _)| *name == e) {
            return kind;
        }
    }
    match (error, status) {
        (None, 401) => "authentication",
        (None, 403) => "forbidden",
        (None, 404) => "not_found",
        (_, 429) => "rate_limit",
        (_, 500..=599) => "server",
        _ => "unknown",
    }
}

/// The `error` type Daily sends with `status` (the emulator's faults use it when none is given).
pub fn error_for_status(status: u16) -> &'static str {
    match status {
        400 => t::INVALID_REQUEST,
        401 => t::AUTHENTICATION,
        403 => t::FORBIDDEN,
        404 => t::NOT_FOUND,
        429 => t::RATE_LIMIT,
        _ => t::SERVER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_types_give_their_kind_whatever_the_status() {
        for (name, status, want) in TABLE {
            assert_eq!(kind(Some(name), status), want, "{name}");
            assert_eq!(kind(Some(name), 418), want, "{name}");
        }
    }

    #[test]
    fn without_a_known_type_the_status_decides() {
        assert_eq!(kind(None, 401), "authentication");
        assert_eq!(kind(None, 403), "forbidden");
        assert_eq!(kind(None, 404), "not_found");
        assert_eq!(kind(Some("new-error"), 429), "rate_limit");
        assert_eq!(kind(None, 503), "server");
        assert_eq!(kind(Some("invalid-plan-type"), 400), "unknown");
        assert_eq!(kind(Some("new-error"), 404), "unknown");
        assert_eq!(kind(None, 418), "unknown");
    }

    #[test]
    fn what_the_emulator_sends_reads_as_the_kind_of_its_status() {
        for status in [401, 403, 404, 429, 500, 502, 503] {
            assert_eq!(
                kind(Some(error_for_status(status)), status),
                kind(None, status)
            );
        }
        assert_eq!(kind(Some(error_for_status(400)), 400), "invalid_request");
    }
}
