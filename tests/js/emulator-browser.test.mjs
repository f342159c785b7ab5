// CORS for real: a page served from another 127.0.0.1 origin drives the emulator from headless
// Chromium with Authorization and JSON bodies (so every call is preflighted), and reads the
// Retry-After and X-Emulator-Fault headers of error answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd } from './installed.mjs';
import { tempDir, serve, launchChromium } from './helpers.mjs';
import { KEY } from './emulator-helpers.mjs';

let m;
let browser;
let site;
let tmp;

before(async () => {
  m = await dd();
  tmp = tempDir('emulator-browser');
  writeFileSync(join(tmp.dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>other origin</title>');
  site = await serve(tmp.dir);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
  tmp?.cleanup();
});

test('a page on another origin creates, updates, lists and deletes, and reads Retry-After', { timeout: 60_000 }, async () => {
  const emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: { maxRequests: 4, windowMs: 60000 }, retryAfter: true });
  const page = await browser.newPage();
  try {
    await page.goto(`${site.url}/`);
    assert.notEqual(new URL(site.url).port, String(emu.port), 'two origins');
    await emu.injectFault({ method: 'GET', path: '/domain-dialin-config/faulted', status: 503, retry_after: 9 });
    const out = await page.evaluate(
      async ({ url, key }) => {
        const h = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
        const cfg = `${url}/domain-dialin-config`;
        const res = {};
        let r = await fetch(cfg, { method: 'POST', headers: h, body: JSON.stringify({ type: 'pin_dialin', phone_number: '+12095550001' }) });
        res.create = { status: r.status, body: await r.json() };
        const id = res.create.body.id;
        r = await fetch(`${cfg}/${id}`, { method: 'PUT', headers: h, body: JSON.stringify({ name_prefix: 'web' }) });
        res.update = { status: r.status, body: await r.json() };
        r = await fetch(`${cfg}/faulted`, { headers: h });
        res.fault = { status: r.status, retryAfter: r.headers.get('Retry-After'), fault: r.headers.get('X-Emulator-Fault') };
        r = await fetch(`${cfg}?limit=10`, { headers: h });
        res.list = { status: r.status, body: await r.json() };
        r = await fetch(`${cfg}/${id}`, { method: 'DELETE', headers: h });
        res.delete = { status: r.status, body: await r.json() };
        r = await fetch(cfg, { headers: h });
        res.limited = { status: r.status, retryAfter: r.headers.get('Retry-After'), body: await r.json() };
        r = await fetch(cfg, { headers: { Authorization: 'Bearer wrong' } });
        res.wrongKey = { status: r.status, body: await r.json() };
        return res;
      },
      { url: emu.url, key: KEY },
    );
    assert.equal(out.create.status, 200);
    assert.equal(out.create.body.config.phone_number, '+12095550001');
    assert.equal(out.update.status, 200);
    assert.equal(out.update.body.config.name_prefix, 'web');
    assert.deepEqual(out.fault, { status: 503, retryAfter: '9', fault: out.fault.fault });
    assert.match(out.fault.fault, /^\d+$/, 'X-Emulator-Fault is readable');
    assert.equal(out.list.status, 200);
    assert.equal(out.list.body.total_count, 1);
    assert.deepEqual(out.delete, { status: 200, body: { status: 'deleted' } });
    assert.equal(out.limited.status, 429);
    assert.equal(out.limited.body.error, 'rate-limit-error');
    assert.match(out.limited.retryAfter ?? '', /^\d+$/, 'Retry-After is exposed to the page');
    assert.deepEqual(out.wrongKey, { status: 401, body: { error: 'authentication-error' } });
  } finally {
    await page.close();
    await emu.close();
  }
});
