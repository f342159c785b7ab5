//! The configs-as-code exports (`feature = "client"`): `validateConfigsFile`, `planConfigs` and
//! `configsSchema`. No rules live here: each export reads its JS arguments, calls
//! [`crate::plan`] and turns the answer into plain JS objects (docs/daily-api.md#configs-as-code).

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use alloc::collections::BTreeMap;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use super::convert::{to_json, Converted, MAX_KEY_UNITS, MAX_STRING_UNITS, TOO_LARGE};
use super::issues::{issues_to_js, validation_error};
use super::js;
use super::ValidationReport;
use crate::issue::{has_errors, Issue};
use crate::model::DialinConfig;
use crate::plan::{self, Env, Step};
use crate::ts::Ts;
use crate::validate::{code, Options};

/// Most elements read from one array: a file or a list of stored configs larger than this is not
/// a realistic account (Daily's limits are far below), and reading stops there.
const MAX_ELEMENTS: u32 = 100_000;

#[wasm_bindgen(typescript_custom_section)]
const PLAN_TYPES: &'static str = r#"
/** Options of `validateConfigsFile`. */
export interface ValidateConfigsOptions {
    /** Where `{ "env": "NAME" }` values come from (e.g. `process.env`); without it, env references are checked offline (their names only). */
    env?: Record<string, string | undefined>;
    /** Accept localhost, loopback and private hosts in URLs (for the local emulator). */
    allowPrivateUrls?: boolean;
}

/** Options of `planConfigs`. */
export interface PlanConfigsOptions extends ValidateConfigsOptions {
    /** Delete the stored configs that the file does not hold (default: leave them, as `unmanaged`). */
    prune?: boolean;
}

/** A field that a plan compares, by its path in a create body. */
export type ConfigField = "phone_number" | "name_prefix" | "hmac" | "room_creation_api" | "hold_music_url" | "timeout_config.message" | "ivr_greeting.message";

/** Which config an action is about: its number, or `name_prefix` for one without a number. The value is absent when it is secret or comes from the environment (`env` names the variable). */
export interface ConfigIdentity { field: ConfigField; value?: string; env?: string; }

/** One changed field; a secret one (`hmac`, or a value from the environment) has no `old` / `new`. */
export interface ConfigFieldChange {
    field: ConfigField;
    change: "added" | "changed" | "removed";
    old?: string;
    new?: string;
    secret: boolean;
    env?: string;
}

/** One action of a plan (docs: Configs as code). */
export type ConfigPlanAction =
    | { kind: "create"; index: number; identity: ConfigIdentity; type: DialinType; changes: ConfigFieldChange[] }
    | { kind: "update"; index: number; id: string; identity: ConfigIdentity; type: DialinType; changes: ConfigFieldChange[]; kept: ConfigField[] }
    | { kind: "replace"; index: number; id: string; identity: ConfigIdentity; oldType: DialinType; newType: DialinType; changes: ConfigFieldChange[] }
    | { kind: "delete"; id: string; type: DialinType; identity?: ConfigIdentity; duplicateOf?: string }
    | { kind: "unchanged"; index: number; id: string; identity: ConfigIdentity; type: DialinType; kept: ConfigField[] }
    | { kind: "unmanaged"; id: string; type: DialinType; identity?: ConfigIdentity; duplicateOf?: string };

/** A request that carries out (part of) action `action` of the plan. Its bodies hold secrets: send them, never print them. */
export interface ConfigPlanStep {
    /** Index in `plan.actions`. */
    action: number;
    op: "create" | "update" | "delete";
    /** The config's id (update and delete). */
    id?: string;
    /** The request body (create and update). */
    body?: CreateDialinConfig | UpdateDialinConfig;
    /** On the create of a replace: the create body that puts the deleted config back if this create fails. */
    restore?: CreateDialinConfig;
}

