//! The domain config (`GET /v1/`, `POST /v1/`) and its legacy dial-in arrays
//! (docs/emulator.md#legacy-domain-level-arrays): a POST replaces a whole array, an omitted
//! `hmac` is new on every call, entries follow the create rules with paths into the body, the
//! usual checks apply, the arrays persist (journal, export, import, version 1 files), and calls
//! to a number only in an array are routed.

#[path = "emulator_common/mod.rs"]
mod common;

use base64::Engine;
use common::*;
use daily_dialin::validate::{validate_create, Options};
use daily_dialin_emulator::{
    is_mutating, Effect, EmuRequest, Emulator, EmulatorOptions, RateLimit, DEFAULT_CALL_DOMAIN,
    DOMAIN_NAME, FAULT_HEADER, TEST_PING_BODY,
};
use serde_json::{json, Value};

const HOOK: &str = "https://example.com/api/dial";
const SECRET: &str = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

fn set(h: &mut Harness, properties: Value) -> Resp {
    h.json("POST", "/v1/", &json!({ "properties": properties }))
}

/// Sets and asserts 200; returns the domain object.
fn domain_set(h: &mut Harness, properties: Value) -> Value {
    let r = set(h, properties);
    assert_eq!(r.status, 200, "{}", r.raw.body);
    r.json
}

fn pinless_entry(phone: Option<&str>) -> Value {
    let mut v = json!({ "room_creation_api": HOOK });
    if let Some(p) = phone {
        v["phone_number"] = json!(p);
    }
    v
}

fn pin_entry(phone: &str) -> Value {
    json!({ "phone_number": phone, "ivr_greeting": { "message": "Enter your PIN" } })
}

fn numbers(domain: &Value, array: &str) -> Vec<Option<String>> {
    domain["config"][array]
        .as_array()
        .unwrap_or_else(|| panic!("{array} is an array: {domain}"))
        .iter()
        .map(|e| e["phone_number"].as_str().map(str::to_string))
        .collect()
}

fn is_secret32(s: &Value) -> bool {
    s.as_str()
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .is_some_and(|b| b.len() == 32)
}

#[test]
fn get_answers_the_documented_domain_object() {
    let mut h = Harness::new();
    for path in ["/v1/", "/v1"] {
        let r = h.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.raw.body);
        assert_eq!(
            r.json,
            json!({
                "domain_name": DOMAIN_NAME,
                "domain_id": DEFAULT_CALL_DOMAIN,
                "config": { "pinless_dialin": [], "pin_dialin": [] },
            })
        );
        assert!(r
            .header("Content-Type")
            .is_some_and(|t| t.starts_with("application/json")));
    }
    // POST answers the same domain object, with what it set.
    let r = set(
        &mut h,
        json!({ "lang": "fr", "pin_dialin": [pin_entry(&number(1))] }),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json["domain_name"], DOMAIN_NAME);
    assert_eq!(r.json["config"]["lang"], "fr");
    assert_eq!(
        r.json["config"]["pin_dialin"],
        json!([{ "phone_number": number(1), "ivr_greeting": { "message": "Enter your PIN" } }])
    );
    assert_eq!(h.get("/v1/").json, r.json);
    // Other properties are stored as sent; null resets one.
    let r = set(&mut h, json!({ "lang": null, "enable_prejoin_ui": false }));
    assert_eq!(r.json["config"].get("lang"), None);
    assert_eq!(r.json["config"]["enable_prejoin_ui"], false);
    assert_eq!(numbers(&r.json, "pin_dialin"), [Some(number(1))]);
}

