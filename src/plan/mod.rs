//! Configs as code: a desired-state file of create bodies, and the plan that brings Daily's
//! configs to it (docs/daily-api.md#configs-as-code). Pure: no I/O, no clock.
//!
//! - [`load`] reads a file (`{ "configs": [ <create body>, ... ] }`), resolves `{ "env": "NAME" }`
//!   values and validates it whole; [`validate_file`] reports its issues, also without the
//!   environment ([`Env::Unresolved`]). [`FILE_SCHEMA`] is its JSON Schema.
//! - [`plan`] compares the loaded configs with the current ones and returns the ordered
//!   [`Action`]s; each action's [`Action::steps`] are the requests that carry it out.
//!
//! Secrets (every `hmac`, and every value that came from the environment) are held only in the
//! [`Sealed`] request bodies, which are neither serialized nor printed: a [`Plan`], its JSON and
//! [`Plan::render_text`] show such a field as changed or not, never its value.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::collections::{BTreeMap, BTreeSet};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::model::{DialinConfig, DialinConfigSettings, DialinType};

mod file;
pub mod legacy;
mod render;
mod schema;

pub use file::{code, load, validate_file, DesiredConfig, DesiredState, Env};
pub use schema::FILE_SCHEMA;

/// A setting that a plan compares: the string leaves of a create body, in the documented order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    PhoneNumber,
    NamePrefix,
    Hmac,
    RoomCreationApi,
    HoldMusicUrl,
    /// `timeout_config.message`
    TimeoutMessage,
    /// `ivr_greeting.message`
    IvrGreetingMessage,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::PhoneNumber,
        Field::NamePrefix,
        Field::Hmac,
        Field::RoomCreationApi,
        Field::HoldMusicUrl,
        Field::TimeoutMessage,
        Field::IvrGreetingMessage,
    ];

    /// Its path in a body, as issues write it: `hmac`, `timeout_config.message`.
    pub fn path(self) -> &'static str {
        match self {
            Field::PhoneNumber => "phone_number",
            Field::NamePrefix => "name_prefix",
            Field::Hmac => "hmac",
            Field::RoomCreationApi => "room_creation_api",
            Field::HoldMusicUrl => "hold_music_url",
            Field::TimeoutMessage => "timeout_config.message",
            Field::IvrGreetingMessage => "ivr_greeting.message",
        }
    }

    /// The body key that holds it, and the key inside that object for the two messages.
    fn keys(self) -> (&'static str, Option<&'static str>) {
        match self {
            Field::TimeoutMessage => ("timeout_config", Some("message")),
            Field::IvrGreetingMessage => ("ivr_greeting", Some("message")),
            f => (f.path(), None),
        }
    }

    /// Whether a config of type `t` uses it (docs/daily-api.md#rule-fields-by-type).
    fn applies_to(self, t: DialinType) -> bool {
        let (key, _) = self.keys();
        match t {
            DialinType::PinDialin => !crate::validate::PINLESS_ONLY.contains(&key),
            DialinType::PinlessDialin => !crate::validate::PIN_ONLY.contains(&key),
        }
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.path())
    }
}

/// The values of the [`Field`]s of one config (request body or stored settings).
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Values {
    phone_number: Option<String>,
    name_prefix: Option<String>,
    hmac: Option<String>,
    room_creation_api: Option<String>,
    hold_music_url: Option<String>,
    timeout_message: Option<String>,
    ivr_greeting_message: Option<String>,
}

impl Values {
    pub(crate) fn get(&self, f: Field) -> Option<&str> {
        match f {
            Field::PhoneNumber => &self.phone_number,
            Field::NamePrefix => &self.name_prefix,
            Field::Hmac => &self.hmac,
            Field::RoomCreationApi => &self.room_creation_api,
            Field::HoldMusicUrl => &self.hold_music_url,
            Field::TimeoutMessage => &self.timeout_message,
            Field::IvrGreetingMessage => &self.ivr_greeting_message,
        }
        .as_deref()
    }

