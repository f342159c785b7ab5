// daily-dialin's create rules as a zod 4 schema, as far as zod can say them (bench/README.md lists
// what it cannot). Browser-safe: bench/run.mjs also bundles this file to measure zod's size.
import * as z from 'zod';
import { E164, HMAC_BASE64, HTTP_URL, NOT_PUBLIC_URL, TEXT } from './rules.mjs';

const text = z.string().regex(TEXT);
const url = z.string().regex(HTTP_URL).refine((s) => !NOT_PUBLIC_URL.test(s), 'not a public host');
const message = z.strictObject({ message: text.optional() });

const pin = z.strictObject({
  type: z.literal('pin_dialin'),
  phone_number: z.string().regex(E164),
  name_prefix: text.optional(),
  ivr_greeting: message.optional(),
});
const pinless = z.strictObject({
  type: z.literal('pinless_dialin'),
  phone_number: z.string().regex(E164).optional(),
  name_prefix: text.optional(),
  hmac: z.string().regex(HMAC_BASE64).optional(),
  room_creation_api: url,
  hold_music_url: url.optional(),
  timeout_config: message.optional(),
});

export const schema = z.discriminatedUnion('type', [pinless, pin]);
export const name = 'zod';
export const validate = (body) => schema.safeParse(body);
export const ok = (result) => result.success;
