#!/usr/bin/env node
// daily-dialin side by side with zod, valibot, ajv, raw fetch and node:crypto.
//
//   npm run bench                        # every section, about 1 minute on 2 cores
//   node bench/run.mjs --only size,cold  # some sections: size cold throughput batch request webhook browser persist
//   node bench/run.mjs --out FILE        # default bench/results/latest.json
//
// Measures the installed package (pkg/ packed with `npm pack` and installed into .tmp/consumer,
// as tests/js/installed.mjs does), never src/ or pkg/ directly. Every comparison runs both sides
// in the same process or the same run, in interleaved rounds, and reports medians and the median
// of per-round ratios (ours / peer). Nothing is fetched from the network.
import { execFileSync } from 'node:child_process';
import { goalsChart } from './chart.mjs';
import { mkdirSync, readFileSync, readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CONSUMER, dd, installedDir } from '../tests/js/installed.mjs';
import { CORPUS, COLD_BODY } from './corpus.mjs';
import { interleave, kb, median, nsPerOp, ratioOf, round, sizes, sumSizes, table } from './lib.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const SECTIONS = ['size', 'cold', 'throughput', 'batch', 'request', 'webhook', 'browser', 'persist'];
const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: SECTIONS.join(',') },
    out: { type: 'string', default: join(BENCH, 'results', 'latest.json') },
  },
});
const only = new Set(args.only.split(',').map((s) => s.trim()));
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; known: ${SECTIONS.join(', ')}`);

const m = await dd(); // installs the packed package into .tmp/consumer when pkg/ changed
const PEERS = ['zod', 'valibot', 'ajv'];
const peers = Object.fromEntries(
  await Promise.all(PEERS.map(async (n) => [n, await import(pathToFileURL(join(BENCH, 'peers', `${n}.mjs`)).href)])),
);
const log = (s = '') => console.log(s);
const heading = (s) => log(`\n== ${s}`);

// ---------------------------------------------------------------------------------------------
// 1. Size

async function sizeSection() {
  const esbuild = await import('esbuild');
  const bundle = async (options) => {
    const r = await esbuild.build({
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
      ...options,
    });
    return Buffer.from(r.outputFiles[0].contents);
  };
  const dir = installedDir();
  const file = (...names) => sumSizes(names.map((n) => sizes(readFileSync(join(dir, n)))));
  const browserFiles = ['web.js', 'glue.js', 'client.js', 'errors.js', 'daily_dialin_bg.wasm'];
  const perFile = Object.fromEntries(browserFiles.map((f) => [f, file(f)]));
  const shipped = sumSizes(Object.values(perFile));
  const tarball = readdirSync(CONSUMER).find((f) => /^daily-dialin-\d.*\.tgz$/.test(f));
  // What a bundler makes of the browser entry (JS minified; the .wasm stays a separate file).
  const ourJs = await bundle({
    stdin: {
      contents: "import { init, validateCreate } from 'daily-dialin'; await init(); globalThis.r = validateCreate({});",
      resolveDir: CONSUMER,
    },
  });
  // daily-dialin/core: validation and request building only (the 40 KB budget's module).
  const coreFiles = ['core/web.js', 'core/glue.js', 'errors.js', 'core/daily_dialin_core_bg.wasm'];
  const corePerFile = Object.fromEntries(coreFiles.map((f) => [f, file(f)]));
  const coreShipped = sumSizes(Object.values(corePerFile));
  const coreJs = await bundle({
    stdin: {
      contents: "import { init, validateCreate } from 'daily-dialin/core'; await init(); globalThis.r = validateCreate({});",
      resolveDir: CONSUMER,
    },
  });
  const rows = [
    { name: 'daily-dialin/core, as shipped (web.js + glue.js + errors.js + .wasm)', ...coreShipped },
    ...coreFiles.map((f) => ({ name: `  ${f}`, ...corePerFile[f] })),
    { name: 'daily-dialin/core, bundled by esbuild (minified JS + .wasm)', ...sumSizes([sizes(coreJs), corePerFile['core/daily_dialin_core_bg.wasm']]) },
    { name: 'daily-dialin (with the client), as shipped', ...shipped },
    ...browserFiles.map((f) => ({ name: `  ${f}`, ...perFile[f] })),
    { name: 'daily-dialin, bundled by esbuild (minified JS + .wasm)', ...sumSizes([sizes(ourJs), perFile['daily_dialin_bg.wasm']]) },
  ];
  for (const n of PEERS) rows.push({ name: `${n} schema, bundled by esbuild`, ...sizes(await bundle({ entryPoints: [join(BENCH, 'peers', `${n}.mjs`)] })) });
  rows.push({ name: '  (of which the shared regexes, bench/peers/rules.mjs)', ...sizes(await bundle({ entryPoints: [join(BENCH, 'peers', 'rules.mjs')] })) });
  const nodeOnly = [
    { name: 'Node only: daily-dialin-emulator (emulator.mjs + glue.js + .wasm)', ...file('../daily-dialin-emulator/emulator.mjs', '../daily-dialin-emulator/glue.js', '../daily-dialin-emulator/daily_dialin_emulator_bg.wasm') },
    { name: 'Node only: ESM entry node.mjs + errors.js (+ the same .wasm)', ...file('node.mjs', 'errors.js') },
  ];
  const pack = { file: tarball, bytes: statSync(join(CONSUMER, tarball)).size, note: 'npm pack output (.tgz, gzip)' };
  heading('1. Size (bytes; gzip -9, brotli q11)');
  log(table([['what', 'name', 'l'], ['raw', 'raw'], ['gzip', 'gzip'], ['brotli', 'brotli']], [...rows, ...nodeOnly]));
  log(`npm pack tarball ${pack.file}: ${pack.bytes} bytes (${kb(pack.bytes)}), everything the package ships`);
  return { browser: rows, node_only: nodeOnly, tarball: pack, shipped_browser_gzip: shipped.gzip, shipped_core_gzip: coreShipped.gzip, peer_gzip: Object.fromEntries(PEERS.map((n) => [n, rows.find((r) => r.name.startsWith(n)).gzip])) };
}

// ---------------------------------------------------------------------------------------------
// 2. Cold start: a fresh `node` process imports the validator and validates one create body.

async function coldSection() {
  const RUNS = 11;
  const child = (specifier) => `
    const t0 = performance.now();
    const m = await import(${JSON.stringify(specifier)});
    const t1 = performance.now();
    const r = (m.validateCreate ?? m.validate)(${JSON.stringify(COLD_BODY)});
    const t2 = performance.now();
    if (!(m.ok ? m.ok(r) : r.ok)) throw new Error('the first validation refused a valid body');
    process.stdout.write(JSON.stringify({ boot: t0, import: t1 - t0, first: t2 - t1 }));`;
  const spawn = (cwd, code) => () => {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    return { wall, ...(out ? JSON.parse(out) : {}) };
  };
  const runs = [
    ['node, empty script', spawn(ROOT, '')],
    ['daily-dialin', spawn(CONSUMER, child('daily-dialin'))],
    ...PEERS.map((n) => [n, spawn(ROOT, child(pathToFileURL(join(BENCH, 'peers', `${n}.mjs`)).href))]),
  ];
  const details = Object.fromEntries(runs.map(([n]) => [n, []]));
  // interleave() wants numbers: keep the details aside and rank by wall time.
  const samples = await interleave(
    runs.map(([n, f]) => [n, () => { const r = f(); details[n].push(r); return r.wall; }]),
    RUNS,
  );
  const rows = runs.map(([name]) => {
    const d = details[name];
    const inProcess = d.map((r) => (r.import ?? 0) + (r.first ?? 0));
    return {
      name,
      wall_ms: round(median(samples[name]), 1),
      import_ms: round(median(d.map((r) => r.import ?? 0)), 1),
      first_ms: round(median(d.map((r) => r.first ?? 0)), 2),
      import_first_ms: round(median(inProcess), 1),
    };
  });
  const per = (n) => details[n].map((r) => r.import + r.first);
  const inProcess = Object.fromEntries(PEERS.concat('daily-dialin').map((n) => [n, per(n)]));
  const ratios = Object.fromEntries(['zod', 'ajv', 'valibot'].map((p) => [p, round(ratioOf(inProcess, 'daily-dialin', p).median)]));
  heading(`2. Cold start in Node (fresh process, median of ${RUNS} interleaved runs, ms)`);
  log(table([['', 'name', 'l'], ['import', 'import_ms'], ['1st validation', 'first_ms'], ['import+1st', 'import_first_ms'], ['process wall', 'wall_ms']], rows));
  log(`ours / peer (import + first validation): ${Object.entries(ratios).map(([p, r]) => `${p} ${r}`).join(', ')}`);
  return { runs: RUNS, rows, ratio_ours_over_peer: ratios };
}

// ---------------------------------------------------------------------------------------------
// 3. Validation throughput on the fixed corpus.

const validators = {
  'daily-dialin': (b) => m.validateCreate(b).ok,
  ...Object.fromEntries(PEERS.map((n) => [n, (b) => peers[n].ok(peers[n].validate(b))])),
};

/** Checks every verdict; returns the corpus entries where a peer disagrees with daily-dialin. */
function checkVerdicts() {
  const disagree = {};
  for (const c of CORPUS) {
    if (validators['daily-dialin'](c.body) !== c.ok) throw new Error(`daily-dialin's verdict on "${c.name}" is not ${c.ok}`);
    for (const n of PEERS) if (validators[n](c.body) !== c.ok) (disagree[n] ??= []).push(c.name);
  }
  return disagree;
}

