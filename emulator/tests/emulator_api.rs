//! The emulated `/v1/domain-dialin-config` resource: CRUD, validation, uniqueness, list paging
//! and filters, auth and rate limiting; requests built by the crate's client.

#[path = "emulator_common/mod.rs"]
mod common;

use base64::Engine;
use common::*;
use daily_dialin::request::{self, Built, Refused, RequestOptions};
use daily_dialin::retry;
use daily_dialin_emulator::{EmulatorOptions, RateLimit, DELETE_STATUS};
use serde_json::json;

fn decoded_len(b64: &str) -> usize {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("standard base64")
        .len()
}

#[test]
fn create_pinless_generates_id_hmac_and_sip_uri() {
    let mut h = Harness::new();
    let c = h.created(&pinless(Some("+12095551234")));
    let id = c["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "UUID v4: {id}");
    assert_eq!(c["type"], "pinless_dialin");
    assert_eq!(c["config"]["phone_number"], "+12095551234");
    assert_eq!(
        c["config"]["room_creation_api"],
        "https://example.com/api/dial"
    );
    assert_eq!(
        c["config"]["timeout_config"]["message"],
        "No agent is available"
    );
    assert_eq!(decoded_len(c["config"]["hmac"].as_str().unwrap()), 32);
    assert_eq!(
        c["config"]["sip_uri"],
        "static-address--0@emulator.sip.localhost"
    );
    // The echoed config is what GET returns.
    let got = h.get(&format!("/v1/domain-dialin-config/{id}"));
    assert_eq!(got.status, 200);
    assert_eq!(got.json, c);
    // Every config gets a different id, secret and SIP URI.
    let d = h.created(&pinless(None));
    assert_ne!(d["id"], c["id"]);
    assert_ne!(d["config"]["hmac"], c["config"]["hmac"]);
    assert_eq!(
        d["config"]["sip_uri"],
        "static-address--1@emulator.sip.localhost"
    );
    assert!(d["config"].get("phone_number").is_none());
}

#[test]
fn given_hmac_is_stored_and_pin_has_no_pinless_fields() {
    let mut h = Harness::new();
    let secret = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let mut body = pinless(Some("+12095551234"));
    body["hmac"] = json!(secret);
    let c = h.created(&body);
    assert_eq!(c["config"]["hmac"], secret.as_str());
    let p = h.created(&pin("+12095550000"));
    assert_eq!(
        p["config"],
        json!({"phone_number": "+12095550000", "ivr_greeting": {"message": "Enter your PIN"}})
    );
}

#[test]
fn validation_errors_name_every_field_and_warnings_do_not_block() {
    let mut h = Harness::new();
    let r = h.create(&json!({"type": "pin_dialin", "phone_number": "(209) 555-1234", "hmac": "x", "phoneNumbr": 1}));
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "invalid-request-error");
    for field in ["phone_number:", "hmac:", "phoneNumbr:"] {
        assert!(r.info().contains(field), "{field} in {}", r.info());
    }
    // Missing type, pin without number, pinless without room_creation_api.
    assert!(h.create(&json!({})).info().starts_with("type:"));
    assert!(h
        .create(&json!({"type": "pin_dialin"}))
        .info()
        .contains("phone_number: "));
    assert!(h
        .create(&json!({"type": "pinless_dialin"}))
        .info()
        .contains("room_creation_api: "));
    // http:// and a non-.mp3 hold track are warnings only.
    let mut body = pinless(None);
    body["room_creation_api"] = json!("http://127.0.0.1:9999/hook");
    body["hold_music_url"] = json!("https://example.com/music");
    assert_eq!(h.create(&body).status, 200);
    // Nothing was stored by the failed requests.
    assert_eq!(h.list("").json["total_count"], 1);
}

#[test]
fn private_urls_follow_the_option() {
    let mut h = Harness::with(EmulatorOptions {
        allow_private_urls: false,
        ..opts()
    });
    let mut body = pinless(None);
    body["room_creation_api"] = json!("https://localhost/hook");
    let r = h.create(&body);
    assert_eq!(r.status, 400);
    assert!(r.info().starts_with("room_creation_api: "), "{}", r.info());
}

