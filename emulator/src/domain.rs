//! The domain configuration (`GET /v1/`, `POST /v1/`) and its legacy dial-in arrays,
//! `pinless_dialin` and `pin_dialin` (docs/daily-api.md#the-legacy-domain-level-arrays; what is
//! documented and what is assumed: docs/emulator.md#legacy-domain-level-arrays).
//!
//! Documented by Daily: the body `{ "properties": {...} }`, the answer (a domain object
//! `{ domain_name, domain_id, config }`), `null` resetting a property, a POST that sets an array
//! replacing the whole array (entries left out are dropped), and a pinless entry sent without
//! `hmac` getting a new one on every call.
//!
//! Assumed: each entry follows the create rules of its array's type (the same validator as
//! `/domain-dialin-config`); a number is in at most one entry of the two arrays; the arrays are a
//! store of their own beside `/domain-dialin-config` (a number may be in both; a config wins when
//! a call comes in); `sip_uri` is not settable but may be sent back as `GET /v1/` gave it, and it
//! is kept for the entry with the same number (or, for an entry without one, the same `sip_uri`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::http::{issues_info, Reply};
use super::ids::{new_secret, Random};
use daily_dialin::issue::{has_errors, join_path, Issue};
use daily_dialin::model::{CreateDialinConfig, DialinConfig, DialinConfigSettings, DialinType};
use daily_dialin::validate::{self, code, suggest_field, type_name, Options};

/// The `domain_name` of `GET /v1/` (the emulator serves one domain).
pub const DOMAIN_NAME: &str = "emulator";

/// The domain properties that are dial-in arrays, with the type of their entries.
const ARRAYS: [(&str, DialinType); 2] = [
    ("pinless_dialin", DialinType::PinlessDialin),
    ("pin_dialin", DialinType::PinDialin),
];

/// The domain's configuration as persisted: other properties as last set, and the two arrays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Domain {
    /// Properties other than the dial-in arrays, stored as sent (Daily has dozens, none of which
    /// the emulator acts on); `null` removes one.
    pub properties: Map<String, Value>,
    pub pinless_dialin: Vec<DialinConfigSettings>,
    pub pin_dialin: Vec<DialinConfigSettings>,
}

/// What a successful `POST /v1/` did.
pub(crate) struct Set {
    /// Pinless entries that are new, or whose `room_creation_api` or `hmac` changed: each gets the
    /// signed test ping, as Daily sends one "when configuring the pinless_dialin".
    pub pings: Vec<DialinConfig>,
    /// False when the domain is as it was (a POST with no properties, or the same values).
    pub changed: bool,
}

/// An entry that passed validation: its settings, and the `sip_uri` it carried back.
struct Entry {
    settings: DialinConfigSettings,
    given_sip_uri: Option<String>,
}

/// `sip_uri` without a `sip:` scheme, as stored.
fn bare_sip(uri: &str) -> &str {
    uri.strip_prefix("sip:").unwrap_or(uri)
}

impl Domain {
    fn array(&self, t: DialinType) -> &Vec<DialinConfigSettings> {
        match t {
            DialinType::PinlessDialin => &self.pinless_dialin,
            DialinType::PinDialin => &self.pin_dialin,
        }
    }

    /// `GET /v1/` (and the answer of `POST /v1/`): `config` holds the stored properties and both
    /// arrays, always present (empty when unset), with each pinless entry's `hmac` and `sip_uri`.
    pub fn view(&self, domain_name: &str, domain_id: &str) -> Value {
        let mut config = self.properties.clone();
        for (name, t) in ARRAYS {
            config.insert(
                name.into(),
                serde_json::to_value(self.array(t)).unwrap_or(Value::Array(Vec::new())),
            );
        }
        serde_json::json!({
            "domain_name": domain_name,
            "domain_id": domain_id,
            "config": config,
        })
    }

