//! The desired-state file: reading, resolving `{ "env": "NAME" }` values, and validating it
//! whole (docs/daily-api.md#plan-file).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::{self, cat};

use alloc::collections::BTreeMap;
use serde_json::{Map, Value};

use super::{Field, Identity, Key, Values};
use crate::issue::{has_errors, Issue};
use crate::model::DialinType;
use crate::validate::{self, code as vcode, Options};

/// Issue codes of the file, besides those of `validate::code`.
pub mod code {
    /// Two configs of the file with one identity: the same `phone_number`, or the same
    /// `name_prefix` on two configs without a number (docs/daily-api.md#plan-identity).
    pub const DUPLICATE_IDENTITY: &str = "duplicate_identity";
    /// An `{ "env": "NAME" }` value whose variable is not set.
    pub const MISSING_ENV: &str = "missing_env";
}

/// Keys of the file's top-level object.
const TOP_KEYS: [&str; 3] = ["$schema", "version", "configs"];
/// The file format this release reads (docs/daily-api.md#plan-file).
pub const VERSION: u64 = 1;

/// Where `{ "env": "NAME" }` values come from.
#[derive(Clone, Copy)]
pub enum Env<'a> {
    Map(&'a BTreeMap<String, String>),
    Lookup(&'a dyn Fn(&str) -> Option<String>),
    /// Not resolved: [`validate_file`] checks the file without the values (offline, without the
    /// secrets); [`load`] reports each reference as [`code::MISSING_ENV`].
    Unresolved,
}

impl Env<'_> {
    /// `None` when unresolved; `Some(None)` when the variable is not set.
    fn get(&self, name: &str) -> Option<Option<String>> {
        match self {
            Env::Map(m) => Some(m.get(name).cloned()),
            Env::Lookup(f) => Some(f(name)),
            Env::Unresolved => None,
        }
    }
}

/// One config of the file, resolved and valid. It holds secrets: its `Debug` shows none.
#[derive(Clone, PartialEq)]
pub struct DesiredConfig {
    index: usize,
    dialin_type: DialinType,
    values: Values,
    /// The variable each field's value came from.
    env: BTreeMap<Field, String>,
}

impl DesiredConfig {
    /// Its position in the file's `configs`.
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn dialin_type(&self) -> DialinType {
        self.dialin_type
    }

    /// The environment variable that `f`'s value came from.
    pub fn env_var(&self, f: Field) -> Option<&str> {
        self.env.get(&f).map(String::as_str)
    }

    /// The create body (secrets included: send it, never show it).
    pub fn create_body(&self) -> Value {
        self.values.create_body(self.dialin_type)
    }

    pub(crate) fn values(&self) -> &Values {
        &self.values
    }

    pub(crate) fn key(&self) -> Key {
        // A loaded config always has one (a config without a number needs a name_prefix); the
        // fallback only keeps this total.
        Key::of(&self.values).unwrap_or(Key::Prefix(String::new()))
    }

    /// Its identity as plans show it: no value that came from the environment.
    pub fn identity(&self) -> Identity {
        let key = self.key();
        let field = key.field();
        let env = self.env_var(field).map(str::to_string);
        let (Key::Phone(v) | Key::Prefix(v)) = key;
        Identity {
            field,
            value: if env.is_some() { None } else { Some(v) },
            env,
        }
    }
}

impl core::fmt::Debug for DesiredConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DesiredConfig")
            .field("index", &self.index)
            .field("dialin_type", &self.dialin_type)
            .field("identity", &self.identity())
            .finish_non_exhaustive()
    }
}

/// A loaded file: its configs, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredState {
    configs: Vec<DesiredConfig>,
    pub warnings: Vec<Issue>,
}

impl DesiredState {
    /// In file order, identities unique.
    pub fn configs(&self) -> &[DesiredConfig] {
        &self.configs
    }
}

/// Every issue of the file (errors and warnings), each at its path in the file
/// (`configs[3].room_creation_api`). With [`Env::Unresolved`] the values from the environment
/// are not checked (nor are the identities they make, except by variable name).
pub fn validate_file(file: &Value, env: Env<'_>, opts: &Options) -> Vec<Issue> {
    read(file, env, opts, false).1
}

/// Reads, resolves and validates the file: its configs when it has no errors (warnings are kept
/// in [`DesiredState::warnings`]), else every issue.
pub fn load(file: &Value, env: Env<'_>, opts: &Options) -> Result<DesiredState, Vec<Issue>> {
    let (configs, issues) = read(file, env, opts, true);
    if has_errors(&issues) {
        return Err(issues);
    }
    Ok(DesiredState {
        configs,
        warnings: issues,
    })
}

/// A config's identity in the file: a value, or, unresolved, the variable's name.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ident {
    Value(Key),
    Env(Field, String),
}

