//! The validation and request-building exports (`feature = "core"`): `validate*`, `build*Request`
//! and `toCurl`. No rules live here: each export reads its JS arguments, calls the core and turns
//! the answer into a plain JS object or a thrown `ValidationError`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use wasm_bindgen::prelude::*;

use serde_json::Value;

use super::convert::{self, to_json, to_json_within, Converted};
use super::issues::{issues_to_js, validation_error};
use super::js;
use super::options;
use super::ValidationReport;
use crate::issue::has_errors;
use crate::issue::Issue;
use crate::model::{
    CreateDialinConfig, DialinType, HttpRequest, RequestHeaders, UpdateDialinConfig,
};
use crate::request::{self, Built, Refused, RequestOptions};
use crate::ts::Ts;
use crate::validate::{self, code};

pub(super) fn request_to_js(r: &HttpRequest) -> JsValue {
    let mut headers = vec![("Authorization", JsValue::from_str(&r.headers.authorization))];
    if let Some(ct) = &r.headers.content_type {
        headers.push(("Content-Type", JsValue::from_str(ct)));
    }
    let mut props = vec![
        ("method", JsValue::from_str(&r.method)),
        ("url", JsValue::from_str(&r.url)),
        ("headers", js::object(&headers)),
    ];
    if let Some(body) = &r.body {
        props.push(("body", JsValue::from_str(body)));
    }
    js::object(&props)
}

fn report(issues: Vec<Issue>) -> Ts<ValidationReport> {
    Ts::new_unchecked(js::object(&[
        ("ok", JsValue::from_bool(!has_errors(&issues))),
        ("issues", issues_to_js(&issues)),
    ]))
}

/// Returns the built request, or throws a `ValidationError` when the input (as read from JS, or as
/// judged by the core) has errors.
fn finish(
    what: &str,
    read: Converted,
    result: Result<Built, Refused>,
) -> Result<Ts<HttpRequest>, JsValue> {
    let refused = !read.issues.is_empty() || result.is_err();
    match result {
        Ok(built) if !refused => Ok(Ts::new_unchecked(request_to_js(&built.request))),
        Ok(built) => Err(validation_error(what, &read.merge(built.warnings))),
        Err(issues) => Err(validation_error(what, &read.merge(issues))),
    }
}

/// Reads an id argument into `read`'s issues (an unreadable id is left empty for the core).
fn read_id(id: &JsValue, read: &mut Converted) -> String {
    convert::read_id(id).unwrap_or_else(|issue| {
        read.issues.push(issue);
        read.dropped.push("id".to_string());
        String::new()
    })
}

/// Reads a body and the validator options, then lets the core judge.
fn validate(
    body: &JsValue,
    opts: &JsValue,
    with_type: bool,
    core: impl FnOnce(&Value, &validate::Options, Option<DialinType>) -> Vec<Issue>,
) -> Ts<ValidationReport> {
    let mut read = to_json(body, "");
    let o = options::validate_options(opts, with_type);
    let issues = core(&read.value, &o.value, o.dialin_type);
    read.absorb(o.conv);
    report(read.merge(issues))
}

/// Reads the id and body (when the request has them) and the request options, then lets the
/// core build the request.
fn build(
    what: &str,
    id: Option<&JsValue>,
    body: Option<&JsValue>,
    opts: &JsValue,
    with_type: bool,
    core: impl FnOnce(&str, &Value, &RequestOptions, Option<DialinType>) -> Result<Built, Refused>,
) -> Result<Ts<HttpRequest>, JsValue> {
    let mut read = body.map_or_else(Converted::default, |b| to_json(b, ""));
    let id = id.map(|id| read_id(id, &mut read)).unwrap_or_default();
    let o = options::request_options(opts, with_type);
    let result = core(&id, &read.value, &o.value, o.dialin_type);
    read.absorb(o.conv);
    finish(what, read, result)
}

/// [`build`] for the requests that name only a config id (GET and DELETE).
fn build_by_id(
    what: &str,
    id: &JsValue,
    opts: &JsValue,
    core: impl FnOnce(&str, &RequestOptions) -> Result<Built, Refused>,
) -> Result<Ts<HttpRequest>, JsValue> {
    build(what, Some(id), None, opts, false, |id, _, o, _| core(id, o))
}

// The validators' input is typed `unknown` in TypeScript: checking a value of unknown shape (a
// form's fields, `JSON.parse` output) is their job, so the types must not demand a valid body
// first. The builders and the client keep the precise types. The Rust parameters stay `Ts<...>`
// (what the value is checked against; only the .d.ts changes, the module is the same).

