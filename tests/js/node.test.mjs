// The packed tarball, installed into throw-away projects: what Node users get from
// `import` and `require` (no init step), and what the tarball contains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, EXPORT_KEYS, tempDir, pack, project, node } from './helpers.mjs';

let tmp, tarball, files, dir;

const PIN = { type: 'pin_dialin', phone_number: '+14155550123' };
const EXPORTS = [
  'AbortError',
  'DailyApiError',
  'DailyDialinClient',
  'DailyDialinError',
  'NetworkError',
  'TimeoutError',
  'ValidationError',
  'WebhookVerificationError',
  'buildCreateRequest',
  'buildDeleteRequest',
  'buildGetRequest',
  'buildListRequest',
  'buildUpdateRequest',
  'generateHmacSecret',
  'init',
  'initSync',
  'redactRequest',
  'toCurl',
  'validateCreate',
  'validateListQuery',
  'validateUpdate',
];
const ERRORS = ['AbortError', 'DailyApiError', 'DailyDialinError', 'NetworkError', 'TimeoutError', 'ValidationError', 'WebhookVerificationError'];
// daily-dialin/core: the same minus the client.
const CLIENT_ONLY = ['DailyDialinClient'];
const CORE_EXPORTS = EXPORTS.filter((k) => !CLIENT_ONLY.includes(k));
// daily-dialin/webhook: the webhook functions, generateHmacSecret and the error classes.
const WEBHOOK_EXPORTS = [...ERRORS, 'generateHmacSecret', 'init', 'initSync', 'signPinlessWebhook', 'verifyPinlessWebhook'].sort();
// daily-dialin/hold-music: checkHoldMusic and the error classes.
const HOLD_MUSIC_EXPORTS = [...ERRORS, 'checkHoldMusic', 'init', 'initSync'].sort();

// Runs in the consumer project; prints JSON facts that the tests assert on.
const ESM_SCRIPT = `
import * as dd from 'daily-dialin';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const cjs = require('daily-dialin');
const out = { exports: Object.keys(dd).sort() }; // all of them: none is internal (__)
out.initResolves = (await dd.init()) === undefined;
out.report = dd.validateCreate(${JSON.stringify(PIN)});
out.request = dd.buildCreateRequest(${JSON.stringify(PIN)}, { apiKey: 'sk_test_123' });
out.headersPlain = Object.getPrototypeOf(out.request.headers) === Object.prototype;
out.curl = dd.toCurl(out.request);
try {
  dd.buildUpdateRequest('cfg', { type: 'pin_dialin' }, { apiKey: 'sk_test_123' });
} catch (e) {
  out.error = {
    esmClass: e instanceof dd.ValidationError && e instanceof dd.DailyDialinError && e instanceof Error,
    cjsClass: e instanceof cjs.ValidationError && e instanceof cjs.DailyDialinError,
    name: e.name, message: e.message, issues: e.issues, json: JSON.parse(JSON.stringify(e)),
    string: String(e), stackHasName: e.stack.startsWith('ValidationError: '),
  };
}
try { cjs.buildGetRequest('a/b', { apiKey: 'k' }); } catch (e) {
  out.cjsErrorIsEsmClass = e instanceof dd.ValidationError;
}
out.notAnError = { x: 1 } instanceof dd.DailyDialinError;
const wasm = import.meta.resolve('daily-dialin/daily_dialin_bg.wasm');
out.wasmSubpath = wasm.endsWith('/daily_dialin_bg.wasm') && existsSync(fileURLToPath(wasm));
out.resolved = fileURLToPath(import.meta.resolve('daily-dialin')).split('/').pop();
out.pkgJson = require('daily-dialin/package.json').name;
console.log(JSON.stringify(out));
`;

const CJS_SCRIPT = `
const dd = require('daily-dialin');
const out = { exports: Object.keys(dd).sort() }; // all of them: none is internal (__)
out.resolved = require.resolve('daily-dialin').split('/').pop();
out.report = dd.validateCreate({ type: 'pin_dialin' });
out.request = dd.buildListRequest({ limit: 5 }, { apiKey: 'k' });
try { dd.buildCreateRequest({}, { apiKey: 'k' }); } catch (e) {
  out.error = { cls: e instanceof dd.ValidationError && e instanceof dd.DailyDialinError, codes: e.issues.map((i) => i.code) };
}
dd.init().then((v) => { out.initResolves = v === undefined; console.log(JSON.stringify(out)); });
`;

