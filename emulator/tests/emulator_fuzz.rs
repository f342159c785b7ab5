//! Fuzzing the emulator: random sequences of requests never panic, every error answer is JSON
//! with an `error` string (except a fault's own body), and the state always round-trips.

use daily_dialin::validate::{CREATE_FIELDS, LIST_PARAMS};
use daily_dialin_emulator::{
    EmuRequest, Emulator, EmulatorOptions, RateLimit, SeededRandom, CALL_FIELDS, FAULT_FIELDS,
    FAULT_HEADER,
};
use proptest::prelude::*;
use serde_json::Value;

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "HEAD"])
            .prop_map(str::to_string),
        1 => "[A-Za-z \\x00-\\x7f]{0,8}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "/v1/domain-dialin-config",
        "/v1/domain-dialin-config/",
        "/v1/dialin/pinlessCallUpdate",
        "/_emulator/faults",
        "/_emulator/calls",
        "/_emulator/reset",
        "/_emulator/state",
        "/_emulator/calls/",
        "/v1/domain-dialin-config/{ID}",
        "/v1/domain-dialin-config/{ID}",
        "/_emulator/calls/{CALL}",
        "/v1",
        "/v1/",
        "/",
        "",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        3 => fixed.clone(),
        3 => (fixed, "[a-zA-Z0-9%/?#+ .\\-_~\\x00-\\x7f\u{e9}\u{1F600}]{0,40}")
            .prop_map(|(p, tail)| format!("{p}/{tail}")),
        1 => ".{0,30}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    let key = prop::sample::select([&LIST_PARAMS[..], &["bogus"]].concat());
    let value = prop_oneof![
        "[0-9]{0,4}",
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("NaN".to_string()),
        Just("OLDEST".to_string()),
        Just("{ID}".to_string()),
        Just("%2B12095551234".to_string()),
        Just("pinless_dialin".to_string()),
        "[a-z0-9%+,=&\\-]{0,20}",
        ".{0,12}",
    ];
    prop_oneof![
        prop::collection::vec((key, value), 0..4).prop_map(|pairs| pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")),
        ".{0,30}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec![
            "pinless_dialin",
            "pin_dialin",
            "+12095551234",
            "+12095551235",
            "https://example.com/hook",
            "http://localhost:1/x.mp3",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "",
            "POST",
            "/v1/domain-dialin-config",
            "static-address--0@emulator.sip.localhost",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    let others = [
        "message",
        "callId",
        "callDomain",
        "sipUri",
        "version",
        "configs",
        "domain",
        "properties",
        "pinless_dialin",
        "pin_dialin",
        "sip_uri",
        "x",
    ];
    let keys =
        prop::sample::select([&CREATE_FIELDS[..], &FAULT_FIELDS, &CALL_FIELDS, &others].concat());
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone().prop_map(str::to_string), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Requests that the emulator accepts (method, path, body), so that sequences reach deep states.
fn operation() -> impl Strategy<Value = (String, String, Vec<u8>)> {
    let phone = (0..4u32).prop_map(|n| format!("\"+1209555123{n}\""));
    let fault_body = prop::sample::select(vec![
        "",
        r#","body":"raw text""#,
        r#","body":{"error":"x"}"#,
    ]);
    let op = |m: &str, p: &str, b: String| (m.to_string(), p.to_string(), b.into_bytes());
    prop_oneof![
        (phone.clone(), any::<bool>(), any::<bool>()).prop_map(move |(p, with_phone, named)| op(
            "POST",
            "/v1/domain-dialin-config",
            format!(
                r#"{{"type":"pinless_dialin","room_creation_api":"https://example.com/h"{}{}}}"#,
                if with_phone { format!(r#","phone_number":{p}"#) } else { String::new() },
                if named { r#","name_prefix":"team","timeout_config":{"message":"bye"}"# } else { "" },
            )
        )),
        phone.clone().prop_map(move |p| op(
            "POST",
            "/v1/domain-dialin-config",
            format!(r#"{{"type":"pin_dialin","phone_number":{p}}}"#)
        )),
        (prop::sample::select(vec!["GET", "DELETE"])).prop_map(move |m| op(m, "/v1/domain-dialin-config/{ID}", String::new())),
        phone.clone().prop_map(move |p| op("PUT", "/v1/domain-dialin-config/{ID}", format!(r#"{{"phone_number":{p}}}"#))),
        Just(op(
            "PUT",
            "/v1/domain-dialin-config/{ID}",
            r#"{"name_prefix":"renamed","hmac":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#.to_string()
        )),
        Just(op("GET", "/v1/domain-dialin-config", String::new())),
        // The domain config: legacy arrays replaced whole, numbers shared with the configs above.
        (
            prop::collection::vec((phone.clone(), any::<bool>(), any::<bool>()), 0..3),
            prop::collection::vec(phone.clone(), 0..2),
            any::<bool>(),
        )
            .prop_map(move |(pinless, pins, with_pin)| {
                let entries: Vec<String> = pinless
                    .iter()
                    .map(|(p, with_phone, sip)| {
                        format!(
                            r#"{{"room_creation_api":"https://example.com/h"{}{}}}"#,
                            if *with_phone { format!(r#","phone_number":{p}"#) } else { String::new() },
                            if *sip { r#","sip_uri":"static-address--0@emulator.sip.localhost""# } else { "" },
                        )
                    })
                    .collect();
                let pins: Vec<String> = pins.iter().map(|p| format!(r#"{{"phone_number":{p}}}"#)).collect();
                let pin = if with_pin { format!(r#","pin_dialin":[{}]"#, pins.join(",")) } else { String::new() };
                op(
                    "POST",
                    "/v1/",
                    format!(r#"{{"properties":{{"lang":"fr","pinless_dialin":[{}]{pin}}}}}"#, entries.join(",")),
                )
            }),
        Just(op("GET", "/v1/", String::new())),
        phone.clone().prop_map(move |p| op("POST", "/_emulator/calls", format!(r#"{{"to":{p}}}"#))),
        Just(op(
            "POST",
            "/_emulator/calls",
            r#"{"sip_uri":"static-address--0@emulator.sip.localhost","sipHeaders":{"a":"b"}}"#.to_string()
        )),
        Just(op("GET", "/_emulator/calls/{CALL}", String::new())),
        Just(op(
            "POST",
            "/v1/dialin/pinlessCallUpdate",
            r#"{"callId":"{CALL}","callDomain":"00000000-0000-4000-8000-00000000da11","sipUri":"sip:r@x"}"#.to_string()
        )),
        (
            prop::sample::select(vec!["", r#""method":"POST","#, r#""method":"GET","#, r#""method":"DELETE","#]),
            prop::sample::select(vec!["", r#""status":503,"#, r#""status":429,"retry_after":2,"#]),
            any::<bool>(),
            any::<bool>(),
            1..4u32,
            fault_body,
        )
            .prop_map(move |(m, st, apply, drop, count, body)| op(
                "POST",
                "/_emulator/faults",
                format!(r#"{{{m}{st}"apply":{apply},"drop":{drop},"count":{count},"delay_ms":5{body}}}"#)
            )),
        Just(op("PUT", "/_emulator/state", "{STATE}".to_string())),
        Just(op("POST", "/_emulator/reset", String::new())),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..40),
        1 => Just(b"{\"type\":\"pinless_dialin\",\"room_creation_api\":\"https://example.com/h\",\"phone_number\":\"+12095551234\"}".to_vec()),
        1 => Just(b"{\"to\":\"+12095551234\"}".to_vec()),
        1 => Just(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_vec()),
    ]
}

fn auth() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        8 => Just(Some("Bearer k".to_string())),
        1 => Just(None),
        1 => ".{0,20}".prop_map(Some),
    ]
}

#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    query: String,
    auth: Option<String>,
    body: Vec<u8>,
    dt: u64,
    pick: usize,
    record: Option<(Option<u16>, Option<String>)>,
}

fn request() -> impl Strategy<Value = Req> {
    (
        prop_oneof![1 => (method(), path(), body()), 2 => operation()],
        query(),
        auth(),
        prop_oneof![3 => Just(0u64), 3 => 0..10_000u64, 1 => any::<u64>()],
        any::<usize>(),
        proptest::option::of((
            proptest::option::of(any::<u16>()),
            proptest::option::of(".{0,10}"),
        )),
    )
        .prop_map(
            |((method, path, body), query, auth, dt, pick, record)| Req {
                method,
                path,
                query,
                auth,
                body,
                dt,
                pick,
                record,
            },
        )
}

fn options() -> impl Strategy<Value = EmulatorOptions> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![3 => Just(None), 1 => (0..4u32, 0..10_000u64).prop_map(Some)],
        any::<bool>(),
        prop_oneof![1 => Just(0u64), 1 => any::<u64>(), 3 => 1000..1_000_000u64],
    )
        .prop_map(
            |(keys, private, limit, retry_after, hold)| EmulatorOptions {
                api_keys: keys.then(|| vec!["k".to_string()]),
                allow_private_urls: private,
                rate_limit: limit.map(|(max_requests, window_ms)| RateLimit {
                    max_requests,
                    window_ms,
                }),
                retry_after,
                hold_timeout_ms: hold,
                ..EmulatorOptions::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2500, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_errors_are_json(
        opts in options(),
        seed in any::<u64>(),
        start in prop_oneof![Just(u64::MAX), any::<u64>(), Just(1_700_000_000_000u64)],
        reqs in prop::collection::vec(request(), 1..12),
    ) {
        let mut emu = Emulator::new(opts);
        let mut rng = SeededRandom::new(seed);
        let mut now = start;
        let (mut ids, mut calls) = (Vec::<String>::new(), Vec::<String>::new());
        let mut journal = Vec::new();
        for r in &reqs {
            now = now.wrapping_add(r.dt);
            // Tokens stand for ids the emulator gave out earlier in the sequence.
            let pick = |known: &[String]| match known.len() {
                0 => "none".to_string(),
                n => known[r.pick % n].clone(),
            };
            let (id, call) = (pick(&ids), pick(&calls));
            let fill = |s: &str| s.replace("{ID}", &id).replace("{CALL}", &call);
            let body = match std::str::from_utf8(&r.body) {
                Ok("{STATE}") => emu.export_state().into_bytes(),
                Ok(text) => fill(text).into_bytes(),
                Err(_) => r.body.clone(),
            };
            let (path, query) = (fill(&r.path), fill(&r.query));
            let resp = emu.handle(
                &EmuRequest {
                    method: &r.method,
                    path: &path,
                    query: &query,
                    authorization: r.auth.as_deref(),
                    body: &body,
                    now_ms: now,
                    content_type: Some("application/json"),
                    ..Default::default()
                },
                &mut rng,
            );
            if let Ok(v) = serde_json::from_str::<Value>(&resp.body) {
                if let Some(new_id) = v["id"].as_str() {
                    if v.get("callDomain").is_some() {
                        calls.push(new_id.to_string());
                    } else {
                        ids.push(new_id.to_string());
                    }
                }
            }
            let faulted = resp.headers.iter().any(|(k, _)| k == FAULT_HEADER);
            if resp.status >= 400 && !faulted {
                let v: Value = serde_json::from_str(&resp.body)
                    .map_err(|e| TestCaseError::fail(format!("{} {}: {e}: {}", resp.status, r.path, resp.body)))?;
                prop_assert!(v["error"].is_string(), "{}: {}", resp.status, resp.body);
            }
            if resp.status == 200 && !faulted {
                prop_assert!(serde_json::from_str::<Value>(&resp.body).is_ok(), "{}", resp.body);
            }
            prop_assert!((100..=599).contains(&resp.status));
            prop_assert_eq!(resp.state_changed, resp.journal.is_some());
            journal.extend(resp.journal.clone());
            if let Some((status, error)) = &r.record {
                for e in &resp.effects {
                    let daily_dialin_emulator::Effect::SendWebhook { call_id, .. } = e;
                    emu.record_webhook_result(call_id, *status, error.clone(), now);
                }
            }
        }
        // The state always round-trips through export/import.
        let state = emu.export_state();
        let mut copy = Emulator::new(emu.options().clone());
        copy.import_state(&state).map_err(|e| TestCaseError::fail(format!("{e}: {state}")))?;
        prop_assert_eq!(copy.export_state(), state.clone());
        // ...and the journal of the changes rebuilds it.
        let mut replayed = Emulator::new(emu.options().clone());
        for line in &journal {
            replayed.apply_journal(line).map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
        }
        prop_assert_eq!(replayed.export_state(), state);
    }
}
