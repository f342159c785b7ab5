// upsert and changeType of daily-dialin/configs (docs/daily-api.md#upsert), through the installed
// package against the emulator over HTTP on 127.0.0.1: create then update, the refusals before
// anything is sent, a type change by id and by number, its rollback when the create fails (and
// when the rollback fails too), hostile inputs, and the `upsert` / `change-type` commands.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { useCliBed } from './cli-bed.mjs';

const KEY = 'sk_test_upsert_SECRET_4d3c2b1a';
const HMAC = 'c2VjcmV0LWhtYWMtdmFsdWUtZm9yLXVwc2VydC10ZXN0';
const HOOK = 'https://example.com/dial';
let m;
let emu;
let sent; // "METHOD /path" of every request the counting fetch passed on
const bed = useCliBed({ key: KEY, prefix: 'upsert', ready: (b) => ({ m, emu } = b) });
beforeEach(() => {
  sent = [];
});

const num = (n) => `+1209555${String(n).padStart(4, '0')}`;

/**
 * A client whose fetch notes each request; `fail(method)` answers instead of the emulator when it
 * returns a Response (checked after the request is noted).
 */
function client(fail = () => undefined) {
  const fetch = async (url, init) => {
    sent.push(`${init.method} ${new URL(url).pathname}`);
    return fail(init.method) ?? globalThis.fetch(url, init);
  };
  return new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true, fetch, maxRetries: 0 });
}
const writes = () => sent.filter((s) => !s.startsWith('GET'));
async function stored() {
  const all = [];
  for await (const c of new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true }).listAll()) all.push(c);
  return all;
}
const forced = () => new Response(JSON.stringify({ error: 'invalid-request-error', info: 'forced' }), { status: 400 });

/** Rejects with a ValidationError whose first issue has `code`; returns it. */
async function refused(promise, code) {
  const e = await promise.then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(e instanceof m.ValidationError, `${e?.name}: ${e?.message}`);
  assert.ok(e.issues.some((i) => i.code === code), JSON.stringify(e.issues));
  assert.ok(!e.message.includes(KEY) && !e.message.includes(HMAC), e.message);
  return e;
}

test('upsert creates, then updates the same config with a PUT (one config stored)', async () => {
  const c = client();
  const body = { type: 'pin_dialin', phone_number: num(1), name_prefix: 'front' };
  const first = await m.configs.upsert(c, body);
  assert.deepEqual(writes(), ['POST /v1/domain-dialin-config']);
  sent = [];
  const second = await m.configs.upsert(c, { ...body, name_prefix: 'reception' });
  assert.deepEqual(writes(), [`PUT /v1/domain-dialin-config/${first.id}`]);
  assert.equal(second.id, first.id);
  assert.equal(second.config.name_prefix, 'reception');
  const all = await stored();
  assert.equal(all.length, 1);
  assert.equal(all[0].config.name_prefix, 'reception');
  // A number-less config is found by its name_prefix.
  const sip = { type: 'pinless_dialin', name_prefix: 'sip-only', room_creation_api: HOOK };
  const a = await m.configs.upsert(c, sip);
  const b = await m.configs.upsert(c, { ...sip, room_creation_api: `${HOOK}/v2` });
  assert.equal(b.id, a.id);
  assert.equal((await stored()).length, 2);
});

test('upsert refuses other_type, ambiguous and no_identity (and an invalid body) with nothing sent', async () => {
  const seed = client();
  await seed.create({ type: 'pin_dialin', phone_number: num(2) });
  await seed.create({ type: 'pinless_dialin', name_prefix: 'twice', room_creation_api: HOOK });
  await seed.create({ type: 'pinless_dialin', name_prefix: 'twice', room_creation_api: HOOK });
  sent = [];
  const c = client();
  const other = await refused(m.configs.upsert(c, { type: 'pinless_dialin', phone_number: num(2), room_creation_api: HOOK }), 'other_type');
  assert.match(other.message, /changeType/);
  assert.equal(other.issues[0].path, 'type');
  await refused(m.configs.upsert(c, { type: 'pinless_dialin', name_prefix: 'twice', room_creation_api: HOOK }), 'ambiguous');
  assert.deepEqual(writes(), [], 'only lists were sent');
  sent = [];
  await refused(m.configs.upsert(c, { type: 'pinless_dialin', room_creation_api: HOOK }), 'no_identity');
  // Every issue at once, before even the list.
  const bad = await refused(m.configs.upsert(c, { type: 'pinless_dialin', hmac: 'short' }), 'no_identity');
  assert.ok(bad.issues.some((i) => i.path === 'room_creation_api'), JSON.stringify(bad.issues));
  assert.deepEqual(sent, []);
  assert.equal((await stored()).length, 3);
});