/** The plan that brings the stored configs to a desired-state file. `JSON.stringify(plan)` holds no secret: the requests are in `steps`, a non-enumerable property. */
export interface ConfigPlan {
    prune: boolean;
    summary: { create: number; update: number; replace: number; delete: number; unchanged: number; unmanaged: number };
    actions: ConfigPlanAction[];
    /** Whether applying it changes anything. */
    hasChanges: boolean;
    /** The file's warnings. */
    warnings: Issue[];
    /** The plan for people (no colours); secrets show as changed or not. */
    text: string;
    /** The requests, in order (non-enumerable: not in `JSON.stringify(plan)`). */
    readonly steps: ConfigPlanStep[];
}

/** One entry of the legacy arrays and what becomes of it (docs: Migrating the legacy arrays). */
export interface LegacyEntry {
    array: "pinless_dialin" | "pin_dialin";
    index: number;
    identity?: ConfigIdentity;
    status: "migrate" | "exists" | "skipped" | "cleared" | "kept";
    /** migrate: the index of its config in the plan's file. */
    config?: number;
    /** migrate: fields left behind. */
    notes?: Issue[];
    /** exists / cleared: the stored config that has its identity. */
    id?: string;
    type?: DialinType;
    /** skipped / kept: why. */
    issues?: Issue[];
}

/** `planLegacyMigration`'s answer. */
export interface LegacyMigration { entries: LegacyEntry[]; plan: ConfigPlan; }

/** `planLegacyClearing`'s answer; `properties` (non-enumerable) is what `POST /v1/` sends when `hasChanges`. */
export interface LegacyClearing {
    entries: LegacyEntry[];
    hasChanges: boolean;
    readonly properties?: { pinless_dialin: unknown[]; pin_dialin: unknown[] };
}
"#;

/// Reads `v` like [`to_json`], except that the elements of an array (at the root, or as a value
/// of the root object) are read one by one, so that the adapter's size limits apply per config:
/// a file or a list of hundreds of configs is read whole.
fn read_large(v: &JsValue, path: &str) -> Converted {
    if let Ok(true) = js::is_array(v) {
        return read_array(v, path);
    }
    let Ok(keys) = js::object_keys(v) else {
        return to_json(v, path);
    };
    let is_object = v.is_object() && !v.is_function();
    if !is_object {
        return to_json(v, path);
    }
    let mut out = Converted::default();
    let mut map = Map::new();
    for k in keys.iter() {
        // Measured before it is copied into wasm memory, like `to_json` does for every key.
        if units(&k) > MAX_KEY_UNITS {
            out.issues.push(Issue::error(
                path,
                TOO_LARGE,
                cat!(
                    "a property name is longer than ",
                    MAX_KEY_UNITS,
                    " characters"
                ),
            ));
            continue;
        }
        let Some(name) = k.as_string() else { continue };
        let sub = if path.is_empty() {
            name.clone()
        } else {
            cat!(path, ".", name.as_str())
        };
        let val = match js::get(v, &k) {
            Ok(val) => val,
            Err(_) => {
                out.issues.push(Issue::error(
                    sub.as_str(),
                    code::INVALID_TYPE,
                    "this property could not be read",
                ));
                out.dropped.push(sub);
                continue;
            }
        };
        let c = if let Ok(true) = js::is_array(&val) {
            read_array(&val, &sub)
        } else {
            to_json(&val, &sub)
        };
        map.insert(name, c.value.clone());
        out.absorb(c);
    }
    out.value = Value::Object(map);
    out
}

/// The length in UTF-16 code units of a JS string (0 for any other value), read without copying it.
fn units(v: &JsValue) -> u32 {
    v.dyn_ref::<js_sys::JsString>().map_or(0, |s| s.length())
}

