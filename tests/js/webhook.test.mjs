// The pinless webhook toolkit through the installed package (Node ESM entry): verifyPinlessWebhook
// against the shared vector table (expected signatures computed here with node:crypto, never by
// the package), signPinlessWebhook checked with node:crypto, generateHmacSecret.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { dd } from './installed.mjs';
import { buildVectors, runCase, SECRET, NEW_SECRET, NOW } from './webhook-vectors.mjs';
import { nodeHmac, checkOutcome } from './webhook-node.mjs';

let m;
let cases;
before(async () => {
  m = await dd();
  cases = buildVectors(nodeHmac);
});

test('the table is large enough and covers every reason', () => {
  const negatives = cases.filter((c) => c.expect.reason);
  assert.ok(negatives.length >= 22, `${negatives.length} negative cases`);
  assert.ok(cases.length - negatives.length >= 20, 'positive cases');
  const reasons = new Set(negatives.map((c) => c.expect.reason));
  for (const r of ['missing_signature', 'missing_timestamp', 'bad_timestamp', 'timestamp_too_old', 'timestamp_in_future', 'bad_secret', 'signature_mismatch', 'bad_payload']) {
    assert.ok(reasons.has(r), `a case for ${r}`);
  }
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
});

test('every vector: accepted with the right answer, or rejected with the exact reason', () => {
  for (const c of cases) checkOutcome(c, runCase(m, c));
});

test('answers do not depend on earlier calls (the adapter keeps the last few prepared secrets)', () => {
  // The table again in reverse and in a shuffled order, after the forward run above filled the
  // cache with its secrets: every case must give the same outcome.
  const shuffled = [...cases].map((c, i) => [(i * 7919) % cases.length, c]).sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  for (const c of [...cases].reverse()) checkOutcome(c, runCase(m, c));
  for (const c of shuffled) checkOutcome(c, runCase(m, c));

  const body = '{"To":"+12095550100","From":"+14155550123","callId":"c-1","callDomain":"d-1"}';
  const signed = (secret) => ({ 'x-pinless-signature': nodeHmac(secret, String(NOW), body), 'x-pinless-timestamp': String(NOW) });
  const verify = (headers, o) => m.verifyPinlessWebhook({ body, headers, now: NOW, ...o });
  const reason = (f) => {
    try {
      f();
      return 'accepted';
    } catch (e) {
      return e.reason;
    }
  };
  // More distinct secrets than are kept, in turn, three times: each accepts its own signature
  // and refuses the next one's.
  const many = Array.from({ length: 7 }, () => m.generateHmacSecret());
  for (let round = 0; round < 3; round++) {
    many.forEach((secret, i) => {
      assert.equal(verify(signed(secret), { secret }).kind, 'call');
      assert.equal(reason(() => verify(signed(many[(i + 1) % many.length]), { secret })), 'signature_mismatch');
    });
  }
  // A kept secret next to a broken one: the broken one is still reported, with its label.
  assert.equal(verify(signed(SECRET), { secret: SECRET }).kind, 'call');
  assert.throws(
    () => verify(signed(SECRET), { secrets: [SECRET, 'not base64!'] }),
    (e) => e.reason === 'bad_secret' && /secret #2 of 2/.test(e.message) && !e.message.includes('not base64!'),
  );
  assert.throws(() => verify(signed(SECRET), { secrets: [SECRET, 42] }), (e) => e.reason === 'bad_secret' && /every secret must be/.test(e.message));
  // The same text in another string object is the same secret; a different text is not.
  const copy = SECRET.split('').join('');
  assert.equal(verify(signed(SECRET), { secret: copy }).kind, 'call');
  assert.equal(reason(() => verify(signed(SECRET), { secret: NEW_SECRET })), 'signature_mismatch');
  // Rotation: either secret of the pair, in either order.
  for (const secrets of [[SECRET, NEW_SECRET], [NEW_SECRET, SECRET]]) {
    assert.equal(verify(signed(SECRET), { secrets }).kind, 'call');
    assert.equal(verify(signed(NEW_SECRET), { secrets }).kind, 'call');
  }
});

test('the outcome depends on the signature: a positive case with one signature bit flipped fails', () => {
  // Guards the table itself: if verification ignored the signature, this would pass.
  const c = cases.find((x) => x.name.startsWith('call body, lower-case'));
  const sig = c.headers[0][1];
  const flipped = Buffer.from(sig, 'base64');
  flipped[5] ^= 1;
  const outcome = runCase(m, { ...c, headers: [['x-pinless-signature', flipped.toString('base64')], c.headers[1]] });
  assert.equal(outcome.error?.reason, 'signature_mismatch');
});

test('messages name the likely cause', () => {
  const byName = Object.fromEntries(cases.map((c) => [c.name, c]));
  const msg = (name) => runCase(m, byName[name]).error.message;
  assert.match(msg('secret with a trailing newline'), /whitespace/);
  assert.match(msg('hex digest instead of base64'), /HEX/);
  assert.match(msg('body re-serialised with different spacing'), /re-serialised/);
  assert.match(msg('a parsed object as body'), /raw request body/);
  assert.match(msg('URL-safe base64 secret'), /URL-safe/);
  assert.match(msg('millisecond timestamp -301 s'), /milliseconds/);
});

