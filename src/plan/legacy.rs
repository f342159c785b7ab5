//! Moving Daily's legacy domain-level dial-in arrays (`config.pinless_dialin[]` and
//! `config.pin_dialin[]` of `GET /v1/`) to `/domain-dialin-config` configs
//! (docs/daily-api.md#legacy-migration). Pure: the caller reads the domain config and the stored
//! configs, applies the plan, and sends the clearing.
//!
//! Two steps, each safe to run again:
//! - [`migrate`]: which entries become configs (a desired state for [`super::plan`], every
//!   `hmac` kept), which are already configured, and which cannot be moved and why;
//! - [`clearing`]: the arrays without the entries that a stored config now covers, read again
//!   after the apply; an entry not covered stays, so no number is dropped at any step.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use alloc::collections::BTreeMap;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{load, DesiredState, Env, Field, Identity, Key, Sealed, Values};
use crate::issue::{has_errors, Issue};
use crate::model::{DialinConfig, DialinType};
use crate::validate::{self, code, Options};

/// The two arrays of the domain config, in the order they are read, with the type of their
/// entries.
pub const ARRAYS: [(&str, DialinType); 2] = [
    ("pinless_dialin", DialinType::PinlessDialin),
    ("pin_dialin", DialinType::PinDialin),
];

/// Issue codes of the migration, besides those of `validate::code`.
pub mod legacy_code {
    /// An entry with neither `phone_number` nor `name_prefix`: nothing would find its config
    /// again, so a second run would create it twice.
    pub const NO_IDENTITY: &str = "no_identity";
    /// An entry with the identity of an earlier entry of the arrays.
    pub const DUPLICATE_IDENTITY: &str = "duplicate_identity";
    /// A key of the entry that a config of its type does not have; it is left behind.
    pub const DROPPED_FIELD: &str = "dropped_field";
    /// An entry that no stored config covers yet: it stays in the array.
    pub const NOT_MIGRATED: &str = "not_migrated";
}

/// One entry of the arrays and what becomes of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyEntry {
    /// `pinless_dialin` or `pin_dialin`.
    pub array: &'static str,
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    #[serde(flatten)]
    pub status: EntryStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum EntryStatus {
    /// Becomes `configs[config]` of the migration's desired state; `notes` are warnings (fields
    /// left behind).
    Migrate { config: usize, notes: Vec<Issue> },
    /// A config with this identity is stored already: it is kept as it is (it is what Daily
    /// uses for the number, docs/daily-api.md#legacy-migration).
    Exists {
        id: String,
        #[serde(rename = "type")]
        dialin_type: DialinType,
    },
    /// Cannot be moved: the issues say why. It stays in the array.
    Skipped { issues: Vec<Issue> },
    /// (clearing) A stored config covers it: it is removed from the array.
    Cleared {
        id: String,
        #[serde(rename = "type")]
        dialin_type: DialinType,
    },
    /// (clearing) No stored config covers it: it stays in the array.
    Kept { issues: Vec<Issue> },
}

/// What [`migrate`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    pub entries: Vec<LegacyEntry>,
    /// The entries to move, as a desired state of create bodies (`hmac` kept): plan it against the
    /// stored configs with [`super::plan`] (no prune).
    pub desired: DesiredState,
}

/// What [`clearing`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Clearing {
    pub entries: Vec<LegacyEntry>,
    /// The `properties` of the `POST /v1/` that clears the covered entries: both arrays with only
    /// the kept entries, as they were read (with their `hmac`: sealed); `None` when nothing is
    /// covered (nothing to send).
    pub properties: Option<Sealed>,
}

/// One array of the domain config: its name, the type of its entries, and the entries.
type Array<'a> = (&'static str, DialinType, &'a [Value]);

