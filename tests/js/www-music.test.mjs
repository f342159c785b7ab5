// The admin page's hold-music Check button (www/music.js) in headless Chromium, served by its dev
// server from the installed package (docs/daily-api.md#rule-hold-music-online): the emulator's
// test files (read from the page with CORS and Range: duration, size and format, or not_mp3), and
// a server without CORS headers, which the page cannot read: `unchecked`, a warning, never an error.
// A screenshot of each result goes to tests/artifacts/www/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd, installedDir } from './installed.mjs';
import { ROOT, launchChromium } from './helpers.mjs';
import { startDevServer } from '../../www/server.mjs';

const ARTIFACTS = join(ROOT, 'tests', 'artifacts', 'www');
const HOLD = readFileSync(join(ROOT, 'tests', 'fixtures', 'audio', 'cbr_44k_stereo_64.mp3'));

let browser;
let dev;
let plain;
let plainUrl;
/** What the server without CORS saw: "METHOD range origin". */
const seen = [];

before(async () => {
  await dd();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  dev = await startDevServer({ port: 0, pkgDir: installedDir() });
  // A file server that knows nothing of CORS: no Access-Control-* header on any answer.
  plain = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.headers.range ?? '-'} ${req.headers.origin ?? '-'}`);
    if (req.method !== 'GET') return res.writeHead(405).end();
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': HOLD.length }).end(HOLD);
  });
  plain.listen(0, '127.0.0.1');
  await once(plain, 'listening');
  plainUrl = `http://127.0.0.1:${plain.address().port}/hold.mp3`;
});
after(async () => {
  await browser?.close();
  await dev?.close();
  plain?.closeAllConnections();
  plain?.close();
});

async function openPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(60_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (msg) => {
    // Chromium logs the CORS refusals of the unchecked case; they are the point of that test.
    if (msg.type() === 'error' && !/CORS policy|net::ERR_FAILED/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(dev.url);
  await page.waitForSelector('body[data-ready]');
  return { page, problems };
}

const RESULT = '#create-hold-music-url-check';
const BUTTON = '#create-hold-music-url-check-button';

test("Check on the emulator's test files: duration, size and format; a WAV is not MP3", async () => {
  const { page, problems } = await openPage();
  try {
    // Emulator mode: the test-file button is shown; it fills the field in and checks it.
    await page.click('#create-fields .emulator-only');
    assert.equal(await page.inputValue('#create-hold-music-url'), `${dev.emulator.origin}/_emulator/audio/hold.mp3`);
    const ok = page.locator(`${RESULT} p.ok`);
    await ok.waitFor();
    assert.equal(await ok.textContent(), 'Plays as Daily wants it: 2.0 s · 16.1 KB · MPEG-1 Layer III, 64 kbps CBR, 44.1 kHz stereo');
    // The http:// warning is the form's (next to the field), not repeated by the check.
    assert.equal(await page.locator(`${RESULT} li`).count(), 0);
    assert.equal(await page.locator('#create-hold-music-url-msg li.warning[data-code=insecure_url]').count(), 1);
    await page.locator('#create-fields .field[data-field=hold_music_url]').screenshot({ path: join(ARTIFACTS, 'hold-music-check-ok.png') });

    // Editing the URL clears the result; another file gives its own verdict.
    await page.fill('#create-hold-music-url', `${dev.emulator.origin}/_emulator/audio/not-mp3.mp3`);
    assert.equal(await page.locator(`${RESULT} *`).count(), 0);
    await page.click(BUTTON);
    const notMp3 = page.locator(`${RESULT} li.error[data-code=not_mp3]`);
    await notMp3.waitFor();
    assert.match(await notMp3.textContent(), /WAV/);
    assert.match(await page.textContent(`${RESULT} p.blocked`), /^Daily cannot play it as it is: .*not MP3 \(wav\)/);
    await page.locator('#create-fields .field[data-field=hold_music_url]').screenshot({ path: join(ARTIFACTS, 'hold-music-check-not-mp3.png') });

    // A URL the rules refuse is not fetched.
    await page.fill('#create-hold-music-url', 'ftp://example.com/a.mp3');
    await page.click(BUTTON);
    await page.locator(`${RESULT} p.hint`).waitFor();
    assert.match(await page.textContent(`${RESULT} p.hint`), /Not checked: the URL itself/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a server without CORS headers: unchecked, a warning that says the file may still play', async () => {
  const { page, problems } = await openPage();
  try {
    seen.length = 0;
    await page.fill('#create-hold-music-url', plainUrl);
    await page.click(BUTTON);
    const warning = page.locator(`${RESULT} li.warning[data-code=unchecked]`);
    await warning.waitFor();
    assert.match(await warning.textContent(), /cannot read the file.*may\s+still play/s);
    assert.equal(await page.locator(`${RESULT} li.error`).count(), 0);
    assert.equal(await page.locator(`${RESULT} p.blocked`).count(), 0);
    // Only a warning: the form can still be sent.
    assert.equal(await page.locator('#create-button').isDisabled(), false);
    // The server was reached: a ranged request, a plain one, then the no-cors probe, from the page.
    assert.ok(seen.some((s) => s.startsWith('GET bytes=0-16383 ')), seen.join('; '));
    assert.ok(seen.some((s) => s.startsWith('GET - ')), seen.join('; '));
    await page.locator('#create-fields .field[data-field=hold_music_url]').screenshot({ path: join(ARTIFACTS, 'hold-music-check-unchecked.png') });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