fn read_array(v: &JsValue, path: &str) -> Converted {
    let len = js::get(v, &JsValue::from_str("length"))
        .ok()
        .and_then(|l| l.as_f64())
        .unwrap_or(0.0);
    let mut out = Converted::default();
    if !(0.0..=MAX_ELEMENTS as f64).contains(&len) {
        out.issues.push(Issue::error(
            path,
            TOO_LARGE,
            cat!("more than ", MAX_ELEMENTS, " elements"),
        ));
        out.dropped.push(path.to_string());
        return out;
    }
    let mut items = Vec::new();
    for i in 0..len as u32 {
        let sub = cat!(path, "[", i, "]");
        let c = match js::get(v, &JsValue::from(i)) {
            Ok(e) => to_json(&e, &sub),
            Err(_) => {
                let mut c = Converted::default();
                c.issues.push(Issue::error(
                    sub.as_str(),
                    code::INVALID_TYPE,
                    "this element could not be read",
                ));
                c
            }
        };
        items.push(c.value.clone());
        out.absorb(c);
    }
    out.value = Value::Array(items);
    out
}

/// The options: `env` (string values only; others are treated as unset), `allowPrivateUrls`,
/// `prune`.
struct PlanOptions {
    env: Option<BTreeMap<String, String>>,
    opts: Options,
    prune: bool,
    issues: Vec<Issue>,
}

fn read_options(o: &JsValue) -> PlanOptions {
    let mut out = PlanOptions {
        env: None,
        opts: Options::default(),
        prune: false,
        issues: Vec::new(),
    };
    if o.is_undefined() || o.is_null() {
        return out;
    }
    if !o.is_object() {
        out.issues.push(Issue::error(
            "",
            code::INVALID_TYPE,
            "the options must be an object like { env: process.env }",
        ));
        return out;
    }
    let flag = |key: &str, issues: &mut Vec<Issue>| match js::get(o, &JsValue::from_str(key)) {
        Ok(v) if v.is_undefined() || v.is_null() => false,
        Ok(v) => v.as_bool().unwrap_or_else(|| {
            issues.push(Issue::error(
                key,
                code::INVALID_TYPE,
                cat!("the option ", key, " must be true or false"),
            ));
            false
        }),
        Err(_) => false,
    };
    out.opts.allow_private_urls = flag("allowPrivateUrls", &mut out.issues);
    out.prune = flag("prune", &mut out.issues);
    if let Ok(env) = js::get(o, &JsValue::from_str("env")) {
        if env.is_object() {
            let mut m = BTreeMap::new();
            if let Ok(keys) = js::object_keys(&env) {
                for k in keys.iter() {
                    // Over-long names and values are left out (read as unset) before they are
                    // copied into wasm memory.
                    if units(&k) > MAX_KEY_UNITS {
                        continue;
                    }
                    let (Some(name), Ok(val)) = (k.as_string(), js::get(&env, &k)) else {
                        continue;
                    };
                    if units(&val) > MAX_STRING_UNITS {
                        continue;
                    }
                    if let Some(s) = val.as_string() {
                        m.insert(name, s);
                    }
                }
            }
            out.env = Some(m);
        } else if !(env.is_undefined() || env.is_null()) {
            out.issues.push(Issue::error(
                "env",
                code::INVALID_TYPE,
                "the option env must be an object of strings, like process.env",
            ));
        }
    }
    out
}

fn env_of(m: &Option<BTreeMap<String, String>>) -> Env<'_> {
    m.as_ref().map_or(Env::Unresolved, Env::Map)
}

/// Validates a desired-state file (any JS value): every issue, each at its path in the file
/// (`configs[3].hmac`). Without `opts.env` the `{ "env": "NAME" }` values are checked offline.
#[wasm_bindgen(js_name = validateConfigsFile)]
pub fn validate_configs_file(
    #[wasm_bindgen(unchecked_param_type = "unknown")] file: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateConfigsOptions")] opts: JsValue,
) -> Ts<ValidationReport> {
    let o = read_options(&opts);
    let read = read_large(&file, "");
    let mut issues = o.issues.clone();
    issues.extend(read.issues.clone());
    let core = plan::validate_file(&read.value, env_of(&o.env), &o.opts);
    let issues = Converted {
        issues,
        dropped: read.dropped,
        value: Value::Null,
    }
    .merge(core);
    Ts::new_unchecked(js::object(&[
        ("ok", JsValue::from_bool(!has_errors(&issues))),
        ("issues", issues_to_js(&issues)),
    ]))
}

