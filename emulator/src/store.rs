//! The stored configs and the rules of `/v1/domain-dialin-config`: create, update, get, delete
//! and list, with the crate's validators as the only source of field rules.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::domain::{Domain, Set};
use super::http::{invalid_issues, Reply};
use super::ids::{new_secret, unique_uuid, Random};
use daily_dialin::issue::has_errors;
use daily_dialin::model::{
    CreateDialinConfig, DialinConfig, DialinConfigPage, DialinConfigSettings, DialinType,
    UpdateDialinConfig,
};
use daily_dialin::validate::{self, Options};

/// Current `export_state` format. Version 2 added `domain` (the domain config and its legacy
/// dial-in arrays); a version 1 state is read as one with an empty domain.
pub const STATE_VERSION: u32 = 2;
/// The oldest `export_state` format still read.
const OLDEST_STATE_VERSION: u32 = 1;
/// Deleted ids kept so that they still work as list cursors (the most recent ones).
pub(crate) const MAX_TOMBSTONES: usize = 1000;
/// Daily's default and maximum page size.
const DEFAULT_LIMIT: usize = 100;

/// The literal `status` of a successful DELETE. Daily documents `{ "status": string }` without
/// the value (Q5 in docs/daily-api.md#open-questions); `"deleted"` is our guess.
pub const DELETE_STATUS: &str = "deleted";

/// Configs keyed by creation sequence number (the list order key), plus tombstones, with indexes
/// by id and by phone number so that a create, update or delete costs the same at any size.
/// Every change goes through `insert` / `remove` / `bury`, which keep the indexes in step.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Store {
    configs: BTreeMap<u64, DialinConfig>,
    /// seq -> id of deleted configs, newest `MAX_TOMBSTONES` only.
    deleted: BTreeMap<u64, String>,
    next_seq: u64,
    /// id -> seq of live configs.
    by_id: HashMap<String, u64>,
    /// id -> seq of tombstones.
    deleted_by_id: HashMap<String, u64>,
    /// phone_number -> seq of live configs.
    by_phone: HashMap<String, u64>,
    /// The domain config with the legacy arrays (`GET`/`POST /v1/`). Its pinless entries take
    /// their `sip_uri` numbers from `next_seq` too.
    domain: Domain,
}

/// The journal line of a reset (see [`Store::apply`]).
pub(crate) const RESET_LINE: &str = r#"{"op":"reset"}"#;

/// One change of the persisted state, as a journal line: `{"op":"put","seq","id","type",
/// "config"}` (a config as stored after a create or update), `{"op":"delete","seq","id"}`,
/// `{"op":"domain","next_seq","domain"}` (the whole domain config after a `POST /v1/`),
/// `{"op":"reset"}` or `{"op":"state","state":{...}}` (an import).
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Change {
    Put(StoredConfig),
    Delete(Tombstone),
    Domain { next_seq: u64, domain: Domain },
    Reset,
    State { state: Value },
}

/// One stored config in the exported state.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredConfig {
    seq: u64,
    #[serde(flatten)]
    config: DialinConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tombstone {
    seq: u64,
    id: String,
}

/// The persisted state (`export_state` / `import_state`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    version: u32,
    next_seq: u64,
    configs: Vec<StoredConfig>,
    #[serde(default)]
    deleted: Vec<Tombstone>,
    /// Absent in version 1.
    #[serde(default)]
    domain: Domain,
}

/// The SIP URI of the config (or legacy pinless entry) numbered `seq`:
/// `static-address--<seq>@<domain>`.
pub(crate) fn sip_uri(seq: u64, sip_domain: &str) -> String {
    format!("static-address--{seq}@{sip_domain}")
}

/// The number of a `sip_uri` this emulator made (`static-address--<n>@...`), if it is one.
fn sip_uri_seq(uri: &str) -> Option<u64> {
    sip_username(uri)
        .strip_prefix("static-address--")?
        .parse()
        .ok()
}

fn sip_username(uri: &str) -> &str {
    let uri = uri.strip_prefix("sip:").unwrap_or(uri);
    uri.split_once('@').map_or(uri, |(user, _)| user)
}

