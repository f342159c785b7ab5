// Who may talk to the emulator (daily-dialin-emulator, from the packed package), over real HTTP on
// 127.0.0.1: the admin routes need the admin token (or an API key), a foreign Host (DNS
// rebinding) or Origin is refused, a CORS-simple POST body is refused, only accepted origins are
// echoed in Access-Control-Allow-Origin, and a body over the cap gets a readable 413.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { dd } from './installed.mjs';
import { KEY, CFG } from './emulator-helpers.mjs';

/** One request with node:http, which lets a test set Host and Origin as a browser would. */
function raw(origin, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const r = http.request(origin + path, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const pin = (n) => JSON.stringify({ type: 'pin_dialin', phone_number: `+1209555${String(n).padStart(4, '0')}` });

let m;
before(async () => {
  m = await dd();
});

describe('emulator admin routes', () => {
  let emu;
  before(async () => {
    emu = await m.startEmulator({ rateLimit: null });
  });
  after(() => emu.close());

  it('refuse a request without the admin token (401), and never with the state in the answer', async () => {
    await raw(emu.origin, 'POST', CFG, { headers: { ...JSON_TYPE, Authorization: 'Bearer any-key' }, body: pin(1) });
    for (const [method, path] of [['GET', '/_emulator/state'], ['POST', '/_emulator/reset'], ['GET', '/_emulator/calls'], ['GET', '/_emulator/faults']]) {
      for (const auth of [undefined, 'Bearer any-key', `Bearer ${emu.adminToken}x`, `Basic ${emu.adminToken}`]) {
        const r = await raw(emu.origin, method, path, { headers: auth ? { Authorization: auth } : {} });
        assert.equal(r.status, 401, `${method} ${path} ${auth}`);
        assert.equal(r.json.error, 'authentication-error');
        assert.ok(!r.text.includes(emu.adminToken), 'the token is never echoed');
      }
    }
    assert.equal(emu.exportState().configs.length, 1, 'nothing was reset');
  });

  it('answer with Authorization: Bearer <adminToken>, and the JS helpers send it themselves', async () => {
    assert.match(emu.adminToken, /^[A-Za-z0-9_-]{32}$/);
    const auth = { Authorization: `Bearer ${emu.adminToken}` };
    const state = await raw(emu.origin, 'GET', '/_emulator/state', { headers: auth });
    assert.equal(state.status, 200);
    assert.equal(state.json.configs.length, 1);
    assert.equal((await raw(emu.origin, 'POST', '/_emulator/reset', { headers: auth })).status, 200);
    assert.equal(emu.exportState().configs.length, 0);
    await emu.injectFault({ status: 503, count: 1 });
    assert.equal((await emu.faults()).length, 1);
    await emu.clearFaults();
    await emu.importState({ version: 1, next_seq: 0, configs: [], deleted: [] });
    await emu.reset();
  });

  it('take a chosen adminToken, or one of apiKeys; refuse a short token', async () => {
    const own = await m.startEmulator({ adminToken: 'my-admin-token-0123456789', apiKeys: [KEY] });
    try {
      assert.equal(own.adminToken, 'my-admin-token-0123456789');
      for (const t of ['my-admin-token-0123456789', KEY]) {
        assert.equal((await raw(own.origin, 'GET', '/_emulator/faults', { headers: { Authorization: `Bearer ${t}` } })).status, 200, t);
      }
    } finally {
      await own.close();
    }
    await assert.rejects(m.startEmulator({ adminToken: 'short' }), /adminToken must be a string of at least 16 characters/);
  });
});

describe('emulator requests from other sites', () => {
  let emu;
  const auth = () => ({ Authorization: `Bearer ${emu.adminToken}` });
  before(async () => {
    emu = await m.startEmulator({ rateLimit: null });
  });
  after(() => emu.close());

  it('refuse a Host that does not name the emulator (DNS rebinding), with 403', async () => {
    for (const host of [`evil.test:${emu.port}`, 'localhost.evil.test', `127.0.0.1.nip.io:${emu.port}`]) {
      for (const [method, path, extra] of [['GET', '/_emulator/state', auth()], ['GET', CFG, { Authorization: 'Bearer k' }]]) {
        const r = await raw(emu.origin, method, path, { headers: { Host: host, ...extra } });
        assert.equal(r.status, 403, `${host} ${path}`);
        assert.equal(r.json.error, 'forbidden-error');
        assert.equal(r.headers['access-control-allow-origin'], undefined);
      }
    }
    for (const host of [`127.0.0.1:${emu.port}`, `localhost:${emu.port}`, 'app.localhost']) {
      assert.equal((await raw(emu.origin, 'GET', CFG, { headers: { Host: host, Authorization: 'Bearer k' } })).status, 200, host);
    }
  });

  it('refuse a POST body a page could send without a preflight (text/plain, forms, no type), with 415', async () => {
    await raw(emu.origin, 'POST', CFG, { headers: { ...JSON_TYPE, Authorization: 'Bearer k' }, body: pin(2) });
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers = { ...auth(), ...(type ? { 'Content-Type': type } : {}) };
      const reset = await raw(emu.origin, 'POST', '/_emulator/reset', { headers, body: '{}' });
      assert.equal(reset.status, 415, `reset ${type}`);
      const create = await raw(emu.origin, 'POST', CFG, { headers: { ...headers, Authorization: 'Bearer k' }, body: pin(3) });
      assert.equal(create.status, 415, `create ${type}`);
      assert.match(create.json.info, /Content-Type: application\/json/);
    }
    assert.deepEqual(emu.exportState().configs.map((c) => c.config.phone_number), ['+12095550002']);
  });

  it('refuse a foreign Origin (403, no Access-Control-Allow-Origin), preflight included', async () => {
    for (const origin of ['http://evil.test:8080', 'null', 'https://app.example.com']) {
      for (const [method, path] of [['GET', '/_emulator/state'], ['OPTIONS', '/_emulator/reset'], ['GET', CFG], ['OPTIONS', CFG]]) {
        const r = await raw(emu.origin, method, path, { headers: { Origin: origin, ...auth(), 'Access-Control-Request-Method': 'POST' } });
        assert.equal(r.status, 403, `${origin} ${method} ${path}`);
        assert.equal(r.headers['access-control-allow-origin'], undefined);
      }
    }
  });

  it('echo loopback origins, never *', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'https://[::1]:3000']) {
      for (const path of [CFG, '/_emulator/faults']) {
        const r = await raw(emu.origin, 'GET', path, { headers: { Origin: origin, ...auth() } });
        assert.equal(r.status, 200, `${origin} ${path}`);
        assert.equal(r.headers['access-control-allow-origin'], origin);
        assert.equal(r.headers.vary, 'Origin');
      }
    }
    const plain = await raw(emu.origin, 'GET', CFG, { headers: { Authorization: 'Bearer k' } });
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
  });

  it('echo a corsOrigins origin on /v1 only, never on an admin route', async () => {
    const listed = await m.startEmulator({ rateLimit: null, corsOrigins: ['https://app.example.com'] });
    try {
      const get = (path) => raw(listed.origin, 'GET', path, { headers: { Origin: 'https://app.example.com', Authorization: `Bearer ${listed.adminToken}` } });
      const r = await get(CFG);
      assert.equal(r.status, 200);
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.equal((await get('/_emulator/state')).status, 403);
    } finally {
      await listed.close();
    }
    await assert.rejects(m.startEmulator({ corsOrigins: ['https://app.example.com/path'] }), /corsOrigins must be an array of origins/);
  });
});

