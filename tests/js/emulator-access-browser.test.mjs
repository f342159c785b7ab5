// Another web site in headless Chromium cannot read or change the emulator: a page on
// http://evil.test (mapped to 127.0.0.1 by the browser's resolver) tries the admin routes with
// fetch (CORS, preflighted and simple), with no-cors, and through DNS rebinding (the emulator's
// own port under the evil.test name); the configs and the data file are intact afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd } from './installed.mjs';
import { tempDir, serve, launchChromium } from './helpers.mjs';

const EVIL = 'evil.test';

describe('emulator seen from another web site', () => {
  let m;
  let browser;
  let site;
  let tmp;
  let emu;
  let dataFile;
  before(async () => {
    m = await dd();
    tmp = tempDir('emulator-access-browser');
    writeFileSync(join(tmp.dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>evil</title>');
    site = await serve(tmp.dir);
    dataFile = join(tmp.dir, 'state.json');
    emu = await m.startEmulator({ rateLimit: null, dataFile });
    for (const n of [1, 2, 3]) {
      const r = await fetch(`${emu.url}/domain-dialin-config`, {
        method: 'POST',
        headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'pinless_dialin', phone_number: `+120955500${n}0`, room_creation_api: 'http://127.0.0.1:9/hook' }),
      });
      assert.equal(r.status, 200);
    }
    browser = await launchChromium([`--host-resolver-rules=MAP ${EVIL} 127.0.0.1`]);
  });
  after(async () => {
    await browser?.close();
    await emu?.close();
    await site?.close();
    tmp?.cleanup();
  });

  it('can neither read the state nor reset it, with cors or no-cors fetches', { timeout: 60_000 }, async () => {
    const before = emu.exportState();
    const page = await browser.newPage();
    try {
      await page.goto(`http://${EVIL}:${new URL(site.url).port}/`);
      assert.equal(await page.evaluate(() => location.origin), `http://${EVIL}:${new URL(site.url).port}`);
      const out = await page.evaluate(async (origin) => {
        const attempt = async (init, path) => {
          try {
            const r = await fetch(origin + path, init);
            return { type: r.type, status: r.status, text: await r.text() };
          } catch (e) {
            return { error: e.name };
          }
        };
        return {
          state: await attempt({}, '/_emulator/state'),
          stateWithGuess: await attempt({ headers: { Authorization: 'Bearer guess' } }, '/_emulator/state'),
          list: await attempt({ headers: { Authorization: 'Bearer any' } }, '/v1/domain-dialin-config'),
          resetText: await attempt({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' }, '/_emulator/reset'),
          resetNoCors: await attempt({ method: 'POST', mode: 'no-cors', body: '{}' }, '/_emulator/reset'),
          resetForm: await attempt({ method: 'POST', mode: 'no-cors', body: new URLSearchParams({ a: '1' }) }, '/_emulator/reset'),
          importNoCors: await attempt({ method: 'PUT', mode: 'no-cors', body: '{"version":1,"next_seq":0,"configs":[]}' }, '/_emulator/state'),
        };
      }, emu.origin);
      for (const k of ['state', 'stateWithGuess', 'list', 'resetText']) {
        assert.deepEqual(out[k], { error: 'TypeError' }, `${k}: the answer is unreadable`);
      }
      for (const k of ['resetNoCors', 'resetForm']) {
        assert.deepEqual(out[k], { type: 'opaque', status: 0, text: '' }, k);
      }
      assert.deepEqual(out.importNoCors, { error: 'TypeError' }, 'no-cors allows no PUT');
    } finally {
      await page.close();
    }
    assert.deepEqual(emu.exportState(), before, 'the configs are intact');
  });

  it('cannot reach it through DNS rebinding (its own port under the evil.test name)', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    try {
      const nav = await page.goto(`http://${EVIL}:${emu.port}/v1/domain-dialin-config`);
      assert.equal(nav.status(), 403);
      const out = await page.evaluate(async () => {
        const r1 = await fetch('/v1/domain-dialin-config', { headers: { Authorization: 'Bearer any' } });
        const r2 = await fetch('/_emulator/reset', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        return [r1.status, await r1.text(), r2.status];
      });
      assert.equal(out[0], 403);
      assert.ok(!out[1].includes('hmac'), out[1]);
      assert.equal(out[2], 403);
    } finally {
      await page.close();
    }
  });

  it('leaves the data file intact: a restart finds every config', async () => {
    const ids = emu.exportState().configs.map((c) => c.id);
    await emu.close();
    emu = await m.startEmulator({ rateLimit: null, dataFile });
    assert.deepEqual(emu.exportState().configs.map((c) => c.id), ids);
    assert.equal(ids.length, 3);
  });
});
