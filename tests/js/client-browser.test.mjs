// The same DailyDialinClient (the package's browser entry, fetch from WASM) in headless Chromium,
// against the emulator on another origin (CORS): success paths, a retried 500, an
// applied-then-500 create reconciled to one config, typed errors, abort, and listAll.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { tempDir, serve, launchChromium } from './helpers.mjs';

const KEY = 'sk_browser_SECRET_0123456789';
let m, emu, site, browser, tmp, page;

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  tmp = tempDir('client-browser');
  cpSync(installedDir(), join(tmp.dir, 'pkg'), { recursive: true });
  writeFileSync(
    join(tmp.dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">{"imports":{"daily-dialin":"/pkg/web.js"}}</script></head><body>
<script type="module">import * as dd from 'daily-dialin'; await dd.init(); window.dd = dd;</script></body></html>`,
  );
  site = await serve(tmp.dir);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${site.url}/index.html`);
  await page.waitForFunction(() => window.dd !== undefined);
});

after(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
  tmp?.cleanup();
});

/** Runs `fn(dd, client, args)` in the page with a fresh client; returns its JSON result. */
const inPage = (body, extra = {}) =>
  page.evaluate(
    async ({ body, url, key, extra }) => {
      const dd = window.dd;
      window.sent = 0;
      const client = new dd.DailyDialinClient({ apiKey: key, baseUrl: url, fetch: (u, i) => (window.sent++, fetch(u, i)), ...extra });
      const fn = new Function('dd', 'client', `return (async () => { ${body} })()`);
      return fn(dd, client);
    },
    { body, url: emu.url, key: KEY, extra },
  );

test('browser: create, get, update, list, listAll and delete against the emulator', async () => {
  await emu.reset();
  const r = await inPage(`
    const a = await client.create({ type: 'pinless_dialin', phone_number: '+12095550301', room_creation_api: 'https://example.com/dial' });
    const b = await client.create({ type: 'pin_dialin', phone_number: '+12095550302' });
    const got = await client.get(a.id);
    const upd = await client.update(b.id, { ivr_greeting: { message: 'Your PIN, please' } });
    const page1 = await client.list({ limit: 1 });
    const all = [];
    for await (const c of client.listAll({ limit: 1 })) all.push(c.id);
    const del = await client.delete(a.id);
    const after = await client.list();
    return { a, b, got, upd, page1, all, del, after: after.total_count, sent: window.sent };
  `);
  assert.equal(r.a.type, 'pinless_dialin');
  assert.match(r.a.config.hmac, /^[A-Za-z0-9+/]{43}=$/);
  assert.deepEqual(r.got, r.a);
  assert.equal(r.upd.config.ivr_greeting.message, 'Your PIN, please');
  assert.equal(r.page1.total_count, 2);
  assert.deepEqual(r.page1.data.map((c) => c.id), [r.b.id]);
  assert.deepEqual(r.all, [r.b.id, r.a.id]);
  assert.deepEqual(r.del, { status: 'deleted' });
  assert.equal(r.after, 1);
  assert.equal(r.sent, 10, "2 creates, get, update, list, listAll 3 pages (the last empty), delete, list");
});

test('browser: retries, reconciliation, typed errors and abort', async () => {
  await emu.reset();
  await emu.injectFault({ method: 'GET', status: 500 });
  await emu.injectFault({ method: 'POST', status: 500, apply: true });
  const r = await inPage(`
    const out = {};
    out.list = await client.list();
    out.sentAfterList = window.sent;
    const created = await client.create({ type: 'pin_dialin', phone_number: '+12095550303' });
    out.created = created.config.phone_number;
    out.count = (await client.list()).total_count;
    try { await client.get('0cb313e1-211f-4be0-833d-8c7305b19902'); } catch (e) {
      out.notFound = { api: e instanceof dd.DailyApiError, kind: e.kind, status: e.status, json: JSON.parse(JSON.stringify(e)) };
    }
    try { await client.create({ type: 'pin_dialin' }); } catch (e) {
      out.invalid = { v: e instanceof dd.ValidationError, codes: e.issues.map((i) => i.code) };
    }
    const ctl = new AbortController(); ctl.abort();
    try { await client.list({}, { signal: ctl.signal }); } catch (e) { out.aborted = e instanceof dd.AbortError; }
    return out;
  `);
  assert.deepEqual(r.list, { total_count: 0, data: [] });
  assert.equal(r.sentAfterList, 2, 'the 500 was retried once');
  assert.equal(r.created, '+12095550303');
  assert.equal(r.count, 1, 'exactly one config after an applied-then-500 create');
  assert.deepEqual([r.notFound.api, r.notFound.kind, r.notFound.status], [true, 'not_found', 404]);
  assert.ok(!JSON.stringify(r.notFound.json).includes(KEY));
  assert.deepEqual(r.invalid, { v: true, codes: ['required'] });
  assert.equal(r.aborted, true);
});
