//! The decisions of `upsert(client, body)` and `changeType(client, idOrNumber, body)` of
//! `daily-dialin/configs` (docs/daily-api.md#upsert): which config a body is about, whether to
//! create or update it, and the bodies of a type change and of its rollback. Pure: the module's
//! pkg-template/upsert.js lists, sends and waits.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::cat;

use serde_json::{Map, Value};

use crate::issue::Issue;
use crate::model::DialinType;
use crate::validate::{code, validate_create, Options, PINLESS_ONLY, PIN_ONLY};

/// Issue codes of upsert and changeType, besides those of `validate::code`.
pub mod upsert_code {
    /// The number holds a config of the other type: `upsert` does not change types.
    pub const OTHER_TYPE: &str = "other_type";
    /// Several configs without a number share the body's `name_prefix`.
    pub const AMBIGUOUS: &str = "ambiguous";
    /// A body without `phone_number` nor `name_prefix`: nothing identifies its config.
    pub const NO_IDENTITY: &str = "no_identity";
    /// changeType's body names another number than the config it replaces.
    pub const OTHER_NUMBER: &str = "other_number";
    /// changeType by number: no stored config has that number.
    pub const NO_CONFIG: &str = "no_config";
    /// changeType: the stored config could not be created back as it is (its rollback would fail).
    pub const NOT_RESTORABLE: &str = "not_restorable";
}

/// The create rules as upsert and changeType check a body before anything is sent. Private hosts
/// are accepted here: whether they are allowed is the client's option, and the client checks the
/// body again with it before it sends.
fn create_issues(body: &Value) -> Vec<Issue> {
    validate_create(
        body,
        &Options {
            allow_private_urls: true,
        },
    )
}

fn has_error(issues: &[Issue]) -> bool {
    issues.iter().any(Issue::is_error)
}

/// What `upsert` checks before it lists: the body by the create rules, and that it has an
/// identity. The list query's field and value, or every issue found.
pub fn upsert_query(body: &Value) -> Result<(&'static str, &str), Vec<Issue>> {
    let mut issues = create_issues(body);
    match identity_query(body) {
        Ok(q) if !has_error(&issues) => Ok(q),
        Ok(_) => Err(issues),
        Err(e) => {
            issues.push(e);
            Err(issues)
        }
    }
}

/// The config with `number` among `found` (a list by `phone_number`, whose filter may match more:
/// only an exact match counts).
pub fn config_with_number<'a>(number: &str, found: &'a [Value]) -> Result<&'a Value, Issue> {
    found
        .iter()
        .find(|c| settings(c).and_then(|s| str_of(s, "phone_number")) == Some(number))
        .ok_or_else(|| {
            Issue::error(
                "",
                upsert_code::NO_CONFIG,
                cat!("no config has the number ", number),
            )
        })
}

/// The list query that finds a body's config (docs/daily-api.md#plan-identity): its
/// `phone_number`, or for a body without one its `name_prefix`.
pub fn identity_query(body: &Value) -> Result<(&'static str, &str), Issue> {
    let s = |k: &str| body.get(k).and_then(Value::as_str);
    match (s("phone_number"), s("name_prefix")) {
        (Some(p), _) => Ok(("phone_number", p)),
        (None, Some(n)) => Ok(("name_prefix", n)),
        (None, None) => Err(Issue::error(
            "",
            upsert_code::NO_IDENTITY,
            "upsert needs a phone_number, or a name_prefix for a config without a number, to find the config it updates",
        )),
    }
}

/// What `upsert` does next.
#[derive(Debug, Clone, PartialEq)]
pub enum UpsertNext {
    Create,
    /// `PUT` this body (the create body without `type`) to config `id`.
    Update { id: String, body: Value },
}

fn settings(c: &Value) -> Option<&Map<String, Value>> {
    c.get("config").and_then(Value::as_object)
}

fn str_of<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

/// Among `found` (a list page's `data`, filtered by [`identity_query`]), the configs that have the
/// body's identity: the same number, or without a number and the same `name_prefix`. The list's
/// filters may match more than that (docs/daily-api.md#open-questions, Q11), so they are checked
/// here again.
fn same_identity<'a>(body: &Value, found: &'a [Value]) -> Vec<&'a Value> {
    let Ok((field, value)) = identity_query(body) else {
        return Vec::new();
    };
    found
        .iter()
        .filter(|c| {
            settings(c).is_some_and(|s| match field {
                "phone_number" => str_of(s, "phone_number") == Some(value),
                _ => str_of(s, "phone_number").is_none() && str_of(s, "name_prefix") == Some(value),
            })
        })
        .collect()
}

