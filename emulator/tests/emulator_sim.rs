//! Emulator extras: fault injection, simulated calls and the webhook, pinlessCallUpdate and
//! timeouts, state export/import, reset, CORS.

#[path = "emulator_common/mod.rs"]
mod common;

use base64::Engine;
use common::*;
use daily_dialin::webhook::{self, Verified, VerifyInput};
use daily_dialin_emulator::{
    audio, is_mutating, Effect, Emulator, EmulatorOptions, DEFAULT_CALL_DOMAIN, FAULT_HEADER,
    TEST_PING_BODY,
};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

fn fault(h: &mut Harness, spec: Value) -> Value {
    let r = h.json("POST", "/_emulator/faults", &spec);
    assert_eq!(r.status, 200, "{}", r.raw.body);
    r.json
}

fn count(h: &mut Harness) -> u64 {
    h.list("").json["total_count"].as_u64().unwrap()
}

#[test]
fn fault_replaces_the_answer_then_runs_out() {
    let mut h = Harness::new();
    let f = fault(
        &mut h,
        json!({"method": "post", "path": "/v1/domain-dialin-config", "count": 2, "status": 503}),
    );
    assert_eq!(f["remaining"], 2);
    assert_eq!(f["method"], "POST");
    // GET does not match; the two POSTs get 503 and nothing is created.
    assert_eq!(h.list("").status, 200);
    for _ in 0..2 {
        let r = h.create(&pinless(Some(&number(1))));
        assert_eq!(r.status, 503);
        assert_eq!(
            r.json,
            json!({"error": "server-error", "info": "injected fault"})
        );
        assert!(r.header(FAULT_HEADER).is_some());
        assert!(r.raw.effects.is_empty());
        assert!(!r.raw.state_changed);
    }
    assert_eq!(count(&mut h), 0);
    // Exhausted: the third POST is real and the queue is empty.
    let r = h.create(&pinless(Some(&number(1))));
    assert_eq!(r.status, 200);
    assert!(r.header(FAULT_HEADER).is_none());
    assert_eq!(h.get("/_emulator/faults").json, json!({"faults": []}));
}

