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
