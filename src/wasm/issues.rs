//! Issues as JS values: the `issues` of a report and the thrown `ValidationError`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use wasm_bindgen::prelude::*;

use super::errors::make_error;
use super::js;
use crate::issue::Issue;

// Results are built as plain objects by hand rather than through serde-wasm-bindgen: same shape
// as the tsify types, and the module is a few kilobytes smaller.

fn issue_to_js(i: &Issue) -> JsValue {
    js::object(&[
        ("path", JsValue::from_str(&i.path)),
        ("code", JsValue::from_str(i.code)),
        ("severity", JsValue::from_str(severity(i))),
        ("message", JsValue::from_str(&i.message)),
    ])
}

fn severity(i: &Issue) -> &'static str {
    if i.is_error() {
        "error"
    } else {
        "warning"
    }
}

pub(crate) fn issues_to_js(issues: &[Issue]) -> JsValue {
    issues
        .iter()
        .map(issue_to_js)
        .collect::<js_sys::Array>()
        .into()
}

/// A `ValidationError` carrying `issues` (which hold at least one error).
pub(crate) fn validation_error(what: &str, issues: &[Issue]) -> JsValue {
    let errors: Vec<&Issue> = issues.iter().filter(|i| i.is_error()).collect();
    let mut message = cat!("invalid ", what);
    if let Some(first) = errors.first() {
        message.push_str(": ");
        message.push_str(&first.message);
    }
    match errors.len() {
        0 | 1 => {}
        2 => message.push_str(" (and 1 more error; see error.issues)"),
        n => message.push_str(&cat!(" (and ", n - 1, " more errors; see error.issues)")),
    }
    make_error(
        "ValidationError",
        &message,
        &[("issues", issues_to_js(issues))],
    )
}
