//! Every rule of docs/daily-api.md#rules-the-code-implements for bodies, list queries and ids: a
//! passing and a failing case each, asserting the code, path and severity of each issue. Each test
//! names the rules it covers by anchor.

use daily_dialin::issue::{Issue, Severity};
use daily_dialin::model::DialinType;
use daily_dialin::validate::{validate_create, validate_list_query, validate_update, Options};
use serde_json::{json, Value};

const SECRET32: &str = "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=";

fn pinless() -> Value {
    json!({
        "type": "pinless_dialin",
        "phone_number": "+12095551234",
        "name_prefix": "Customer1",
        "hmac": SECRET32,
        "room_creation_api": "https://example.com/api/dial",
        "hold_music_url": "https://example.com/static/ringtone.mp3",
        "timeout_config": { "message": "No agent is available right now" }
    })
}

fn pin() -> Value {
    json!({
        "type": "pin_dialin",
        "phone_number": "+12095551235",
        "ivr_greeting": { "message": "Please enter the PIN" }
    })
}

fn create(v: &Value) -> Vec<Issue> {
    validate_create(v, &Options::default())
}

fn with(mut base: Value, key: &str, v: Value) -> Value {
    base[key] = v;
    base
}

fn without(mut base: Value, key: &str) -> Value {
    base.as_object_mut().unwrap().remove(key);
    base
}

/// (path, code, severity) of each issue, sorted.
fn summary(issues: &[Issue]) -> Vec<(String, &'static str, Severity)> {
    let mut s: Vec<_> = issues
        .iter()
        .map(|i| (i.path.clone(), i.code, i.severity))
        .collect();
    s.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    s
}

fn e(path: &str, code: &'static str) -> (String, &'static str, Severity) {
    (path.to_string(), code, Severity::Error)
}

fn w(path: &str, code: &'static str) -> (String, &'static str, Severity) {
    (path.to_string(), code, Severity::Warning)
}

/// docs/daily-api.md#rules-the-code-implements
#[test]
fn valid_bodies_have_no_issues() {
    assert_eq!(create(&pinless()), vec![]);
    assert_eq!(create(&pin()), vec![]);
    // Pinless without a number is a SIP-interconnect-only config
    // (docs/daily-api.md#rule-pin-needs-phone).
    assert_eq!(create(&without(pinless(), "phone_number")), vec![]);
}

/// docs/daily-api.md#rule-type-required
#[test]
fn type_is_required_and_one_of_two_values() {
    assert_eq!(
        summary(&create(&without(pin(), "type"))),
        vec![e("type", "required")]
    );
    let bad = create(&with(pin(), "type", json!("pinless")));
    assert_eq!(summary(&bad), vec![e("type", "invalid_enum")]);
    assert!(
        bad[0].message.contains("pinless_dialin"),
        "{}",
        bad[0].message
    );
    assert_eq!(
        summary(&create(&with(pin(), "type", json!(3)))),
        vec![e("type", "invalid_type")]
    );
}

/// docs/daily-api.md#rule-pin-needs-phone
#[test]
fn pin_requires_phone_number_pinless_does_not() {
    assert_eq!(
        summary(&create(&without(pin(), "phone_number"))),
        vec![e("phone_number", "required")]
    );
    assert_eq!(create(&without(pinless(), "phone_number")), vec![]);
}

/// docs/daily-api.md#rule-phone-e164
#[test]
fn phone_numbers_are_e164_with_suggestions() {
    for good in ["+12095551234", "+442079460958", "+4915123456789"] {
        assert_eq!(
            create(&with(pin(), "phone_number", json!(good))),
            vec![],
            "{good}"
        );
    }
    let cases = [
        ("(209) 555-1234", Some("+12095551234")),
        ("+1 209-555-1234", Some("+12095551234")),
        ("+1 (209) 555-1234", Some("+12095551234")),
        ("12095551234", Some("+12095551234")),
        ("+0209555", None),
        ("+1234", None),
        ("+2591234567", None),
        ("+12345678901234567", None),
        ("", None),
    ];
    for (bad, fix) in cases {
        let issues = create(&with(pin(), "phone_number", json!(bad)));
        assert_eq!(
            summary(&issues),
            vec![e("phone_number", "invalid_phone_number")],
            "{bad}"
        );
        match fix {
            Some(f) => assert!(
                issues[0].message.contains(f),
                "{bad}: {}",
                issues[0].message
            ),
            None => assert!(
                !issues[0].message.contains("did you mean"),
                "{bad}: {}",
                issues[0].message
            ),
        }
    }
}