#[test]
fn a_post_replaces_the_whole_array_it_names() {
    let mut h = Harness::new();
    domain_set(
        &mut h,
        json!({
            "pinless_dialin": [pinless_entry(Some(&number(1))), pinless_entry(Some(&number(2))), pinless_entry(None)],
            "pin_dialin": [pin_entry(&number(3))],
        }),
    );
    // A "partial update": only number 2 is sent, so 1 and the SIP-only entry are dropped.
    let d = domain_set(
        &mut h,
        json!({ "pinless_dialin": [{ "phone_number": number(2), "room_creation_api": HOOK, "name_prefix": "sales" }] }),
    );
    assert_eq!(numbers(&d, "pinless_dialin"), [Some(number(2))]);
    assert_eq!(d["config"]["pinless_dialin"][0]["name_prefix"], "sales");
    assert_eq!(
        numbers(&d, "pin_dialin"),
        [Some(number(3))],
        "an array left out is kept"
    );
    assert_eq!(h.get("/v1/").json, d);
    // Order is kept as sent.
    let d = domain_set(
        &mut h,
        json!({ "pin_dialin": [pin_entry(&number(5)), pin_entry(&number(4))] }),
    );
    assert_eq!(
        numbers(&d, "pin_dialin"),
        [Some(number(5)), Some(number(4))]
    );
    // [] and null both clear an array.
    let d = domain_set(&mut h, json!({ "pinless_dialin": [] }));
    assert_eq!(d["config"]["pinless_dialin"], json!([]));
    let d = domain_set(&mut h, json!({ "pin_dialin": null }));
    assert_eq!(d["config"]["pin_dialin"], json!([]));
    // No properties (the Ruby SDK's set_domain_config without a domain sends no body): nothing changes.
    domain_set(&mut h, json!({ "pin_dialin": [pin_entry(&number(6))] }));
    let bodies: [&[u8]; 4] = [b"", b"{}", b"{\"properties\":null}", b"{\"properties\":{}}"];
    for body in bodies {
        let r = h.send("POST", "/v1/", body);
        assert_eq!(r.status, 200);
        assert_eq!(numbers(&r.json, "pin_dialin"), [Some(number(6))]);
        assert!(!r.raw.state_changed && r.raw.journal.is_none());
    }
}

#[test]
fn an_omitted_hmac_is_new_on_every_call_and_a_given_one_is_kept() {
    let mut h = Harness::new();
    let entries = json!([pinless_entry(Some(&number(1))), pinless_entry(None)]);
    let a = domain_set(&mut h, json!({ "pinless_dialin": entries }));
    let b = domain_set(&mut h, json!({ "pinless_dialin": entries }));
    for i in 0..2 {
        let (ha, hb) = (
            &a["config"]["pinless_dialin"][i]["hmac"],
            &b["config"]["pinless_dialin"][i]["hmac"],
        );
        assert!(is_secret32(ha) && is_secret32(hb), "{ha} {hb}");
        assert_ne!(ha, hb, "entry {i}: regenerated on the second call");
    }
    // The sip_uri stays with the number; an entry without one keeps it only when it sends it
    // back (below), else it is a new SIP interconnect.
    let sip = |d: &Value, i: usize| d["config"]["pinless_dialin"][i]["sip_uri"].clone();
    assert_eq!(sip(&a, 0), sip(&b, 0));
    assert_ne!(sip(&a, 1), sip(&b, 1));
    // A POST that leaves pinless_dialin out does not touch its secrets.
    let c = domain_set(
        &mut h,
        json!({ "pin_dialin": [pin_entry(&number(2))], "lang": "de" }),
    );
    assert_eq!(c["config"]["pinless_dialin"], b["config"]["pinless_dialin"]);
    // A given hmac is stored, and kept as long as it is sent.
    let with = json!({ "pinless_dialin": [{ "phone_number": number(1), "room_creation_api": HOOK, "hmac": SECRET }] });
    for _ in 0..2 {
        let d = domain_set(&mut h, with.clone());
        assert_eq!(d["config"]["pinless_dialin"][0]["hmac"], SECRET);
    }
    // Sending back what GET gave (hmac and sip_uri included) keeps everything: the safe update.
    let current = h.get("/v1/").json;
    let mut entries = current["config"]["pinless_dialin"].clone();
    entries
        .as_array_mut()
        .unwrap()
        .push(pinless_entry(Some(&number(7))));
    let d = domain_set(&mut h, json!({ "pinless_dialin": entries }));
    assert_eq!(
        d["config"]["pinless_dialin"][0],
        current["config"]["pinless_dialin"][0]
    );
    assert!(is_secret32(&d["config"]["pinless_dialin"][1]["hmac"]));
    // The same for an entry without a number: its sip_uri sent back keeps it.
    let sip_only = domain_set(&mut h, json!({ "pinless_dialin": [pinless_entry(None)] }));
    let again = domain_set(&mut h, sip_only["config"].clone());
    assert_eq!(
        again["config"]["pinless_dialin"],
        sip_only["config"]["pinless_dialin"]
    );
}

