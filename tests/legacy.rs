//! Moving the legacy domain-level arrays to `/domain-dialin-config`
//! (docs/daily-api.md#legacy-migration): which entries move (each `hmac` kept), which are already
//! configured, which cannot move and why, that a second run moves nothing, and that clearing
//! removes only the entries a stored config covers.

use daily_dialin::model::{DialinConfig, DialinType};
use daily_dialin::plan::legacy::{clearing, migrate, EntryStatus, LegacyEntry};
use daily_dialin::plan::{plan, Action, Step};
use daily_dialin::validate::Options;
use serde_json::{json, Value};

const SECRET_A: &str = "9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=";
const SECRET_B: &str = "c2VjcmV0LWJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";
const HOOK: &str = "https://example.com/api/dial";

fn stored(id: &str, t: DialinType, settings: Value) -> DialinConfig {
    DialinConfig {
        id: id.to_string(),
        dialin_type: t,
        config: serde_json::from_value(settings).unwrap(),
    }
}

fn domain(pinless: Value, pin: Value) -> Value {
    json!({ "domain_name": "d", "config": { "lang": "en", "pinless_dialin": pinless, "pin_dialin": pin } })
}

fn status(e: &LegacyEntry) -> &'static str {
    match e.status {
        EntryStatus::Migrate { .. } => "migrate",
        EntryStatus::Exists { .. } => "exists",
        EntryStatus::Skipped { .. } => "skipped",
        EntryStatus::Cleared { .. } => "cleared",
        EntryStatus::Kept { .. } => "kept",
    }
}

fn codes(e: &LegacyEntry) -> Vec<&'static str> {
    match &e.status {
        EntryStatus::Skipped { issues } | EntryStatus::Kept { issues } => {
            issues.iter().map(|i| i.code).collect()
        }
        EntryStatus::Migrate { notes, .. } => notes.iter().map(|i| i.code).collect(),
        _ => vec![],
    }
}

