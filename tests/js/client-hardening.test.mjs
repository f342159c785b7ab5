// DailyDialinClient under hostile servers and fetches, through the packed package and real HTTP on
// 127.0.0.1: no secret (the API key, a body's hmac) in any error whatever the server echoes and
// however it encodes it; every wait bounded by timeoutMs; an AbortSignalLike accepted; listAll
// stops when a server's cursor does not advance; credentials in baseUrl refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { inspect } from 'node:util';
import { dd } from './installed.mjs';

const HMAC = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';
const UPDATE_HMAC = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM=';
const KEYS = {
  ordinary: 'sk_live_TOPSECRET_a1b2c3d4e5f6',
  short: 'Zq7',
  quoted: `k"e'y\\with/pl+us=`,
};
const ID = '0cb313e1-211f-4be0-833d-8c7305b19902';

let m;
let server;
let base;

/** How the hostile server writes what it received (the Authorization header and the body) back. */
const ECHOES = {
  error_field: (seen) => [400, 'application/json', JSON.stringify({ error: seen })],
  info_field: (seen) => [400, 'application/json', JSON.stringify({ error: 'invalid-request-error', info: seen })],
  text_body: (seen) => [500, 'text/plain', `upstream failed: ${seen}`],
  json_in_text: (seen) => [502, 'text/plain', `proxy: ${JSON.stringify({ request: seen })}`],
  json_twice: (seen) => [400, 'application/json', JSON.stringify({ error: 'invalid-request-error', info: JSON.stringify({ seen }) })],
  percent_upper: (seen) => [500, 'text/plain', `logged ${encodeURIComponent(seen)}`],
  percent_lower: (seen) => [500, 'text/plain', `logged ${encodeURIComponent(seen).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`],
  every_byte_escaped: (seen) => [400, 'application/json', `{"error":"invalid-request-error","info":"${[...seen].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"}`],
};

/** The forms a secret can take in text: as is, JSON-escaped, percent-encoded (in part or whole, both cases). */
function forms(secret) {
  const bytes = [...Buffer.from(secret)];
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
    bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
  ];
}

/** Every way an error reaches a log: message, String, stack, JSON, util.inspect, fields, cause. */
function surfaces(e) {
  const own = Object.fromEntries(Object.getOwnPropertyNames(e).map((k) => [k, e[k]]));
  return [
    e.message,
    String(e),
    e.stack,
    JSON.stringify(e),
    inspect(e, { depth: 8, showHidden: true }),
    inspect(own, { depth: 8 }),
    String(e.cause ?? ''),
    inspect(e.cause, { depth: 8, showHidden: true }),
  ].join('\n');
}

function assertNoSecret(e, secrets, label) {
  assert.ok(e instanceof m.DailyDialinError, `${label}: expected a DailyDialinError, got ${e}`);
  const text = surfaces(e);
  for (const s of secrets) {
    for (const f of forms(s)) assert.ok(!text.includes(f), `${label}: leaked ${JSON.stringify(f)} in:\n${text}`);
  }
}

before(async () => {
  m = await dd();
  // Answers every request with an error that echoes it, in the way the first path segment names;
  // `/loop/...` serves the same page of configs whatever the cursor.
  server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const [, mode] = req.url.split('/');
    if (mode === 'loop') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total_count: 2, data: [{ id: 'a1', type: 'pin_dialin' }, { id: 'b2', type: 'pin_dialin' }] }));
      return;
    }
    if (mode === 'stall-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"total_count": 0, ');
      return; // never ends; the client's timeout must
    }
    const [status, type, text] = ECHOES[mode](`${req.headers.authorization} ${req.url} ${body}`);
    res.writeHead(status, { 'content-type': type });
    res.end(text);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const body = { type: 'pinless_dialin', phone_number: '+12095550100', room_creation_api: 'https://example.com/d', hmac: HMAC };
/** Every client method, each failing against the echoing server. */
const CALLS = {
  create: (c) => c.create(body),
  update: (c) => c.update(ID, { hmac: UPDATE_HMAC }, { type: 'pinless_dialin' }),
  get: (c) => c.get(ID),
  delete: (c) => c.delete(ID),
  list: (c) => c.list({ limit: 5 }),
  listAll: async (c) => {
    for await (const x of c.listAll()) void x;
  },
};

describe('DailyDialinClient errors', () => {
  for (const [keyName, key] of Object.entries(KEYS)) {
    for (const mode of Object.keys(ECHOES)) {
      it(`hold no secret when the server echoes the request (${mode}, ${keyName} key)`, async () => {
        const c = new m.DailyDialinClient({ apiKey: key, baseUrl: `${base}/${mode}/v1`, allowPrivateUrls: true, maxRetries: 0 });
        for (const [method, call] of Object.entries(CALLS)) {
          const e = await call(c).then(() => assert.fail(`${method} succeeded`), (err) => err);
          assertNoSecret(e, [key, HMAC, UPDATE_HMAC], `${method} ${mode} ${keyName}`);
          assert.ok(e instanceof m.DailyApiError, `${method}: ${e}`);
        }
      });
    }
    it(`hold no secret when fetch fails with it in its message and cause (${keyName} key)`, async () => {
      const fetch = (url, init) => {
        const echoed = `${init.headers.Authorization} ${init.body ?? ''}`;
        return Promise.reject(Object.assign(new TypeError(`fetch failed: ${echoed}`), { cause: { code: `E_${echoed}` } }));
      };
      const c = new m.DailyDialinClient({ apiKey: key, baseUrl: 'https://api.daily.co/v1', maxRetries: 0, fetch });
      for (const [method, call] of Object.entries(CALLS)) {
        const e = await call(c).then(() => assert.fail(`${method} succeeded`), (err) => err);
        assert.ok(e instanceof m.NetworkError, `${method}: ${e}`);
        assertNoSecret(e, [key, HMAC, UPDATE_HMAC], `${method} network ${keyName}`);
      }
    });
  }

  it('keep what is not a secret readable', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, baseUrl: `${base}/info_field/v1`, allowPrivateUrls: true, maxRetries: 0 });
    const e = await c.update(ID, { hmac: UPDATE_HMAC }, { type: 'pinless_dialin' }).catch((err) => err);
    assert.equal(e.status, 400);
    assert.equal(e.kind, 'invalid_request');
    assert.equal(e.info, `Bearer *** /info_field/v1/domain-dialin-config/${ID} {"hmac":"***"}`);
  });
});

