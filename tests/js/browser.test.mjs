// The packed tarball in headless Chromium: (d) a Vite production build of an app that imports
// 'daily-dialin', and (e) a plain <script type="module"> page using an import map, with each
// kind of init() input. Both are served by a node http server on 127.0.0.1 (random port).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tempDir, pack, project, tool, serve, launchChromium, pageResult } from './helpers.mjs';

const CATCH_ALL = `<link rel="icon" href="data:,">
<script>
  addEventListener('error', (e) => { window.__error = 'error: ' + e.message; });
  addEventListener('unhandledrejection', (e) => { window.__error = 'rejection: ' + (e.reason && e.reason.stack || e.reason); });
</script>`;

// The app code shared by both pages; \`load\` is how this page calls init().
const APP = (load) => `
import * as dd from 'daily-dialin';
const out = {};
try {
  dd.validateCreate({});
  out.beforeInit = 'no error';
} catch (e) {
  out.beforeInit = e.message;
}
try {
  ${load}
  await dd.init();
  const pin = { type: 'pin_dialin', phone_number: '+14155550123' };
  out.report = dd.validateCreate(pin);
  out.bad = dd.validateCreate({ type: 'pin_dialin', phone_number: '+14155550123', hmac: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=' });
  out.request = dd.buildCreateRequest(pin, { apiKey: 'sk_browser' });
  out.curl = dd.toCurl(out.request);
  try {
    dd.buildGetRequest('', { apiKey: 'sk_browser' });
  } catch (e) {
    out.error = { classes: e instanceof dd.ValidationError && e instanceof dd.DailyDialinError && e instanceof Error,
      name: e.name, codes: e.issues.map((i) => i.code) };
  }
  window.__result = out;
} catch (e) {
  window.__error = String(e && e.stack || e);
}
`;

let tmp, tarball, browser;
before(async () => {
  tmp = tempDir('browser');
  ({ tarball } = pack(tmp.dir));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  tmp?.cleanup();
});

function check({ result, error, errors }, expectBeforeInitError = true, entry = 'daily-dialin') {
  assert.equal(error, undefined, error);
  assert.deepEqual(errors, []);
  if (expectBeforeInitError) assert.equal(result.beforeInit.split(': call await init() before')[0], entry);
  assert.deepEqual(result.report, { ok: true, issues: [] });
  assert.equal(result.bad.ok, false);
  assert.deepEqual(result.bad.issues.map((i) => [i.path, i.code]), [['hmac', 'not_applicable']]);
  assert.equal(result.request.method, 'POST');
  assert.equal(result.request.headers.Authorization, 'Bearer sk_browser');
  assert.match(result.curl, /Bearer \*\*\*/);
  assert.deepEqual(result.error, { classes: true, name: 'ValidationError', codes: ['invalid_id'] });
}

test('(d) Vite build of an app importing daily-dialin runs in headless Chromium', async () => {
  const dir = project(tmp.dir, 'vite-app', tarball, {
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>vite</title>${CATCH_ALL}</head>
<body><script type="module" src="/main.js"></script></body></html>`,
    'main.js': APP(''),
    'vite.config.mjs': `export default { logLevel: 'warn', build: { target: 'es2022' } };`,
  });
  const built = tool('vite', ['build'], dir);
  assert.equal(built.code, 0, built.out);
  const assets = readdirSync(join(dir, 'dist', 'assets'));
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 1, `one wasm asset: ${assets}`);
  const server = await serve(join(dir, 'dist'));
  try {
    check(await pageResult(browser, `${server.url}/`));
    assert.ok(server.requests.some((p) => p.endsWith('.wasm')));
  } finally {
    await server.close();
  }
});

// Vite <= 7 pre-bundles dependencies in dev, which moves web.js away from the .wasm its
// `new URL(..., import.meta.url)` points at; the README tells users to exclude the package from
// pre-bundling (Vite 8 needs nothing, nor does `vite build`). This checks that documented setup.
test('(d) the same app under the Vite dev server (optimizeDeps.exclude, as the README says)', async () => {
  const dir = project(tmp.dir, 'vite-dev', tarball, {
    'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>vite dev</title>${CATCH_ALL}</head>
<body><script type="module" src="/main.js"></script></body></html>`,
    'main.js': APP(''),
    'vite.config.mjs': `export default {
      clearScreen: false,
      server: { host: '127.0.0.1', port: 0 },
      optimizeDeps: { exclude: ['daily-dialin'] },
    };`,
  });
  const vite = spawn(join(BIN, 'vite'), [], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      const seen = (chunk) => {
        out += chunk;
        const m = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
        if (m) resolve(m[1]);
      };
      vite.stdout.on('data', seen);
      vite.stderr.on('data', seen);
      vite.once('exit', (code) => reject(new Error(`vite exited with ${code}:\n${out}`)));
    });
    check(await pageResult(browser, `${url}/`));
  } finally {
    vite.kill();
  }
});