/// Create, or update the config with the body's identity (docs/daily-api.md#upsert). A config of
/// the other type is refused (`other_type`: a type change deletes the config; `changeType` does
/// it with a rollback), and so are several number-less configs with the body's `name_prefix`.
pub fn upsert_next(body: &Value, found: &[Value]) -> Result<UpsertNext, Issue> {
    identity_query(body)?;
    let matches = same_identity(body, found);
    let [config] = matches.as_slice() else {
        if matches.is_empty() {
            return Ok(UpsertNext::Create);
        }
        return Err(Issue::error(
            "name_prefix",
            upsert_code::AMBIGUOUS,
            cat!(
                "",
                matches.len(),
                " configs without a number have this name_prefix; update the one you mean by its id"
            ),
        ));
    };
    let id = config.get("id").and_then(Value::as_str).unwrap_or_default();
    let stored = config.get("type").and_then(Value::as_str);
    let wanted = body.get("type").and_then(Value::as_str);
    if stored != wanted {
        return Err(Issue::error(
            "type",
            upsert_code::OTHER_TYPE,
            cat!(
                "config ",
                id,
                " has this identity with type ",
                stored.unwrap_or("(none)"),
                "; upsert does not change a type: use changeType, which deletes it and creates it again (and puts it back if the create fails)"
            ),
        ));
    }
    let mut update = body.as_object().cloned().unwrap_or_default();
    update.remove("type");
    Ok(UpsertNext::Update {
        id: id.to_string(),
        body: Value::Object(update),
    })
}

/// The create body that makes a stored config again as it was (its fields of its type, `hmac`
/// included): what a type change's rollback sends (docs/daily-api.md#plan-replace).
pub fn restore_body(config: &Value) -> Option<Value> {
    let t = DialinType::parse(config.get("type")?.as_str()?)?;
    let s = settings(config)?;
    let other: &[&str] = match t {
        DialinType::PinDialin => &PINLESS_ONLY,
        DialinType::PinlessDialin => &PIN_ONLY,
    };
    let mut body = Map::new();
    body.insert("type".into(), Value::String(t.as_str().into()));
    for (k, v) in s {
        let field = crate::validate::CREATE_FIELDS.contains(&k.as_str());
        if field && k != "type" && !other.contains(&k.as_str()) && !v.is_null() {
            body.insert(k.clone(), v.clone());
        }
    }
    Some(Value::Object(body))
}

/// The body of the create of a type change: `body` with the stored config's number when it has
/// none. A body that names another number is refused: that is not a type change of this config.
pub fn change_type_body(body: &Value, stored: &Value) -> Result<Value, Issue> {
    let mut out = body.as_object().cloned().unwrap_or_default();
    let number = settings(stored).and_then(|s| str_of(s, "phone_number"));
    match (out.get("phone_number").and_then(Value::as_str), number) {
        (Some(given), Some(n)) if given != n => {
            return Err(Issue::error(
                "phone_number",
                upsert_code::OTHER_NUMBER,
                cat!(
                    "the config has the number ",
                    n,
                    "; a type change keeps it (leave phone_number out, or give the same)"
                ),
            ))
        }
        (None, Some(n)) => {
            out.insert("phone_number".into(), Value::String(n.to_string()));
        }
        _ => {}
    }
    if !out.contains_key("type") {
        return Err(Issue::error("type", code::REQUIRED, "the new type is required"));
    }
    Ok(Value::Object(out))
}

/// What `changeType` does with a stored config.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeTypeNext {
    /// The config already has the body's type: `PUT` this body (without `type`) to `id`.
    Update { id: String, body: Value },
    /// Delete `id`, create `create`; if that create fails, create `restore` (the old config).
    Replace {
        id: String,
        create: Value,
        restore: Value,
    },
}