describe('emulator body size cap', () => {
  let emu;
  before(async () => {
    emu = await m.startEmulator({ rateLimit: null, maxBodyBytes: 1024 });
  });
  after(() => emu.close());

  /** POSTs `total` bytes in 64 KiB chunks, stopping as soon as an answer comes. */
  function bigPost(total, headers = {}) {
    return new Promise((resolve, reject) => {
      const u = new URL(`${emu.url}/domain-dialin-config`);
      const r = http.request(u, { method: 'POST', headers: { ...JSON_TYPE, Authorization: 'Bearer k', ...headers }, agent: false });
      let answered = false;
      r.on('response', (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      });
      r.on('error', (e) => {
        if (!answered) reject(e);
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!r.write(chunk)) {
            r.once('drain', pump);
            return;
          }
        }
        if (!answered) r.end();
      };
      pump();
    });
  }

  it('answers 413 JSON that the client reads, even while it is still sending a body past the cap', async () => {
    for (const [total, headers] of [[4096, {}], [64 * 1024 * 1024, {}], [64 * 1024 * 1024, { 'Content-Length': String(64 * 1024 * 1024) }]]) {
      const r = await bigPost(total, headers);
      assert.equal(r.status, 413, `${total} ${JSON.stringify(headers)}`);
      assert.equal(r.json.error, 'invalid-request-error');
      assert.match(r.json.info, /larger than 1024 bytes/);
    }
    assert.equal(emu.exportState().configs.length, 0);
  });

  it('answers 413 to Expect: 100-continue before the body is sent', async () => {
    const r = await new Promise((resolve, reject) => {
      const q = http.request(`${emu.url}/domain-dialin-config`, {
        method: 'POST',
        agent: false,
        headers: { ...JSON_TYPE, Authorization: 'Bearer k', 'Content-Length': '5000', Expect: '100-continue' },
      });
      q.on('continue', () => reject(new Error('100 Continue for a body over the cap')));
      q.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      q.on('error', reject);
      q.flushHeaders();
    });
    assert.equal(r, 413);
  });
});
