//! Simulated incoming pinless calls: the signed webhook to `room_creation_api`, the hold, and
//! `POST /dialin/pinlessCallUpdate` that routes the call.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use serde_json::Value;

use super::http::{admin_object, text_field, Reply};
use super::ids::{unique_uuid, Random};
use super::Effect;
use daily_dialin::model::{DialinConfig, DialinType};
use daily_dialin::webhook::{self, CallPayload};

/// The caller number used when a simulated call gives no `from` (a fictional 555-01xx number).
pub const DEFAULT_FROM: &str = "+15555550100";
/// At most this many calls are kept; the oldest are forgotten first.
pub(crate) const MAX_CALLS: usize = 1000;
/// The fields of a `POST /_emulator/calls` body.
pub const CALL_FIELDS: [&str; 4] = ["to", "sip_uri", "from", "sipHeaders"];

/// A call's state as the call log shows it (computed from the facts and `now_ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// The webhook was handed to the server and no result is recorded yet.
    WebhookPending,
    /// The webhook answered 2xx; the caller hears hold music.
    OnHold,
    /// The webhook failed (non-2xx or a network error); the caller still waits for the timeout.
    WebhookFailed,
    /// `pinlessCallUpdate` moved the call to a SIP URI.
    Routed,
    /// Not routed within `hold_timeout_ms`: `timeout_config.message` was played.
    TimedOut,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    id: String,
    call_domain: String,
    to: String,
    from: String,
    config_id: String,
    sip_headers: Option<BTreeMap<String, String>>,
    created_ms: u64,
    webhook_url: String,
    webhook_status: Option<u16>,
    webhook_error: Option<String>,
    webhook_ms: Option<u64>,
    routed_sip_uri: Option<String>,
    routed_ms: Option<u64>,
    timeout_message: Option<String>,
}

/// The call log entry (`GET /_emulator/calls`). `id` is the `callId` of the webhook.
#[derive(Debug, Serialize)]
struct CallView<'a> {
    id: &'a str,
    #[serde(rename = "callDomain")]
    call_domain: &'a str,
    to: &'a str,
    from: &'a str,
    config_id: &'a str,
    status: CallStatus,
    created_ms: u64,
    #[serde(rename = "sipHeaders", skip_serializing_if = "Option::is_none")]
    sip_headers: Option<&'a BTreeMap<String, String>>,
    webhook_url: &'a str,
    webhook_status: Option<u16>,
    webhook_error: Option<&'a str>,
    webhook_ms: Option<u64>,
    sip_uri: Option<&'a str>,
    routed_ms: Option<u64>,
    timeout_ms: u64,
    played_message: Option<&'a str>,
}

/// The one-off body Daily sends when a pinless config is set up.
pub const TEST_PING_BODY: &str = r#"{"Test":"test"}"#;

/// `Effect::SendWebhook` for `body`, with `X-Pinless-Timestamp` (Unix seconds from `now_ms`) and
/// `X-Pinless-Signature` ([`webhook::sign_with`] keyed with the config's `hmac`, even a weak one;
/// absent when the config has none, which only a hand-written imported state can cause).
pub(crate) fn webhook_effect(
    call_id: &str,
    config: &DialinConfig,
    body: String,
    now_ms: u64,
) -> Effect {
    let timestamp = (now_ms / 1000).to_string();
    let mut headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        (webhook::TIMESTAMP_HEADER.to_string(), timestamp.clone()),
    ];
    if let Some(sig) = config
        .config
        .hmac
        .as_deref()
        .and_then(|secret| webhook::sign_with(secret, &timestamp, body.as_bytes(), true).ok())
    {
        headers.push((webhook::SIGNATURE_HEADER.to_string(), sig));
    }
    Effect::SendWebhook {
        call_id: call_id.to_string(),
        url: config.config.room_creation_api.clone().unwrap_or_default(),
        body,
        headers,
    }
}

/// A parsed `POST /_emulator/calls` body.
pub(crate) struct CallSpec {
    pub to: Option<String>,
    pub sip_uri: Option<String>,
    pub from: String,
    pub sip_headers: Option<BTreeMap<String, String>>,
}

