// The admin page's "Configs as code" panel (www/import.js) in headless Chromium, served by its dev
// server from the installed package, against the dev server's emulator: a file is planned with
// the package's planConfigs (the plan shown, secrets only as changed), applied with applyPlan
// (docs/daily-api.md#plan-apply), refused when the stored configs changed since the plan, and a
// file with errors names the config and the field. A screenshot goes to tests/artifacts/www/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { ROOT, launchChromium } from './helpers.mjs';
import { startDevServer } from '../../www/server.mjs';

const ARTIFACTS = join(ROOT, 'tests', 'artifacts', 'www');
const HMAC = 'c2VjcmV0LWhtYWMtdmFsdWUtZm9yLXd3dy1pbXBvcnQ=';
let m;
let browser;
let dev;

before(async () => {
  m = await dd();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  dev = await startDevServer({ port: 0, pkgDir: installedDir() });
});
after(async () => {
  await browser?.close();
  await dev?.close();
});

async function openPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(60_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(dev.url);
  await page.waitForSelector('body[data-ready]');
  return { page, problems };
}

/** The emulator's configs, read with the package's client over HTTP. */
async function stored() {
  const c = new m.DailyDialinClient({ apiKey: 'local-emulator', baseUrl: new URL('/v1', dev.url).href, allowPrivateUrls: true });
  const all = [];
  for await (const x of c.listAll()) all.push(x);
  return all;
}

const file = (configs) => JSON.stringify({ configs }, null, 2);
const pinless = (n) => ({ type: 'pinless_dialin', phone_number: `+1209555${String(n).padStart(4, '0')}`, room_creation_api: 'https://example.com/dial', hmac: { env: 'HOOK_SECRET' } });

test('import panel: plan shown first, apply applies it, a stale plan is refused, errors name the field', async () => {
  const { page, problems } = await openPage();
  const feedback = page.locator('#import-feedback');

  // Errors: named by config and field; nothing planned, apply stays disabled.
  await page.fill('#import-text', file([{ type: 'pinless_dialin', phone_number: '555', room_creation_api: 'https://example.com/dial' }]));
  await page.click('#import-plan');
  await page.waitForSelector('#import-feedback .error-box');
  assert.match(await feedback.innerText(), /configs\[0\] \(555\), field phone_number/);
  assert.ok(await page.isDisabled('#import-apply'));

  // A file of three configs, its secret from the env box: plan, then apply.
  await page.fill('#import-text', file([pinless(1), pinless(2), { type: 'pin_dialin', phone_number: '+12095550003' }]));
  await page.fill('#import-env', `HOOK_SECRET=${HMAC}`);
  await page.click('#import-plan');
  await page.waitForSelector('#import-feedback .ok');
  assert.match(await feedback.innerText(), /3 to create/);
  assert.ok(!/null|undefined/.test(await feedback.innerText()), await feedback.innerText());
  const planText = await page.locator('#import-plan-text').innerText();
  assert.match(planText, /\+ create configs\[0\] phone_number "\+12095550001"/);
  assert.match(planText, /hmac: set \(secret, from \$HOOK_SECRET\)/);
  assert.ok(!planText.includes(HMAC), 'the plan shows no secret');
  assert.equal((await stored()).length, 0, 'nothing sent by planning');
  await page.screenshot({ path: join(ARTIFACTS, 'import-plan.png'), fullPage: true });

  await page.click('#import-apply');
  await page.waitForFunction(() => /Applied: 3 done/.test(document.querySelector('#import-feedback')?.textContent ?? ''));
  const now = await stored();
  assert.equal(now.length, 3);
  assert.ok(now.filter((c) => c.type === 'pinless_dialin').every((c) => c.config.hmac === HMAC), 'the env value was sent');
  assert.equal(await page.locator('#import-report li').count(), 3);

  // Plan again: no changes. Then change the file, plan, change the stored configs underneath: refused.
  await page.click('#import-plan');
  await page.waitForFunction(() => /No changes/.test(document.querySelector('#import-feedback')?.textContent ?? ''));
  assert.ok(await page.isDisabled('#import-apply'));
  await page.fill('#import-text', file([pinless(1), pinless(2), { type: 'pin_dialin', phone_number: '+12095550003' }, pinless(4)]));
  await page.click('#import-plan');
  await page.waitForFunction(() => /1 to create/.test(document.querySelector('#import-feedback')?.textContent ?? ''));
  const c = new m.DailyDialinClient({ apiKey: 'local-emulator', baseUrl: new URL('/v1', dev.url).href, allowPrivateUrls: true });
  await c.create({ type: 'pin_dialin', phone_number: '+12095550009' });
  // The extra config is unmanaged (no prune), so the plan is not the same: apply refuses.
  await page.click('#import-apply');
  await page.waitForFunction(() => /changed since this plan was made/.test(document.querySelector('#import-feedback')?.textContent ?? ''));
  assert.equal((await stored()).length, 4, 'nothing applied');
  assert.deepEqual(problems, []);
  await page.close();
});
