// Simulated pinless calls through the packed package's emulator over real HTTP on 127.0.0.1: the
// one-off {"Test":"test"} ping, the signed call webhook received by a test server and verified with
// an HMAC computed here with node:crypto, routing by pinlessCallUpdate, the hold timeout, and
// failed webhooks.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { dd } from './installed.mjs';
import { KEY, CFG, client, hookServer, sign, UUID_V4, isSecret32, sleep } from './emulator-helpers.mjs';

const UPDATE = '/v1/dialin/pinlessCallUpdate';
let m;
let emu;
let req;
let hook;

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  req = client(emu.origin);
});
after(() => emu.close());
beforeEach(async () => {
  await emu.reset();
  hook = await hookServer();
});
afterEach(() => hook.close());

const create = async (body) => {
  const r = await req('POST', CFG, { body });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

/** Asserts that `rec` carries a valid signature for `hmac`, computed independently. */
function assertSigned(rec, hmac, from, to) {
  const ts = rec.headers['x-pinless-timestamp'];
  assert.match(ts, /^\d+$/, 'timestamp in whole seconds');
  assert.ok(Number(ts) >= Math.floor(from / 1000) && Number(ts) <= Math.ceil(to / 1000), `timestamp ${ts} is now, in seconds`);
  const sig = rec.headers['x-pinless-signature'];
  assert.equal(sig, sign(hmac, ts, rec.raw));
  // The check can fail: another key, another body or another timestamp do not match.
  assert.notEqual(sig, sign(Buffer.alloc(32, 1).toString('base64'), ts, rec.raw));
  assert.notEqual(sig, sign(hmac, ts, `${rec.raw} `));
  assert.notEqual(sig, sign(hmac, String(Number(ts) + 1), rec.raw));
}

test('create of a pinless config sends the signed one-off {"Test":"test"} ping; update and pin do not', { timeout: 30_000 }, async () => {
  const t0 = Date.now();
  const c = await create({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: `${hook.url}/dial?x=1` });
  const ping = await hook.next();
  assert.equal(ping.method, 'POST');
  assert.equal(ping.url, '/dial?x=1');
  assert.equal(ping.raw, '{"Test":"test"}');
  assert.match(ping.headers['content-type'], /^application\/json/);
  assert.ok(isSecret32(c.config.hmac));
  assertSigned(ping, c.config.hmac, t0, Date.now());
  assert.deepEqual(m.verifyPinlessWebhook({ body: ping.raw, headers: ping.headers, secret: c.config.hmac }), { kind: 'test', raw: { Test: 'test' }, warnings: [] }, "the package's own verifier agrees");

  await create({ type: 'pin_dialin', phone_number: '+12095550002' });
  assert.equal((await req('PUT', `${CFG}/${c.id}`, { body: { name_prefix: 'renamed' } })).status, 200);
  await sleep(200);
  assert.equal(hook.requests.length, 1, 'no ping for a pin config nor on update');
  assert.deepEqual(await emu.calls(), [], 'the ping is no call');
});

test('a simulated call POSTs {To, From, callId, callDomain} signed with the config hmac; pinlessCallUpdate routes it', { timeout: 30_000 }, async () => {
  const c = await create({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: `${hook.url}/dial` });
  await hook.next(); // the ping
  const t0 = Date.now();
  const r = await req('POST', '/_emulator/calls', {
    body: { to: '+12095550001', from: '+14155550199', sipHeaders: { 'X-Customer': '42' } },
  });
  const t1 = Date.now();
  assert.equal(r.status, 200, r.text);
  const call = r.json;
  const rec = await hook.next();
  assert.equal(rec.method, 'POST');
  assert.equal(rec.url, '/dial');
  const body = JSON.parse(rec.raw);
  assert.deepEqual(body, { To: '+12095550001', From: '+14155550199', callId: call.id, callDomain: call.callDomain, sipHeaders: { 'X-Customer': '42' } });
  assert.equal(rec.raw, JSON.stringify(body), 'compact JSON');
  assertSigned(rec, c.config.hmac, t0, t1);

  assert.match(call.id, UUID_V4);
  assert.equal(call.status, 'on_hold', 'the answer comes after the webhook answered 2xx');
  assert.equal(call.webhook_status, 200);
  assert.equal(call.webhook_error, null);
  assert.equal(call.config_id, c.id);
  assert.equal(call.to, '+12095550001');
  assert.equal(call.from, '+14155550199');
  assert.equal(call.webhook_url, `${hook.url}/dial`);
  assert.equal(call.played_message, null);

  // pinlessCallUpdate: field checks, wrong call, success, then the call is routed once.
  let u = await req('POST', UPDATE, { body: { callId: call.id } });
  assert.equal(u.status, 400);
  assert.equal(u.json.error, 'invalid-request-error');
  assert.match(u.json.info, /callDomain, sipUri/);
  u = await req('POST', UPDATE, { body: { callId: call.id, callDomain: 'other-domain', sipUri: 'sip:a@b' } });
  assert.equal(u.status, 404);
  assert.equal(u.json.error, 'not-found');
  assert.equal((await req('POST', UPDATE, { key: 'bad', body: {} })).status, 401);
  const sipUri = 'sip:room-abc@example.sip.daily.co';
  u = await req('POST', UPDATE, { body: { callId: call.id, callDomain: call.callDomain, sipUri } });
  assert.equal(u.status, 200);
  assert.deepEqual(u.json, { ok: 'true' });
  const routed = (await req('GET', `/_emulator/calls/${call.id}`)).json;
  assert.equal(routed.status, 'routed');
  assert.equal(routed.sip_uri, sipUri);
  assert.ok(routed.routed_ms >= call.created_ms);
  u = await req('POST', UPDATE, { body: { callId: call.id, callDomain: call.callDomain, sipUri } });
  assert.equal(u.status, 404);
  assert.match(u.json.info, /Call Forwarding Failed/);

  const log = (await req('GET', '/_emulator/calls')).json;
  assert.deepEqual(log.calls.map((x) => [x.id, x.status]), [[call.id, 'routed']]);
  assert.equal((await req('GET', '/_emulator/calls/6f1c1a52-0000-4000-8000-000000000000')).status, 404);
});

test('a webhook handler that routes the call before answering (the real flow), in-process', async () => {
  const dialer = await hookServer(async (rec, res) => {
    const b = JSON.parse(rec.raw);
    if (!b.callId) return;
    const u = await req('POST', UPDATE, { body: { callId: b.callId, callDomain: b.callDomain, sipUri: `sip:${b.callId}@rooms.example` } });
    res.writeHead(u.status === 200 ? 200 : 500).end();
  });
  try {
    const c = await create({ type: 'pinless_dialin', room_creation_api: `${dialer.url}/dial` });
    // A pinless config without a number is reached by its sip_uri (`sip:` optional).
    const call = await emu.simulateCall({ sip_uri: `sip:${c.config.sip_uri}` });
    assert.equal(call.status, 'routed');
    assert.equal(call.sip_uri, `sip:${call.id}@rooms.example`);
    assert.equal(call.webhook_status, 200);
    assert.equal(call.from, '+15555550100', 'default caller');
    assert.equal(call.to, `sip:${c.config.sip_uri}`, 'what was dialed');
    const seen = dialer.requests.filter((r) => r.raw !== '{"Test":"test"}');
    assert.equal(seen.length, 1);
    assertSigned(seen[0], c.config.hmac, call.created_ms, Date.now());
    assert.deepEqual((await emu.calls()).map((x) => x.id), [call.id]);
    assert.deepEqual(await emu.call(call.id), call);
  } finally {
    await dialer.close();
  }
});

test('a call not routed within holdTimeoutMs times out and plays timeout_config.message', async () => {
  const quick = await m.startEmulator({ holdTimeoutMs: 300, rateLimit: null });
  try {
    const r = client(quick.origin, 'any-key');
    const made = await r('POST', CFG, {
      body: { type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: `${hook.url}/dial`, timeout_config: { message: 'Sorry, nobody can take your call.' } },
    });
    assert.equal(made.status, 200);
    const call = await quick.simulateCall({ to: '+12095550001' });
    assert.equal(call.status, 'on_hold');
    assert.equal(call.timeout_ms, call.created_ms + 300);
    assert.equal(call.played_message, null);
    await sleep(400);
    const late = await quick.call(call.id);
    assert.equal(late.status, 'timed_out');
    assert.equal(late.played_message, 'Sorry, nobody can take your call.');
    const u = await r('POST', UPDATE, { body: { callId: call.id, callDomain: call.callDomain, sipUri: 'sip:x@y' } });
    assert.equal(u.status, 404);
    assert.match(u.json.info, /timed out/);
    assert.equal((await quick.call(call.id)).status, 'timed_out');
  } finally {
    await quick.close();
  }
});

test('webhook failures are recorded: a 500 answer, an unreachable server, a server that never answers', async () => {
  const failing = await hookServer((rec, res) => {
    res.writeHead(500).end('boom');
  });
  const silent = http.createServer(() => {}); // accepts, never answers
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const gone = await hookServer();
  const goneUrl = gone.url;
  await gone.close();
  const slow = await m.startEmulator({ rateLimit: null, webhookTimeoutMs: 200 });
  try {
    const s = client(slow.origin, 'k');
    const cases = [
      [`${failing.url}/dial`, '+12095550001', { status: 'webhook_failed', webhook_status: 500, webhook_error: null }],
      [`${goneUrl}/dial`, '+12095550002', { status: 'webhook_failed', webhook_status: null, webhook_error: 'ECONNREFUSED' }],
      [`http://127.0.0.1:${silent.address().port}/dial`, '+12095550003', { status: 'webhook_failed', webhook_status: null, webhook_error: 'timeout after 200 ms' }],
    ];
    for (const [url, to, want] of cases) {
      assert.equal((await s('POST', CFG, { body: { type: 'pinless_dialin', phone_number: to, room_creation_api: url } })).status, 200);
      const call = await slow.simulateCall({ to });
      assert.deepEqual({ status: call.status, webhook_status: call.webhook_status, webhook_error: call.webhook_error }, want, url);
      assert.ok(call.webhook_ms >= call.created_ms);
      // Over HTTP the answer is the same record.
      const again = await s('GET', `/_emulator/calls/${call.id}`, { key: slow.adminToken });
      assert.equal(again.json.status, 'webhook_failed');
    }
    // The caller still waits for the hold: a late pinlessCallUpdate still routes the call.
    const first = (await slow.calls())[0];
    const u = await s('POST', UPDATE, { body: { callId: first.id, callDomain: first.callDomain, sipUri: 'sip:late@x' } });
    assert.equal(u.status, 200);
    assert.equal((await slow.call(first.id)).status, 'routed');
    assert.deepEqual((await slow.calls()).map((c) => c.to), ['+12095550001', '+12095550002', '+12095550003']);
  } finally {
    await slow.close();
    await failing.close();
    await new Promise((resolve) => {
      silent.close(resolve);
      silent.closeAllConnections();
    });
  }
});

test('simulated calls that cannot happen are refused', async () => {
  await create({ type: 'pin_dialin', phone_number: '+12095550002' });
  const cases = [
    [{ to: '+12095550002' }, 400, /pin_dialin/],
    [{ to: '+19995550000' }, 404, /\+19995550000/],
    [{ sip_uri: 'sip:nobody@nowhere' }, 404, /nobody/],
    [{}, 400, /exactly one of to/],
    [{ to: '+12095550002', sip_uri: 'a@b' }, 400, /exactly one of to/],
    [{ to: '+12095550002', sipHeaders: { a: 1 } }, 400, /sipHeaders\.a/],
    [{ too: '+1' }, 400, /too: unknown field; did you mean to\?/],
  ];
  for (const [body, status, info] of cases) {
    const r = await req('POST', '/_emulator/calls', { body });
    assert.equal(r.status, status, JSON.stringify(body));
    assert.match(r.json.info, info);
    await assert.rejects(emu.simulateCall(body), (e) => e instanceof m.DailyDialinError && e.status === status);
  }
  assert.deepEqual(await emu.calls(), []);
  assert.deepEqual(hook.requests, []);
});