impl CallSpec {
    /// `{ to?, sip_uri?, from?, sipHeaders? }`: exactly one of `to` and `sip_uri`.
    pub fn parse(v: &Value) -> Result<CallSpec, Reply> {
        let (m, mut problems) = admin_object(v, "call", &CALL_FIELDS)?;
        let to = text_field(m, "to", &mut problems);
        let sip_uri = text_field(m, "sip_uri", &mut problems);
        let from = text_field(m, "from", &mut problems).unwrap_or_else(|| DEFAULT_FROM.to_string());
        let sip_headers = match m.get("sipHeaders") {
            None | Some(Value::Null) => None,
            Some(Value::Object(h)) => {
                let mut out = BTreeMap::new();
                for (k, v) in h {
                    match v {
                        Value::String(s) => {
                            out.insert(k.clone(), s.clone());
                        }
                        _ => problems.push(format!("sipHeaders.{k}: must be a string")),
                    }
                }
                Some(out)
            }
            Some(_) => {
                problems.push("sipHeaders: must be an object of strings".to_string());
                None
            }
        };
        if to.is_some() == sip_uri.is_some() && problems.is_empty() {
            problems.push(
                "give exactly one of to (a config's phone_number) and sip_uri (a config's sip_uri)"
                    .to_string(),
            );
        }
        if problems.is_empty() {
            Ok(CallSpec {
                to,
                sip_uri,
                from,
                sip_headers,
            })
        } else {
            Err(Reply::invalid(&problems.join("; ")))
        }
    }
}

/// The call log, oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Calls {
    calls: VecDeque<Call>,
}

impl Calls {
    pub fn clear(&mut self) {
        self.calls.clear();
    }

    fn status(c: &Call, now_ms: u64, hold_ms: u64) -> CallStatus {
        if c.routed_ms.is_some() {
            CallStatus::Routed
        } else if now_ms >= c.created_ms.saturating_add(hold_ms) {
            CallStatus::TimedOut
        } else if c.webhook_error.is_some()
            || c.webhook_status.is_some_and(|s| !(200..300).contains(&s))
        {
            CallStatus::WebhookFailed
        } else if c.webhook_status.is_some() {
            CallStatus::OnHold
        } else {
            CallStatus::WebhookPending
        }
    }

    fn view(c: &Call, now_ms: u64, hold_ms: u64) -> Value {
        let status = Self::status(c, now_ms, hold_ms);
        let view = CallView {
            id: &c.id,
            call_domain: &c.call_domain,
            to: &c.to,
            from: &c.from,
            config_id: &c.config_id,
            status,
            created_ms: c.created_ms,
            sip_headers: c.sip_headers.as_ref(),
            webhook_url: &c.webhook_url,
            webhook_status: c.webhook_status,
            webhook_error: c.webhook_error.as_deref(),
            webhook_ms: c.webhook_ms,
            sip_uri: c.routed_sip_uri.as_deref(),
            routed_ms: c.routed_ms,
            timeout_ms: c.created_ms.saturating_add(hold_ms),
            played_message: (status == CallStatus::TimedOut)
                .then_some(c.timeout_message.as_deref())
                .flatten(),
        };
        serde_json::to_value(view).unwrap_or(Value::Null)
    }

    /// `{"calls": [...]}`, oldest first.
    pub fn list(&self, now_ms: u64, hold_ms: u64) -> Value {
        let calls: Vec<Value> = self
            .calls
            .iter()
            .map(|c| Self::view(c, now_ms, hold_ms))
            .collect();
        serde_json::json!({ "calls": calls })
    }

    pub fn get(&self, id: &str, now_ms: u64, hold_ms: u64) -> Option<Value> {
        self.calls
            .iter()
            .find(|c| c.id == id)
            .map(|c| Self::view(c, now_ms, hold_ms))
    }