// The subpath modules, through import and require: their exports, one call each, shared error
// classes, the .wasm subpath.
const SUBPATH_SCRIPT = `
import * as root from 'daily-dialin';
import * as core from 'daily-dialin/core';
import * as webhook from 'daily-dialin/webhook';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const names = (m) => Object.keys(m).sort();
const out = {};
for (const [name, esm] of [['core', core], ['webhook', webhook]]) {
  const cjs = require('daily-dialin/' + name);
  out[name] = {
    esm: names(esm), cjs: names(cjs),
    resolved: fileURLToPath(import.meta.resolve('daily-dialin/' + name)).split('/').slice(-2).join('/'),
    required: require.resolve('daily-dialin/' + name).split('/').slice(-2).join('/'),
    sharedErrors: esm.ValidationError === root.ValidationError && cjs.ValidationError === require('daily-dialin').ValidationError,
    secret: /^[A-Za-z0-9+/]{43}=$/.test(esm.generateHmacSecret()),
  };
  const wasm = import.meta.resolve('daily-dialin/' + name + '/daily_dialin_' + name + '_bg.wasm');
  out[name].wasmSubpath = existsSync(fileURLToPath(wasm));
}
out.core.request = core.buildCreateRequest(${JSON.stringify(PIN)}, { apiKey: 'sk_test_123' });
try { core.buildGetRequest('a/b', { apiKey: 'k' }); } catch (e) { out.core.errorIsRootClass = e instanceof root.ValidationError; }
const secret = webhook.generateHmacSecret();
const body = '{"To":"+12095551234","From":"+14155550100","callId":"c-1","callDomain":"d-1"}';
const headers = webhook.signPinlessWebhook({ body, secret });
out.webhook.verified = webhook.verifyPinlessWebhook({ body, headers, secret });
try { webhook.verifyPinlessWebhook({ body: body + ' ', headers, secret }); } catch (e) {
  out.webhook.rejected = { reason: e.reason, isRootClass: e instanceof root.WebhookVerificationError };
}
out.webhook.cjsVerified = require('daily-dialin/webhook').verifyPinlessWebhook({ body, headers, secret }).kind;
const music = await import('daily-dialin/hold-music');
const musicCjs = require('daily-dialin/hold-music');
out.music = {
  esm: names(music), cjs: names(musicCjs),
  resolved: fileURLToPath(import.meta.resolve('daily-dialin/hold-music')).split('/').slice(-2).join('/'),
  required: require.resolve('daily-dialin/hold-music').split('/').slice(-2).join('/'),
  sharedErrors: music.ValidationError === root.ValidationError && musicCjs.ValidationError === require('daily-dialin').ValidationError,
  wasmSubpath: existsSync(fileURLToPath(import.meta.resolve('daily-dialin/hold-music/daily_dialin_hold_music_bg.wasm'))),
  refused: await music.checkHoldMusic('ftp://example.com/a.mp3'),
  badOptions: await musicCjs.checkHoldMusic('https://example.com/a.mp3', { timeoutMs: -1 }).catch((e) => e instanceof root.ValidationError),
};
console.log(JSON.stringify(out));
`;

before(() => {
  tmp = tempDir('node');
  ({ tarball, files } = pack(tmp.dir));
  dir = project(tmp.dir, 'consumer', tarball, { 'esm.mjs': ESM_SCRIPT, 'cjs.cjs': CJS_SCRIPT, 'subpaths.mjs': SUBPATH_SCRIPT });
});

after(() => tmp?.cleanup());

