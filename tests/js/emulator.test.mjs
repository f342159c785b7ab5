// The emulator (daily-dialin-emulator, from the packed package) over real HTTP on 127.0.0.1: every
// /v1 route with its success shape and error bodies, validation by the package's own rules, list
// paging and filters, auth, rate limit, faults, CORS, reset, body size, state export and import.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { dd, CONSUMER } from './installed.mjs';
import { tempDir, tool } from './helpers.mjs';
import { KEY, CFG, client, infoOf, UUID_V4, isSecret32 } from './emulator-helpers.mjs';

let m;
let emu;
let req;

const HOOK = 'http://127.0.0.1:9/hook'; // discard port: the create ping fails fast, and is ignored
const pin = (n, extra = {}) => ({ type: 'pin_dialin', phone_number: `+1209555${String(n).padStart(4, '0')}`, ...extra });
const pinless = (extra = {}) => ({ type: 'pinless_dialin', room_creation_api: HOOK, ...extra });
const VALIDATION = { allowPrivateUrls: true };

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  req = client(emu.origin);
});
after(() => emu.close());
beforeEach(() => emu.reset());

test('binds 127.0.0.1 on a free port by default; url ends in /v1', () => {
  assert.equal(emu.host, '127.0.0.1');
  assert.ok(emu.port > 0);
  assert.equal(emu.origin, `http://127.0.0.1:${emu.port}`);
  assert.equal(emu.url, `${emu.origin}/v1`);
});