/// The config and its type as a create body (`sip_uri` left out), for re-validation on import.
/// A stored config (imported, or replayed from the journal) is checked as a create would be:
/// a valid id and no error under the create rules.
fn check_stored(c: &DialinConfig, opts: &Options) -> Result<(), String> {
    if let Some(issue) = validate::check_id("id", &c.id) {
        return Err(format!("config {:?}: {}", c.id, issue.message));
    }
    let issues = validate::validate_create(&as_create_body(c), opts);
    if has_errors(&issues) {
        return Err(format!(
            "config {}: {}",
            c.id,
            super::http::issues_info(&issues)
        ));
    }
    Ok(())
}

fn as_create_body(c: &DialinConfig) -> Value {
    let mut m = match serde_json::to_value(&c.config) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    m.remove("sip_uri");
    m.insert("type".into(), Value::from(c.dialin_type.as_str()));
    Value::Object(m)
}

/// The filters and page of a validated list query.
#[derive(Debug, Default)]
struct ListQuery {
    limit: usize,
    starting_after: Option<String>,
    ending_before: Option<String>,
    phone_number: Option<String>,
    phone_numbers: Vec<String>,
    sip_username: Option<String>,
    name_prefix: Option<String>,
    dialin_type: Option<DialinType>,
}

impl ListQuery {
    fn matches(&self, c: &DialinConfig) -> bool {
        let phone = c.config.phone_number.as_deref();
        self.phone_number
            .as_deref()
            .is_none_or(|p| phone == Some(p))
            && (self.phone_numbers.is_empty()
                || phone.is_some_and(|p| self.phone_numbers.iter().any(|n| p.contains(n.as_str()))))
            && self.sip_username.as_deref().is_none_or(|u| {
                c.config
                    .sip_uri
                    .as_deref()
                    .is_some_and(|s| sip_username(s) == u)
            })
            && self.name_prefix.as_deref().is_none_or(|n| {
                c.config
                    .name_prefix
                    .as_deref()
                    .is_some_and(|s| s.starts_with(n))
            })
            && self.dialin_type.is_none_or(|t| c.dialin_type == t)
    }
}

/// Turns decoded query pairs into the JSON object `validate_list_query` reads, then into a
/// [`ListQuery`]. `limit` is passed as a number when it reads as one. A repeated parameter is an
/// error, except `phone_numbers`, whose repeats are joined with commas.
fn parse_list_query(pairs: &[(String, String)]) -> Result<ListQuery, Reply> {
    let mut m = Map::new();
    for (k, v) in pairs {
        let value = if k == "limit" {
            // An integer stays an integer, so messages read `not 0` as for a JS number, not `0.0`.
            v.trim()
                .parse::<i64>()
                .ok()
                .map(serde_json::Number::from)
                .or_else(|| {
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .and_then(serde_json::Number::from_f64)
                })
                .map_or_else(|| Value::from(v.as_str()), Value::Number)
        } else {
            Value::from(v.as_str())
        };
        match m.get_mut(k) {
            Some(Value::String(prev)) if k == "phone_numbers" => {
                prev.push(',');
                prev.push_str(v);
            }
            Some(_) => {
                return Err(Reply::invalid(&format!(
                    "{k}: the parameter is given more than once"
                )))
            }
            None => {
                m.insert(k.clone(), value);
            }
        }
    }
    let query = Value::Object(m);
    let issues = validate::validate_list_query(&query);
    if has_errors(&issues) {
        return Err(invalid_issues(&issues));
    }
    let text = |k: &str| query.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(ListQuery {
        limit: query
            .get("limit")
            .and_then(Value::as_f64)
            .map_or(DEFAULT_LIMIT, |f| f as usize),
        starting_after: text("starting_after"),
        ending_before: text("ending_before"),
        phone_number: text("phone_number"),
        phone_numbers: text("phone_numbers")
            .map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        sip_username: text("sip_username"),
        name_prefix: text("name_prefix"),
        dialin_type: text("type").and_then(|t| DialinType::parse(&t)),
    })
}

impl Store {
    pub fn len(&self) -> usize {
        self.configs.len()
    }

    pub fn get(&self, id: &str) -> Option<&DialinConfig> {
        self.configs.get(&self.seq_of(id)?)
    }

    fn seq_of(&self, id: &str) -> Option<u64> {
        self.by_id.get(id).copied()
    }