/** A timed run of `fn` over `bodies`, repeated so that one run lasts about `ms`; ns per body. */
function calibrated(fn, bodies, ms = 50) {
  const pass = () => {
    let n = 0;
    for (const b of bodies) if (fn(b)) n++;
    return n;
  };
  const t0 = performance.now();
  let passes = 0;
  while (performance.now() - t0 < 200) (pass(), passes++); // warm-up
  const per = (performance.now() - t0) / passes;
  const count = Math.max(1, Math.round(ms / per));
  const expected = pass();
  return () => {
    let n = 0;
    const t = process.hrtime.bigint();
    for (let i = 0; i < count; i++) n += pass();
    const ns = Number(process.hrtime.bigint() - t) / (count * bodies.length);
    if (n !== expected * count) throw new Error('verdicts changed during timing');
    return ns;
  };
}

async function throughputSection() {
  const disagree = checkVerdicts();
  const sets = {
    [`all ${CORPUS.length} bodies`]: [CORPUS.map((c) => c.body), 21],
    valid: [CORPUS.filter((c) => c.ok).map((c) => c.body), 11],
    invalid: [CORPUS.filter((c) => !c.ok).map((c) => c.body), 11],
  };
  const out = {};
  heading('3. Validation throughput (validations/s, median of interleaved rounds; ratio = ours / peer ops/s)');
  for (const [set, [bodies, rounds]] of Object.entries(sets)) {
    const contenders = Object.entries(validators).map(([n, f]) => [n, calibrated(f, bodies)]);
    const samples = await interleave(contenders, rounds);
    const rows = contenders.map(([name]) => {
      const ns = median(samples[name]);
      // ops/s ratio ours/peer = peer ns / ours ns.
      const r = name === 'daily-dialin' ? null : ratioOf(samples, name, 'daily-dialin');
      return { name, ops_per_s: Math.round(1e9 / ns), ns_per_op: Math.round(ns), ours_over_peer: r && round(r.median, 2), min: r && round(r.min, 2), max: r && round(r.max, 2) };
    });
    out[set] = { bodies: bodies.length, rounds, rows };
    log(`-- ${set} (${bodies.length} bodies, ${rounds} rounds)`);
    log(table([['', 'name', 'l'], ['ops/s', 'ops_per_s'], ['ns/op', 'ns_per_op'], ['ours/peer', 'ours_over_peer'], ['min', 'min'], ['max', 'max']], rows));
  }
  const agree = PEERS.map((n) => `${n} ${CORPUS.length - (disagree[n]?.length ?? 0)}/${CORPUS.length}`).join(', ');
  log(`verdicts equal to daily-dialin's: ${agree}${Object.keys(disagree).length ? ` (differ: ${JSON.stringify(disagree)})` : ''}`);
  return { sets: out, verdicts_differ: disagree };
}