#[test]
fn pings_go_to_new_and_changed_pinless_entries_only() {
    let mut h = Harness::new();
    let first = json!({ "pinless_dialin": [
        { "phone_number": number(1), "room_creation_api": HOOK, "hmac": SECRET },
        { "phone_number": number(2), "room_creation_api": "https://example.com/other", "hmac": SECRET },
    ], "pin_dialin": [pin_entry(&number(3))] });
    let r = set(&mut h, first.clone());
    assert_eq!(
        r.raw.effects.len(),
        2,
        "one per pinless entry, none for pin"
    );
    for e in &r.raw.effects {
        let Effect::SendWebhook {
            call_id,
            body,
            headers,
            ..
        } = e;
        assert_eq!((call_id.as_str(), body.as_str()), ("", TEST_PING_BODY));
        assert!(headers.iter().any(|(k, _)| k == "X-Pinless-Signature"));
    }
    assert!(
        set(&mut h, first).raw.effects.is_empty(),
        "same url and secret"
    );
    let r = set(
        &mut h,
        json!({ "pinless_dialin": [
            { "phone_number": number(1), "room_creation_api": HOOK, "hmac": SECRET },
            { "phone_number": number(2), "room_creation_api": HOOK, "hmac": SECRET },
        ] }),
    );
    let urls: Vec<&str> = r
        .raw
        .effects
        .iter()
        .map(|Effect::SendWebhook { url, .. }| url.as_str())
        .collect();
    assert_eq!(urls, [HOOK], "only the entry whose url changed");
    // An omitted hmac changes the secret, so every such entry is pinged on every call.
    let r = set(
        &mut h,
        json!({ "pinless_dialin": [pinless_entry(Some(&number(1)))] }),
    );
    assert_eq!(r.raw.effects.len(), 1);
}