    /// The sequence number of a live or recently deleted config, for cursors.
    fn cursor_seq(&self, id: &str) -> Option<u64> {
        self.seq_of(id)
            .or_else(|| self.deleted_by_id.get(id).copied())
    }

    /// Stores `c` under `seq` (replacing what was there), indexed.
    fn insert(&mut self, seq: u64, c: DialinConfig) {
        self.remove(seq);
        self.by_id.insert(c.id.clone(), seq);
        if let Some(phone) = &c.config.phone_number {
            self.by_phone.insert(phone.clone(), seq);
        }
        self.configs.insert(seq, c);
    }

    /// Removes the config stored under `seq`, and its index entries.
    fn remove(&mut self, seq: u64) -> Option<DialinConfig> {
        let c = self.configs.remove(&seq)?;
        self.by_id.remove(&c.id);
        if let Some(phone) = &c.config.phone_number {
            if self.by_phone.get(phone) == Some(&seq) {
                self.by_phone.remove(phone);
            }
        }
        Some(c)
    }

    fn id_taken(&self, id: &str) -> bool {
        self.cursor_seq(id).is_some()
    }

    /// A 400 when `phone` already belongs to a config other than `except`.
    fn phone_conflict(&self, phone: Option<&str>, except: Option<&str>) -> Result<(), Reply> {
        let Some(phone) = phone else {
            return Ok(());
        };
        match self
            .by_phone
            .get(phone)
            .and_then(|seq| self.configs.get(seq))
            .filter(|c| Some(c.id.as_str()) != except)
        {
            Some(other) => Err(Reply::invalid(&format!(
                "phone_number: {phone} is already used by the {} config {}; a number belongs to at most one config (delete that one first)",
                other.dialin_type.as_str(),
                other.id
            ))),
            None => Ok(()),
        }
    }

    /// `POST /domain-dialin-config`.
    pub fn create(
        &mut self,
        body: &Value,
        opts: &Options,
        sip_domain: &str,
        rng: &mut dyn Random,
    ) -> Result<DialinConfig, Reply> {
        let issues = validate::validate_create(body, opts);
        if has_errors(&issues) {
            return Err(invalid_issues(&issues));
        }
        let parsed: CreateDialinConfig = serde_json::from_value(body.clone())
            .map_err(|_| Reply::invalid("the body does not describe a dial-in config"))?;
        let seq = self.next_seq;
        let (dialin_type, config) = match parsed {
            CreateDialinConfig::PinlessDialin(f) => (
                DialinType::PinlessDialin,
                DialinConfigSettings {
                    phone_number: f.phone_number,
                    name_prefix: f.name_prefix,
                    hmac: Some(f.hmac.unwrap_or_else(|| new_secret(rng))),
                    room_creation_api: Some(f.room_creation_api),
                    hold_music_url: f.hold_music_url,
                    timeout_config: f.timeout_config,
                    ivr_greeting: None,
                    sip_uri: Some(sip_uri(seq, sip_domain)),
                },
            ),
            CreateDialinConfig::PinDialin(f) => (
                DialinType::PinDialin,
                DialinConfigSettings {
                    phone_number: Some(f.phone_number),
                    name_prefix: f.name_prefix,
                    ivr_greeting: f.ivr_greeting,
                    ..Default::default()
                },
            ),
        };
        self.phone_conflict(config.phone_number.as_deref(), None)?;
        let id = unique_uuid(rng, |id| self.id_taken(id));
        let stored = DialinConfig {
            id,
            dialin_type,
            config,
        };
        self.insert(seq, stored.clone());
        self.next_seq = seq.saturating_add(1);
        Ok(stored)
    }