    /// Starts a call to `config` and returns its log entry and the webhook to send.
    pub fn start(
        &mut self,
        spec: CallSpec,
        config: &DialinConfig,
        call_domain: &str,
        now_ms: u64,
        hold_ms: u64,
        rng: &mut dyn Random,
    ) -> Result<(Value, Effect), Reply> {
        if config.dialin_type != DialinType::PinlessDialin {
            return Err(Reply::invalid(&format!(
                "config {} is pin_dialin: PIN calls go to Daily's PIN prompt and never hit a webhook",
                config.id
            )));
        }
        let Some(url) = config.config.room_creation_api.clone() else {
            return Err(Reply::invalid(&format!(
                "config {} has no room_creation_api to call",
                config.id
            )));
        };
        let id = unique_uuid(rng, |id| self.calls.iter().any(|c| c.id == id));
        let to = spec.to.or(spec.sip_uri).unwrap_or_default();
        let call = Call {
            id,
            call_domain: call_domain.to_string(),
            to,
            from: spec.from,
            config_id: config.id.clone(),
            sip_headers: spec.sip_headers,
            created_ms: now_ms,
            webhook_url: url,
            webhook_status: None,
            webhook_error: None,
            webhook_ms: None,
            routed_sip_uri: None,
            routed_ms: None,
            timeout_message: config
                .config
                .timeout_config
                .as_ref()
                .and_then(|t| t.message.clone()),
        };
        let payload = CallPayload {
            to: call.to.clone(),
            from: Some(call.from.clone()),
            call_id: call.id.clone(),
            call_domain: call.call_domain.clone(),
            sip_headers: call.sip_headers.clone(),
        };
        let body = serde_json::to_string(&payload).unwrap_or_default();
        let effect = webhook_effect(&call.id, config, body, now_ms);
        let view = Self::view(&call, now_ms, hold_ms);
        self.calls.push_back(call);
        while self.calls.len() > MAX_CALLS {
            self.calls.pop_front();
        }
        Ok((view, effect))
    }

    /// Stores the webhook's HTTP status or network error. False when the call is unknown.
    pub fn record(
        &mut self,
        call_id: &str,
        status: Option<u16>,
        error: Option<String>,
        now_ms: u64,
    ) -> bool {
        match self.calls.iter_mut().find(|c| c.id == call_id) {
            Some(c) => {
                c.webhook_ms = Some(now_ms);
                c.webhook_status = status;
                c.webhook_error = error.map(|e| e.chars().take(1000).collect());
                true
            }
            None => false,
        }
    }

    /// `POST /dialin/pinlessCallUpdate {callId, callDomain, sipUri}`.
    pub fn route(&mut self, body: &Value, now_ms: u64, hold_ms: u64) -> Reply {
        let field = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
        };
        let (call_id, domain, sip_uri) = (field("callId"), field("callDomain"), field("sipUri"));
        let (Some(call_id), Some(domain), Some(sip_uri)) = (call_id, domain, sip_uri) else {
            let missing: Vec<&str> = [
                ("callId", call_id),
                ("callDomain", domain),
                ("sipUri", sip_uri),
            ]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| *k)
            .collect();
            return Reply::invalid(&format!(
                "Missing fields: {} (each a non-empty string)",
                missing.join(", ")
            ));
        };
        let Some(call) = self
            .calls
            .iter_mut()
            .find(|c| c.id == call_id && c.call_domain == domain)
        else {
            return Reply::not_found(&format!(
                "Call Forwarding Failed: no call {call_id} in call domain {domain}"
            ));
        };
        match Self::status(call, now_ms, hold_ms) {
            CallStatus::Routed => Reply::not_found(&format!(
                "Call Forwarding Failed: call {call_id} was already routed"
            )),
            CallStatus::TimedOut => Reply::not_found(&format!(
                "Call Forwarding Failed: call {call_id} timed out and the caller heard the timeout message"
            )),
            _ => {
                call.routed_sip_uri = Some(sip_uri.to_string());
                call.routed_ms = Some(now_ms);
                Reply::json(200, r#"{"ok":"true"}"#.to_string())
            }
        }
    }
}
