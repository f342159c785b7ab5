// DailyDialinClient against the emulator over real HTTP on 127.0.0.1, through the packed package:
// every operation's success path, each Daily error type, and a table of faults with the expected
// number of attempts and outcome.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { dd } from './installed.mjs';

const KEY = 'sk_test_client_SECRET_4f9a8b7c6d5e';
const HMAC = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';
let m;
let emu;
let attempts;

/** fetch that counts attempts by "METHOD path". */
const counting = (url, init) => {
  const k = `${init.method} ${new URL(url).pathname}`;
  attempts[k] = (attempts[k] ?? 0) + 1;
  return fetch(url, init);
};

const client = (extra = {}) => new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true, fetch: counting, ...extra });
const pinless = (n) => ({
  type: 'pinless_dialin',
  phone_number: `+1209555${String(n).padStart(4, '0')}`,
  room_creation_api: 'https://example.com/dial',
  hmac: HMAC,
});
const CFG = '/v1/domain-dialin-config';

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
});
after(() => emu.close());
beforeEach(async () => {
  attempts = {};
  await emu.reset();
});

test('every operation succeeds and returns typed results', async () => {
  const c = client();
  const a = await c.create(pinless(1));
  assert.equal(a.type, 'pinless_dialin');
  assert.equal(a.config.phone_number, '+12095550001');
  assert.equal(a.config.hmac, HMAC);
  assert.match(a.config.sip_uri, /@/);
  const b = await c.create({ type: 'pin_dialin', phone_number: '+12095550002', ivr_greeting: { message: 'PIN please' } });
  assert.equal(b.type, 'pin_dialin');
  assert.deepEqual(await c.get(a.id), a);
  const u = await c.update(a.id, { hold_music_url: 'https://example.com/new.mp3' });
  assert.equal(u.config.hold_music_url, 'https://example.com/new.mp3');
  assert.equal(u.config.room_creation_api, 'https://example.com/dial');
  const page = await c.list({ type: 'pin_dialin' });
  assert.equal(page.total_count, 1);
  assert.equal(page.data[0].id, b.id);
  assert.deepEqual(await c.delete(b.id), { status: 'deleted' });
  await assert.rejects(c.get(b.id), (e) => e instanceof m.DailyApiError && e.kind === 'not_found' && e.status === 404);
  assert.deepEqual(attempts[`POST ${CFG}`], 2);
});

test('the client knows a config type from earlier answers and checks updates against it', async () => {
  const c = client();
  const a = await c.create(pinless(3));
  await assert.rejects(c.update(a.id, { ivr_greeting: { message: 'x' } }), (e) => {
    assert.ok(e instanceof m.ValidationError);
    assert.equal(e.issues[0].code, 'not_applicable');
    return true;
  });
  // A fresh client does not know it, unless told.
  await assert.rejects(client().update(a.id, { ivr_greeting: { message: 'x' } }, { type: 'pinless_dialin' }), m.ValidationError);
  assert.equal(attempts[`PUT ${CFG}/${a.id}`], undefined, 'a refused update is never sent');
});

test('listAll follows starting_after across pages, newest first', async () => {
  const c = client();
  const ids = [];
  for (let i = 0; i < 7; i++) ids.push((await c.create(pinless(10 + i))).id);
  const seen = [];
  for await (const cfg of c.listAll({ limit: 3 })) seen.push(cfg.id);
  assert.deepEqual(seen, ids.reverse());
  assert.equal(attempts[`GET ${CFG}`], 4, '3 + 3 + 1 + an empty page');
});

test('input with errors is never sent', async () => {
  const c = client();
  await assert.rejects(c.create({ type: 'pin_dialin', phoneNumber: '+12095550001' }), (e) => {
    assert.ok(e instanceof m.ValidationError);
    assert.deepEqual(e.issues.map((i) => [i.path, i.code]).sort(), [['phoneNumber', 'unknown_field'], ['phone_number', 'required']]);
    return true;
  });
  await assert.rejects(c.get('a/b'), m.ValidationError);
  await assert.rejects(c.list({ limit: 0 }), m.ValidationError);
  assert.deepEqual(attempts, {});
  assert.throws(() => new m.DailyDialinClient({ baseUrl: emu.url }), m.ValidationError);
  assert.throws(() => new m.DailyDialinClient({ apiKey: KEY, baseUrl: '/v1' }), m.ValidationError);
});