test('changeType pin -> pinless by id keeps the number and returns the new config; same type updates', async () => {
  const old = await client().create({ type: 'pin_dialin', phone_number: num(3), name_prefix: 'desk', ivr_greeting: { message: 'PIN please' } });
  sent = [];
  const c = client();
  const now = await m.configs.changeType(c, old.id, { type: 'pinless_dialin', room_creation_api: HOOK, hmac: HMAC });
  assert.equal(now.type, 'pinless_dialin');
  assert.equal(now.config.phone_number, num(3));
  assert.notEqual(now.id, old.id);
  assert.deepEqual(writes(), [`DELETE /v1/domain-dialin-config/${old.id}`, 'POST /v1/domain-dialin-config']);
  assert.deepEqual((await stored()).map((x) => [x.id, x.type]), [[now.id, 'pinless_dialin']]);
  // Already pinless: an update, same id.
  sent = [];
  const same = await m.configs.changeType(c, now.id, { type: 'pinless_dialin', room_creation_api: `${HOOK}/v2` });
  assert.equal(same.id, now.id);
  assert.deepEqual(writes(), [`PUT /v1/domain-dialin-config/${now.id}`]);
  // Another number is not a type change of this config.
  await refused(m.configs.changeType(c, now.id, { type: 'pin_dialin', phone_number: num(4) }), 'other_number');
});

test('changeType by +number; an unknown number is refused (no_config) with nothing written', async () => {
  await client().create({ type: 'pinless_dialin', phone_number: num(5), room_creation_api: HOOK, hmac: HMAC });
  const now = await m.configs.changeType(client(), num(5), { type: 'pin_dialin', name_prefix: 'back' });
  assert.deepEqual([now.type, now.config.phone_number, now.config.name_prefix], ['pin_dialin', num(5), 'back']);
  sent = [];
  const e = await refused(m.configs.changeType(client(), num(6), { type: 'pin_dialin' }), 'no_config');
  assert.match(e.message, /\+12095550006/);
  assert.deepEqual(writes(), []);
});

test('a type change whose create fails after the delete puts the old config back: rolledBack true', async () => {
  const old = await client().create({ type: 'pinless_dialin', phone_number: num(7), name_prefix: 'hook', room_creation_api: HOOK, hmac: HMAC, timeout_config: { message: 'Later' } });
  sent = [];
  let deleted = false;
  let failures = 1;
  const c = client((method) => {
    if (method === 'DELETE') deleted = true;
    if (method === 'POST' && deleted && failures > 0) {
      failures -= 1;
      return forced();
    }
  });
  const e = await m.configs.changeType(c, old.id, { type: 'pin_dialin' }).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(e instanceof m.DailyApiError, e.message);
  assert.equal(e.status, 400);
  assert.equal(e.rolledBack, true);
  assert.equal(e.toJSON().rolledBack, true);
  assert.ok(!e.message.includes(HMAC) && !e.message.includes(KEY), e.message);
  assert.deepEqual(writes(), [`DELETE /v1/domain-dialin-config/${old.id}`, 'POST /v1/domain-dialin-config', 'POST /v1/domain-dialin-config']);
  const [back, ...rest] = await stored();
  assert.deepEqual(rest, []);
  assert.equal(back.type, 'pinless_dialin');
  for (const f of ['phone_number', 'name_prefix', 'room_creation_api', 'hmac']) assert.equal(back.config[f], old.config[f], f);
  assert.equal(back.config.timeout_config?.message, 'Later');
});

test('when the rollback fails too: rolledBack false, and the message says the number has no config', async () => {
  const old = await client().create({ type: 'pinless_dialin', phone_number: num(8), room_creation_api: HOOK, hmac: HMAC });
  let deleted = false;
  const c = client((method) => {
    if (method === 'DELETE') deleted = true;
    if (method === 'POST' && deleted) return forced();
  });
  const e = await m.configs.changeType(c, num(8), { type: 'pin_dialin' }).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(e instanceof m.DailyApiError, e.message);
  assert.equal(e.rolledBack, false);
  assert.match(e.message, /creating the old config back failed too .*\+12095550008 has no config now/);
  assert.ok(!e.message.includes(HMAC) && !e.message.includes(KEY), e.message);
  assert.ok(!JSON.stringify(e).includes(HMAC));
  assert.deepEqual(await stored(), []);
  assert.ok(old.id);
});

