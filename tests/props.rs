//! Property tests: arbitrary JSON and mutations of valid bodies never panic, and every issue has a
//! path that names a place in the input (or the root) and a known code.

use daily_dialin::issue::Issue;
use daily_dialin::model::DialinType;
use daily_dialin::request::{
    build_create, build_delete, build_get, build_list, build_update, to_curl, RequestOptions,
};
use daily_dialin::validate::{validate_create, validate_list_query, validate_update, Options};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const CODES: &[&str] = &[
    "required",
    "invalid_enum",
    "invalid_phone_number",
    "not_applicable",
    "invalid_url",
    "insecure_url",
    "not_public_url",
    "not_mp3",
    "invalid_base64",
    "weak_secret",
    "empty",
    "invalid_chars",
    "unknown_field",
    "invalid_type",
    "immutable_field",
    "empty_update",
    "out_of_range",
    "mutually_exclusive",
    "invalid_id",
];

const KEYS: &[&str] = &[
    "type",
    "phone_number",
    "name_prefix",
    "hmac",
    "room_creation_api",
    "hold_music_url",
    "timeout_config",
    "ivr_greeting",
    "message",
    "limit",
    "starting_after",
    "ending_before",
    "phone_numbers",
    "sip_username",
    "phoneNumber",
    "mesage",
    "sip_uri",
    "",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,24}",
        "\\PC{0,12}",
        Just("+12095551234".to_string()),
        Just("https://example.com/a.mp3".to_string()),
        Just("http://[::1".to_string()),
        Just("9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=".to_string()),
        Just("pinless_dialin".to_string()),
        Just("pin_dialin".to_string()),
        Just("\u{0}\u{7f}\u{202e}".to_string()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (prop::sample::select(KEYS).prop_map(String::from), inner),
                0..7
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn valid_bodies() -> Vec<Value> {
    vec![
        json!({"type":"pinless_dialin","phone_number":"+12095551234","name_prefix":"c1","hmac":"9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=","room_creation_api":"https://example.com/dial","hold_music_url":"https://example.com/h.mp3","timeout_config":{"message":"later"}}),
        json!({"type":"pin_dialin","phone_number":"+12095551235","ivr_greeting":{"message":"PIN"}}),
        json!({"type":"pinless_dialin","room_creation_api":"https://example.com/dial"}),
    ]
}

/// A valid body with one key replaced, removed or added.
fn mutated() -> impl Strategy<Value = Value> {
    (0..3usize, prop::sample::select(KEYS), json_value(), 0..3u8).prop_map(|(i, key, v, op)| {
        let mut body = valid_bodies().swap_remove(i);
        let m = body.as_object_mut().expect("object");
        match op {
            0 => {
                m.insert(key.to_string(), v);
            }
            1 => {
                m.remove(key);
            }
            _ => {
                let nested = if m.contains_key("timeout_config") {
                    "timeout_config"
                } else {
                    "ivr_greeting"
                };
                if let Some(Value::Object(inner)) = m.get_mut(nested) {
                    inner.insert(key.to_string(), v);
                }
            }
        }
        body
    })
}

/// Every issue's path is the root or a dotted path whose first segment is a key of the input.
fn check_issues(input: &Value, issues: &[Issue]) {
    for i in issues {
        assert!(CODES.contains(&i.code), "unknown code {}", i.code);
        assert!(!i.message.is_empty());
        if i.path.is_empty() || ["apiKey", "baseUrl", "id"].contains(&i.path.as_str()) {
            // Root issues, and issues about the builder's own arguments.
            continue;
        }
        let first = i.path.split('.').next().unwrap_or_default();
        let known = input.as_object().is_some_and(|m| m.contains_key(first))
            || (i.code == "required"
                && ["type", "phone_number", "room_creation_api"].contains(&first));
        assert!(known, "path {} does not point into the input", i.path);
    }
}

fn exercise(v: &Value, id: &str) {
    let opts = Options::default();
    check_issues(v, &validate_create(v, &opts));
    for t in [
        None,
        Some(DialinType::PinlessDialin),
        Some(DialinType::PinDialin),
    ] {
        check_issues(v, &validate_update(v, t, &opts));
    }
    check_issues(v, &validate_list_query(v));
    let ro = RequestOptions {
        api_key: "k".into(),
        base_url: None,
        allow_private_urls: false,
    };
    for r in [
        build_create(v, &ro),
        build_update(id, v, None, &ro),
        build_list(v, &ro),
        build_get(id, &ro),
        build_delete(id, &ro),
    ] {
        match r {
            Ok(b) => {
                let curl = to_curl(&b.request);
                assert!(!curl.contains("Bearer k'"));
                if let Some(body) = &b.request.body {
                    // A built body is always valid JSON of an object.
                    assert!(
                        serde_json::from_str::<Value>(body)
                            .map(|x| x.is_object())
                            .unwrap_or(false),
                        "{body}"
                    );
                }
            }
            Err(issues) => {
                assert!(issues.iter().any(Issue::is_error));
                check_issues(v, &issues);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in json_value(), id in "\\PC{0,10}") {
        exercise(&v, &id);
    }

    #[test]
    fn mutated_valid_bodies_never_panic(v in mutated(), id in "[a-z0-9/?# -]{0,8}") {
        exercise(&v, &id);
    }
}

proptest! {
    /// `generate_secret` encodes by hand (`b64::encode`, to keep the base64 crate's encoder out of
    /// the core module); it must agree with the crate for every input.
    #[test]
    fn generate_secret_is_standard_base64(bytes in proptest::array::uniform32(any::<u8>())) {
        use base64::Engine;
        let ours = daily_dialin::webhook::generate_secret(&bytes);
        prop_assert_eq!(&ours, &base64::engine::general_purpose::STANDARD.encode(bytes));
        prop_assert_eq!(ours.len(), 44);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20000, ..ProptestConfig::default() })]

    /// `b64::decoded_len` (the hand-written `hmac` check) agrees with the base64 crate's
    /// `STANDARD` decoder on arbitrary strings over the alphabet, padding and a few strangers.
    #[test]
    fn base64_check_matches_the_crate(s in "[A-Za-z0-9+/=_ -]{0,14}") {
        use base64::Engine;
        let crate_len = base64::engine::general_purpose::STANDARD.decode(&s).ok().map(|v| v.len());
        prop_assert_eq!(daily_dialin::b64::decoded_len(&s), crate_len, "{:?}", s);
    }

    /// ... and on encodings of random bytes, whole or with one character replaced.
    #[test]
    fn base64_check_matches_the_crate_on_encodings(
        bytes in proptest::collection::vec(any::<u8>(), 0..40),
        at in any::<usize>(),
        with in "[A-Za-z0-9+/=]",
    ) {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let good = engine.encode(&bytes);
        prop_assert_eq!(daily_dialin::b64::decoded_len(&good), Some(bytes.len()));
        if !good.is_empty() {
            let i = at % good.len();
            let bad = format!("{}{}{}", &good[..i], with, &good[i + 1..]);
            let crate_len = engine.decode(&bad).ok().map(|v| v.len());
            prop_assert_eq!(daily_dialin::b64::decoded_len(&bad), crate_len, "{:?}", bad);
        }
    }
}

/// `v` as JSON text with each object's members in reverse key order (the fast path's reader sorts
/// them, as `serde_json::Map` does).
fn text_reversed(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(text_reversed).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(m) => {
            let members: Vec<String> = m
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), text_reversed(v)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        leaf => leaf.to_string(),
    }
}