    pub(crate) fn slot(&mut self, f: Field) -> &mut Option<String> {
        match f {
            Field::PhoneNumber => &mut self.phone_number,
            Field::NamePrefix => &mut self.name_prefix,
            Field::Hmac => &mut self.hmac,
            Field::RoomCreationApi => &mut self.room_creation_api,
            Field::HoldMusicUrl => &mut self.hold_music_url,
            Field::TimeoutMessage => &mut self.timeout_message,
            Field::IvrGreetingMessage => &mut self.ivr_greeting_message,
        }
    }

    fn of_settings(s: &DialinConfigSettings) -> Values {
        Values {
            phone_number: s.phone_number.clone(),
            name_prefix: s.name_prefix.clone(),
            hmac: s.hmac.clone(),
            room_creation_api: s.room_creation_api.clone(),
            hold_music_url: s.hold_music_url.clone(),
            timeout_message: s.timeout_config.as_ref().and_then(|t| t.message.clone()),
            ivr_greeting_message: s.ivr_greeting.as_ref().and_then(|g| g.message.clone()),
        }
    }

    /// The JSON object of the given fields (`timeout_config.message` as a nested object).
    fn body(&self, fields: impl IntoIterator<Item = Field>) -> Map<String, Value> {
        let mut m = Map::new();
        for f in fields {
            let Some(v) = self.get(f) else { continue };
            let v = Value::String(v.to_string());
            match f.keys() {
                (key, None) => {
                    m.insert(key.to_string(), v);
                }
                (key, Some(inner)) => {
                    let mut o = Map::new();
                    o.insert(inner.to_string(), v);
                    m.insert(key.to_string(), Value::Object(o));
                }
            }
        }
        m
    }

    /// A create body of type `t` with the fields that apply to it.
    fn create_body(&self, t: DialinType) -> Value {
        let mut m = self.body(Field::ALL.into_iter().filter(|f| f.applies_to(t)));
        m.insert("type".to_string(), Value::String(t.as_str().to_string()));
        Value::Object(m)
    }
}

/// What a config is matched by (docs/daily-api.md#plan-identity): its number, or for a config
/// without one, its `name_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Phone(String),
    Prefix(String),
}

impl Key {
    fn of(v: &Values) -> Option<Key> {
        match (v.get(Field::PhoneNumber), v.get(Field::NamePrefix)) {
            (Some(p), _) => Some(Key::Phone(p.to_string())),
            (None, Some(n)) => Some(Key::Prefix(n.to_string())),
            (None, None) => None,
        }
    }

    fn field(&self) -> Field {
        match self {
            Key::Phone(_) => Field::PhoneNumber,
            Key::Prefix(_) => Field::NamePrefix,
        }
    }
}

/// Which config an action is about, for people: the field that identifies it and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// `phone_number`, or `name_prefix` for a config without a number.
    pub field: Field,
    /// The value; absent when it came from the environment (then `env` names the variable) or
    /// holds a secret (docs/daily-api.md#plan-secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

impl Identity {
    /// The identity of a stored config, if it has one; its value only if it holds no secret.
    fn of_current(c: &DialinConfig, secrets: &Secrets) -> Option<Identity> {
        Key::of(&Values::of_settings(&c.config)).map(|k| {
            let field = k.field();
            let (Key::Phone(v) | Key::Prefix(v)) = k;
            Identity {
                field,
                value: (!secrets.in_value(&v)).then_some(v),
                env: None,
            }
        })
    }
}

/// A request body that may hold secrets. It is what [`Action::steps`] sends; it is never
/// serialized, and its `Debug` shows nothing of it.
#[derive(Clone, PartialEq)]
pub struct Sealed(Value);

impl Sealed {
    /// The body itself, secrets included: for the code that sends it, never for output.
    pub fn expose(&self) -> &Value {
        &self.0
    }
}

impl core::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Sealed(***)")
    }
}