/// A JSON value as a JS value (through `JSON.parse`, which cannot fail on serde_json's output).
fn json_to_js(v: &impl serde::Serialize) -> JsValue {
    serde_json::to_string(v)
        .ok()
        .and_then(|s| js::json_parse(&s).ok())
        .unwrap_or(JsValue::NULL)
}

/// Plans the file against `current` (every stored config, e.g. from `client.listAll()`); throws a
/// `ValidationError` when the file, the configs or the options have errors.
#[wasm_bindgen(js_name = planConfigs, unchecked_return_type = "ConfigPlan")]
pub fn plan_configs(
    #[wasm_bindgen(unchecked_param_type = "unknown")] file: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DialinConfig[]")] current: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "PlanConfigsOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let (o, stored) = read_inputs(&opts, &current)?;
    let read = read_large(&file, "");
    let read_issues = read.issues.clone();
    let dropped = read.dropped.clone();
    let desired = match plan::load(&read.value, env_of(&o.env), &o.opts) {
        Ok(d) if read_issues.is_empty() => d,
        Ok(d) => {
            let issues = Converted {
                issues: read_issues,
                dropped,
                value: Value::Null,
            }
            .merge(d.warnings.clone());
            return Err(validation_error("configs file", &issues));
        }
        Err(core) => {
            let issues = Converted {
                issues: read_issues,
                dropped,
                value: Value::Null,
            }
            .merge(core);
            return Err(validation_error("configs file", &issues));
        }
    };
    let p = plan::plan(&desired, &stored, o.prune);
    Ok(plan_to_js(&p, &desired.warnings))
}

/// A plan as `ConfigPlan`: its JSON, `hasChanges`, `warnings`, `text`, and the request bodies in a
/// non-enumerable `steps`.
fn plan_to_js(p: &plan::Plan, warnings: &[Issue]) -> JsValue {
    let out = json_to_js(p);
    let set = |k: &str, v: &JsValue| {
        let _ = js::set(&out, &JsValue::from_str(k), v);
    };
    set("hasChanges", &JsValue::from_bool(p.has_changes()));
    set("warnings", &issues_to_js(warnings));
    set("text", &JsValue::from_str(&p.render_text()));
    let steps = js_sys::Array::new();
    for (i, a) in p.actions.iter().enumerate() {
        let restore = a.restore_body();
        for s in a.steps() {
            let mut props = vec![("action", JsValue::from(i as u32))];
            match s {
                Step::Create { body } => {
                    props.push(("op", JsValue::from_str("create")));
                    props.push(("body", json_to_js(body)));
                    if let Some(r) = restore {
                        props.push(("restore", json_to_js(r)));
                    }
                }
                Step::Update { id, body } => {
                    props.push(("op", JsValue::from_str("update")));
                    props.push(("id", JsValue::from_str(id)));
                    props.push(("body", json_to_js(body)));
                }
                Step::Delete { id } => {
                    props.push(("op", JsValue::from_str("delete")));
                    props.push(("id", JsValue::from_str(id)));
                }
            }
            steps.push(&js::object(&props));
        }
    }
    hide(&out, "steps", steps.into());
    out
}