/// The fast path (JSON text read in place by `daily_dialin::json`) and the careful one (a
/// `serde_json::Value`) give the same issues, in the same order (docs/daily-api.md#rules-the-code-implements).
fn same_on_both_paths(body: &Value) {
    let text = text_reversed(body);
    for allow_private_urls in [false, true] {
        let opts = Options { allow_private_urls };
        let fast = daily_dialin::json::with_doc(&text, |doc| {
            let root = doc.expect("the reader reads what serde_json writes").root();
            let create = validate_create(root, &opts);
            let updates: Vec<_> = [
                None,
                Some(DialinType::PinDialin),
                Some(DialinType::PinlessDialin),
            ]
            .into_iter()
            .map(|t| validate_update(root, t, &opts))
            .collect();
            (create, updates)
        });
        assert_eq!(fast.0, validate_create(body, &opts), "{text}");
        for (t, issues) in [
            None,
            Some(DialinType::PinDialin),
            Some(DialinType::PinlessDialin),
        ]
        .into_iter()
        .zip(fast.1)
        {
            assert_eq!(issues, validate_update(body, t, &opts), "{text} {t:?}");
        }
    }
}

proptest! {
    // 2 x 5,000 bodies x 8 validations each; tests/js/fast-path.test.mjs adds 100,000 through the package.
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_careful_path_on_mutated_bodies(body in mutated()) {
        same_on_both_paths(&body);
    }

    #[test]
    fn fast_path_equals_careful_path_on_any_json(body in json_value()) {
        same_on_both_paths(&body);
    }
}