#[test]
fn malformed_json_and_empty_body() {
    let mut h = Harness::new();
    let r = h.send("POST", "/v1/domain-dialin-config", b"{\"type\":");
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "json-parsing-error");
    let r = h.send("POST", "/v1/domain-dialin-config", b"\xff\xfe");
    assert_eq!(r.error(), "json-parsing-error");
    // An empty body reads as {} and gets the validator's explanation.
    let r = h.send("POST", "/v1/domain-dialin-config", b"");
    assert_eq!(r.error(), "invalid-request-error");
    assert!(r.info().contains("type is required"));
    let r = h.send("POST", "/v1/domain-dialin-config", b"[1]");
    assert_eq!(r.error(), "invalid-request-error");
    assert!(r.info().contains("must be a JSON object"));
}

#[test]
fn phone_numbers_are_unique_on_create_and_update() {
    let mut h = Harness::new();
    let a = h.created(&pinless(Some(&number(1))));
    let b = h.created(&pin(&number(2)));
    // Create: the number is taken by a config of either type.
    for body in [pinless(Some(&number(1))), pin(&number(1)), pin(&number(2))] {
        let r = h.create(&body);
        assert_eq!(r.status, 400);
        assert_eq!(r.error(), "invalid-request-error");
        assert!(r.info().starts_with("phone_number: "), "{}", r.info());
        assert!(r.info().contains("already used"), "{}", r.info());
    }
    // Update: moving b onto a's number fails and changes nothing.
    let b_id = b["id"].as_str().unwrap();
    let r = h.json(
        "PUT",
        &format!("/v1/domain-dialin-config/{b_id}"),
        &json!({"phone_number": number(1)}),
    );
    assert_eq!(r.status, 400);
    assert!(r.info().contains(a["id"].as_str().unwrap()), "{}", r.info());
    assert_eq!(h.get(&format!("/v1/domain-dialin-config/{b_id}")).json, b);
    // Re-sending a config's own number is fine; a fresh number is fine.
    let r = h.json(
        "PUT",
        &format!("/v1/domain-dialin-config/{b_id}"),
        &json!({"phone_number": number(2)}),
    );
    assert_eq!(r.status, 200);
    let r = h.json(
        "PUT",
        &format!("/v1/domain-dialin-config/{b_id}"),
        &json!({"phone_number": number(3)}),
    );
    assert_eq!(r.status, 200);
    // The freed number can be used again, and so can a deleted config's number.
    h.created(&pinless(Some(&number(2))));
    let a_id = a["id"].as_str().unwrap();
    assert_eq!(
        h.send("DELETE", &format!("/v1/domain-dialin-config/{a_id}"), b"")
            .status,
        200
    );
    h.created(&pin(&number(1)));
}

#[test]
fn update_merges_keeps_hmac_and_type_is_immutable() {
    let mut h = Harness::new();
    let c = h.created(&pinless(Some(&number(1))));
    let id = c["id"].as_str().unwrap().to_string();
    let url = format!("/v1/domain-dialin-config/{id}");
    let r = h.json(
        "PUT",
        &url,
        &json!({"hold_music_url": "https://example.com/new.mp3", "name_prefix": "sales"}),
    );
    assert_eq!(r.status, 200, "{}", r.raw.body);
    let mut expected = c.clone();
    expected["config"]["hold_music_url"] = json!("https://example.com/new.mp3");
    expected["config"]["name_prefix"] = json!("sales");
    assert_eq!(
        r.json, expected,
        "omitted fields, hmac and sip_uri are kept"
    );
    // A given hmac replaces the old one.
    let secret = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let r = h.json("PUT", &url, &json!({"hmac": secret}));
    assert_eq!(r.json["config"]["hmac"], secret.as_str());
    // Type cannot change, even to the same value.
    for t in ["pin_dialin", "pinless_dialin"] {
        let r = h.json("PUT", &url, &json!({"type": t}));
        assert_eq!(r.status, 400);
        assert!(r.info().starts_with("type: "), "{}", r.info());
    }
    // R4 applies with the stored type.
    let r = h.json("PUT", &url, &json!({"ivr_greeting": {"message": "hi"}}));
    assert_eq!(r.status, 400);
    assert!(r.info().starts_with("ivr_greeting: "), "{}", r.info());
    let p = h.created(&pin(&number(2)));
    let purl = format!("/v1/domain-dialin-config/{}", p["id"].as_str().unwrap());
    let r = h.json(
        "PUT",
        &purl,
        &json!({"room_creation_api": "https://example.com/x"}),
    );
    assert_eq!(r.status, 400);
    assert!(r.info().contains("applies only to pinless_dialin"));
    // An empty update is refused; the stored type did not change.
    assert_eq!(h.json("PUT", &url, &json!({})).status, 400);
    assert_eq!(h.get(&url).json["type"], "pinless_dialin");
}

