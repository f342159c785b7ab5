// Benchmark: verifyPinlessWebhook (daily-dialin, WebAssembly) vs node:crypto's own HMAC verify of
// the same input, side by side in one process.
//
//   node bench/webhook.mjs [--rounds 31] [--batch 20000] [--out bench/results/webhook.json]
//                          [--pkg DIR --label TEXT]   (a built pkg/ folder to measure instead of
//                          the installed package, e.g. an older build; not written unless --out)
//
// Both verify the same ~120-byte call body, signature and timestamp, read from the same
// Node-style headers object (lower-case keys, as `req.headers` has them):
// - "daily-dialin": verifyPinlessWebhook({ body, headers, secret }) (this also parses the body,
//   checks the time window and builds the { kind, payload } answer);
// - "node:crypto": Buffer.from(secret, 'base64'), createHmac('sha256', key).update(ts + '.' +
//   body).digest(), Buffer.from(signature, 'base64'), length check + timingSafeEqual;
// - "node:crypto + parse" (for reference only, not the goal): the same plus the window check and
//   JSON.parse of the body, i.e. roughly what verifyPinlessWebhook does;
// - "daily-dialin, Buffer body" (for reference only): the same call with the body as a Buffer, as
//   Node's `http` handlers have it (docs/webhooks.md).
// Rounds are interleaved (the order alternates each round) so that noise from other processes
// hits every contender alike; each figure is the median over rounds, and the ratio is the median of
// the per-round ratios. Goal: daily-dialin time <= 2 x node:crypto time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { dd, installedDir } from '../tests/js/installed.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '31' },
    batch: { type: 'string', default: '20000' },
    out: { type: 'string' },
    pkg: { type: 'string' },
    label: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
const GOAL = 2;

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

// A pkg/ folder from before daily-dialin/webhook existed has the verifier in its root node.mjs.
const pkgEntry = (dir) => (existsSync(join(dir, 'webhook', 'node.mjs')) ? join(dir, 'webhook', 'node.mjs') : join(dir, 'node.mjs'));
const m = args.pkg ? await import(pathToFileURL(pkgEntry(resolve(args.pkg))).href) : await dd();
const OUT = args.out ?? (args.pkg ? null : join(ROOT, 'bench', 'results', 'webhook.json'));

const secret = 'jzoskdBOe2YVqcPi8Bh9S15qmwwdLj9AUWJzhJWmt8g=';
const body =
  '{"To":"+12095550100","From":"+14155550123","callId":"8a3c1e0e-5c1f-4bcd-9ef0-aa11bb22cc33","callDomain":"dom-5c1f4bcd"}';
const ts = String(Math.floor(Date.now() / 1000));
const signature = createHmac('sha256', Buffer.from(secret, 'base64')).update(`${ts}.${body}`).digest('base64');
const headers = {
  host: '127.0.0.1:8080',
  'user-agent': 'Daily-Pinless/1.0',
  'content-length': String(Buffer.byteLength(body)),
  'content-type': 'application/json',
  accept: '*/*',
  'x-pinless-signature': signature,
  'x-pinless-timestamp': ts,
};

function ours() {
  return m.verifyPinlessWebhook({ body, headers, secret }).kind === 'call';
}

const bodyBuffer = Buffer.from(body);
function oursBuffer() {
  return m.verifyPinlessWebhook({ body: bodyBuffer, headers, secret }).kind === 'call';
}

function nodeCrypto() {
  const sig = headers['x-pinless-signature'];
  const t = headers['x-pinless-timestamp'];
  const digest = createHmac('sha256', Buffer.from(secret, 'base64')).update(`${t}.${body}`).digest();
  const given = Buffer.from(sig, 'base64');
  return given.length === digest.length && timingSafeEqual(given, digest);
}

function nodeCryptoAndParse() {
  if (!nodeCrypto()) return false;
  const t = Number(headers['x-pinless-timestamp']);
  if (Math.abs(Date.now() / 1000 - t) > 300) return false;
  return typeof JSON.parse(body).callId === 'string';
}