test('a stored config that could not be created back is not deleted (not_restorable)', async () => {
  // A client double: the "stored" config holds a name_prefix the create rules refuse.
  const calls = [];
  const fake = {
    get: async (id) => ({ id, type: 'pin_dialin', config: { phone_number: num(9), name_prefix: 'a\u0007b' } }),
    listAll: async function* () {},
    create: async () => calls.push('create'),
    update: async () => calls.push('update'),
    delete: async () => calls.push('delete'),
  };
  await refused(m.configs.changeType(fake, 'x1', { type: 'pinless_dialin', room_creation_api: HOOK }), 'not_restorable');
  assert.deepEqual(calls, []);
});

test('hostile bodies and stored configs are refused with a ValidationError, never a trap, nothing written', async () => {
  const c = client();
  const throwing = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
  const cyclic = { type: 'pin_dialin', phone_number: num(10) };
  cyclic.self = cyclic;
  const bodies = [undefined, null, 42, 'pin_dialin', [], {}, throwing, cyclic, { type: 'pin_dialin', phone_number: 'x'.repeat(1 << 20) }, { type: 'nope', phone_number: num(10) }];
  for (const body of bodies) {
    for (const call of [() => m.configs.upsert(c, body), () => m.configs.changeType(c, num(10), body)]) {
      const e = await call().then(() => assert.fail('resolved'), (e) => e);
      assert.ok(e instanceof m.ValidationError, `${e?.name}: ${e?.message}`);
    }
  }
  // Junk where a stored config should be (a client double): changeType refuses it; upsert finds
  // no config with the body's identity in it, so it creates.
  for (const junk of [null, 7, {}, { id: 'x', type: 'pin_dialin' }, { id: 'x', type: 'pin_dialin', config: throwing }]) {
    const fake = { get: async () => junk, listAll: async function* () { yield junk; }, create: async () => 'created', update: async () => assert.fail('update'), delete: async () => assert.fail('delete') };
    const e = await m.configs.changeType(fake, 'x', { type: 'pinless_dialin', room_creation_api: HOOK }).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(e instanceof m.ValidationError, `${e?.name}: ${e?.message}`);
    const r = await m.configs.upsert(fake, { type: 'pin_dialin', phone_number: num(10) }).then((v) => v, (e) => e);
    assert.ok(r === 'created' || r instanceof m.ValidationError, `${r?.name}: ${r?.message}`);
  }
  assert.deepEqual(writes(), []);
});

// ---- the commands

const { run, write } = bed;

test('daily-dialin upsert and change-type', async () => {
  const body = write('body.json', { type: 'pinless_dialin', phone_number: num(11), room_creation_api: HOOK, hmac: HMAC });
  const a = await run(['upsert', body]);
  assert.equal(a.code, 0, a.stderr);
  const [created] = await stored();
  assert.equal(a.stdout, `upserted ${created.id} (pinless_dialin, ${num(11)})\n`);
  const b = await run(['upsert', write('body2.json', { type: 'pinless_dialin', phone_number: num(11), room_creation_api: `${HOOK}/v2`, hmac: HMAC }), '--json']);
  assert.equal(b.code, 0, b.stderr);
  const updated = JSON.parse(b.stdout);
  assert.equal(updated.id, created.id);
  assert.equal(updated.config.room_creation_api, `${HOOK}/v2`);
  assert.equal(updated.config.hmac, '(hidden)');
  // A refusal: exit 2, the issue on stderr.
  const refusedRun = await run(['upsert', write('pin.json', { type: 'pin_dialin', phone_number: num(11) })]);
  assert.equal(refusedRun.code, 2);
  assert.match(refusedRun.stderr, /type: config .* use changeType/);

  const c = await run(['change-type', num(11), write('pin2.json', { type: 'pin_dialin', name_prefix: 'desk' })]);
  assert.equal(c.code, 0, c.stderr);
  const [now] = await stored();
  assert.equal(now.type, 'pin_dialin');
  assert.equal(c.stdout, `${num(11)} is now ${now.id} (pin_dialin, ${num(11)})\n`);
  for (const r of [a, b, refusedRun, c]) assert.ok(!(r.stdout + r.stderr).includes(HMAC) && !(r.stdout + r.stderr).includes(KEY));
  const help = await run(['change-type', '--help']);
  assert.match(help.stdout, /^Usage: daily-dialin change-type ID\|\+NUMBER BODY/);
});
