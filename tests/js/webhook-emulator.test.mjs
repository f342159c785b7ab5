// End to end with the emulator: a Node http server on 127.0.0.1 acts as room_creation_api and
// verifies every request with verifyPinlessWebhook over the raw body. Creating a pinless config
// makes the emulator send the signed {"Test":"test"} ping; simulateCall sends a signed call. A
// second server holding the wrong secret must reject both with signature_mismatch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { dd } from './installed.mjs';

const KEY = 'sk_test_webhook_e2e_7c1d2e3f4a5b';
const HMAC = 'nAxJxxeYseXkQmWD1R2viZTgxaUrGEmqvuHzeU1lMWA=';
const WRONG = 'kJDP5YLhiRWAe0cqJlCc3uEc8y0IjYg1ctv9INuUZ8s=';

let m;
let emu;
const servers = [];

/** A room_creation_api receiver that verifies with `secret`; `seen` gets one entry per request. */
async function receiver(secret) {
  const seen = [];
  const waiters = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    let entry;
    try {
      const verified = m.verifyPinlessWebhook({ body, headers: req.headers, secret });
      entry = { ...verified, path: req.url };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    } catch (e) {
      entry = { rejected: e instanceof m.WebhookVerificationError ? e.reason : `unexpected ${e}`, message: e.message, path: req.url };
      res.writeHead(401).end();
    }
    seen.push(entry);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const until = async (n) => {
    while (seen.length < n) await new Promise((r) => waiters.push(r));
  };
  return { url: `http://127.0.0.1:${server.address().port}/dialin`, seen, until };
}

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
});
after(async () => {
  await emu?.close();
  for (const s of servers) await new Promise((r) => s.close(r));
});

const client = () => new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true });

test('the ping on create verifies as kind "test", then a simulated call as kind "call"', { timeout: 60_000 }, async () => {
  const hook = await receiver(HMAC);
  const cfg = await client().create({ type: 'pinless_dialin', phone_number: '+12095550140', room_creation_api: hook.url, hmac: HMAC });
  await hook.until(1);
  assert.deepEqual(hook.seen[0], { kind: 'test', raw: { Test: 'test' }, warnings: [], path: '/dialin' });

  const call = await emu.simulateCall({ to: '+12095550140', from: '+14155550123', sipHeaders: { 'X-Customer-Id': '42' } });
  assert.equal(hook.seen.length, 2, 'simulateCall resolves after the delivery');
  const got = hook.seen[1];
  assert.equal(got.kind, 'call', JSON.stringify(got));
  assert.equal(got.payload.To, '+12095550140');
  assert.equal(got.payload.From, '+14155550123');
  assert.equal(got.payload.callId, call.id);
  assert.equal(got.payload.callDomain, call.callDomain);
  assert.deepEqual(got.payload.sipHeaders, { 'X-Customer-Id': '42' });
  assert.equal(call.status, 'on_hold', 'the emulator saw the 200');
  assert.equal(call.config_id, cfg.id);
});

test('a receiver holding the wrong secret rejects the ping and the call with signature_mismatch', { timeout: 60_000 }, async () => {
  const hook = await receiver(WRONG);
  await client().create({ type: 'pinless_dialin', phone_number: '+12095550141', room_creation_api: hook.url, hmac: HMAC });
  await hook.until(1);
  const call = await emu.simulateCall({ to: '+12095550141', from: '+14155550199' });
  assert.equal(hook.seen.length, 2);
  for (const got of hook.seen) {
    assert.equal(got.rejected, 'signature_mismatch', got.message);
    assert.ok(!got.message.includes(WRONG) && !got.message.includes(HMAC), 'no secret in the message');
  }
  assert.equal(call.status, 'webhook_failed', 'the emulator saw the 401');
  assert.equal(call.webhook_status, 401);
});
