// The package under a strict Content-Security-Policy: a page served with
// `script-src 'self' 'wasm-unsafe-eval'` (no 'unsafe-eval', no inline script) runs the whole client
// (create, get, list, listAll, update, delete) against the emulator, validation from
// daily-dialin/core and webhook signing and verification, in headless Chromium, with no CSP
// violation reported. The page also checks that the policy is in force (eval is refused).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { tempDir, serve, launchChromium } from './helpers.mjs';

const KEY = 'sk_csp_SECRET_0123456789';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http://127.0.0.1:*";

const APP = `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
try {
  const q = new URLSearchParams(location.search);
  const dd = await import('/pkg/web.js');
  const core = await import('/pkg/core/web.js');
  const webhook = await import('/pkg/webhook/web.js');
  await Promise.all([dd.init(), core.init(), webhook.init()]);
  let evalRefused = false;
  try { new Function('return 1'); } catch (e) { evalRefused = e instanceof EvalError; }
  // That refusal is reported as a violation, in a task of its own: wait for it, then start afresh.
  for (let i = 0; i < 100 && violations.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  violations.length = 0;
  const client = new dd.DailyDialinClient({ apiKey: q.get('key'), baseUrl: q.get('emu') });
  const a = await client.create({ type: 'pinless_dialin', phone_number: '+12095550401', room_creation_api: 'https://example.com/dial' });
  const b = await client.create({ type: 'pin_dialin', phone_number: '+12095550402' });
  const got = await client.get(a.id);
  const upd = await client.update(b.id, { ivr_greeting: { message: 'PIN please' } });
  const page = await client.list({ limit: 1 });
  const all = [];
  for await (const c of client.listAll({ limit: 1 })) all.push(c.id);
  const del = await client.delete(a.id);
  const secret = webhook.generateHmacSecret();
  const body = JSON.stringify({ To: '+12095550401', From: '+12095550499', callId: 'c1', callDomain: 'd1' });
  const headers = webhook.signPinlessWebhook({ body, secret });
  const verified = webhook.verifyPinlessWebhook({ body, headers, secrets: [secret] });
  await new Promise((r) => setTimeout(r, 100)); // let any late violation report arrive
  window.__result = {
    evalRefused,
    ids: [a.id, b.id],
    got: got.id,
    greeting: upd.config.ivr_greeting.message,
    page: page.data.length,
    all,
    del,
    coreCodes: core.validateCreate({ type: 'pin_dialin' }).issues.map((i) => i.code),
    verified: verified.kind,
    violations,
  };
} catch (e) {
  window.__error = String(e && e.stack || e) + ' violations: ' + violations.join(', ');
}
console.log('__done ' + JSON.stringify({ result: window.__result, error: window.__error }));
`;

let m, emu, site, browser, tmp;

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  tmp = tempDir('csp');
  cpSync(installedDir(), join(tmp.dir, 'pkg'), { recursive: true });
  writeFileSync(join(tmp.dir, 'app.js'), APP);
  writeFileSync(
    join(tmp.dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="/app.js"></script></body></html>',
  );
  site = await serve(tmp.dir, { headers: { 'Content-Security-Policy': CSP } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
  tmp?.cleanup();
});

describe('the package under a strict Content-Security-Policy', () => {
  it('runs the client, core and webhook entries without eval', async () => {
    const url = `${site.url}/index.html?emu=${encodeURIComponent(emu.url)}&key=${KEY}`;
    // Read from the console: Playwright's evaluate and waitForFunction compile their function
    // inside the page, which this policy forbids.
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const reported = new Promise((resolve) => {
      page.on('console', (msg) => {
        const text = msg.text();
        if (text.startsWith('__done ')) resolve(JSON.parse(text.slice(7)));
      });
    });
    await page.goto(url);
    const { result, error } = await reported;
    await page.close();
    assert.deepEqual(pageErrors, []);
    assert.equal(error, undefined, error);
    assert.equal(result.evalRefused, true, 'the policy is in force');
    assert.deepEqual(result.violations, []);
    assert.equal(result.got, result.ids[0]);
    assert.equal(result.greeting, 'PIN please');
    assert.equal(result.page, 1);
    assert.deepEqual(result.all, [...result.ids].reverse());
    assert.deepEqual(result.del, { status: 'deleted' });
    assert.deepEqual(result.coreCodes, ['required']);
    assert.equal(result.verified, 'call');
  });
});