/// docs/daily-api.md#rule-fields-by-type
#[test]
fn fields_of_the_other_type_are_refused() {
    let mut body = pin();
    for k in [
        "hmac",
        "room_creation_api",
        "hold_music_url",
        "timeout_config",
    ] {
        body[k] = pinless()[k].clone();
    }
    let issues = create(&body);
    assert_eq!(
        summary(&issues),
        vec![
            e("hmac", "not_applicable"),
            e("hold_music_url", "not_applicable"),
            e("room_creation_api", "not_applicable"),
            e("timeout_config", "not_applicable"),
        ]
    );
    assert!(issues.iter().all(|i| i.message.contains("pinless_dialin")));
    let issues = create(&with(pinless(), "ivr_greeting", json!({"message": "hi"})));
    assert_eq!(summary(&issues), vec![e("ivr_greeting", "not_applicable")]);
    assert!(issues[0].message.contains("pin_dialin"));
}

/// docs/daily-api.md#rule-pinless-needs-webhook
#[test]
fn pinless_requires_room_creation_api() {
    assert_eq!(
        summary(&create(&without(pinless(), "room_creation_api"))),
        vec![e("room_creation_api", "required")]
    );
}

/// docs/daily-api.md#rule-url-absolute
#[test]
fn urls_are_absolute_http_with_a_host() {
    for (bad, path) in [
        ("example.com/dial", "room_creation_api"),
        ("ftp://example.com/a.mp3", "hold_music_url"),
        ("https://", "room_creation_api"),
    ] {
        assert_eq!(
            summary(&create(&with(pinless(), path, json!(bad)))),
            vec![e(path, "invalid_url")],
            "{bad}"
        );
    }
    assert_eq!(
        summary(&create(&with(
            pinless(),
            "room_creation_api",
            json!("http://example.com/dial")
        ))),
        vec![w("room_creation_api", "insecure_url")]
    );
    assert_eq!(
        summary(&create(&with(
            pinless(),
            "hold_music_url",
            json!("http://example.com/a.mp3")
        ))),
        vec![w("hold_music_url", "insecure_url")]
    );
}

/// docs/daily-api.md#rule-url-public
#[test]
fn private_hosts_need_an_opt_in() {
    for host in [
        "http://localhost:3000/dial",
        "https://127.0.0.1/dial",
        "https://10.0.0.8/dial",
        "https://[::1]/dial",
        "https://box.local/dial",
        "https://api.internal/dial",
        "https://169.254.169.254/dial",
    ] {
        let body = with(pinless(), "room_creation_api", json!(host));
        let codes: Vec<_> = create(&body)
            .into_iter()
            .filter(|i| i.is_error())
            .map(|i| (i.path, i.code))
            .collect();
        assert_eq!(
            codes,
            vec![("room_creation_api".to_string(), "not_public_url")],
            "{host}"
        );
        let allowed = validate_create(
            &body,
            &Options {
                allow_private_urls: true,
            },
        );
        assert!(allowed.iter().all(|i| !i.is_error()), "{host}: {allowed:?}");
    }
}

/// docs/daily-api.md#rule-hold-music-mp3
#[test]
fn hold_music_should_be_mp3() {
    assert_eq!(
        summary(&create(&with(
            pinless(),
            "hold_music_url",
            json!("https://cdn.example.com/hold.wav")
        ))),
        vec![w("hold_music_url", "not_mp3")]
    );
    assert_eq!(
        create(&with(
            pinless(),
            "hold_music_url",
            json!("https://cdn.example.com/HOLD.MP3?v=2")
        )),
        vec![]
    );
}

/// docs/daily-api.md#rule-hmac-base64
#[test]
fn hmac_is_base64_of_enough_bytes() {
    let sixteen = "AAECAwQFBgcICQoLDA0ODw=="; // 16 bytes
    assert_eq!(
        summary(&create(&with(pinless(), "hmac", json!(sixteen)))),
        vec![w("hmac", "weak_secret")]
    );
    assert_eq!(
        summary(&create(&with(pinless(), "hmac", json!("AAECAwQFBgc=")))),
        vec![e("hmac", "weak_secret")]
    );
    for bad in [
        "not base64!",
        "9jyatvPWQfBymCGDOYPYKF_TRZXR-08Gj4bvPF78pH0=",
        "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0",
        " 9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=\n",
    ] {
        let issues = create(&with(pinless(), "hmac", json!(bad)));
        assert_eq!(summary(&issues), vec![e("hmac", "invalid_base64")], "{bad}");
        assert!(
            !issues[0].message.contains(bad.trim()),
            "secret leaked: {}",
            issues[0].message
        );
    }
}