const contenders = [
  ['daily-dialin verifyPinlessWebhook', ours],
  ['node:crypto createHmac + timingSafeEqual', nodeCrypto],
  ['node:crypto + window + JSON.parse (reference)', nodeCryptoAndParse],
  ['daily-dialin, Buffer body (reference)', oursBuffer],
];

// Both must accept this input and reject a tampered one, or the timings mean nothing.
for (const [name, f] of contenders) if (f() !== true) throw new Error(`${name} did not accept the input`);
const good = headers['x-pinless-signature'];
headers['x-pinless-signature'] = createHmac('sha256', 'other').update('x').digest('base64');
assert(!nodeCrypto(), 'node:crypto accepted a wrong signature');
try {
  ours();
  assert(false, 'verifyPinlessWebhook accepted a wrong signature');
} catch (e) {
  assert(e.reason === 'signature_mismatch', `unexpected ${e}`);
}
headers['x-pinless-signature'] = good;

/** Nanoseconds per call of `f` over one batch. */
function time(f) {
  let ok = true;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) ok = f() && ok;
  const ns = Number(process.hrtime.bigint() - t0) / BATCH;
  assert(ok, 'a call failed during timing');
  return ns;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// Warm-up (JIT tiers, wasm tier-up), then interleaved rounds.
for (let i = 0; i < 3; i++) for (const [, f] of contenders) time(f);
const samples = contenders.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const order = contenders.map((_, i) => i);
  if (r % 2) order.reverse();
  for (const i of order) samples[i].push(time(contenders[i][1]));
}
const ratios = samples[0].map((ns, r) => ns / samples[1][r]);
const rows = contenders.map(([name], i) => {
  const ns = median(samples[i]);
  return { name, ns_per_op: Math.round(ns), ops_per_s: Math.round(1e9 / ns), min_ns: Math.round(Math.min(...samples[i])) };
});
const ratio = median(ratios);
// Less sensitive to other processes on a shared machine: the best batch of each.
const ratioOfMins = Math.min(...samples[0]) / Math.min(...samples[1]);

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`verify a ${Buffer.byteLength(body)}-byte body: ${ROUNDS} interleaved rounds of ${BATCH} calls, median per round`);
console.log(`${pad('', 48)}${lpad('ops/s', 10)}${lpad('ns/op', 9)}${lpad('min ns', 9)}`);
for (const r of rows) console.log(`${pad(r.name, 48)}${lpad(r.ops_per_s, 10)}${lpad(r.ns_per_op, 9)}${lpad(r.min_ns, 9)}`);
const met = ratio <= GOAL;
console.log(
  `ratio daily-dialin / node:crypto time: ${ratio.toFixed(2)} (median of per-round ratios; goal <= ${GOAL}: ${met ? 'met' : 'MISSED'})`,
);
console.log(`ratio of the fastest batches: ${ratioOfMins.toFixed(2)}`);

/** The commit the installed package was built from (+dirty when src/ has changes); null for --pkg. */
function commitOf() {
  if (args.pkg) return null;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'Cargo.toml'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}
const result = {
  benchmark: 'verifyPinlessWebhook vs node:crypto HMAC verify, same input',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? null,
  cpus: cpus().length,
  commit: commitOf(),
  package: args.pkg ? resolve(args.pkg) : 'installed daily-dialin (tests/js/installed.mjs)',
  label: args.label ?? null,
  package_version: JSON.parse(readFileSync(join(args.pkg ? resolve(args.pkg) : installedDir(), 'package.json'), 'utf8')).version,
  body_bytes: Buffer.byteLength(body),
  rounds: ROUNDS,
  batch: BATCH,
  results: rows,
  ratio_ours_over_node: Number(ratio.toFixed(3)),
  ratio_min: Number(Math.min(...ratios).toFixed(3)),
  ratio_max: Number(Math.max(...ratios).toFixed(3)),
  ratio_of_min_ns: Number(ratioOfMins.toFixed(3)),
  goal: `ours <= ${GOAL}x node:crypto time`,
  goal_met: met,
};
if (OUT) {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${relative(process.cwd(), OUT) || OUT}`);
}