impl Ident {
    fn field(&self) -> Field {
        match self {
            Ident::Value(k) => k.field(),
            Ident::Env(f, _) => *f,
        }
    }
}

fn read(file: &Value, env: Env<'_>, opts: &Options, need_values: bool) -> (Vec<DesiredConfig>, Vec<Issue>) {
    let mut out = Vec::new();
    let mut configs = Vec::new();
    let Value::Object(top) = file else {
        out.push(Issue::error(
            "",
            vcode::INVALID_TYPE,
            cat!(
                "the file must be a JSON object like { \"configs\": [ ... ] }, not ",
                validate::type_name(file)
            ),
        ));
        return (configs, out);
    };
    for (k, v) in top {
        match k.as_str() {
            "$schema" if !v.is_string() => out.push(wrong_type("$schema", "a string", v)),
            "version" => match v.as_u64() {
                Some(VERSION) => {}
                Some(_) => out.push(Issue::error(
                    "version",
                    vcode::INVALID_ENUM,
                    "version must be 1: this release reads version 1 files (a newer daily-dialin may read this one)",
                )),
                None => out.push(wrong_type("version", "the number 1", v)),
            },
            "$schema" | "configs" => {}
            _ => out.push(unknown_top_key(k)),
        }
    }
    let items = match top.get("configs") {
        None => {
            out.push(Issue::error(
                "configs",
                vcode::REQUIRED,
                "configs is required: the list of config create bodies",
            ));
            return (configs, out);
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            out.push(wrong_type("configs", "an array of config create bodies", other));
            return (configs, out);
        }
    };
    if items.is_empty() {
        out.push(Issue::warning(
            "configs",
            vcode::EMPTY,
            "configs is empty: a plan with prune would delete every config",
        ));
    }
    let mut seen: BTreeMap<Ident, (usize, bool)> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let Some(entry) = read_config(i, item, env, opts, need_values, &mut out) else {
            continue;
        };
        if let Some((ident, from_env)) = &entry.ident {
            match seen.get(ident) {
                Some((first, first_env)) => {
                    out.push(duplicate(i, *first, ident, *from_env || *first_env))
                }
                None => {
                    seen.insert(ident.clone(), (i, *from_env));
                }
            }
        }
        configs.extend(entry.config);
    }
    if has_errors(&out) {
        configs.clear();
    }
    (configs, out)
}

fn wrong_type(path: &str, expected: &str, v: &Value) -> Issue {
    Issue::error(
        path,
        vcode::INVALID_TYPE,
        cat!(path, " must be ", expected, ", not ", validate::type_name(v)),
    )
}

fn unknown_top_key(k: &str) -> Issue {
    let message = match validate::suggest_field(k, &TOP_KEYS) {
        Some(s) => cat!("unknown field ", k, "; did you mean ", s, "?"),
        None if validate::CREATE_FIELDS.contains(&k) => cat!(
            "unknown field ",
            k,
            "; config fields go in an entry of configs: { \"configs\": [ { \"type\": ..., ... } ] }"
        ),
        None => {
            let mut m = cat!("unknown field ", k, "; known fields: ");
            text::push_joined(&mut m, TOP_KEYS.iter().copied(), ", ");
            m
        }
    };
    Issue::error(k, vcode::UNKNOWN_FIELD, message)
}

fn duplicate(i: usize, first: usize, ident: &Ident, hide: bool) -> Issue {
    let field = ident.field();
    let path = cat!("configs[", i, "].", field.path());
    let shown = match ident {
        Ident::Value(Key::Phone(v) | Key::Prefix(v)) if !hide => cat!(" (", quote_plain(v), ")"),
        _ => String::new(),
    };
    let message = match field {
        Field::PhoneNumber => cat!(
            path,
            " is the number of configs[",
            first,
            "] too",
            shown,
            ": a number belongs to at most one config, and it is what a config is matched by"
        ),
        _ => cat!(
            path,
            " is the name_prefix of configs[",
            first,
            "] too",
            shown,
            ": configs without a phone_number are matched by name_prefix, so it must be unique among them"
        ),
    };
    Issue::error(path, code::DUPLICATE_IDENTITY, message)
}

/// A value in a message: JSON-quoted, so that it cannot break the line.
fn quote_plain(v: &str) -> String {
    let mut s = String::new();
    crate::request::write_json_str(v, &mut s);
    s
}

struct Entry {
    /// The config when it is valid and every value is resolved.
    config: Option<DesiredConfig>,
    /// Its identity, and whether it comes from the environment (then messages do not show it).
    ident: Option<(Ident, bool)>,
}