/// Reads a domain config (the answer of `GET /v1/`): its `config` object with each array read
/// element by element (`read_large`), so that long arrays are read whole.
fn read_domain(domain: &JsValue) -> Result<Value, JsValue> {
    let config = if domain.is_object() {
        js::get(domain, &JsValue::from_str("config")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let read = read_large(&config, "config");
    if has_errors(&read.issues) {
        return Err(validation_error("domain config", &read.issues));
    }
    let mut m = Map::new();
    m.insert("config".into(), read.value);
    Ok(Value::Object(m))
}

/// Plans moving the legacy arrays of `domain` (the answer of `GET /v1/`) to configs, given every
/// stored config (docs/daily-api.md#legacy-migration): `{ entries, plan }`, the plan being a
/// `ConfigPlan` of creates (each `hmac` kept, in its non-enumerable `steps`).
#[wasm_bindgen(js_name = planLegacyMigration, unchecked_return_type = "LegacyMigration")]
pub fn plan_legacy_migration(
    #[wasm_bindgen(unchecked_param_type = "unknown")] domain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DialinConfig[]")] current: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateConfigsOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let (o, stored) = read_inputs(&opts, &current)?;
    let d = read_domain(&domain)?;
    let m = plan::legacy::migrate(&d, &stored, &o.opts)
        .map_err(|issues| validation_error("domain config", &issues))?;
    let p = plan::plan(&m.desired, &stored, false);
    Ok(js::object(&[
        ("entries", json_to_js(&m.entries)),
        ("plan", plan_to_js(&p, &m.desired.warnings)),
    ]))
}

/// What clearing the legacy arrays of `domain` removes, given every stored config read after the
/// migration (docs/daily-api.md#legacy-migration): `{ entries, hasChanges }`, and in the
/// non-enumerable `properties` the body's `properties` for `POST /v1/` (the kept entries as read,
/// `hmac` included).
#[wasm_bindgen(js_name = planLegacyClearing, unchecked_return_type = "LegacyClearing")]
pub fn plan_legacy_clearing(
    #[wasm_bindgen(unchecked_param_type = "unknown")] domain: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DialinConfig[]")] current: JsValue,
) -> Result<JsValue, JsValue> {
    let stored = read_current(&current)?;
    let d = read_domain(&domain)?;
    let c = plan::legacy::clearing(&d, &stored)
        .map_err(|issues| validation_error("domain config", &issues))?;
    let out = js::object(&[
        ("entries", json_to_js(&c.entries)),
        ("hasChanges", JsValue::from_bool(c.properties.is_some())),
    ]);
    if let Some(props) = &c.properties {
        // The kept entries hold their `hmac`.
        hide(&out, "properties", json_to_js(props.expose()));
    }
    Ok(out)
}

/// The options and the stored configs of a plan, or a `ValidationError`.
fn read_inputs(
    opts: &JsValue,
    current: &JsValue,
) -> Result<(PlanOptions, Vec<DialinConfig>), JsValue> {
    let o = read_options(opts);
    if has_errors(&o.issues) {
        return Err(validation_error("options", &o.issues));
    }
    Ok((o, read_current(current)?))
}

/// Sets `key` on `out` as a non-enumerable property, so that `JSON.stringify(out)` and
/// `console.log(out)` never show the secrets it holds (docs/daily-api.md#plan-secrets).
fn hide(out: &JsValue, key: &str, value: JsValue) {
    let desc = js::object(&[("value", value)]);
    let _ = js_sys::Reflect::define_property(
        out.unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str(key),
        desc.unchecked_ref::<js_sys::Object>(),
    );
}

/// Reads the stored configs (an array of `DialinConfig`), or throws a `ValidationError`.
fn read_current(current: &JsValue) -> Result<Vec<DialinConfig>, JsValue> {
    if !matches!(js::is_array(current), Ok(true)) {
        return Err(validation_error(
            "current configs",
            &[Issue::error(
                "",
                code::INVALID_TYPE,
                "the current configs must be an array of DialinConfig (e.g. from client.listAll())",
            )],
        ));
    }
    let read = read_array(current, "");
    if !read.issues.is_empty() {
        return Err(validation_error("current configs", &read.issues));
    }
    let Value::Array(items) = read.value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<DialinConfig>(item) {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(validation_error(
                    "current configs",
                    &[Issue::error(
                        cat!("[", i, "]").as_str(),
                        code::INVALID_TYPE,
                        "this is not a DialinConfig as Daily returns it (id, type, settings)",
                    )],
                ))
            }
        }
    }
    Ok(out)
}

/// The JSON Schema (2020-12) of a desired-state file, as text (the package ships it as
/// `daily-dialin/configs.schema.json`).
#[wasm_bindgen(js_name = configsSchema)]
pub fn configs_schema() -> String {
    plan::FILE_SCHEMA.to_string()
}

