//! The body of a verified webhook: the test body, or a call whose known fields are typed, with a
//! warning for each shape surprise (never a rejection: the signature proved the body genuine).

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{WebhookError, WebhookErrorKind};

/// The known fields of the body Daily POSTs to `room_creation_api` for an incoming call
/// (docs/daily-api.md#what-daily-sends), each typed. Unknown keys are not kept here (the JS adapter
/// returns the whole body as `raw`).
///
/// `To`, `callId` and `callDomain` are always sent by Daily; when a verified body lacks one, or has
/// another type there, the field is empty and a [`PayloadWarning`] says so. `From` is absent when
/// the caller ID is withheld, and `sipHeaders` on calls that did not come through a SIP
/// interconnect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPayload {
    /// The dialed number.
    #[serde(rename = "To", default)]
    pub to: String,
    /// The caller, when known.
    #[serde(rename = "From", default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The call's session id on the SIP network (a UUID): a good idempotency key.
    #[serde(rename = "callId", default)]
    pub call_id: String,
    /// Your Daily domain's id on the SIP network (a UUID).
    #[serde(rename = "callDomain", default)]
    pub call_domain: String,
    /// Custom SIP headers received on a SIP interconnect: the values that are strings.
    #[serde(
        rename = "sipHeaders",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sip_headers: Option<BTreeMap<String, String>>,
}

/// A shape surprise in a verified body: a known field missing or of another type. The body is
/// still genuine (its signature verified), so it is reported, never refused.
///
/// The message names fields and JSON types only, never values from the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadWarning {
    /// Where: `""` for the body itself, `callId`, `sipHeaders.X-Name`, ...
    pub path: String,
    /// [`PayloadWarning::REQUIRED`] or [`PayloadWarning::INVALID_TYPE`].
    pub code: &'static str,
    pub message: String,
}

impl PayloadWarning {
    /// A field that Daily always sends is absent.
    pub const REQUIRED: &'static str = "required";
    /// A field (or the body) has another JSON type than the one documented.
    pub const INVALID_TYPE: &'static str = "invalid_type";
}

/// A verified webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// The one-off test request Daily sends when a pinless config is set up: `{"Test":"test"}`
    /// (`{"test":"test"}` is accepted too). Answer it with a 200 and do nothing else.
    Test,
    /// Any other genuine body: an incoming call, with what did not have the documented shape.
    Call {
        payload: CallPayload,
        warnings: Vec<PayloadWarning>,
    },
}

impl Verified {
    pub fn is_test(&self) -> bool {
        matches!(self, Verified::Test)
    }

    pub fn call(&self) -> Option<&CallPayload> {
        match self {
            Verified::Test => None,
            Verified::Call { payload, .. } => Some(payload),
        }
    }

    /// The shape surprises of a call (none for the test body).
    pub fn warnings(&self) -> &[PayloadWarning] {
        match self {
            Verified::Test => &[],
            Verified::Call { warnings, .. } => warnings,
        }
    }
}

fn bad_payload(message: String) -> WebhookError {
    WebhookError::new(WebhookErrorKind::BadPayload, message)
}

/// The keys Daily always sends in a call, as JSON strings.
const REQUIRED_KEYS: [&str; 3] = ["To", "callId", "callDomain"];

