//! Known-answer vectors, negative and positive cases, and property tests for `daily_dialin::webhook`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use daily_dialin::webhook::{
    generate_secret, normalise_timestamp_seconds, sign, sign_with, verify, CallPayload,
    PayloadWarning, Verified, VerifyInput, WebhookError, WebhookErrorKind,
    DEFAULT_TOLERANCE_SECONDS, MIN_SECRET_BYTES,
};
use proptest::prelude::*;

// 32-byte secret: base64 of bytes.fromhex("8f3a2c91d04e7b6615a9c3e2f0187d4b5e6a9b0c1d2e3f405162738495a6b7c8").
const SECRET_32: &str = "jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=";
// 16-byte secret: base64 of b"daily-pinless-16".
const SECRET_16: &str = "ZGFpbHktcGlubGVzcy0xNg==";
// 15-byte secret: base64 of b"daily-pinless15", one byte short of MIN_SECRET_BYTES.
const WEAK_SECRET: &str = "ZGFpbHktcGlubGVzczE1";
// 32-byte secret: base64 of bytes(range(32)).
const SECRET_SEQ: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

const NOW: i64 = 1_700_000_000;
const TS: &str = "1700000000";
const CALL: &str = r#"{"To":"+14152251493","From":"+14158483432","callId":"0b5f3e2a-6c1d-4b7e-9a8f-2d3c4b5a6e7f","callDomain":"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6"}"#;
const CALL_SIP: &str = r#"{"To":"+14152251493","From":"sip:+14158483432@example.com","callId":"0b5f3e2a-6c1d-4b7e-9a8f-2d3c4b5a6e7f","callDomain":"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6","sipHeaders":{"X-My-Custom-Header":"value","x-caller":"+14158483432"}}"#;
const CALL_UNICODE: &str = "{\n  \"To\": \"+14152251493\",\n  \"From\": \"+14158483432\",\n  \"callId\": \"0b5f3e2a-6c1d-4b7e-9a8f-2d3c4b5a6e7f\",\n  \"callDomain\": \"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6\",\n  \"sipHeaders\": {\"X-Caller-Name\": \"Zoë Ünïcødé 東京 🎉\", \"x-note\": \"a b  c\"}\n}";
const TEST_BODY: &str = r#"{"Test":"test"}"#;

// Known-answer vectors, computed independently with Python 3 (hmac, hashlib, base64), with:
//
//   python3 -c 'import sys,hmac,hashlib,base64; s,t,b=sys.argv[1:4]; print(base64.b64encode(hmac.new(base64.b64decode(s),(t+"."+b).encode(),hashlib.sha256).digest()).decode())' SECRET TIMESTAMP BODY
//
// (BODY passed as a bash $'...' string for the multi-line unicode one.)
// The hex digest below used `.hexdigest()` instead of `base64.b64encode(....digest())`, and the
// "secret used as text" signature used `hmac.new(s.encode(), ...)` instead of `b64decode(s)`.
struct Vector {
    name: &'static str,
    secret: &'static str,
    ts: &'static str,
    body: &'static str,
    signature: &'static str,
}

const VECTORS: [Vector; 5] = [
    Vector {
        name: "call body, 32-byte secret, seconds",
        secret: SECRET_32,
        ts: "1700000000",
        body: CALL,
        signature: "wvV79nCqzYbU/QhmkMpiflgr4kOvXVuiGXXhsIwvF04=",
    },
    Vector {
        name: "test body, 16-byte secret",
        secret: SECRET_16,
        ts: "1700000000",
        body: TEST_BODY,
        signature: "ANIn5rzLV0ZWThVHYYbZngk4nAyx0DrW2h6B1ijnZiE=",
    },
    Vector {
        name: "call body with sipHeaders, millisecond timestamp",
        secret: SECRET_SEQ,
        ts: "1700000000123",
        body: CALL_SIP,
        signature: "2bIIUqvKCQ0WLS1did56ilK/4i8HsYX22bh3EM+46BE=",
    },
    Vector {
        name: "pretty-printed body with unicode and spaces",
        secret: SECRET_32,
        ts: "1733000000",
        body: CALL_UNICODE,
        signature: "Pbb9LebqR5jbaJT0LM0/Anh4Yk4Xkk1t6OVkr5OSKcY=",
    },
    Vector {
        name: "lowercase test body, 16-byte secret, millisecond timestamp",
        secret: SECRET_16,
        ts: "1700000000123",
        body: r#"{"test":"test"}"#,
        signature: "OlDaXIHfFHLa/hC4nH8R5FfCkz1M6XI+Gg2xg/0Lrtk=",
    },
];
/// hex of HMAC(SECRET_16, "1700000000." + TEST_BODY).
const TEST_BODY_HEX: &str = "00d227e6bccb5746564e15476186d99e09389c0cb1d03ad6da1e81d628e76621";
/// base64 of HMAC keyed with the TEXT of SECRET_32 (not decoded), over TS + "." + CALL.
const CALL_KEY_AS_TEXT: &str = "Do5meZ+duicGTK5lYOQlGOOTXQxpG9x4ay/yoiy8dec=";