/// How a field changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Set where it was absent.
    Added,
    Changed,
    /// Absent from the new config (only in a replace: an update cannot remove a field).
    Removed,
}

/// One field of an action. A secret field (`hmac`, or a value from the environment) shows only
/// that it changes: `old` and `new` are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: Field,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    pub secret: bool,
    /// The environment variable the new value comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

/// One step of a plan, in the order of [`Plan::actions`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// A config of the file that Daily does not have: `POST`.
    #[serde(rename_all = "camelCase")]
    Create {
        /// Its position in the file's `configs`.
        index: usize,
        identity: Identity,
        #[serde(rename = "type")]
        dialin_type: DialinType,
        /// Every field it is created with.
        changes: Vec<FieldChange>,
        #[serde(skip)]
        body: Sealed,
    },
    /// A config that differs in some fields: `PUT` of those fields only.
    #[serde(rename_all = "camelCase")]
    Update {
        index: usize,
        id: String,
        identity: Identity,
        #[serde(rename = "type")]
        dialin_type: DialinType,
        changes: Vec<FieldChange>,
        /// Stored fields the file leaves out: a `PUT` keeps them (docs/daily-api.md#plan-diff).
        kept: Vec<Field>,
        #[serde(skip)]
        body: Sealed,
    },
    /// A config whose type changes: Daily cannot change `type`, so it is deleted and created
    /// again (docs/daily-api.md#plan-replace).
    #[serde(rename_all = "camelCase")]
    Replace {
        index: usize,
        id: String,
        identity: Identity,
        old_type: DialinType,
        new_type: DialinType,
        /// The differences between the stored config and the one created.
        changes: Vec<FieldChange>,
        #[serde(skip)]
        body: Sealed,
        /// The create body that puts the old config back (its fields that apply to its type,
        /// `hmac` included), should the create fail.
        #[serde(skip)]
        restore: Sealed,
    },
    /// A stored config that the file does not hold, with prune: `DELETE`.
    #[serde(rename_all = "camelCase")]
    Delete {
        id: String,
        #[serde(rename = "type")]
        dialin_type: DialinType,
        #[serde(skip_serializing_if = "Option::is_none")]
        identity: Option<Identity>,
        /// The id of the config that the file's entry with the same identity is matched to, when
        /// this one is a second config with that identity (docs/daily-api.md#plan-identity).
        #[serde(skip_serializing_if = "Option::is_none")]
        duplicate_of: Option<String>,
    },
    /// A config that is already as the file says.
    #[serde(rename_all = "camelCase")]
    Unchanged {
        index: usize,
        id: String,
        identity: Identity,
        #[serde(rename = "type")]
        dialin_type: DialinType,
        kept: Vec<Field>,
    },
    /// A stored config that the file does not hold, without prune: left alone.
    #[serde(rename_all = "camelCase")]
    Unmanaged {
        id: String,
        #[serde(rename = "type")]
        dialin_type: DialinType,
        #[serde(skip_serializing_if = "Option::is_none")]
        identity: Option<Identity>,
        #[serde(skip_serializing_if = "Option::is_none")]
        duplicate_of: Option<String>,
    },
}

/// A request that carries out (part of) an action. Bodies hold secrets: send them, never print
/// them.
#[derive(Clone, Copy, PartialEq)]
pub enum Step<'a> {
    Create { body: &'a Value },
    Update { id: &'a str, body: &'a Value },
    Delete { id: &'a str },
}

impl Action {
    /// The requests to send, in order: a replace is a delete, then a create.
    pub fn steps(&self) -> Vec<Step<'_>> {
        match self {
            Action::Create { body, .. } => vec![Step::Create { body: body.expose() }],
            Action::Update { id, body, .. } => vec![Step::Update {
                id,
                body: body.expose(),
            }],
            Action::Replace { id, body, .. } => vec![
                Step::Delete { id },
                Step::Create {
                    body: body.expose(),
                },
            ],
            Action::Delete { id, .. } => vec![Step::Delete { id }],
            Action::Unchanged { .. } | Action::Unmanaged { .. } => Vec::new(),
        }
    }

    /// For a replace, the create body that restores the deleted config.
    pub fn restore_body(&self) -> Option<&Value> {
        match self {
            Action::Replace { restore, .. } => Some(restore.expose()),
            _ => None,
        }
    }

    /// Whether it changes anything on Daily.
    pub fn is_change(&self) -> bool {
        !matches!(self, Action::Unchanged { .. } | Action::Unmanaged { .. })
    }
}

