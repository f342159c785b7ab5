// The packed tarball, installed into throw-away projects: what Node users get from
// `import` and `require` (no init step), and what the tarball contains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir, pack, project, node } from './helpers.mjs';

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
  'signPinlessWebhook',
  'toCurl',
  'validateCreate',
  'validateListQuery',
  'validateUpdate',
  'verifyPinlessWebhook',
];

// Runs in the consumer project; prints JSON facts that the tests assert on.
const ESM_SCRIPT = `
import * as dd from 'daily-dialin';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const cjs = require('daily-dialin');
const out = { exports: Object.keys(dd).filter((k) => !k.startsWith('__')).sort() };
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
const out = { exports: Object.keys(dd).filter((k) => !k.startsWith('__')).sort() };
out.resolved = require.resolve('daily-dialin').split('/').pop();
out.report = dd.validateCreate({ type: 'pin_dialin' });
out.request = dd.buildListRequest({ limit: 5 }, { apiKey: 'k' });
try { dd.buildCreateRequest({}, { apiKey: 'k' }); } catch (e) {
  out.error = { cls: e instanceof dd.ValidationError && e instanceof dd.DailyDialinError, codes: e.issues.map((i) => i.code) };
}
dd.init().then((v) => { out.initResolves = v === undefined; console.log(JSON.stringify(out)); });
`;

before(() => {
  tmp = tempDir('node');
  ({ tarball, files } = pack(tmp.dir));
  dir = project(tmp.dir, 'consumer', tarball, { 'esm.mjs': ESM_SCRIPT, 'cjs.cjs': CJS_SCRIPT });
});

after(() => tmp?.cleanup());

test('the tarball holds the entries, one browser wasm, the Node-only emulator, and nothing else', () => {
  const emulator = [
    'emulator-cli.mjs',
    'emulator.d.mts',
    'emulator.mjs',
    'emulator/daily_dialin_emulator.js',
    'emulator/daily_dialin_emulator_bg.wasm',
  ];
  assert.deepEqual(files, [
    ...emulator,
    'README.md',
    'daily_dialin_bg.wasm',
    'errors.cjs',
    'errors.d.cts',
    'errors.d.ts',
    'errors.js',
    'node.cjs',
    'node.d.cts',
    'node.d.mts',
    'node.mjs',
    'package.json',
    'web-glue.d.ts',
    'web-glue.js',
    'web.d.ts',
    'web.js',
  ].sort());
});

test('package.json: exports with types first, sideEffects, engines', () => {
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'daily-dialin', 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'daily-dialin');
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.engines.node, '>=20');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  const dot = pkg.exports['.'];
  assert.deepEqual(Object.keys(dot), ['node', 'default']);
  assert.deepEqual(Object.keys(pkg.exports).filter((k) => k !== './emulator'), ['.', './daily_dialin_bg.wasm', './package.json']);
  for (const leaf of [dot.node.import, dot.node.require, dot.default]) {
    assert.equal(Object.keys(leaf)[0], 'types', JSON.stringify(leaf));
  }
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
