// The admin page (www/) end to end in headless Chromium, served by its dev server (in-process,
// 127.0.0.1, port 0) from the installed package: the connection panel, live validation, the request
// preview, create (pinless and PIN), list, edit, paging and filters, a simulated call with a verified
// webhook, delete, API errors forced through the emulator's faults, the emulator tools (queue, clear,
// reset), busy states, and a 375 px wide screen; a page that cannot start. Then the proxy mode
// against a second emulator that accepts only one key. Screenshots go to tests/artifacts/www/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { ROOT, launchChromium } from './helpers.mjs';
import { startDevServer } from '../../www/server.mjs';

const ARTIFACTS = join(ROOT, 'tests', 'artifacts', 'www');
const HMAC = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';

let m;
let browser;

before(async () => {
  m = await dd();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(() => browser?.close());

/** A page on `url` that fails the test on page errors and collects console errors. */
async function openPage(url, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  // A guard against a hung page, not a timing check: every wait normally ends in milliseconds.
  page.setDefaultTimeout(120_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of (4|5)\d\d/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  return { page, problems };
}

const card = (page, text) => page.locator('#config-list li.config', { hasText: text });

async function shot(page, name, locator) {
  const path = join(ARTIFACTS, name);
  await page.evaluate(() => window.scrollTo(0, 0));
  await (locator ?? page).screenshot({ path, ...(locator ? {} : { fullPage: true }) });
  console.log(`screenshot: ${path}`);
}

test('emulator mode: validate, create, list, edit, page, simulate a call, errors, delete', async () => {
  const dev = await startDevServer({ port: 0, pkgDir: installedDir() });
  const { page, problems } = await openPage(dev.url);
  try {
    const create = page.locator('#create-button');
    const phone = page.locator('#create-phone-number');

    // Connection: the emulator is chosen; without DAILY_API_KEY the proxy is off and says how to turn it on.
    assert.equal(await page.textContent('#connection-status'), `Connected to the local emulator at ${dev.origin}/v1.`);
    assert.equal(await page.locator('#mode-proxy').isDisabled(), true);
    assert.match(await page.textContent('#mode-proxy-hint'), /^Off: start the demo with DAILY_API_KEY set/);
    assert.equal(await page.textContent('#receiver-url'), `${dev.origin}/demo/room-creation`);

    // Initial state: the demo receiver prefilled, only a warning (http://), the button enabled.
    await assert.doesNotReject(page.waitForSelector('#create-room-creation-api-msg li.warning'));
    assert.equal(await page.inputValue('#create-room-creation-api'), `${dev.origin}/demo/room-creation`);
    assert.equal(await create.isDisabled(), false);
    assert.match(await page.textContent('#preview-curl'), /Bearer \*\*\*/);

    // Invalid input: messages next to the fields, the button disabled, no request preview.
    await phone.fill('(209) 555-1234');
    await page.fill('#create-hmac', 'abc');
    await page.fill('#create-hold-music-url', 'https://example.com/hold');
    const phoneMsg = page.locator('#create-phone-number-msg li.error');
    await phoneMsg.waitFor();
    assert.match(await phoneMsg.textContent(), /did you mean \+12095551234/);
    assert.equal(await phone.getAttribute('aria-invalid'), 'true');
    assert.match(await phone.getAttribute('aria-describedby'), /create-phone-number-msg/);
    assert.match(await page.textContent('#create-hmac-msg li.error'), /base64/);
    assert.match(await page.textContent('#create-hold-music-url-msg li.warning'), /mp3/i);
    assert.equal(await create.isDisabled(), true);
    assert.match(await page.textContent('#create-summary'), /Fix the 2 errors/);
    assert.equal(await page.textContent('#preview-curl'), '');
    assert.equal(await page.locator('#preview-curl-box').isVisible(), false);
    await shot(page, 'form-errors.png');

    // Fix them: the suggested number, a generated secret. The warning stays; the button enables.
    await page.getByRole('button', { name: 'Use +12095551234' }).click();
    assert.equal(await phone.inputValue(), '+12095551234');
    await page.getByRole('button', { name: 'Generate' }).click();
    const secret = await page.inputValue('#create-hmac');
    assert.equal(Buffer.from(secret, 'base64').length, 32);
    await page.fill('#create-name-prefix', 'sales');
    await page.fill('#create-timeout-config-message', 'Nobody can take your call, please try later');
    await page.waitForFunction(() => !document.querySelector('#create-button').disabled);
    assert.equal(await page.locator('#create-phone-number-msg li').count(), 0);
    assert.equal(await page.locator('#create-hold-music-url-msg li.warning').count(), 1);
    const curl = await page.textContent('#preview-curl');
    assert.match(curl, /-X 'POST' '.*\/v1\/domain-dialin-config'/);
    assert.match(curl, /"phone_number":"\+12095551234"/);
    assert.ok(!curl.includes(secret), 'the hmac is redacted in the preview');
    const preview = await page.textContent('#preview-request');
    assert.ok(!preview.includes(secret));
    assert.match(preview, /POST/);
    assert.match(preview, /Authorization: Bearer \*\*\*/);
    assert.match(preview, /"hmac": "\*\*\*"/);
    assert.match(preview, /"name_prefix": "sales"/);

    // Create the pinless config.
    await create.click();
    await page.locator('#create-feedback .ok', { hasText: 'Created Pinless config sales' }).waitFor();
    await card(page, 'sales').waitFor();
    assert.equal(await phone.inputValue(), '', 'the form is cleared after a create');

    // A PIN config: other fields; the phone number is required.
    await page.getByLabel('PIN (pin_dialin)').check();
    assert.equal(await page.locator('#create-room-creation-api').isVisible(), false);
    assert.equal(await page.locator('#create-ivr-greeting-message').isVisible(), true);
    await page.locator('#create-phone-number-msg li.error', { hasText: 'required' }).waitFor();
    assert.equal(await create.isDisabled(), true);
    await phone.fill('+12095550199');
    await page.fill('#create-ivr-greeting-message', 'Welcome. Please enter your PIN.');
    await create.click();
    await card(page, '+12095550199').waitFor();
    assert.equal(await page.locator('#config-list li.config').count(), 2);
    assert.match(await page.textContent('#list-summary'), /^2 configs/);
    const pinCard = card(page, '+12095550199');
    assert.equal(await pinCard.getAttribute('data-type'), 'pin_dialin');
    assert.equal(await card(page, 'sales').getAttribute('data-type'), 'pinless_dialin');
    assert.ok(!(await page.textContent('#config-list')).includes(secret), 'the list does not show secrets');
    await shot(page, 'list.png', page.locator('#configs'));

    // What the emulator stored is what the form said.
    const stored = dev.emulator.exportState().configs;
    const pinless = stored.find((c) => c.type === 'pinless_dialin');
    assert.equal(pinless.config.phone_number, '+12095551234');
    assert.equal(pinless.config.hmac, secret);
    assert.equal(pinless.config.timeout_config.message, 'Nobody can take your call, please try later');
    assert.equal(stored.find((c) => c.type === 'pin_dialin').config.ivr_greeting.message, 'Welcome. Please enter your PIN.');

    // Simulate a call: the webhook is delivered to the dev server, verified, and the call routed.
    assert.equal(await pinCard.getByRole('button', { name: /Simulate/ }).count(), 0, 'PIN calls never hit a webhook');
    await card(page, 'sales').getByRole('button', { name: 'Simulate incoming call to sales' }).click();
    await page.locator('#call-result .status.routed').waitFor();
    assert.match(await page.textContent('#call-result .signature'), /^Verified/);
    assert.match(await page.textContent('#call-result'), /answered 200/);
    assert.match(await page.textContent('#call-result'), /sip:demo-/);
    const hooks = dev.webhooks();
    assert.ok(hooks.some((h) => h.kind === 'test' && h.verified), 'the set-up ping was verified');
    const call = hooks.find((h) => h.kind === 'call');
    assert.equal(call.verified, true);
    assert.equal(call.to, '+12095551234');
    assert.equal(call.config_id, pinless.id);

    // Edit: only the changed field is sent (PUT), validated with the config's type.
    await card(page, 'sales').getByRole('button', { name: 'Edit sales' }).click();
    const dialog = page.locator('#edit-dialog');
    await dialog.waitFor();
    assert.equal(await page.locator('#edit-save').isDisabled(), true, 'nothing changed yet');
    assert.equal(await page.locator('#edit-ivr-greeting-message').isVisible(), false);
    await page.fill('#edit-hold-music-url', 'not a url');
    await page.locator('#edit-hold-music-url-msg li.error').waitFor();
    assert.equal(await page.locator('#edit-save').isDisabled(), true);
    await page.fill('#edit-hold-music-url', 'https://example.com/hold.mp3');
    await page.fill('#edit-name-prefix', 'support');
    assert.match(await page.textContent('#edit-curl'), /-X 'PUT' .*"name_prefix":"support"/s);
    await page.locator('#edit-save').click();
    await dialog.waitFor({ state: 'hidden' });
    await card(page, 'support').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Edit support', 'the focus returns to the Edit button');
    const edited = dev.emulator.exportState().configs.find((c) => c.id === pinless.id).config;
    assert.equal(edited.name_prefix, 'support');
    assert.equal(edited.hmac, secret, 'an empty hmac field keeps the secret');
    assert.equal(edited.phone_number, '+12095551234');

    // A forced API error on create: shown in plain words, and next to the field it names.
    const faults = `${dev.origin}/_emulator/faults`;
    const inject = (f) => fetch(faults, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(f) }).then((r) => assert.equal(r.status, 200));
    await inject({
      method: 'POST',
      path: '/v1/domain-dialin-config',
      status: 400,
      body: { error: 'invalid-request-error', info: 'phone_number: +12095550123 is not a number of this domain' },
    });
    await phone.fill('+12095550123');
    await create.click();
    const alert = page.locator('#create-feedback [role=alert]');
    await alert.waitFor();
    assert.match(await alert.textContent(), /The emulator refused the create request \(400 invalid request\)/);
    assert.match(await alert.textContent(), /fields concerned are marked/);
    assert.match(await page.textContent('#create-phone-number-msg'), /The emulator: .*not a number of this domain/);
    assert.equal(await page.locator('#config-list li.config').count(), 2, 'nothing was created');

    // A server error that outlasts the retries, on delete; the busy state shows meanwhile.
    await inject({ method: 'DELETE', status: 500, count: 3, delay_ms: 300 });
    await card(page, '+12095550199').getByRole('button', { name: 'Delete +12095550199' }).click();
    await page.waitForSelector('#configs[aria-busy=true]');
    assert.equal(await page.locator('#refresh-button').isDisabled(), true);
    assert.equal(await page.locator('#configs button:not([disabled])').count(), 0, 'every button of the list is disabled while busy');
    await page.locator('#list-feedback [role=alert]').waitFor();
    assert.match(await page.textContent('#list-feedback'), /The emulator had a server error \(500\)\. The client tried 3 times\./);
    assert.equal(await page.getAttribute('#configs', 'aria-busy'), null);
    assert.equal(await page.locator('#config-list li.config').count(), 2);

    // Delete for real.
    await card(page, '+12095550199').getByRole('button', { name: 'Delete +12095550199' }).click();
    await page.locator('#list-feedback .ok', { hasText: 'Deleted +12095550199' }).waitFor();
    assert.equal(await page.locator('#config-list li.config').count(), 1);
    assert.equal(dev.emulator.exportState().configs.length, 1);

    // Emulator tools: a failure queued from the page is explained; Clear failures empties the queue.
    await page.click('#emulator-tools summary');
    await page.selectOption('#fault-kind', '401');
    await page.getByRole('button', { name: 'Queue the failure' }).click();
    await page.locator('#tools-feedback .ok', { hasText: 'Queued' }).waitFor();
    assert.deepEqual((await dev.emulator.faults()).map((f) => f.status), [401]);
    await page.click('#refresh-button');
    await page.locator('#list-feedback [role=alert]', { hasText: 'did not accept the API key (401)' }).waitFor();
    assert.match(await page.textContent('#list-feedback'), /Use Clear failures in the emulator tools/);
    await page.selectOption('#fault-kind', '500');
    await page.getByRole('button', { name: 'Queue the failure' }).click();
    await page.locator('#tools-feedback .ok', { hasText: 'Queued' }).waitFor();
    assert.deepEqual((await dev.emulator.faults()).map((f) => [f.status, f.remaining]), [[500, 3]]);
    await page.click('#clear-faults');
    await page.locator('#tools-feedback .ok', { hasText: 'No failures are queued now.' }).waitFor();
    assert.deepEqual(await dev.emulator.faults(), []);
    await page.click('#refresh-button');
    await page.waitForSelector('#configs:not([aria-busy])');
    assert.equal(await page.locator('#list-feedback [role=alert]').count(), 0, 'the list loads again');

    // Paging and filters over more configs (made with the Node client of the same package).
    const node = new m.DailyDialinClient({ apiKey: 'k', baseUrl: dev.emulator.url, allowPrivateUrls: true });
    for (let i = 0; i < 6; i++) await node.create({ type: 'pin_dialin', phone_number: `+1415555010${i}` });
    await page.selectOption('#filter-limit', '5');
    await page.click('#filter-button');
    await page.locator('#list-summary', { hasText: '7 configs; showing 1–5' }).waitFor();
    assert.equal(await page.locator('#page-newer').isDisabled(), true);
    await page.click('#page-older');
    await page.locator('#list-summary', { hasText: 'showing 6–7' }).waitFor();
    assert.equal(await page.locator('#page-older').isDisabled(), true);
    await card(page, 'support').first().waitFor(); // the oldest config is on the last page
    await page.click('#page-newer');
    await page.locator('#list-summary', { hasText: 'showing 1–5' }).waitFor();
    await card(page, '+14155550105').first().waitFor(); // the newest config is on the first page
    await page.selectOption('#filter-type', 'pinless_dialin');
    await page.click('#filter-button');
    await page.locator('#list-summary', { hasText: /^1 config,/ }).waitFor();
    await page.selectOption('#filter-type', '');
    await page.fill('#filter-phone', '4155550103');
    await page.locator('#filter-phone-msg li.error').waitFor();
    assert.equal(await page.locator('#filter-button').isDisabled(), true);
    await page.fill('#filter-phone', '+14155550103');
    await page.click('#filter-button');
    await page.locator('#list-summary', { hasText: /^1 config,/ }).waitFor();
    await card(page, '+14155550103').first().waitFor();

    // A webhook nobody answers: the failed delivery is shown, and no verification is claimed.
    await node.create({ type: 'pinless_dialin', name_prefix: 'unreachable', room_creation_api: 'http://127.0.0.1:9/hook' });
    await page.fill('#filter-phone', '');
    await page.click('#filter-button');
    await card(page, 'unreachable').getByRole('button', { name: 'Simulate incoming call to unreachable' }).click();
    await page.locator('#call-result .status.webhook_failed').waitFor();
    assert.match(await page.textContent('#call-result .signature'), /^Not known/);
    assert.match(await page.textContent('#call-result'), /POST http:\/\/127\.0\.0\.1:9\/hook failed/);
    await page.getByRole('button', { name: 'Check the call again' }).click();
    await page.locator('#call-feedback', { hasText: 'Call webhook failed' }).waitFor();

    // Accessible markup: every visible control has a label; every described-by target exists.
    const a11y = await page.evaluate(() => {
      const controls = [...document.querySelectorAll('input, select, textarea')].filter((e) => e.offsetParent !== null);
      return {
        unlabeled: controls.filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id),
        brokenRefs: [...document.querySelectorAll('[aria-describedby]')].flatMap((e) =>
          e.getAttribute('aria-describedby').split(/\s+/).filter((id) => !document.getElementById(id)),
        ),
        live: document.querySelectorAll('[aria-live]').length,
      };
    });
    assert.deepEqual(a11y.unlabeled, []);
    assert.deepEqual(a11y.brokenRefs, []);
    assert.ok(a11y.live >= 4);

    // Keyboard: the type radios and the create button are reachable and usable without a mouse.
    await page.focus('#type-pinless');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.isChecked('#type-pin'), true);

    // A 375 px wide screen: nothing overflows sideways.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator('#list-summary', { hasText: '8 configs' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 375px screen`);
    await shot(page, 'narrow.png');

    // Reset the emulator from its tools: every config is gone, and the list says so.
    await page.click('#reset-emulator');
    await page.locator('#tools-feedback .ok', { hasText: 'The emulator is empty again.' }).waitFor();
    await page.locator('#list-summary', { hasText: 'No configs yet' }).waitFor();
    assert.equal(dev.emulator.exportState().configs.length, 0);

    // The page makes Daily API calls only through the package: its one fetch is the admin helper.
    const modules = readdirSync(join(ROOT, 'www')).filter((f) => f.endsWith('.js'));
    const fetches = modules.flatMap((f) => (readFileSync(join(ROOT, 'www', f), 'utf8').match(/\bfetch\(/g) ?? []).map(() => f));
    assert.deepEqual(fetches, ['dom.js']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await dev.close();
  }
});

test('a page that cannot start says why', async () => {
  const dev = await startDevServer({ port: 0, pkgDir: installedDir() });
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  try {
    await page.route('**/demo/info', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"info":"stopped"}' }));
    await page.goto(dev.url);
    const alert = page.locator('#boot [role=alert]');
    await alert.waitFor();
    assert.match(await alert.textContent(), /The page could not start\.GET \/demo\/info failed with 503: stopped/);
    assert.equal(await page.locator('#create').isVisible(), false);
    assert.equal(await page.getAttribute('body', 'data-ready'), null);
  } finally {
    await page.close();
    await dev.close();
  }
});

test('proxy mode: the dev server adds the key; the page never sees it', async () => {
  const KEY = 'real-key';
  const upstream = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  const dev = await startDevServer({ port: 0, pkgDir: installedDir(), upstream: upstream.url, apiKey: KEY });
  const { page, problems } = await openPage(dev.url);
  const seen = [];
  page.on('request', (r) => seen.push({ url: r.url(), headers: JSON.stringify(r.headers()), body: r.postData() ?? '' }));
  page.on('response', async (r) => seen.push({ url: r.url(), headers: JSON.stringify(await r.allHeaders()), body: await r.text().catch(() => '') }));
  try {
    // One config made upstream beforehand, so the first list has something to show.
    const node = new m.DailyDialinClient({ apiKey: KEY, baseUrl: upstream.url });
    await node.create({ type: 'pin_dialin', phone_number: '+12095550100', name_prefix: 'existing' });

    assert.ok((await page.textContent('#mode-proxy-hint')).startsWith(`Requests go to ${upstream.url}. The dev server adds your API key`));
    await page.getByLabel("My Daily domain, through the dev server's proxy").check();
    await page.locator('#connection-status', { hasText: upstream.url }).waitFor();
    await card(page, 'existing').waitFor();
    assert.equal(await page.locator('#calls').isVisible(), false, 'no simulated calls against Daily');
    assert.equal(await page.locator('#emulator-tools').isVisible(), false);
    assert.equal(await page.inputValue('#create-room-creation-api'), '', 'the local receiver is not offered to Daily');

    // Private URLs are refused in this mode (Daily cannot reach them).
    await page.fill('#create-room-creation-api', 'http://127.0.0.1:9/hook');
    await page.locator('#create-room-creation-api-msg li.error').waitFor();
    await page.getByLabel('PIN (pin_dialin)').check();
    await page.fill('#create-phone-number', '+12095550142');
    await page.fill('#create-name-prefix', 'through-proxy');
    await page.click('#create-button');
    await card(page, 'through-proxy').waitFor();
    assert.equal(await page.locator('#config-list li.config').count(), 2);

    // The upstream (which accepts only the real key) has it; the page's requests never had it.
    const configs = upstream.exportState().configs;
    assert.deepEqual(configs.map((c) => c.config.name_prefix).sort(), ['existing', 'through-proxy']);
    const api = seen.filter((s) => s.url.includes('/proxy/v1/'));
    assert.ok(api.length >= 4, `requests and responses of the proxy were recorded (${api.length})`);
    assert.ok(api.some((s) => s.headers.includes('Bearer proxy')), 'the page sends the placeholder key');
    const leaks = seen.filter((s) => `${s.url} ${s.headers} ${s.body}`.includes(KEY));
    assert.deepEqual(leaks, []);
    assert.ok(!(await page.content()).includes(KEY));

    // The key is added server-side only: the placeholder itself is refused upstream.
    const direct = await fetch(`${upstream.url}/domain-dialin-config`, { headers: { Authorization: 'Bearer proxy' } });
    assert.equal(direct.status, 401);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await dev.close();
    await upstream.close();
  }
});