/// The call body in the form Daily sends it, read without building a JSON tree: compact JSON with
/// the four keys `To`, `From`, `callId`, `callDomain` in this order, then optionally `sipHeaders` (an object), and string
/// values without escapes, e.g. `{"To":"+1...","From":"+1...","callId":"...","callDomain":"..."}`.
/// Any other body gives `None`, and [`parse_payload`] reads it as a [`Value`]. For a body this
/// accepts, that reading gives the same [`CallPayload`] and no warning: a JSON string without `"`, `\` or control
/// characters is its text, and a repeated `sipHeaders` name keeps its last value in both.
fn compact_call(text: &str) -> Option<CallPayload> {
    // Byte offsets and plain loops: this runs on every verified call, and was measured this way
    // (bench/webhook.mjs) when daily-dialin/webhook was built at opt-level "z", where iterator
    // adapters and `str` patterns stay calls; it is now built at opt-level 3 (scripts/build-pkg),
    // where the iterator forms have not been measured. The cuts are at ASCII bytes (`"`), so at
    // char boundaries.
    let b = text.as_bytes();
    let mut i = 0;
    // Moves past `lit` if the text continues with it.
    let lit = |i: &mut usize, lit: &[u8]| {
        let found = b.len() - *i >= lit.len() && &b[*i..*i + lit.len()] == lit;
        if found {
            *i += lit.len();
        }
        found
    };
    // The text of a string literal without escapes that starts after its opening quote, moving
    // past its closing quote.
    let string = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i] != b'"' && b[*i] != b'\\' && b[*i] >= 0x20 {
            *i += 1;
        }
        let closed = *i < b.len() && b[*i] == b'"';
        *i += 1;
        closed.then(|| text[start..*i - 1].to_string())
    };
    let mut values: [String; 4] = Default::default();
    for (n, key) in [
        &b"{\"To\":\""[..],
        b",\"From\":\"",
        b",\"callId\":\"",
        b",\"callDomain\":\"",
    ]
    .into_iter()
    .enumerate()
    {
        if !lit(&mut i, key) {
            return None;
        }
        values[n] = string(&mut i)?;
    }
    let mut sip_headers = None;
    if lit(&mut i, b",\"sipHeaders\":{") {
        let mut map = BTreeMap::new();
        let mut first = true;
        while !lit(&mut i, b"}") {
            if !(first || lit(&mut i, b",")) || !lit(&mut i, b"\"") {
                return None;
            }
            first = false;
            let k = string(&mut i)?;
            if !lit(&mut i, b":\"") {
                return None;
            }
            map.insert(k, string(&mut i)?);
        }
        sip_headers = Some(map);
    }
    if i != b.len() - 1 || b[i] != b'}' {
        return None;
    }
    let [to, from, call_id, call_domain] = values;
    Some(CallPayload {
        to,
        from: Some(from),
        call_id,
        call_domain,
        sip_headers,
    })
}