    /// `PUT /domain-dialin-config/:id`: present fields replace, omitted ones (and `hmac`) stay.
    pub fn update(
        &mut self,
        id: &str,
        body: &Value,
        opts: &Options,
    ) -> Result<DialinConfig, Reply> {
        let seq = self.seq_of(id).ok_or_else(|| not_found(id))?;
        let dialin_type = self.configs.get(&seq).map(|c| c.dialin_type);
        let issues = validate::validate_update(body, dialin_type, opts);
        if has_errors(&issues) {
            return Err(invalid_issues(&issues));
        }
        let patch: UpdateDialinConfig = serde_json::from_value(body.clone())
            .map_err(|_| Reply::invalid("the body does not describe a dial-in config update"))?;
        self.phone_conflict(patch.phone_number.as_deref(), Some(id))?;
        let mut stored = self.remove(seq).ok_or_else(|| not_found(id))?;
        let c = &mut stored.config;
        let UpdateDialinConfig {
            phone_number,
            name_prefix,
            hmac,
            room_creation_api,
            hold_music_url,
            timeout_config,
            ivr_greeting,
        } = patch;
        c.phone_number = phone_number.or(c.phone_number.take());
        c.name_prefix = name_prefix.or(c.name_prefix.take());
        c.hmac = hmac.or(c.hmac.take());
        c.room_creation_api = room_creation_api.or(c.room_creation_api.take());
        c.hold_music_url = hold_music_url.or(c.hold_music_url.take());
        c.timeout_config = timeout_config.or(c.timeout_config.take());
        c.ivr_greeting = ivr_greeting.or(c.ivr_greeting.take());
        self.insert(seq, stored.clone());
        Ok(stored)
    }

    /// `DELETE /domain-dialin-config/:id`. The id stays usable as a list cursor. Returns the
    /// journal line.
    pub fn delete(&mut self, id: &str) -> Result<String, Reply> {
        let seq = self.seq_of(id).ok_or_else(|| not_found(id))?;
        self.bury(seq, id);
        let mut line = serde_json::json!({ "op": "delete" });
        line["seq"] = Value::from(seq);
        line["id"] = Value::from(id);
        Ok(line.to_string())
    }

    fn bury(&mut self, seq: u64, id: &str) {
        self.remove(seq);
        if let Some(old) = self.deleted.insert(seq, id.to_string()) {
            self.deleted_by_id.remove(&old);
        }
        self.deleted_by_id.insert(id.to_string(), seq);
        while self.deleted.len() > MAX_TOMBSTONES {
            if let Some((_, gone)) = self.deleted.pop_first() {
                self.deleted_by_id.remove(&gone);
            }
        }
    }

    /// The domain config (`GET /v1/`).
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// `POST /v1/`: sets domain properties and replaces the legacy arrays it names. Returns what
    /// was done, and the journal line when the state changed.
    pub fn set_domain(
        &mut self,
        body: &Value,
        opts: &Options,
        sip_domain: &str,
        rng: &mut dyn Random,
    ) -> Result<(Set, Option<String>), Reply> {
        let set = self
            .domain
            .set(body, opts, &mut self.next_seq, sip_domain, rng)?;
        let line = set.changed.then(|| {
            serde_json::json!({"op": "domain", "next_seq": self.next_seq, "domain": self.domain})
                .to_string()
        });
        Ok((set, line))
    }

    /// The journal line that stores `config` as it is now (after a create or update).
    pub fn put_line(&self, config: &DialinConfig) -> String {
        let seq = self.seq_of(&config.id).unwrap_or(self.next_seq);
        let mut line = serde_json::to_value(StoredConfig {
            seq,
            config: config.clone(),
        })
        .unwrap_or(Value::Null);
        if let Value::Object(m) = &mut line {
            m.insert("op".into(), Value::from("put"));
        }
        line.to_string()
    }