test('each Daily error type maps to a kind', async () => {
  const cases = [
    [400, 'invalid-request-error', 'invalid_request'],
    [400, 'json-parsing-error', 'json_parsing'],
    [400, 'authorization-header-error', 'authorization_header'],
    [401, 'authentication-error', 'authentication'],
    [403, 'forbidden-error', 'forbidden'],
    [404, 'not-found', 'not_found'],
    [400, 'invalid-plan-type', 'unknown'],
  ];
  const c = client();
  for (const [status, error, kind] of cases) {
    await emu.injectFault({ method: 'GET', status, body: { error, info: `about ${error}` } });
    await assert.rejects(c.get('abc'), (e) => {
      assert.ok(e instanceof m.DailyApiError, String(e));
      assert.deepEqual([e.status, e.error, e.kind, e.info, e.retryable], [status, error, kind, `about ${error}`, false]);
      assert.equal(e.method, 'GET');
      assert.equal(e.path, `${CFG}/abc`);
      return true;
    });
  }
  // The real thing: a wrong key gives 401 without info.
  const wrong = new m.DailyDialinClient({ apiKey: 'wrong-key', baseUrl: emu.url });
  await assert.rejects(wrong.list(), (e) => e.kind === 'authentication' && e.status === 401 && e.info === undefined);
  const bad = await c.create(pinless(5)).then(() => c.create(pinless(5)).catch((e) => e));
  assert.equal(bad.kind, 'invalid_request');
  assert.match(bad.info, /phone_number/);
});

// name, setup (faults), call, expected attempts per "METHOD path", expected outcome check
const FAULTS = [
  ['429 without Retry-After on GET is retried', [{ method: 'GET', status: 429 }], (c) => c.list(), { [`GET ${CFG}`]: 2 }, (r) => assert.equal(r.total_count, 0)],
  ['429 with Retry-After on POST waits it out', [{ method: 'POST', status: 429, retry_after: 1 }], (c) => timed(c.create(pinless(20))), { [`POST ${CFG}`]: 2 },
    (r) => { assert.equal(r.value.config.phone_number, '+12095550020'); assert.ok(r.ms >= 950, `waited ${r.ms} ms`); }],
  ['500 on GET is retried', [{ method: 'GET', status: 500 }], (c) => c.list(), { [`GET ${CFG}`]: 2 }, (r) => assert.equal(r.total_count, 0)],
  ['502 twice on PUT is retried twice', [{ method: 'PUT', status: 502, count: 2 }], async (c) => { const a = await c.create(pinless(21)); return c.update(a.id, { name_prefix: 'x' }); },
    { [`POST ${CFG}`]: 1, PUT: 3 }, (r) => assert.equal(r.config.name_prefix, 'x')],
  ['503 three times on GET gives up after 3 attempts', [{ method: 'GET', status: 503, count: 3 }], (c) => c.list(), { [`GET ${CFG}`]: 3 },
    null, (e) => e instanceof m.DailyApiError && e.status === 503 && e.kind === 'server' && e.retryable && e.attempts === 3],
  ['timeout on GET is retried', [{ method: 'GET', delay_ms: 1500 }], (c) => c.list(), { [`GET ${CFG}`]: 2 }, (r) => assert.equal(r.total_count, 0), null, { timeoutMs: 300 }],
  ['dropped connection on GET is retried', [{ method: 'GET', drop: true }], (c) => c.list(), { [`GET ${CFG}`]: 2 }, (r) => assert.equal(r.total_count, 0)],
  ['create applied then 500 returns the config, once', [{ method: 'POST', status: 500, apply: true }], (c) => c.create(pinless(22)), { [`POST ${CFG}`]: 1, [`GET ${CFG}`]: 1 },
    async (r) => { assert.equal(r.config.phone_number, '+12095550022'); assert.equal((await client().list()).total_count, 1); }],
  ['create applied then dropped returns the config, once', [{ method: 'POST', drop: true, apply: true }], (c) => c.create(pinless(23)), { [`POST ${CFG}`]: 1, [`GET ${CFG}`]: 1 },
    async (r) => { assert.equal(r.config.phone_number, '+12095550023'); assert.equal((await client().list()).total_count, 1); }],
  ['create 500 not applied is looked up, then sent again', [{ method: 'POST', status: 500 }], (c) => c.create(pinless(24)), { [`POST ${CFG}`]: 2, [`GET ${CFG}`]: 1 },
    async (r) => { assert.equal(r.config.phone_number, '+12095550024'); assert.equal((await client().list()).total_count, 1); }],
  ['create timeout, applied, returns the config once', [{ method: 'POST', delay_ms: 1500 }], (c) => c.create(pinless(25)), { [`POST ${CFG}`]: 1, [`GET ${CFG}`]: 1 },
    async (r) => { assert.equal(r.config.phone_number, '+12095550025'); assert.equal((await client().list()).total_count, 1); }, null, { timeoutMs: 300 }],
  ['create without a number after a 503 is not retried (ambiguous)', [{ method: 'POST', status: 503 }],
    (c) => c.create({ type: 'pinless_dialin', room_creation_api: 'https://example.com/dial' }), { [`POST ${CFG}`]: 1 },
    null, (e) => e instanceof m.DailyApiError && e.status === 503 && e.maybeApplied === true],
  ['delete applied then dropped counts as deleted', [{ method: 'DELETE', drop: true, apply: true }], async (c) => { const a = await c.create(pinless(26)); return c.delete(a.id); },
    { DELETE: 2 }, async (r) => { assert.deepEqual(r, { status: 'deleted', reconciled: true }); assert.equal((await client().list()).total_count, 0); }],
  ['non-JSON error body stays readable', [{ method: 'GET', status: 502, count: 3, body: '<html>Bad Gateway</html>' }], (c) => c.list(), { [`GET ${CFG}`]: 3 },
    null, (e) => e instanceof m.DailyApiError && e.status === 502 && e.error === undefined && /Bad Gateway/.test(e.message)],
  ['400 is never retried', [{ method: 'GET', status: 400, body: { error: 'invalid-request-error', info: 'nope' } }], (c) => c.list(), { [`GET ${CFG}`]: 1 },
    null, (e) => e.kind === 'invalid_request' && e.attempts === 1],
  ['404 is never retried', [], (c) => c.get('0cb313e1-211f-4be0-833d-8c7305b19902'), { GETID: 1 }, null, (e) => e.kind === 'not_found' && e.attempts === 1],
  ['409 is retried', [{ method: 'GET', status: 409 }], (c) => c.list(), { [`GET ${CFG}`]: 2 }, (r) => assert.equal(r.total_count, 0)],
];