fn s(secret: &str, ts: &str, body: &str) -> String {
    sign(secret, ts, body.as_bytes()).expect("fixture secret is valid")
}

fn call_payload() -> CallPayload {
    CallPayload {
        to: "+14152251493".into(),
        from: Some("+14158483432".into()),
        call_id: "0b5f3e2a-6c1d-4b7e-9a8f-2d3c4b5a6e7f".into(),
        call_domain: "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6".into(),
        sip_headers: None,
    }
}

/// A call without warnings.
fn clean(payload: CallPayload) -> Verified {
    Verified::Call {
        payload,
        warnings: Vec::new(),
    }
}

#[test]
fn known_answer_vectors_sign() {
    for v in &VECTORS {
        assert_eq!(
            sign(v.secret, v.ts, v.body.as_bytes()).unwrap(),
            v.signature,
            "{}",
            v.name
        );
    }
}

#[test]
fn known_answer_vectors_verify() {
    for v in &VECTORS {
        let ts: i64 = v.ts.parse().unwrap();
        let now = normalise_timestamp_seconds(ts) + 10;
        let secrets = [v.secret];
        let got = verify(&VerifyInput::new(
            v.body.as_bytes(),
            Some(v.signature),
            Some(v.ts),
            &secrets,
            now,
        ));
        let got = got.unwrap_or_else(|e| panic!("{}: {e}", v.name));
        if v.body.to_ascii_lowercase().contains("\"test\"") {
            assert_eq!(got, Verified::Test, "{}", v.name);
        } else {
            let call = got
                .call()
                .unwrap_or_else(|| panic!("{}: not a call", v.name));
            assert_eq!(call.call_id, "0b5f3e2a-6c1d-4b7e-9a8f-2d3c4b5a6e7f");
        }
    }
}

#[test]
fn verified_payloads_are_parsed() {
    let secrets = [SECRET_32];
    let sig = s(SECRET_32, TS, CALL);
    let got = verify(&VerifyInput::new(
        CALL.as_bytes(),
        Some(&sig),
        Some(TS),
        &secrets,
        NOW,
    ))
    .unwrap();
    assert_eq!(got, clean(call_payload()));

    let v = &VECTORS[2];
    let secrets = [v.secret];
    let got = verify(&VerifyInput::new(
        v.body.as_bytes(),
        Some(v.signature),
        Some(v.ts),
        &secrets,
        NOW,
    ))
    .unwrap();
    let sip = got.call().unwrap().sip_headers.clone().unwrap();
    assert_eq!(
        sip.get("x-caller").map(String::as_str),
        Some("+14158483432")
    );
    assert_eq!(
        got.call().unwrap().from.as_deref(),
        Some("sip:+14158483432@example.com")
    );

    let v = &VECTORS[3];
    let secrets = [v.secret];
    let got = verify(&VerifyInput::new(
        v.body.as_bytes(),
        Some(v.signature),
        Some(v.ts),
        &secrets,
        1_733_000_000,
    ))
    .unwrap();
    let sip = got.call().unwrap().sip_headers.clone().unwrap();
    assert_eq!(
        sip.get("X-Caller-Name").map(String::as_str),
        Some("Zoë Ünïcødé 東京 🎉")
    );
}

#[test]
fn generate_secret_encodes_bytes() {
    let bytes: [u8; 32] = std::array::from_fn(|i| i as u8);
    assert_eq!(generate_secret(&bytes), SECRET_SEQ);
    let secret = generate_secret(&[0xAB; 32]);
    let sig = sign(&secret, TS, CALL.as_bytes()).unwrap();
    let secrets = [secret.as_str()];
    assert!(verify(&VerifyInput::new(
        CALL.as_bytes(),
        Some(&sig),
        Some(TS),
        &secrets,
        NOW
    ))
    .is_ok());
}