describe('DailyDialinClient baseUrl', () => {
  it('refuses credentials in the URL without repeating them', () => {
    for (const baseUrl of ['https://user:hunter2@api.daily.co/v1', 'https://hunter2@api.daily.co/v1']) {
      const e = (() => {
        try {
          new m.DailyDialinClient({ apiKey: KEYS.ordinary, baseUrl });
        } catch (err) {
          return err;
        }
      })();
      assert.ok(e instanceof m.ValidationError, baseUrl);
      assert.deepEqual(e.issues.map((i) => [i.path, i.code]), [['baseUrl', 'invalid_url']]);
      assert.ok(!surfaces(e).includes('hunter2'), surfaces(e));
      assert.throws(() => m.buildGetRequest('x1', { apiKey: KEYS.ordinary, baseUrl }), m.ValidationError);
    }
  });
});

describe('DailyDialinClient timeoutMs', () => {
  const never = () => new Promise(() => {});
  it('bounds a custom fetch that ignores its signal', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, maxRetries: 0, timeoutMs: 100, fetch: never });
    const e = await c.list().catch((err) => err);
    assert.ok(e instanceof m.TimeoutError, String(e));
    assert.equal(e.timeoutMs, 100);
  });

  it('bounds a response body that never ends, from a fetch that ignores its signal', async () => {
    const fetch = async () => new Response(new ReadableStream({ pull: never }), { status: 200 });
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, maxRetries: 0, timeoutMs: 100, fetch });
    assert.ok((await c.get(ID).catch((err) => err)) instanceof m.TimeoutError);
  });

  it('bounds a real server that stops in the middle of the body', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, baseUrl: `${base}/stall-body/v1`, allowPrivateUrls: true, maxRetries: 1, timeoutMs: 150 });
    const started = Date.now();
    const e = await c.list().catch((err) => err);
    assert.ok(e instanceof m.TimeoutError, String(e));
    assert.equal(e.attempts, 2);
    assert.ok(Date.now() - started < 5000, 'two bounded attempts and one backoff');
  });

  it('lets the caller abort a fetch that ignores its signal', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, maxRetries: 0, timeoutMs: 60000, fetch: never });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    assert.ok((await c.list({}, { signal: ctl.signal }).catch((err) => err)) instanceof m.AbortError);
  });
});

describe('DailyDialinClient signal', () => {
  /** The AbortSignalLike of the .d.ts: not an AbortSignal, just its shape. */
  function signalLike() {
    const listeners = new Set();
    return {
      aborted: false,
      addEventListener: (type, fn) => type === 'abort' && listeners.add(fn),
      removeEventListener: (type, fn) => listeners.delete(fn),
      abort() {
        this.aborted = true;
        for (const fn of listeners) fn();
      },
      listeners,
    };
  }

  it('accepts an AbortSignalLike and stops when it fires', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, maxRetries: 0, fetch: () => new Promise(() => {}) });
    const s = signalLike();
    setTimeout(() => s.abort(), 30);
    assert.ok((await c.get(ID, { signal: s }).catch((err) => err)) instanceof m.AbortError);
    assert.equal(s.listeners.size, 0, 'the listener is removed');
  });

  it('sends normally with an AbortSignalLike that never fires', async () => {
    const fetch = async () => new Response('{"total_count":0,"data":[]}', { status: 200 });
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, fetch });
    assert.deepEqual(await c.list({}, { signal: signalLike() }), { total_count: 0, data: [] });
  });

  it('refuses a signal of another shape with a ValidationError', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, fetch: () => new Promise(() => {}) });
    await assert.rejects(c.list({}, { signal: { aborted: false } }), m.ValidationError);
  });
});

describe('DailyDialinClient listAll', () => {
  it('stops with a clear error when the cursor does not advance', async () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary, baseUrl: `${base}/loop/v1`, allowPrivateUrls: true, maxRetries: 0 });
    const seen = [];
    const e = await (async () => {
      for await (const x of c.listAll()) {
        seen.push(x.id);
        if (seen.length > 10) return new Error('listAll did not stop');
      }
    })().catch((err) => err);
    assert.deepEqual(seen, ['a1', 'b2']);
    assert.ok(e instanceof m.DailyApiError, String(e));
    assert.equal(e.kind, 'unexpected_response');
    assert.match(e.message, /cursor did not advance/);
  });

  it('is its own async iterator', () => {
    const c = new m.DailyDialinClient({ apiKey: KEYS.ordinary });
    const it = c.listAll();
    assert.equal(it[Symbol.asyncIterator](), it);
  });
});
