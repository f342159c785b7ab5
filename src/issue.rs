//! Validation issues: every problem carries a path, a stable code, a severity and a message.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::text::{self, cat};
use crate::ts as tsify;
use serde::Serialize;
use tsify::Tsify;

/// How bad an issue is: errors block the request, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a request body or query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct Issue {
    /// Dotted path to the offending value (`timeout_config.message`); empty for the root.
    pub path: String,
    /// Stable, machine-readable code such as `invalid_phone_number`.
    pub code: &'static str,
    pub severity: Severity,
    /// A sentence for people. It never contains secrets.
    pub message: String,
}

impl Issue {
    pub fn error(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Issue {
            path: path.into(),
            code,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(
        path: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Issue {
            path: path.into(),
            code,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any issue has error severity.
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(Issue::is_error)
}

/// The path of `key` inside `parent`, as [`Issue::path`] writes it: dotted, and the root is "".
pub fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        cat!(parent, ".", key)
    }
}

/// The path of the value that holds `path` ("" for a top-level one).
pub fn parent_path(path: &str) -> &str {
    text::rsplit_byte(path, b'.').map_or("", |(p, _)| p)
}

/// A report as JSON text, `{"ok":…,"issues":[{"path":…,"code":…,"severity":…,"message":…}]}`
/// (the shape and property order of the adapters' report objects), or `None` when there is no
/// issue: the answer of the fast path (`__validateCreateJson`), which JS turns into the report
/// with one `JSON.parse`.
#[cfg(any(feature = "fast", not(target_arch = "wasm32")))]
pub fn report_json(issues: &[Issue]) -> Option<String> {
    if issues.is_empty() {
        return None;
    }
    let mut out = String::from(if has_errors(issues) {
        "{\"ok\":false,\"issues\":["
    } else {
        "{\"ok\":true,\"issues\":["
    });
    for (n, i) in issues.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        push_json_string(&mut out, &i.path);
        out.push_str(",\"code\":");
        push_json_string(&mut out, i.code);
        out.push_str(if i.is_error() {
            ",\"severity\":\"error\",\"message\":"
        } else {
            ",\"severity\":\"warning\",\"message\":"
        });
        push_json_string(&mut out, &i.message);
        out.push('}');
    }
    out.push_str("]}");
    Some(out)
}

/// Appends `s` as a JSON string (quotes, backslashes and control characters escaped).
#[cfg(any(feature = "fast", not(target_arch = "wasm32")))]
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (at, b) in s.bytes().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(s.get(plain..at).unwrap_or_default());
        plain = at + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            _ => {
                out.push_str("\\u00");
                text::push_hex(out, text::LOWER_HEX, b);
            }
        }
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

#[cfg(all(test, any(feature = "fast", not(target_arch = "wasm32"))))]
mod tests {
    use super::*;

    #[test]
    fn report_json_is_the_report_serde_writes() {
        assert_eq!(report_json(&[]), None);
        let issues = vec![
            Issue::error("a.b", "x_y", "quote \" backslash \\ bell \u{7} nl \n é ☎ \u{1F600}"),
            Issue::warning("", "w", ""),
        ];
        let expected = serde_json::json!({
            "ok": false,
            "issues": [
                { "path": "a.b", "code": "x_y", "severity": "error", "message": issues[0].message },
                { "path": "", "code": "w", "severity": "warning", "message": "" },
            ],
        });
        let text = report_json(&issues).unwrap();
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), expected);
        let warnings = report_json(&issues[1..]).unwrap();
        assert!(warnings.starts_with("{\"ok\":true,"), "{warnings}");
    }
}