/// The create bodies a migration's plan sends, in order.
fn creates(d: &Value, current: &[DialinConfig]) -> Vec<Value> {
    let m = migrate(d, current, &Options::default()).unwrap();
    let p = plan(&m.desired, current, false);
    p.steps()
        .iter()
        .filter_map(|s| match s {
            Step::Create { body } => Some((*body).clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_entry_moves_as_a_config_of_its_arrays_type_with_its_hmac_kept() {
    let d = domain(
        json!([
            { "phone_number": "+12095550001", "name_prefix": "support", "hmac": SECRET_A, "room_creation_api": HOOK, "sip_uri": "x@sip.daily.co", "timeout_config": { "message": "Sorry" } },
            { "name_prefix": "sip-only", "hmac": SECRET_B, "room_creation_api": HOOK }
        ]),
        json!([{ "phone_number": "+12095550002", "ivr_greeting": { "message": "Enter your PIN" } }]),
    );
    let bodies = creates(&d, &[]);
    assert_eq!(
        bodies,
        vec![
            json!({ "type": "pinless_dialin", "phone_number": "+12095550001", "name_prefix": "support", "hmac": SECRET_A, "room_creation_api": HOOK, "timeout_config": { "message": "Sorry" } }),
            json!({ "type": "pinless_dialin", "name_prefix": "sip-only", "hmac": SECRET_B, "room_creation_api": HOOK }),
            json!({ "type": "pin_dialin", "phone_number": "+12095550002", "ivr_greeting": { "message": "Enter your PIN" } }),
        ]
    );
    let m = migrate(&d, &[], &Options::default()).unwrap();
    let s: Vec<_> = m
        .entries
        .iter()
        .map(|e| (e.array, e.index, status(e)))
        .collect();
    assert_eq!(
        s,
        vec![
            ("pinless_dialin", 0, "migrate"),
            ("pinless_dialin", 1, "migrate"),
            ("pin_dialin", 0, "migrate")
        ]
    );
}

#[test]
fn a_second_run_after_the_apply_moves_nothing_and_the_stored_config_wins() {
    let d = domain(
        json!([{ "phone_number": "+12095550001", "hmac": SECRET_A, "room_creation_api": HOOK }]),
        json!([{ "phone_number": "+12095550002" }]),
    );
    // +12095550001 is configured already (differently): it is kept as it is, not updated.
    let current = vec![stored(
        "c1",
        DialinType::PinlessDialin,
        json!({ "phone_number": "+12095550001", "room_creation_api": "https://other.example.com/x" }),
    )];
    let m = migrate(&d, &current, &Options::default()).unwrap();
    assert_eq!(
        m.entries.iter().map(status).collect::<Vec<_>>(),
        ["exists", "migrate"]
    );
    let p = plan(&m.desired, &current, false);
    assert!(p
        .actions
        .iter()
        .all(|a| matches!(a, Action::Create { .. } | Action::Unmanaged { .. })));
    assert!(p
        .actions
        .iter()
        .any(|a| matches!(a, Action::Unmanaged { id, .. } if id == "c1")));
    // After the apply: both exist, nothing moves.
    let mut after = current.clone();
    after.push(stored(
        "c2",
        DialinType::PinDialin,
        json!({ "phone_number": "+12095550002" }),
    ));
    assert!(creates(&d, &after).is_empty());
    let again = migrate(&d, &after, &Options::default()).unwrap();
    assert!(!plan(&again.desired, &after, false).has_changes());
}

#[test]
fn entries_that_cannot_move_say_why_and_the_rest_still_moves() {
    let d = domain(
        json!([
            { "hmac": SECRET_A, "room_creation_api": HOOK },
            { "phone_number": "+12095550001", "room_creation_api": "http://localhost:3000/x" },
            { "phone_number": "+12095550003", "room_creation_api": HOOK, "dialin_extra": 1 },
            "not an entry"
        ]),
        json!([{ "phone_number": "+12095550003" }]),
    );
    let m = migrate(&d, &[], &Options::default()).unwrap();
    let got: Vec<_> = m.entries.iter().map(|e| (status(e), codes(e))).collect();
    assert_eq!(
        got,
        vec![
            ("skipped", vec!["no_identity"]),
            ("skipped", vec!["not_public_url"]),
            ("migrate", vec!["dropped_field"]),
            ("skipped", vec!["invalid_type"]),
            ("skipped", vec!["duplicate_identity"]),
        ]
    );
    // Issue paths point into the arrays.
    let EntryStatus::Skipped { issues } = &m.entries[1].status else {
        unreachable!()
    };
    assert_eq!(issues[0].path, "pinless_dialin[1].room_creation_api");
    assert_eq!(creates(&d, &[]).len(), 1);
}

#[test]
fn a_domain_without_arrays_moves_nothing_and_one_that_is_not_a_domain_is_refused() {
    let m = migrate(&json!({ "config": {} }), &[], &Options::default()).unwrap();
    assert!(m.entries.is_empty());
    assert!(migrate(&json!([]), &[], &Options::default()).is_err());
    let bad = migrate(
        &json!({ "config": { "pin_dialin": "x", "pinless_dialin": {} } }),
        &[],
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        bad.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
        ["config.pinless_dialin", "config.pin_dialin"]
    );
}

#[test]
fn clearing_removes_only_covered_entries_and_sends_the_rest_back_as_read() {
    let kept_entry = json!({ "phone_number": "+12095550009", "hmac": SECRET_B, "room_creation_api": HOOK, "sip_uri": "k@sip" });
    let d = domain(
        json!([
            { "phone_number": "+12095550001", "hmac": SECRET_A, "room_creation_api": HOOK },
            kept_entry.clone(),
            { "room_creation_api": HOOK }
        ]),
        json!([{ "phone_number": "+12095550002" }]),
    );
    let current = vec![
        stored(
            "c1",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550001", "room_creation_api": HOOK }),
        ),
        // A number configured with the other type still covers the entry: it has a config.
        stored(
            "c2",
            DialinType::PinlessDialin,
            json!({ "phone_number": "+12095550002", "room_creation_api": HOOK }),
        ),
    ];
    let c = clearing(&d, &current).unwrap();
    assert_eq!(
        c.entries.iter().map(status).collect::<Vec<_>>(),
        ["cleared", "kept", "kept", "cleared"]
    );
    let props = c.properties.expect("something to clear");
    assert_eq!(
        props.expose(),
        &json!({ "pinless_dialin": [kept_entry, { "room_creation_api": HOOK }], "pin_dialin": [] })
    );
    // The sealed properties hold an hmac: Debug shows none.
    assert!(!format!("{props:?}").contains(SECRET_B));
    // Nothing covered: nothing to send.
    assert!(clearing(&d, &[]).unwrap().properties.is_none());
}

#[test]
fn a_migration_shows_no_secret_in_its_entries_or_plan() {
    let d = domain(
        json!([{ "phone_number": "+12095550001", "hmac": SECRET_A, "room_creation_api": HOOK }]),
        json!([]),
    );
    let m = migrate(&d, &[], &Options::default()).unwrap();
    let p = plan(&m.desired, &[], false);
    let text = format!(
        "{}{}{}{:?}",
        serde_json::to_string(&m.entries).unwrap(),
        serde_json::to_string(&p).unwrap(),
        p.render_text(),
        m
    );
    assert!(!text.contains(SECRET_A), "{text}");
}