/// Decides a type change of `stored` to `body` (docs/daily-api.md#upsert): the create body
/// ([`change_type_body`]) checked by the create rules, then an update when the type is the same,
/// else a replace whose rollback body ([`restore_body`]) is checked too, so that a config that
/// could not be put back is never deleted. Every issue found, or what to send.
pub fn change_type_next(body: &Value, stored: &Value) -> Result<ChangeTypeNext, Vec<Issue>> {
    let create = change_type_body(body, stored).map_err(|e| vec![e])?;
    let issues = create_issues(&create);
    if has_error(&issues) {
        return Err(issues);
    }
    let id = stored.get("id").and_then(Value::as_str).unwrap_or_default();
    let stored_type = stored.get("type").and_then(Value::as_str);
    if stored_type.is_some() && stored_type == create.get("type").and_then(Value::as_str) {
        let mut update = create.as_object().cloned().unwrap_or_default();
        update.remove("type");
        return Ok(ChangeTypeNext::Update {
            id: id.to_string(),
            body: Value::Object(update),
        });
    }
    let not_restorable = |why: &str| {
        vec![Issue::error(
            "",
            upsert_code::NOT_RESTORABLE,
            cat!(
                "config ",
                id,
                " could not be created back if the new create failed (",
                why,
                "), so it is not deleted; fix it with an update first"
            ),
        )]
    };
    let Some(restore) = restore_body(stored) else {
        return Err(not_restorable("its type is unknown"));
    };
    if let Some(e) = create_issues(&restore).iter().find(|i| i.is_error()) {
        return Err(not_restorable(&e.message));
    }
    Ok(ChangeTypeNext::Replace {
        id: id.to_string(),
        create,
        restore,
    })
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored(id: &str, t: &str, config: Value) -> Value {
        json!({ "id": id, "type": t, "config": config })
    }

    #[test]
    fn upsert_creates_when_no_config_has_the_identity_and_updates_the_one_that_does() {
        let body = json!({ "type": "pin_dialin", "phone_number": "+12095550001", "name_prefix": "a" });
        assert_eq!(upsert_next(&body, &[]), Ok(UpsertNext::Create));
        // The list's filter matched more than the number: only an exact match counts.
        let other = stored("x", "pin_dialin", json!({ "phone_number": "+120955500011" }));
        assert_eq!(upsert_next(&body, std::slice::from_ref(&other)), Ok(UpsertNext::Create));
        let same = stored("c1", "pin_dialin", json!({ "phone_number": "+12095550001" }));
        assert_eq!(
            upsert_next(&body, &[other, same]),
            Ok(UpsertNext::Update {
                id: "c1".into(),
                body: json!({ "phone_number": "+12095550001", "name_prefix": "a" })
            })
        );
    }

    #[test]
    fn upsert_refuses_another_type_an_ambiguous_prefix_and_a_body_without_identity() {
        let body = json!({ "type": "pinless_dialin", "phone_number": "+12095550001", "room_creation_api": "https://e.com/x" });
        let pin = stored("c1", "pin_dialin", json!({ "phone_number": "+12095550001" }));
        let e = upsert_next(&body, &[pin]).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), (upsert_code::OTHER_TYPE, "type"));
        assert!(e.message.contains("changeType"), "{}", e.message);

        let sip = json!({ "type": "pinless_dialin", "name_prefix": "sip", "room_creation_api": "https://e.com/x" });
        let a = stored("a", "pinless_dialin", json!({ "name_prefix": "sip" }));
        let b = stored("b", "pinless_dialin", json!({ "name_prefix": "sip" }));
        // A numbered config with that prefix is another identity.
        let numbered = stored("n", "pinless_dialin", json!({ "name_prefix": "sip", "phone_number": "+12095550009" }));
        assert!(matches!(upsert_next(&sip, &[a.clone(), numbered.clone()]), Ok(UpsertNext::Update { id, .. }) if id == "a"));
        assert_eq!(upsert_next(&sip, &[a, b, numbered]).unwrap_err().code, upsert_code::AMBIGUOUS);

        let none = json!({ "type": "pinless_dialin", "room_creation_api": "https://e.com/x" });
        assert_eq!(upsert_next(&none, &[]).unwrap_err().code, upsert_code::NO_IDENTITY);
    }

    #[test]
    fn the_restore_body_is_the_stored_config_of_its_type_hmac_included() {
        let c = stored(
            "c1",
            "pinless_dialin",
            json!({ "phone_number": "+12095550001", "hmac": "c2VjcmV0", "room_creation_api": "https://e.com/x", "sip_uri": "s@sip", "ivr_greeting": null, "timeout_config": { "message": "m" } }),
        );
        assert_eq!(
            restore_body(&c),
            Some(json!({ "type": "pinless_dialin", "phone_number": "+12095550001", "hmac": "c2VjcmV0", "room_creation_api": "https://e.com/x", "timeout_config": { "message": "m" } }))
        );
        let pin = stored("c2", "pin_dialin", json!({ "phone_number": "+12095550002", "ivr_greeting": { "message": "PIN" }, "hold_music_url": "https://e.com/a.mp3" }));
        assert_eq!(
            restore_body(&pin),
            Some(json!({ "type": "pin_dialin", "phone_number": "+12095550002", "ivr_greeting": { "message": "PIN" } }))
        );
        assert_eq!(restore_body(&json!({ "type": "x", "config": {} })), None);
    }

    #[test]
    fn a_type_change_keeps_the_number_and_refuses_another() {
        let c = stored("c1", "pin_dialin", json!({ "phone_number": "+12095550001" }));
        let body = json!({ "type": "pinless_dialin", "room_creation_api": "https://e.com/x" });
        assert_eq!(
            change_type_body(&body, &c).unwrap(),
            json!({ "type": "pinless_dialin", "room_creation_api": "https://e.com/x", "phone_number": "+12095550001" })
        );
        let other = json!({ "type": "pinless_dialin", "phone_number": "+12095550002", "room_creation_api": "https://e.com/x" });
        assert_eq!(change_type_body(&other, &c).unwrap_err().code, upsert_code::OTHER_NUMBER);
        assert_eq!(change_type_body(&json!({}), &c).unwrap_err().code, code::REQUIRED);
    }

    #[test]
    fn upsert_checks_the_body_and_its_identity_before_listing() {
        let body = json!({ "type": "pin_dialin", "phone_number": "+12095550001" });
        assert_eq!(upsert_query(&body), Ok(("phone_number", "+12095550001")));
        let sip = json!({ "type": "pinless_dialin", "name_prefix": "sip", "room_creation_api": "http://127.0.0.1:9/x" });
        assert_eq!(upsert_query(&sip), Ok(("name_prefix", "sip")));
        // Every issue at once: the create rules' and the missing identity.
        let bad = json!({ "type": "pinless_dialin", "hold_music_url": "nope" });
        let issues = upsert_query(&bad).unwrap_err();
        let codes: Vec<&str> = issues.iter().map(|i| i.code).collect();
        assert!(codes.contains(&upsert_code::NO_IDENTITY), "{codes:?}");
        assert!(codes.contains(&code::REQUIRED), "{codes:?}");
    }

    #[test]
    fn a_number_finds_only_its_exact_config() {
        let a = stored("a", "pin_dialin", json!({ "phone_number": "+120955500011" }));
        let b = stored("b", "pin_dialin", json!({ "phone_number": "+12095550001" }));
        let found = [a, b];
        assert_eq!(config_with_number("+12095550001", &found).unwrap()["id"], "b");
        let e = config_with_number("+12095550002", &found).unwrap_err();
        assert_eq!(e.code, upsert_code::NO_CONFIG);
        assert!(e.message.contains("+12095550002"));
    }

    #[test]
    fn a_type_change_replaces_updates_the_same_type_and_never_deletes_what_it_cannot_restore() {
        let pin = stored("c1", "pin_dialin", json!({ "phone_number": "+12095550001", "ivr_greeting": { "message": "PIN" } }));
        let body = json!({ "type": "pinless_dialin", "room_creation_api": "https://e.com/x" });
        assert_eq!(
            change_type_next(&body, &pin),
            Ok(ChangeTypeNext::Replace {
                id: "c1".into(),
                create: json!({ "type": "pinless_dialin", "room_creation_api": "https://e.com/x", "phone_number": "+12095550001" }),
                restore: json!({ "type": "pin_dialin", "phone_number": "+12095550001", "ivr_greeting": { "message": "PIN" } }),
            })
        );
        let same = json!({ "type": "pin_dialin", "name_prefix": "x" });
        assert_eq!(
            change_type_next(&same, &pin),
            Ok(ChangeTypeNext::Update { id: "c1".into(), body: json!({ "name_prefix": "x", "phone_number": "+12095550001" }) })
        );
        // The new body is checked by the create rules before anything is deleted.
        let bad = json!({ "type": "pinless_dialin" });
        assert_eq!(change_type_next(&bad, &pin).unwrap_err()[0].code, code::REQUIRED);
        // A stored config that the create rules refuse would not come back: not deleted.
        let odd = stored("c2", "pin_dialin", json!({ "phone_number": "+12095550003", "name_prefix": "a\u{7}b" }));
        let e = change_type_next(&body, &odd).unwrap_err();
        assert_eq!(e[0].code, upsert_code::NOT_RESTORABLE);
        assert!(e[0].message.contains("c2"), "{}", e[0].message);
    }
}
