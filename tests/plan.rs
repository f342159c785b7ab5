//! Configs as code (docs/daily-api.md#configs-as-code): loading a desired-state file, the plan of
//! every action kind, identities, secrets, ordering, prune, and, with an in-memory Daily that
//! follows the emulator's rules, idempotence and a property: applying a plan yields exactly the
//! file's configs, and no step leaves two configs with one number.

use std::collections::BTreeMap;

use daily_dialin::issue::{Issue, Severity};
use daily_dialin::model::{
    CreateDialinConfig, DialinConfig, DialinConfigSettings, DialinType, UpdateDialinConfig,
};
use daily_dialin::plan::{
    load, plan, validate_file, Action, Change, DesiredState, Env, Field, Plan, Step,
};
use daily_dialin::validate::{validate_create, validate_update, Options};
use proptest::prelude::*;
use serde_json::{json, Value};

const SECRET_A: &str = "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=";
const SECRET_B: &str = "c2VjcmV0LWJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";
const SECRET_C: &str = "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M=";
const HOOK: &str = "https://example.com/api/dial";
const HOOK2: &str = "https://hooks.example.org/dial";

fn opts() -> Options {
    Options::default()
}

fn env_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn load_ok(file: &Value, env: &BTreeMap<String, String>) -> DesiredState {
    match load(file, Env::Map(env), &opts()) {
        Ok(d) => d,
        Err(issues) => panic!("the file does not load: {issues:#?}"),
    }
}

fn stored(id: &str, t: DialinType, settings: Value) -> DialinConfig {
    DialinConfig {
        id: id.to_string(),
        dialin_type: t,
        config: serde_json::from_value(settings).unwrap(),
    }
}

fn kind(a: &Action) -> &'static str {
    match a {
        Action::Create { .. } => "create",
        Action::Update { .. } => "update",
        Action::Replace { .. } => "replace",
        Action::Delete { .. } => "delete",
        Action::Unchanged { .. } => "unchanged",
        Action::Unmanaged { .. } => "unmanaged",
    }
}

fn kinds(p: &Plan) -> Vec<&'static str> {
    p.actions.iter().map(kind).collect()
}

/// (path, code, severity) of each issue, sorted.
fn summary(issues: &[Issue]) -> Vec<(String, &'static str, Severity)> {
    let mut s: Vec<_> = issues
        .iter()
        .map(|i| (i.path.clone(), i.code, i.severity))
        .collect();
    s.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    s
}

fn e(path: &str, code: &'static str) -> (String, &'static str, Severity) {
    (path.to_string(), code, Severity::Error)
}

// ---------------------------------------------------------------------------------------------
// An in-memory Daily with the emulator's semantics (emulator/src/store.rs): create validates,
// refuses a number already used, generates a pinless `hmac` when none is given and assigns a
// `sip_uri`; update validates against the stored type, merges (present fields replace, omitted
// ones, `hmac` included, stay) and refuses a number used by another config; delete removes.

struct Daily {
    configs: Vec<DialinConfig>,
    next: u64,
}

impl Daily {
    fn new(configs: Vec<DialinConfig>) -> Daily {
        Daily { configs, next: 0 }
    }

    fn number_taken(&self, phone: Option<&str>, except: Option<&str>) -> bool {
        phone.is_some_and(|p| {
            self.configs.iter().any(|c| {
                c.config.phone_number.as_deref() == Some(p) && Some(c.id.as_str()) != except
            })
        })
    }