#[test]
fn get_update_delete_of_unknown_and_odd_ids() {
    let mut h = Harness::new();
    let c = h.created(&pin(&number(1)));
    let id = c["id"].as_str().unwrap().to_string();
    let url = format!("/v1/domain-dialin-config/{id}");
    let r = h.send("DELETE", &url, b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.json, json!({ "status": DELETE_STATUS }));
    assert!(r.raw.state_changed);
    for (method, body) in [
        ("GET", &b""[..]),
        ("DELETE", b""),
        ("PUT", b"{\"name_prefix\":\"x\"}"),
    ] {
        let r = h.send(method, &url, body);
        assert_eq!(r.status, 404, "{method}");
        assert_eq!(r.error(), "not-found");
        assert!(r.info().contains(&id));
        assert!(!r.raw.state_changed);
    }
    // Percent-encoded ids are decoded; ids the client would refuse are 400.
    let c = h.created(&pin(&number(2)));
    let id = c["id"].as_str().unwrap();
    let encoded = id.replace('-', "%2D");
    assert_eq!(
        h.get(&format!("/v1/domain-dialin-config/{encoded}")).status,
        200
    );
    for bad in ["a%2Fb", "a%20b", "%zz", "%FF"] {
        let r = h.get(&format!("/v1/domain-dialin-config/{bad}"));
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.info().starts_with("id: "), "{}", r.info());
    }
    // A trailing slash is ignored.
    assert_eq!(
        h.get(&format!("/v1/domain-dialin-config/{id}/")).status,
        200
    );
    assert_eq!(h.get("/v1/domain-dialin-config/").json["total_count"], 1);
}

#[test]
fn unknown_routes_and_methods() {
    let mut h = Harness::new();
    for path in [
        "/v1/rooms",
        "/v1/domain-dialin-config/a/b",
        "/v2/domain-dialin-config",
        "/",
        "/v1/dialin",
    ] {
        let r = h.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.error(), "not-found");
        assert!(r.info().contains("no route"));
    }
    for (method, path, allow) in [
        ("DELETE", "/v1/domain-dialin-config", "GET, POST"),
        ("PATCH", "/v1/domain-dialin-config/x", "GET, PUT, DELETE"),
        ("POST", "/v1/domain-dialin-config/x", "GET, PUT, DELETE"),
        ("GET", "/v1/dialin/pinlessCallUpdate", "POST"),
        ("DELETE", "/v1/", "GET, POST"),
        ("PUT", "/v1", "GET, POST"),
    ] {
        let r = h.send(method, path, b"");
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.error(), "invalid-request-error");
        assert_eq!(r.header("Allow"), Some(allow));
    }
}

#[test]
fn auth_errors() {
    let mut h = Harness::with(EmulatorOptions {
        api_keys: Some(vec!["k1".into(), "k2".into()]),
        ..opts()
    });
    h.auth = None;
    let r = h.list("");
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "authorization-header-error");
    for bad in ["k1", "Basic k1", "Bearer", "Bearer  ", "Bearer k1 k2"] {
        h.auth = Some(bad.into());
        let r = h.list("");
        assert_eq!(
            (r.status, r.error()),
            (400, "authorization-header-error"),
            "{bad:?}"
        );
    }
    h.auth = Some("Bearer nope".into());
    let r = h.list("");
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json,
        json!({"error": "authentication-error"}),
        "no info key"
    );
    // Auth comes before the route and the body.
    assert_eq!(h.get("/v1/unknown").status, 401);
    assert_eq!(h.send("POST", "/v1/domain-dialin-config", b"{").status, 401);
    for good in ["Bearer k1", "bearer k2"] {
        h.auth = Some(good.into());
        assert_eq!(h.list("").status, 200, "{good}");
    }
    // Without api_keys any well-formed key is accepted; admin routes need none.
    let mut h = Harness::new();
    h.auth = Some("Bearer anything".into());
    assert_eq!(h.list("").status, 200);
    h.auth = None;
    assert_eq!(h.get("/_emulator/faults").status, 200);
}