    /// `POST /v1/` with `{ properties: {...} }`. Validates everything first: on any error nothing
    /// changes (no `hmac` drawn, no `sip_uri` numbered). `next_seq` numbers new `sip_uri`s from
    /// the same sequence as configs, so that the two never collide.
    pub fn set(
        &mut self,
        body: &Value,
        opts: &Options,
        next_seq: &mut u64,
        sip_domain: &str,
        rng: &mut dyn Random,
    ) -> Result<Set, Reply> {
        let props = properties_of(body)?;
        let mut issues = Vec::new();
        let mut replaced: [Option<Vec<Entry>>; 2] = [None, None];
        for (slot, (name, t)) in replaced.iter_mut().zip(ARRAYS) {
            let path = join_path("properties", name);
            *slot = match props.and_then(|p| p.get(name)) {
                None => None,
                Some(Value::Null) => Some(Vec::new()),
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| {
                            entry(&format!("{path}[{i}]"), v, t, opts, &mut issues)
                        })
                        .collect(),
                ),
                Some(other) => {
                    issues.push(Issue::error(
                        path.clone(),
                        code::INVALID_TYPE,
                        format!(
                            "{path} must be an array of entries (null or [] clears it), not {}",
                            type_name(other)
                        ),
                    ));
                    None
                }
            };
        }
        if has_errors(&issues) {
            return Err(Reply::invalid(&issues_info(&issues)));
        }
        self.check_numbers_unique(&replaced)?;

        let before = self.clone();
        let [pinless, pin] = replaced;
        let mut pings = Vec::new();
        if let Some(entries) = pinless {
            self.pinless_dialin =
                self.rebuild_pinless(entries, next_seq, sip_domain, rng, &mut pings);
        }
        if let Some(entries) = pin {
            self.pin_dialin = entries.into_iter().map(|e| e.settings).collect();
        }
        for (k, v) in props.into_iter().flatten() {
            if ARRAYS.iter().any(|(name, _)| name == k) {
                continue;
            }
            if v.is_null() {
                self.properties.remove(k);
            } else {
                self.properties.insert(k.clone(), v.clone());
            }
        }
        Ok(Set {
            changed: *self != before,
            pings,
        })
    }

    /// The new pinless array. Each entry keeps the `sip_uri` of the current entry with the same
    /// number, else of the current entry whose `sip_uri` it sent back (each taken once); others
    /// get a new one. An entry without `hmac` gets a new one, every time (documented by Daily).
    fn rebuild_pinless(
        &self,
        entries: Vec<Entry>,
        next_seq: &mut u64,
        sip_domain: &str,
        rng: &mut dyn Random,
        pings: &mut Vec<DialinConfig>,
    ) -> Vec<DialinConfigSettings> {
        let old = &self.pinless_dialin;
        // Maps, so that a large array costs linear time (numbers and sip_uris are unique in it).
        let by_phone: HashMap<&str, usize> = old
            .iter()
            .enumerate()
            .filter_map(|(j, o)| Some((o.phone_number.as_deref()?, j)))
            .collect();
        let by_sip: HashMap<&str, usize> = old
            .iter()
            .enumerate()
            .filter_map(|(j, o)| Some((o.sip_uri.as_deref()?, j)))
            .collect();
        let mut taken = vec![false; old.len()];
        let mut matched: Vec<Option<usize>> = vec![None; entries.len()];
        // Numbers first, so that an entry sending back another's sip_uri cannot take it from it.
        for (m, e) in matched.iter_mut().zip(&entries) {
            let j = e
                .settings
                .phone_number
                .as_deref()
                .and_then(|p| by_phone.get(p));
            if let Some(&j) = j.filter(|&&j| !taken[j]) {
                taken[j] = true;
                *m = Some(j);
            }
        }
        for (m, e) in matched.iter_mut().zip(&entries) {
            if m.is_some() {
                continue;
            }
            let j = e
                .given_sip_uri
                .as_deref()
                .and_then(|s| by_sip.get(bare_sip(s)));
            if let Some(&j) = j.filter(|&&j| !taken[j]) {
                taken[j] = true;
                *m = Some(j);
            }
        }
        let mut out = Vec::with_capacity(entries.len());
        for (i, (e, m)) in entries.into_iter().zip(matched).enumerate() {
            let mut s = e.settings;
            if s.hmac.is_none() {
                s.hmac = Some(new_secret(rng));
            }
            let prev = m.map(|j| &old[j]);
            s.sip_uri = match prev.and_then(|p| p.sip_uri.clone()) {
                Some(uri) => Some(uri),
                None => {
                    let uri = super::store::sip_uri(*next_seq, sip_domain);
                    *next_seq = next_seq.saturating_add(1);
                    Some(uri)
                }
            };
            let same_hook = prev
                .is_some_and(|p| p.room_creation_api == s.room_creation_api && p.hmac == s.hmac);
            if !same_hook {
                pings.push(as_config(DialinType::PinlessDialin, i, &s));
            }
            out.push(s);
        }
        out
    }

    /// A 400 when a number would be in two entries once the arrays are replaced (an array the
    /// request leaves out keeps its entries).
    fn check_numbers_unique(&self, replaced: &[Option<Vec<Entry>>; 2]) -> Result<(), Reply> {
        // number -> (entry, whether the request sent it)
        let mut seen: HashMap<&str, (String, bool)> = HashMap::new();
        for ((name, t), new) in ARRAYS.iter().zip(replaced) {
            let numbers: Vec<Option<&str>> = match new {
                Some(entries) => entries
                    .iter()
                    .map(|e| e.settings.phone_number.as_deref())
                    .collect(),
                None => self
                    .array(*t)
                    .iter()
                    .map(|s| s.phone_number.as_deref())
                    .collect(),
            };
            for (i, phone) in numbers.into_iter().enumerate() {
                let Some(phone) = phone else { continue };
                let here = (format!("{name}[{i}]"), new.is_some());
                if let Some(there) = seen.get(phone) {
                    // Reported at an entry of the request (the stored arrays hold no duplicate),
                    // naming the other one.
                    let ((at, _), (other, other_sent)) = if here.1 {
                        (&here, there)
                    } else {
                        (there, &here)
                    };
                    let kept = if *other_sent {
                        ""
                    } else {
                        " (the current array, which this request keeps)"
                    };
                    return Err(Reply::invalid(&format!(
                        "properties.{at}.phone_number: {phone} is also in {other}{kept}; a number belongs to one entry of pinless_dialin and pin_dialin only"
                    )));
                }
                seen.insert(phone, here);
            }
        }
        Ok(())
    }

    /// The pinless or pin entry that answers calls to `number`, as a config named after its
    /// place (`pinless_dialin[2]`).
    pub fn by_phone(&self, number: &str) -> Option<DialinConfig> {
        self.find(|s| s.phone_number.as_deref() == Some(number))
    }

    /// The pinless entry whose `sip_uri` is `uri` (a `sip:` scheme prefix is ignored).
    pub fn by_sip_uri(&self, uri: &str) -> Option<DialinConfig> {
        self.find(|s| s.sip_uri.as_deref() == Some(bare_sip(uri)))
    }

    fn find(&self, f: impl Fn(&DialinConfigSettings) -> bool) -> Option<DialinConfig> {
        ARRAYS.iter().find_map(|(_, t)| {
            let entries = self.array(*t);
            let i = entries.iter().position(&f)?;
            Some(as_config(*t, i, &entries[i]))
        })
    }

    /// Every `sip_uri` of the pinless entries.
    pub fn sip_uris(&self) -> impl Iterator<Item = &str> {
        self.pinless_dialin
            .iter()
            .filter_map(|s| s.sip_uri.as_deref())
    }

    /// Checks a stored domain (an imported state, a journal line) as `POST /v1/` would have
    /// built it: every entry passes the create rules of its type, pin entries have no `sip_uri`,
    /// numbers and `sip_uri`s are unique, and the properties hold no array.
    pub fn check(&self, opts: &Options) -> Result<(), String> {
        if let Some((name, _)) = ARRAYS
            .iter()
            .find(|(name, _)| self.properties.contains_key(*name))
        {
            return Err(format!(
                "domain: properties must not hold {name}; it is an array of its own"
            ));
        }
        let mut numbers = std::collections::HashSet::new();
        let mut sips = std::collections::HashSet::new();
        for (name, t) in ARRAYS {
            for (i, s) in self.array(t).iter().enumerate() {
                let at = format!("domain {name}[{i}]");
                let mut body = match serde_json::to_value(s) {
                    Ok(Value::Object(m)) => m,
                    _ => Map::new(),
                };
                if body.remove("sip_uri").is_some() && t == DialinType::PinDialin {
                    return Err(format!("{at}: a pin_dialin entry has no sip_uri"));
                }
                body.insert("type".into(), Value::from(t.as_str()));
                let issues = validate::validate_create(&Value::Object(body), opts);
                if has_errors(&issues) {
                    return Err(format!("{at}: {}", issues_info(&issues)));
                }
                if let Some(phone) = &s.phone_number {
                    if !numbers.insert(phone.as_str()) {
                        return Err(format!("{at}: its phone_number is used twice"));
                    }
                }
                if let Some(uri) = &s.sip_uri {
                    if !sips.insert(uri.as_str()) {
                        return Err(format!("{at}: its sip_uri is used twice"));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A legacy entry as a config, for the call simulation and the test ping: its id names its place.
fn as_config(t: DialinType, i: usize, s: &DialinConfigSettings) -> DialinConfig {
    DialinConfig {
        id: format!("{}[{i}]", t.as_str()),
        dialin_type: t,
        config: s.clone(),
    }
}

/// The `properties` object of a `POST /v1/` body (`None`: absent or `null`, nothing to set).
fn properties_of(body: &Value) -> Result<Option<&Map<String, Value>>, Reply> {
    let Value::Object(top) = body else {
        return Err(Reply::invalid(&format!(
            "the body must be a JSON object {{\"properties\": {{...}}}}, not {}",
            type_name(body)
        )));
    };
    let mut problems: Vec<String> = top
        .keys()
        .filter(|k| k.as_str() != "properties")
        .map(|k| match suggest_field(k, &["properties"]) {
            Some(s) => format!("{k}: unknown field; did you mean {s}?"),
            None => format!("{k}: unknown field; the body is {{\"properties\": {{...}}}}"),
        })
        .collect();
    let props = match top.get("properties") {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => Some(p),
        Some(other) => {
            problems.push(format!(
                "properties: must be an object, not {}",
                type_name(other)
            ));
            None
        }
    };
    if problems.is_empty() {
        Ok(props)
    } else {
        Err(Reply::invalid(&problems.join("; ")))
    }
}

/// Validates one array entry as a create body of type `t` (the entry, without `sip_uri`, plus
/// `type`); issues are reported under `path` (`properties.pinless_dialin[2].phone_number`).
fn entry(
    path: &str,
    v: &Value,
    t: DialinType,
    opts: &Options,
    issues: &mut Vec<Issue>,
) -> Option<Entry> {
    let Value::Object(m) = v else {
        issues.push(Issue::error(
            path,
            code::INVALID_TYPE,
            format!("{path} must be an object, not {}", type_name(v)),
        ));
        return None;
    };
    let mut body = m.clone();
    let mut ok = true;
    let given_sip_uri = match body.remove("sip_uri") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if t == DialinType::PinlessDialin => Some(s),
        Some(_) => {
            ok = false;
            let message = match t {
                DialinType::PinlessDialin => {
                    "sip_uri is assigned by Daily: send back the string GET gave, or leave it out"
                }
                DialinType::PinDialin => "sip_uri is assigned by Daily to pinless entries only",
            };
            issues.push(Issue::error(
                join_path(path, "sip_uri"),
                code::INVALID_TYPE,
                message,
            ));
            None
        }
    };
    if body.remove("type").is_some() {
        ok = false;
        issues.push(Issue::error(
            join_path(path, "type"),
            code::UNKNOWN_FIELD,
            "an array entry has no type: the array (pinless_dialin or pin_dialin) gives it",
        ));
    }
    body.insert("type".into(), Value::from(t.as_str()));
    let body = Value::Object(body);
    let found = validate::validate_create(&body, opts);
    ok &= !has_errors(&found);
    issues.extend(found.into_iter().map(|i| Issue {
        path: if i.path.is_empty() {
            path.to_string()
        } else {
            join_path(path, &i.path)
        },
        ..i
    }));
    if !ok {
        return None;
    }
    let settings = match serde_json::from_value::<CreateDialinConfig>(body) {
        Ok(CreateDialinConfig::PinlessDialin(f)) => DialinConfigSettings {
            phone_number: f.phone_number,
            name_prefix: f.name_prefix,
            hmac: f.hmac,
            room_creation_api: Some(f.room_creation_api),
            hold_music_url: f.hold_music_url,
            timeout_config: f.timeout_config,
            ..Default::default()
        },
        Ok(CreateDialinConfig::PinDialin(f)) => DialinConfigSettings {
            phone_number: Some(f.phone_number),
            name_prefix: f.name_prefix,
            ivr_greeting: f.ivr_greeting,
            ..Default::default()
        },
        Err(_) => {
            issues.push(Issue::error(
                path,
                code::INVALID_TYPE,
                format!("{path} does not describe a {} entry", t.as_str()),
            ));
            return None;
        }
    };
    Some(Entry {
        settings,
        given_sip_uri,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRandom;
    use serde_json::json;

    const OPTS: Options = Options {
        allow_private_urls: true,
    };

    fn set(d: &mut Domain, body: Value, seq: &mut u64) -> Result<Set, Reply> {
        d.set(&body, &OPTS, seq, "x", &mut SeededRandom::new(*seq + 1))
    }

    #[test]
    fn sip_uri_follows_the_number_then_the_sip_uri_sent_back() {
        let mut d = Domain::default();
        let mut seq = 0;
        let hook = "https://example.com/h";
        set(
            &mut d,
            json!({"properties": {"pinless_dialin": [
                {"phone_number": "+12095550001", "room_creation_api": hook},
                {"room_creation_api": hook},
            ]}}),
            &mut seq,
        )
        .unwrap();
        let (a, b) = (
            d.pinless_dialin[0].sip_uri.clone().unwrap(),
            d.pinless_dialin[1].sip_uri.clone().unwrap(),
        );
        assert_eq!(
            (a.as_str(), b.as_str(), seq),
            ("static-address--0@x", "static-address--1@x", 2)
        );
        // Reordered; the SIP-only entry sends back the numbered entry's sip_uri: the number wins.
        set(
            &mut d,
            json!({"properties": {"pinless_dialin": [
                {"room_creation_api": hook, "sip_uri": format!("sip:{a}")},
                {"phone_number": "+12095550001", "room_creation_api": hook},
            ]}}),
            &mut seq,
        )
        .unwrap();
        assert_eq!(d.pinless_dialin[1].sip_uri.as_deref(), Some(a.as_str()));
        assert_eq!(
            d.pinless_dialin[0].sip_uri.as_deref(),
            Some("static-address--2@x")
        );
        assert_eq!(seq, 3);
    }

    #[test]
    fn nothing_changes_on_error() {
        let mut d = Domain::default();
        let mut seq = 5;
        let bad = json!({"properties": {
            "lang": "fr",
            "pinless_dialin": [{"room_creation_api": "https://example.com/h"}],
            "pin_dialin": [{"name_prefix": "x"}],
        }});
        let err = set(&mut d, bad, &mut seq).err().unwrap();
        assert!(
            err.body.contains("properties.pin_dialin[0].phone_number"),
            "{}",
            err.body
        );
        assert_eq!((d, seq), (Domain::default(), 5));
    }
}
