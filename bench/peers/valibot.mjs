// daily-dialin's create rules as a valibot 1 schema, as far as valibot can say them
// (bench/README.md lists what it cannot). Browser-safe: bench/run.mjs bundles this file.
import * as v from 'valibot';
import { E164, HMAC_BASE64, HTTP_URL, NOT_PUBLIC_URL, TEXT } from './rules.mjs';

const text = v.pipe(v.string(), v.regex(TEXT));
const phone = v.pipe(v.string(), v.regex(E164));
const url = v.pipe(
  v.string(),
  v.regex(HTTP_URL),
  v.check((s) => !NOT_PUBLIC_URL.test(s), 'not a public host'),
);
const message = v.strictObject({ message: v.optional(text) });

const pin = v.strictObject({
  type: v.literal('pin_dialin'),
  phone_number: phone,
  name_prefix: v.optional(text),
  ivr_greeting: v.optional(message),
});
const pinless = v.strictObject({
  type: v.literal('pinless_dialin'),
  phone_number: v.optional(phone),
  name_prefix: v.optional(text),
  hmac: v.optional(v.pipe(v.string(), v.regex(HMAC_BASE64))),
  room_creation_api: url,
  hold_music_url: v.optional(url),
  timeout_config: v.optional(message),
});

export const schema = v.variant('type', [pinless, pin]);
export const name = 'valibot';
export const validate = (body) => v.safeParse(schema, body);
export const ok = (result) => result.success;