// ---- upsert and changeType (docs/daily-api.md#upsert): internal exports for the module's
// pkg-template/upsert.js, which does their I/O (undeclared, `skip_typescript`, and not
// re-exported by the entries, as every `__` export). Each reads its arguments, calls
// `crate::upsert` and converts the answer; a refusal is thrown as a `ValidationError` with every
// issue.

/// A JS value as JSON, or the `ValidationError` of what could not be read.
fn read_value(v: &JsValue, what: &str) -> Result<Value, JsValue> {
    let read = to_json(v, "");
    if has_errors(&read.issues) {
        return Err(validation_error(what, &read.issues));
    }
    Ok(read.value)
}

/// An array of stored configs (a list's answer) as JSON values, read one by one.
fn read_found(v: &JsValue) -> Result<Vec<Value>, JsValue> {
    let read = read_array(v, "");
    match read.value {
        Value::Array(items) if !has_errors(&read.issues) => Ok(items),
        _ => Err(validation_error("current configs", &read.issues)),
    }
}

/// upsert's list query for `body` (`{ phone_number }` or `{ name_prefix }`), after checking the
/// body by the create rules; throws a `ValidationError` with every issue otherwise.
#[wasm_bindgen(js_name = __upsertQuery, skip_typescript)]
pub fn upsert_query(body: JsValue) -> Result<JsValue, JsValue> {
    let body = read_value(&body, "create body")?;
    let (field, value) = crate::upsert::upsert_query(&body)
        .map_err(|issues| validation_error("create body", &issues))?;
    Ok(js::object(&[(field, JsValue::from_str(value))]))
}

/// What upsert sends after listing `found`: `{ id, body }` for an update, `undefined` for a create;
/// throws a `ValidationError` for a refusal (`other_type`, `ambiguous`).
#[wasm_bindgen(js_name = __upsertNext, skip_typescript)]
pub fn upsert_next(body: JsValue, found: JsValue) -> Result<JsValue, JsValue> {
    let body = read_value(&body, "create body")?;
    let found = read_found(&found)?;
    match crate::upsert::upsert_next(&body, &found) {
        Ok(crate::upsert::UpsertNext::Create) => Ok(JsValue::UNDEFINED),
        Ok(crate::upsert::UpsertNext::Update { id, body }) => Ok(js::object(&[
            ("id", JsValue::from_str(&id)),
            ("body", json_to_js(&body)),
        ])),
        Err(issue) => Err(validation_error("upsert body", &[issue])),
    }
}

/// The config with `number` among `found`, or a `ValidationError` (`no_config`).
#[wasm_bindgen(js_name = __configWithNumber, skip_typescript)]
pub fn config_with_number(number: JsValue, found: JsValue) -> Result<JsValue, JsValue> {
    let number = number.as_string().unwrap_or_default();
    let found = read_found(&found)?;
    crate::upsert::config_with_number(&number, &found)
        .map(json_to_js)
        .map_err(|issue| validation_error("changeType target", &[issue]))
}

/// What changeType sends for `stored`: `{ id, update }` (same type) or `{ id, create, restore }`;
/// throws a `ValidationError` with every issue of a refusal.
#[wasm_bindgen(js_name = __changeTypeNext, skip_typescript)]
pub fn change_type_next(body: JsValue, stored: JsValue) -> Result<JsValue, JsValue> {
    use crate::upsert::ChangeTypeNext;
    let body = read_value(&body, "create body")?;
    let stored = read_value(&stored, "stored config")?;
    match crate::upsert::change_type_next(&body, &stored) {
        Ok(ChangeTypeNext::Update { id, body }) => Ok(js::object(&[
            ("id", JsValue::from_str(&id)),
            ("update", json_to_js(&body)),
        ])),
        Ok(ChangeTypeNext::Replace {
            id,
            create,
            restore,
        }) => Ok(js::object(&[
            ("id", JsValue::from_str(&id)),
            ("create", json_to_js(&create)),
            ("restore", json_to_js(&restore)),
        ])),
        Err(issues) => Err(validation_error("changeType body", &issues)),
    }
}