#[test]
fn rate_limit_without_and_with_retry_after() {
    let limit = RateLimit {
        max_requests: 3,
        window_ms: 5000,
    };
    for retry_after in [false, true] {
        let mut h = Harness::with(EmulatorOptions {
            rate_limit: Some(limit),
            retry_after,
            ..opts()
        });
        let start = h.now;
        for i in 0..3 {
            h.now = start + i * 1000;
            assert_eq!(h.list("").status, 200);
        }
        h.now = start + 3200;
        let r = h.list("");
        assert_eq!(r.status, 429);
        assert_eq!(r.error(), "rate-limit-error");
        // The oldest request leaves the window at start + 5000: 1.8 s away, rounded up.
        assert_eq!(r.header("Retry-After"), retry_after.then_some("2"));
        // Another key has its own budget; auth failures are not counted against anyone.
        h.auth = Some("Bearer other".into());
        assert_eq!(h.list("").status, 200);
        h.auth = Some(format!("Bearer {KEY}"));
        h.now = start + 4999;
        let r = h.list("");
        assert_eq!(r.status, 429);
        assert_eq!(r.header("Retry-After"), retry_after.then_some("1"));
        // Sliding window: one slot frees when the first request ages out.
        h.now = start + 5000;
        assert_eq!(h.list("").status, 200);
        assert_eq!(h.list("").status, 429);
        // Admin routes are not limited.
        assert_eq!(h.get("/_emulator/calls").status, 200);
    }
}

/// Creates `n` configs (numbers 0..n, every third a pin config) and returns their ids, newest first.
fn populate(h: &mut Harness, n: u32) -> Vec<String> {
    let mut ids: Vec<String> = (0..n)
        .map(|i| {
            let mut body = if i % 3 == 2 {
                pin(&number(i))
            } else {
                pinless(Some(&number(i)))
            };
            body["name_prefix"] = json!(format!("team-{}", i % 2));
            h.created(&body)["id"].as_str().unwrap().to_string()
        })
        .collect();
    ids.reverse();
    ids
}

#[test]
fn list_is_newest_first_with_limit_and_total() {
    let mut h = Harness::new();
    assert_eq!(h.list("").json, json!({"total_count": 0, "data": []}));
    let all = populate(&mut h, 7);
    assert_eq!(h.list_ids(""), all);
    let r = h.list("limit=2");
    assert_eq!(
        r.json["total_count"], 7,
        "total counts all matches, not the page"
    );
    assert_eq!(ids(&r.json["data"]), all[..2]);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=1.5",
        "limit=",
        "bogus=1",
        "limit=2&limit=3",
    ] {
        let r = h.list(bad);
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.error(), "invalid-request-error");
        let field = bad.split('=').next().unwrap();
        assert!(r.info().starts_with(field), "{bad}: {}", r.info());
    }
    assert_eq!(h.list_ids("limit=100").len(), 7);
}

#[test]
fn list_has_a_default_page_of_100() {
    let mut h = Harness::new();
    let all = populate(&mut h, 105);
    let r = h.list("");
    assert_eq!(r.json["total_count"], 105);
    assert_eq!(ids(&r.json["data"]), all[..100]);
    let last = &all[99];
    assert_eq!(h.list_ids(&format!("starting_after={last}")), all[100..]);
}