test('the tarball holds the entries of each module (root, core/, hold-music/, webhook/, configs/) and the error classes, nothing else', () => {
  const entries = (sub, wasm) =>
    ['glue.js', 'node.cjs', 'node.d.cts', 'node.d.mts', 'node.mjs', 'web.d.ts', 'web.js', 'workerd.js', wasm].map((f) => sub + f);
  assert.deepEqual(files, [
    ...entries('', 'daily_dialin_bg.wasm'),
    'client.js',
    ...entries('core/', 'daily_dialin_core_bg.wasm'),
    ...entries('hold-music/', 'daily_dialin_hold_music_bg.wasm'),
    ...entries('webhook/', 'daily_dialin_webhook_bg.wasm'),
    'webhook/verify.js',
    ...entries('configs/', 'daily_dialin_configs_bg.wasm'),
    'configs/upsert.js',
    'README.md',
    'apply.d.ts',
    'apply.js',
    'cli.mjs',
    'configs.schema.json',
    'docs/daily-api.md',
    'docs/emulator.md',
    'docs/examples/fetch-handler.mjs',
    'docs/examples/node-http.mjs',
    'docs/webhooks.md',
    'errors.cjs',
    'errors.d.cts',
    'errors.d.ts',
    'errors.js',
    // The Node entries' builds for speed and their fast path (scripts/build-pkg).
    'fast.js',
    'node/glue.js',
    'node/client.js',
    'node/daily_dialin_node_bg.wasm',
    'package.json',
  ].sort());
});

test('the emulator is its own package, daily-dialin-emulator, depending on this exact daily-dialin', () => {
  const emu = pack(tmp.dir, join(ROOT, 'emulator', 'pkg'));
  assert.deepEqual(emu.files, [
    'README.md',
    'audio/hold.mp3',
    'audio/not-mp3.mp3',
    'daily_dialin_emulator_bg.wasm',
    'emulator-cli.mjs',
    'emulator.d.mts',
    'emulator.mjs',
    'glue.js',
    'package.json',
  ]);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'emulator', 'pkg', 'package.json'), 'utf8'));
  const lib = JSON.parse(readFileSync(join(ROOT, 'pkg', 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'daily-dialin-emulator');
  assert.deepEqual(pkg.dependencies, { 'daily-dialin': lib.version });
  assert.deepEqual(pkg.bin, { 'daily-dialin-emulator': './emulator-cli.mjs' });
});

test('package.json: exports with types first, sideEffects, engines', () => {
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'daily-dialin', 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'daily-dialin');
  // The entries that load the module when imported have side effects (a bundler that dropped them
  // would leave the re-exported functions uninitialised); the browser entry has none.
  assert.deepEqual(pkg.sideEffects, ['', 'core/', 'hold-music/', 'webhook/', 'configs/'].flatMap((s) => [`./${s}node.mjs`, `./${s}node.cjs`, `./${s}workerd.js`]));
  assert.equal(pkg.engines.node, '>=20');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(Object.keys(pkg.exports), EXPORT_KEYS);
  for (const key of ['.', './core', './hold-music', './webhook', './configs']) {
    const entry = pkg.exports[key];
    assert.deepEqual(Object.keys(entry), ['workerd', 'node', 'default'], key);
    for (const leaf of [entry.workerd, entry.node.import, entry.node.require, entry.default]) {
      assert.equal(Object.keys(leaf)[0], 'types', JSON.stringify(leaf));
    }
  }
  assert.equal(pkg.exports['./core'].default.default, './core/web.js');
  assert.equal(pkg.exports['./webhook'].node.require.default, './webhook/node.cjs');
  assert.equal(pkg.exports['./core'].workerd.default, './core/workerd.js');
  assert.deepEqual(pkg.exports['./errors'], {
    import: { types: './errors.d.ts', default: './errors.js' },
    require: { types: './errors.d.cts', default: './errors.cjs' },
  });
  assert.equal(pkg.exports['./daily_dialin_bg.wasm'], './daily_dialin_bg.wasm');
  assert.equal(pkg.exports['./package.json'], './package.json');
});

