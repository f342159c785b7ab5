// The packed package in the other runtimes people run it in, each installed from npm (pinned in
// tests/runtimes/package.json; scripts/test-pkg installs them): a Cloudflare Worker bundled by
// wrangler and run in workerd by Miniflare, and Deno and Bun. Each imports `daily-dialin`,
// `daily-dialin/core` and `daily-dialin/webhook` plainly (no init), validates, signs and verifies a
// webhook, and uses the client against the emulator on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dd, CONSUMER, ROOT } from './installed.mjs';

const run = promisify(execFile);
const TOOLS = join(ROOT, 'tests', 'runtimes');
const BIN = join(TOOLS, 'node_modules', '.bin');
let dir, emu, m, Miniflare;

before(async () => {
  if (!existsSync(join(BIN, 'wrangler'))) throw new Error('the runtimes are not installed: npm ci --prefix tests/runtimes (scripts/test-pkg does it)');
  m = await dd();
  ({ Miniflare } = await import(join(TOOLS, 'node_modules', 'miniflare', 'dist', 'src', 'index.js')));
  // Inside the consumer project, so that the bare imports resolve to the installed package.
  dir = join(CONSUMER, `runtimes-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of ['worker.js', 'global-random.js', 'check.mjs']) cpSync(join(TOOLS, f), join(dir, f));
  emu = await m.startEmulator({ rateLimit: false });
});

after(async () => {
  await emu?.close();
  if (dir && !process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

/** `wrangler deploy --dry-run`: the bundle a Worker's author deploys, written to `outdir`. */
async function wranglerBundle(entry, outdir) {
  await run(join(BIN, 'wrangler'), ['deploy', '--dry-run', '--name', 'daily-dialin-test', '--compatibility-date', '2026-04-01', '--outdir', outdir, entry], {
    cwd: dir,
    env: {
      ...process.env,
      CI: 'true', // no prompts, no login
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true', // the banner is what makes wrangler look for updates on npm
      XDG_CONFIG_HOME: join(dir, '.xdg'), // wrangler's logs stay out of $HOME
    },
  });
  return join(outdir, entry);
}

/** A Worker running in workerd on 127.0.0.1 (Miniflare), as `wrangler dev` would run it. */
async function startWorker(scriptPath, bindings = {}) {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // wrangler leaves each imported .wasm as a module of its own beside the bundle; Workers load
    // it as a compiled WebAssembly.Module.
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01', // no later than the pinned workerd's newest
    cf: false, // otherwise each start fetches Cloudflare's request.cf data from the network
    bindings,
    host: '127.0.0.1',
    port: 0,
  });
  return { mf, url: await mf.ready };
}

test('workerd: a Worker importing the three entries plainly validates, verifies webhooks and lists', async () => {
  const script = await wranglerBundle('worker.js', join(dir, 'dist'));
  const secret = m.generateHmacSecret();
  const { mf, url } = await startWorker(script, { DAILY_BASE_URL: emu.url, DAILY_PINLESS_HMAC: secret, PHONE: '+12095551234' });
  try {
    const res = await fetch(new URL('/selftest', url));
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const checks = JSON.parse(text);
    assert.deepEqual(Object.keys(checks).length, 7, text);
    for (const [name, v] of Object.entries(checks)) assert.equal(v, true, `${name}: ${v}`);

    const body = JSON.stringify({ To: '+12095551234', From: '+12095550000', callId: 'call-1', callDomain: 'dom-1' });
    const signed = await fetch(new URL('/webhook', url), { method: 'POST', body, headers: m.signPinlessWebhook({ body, secret }) });
    assert.deepEqual([signed.status, await signed.json()], [200, { kind: 'call', callId: 'call-1' }]);
    const forged = await fetch(new URL('/webhook', url), { method: 'POST', body, headers: m.signPinlessWebhook({ body, secret: m.generateHmacSecret() }) });
    assert.deepEqual([forged.status, await forged.json()], [401, { reason: 'signature_mismatch' }]);
  } finally {
    await mf.dispose();
  }
});

test('workerd: random bytes at global scope fail with a clear error that keeps workerd\'s as cause', async () => {
  const script = await wranglerBundle('global-random.js', join(dir, 'dist-global-random'));
  const { mf, url } = await startWorker(script);
  try {
    const refused = await (await fetch(url)).json();
    assert.equal(refused?.name, 'DailyDialinError', JSON.stringify(refused));
    assert.match(refused.message, /getRandomValues failed .*request handler/);
    assert.match(refused.cause, /global scope/i);
  } finally {
    await mf.dispose();
  }
});

for (const [runtime, argv, env] of [
  // node_modules is there, so Deno resolves npm packages from it (no registry); it may read the
  // package (node.mjs reads its .wasm) and reach the emulator only.
  ['deno', ['run', `--allow-read=${join(CONSUMER, 'node_modules')}`, '--allow-net=127.0.0.1', 'check.mjs'], { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: '.deno' }],
  // --no-install: never install from the registry; no transpiler cache in ~/.bun.
  ['bun', ['--no-install', 'check.mjs'], { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' }],
]) {
  test(`${runtime}: the three entries load through the node condition and work`, async () => {
    const { stdout } = await run(join(BIN, runtime), [...argv, emu.url], { cwd: dir, env: { ...process.env, ...env } });
    const lines = stdout.trim().split('\n');
    for (const [spec, file] of [['daily-dialin', 'node.mjs'], ['daily-dialin/core', 'core/node.mjs'], ['daily-dialin/webhook', 'webhook/node.mjs']]) {
      assert.ok(lines.some((l) => l.endsWith(`: ${spec} -> daily-dialin/${file}`)), `${spec} -> ${file}\n${stdout}`);
    }
    const checks = lines.filter((l) => /^(ok|FAIL)/.test(l));
    assert.equal(checks.length, 7, stdout);
    assert.deepEqual(checks.filter((l) => l.startsWith('FAIL')), []);
  });
}