/// Validates a create body (any JS value) and returns every issue, errors and warnings.
#[wasm_bindgen(js_name = validateCreate)]
pub fn validate_create(
    #[wasm_bindgen(unchecked_param_type = "unknown")] body: Ts<CreateDialinConfig>,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] opts: JsValue,
) -> Ts<ValidationReport> {
    validate(&body.into_js_value(), &opts, false, |v, o, _| {
        validate::validate_create(v, o)
    })
}

/// Validates an update (PUT) body (any JS value); `opts.type` is the stored config's type, when
/// known.
#[wasm_bindgen(js_name = validateUpdate)]
pub fn validate_update(
    #[wasm_bindgen(unchecked_param_type = "unknown")] patch: Ts<UpdateDialinConfig>,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateUpdateOptions")] opts: JsValue,
) -> Ts<ValidationReport> {
    validate(&patch.into_js_value(), &opts, true, |v, o, t| {
        validate::validate_update(v, t, o)
    })
}

/// The fast path of `validateCreate` for plain data (pkg-template/fast.js): `text` is
/// `JSON.stringify` of the body. `undefined` when there is no issue, the report as JSON text
/// otherwise, and `""` when the text is one the careful path must read (see `crate::json`).
#[cfg(feature = "fast")]
#[wasm_bindgen(js_name = __validateCreateJson, skip_typescript)]
pub fn validate_create_json(text: &str, allow_private_urls: bool) -> Option<String> {
    let opts = validate::Options { allow_private_urls };
    crate::json::with_doc(text, |doc| match doc {
        Ok(doc) => crate::issue::report_json(&validate::validate_create(doc.root(), &opts)),
        Err(_) => Some(String::new()),
    })
}

/// The fast path of `validateUpdate` (see [`validate_create_json`]); `dialin_type`: 0 for none,
/// else the position in `DialinType::ALL` plus one.
#[cfg(feature = "fast")]
#[wasm_bindgen(js_name = __validateUpdateJson, skip_typescript)]
pub fn validate_update_json(text: &str, allow_private_urls: bool, dialin_type: u8) -> Option<String> {
    let opts = validate::Options { allow_private_urls };
    let t = DialinType::ALL.get(usize::from(dialin_type).wrapping_sub(1)).copied();
    crate::json::with_doc(text, |doc| match doc {
        Ok(doc) => crate::issue::report_json(&validate::validate_update(doc.root(), t, &opts)),
        Err(_) => Some(String::new()),
    })
}

/// Validates a list query (any JS value; `undefined` and `null` mean no filters).
#[wasm_bindgen(js_name = validateListQuery)]
pub fn validate_list_query(
    #[wasm_bindgen(unchecked_optional_param_type = "unknown")] query: JsValue,
) -> Ts<ValidationReport> {
    validate(&query, &JsValue::UNDEFINED, false, |v, _, _| {
        validate::validate_list_query(v)
    })
}

/// Builds `POST /domain-dialin-config`; throws a `ValidationError` when the body is invalid.
#[wasm_bindgen(js_name = buildCreateRequest)]
pub fn build_create_request(
    body: Ts<CreateDialinConfig>,
    #[wasm_bindgen(unchecked_param_type = "RequestOptions")] opts: JsValue,
) -> Result<Ts<HttpRequest>, JsValue> {
    build(
        "create request",
        None,
        Some(&body.into_js_value()),
        &opts,
        false,
        |_, v, o, _| request::build_create(v, o),
    )
}

/// Builds `PUT /domain-dialin-config/:id`; throws a `ValidationError` when the patch is invalid.
#[wasm_bindgen(js_name = buildUpdateRequest)]
pub fn build_update_request(
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    patch: Ts<UpdateDialinConfig>,
    #[wasm_bindgen(unchecked_param_type = "UpdateRequestOptions")] opts: JsValue,
) -> Result<Ts<HttpRequest>, JsValue> {
    build(
        "update request",
        Some(&id),
        Some(&patch.into_js_value()),
        &opts,
        true,
        |id, v, o, t| request::build_update(id, v, t, o),
    )
}

/// Builds `GET /domain-dialin-config/:id`.
#[wasm_bindgen(js_name = buildGetRequest)]
pub fn build_get_request(
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestOptions")] opts: JsValue,
) -> Result<Ts<HttpRequest>, JsValue> {
    build_by_id("get request", &id, &opts, request::build_get)
}