    fn step(&mut self, s: &Step<'_>) -> Result<(), String> {
        match s {
            Step::Create { body } => {
                let issues = validate_create(*body, &opts());
                if issues.iter().any(Issue::is_error) {
                    return Err(format!("create refused: {issues:?}"));
                }
                self.next += 1;
                let n = self.next;
                let (dialin_type, config) =
                    match serde_json::from_value(Value::clone(body)).map_err(|e| e.to_string())? {
                        CreateDialinConfig::PinlessDialin(f) => (
                            DialinType::PinlessDialin,
                            DialinConfigSettings {
                                phone_number: f.phone_number,
                                name_prefix: f.name_prefix,
                                hmac: Some(f.hmac.unwrap_or_else(|| generated_hmac(n))),
                                room_creation_api: Some(f.room_creation_api),
                                hold_music_url: f.hold_music_url,
                                timeout_config: f.timeout_config,
                                ivr_greeting: None,
                                sip_uri: Some(format!("static-address--{n}@test.sip")),
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
                if self.number_taken(config.phone_number.as_deref(), None) {
                    return Err("create refused: the number is used".into());
                }
                self.configs.push(DialinConfig {
                    id: format!("new-{n}"),
                    dialin_type,
                    config,
                });
            }
            Step::Update { id, body } => {
                let at = self
                    .configs
                    .iter()
                    .position(|c| c.id == *id)
                    .ok_or("update: not found")?;
                let t = self.configs[at].dialin_type;
                let issues = validate_update(*body, Some(t), &opts());
                if issues.iter().any(Issue::is_error) {
                    return Err(format!("update refused: {issues:?}"));
                }
                let p: UpdateDialinConfig =
                    serde_json::from_value(Value::clone(body)).map_err(|e| e.to_string())?;
                if self.number_taken(p.phone_number.as_deref(), Some(id)) {
                    return Err("update refused: the number is used".into());
                }
                let c = &mut self.configs[at].config;
                c.phone_number = p.phone_number.or(c.phone_number.take());
                c.name_prefix = p.name_prefix.or(c.name_prefix.take());
                c.hmac = p.hmac.or(c.hmac.take());
                c.room_creation_api = p.room_creation_api.or(c.room_creation_api.take());
                c.hold_music_url = p.hold_music_url.or(c.hold_music_url.take());
                c.timeout_config = p.timeout_config.or(c.timeout_config.take());
                c.ivr_greeting = p.ivr_greeting.or(c.ivr_greeting.take());
            }
            Step::Delete { id } => {
                let at = self
                    .configs
                    .iter()
                    .position(|c| c.id == *id)
                    .ok_or("delete: not found")?;
                self.configs.remove(at);
            }
        }
        Ok(())
    }

    /// Runs every step of the plan, checking after each that no number is held twice.
    fn apply(&mut self, p: &Plan) -> Result<(), String> {
        for s in p.steps() {
            self.step(&s)?;
            let mut numbers: Vec<_> = self
                .configs
                .iter()
                .filter_map(|c| c.config.phone_number.as_deref())
                .collect();
            let n = numbers.len();
            numbers.sort_unstable();
            numbers.dedup();
            if numbers.len() != n {
                return Err("a step left two configs with one number".into());
            }
        }
        Ok(())
    }
}

/// A distinct 32-byte base64 secret per creation.
fn generated_hmac(n: u64) -> String {
    use base64::Engine;
    let mut bytes = [7u8; 32];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---------------------------------------------------------------------------------------------

fn pinless(phone: &str) -> Value {
    json!({ "type": "pinless_dialin", "phone_number": phone, "room_creation_api": HOOK })
}

fn pin(phone: &str) -> Value {
    json!({ "type": "pin_dialin", "phone_number": phone })
}

/// docs/daily-api.md#plan-diff, #plan-replace, #plan-order
#[test]
fn every_action_kind() {
    let file = json!({ "configs": [
        pinless("+12095550100"),
        { "type": "pinless_dialin", "phone_number": "+12095550101", "room_creation_api": HOOK,
          "hold_music_url": "https://example.com/new.mp3" },
        { "type": "pinless_dialin", "phone_number": "+12095550102", "room_creation_api": HOOK },
        pin("+12095550103"),
    ]});
    let current = vec![
        stored(
            "gone",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550199" }),
        ),
        stored(
            "upd",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550101", "room_creation_api": HOOK,
                    "hold_music_url": "https://example.com/old.mp3", "hmac": SECRET_A,
                    "timeout_config": { "message": "Sorry" }, "sip_uri": "x@sip" }),
        ),
        stored(
            "rep",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550102", "ivr_greeting": { "message": "PIN?" } }),
        ),
        stored(
            "same",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550103" }),
        ),
    ];
    let desired = load_ok(&file, &BTreeMap::new());

    let p = plan(&desired, &current, true);
    assert_eq!(
        kinds(&p),
        ["create", "update", "replace", "unchanged", "delete"]
    );
    assert_eq!(
        (p.summary.create, p.summary.update, p.summary.replace),
        (1, 1, 1)
    );
    assert_eq!(
        (p.summary.delete, p.summary.unchanged, p.summary.unmanaged),
        (1, 1, 0)
    );
    assert!(p.has_changes());

    let Action::Update {
        index,
        id,
        changes,
        kept,
        ..
    } = &p.actions[1]
    else {
        panic!("{:?}", p.actions[1]);
    };
    assert_eq!((*index, id.as_str()), (1, "upd"));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, Field::HoldMusicUrl);
    assert_eq!(changes[0].change, Change::Changed);
    assert_eq!(
        changes[0].old.as_deref(),
        Some("https://example.com/old.mp3")
    );
    assert_eq!(
        changes[0].new.as_deref(),
        Some("https://example.com/new.mp3")
    );
    // The stored message is kept (the file omits it); the stored hmac is neither a change nor
    // listed (docs/daily-api.md#plan-diff).
    assert_eq!(kept, &[Field::TimeoutMessage]);
    // The update sends the changed field only.
    match &p.actions[1].steps()[..] {
        [Step::Update { id, body }] => {
            assert_eq!(*id, "upd");
            assert_eq!(
                **body,
                json!({ "hold_music_url": "https://example.com/new.mp3" })
            );
        }
        _ => panic!("one PUT"),
    }

    let Action::Replace {
        id,
        old_type,
        new_type,
        changes,
        ..
    } = &p.actions[2]
    else {
        panic!("{:?}", p.actions[2]);
    };
    assert_eq!(id, "rep");
    assert_eq!(
        (*old_type, *new_type),
        (DialinType::PinDialin, DialinType::PinlessDialin)
    );
    let fields: Vec<_> = changes.iter().map(|c| (c.field, c.change)).collect();
    assert_eq!(
        fields,
        [
            (Field::RoomCreationApi, Change::Added),
            (Field::IvrGreetingMessage, Change::Removed)
        ]
    );
    // Delete, then create (docs/daily-api.md#plan-replace); the old body is kept to restore it.
    match &p.actions[2].steps()[..] {
        [Step::Delete { id }, Step::Create { body }] => {
            assert_eq!(*id, "rep");
            assert_eq!(**body, file["configs"][2]);
        }
        _ => panic!("delete then create"),
    }
    assert_eq!(
        p.actions[2].restore_body(),
        Some(
            &json!({ "type": "pin_dialin", "phone_number": "+12095550102", "ivr_greeting": { "message": "PIN?" } })
        )
    );

    match &p.actions[0].steps()[..] {
        [Step::Create { body }] => assert_eq!(**body, file["configs"][0]),
        _ => panic!("one POST"),
    }
    assert!(p.actions[3].steps().is_empty());
    assert!(matches!(&p.actions[4], Action::Delete { id, duplicate_of: None, .. } if id == "gone"));

    // Without prune the config that the file does not hold is left alone, after the rest.
    let p = plan(&desired, &current, false);
    assert_eq!(
        kinds(&p),
        ["create", "update", "replace", "unchanged", "unmanaged"]
    );
    assert!(p.actions[4].steps().is_empty());

    // Nothing to do: no changes.
    let mut daily = Daily::new(current.clone());
    daily.apply(&plan(&desired, &current, true)).unwrap();
    let again = plan(&desired, &daily.configs, true);
    assert!(!again.has_changes(), "{}", again.render_text());
    assert!(again
        .render_text()
        .ends_with("No changes: 4 unchanged, 0 unmanaged.\n"));
}

/// docs/daily-api.md#plan-identity
#[test]
fn identity_is_the_number_or_for_configs_without_one_the_name_prefix() {
    let file = json!({ "configs": [
        { "type": "pinless_dialin", "name_prefix": "trunk", "room_creation_api": HOOK2 },
        { "type": "pinless_dialin", "phone_number": "+12095550100", "name_prefix": "support",
          "room_creation_api": HOOK },
    ]});
    let desired = load_ok(&file, &BTreeMap::new());
    let current = vec![
        // A numbered config named "trunk" is not the SIP-only "trunk".
        stored(
            "numbered-trunk",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550177", "name_prefix": "trunk", "room_creation_api": HOOK2 }),
        ),
        stored(
            "sip-trunk",
            DialinType::PinlessDialin,
            json!({ "name_prefix": "trunk", "room_creation_api": HOOK }),
        ),
        // The number matches whatever the name_prefix.
        stored(
            "by-number",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550100", "name_prefix": "old", "room_creation_api": HOOK }),
        ),
        // Neither field: never matched.
        stored(
            "anonymous",
            DialinType::PinlessDialin,
            json!({ "room_creation_api": HOOK }),
        ),
    ];
    let p = plan(&desired, &current, false);
    assert_eq!(kinds(&p), ["update", "update", "unmanaged", "unmanaged"]);
    let ids: Vec<_> = p
        .actions
        .iter()
        .map(|a| match a {
            Action::Update { id, .. } | Action::Unmanaged { id, .. } => id.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(
        ids,
        ["sip-trunk", "by-number", "numbered-trunk", "anonymous"]
    );
    let Action::Update { changes, .. } = &p.actions[1] else {
        unreachable!()
    };
    assert_eq!(changes[0].field, Field::NamePrefix);
    assert!(matches!(
        &p.actions[3],
        Action::Unmanaged { identity: None, .. }
    ));
    assert!(p.render_text().contains(
        "? unmanaged id \"anonymous\" (no phone_number or name_prefix) (pinless_dialin)"
    ));
}

/// Daily may store several number-less configs with one name_prefix: the one that needs no
/// change is matched, the others are duplicates (docs/daily-api.md#plan-identity).
#[test]
fn several_stored_configs_with_one_identity() {
    let file = json!({ "configs": [
        { "type": "pinless_dialin", "name_prefix": "trunk", "room_creation_api": HOOK2 },
    ]});
    let desired = load_ok(&file, &BTreeMap::new());
    let current = vec![
        stored(
            "a",
            DialinType::PinDialin,
            json!({ "name_prefix": "trunk" }),
        ),
        stored(
            "b",
            DialinType::PinlessDialin,
            json!({ "name_prefix": "trunk", "room_creation_api": HOOK }),
        ),
        stored(
            "c",
            DialinType::PinlessDialin,
            json!({ "name_prefix": "trunk", "room_creation_api": HOOK2 }),
        ),
    ];
    let p = plan(&desired, &current, false);
    assert_eq!(kinds(&p), ["unchanged", "unmanaged", "unmanaged"]);
    assert!(matches!(&p.actions[0], Action::Unchanged { id, .. } if id == "c"));
    for a in &p.actions[1..] {
        assert!(
            matches!(a, Action::Unmanaged { duplicate_of: Some(d), .. } if d == "c"),
            "{a:?}"
        );
    }
    // Without an exact match, one of the same type is updated rather than another replaced.
    let p = plan(&desired, &current[..2], true);
    assert_eq!(kinds(&p), ["update", "delete"]);
    assert!(matches!(&p.actions[0], Action::Update { id, .. } if id == "b"));
    assert!(
        matches!(&p.actions[1], Action::Delete { id, duplicate_of: Some(d), .. } if id == "a" && d == "b")
    );
    // Only a config of the other type: replaced.
    let p = plan(&desired, &current[..1], true);
    assert_eq!(kinds(&p), ["replace"]);
}

/// docs/daily-api.md#plan-identity, #plan-file
#[test]
fn duplicate_identities_and_sip_only_configs_without_name_prefix_are_refused() {
    let env = env_map(&[("SUPPORT", "+12095550100")]);
    let file = json!({ "configs": [
        pinless("+12095550100"),
        pin("+12095550100"),
        { "type": "pinless_dialin", "name_prefix": "trunk", "room_creation_api": HOOK },
        { "type": "pinless_dialin", "name_prefix": "trunk", "room_creation_api": HOOK2 },
        // Numbered configs may share a name_prefix with each other and with a SIP-only one.
        { "type": "pinless_dialin", "phone_number": "+12095550101", "name_prefix": "trunk", "room_creation_api": HOOK },
        { "type": "pinless_dialin", "phone_number": "+12095550102", "name_prefix": "trunk", "room_creation_api": HOOK },
        { "type": "pinless_dialin", "room_creation_api": HOOK },
        { "type": "pinless_dialin", "phone_number": { "env": "SUPPORT" }, "room_creation_api": HOOK },
    ]});
    let issues = load(&file, Env::Map(&env), &opts()).unwrap_err();
    assert_eq!(
        summary(&issues),
        [
            e("configs[1].phone_number", "duplicate_identity"),
            e("configs[3].name_prefix", "duplicate_identity"),
            e("configs[6].name_prefix", "required"),
            e("configs[7].phone_number", "duplicate_identity"),
        ]
    );
    let by_path = |p: &str| issues.iter().find(|i| i.path == p).unwrap().message.clone();
    assert!(by_path("configs[1].phone_number").contains("configs[0]"));
    assert!(by_path("configs[1].phone_number").contains("+12095550100"));
    // A number from the environment is not shown, even when it equals a literal one.
    assert!(!by_path("configs[7].phone_number").contains("+1209555"));
    assert!(validate_file(&file, Env::Map(&env), &opts()) == issues);

    // Offline, two configs reading their number from the same variable are duplicates too.
    let file = json!({ "configs": [
        { "type": "pin_dialin", "phone_number": { "env": "N" } },
        { "type": "pin_dialin", "phone_number": { "env": "N" } },
    ]});
    assert_eq!(
        summary(&validate_file(&file, Env::Unresolved, &opts())),
        [e("configs[1].phone_number", "duplicate_identity")]
    );
}

/// docs/daily-api.md#plan-file
#[test]
fn file_issues_are_all_reported_at_their_path() {
    let file = json!({
        "$schema": "./node_modules/daily-dialin/configs.schema.json",
        "version": 1,
        "config": [],
        "phone_number": "+12095550100",
        "configs": [
            pinless("+12095550100"),
            { "type": "pinless_dialin", "phone_number": "(209) 555-0101", "room_creation_api": "http://localhost/x" },
            "pin_dialin",
            { "type": "pin_dialin", "phone_number": "+12095550103", "hmac": SECRET_A, "mesage": 1 },
        ],
    });
    let issues = validate_file(&file, Env::Unresolved, &opts());
    assert_eq!(
        summary(&issues),
        [
            e("config", "unknown_field"),
            e("configs[1].phone_number", "invalid_phone_number"),
            e("configs[1].room_creation_api", "not_public_url"),
            e("configs[2]", "invalid_type"),
            e("configs[3].hmac", "not_applicable"),
            e("configs[3].mesage", "unknown_field"),
            e("phone_number", "unknown_field"),
        ]
    );
    let message = |p: &str| issues.iter().find(|i| i.path == p).unwrap().message.clone();
    assert!(message("config").contains("did you mean configs?"));
    assert!(message("phone_number").contains("go in an entry of configs"));
    assert!(message("configs[1].phone_number").contains("+12095550101"));

    for (file, expected) in [
        (json!([]), e("", "invalid_type")),
        (json!({}), e("configs", "required")),
        (json!({ "configs": {} }), e("configs", "invalid_type")),
        (
            json!({ "configs": [], "version": 2 }),
            e("version", "invalid_enum"),
        ),
        (
            json!({ "configs": [], "version": "1" }),
            e("version", "invalid_type"),
        ),
        (
            json!({ "configs": [], "$schema": 1 }),
            e("$schema", "invalid_type"),
        ),
    ] {
        let issues = validate_file(&file, Env::Unresolved, &opts());
        assert!(summary(&issues).contains(&expected), "{file}: {issues:?}");
        assert!(load(&file, Env::Unresolved, &opts()).is_err());
    }
    // An empty list is valid, with a warning (prune would delete everything).
    let empty = load(&json!({ "configs": [] }), Env::Unresolved, &opts()).unwrap();
    assert_eq!(
        summary(&empty.warnings),
        [("configs".to_string(), "empty", Severity::Warning)]
    );
    // Warnings of the bodies are kept, at their path.
    let warned = load(
        &json!({ "configs": [{ "type": "pinless_dialin", "phone_number": "+12095550100",
                                "room_creation_api": "http://example.com/dial" }] }),
        Env::Unresolved,
        &opts(),
    )
    .unwrap();
    assert_eq!(
        summary(&warned.warnings),
        [(
            "configs[0].room_creation_api".to_string(),
            "insecure_url",
            Severity::Warning
        )]
    );
    // Private URLs with the option (the emulator).
    let local = json!({ "configs": [{ "type": "pinless_dialin", "room_creation_api": "http://127.0.0.1:4010/hook", "name_prefix": "x" }] });
    assert!(load(&local, Env::Unresolved, &opts()).is_err());
    let allow = Options {
        allow_private_urls: true,
    };
    assert!(load(&local, Env::Unresolved, &allow).is_ok());
}

/// docs/daily-api.md#plan-env
#[test]
fn values_from_the_environment() {
    let file = json!({ "configs": [{
        "type": "pinless_dialin",
        "phone_number": { "env": "SUPPORT_NUMBER" },
        "hmac": { "env": "SUPPORT_HMAC" },
        "room_creation_api": { "env": "HOOK_URL" },
        "timeout_config": { "message": { "env": "SORRY" } },
    }]});
    let env = env_map(&[
        ("SUPPORT_NUMBER", "+12095550100"),
        ("SUPPORT_HMAC", SECRET_A),
        ("HOOK_URL", "https://example.com/dial?token=t0k3n"),
        ("SORRY", "Nobody is here"),
    ]);
    let expected = json!({
        "type": "pinless_dialin",
        "phone_number": "+12095550100",
        "hmac": SECRET_A,
        "room_creation_api": "https://example.com/dial?token=t0k3n",
        "timeout_config": { "message": "Nobody is here" },
    });
    let from_map = load_ok(&file, &env);
    assert_eq!(from_map.configs()[0].create_body(), expected);
    assert_eq!(
        from_map.configs()[0].env_var(Field::TimeoutMessage),
        Some("SORRY")
    );
    // A lookup closure works the same (std::env::var in a CLI).
    let lookup = |name: &str| env.get(name).cloned();
    let from_fn = load(&file, Env::Lookup(&lookup), &opts()).unwrap();
    assert_eq!(from_fn, from_map);

    // A variable that is not set is an issue at the value's path, naming the variable.
    let partial = env_map(&[("SUPPORT_NUMBER", "+12095550100"), ("SORRY", "x")]);
    let issues = load(&file, Env::Map(&partial), &opts()).unwrap_err();
    assert_eq!(
        summary(&issues),
        [
            e("configs[0].hmac", "missing_env"),
            e("configs[0].room_creation_api", "missing_env"),
        ]
    );
    assert!(issues[1].message.contains("HOOK_URL"));

    // Offline: the shape is checked, the values are not; loading needs them.
    assert!(validate_file(&file, Env::Unresolved, &opts()).is_empty());
    let issues = load(&file, Env::Unresolved, &opts()).unwrap_err();
    assert_eq!(issues.len(), 4);
    assert!(issues.iter().all(|i| i.code == "missing_env"));

    // Offline, a field of the other type is refused whatever its value.
    let other_type = json!({ "configs": [
        { "type": "pin_dialin", "phone_number": "+12095550100", "room_creation_api": { "env": "HOOK_URL" } },
    ]});
    for env in [Env::Unresolved, Env::Map(&env)] {
        assert_eq!(
            summary(&validate_file(&other_type, env, &opts())),
            [e("configs[0].room_creation_api", "not_applicable")]
        );
    }

    // Malformed references.
    let bad = json!({ "configs": [{
        "type": { "env": "TYPE" },
        "phone_number": { "env": "1NUMBER" },
        "name_prefix": { "env": "" },
        "hmac": { "env": "H", "default": "x" },
        "room_creation_api": { "name": "HOOK" },
        "hold_music_url": { "env": 3 },
    }]});
    let issues = validate_file(&bad, Env::Map(&env), &opts());
    assert_eq!(
        summary(&issues),
        [
            e("configs[0].hmac.default", "unknown_field"),
            e("configs[0].hold_music_url.env", "invalid_type"),
            e("configs[0].name_prefix.env", "empty"),
            e("configs[0].phone_number.env", "invalid_chars"),
            e("configs[0].room_creation_api.env", "required"),
            e("configs[0].room_creation_api.name", "unknown_field"),
            e("configs[0].type", "invalid_type"),
        ]
    );
    let type_issue = issues.iter().find(|i| i.path == "configs[0].type").unwrap();
    assert!(type_issue
        .message
        .contains("cannot come from the environment"));

    // A bad value from the environment is reported without the value.
    let leaky = env_map(&[
        ("SUPPORT_NUMBER", "(209) 555-0100"),
        ("SUPPORT_HMAC", "c2hvcnQ="),
        ("HOOK_URL", "https://10.1.2.3/dial?token=t0k3n"),
        ("SORRY", "line\u{7}bell"),
    ]);
    let issues = validate_file(&file, Env::Map(&leaky), &opts());
    assert_eq!(
        summary(&issues),
        [
            e("configs[0].hmac", "weak_secret"),
            e("configs[0].phone_number", "invalid_phone_number"),
            e("configs[0].room_creation_api", "not_public_url"),
            e("configs[0].timeout_config.message", "invalid_chars"),
        ]
    );
    let shown = format!("{issues:?}");
    for secret in ["209", "555", "c2hvcnQ", "10.1.2.3", "t0k3n", "bell"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(issues[0].message.contains("SUPPORT_HMAC"));
}

/// Every hmac and every value from the environment, searched for in the text rendering, the JSON
/// and the Debug output of plans with every action kind (docs/daily-api.md#plan-secrets).
#[test]
fn secrets_never_appear_in_a_plan() {
    let env = env_map(&[
        ("HMAC_NEW", SECRET_B),
        ("HOOK", "https://example.com/dial?token=tok-5f3a9c"),
        ("PREFIX", "tenant-7e1d"),
        ("NUMBER", "+12095550142"),
        ("GREETING", "Welcome-8c2b"),
    ]);
    let file = json!({ "configs": [
        // create, hmac literal in the file
        { "type": "pinless_dialin", "phone_number": "+12095550100", "hmac": SECRET_C,
          "room_creation_api": { "env": "HOOK" } },
        // update: hmac from the environment replaces a stored one
        { "type": "pinless_dialin", "phone_number": "+12095550101", "hmac": { "env": "HMAC_NEW" },
          "room_creation_api": HOOK },
        // replace, with a number from the environment
        { "type": "pin_dialin", "phone_number": { "env": "NUMBER" },
          "ivr_greeting": { "message": { "env": "GREETING" } } },
        // SIP-only, identity from the environment, matched twice on Daily
        { "type": "pinless_dialin", "name_prefix": { "env": "PREFIX" }, "room_creation_api": HOOK },
    ]});
    let desired = load_ok(&file, &env);
    let current = vec![
        stored(
            "u",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550101", "hmac": SECRET_A, "room_creation_api": HOOK }),
        ),
        stored(
            "r",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550142", "hmac": SECRET_A,
                    "room_creation_api": "https://example.com/dial?token=tok-5f3a9c&v=2" }),
        ),
        stored(
            "s1",
            DialinType::PinlessDialin,
            json!({ "name_prefix": "tenant-7e1d", "hmac": SECRET_A, "room_creation_api": HOOK }),
        ),
        stored(
            "s2",
            DialinType::PinlessDialin,
            json!({ "name_prefix": "tenant-7e1d", "hmac": SECRET_A, "room_creation_api": HOOK2 }),
        ),
        stored(
            "d",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550199", "hmac": SECRET_A, "room_creation_api": HOOK }),
        ),
    ];
    let secrets = [
        SECRET_A,
        SECRET_B,
        SECRET_C,
        "tok-5f3a9c",
        "tenant-7e1d",
        "+12095550142",
        "Welcome-8c2b",
        // Base64 of a secret's bytes could only come from a secret: also search for a piece.
        &SECRET_A[..16],
        &SECRET_B[..16],
        &SECRET_C[..16],
    ];
    for prune in [false, true] {
        let p = plan(&desired, &current, prune);
        let mut seen: Vec<&str> = p.actions.iter().map(kind).collect();
        seen.sort_unstable();
        seen.dedup();
        let expected: &[&str] = if prune {
            &["create", "delete", "replace", "unchanged", "update"]
        } else {
            &["create", "replace", "unchanged", "unmanaged", "update"]
        };
        assert_eq!(seen, expected);
        let outputs = [
            p.render_text(),
            serde_json::to_string(&p).unwrap(),
            serde_json::to_string_pretty(&p).unwrap(),
            format!("{p:?}"),
            format!("{p:#?}"),
            format!("{desired:?}"),
        ];
        for out in &outputs {
            for s in secrets {
                assert!(!out.contains(s), "{s} in:\n{out}");
            }
        }
        // ... while the bodies that are sent hold them.
        let sent = format!(
            "{:?}",
            p.steps()
                .iter()
                .filter_map(|s| match s {
                    Step::Create { body } | Step::Update { body, .. } => Some(body.to_string()),
                    Step::Delete { .. } => None,
                })
                .collect::<Vec<_>>()
        );
        for s in [
            SECRET_B,
            SECRET_C,
            "tok-5f3a9c",
            "+12095550142",
            "Welcome-8c2b",
        ] {
            assert!(sent.contains(s), "{s} not sent");
        }
        // A secret field shows that it changes, and where it comes from.
        let text = p.render_text();
        assert!(
            text.contains("    ~ hmac: changed (secret, from $HMAC_NEW)\n"),
            "{text}"
        );
        assert!(text.contains("    + hmac: set (secret)\n"), "{text}");
        assert!(text.contains("phone_number from $NUMBER"), "{text}");
        assert!(text.contains("name_prefix from $PREFIX"), "{text}");
        let restore = p
            .actions
            .iter()
            .find_map(Action::restore_body)
            .unwrap()
            .to_string();
        assert!(
            restore.contains(SECRET_A),
            "the restore body keeps the hmac"
        );
    }
}

/// docs/daily-api.md#plan-order
#[test]
fn order_deletes_that_free_a_number_first_then_the_file_then_other_deletes() {
    // Daily never holds one number twice; were it to, the extra config is deleted first, before
    // anything else, and the file's entry is matched to one of the same type.
    let file = json!({ "configs": [
        pinless("+12095550105"),
        pin("+12095550104"),
        pinless("+12095550103"),
        pin("+12095550102"),
    ]});
    let desired = load_ok(&file, &BTreeMap::new());
    let current = vec![
        stored(
            "old-1",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550199" }),
        ),
        stored(
            "twin-pin",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550103" }),
        ),
        stored(
            "twin-pinless",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550103", "room_creation_api": HOOK }),
        ),
        stored(
            "type-change",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550104", "room_creation_api": HOOK }),
        ),
        stored(
            "old-2",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550198" }),
        ),
    ];
    let p = plan(&desired, &current, true);
    let order: Vec<String> = p
        .actions
        .iter()
        .map(|a| match a {
            Action::Create { index, .. } => format!("create {index}"),
            Action::Replace { index, id, .. } => format!("replace {index} {id}"),
            Action::Unchanged { index, .. } => format!("unchanged {index}"),
            Action::Delete { id, .. } => format!("delete {id}"),
            a => format!("{a:?}"),
        })
        .collect();
    assert_eq!(
        order,
        [
            "delete twin-pin",
            "create 0",
            "replace 1 type-change",
            "unchanged 2",
            "create 3",
            "delete old-1",
            "delete old-2",
        ]
    );
    // The replace frees its number and creates it after.
    let steps: Vec<String> = p
        .steps()
        .iter()
        .map(|s| match s {
            Step::Create { body } => format!("POST {}", body["phone_number"]),
            Step::Update { id, .. } => format!("PUT {id}"),
            Step::Delete { id } => format!("DELETE {id}"),
        })
        .collect();
    assert_eq!(
        steps,
        [
            "DELETE twin-pin",
            "POST \"+12095550105\"",
            "DELETE type-change",
            "POST \"+12095550104\"",
            "POST \"+12095550102\"",
            "DELETE old-1",
            "DELETE old-2",
        ]
    );
    let mut daily = Daily::new(current.clone());
    daily.apply(&p).unwrap();
    assert!(!plan(&desired, &daily.configs, true).has_changes());

    // Applied in any other order that puts a create before the delete of its number, the
    // in-memory Daily refuses: the check above can fail.
    let mut daily = Daily::new(current);
    let mut reversed = p.steps();
    reversed.reverse();
    let mut failed = false;
    for s in &reversed {
        failed |= daily.step(s).is_err();
    }
    assert!(failed);
}

/// docs/daily-api.md#plan-diff
#[test]
fn plans_are_idempotent_and_an_omitted_hmac_is_not_a_change() {
    let env = env_map(&[("H", SECRET_B)]);
    let file = json!({ "configs": [
        // no hmac: Daily generates one on create; later plans must not see a change
        pinless("+12095550100"),
        { "type": "pinless_dialin", "phone_number": "+12095550101", "hmac": { "env": "H" },
          "room_creation_api": HOOK, "timeout_config": { "message": "Sorry" } },
        { "type": "pin_dialin", "phone_number": "+12095550102", "name_prefix": "pins",
          "ivr_greeting": { "message": "Your PIN, please" } },
        { "type": "pinless_dialin", "name_prefix": "trunk", "room_creation_api": HOOK2 },
    ]});
    let desired = load_ok(&file, &env);
    let current = vec![
        stored(
            "a",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550101" }),
        ),
        stored(
            "b",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550102", "name_prefix": "old" }),
        ),
        stored(
            "c",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550150", "room_creation_api": HOOK }),
        ),
    ];
    for prune in [false, true] {
        let mut daily = Daily::new(current.clone());
        let first = plan(&desired, &daily.configs, prune);
        assert!(first.has_changes());
        daily.apply(&first).unwrap();
        let second = plan(&desired, &daily.configs, prune);
        let expected: &[&str] = if prune {
            &["unchanged"; 4]
        } else {
            &[
                "unchanged",
                "unchanged",
                "unchanged",
                "unchanged",
                "unmanaged",
            ]
        };
        assert_eq!(kinds(&second), expected, "{}", second.render_text());
        assert!(!second.has_changes());
        assert!(second.steps().is_empty());
    }
}

/// The JSON that scripts read: kinds and keys (docs/daily-api.md#configs-as-code).
#[test]
fn plan_json_shape() {
    let env = env_map(&[("H", SECRET_B)]);
    let file = json!({ "configs": [
        { "type": "pinless_dialin", "phone_number": "+12095550100", "room_creation_api": HOOK,
          "hmac": { "env": "H" } },
        { "type": "pinless_dialin", "phone_number": "+12095550101", "room_creation_api": HOOK2 },
    ]});
    let desired = load_ok(&file, &env);
    let current = vec![
        stored(
            "u1",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550101", "room_creation_api": HOOK, "name_prefix": "n" }),
        ),
        stored(
            "x",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550199" }),
        ),
    ];
    let p = plan(&desired, &current, false);
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({
            "prune": false,
            "summary": { "create": 1, "update": 1, "replace": 0, "delete": 0, "unchanged": 0, "unmanaged": 1 },
            "actions": [
                { "kind": "create", "index": 0, "type": "pinless_dialin",
                  "identity": { "field": "phone_number", "value": "+12095550100" },
                  "changes": [
                      { "field": "phone_number", "change": "added", "new": "+12095550100", "secret": false },
                      { "field": "hmac", "change": "added", "secret": true, "env": "H" },
                      { "field": "room_creation_api", "change": "added", "new": HOOK, "secret": false },
                  ] },
                { "kind": "update", "index": 1, "id": "u1", "type": "pinless_dialin",
                  "identity": { "field": "phone_number", "value": "+12095550101" },
                  "changes": [
                      { "field": "room_creation_api", "change": "changed", "old": HOOK, "new": HOOK2, "secret": false },
                  ],
                  "kept": ["name_prefix"] },
                { "kind": "unmanaged", "id": "x", "type": "pin_dialin",
                  "identity": { "field": "phone_number", "value": "+12095550199" } },
            ],
        })
    );
}

#[test]
fn render_text_reads_like_a_diff() {
    let file = json!({ "configs": [
        { "type": "pinless_dialin", "phone_number": "+12095550100", "room_creation_api": HOOK, "hmac": SECRET_A },
        { "type": "pinless_dialin", "phone_number": "+12095550101", "room_creation_api": HOOK2 },
        { "type": "pinless_dialin", "phone_number": "+12095550102", "room_creation_api": HOOK,
          "timeout_config": { "message": "Bye" } },
        { "type": "pinless_dialin", "name_prefix": "trunk", "room_creation_api": HOOK },
    ]});
    let desired = load_ok(&file, &BTreeMap::new());
    let current = vec![
        stored(
            "u1",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550101", "room_creation_api": HOOK, "name_prefix": "n" }),
        ),
        stored(
            "r1",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550102", "ivr_greeting": { "message": "Hi\u{1b}[2J\u{202e}" } }),
        ),
        stored(
            "s1",
            DialinType::PinlessDialin,
            json!({ "name_prefix": "trunk", "room_creation_api": HOOK }),
        ),
        stored(
            "x",
            DialinType::PinDialin,
            json!({ "phone_number": "+12095550199" }),
        ),
    ];
    let expected = r#"+ create configs[0] phone_number "+12095550100" (pinless_dialin)
    + phone_number: "+12095550100"
    + hmac: set (secret)
    + room_creation_api: "https://example.com/api/dial"
~ update configs[1] phone_number "+12095550101" (pinless_dialin, id "u1")
    ~ room_creation_api: "https://example.com/api/dial" -> "https://hooks.example.org/dial"
      name_prefix: kept (not in the file; an update does not remove it)
-/+ replace configs[2] phone_number "+12095550102" (id "r1"): pin_dialin -> pinless_dialin; the type cannot change, so it is deleted and created again
    + room_creation_api: "https://example.com/api/dial"
    + timeout_config.message: "Bye"
    - ivr_greeting.message: "Hi\u001B[2J\u202E"
= unchanged configs[3] name_prefix "trunk" (id "s1")
- delete id "x" phone_number "+12095550199" (pin_dialin): not in the file

Plan: 1 to create, 1 to update, 1 to replace, 1 to delete; 1 unchanged, 0 unmanaged.
"#;
    assert_eq!(plan(&desired, &current, true).render_text(), expected);
    let unmanaged = plan(&desired, &current, false).render_text();
    assert!(unmanaged.contains(
        "? unmanaged id \"x\" phone_number \"+12095550199\" (pin_dialin): not in the file; left alone (prune deletes it)\n"
    ));
    let empty = load_ok(&json!({ "configs": [] }), &BTreeMap::new());
    assert_eq!(
        plan(&empty, &[], true).render_text(),
        "No changes: 0 unchanged, 0 unmanaged.\n"
    );
}

// ---------------------------------------------------------------------------------------------
// The property: for random files and random stored configs, applying the plan to the in-memory
// Daily succeeds step by step with never two configs on one number, yields exactly the file's
// configs (with prune; without it, plus the untouched others), and a second plan is empty.

const NUMBERS: [&str; 6] = [
    "+12095550100",
    "+12095550101",
    "+12095550102",
    "+12095550103",
    "+12095550104",
    "+12095550105",
];
const PREFIXES: [&str; 3] = ["a", "b", "c"];
const SECRETS: [&str; 3] = [SECRET_A, SECRET_B, SECRET_C];
const MUSIC: [&str; 2] = ["https://example.com/1.mp3", "https://example.com/2.mp3"];
const MESSAGES: [&str; 2] = ["one", "two"];

#[derive(Debug, Clone)]
struct Gen {
    pinless: bool,
    number: Option<usize>,
    prefix: Option<usize>,
    hmac: Option<usize>,
    hook: bool,
    music: Option<usize>,
    message: Option<usize>,
    /// Write the values of these fields as `{ "env": ... }` (in the file).
    env: u8,
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        any::<bool>(),
        proptest::option::weighted(0.7, 0..NUMBERS.len()),
        proptest::option::of(0..PREFIXES.len()),
        proptest::option::of(0..SECRETS.len()),
        any::<bool>(),
        proptest::option::of(0..MUSIC.len()),
        proptest::option::of(0..MESSAGES.len()),
        any::<u8>(),
    )
        .prop_map(
            |(pinless, number, prefix, hmac, hook, music, message, env)| Gen {
                pinless,
                number,
                prefix,
                hmac,
                hook,
                music,
                message,
                env,
            },
        )
}

impl Gen {
    /// The settings as (field, value) pairs; a pin config gets a number if it has none.
    fn fields(&self) -> Vec<(Field, String)> {
        let mut out = Vec::new();
        let number = match (self.pinless, self.number) {
            (false, None) => Some(0),
            (_, n) => n,
        };
        if let Some(n) = number {
            out.push((Field::PhoneNumber, NUMBERS[n].to_string()));
        }
        if let Some(p) = self.prefix {
            out.push((Field::NamePrefix, PREFIXES[p].to_string()));
        }
        if self.pinless {
            if let Some(h) = self.hmac {
                out.push((Field::Hmac, SECRETS[h].to_string()));
            }
            let hook = if self.hook { HOOK } else { HOOK2 };
            out.push((Field::RoomCreationApi, hook.to_string()));
            if let Some(m) = self.music {
                out.push((Field::HoldMusicUrl, MUSIC[m].to_string()));
            }
            if let Some(m) = self.message {
                out.push((Field::TimeoutMessage, MESSAGES[m].to_string()));
            }
        } else if let Some(m) = self.message {
            out.push((Field::IvrGreetingMessage, MESSAGES[m].to_string()));
        }
        out
    }