    /// The journal line of a state import: the whole state.
    pub fn state_line(&self) -> String {
        format!(r#"{{"op":"state","state":{}}}"#, self.export())
    }

    /// Applies one journal line. A stored config is checked as on import (id, create rules);
    /// uniqueness is not, since a line may be replayed on a state that already moved on.
    pub fn apply(&mut self, line: &str, opts: &Options) -> Result<(), String> {
        let change: Change = serde_json::from_str(line)
            .map_err(|e| format!("a journal line is not readable: {e}"))?;
        match change {
            Change::Put(StoredConfig { seq, config: c }) => {
                check_stored(&c, opts)?;
                if let Some(old) = self.seq_of(&c.id) {
                    self.remove(old);
                }
                self.deleted.retain(|s, id| *s != seq && *id != c.id);
                self.deleted_by_id.retain(|id, s| *s != seq && *id != c.id);
                self.next_seq = self.next_seq.max(seq.saturating_add(1));
                self.insert(seq, c);
            }
            Change::Delete(Tombstone { seq, id }) => {
                if self.configs.get(&seq).is_some_and(|c| c.id == id) || self.seq_of(&id).is_none()
                {
                    self.bury(seq, &id);
                }
                self.next_seq = self.next_seq.max(seq.saturating_add(1));
            }
            Change::Domain { next_seq, domain } => {
                domain.check(opts)?;
                self.domain = domain;
                self.next_seq = self.next_seq.max(next_seq);
            }
            Change::Reset => *self = Store::default(),
            Change::State { state } => *self = Store::import(&state.to_string(), opts)?,
        }
        Ok(())
    }

    /// `GET /domain-dialin-config`: newest first, filtered, then paged by cursor.
    pub fn list(&self, pairs: &[(String, String)]) -> Result<DialinConfigPage, Reply> {
        let q = parse_list_query(pairs)?;
        let cursor = |param: &str, id: &Option<String>| -> Result<Option<u64>, Reply> {
            match id.as_deref() {
                None => Ok(None),
                Some("OLDEST") if param == "ending_before" => Ok(Some(u64::MAX)),
                Some(id) => self.cursor_seq(id).map(Some).ok_or_else(|| {
                    Reply::invalid(&format!(
                        "{param}: no config has the id {id}; pass an id from a previous page"
                    ))
                }),
            }
        };
        let after = cursor("starting_after", &q.starting_after)?;
        let before = cursor("ending_before", &q.ending_before)?;
        let matching: Vec<(u64, &DialinConfig)> = self
            .configs
            .iter()
            .rev()
            .filter(|(_, c)| q.matches(c))
            .map(|(s, c)| (*s, c))
            .collect();
        let total_count = matching.len() as u64;
        let page: Vec<DialinConfig> = match (after, before) {
            (Some(a), _) => matching
                .iter()
                .filter(|(s, _)| *s < a)
                .take(q.limit)
                .map(|(_, c)| (*c).clone())
                .collect(),
            (None, Some(b)) => {
                // The `limit` configs just newer than the cursor (`OLDEST`: the oldest page).
                let newer: Vec<&DialinConfig> = matching
                    .iter()
                    .filter(|(s, _)| b == u64::MAX || *s > b)
                    .map(|(_, c)| *c)
                    .collect();
                let skip = newer.len().saturating_sub(q.limit);
                newer.into_iter().skip(skip).cloned().collect()
            }
            (None, None) => matching
                .iter()
                .take(q.limit)
                .map(|(_, c)| (*c).clone())
                .collect(),
        };
        Ok(DialinConfigPage {
            total_count,
            data: page,
        })
    }

    /// The pinless or pin config that answers calls to `number`.
    pub fn by_phone(&self, number: &str) -> Option<&DialinConfig> {
        self.configs.get(self.by_phone.get(number)?)
    }

    /// The config whose `sip_uri` is `uri` (a `sip:` scheme prefix is ignored).
    pub fn by_sip_uri(&self, uri: &str) -> Option<&DialinConfig> {
        let uri = uri.strip_prefix("sip:").unwrap_or(uri);
        self.configs
            .values()
            .find(|c| c.config.sip_uri.as_deref() == Some(uri))
    }

    pub fn export(&self) -> String {
        let state = State {
            version: STATE_VERSION,
            next_seq: self.next_seq,
            configs: self
                .configs
                .iter()
                .map(|(seq, c)| StoredConfig {
                    seq: *seq,
                    config: c.clone(),
                })
                .collect(),
            deleted: self
                .deleted
                .iter()
                .map(|(seq, id)| Tombstone {
                    seq: *seq,
                    id: id.clone(),
                })
                .collect(),
            domain: self.domain.clone(),
        };
        serde_json::to_string(&state).unwrap_or_else(|_| "{}".to_string())
    }

    /// Reads an exported state, checking what the API would have enforced: every config passes
    /// `validate_create` under `opts`, ids, sequence numbers and phone numbers are unique.
    pub fn import(json: &str, opts: &Options) -> Result<Store, String> {
        let state: State =
            serde_json::from_str(json).map_err(|e| format!("the state is not readable: {e}"))?;
        if !(OLDEST_STATE_VERSION..=STATE_VERSION).contains(&state.version) {
            return Err(format!(
                "state version {} is not supported (expected {OLDEST_STATE_VERSION} to {STATE_VERSION})",
                state.version
            ));
        }
        let mut store = Store {
            next_seq: state.next_seq,
            ..Store::default()
        };
        let mut sip_uris = std::collections::HashSet::new();
        for s in state.configs {
            let c = s.config;
            check_stored(&c, opts)?;
            if store.id_taken(&c.id) {
                return Err(format!("config {}: the id appears twice", c.id));
            }
            if store.configs.contains_key(&s.seq) {
                return Err(format!("config {}: seq {} appears twice", c.id, s.seq));
            }
            if let Some(uri) = &c.config.sip_uri {
                if !sip_uris.insert(uri.clone()) {
                    return Err(format!("config {}: its sip_uri is used twice", c.id));
                }
            }
            if store
                .phone_conflict(c.config.phone_number.as_deref(), None)
                .is_err()
            {
                return Err(format!("config {}: its phone_number is used twice", c.id));
            }
            store.next_seq = store.next_seq.max(s.seq.saturating_add(1));
            store.insert(s.seq, c);
        }
        for t in state.deleted {
            if !store.id_taken(&t.id) && !store.configs.contains_key(&t.seq) {
                store.bury(t.seq, &t.id);
            }
        }
        state.domain.check(opts)?;
        for uri in state.domain.sip_uris() {
            if !sip_uris.insert(uri.to_string()) {
                return Err(format!(
                    "domain: the sip_uri {uri} of a pinless_dialin entry is also a config's"
                ));
            }
            // A later config must not be numbered into an entry's sip_uri.
            if let Some(n) = sip_uri_seq(uri) {
                store.next_seq = store.next_seq.max(n.saturating_add(1));
            }
        }
        store.domain = state.domain;
        Ok(store)
    }
}

fn not_found(id: &str) -> Reply {
    Reply::not_found(&format!("no dial-in config with id {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_usernames() {
        assert_eq!(
            sip_username("sip:static-address--3@x.sip"),
            "static-address--3"
        );
        assert_eq!(sip_username("static-address--3@x"), "static-address--3");
        assert_eq!(sip_username("nouser"), "nouser");
    }

    #[test]
    fn indexes_follow_every_change() {
        use crate::SeededRandom;
        let opts = Options {
            allow_private_urls: true,
        };
        let mut rng = SeededRandom::new(7);
        let mut store = Store::default();
        let pin = |n: u32| serde_json::json!({"type": "pin_dialin", "phone_number": format!("+1209555{n:04}")});
        let ids: Vec<String> = (0..1200)
            .map(|n| store.create(&pin(n), &opts, "x", &mut rng).unwrap().id)
            .collect();
        let moved = serde_json::json!({"phone_number": "+14155550000"});
        store.update(&ids[0], &moved, &opts).unwrap();
        assert!(
            store.by_phone("+12095550000").is_none(),
            "the old number is free"
        );
        assert_eq!(store.by_phone("+14155550000").map(|c| &c.id), Some(&ids[0]));
        assert!(store.create(&pin(0), &opts, "x", &mut rng).is_ok());
        assert!(store.create(&pin(1), &opts, "x", &mut rng).is_err());
        for id in &ids[1..1101] {
            store.delete(id).unwrap();
        }
        assert!(
            store.get(&ids[1]).is_none() && store.cursor_seq(&ids[1]).is_none(),
            "a tombstone past the last 1000"
        );
        assert!(store.cursor_seq(&ids[1100]).is_some(), "a recent tombstone");
        assert!(
            store.create(&pin(5), &opts, "x", &mut rng).is_ok(),
            "a deleted number is free"
        );
        // The same state read back from its export has the same indexes.
        assert_eq!(Store::import(&store.export(), &opts).unwrap(), store);
    }

    #[test]
    fn limit_parsing() {
        let q = |s: &str| parse_list_query(&[("limit".to_string(), s.to_string())]);
        assert_eq!(q("5").unwrap().limit, 5);
        assert!(q("0").is_err());
        assert!(q("101").is_err());
        assert!(q("2.5").is_err());
        assert!(q("abc").is_err());
        assert!(q("NaN").is_err());
        assert!(q("").is_err());
        let info = |s: &str| q(s).unwrap_err().body;
        assert!(info("0").contains("not 0\""), "{}", info("0"));
        assert!(info("-3").contains("not -3\""), "{}", info("-3"));
    }
}