/// Builds `DELETE /domain-dialin-config/:id`.
#[wasm_bindgen(js_name = buildDeleteRequest)]
pub fn build_delete_request(
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestOptions")] opts: JsValue,
) -> Result<Ts<HttpRequest>, JsValue> {
    build_by_id("delete request", &id, &opts, request::build_delete)
}

/// Builds `GET /domain-dialin-config?…` (`undefined` and `null` mean no filters).
#[wasm_bindgen(js_name = buildListRequest)]
pub fn build_list_request(
    #[wasm_bindgen(unchecked_param_type = "ListQuery | null | undefined")] query: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestOptions")] opts: JsValue,
) -> Result<Ts<HttpRequest>, JsValue> {
    build(
        "list request",
        None,
        Some(&query),
        &opts,
        false,
        |_, v, o, _| request::build_list(v, o),
    )
}

fn field<'v>(
    m: &'v serde_json::Map<String, Value>,
    key: &str,
    required: bool,
    issues: &mut Vec<Issue>,
) -> Option<&'v str> {
    match m.get(key) {
        Some(Value::String(s)) => Some(s),
        None | Some(Value::Null) if !required => None,
        _ => {
            issues.push(Issue::error(
                key,
                code::INVALID_TYPE,
                cat!(
                    key,
                    " must be a string",
                    if required { "" } else { " or absent" }
                ),
            ));
            None
        }
    }
}

/// Reads an `HttpRequest` back from JS (for `toCurl`), reporting wrong shapes as issues.
fn read_request(read: &mut Converted) -> Option<HttpRequest> {
    let value = ::core::mem::take(&mut read.value);
    let Value::Object(m) = value else {
        read.issues.push(Issue::error(
            "",
            code::INVALID_TYPE,
            "the request must be an object like { method, url, headers, body? }",
        ));
        return None;
    };
    let mut issues = Vec::new();
    let method = field(&m, "method", true, &mut issues);
    let url = field(&m, "url", true, &mut issues);
    let body = field(&m, "body", false, &mut issues);
    let content_type = match m.get("headers") {
        Some(Value::Object(h)) => field(h, "Content-Type", false, &mut issues),
        None | Some(Value::Null) => None,
        Some(_) => {
            issues.push(Issue::error(
                "headers",
                code::INVALID_TYPE,
                "headers must be an object",
            ));
            None
        }
    };
    let request = match (method, url) {
        (Some(method), Some(url)) if issues.is_empty() && read.issues.is_empty() => {
            Some(HttpRequest {
                method: method.to_string(),
                url: url.to_string(),
                headers: RequestHeaders {
                    // Never printed: to_curl always shows `Bearer ***`.
                    authorization: String::new(),
                    content_type: content_type.map(str::to_string),
                },
                body: body.map(str::to_string),
            })
        }
        _ => None,
    };
    read.issues.extend(issues);
    request
}

/// Longest request body `toCurl` reads, in UTF-16 code units (8 Mi: more than any body the
/// builders write; the other fields keep the usual limit).
const MAX_CURL_BODY_UNITS: u32 = 1 << 23;

/// A built request as previews and logs may show it: `Authorization: Bearer ***` and every `hmac`
/// of the body `"***"` (what `toCurl` shows, as an object).
#[wasm_bindgen(js_name = redactRequest)]
pub fn redact_request(request: Ts<HttpRequest>) -> Result<Ts<HttpRequest>, JsValue> {
    let mut read = to_json_within(
        &request.into_js_value(),
        "",
        Some(("body", MAX_CURL_BODY_UNITS)),
    );
    match read_request(&mut read) {
        Some(req) => Ok(Ts::new_unchecked(request_to_js(&request::redacted(&req)))),
        None => Err(validation_error("request for redactRequest", &read.issues)),
    }
}

/// A curl command for a built request, with the API key shown as `***` and any `hmac` redacted.
#[wasm_bindgen(js_name = toCurl)]
pub fn to_curl(request: Ts<HttpRequest>) -> Result<String, JsValue> {
    let mut read = to_json_within(
        &request.into_js_value(),
        "",
        Some(("body", MAX_CURL_BODY_UNITS)),
    );
    match read_request(&mut read) {
        Some(req) => Ok(request::to_curl(&req)),
        None => Err(validation_error("request for toCurl", &read.issues)),
    }
}