const LOADS = {
  default: '',
  url: `await dd.init(new URL('/node_modules/daily-dialin/daily_dialin_bg.wasm', location.href));`,
  string: `await dd.init('/node_modules/daily-dialin/daily_dialin_bg.wasm');`,
  response: `await dd.init(fetch('/node_modules/daily-dialin/daily_dialin_bg.wasm'));`,
  bytes: `await dd.init(await (await fetch('/node_modules/daily-dialin/daily_dialin_bg.wasm')).arrayBuffer());`,
  module: `await dd.init(await WebAssembly.compileStreaming(fetch('/node_modules/daily-dialin/daily_dialin_bg.wasm')));`,
  sync: `dd.initSync(new Uint8Array(await (await fetch('/node_modules/daily-dialin/daily_dialin_bg.wasm')).arrayBuffer()));`,
  concurrent: `await Promise.all([dd.init(), dd.init(), dd.init()]);`,
};

// daily-dialin/core, the validation-only module: the same app, with 'daily-dialin' mapped to it.
const CORE_WASM = '/node_modules/daily-dialin/core/daily_dialin_core_bg.wasm';
const CORE_LOADS = {
  'core-default': '',
  'core-url': `await dd.init(new URL('${CORE_WASM}', location.href));`,
  'core-sync': `dd.initSync(new Uint8Array(await (await fetch('${CORE_WASM}')).arrayBuffer()));`,
};

test('(e) plain ESM page (import map, no bundler) with every kind of init() input; also daily-dialin/core', async () => {
  const files = {};
  const page = (mode, load, entry) => {
    files[`${mode}.html`] = `<!doctype html><html><head><meta charset="utf-8"><title>${mode}</title>${CATCH_ALL}
<script type="importmap">{ "imports": { "daily-dialin": "/node_modules/daily-dialin/${entry}" } }</script></head>
<body><script type="module" src="/${mode}.js"></script></body></html>`;
    files[`${mode}.js`] = APP(load);
  };
  for (const [mode, load] of Object.entries(LOADS)) page(mode, load, 'web.js');
  for (const [mode, load] of Object.entries(CORE_LOADS)) page(mode, load, 'core/web.js');
  const dir = project(tmp.dir, 'plain-esm', tarball, files);
  const server = await serve(dir);
  try {
    for (const mode of Object.keys(LOADS)) {
      await test(mode, async () => {
        check(await pageResult(browser, `${server.url}/${mode}.html`));
      });
    }
    for (const mode of Object.keys(CORE_LOADS)) {
      await test(mode, async () => {
        const page = await pageResult(browser, `${server.url}/${mode}.html`);
        check(page, true, 'daily-dialin/core');
        // The page downloads the core module and nothing of the other entries.
        const wasm = page.requested.filter((p) => p.endsWith('.wasm'));
        assert.deepEqual(wasm, [CORE_WASM]);
        assert.deepEqual(page.requested.filter((p) => p.startsWith('/node_modules/') && !p.startsWith('/node_modules/daily-dialin/core/')), ['/node_modules/daily-dialin/errors.js']);
      });
    }
  } finally {
    await server.close();
  }
});