    fn dialin_type(&self) -> DialinType {
        if self.pinless {
            DialinType::PinlessDialin
        } else {
            DialinType::PinDialin
        }
    }

    fn identity(&self) -> Option<(Field, String)> {
        let f = self.fields();
        let get = |x: Field| f.iter().find(|(g, _)| *g == x).map(|(_, v)| v.clone());
        get(Field::PhoneNumber)
            .map(|v| (Field::PhoneNumber, v))
            .or_else(|| get(Field::NamePrefix).map(|v| (Field::NamePrefix, v)))
    }

    /// The file entry, some values from the environment (added to `env`).
    fn entry(&self, i: usize, env: &mut BTreeMap<String, String>) -> Value {
        let mut body = json!({ "type": self.dialin_type().as_str() });
        for (k, (f, v)) in self.fields().into_iter().enumerate() {
            let v = if self.env & (1 << k) != 0 {
                let name = format!("V_{i}_{k}");
                env.insert(name.clone(), v);
                json!({ "env": name })
            } else {
                Value::String(v)
            };
            match f.path().split_once('.') {
                Some((outer, inner)) => body[outer] = json!({ inner: v }),
                None => body[f.path()] = v,
            }
        }
        body
    }

    fn stored(&self, id: String) -> DialinConfig {
        let mut settings = json!({});
        for (f, v) in self.fields() {
            match f.path().split_once('.') {
                Some((outer, inner)) => settings[outer] = json!({ inner: v }),
                None => settings[f.path()] = Value::String(v),
            }
        }
        if self.pinless && self.hmac.is_none() {
            settings["hmac"] = json!(generated_hmac(1000 + id.len() as u64));
        }
        stored(&id, self.dialin_type(), settings)
    }
}

/// A valid file: identities unique (later duplicates dropped), SIP-only configs named.
fn file_of(gens: &[Gen]) -> (Value, BTreeMap<String, String>, Vec<Gen>) {
    let mut seen = Vec::new();
    let mut kept = Vec::new();
    for g in gens {
        match g.identity() {
            Some(id) if !seen.contains(&id) => {
                seen.push(id);
                kept.push(g.clone());
            }
            _ => {}
        }
    }
    let mut env = BTreeMap::new();
    let configs: Vec<Value> = kept
        .iter()
        .enumerate()
        .map(|(i, g)| g.entry(i, &mut env))
        .collect();
    (json!({ "configs": configs }), env, kept)
}

/// Stored configs as Daily may hold them: numbers unique; number-less configs may share a
/// name_prefix or have none.
fn current_of(gens: &[Gen]) -> Vec<DialinConfig> {
    let mut numbers = Vec::new();
    let mut out = Vec::new();
    for (i, g) in gens.iter().enumerate() {
        let c = g.stored(format!("cur-{i}"));
        if let Some(n) = &c.config.phone_number {
            if numbers.contains(n) {
                continue;
            }
            numbers.push(n.clone());
        }
        out.push(c);
    }
    out
}

fn value_of(c: &DialinConfig, f: Field) -> Option<String> {
    let s = &c.config;
    match f {
        Field::PhoneNumber => s.phone_number.clone(),
        Field::NamePrefix => s.name_prefix.clone(),
        Field::Hmac => s.hmac.clone(),
        Field::RoomCreationApi => s.room_creation_api.clone(),
        Field::HoldMusicUrl => s.hold_music_url.clone(),
        Field::TimeoutMessage => s.timeout_config.as_ref().and_then(|t| t.message.clone()),
        Field::IvrGreetingMessage => s.ivr_greeting.as_ref().and_then(|t| t.message.clone()),
    }
}

fn identity_of(c: &DialinConfig) -> Option<(Field, String)> {
    value_of(c, Field::PhoneNumber)
        .map(|v| (Field::PhoneNumber, v))
        .or_else(|| value_of(c, Field::NamePrefix).map(|v| (Field::NamePrefix, v)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn applying_a_plan_yields_exactly_the_file(
        wanted in proptest::collection::vec(gen(), 0..8),
        stored in proptest::collection::vec(gen(), 0..8),
        prune in any::<bool>(),
    ) {
        let (file, env, wanted) = file_of(&wanted);
        let desired = load(&file, Env::Map(&env), &opts());
        prop_assert!(desired.is_ok(), "{file}: {desired:?}");
        let desired = desired.unwrap();
        let current = current_of(&stored);

        let p = plan(&desired, &current, prune);
        let mut daily = Daily::new(current.clone());
        let applied = daily.apply(&p);
        prop_assert!(applied.is_ok(), "{applied:?}\n{}", p.render_text());

        // Every file entry: exactly one stored config with its identity, of its type, with its
        // fields; fields it omits are as they were stored (an updated config) or as Daily
        // creates them (only a generated hmac).
        for g in &wanted {
            let id = g.identity().unwrap();
            let matching: Vec<&DialinConfig> = daily.configs.iter()
                .filter(|c| identity_of(c).as_ref() == Some(&id) && c.dialin_type == g.dialin_type())
                .collect();
            prop_assert!(!matching.is_empty(), "{id:?} missing");
            let fields = g.fields();
            let c = matching.iter().find(|c| fields.iter().all(|(f, v)| value_of(c, *f).as_ref() == Some(v)));
            prop_assert!(c.is_some(), "{id:?}: no config with the file's fields");
            let c = c.unwrap();
            let before = current.iter().find(|o| o.id == c.id);
            for f in Field::ALL.into_iter().filter(|f| !fields.iter().any(|(g, _)| g == f)) {
                match before {
                    Some(o) => prop_assert_eq!(value_of(c, f), value_of(o, f)),
                    None if f == Field::Hmac && g.pinless => prop_assert!(value_of(c, f).is_some()),
                    None => prop_assert_eq!(value_of(c, f), None),
                }
            }
        }
        // Nothing else, with prune. Without it, the configs left alone are there as they were:
        // every stored config with an identity the file does not hold, and the extra ones with an
        // identity it holds (several number-less configs with one name_prefix).
        let wanted_ids: Vec<_> = wanted.iter().map(|g| g.identity().unwrap()).collect();
        if prune {
            for c in &daily.configs {
                let managed = identity_of(c).is_some_and(|i| wanted_ids.contains(&i));
                prop_assert!(managed, "{c:?} is not in the file");
            }
            prop_assert_eq!(daily.configs.len(), wanted.len());
        } else {
            let left: Vec<&DialinConfig> = current
                .iter()
                .filter(|o| p.actions.iter().any(|a| matches!(a, Action::Unmanaged { id, .. } if *id == o.id)))
                .collect();
            for o in &current {
                if !identity_of(o).is_some_and(|i| wanted_ids.contains(&i)) {
                    prop_assert!(left.contains(&o), "{o:?} is not left alone");
                }
            }
            for o in &left {
                prop_assert!(daily.configs.contains(o), "{o:?} was changed");
            }
            prop_assert_eq!(daily.configs.len(), wanted.len() + left.len());
        }
        // And a second plan changes nothing.
        let again = plan(&desired, &daily.configs, prune);
        prop_assert!(!again.has_changes(), "{}", again.render_text());
    }
}