/// docs/daily-api.md#rule-text-fields
#[test]
fn texts_are_not_blank_and_have_no_control_chars() {
    assert_eq!(
        summary(&create(&with(pin(), "name_prefix", json!("  ")))),
        vec![e("name_prefix", "empty")]
    );
    assert_eq!(
        summary(&create(&with(pin(), "name_prefix", json!("a\u{7}b")))),
        vec![e("name_prefix", "invalid_chars")]
    );
    assert_eq!(
        summary(&create(&with(
            pinless(),
            "timeout_config",
            json!({"message": ""})
        ))),
        vec![e("timeout_config.message", "empty")]
    );
    assert_eq!(
        summary(&create(&with(
            pin(),
            "ivr_greeting",
            json!({"message": "line\nbreak"})
        ))),
        vec![e("ivr_greeting.message", "invalid_chars")]
    );
    assert_eq!(
        create(&with(pin(), "name_prefix", json!("Équipe – support ☎"))),
        vec![]
    );
}

/// docs/daily-api.md#rule-unknown-fields
#[test]
fn unknown_fields_are_refused_with_suggestions() {
    let cases = [
        ("phoneNumber", "phone_number"),
        ("room_creation_url", "room_creation_api"),
        ("holdMusicUrl", "hold_music_url"),
        ("HMAC", "hmac"),
    ];
    for (bad, good) in cases {
        let issues = create(&with(pinless(), bad, json!("x")));
        assert_eq!(summary(&issues), vec![e(bad, "unknown_field")], "{bad}");
        assert!(
            issues[0].message.contains(good),
            "{bad}: {}",
            issues[0].message
        );
    }
    let issues = create(&with(pinless(), "timeout_config", json!({"mesage": "hi"})));
    assert_eq!(
        summary(&issues),
        vec![e("timeout_config.mesage", "unknown_field")]
    );
    assert!(
        issues[0].message.contains("timeout_config.message"),
        "{}",
        issues[0].message
    );
    let issues = create(&with(pinless(), "zzzz", json!(1)));
    assert!(!issues[0].message.contains("did you mean"));
    let issues = create(&with(pinless(), "sip_uri", json!("static@x.sip.daily.co")));
    assert_eq!(summary(&issues), vec![e("sip_uri", "unknown_field")]);
}

/// docs/daily-api.md#rule-json-types
#[test]
fn wrong_json_types_are_reported_at_their_path() {
    assert_eq!(
        summary(&create(&json!([1, 2]))),
        vec![e("", "invalid_type")]
    );
    assert_eq!(summary(&create(&json!(null))), vec![e("", "invalid_type")]);
    assert_eq!(
        summary(&create(&with(pin(), "phone_number", json!(12095551234u64)))),
        vec![e("phone_number", "invalid_type")]
    );
    assert_eq!(
        summary(&create(&with(pin(), "ivr_greeting", json!(["hi"])))),
        vec![e("ivr_greeting", "invalid_type")]
    );
    assert_eq!(
        summary(&create(&with(pin(), "name_prefix", Value::Null))),
        vec![e("name_prefix", "invalid_type")]
    );
    assert_eq!(
        summary(&create(&with(
            pinless(),
            "timeout_config",
            json!({"message": {"text": "hi"}})
        ))),
        vec![e("timeout_config.message", "invalid_type")]
    );
}

/// docs/daily-api.md#rules-the-code-implements
#[test]
fn all_issues_are_reported_at_once() {
    let body = json!({
        "type": "pin_dialin",
        "phoneNumber": "+12095551234",
        "name_prefix": "",
        "hmac": "###",
        "ivr_greeting": {"mesage": "x"}
    });
    assert_eq!(
        summary(&create(&body)),
        vec![
            e("hmac", "invalid_base64"),
            e("hmac", "not_applicable"),
            e("ivr_greeting.mesage", "unknown_field"),
            e("name_prefix", "empty"),
            e("phoneNumber", "unknown_field"),
            e("phone_number", "required"),
        ]
    );
}

