//! Golden requests (docs/daily-api.md#send-request) for the documented examples, byte for byte.

use daily_dialin::model::{DialinType, HttpRequest};
use daily_dialin::request::{
    build_create, build_delete, build_get, build_list, build_update, to_curl, RequestOptions,
};
use serde_json::json;

const KEY: &str = "sk_test_Zq9xSECRETkey0123456789";

fn opts() -> RequestOptions {
    RequestOptions {
        api_key: KEY.into(),
        ..Default::default()
    }
}

fn check(req: &HttpRequest, method: &str, url: &str, body: Option<&str>) {
    assert_eq!(req.method, method);
    assert_eq!(req.url, url);
    assert_eq!(req.headers.authorization, format!("Bearer {KEY}"));
    assert_eq!(
        req.headers.content_type.as_deref(),
        body.map(|_| "application/json")
    );
    assert_eq!(req.body.as_deref(), body);
    let headers = serde_json::to_string(&req.headers).unwrap();
    match body {
        Some(_) => assert_eq!(
            headers,
            format!(r#"{{"Authorization":"Bearer {KEY}","Content-Type":"application/json"}}"#)
        ),
        None => assert_eq!(headers, format!(r#"{{"Authorization":"Bearer {KEY}"}}"#)),
    }
}

#[test]
fn pinless_with_number() {
    let body = json!({
        "type": "pinless_dialin",
        "phone_number": "+12095551234",
        "name_prefix": "Customer1",
        "room_creation_api": "https://example.com/api/dial",
        "hold_music_url": "https://example.com/static/ringtone.mp3",
        "timeout_config": { "message": "No agent is available right now" }
    });
    let built = build_create(&body, &opts()).unwrap();
    assert!(built.warnings.is_empty());
    check(
        &built.request,
        "POST",
        "https://api.daily.co/v1/domain-dialin-config",
        Some(
            r#"{"type":"pinless_dialin","phone_number":"+12095551234","name_prefix":"Customer1","room_creation_api":"https://example.com/api/dial","hold_music_url":"https://example.com/static/ringtone.mp3","timeout_config":{"message":"No agent is available right now"}}"#,
        ),
    );
}

#[test]
fn pinless_without_number_sip_interconnect_only() {
    let body = json!({
        "room_creation_api": "https://mydomain.com/api/create-room",
        "hmac": "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=",
        "type": "pinless_dialin"
    });
    let built = build_create(&body, &opts()).unwrap();
    check(
        &built.request,
        "POST",
        "https://api.daily.co/v1/domain-dialin-config",
        Some(
            r#"{"type":"pinless_dialin","hmac":"9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=","room_creation_api":"https://mydomain.com/api/create-room"}"#,
        ),
    );
}

#[test]
fn pin_with_greeting() {
    let body = json!({"type":"pin_dialin","phone_number":"+12555599999","ivr_greeting":{"message":"Please enter the dialin code for the meeting, it is in the meeting invite"}});
    let built = build_create(&body, &opts()).unwrap();
    check(
        &built.request,
        "POST",
        "https://api.daily.co/v1/domain-dialin-config",
        Some(
            r#"{"type":"pin_dialin","phone_number":"+12555599999","ivr_greeting":{"message":"Please enter the dialin code for the meeting, it is in the meeting invite"}}"#,
        ),
    );
}

#[test]
fn update_hold_music() {
    let built = build_update(
        "0cb313e1-211f-4be0-833d-8c7305b19902",
        &json!({"hold_music_url":"https://example.com/new-hold.mp3"}),
        Some(DialinType::PinlessDialin),
        &opts(),
    )
    .unwrap();
    check(
        &built.request,
        "PUT",
        "https://api.daily.co/v1/domain-dialin-config/0cb313e1-211f-4be0-833d-8c7305b19902",
        Some(r#"{"hold_music_url":"https://example.com/new-hold.mp3"}"#),
    );
}

#[test]
fn list_with_filters_and_cursor() {
    let q = json!({
        "type": "pinless_dialin",
        "phone_number": "+12095551234",
        "name_prefix": "Customer 1&2",
        "limit": 50,
        "starting_after": "0cb313e1-211f-4be0-833d-8c7305b19902",
        "phone_numbers": ["+1209", "555"]
    });
    let built = build_list(&q, &opts()).unwrap();
    check(
        &built.request,
        "GET",
        "https://api.daily.co/v1/domain-dialin-config?limit=50&starting_after=0cb313e1-211f-4be0-833d-8c7305b19902&phone_number=%2B12095551234&phone_numbers=%2B1209%2C555&name_prefix=Customer%201%262&type=pinless_dialin",
        None,
    );
    let plain = build_list(&json!({}), &opts()).unwrap();
    check(
        &plain.request,
        "GET",
        "https://api.daily.co/v1/domain-dialin-config",
        None,
    );
}

#[test]
fn get_and_delete() {
    let id = "0cb313e1-211f-4be0-833d-8c7305b19902";
    check(
        &build_get(id, &opts()).unwrap().request,
        "GET",
        &format!("https://api.daily.co/v1/domain-dialin-config/{id}"),
        None,
    );
    check(
        &build_delete(id, &opts()).unwrap().request,
        "DELETE",
        &format!("https://api.daily.co/v1/domain-dialin-config/{id}"),
        None,
    );
    // Other characters are percent-encoded into the path.
    let odd = build_get("abc%20é", &opts()).unwrap();
    assert_eq!(
        odd.request.url,
        "https://api.daily.co/v1/domain-dialin-config/abc%2520%C3%A9"
    );
}

#[test]
fn base_url_override_and_errors() {
    let o = RequestOptions {
        base_url: Some("http://127.0.0.1:4010/v1/".into()),
        ..opts()
    };
    let built = build_get("x1", &o).unwrap();
    assert_eq!(
        built.request.url,
        "http://127.0.0.1:4010/v1/domain-dialin-config/x1"
    );
    let bad = RequestOptions {
        base_url: Some("/v1".into()),
        ..opts()
    };
    let err = build_get("x1", &bad).unwrap_err();
    assert_eq!(err[0].path, "baseUrl");
    assert_eq!(err[0].code, "invalid_url");
    for with_credentials in [
        "https://user:hunter2@api.daily.co/v1",
        "https://hunter2@api.daily.co/v1",
        "https://u:hunter2@api.daily.co:443/v1/",
        "http://:hunter2@127.0.0.1:4010/v1",
    ] {
        let o = RequestOptions {
            base_url: Some(with_credentials.into()),
            ..opts()
        };
        let err = build_get("x1", &o).unwrap_err();
        assert_eq!(
            (err[0].path.as_str(), err[0].code),
            ("baseUrl", "invalid_url"),
            "{with_credentials}"
        );
        assert!(!err[0].message.contains("hunter2"), "{}", err[0].message);
    }
    // An `@` after the authority is part of the path, not credentials.
    let at_in_path = RequestOptions {
        base_url: Some("https://proxy.example.com/@daily/v1".into()),
        ..opts()
    };
    assert!(build_get("x1", &at_in_path).is_ok());
    let nokey = RequestOptions::default();
    assert_eq!(build_get("x1", &nokey).unwrap_err()[0].code, "required");
    let newline = RequestOptions {
        api_key: format!("{KEY}\n"),
        ..Default::default()
    };
    let err = build_get("x1", &newline).unwrap_err();
    assert_eq!(err[0].code, "invalid_chars");
    assert!(!err[0].message.contains(KEY));
}

#[test]
fn builders_refuse_invalid_input_and_return_every_issue() {
    let err = build_create(
        &json!({"type":"pin_dialin","hmac":"x"}),
        &RequestOptions::default(),
    )
    .unwrap_err();
    let codes: Vec<_> = err.iter().map(|i| (i.path.as_str(), i.code)).collect();
    assert!(codes.contains(&("phone_number", "required")), "{codes:?}");
    assert!(codes.contains(&("hmac", "not_applicable")), "{codes:?}");
    assert!(codes.contains(&("apiKey", "required")), "{codes:?}");
    assert_eq!(build_get("a/b", &opts()).unwrap_err()[0].code, "invalid_id");
    assert_eq!(
        build_update("x", &json!({"type":"pin_dialin"}), None, &opts()).unwrap_err()[0].code,
        "immutable_field"
    );
    // Warnings do not block, and come back with the request.
    let built = build_create(
        &json!({"type":"pinless_dialin","room_creation_api":"http://example.com/dial"}),
        &opts(),
    )
    .unwrap();
    assert_eq!(built.warnings[0].code, "insecure_url");
}

#[test]
fn curl_never_shows_the_key_or_the_hmac() {
    let secret = "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=";
    let body = json!({"type":"pinless_dialin","hmac":secret,"room_creation_api":"https://example.com/it's"});
    let req = build_create(&body, &opts()).unwrap().request;
    let curl = to_curl(&req);
    assert!(!curl.contains(KEY), "{curl}");
    assert!(!curl.contains(secret), "{curl}");
    assert!(!curl.contains("TRZXR"), "{curl}");
    assert_eq!(
        curl,
        "curl -X 'POST' 'https://api.daily.co/v1/domain-dialin-config' \\\n  -H 'Authorization: Bearer ***' \\\n  -H 'Content-Type: application/json' \\\n  -d '{\"type\":\"pinless_dialin\",\"hmac\":\"***\",\"room_creation_api\":\"https://example.com/it'\\''s\"}'"
    );
    let dbg = format!("{req:?} {:?}", opts());
    assert!(!dbg.contains(KEY) && !dbg.contains(secret), "{dbg}");
    let get = to_curl(&build_get("x1", &opts()).unwrap().request);
    assert_eq!(get, "curl 'https://api.daily.co/v1/domain-dialin-config/x1' \\\n  -H 'Authorization: Bearer ***'");
}

#[test]
fn redacted_requests_show_neither_the_key_nor_any_hmac_and_keep_the_rest() {
    let secret = "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=";
    let body = json!({"type":"pinless_dialin","hmac":secret,"room_creation_api":"https://example.com/dial","name_prefix":"a"});
    let req = build_create(&body, &opts()).unwrap().request;
    let shown = daily_dialin::request::redacted(&req);
    assert_eq!(shown.method, req.method);
    assert_eq!(shown.url, req.url);
    assert_eq!(shown.headers.authorization, "Bearer ***");
    assert_eq!(shown.headers.content_type, req.headers.content_type);
    assert_eq!(
        shown.body.as_deref(),
        Some("{\"type\":\"pinless_dialin\",\"name_prefix\":\"a\",\"hmac\":\"***\",\"room_creation_api\":\"https://example.com/dial\"}")
    );
    let get = daily_dialin::request::redacted(&build_get("x1", &opts()).unwrap().request);
    assert_eq!(
        (get.headers.authorization.as_str(), get.body),
        ("Bearer ***", None)
    );
}

#[test]
fn curl_quotes_every_part_it_prints() {
    use daily_dialin::model::{HttpRequest, RequestHeaders};
    let req = HttpRequest {
        method: "P'$(id)`x`\n".into(),
        url: "-o/tmp/x".into(),
        headers: RequestHeaders {
            authorization: "Bearer secret".into(),
            content_type: Some("a'b".into()),
        },
        body: Some(r#"{"v":"it's"}"#.into()),
    };
    assert_eq!(
        to_curl(&req),
        "curl -X 'P'\\''$(id)`x`\n' --url '-o/tmp/x' \\\n  -H 'Authorization: Bearer ***' \\\n  \
         -H 'Content-Type: a'\\''b' \\\n  -d '{\"v\":\"it'\\''s\"}'"
    );
}

#[test]
fn redact_body_hides_every_hmac_and_keeps_the_rest_of_the_text() {
    use daily_dialin::request::redact_body;
    let cases = [
        // Top level, pretty-printed: only the value changes.
        (
            "{ \"type\": \"pinless_dialin\",\n  \"hmac\" : \"c2VjcmV0\" }",
            "{ \"type\": \"pinless_dialin\",\n  \"hmac\" : \"***\" }",
        ),
        // A response-shaped body (`config.hmac`), an escaped key, duplicate keys, a non-string value.
        (
            r#"{"id":"x","config":{"hmac":"c2VjcmV0","name_prefix":"a"}}"#,
            r#"{"id":"x","config":{"hmac":"***","name_prefix":"a"}}"#,
        ),
        (r#"{"hm\u0061c":"c2VjcmV0"}"#, r#"{"hm\u0061c":"***"}"#),
        (
            r#"{"hmac":"a","hmac":"b"}"#,
            r#"{"hmac":"***","hmac":"***"}"#,
        ),
        (r#"{"hmac":{"nested":["c2VjcmV0"]}}"#, r#"{"hmac":"***"}"#),
        // At any depth, in objects and arrays, and in any letter case.
        (
            r#"{"x":{"HMAC":"1"},"a":[{"Hmac":"2"},[{"hMaC":3}]]}"#,
            r#"{"x":{"HMAC":"***"},"a":[{"Hmac":"***"},[{"hMaC":"***"}]]}"#,
        ),
        (r#"[{"hmac":"1"}]"#, r#"[{"hmac":"***"}]"#),
        (
            r#"{"\u0048MAC":"1","hmacs":"2"}"#,
            r#"{"\u0048MAC":"***","hmacs":"2"}"#,
        ),
        (r#""just text""#, r#""just text""#),
        (
            r#"{"n":-1.5e3,"t":true,"f":false,"z":null,"s":"\"\\\/\b\f\n\r\t\u00e9"}"#,
            r#"{"n":-1.5e3,"t":true,"f":false,"z":null,"s":"\"\\\/\b\f\n\r\t\u00e9"}"#,
        ),
    ];
    for (body, want) in cases {
        assert_eq!(redact_body(body), want, "{body}");
    }
    // Not JSON (RFC 8259): hidden whole, since a secret could hide in any part of it.
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for bad in [
        "",
        "{",
        r#"{"hmac":"c2VjcmV0""#,
        r#"{"hmac":"c2VjcmV0",}"#,
        r#"{"hmac":'c2VjcmV0'}"#,
        "{\"hmac\":\"c2Vj\ncmV0\"}",
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":"\x"}"#,
        r#"{"a":"\u12"}"#,
        r#"{"a":tru}"#,
        r#"{"a":1} x"#,
        deep.as_str(),
    ] {
        assert_eq!(redact_body(bad), "<body hidden: not JSON>", "{bad:?}");
    }
    // Nesting up to the limit is JSON, and an hmac at the bottom is found.
    let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(redact_body(&ok), ok);
    let deep = |v: &str| format!("{}{v}{}", r#"{"a":["#.repeat(60), "]}".repeat(60));
    assert_eq!(
        redact_body(&deep(r#"{"Hmac":"c2VjcmV0"}"#)),
        deep(r#"{"Hmac":"***"}"#)
    );
}

#[test]
fn bodies_escape_strings_as_json_does() {
    use daily_dialin::request::write_json_str;
    // Every control character, quotes, backslashes, and non-ASCII text: the same bytes as serde_json.
    let controls: String = (0u8..0x20).map(char::from).collect();
    for s in [controls.as_str(), "a\"b\\c/é\u{2028}😀\u{7f}", ""] {
        let mut out = String::new();
        write_json_str(s, &mut out);
        assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
    }
    // Through a built body: type first, fields in the documented order.
    let prefix = "a\"b\\c/é\u{2028}😀";
    let body = json!({"name_prefix":prefix,"phone_number":"+14155550123","type":"pin_dialin"});
    let text = build_create(&body, &opts()).unwrap().request.body.unwrap();
    assert_eq!(
        text,
        format!(
            r#"{{"type":"pin_dialin","phone_number":"+14155550123","name_prefix":{}}}"#,
            serde_json::to_string(prefix).unwrap()
        )
    );
}

#[test]
fn number_text_for_messages() {
    use daily_dialin::validate::number_text;
    for (n, want) in [
        (0.0, "0"),
        (101.0, "101"),
        (-3.0, "-3"),
        (0.5, "0.5"),
        (-2.25, "-2.25"),
        (1.0 / 3.0, "0.333333"),
        (2.0 / 3.0, "0.666667"),
        (0.9999996, "1"),
        (-7.0000004, "-7"),
        (0.0000005, "0.000001"),
        (50_000_000_000_000.5, "50000000000000.5"),
        (999_999_999_999_999.0, "999999999999999"),
        (1e15, "a very large number"),
        (1e300, "a very large number"),
        (f64::NAN, "a very large number"),
    ] {
        assert_eq!(number_text(n), want, "{n}");
    }
}