/// How many actions of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub unchanged: usize,
    pub unmanaged: usize,
}

/// The ordered actions that bring the current configs to the file's (docs/daily-api.md#plan-order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Whether configs that the file does not hold are deleted.
    pub prune: bool,
    pub summary: Summary,
    pub actions: Vec<Action>,
}

impl Plan {
    /// Whether applying it changes anything.
    pub fn has_changes(&self) -> bool {
        self.actions.iter().any(Action::is_change)
    }

    /// Every request of the plan, in order.
    pub fn steps(&self) -> Vec<Step<'_>> {
        self.actions.iter().flat_map(Action::steps).collect()
    }

    /// A diff-like rendering for people, without colours (one action per paragraph); secrets
    /// show as changed or not.
    pub fn render_text(&self) -> String {
        render::render(self)
    }
}

/// The secret values of a plan: every `hmac` (of the file and stored) and every value from the
/// environment. A field of these kinds is never shown, and neither is any other value that holds
/// one of them (a stored URL with the token that the file reads from the environment), since
/// such a value would show the secret (docs/daily-api.md#plan-secrets).
struct Secrets {
    /// Secrets by their first four bytes, so that finding them in a value costs a look-up per
    /// byte of the value rather than a search per secret (a plan of 1,000 configs has 2,000
    /// `hmac`s).
    by_head: BTreeMap<[u8; 4], Vec<String>>,
    /// Shorter ones (a value from the environment may be short).
    short: Vec<String>,
}

impl Secrets {
    fn of(desired: &DesiredState, current: &[DialinConfig]) -> Secrets {
        let mut all = BTreeSet::new();
        for d in desired.configs() {
            for f in Field::ALL {
                if let Some(v) = d.values().get(f).filter(|_| secret_field(d, f)) {
                    all.insert(v.to_string());
                }
            }
        }
        all.extend(current.iter().filter_map(|c| c.config.hmac.clone()));
        let mut secrets = Secrets {
            by_head: BTreeMap::new(),
            short: Vec::new(),
        };
        for s in all.into_iter().filter(|s| !s.is_empty()) {
            match head(s.as_bytes()) {
                Some(h) => secrets.by_head.entry(h).or_default().push(s),
                None => secrets.short.push(s),
            }
        }
        secrets
    }

    /// Whether `v` holds a secret.
    fn in_value(&self, v: &str) -> bool {
        let b = v.as_bytes();
        self.short.iter().any(|s| v.contains(s.as_str()))
            || (0..b.len()).any(|i| {
                let rest = b.get(i..).unwrap_or_default();
                head(rest)
                    .and_then(|h| self.by_head.get(&h))
                    .is_some_and(|list| list.iter().any(|s| rest.starts_with(s.as_bytes())))
            })
    }
}

/// The first four bytes.
fn head(b: &[u8]) -> Option<[u8; 4]> {
    b.get(..4).and_then(|h| <[u8; 4]>::try_from(h).ok())
}

/// Whether a field's value is secret in this config: `hmac` always, others when they came from
/// the environment (docs/daily-api.md#plan-secrets).
fn secret_field(d: &DesiredConfig, f: Field) -> bool {
    f == Field::Hmac || d.env_var(f).is_some()
}

