// daily-dialin's create rules as a JSON Schema (draft-07) compiled by ajv 8 at start-up, as far as
// JSON Schema can say them (bench/README.md lists what it cannot). `allErrors: true`, because
// daily-dialin reports every issue at once. Browser-safe: bench/run.mjs bundles this file.
import Ajv from 'ajv';
import { E164, HMAC_BASE64, PUBLIC_HTTP_URL, TEXT } from './rules.mjs';

const ajv = new Ajv({ allErrors: true });
// Formats given as RegExp objects keep their flags (JSON Schema `pattern` has no `i` flag).
ajv.addFormat('e164', E164);
ajv.addFormat('hmac-base64', HMAC_BASE64);
ajv.addFormat('text', TEXT);
ajv.addFormat('public-http-url', PUBLIC_HTTP_URL);

const str = (format) => ({ type: 'string', format });
const message = {
  type: 'object',
  properties: { message: str('text') },
  additionalProperties: false,
};
const pinlessOnly = ['hmac', 'room_creation_api', 'hold_music_url', 'timeout_config'];
const forbid = (keys) => Object.fromEntries(keys.map((k) => [k, false]));
const whenType = (type, then) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then,
});

export const schema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['pinless_dialin', 'pin_dialin'] },
    phone_number: str('e164'),
    name_prefix: str('text'),
    hmac: str('hmac-base64'),
    room_creation_api: str('public-http-url'),
    hold_music_url: str('public-http-url'),
    timeout_config: message,
    ivr_greeting: message,
  },
  additionalProperties: false,
  allOf: [
    whenType('pin_dialin', { required: ['phone_number'], properties: forbid(pinlessOnly) }),
    whenType('pinless_dialin', { required: ['room_creation_api'], properties: forbid(['ivr_greeting']) }),
  ],
};

export const name = 'ajv';
export const validate = ajv.compile(schema);
// ajv's validate returns a boolean and leaves the issues on validate.errors.
export const ok = (result) => result === true;
