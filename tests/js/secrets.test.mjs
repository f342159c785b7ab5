// The API key and hmac secrets never appear in an error message, String(err), JSON.stringify(err),
// err.stack, a curl preview, or console output, across the client's failure paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { dd } from './installed.mjs';

const KEY = 'sk_live_TOPSECRET_a1b2c3d4e5f6g7h8';
const HMAC = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM=';
const WEAK = 'AAECAwQFBgcICQoLDA0ODw==';

test('no failure path leaks the API key or an hmac secret', async () => {
  const m = await dd();
  const seen = [];
  const orig = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    orig[level] = console[level];
    console[level] = (...args) => seen.push(args.map(String).join(' '));
  }
  const record = (e) => {
    seen.push(e?.message, String(e), JSON.stringify(e), e?.stack, JSON.stringify(e?.issues ?? null), e?.info);
  };
  const emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  // A server that echoes the request (headers included) back inside an error body.
  const echo = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(`upstream failed for ${req.headers.authorization} with ${body}`);
  });
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  try {
    const c = new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, timeoutMs: 200, maxRetries: 1 });
    const body = { type: 'pinless_dialin', phone_number: '+12095550100', room_creation_api: 'https://example.com/d', hmac: HMAC };
    const faults = [
      { method: 'POST', status: 500 },
      { method: 'POST', status: 502, body: 'Bad Gateway' },
      { method: 'POST', drop: true },
      { method: 'POST', delay_ms: 1000 },
      { method: 'POST', status: 429, count: 3 },
      { method: 'POST', status: 400, body: { error: 'invalid-request-error', info: 'bad' } },
    ];
    for (const f of faults) {
      await emu.reset();
      await emu.injectFault(f);
      await c.create(body).then(() => {}, record);
    }
    await c.create({ ...body, hmac: `${HMAC}\n` }).then(() => {}, record);
    await c.create({ ...body, hmac: WEAK.slice(0, 12) }).then(() => {}, record);
    await c.create({ type: 'pin_dialin', phone_number: '+12095550101', hmac: HMAC }).then(() => {}, record);
    await new m.DailyDialinClient({ apiKey: 'wrong', baseUrl: emu.url }).list().then(() => {}, record);
    const ctl = new AbortController();
    ctl.abort();
    await c.list({}, { signal: ctl.signal }).then(() => {}, record);
    const echoing = new m.DailyDialinClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${echo.address().port}/v1`, maxRetries: 0 });
    await echoing.create({ type: 'pin_dialin', phone_number: '+12095550102' }).then(() => {}, record);
    await echoing.create(body).then(() => {}, record);
    try {
      new m.DailyDialinClient({ apiKey: `${KEY}\n`, baseUrl: emu.url });
    } catch (e) {
      record(e);
    }
    try {
      m.buildCreateRequest({ ...body, hmac: 'not base64!' }, { apiKey: KEY });
    } catch (e) {
      record(e);
    }
    seen.push(m.toCurl(m.buildCreateRequest(body, { apiKey: KEY, allowPrivateUrls: true })));
    seen.push(JSON.stringify(c), String(c));
    try {
      m.verifyPinlessWebhook({ body: '{}', headers: { 'x-pinless-signature': 'x', 'x-pinless-timestamp': '1' }, secret: HMAC });
    } catch (e) {
      record(e);
    }
  } finally {
    Object.assign(console, orig);
    await emu.close();
    echo.close();
  }
  const text = seen.filter(Boolean).join('\n');
  assert.ok(seen.filter(Boolean).length >= 40, `collected ${seen.length} strings`);
  assert.ok(text.includes('***'), 'redaction marker present');
  for (const secret of [KEY, HMAC, HMAC.slice(0, 20), KEY.slice(8)]) {
    assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 6)}...:\n${text}`);
  }
});