/// docs/daily-api.md#rule-update-type-immutable
/// docs/daily-api.md#rule-update-not-empty
/// docs/daily-api.md#rule-update-applicability
#[test]
fn updates_are_partial_non_empty_and_typeless() {
    let opts = Options::default();
    assert_eq!(
        validate_update(
            &json!({"hold_music_url": "https://example.com/new.mp3"}),
            None,
            &opts
        ),
        vec![]
    );
    assert_eq!(
        summary(&validate_update(&json!({}), None, &opts)),
        vec![e("", "empty_update")]
    );
    assert_eq!(
        summary(&validate_update(
            &json!({"type": "pin_dialin"}),
            None,
            &opts
        )),
        vec![e("type", "immutable_field")]
    );
    assert_eq!(
        summary(&validate_update(
            &json!({"phone_number": "555"}),
            None,
            &opts
        )),
        vec![e("phone_number", "invalid_phone_number")]
    );
    // Applicability only when the type is known.
    let patch = json!({"ivr_greeting": {"message": "PIN please"}});
    assert_eq!(validate_update(&patch, None, &opts), vec![]);
    assert_eq!(
        validate_update(&patch, Some(DialinType::PinDialin), &opts),
        vec![]
    );
    assert_eq!(
        summary(&validate_update(
            &patch,
            Some(DialinType::PinlessDialin),
            &opts
        )),
        vec![e("ivr_greeting", "not_applicable")]
    );
    assert_eq!(
        summary(&validate_update(&json!("x"), None, &opts)),
        vec![e("", "invalid_type")]
    );
}

/// docs/daily-api.md#rule-list-limit
/// docs/daily-api.md#rule-list-cursors
/// docs/daily-api.md#rule-list-filters
#[test]
fn list_queries_check_limit_cursors_and_filters() {
    assert_eq!(
        validate_list_query(
            &json!({"limit": 100, "type": "pin_dialin", "phone_number": "+12095551234"})
        ),
        vec![]
    );
    assert_eq!(validate_list_query(&Value::Null), vec![]);
    assert_eq!(
        validate_list_query(&json!({"ending_before": "OLDEST"})),
        vec![]
    );
    for bad in [json!(0), json!(101), json!(2.5), json!(-1)] {
        assert_eq!(
            summary(&validate_list_query(&json!({"limit": bad}))),
            vec![e("limit", "out_of_range")]
        );
    }
    assert_eq!(
        summary(&validate_list_query(&json!({"limit": "10"}))),
        vec![e("limit", "invalid_type")]
    );
    assert_eq!(
        summary(&validate_list_query(
            &json!({"starting_after": "a", "ending_before": "b"})
        )),
        vec![e("ending_before", "mutually_exclusive")]
    );
    assert_eq!(
        summary(&validate_list_query(&json!({"type": "pinless"}))),
        vec![e("type", "invalid_enum")]
    );
    assert_eq!(
        summary(&validate_list_query(&json!({"starting_after": "a/b"}))),
        vec![e("starting_after", "invalid_id")]
    );
    assert_eq!(
        summary(&validate_list_query(&json!({"limt": 5}))),
        vec![e("limt", "unknown_field")]
    );
    assert_eq!(
        validate_list_query(&json!({"phone_numbers": ["+1209", "555"]})),
        vec![]
    );
    assert_eq!(
        summary(&validate_list_query(&json!({"phone_numbers": "+1209,,5"}))),
        vec![e("phone_numbers", "empty")]
    );
}

/// docs/daily-api.md#rule-config-id
#[test]
fn ids_are_non_empty_and_safe_in_a_path() {
    use daily_dialin::validate::check_id;
    assert_eq!(check_id("id", "0cb313e1-211f-4be0-833d-8c7305b19902"), None);
    for ok in [
        "...",
        ".a",
        "a.",
        "%2e%2e%2e",
        "%2x",
        "%",
        "%2e%",
        "%252e%2",
        "a%2e",
    ] {
        assert_eq!(check_id("id", ok), None, "{ok:?}");
    }
    // Dot segments, as written and percent-encoded (any case, nested encodings).
    for bad in [
        ".",
        "..",
        "%2e",
        "%2E",
        "%2e%2e",
        "%2E%2e",
        ".%2e",
        "%2e.",
        "%252e",
        "%25252E%2e",
        "%2%65",
        "%%32%65",
    ] {
        let issue = check_id("id", bad).expect(bad);
        assert_eq!(issue.code, "invalid_id", "{bad:?}");
        assert!(issue.message.contains(". or .."), "{}", issue.message);
    }
    for bad in ["", "a/b", "a?b", "a#b", "a b", "a\tb", "a\nb"] {
        assert_eq!(
            check_id("id", bad).map(|i| i.code),
            Some("invalid_id"),
            "{bad:?}"
        );
    }
}