#[test]
fn entries_follow_the_create_rules_with_paths_into_the_body() {
    let mut h = Harness::new();
    domain_set(&mut h, json!({ "pin_dialin": [pin_entry(&number(9))] }));
    let before = h.emu.export_state();
    let bad_pinless = [
        pinless_entry(Some(&number(1))),
        json!({ "room_creation_api": "ftp://example.com/x", "phoneNumber": number(2) }),
        json!({ "phone_number": "(209) 555-1234", "room_creation_api": HOOK, "ivr_greeting": { "message": "x" } }),
        json!({ "phone_number": number(4) }),
    ];
    let r = set(
        &mut h,
        json!({ "lang": "fr", "pinless_dialin": bad_pinless, "pin_dialin": [{ "name_prefix": "x" }, "nope"] }),
    );
    assert_eq!(r.status, 400, "{}", r.raw.body);
    assert_eq!(r.error(), "invalid-request-error");
    // Exactly the issues of validateCreate on each entry as a create body, under the entry's path.
    let opts = Options {
        allow_private_urls: true,
    };
    let mut expected = Vec::new();
    for (array, t, entries) in [
        ("pinless_dialin", "pinless_dialin", &bad_pinless[..]),
        (
            "pin_dialin",
            "pin_dialin",
            &[json!({ "name_prefix": "x" })][..],
        ),
    ] {
        for (i, e) in entries.iter().enumerate() {
            let mut body = e.clone();
            body["type"] = json!(t);
            for issue in validate_create(&body, &opts)
                .into_iter()
                .filter(|i| i.is_error())
            {
                expected.push(format!(
                    "properties.{array}[{i}].{}: {}",
                    issue.path, issue.message
                ));
            }
        }
        if array == "pin_dialin" {
            expected.push(
                "properties.pin_dialin[1]: properties.pin_dialin[1] must be an object, not a string"
                    .to_string(),
            );
        }
    }
    assert_eq!(r.info(), expected.join("; "));
    for path in [
        "properties.pinless_dialin[1].room_creation_api:",
        "properties.pinless_dialin[1].phoneNumber: unknown field phoneNumber; did you mean phone_number?",
        "properties.pinless_dialin[2].phone_number:",
        "properties.pinless_dialin[2].ivr_greeting:",
        "properties.pinless_dialin[3].room_creation_api:",
        "properties.pin_dialin[0].phone_number:",
    ] {
        assert!(r.info().contains(path), "{path} in {}", r.info());
    }
    assert!(!r.info().contains("pinless_dialin[0]"), "{}", r.info());
    assert_eq!(
        h.emu.export_state(),
        before,
        "nothing is set when anything is wrong"
    );
    assert!(!r.raw.state_changed);
    // Warnings never block (an http:// URL is one).
    let r = set(
        &mut h,
        json!({ "pinless_dialin": [{ "room_creation_api": "http://example.com/h" }] }),
    );
    assert_eq!(r.status, 200, "{}", r.raw.body);

    for (body, needle) in [
        (
            json!({ "properties": { "pinless_dialin": {} } }),
            "properties.pinless_dialin: properties.pinless_dialin must be an array",
        ),
        (
            json!({ "properties": { "pin_dialin": [{ "phone_number": number(1), "type": "pin_dialin" }] } }),
            "properties.pin_dialin[0].type: an array entry has no type",
        ),
        (
            json!({ "properties": { "pin_dialin": [{ "phone_number": number(1), "sip_uri": "s@x" }] } }),
            "properties.pin_dialin[0].sip_uri:",
        ),
        (
            json!({ "properties": { "pinless_dialin": [{ "room_creation_api": HOOK, "sip_uri": 5 }] } }),
            "properties.pinless_dialin[0].sip_uri:",
        ),
        (json!({ "properties": [] }), "properties: must be an object"),
        (
            json!({ "propertes": {} }),
            "propertes: unknown field; did you mean properties?",
        ),
        (json!([]), "the body must be a JSON object"),
    ] {
        let r = h.json("POST", "/v1/", &body);
        assert_eq!(
            (r.status, r.error()),
            (400, "invalid-request-error"),
            "{body}"
        );
        assert!(r.info().contains(needle), "{needle} in {}", r.info());
    }
    let r = h.send("POST", "/v1/", b"{\"properties\":");
    assert_eq!((r.status, r.error()), (400, "json-parsing-error"));
}

#[test]
fn a_number_is_in_one_entry_of_the_two_arrays() {
    let mut h = Harness::new();
    let r = set(
        &mut h,
        json!({ "pinless_dialin": [pinless_entry(Some(&number(1)))], "pin_dialin": [pin_entry(&number(1))] }),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.info().starts_with(
            "properties.pin_dialin[0].phone_number: +12095550001 is also in pinless_dialin[0]"
        ),
        "{}",
        r.info()
    );
    let r = set(
        &mut h,
        json!({ "pin_dialin": [pin_entry(&number(2)), pin_entry(&number(2))] }),
    );
    assert!(
        r.info().starts_with(
            "properties.pin_dialin[1].phone_number: +12095550002 is also in pin_dialin[0]"
        ),
        "{}",
        r.info()
    );
    // Against an array the request keeps.
    domain_set(
        &mut h,
        json!({ "pinless_dialin": [pinless_entry(Some(&number(1)))] }),
    );
    let r = set(&mut h, json!({ "pin_dialin": [pin_entry(&number(1))] }));
    assert_eq!(r.status, 400);
    assert!(
        r.info().contains("which this request keeps"),
        "{}",
        r.info()
    );
    // Moving a number between the arrays in one request works.
    let d = domain_set(
        &mut h,
        json!({ "pinless_dialin": [], "pin_dialin": [pin_entry(&number(1))] }),
    );
    assert_eq!(numbers(&d, "pin_dialin"), [Some(number(1))]);
    // Independent of /domain-dialin-config: a number may have a config too (the migration path).
    h.created(&pinless(Some(&number(1))));
    h.created(&pin(&number(8)));
    let d = domain_set(&mut h, json!({ "pin_dialin": [pin_entry(&number(8))] }));
    assert_eq!(numbers(&d, "pin_dialin"), [Some(number(8))]);
    assert_eq!(h.list("").json["total_count"], 2);
}