/// `d`'s identity, without a value that holds a secret.
fn identity(secrets: &Secrets, d: &DesiredConfig) -> Identity {
    let mut i = d.identity();
    if i.value.as_deref().is_some_and(|v| secrets.in_value(v)) {
        i.value = None;
    }
    i
}

fn change(
    secrets: &Secrets,
    d: &DesiredConfig,
    f: Field,
    old: Option<&str>,
    new: Option<&str>,
) -> Option<FieldChange> {
    let kind = match (old, new) {
        (None, Some(_)) => Change::Added,
        (Some(o), Some(n)) if o != n => Change::Changed,
        (Some(_), None) => Change::Removed,
        _ => return None,
    };
    let hidden = secret_field(d, f) || [old, new].into_iter().flatten().any(|v| secrets.in_value(v));
    let shown = |v: Option<&str>| v.filter(|_| !hidden).map(str::to_string);
    Some(FieldChange {
        field: f,
        change: kind,
        old: shown(old),
        new: shown(new),
        secret: hidden,
        env: d.env_var(f).map(str::to_string),
    })
}

/// The changes an update makes: each field the file sets that differs from the stored one
/// (docs/daily-api.md#plan-diff). A field the file omits is kept by `PUT`: it is listed in the
/// second value (except `hmac`, which Daily may have generated).
fn diff(secrets: &Secrets, d: &DesiredConfig, stored: &Values) -> (Vec<FieldChange>, Vec<Field>) {
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for f in Field::ALL {
        match (d.values().get(f), stored.get(f)) {
            (Some(new), old) => changes.extend(change(secrets, d, f, old, Some(new))),
            (None, Some(_)) if f != Field::Hmac => kept.push(f),
            (None, _) => {}
        }
    }
    (changes, kept)
}

/// The stored config that `d` is matched to among `candidates` (all with `d`'s identity; more
/// than one only when Daily holds several number-less configs with one `name_prefix`): one that
/// needs no change, else one of the same type, else the first. So a plan made after applying
/// picks the config the apply brought to the file's state.
fn choose(
    secrets: &Secrets,
    d: &DesiredConfig,
    candidates: &[(usize, &DialinConfig)],
) -> Option<usize> {
    let same_type = |c: &DialinConfig| c.dialin_type == d.dialin_type();
    let unchanged = candidates.iter().find(|(_, c)| {
        same_type(c) && diff(secrets, d, &Values::of_settings(&c.config)).0.is_empty()
    });
    unchanged
        .or_else(|| candidates.iter().find(|(_, c)| same_type(c)))
        .or_else(|| candidates.first())
        .map(|(i, _)| *i)
}