test('create, get, update (PUT), list and delete answer the documented shapes', async () => {
  const made = await req('POST', CFG, { body: pinless({ phone_number: '+12095550001', name_prefix: 'sales', timeout_config: { message: 'Sorry' } }) });
  assert.equal(made.status, 200);
  assert.match(made.headers.get('content-type'), /^application\/json/);
  const a = made.json;
  assert.match(a.id, UUID_V4);
  assert.equal(a.type, 'pinless_dialin');
  assert.deepEqual(Object.keys(a).sort(), ['config', 'id', 'type']);
  assert.deepEqual(Object.keys(a.config).sort(), ['hmac', 'name_prefix', 'phone_number', 'room_creation_api', 'sip_uri', 'timeout_config']);
  assert.equal(a.config.phone_number, '+12095550001');
  assert.ok(isSecret32(a.config.hmac), 'a generated hmac is base64 of 32 bytes');
  assert.match(a.config.sip_uri, /^static-address--\d+@[a-z0-9.-]+$/);

  const p = (await req('POST', CFG, { body: pin(2, { ivr_greeting: { message: 'Enter your PIN' } }) })).json;
  assert.equal(p.type, 'pin_dialin');
  assert.deepEqual(p.config, { phone_number: '+12095550002', ivr_greeting: { message: 'Enter your PIN' } });

  const given = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';
  const b = (await req('POST', CFG, { body: pinless({ hmac: given }) })).json;
  assert.equal(b.config.hmac, given, 'a given hmac is kept');
  assert.equal(b.config.phone_number, undefined, 'pinless without a number: SIP only');
  const c = (await req('POST', CFG, { body: pinless() })).json;
  assert.ok(isSecret32(c.config.hmac));
  assert.notEqual(c.config.hmac, a.config.hmac, 'each generated hmac is fresh');
  assert.equal(new Set([a, b, c].map((x) => x.config.sip_uri)).size, 3, 'sip_uri is unique');
  assert.equal(new Set([a, p, b, c].map((x) => x.id)).size, 4);

  const got = await req('GET', `${CFG}/${a.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, a);

  const upd = await req('PUT', `${CFG}/${a.id}`, { body: { hold_music_url: 'http://127.0.0.1:9/music.mp3', name_prefix: 'support' } });
  assert.equal(upd.status, 200);
  assert.deepEqual(upd.json, { ...a, config: { ...a.config, hold_music_url: 'http://127.0.0.1:9/music.mp3', name_prefix: 'support' } }, 'present fields replace, the rest (hmac too) stays');
  assert.deepEqual((await req('GET', `${CFG}/${a.id}`)).json, upd.json);

  const list = await req('GET', CFG);
  assert.equal(list.status, 200);
  assert.deepEqual(Object.keys(list.json).sort(), ['data', 'total_count']);
  assert.equal(list.json.total_count, 4);
  assert.deepEqual(list.json.data.map((x) => x.id), [c.id, b.id, p.id, a.id], 'newest first');
  assert.deepEqual(list.json.data[3], upd.json);

  const del = await req('DELETE', `${CFG}/${p.id}`);
  assert.equal(del.status, 200);
  assert.deepEqual(del.json, { status: 'deleted' });
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const r = await req(method, `${CFG}/${p.id}`, method === 'PUT' ? { body: { name_prefix: 'x' } } : {});
    assert.equal(r.status, 404, method);
    assert.equal(r.json.error, 'not-found');
    assert.match(r.json.info, new RegExp(p.id));
  }
  assert.equal((await req('GET', CFG)).json.total_count, 3);
});

test('400 invalid-request-error: info is the package validator\'s own path: message', async () => {
  const bodies = [
    {},
    { type: 'pin_dialin' },
    { type: 'pinles_dialin', phone_number: '+12095550001' },
    { type: 'pin_dialin', phone_number: '(209) 555-1234', hmac: 'not base64!' },
    { type: 'pinless_dialin', phoneNumber: '+12095550001', room_creation_api: 'ftp://example.com/x' },
    { type: 'pinless_dialin', room_creation_api: HOOK, timeout_config: { mesage: 'x' }, hold_music_url: 42 },
    { type: 'pin_dialin', phone_number: '+12095550001', ivr_greeting: { message: '' }, name_prefix: '\u0007' },
    { type: 'pinless_dialin', room_creation_api: HOOK, hmac: Buffer.alloc(8).toString('base64') },
    [],
    null,
    'text',
  ];
  for (const body of bodies) {
    const report = m.validateCreate(body, VALIDATION);
    assert.equal(report.ok, false, JSON.stringify(body));
    const r = await req('POST', CFG, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error, 'invalid-request-error');
    assert.equal(r.json.info, infoOf(report), JSON.stringify(body));
    for (const i of report.issues.filter((x) => x.severity === 'error' && x.path)) assert.ok(r.json.info.includes(`${i.path}: `), i.path);
  }
  assert.equal((await req('GET', CFG)).json.total_count, 0, 'nothing was created');

  // Warnings never block: http:// and a hold track without .mp3 are accepted.
  const ok = pinless({ hold_music_url: 'http://127.0.0.1:9/track' });
  assert.ok(m.validateCreate(ok, VALIDATION).issues.length > 0);
  assert.equal((await req('POST', CFG, { body: ok })).status, 200);

  // Updates: checked against the stored config's type.
  const id = (await req('POST', CFG, { body: pin(7) })).json.id;
  for (const patch of [{}, { hmac: 'x' }, { type: 'pinless_dialin' }, { phone_number: '12345' }, { ivr_greeting: 'hi' }]) {
    const report = m.validateUpdate(patch, { ...VALIDATION, type: 'pin_dialin' });
    assert.equal(report.ok, false);
    const r = await req('PUT', `${CFG}/${id}`, { body: patch });
    assert.equal(r.status, 400, JSON.stringify(patch));
    assert.equal(r.json.error, 'invalid-request-error');
    assert.equal(r.json.info, infoOf(report), JSON.stringify(patch));
  }
  assert.deepEqual((await req('GET', `${CFG}/${id}`)).json.config, { phone_number: '+12095550007' });
});

test('private URLs are refused like the package refuses them when allowPrivateUrls is false', async () => {
  const strict = await m.startEmulator({ allowPrivateUrls: false, rateLimit: null });
  try {
    const body = pinless();
    const report = m.validateCreate(body);
    assert.equal(report.ok, false);
    assert.ok(report.issues.some((i) => i.code === 'not_public_url'));
    const r = await client(strict.origin)('POST', CFG, { body });
    assert.equal(r.status, 400);
    assert.equal(r.json.info, infoOf(report));
  } finally {
    await strict.close();
  }
});

test('type cannot change', async () => {
  for (const [body, other] of [[pin(1), 'pinless_dialin'], [pinless(), 'pin_dialin']]) {
    const made = (await req('POST', CFG, { body })).json;
    const r = await req('PUT', `${CFG}/${made.id}`, { body: { type: other } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid-request-error');
    assert.match(r.json.info, /^type: /);
    assert.equal(r.json.info, infoOf(m.validateUpdate({ type: other }, { ...VALIDATION, type: made.type })));
    assert.equal((await req('GET', `${CFG}/${made.id}`)).json.type, made.type);
  }
});

test('a phone number belongs to one config: checked on create and on update', async () => {
  const a = (await req('POST', CFG, { body: pin(1) })).json;
  const b = (await req('POST', CFG, { body: pinless({ phone_number: '+12095550002' }) })).json;
  for (const body of [pin(1), pinless({ phone_number: '+12095550001' })]) {
    const r = await req('POST', CFG, { body });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid-request-error');
    assert.match(r.json.info, /^phone_number: /);
    assert.ok(r.json.info.includes(a.id), 'names the config holding the number');
  }
  const r = await req('PUT', `${CFG}/${b.id}`, { body: { phone_number: '+12095550001' } });
  assert.equal(r.status, 400);
  assert.match(r.json.info, /^phone_number: .*already used/);
  assert.equal((await req('GET', `${CFG}/${b.id}`)).json.config.phone_number, '+12095550002');
  assert.equal((await req('PUT', `${CFG}/${a.id}`, { body: { phone_number: '+12095550001' } })).status, 200, 'its own number is no conflict');
  assert.equal((await req('DELETE', `${CFG}/${a.id}`)).status, 200);
  assert.equal((await req('PUT', `${CFG}/${b.id}`, { body: { phone_number: '+12095550001' } })).status, 200, 'free again after delete');
  assert.equal((await req('POST', CFG, { body: pin(2) })).status, 200, "b's old number is free");
  assert.equal((await req('GET', CFG)).json.total_count, 2);
});

test('list: newest first, limit, cursors both ways, filters, total_count', async () => {
  const specs = [
    pin(100, { name_prefix: 'sales' }),
    pinless({ phone_number: '+12095550101', name_prefix: 'sales-west' }),
    pinless({ name_prefix: 'support' }),
    pin(103),
    pinless({ phone_number: '+12095550104', name_prefix: 'Sales' }),
    pin(105, { name_prefix: 'sales' }),
    pinless({ phone_number: '+14155550106' }),
  ];
  const c = [];
  for (const s of specs) c.push((await req('POST', CFG, { body: s })).json);
  const ids = (xs) => xs.map((x) => x.id);
  const list = async (q) => {
    const r = await req('GET', `${CFG}${q ? `?${q}` : ''}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.json;
  };
  const [c0, c1, c2, c3, c4, c5, c6] = ids(c);

  let page = await list('');
  assert.deepEqual(ids(page.data), [c6, c5, c4, c3, c2, c1, c0]);
  assert.equal(page.total_count, 7);

  // Forward with starting_after.
  const seen = [];
  let q = 'limit=3';
  for (;;) {
    page = await list(q);
    assert.equal(page.total_count, 7);
    assert.ok(page.data.length <= 3);
    if (page.data.length === 0) break;
    seen.push(...ids(page.data));
    q = `limit=3&starting_after=${page.data.at(-1).id}`;
  }
  assert.deepEqual(seen, [c6, c5, c4, c3, c2, c1, c0]);

  // Backward with ending_before, from the oldest.
  assert.deepEqual(ids((await list(`limit=3&ending_before=${c0}`)).data), [c3, c2, c1]);
  assert.deepEqual(ids((await list(`limit=3&ending_before=${c3}`)).data), [c6, c5, c4]);
  assert.deepEqual(ids((await list(`limit=3&ending_before=${c6}`)).data), []);
  assert.deepEqual(ids((await list('limit=2&ending_before=OLDEST')).data), [c1, c0]);

  // Filters; total_count counts every match, not the page.
  const check = async (query, want) => {
    const p = await list(query);
    assert.deepEqual(ids(p.data), want, query);
    return p;
  };
  await check('phone_number=%2B12095550103', [c3]);
  await check('phone_numbers=%2B12095550100,%2B14155550106', [c6, c0]);
  await check('phone_numbers=%2B12095550100&phone_numbers=%2B14155550106', [c6, c0]);
  await check('phone_numbers=0101', [c1]);
  await check(`sip_username=${encodeURIComponent(c[2].config.sip_uri.split('@')[0])}`, [c2]);
  await check('name_prefix=sales', [c5, c1, c0]);
  assert.equal((await check('name_prefix=sales&limit=1', [c5])).total_count, 3);
  await check('type=pin_dialin', [c5, c3, c0]);
  assert.equal((await check('type=pinless_dialin&limit=2', [c6, c4])).total_count, 4);
  await check('type=pin_dialin&name_prefix=sales', [c5, c0]);
  assert.equal((await check(`type=pin_dialin&limit=1&starting_after=${c5}`, [c3])).total_count, 3);
  await check('phone_number=%2B19995550000', []);

  // A raw + reads as a space in a query string: a 400 naming the parameter, not an empty page.
  const plus = await req('GET', `${CFG}?phone_number=+12095550103`);
  assert.equal(plus.status, 400);
  assert.match(plus.json.info, /^phone_number: /);

  // A deleted id still works as a cursor; an id never issued is a 400 naming the parameter.
  assert.equal((await req('DELETE', `${CFG}/${c3}`)).status, 200);
  await check(`limit=1&starting_after=${c3}`, [c2]);
  const unknown = await req('GET', `${CFG}?starting_after=00000000-0000-4000-8000-000000000000`);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error, 'invalid-request-error');
  assert.match(unknown.json.info, /^starting_after: /);

  // Query rules are the package's validateListQuery.
  for (const [query, asObject] of [
    ['limit=0', { limit: 0 }],
    ['limit=101', { limit: 101 }],
    ['limit=abc', { limit: 'abc' }],
    ['foo=1', { foo: '1' }],
    ['type=pin', { type: 'pin' }],
    [`starting_after=${c0}&ending_before=${c1}`, { starting_after: c0, ending_before: c1 }],
  ]) {
    const r = await req('GET', `${CFG}?${query}`);
    assert.equal(r.status, 400, query);
    assert.equal(r.json.error, 'invalid-request-error');
    assert.equal(r.json.info, infoOf(m.validateListQuery(asObject)), query);
  }
});