#[test]
fn fault_hits_before_auth_and_with_custom_bodies() {
    let mut h = Harness::new();
    fault(
        &mut h,
        json!({"status": 502, "body": "<html>Bad Gateway</html>"}),
    );
    fault(&mut h, json!({"status": 429, "retry_after": 7}));
    fault(
        &mut h,
        json!({"status": 400, "body": {"error": "invalid-plan-type", "info": "upgrade"}}),
    );
    fault(
        &mut h,
        json!({"path": "/domain-dialin-config", "status": 500, "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"}),
    );
    h.auth = None;
    let r = h.list("");
    assert_eq!(
        (r.status, r.raw.body.as_str()),
        (502, "<html>Bad Gateway</html>")
    );
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        r.raw
            .headers
            .iter()
            .filter(|(k, _)| k == "Content-Type")
            .count(),
        1
    );
    let r = h.list("");
    assert_eq!(r.status, 429);
    assert_eq!(r.error(), "rate-limit-error");
    assert_eq!(r.header("Retry-After"), Some("7"));
    let r = h.list("");
    assert_eq!(
        r.json,
        json!({"error": "invalid-plan-type", "info": "upgrade"})
    );
    let r = h.list("");
    assert_eq!(
        r.header("Retry-After"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    // Queue empty: the real answer (no auth header) comes back.
    assert_eq!(h.list("").error(), "authorization-header-error");
    // Admin routes are never faulted.
    fault(&mut h, json!({"status": 500, "count": 5}));
    assert_eq!(h.get("/_emulator/calls").status, 200);
    let r = h.send("DELETE", "/_emulator/faults", b"");
    assert_eq!(r.status, 200);
    assert_eq!(h.get("/_emulator/faults").json["faults"], json!([]));
}

#[test]
fn fault_delay_and_drop() {
    let mut h = Harness::new();
    // Delay only: the real answer, later.
    fault(&mut h, json!({"delay_ms": 1500}));
    let r = h.create(&pinless(Some(&number(1))));
    assert_eq!(
        (r.status, r.raw.delay_ms, r.raw.drop_connection),
        (200, 1500, false)
    );
    assert!(r.raw.state_changed);
    assert!(r.header(FAULT_HEADER).is_some());
    // Drop: no answer and no change.
    fault(&mut h, json!({"drop": true, "delay_ms": 20}));
    let r = h.create(&pinless(Some(&number(2))));
    assert!(r.raw.drop_connection);
    assert_eq!(r.raw.delay_ms, 20);
    assert!(!r.raw.state_changed);
    assert_eq!(count(&mut h), 1);
    // Next request is normal.
    let r = h.create(&pinless(Some(&number(2))));
    assert_eq!(
        (r.status, r.raw.delay_ms, r.raw.drop_connection),
        (200, 0, false)
    );
}

#[test]
fn apply_then_fail_changes_state_but_the_client_sees_the_fault() {
    let mut h = Harness::new();
    fault(&mut h, json!({"method": "POST", "apply": true}));
    let r = h.create(&pinless(Some(&number(1))));
    assert_eq!(r.status, 500);
    assert_eq!(r.error(), "server-error");
    assert!(
        r.raw.state_changed,
        "the server must persist even though it answers 500"
    );
    assert_eq!(
        r.raw.effects.len(),
        1,
        "the test ping of the real create is still sent"
    );
    assert_eq!(count(&mut h), 1);
    // A client retrying the POST now hits the uniqueness rule: the classic duplicate hazard.
    let r = h.create(&pinless(Some(&number(1))));
    assert_eq!(r.status, 400);
    assert!(r.info().contains("already used"));
    // Applied and dropped: the delete happens, the connection is cut.
    let id = h.list_ids("")[0].clone();
    fault(
        &mut h,
        json!({"method": "DELETE", "apply": true, "drop": true}),
    );
    let r = h.send("DELETE", &format!("/v1/domain-dialin-config/{id}"), b"");
    assert!(r.raw.drop_connection && r.raw.state_changed);
    assert_eq!(count(&mut h), 0);
    // Applied to a request the real handler refuses: nothing changes.
    fault(&mut h, json!({"apply": true}));
    let r = h.create(&json!({"type": "nope"}));
    assert_eq!(r.status, 500);
    assert!(!r.raw.state_changed);
}

#[test]
fn fault_spec_errors() {
    let mut h = Harness::new();
    for (spec, field) in [
        (json!({"stauts": 500}), "stauts"),
        (json!({"count": 0}), "count"),
        (json!({"status": 99}), "status"),
        (json!({"status": 600}), "status"),
        (json!({"delay_ms": -1}), "delay_ms"),
        (json!({"drop": "yes"}), "drop"),
        (json!({"apply": 1}), "apply"),
        (json!({"method": 5}), "method"),
        (json!({"path": ""}), "path"),
        (json!({"retry_after": 1.5}), "retry_after"),
        (json!([1]), "object"),
    ] {
        let r = h.json("POST", "/_emulator/faults", &spec);
        assert_eq!(r.status, 400, "{spec}");
        assert_eq!(r.error(), "invalid-request-error");
        assert!(r.info().contains(field), "{spec}: {}", r.info());
    }
    let r = h.send("POST", "/_emulator/faults", b"nope");
    assert_eq!(r.error(), "json-parsing-error");
    assert_eq!(h.send("PUT", "/_emulator/faults", b"").status, 405);
}

fn webhook(effect: &Effect) -> (&str, &str, &str, &[(String, String)]) {
    match effect {
        Effect::SendWebhook {
            call_id,
            url,
            body,
            headers,
        } => (call_id, url, body, headers),
    }
}

/// Checks `X-Pinless-Signature` twice: with the crate's verifier, and with an HMAC computed here
/// from the config's secret (base64-decoded key, `timestamp + "." + body`, base64 digest).
fn assert_signed(secret: &str, body: &str, headers: &[(String, String)], now_ms: u64) -> Verified {
    let ts = header(headers, "X-Pinless-Timestamp").expect("timestamp header");
    let sig = header(headers, "X-Pinless-Signature").expect("signature header");
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut mac = Hmac::<Sha256>::new_from_slice(&b64.decode(secret).unwrap()).unwrap();
    mac.update(format!("{ts}.{body}").as_bytes());
    assert_eq!(sig, b64.encode(mac.finalize().into_bytes()));
    let secrets = [secret];
    let input = VerifyInput::new(
        body.as_bytes(),
        Some(sig),
        Some(ts),
        &secrets,
        (now_ms / 1000) as i64,
    );
    webhook::verify(&input).expect("verifies")
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn creating_a_pinless_config_sends_the_signed_test_ping() {
    let mut h = Harness::new();
    h.now = 1_700_000_123_456;
    let r = h.create(&pinless(Some(&number(1))));
    let [effect] = &r.raw.effects[..] else {
        panic!("one effect: {:?}", r.raw.effects)
    };
    let (call_id, url, body, headers) = webhook(effect);
    assert_eq!(call_id, "");
    assert_eq!(url, "https://example.com/api/dial");
    assert_eq!(body, TEST_PING_BODY);
    assert_eq!(body, r#"{"Test":"test"}"#);
    assert_eq!(header(headers, "X-Pinless-Timestamp"), Some("1700000123"));
    assert_eq!(header(headers, "Content-Type"), Some("application/json"));
    let secret = r.json["config"]["hmac"].as_str().unwrap();
    assert!(assert_signed(secret, body, headers, h.now).is_test());
    // Signed with the config's current secret: a wrong one does not verify.
    let other = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
    let secrets = [other.as_str()];
    let input = VerifyInput::new(
        body.as_bytes(),
        header(headers, "X-Pinless-Signature"),
        header(headers, "X-Pinless-Timestamp"),
        &secrets,
        (h.now / 1000) as i64,
    );
    assert!(webhook::verify(&input).is_err());
    // PIN configs, updates and failed creates send nothing.
    assert!(h.create(&pin(&number(2))).raw.effects.is_empty());
    assert!(h.create(&pin(&number(2))).raw.effects.is_empty());
    let id = r.id();
    let r = h.json(
        "PUT",
        &format!("/v1/domain-dialin-config/{id}"),
        &json!({"name_prefix": "x"}),
    );
    assert!(r.raw.effects.is_empty());
    // The ping's outcome is not a call.
    assert!(!h.emu.record_webhook_result("", Some(200), None, h.now));
}

#[test]
fn simulated_call_posts_the_webhook_and_logs_the_result() {
    let mut h = Harness::new();
    let c = h.created(&pinless(Some(&number(1))));
    h.now += 10_000;
    h.auth = None; // admin routes need no auth
    let r = h.json(
        "POST",
        "/_emulator/calls",
        &json!({"to": number(1), "from": "+14155550123", "sipHeaders": {"X-Caller": "abc"}}),
    );
    assert_eq!(r.status, 200, "{}", r.raw.body);
    let call = r.json.clone();
    let call_id = call["id"].as_str().unwrap();
    assert_eq!(call_id.len(), 36);
    assert_eq!(call["callDomain"], DEFAULT_CALL_DOMAIN);
    assert_eq!(call["to"], number(1).as_str());
    assert_eq!(call["from"], "+14155550123");
    assert_eq!(call["config_id"], c["id"]);
    assert_eq!(call["status"], "webhook_pending");
    assert_eq!(call["created_ms"], h.now);
    assert!(!r.raw.state_changed);
    let [effect] = &r.raw.effects[..] else {
        panic!("one effect")
    };
    let (eff_call_id, url, body, headers) = webhook(effect);
    assert_eq!(eff_call_id, call_id);
    assert_eq!(url, "https://example.com/api/dial");
    let expected = format!(
        r#"{{"To":"{}","From":"+14155550123","callId":"{call_id}","callDomain":"{DEFAULT_CALL_DOMAIN}","sipHeaders":{{"X-Caller":"abc"}}}}"#,
        number(1)
    );
    assert_eq!(body, expected, "compact JSON in the documented key order");
    assert_eq!(
        header(headers, "X-Pinless-Timestamp"),
        Some((h.now / 1000).to_string().as_str())
    );
    let secret = c["config"]["hmac"].as_str().unwrap();
    let verified = assert_signed(secret, body, headers, h.now);
    let payload = verified.call().expect("a call payload");
    assert_eq!(payload.call_id, call_id);
    assert_eq!(payload.to, number(1));
    assert_eq!(payload.from.as_deref(), Some("+14155550123"));
    assert_eq!(payload.call_domain, DEFAULT_CALL_DOMAIN);
    // The server reports the webhook's answer.
    assert_eq!(
        h.get("/_emulator/calls").json["calls"][0]["webhook_ms"],
        Value::Null
    );
    h.now += 250;
    assert!(h.emu.record_webhook_result(call_id, Some(200), None, h.now));
    let log = h.get("/_emulator/calls").json;
    assert_eq!(log["calls"][0]["status"], "on_hold");
    assert_eq!(log["calls"][0]["webhook_status"], 200);
    assert_eq!(log["calls"][0]["webhook_ms"], h.now);
    let one = h.get(&format!("/_emulator/calls/{call_id}"));
    assert_eq!(one.json, log["calls"][0]);
    assert_eq!(h.get("/_emulator/calls/nope").status, 404);
    // A failing webhook is logged as such.
    let r = h.json("POST", "/_emulator/calls", &json!({"to": number(1)}));
    let id2 = r.id();
    assert_eq!(r.json["from"], "+15555550100");
    h.emu
        .record_webhook_result(&id2, None, Some("ECONNREFUSED".into()), h.now);
    let log = h.get(&format!("/_emulator/calls/{id2}")).json;
    assert_eq!(log["status"], "webhook_failed");
    assert_eq!(log["webhook_error"], "ECONNREFUSED");
    let r = h.json("POST", "/_emulator/calls", &json!({"to": number(1)}));
    h.emu.record_webhook_result(&r.id(), Some(500), None, h.now);
    assert_eq!(
        h.get(&format!("/_emulator/calls/{}", r.id())).json["status"],
        "webhook_failed"
    );
}

#[test]
fn calls_by_sip_uri_and_call_errors() {
    let mut h = Harness::new();
    let sip = h.created(&pinless(None));
    let uri = sip["config"]["sip_uri"].as_str().unwrap().to_string();
    // After a PUT of a new hmac, calls are signed with the new secret.
    let secret = base64::engine::general_purpose::STANDARD.encode([5u8; 32]);
    let sip_id = sip["id"].as_str().unwrap();
    let r = h.json(
        "PUT",
        &format!("/v1/domain-dialin-config/{sip_id}"),
        &json!({"hmac": secret}),
    );
    assert_eq!(r.status, 200);
    for given in [uri.clone(), format!("sip:{uri}")] {
        let r = h.json("POST", "/_emulator/calls", &json!({"sip_uri": given}));
        assert_eq!(r.status, 200, "{}", r.raw.body);
        assert_eq!(r.json["config_id"], sip["id"]);
        assert_eq!(r.json["to"], given.as_str());
        let (_, _, body, headers) = webhook(&r.raw.effects[0]);
        assert!(!body.contains("sipHeaders"));
        assert_signed(&secret, body, headers, h.now);
    }
    h.created(&pin(&number(5)));
    let r = h.json("POST", "/_emulator/calls", &json!({"to": number(5)}));
    assert_eq!(r.status, 400);
    assert!(r.info().contains("PIN calls"), "{}", r.info());
    let r = h.json("POST", "/_emulator/calls", &json!({"to": number(6)}));
    assert_eq!((r.status, r.error()), (404, "not-found"));
    for (spec, needle) in [
        (json!({}), "exactly one"),
        (json!({"to": number(5), "sip_uri": uri}), "exactly one"),
        (json!({"to": 5}), "to:"),
        (json!({"to": ""}), "to:"),
        (json!({"too": number(5)}), "did you mean to"),
        (
            json!({"to": number(5), "sipHeaders": {"a": 1}}),
            "sipHeaders.a",
        ),
        (json!({"to": number(5), "sipHeaders": []}), "sipHeaders"),
    ] {
        let r = h.json("POST", "/_emulator/calls", &spec);
        assert_eq!(r.status, 400, "{spec}");
        assert!(r.info().contains(needle), "{spec}: {}", r.info());
    }
    assert_eq!(h.send("DELETE", "/_emulator/calls", b"").status, 405);
}

fn start_call(h: &mut Harness, to: &str) -> (String, String) {
    let r = h.json("POST", "/_emulator/calls", &json!({"to": to}));
    assert_eq!(r.status, 200, "{}", r.raw.body);
    (r.id(), r.json["callDomain"].as_str().unwrap().to_string())
}

fn call_update(h: &mut Harness, body: Value) -> Resp {
    h.json("POST", "/v1/dialin/pinlessCallUpdate", &body)
}

#[test]
fn pinless_call_update_routes_a_held_call() {
    let mut h = Harness::new();
    h.created(&pinless(Some(&number(1))));
    let (call_id, domain) = start_call(&mut h, &number(1));
    // Missing fields (each reported), unknown calls, wrong domain.
    let r = call_update(&mut h, json!({"callId": call_id}));
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "invalid-request-error");
    assert!(r.info().starts_with("Missing fields"), "{}", r.info());
    assert!(r.info().contains("callDomain") && r.info().contains("sipUri"));
    assert_eq!(
        h.send("POST", "/v1/dialin/pinlessCallUpdate", b"{").error(),
        "json-parsing-error"
    );
    let r = call_update(
        &mut h,
        json!({"callId": "nope", "callDomain": domain, "sipUri": "sip:a@b"}),
    );
    assert_eq!((r.status, r.error()), (404, "not-found"));
    let r = call_update(
        &mut h,
        json!({"callId": call_id, "callDomain": "other", "sipUri": "sip:a@b"}),
    );
    assert_eq!(r.status, 404);
    // Needs auth like every /v1 route.
    h.auth = None;
    let r = call_update(
        &mut h,
        json!({"callId": call_id, "callDomain": domain, "sipUri": "sip:a@b"}),
    );
    assert_eq!(r.error(), "authorization-header-error");
    h.auth = Some(format!("Bearer {KEY}"));
    // Routed.
    h.now += 1000;
    let r = call_update(
        &mut h,
        json!({"callId": call_id, "callDomain": domain, "sipUri": "sip:room@daily"}),
    );
    assert_eq!(r.status, 200, "{}", r.raw.body);
    assert_eq!(r.json, json!({"ok": "true"}));
    assert!(!r.raw.state_changed);
    let log = h.get(&format!("/_emulator/calls/{call_id}")).json;
    assert_eq!(log["status"], "routed");
    assert_eq!(log["sip_uri"], "sip:room@daily");
    assert_eq!(log["routed_ms"], h.now);
    assert_eq!(log["played_message"], Value::Null);
    // A late webhook result does not undo the routing; a second update is refused.
    h.emu
        .record_webhook_result(&call_id, Some(200), None, h.now);
    let r = call_update(
        &mut h,
        json!({"callId": call_id, "callDomain": domain, "sipUri": "sip:x@y"}),
    );
    assert_eq!(r.status, 404);
    assert!(r.info().contains("already routed"));
    h.now += 10_000_000;
    let log = h.get(&format!("/_emulator/calls/{call_id}")).json;
    assert_eq!(log["status"], "routed", "a routed call never times out");
    assert_eq!(log["webhook_status"], 200);
}

#[test]
fn unrouted_calls_time_out_with_the_timeout_message() {
    let mut h = Harness::with(EmulatorOptions {
        hold_timeout_ms: 30_000,
        ..opts()
    });
    h.created(&pinless(Some(&number(1))));
    let mut quiet = pinless(Some(&number(2)));
    quiet.as_object_mut().unwrap().remove("timeout_config");
    h.created(&quiet);
    let start = h.now;
    let (a, domain) = start_call(&mut h, &number(1));
    let (b, _) = start_call(&mut h, &number(2));
    h.now = start + 29_999;
    let log = h.get(&format!("/_emulator/calls/{a}")).json;
    assert_eq!(log["status"], "webhook_pending");
    assert_eq!(log["timeout_ms"], start + 30_000);
    assert_eq!(log["played_message"], Value::Null);
    h.now = start + 30_000;
    let log = h.get("/_emulator/calls").json;
    assert_eq!(log["calls"][0]["id"], a.as_str());
    assert_eq!(log["calls"][0]["status"], "timed_out");
    assert_eq!(log["calls"][0]["played_message"], "No agent is available");
    assert_eq!(log["calls"][1]["status"], "timed_out");
    assert_eq!(log["calls"][1]["played_message"], Value::Null);
    let r = call_update(
        &mut h,
        json!({"callId": a, "callDomain": domain, "sipUri": "sip:a@b"}),
    );
    assert_eq!(r.status, 404);
    assert!(r.info().contains("timed out"), "{}", r.info());
    let _ = b;
}

#[test]
fn calls_use_the_configured_call_domain_and_survive_config_deletion() {
    let mut h = Harness::with(EmulatorOptions {
        call_domain: "my-domain".into(),
        ..opts()
    });
    let c = h.created(&pinless(Some(&number(1))));
    let (call_id, domain) = start_call(&mut h, &number(1));
    assert_eq!(domain, "my-domain");
    let id = c["id"].as_str().unwrap();
    h.send("DELETE", &format!("/v1/domain-dialin-config/{id}"), b"");
    let r = call_update(
        &mut h,
        json!({"callId": call_id, "callDomain": domain, "sipUri": "sip:a@b"}),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn export_import_round_trip() {
    let mut h = Harness::new();
    let all: Vec<Value> = (0..5)
        .map(|i| {
            if i % 2 == 0 {
                h.created(&pinless(Some(&number(i))))
            } else {
                h.created(&pin(&number(i)))
            }
        })
        .collect();
    let deleted = all[1]["id"].as_str().unwrap();
    h.send(
        "DELETE",
        &format!("/v1/domain-dialin-config/{deleted}"),
        b"",
    );
    let state = h.emu.export_state();
    let parsed: Value = serde_json::from_str(&state).unwrap();
    assert_eq!(parsed["version"], 2);
    assert_eq!(parsed["next_seq"], 5);
    assert_eq!(parsed["configs"].as_array().unwrap().len(), 4);
    assert_eq!(parsed["configs"][0]["seq"], 0);
    assert_eq!(parsed["configs"][0]["id"], all[0]["id"]);
    assert_eq!(parsed["deleted"][0]["id"], deleted);
    // A new emulator (a restart) answers the same.
    let before = h.list("").json;
    let mut h2 = Harness::new();
    h2.emu.import_state(&state).unwrap();
    assert_eq!(h2.emu.export_state(), state);
    assert_eq!(h2.list("").json, before);
    assert_eq!(
        h2.list_ids(&format!("starting_after={deleted}")),
        [all[0]["id"].as_str().unwrap()]
    );
    // The sequence continues: the next sip_uri is new, numbers stay unique.
    let next = h2.created(&pinless(Some(&number(9))));
    assert_eq!(
        next["config"]["sip_uri"],
        "static-address--5@emulator.sip.localhost"
    );
    assert_eq!(h2.create(&pin(&number(0))).status, 400);
    // Over HTTP too.
    let mut h3 = Harness::new();
    let r = h3.send("PUT", "/_emulator/state", state.as_bytes());
    assert_eq!(r.status, 200);
    assert!(r.raw.state_changed);
    assert_eq!(h3.get("/_emulator/state").raw.body, state);
}

#[test]
fn import_refuses_bad_states_and_keeps_the_old_one() {
    let mut h = Harness::new();
    h.created(&pin(&number(1)));
    let good = h.emu.export_state();
    let mut dup_phone: Value = serde_json::from_str(&good).unwrap();
    let mut second = dup_phone["configs"][0].clone();
    second["seq"] = json!(7);
    second["id"] = json!("other-id");
    dup_phone["configs"]
        .as_array_mut()
        .unwrap()
        .push(second.clone());
    let mut dup_id = dup_phone.clone();
    dup_id["configs"][1]["id"] = dup_phone["configs"][0]["id"].clone();
    dup_id["configs"][1]["config"]["phone_number"] = json!(number(2));
    let mut invalid = serde_json::from_str::<Value>(&good).unwrap();
    invalid["configs"][0]["config"]["phone_number"] = json!("12345");
    let mut dup_sip = serde_json::from_str::<Value>(&good).unwrap();
    for (seq, id) in [(1, "a"), (2, "b")] {
        dup_sip["configs"].as_array_mut().unwrap().push(json!({
            "seq": seq, "id": id, "type": "pinless_dialin",
            "config": {"room_creation_api": "https://example.com/x", "sip_uri": "s@x"},
        }));
    }
    let mut future = serde_json::from_str::<Value>(&good).unwrap();
    future["version"] = json!(3);
    for (bad, needle) in [
        (dup_phone.to_string(), "phone_number"),
        (dup_id.to_string(), "twice"),
        (invalid.to_string(), "phone_number"),
        (future.to_string(), "version"),
        (dup_sip.to_string(), "sip_uri is used twice"),
        ("not json".to_string(), "not readable"),
    ] {
        let err = h.emu.import_state(&bad).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
        let r = h.send("PUT", "/_emulator/state", bad.as_bytes());
        assert_eq!(r.status, 400);
        assert!(!r.raw.state_changed);
    }
    assert_eq!(h.emu.export_state(), good);
    // A hand-written state: next_seq too low is corrected.
    let mut low = serde_json::from_str::<Value>(&good).unwrap();
    low["next_seq"] = json!(0);
    h.emu.import_state(&low.to_string()).unwrap();
    let c = h.created(&pinless(None));
    assert_eq!(
        c["config"]["sip_uri"],
        "static-address--1@emulator.sip.localhost"
    );
}

#[test]
fn reset_clears_configs_calls_faults_and_rate_counters() {
    let mut h = Harness::with(EmulatorOptions {
        rate_limit: Some(daily_dialin_emulator::RateLimit {
            max_requests: 3,
            window_ms: 60_000,
        }),
        ..opts()
    });
    h.created(&pinless(Some(&number(1))));
    start_call(&mut h, &number(1));
    fault(&mut h, json!({"method": "DELETE"}));
    h.list("");
    h.list("");
    assert_eq!(h.list("").status, 429);
    let r = h.send("POST", "/_emulator/reset", b"");
    assert_eq!(r.status, 200);
    assert!(r.raw.state_changed);
    assert_eq!(h.list("").json, json!({"total_count": 0, "data": []}));
    assert_eq!(h.get("/_emulator/calls").json, json!({"calls": []}));
    assert_eq!(h.get("/_emulator/faults").json, json!({"faults": []}));
    let c = h.created(&pinless(Some(&number(1))));
    assert_eq!(
        c["config"]["sip_uri"],
        "static-address--0@emulator.sip.localhost"
    );
    assert_eq!(h.send("GET", "/_emulator/reset", b"").status, 405);
    // reset() does the same as the route.
    h.emu.reset();
    assert_eq!(h.emu.export_state(), Emulator::default().export_state());
}

#[test]
fn cors_and_common_headers() {
    let mut h = Harness::new();
    h.auth = None;
    h.origin = Some("http://localhost:5173".into());
    let r = h.send("OPTIONS", "/v1/domain-dialin-config", b"");
    assert_eq!(r.status, 204);
    assert_eq!(r.raw.body, "");
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://localhost:5173")
    );
    assert_eq!(r.header("Vary"), Some("Origin"));
    assert!(r
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("Authorization"));
    assert!(r.header("Content-Type").is_none());
    h.auth = Some(format!("Bearer {KEY}"));
    let r = h.list("");
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://localhost:5173")
    );
    assert!(r
        .header("Access-Control-Expose-Headers")
        .unwrap()
        .contains("Retry-After"));
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("application/json"));
    h.origin = None;
    assert_eq!(h.list("").header("Access-Control-Allow-Origin"), None);
    assert_eq!(h.get("/_emulator/nope").status, 404);
    assert_eq!(h.get("/elsewhere").error(), "not-found");
}

#[test]
fn foreign_pages_are_refused_and_never_allowed_to_read() {
    let mut h = Harness::with(EmulatorOptions {
        admin_token: Some("admin-tok".into()),
        ..opts()
    });
    h.origin = Some("http://evil.test:4010".into());
    for (m, p) in [
        ("OPTIONS", "/_emulator/state"),
        ("GET", "/_emulator/state"),
        ("OPTIONS", "/v1/domain-dialin-config"),
        ("GET", "/v1/domain-dialin-config"),
    ] {
        let r = h.send(m, p, b"");
        assert_eq!((m, p, r.status), (m, p, 403));
        assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    }
    h.origin = None;
    assert_eq!(h.get("/_emulator/state").status, 401);
    h.auth = Some("Bearer admin-tok".into());
    assert_eq!(h.get("/_emulator/state").status, 200);
    assert_eq!(h.send("POST", "/_emulator/reset", b"").status, 200);
}

/// docs/emulator.md "Test audio": public (no credentials, whatever the admin token), named by the
/// core for the shell to serve, CORS for the origins `/v1` answers, plain names only.
#[test]
fn test_audio_needs_no_credentials_and_names_the_file() {
    let mut h = Harness::with(EmulatorOptions {
        admin_token: Some("admin-tok-long-enough".into()),
        cors_origins: vec!["https://app.example.com".into()],
        ..opts()
    });
    h.auth = None;
    for method in ["GET", "HEAD"] {
        let r = h.send(method, "/_emulator/audio/hold.mp3", b"");
        assert_eq!(r.status, 200, "{method}");
        assert_eq!(r.header(audio::FILE_HEADER), Some("hold.mp3"));
        assert_eq!(r.header("Content-Type"), Some("audio/mpeg"));
    }
    // The other admin routes still need the token.
    assert_eq!(h.get("/_emulator/state").status, 401);
    for bad in [
        "/_emulator/audio/..%2Fstate",
        "/_emulator/audio/Hold.mp3",
        "/_emulator/audio/hold",
    ] {
        let r = h.get(bad);
        assert_eq!((bad, r.status), (bad, 404));
        assert_eq!(r.header(audio::FILE_HEADER), None);
    }
    let r = h.send("DELETE", "/_emulator/audio/hold.mp3", b"");
    assert_eq!((r.status, r.header("Allow")), (405, Some("GET, HEAD")));
    // Pages: loopback and listed origins read it (the size of a range too); others are refused.
    for origin in ["http://localhost:5173", "https://app.example.com"] {
        h.origin = Some(origin.into());
        let r = h.get("/_emulator/audio/hold.mp3");
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some(origin));
        assert!(r
            .header("Access-Control-Expose-Headers")
            .unwrap()
            .contains("Content-Range"));
        let pre = h.send("OPTIONS", "/_emulator/audio/hold.mp3", b"");
        assert!(pre
            .header("Access-Control-Allow-Headers")
            .unwrap()
            .contains("Range"));
    }
    h.origin = Some("http://evil.test".into());
    let r = h.get("/_emulator/audio/hold.mp3");
    assert_eq!((r.status, r.header(audio::FILE_HEADER)), (403, None));
}