async function timed(p) {
  const t = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t };
}

/** Sums attempts whose key starts with the method, for keys like PUT (any id). */
function count(key) {
  if (key === 'GETID') return Object.entries(attempts).filter(([k]) => k.startsWith(`GET ${CFG}/`)).reduce((s, [, v]) => s + v, 0);
  if (!key.includes(' ')) return Object.entries(attempts).filter(([k]) => k.startsWith(`${key} ${CFG}/`)).reduce((s, [, v]) => s + v, 0);
  return attempts[key] ?? 0;
}

for (const [name, faults, call, want, ok, err, extra] of FAULTS) {
  test(`fault: ${name}`, async () => {
    for (const f of faults) await emu.injectFault(f);
    const c = client(extra);
    let result;
    let error;
    try {
      result = await call(c);
    } catch (e) {
      error = e;
    }
    const snapshot = {};
    for (const k of Object.keys(want)) snapshot[k] = count(k);
    if (ok) {
      assert.equal(error, undefined, `unexpected error: ${error}`);
      await ok(result);
    } else {
      assert.ok(error, 'expected an error');
      assert.ok(err(error), `unexpected error: ${error} ${JSON.stringify(error)}`);
    }
    assert.deepEqual(snapshot, want);
  });
}

test('fault: slow body times out and is retried', async () => {
  let n = 0;
  const server = http.createServer((req, res) => {
    n += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (n === 1) {
      res.write('{"total_count": 0, ');
      return; // never ends
    }
    res.end('{"total_count":0,"data":[]}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const c = new m.DailyDialinClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${server.address().port}/v1`, timeoutMs: 300 });
    assert.deepEqual(await c.list(), { total_count: 0, data: [] });
    assert.equal(n, 2);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('fault: abort during the wait between retries ends the call at once', async () => {
  await emu.injectFault({ method: 'GET', status: 503, count: 5, retry_after: 30 });
  const c = client();
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 200);
  const t = Date.now();
  await assert.rejects(c.list({}, { signal: ctl.signal }), (e) => e instanceof m.AbortError && e.attempts === 1);
  assert.equal(attempts[`GET ${CFG}`], 1);
  assert.ok(Date.now() - t < 25000, 'did not wait for Retry-After');
  await assert.rejects(c.list({}, { signal: ctl.signal }), m.AbortError, 'an aborted signal stops before sending');
  assert.equal(attempts[`GET ${CFG}`], 1);
});

test('fault: connection refused is retried, also for POST (it never left)', async () => {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const c = new m.DailyDialinClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}/v1`, fetch: counting });
  await assert.rejects(c.create(pinless(30)), (e) => e instanceof m.NetworkError && e.maybeSent === false && e.attempts === 3);
  assert.equal(attempts[`POST ${CFG}`], 3);
});

export { KEY, HMAC };
