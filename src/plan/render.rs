//! [`Plan::render_text`]: a plan as a diff for people, without colours (the CLI adds them).
//!
//! ```text
//! + create configs[0] phone_number "+12095550100" (pinless_dialin)
//!     + phone_number: "+12095550100"
//!     + hmac: set (secret, from $SUPPORT_HMAC)
//!     + room_creation_api: "https://example.com/api/dial"
//! ~ update configs[1] phone_number "+12095550101" (pinless_dialin, id "u1")
//!     ~ room_creation_api: "https://example.com/api/dial" -> "https://hooks.example.org/dial"
//!       name_prefix: kept (not in the file; an update does not remove it)
//! -/+ replace configs[2] phone_number "+12095550102" (id "r1"): pin_dialin -> pinless_dialin; the type cannot change, so it is deleted and created again
//!     + room_creation_api: "https://example.com/api/dial"
//!     - ivr_greeting.message: "Welcome"
//! = unchanged configs[3] name_prefix "trunk" (id "s1")
//! - delete id "x" phone_number "+12095550199" (pin_dialin): not in the file
//!
//! Plan: 1 to create, 1 to update, 1 to replace, 1 to delete; 1 unchanged, 0 unmanaged.
//! ```
//!
//! Without prune, a stored config that the file does not hold is
//! `? unmanaged id "x" phone_number "+12095550199" (pin_dialin): not in the file; left alone
//! (prune deletes it)`. `tests/plan.rs` (`render_text_reads_like_a_diff`) holds the exact text.
//!
//! Values are JSON-quoted, and characters that could move a terminal's cursor or reorder a line
//! (controls, bidirectional overrides) are written as `\uXXXX`: stored values come from Daily and
//! may hold anything.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::text::{self, cat};

use super::{Action, Change, FieldChange, Identity, Plan};
use crate::model::DialinType;

pub(super) fn render(plan: &Plan) -> String {
    let mut out = String::new();
    for a in &plan.actions {
        action(a, &mut out);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let s = &plan.summary;
    if plan.has_changes() {
        out.push_str(&cat!(
            "Plan: ",
            s.create,
            " to create, ",
            s.update,
            " to update, ",
            s.replace,
            " to replace, ",
            s.delete,
            " to delete; ",
            s.unchanged,
            " unchanged, ",
            s.unmanaged,
            " unmanaged.\n"
        ));
    } else {
        out.push_str(&cat!(
            "No changes: ",
            s.unchanged,
            " unchanged, ",
            s.unmanaged,
            " unmanaged.\n"
        ));
    }
    out
}

fn action(a: &Action, out: &mut String) {
    match a {
        Action::Create {
            index,
            identity,
            dialin_type,
            changes,
            ..
        } => {
            out.push_str(&cat!(
                "+ create configs[",
                *index,
                "] ",
                who(Some(identity)),
                " (",
                dialin_type.as_str(),
                ")\n"
            ));
            push_changes(changes, out);
        }
        Action::Update {
            index,
            id,
            identity,
            dialin_type,
            changes,
            kept,
            ..
        } => {
            out.push_str(&cat!(
                "~ update configs[",
                *index,
                "] ",
                who(Some(identity)),
                " (",
                dialin_type.as_str(),
                ", id ",
                quote(id),
                ")\n"
            ));
            push_changes(changes, out);
            push_kept(kept, out);
        }
        Action::Replace {
            index,
            id,
            identity,
            old_type,
            new_type,
            changes,
            ..
        } => {
            out.push_str(&cat!(
                "-/+ replace configs[",
                *index,
                "] ",
                who(Some(identity)),
                " (id ",
                quote(id),
                "): ",
                old_type.as_str(),
                " -> ",
                new_type.as_str(),
                "; the type cannot change, so it is deleted and created again\n"
            ));
            push_changes(changes, out);
        }
        Action::Delete {
            id,
            dialin_type,
            identity,
            duplicate_of,
        } => {
            out.push_str(&cat!("- delete ", stored(id, identity.as_ref(), *dialin_type)));
            out.push_str(&match duplicate_of {
                Some(other) => cat!(": the file's config with this identity is matched to id ", quote(other), "\n"),
                None => ": not in the file\n".to_string(),
            });
        }
        Action::Unchanged {
            index,
            id,
            identity,
            kept,
            ..
        } => {
            out.push_str(&cat!(
                "= unchanged configs[",
                *index,
                "] ",
                who(Some(identity)),
                " (id ",
                quote(id),
                ")\n"
            ));
            push_kept(kept, out);
        }
        Action::Unmanaged {
            id,
            dialin_type,
            identity,
            duplicate_of,
        } => {
            out.push_str(&cat!("? unmanaged ", stored(id, identity.as_ref(), *dialin_type)));
            out.push_str(&match duplicate_of {
                Some(other) => cat!(
                    ": the file's config with this identity is matched to id ",
                    quote(other),
                    "; left alone (prune deletes it)\n"
                ),
                None => ": not in the file; left alone (prune deletes it)\n".to_string(),
            });
        }
    }
}

/// `id "..." phone_number "..." (pin_dialin)`
fn stored(id: &str, identity: Option<&Identity>, t: DialinType) -> String {
    cat!("id ", quote(id), " ", who(identity), " (", t.as_str(), ")")
}

/// `phone_number "+1..."`, or `phone_number from $NAME` for a value from the environment.
fn who(identity: Option<&Identity>) -> String {
    let Some(i) = identity else {
        return "(no phone_number or name_prefix)".to_string();
    };
    match (&i.value, &i.env) {
        (Some(v), _) => cat!(i.field.path(), " ", quote(v)),
        (None, Some(name)) => cat!(i.field.path(), " from $", name),
        (None, None) => cat!(i.field.path(), " (not shown: it holds a secret)"),
    }
}

fn push_changes(changes: &[FieldChange], out: &mut String) {
    for c in changes {
        let sign = match c.change {
            Change::Added => "+",
            Change::Changed => "~",
            Change::Removed => "-",
        };
        let text = if c.secret {
            let what = match c.change {
                Change::Added => "set",
                Change::Changed => "changed",
                Change::Removed => "removed",
            };
            match &c.env {
                Some(name) => cat!(what, " (secret, from $", name, ")"),
                None => cat!(what, " (secret)"),
            }
        } else {
            let v = |v: &Option<String>| v.as_deref().map_or_else(|| "(none)".to_string(), quote);
            match c.change {
                Change::Added => v(&c.new),
                Change::Changed => cat!(v(&c.old), " -> ", v(&c.new)),
                Change::Removed => v(&c.old),
            }
        };
        out.push_str(&cat!("    ", sign, " ", c.field.path(), ": ", text, "\n"));
    }
}

fn push_kept(kept: &[super::Field], out: &mut String) {
    for f in kept {
        out.push_str(&cat!(
            "      ",
            f.path(),
            ": kept (not in the file; an update does not remove it)\n"
        ));
    }
}

/// `v` in double quotes, escaped as JSON, and with every character that a terminal would act on
/// or that reorders text written as `\uXXXX`.
pub(super) fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str("\\u");
                out.push_str(&text::hex4(c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
