// The fast path of verifyPinlessWebhook (pkg-template/verify.js: the options servers pass, read in
// JavaScript and sent in one call) against the careful path (the glue's own verifyPinlessWebhook,
// which reads every option from Rust), through the packed package: the same answer or the same
// error (reason and message) on the vector table, on hostile and unusual options, and on fuzzed
// combinations of bodies, headers, secrets, clocks and tolerances. `globalThis.__dailyDialinCareful
// = true` turns the fast path off (verify.js); WEBHOOK_FAST_INPUTS and WEBHOOK_FAST_SEED reproduce
// a run.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dd, installedDir } from './installed.mjs';
import { rng } from './helpers.mjs';
import { nodeHmac } from './webhook-node.mjs';
import { buildVectors, optionsOf, SECRET, NEW_SECRET, NOW } from './webhook-vectors.mjs';

const INPUTS = Number(process.env.WEBHOOK_FAST_INPUTS ?? 20_000);
const SEED = Number(process.env.WEBHOOK_FAST_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** base64 of 15 bytes: a weak secret. */
const WEAK = 'ZGFpbHktcGlubGVzczE1';
const CALL = '{"To":"+12095550100","From":"+14155550123","callId":"c-1","callDomain":"d-1"}';

let entries;
before(async () => {
  const m = await dd();
  const cjs = createRequire(import.meta.url)(`${installedDir()}/webhook/node.cjs`);
  entries = [
    ['daily-dialin/webhook (ESM)', m.webhook],
    ['daily-dialin/webhook (CommonJS)', cjs],
  ];
});

/** What a call gives, as text: the answer's JSON (which keeps property order) or the error's fields. */
function outcome(dd, opts) {
  try {
    return JSON.stringify({ ok: dd.verifyPinlessWebhook(opts) });
  } catch (e) {
    return JSON.stringify({
      error: { webhook: e instanceof dd.WebhookVerificationError, name: e?.name, reason: e?.reason, message: e?.message },
    });
  }
}

/**
 * `make()`'s options through both paths, each call with its options wrapped in a proxy that
 * counts what is asked: only the fast path asks for the prototype, and it answers when the
 * prototype is Object.prototype (or none) and `body` is read once (when it falls back, the careful path
 * reads it again). Returns both outcomes and whether the fast path answered. `count: false` passes
 * the options as they are (a revoked proxy, which no proxy can stand in front of faithfully).
 */
function both(dd, make, { count = true } = {}) {
  const counted = () => {
    const reads = { body: 0, plain: false };
    if (!count) return { proxy: make(), reads };
    const proxy = new Proxy(make(), {
      get(t, k, r) {
        if (k === 'body') reads.body++;
        return Reflect.get(t, k, r);
      },
      getPrototypeOf(t) {
        const p = Reflect.getPrototypeOf(t);
        reads.plain = p === Object.prototype || p === null;
        return p;
      },
    });
    return { proxy, reads };
  };
  // Both calls see the same clock (options without `now` read Date.now, which could tick between them).
  const realNow = Date.now;
  const frozen = realNow();
  Date.now = () => frozen;
  globalThis.__dailyDialinCareful = true;
  let careful;
  let fast;
  let reads;
  try {
    careful = outcome(dd, counted().proxy);
    globalThis.__dailyDialinCareful = false;
    let proxy;
    ({ proxy, reads } = counted());
    fast = outcome(dd, proxy);
  } finally {
    globalThis.__dailyDialinCareful = false;
    Date.now = realNow;
  }
  return { fast, careful, tookFast: reads.plain && reads.body === 1 };
}

function signed(body, { secret = SECRET, ts = String(NOW) } = {}) {
  return { 'x-pinless-signature': nodeHmac(secret, ts, body), 'x-pinless-timestamp': ts };
}

describe('verifyPinlessWebhook fast path', () => {
  it('gives the careful path\'s answer on every vector of the shared table', () => {
    const cases = buildVectors(nodeHmac);
    for (const [name, dd] of entries) {
      let fast = 0;
      for (const c of cases) {
        const r = both(dd, () => optionsOf(c));
        assert.equal(r.fast, r.careful, `${name}: case "${c.name}"`);
        if (r.tookFast) fast++;
      }
      // Most vectors are what servers pass: the comparison is not between two careful calls.
      assert.ok(fast >= cases.length / 2, `${name}: ${fast} of ${cases.length} vectors took the fast path`);
    }
  });

  it('is taken for what servers pass: a string or Buffer body, Node\'s headers or a Headers, one secret', () => {
    const headers = signed(CALL);
    const shapes = {
      'string body, req.headers': { body: CALL, headers: { host: 'x', ...headers, accept: '*/*' }, secret: SECRET, now: NOW },
      'Buffer body': { body: Buffer.from(CALL), headers, secret: SECRET, now: NOW },
      'Uint8Array view': { body: new Uint8Array(Buffer.from(`xx${CALL}yy`).buffer, 2, CALL.length), headers, secret: SECRET, now: NOW },
      'options without a prototype': Object.assign(Object.create(null), { body: CALL, headers, secret: SECRET, now: NOW }),
      'headers without a prototype': { body: CALL, headers: Object.assign(Object.create(null), headers), secret: SECRET, now: NOW },
      'Headers': { body: CALL, headers: new Headers(headers), secret: SECRET, now: NOW * 1000, toleranceSeconds: 10, allowWeakSecrets: false },
      'the test body': { body: '{"Test":"test"}', headers: signed('{"Test":"test"}'), secret: SECRET, now: NOW },
      'a wrong signature': { body: CALL, headers: signed(CALL, { secret: NEW_SECRET }), secret: SECRET, now: NOW },
      'a stale timestamp': { body: CALL, headers, secret: SECRET, now: NOW + 301 },
      'a bad tolerance (bad_options from Rust)': { body: CALL, headers, secret: SECRET, now: NOW, toleranceSeconds: -1 },
      'a weak secret': { body: CALL, headers: signed(CALL, { secret: WEAK }), secret: WEAK, now: NOW },
      'a weak secret, allowed': { body: CALL, headers: signed(CALL, { secret: WEAK }), secret: WEAK, now: NOW, allowWeakSecrets: true },
      'no headers': { body: CALL, headers: {}, secret: SECRET, now: NOW },
      'not JSON': { body: '{"To":', headers: signed('{"To":'), secret: SECRET, now: NOW },
    };
    for (const [name, dd] of entries) {
      for (const [what, opts] of Object.entries(shapes)) {
        const r = both(dd, () => opts);
        assert.equal(r.fast, r.careful, `${name}: ${what}`);
        assert.ok(r.tookFast, `${name}: ${what}: took the fast path`);
      }
    }
  });

  it('leaves everything else to the careful path, with the same answer', () => {
    const headers = signed(CALL);
    const view = new Uint8Array(Buffer.from(CALL));
    const lying = new Uint8Array(Buffer.from(CALL));
    Object.defineProperty(lying, 'byteLength', { value: 1 << 20 });
    const short = new Uint8Array(Buffer.from(CALL));
    Object.defineProperty(short, 'length', { value: 3 });
    const notInstance = new Uint8Array(Buffer.from(CALL));
    Object.setPrototypeOf(notInstance, Object.prototype);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CALL)]);
    const lone = `{"To":"\ud800","callId":"c","callDomain":"d"}`;
    const big = JSON.stringify({ To: '+1', callId: 'c', callDomain: 'd', pad: 'x'.repeat(65_536) });
    const shapes = {
      'mixed-case header names': { body: CALL, headers: { 'X-Pinless-Signature': headers['x-pinless-signature'], 'X-Pinless-Timestamp': String(NOW) }, secret: SECRET, now: NOW },
      'a header in two spellings': { body: CALL, headers: { ...headers, 'X-PINLESS-SIGNATURE': 'AAAA' }, secret: SECRET, now: NOW },
      'a header value as an array': { body: CALL, headers: { ...headers, 'x-pinless-signature': ['AAAA', headers['x-pinless-signature']] }, secret: SECRET, now: NOW },
      'a header value as a number': { body: CALL, headers: { ...headers, 'x-pinless-timestamp': NOW }, secret: SECRET, now: NOW },
      'a header value over 8 KiB': { body: CALL, headers: { ...headers, 'x-pinless-signature': 'A'.repeat(9000) }, secret: SECRET, now: NOW },
      'headers with a get function': { body: CALL, headers: { get: (n) => headers[n.toLowerCase()] }, secret: SECRET, now: NOW },
      'headers as a Map': { body: CALL, headers: new Map(Object.entries(headers)), secret: SECRET, now: NOW },
      'headers as a string': { body: CALL, headers: 'x-pinless-signature: x', secret: SECRET, now: NOW },
      'secrets for a rotation': { body: CALL, headers, secrets: [NEW_SECRET, SECRET], now: NOW },
      'secret and secrets': { body: CALL, headers, secret: NEW_SECRET, secrets: [SECRET], now: NOW },
      'a secret over 8 KiB': { body: CALL, headers, secret: 'A'.repeat(9000), now: NOW },
      'a secret as a number': { body: CALL, headers, secret: 42, now: NOW },
      'now as a Date': { body: CALL, headers, secret: SECRET, now: new Date(NOW * 1000) },
      'now as a string': { body: CALL, headers, secret: SECRET, now: String(NOW) },
      'toleranceSeconds as a string': { body: CALL, headers, secret: SECRET, now: NOW, toleranceSeconds: '5' },
      'allowWeakSecrets as a string': { body: CALL, headers, secret: SECRET, now: NOW, allowWeakSecrets: 'yes' },
      'an ArrayBuffer body': { body: view.slice().buffer, headers, secret: SECRET, now: NOW },
      'a parsed body': { body: JSON.parse(CALL), headers, secret: SECRET, now: NOW },
      'a body with a lone surrogate': { body: lone, headers: signed(lone), secret: SECRET, now: NOW },
      'a body over 64 KiB': { body: big, headers: signed(big), secret: SECRET, now: NOW },
      'bytes with a byte order mark': { body: bom, headers: signed(bom), secret: SECRET, now: NOW },
      'bytes that are not UTF-8': { body: Buffer.from([0x7b, 0xff, 0x7d]), headers: signed(Buffer.from([0x7b, 0xff, 0x7d])), secret: SECRET, now: NOW },
      'a Uint8Array whose byteLength lies': { body: lying, headers, secret: SECRET, now: NOW },
      'a Uint8Array whose length lies': { body: short, headers, secret: SECRET, now: NOW },
      'a Uint8Array that is not an instance': { body: notInstance, headers, secret: SECRET, now: NOW },
      'a proxy over a Uint8Array': { body: new Proxy(view, {}), headers, secret: SECRET, now: NOW },
      'a Uint16Array': { body: new Uint16Array(4), headers, secret: SECRET, now: NOW },
      'a throwing header getter': { body: CALL, headers: Object.defineProperty({ ...headers }, 'x-pinless-signature', { get() { throw new Error('boom'); }, enumerable: true }), secret: SECRET, now: NOW },
      'a throwing secret getter': { body: CALL, headers, get secret() { throw new Error('boom'); }, now: NOW },
    };
    for (const [name, dd] of entries) {
      for (const [what, opts] of Object.entries(shapes)) {
        const r = both(dd, () => opts);
        assert.equal(r.fast, r.careful, `${name}: ${what}`);
      }
    }
    // Revoked proxies throw at every question, getPrototypeOf included.
    const revoked = () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    };
    for (const [name, dd] of entries) {
      for (const [what, make] of [
        ['options', () => revoked()],
        ['headers', () => ({ body: CALL, headers: revoked(), secret: SECRET, now: NOW })],
        ['body', () => ({ body: revoked(), headers, secret: SECRET, now: NOW })],
      ]) {
        const { fast, careful } = both(dd, make, { count: false });
        assert.equal(fast, careful, `${name}: a revoked proxy as ${what}`);
        assert.ok(JSON.parse(fast).error?.webhook, `${name}: a revoked proxy as ${what}: ${fast}`);
      }
    }
    // An options object that is not plain never reaches the fast path's reads.
    class Options {
      constructor() {
        Object.assign(this, { body: CALL, headers, secret: SECRET, now: NOW });
      }
    }
    const [, dd] = entries[0];
    const r = both(dd, () => new Options());
    assert.equal(r.fast, r.careful);
    assert.ok(!r.tookFast);
  });

  it(`gives the careful path's answer on ${INPUTS} fuzzed option sets (seed ${SEED})`, () => {
    const r = rng(SEED);
    const pick = (list) => list[Math.floor(r() * list.length)];
    const BODIES = [CALL, '{"Test":"test"}', '{"To":1,"sipHeaders":{"X-A":"b","X-N":2}}', '[]', 'null', '"text"', '{', '', ' {"To":"+1"} ', '{"callId":"日本 🐘"}', `{"a":"\ud800"}`];
    const SECRETS = [SECRET, NEW_SECRET, WEAK, 'not base64!', '', ' ' + SECRET];
    const TIMESTAMPS = [String(NOW), String(NOW * 1000), String(NOW - 400), String(NOW + 400), ` ${NOW} `, 'abc', '', '-1', '99999999999999999999'];
    let fast = 0;
    for (let i = 0; i < INPUTS; i++) {
      const text = pick(BODIES);
      const signer = pick(SECRETS);
      const ts = pick(TIMESTAMPS);
      const sig = pick([() => nodeHmac(signer, ts, text), () => `bad, ${nodeHmac(signer, ts, text)}`, () => 'AAAA', () => '', () => undefined])();
      const names = pick([['x-pinless-signature', 'x-pinless-timestamp'], ['X-Pinless-Signature', 'X-Pinless-Timestamp'], ['x-pinless-signature', 'X-PINLESS-TIMESTAMP']]);
      const pairs = [['host', 'h'], ...(sig === undefined ? [] : [[names[0], pick([sig, sig, [sig], 7])]]), ...(r() < 0.95 ? [[names[1], ts]] : [])];
      const headersAs = pick(['object', 'object', 'object', 'Headers', 'null']);
      const body = pick([() => text, () => text, () => Buffer.from(text), () => new TextEncoder().encode(text).buffer, () => JSON.parse(text || '0')]);
      const opts = {};
      try {
        opts.body = body();
      } catch {
        opts.body = text;
      }
      if (headersAs === 'object') opts.headers = Object.fromEntries(pairs);
      else if (headersAs === 'Headers') opts.headers = new Headers(pairs.map(([k, v]) => [k, String(v)]));
      else opts.headers = null;
      const secret = pick([SECRET, SECRET, signer, WEAK, 42, undefined]);
      if (secret !== undefined) opts.secret = secret;
      if (r() < 0.1) opts.secrets = pick([[SECRET], [WEAK, SECRET], 'x', null]);
      const now = pick([NOW, NOW, NOW * 1000 + 999, new Date(NOW * 1000), undefined, -1, NaN, '1', null]);
      if (now !== undefined) opts.now = now;
      if (r() < 0.3) opts.toleranceSeconds = pick([0, 300, 500, 1e9, -1, 1.5, NaN, '5', null]);
      if (r() < 0.2) opts.allowWeakSecrets = pick([true, false, 'yes', null]);
      const dd = entries[i % 2][1];
      const res = both(dd, () => opts);
      if (res.fast !== res.careful) {
        assert.fail(`seed ${SEED}, input ${i}: ${JSON.stringify({ ...opts, body: String(opts.body) })}\nfast:    ${res.fast}\ncareful: ${res.careful}`);
      }
      if (res.tookFast) fast++;
    }
    assert.ok(fast >= INPUTS / 5, `${fast} of ${INPUTS} inputs took the fast path`);
  });
});