// ---------------------------------------------------------------------------------------------
// Negative cases
// ---------------------------------------------------------------------------------------------

struct Case {
    name: &'static str,
    body: Vec<u8>,
    signature: Option<String>,
    timestamp: Option<String>,
    secrets: Vec<String>,
    now: i64,
    reason: &'static str,
}

impl Case {
    /// A call body correctly signed with SECRET_32 at TS, checked at NOW; tweak from there.
    fn base(name: &'static str, reason: &'static str) -> Case {
        Case {
            name,
            body: CALL.as_bytes().to_vec(),
            signature: Some(s(SECRET_32, TS, CALL)),
            timestamp: Some(TS.to_string()),
            secrets: vec![SECRET_32.to_string()],
            now: NOW,
            reason,
        }
    }

    fn run(&self) -> Result<Verified, WebhookError> {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        verify(&VerifyInput {
            body: &self.body,
            signature: self.signature.as_deref(),
            timestamp: self.timestamp.as_deref(),
            secrets: &secrets,
            tolerance_seconds: DEFAULT_TOLERANCE_SECONDS,
            now_seconds: self.now,
            allow_weak_secrets: false,
        })
    }
}

/// A correctly signed request at timestamp text `ts`, checked at `now`.
fn signed_at(name: &'static str, ts: &str, now: i64, reason: &'static str) -> Case {
    Case {
        signature: Some(s(SECRET_32, ts, CALL)),
        timestamp: Some(ts.to_string()),
        now,
        ..Case::base(name, reason)
    }
}

/// A correctly signed request with `body`.
fn signed_body(name: &'static str, body: &[u8], reason: &'static str) -> Case {
    Case {
        body: body.to_vec(),
        signature: Some(sign(SECRET_32, TS, body).unwrap()),
        ..Case::base(name, reason)
    }
}