test('limit defaults to 100 and caps a page at 100', async () => {
  const { json: state } = await req('GET', '/_emulator/state');
  state.configs = Array.from({ length: 105 }, (_, i) => ({
    seq: i,
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'pin_dialin',
    config: { phone_number: `+1415555${String(i).padStart(4, '0')}` },
  }));
  state.next_seq = 105;
  assert.equal((await req('PUT', '/_emulator/state', { body: state })).status, 200);
  const page = (await req('GET', CFG)).json;
  assert.equal(page.total_count, 105);
  assert.equal(page.data.length, 100);
  assert.equal(page.data[0].id, state.configs[104].id);
  assert.equal((await req('GET', `${CFG}?limit=100&starting_after=${page.data[99].id}`)).json.data.length, 5);
});

test('auth: missing header 400, malformed 400, unknown key 401 with no info', async () => {
  for (const [path, method] of [[CFG, 'GET'], [CFG, 'POST'], [`${CFG}/x`, 'DELETE'], ['/v1/dialin/pinlessCallUpdate', 'POST']]) {
    const r = await req(method, path, { key: null, body: method === 'POST' ? pin(1) : undefined });
    assert.equal(r.status, 400, `${method} ${path}`);
    assert.equal(r.json.error, 'authorization-header-error');
    assert.equal(typeof r.json.info, 'string');
  }
  for (const auth of ['Basic abc', 'Bearer', 'Bearer a b', KEY]) {
    const r = await req('GET', CFG, { key: null, headers: { Authorization: auth } });
    assert.equal(r.status, 400, auth === KEY ? 'key without Bearer' : auth);
    assert.equal(r.json.error, 'authorization-header-error');
    assert.ok(!r.text.includes(KEY));
  }
  const wrong = await req('POST', CFG, { key: 'sk_wrong_key_123', body: pin(1) });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.json, { error: 'authentication-error' });
  assert.ok(!('info' in wrong.json));
  assert.ok(!wrong.text.includes('sk_wrong_key_123'));
  assert.equal((await req('GET', CFG, { headers: { Authorization: `bearer ${KEY}` } })).status, 200, 'scheme is case-insensitive');
  assert.equal((await req('GET', CFG)).json.total_count, 0, 'the refused create did nothing');
  // Admin routes take an API key of apiKeys (or the admin token), and nothing else.
  assert.equal((await req('GET', '/_emulator/faults')).status, 200);
  assert.equal((await req('GET', '/_emulator/faults', { key: emu.adminToken })).status, 200);
  assert.equal((await req('GET', '/_emulator/faults', { key: null })).status, 401);
});

