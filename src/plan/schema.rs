//! The JSON Schema (draft 2020-12) of the desired-state file, shipped in the npm package for
//! editors and other tools (docs/daily-api.md#plan-file).
//!
//! It describes the shape; [`super::validate_file`] is the authority and checks more (every rule
//! of docs/daily-api.md#rules-the-code-implements, unique identities, resolved values). A file
//! that `validate_file` accepts is valid against this schema (`tests/plan_schema.rs`).

/// The schema, as JSON text.
pub const FILE_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "daily-dialin desired-state file",
  "description": "The dial-in configs of a Daily domain, as create bodies of /v1/domain-dialin-config. A config is matched by its phone_number, or, without one, by its name_prefix. Any string value may be { \"env\": \"NAME\" }: it is read from the environment variable NAME when the file is planned, and never shown.",
  "type": "object",
  "required": ["configs"],
  "additionalProperties": false,
  "properties": {
    "$schema": { "type": "string", "description": "Where editors find this schema." },
    "version": { "const": 1, "description": "The file format; 1 when given." },
    "configs": {
      "type": "array",
      "items": { "$ref": "#/$defs/config" }
    }
  },
  "$defs": {
    "env": {
      "type": "object",
      "description": "A value read from the environment variable `env` when the file is planned.",
      "required": ["env"],
      "additionalProperties": false,
      "properties": {
        "env": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 256 }
      }
    },
    "text": {
      "anyOf": [
        { "type": "string", "minLength": 1 },
        { "$ref": "#/$defs/env" }
      ]
    },
    "phone_number": {
      "anyOf": [
        { "type": "string", "pattern": "^\\+[1-9][0-9]{6,14}$", "description": "E.164: +, then 7 to 15 digits." },
        { "$ref": "#/$defs/env" }
      ]
    },
    "url": {
      "anyOf": [
        { "type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://" },
        { "$ref": "#/$defs/env" }
      ]
    },
    "hmac": {
      "anyOf": [
        {
          "type": "string",
          "minLength": 24,
          "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
          "description": "Standard, padded base64 of at least 16 bytes (32 recommended)."
        },
        { "$ref": "#/$defs/env" }
      ]
    },
    "message": {
      "type": "object",
      "additionalProperties": false,
      "properties": { "message": { "$ref": "#/$defs/text" } }
    },
    "config": {
      "type": "object",
      "required": ["type"],
      "additionalProperties": false,
      "properties": {
        "type": { "enum": ["pinless_dialin", "pin_dialin"] },
        "phone_number": { "$ref": "#/$defs/phone_number" },
        "name_prefix": { "$ref": "#/$defs/text" },
        "hmac": { "$ref": "#/$defs/hmac" },
        "room_creation_api": { "$ref": "#/$defs/url" },
        "hold_music_url": { "$ref": "#/$defs/url" },
        "timeout_config": { "$ref": "#/$defs/message" },
        "ivr_greeting": { "$ref": "#/$defs/message" }
      },
      "allOf": [
        {
          "if": { "required": ["type"], "properties": { "type": { "const": "pin_dialin" } } },
          "then": {
            "required": ["phone_number"],
            "properties": { "hmac": false, "room_creation_api": false, "hold_music_url": false, "timeout_config": false }
          }
        },
        {
          "if": { "required": ["type"], "properties": { "type": { "const": "pinless_dialin" } } },
          "then": {
            "required": ["room_creation_api"],
            "properties": { "ivr_greeting": false }
          }
        },
        {
          "if": { "not": { "required": ["phone_number"] } },
          "then": { "required": ["name_prefix"] }
        }
      ]
    }
  }
}
"##;