fn negative_cases() -> Vec<Case> {
    let good = s(SECRET_32, TS, CALL);
    let other = s(SECRET_SEQ, TS, CALL);
    let v1 = VECTORS[0].signature; // contains '/'
    vec![
        // Presence.
        Case {
            signature: None,
            ..Case::base("signature header absent", "missing_signature")
        },
        Case {
            signature: Some(String::new()),
            ..Case::base(
                "signature header empty (truncated to nothing)",
                "missing_signature",
            )
        },
        Case {
            signature: Some("  \t ".into()),
            ..Case::base("signature header blank", "missing_signature")
        },
        Case {
            signature: Some(" , ".into()),
            ..Case::base("signature header only separators", "missing_signature")
        },
        Case {
            signature: None,
            timestamp: None,
            secrets: vec![],
            ..Case::base(
                "everything missing: signature reported first",
                "missing_signature",
            )
        },
        Case {
            timestamp: None,
            ..Case::base("timestamp header absent", "missing_timestamp")
        },
        Case {
            timestamp: Some(" ".into()),
            ..Case::base("timestamp header blank", "missing_timestamp")
        },
        // Timestamp parse.
        Case {
            timestamp: Some("1700000000.5".into()),
            ..Case::base("non-integer timestamp", "bad_timestamp")
        },
        Case {
            timestamp: Some("Tue, 14 Nov 2023 22:13:20 GMT".into()),
            ..Case::base("date-string timestamp", "bad_timestamp")
        },
        Case {
            timestamp: Some("-1700000000".into()),
            ..Case::base("negative timestamp", "bad_timestamp")
        },
        Case {
            timestamp: Some("99999999999999999999999".into()),
            ..Case::base("timestamp overflowing i64", "bad_timestamp")
        },
        Case {
            timestamp: Some("abc".into()),
            secrets: vec![],
            ..Case::base("bad timestamp reported before bad secret", "bad_timestamp")
        },
        // Secrets.
        Case {
            secrets: vec![],
            ..Case::base("no secrets", "bad_secret")
        },
        Case {
            secrets: vec!["not*base64!".into()],
            ..Case::base("secret not base64", "bad_secret")
        },
        Case {
            secrets: vec![format!("{SECRET_32}\n")],
            ..Case::base("secret with a trailing newline", "bad_secret")
        },
        Case {
            secrets: vec![format!(" {SECRET_32}")],
            ..Case::base("secret with a leading space", "bad_secret")
        },
        Case {
            secrets: vec![base64::engine::general_purpose::URL_SAFE.encode([0xfb; 32])],
            ..Case::base("secret in URL-safe base64", "bad_secret")
        },
        Case {
            secrets: vec![String::new()],
            ..Case::base("empty secret", "bad_secret")
        },
        Case {
            secrets: vec![SECRET_32.into(), "%%%".into()],
            ..Case::base(
                "one broken secret among valid ones fails closed",
                "bad_secret",
            )
        },
        // Signature mismatch.
        Case {
            body: CALL.replace("0b5f3e2a", "0b5f3e2b").into_bytes(),
            ..Case::base("tampered body", "signature_mismatch")
        },
        Case {
            signature: Some(s(SECRET_32, "1700000001", CALL)),
            ..Case::base(
                "tampered timestamp (signed over another ts)",
                "signature_mismatch",
            )
        },
        Case {
            signature: Some(other.clone()),
            ..Case::base("signature made with another secret", "signature_mismatch")
        },
        Case {
            body: TEST_BODY.as_bytes().to_vec(),
            signature: Some(TEST_BODY_HEX.into()),
            secrets: vec![SECRET_16.into()],
            ..Case::base("hex digest instead of base64", "signature_mismatch")
        },
        Case {
            signature: Some(CALL_KEY_AS_TEXT.into()),
            ..Case::base(
                "secret used as text instead of decoded",
                "signature_mismatch",
            )
        },
        Case {
            signature: Some(good[..8].to_string()),
            ..Case::base("signature truncated to 8 characters", "signature_mismatch")
        },
        Case {
            signature: Some(good[..43].to_string()),
            ..Case::base("signature without its '=' padding", "signature_mismatch")
        },
        Case {
            signature: Some("v1,".into()),
            ..Case::base("bare version prefix", "signature_mismatch")
        },
        Case {
            signature: Some(v1.replace('/', "_").replace('+', "-")),
            ..Case::base("URL-safe base64 signature", "signature_mismatch")
        },
        Case {
            signature: Some(format!("{other}, {}", s(SECRET_16, TS, CALL))),
            ..Case::base("duplicated header values, none valid", "signature_mismatch")
        },
        Case {
            signature: Some(format!("{other} {TEST_BODY_HEX},garbage")),
            ..Case::base(
                "several invalid values of several kinds",
                "signature_mismatch",
            )
        },
        Case {
            body: serde_json::to_vec_pretty(
                &serde_json::from_str::<serde_json::Value>(CALL).unwrap(),
            )
            .unwrap(),
            ..Case::base(
                "body re-serialised with different spacing",
                "signature_mismatch",
            )
        },
        Case {
            body: format!("{CALL}\n").into_bytes(),
            ..Case::base("body with an added trailing newline", "signature_mismatch")
        },
        Case {
            secrets: vec![SECRET_SEQ.into(), SECRET_16.into()],
            ..Case::base(
                "rotation list without the signing secret",
                "signature_mismatch",
            )
        },
        Case {
            signature: Some(s(SECRET_32, "1699990000", CALL)),
            timestamp: Some("1699990000".into()),
            secrets: vec![SECRET_16.into()],
            ..Case::base(
                "forged and stale: mismatch is reported, not the window",
                "signature_mismatch",
            )
        },
        // Window.
        signed_at("+301 s (seconds)", "1700000301", NOW, "timestamp_in_future"),
        signed_at("-301 s (seconds)", "1699999699", NOW, "timestamp_too_old"),
        signed_at(
            "+301 s (milliseconds)",
            "1700000301000",
            NOW,
            "timestamp_in_future",
        ),
        signed_at(
            "-301 s (milliseconds)",
            "1699999699000",
            NOW,
            "timestamp_too_old",
        ),
        signed_at("timestamp 0", "0", NOW, "timestamp_too_old"),
        signed_at(
            "now passed in milliseconds",
            TS,
            NOW * 1000,
            "timestamp_too_old",
        ),
        Case {
            body: b"not json".to_vec(),
            signature: Some(sign(SECRET_32, "1600000000", b"not json").unwrap()),
            timestamp: Some("1600000000".into()),
            ..Case::base(
                "stale with bad body: window reported before payload",
                "timestamp_too_old",
            )
        },
        // Payload.
        signed_body(
            "valid signature, non-JSON body",
            b"To=+1415&From=+1415",
            "bad_payload",
        ),
        signed_body("valid signature, empty body", b"", "bad_payload"),
        signed_body(
            "valid signature, JSON with a trailing comma",
            br#"{"To":"+1","From":"+2","callId":"c","callDomain":"d",}"#,
            "bad_payload",
        ),
        signed_body(
            "valid signature, invalid UTF-8",
            b"{\"To\":\"\xff\"}",
            "bad_payload",
        ),
        // Secrets under MIN_SECRET_BYTES, without allow_weak_secrets.
        Case {
            signature: Some(sign_with(WEAK_SECRET, TS, CALL.as_bytes(), true).unwrap()),
            secrets: vec![WEAK_SECRET.to_string()],
            ..Case::base("a 15-byte secret", "bad_secret")
        },
        Case {
            secrets: vec![SECRET_32.to_string(), WEAK_SECRET.to_string()],
            ..Case::base(
                "a 15-byte secret in a rotation list, even though another matches",
                "bad_secret",
            )
        },
    ]
}