#[test]
fn auth_rate_limit_faults_and_access_checks_apply() {
    let mut h = Harness::with(EmulatorOptions {
        api_keys: Some(vec![KEY.into()]),
        rate_limit: Some(RateLimit {
            max_requests: 3,
            window_ms: 60_000,
        }),
        ..opts()
    });
    let body = json!({ "properties": { "pin_dialin": [pin_entry(&number(1))] } });
    h.auth = None;
    let r = h.json("POST", "/v1/", &body);
    assert_eq!((r.status, r.error()), (400, "authorization-header-error"));
    h.auth = Some("Bearer wrong".into());
    let r = h.get("/v1/");
    assert_eq!((r.status, r.error()), (401, "authentication-error"));
    h.auth = Some(format!("Bearer {KEY}"));
    assert_eq!(h.json("POST", "/v1/", &body).status, 200);
    assert_eq!(h.get("/v1/").status, 200);
    assert_eq!(h.get("/v1/domain-dialin-config").status, 200);
    let r = h.get("/v1/");
    assert_eq!(
        (r.status, r.error()),
        (429, "rate-limit-error"),
        "one budget for all /v1 routes"
    );
    let r = h.send("PUT", "/v1/", b"{}");
    assert_eq!(r.status, 429, "the rate limit comes before the route");
    h.now += 61_000;
    let r = h.send("PUT", "/v1/", b"{}");
    assert_eq!((r.status, r.header("Allow")), (405, Some("GET, POST")));
    assert!(
        !is_mutating("GET", "/v1/") && is_mutating("POST", "/v1/") && is_mutating("post", "/v1")
    );

    // Faults: the path "/" (or "/v1/") is the domain route alone; "/v1" is every route.
    let mut h = Harness::new();
    let f = h.json(
        "POST",
        "/_emulator/faults",
        &json!({ "path": "/", "status": 503, "count": 5 }),
    );
    assert_eq!(f.json["path"], "/v1/");
    assert_eq!(h.get("/v1/domain-dialin-config").status, 200);
    let r = h.get("/v1/");
    assert_eq!(r.status, 503);
    assert!(r.header(FAULT_HEADER).is_some());
    h.send("DELETE", "/_emulator/faults", b"");
    // apply: the arrays are replaced, the client sees the fault.
    h.json(
        "POST",
        "/_emulator/faults",
        &json!({ "method": "POST", "path": "/v1/", "apply": true }),
    );
    let r = h.json("POST", "/v1/", &body);
    assert_eq!(r.status, 500);
    assert!(r.raw.state_changed);
    assert_eq!(
        numbers(&h.get("/v1/").json, "pin_dialin"),
        [Some(number(1))]
    );

    // A foreign Origin or Host is refused before anything else.
    h.origin = Some("https://evil.example".into());
    assert_eq!(h.json("POST", "/v1/", &json!({})).status, 403);
    h.origin = Some("http://localhost:5173".into());
    let r = h.get("/v1/");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://localhost:5173")
    );
    let r = h.emu.handle(
        &EmuRequest {
            method: "GET",
            path: "/v1/",
            authorization: Some("Bearer k"),
            host: Some("evil.example:4010"),
            ..Default::default()
        },
        &mut h.rng,
    );
    assert_eq!(r.status, 403);
    // A form POST (a CORS-simple request) is refused.
    let r = h.emu.handle(
        &EmuRequest {
            method: "POST",
            path: "/v1/",
            authorization: Some("Bearer k"),
            content_type: Some("text/plain"),
            body: br#"{"properties":{"pin_dialin":[]}}"#,
            ..Default::default()
        },
        &mut h.rng,
    );
    assert_eq!(r.status, 415);
    assert_eq!(
        numbers(&h.get("/v1/").json, "pin_dialin"),
        [Some(number(1))]
    );
}

