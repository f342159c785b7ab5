//! Arbitrary JS value -> `serde_json::Value`, without trusting the input.
//!
//! JS can hand us anything: `undefined`, functions, symbols, BigInts, NaN, cyclic or very deep
//! objects, proxies and getters that throw, huge strings. Every JS operation used here is either
//! infallible (`typeof` checks) or imported with `catch`, so a throwing getter cannot unwind
//! through wasm frames. Values that JSON cannot carry become issues at their path and are left out
//! of the result; depth, node count and string sizes are bounded, so the recursion and the memory
//! copied into wasm stay small whatever the input is.
//!
//! `undefined` as an object property counts as absent, as it does for `JSON.stringify` and for
//! TypeScript optional properties (`{ hmac: maybeSecret }`).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use serde_json::{Map, Number, Value};
use wasm_bindgen::prelude::*;

use super::js::{self, is_array, object_keys};
use wasm_bindgen::JsCast;

use crate::issue::{join_path, Issue};
use crate::validate::code;

/// Issue code for input larger than the adapter accepts.
pub const TOO_LARGE: &str = "too_large";

/// Deepest nesting accepted (the API's bodies are two levels deep).
pub const MAX_DEPTH: usize = 32;
/// Most values (including object keys) read from one input.
pub const MAX_NODES: usize = 2_000;
/// Longest string value accepted, in UTF-16 code units.
pub const MAX_STRING_UNITS: u32 = 65_536;
/// Longest property name accepted, in UTF-16 code units.
pub const MAX_KEY_UNITS: u32 = 256;
/// Most string code units (values and keys) read from one input.
pub const MAX_TOTAL_UNITS: u64 = 1 << 20;
/// Most conversion issues reported for one input; reading stops after that.
pub const MAX_ISSUES: usize = 50;

/// The JSON data read from a JS value, and what could not be read.
#[derive(Debug, Default)]
pub struct Converted {
    pub value: Value,
    /// One issue per value that was left out (all errors).
    pub issues: Vec<Issue>,
    /// Paths of object properties that were left out.
    pub dropped: Vec<String>,
}

impl Converted {
    /// Takes over the issues and left-out paths of `other` (its value is discarded).
    pub fn absorb(&mut self, other: Converted) {
        self.issues.extend(other.issues);
        self.dropped.extend(other.dropped);
    }

    /// Adds the core's issues, minus its `required` / `invalid_type` complaints about values left
    /// out here (the conversion issue at the same path already says what is wrong).
    pub fn merge(mut self, core: Vec<Issue>) -> Vec<Issue> {
        let dropped = &self.dropped;
        self.issues.extend(core.into_iter().filter(|i| {
            !((i.code == code::REQUIRED || i.code == code::INVALID_TYPE)
                && dropped.contains(&i.path))
        }));
        self.issues
    }
}

/// Reads `v` as JSON data. `undefined` at the root reads as `null`; a root value that cannot be
/// read also reads as `null`, with its issue, and its path in `dropped`.
pub fn to_json(v: &JsValue, root_path: &str) -> Converted {
    to_json_within(v, root_path, None)
}

/// [`to_json`], except that the string at `large.0` (a path) may have up to `large.1` code units
/// (counted as [`MAX_STRING_UNITS`] in the total): for `toCurl`, whose request body may be large.
pub fn to_json_within(v: &JsValue, root_path: &str, large: Option<(&str, u32)>) -> Converted {
    let mut c = Conv {
        large,
        ..Conv::default()
    };
    let value = if v.is_undefined() {
        Value::Null
    } else {
        c.value(v, root_path, 0).unwrap_or_else(|| {
            c.dropped.push(root_path.to_string());
            Value::Null
        })
    };
    Converted {
        value,
        issues: c.issues,
        dropped: c.dropped,
    }
}

/// Reads a JS string under the adapter's size limit; `Err` carries the issue.
pub fn read_string(v: &JsValue, path: &str) -> Result<Option<String>, Issue> {
    if !v.is_string() {
        return Ok(None);
    }
    let units = v.unchecked_ref::<js_sys::JsString>().length();
    if units > MAX_STRING_UNITS {
        return Err(too_large(path, units, MAX_STRING_UNITS));
    }
    Ok(v.as_string())
}