test('any Bearer key is accepted when apiKeys is not given', async () => {
  const open = await m.startEmulator({ rateLimit: null });
  try {
    assert.equal((await client(open.origin, 'whatever')('GET', CFG)).status, 200);
    assert.equal((await client(open.origin, null)('GET', CFG)).status, 400);
  } finally {
    await open.close();
  }
});

test('unknown ids and routes are 404 not-found; bad ids 400; wrong methods 405', async () => {
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const r = await req(method, `${CFG}/6f1c1a52-0000-4000-8000-000000000000`, method === 'PUT' ? { body: { name_prefix: 'x' } } : {});
    assert.equal(r.status, 404);
    assert.equal(r.json.error, 'not-found');
  }
  const route = await req('GET', '/v1/rooms');
  assert.equal(route.status, 404);
  assert.equal(route.json.error, 'not-found');
  assert.equal((await req('GET', '/nothing-here', { key: null })).status, 404);
  const bad = await req('GET', `${CFG}/a%20b`);
  assert.equal(bad.status, 400);
  assert.match(bad.json.info, /^id: /);
  const patch = await req('PATCH', CFG, { body: {} });
  assert.equal(patch.status, 405);
  assert.equal(patch.json.error, 'invalid-request-error');
  assert.equal(patch.headers.get('allow'), 'GET, POST');
  assert.equal((await req('POST', `${CFG}/some-id`, { body: {} })).status, 405, 'POST is not an alias of PUT');
  assert.equal((await req('GET', `${CFG}/`)).status, 200, 'one trailing slash is the collection');
});