/// How an `{ "env": ... }` value was read.
enum Ref {
    Resolved(String),
    /// The variable's name, when the file is read without the environment.
    Unresolved(String),
    /// Not set, or not a valid reference: the issue is reported.
    Failed,
}

fn read_config(
    i: usize,
    item: &Value,
    env: Env<'_>,
    opts: &Options,
    need_values: bool,
    out: &mut Vec<Issue>,
) -> Option<Entry> {
    let base = cat!("configs[", i, "]");
    let at = |p: &str| if p.is_empty() { base.clone() } else { cat!(base, ".", p) };
    let Value::Object(m) = item else {
        out.push(Issue::error(
            base.clone(),
            vcode::INVALID_TYPE,
            cat!(
                base,
                " must be an object (a create body with type), not ",
                validate::type_name(item)
            ),
        ));
        return None;
    };
    let mut body = m.clone();
    // Fields whose value came from the environment, and fields taken out of the body because
    // their reference is unresolved or failed (their `required` issues are not the body's).
    let mut env_names: BTreeMap<Field, String> = BTreeMap::new();
    let mut unresolved: BTreeMap<Field, String> = BTreeMap::new();
    let mut removed: Vec<Field> = Vec::new();
    for f in Field::ALL {
        let Some(Value::Object(r)) = value_at(&body, f) else {
            continue;
        };
        let path = at(f.path());
        let outcome = match env_ref(&path, r, out) {
            Some(name) => match env.get(&name) {
                Some(Some(v)) => {
                    env_names.insert(f, name);
                    Ref::Resolved(v)
                }
                Some(None) => {
                    out.push(missing_env(&path, &name));
                    Ref::Failed
                }
                None if need_values => {
                    out.push(missing_env(&path, &name));
                    Ref::Failed
                }
                None => Ref::Unresolved(name),
            },
            None => Ref::Failed,
        };
        match outcome {
            Ref::Resolved(v) => set_at(&mut body, f, Some(Value::String(v))),
            Ref::Unresolved(name) => {
                unresolved.insert(f, name);
                removed.push(f);
                set_at(&mut body, f, None);
            }
            Ref::Failed => {
                removed.push(f);
                set_at(&mut body, f, None);
            }
        }
    }
    let issues = validate::validate_create(&Value::Object(body.clone()), opts);
    let type_is_ref = matches!(m.get("type"), Some(Value::Object(o)) if o.contains_key("env"));
    for issue in issues {
        let field = Field::ALL.into_iter().find(|f| f.path() == issue.path);
        if issue.code == vcode::REQUIRED && field.is_some_and(|f| removed.contains(&f)) {
            continue;
        }
        let path = at(&issue.path);
        let message = match field.and_then(|f| env_names.get(&f)) {
            Some(name) => withheld(&path, name, issue.code),
            None if type_is_ref && issue.path == "type" => cat!(
                path,
                " cannot come from the environment: it decides which fields apply; write \"pinless_dialin\" or \"pin_dialin\""
            ),
            None => issue.message,
        };
        out.push(Issue { path, message, ..issue });
    }
    let dialin_type = body
        .get("type")
        .and_then(Value::as_str)
        .and_then(DialinType::parse);
    // A field taken out of the body was not judged for its type
    // (docs/daily-api.md#rule-fields-by-type): its value does not matter for that.
    if let Some(t) = dialin_type {
        for f in removed.iter().filter(|f| f.keys().1.is_none() && !f.applies_to(t)) {
            let owner = match t {
                DialinType::PinDialin => DialinType::PinlessDialin,
                DialinType::PinlessDialin => DialinType::PinDialin,
            };
            out.push(Issue::error(
                at(f.path()),
                vcode::NOT_APPLICABLE,
                cat!(
                    f.path(),
                    " applies only to ",
                    owner.as_str(),
                    " configs, and this one is ",
                    t.as_str()
                ),
            ));
        }
    }

    // Identity (docs/daily-api.md#plan-identity).
    let value = |f: Field| value_at(&body, f).and_then(Value::as_str).map(str::to_string);
    let ident = |f: Field| {
        let ident = match (value(f), unresolved.get(&f)) {
            (Some(v), _) => Ident::Value(match f {
                Field::PhoneNumber => Key::Phone(v),
                _ => Key::Prefix(v),
            }),
            (None, Some(name)) => Ident::Env(f, name.clone()),
            (None, None) => return None,
        };
        let from_env = env_names.contains_key(&f) || unresolved.contains_key(&f);
        Some((ident, from_env))
    };
    let has_number = m.contains_key("phone_number");
    let ident = if has_number {
        ident(Field::PhoneNumber)
    } else {
        if !m.contains_key("name_prefix") && dialin_type != Some(DialinType::PinDialin) {
            out.push(Issue::error(
                at("name_prefix"),
                vcode::REQUIRED,
                cat!(
                    base,
                    " has no phone_number, so it is matched by its name_prefix: give it a name_prefix that no other config without a number in the file has"
                ),
            ));
            return None;
        }
        ident(Field::NamePrefix)
    };

    let mine = cat!(base, ".");
    let config_errors = out
        .iter()
        .any(|x| x.is_error() && (x.path == base || x.path.starts_with(&mine)));
    let config = match dialin_type {
        Some(t) if !config_errors && unresolved.is_empty() => {
            let mut values = Values::default();
            for f in Field::ALL {
                *values.slot(f) = value(f);
            }
            Some(DesiredConfig {
                index: i,
                dialin_type: t,
                values,
                env: env_names,
            })
        }
        _ => None,
    };
    Some(Entry { config, ident })
}