test('Node ESM: import works with no init, errors are classes', () => {
  const out = JSON.parse(node(dir, ['esm.mjs']));
  assert.equal(out.resolved, 'node.mjs');
  assert.deepEqual(out.exports, EXPORTS);
  assert.equal(out.initResolves, true);
  assert.deepEqual(out.report, { ok: true, issues: [] });
  assert.deepEqual(out.request, {
    method: 'POST',
    url: 'https://api.daily.co/v1/domain-dialin-config',
    headers: { Authorization: 'Bearer sk_test_123', 'Content-Type': 'application/json' },
    body: JSON.stringify(PIN),
  });
  assert.equal(out.headersPlain, true);
  assert.match(out.curl, /Bearer \*\*\*/);
  assert.doesNotMatch(out.curl, /sk_test_123/);
  assert.equal(out.error.esmClass, true);
  assert.equal(out.error.cjsClass, true, 'instanceof works across the ESM and CJS copies');
  assert.equal(out.cjsErrorIsEsmClass, true);
  assert.equal(out.notAnError, false);
  assert.equal(out.error.name, 'ValidationError');
  assert.deepEqual(out.error.issues.map((i) => [i.path, i.code]), [['type', 'immutable_field']]);
  assert.deepEqual(Object.keys(out.error.json), ['name', 'message', 'issues']);
  assert.match(out.error.string, /^ValidationError: invalid update request: type cannot change/);
  assert.equal(out.error.stackHasName, true);
  for (const text of [out.error.message, out.error.string, JSON.stringify(out.error.json)]) {
    assert.doesNotMatch(text, /sk_test_123/);
  }
  assert.equal(out.wasmSubpath, true);
  assert.equal(out.pkgJson, 'daily-dialin');
});

test('Node: daily-dialin/core, daily-dialin/webhook and daily-dialin/hold-music through import and require', () => {
  const out = JSON.parse(node(dir, ['subpaths.mjs']));
  assert.deepEqual(out.core.esm, CORE_EXPORTS);
  assert.deepEqual(out.core.cjs, CORE_EXPORTS);
  assert.deepEqual(out.webhook.esm, WEBHOOK_EXPORTS);
  assert.deepEqual(out.webhook.cjs, WEBHOOK_EXPORTS);
  assert.equal(out.core.resolved, 'core/node.mjs');
  assert.equal(out.core.required, 'core/node.cjs');
  assert.equal(out.webhook.resolved, 'webhook/node.mjs');
  assert.equal(out.webhook.required, 'webhook/node.cjs');
  for (const m of [out.core, out.webhook]) {
    assert.equal(m.sharedErrors, true, 'one set of error classes for every entry');
    assert.equal(m.secret, true);
    assert.equal(m.wasmSubpath, true);
  }
  assert.equal(out.core.request.url, 'https://api.daily.co/v1/domain-dialin-config');
  assert.equal(out.core.request.body, JSON.stringify(PIN));
  assert.equal(out.core.errorIsRootClass, true);
  assert.deepEqual(out.webhook.verified.payload.callId, 'c-1');
  assert.deepEqual(out.webhook.rejected, { reason: 'signature_mismatch', isRootClass: true });
  assert.equal(out.webhook.cjsVerified, 'call');
  assert.deepEqual(out.music.esm, HOLD_MUSIC_EXPORTS);
  assert.deepEqual(out.music.cjs, HOLD_MUSIC_EXPORTS);
  assert.equal(out.music.resolved, 'hold-music/node.mjs');
  assert.equal(out.music.required, 'hold-music/node.cjs');
  assert.equal(out.music.sharedErrors, true, 'one set of error classes for every entry');
  assert.equal(out.music.wasmSubpath, true);
  assert.equal(out.music.refused.ok, false);
  assert.deepEqual(out.music.refused.issues.map((i) => i.code), ['invalid_url']);
  assert.equal(out.music.badOptions, true);
});

test('Node CJS: require works with no init', () => {
  const out = JSON.parse(node(dir, ['cjs.cjs']));
  assert.equal(out.resolved, 'node.cjs');
  assert.deepEqual(out.exports, EXPORTS);
  assert.equal(out.report.ok, false);
  assert.deepEqual(out.report.issues.map((i) => i.path), ['phone_number']);
  assert.equal(out.request.url, 'https://api.daily.co/v1/domain-dialin-config?limit=5');
  assert.equal(out.error.cls, true);
  assert.ok(out.error.codes.includes('required'));
  assert.equal(out.initResolves, true);
});