/// Reads an id argument (of `build*Request` and of the client's methods): a string under the size
/// limit, or the issue that says why not.
pub fn read_id(id: &JsValue) -> Result<String, Issue> {
    match read_string(id, "id") {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Issue::error(
            "id",
            code::INVALID_TYPE,
            "id must be a string (the config's id as Daily returned it)",
        )),
        Err(issue) => Err(issue),
    }
}

fn too_large(path: &str, units: u32, max: u32) -> Issue {
    Issue::error(
        path,
        TOO_LARGE,
        cat!(
            shown(path),
            " is a string of ",
            units,
            " characters; at most ",
            max,
            " are accepted"
        ),
    )
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "the value"
    } else {
        path
    }
}

#[derive(Default)]
struct Conv<'a> {
    /// The path whose string may be longer, and its limit (see [`to_json_within`]).
    large: Option<(&'a str, u32)>,
    issues: Vec<Issue>,
    dropped: Vec<String>,
    nodes: usize,
    units: u64,
    /// Objects being read, to name cycles.
    ancestors: Vec<JsValue>,
    exhausted: bool,
}

impl Conv<'_> {
    /// Records an issue; past [`MAX_ISSUES`] it records one last issue and stops the reading.
    fn push(&mut self, issue: Issue) {
        if self.exhausted {
            return;
        }
        if self.issues.len() >= MAX_ISSUES {
            self.exhausted = true;
            self.issues.push(Issue::error(
                issue.path,
                TOO_LARGE,
                cat!(
                    "more than ",
                    MAX_ISSUES,
                    " values could not be read; the rest was not read"
                ),
            ));
            return;
        }
        self.issues.push(issue);
    }

    fn not_json(&mut self, path: &str, what: &str) {
        self.push(Issue::error(
            path,
            code::INVALID_TYPE,
            cat!(shown(path), " must be JSON data, not ", what),
        ));
    }

    fn unreadable(&mut self, path: &str) {
        self.push(Issue::error(
            path,
            code::INVALID_TYPE,
            cat!(
                shown(path),
                " could not be read (a getter or proxy threw); pass plain data"
            ),
        ));
    }

    /// Counts one value against the budget; false (with one issue) once the budget is spent.
    fn spend(&mut self, path: &str, units: u64) -> bool {
        self.nodes += 1;
        self.units = self.units.saturating_add(units);
        if self.nodes <= MAX_NODES && self.units <= MAX_TOTAL_UNITS {
            return true;
        }
        if !self.exhausted {
            self.issues.push(Issue::error(
                path,
                TOO_LARGE,
                cat!(
                    "the input is too large (more than ",
                    MAX_NODES,
                    " values or ",
                    MAX_TOTAL_UNITS,
                    " characters); the rest was not read"
                ),
            ));
            self.exhausted = true;
        }
        false
    }

    fn string(&mut self, v: &JsValue, path: &str) -> Option<String> {
        let units = v.unchecked_ref::<js_sys::JsString>().length();
        let max = match self.large {
            Some((p, max)) if p == path => max,
            _ => MAX_STRING_UNITS,
        };
        if units > max {
            self.push(too_large(path, units, max));
            return None;
        }
        if !self.spend(path, u64::from(units.min(MAX_STRING_UNITS))) {
            return None;
        }
        v.as_string()
    }

    fn value(&mut self, v: &JsValue, path: &str, depth: usize) -> Option<Value> {
        if v.is_null() {
            return self.spend(path, 0).then_some(Value::Null);
        }
        if let Some(b) = v.as_bool() {
            return self.spend(path, 0).then_some(Value::Bool(b));
        }
        if let Some(n) = v.as_f64() {
            return self.number(n, path);
        }
        if v.is_string() {
            return self.string(v, path).map(Value::String);
        }
        if v.is_undefined() {
            self.not_json(path, "undefined (use null or leave the entry out)");
            return None;
        }
        if v.is_bigint() {
            self.not_json(path, "a BigInt (use a number)");
            return None;
        }
        if v.is_symbol() {
            self.not_json(path, "a symbol");
            return None;
        }
        if v.is_function() {
            self.not_json(path, "a function");
            return None;
        }
        if !v.is_object() {
            self.not_json(path, "this kind of value");
            return None;
        }
        if self.ancestors.iter().any(|a| a == v) {
            self.not_json(path, "a cyclic reference");
            return None;
        }
        if depth >= MAX_DEPTH {
            self.push(Issue::error(
                path,
                TOO_LARGE,
                cat!(
                    shown(path),
                    " is nested more than ",
                    MAX_DEPTH,
                    " levels deep"
                ),
            ));
            return None;
        }
        if !self.spend(path, 0) {
            return None;
        }
        let Ok(array) = is_array(v) else {
            self.unreadable(path);
            return None;
        };
        self.ancestors.push(v.clone());
        let out = if array {
            self.array(v, path, depth)
        } else {
            self.object(v, path, depth)
        };
        self.ancestors.pop();
        out
    }

    fn number(&mut self, n: f64, path: &str) -> Option<Value> {
        if !n.is_finite() {
            let what = if n.is_nan() {
                "NaN"
            } else {
                "an infinite number"
            };
            self.not_json(path, what);
            return None;
        }
        if !self.spend(path, 0) {
            return None;
        }
        // Whole numbers in the safe-integer range read as integers (`3`, not `3.0`).
        let number = if crate::validate::is_whole(n) {
            Number::from(n as i64)
        } else {
            Number::from_f64(n)?
        };
        Some(Value::Number(number))
    }

    fn array(&mut self, v: &JsValue, path: &str, depth: usize) -> Option<Value> {
        let len = match js::get(v, &JsValue::from_str("length")).map(|l| l.as_f64()) {
            Ok(Some(l)) if l >= 0.0 => l,
            _ => {
                self.unreadable(path);
                return None;
            }
        };
        if len > MAX_NODES as f64 {
            self.push(Issue::error(
                path,
                TOO_LARGE,
                cat!(shown(path), " has more than ", MAX_NODES, " entries"),
            ));
            return None;
        }
        let mut items = Vec::new();
        for i in 0..len as u32 {
            if self.exhausted {
                break;
            }
            let p = join_path(path, &cat!(i));
            let item = match js::get(v, &JsValue::from(i)) {
                Ok(item) => self.value(&item, &p, depth + 1),
                Err(_) => {
                    self.unreadable(&p);
                    None
                }
            };
            // Keep indexes stable: a left-out entry reads as null.
            items.push(item.unwrap_or(Value::Null));
        }
        Some(Value::Array(items))
    }

    fn object(&mut self, v: &JsValue, path: &str, depth: usize) -> Option<Value> {
        let Ok(keys) = object_keys(v) else {
            self.unreadable(path);
            return None;
        };
        let mut map = Map::new();
        for key in keys.iter() {
            if self.exhausted {
                break;
            }
            let units = key.unchecked_ref::<js_sys::JsString>().length();
            if units > MAX_KEY_UNITS {
                self.push(Issue::error(
                    path,
                    TOO_LARGE,
                    cat!(
                        shown(path),
                        " has a property name of ",
                        units,
                        " characters; at most ",
                        MAX_KEY_UNITS,
                        " are accepted"
                    ),
                ));
                continue;
            }
            let Some(name) = self.string(&key, path) else {
                continue;
            };
            let p = join_path(path, &name);
            match js::get(v, &key) {
                Ok(item) if item.is_undefined() => {}
                Ok(item) => match self.value(&item, &p, depth + 1) {
                    Some(value) => {
                        map.insert(name, value);
                    }
                    None => self.dropped.push(p),
                },
                Err(_) => {
                    self.unreadable(&p);
                    self.dropped.push(p);
                }
            }
        }
        Some(Value::Object(map))
    }
}