#[test]
fn cursors_page_forward_and_back_across_pages() {
    let mut h = Harness::new();
    let all = populate(&mut h, 11);
    // Forward with starting_after: pages of 3, 3, 3, 2, then empty.
    let mut forward = Vec::new();
    let mut pages = Vec::new();
    let mut q = "limit=3".to_string();
    loop {
        let page = h.list_ids(&q);
        if page.is_empty() {
            break;
        }
        q = format!("limit=3&starting_after={}", page.last().unwrap());
        forward.extend(page.clone());
        pages.push(page);
    }
    assert_eq!(forward, all);
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 3, 2]);
    // Backward with ending_before from the oldest page, which holds the same pages in reverse.
    let oldest = h.list_ids("limit=3&ending_before=OLDEST");
    assert_eq!(oldest, all[8..]);
    let mut backward = vec![oldest];
    loop {
        let first = backward.last().unwrap()[0].clone();
        let page = h.list_ids(&format!("limit=3&ending_before={first}"));
        if page.is_empty() {
            break;
        }
        backward.push(page);
    }
    let flat: Vec<String> = backward.iter().rev().flatten().cloned().collect();
    assert_eq!(flat, all);
    assert_eq!(
        backward.iter().map(Vec::len).collect::<Vec<_>>(),
        [3, 3, 3, 2]
    );
    // ending_before keeps newest-first order and returns the configs just before the cursor.
    assert_eq!(
        h.list_ids(&format!("limit=2&ending_before={}", all[5])),
        all[3..5]
    );
    assert_eq!(h.list_ids(&format!("ending_before={}", all[5])), all[..5]);
    // Cursors combine with filters; total_count ignores the cursor.
    let pinless_ids: Vec<String> = h.list_ids("type=pinless_dialin");
    let r = h.list(&format!(
        "type=pinless_dialin&limit=2&starting_after={}",
        pinless_ids[1]
    ));
    assert_eq!(ids(&r.json["data"]), pinless_ids[2..4]);
    assert_eq!(r.json["total_count"], pinless_ids.len());
}

#[test]
fn cursor_errors_and_deleted_cursors() {
    let mut h = Harness::new();
    let all = populate(&mut h, 5);
    let r = h.list("starting_after=00000000-0000-4000-8000-000000000000");
    assert_eq!(r.status, 400);
    assert!(r.info().starts_with("starting_after: "), "{}", r.info());
    let r = h.list("ending_before=nope");
    assert!(r.info().starts_with("ending_before: "), "{}", r.info());
    let r = h.list(&format!(
        "starting_after={}&ending_before={}",
        all[0], all[1]
    ));
    assert_eq!(r.status, 400);
    assert!(r.info().contains("cannot be used together"));
    // "List a page, delete it, ask for the next page" keeps working.
    let page = h.list_ids("limit=2");
    for id in &page {
        assert_eq!(
            h.send("DELETE", &format!("/v1/domain-dialin-config/{id}"), b"")
                .status,
            200
        );
    }
    assert_eq!(
        h.list_ids(&format!("limit=2&starting_after={}", page[1])),
        all[2..4]
    );
    assert_eq!(
        h.list_ids(&format!("ending_before={}", all[2])),
        Vec::<String>::new()
    );
}

#[test]
fn list_filters() {
    let mut h = Harness::new();
    let all = populate(&mut h, 6); // numbers 0..6; pin at 2 and 5; team-0 even, team-1 odd
    let sip_only = h.created(&pinless(None));
    let sip_only_id = sip_only["id"].as_str().unwrap().to_string();
    let by_number = |n: u32| all[5 - n as usize].clone();
    let check = |h: &mut Harness, q: &str, expected: Vec<String>| {
        let r = h.list(q);
        assert_eq!(r.status, 200, "{q}: {}", r.raw.body);
        assert_eq!(ids(&r.json["data"]), expected, "{q}");
        assert_eq!(r.json["total_count"], expected.len(), "{q}");
    };
    check(
        &mut h,
        &format!("phone_number={}", number(3).replace('+', "%2B")),
        vec![by_number(3)],
    );
    check(&mut h, "phone_number=%2B12095559999", vec![]);
    // '+' in a query is a space: an unencoded number is not E.164 any more.
    assert_eq!(h.list(&format!("phone_number={}", number(3))).status, 400);
    // phone_numbers: comma-separated substrings, repeats joined.
    check(
        &mut h,
        "phone_numbers=5550001,5550004",
        vec![by_number(4), by_number(1)],
    );
    check(
        &mut h,
        "phone_numbers=5550001&phone_numbers=5550004",
        vec![by_number(4), by_number(1)],
    );
    check(
        &mut h,
        "phone_numbers=209555",
        (0..6).rev().map(by_number).collect(),
    );
    assert_eq!(h.list("phone_numbers=1,,2").status, 400);
    // type
    check(&mut h, "type=pin_dialin", vec![by_number(5), by_number(2)]);
    let mut pinless_ids = vec![sip_only_id.clone()];
    pinless_ids.extend([4, 3, 1, 0].map(by_number));
    check(&mut h, "type=pinless_dialin", pinless_ids);
    assert_eq!(h.list("type=pinless").status, 400);
    // name_prefix matches by prefix.
    check(
        &mut h,
        "name_prefix=team-1",
        vec![by_number(5), by_number(3), by_number(1)],
    );
    check(
        &mut h,
        "name_prefix=team-",
        (0..6).rev().map(by_number).collect(),
    );
    check(&mut h, "name_prefix=eam", vec![]);
    // sip_username is the part of sip_uri before '@'.
    let uri = sip_only["config"]["sip_uri"].as_str().unwrap();
    let user = uri.split('@').next().unwrap();
    check(
        &mut h,
        &format!("sip_username={user}"),
        vec![sip_only_id.clone()],
    );
    check(&mut h, "sip_username=static-address--99", vec![]);
    // Filters combine.
    check(
        &mut h,
        "type=pinless_dialin&name_prefix=team-0",
        vec![by_number(4), by_number(0)],
    );
    check(
        &mut h,
        "type=pin_dialin&phone_numbers=5550005&name_prefix=team-1",
        vec![by_number(5)],
    );
}

