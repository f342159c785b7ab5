//! The JS surface (src/wasm) called from Rust-in-wasm with JS values, as JS would call it.
//!
//! Runs in Node and in headless Chromium (no `run_in_browser` here; the browser run sets
//! `WASM_BINDGEN_USE_BROWSER=1`, see scripts/test-pkg):
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test --target wasm32-unknown-unknown --test wasm_core
#![cfg(target_arch = "wasm32")]

use daily_dialin::ts::Ts;
use daily_dialin::wasm::core;
use daily_dialin::wasm::{convert, errors, memory_bytes};
use js_sys::{Array, Function, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const U: JsValue = JsValue::UNDEFINED;
const PINLESS: &str = r#"{"type":"pinless_dialin","room_creation_api":"https://example.com/dial","hmac":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}"#;
const PIN: &str = r#"{"type":"pin_dialin","phone_number":"+14155550123"}"#;

// The exports, called with any JS value, as JS can: their `Ts<T>` arguments and results are only
// handles typed for the .d.ts (nothing is checked when they cross).
fn validate_create(body: JsValue, opts: JsValue) -> JsValue {
    core::validate_create(Ts::new_unchecked(body), opts).into()
}

fn validate_update(patch: JsValue, opts: JsValue) -> JsValue {
    core::validate_update(Ts::new_unchecked(patch), opts).into()
}

fn build_create_request(body: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    core::build_create_request(Ts::new_unchecked(body), opts).map(JsValue::from)
}

fn build_update_request(id: JsValue, patch: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    core::build_update_request(id, Ts::new_unchecked(patch), opts).map(JsValue::from)
}

fn validate_list_query(query: JsValue) -> JsValue {
    core::validate_list_query(query).into()
}

fn build_get_request(id: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    core::build_get_request(id, opts).map(JsValue::from)
}

fn build_delete_request(id: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    core::build_delete_request(id, opts).map(JsValue::from)
}

fn build_list_request(query: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    core::build_list_request(query, opts).map(JsValue::from)
}

fn to_curl(request: JsValue) -> Result<String, JsValue> {
    core::to_curl(Ts::new_unchecked(request))
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

/// Evaluates a JS expression (for values JSON cannot express).
fn eval(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expr});"))
        .call0(&JsValue::NULL)
        .expect("test expression")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("property")
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn opts(api_key: &str) -> JsValue {
    let o = js("{}");
    Reflect::set(&o, &"apiKey".into(), &api_key.into()).unwrap();
    o
}

/// (path, code, severity) of every issue in a report or a ValidationError.
fn issues(v: &JsValue) -> Vec<(String, String, String)> {
    get(v, "issues")
        .dyn_into::<Array>()
        .expect("issues is an array")
        .iter()
        .map(|i| (text(&i, "path"), text(&i, "code"), text(&i, "severity")))
        .collect()
}

fn has(v: &JsValue, path: &str, code: &str) -> bool {
    issues(v).iter().any(|(p, c, _)| p == path && c == code)
}

fn ok(report: &JsValue) -> bool {
    get(report, "ok").as_bool().expect("ok is a boolean")
}

#[wasm_bindgen_test]
fn valid_bodies_pass() {
    for body in [PINLESS, PIN] {
        let r = validate_create(js(body), U);
        assert!(ok(&r), "{body}: {:?}", issues(&r));
        assert!(issues(&r).is_empty());
    }
    assert!(ok(&validate_update(js(r#"{"name_prefix":"Sales"}"#), U)));
    assert!(ok(&validate_list_query(js(
        r#"{"limit":10,"type":"pin_dialin"}"#
    ))));
    assert!(ok(&validate_list_query(U)));
    assert!(ok(&validate_list_query(JsValue::NULL)));
}

#[wasm_bindgen_test]
fn core_rules_come_through() {
    let r = validate_create(
        js(
            r#"{"type":"pin_dialin","phone_number":"+14155550123","hmac":"MDEyMzQ1Njc4OWFiY2RlZg=="}"#,
        ),
        U,
    );
    assert!(!ok(&r));
    assert!(has(&r, "hmac", "not_applicable"), "{:?}", issues(&r));
    let r = validate_create(
        js(r#"{"type":"pin-dialin","phone_number":"+14155550123"}"#),
        U,
    );
    assert!(has(&r, "type", "invalid_enum"));
    let r = validate_create(
        js(r#"{"type":"pin_dialin","phone_number":"4155550123"}"#),
        U,
    );
    assert!(has(&r, "phone_number", "invalid_phone_number"));
    // Warnings do not make a report fail.
    let r = validate_create(
        js(r#"{"type":"pinless_dialin","room_creation_api":"http://example.com/dial"}"#),
        U,
    );
    assert!(ok(&r));
    assert!(issues(&r)
        .iter()
        .any(|(p, c, s)| p == "room_creation_api" && c == "insecure_url" && s == "warning"));
}

#[wasm_bindgen_test]
fn options_are_read() {
    let local =
        js(r#"{"type":"pinless_dialin","room_creation_api":"https://localhost:8080/dial"}"#);
    assert!(has(
        &validate_create(local.clone(), U),
        "room_creation_api",
        "not_public_url"
    ));
    assert!(ok(&validate_create(
        local,
        js(r#"{"allowPrivateUrls":true}"#)
    )));

    let patch = js(r#"{"hmac":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}"#);
    assert!(ok(&validate_update(patch.clone(), U)));
    let r = validate_update(patch, js(r#"{"type":"pin_dialin"}"#));
    assert!(has(&r, "hmac", "not_applicable"), "{:?}", issues(&r));

    let r = validate_update(js(r#"{"name_prefix":"x"}"#), js(r#"{"type":"nope"}"#));
    assert!(has(&r, "type", "invalid_enum"));
    let r = validate_create(js(PIN), js(r#"{"allowPrivateUrls":"yes"}"#));
    assert!(has(&r, "allowPrivateUrls", "invalid_type"));
    let r = validate_create(js(PIN), js("42"));
    assert!(has(&r, "", "invalid_type"));
}

#[wasm_bindgen_test]
fn values_json_cannot_carry_become_issues() {
    let body = eval(
        "{ type: 'pin_dialin', phone_number: undefined, name_prefix: 5n, hmac: () => 1, \
           timeout_config: Symbol('s'), hold_music_url: NaN, room_creation_api: Infinity }",
    );
    let r = validate_create(body, U);
    assert!(!ok(&r));
    for path in [
        "name_prefix",
        "hmac",
        "timeout_config",
        "hold_music_url",
        "room_creation_api",
    ] {
        assert!(has(&r, path, "invalid_type"), "{path}: {:?}", issues(&r));
    }
    // `undefined` as a property counts as absent: the core says what is missing.
    assert!(has(&r, "phone_number", "required"));

    for root in [
        U,
        eval("Symbol('x')"),
        eval("10n"),
        eval("function f() {}"),
        eval("NaN"),
    ] {
        let r = validate_create(root, U);
        assert!(!ok(&r));
        assert_eq!(issues(&r).len(), 1, "{:?}", issues(&r));
    }
    let r = validate_list_query(eval("{ phone_numbers: ['+1', undefined] }"));
    assert!(
        has(&r, "phone_numbers.1", "invalid_type"),
        "{:?}",
        issues(&r)
    );
}

#[wasm_bindgen_test]
fn hostile_structures_are_bounded() {
    let cyclic =
        eval("(() => { const o = { type: 'pin_dialin' }; o.ivr_greeting = o; return o; })()");
    let r = validate_create(cyclic, U);
    assert!(has(&r, "ivr_greeting", "invalid_type"), "{:?}", issues(&r));

    let deep =
        eval("(() => { let o = {}; for (let i = 0; i < 5000; i++) o = { a: o }; return o; })()");
    let r = validate_create(deep, U);
    assert!(issues(&r).iter().any(|(_, c, _)| c == "too_large"));

    let wide = eval("Array.from({ length: 20000 }, (_, i) => i)");
    let r = validate_create(wide, U);
    assert!(has(&r, "", "too_large"), "{:?}", issues(&r));

    let long_key = eval("{ ['k'.repeat(300)]: 1 }");
    assert!(has(&validate_create(long_key, U), "", "too_large"));
    let many_keys =
        eval("Object.fromEntries(Array.from({ length: 20000 }, (_, i) => ['k' + i, i]))");
    let r = validate_create(many_keys, U);
    assert!(issues(&r).iter().any(|(_, c, _)| c == "too_large"));
    assert!(
        issues(&r).len() < 2 * convert::MAX_NODES,
        "{}",
        issues(&r).len()
    );
    let many_bad =
        eval("Object.fromEntries(Array.from({ length: 500 }, (_, i) => ['k' + i, Symbol()]))");
    let r = validate_create(many_bad, U);
    let read: Vec<_> = issues(&r)
        .into_iter()
        .filter(|(p, _, _)| p != "type")
        .collect();
    assert_eq!(read.len(), convert::MAX_ISSUES + 1, "{read:?}");

    let huge = eval("{ type: 'pin_dialin', phone_number: 'x'.repeat(3 * 1024 * 1024) }");
    let before = memory_bytes();
    let r = validate_create(huge, U);
    assert!(has(&r, "phone_number", "too_large"), "{:?}", issues(&r));
    assert_eq!(
        memory_bytes(),
        before,
        "a refused string must not be copied into wasm"
    );

    let throwing = eval("{ type: 'pin_dialin', get phone_number() { throw new Error('getter') } }");
    let r = validate_create(throwing, U);
    assert!(has(&r, "phone_number", "invalid_type"), "{:?}", issues(&r));
    let proxy = eval("new Proxy({}, { ownKeys() { throw new Error('trap') } })");
    assert!(has(&validate_create(proxy, U), "", "invalid_type"));
    let revoked =
        eval("(() => { const p = Proxy.revocable([], {}); p.revoke(); return p.proxy; })()");
    assert!(has(&validate_create(revoked, U), "", "invalid_type"));
}

#[wasm_bindgen_test]
fn create_request_is_a_plain_object() {
    let req = build_create_request(js(PINLESS), opts("sk_test")).expect("valid");
    assert_eq!(text(&req, "method"), "POST");
    assert_eq!(
        text(&req, "url"),
        "https://api.daily.co/v1/domain-dialin-config"
    );
    let headers = get(&req, "headers");
    assert!(headers.is_object() && !headers.is_instance_of::<js_sys::Map>());
    assert_eq!(text(&headers, "Authorization"), "Bearer sk_test");
    assert_eq!(text(&headers, "Content-Type"), "application/json");
    let body = text(&req, "body");
    assert!(body.starts_with(r#"{"type":"pinless_dialin""#), "{body}");
    let curl = to_curl(req).expect("curl");
    assert!(
        curl.contains("Bearer ***") && !curl.contains("sk_test"),
        "{curl}"
    );
    assert!(
        curl.contains(r#""hmac":"***""#) && !curl.contains("MDEy"),
        "{curl}"
    );
}

#[wasm_bindgen_test]
fn other_requests() {
    let o = || js(r#"{"apiKey":"k","baseUrl":"http://127.0.0.1:9/v1/"}"#);
    let req = build_get_request("cfg 1".into(), opts("k"));
    assert!(req.is_err(), "ids with spaces are refused");
    let req = build_get_request("abc-123".into(), o()).expect("get");
    assert_eq!(
        text(&req, "url"),
        "http://127.0.0.1:9/v1/domain-dialin-config/abc-123"
    );
    assert!(get(&req, "body").is_undefined());
    let req = build_delete_request("abc-123".into(), o()).expect("delete");
    assert_eq!(text(&req, "method"), "DELETE");
    let req = build_list_request(U, o()).expect("list");
    assert_eq!(
        text(&req, "url"),
        "http://127.0.0.1:9/v1/domain-dialin-config"
    );
    let req = build_list_request(js(r#"{"limit":5,"type":"pin_dialin"}"#), o()).expect("list");
    assert!(text(&req, "url").ends_with("?limit=5&type=pin_dialin"));
    let req = build_update_request(
        "abc".into(),
        js(r#"{"name_prefix":"Sales"}"#),
        js(r#"{"apiKey":"k","type":"pinless_dialin"}"#),
    )
    .expect("update");
    assert_eq!(text(&req, "method"), "PUT");
    assert_eq!(text(&req, "body"), r#"{"name_prefix":"Sales"}"#);
}

#[wasm_bindgen_test]
fn refusals_throw_validation_errors() {
    let err = build_create_request(js(r#"{"type":"pin_dialin"}"#), opts("k")).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&err, "name"), "ValidationError");
    assert!(has(&err, "phone_number", "required"));
    assert!(text(&err, "message").contains("phone_number"));

    // Missing or wrongly typed options.
    let err = build_create_request(js(PIN), U).unwrap_err();
    assert!(has(&err, "apiKey", "required"), "{:?}", issues(&err));
    let err = build_create_request(js(PIN), js(r#"{"apiKey":42}"#)).unwrap_err();
    assert_eq!(
        issues(&err),
        vec![("apiKey".into(), "invalid_type".into(), "error".into())]
    );
    let err = build_get_request(JsValue::from(7), opts("k")).unwrap_err();
    assert!(has(&err, "id", "invalid_type"));
    let err = build_list_request(js(r#"{"limit":0}"#), opts("k")).unwrap_err();
    assert!(has(&err, "limit", "out_of_range"));
    // A value the core would accept but JS mangled (a function) still refuses the request.
    let patch = eval("{ name_prefix: 'x', hold_music_url: () => 1 }");
    let err = build_update_request("abc".into(), patch, opts("k")).unwrap_err();
    assert!(has(&err, "hold_music_url", "invalid_type"));

    // No error message carries the key.
    let err = build_create_request(js(PIN), js(r#"{"apiKey":"sk live"}"#)).unwrap_err();
    assert!(!text(&err, "message").contains("sk live"));
    let err = to_curl(js(
        r#"{"method":"GET","url":5,"headers":"Bearer sk_secret"}"#,
    ))
    .unwrap_err();
    assert!(has(&err, "url", "invalid_type") && has(&err, "headers", "invalid_type"));
    assert!(!text(&err, "message").contains("sk_secret"));
}

#[wasm_bindgen_test]
fn registered_classes_are_used() {
    let classes = eval(
        "(() => { class ValidationError extends Error { constructor(m, p) { super(m); this.viaClass = Array.isArray(p.issues); this.issues = p.issues; } } \
           return { ValidationError }; })()",
    );
    errors::register_error_classes(classes.clone());
    let err = build_get_request("".into(), opts("k")).unwrap_err();
    let class = get(&classes, "ValidationError");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert!(Reflect::get_prototype_of(&err).unwrap() == get(&class, "prototype").into());
    assert_eq!(get(&err, "viaClass"), JsValue::TRUE);
    assert!(has(&err, "id", "invalid_id"));

    // The class copies the fields (errors.js does it once, in the base class); Rust does not set
    // them again on an instance the class built.
    errors::register_error_classes(eval(
        "(() => { class ValidationError extends Error {} return { ValidationError }; })()",
    ));
    let err = build_get_request("".into(), opts("k")).unwrap_err();
    assert!(get(&err, "issues").is_undefined());

    // A class that throws in its constructor falls back to a plain Error.
    errors::register_error_classes(eval(
        "{ ValidationError: class { constructor() { throw new Error('no') } } }",
    ));
    let err = build_get_request("".into(), opts("k")).unwrap_err();
    assert_eq!(text(&err, "name"), "ValidationError");
    assert!(has(&err, "id", "invalid_id"));

    errors::register_error_classes(U);
    let err = errors::make_error("DailyApiError", "boom", &[("status", JsValue::from(500))]);
    assert_eq!(text(&err, "name"), "DailyApiError");
    assert_eq!(get(&err, "status"), JsValue::from(500));
}

#[wasm_bindgen_test]
fn memory_is_reported_in_pages() {
    let bytes = memory_bytes();
    assert!(bytes >= 65536.0 && bytes % 65536.0 == 0.0);
}