pub(super) fn parse_payload(body: &[u8]) -> Result<Verified, WebhookError> {
    let text = core::str::from_utf8(body).map_err(|e| {
        bad_payload(format!(
            "the signature is valid but the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    if let Some(payload) = compact_call(text) {
        return Ok(Verified::Call {
            payload,
            warnings: Vec::new(),
        });
    }
    parse_value_payload(text)
}

/// [`parse_payload`] of any UTF-8 body, through a [`Value`].
fn parse_value_payload(text: &str) -> Result<Verified, WebhookError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        bad_payload(format!(
            "the signature is valid but the body is not JSON ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    let mut warnings = Vec::new();
    let Value::Object(obj) = &value else {
        warnings.push(PayloadWarning {
            path: String::new(),
            code: PayloadWarning::INVALID_TYPE,
            message: format!(
                "the body is {}, not a JSON object: neither the test body {{\"Test\":\"test\"}} nor a call {{To, From?, callId, callDomain, sipHeaders?}}",
                crate::validate::type_name(&value)
            ),
        });
        return Ok(Verified::Call {
            payload: CallPayload::default(),
            warnings,
        });
    };
    if ["Test", "test"]
        .iter()
        .any(|k| obj.get(*k).and_then(Value::as_str) == Some("test"))
    {
        return Ok(Verified::Test);
    }
    let mut string = |key: &str, required: bool| match obj.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        None | Some(Value::Null) if !required => None,
        None => {
            let near = obj.keys().any(|k| k.eq_ignore_ascii_case(key));
            let hint = if near {
                " (a key differing only in case is present; keys are case-sensitive)"
            } else {
                ""
            };
            warnings.push(PayloadWarning {
                path: key.to_string(),
                code: PayloadWarning::REQUIRED,
                message: format!("`{key}` is missing{hint}: payload.{key} is empty"),
            });
            None
        }
        Some(other) => {
            warnings.push(invalid_type(key, other, "a string"));
            None
        }
    };
    let [to, call_id, call_domain] = REQUIRED_KEYS.map(|k| string(k, true).unwrap_or_default());
    let from = string("From", false);
    let sip_headers = match obj.get("sipHeaders") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                match v {
                    Value::String(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    other => {
                        warnings.push(invalid_type(&format!("sipHeaders.{k}"), other, "a string"))
                    }
                }
            }
            Some(out)
        }
        Some(other) => {
            warnings.push(invalid_type("sipHeaders", other, "an object"));
            None
        }
    };
    Ok(Verified::Call {
        payload: CallPayload {
            to,
            from,
            call_id,
            call_domain,
            sip_headers,
        },
        warnings,
    })
}

/// The warning for a field at `path` of JSON type `found` where `expected` was documented.
fn invalid_type(path: &str, found: &Value, expected: &str) -> PayloadWarning {
    let what = if path.contains('.') {
        "payload.sipHeaders holds only the string values"
    } else {
        "it is left out of payload"
    };
    PayloadWarning {
        path: path.to_string(),
        code: PayloadWarning::INVALID_TYPE,
        message: format!(
            "`{path}` is {}, not {expected}: {what} (raw has the value sent)",
            crate::validate::type_name(found)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call without warnings.
    fn clean(payload: CallPayload) -> Verified {
        Verified::Call {
            payload,
            warnings: Vec::new(),
        }
    }

    /// The warnings of a verified body, as (path, code).
    fn warnings_of(body: &str) -> Vec<(String, &'static str)> {
        let v = parse_payload(body.as_bytes()).unwrap();
        v.warnings()
            .iter()
            .map(|w| (w.path.clone(), w.code))
            .collect()
    }

    #[test]
    fn payload_shapes() {
        assert_eq!(
            parse_payload(br#"{"Test":"test"}"#).unwrap(),
            Verified::Test
        );
        assert_eq!(
            parse_payload(br#"{"test":"test"}"#).unwrap(),
            Verified::Test
        );
        // Only a body that is not UTF-8 JSON is refused.
        for bad in [&b"{"[..], b"", b"\xff\xfe", b"hello", b"{\"a\":1,}"] {
            assert_eq!(parse_payload(bad).unwrap_err().reason(), "bad_payload");
        }
        // What JSON.parse accepts but this parser refuses (docs/webhooks.md, Limits).
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        for bad in [r#"{"a":1e400}"#, r#"{"a":"\ud800"}"#, &deep] {
            assert_eq!(
                parse_payload(bad.as_bytes()).unwrap_err().reason(),
                "bad_payload"
            );
        }
        let deep_ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(parse_payload(deep_ok.as_bytes()).is_ok());
        let ok = parse_payload(
            br#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":null,"extra":[1]}"#,
        )
        .unwrap();
        assert_eq!(ok.call().unwrap().sip_headers, None);
        assert!(ok.warnings().is_empty());
    }

    #[test]
    fn shape_surprises_are_warnings() {
        let w = |p: &str, c| (p.to_string(), c);
        let (req, ty) = (PayloadWarning::REQUIRED, PayloadWarning::INVALID_TYPE);
        assert_eq!(
            warnings_of(r#"{"Test":"nope"}"#),
            [w("To", req), w("callId", req), w("callDomain", req)]
        );
        let cased =
            parse_payload(br#"{"To":"a","From":"b","callid":"c","callDomain":"d"}"#).unwrap();
        assert_eq!(cased.warnings()[0].path, "callId");
        assert!(cased.warnings()[0].message.contains("case-sensitive"));
        let number = parse_payload(br#"{"To":1,"From":2,"callId":"c","callDomain":"d"}"#).unwrap();
        assert_eq!(number.call().unwrap().to, "");
        assert_eq!(number.call().unwrap().from, None);
        assert!(number.warnings()[0].message.contains("`To` is a number"));
        assert_eq!(number.warnings().len(), 2);
        // No caller ID: From absent or null, no warning.
        for body in [
            r#"{"To":"a","callId":"c","callDomain":"d"}"#,
            r#"{"To":"a","From":null,"callId":"c","callDomain":"d"}"#,
        ] {
            let v = parse_payload(body.as_bytes()).unwrap();
            assert_eq!(v.call().unwrap().from, None, "{body}");
            assert!(v.warnings().is_empty(), "{body}");
        }
        let sip = r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"n":1,"a":[],"o":{},"z":null,"s":"v"}}"#;
        assert_eq!(
            warnings_of(sip),
            [
                w("sipHeaders.a", ty),
                w("sipHeaders.n", ty),
                w("sipHeaders.o", ty),
                w("sipHeaders.z", ty)
            ]
        );
        let v = parse_payload(sip.as_bytes()).unwrap();
        let headers = v.call().unwrap().sip_headers.clone().unwrap();
        assert_eq!(
            headers.into_iter().collect::<Vec<_>>(),
            [("s".into(), "v".into())]
        );
        assert_eq!(
            warnings_of(r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":[]}"#),
            [w("sipHeaders", ty)]
        );
        for body in ["[]", "\"x\"", "1", "null"] {
            let v = parse_payload(body.as_bytes()).unwrap();
            assert_eq!(v.call(), Some(&CallPayload::default()), "{body}");
            assert_eq!(warnings_of(body), [w("", ty)], "{body}");
        }
    }

    /// Bodies near the compact form, for `compact_call_agrees_with_the_value_reading`.
    const NEAR_COMPACT: &[&str] = &[
        r#"{"To":"+12095550100","From":"+14155550123","callId":"8a3c1e0e","callDomain":"dom"}"#,
        r#"{"To":"","From":"","callId":"","callDomain":""}"#,
        "{\"To\":\"é ☎ \u{7f}\",\"From\":\"b\",\"callId\":\"c\",\"callDomain\":\"d\"}",
        r#"{"To":"a\"b","From":"b","callId":"c","callDomain":"d"}"#,
        r#"{"To":"a\nb","From":"b","callId":"c","callDomain":"d"}"#,
        r#"{"To":"a\ud800","From":"b","callId":"c","callDomain":"d"}"#,
        "{\"To\":\"a\tb\",\"From\":\"b\",\"callId\":\"c\",\"callDomain\":\"d\"}",
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":"1","a":"2","x":"3"}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":"1",}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":"1""y":"2"}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":{"x":1}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","sipHeaders":null}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","Test":"test"}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d"} "#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d"}}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d","To":"e"}"#,
        r#"{"From":"b","To":"a","callId":"c","callDomain":"d"}"#,
        r#"{"To":"a","From":"b","callId":"c"}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":1}"#,
        r#"{"To":"a","From":"b","callId":"c","callDomain":"d""#,
        r#"{"To":"a","From":"b","callId":"c","calldomain":"d"}"#,
        r#"{ "To":"a","From":"b","callId":"c","callDomain":"d"}"#,
    ];

    #[test]
    fn compact_call_agrees_with_the_value_reading() {
        let mut compact = 0;
        for body in NEAR_COMPACT {
            let full = parse_value_payload(body);
            if let Some(call) = compact_call(body) {
                compact += 1;
                assert_eq!(full, Ok(clean(call)), "{body}");
            }
            assert_eq!(parse_payload(body.as_bytes()), full, "{body}");
        }
        // The compact form, with and without sipHeaders (empty, and with a repeated name).
        assert_eq!(compact, 5);
    }

    proptest::proptest! {
        /// Any body made of JSON-ish pieces: the compact reading, when it accepts, agrees.
        #[test]
        fn compact_call_agrees_on_generated_bodies(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "{", "}", "\"", ":", ",", "To", "From", "callId", "callDomain", "sipHeaders",
                "x", "\\", "\\\"", "\\u0041", " ", "\n", "1", "null", "é", "\u{1}",
            ]), 0..40)
        ) {
            let body: String = parts.concat();
            if let Some(call) = compact_call(&body) {
                proptest::prop_assert_eq!(parse_value_payload(&body), Ok(clean(call)));
            }
        }

        /// Compact bodies with arbitrary string values: accepted exactly when no value needs an
        /// escape, and then read as the value reading does.
        #[test]
        fn compact_call_reads_generated_calls(
            values in proptest::collection::vec("[ -~\\u{0}-\\u{1f}é☎\"\\\\]{0,12}", 4),
            sip in proptest::option::of(proptest::collection::vec(("[a-c\"]{0,2}", "[ -~]{0,4}"), 0..4)),
        ) {
            let lit = |s: &str| serde_json::to_string(s).unwrap();
            let mut body = format!(
                "{{\"To\":{},\"From\":{},\"callId\":{},\"callDomain\":{}",
                lit(&values[0]), lit(&values[1]), lit(&values[2]), lit(&values[3])
            );
            if let Some(pairs) = &sip {
                let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{}:{}", lit(k), lit(v))).collect();
                body.push_str(&format!(",\"sipHeaders\":{{{}}}", pairs.join(",")));
            }
            body.push('}');
            let full = parse_value_payload(&body);
            proptest::prop_assert!(full.is_ok(), "{}", body);
            match compact_call(&body) {
                Some(call) => proptest::prop_assert_eq!(full, Ok(clean(call))),
                None => proptest::prop_assert!(body.contains('\\'), "{}", body),
            }
        }
    }

    #[test]
    fn call_payload_serde_uses_wire_names() {
        let p = CallPayload {
            to: "+1".into(),
            from: Some("+2".into()),
            call_id: "c".into(),
            call_domain: "d".into(),
            sip_headers: None,
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"To":"+1","From":"+2","callId":"c","callDomain":"d"}"#
        );
        let back: CallPayload =
            serde_json::from_str(r#"{"To":"+1","From":"+2","callId":"c","callDomain":"d","x":1}"#)
                .unwrap();
        assert_eq!(back, p);
    }
}
