//! Helpers shared by the emulator tests (`#[path]`-included; not a test target itself).
#![allow(dead_code)]

use daily_dialin_emulator::{EmuRequest, EmuResponse, Emulator, EmulatorOptions, SeededRandom};
use serde_json::{json, Value};

pub const KEY: &str = "test-key";

/// An emulator, a seeded random source and a clock that tests move by hand.
pub struct Harness {
    pub emu: Emulator,
    pub rng: SeededRandom,
    pub now: u64,
    pub auth: Option<String>,
    /// The `Origin` header a browser page would add.
    pub origin: Option<String>,
}

/// A response with its body parsed (Null when the body is not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub json: Value,
    pub raw: EmuResponse,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.raw
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }

    pub fn info(&self) -> &str {
        self.json["info"].as_str().unwrap_or("")
    }

    pub fn id(&self) -> String {
        self.json["id"].as_str().expect("an id").to_string()
    }
}

/// Options for tests: no rate limit unless a test asks for one.
pub fn opts() -> EmulatorOptions {
    EmulatorOptions {
        rate_limit: None,
        ..EmulatorOptions::default()
    }
}

impl Harness {
    pub fn new() -> Self {
        Harness::with(opts())
    }

    pub fn with(opts: EmulatorOptions) -> Self {
        Harness {
            emu: Emulator::new(opts),
            rng: SeededRandom::new(42),
            now: 1_700_000_000_000,
            auth: Some(format!("Bearer {KEY}")),
            origin: None,
        }
    }

    /// Sends `method target` where target may carry `?query`.
    pub fn send(&mut self, method: &str, target: &str, body: &[u8]) -> Resp {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let raw = self.emu.handle(
            &EmuRequest {
                method,
                path,
                query,
                authorization: self.auth.as_deref(),
                body,
                now_ms: self.now,
                content_type: Some("application/json"),
                origin: self.origin.as_deref(),
                ..Default::default()
            },
            &mut self.rng,
        );
        let json = serde_json::from_str(&raw.body).unwrap_or(Value::Null);
        Resp {
            status: raw.status,
            json,
            raw,
        }
    }

    pub fn json(&mut self, method: &str, target: &str, body: &Value) -> Resp {
        self.send(method, target, body.to_string().as_bytes())
    }

    pub fn get(&mut self, target: &str) -> Resp {
        self.send("GET", target, b"")
    }

    pub fn create(&mut self, body: &Value) -> Resp {
        self.json("POST", "/v1/domain-dialin-config", body)
    }

    /// Creates and asserts 200; returns the config.
    pub fn created(&mut self, body: &Value) -> Value {
        let r = self.create(body);
        assert_eq!(r.status, 200, "{}", r.raw.body);
        r.json
    }

    pub fn list(&mut self, query: &str) -> Resp {
        self.get(&format!("/v1/domain-dialin-config?{query}"))
    }

    /// Ids of a 200 list answer, in order.
    pub fn list_ids(&mut self, query: &str) -> Vec<String> {
        let r = self.list(query);
        assert_eq!(r.status, 200, "{query}: {}", r.raw.body);
        ids(&r.json["data"])
    }
}

pub fn ids(data: &Value) -> Vec<String> {
    data.as_array()
        .expect("an array")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// A pinless create body; `phone` may be None for a SIP-only config.
pub fn pinless(phone: Option<&str>) -> Value {
    let mut v = json!({
        "type": "pinless_dialin",
        "room_creation_api": "https://example.com/api/dial",
        "timeout_config": {"message": "No agent is available"},
    });
    if let Some(p) = phone {
        v["phone_number"] = json!(p);
    }
    v
}

pub fn pin(phone: &str) -> Value {
    json!({"type": "pin_dialin", "phone_number": phone, "ivr_greeting": {"message": "Enter your PIN"}})
}

/// `+1209555NNNN`.
pub fn number(n: u32) -> String {
    format!("+1209555{n:04}")
}