#[test]
fn journal_lines_replay_to_the_same_state() {
    let mut h = Harness::new();
    let mut lines = Vec::new();
    let mut keep = |r: &Resp| lines.extend(r.raw.journal.clone());
    let a = h.create(&pinless(Some(&number(1))));
    keep(&a);
    let b = h.create(&pin(&number(2)));
    keep(&b);
    keep(&h.json(
        "PUT",
        &format!("/v1/domain-dialin-config/{}", a.id()),
        &json!({"name_prefix": "x"}),
    ));
    keep(&h.send(
        "DELETE",
        &format!("/v1/domain-dialin-config/{}", b.id()),
        b"",
    ));
    let failed = h.create(&pin(&number(1)));
    assert_eq!((failed.status, failed.raw.journal.clone()), (400, None));
    assert_eq!(lines.len(), 4);
    let mut replayed = Emulator::new(opts());
    for l in &lines {
        replayed.apply_journal(l).unwrap();
    }
    assert_eq!(replayed.export_state(), h.emu.export_state());
    // Twice over (a crash after a snapshot, before the journal was cleared): the same state.
    for l in &lines {
        replayed.apply_journal(l).unwrap();
    }
    assert_eq!(replayed.export_state(), h.emu.export_state());
    // Reset and import are lines too.
    let state = h.emu.export_state();
    h.auth = None;
    let reset = h.send("POST", "/_emulator/reset", b"");
    replayed
        .apply_journal(reset.raw.journal.as_deref().unwrap())
        .unwrap();
    assert_eq!(replayed.export_state(), h.emu.export_state());
    let import = h.send("PUT", "/_emulator/state", state.as_bytes());
    replayed
        .apply_journal(import.raw.journal.as_deref().unwrap())
        .unwrap();
    assert_eq!(replayed.export_state(), state);
    assert!(replayed.apply_journal("{\"op\":\"put\"").is_err());
    assert!(replayed.apply_journal("{\"op\":\"nope\"}").is_err());
}

#[test]
fn mutating_requests() {
    for (m, p) in [
        ("POST", "/v1/domain-dialin-config"),
        ("PUT", "/v1/domain-dialin-config/x"),
        ("delete", "/v1/domain-dialin-config/x/"),
        ("POST", "/_emulator/reset"),
        ("PUT", "/_emulator/state"),
    ] {
        assert!(is_mutating(m, p), "{m} {p}");
    }
    for (m, p) in [
        ("GET", "/v1/domain-dialin-config"),
        ("GET", "/v1/domain-dialin-config/x"),
        ("POST", "/v1/dialin/pinlessCallUpdate"),
        ("POST", "/_emulator/calls"),
        ("POST", "/_emulator/faults"),
    ] {
        assert!(!is_mutating(m, p), "{m} {p}");
    }
}
