// The webhook vector table in headless Chromium: a page served on 127.0.0.1 imports the installed
// package's webhook browser entry (webhook/web.js), awaits init(), runs every case of webhook-vectors.mjs (the
// same module the Node test uses; expected signatures computed here with node:crypto and handed
// to the page as JSON), and reports the outcomes, which are checked here like Node's. The Headers
// cases use the browser's own Headers class.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { tempDir, serve, launchChromium, pageResult } from './helpers.mjs';
import { buildVectors } from './webhook-vectors.mjs';
import { nodeHmac, checkOutcome } from './webhook-node.mjs';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>webhook vectors</title>
<link rel="icon" href="data:,">
<script>
  addEventListener('error', (e) => { window.__error = 'error: ' + e.message; });
  addEventListener('unhandledrejection', (e) => { window.__error = 'rejection: ' + (e.reason && e.reason.stack || e.reason); });
</script></head>
<body><script type="module" src="/page.mjs"></script></body></html>`;

const SCRIPT = `
import * as dd from '/node_modules/daily-dialin/webhook/web.js';
import { runCase } from '/webhook-vectors.mjs';
try {
  await dd.init();
  const cases = await (await fetch('/vectors.json')).json();
  window.__result = {
    userAgent: navigator.userAgent,
    nativeHeaders: typeof Headers === 'function' && String(Headers).includes('[native code]'),
    outcomes: cases.map((c) => runCase(dd, c)),
  };
} catch (e) {
  window.__error = String(e && e.stack || e);
}
`;

let tmp, server, browser, cases;
before(async () => {
  await dd(); // installs the packed package into .tmp/consumer when it is stale
  tmp = tempDir('webhook-browser');
  mkdirSync(join(tmp.dir, 'node_modules'));
  symlinkSync(installedDir(), join(tmp.dir, 'node_modules', 'daily-dialin'), 'dir');
  copyFileSync(new URL('./webhook-vectors.mjs', import.meta.url), join(tmp.dir, 'webhook-vectors.mjs'));
  cases = buildVectors(nodeHmac);
  writeFileSync(join(tmp.dir, 'vectors.json'), JSON.stringify(cases));
  writeFileSync(join(tmp.dir, 'index.html'), PAGE);
  writeFileSync(join(tmp.dir, 'page.mjs'), SCRIPT);
  server = await serve(tmp.dir);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  tmp?.cleanup();
});

test('every webhook vector gives the same answer in headless Chromium', async () => {
  const { result, error, errors } = await pageResult(browser, `${server.url}/`);
  assert.equal(error, undefined, error);
  assert.deepEqual(errors, []);
  assert.match(result.userAgent, /HeadlessChrome|Chrome/);
  assert.ok(result.nativeHeaders, 'the Headers cases use the browser Headers class');
  assert.equal(result.outcomes.length, cases.length);
  for (const [i, c] of cases.entries()) checkOutcome(c, result.outcomes[i]);
  assert.ok(cases.some((c) => c.headersAs === 'Headers' && c.expect.kind), 'a passing Headers case ran');
  assert.ok(server.requests.some((p) => p.endsWith('.wasm')), 'the page loaded the wasm module');
});