/// The plan that brings `current` (all the configs stored on Daily) to `desired`
/// (docs/daily-api.md#configs-as-code). Without `prune`, stored configs the file does not hold are
/// [`Action::Unmanaged`]; with it they are deleted.
pub fn plan(desired: &DesiredState, current: &[DialinConfig], prune: bool) -> Plan {
    let secrets = Secrets::of(desired, current);
    let mut by_key: BTreeMap<Key, Vec<(usize, &DialinConfig)>> = BTreeMap::new();
    for (i, c) in current.iter().enumerate() {
        if let Some(k) = Key::of(&Values::of_settings(&c.config)) {
            by_key.entry(k).or_default().push((i, c));
        }
    }
    // Stored configs taken by a file entry; and, for other stored configs with the same
    // identity, the id of the taken one and the entry's identity.
    let mut taken = BTreeSet::new();
    let mut duplicates: BTreeMap<usize, (String, Identity)> = BTreeMap::new();
    let mut from_file = Vec::new();
    for d in desired.configs() {
        let candidates = by_key.get(&d.key()).map(Vec::as_slice).unwrap_or(&[]);
        let chosen = choose(&secrets, d, candidates);
        let Some((ci, c)) = chosen.and_then(|i| candidates.iter().find(|(ci, _)| *ci == i))
        else {
            from_file.push(create(&secrets, d));
            continue;
        };
        taken.insert(*ci);
        for (other, _) in candidates.iter().filter(|(o, _)| o != ci) {
            duplicates.insert(*other, (c.id.clone(), identity(&secrets, d)));
        }
        from_file.push(matched(&secrets, d, c));
    }

    // The file's numbers: a delete that frees one that a create needs goes first
    // (docs/daily-api.md#plan-order). (A number that the file holds and Daily stores is matched,
    // so among these only the numbers of creates can be held by a config being deleted.)
    let needed: BTreeSet<&str> = desired
        .configs()
        .iter()
        .filter_map(|d| d.values().get(Field::PhoneNumber))
        .collect();
    let mut first = Vec::new();
    let mut last = Vec::new();
    let mut unmanaged = Vec::new();
    for (i, c) in current.iter().enumerate() {
        if taken.contains(&i) {
            continue;
        }
        let (duplicate_of, identity) = match duplicates.remove(&i) {
            Some((id, identity)) => (Some(id), Some(identity)),
            None => (None, Identity::of_current(c, &secrets)),
        };
        let (id, dialin_type) = (c.id.clone(), c.dialin_type);
        if !prune {
            unmanaged.push(Action::Unmanaged {
                id,
                dialin_type,
                identity,
                duplicate_of,
            });
            continue;
        }
        let frees = c
            .config
            .phone_number
            .as_deref()
            .is_some_and(|p| needed.contains(p));
        let action = Action::Delete {
            id,
            dialin_type,
            identity,
            duplicate_of,
        };
        if frees {
            first.push(action);
        } else {
            last.push(action);
        }
    }
    let actions: Vec<Action> = first
        .into_iter()
        .chain(from_file)
        .chain(last)
        .chain(unmanaged)
        .collect();
    let mut summary = Summary::default();
    for a in &actions {
        let n = match a {
            Action::Create { .. } => &mut summary.create,
            Action::Update { .. } => &mut summary.update,
            Action::Replace { .. } => &mut summary.replace,
            Action::Delete { .. } => &mut summary.delete,
            Action::Unchanged { .. } => &mut summary.unchanged,
            Action::Unmanaged { .. } => &mut summary.unmanaged,
        };
        *n += 1;
    }
    Plan {
        prune,
        summary,
        actions,
    }
}

fn create(secrets: &Secrets, d: &DesiredConfig) -> Action {
    let changes = Field::ALL
        .into_iter()
        .filter_map(|f| change(secrets, d, f, None, d.values().get(f)))
        .collect();
    Action::Create {
        index: d.index(),
        identity: identity(secrets, d),
        dialin_type: d.dialin_type(),
        changes,
        body: Sealed(d.values().create_body(d.dialin_type())),
    }
}

fn matched(secrets: &Secrets, d: &DesiredConfig, c: &DialinConfig) -> Action {
    let stored = Values::of_settings(&c.config);
    if c.dialin_type != d.dialin_type() {
        let changes = Field::ALL
            .into_iter()
            .filter_map(|f| change(secrets, d, f, stored.get(f), d.values().get(f)))
            .collect();
        return Action::Replace {
            index: d.index(),
            id: c.id.clone(),
            identity: identity(secrets, d),
            old_type: c.dialin_type,
            new_type: d.dialin_type(),
            changes,
            body: Sealed(d.values().create_body(d.dialin_type())),
            restore: Sealed(stored.create_body(c.dialin_type)),
        };
    }
    let (changes, kept) = diff(secrets, d, &stored);
    if changes.is_empty() {
        return Action::Unchanged {
            index: d.index(),
            id: c.id.clone(),
            identity: identity(secrets, d),
            dialin_type: c.dialin_type,
            kept,
        };
    }
    let body = d.values().body(changes.iter().map(|ch| ch.field));
    Action::Update {
        index: d.index(),
        id: c.id.clone(),
        identity: identity(secrets, d),
        dialin_type: c.dialin_type,
        changes,
        kept,
        body: Sealed(Value::Object(body)),
    }
}