// ---------------------------------------------------------------------------------------------
// 3b. Would a batch entry help? What one call costs at the floor, and what the JSON path costs.

async function batchSection() {
  const bodies = CORPUS.map((c) => c.body);
  const n = bodies.length;
  const encoder = new TextEncoder();
  const buf = new Uint8Array(1 << 20);
  let sink = 0;
  const perBody = (f, count = 400) => () => nsPerOp(f, count) / n;
  const contenders = [
    ['validateCreate(body), per body', perBody(() => { for (const b of bodies) sink += m.validateCreate(b).issues.length; })],
    ['validateListQuery(undefined): the floor of one call', () => nsPerOp(() => { sink += m.validateListQuery(undefined).issues.length; }, 100000)],
    ['JSON.stringify(body), per body', perBody(() => { for (const b of bodies) sink += JSON.stringify(b).length; })],
    ['JSON.stringify(bodies) once, per body', perBody(() => { sink += JSON.stringify(bodies).length; })],
    ['JSON.stringify(bodies) + TextEncoder.encodeInto, per body', perBody(() => { sink += encoder.encodeInto(JSON.stringify(bodies), buf).written; })],
    ['JSON.parse of 60 reports (returning JSON), per body', (() => {
      const reports = JSON.stringify(bodies.map((b) => m.validateCreate(b)));
      return perBody(() => { sink += JSON.parse(reports).length; });
    })()],
  ];
  for (const [, f] of contenders) f(); // warm-up
  const samples = await interleave(contenders, 9);
  const rows = contenders.map(([name]) => ({ name, ns: Math.round(median(samples[name])) }));
  const [loop, floor, , once, encoded, parse] = rows.map((r) => r.ns);
  const estimate = {
    per_body_now_ns: loop,
    call_floor_ns: floor,
    max_saving_per_body_ns: floor,
    max_saving_share: round(floor / loop, 3),
    batch_js_side_per_body_ns: encoded + parse,
  };
  heading('3b. Batch entry prototype (ns per body, median of 9 interleaved rounds)');
  log(table([['', 'name', 'l'], ['ns', 'ns']], rows));
  log(
    `a batch entry saves at most the per-call floor (${floor} ns of ${loop} ns per body, ${(100 * estimate.max_saving_share).toFixed(0)}%), ` +
      `but a JSON-string batch costs ${encoded + parse} ns per body on the JS side alone (stringify + copy + parse of the answer; ${once} ns of it is stringify)`,
  );
  if (sink === -1) log(); // keeps the results alive
  return { rows, estimate };
}