const BASE: &str = "http://127.0.0.1:4010/v1";

/// Sends a request built by `crate::request` to the emulator, as the HTTP server would.
fn send_built(h: &mut Harness, built: Result<Built, Refused>) -> Resp {
    let req = built.expect("the client builds it").request;
    let target = req
        .url
        .strip_prefix("http://127.0.0.1:4010")
        .unwrap()
        .to_string();
    h.auth = Some(req.headers.authorization.clone());
    h.send(
        &req.method,
        &target,
        req.body.as_deref().unwrap_or("").as_bytes(),
    )
}

fn client() -> RequestOptions {
    RequestOptions {
        api_key: KEY.into(),
        base_url: Some(BASE.into()),
        allow_private_urls: true,
    }
}

#[test]
fn requests_built_by_the_client_are_understood() {
    let mut h = Harness::new();
    let o = client();
    let body = json!({"type": "pinless_dialin", "phone_number": "+12095551234", "name_prefix": "a b&c",
        "room_creation_api": "http://localhost:3000/hook"});
    let created = send_built(&mut h, request::build_create(&body, &o));
    assert_eq!(created.status, 200, "{}", created.raw.body);
    let id = created.id();
    let r = send_built(&mut h, request::build_get(&id, &o));
    assert_eq!(r.json, created.json);
    let r = send_built(
        &mut h,
        request::build_update(&id, &json!({"name_prefix": "x+y"}), None, &o),
    );
    assert_eq!(r.json["config"]["name_prefix"], "x+y");
    for query in [
        json!({"phone_number": "+12095551234"}),
        json!({"phone_numbers": ["+1209", "555"], "limit": 5}),
        json!({"name_prefix": "x+y", "type": "pinless_dialin"}),
        json!({"sip_username": "static-address--0"}),
    ] {
        let r = send_built(&mut h, request::build_list(&query, &o));
        assert_eq!(r.status, 200, "{query}: {}", r.raw.body);
        assert_eq!(ids(&r.json["data"]), vec![id.as_str()], "{query}");
    }
    let r = send_built(&mut h, request::build_delete(&id, &o));
    assert_eq!(r.json["status"], DELETE_STATUS);
}

#[test]
fn an_applied_create_that_answered_500_is_found_by_reconciling() {
    let mut h = Harness::new();
    let o = client();
    let fault =
        json!({"method": "POST", "path": "/domain-dialin-config", "apply": true, "status": 502});
    assert_eq!(h.json("POST", "/_emulator/faults", &fault).status, 200);
    let body = pinless(Some("+12095551234"));
    let r = send_built(&mut h, request::build_create(&body, &o));
    assert_eq!(r.status, 502);
    let next = retry::next(
        retry::DEFAULT_MAX_RETRIES,
        retry::Method::Post,
        0,
        retry::Failure::Status {
            status: r.status,
            retry_after: r.header("Retry-After"),
        },
        0.5,
        h.now as f64,
    );
    assert!(matches!(next, retry::Next::Reconcile { .. }), "{next:?}");
    let found = send_built(
        &mut h,
        request::build_list(&json!({"phone_number": "+12095551234"}), &o),
    );
    assert_eq!(found.json["total_count"], 1);
    assert!(retry::is_created_from(&body, &found.json["data"][0]));
    // A different body with the same number is not "ours".
    let mut other = body.clone();
    other["name_prefix"] = json!("someone else");
    assert!(!retry::is_created_from(&other, &found.json["data"][0]));
}