#[test]
fn negative_cases_have_exact_reasons() {
    let cases = negative_cases();
    assert!(cases.len() >= 22);
    let mut failures = Vec::new();
    for case in &cases {
        match case.run() {
            Ok(v) => failures.push(format!("{}: accepted as {v:?}", case.name)),
            Err(e) if e.reason() != case.reason => {
                failures.push(format!("{}: expected {}, got {e}", case.name, case.reason))
            }
            Err(e) => assert!(!e.message().is_empty(), "{}", case.name),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_reason_code_is_covered() {
    let cases = negative_cases();
    // `bad_options` comes from the JS adapter (its options are untyped); the core's input is typed.
    for kind in WebhookErrorKind::ALL
        .into_iter()
        .filter(|k| *k != WebhookErrorKind::BadOptions)
    {
        assert!(
            cases.iter().any(|c| c.reason == kind.as_str()),
            "no negative case for {kind}"
        );
    }
}

/// Strings that must never appear in an error: each secret's text (trimmed and not), the
/// standard base64 of its decoded bytes, and their hex.
fn forbidden(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string(), secret.trim().to_string()];
    for candidate in [secret, secret.trim()] {
        if let Ok(bytes) = STANDARD.decode(candidate) {
            out.push(STANDARD.encode(&bytes));
            out.push(bytes.iter().map(|b| format!("{b:02x}")).collect());
        }
    }
    out.retain(|s| s.len() >= 4);
    out
}

#[test]
fn errors_never_leak_secrets() {
    for case in negative_cases() {
        let Err(e) = case.run() else { continue };
        let shown = format!("{e} | {e:?} | {}", e.message());
        for secret in &case.secrets {
            for f in forbidden(secret) {
                assert!(
                    !shown.contains(&f),
                    "{}: error shows a secret: {shown}",
                    case.name
                );
            }
        }
    }
    // sign() errors too.
    for secret in [
        format!("{SECRET_32}\n"),
        format!(" {SECRET_16} "),
        "a*b".into(),
    ] {
        let e = sign(&secret, TS, b"{}").unwrap_err();
        let shown = format!("{e} | {e:?}");
        for f in forbidden(&secret) {
            assert!(!shown.contains(&f), "sign error shows a secret: {shown}");
        }
    }
}

#[test]
fn messages_name_the_likely_cause() {
    let by_name = |name: &str| {
        negative_cases()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case {name}"))
            .run()
            .unwrap_err()
            .to_string()
    };
    assert!(by_name("hex digest instead of base64").contains("HEX digest"));
    assert!(by_name("secret with a trailing newline").contains("whitespace"));
    assert!(by_name("body re-serialised with different spacing").contains("re-serialised"));
    assert!(by_name("signature made with another secret").contains("rotation"));
    assert!(by_name("signature truncated to 8 characters").contains("decodes to 6 bytes"));
    assert!(by_name("signature without its '=' padding").contains("unpadded"));
    assert!(by_name("secret in URL-safe base64").contains("URL-safe"));
    assert!(by_name("-301 s (seconds)").contains("301 s before now"));
    assert!(by_name("+301 s (milliseconds)").contains("301 s after now"));
    assert!(by_name("+301 s (milliseconds)").contains("milliseconds"));
    assert!(by_name("now passed in milliseconds").contains("looks like milliseconds"));
    assert!(by_name("valid signature, non-JSON body").contains("not JSON"));
    assert!(by_name("a 15-byte secret").contains("15 bytes"));
    assert!(
        by_name("a 15-byte secret in a rotation list, even though another matches")
            .contains("secret #2 of 2")
    );
    assert!(by_name("no secrets").contains("no secret"));
}

// ---------------------------------------------------------------------------------------------
// Positive cases
// ---------------------------------------------------------------------------------------------

/// Verifies `body` signed with SECRET_32 at TS; the answer's payload and warnings as (path, code).
fn verify_signed(body: &str) -> (CallPayload, Vec<(String, &'static str)>) {
    let sig = s(SECRET_32, TS, body);
    let secrets = [SECRET_32];
    let got = verify(&VerifyInput::new(
        body.as_bytes(),
        Some(&sig),
        Some(TS),
        &secrets,
        NOW,
    ))
    .unwrap_or_else(|e| panic!("{body}: refused: {e}"));
    let warnings = got
        .warnings()
        .iter()
        .map(|w| (w.path.clone(), w.code))
        .collect();
    (got.call().expect("a call").clone(), warnings)
}

#[test]
fn genuine_bodies_of_any_json_shape_are_accepted_with_warnings() {
    let ty = PayloadWarning::INVALID_TYPE;
    let req = PayloadWarning::REQUIRED;
    let w = |p: &str, c| (p.to_string(), c);
    // A withheld caller ID and keys Daily may add: accepted without a warning.
    let (p, ws) = verify_signed(
        r#"{"To":"+14152251493","callId":"c","callDomain":"d","direction":"inbound","sipUri":"sip:x@y","newKey":{"a":[1]}}"#,
    );
    assert_eq!((p.from, p.call_id.as_str(), ws.len()), (None, "c", 0));
    // sipHeaders values that are not strings: kept out of payload.sipHeaders, one warning each.
    let (p, ws) = verify_signed(
        r#"{"To":"+1","From":"+2","callId":"c","callDomain":"d","sipHeaders":{"X-N":7,"X-A":["a","b"],"X-O":{"k":"v"},"X-Z":null,"X-S":"s"}}"#,
    );
    let sip = p.sip_headers.unwrap();
    assert_eq!(sip.len(), 1);
    assert_eq!(sip["X-S"], "s");
    assert_eq!(
        ws,
        [
            w("sipHeaders.X-A", ty),
            w("sipHeaders.X-N", ty),
            w("sipHeaders.X-O", ty),
            w("sipHeaders.X-Z", ty)
        ]
    );
    // Known fields missing or of another type, and bodies that are not objects.
    let (p, ws) = verify_signed(r#"{"To":"+14152251493","From":"+14158483432","callDomain":"d1"}"#);
    assert_eq!((p.call_id.as_str(), ws), ("", vec![w("callId", req)]));
    let (p, ws) = verify_signed(r#"{"To":"+1","From":"+2","callId":42,"callDomain":"d"}"#);
    assert_eq!((p.call_id.as_str(), ws), ("", vec![w("callId", ty)]));
    let (_, ws) = verify_signed(r#"{"To":"+14152251493"}"#);
    assert_eq!(ws, [w("callId", req), w("callDomain", req)]);
    for body in ["[1,2,3]", "\"text\"", "42", "null"] {
        let (p, ws) = verify_signed(body);
        assert_eq!((p, ws), (CallPayload::default(), vec![w("", ty)]), "{body}");
    }
}

#[test]
fn weak_secrets_only_when_allowed() {
    assert_eq!(
        STANDARD.decode(WEAK_SECRET).unwrap().len(),
        MIN_SECRET_BYTES - 1
    );
    let e = sign(WEAK_SECRET, TS, CALL.as_bytes()).unwrap_err();
    assert_eq!(e.reason(), "bad_secret");
    assert!(e.message().contains("allowWeakSecrets"), "{e}");
    assert!(!e.to_string().contains(WEAK_SECRET));
    // Allowed: the same signature as HMAC keyed with the 15 bytes, and it verifies.
    let sig = sign_with(WEAK_SECRET, TS, CALL.as_bytes(), true).unwrap();
    let secrets = [WEAK_SECRET];
    let input = VerifyInput {
        allow_weak_secrets: true,
        ..VerifyInput::new(CALL.as_bytes(), Some(&sig), Some(TS), &secrets, NOW)
    };
    assert_eq!(verify(&input), Ok(clean(call_payload())));
    // 16 bytes is enough.
    assert!(sign(SECRET_16, TS, b"").is_ok());
}

fn accepts(signature: &str, ts: &str, secrets: &[&str], now: i64) -> Verified {
    verify(&VerifyInput::new(
        CALL.as_bytes(),
        Some(signature),
        Some(ts),
        secrets,
        now,
    ))
    .unwrap_or_else(|e| panic!("rejected: {e}"))
}

#[test]
fn duplicated_header_values_with_one_valid() {
    let good = s(SECRET_32, TS, CALL);
    let other = s(SECRET_SEQ, TS, CALL);
    for header in [
        format!("{other}, {good}"),
        format!("{good}, {other}"),
        format!("{other} {good}"),
        format!("{other},{good}"),
        format!("{TEST_BODY_HEX}, {}, {good}", &good[..8]),
        format!("  {good}  "),
    ] {
        assert_eq!(
            accepts(&header, TS, &[SECRET_32], NOW),
            clean(call_payload()),
            "{header}"
        );
    }
}

#[test]
fn rotation_second_secret_valid() {
    let sig = s(SECRET_32, TS, CALL);
    accepts(&sig, TS, &[SECRET_SEQ, SECRET_32], NOW);
    accepts(&sig, TS, &[SECRET_32, SECRET_SEQ], NOW);
    // Two values signed with two secrets, both secrets configured.
    let both = format!("{}, {}", s(SECRET_SEQ, TS, CALL), sig);
    accepts(&both, TS, &[SECRET_16, SECRET_32], NOW);
}

#[test]
fn millisecond_timestamp_within_window() {
    for ts in [
        "1700000000000",
        "1700000123456",
        "1699999800000",
        "1700000300999",
    ] {
        accepts(&s(SECRET_32, ts, CALL), ts, &[SECRET_32], NOW);
    }
}

#[test]
fn window_edges_are_inclusive() {
    for ts in ["1700000300", "1699999700", "1700000300000", "1699999700000"] {
        accepts(&s(SECRET_32, ts, CALL), ts, &[SECRET_32], NOW);
    }
    // A custom tolerance.
    let ts = "1699999000";
    let sig = s(SECRET_32, ts, CALL);
    let secrets = [SECRET_32];
    let mut input = VerifyInput::new(CALL.as_bytes(), Some(&sig), Some(ts), &secrets, NOW);
    assert_eq!(verify(&input).unwrap_err().reason(), "timestamp_too_old");
    input.tolerance_seconds = 1000;
    assert!(verify(&input).is_ok());
    input.tolerance_seconds = 999;
    assert_eq!(verify(&input).unwrap_err().reason(), "timestamp_too_old");
}

#[test]
fn timestamp_text_is_signed_verbatim() {
    // Surrounding whitespace is ignored for the window but is part of the signed text.
    let ts = " 1700000000";
    accepts(&s(SECRET_32, ts, CALL), ts, &[SECRET_32], NOW);
    let secrets = [SECRET_32];
    let e = verify(&VerifyInput::new(
        CALL.as_bytes(),
        Some(&s(SECRET_32, TS, CALL)),
        Some(ts),
        &secrets,
        NOW,
    ))
    .unwrap_err();
    assert_eq!(e.reason(), "signature_mismatch");
}

#[test]
fn test_body_variants() {
    let secrets = [SECRET_16];
    for body in [TEST_BODY, r#"{"test":"test"}"#, "{ \"Test\" : \"test\" }\n"] {
        let sig = s(SECRET_16, TS, body);
        let got = verify(&VerifyInput::new(
            body.as_bytes(),
            Some(&sig),
            Some(TS),
            &secrets,
            NOW,
        ))
        .unwrap();
        assert!(got.is_test(), "{body}");
    }
}

#[test]
fn error_traits() {
    let e = sign("%", TS, b"").unwrap_err();
    assert_eq!(e.kind(), WebhookErrorKind::BadSecret);
    let as_dyn: &dyn std::error::Error = &e;
    assert!(as_dyn.to_string().starts_with("bad_secret: "));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,64}",
        "[A-Za-z0-9+/=_, \t\n-]{0,96}",
        "[0-9]{0,24}",
        any::<i64>().prop_map(|n| n.to_string()),
        proptest::collection::vec(any::<u8>(), 0..48).prop_map(|b| STANDARD.encode(b)),
        Just(String::new()),
    ]
}

fn any_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        ".{0,128}".prop_map(String::into_bytes),
        Just(CALL.as_bytes().to_vec()),
        Just(TEST_BODY.as_bytes().to_vec()),
        Just(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_vec()),
        "\\{\"(To|From|callId|callDomain|sipHeaders|Test)\":(\"[a-z]{0,4}\"|1|null|\\{\\}|\\{\"k\":[0-9]\\})\\}"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any input: no panic, a known reason, a non-empty message; valid base64 secrets of 12+
    /// characters never appear in the error. When `use_real_signature` is set and the secrets and
    /// headers are usable, the signature check itself passes.
    #[test]
    fn verify_never_panics(
        body in any_body(),
        signature in proptest::option::of(any_text()),
        timestamp in proptest::option::of(any_text()),
        secrets in proptest::collection::vec(any_text(), 0..4),
        tolerance in prop_oneof![any::<u64>(), 0u64..1000],
        now in prop_oneof![any::<i64>(), 1_699_999_000i64..1_700_001_000],
        use_real_signature in any::<bool>(),
        allow_weak in any::<bool>(),
    ) {
        let mut signature = signature;
        if use_real_signature {
            if let (Some(secret), Some(ts)) = (secrets.first(), timestamp.as_deref()) {
                if let Ok(sig) = sign_with(secret, ts, &body, allow_weak) {
                    signature = Some(format!("{} {sig}", signature.unwrap_or_default()));
                }
            }
        }
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let input = VerifyInput {
            body: &body,
            signature: signature.as_deref(),
            timestamp: timestamp.as_deref(),
            secrets: &refs,
            tolerance_seconds: tolerance,
            now_seconds: now,
            allow_weak_secrets: allow_weak,
        };
        let _ = format!("{input:?}");
        match verify(&input) {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(WebhookErrorKind::ALL.iter().any(|k| k.as_str() == e.reason()));
                prop_assert!(!e.message().is_empty());
                let shown = format!("{e} {e:?}");
                for secret in &secrets {
                    if secret.len() >= 12 && STANDARD.decode(secret).is_ok() {
                        prop_assert!(!shown.contains(secret.as_str()));
                    }
                }
                let headers_usable = timestamp.as_deref().is_some_and(|t| {
                    let t = t.trim();
                    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && t.parse::<i64>().is_ok()
                });
                let secrets_usable = !secrets.is_empty() && secrets.iter().all(|s| sign_with(s, "0", b"", allow_weak).is_ok());
                if use_real_signature && headers_usable && secrets_usable {
                    prop_assert_ne!(e.reason(), "signature_mismatch");
                }
            }
        }
        // sign never panics either.
        for secret in &secrets {
            let _ = sign(secret, timestamp.as_deref().unwrap_or(""), &body);
        }
    }

    /// Sign then verify with any key, body and timestamp in the window: never a signature or
    /// window error.
    #[test]
    fn sign_verify_roundtrip(
        key in proptest::collection::vec(any::<u8>(), 1..80),
        body in any_body(),
        ts in 0i64..4_000_000_000,
        offset in -300i64..=300,
        as_ms in any::<bool>(),
    ) {
        let secret = STANDARD.encode(&key);
        let ts_text = if as_ms && ts >= 1_000_000_000 { (ts * 1000).to_string() } else { ts.to_string() };
        let sig = sign_with(&secret, &ts_text, &body, true).unwrap();
        let secrets = [secret.as_str()];
        let input = VerifyInput {
            allow_weak_secrets: true,
            ..VerifyInput::new(&body, Some(&sig), Some(&ts_text), &secrets, ts + offset)
        };
        match verify(&input) {
            Ok(_) => {}
            Err(e) => prop_assert_eq!(e.reason(), "bad_payload", "{}", e),
        }
    }
}

#[test]
fn normalise_threshold() {
    assert_eq!(
        normalise_timestamp_seconds(999_999_999_999),
        999_999_999_999
    );
    assert_eq!(
        normalise_timestamp_seconds(1_000_000_000_000),
        1_000_000_000
    );
}