// ---------------------------------------------------------------------------------------------
// 4. Request overhead: client.create vs a raw fetch of the same request, to the same emulator.

async function requestSection() {
  const N = 300;
  const ROUNDS = 11;
  const KEY = 'bench-api-key';
  const emu = await m.startEmulator({ rateLimit: null });
  try {
    const client = new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url });
    const bodies = Array.from({ length: N }, (_, i) => ({ type: 'pin_dialin', phone_number: `+1209${5550000 + i}`, name_prefix: 'bench' }));
    const { url, headers } = m.buildCreateRequest(bodies[0], { apiKey: KEY, baseUrl: emu.url });
    const raw = async (body) => {
      const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      const config = await r.json();
      if (r.status !== 200 || !config.id) throw new Error(`raw fetch: HTTP ${r.status}`);
      return config;
    };
    // The least a client with a per-attempt timeout can do, in plain JS, as client.js does it:
    // `fetch(url, init)` with an AbortController's signal, a timer that aborts it, the body read
    // as text and parsed. What client.create costs over this is the package's own work (wasm
    // request building and validation, the retry loop, the private fields).
    const likeClient = async (body) => {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 30000);
      try {
        const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ctl.signal });
        const config = JSON.parse(await r.text());
        if (r.status !== 200 || !config.id) throw new Error(`raw fetch: HTTP ${r.status}`);
        return config;
      } finally {
        clearTimeout(timer);
      }
    };
    const viaClient = async (body) => {
      const config = await client.create(body);
      if (!config.id) throw new Error('client.create returned no id');
      return config;
    };
    const sequential = (f) => async () => {
      const t0 = performance.now();
      for (const b of bodies) await f(b);
      return ((performance.now() - t0) * 1000) / N;
    };
    const concurrent = (f, width = 16) => async () => {
      let next = 0;
      const worker = async () => {
        while (next < N) await f(bodies[next++]);
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: width }, worker));
      return ((performance.now() - t0) * 1000) / N;
    };
    const out = {};
    heading(`4. Request overhead (µs per create, ${N} creates per run, emulator reset before each run, median of ${ROUNDS} rounds)`);
    for (const [mode, wrap] of [['sequential', sequential], ['16 concurrent', concurrent]]) {
      const LIKE = 'fetch + abortable timeout, in JS';
      const contenders = [['client.create', wrap(viaClient)], ['raw fetch(url, init)', wrap(raw)], [LIKE, wrap(likeClient)]];
      for (const [, run] of contenders) {
        await emu.reset();
        await run(); // warm-up of every path and of the server
      }
      const samples = await interleave(contenders, ROUNDS, () => emu.reset());
      const r = ratioOf(samples, 'client.create', 'raw fetch(url, init)');
      const own = ratioOf(samples, 'client.create', LIKE);
      const rows = contenders.map(([name]) => ({
        name,
        us_per_request: round(median(samples[name]), 1),
        req_per_s: Math.round(1e6 / median(samples[name])),
        over_raw: round(ratioOf(samples, name, 'raw fetch(url, init)').median, 2),
      }));
      out[mode] = { rows, ratio: round(r.median), ratio_min: round(r.min), ratio_max: round(r.max), ratio_over_like_client: round(own.median) };
      log(`-- ${mode}`);
      log(table([['', 'name', 'l'], ['µs/request', 'us_per_request'], ['req/s', 'req_per_s'], ['/ raw fetch', 'over_raw']], rows));
      log(`ratio client / raw fetch: ${out[mode].ratio} (min ${out[mode].ratio_min}, max ${out[mode].ratio_max}); client / the same steps in JS: ${out[mode].ratio_over_like_client}`);
    }
    return { n: N, rounds: ROUNDS, ...out };
  } finally {
    await emu.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Webhook verification (bench/webhook.mjs).

async function webhookSection() {
  const script = join(BENCH, 'webhook.mjs');
  const out = join(BENCH, 'results', 'latest-webhook.json'); // (webhook.json is bench/webhook.mjs's own default)
  mkdirSync(dirname(out), { recursive: true });
  heading(`5. Webhook verification (${relative(ROOT, script)})`);
  const text = execFileSync(process.execPath, [script, '--rounds', '31', '--batch', '20000', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  log(text.trimEnd());
  const result = JSON.parse(readFileSync(out, 'utf8'));
  return { script: relative(ROOT, script), ...result };
}

// ---------------------------------------------------------------------------------------------
// 6. Browser: the admin page's time to interactive in headless Chromium.

async function browserSection() {
  const N = 5;
  const { startDevServer } = await import('../www/server.mjs');
  const { launchChromium } = await import('../tests/js/helpers.mjs');
  const dev = await startDevServer({ port: 0, pkgDir: installedDir() });
  const browser = await launchChromium();
  // The page sets <body data-ready="true"> once init() resolved, /demo/info answered and the forms
  // are built. It fetches /demo/info right after `await init()`, so that request's start time is
  // the moment the WASM module was ready.
  const marks = async (page) => {
    await page.waitForFunction(() => window.__benchReady !== undefined, null, { timeout: 60000 });
    return page.evaluate(() => {
      const res = performance.getEntriesByType('resource');
      const wasm = res.find((r) => r.name.endsWith('.wasm'));
      const info = res.find((r) => r.name.includes('/demo/info'));
      const nav = performance.getEntriesByType('navigation')[0];
      return { dom_content_loaded: nav.domContentLoadedEventEnd, wasm_loaded: wasm.responseEnd, wasm_ready: info.startTime, interactive: window.__benchReady };
    });
  };
  const samples = { cold: [], warm: [] };
  try {
    for (let i = 0; i < N; i++) {
      const context = await browser.newContext(); // empty cache: a first visit
      const page = await context.newPage();
      await page.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.body?.dataset.ready === 'true') {
            window.__benchReady = performance.now();
            observer.disconnect();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
      });
      await page.goto(dev.url);
      samples.cold.push(await marks(page));
      await page.reload(); // a second visit: HTTP cache (and V8's code cache) warm
      samples.warm.push(await marks(page));
      await context.close();
    }
  } finally {
    await browser.close();
    await dev.close();
  }
  const keys = ['dom_content_loaded', 'wasm_loaded', 'wasm_ready', 'interactive'];
  const rows = Object.entries(samples).map(([name, s]) => ({ name, ...Object.fromEntries(keys.map((k) => [k, round(median(s.map((x) => x[k])), 1)])) }));
  heading(`6. Browser: admin page in headless Chromium (ms from navigation start, median of ${N} loads)`);
  log(table([['visit', 'name', 'l'], ['DOMContentLoaded', 'dom_content_loaded'], ['.wasm loaded', 'wasm_loaded'], ['WASM ready', 'wasm_ready'], ['interactive', 'interactive']], rows));
  return { loads: N, rows, marker: 'body[data-ready=true] (interactive); start of the /demo/info request that follows `await init()` (WASM ready)' };
}

// ---------------------------------------------------------------------------------------------

function machine() {
  const sh = (cmd, a) => {
    try {
      return execFileSync(cmd, a, { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? null,
    lscpu: sh('lscpu', [])?.split('\n').slice(0, 10),
    node: process.version,
    os: release(),
    commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    package_version: JSON.parse(readFileSync(join(installedDir(), 'package.json'), 'utf8')).version,
  };
}

const started = performance.now();
// 7. The emulator's data file: creates/s at 10 and at 10,000 configs (bench/emulator-persist.mjs).
async function persistSection() {
  heading('Emulator --data: creates/s at 10 and 10,000 configs');
  const { persistBench } = await import('./emulator-persist.mjs');
  return persistBench({ log });
}

const runners = { size: sizeSection, cold: coldSection, throughput: throughputSection, batch: batchSection, request: requestSection, webhook: webhookSection, browser: browserSection, persist: persistSection };
const results = {};
for (const s of SECTIONS) if (only.has(s)) results[s] = await runners[s]();

// Goals (bench/README.md), as ratios ours / peer, and the browser entries' sizes.
const goals = [];
const goal = (what, value, target, better, unit = 'ratio') => goals.push({ goal: what, value: value == null ? null : round(value, 3), target, better, unit, met: value == null ? null : better === 'low' ? value <= target : value >= target });
const tp = results.throughput?.sets[`all ${CORPUS.length} bodies`]?.rows;
goal('validation throughput ours/zod (ops/s)', tp?.find((r) => r.name === 'zod').ours_over_peer, 1, 'high');
goal('cold start ours/valibot (import + 1st validation)', results.cold?.ratio_ours_over_peer.valibot, 1, 'low');
goal('client overhead ours/raw fetch, sequential', results.request?.sequential.ratio, 1.1, 'low');
goal('client overhead ours/raw fetch, 16 concurrent', results.request?.['16 concurrent'].ratio, 1.1, 'low');
goal('webhook verify ours/node:crypto (time)', results.webhook?.ratio_ours_over_node, 2, 'low');
goal('emulator --data creates/s at 10,000 / at 10 configs', results.persist?.ratio, 0.8, 'high');
goal('daily-dialin (validation + client) as shipped, gzip KiB', results.size && results.size.shipped_browser_gzip / 1024, 55, 'low', 'KiB');
goal('daily-dialin/core (validation + request building) as shipped, gzip KiB', results.size && results.size.shipped_core_gzip / 1024, 40, 'low', 'KiB');
// The figures before the performance issue, printed beside each goal (bench/before.json).
const before = JSON.parse(readFileSync(join(BENCH, 'before.json'), 'utf8')).values;
for (const g of goals) g.before = before[g.goal] ?? null;
heading('Goals (ours / peer)');
log(table([['goal', 'goal', 'l'], ['before', (g) => `${g.before ?? ''}`], ['value', 'value'], ['target', (g) => `${g.met === null ? '' : g.target}`], ['', (g) => (g.met === null ? 'not run' : g.met ? 'met' : 'MISSED')]], goals));

const seconds = round((performance.now() - started) / 1000, 1);
const report = { date: new Date().toISOString(), seconds, machine: machine(), ...results, goals };
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
const chart = join(dirname(args.out), 'goals.svg');
writeFileSync(chart, goalsChart(goals, report.date));
log(`chart of the goals: ${relative(process.cwd(), chart)}`);
log(`\n${seconds} s; wrote ${relative(process.cwd(), args.out)}`);
