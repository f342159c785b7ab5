//! Reading the option bags (`{ allowPrivateUrls?, type? }`, `{ apiKey, baseUrl?, ... }`).
//!
//! Unknown option keys are ignored (other entry points share these bags). Wrongly typed options
//! become issues at the option's name, like the core's `apiKey` / `baseUrl` issues.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

use super::convert::{to_json, Converted};
use crate::issue::Issue;
use crate::model::DialinType;
use crate::request::RequestOptions;
use crate::validate::{code, Options};

/// Options read from JS, with the issues found while reading them.
#[derive(Debug, Default)]
pub struct Read<T> {
    pub value: T,
    pub dialin_type: Option<DialinType>,
    pub conv: Converted,
}

fn bag(opts: &JsValue, what: &str) -> (Map<String, Value>, Converted) {
    let mut conv = to_json(opts, "");
    // The root of the option bag is not the root of the body: keep the body's root issues.
    conv.dropped.retain(|p| !p.is_empty());
    let map = match ::core::mem::take(&mut conv.value) {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        _ => {
            conv.issues.push(Issue::error(
                "",
                code::INVALID_TYPE,
                cat!("the options must be an object like ", what),
            ));
            Map::new()
        }
    };
    (map, conv)
}

fn wrong(conv: &mut Converted, key: &str, expected: &str) {
    conv.issues.push(Issue::error(
        key,
        code::INVALID_TYPE,
        cat!("the option ", key, " must be ", expected),
    ));
    conv.dropped.push(key.to_string());
}

fn flag(m: &Map<String, Value>, key: &str, conv: &mut Converted) -> bool {
    match m.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            wrong(conv, key, "true or false");
            false
        }
    }
}

fn text(m: &Map<String, Value>, key: &str, conv: &mut Converted) -> Option<String> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            wrong(conv, key, "a string");
            None
        }
    }
}

fn dialin_type(m: &Map<String, Value>, conv: &mut Converted) -> Option<DialinType> {
    let s = text(m, "type", conv)?;
    let t = DialinType::parse(&s);
    if t.is_none() {
        conv.issues.push(Issue::error(
            "type",
            code::INVALID_ENUM,
            "the option type (the stored config's type) must be \"pinless_dialin\" or \"pin_dialin\"",
        ));
    }
    t
}

/// `{ allowPrivateUrls?: boolean, type?: DialinType }` (`type` is read only when `with_type`).
pub fn validate_options(opts: &JsValue, with_type: bool) -> Read<Options> {
    let (m, mut conv) = bag(opts, "{ allowPrivateUrls: true }");
    let allow_private_urls = flag(&m, "allowPrivateUrls", &mut conv);
    let dialin_type = with_type.then(|| dialin_type(&m, &mut conv)).flatten();
    Read {
        value: Options { allow_private_urls },
        dialin_type,
        conv,
    }
}

/// `{ apiKey: string, baseUrl?: string, allowPrivateUrls?: boolean, type?: DialinType }` (`type`
/// is read only when `with_type`).
pub fn request_options(opts: &JsValue, with_type: bool) -> Read<RequestOptions> {
    let (m, mut conv) = bag(opts, "{ apiKey: \"...\" }");
    let api_key = text(&m, "apiKey", &mut conv).unwrap_or_default();
    let base_url = text(&m, "baseUrl", &mut conv);
    let allow_private_urls = flag(&m, "allowPrivateUrls", &mut conv);
    let dialin_type = with_type.then(|| dialin_type(&m, &mut conv)).flatten();
    Read {
        value: RequestOptions {
            api_key,
            base_url,
            allow_private_urls,
        },
        dialin_type,
        conv,
    }
}