/// The value of `f` in a body, if any.
fn value_at(m: &Map<String, Value>, f: Field) -> Option<&Value> {
    match f.keys() {
        (key, None) => m.get(key),
        (key, Some(inner)) => m.get(key)?.as_object()?.get(inner),
    }
}

/// Sets (or removes) `f` in a body; a message's object is left in place.
fn set_at(m: &mut Map<String, Value>, f: Field, v: Option<Value>) {
    let (key, inner) = f.keys();
    let target = match inner {
        None => Some(m),
        Some(_) => m.get_mut(key).and_then(Value::as_object_mut),
    };
    let (Some(target), k) = (target, inner.unwrap_or(key)) else {
        return;
    };
    match v {
        Some(v) => {
            target.insert(k.to_string(), v);
        }
        None => {
            target.remove(k);
        }
    }
}

/// The variable's name of an `{ "env": "NAME" }` value at `path` (docs/daily-api.md#plan-env),
/// or `None` after reporting why it is not one.
fn env_ref(path: &str, r: &Map<String, Value>, out: &mut Vec<Issue>) -> Option<String> {
    let before = out.len();
    for k in r.keys().filter(|k| k.as_str() != "env") {
        let p = cat!(path, ".", k);
        out.push(Issue::error(
            p.clone(),
            vcode::UNKNOWN_FIELD,
            cat!(
                "unknown field ",
                p,
                "; a value from the environment is written { \"env\": \"NAME\" }"
            ),
        ));
    }
    let p = cat!(path, ".env");
    match r.get("env") {
        None => out.push(Issue::error(
            p,
            vcode::REQUIRED,
            cat!(
                path,
                " must be a string, or { \"env\": \"NAME\" } to read it from the environment variable NAME"
            ),
        )),
        Some(Value::String(name)) if name.is_empty() => out.push(Issue::error(
            p.clone(),
            vcode::EMPTY,
            cat!(p, " must name an environment variable"),
        )),
        Some(Value::String(name)) if !is_env_name(name) => out.push(Issue::error(
            p.clone(),
            vcode::INVALID_CHARS,
            cat!(
                p,
                " must be an environment variable name: letters, digits and _, not starting with a digit"
            ),
        )),
        Some(Value::String(name)) if out.len() == before => return Some(name.clone()),
        Some(Value::String(_)) => {}
        Some(other) => out.push(wrong_type(&p, "a string (a variable's name)", other)),
    }
    None
}

/// `[A-Za-z_][A-Za-z0-9_]*`, at most 256 characters (POSIX's portable names).
fn is_env_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    s.len() <= 256
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn missing_env(path: &str, name: &str) -> Issue {
    Issue::error(
        path,
        code::MISSING_ENV,
        cat!(
            path,
            " reads the environment variable ",
            name,
            ", which is not set; set it before planning"
        ),
    )
}

/// The message of an issue about a value from the environment: what is wrong, without the
/// value, since such values are secrets (docs/daily-api.md#plan-secrets).
fn withheld(path: &str, name: &str, code: &str) -> String {
    let what = match code {
        vcode::INVALID_PHONE_NUMBER => "is not a phone number in E.164 form (+, then 7 to 15 digits)",
        vcode::INVALID_URL => "is not an absolute http(s) URL written as a URL parser writes it",
        vcode::NOT_PUBLIC_URL => "names a host that Daily cannot reach (local or private)",
        vcode::INSECURE_URL => "uses http://; prefer https://",
        vcode::NOT_MP3 => "does not end in .mp3; Daily plays only MP3 files",
        vcode::INVALID_BASE64 => "is not standard, padded base64",
        vcode::WEAK_SECRET => "is a short secret: at least 16 bytes, 32 recommended",
        vcode::EMPTY => "is empty or blank",
        vcode::INVALID_CHARS => "contains a control character",
        _ => code,
    };
    cat!(
        path,
        " (from the environment variable ",
        name,
        ") ",
        what,
        "; the value is not shown because values from the environment are treated as secrets"
    )
}