#[test]
fn the_arrays_persist_through_journal_export_and_import() {
    let mut h = Harness::new();
    h.created(&pinless(Some(&number(1))));
    h.created(&pin(&number(2)));
    let r = set(
        &mut h,
        json!({ "lang": "fr", "pinless_dialin": [pinless_entry(Some(&number(3))), pinless_entry(None)], "pin_dialin": [pin_entry(&number(4))] }),
    );
    let line = r.raw.journal.clone().expect("a journal line");
    assert!(line.contains(r#""op":"domain""#), "{line}");
    assert!(r.raw.state_changed);
    assert!(
        set(&mut h, json!({ "pinless_dialin": [pinless_entry(None)] }))
            .raw
            .state_changed
    );
    let state: Value = serde_json::from_str(&h.emu.export_state()).unwrap();
    assert_eq!(state["version"], 2);
    assert_eq!(state["domain"]["properties"], json!({ "lang": "fr" }));
    assert_eq!(
        state["domain"]["pin_dialin"][0]["phone_number"],
        number(4).as_str()
    );
    let entry = &state["domain"]["pinless_dialin"][0];
    assert!(
        is_secret32(&entry["hmac"]),
        "secrets are persisted: {entry}"
    );
    // The legacy entries drew sip_uri numbers from the configs' sequence.
    assert_eq!(state["next_seq"], 5);

    // Import into a fresh emulator (a restart): the same answers, and the sequence goes on.
    let text = h.emu.export_state();
    let mut h2 = Harness::new();
    h2.emu.import_state(&text).unwrap();
    assert_eq!(h2.emu.export_state(), text);
    assert_eq!(h2.get("/v1/").json, h.get("/v1/").json);
    let next = h2.created(&pinless(None));
    assert_eq!(
        next["config"]["sip_uri"],
        "static-address--5@emulator.sip.localhost"
    );

    // Replaying the journal (twice, as after a crash before compaction) gives the same state.
    let mut all = Vec::new();
    let mut h3 = Harness::new();
    all.extend(h3.create(&pinless(Some(&number(1)))).raw.journal);
    all.extend(h3.create(&pin(&number(2))).raw.journal);
    all.extend(
        set(
            &mut h3,
            json!({ "lang": "fr", "pinless_dialin": [pinless_entry(Some(&number(3)))], "pin_dialin": [pin_entry(&number(4))] }),
        )
        .raw
        .journal,
    );
    all.extend(
        set(&mut h3, json!({ "pin_dialin": null, "lang": null }))
            .raw
            .journal,
    );
    assert_eq!(all.len(), 4);
    let mut replayed = Emulator::new(opts());
    for _ in 0..2 {
        for l in &all {
            replayed.apply_journal(l).unwrap();
        }
        assert_eq!(replayed.export_state(), h3.emu.export_state());
    }
    // A reset clears the arrays too.
    let reset = h3.send("POST", "/_emulator/reset", b"");
    replayed
        .apply_journal(reset.raw.journal.as_deref().unwrap())
        .unwrap();
    assert_eq!(h3.get("/v1/").json["config"]["pinless_dialin"], json!([]));
    assert_eq!(replayed.export_state(), Emulator::default().export_state());
}

/// An export as emulators before the domain config wrote it (version 1, no `domain`).
const VERSION_1_STATE: &str = r#"{"version":1,"next_seq":3,"configs":[{"seq":0,"id":"0f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6","type":"pinless_dialin","config":{"phone_number":"+12095550001","hmac":"q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=","room_creation_api":"https://example.com/api/dial","sip_uri":"static-address--0@emulator.sip.localhost"}},{"seq":2,"id":"1f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6","type":"pin_dialin","config":{"phone_number":"+12095550002"}}],"deleted":[{"seq":1,"id":"2f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6"}]}"#;

#[test]
fn version_1_state_files_and_journals_still_load() {
    let mut h = Harness::new();
    h.emu.import_state(VERSION_1_STATE).unwrap();
    assert_eq!(
        h.list_ids(""),
        [
            "1f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6",
            "0f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6"
        ]
    );
    assert_eq!(
        h.get("/v1/").json["config"],
        json!({ "pinless_dialin": [], "pin_dialin": [] })
    );
    let state: Value = serde_json::from_str(&h.emu.export_state()).unwrap();
    assert_eq!(state["version"], 2, "written back in the current version");
    assert_eq!(
        state["domain"],
        json!({ "properties": {}, "pinless_dialin": [], "pin_dialin": [] })
    );
    let mut v1: Value = serde_json::from_str(VERSION_1_STATE).unwrap();
    v1["version"] = json!(2);
    v1["domain"] = state["domain"].clone();
    assert_eq!(state, v1, "nothing else changed");
    // Version 1 journal lines (puts, deletes) apply as before.
    let mut replayed = Emulator::new(opts());
    replayed.import_state(VERSION_1_STATE).unwrap();
    replayed
        .apply_journal(r#"{"op":"put","seq":3,"id":"3f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6","type":"pin_dialin","config":{"phone_number":"+12095550003"}}"#)
        .unwrap();
    replayed
        .apply_journal(r#"{"op":"delete","seq":2,"id":"1f8e6d3a-5b1c-4c2d-9e7f-a1b2c3d4e5f6"}"#)
        .unwrap();
    let s: Value = serde_json::from_str(&replayed.export_state()).unwrap();
    assert_eq!(s["configs"].as_array().unwrap().len(), 2);
    assert_eq!(s["next_seq"], 4);
    // A version that never existed is still refused.
    let mut future: Value = serde_json::from_str(VERSION_1_STATE).unwrap();
    future["version"] = json!(3);
    let err = h.emu.import_state(&future.to_string()).unwrap_err();
    assert!(err.to_string().contains("version 3"), "{err}");
}

#[test]
fn import_refuses_a_domain_that_breaks_the_rules() {
    let mut h = Harness::new();
    domain_set(
        &mut h,
        json!({ "pinless_dialin": [pinless_entry(Some(&number(1)))], "pin_dialin": [pin_entry(&number(2))] }),
    );
    h.created(&pinless(None));
    let good: Value = serde_json::from_str(&h.emu.export_state()).unwrap();
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut s = good.clone();
        f(&mut s);
        s.to_string()
    };
    let config_sip = good["configs"][0]["config"]["sip_uri"].clone();
    for (bad, needle) in [
        (
            edit(&|s| s["domain"]["pin_dialin"][0]["phone_number"] = json!(number(1))),
            "phone_number is used twice",
        ),
        (
            edit(&|s| s["domain"]["pin_dialin"][0]["phone_number"] = json!("12345")),
            "domain pin_dialin[0]: phone_number",
        ),
        (
            edit(&|s| s["domain"]["pin_dialin"][0]["sip_uri"] = json!("s@x")),
            "no sip_uri",
        ),
        (
            edit(&|s| s["domain"]["pinless_dialin"][0]["sip_uri"] = config_sip.clone()),
            "also a config's",
        ),
        (
            edit(&|s| s["domain"]["properties"]["pin_dialin"] = json!([])),
            "an array of its own",
        ),
        (edit(&|s| s["domain"]["bogus"] = json!(1)), "unknown field"),
    ] {
        let err = h.emu.import_state(&bad).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
        let r = h.send("PUT", "/_emulator/state", bad.as_bytes());
        assert_eq!(r.status, 400);
    }
    assert_eq!(
        serde_json::from_str::<Value>(&h.emu.export_state()).unwrap(),
        good
    );
    // A hand-written entry's sip_uri number is never handed out again.
    let written = edit(&|s| {
        s["domain"]["pinless_dialin"][0]["sip_uri"] =
            json!("static-address--40@emulator.sip.localhost")
    });
    h.emu.import_state(&written).unwrap();
    let c = h.created(&pinless(None));
    assert_eq!(
        c["config"]["sip_uri"],
        "static-address--41@emulator.sip.localhost"
    );
}

#[test]
fn calls_to_a_number_only_in_an_array_are_routed() {
    let mut h = Harness::new();
    let d = domain_set(
        &mut h,
        json!({
            "pinless_dialin": [
                { "phone_number": number(1), "room_creation_api": "https://example.com/legacy", "hmac": SECRET, "timeout_config": { "message": "Sorry" } },
                { "room_creation_api": "https://example.com/sip-only" },
            ],
            "pin_dialin": [pin_entry(&number(2))],
        }),
    );
    let call = |h: &mut Harness, body: Value| h.json("POST", "/_emulator/calls", &body);
    let r = call(&mut h, json!({ "to": number(1) }));
    assert_eq!(r.status, 200, "{}", r.raw.body);
    assert_eq!(r.json["config_id"], "pinless_dialin[0]");
    assert_eq!(r.json["webhook_url"], "https://example.com/legacy");
    let Effect::SendWebhook { url, headers, .. } = &r.raw.effects[0];
    assert_eq!(url, "https://example.com/legacy");
    assert!(headers.iter().any(|(k, _)| k == "X-Pinless-Signature"));
    // Held past the timeout: the entry's timeout message plays.
    let id = r.json["id"].as_str().unwrap().to_string();
    h.now += 200_000;
    assert_eq!(
        h.get(&format!("/_emulator/calls/{id}")).json["played_message"],
        "Sorry"
    );
    // The SIP-only entry answers its sip_uri.
    let sip = d["config"]["pinless_dialin"][1]["sip_uri"]
        .as_str()
        .unwrap();
    let r = call(&mut h, json!({ "sip_uri": format!("sip:{sip}") }));
    assert_eq!(r.status, 200, "{}", r.raw.body);
    assert_eq!(r.json["config_id"], "pinless_dialin[1]");
    // PIN calls never reach a webhook.
    let r = call(&mut h, json!({ "to": number(2) }));
    assert_eq!(r.status, 400);
    assert!(r.info().contains("pin_dialin"), "{}", r.info());
    // A number in both: the config of /domain-dialin-config answers; the array keeps it meanwhile.
    let c = h.created(&pinless(Some(&number(1))));
    let r = call(&mut h, json!({ "to": number(1) }));
    assert_eq!(r.json["config_id"], c["id"]);
    assert_eq!(r.json["webhook_url"], HOOK);
    // Cleared from the array (the last step of a migration), the number still answers.
    domain_set(&mut h, json!({ "pinless_dialin": null }));
    let r = call(&mut h, json!({ "to": number(1) }));
    assert_eq!(r.json["config_id"], c["id"]);
    let r = call(&mut h, json!({ "sip_uri": sip }));
    assert_eq!(r.status, 404, "a dropped entry answers nothing");
}

#[test]
fn large_arrays_are_replaced_in_one_call() {
    let mut h = Harness::new();
    let entries: Vec<Value> = (0..2000)
        .map(|n| json!({ "phone_number": number(n), "room_creation_api": HOOK, "hmac": SECRET }))
        .collect();
    let first = domain_set(&mut h, json!({ "pinless_dialin": entries }));
    let reversed: Vec<Value> = entries.iter().rev().cloned().collect();
    let second = domain_set(&mut h, json!({ "pinless_dialin": reversed }));
    let sip = |d: &Value, i: usize| d["config"]["pinless_dialin"][i]["sip_uri"].clone();
    assert_eq!(
        sip(&second, 0),
        sip(&first, 1999),
        "each number keeps its sip_uri"
    );
    assert_eq!(sip(&second, 1999), sip(&first, 0));
    // A duplicate at the very end is found.
    let mut dup = entries.clone();
    dup.push(json!({ "phone_number": number(0), "room_creation_api": HOOK }));
    let r = set(&mut h, json!({ "pinless_dialin": dup }));
    assert!(
        r.info()
            .starts_with("properties.pinless_dialin[2000].phone_number: +12095550000 is also in pinless_dialin[0]"),
        "{}",
        r.info()
    );
}
