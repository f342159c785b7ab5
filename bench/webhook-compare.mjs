// Webhook verification: verifyPinlessWebhook (daily-dialin, WebAssembly) vs node:crypto's HMAC
// verify of the same input, in interleaved rounds. bench/run.mjs uses bench/webhook.mjs instead
// when it exists (same approach and flags, written on the webhook branch); this file is the
// fallback, so that `npm run bench` covers webhooks either way.
//
//   node bench/webhook-compare.mjs [--rounds 21] [--batch 20000] [--out FILE]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dd } from '../tests/js/installed.mjs';
import { interleave, median, nsPerOp, ratioOf, round } from './lib.mjs';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '21' }, batch: { type: 'string', default: '20000' }, out: { type: 'string' } },
});
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
const m = await dd();

// The same inputs for both: a call body signed the way Daily (and the emulator) sign it.
const secret = 'jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=';
const body =
  '{"To":"+12095550100","From":"+14155550123","callId":"8a3c1e0e-5c1f-4bcd-9ef0-aa11bb22cc33","callDomain":"dom-5c1f4bcd"}';
const ts = String(Math.floor(Date.now() / 1000));
const signature = createHmac('sha256', Buffer.from(secret, 'base64')).update(`${ts}.${body}`).digest('base64');
const headers = {
  'content-type': 'application/json',
  'x-pinless-signature': signature,
  'x-pinless-timestamp': ts,
};

const ours = () => m.verifyPinlessWebhook({ body, headers, secret }).kind === 'call';
function nodeCrypto() {
  const t = headers['x-pinless-timestamp'];
  const digest = createHmac('sha256', Buffer.from(secret, 'base64')).update(`${t}.${body}`).digest();
  const given = Buffer.from(headers['x-pinless-signature'], 'base64');
  return given.length === digest.length && timingSafeEqual(given, digest);
}
if (!ours() || !nodeCrypto()) throw new Error('a verifier refused the correctly signed input');

const names = ['daily-dialin verifyPinlessWebhook', 'node:crypto createHmac + timingSafeEqual'];
const contenders = [ours, nodeCrypto].map((f, i) => [names[i], () => nsPerOp(f, BATCH)]);
for (const [, run] of contenders) run(); // warm-up (JIT and wasm tiers)
const samples = await interleave(contenders, ROUNDS);
const ratio = ratioOf(samples, names[0], names[1]);
const result = {
  benchmark: 'verifyPinlessWebhook vs node:crypto HMAC verify, same input',
  body_bytes: Buffer.byteLength(body),
  rounds: ROUNDS,
  batch: BATCH,
  results: names.map((name) => {
    const ns = median(samples[name]);
    return { name, ns_per_op: Math.round(ns), ops_per_s: Math.round(1e9 / ns) };
  }),
  ratio_ours_over_node: round(ratio.median),
  ratio_min: round(ratio.min),
  ratio_max: round(ratio.max),
};
for (const r of result.results) console.log(`${r.name.padEnd(44)}${String(r.ops_per_s).padStart(9)} ops/s${String(r.ns_per_op).padStart(8)} ns`);
console.log(`ratio ours / node:crypto time: ${result.ratio_ours_over_node}`);
if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
