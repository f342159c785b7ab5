// The admin page's dev server (www/server.mjs) without a browser, on the installed package: the
// command line, what it serves, the proxy's key handling, its same-site checks, and the demo
// webhook receiver's verification.
import { test, describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { ROOT } from './helpers.mjs';
import { startDevServer } from '../../www/server.mjs';

const KEY = 'sk_live_SECRET_proxy_7c1e';
let m;
let dev;

before(async () => {
  m = await dd();
  dev = await startDevServer({ port: 0, pkgDir: installedDir() });
});
after(() => dev?.close());

/** A raw request (own Host / Origin headers, undecoded path). */
function raw(origin, path, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A stand-in upstream that records what it receives and echoes the Authorization header back. */
async function echoUpstream() {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ total_count: 0, data: [], echoed: req.headers.authorization }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/v1`, seen, close: () => new Promise((r) => server.close(r)) };
}

test('the command prints its URL, serves the page and the package, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'www', 'server.mjs'), '--port', '0', '--pkg', installedDir()], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DAILY_API_KEY: '' },
  });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const hit = /^admin page: (http:\/\/127\.0\.0\.1:(\d+)\/)$/m.exec(out);
        if (hit && hit[2] !== '0') resolve(hit[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.match(await page.text(), /"daily-dialin": "\/pkg\/web\.js"/);
    const wasm = await fetch(new URL('/pkg/daily_dialin_bg.wasm', url));
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).slice(0, 4)], [0, 0x61, 0x73, 0x6d]);
    const info = await (await fetch(new URL('/demo/info', url))).json();
    assert.equal(info.proxy, null, 'no proxy without DAILY_API_KEY');
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('bad arguments are refused with the usage', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'www', 'server.mjs'), '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /--port must be a whole number/);
  assert.match(err, /usage: node www\/server\.mjs/);
});

test('only the page, its assets and the package are served', async () => {
  // Every module of the page (app.js imports the others), so that none is missing from the server's list.
  const modules = readdirSync(join(ROOT, 'www')).filter((f) => f.endsWith('.js'));
  assert.ok(modules.includes('app.js') && modules.includes('state.js'), modules.join(' '));
  for (const [path, type] of [
    ...modules.map((f) => [`/${f}`, /^text\/javascript/]),
    ['/style.css', /^text\/css/],
    ['/pkg/web.js', /^text\/javascript/],
    ['/pkg/package.json', /^application\/json/],
  ]) {
    const r = await raw(dev.origin, path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers['content-type'], type, path);
  }
  for (const path of ['/server.mjs', '/pkg/%2e%2e/%2e%2e/package.json', '/pkg/../../Cargo.toml', '/nope']) {
    assert.equal((await raw(dev.origin, path)).status, 404, path);
  }
});

describe('dev server paths', () => {
  it('answer 400, not 500, to a malformed percent-escape', async () => {
    for (const path of ['/%E0%A4%A', '/%zz', '/pkg/%E0%A4%A', '/pkg/%zz.js', '/v1/%E0%A4%A', '/_emulator/%zz', '/demo/%ff']) {
      const r = await raw(dev.origin, path);
      assert.equal(r.status, 400, path);
      assert.equal(JSON.parse(r.body).error, 'invalid-request-error', path);
    }
    assert.equal((await raw(dev.origin, '/pkg/%70ackage.json')).status, 200, 'a valid escape still works');
  });
});

test('the emulator is mounted on the same origin; foreign hosts and origins are refused', async () => {
  const list = await raw(dev.origin, '/v1/domain-dialin-config', { headers: { Authorization: 'Bearer any' } });
  assert.equal(list.status, 200);
  assert.deepEqual(JSON.parse(list.body), { total_count: 0, data: [] });
  assert.equal((await raw(dev.origin, '/_emulator/calls')).status, 200);
  const port = new URL(dev.origin).port;
  const rebinding = await raw(dev.origin, '/v1/domain-dialin-config', { headers: { Host: `evil.example:${port}`, Authorization: 'Bearer any' } });
  assert.equal(rebinding.status, 403);
  const crossSite = await raw(dev.origin, '/_emulator/reset', { method: 'POST', headers: { Origin: 'http://evil.example' } });
  assert.equal(crossSite.status, 403);
  const sameSite = await raw(dev.origin, '/_emulator/faults', { headers: { Origin: dev.origin } });
  assert.equal(sameSite.status, 200);
  const noProxy = await raw(dev.origin, '/proxy/v1/domain-dialin-config');
  assert.equal(noProxy.status, 404);
  assert.match(JSON.parse(noProxy.body).info, /DAILY_API_KEY/);
});

test('the proxy adds the key upstream, forwards only dial-in config routes, and never returns the key', async () => {
  const upstream = await echoUpstream();
  const proxy = await startDevServer({ port: 0, pkgDir: installedDir(), upstream: upstream.url, apiKey: KEY });
  try {
    const info = await raw(proxy.origin, '/demo/info');
    assert.equal(JSON.parse(info.body).proxy.upstream, upstream.url);
    assert.ok(!info.body.includes(KEY));

    const r = await raw(proxy.origin, '/proxy/v1/domain-dialin-config?limit=5', { headers: { Authorization: 'Bearer proxy' } });
    assert.equal(r.status, 200);
    assert.deepEqual(upstream.seen.at(-1), { method: 'GET', url: '/v1/domain-dialin-config?limit=5', authorization: `Bearer ${KEY}` });
    assert.equal(JSON.parse(r.body).echoed, 'Bearer ***', 'the key is scrubbed from what comes back');
    assert.ok(!JSON.stringify(r).includes(KEY));

    const seenBefore = upstream.seen.length;
    for (const path of ['/proxy/v1/rooms', '/proxy/v1/domain-dialin-config/a/b', '/proxy/v1/../v1/rooms']) {
      assert.equal((await raw(proxy.origin, path)).status, 404, path);
    }
    const foreign = await raw(proxy.origin, '/proxy/v1/domain-dialin-config', { method: 'POST', headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(foreign.status, 403);
    assert.equal(upstream.seen.length, seenBefore, 'refused requests never reach the upstream');
  } finally {
    await proxy.close();
    await upstream.close();
  }
  // An upstream that is gone: a 502 in Daily's error shape, naming neither the key nor a stack.
  const down = await startDevServer({ port: 0, pkgDir: installedDir(), upstream: upstream.url, apiKey: KEY });
  try {
    const r = await raw(down.origin, '/proxy/v1/domain-dialin-config');
    assert.equal(r.status, 502);
    assert.equal(JSON.parse(r.body).error, 'server-error');
    assert.ok(!r.body.includes(KEY));
  } finally {
    await down.close();
  }
});

test('the demo receiver accepts only webhooks signed with the config’s hmac', async () => {
  const client = new m.DailyDialinClient({ apiKey: 'k', baseUrl: dev.emulator.url, allowPrivateUrls: true });
  const hmac = m.generateHmacSecret();
  const config = await client.create({ type: 'pinless_dialin', phone_number: '+12095550177', room_creation_api: `${dev.origin}/demo/room-creation`, hmac });
  const body = JSON.stringify({ To: '+12095550177', From: '+15555550100', callId: 'c-1', callDomain: 'd-1' });
  const post = (headers) => raw(dev.origin, '/demo/room-creation', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  const forged = await post(m.signPinlessWebhook({ body, secret: m.generateHmacSecret() }));
  assert.equal(forged.status, 401);
  assert.equal(JSON.parse(forged.body).reason, 'signature_mismatch');
  assert.equal((await post({})).status, 401);
  const good = await post(m.signPinlessWebhook({ body, secret: hmac }));
  assert.equal(good.status, 200);
  const hooks = dev.webhooks().filter((h) => h.callId === 'c-1');
  assert.deepEqual(
    hooks.map((h) => [h.verified, h.reason]),
    [[false, 'signature_mismatch'], [false, 'missing_signature'], [true, undefined]],
  );
  assert.equal(hooks[2].config_id, config.id);
  assert.ok(!JSON.stringify(dev.webhooks()).includes(hmac), 'the receiver records no secret');
});

test('a folder without an installed package, or without the emulator beside it, is refused with the command to run', async () => {
  await assert.rejects(startDevServer({ port: 0, pkgDir: join(ROOT, 'www') }), /not an installed daily-dialin package .*run scripts\/demo/);
  // pkg/ is daily-dialin as built, with no daily-dialin-emulator installed beside it.
  await assert.rejects(startDevServer({ port: 0, pkgDir: join(ROOT, 'pkg') }), /no daily-dialin-emulator package is installed beside .*run scripts\/demo/);
});