test('signPinlessWebhook: headers that node:crypto verifies, and that verify round-trips', () => {
  const body = '{"To":"+12095550100","From":"+14155550123","callId":"c-1","callDomain":"d-1"}';
  const h = m.signPinlessWebhook({ body, secret: SECRET, timestamp: NOW });
  assert.deepEqual(Object.keys(h).sort(), ['X-Pinless-Signature', 'X-Pinless-Timestamp']);
  assert.equal(h['X-Pinless-Timestamp'], String(NOW));
  assert.equal(h['X-Pinless-Signature'], nodeHmac(SECRET, String(NOW), body));
  assert.equal(m.verifyPinlessWebhook({ body, headers: h, secret: SECRET, now: NOW }).kind, 'call');

  // Bytes bodies and a string timestamp (signed verbatim).
  const bytes = new TextEncoder().encode('{"Test":"test"}');
  const hb = m.signPinlessWebhook({ body: bytes, secret: NEW_SECRET, timestamp: '1700000000123' });
  assert.equal(hb['X-Pinless-Signature'], nodeHmac(NEW_SECRET, '1700000000123', [...bytes]));
  assert.equal(m.signPinlessWebhook({ body: bytes.buffer, secret: NEW_SECRET, timestamp: '1700000000123' })['X-Pinless-Signature'], hb['X-Pinless-Signature']);

  // Default timestamp: the current Unix time in seconds.
  const before = Math.floor(Date.now() / 1000);
  const hd = m.signPinlessWebhook({ body, secret: SECRET });
  const ts = Number(hd['X-Pinless-Timestamp']);
  assert.ok(ts >= before && ts <= Math.floor(Date.now() / 1000), `timestamp ${ts}`);
  assert.equal(hd['X-Pinless-Signature'], nodeHmac(SECRET, hd['X-Pinless-Timestamp'], body));
  assert.equal(m.verifyPinlessWebhook({ body, headers: hd, secret: SECRET }).kind, 'call');

  // A bad secret is refused without being shown.
  assert.throws(
    () => m.signPinlessWebhook({ body, secret: `${SECRET}\n` }),
    (e) => e instanceof m.WebhookVerificationError && e.reason === 'bad_secret' && !e.message.includes(SECRET.slice(0, 12)),
  );
});

test('generateHmacSecret: 32 random bytes, distinct, accepted by validateCreate as hmac without warnings', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const s = m.generateHmacSecret();
    assert.match(s, /^[A-Za-z0-9+/]{43}=$/);
    const bytes = Buffer.from(s, 'base64');
    assert.equal(bytes.length, 32);
    assert.equal(bytes.toString('base64'), s, 'canonical base64');
    seen.add(s);
  }
  assert.equal(seen.size, 200, 'no repeats');
  // Not constant bytes: across 200 secrets every byte position takes many values.
  const firstBytes = new Set([...seen].map((s) => Buffer.from(s, 'base64')[0]));
  assert.ok(firstBytes.size > 50, `first byte took ${firstBytes.size} values`);

  const hmac = m.generateHmacSecret();
  const report = m.validateCreate({ type: 'pinless_dialin', phone_number: '+12095550100', room_creation_api: 'https://example.com/dialin', hmac });
  assert.deepEqual(report, { ok: true, issues: [] });
  // And it works as a webhook secret.
  const body = '{"Test":"test"}';
  const headers = { 'x-pinless-signature': nodeHmac(hmac, String(NOW), body), 'x-pinless-timestamp': String(NOW) };
  assert.deepEqual(m.verifyPinlessWebhook({ body, headers, secret: hmac, now: NOW }), { kind: 'test', raw: { Test: 'test' }, warnings: [] });
});

test('odd inputs fail closed instead of throwing something else', () => {
  const body = '{"Test":"test"}';
  const headers = { 'x-pinless-signature': nodeHmac(SECRET, String(NOW), body), 'x-pinless-timestamp': String(NOW) };
  const throwing = new Proxy({}, { ownKeys() { throw new Error('trap'); }, get() { throw new Error('trap'); } });
  assert.throws(() => m.verifyPinlessWebhook({ body, headers: throwing, secret: SECRET, now: NOW }), (e) => e.reason === 'missing_signature');
  const sparse = Object.assign([], { length: 2 ** 32 - 1 });
  assert.throws(() => m.verifyPinlessWebhook({ body, headers: { 'x-pinless-signature': sparse, 'x-pinless-timestamp': String(NOW) }, secret: SECRET, now: NOW }), (e) => e.reason === 'missing_signature');
  assert.throws(() => m.verifyPinlessWebhook({ body, headers, secrets: sparse, now: NOW }), (e) => e.reason === 'bad_secret');
});
