// The two receivers of docs/webhooks.md are real: docs/examples/*.mjs are copied into the consumer
// project that has the packed package installed, so that `import ... from 'daily-dialin'` resolves
// as in a user's project. The Node `http` example runs as its own process on port 0, driven by
// the emulator (ping on create, a simulated call) and by forged requests; the fetch-style handler
// is called with `new Request(...)`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dd, CONSUMER, ROOT } from './installed.mjs';

const KEY = 'sk_test_webhook_examples_0a9b8c7d';
const HMAC = '0TmDVI+or8Ijey0g2u+0Fs26ZNs25MSqj4nt+1NkiRo=';
const OLD_HMAC = 'QZ2OkVykRE7/PaB0L9ugb5dFjuwwt58kWJKojhrBR8U=';

let m;
let emu;
let dir;
let child;

before(async () => {
  m = await dd();
  dir = join(CONSUMER, `webhook-examples-${process.pid}`);
  cpSync(join(ROOT, 'docs', 'examples'), dir, { recursive: true });
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
});
after(async () => {
  child?.kill();
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts docs/examples/node-http.mjs on 127.0.0.1 port 0; resolves with its URL and output. */
function startNodeExample(secrets) {
  child = spawn(process.execPath, [join(dir, 'node-http.mjs')], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DAILY_PINLESS_HMAC: secrets.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  const waiters = [];
  const seen = (chunk) => {
    out.text += chunk;
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on('data', seen);
  child.stderr.on('data', seen);
  /** Waits until the output matches `re`. */
  out.until = async (re) => {
    while (!re.test(out.text)) {
      if (child.exitCode !== null) throw new Error(`the example exited:\n${out.text}`);
      await new Promise((r) => waiters.push(r));
    }
    return re.exec(out.text);
  };
  child.once('exit', () => seen(''));
  return out;
}

test('docs/examples/node-http.mjs: verifies the emulator ping and call, rejects forgeries', { timeout: 60_000 }, async () => {
  const out = startNodeExample([OLD_HMAC, HMAC]);
  const [, url] = await out.until(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

  // Forged or malformed requests: rejected before anything happens.
  const body = '{"To":"+12095550150","From":"+14155550100","callId":"forged","callDomain":"x"}';
  const post = (headers, b = body) => fetch(url, { method: 'POST', headers, body: b });
  assert.equal((await fetch(url)).status, 405);
  assert.equal((await post({})).status, 401);
  const wrong = m.signPinlessWebhook({ body, secret: m.generateHmacSecret() });
  assert.equal((await post(wrong)).status, 401);
  const good = m.signPinlessWebhook({ body, secret: HMAC });
  assert.equal((await post(good, body.replace('forged', 'forget'))).status, 401, 'tampered body');
  await out.until(/rejected: signature_mismatch[\s\S]*rejected: signature_mismatch/);
  assert.match(out.text, /pinless webhook rejected: missing_signature/);
  assert.doesNotMatch(out.text, /callId forged/);

  // The emulator: the signed ping on create, then a call.
  const c = new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true });
  await c.create({ type: 'pinless_dialin', phone_number: '+12095550150', room_creation_api: `${url}/dialin`, hmac: HMAC });
  const call = await emu.simulateCall({ to: '+12095550150', from: '+14155550177' });
  assert.equal(call.status, 'on_hold', out.text);
  await out.until(new RegExp(`call from \\+14155550177 to \\+12095550150: callId ${call.id}, callDomain ${call.callDomain}`));
  // A genuine call of an unexpected shape (no caller ID, a numeric SIP header, a new key) is
  // answered, not refused, and its warning is logged.
  const odd = '{"To":"+12095550150","callId":"withheld-1","callDomain":"d-1","sipHeaders":{"X-Hops":2},"direction":"inbound"}';
  assert.equal((await post(m.signPinlessWebhook({ body: odd, secret: HMAC }), odd)).status, 200, out.text);
  await out.until(/call from a withheld number to \+12095550150: callId withheld-1, callDomain d-1/);
  assert.match(out.text, /pinless webhook: sipHeaders\.X-Hops: invalid_type/);
  // A request signed with the old secret passes too (rotation), and the output never shows a secret.
  assert.equal((await post(m.signPinlessWebhook({ body: '{"Test":"test"}', secret: OLD_HMAC }), '{"Test":"test"}')).status, 200);
  assert.ok(!out.text.includes(HMAC) && !out.text.includes(OLD_HMAC));
});

test('docs/examples/fetch-handler.mjs: Request -> Response', async () => {
  const { handlePinlessWebhook } = await import(pathToFileURL(join(dir, 'fetch-handler.mjs')).href);
  const calls = [];
  const options = { secrets: [HMAC], onCall: async (p) => calls.push(p) };
  const request = (body, headers, method = 'POST') =>
    new Request('https://receiver.example/dialin', { method, headers: { 'Content-Type': 'application/json', ...headers }, body: method === 'POST' ? body : undefined });

  const warn = console.warn;
  const warnings = [];
  console.warn = (...a) => warnings.push(a.join(' '));
  try {
    const ping = '{"Test":"test"}';
    let r = await handlePinlessWebhook(request(ping, m.signPinlessWebhook({ body: ping, secret: HMAC })), options);
    assert.equal(r.status, 200);
    assert.equal(calls.length, 0, 'the ping is not a call');

    const body = JSON.stringify({ To: '+12095550151', From: '+14155550123', callId: 'c-77', callDomain: 'd-77', sipHeaders: { 'X-Id': '9' } });
    r = await handlePinlessWebhook(request(body, m.signPinlessWebhook({ body, secret: HMAC })), options);
    assert.equal(r.status, 200);
    assert.deepEqual(calls, [{ To: '+12095550151', From: '+14155550123', callId: 'c-77', callDomain: 'd-77', sipHeaders: { 'X-Id': '9' } }]);

    // A genuine call without a caller ID, with a SIP header that is an array: handled, not refused.
    const withheld = JSON.stringify({ To: '+12095550151', callId: 'c-78', callDomain: 'd-78', sipHeaders: { 'X-Via': ['a', 'b'] }, sipUri: 'sip:x@y' });
    r = await handlePinlessWebhook(request(withheld, m.signPinlessWebhook({ body: withheld, secret: HMAC })), options);
    assert.equal(r.status, 200);
    assert.deepEqual(calls.pop(), { To: '+12095550151', callId: 'c-78', callDomain: 'd-78', sipHeaders: {} });

    const stale = m.signPinlessWebhook({ body, secret: HMAC, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    for (const [headers, reason] of [
      [{}, 'missing_signature'],
      [m.signPinlessWebhook({ body, secret: OLD_HMAC }), 'signature_mismatch'],
      [stale, 'timestamp_too_old'],
    ]) {
      r = await handlePinlessWebhook(request(body, headers), options);
      assert.equal(r.status, 401, reason);
      assert.match(warnings.at(-1), new RegExp(`rejected: ${reason}$`));
    }
    r = await handlePinlessWebhook(request(undefined, {}, 'GET'), options);
    assert.equal(r.status, 405);
    assert.equal(calls.length, 1, 'no rejected request reached onCall');
  } finally {
    console.warn = warn;
  }
});