test('malformed JSON is 400 json-parsing-error', async () => {
  const id = (await req('POST', CFG, { body: pin(1) })).json.id;
  for (const [method, path] of [['POST', CFG], ['PUT', `${CFG}/${id}`], ['POST', '/v1/dialin/pinlessCallUpdate']]) {
    for (const text of ['{"type":', '{type: "pin_dialin"}', "{'a':1}", '\u00ff']) {
      const r = await req(method, path, { body: text, headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 400, `${method} ${path} ${text}`);
      assert.equal(r.json.error, 'json-parsing-error');
      assert.equal(typeof r.json.info, 'string');
    }
  }
  // An empty body reads as {} and is then validated.
  const empty = await req('POST', CFG, { body: '', headers: { 'Content-Type': 'application/json' } });
  assert.equal(empty.json.error, 'invalid-request-error');
  assert.equal(empty.json.info, infoOf(m.validateCreate({}, VALIDATION)));
});

test('rate limit: 429 rate-limit-error per key, with and without Retry-After; reset clears it', async () => {
  for (const retryAfter of [false, true]) {
    const limited = await m.startEmulator({ rateLimit: { maxRequests: 3, windowMs: 60000 }, retryAfter });
    try {
      const r1 = client(limited.origin, 'key-one');
      for (let i = 0; i < 3; i++) assert.equal((await r1('GET', CFG)).status, 200);
      const r = await r1('POST', CFG, { body: pin(1), headers: { Origin: 'http://localhost:3000' } });
      assert.equal(r.status, 429);
      assert.equal(r.json.error, 'rate-limit-error');
      assert.equal(typeof r.json.info, 'string');
      const ra = r.headers.get('retry-after');
      if (retryAfter) {
        assert.match(ra ?? '', /^\d+$/);
        assert.ok(Number(ra) >= 1 && Number(ra) <= 60, ra);
      } else {
        assert.equal(ra, null);
      }
      assert.match(r.headers.get('access-control-expose-headers'), /Retry-After/);
      assert.equal((await r1('GET', CFG)).status, 429, 'a 429 does not free a slot');
      assert.equal((await client(limited.origin, 'key-two')('GET', CFG)).status, 200, 'limits are per key');
      assert.equal((await r1('GET', '/_emulator/faults', { key: limited.adminToken })).status, 200, 'admin routes are not limited');
      assert.equal(limited.exportState().configs.length, 0, 'the limited create did nothing');
      await limited.reset();
      assert.equal((await r1('GET', CFG)).status, 200, 'reset clears the counters');
    } finally {
      await limited.close();
    }
  }
});

test('faults: status with JSON, raw or default body; Retry-After; count; matching', async () => {
  const fault = async (f) => {
    const r = await req('POST', '/_emulator/faults', { body: f });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const f1 = await fault({ method: 'GET', status: 503, body: { error: 'server-error', info: 'maintenance' } });
  assert.equal(f1.remaining, 1);
  let r = await req('GET', CFG);
  assert.equal(r.status, 503);
  assert.deepEqual(r.json, { error: 'server-error', info: 'maintenance' });
  assert.equal(r.headers.get('x-emulator-fault'), String(f1.id));
  r = await req('GET', CFG);
  assert.equal(r.status, 200, 'count 1 is used up');
  assert.equal(r.headers.get('x-emulator-fault'), null);

  await fault({ status: 502, body: '<html>Bad Gateway</html>' });
  r = await req('GET', CFG);
  assert.equal(r.status, 502);
  assert.equal(r.text, '<html>Bad Gateway</html>');
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  await fault({ status: 500, body: '{"error":"server-error"}' });
  r = await req('GET', CFG);
  assert.equal(r.text, '{"error":"server-error"}', 'a raw string is sent as it is');
  assert.match(r.headers.get('content-type'), /^application\/json/);

  for (const [status, error] of [[500, 'server-error'], [429, 'rate-limit-error'], [404, 'not-found'], [403, 'forbidden-error']]) {
    await fault({ status });
    r = await req('GET', CFG);
    assert.equal(r.status, status);
    assert.deepEqual(r.json, { error, info: 'injected fault' });
  }
  await fault({ status: 429, retry_after: 7 });
  assert.equal((await req('GET', CFG)).headers.get('retry-after'), '7');
  await fault({ status: 503, retry_after: 'Wed, 21 Oct 2015 07:28:00 GMT' });
  assert.equal((await req('GET', CFG)).headers.get('retry-after'), 'Wed, 21 Oct 2015 07:28:00 GMT');

  // count: two hits, then gone; the queue shows what remains.
  await fault({ method: 'get', count: 2, status: 503 });
  assert.equal((await emu.faults())[0].remaining, 2);
  assert.equal((await req('GET', CFG)).status, 503);
  assert.equal((await emu.faults())[0].remaining, 1);
  assert.equal((await req('GET', CFG)).status, 503);
  assert.deepEqual(await emu.faults(), []);
  assert.equal((await req('GET', CFG)).status, 200);

  // method and path prefix must both match; a path without /v1 is read under it.
  await fault({ method: 'DELETE', status: 500 });
  await fault({ path: '/dialin', status: 500 });
  const q = await fault({ method: 'POST', path: 'domain-dialin-config', status: 418 });
  assert.equal(q.path, '/v1/domain-dialin-config');
  assert.equal((await req('GET', CFG)).status, 200);
  assert.equal((await req('POST', CFG, { body: pin(1) })).status, 418);
  assert.equal((await emu.faults()).length, 2);
  await emu.clearFaults();
  assert.deepEqual(await emu.faults(), []);

  // A fault hits before auth; admin routes are never faulted.
  await fault({ status: 500, count: 5 });
  assert.equal((await req('GET', CFG, { key: null })).status, 500);
  assert.equal((await req('GET', '/_emulator/calls')).status, 200);
  await emu.clearFaults();

  // A wrong fault is a 400 naming the field, over HTTP and in-process.
  r = await req('POST', '/_emulator/faults', { body: { staus: 500, count: 0 } });
  assert.equal(r.status, 400);
  assert.match(r.json.info, /staus: unknown field; did you mean status\?/);
  assert.match(r.json.info, /count: /);
  await assert.rejects(emu.injectFault({ drop: 'yes' }), (e) => e instanceof m.DailyDialinError && e.status === 400 && /drop/.test(e.message));
});

test('faults: delay, drop, and apply-then-fail', async () => {
  await emu.injectFault({ method: 'GET', delay_ms: 300 });
  let t = Date.now();
  let r = await req('GET', CFG);
  assert.ok(Date.now() - t >= 250, `delayed ${Date.now() - t} ms`);
  assert.equal(r.status, 200, 'delay only: the real answer');
  assert.deepEqual(r.json, { total_count: 0, data: [] });
  assert.ok(r.headers.get('x-emulator-fault'));

  await emu.injectFault({ method: 'GET', status: 504, delay_ms: 200 });
  t = Date.now();
  assert.equal((await req('GET', CFG)).status, 504);
  assert.ok(Date.now() - t >= 150);

  // drop: no answer, and without apply nothing happened.
  await emu.injectFault({ method: 'POST', drop: true });
  await assert.rejects(req('POST', CFG, { body: pin(1) }), TypeError);
  assert.equal(emu.exportState().configs.length, 0);

  // apply: the create happens, the client sees a 500 (or a dropped connection).
  await emu.injectFault({ method: 'POST', path: '/domain-dialin-config', apply: true });
  r = await req('POST', CFG, { body: pin(2) });
  assert.equal(r.status, 500);
  assert.deepEqual(r.json, { error: 'server-error', info: 'injected fault' });
  await emu.injectFault({ method: 'POST', apply: true, drop: true });
  await assert.rejects(req('POST', CFG, { body: pin(3) }), TypeError);
  const list = (await req('GET', CFG)).json;
  assert.deepEqual(list.data.map((c) => c.config.phone_number), ['+12095550003', '+12095550002']);
  // apply on a failing request: the real 400 happens (nothing created), the client sees the fault.
  await emu.injectFault({ method: 'POST', apply: true, status: 503 });
  assert.equal((await req('POST', CFG, { body: pin(2) })).status, 503);
  assert.equal((await req('GET', CFG)).json.total_count, 2);
});

test('CORS headers on every answer to a loopback origin (echoed, never *); OPTIONS preflight', async () => {
  const origin = { Origin: 'http://127.0.0.1:5173' };
  await emu.injectFault({ method: 'GET', path: '/domain-dialin-config/faulted', status: 503 });
  const answers = [
    await req('GET', CFG, { headers: origin }),
    await req('POST', CFG, { headers: origin, body: {} }),
    await req('GET', CFG, { headers: origin, key: null }),
    await req('GET', CFG, { headers: origin, key: 'nope' }),
    await req('GET', `${CFG}/6f1c1a52-0000-4000-8000-000000000000`, { headers: origin }),
    await req('GET', `${CFG}/faulted`, { headers: origin }),
    await req('GET', '/_emulator/calls', { headers: origin }),
    await req('GET', '/elsewhere', { headers: origin, key: null }),
  ];
  assert.deepEqual(answers.map((a) => a.status), [200, 400, 400, 401, 404, 503, 200, 404]);
  for (const a of answers) {
    assert.equal(a.headers.get('access-control-allow-origin'), origin.Origin);
    const exposed = a.headers.get('access-control-expose-headers').split(',').map((s) => s.trim().toLowerCase());
    assert.ok(exposed.includes('retry-after'), exposed.join());
  }
  for (const path of [CFG, `${CFG}/some-id`, '/v1/dialin/pinlessCallUpdate', '/_emulator/faults']) {
    const r = await req('OPTIONS', path, {
      key: null,
      headers: { ...origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(r.status, 204, path);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('access-control-allow-origin'), origin.Origin);
    const methods = r.headers.get('access-control-allow-methods').split(',').map((s) => s.trim());
    for (const mth of ['GET', 'POST', 'PUT', 'DELETE']) assert.ok(methods.includes(mth), mth);
    const allowed = r.headers.get('access-control-allow-headers').toLowerCase();
    assert.match(allowed, /authorization/);
    assert.match(allowed, /content-type/);
  }
});

test('reset clears configs, calls and faults', async () => {
  const made = (await req('POST', CFG, { body: pinless({ phone_number: '+12095550001' }) })).json;
  await emu.simulateCall({ to: '+12095550001' });
  await emu.injectFault({ status: 500, method: 'DELETE' });
  assert.equal((await emu.calls()).length, 1);
  const r = await req('POST', '/_emulator/reset');
  assert.equal(r.status, 200);
  assert.deepEqual((await req('GET', CFG)).json, { total_count: 0, data: [] });
  assert.deepEqual(await emu.calls(), []);
  assert.deepEqual(await emu.faults(), []);
  assert.equal((await req('GET', `${CFG}/${made.id}`)).status, 404);
  assert.equal((await req('GET', '/_emulator/reset')).status, 405);
});

test('a body over maxBodyBytes is 413 (and the limit is exact)', async () => {
  const small = await m.startEmulator({ rateLimit: null, maxBodyBytes: 200 });
  try {
    const r = client(small.origin);
    const body = JSON.stringify(pin(1, { name_prefix: 'x'.repeat(200) }));
    const big = await r('POST', CFG, { body, headers: { 'Content-Type': 'application/json' } });
    assert.equal(big.status, 413);
    assert.equal(big.json.error, 'invalid-request-error');
    assert.match(big.json.info, /200 bytes/);
    assert.equal(big.headers.get('access-control-allow-origin'), null, 'no other page reads it');
    const exact = JSON.stringify(pin(1, { name_prefix: 'x' }));
    const fits = exact.replace('"x"', `"${'x'.repeat(200 - exact.length + 1)}"`);
    assert.equal(Buffer.byteLength(fits), 200);
    assert.equal((await r('POST', CFG, { body: fits, headers: { 'Content-Type': 'application/json' } })).status, 200);
    assert.equal(small.exportState().configs.length, 1);
  } finally {
    await small.close();
  }
  // The default limit is 1 MiB.
  const r = await req('POST', CFG, { body: `{"name_prefix":"${'x'.repeat(1024 * 1024)}"}`, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 413);
});

test('state: export, import into another emulator, refused import changes nothing', async () => {
  const a = (await req('POST', CFG, { body: pinless({ phone_number: '+12095550001' }) })).json;
  const b = (await req('POST', CFG, { body: pin(2) })).json;
  assert.equal((await req('DELETE', `${CFG}/${b.id}`)).status, 200);
  const state = emu.exportState();
  assert.deepEqual((await req('GET', '/_emulator/state')).json, state);
  assert.deepEqual(state.configs.map((c) => c.id), [a.id]);
  assert.equal(state.configs[0].config.hmac, a.config.hmac);

  const other = await m.startEmulator({ rateLimit: null });
  try {
    await other.importState(state);
    const o = client(other.origin);
    assert.deepEqual((await o('GET', `${CFG}/${a.id}`)).json, a);
    assert.equal((await o('GET', `${CFG}?starting_after=${b.id}`)).status, 200, 'tombstones survive');
    const c = (await o('POST', CFG, { body: pin(3) })).json;
    assert.notEqual(c.config.sip_uri, a.config.sip_uri);

    const broken = structuredClone(state);
    const copy = broken.configs[0];
    broken.configs.push({ ...copy, seq: 9, id: '6f1c1a52-0000-4000-8000-000000000009', config: { ...copy.config, sip_uri: 'static-address--9@x' } });
    const r = await o('PUT', '/_emulator/state', { key: other.adminToken, body: broken });
    assert.equal(r.status, 400);
    assert.match(r.json.info, /phone_number is used twice/);
    await assert.rejects(other.importState('{"version":2}'), (e) => e instanceof m.DailyDialinError && e.status === 400);
    assert.equal(other.exportState().configs.length, 2, 'a refused import changes nothing');
  } finally {
    await other.close();
  }
});

test('startEmulator refuses bad options clearly, without echoing keys', async () => {
  await assert.rejects(m.startEmulator({ apiKey: 'sk_secret_typo' }), (e) => {
    assert.ok(e instanceof m.DailyDialinError);
    assert.match(e.message, /unknown option "apiKey"/);
    assert.match(e.message, /apiKeys/);
    assert.ok(!e.message.includes('sk_secret_typo'));
    return true;
  });
  await assert.rejects(m.startEmulator({ apiKeys: 'sk_secret_string' }), (e) => /apiKeys must be an array/.test(e.message) && !e.message.includes('sk_secret_string'));
  await assert.rejects(m.startEmulator({ rateLimit: { maxRequests: 3 } }), /rateLimit.windowMs/);
  await assert.rejects(m.startEmulator({ port: -1 }), /port/);
  await assert.rejects(m.startEmulator({ port: emu.port }), (e) => e instanceof m.DailyDialinError && /EADDRINUSE/.test(e.message));
});

test('close() ends open connections and refuses further use', async () => {
  const e2 = await m.startEmulator();
  const r = client(e2.origin, 'k');
  assert.equal((await r('GET', CFG)).status, 200); // leaves a keep-alive connection open
  const held = net.connect(e2.port, '127.0.0.1');
  await new Promise((resolve) => held.once('connect', resolve));
  const heldClosed = new Promise((resolve) => held.once('close', resolve));
  await e2.close();
  await heldClosed;
  await e2.close(); // twice is fine
  await assert.rejects(r('GET', CFG), TypeError);
  assert.throws(() => e2.exportState(), /closed/);
  await assert.rejects(e2.reset(), /closed/);
});

test('emulator.d.mts: tsc --strict (nodenext) accepts real use and rejects wrong options', { timeout: 60_000 }, () => {
  const tmp = tempDir('emulator-types');
  try {
    symlinkSync(join(CONSUMER, 'node_modules'), join(tmp.dir, 'node_modules'), 'dir');
    writeFileSync(join(tmp.dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(tmp.dir, 'use.mts'),
      `import { startEmulator, type RunningEmulator, type CallRecord, type Fault, type EmulatorOptions, type QueuedFault } from 'daily-dialin-emulator';
const opts: EmulatorOptions = { port: 0, apiKeys: ['k'], rateLimit: { maxRequests: 3, windowMs: 1000 }, retryAfter: true, holdTimeoutMs: 5, dataFile: 'x.json' };
const off: EmulatorOptions = { rateLimit: null, allowPrivateUrls: false, maxBodyBytes: 10, webhookTimeoutMs: 100 };
// @ts-expect-error apiKeys is an array
const bad: EmulatorOptions = { apiKeys: 'k' };
// @ts-expect-error unknown option
const typo: EmulatorOptions = { apiKey: 'k' };
const emu: RunningEmulator = await startEmulator(opts);
const url: string = emu.url;
const fault: Fault = { method: 'POST', path: '/domain-dialin-config', status: 503, body: 'raw', retry_after: 3, apply: true, count: 2 };
const queued: QueuedFault = await emu.injectFault(fault);
const remaining: number = (await emu.faults())[0]?.remaining ?? queued.remaining;
const call: CallRecord = await emu.simulateCall({ to: '+12095550001', sipHeaders: { a: 'b' } });
const status: 'webhook_pending' | 'on_hold' | 'webhook_failed' | 'routed' | 'timed_out' = call.status;
const played: string | null = (await emu.call(call.id)).played_message;
const all: CallRecord[] = await emu.calls();
const n: number = emu.exportState().configs.length;
await emu.importState(emu.exportState());
// @ts-expect-error a call needs an object
await emu.simulateCall('+12095550001');
await emu.close();
export { off, bad, typo, url, remaining, status, played, all, n };
`,
    );
    const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] };
    writeFileSync(join(tmp.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.mts'] }));
    const r = tool('tsc', ['-p', '.'], tmp.dir);
    assert.equal(r.code, 0, r.out);
  } finally {
    tmp.cleanup();
  }
});