/// The two arrays of a `GET /v1/` answer (a missing or `null` array is empty).
fn arrays(domain: &Value) -> Result<[Array<'_>; 2], Vec<Issue>> {
    let Some(config) = domain.get("config").filter(|c| c.is_object()) else {
        return Err(vec![Issue::error(
            "config",
            code::REQUIRED,
            "the domain config (GET /v1/) has no config object",
        )]);
    };
    let read = |(name, t): (&'static str, DialinType)| match config.get(name) {
        None | Some(Value::Null) => Ok((name, t, &[][..])),
        Some(Value::Array(a)) => Ok((name, t, a.as_slice())),
        Some(v) => Err(Issue::error(
            cat!("config.", name),
            code::INVALID_TYPE,
            cat!(
                "config.",
                name,
                " must be an array, not ",
                validate::type_name(v)
            ),
        )),
    };
    let [a, b] = ARRAYS;
    match (read(a), read(b)) {
        (Ok(a), Ok(b)) => Ok([a, b]),
        (a, b) => Err([a.err(), b.err()].into_iter().flatten().collect()),
    }
}

/// The keys of a create body of type `t`.
fn body_keys(t: DialinType) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for f in Field::ALL.into_iter().filter(|f| f.applies_to(t)) {
        let (key, _) = f.keys();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// An entry as a create body of its array's type: the keys a config of that type has (`sip_uri`
/// is assigned by Daily; any other key is left behind, with a note).
fn body_of(path: &str, t: DialinType, entry: &Map<String, Value>) -> (Value, Vec<Issue>) {
    let mut body = Map::new();
    body.insert("type".into(), Value::String(t.as_str().into()));
    let keys = body_keys(t);
    let mut notes = Vec::new();
    for (k, v) in entry {
        if keys.contains(&k.as_str()) {
            if !v.is_null() {
                body.insert(k.clone(), v.clone());
            }
        } else if k != "sip_uri" && !v.is_null() {
            notes.push(Issue::warning(
                cat!(path, ".", k.as_str()),
                legacy_code::DROPPED_FIELD,
                cat!(
                    "a ",
                    t.as_str(),
                    " config has no ",
                    k.as_str(),
                    "; it is not moved (it stays in the array until the array is cleared)"
                ),
            ));
        }
    }
    (Value::Object(body), notes)
}

fn key_of_body(body: &Value) -> Option<Key> {
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let mut v = Values::default();
    *v.slot(Field::PhoneNumber) = s("phone_number");
    *v.slot(Field::NamePrefix) = s("name_prefix");
    Key::of(&v)
}

fn identity_of(key: &Key) -> Identity {
    let (Key::Phone(v) | Key::Prefix(v)) = key;
    Identity {
        field: key.field(),
        value: Some(v.clone()),
        env: None,
    }
}

/// The stored configs by identity (the first one listed for an identity).
fn stored_by_key(current: &[DialinConfig]) -> BTreeMap<Key, &DialinConfig> {
    let mut m = BTreeMap::new();
    for c in current {
        if let Some(k) = Key::of(&Values::of_settings(&c.config)) {
            m.entry(k).or_insert(c);
        }
    }
    m
}

/// Which entries of `domain`'s arrays move to `/domain-dialin-config`, given every stored config
/// (docs/daily-api.md#legacy-migration). Errors only when `domain` is not a domain config.
pub fn migrate(
    domain: &Value,
    current: &[DialinConfig],
    opts: &Options,
) -> Result<Migration, Vec<Issue>> {
    let stored = stored_by_key(current);
    let mut seen: BTreeMap<Key, String> = BTreeMap::new();
    let mut entries = Vec::new();
    let mut bodies = Vec::new();
    for (name, t, items) in arrays(domain)? {
        for (index, item) in items.iter().enumerate() {
            let path = cat!(name, "[", index, "]");
            let mut entry = LegacyEntry {
                array: name,
                index,
                identity: None,
                status: EntryStatus::Skipped { issues: Vec::new() },
            };
            let Some(obj) = item.as_object() else {
                entry.status = EntryStatus::Skipped {
                    issues: vec![Issue::error(
                        path.as_str(),
                        code::INVALID_TYPE,
                        cat!(
                            "an entry must be an object, not ",
                            validate::type_name(item)
                        ),
                    )],
                };
                entries.push(entry);
                continue;
            };
            let (body, notes) = body_of(&path, t, obj);
            let key = key_of_body(&body);
            entry.identity = key.as_ref().map(identity_of);
            let status = match key {
                None => EntryStatus::Skipped {
                    issues: vec![Issue::error(
                        path.as_str(),
                        legacy_code::NO_IDENTITY,
                        "this entry has neither phone_number nor name_prefix, so a config made \
                         from it could not be found again (a second run would make another): \
                         create it by hand, with a name_prefix",
                    )],
                },
                Some(k) => {
                    if let Some(first) = seen.get(&k) {
                        EntryStatus::Skipped {
                            issues: vec![Issue::error(
                                path.as_str(),
                                legacy_code::DUPLICATE_IDENTITY,
                                cat!(
                                    "the same ",
                                    k.field().path(),
                                    " as ",
                                    first.as_str(),
                                    ", which is the one moved"
                                ),
                            )],
                        }
                    } else if let Some(c) = stored.get(&k) {
                        seen.insert(k, path.clone());
                        EntryStatus::Exists {
                            id: c.id.clone(),
                            dialin_type: c.dialin_type,
                        }
                    } else {
                        seen.insert(k, path.clone());
                        let issues: Vec<Issue> = validate::validate_create(&body, opts)
                            .into_iter()
                            .map(|mut i| {
                                i.path = if i.path.is_empty() {
                                    path.clone()
                                } else {
                                    cat!(path.as_str(), ".", i.path.as_str())
                                };
                                i
                            })
                            .collect();
                        if has_errors(&issues) {
                            EntryStatus::Skipped { issues }
                        } else {
                            bodies.push(body);
                            let mut notes = notes;
                            notes.extend(issues);
                            EntryStatus::Migrate {
                                config: bodies.len() - 1,
                                notes,
                            }
                        }
                    }
                }
            };
            entry.status = status;
            entries.push(entry);
        }
    }
    let mut file = Map::new();
    file.insert("configs".into(), Value::Array(bodies));
    // Every body was validated above; a failure here would be a bug, reported rather than hidden.
    let desired = load(&Value::Object(file), Env::Unresolved, opts)?;
    Ok(Migration { entries, desired })
}

/// The arrays of `domain` without the entries that a stored config covers (a config with the
/// entry's identity, of either type): what `POST /v1/` must send to clear them without dropping a
/// number (docs/daily-api.md#legacy-migration). Read `domain` and `current` again just before.
pub fn clearing(domain: &Value, current: &[DialinConfig]) -> Result<Clearing, Vec<Issue>> {
    let stored = stored_by_key(current);
    let mut entries = Vec::new();
    let mut properties = Map::new();
    let mut cleared_any = false;
    for (name, _, items) in arrays(domain)? {
        let mut kept = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = cat!(name, "[", index, "]");
            // An entry names its identity with the same two keys as a create body.
            let key = key_of_body(item);
            let covered = key.as_ref().and_then(|k| stored.get(k));
            let status = match covered {
                Some(c) => {
                    cleared_any = true;
                    EntryStatus::Cleared {
                        id: c.id.clone(),
                        dialin_type: c.dialin_type,
                    }
                }
                None => {
                    kept.push(item.clone());
                    EntryStatus::Kept {
                        issues: vec![Issue::warning(
                            path.as_str(),
                            legacy_code::NOT_MIGRATED,
                            if key.is_some() {
                                "no config at /domain-dialin-config has this entry's number (or \
                                 name_prefix) yet: it stays in the array"
                            } else {
                                "this entry has neither phone_number nor name_prefix: it stays \
                                 in the array"
                            },
                        )],
                    }
                }
            };
            entries.push(LegacyEntry {
                array: name,
                index,
                identity: key.as_ref().map(identity_of),
                status,
            });
        }
        properties.insert(name.into(), Value::Array(kept));
    }
    Ok(Clearing {
        entries,
        properties: cleared_any.then_some(Sealed(Value::Object(properties))),
    })
}
