// Shared helpers of the packaging tests: pack pkg/ like `npm publish` would, install the tarball
// into throw-away projects, serve folders on 127.0.0.1, and drive Debian's Chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, extname, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKG = join(ROOT, 'pkg');
export const BIN = join(ROOT, 'node_modules', '.bin');

/** The package's exports map keys, in order: the entries, the error classes, the .wasm files, the configs file's JSON Schema, package.json. */
export const EXPORT_KEYS = [
  '.',
  './core',
  './hold-music',
  './webhook',
  './configs',
  './apply',
  './errors',
  './daily_dialin_bg.wasm',
  './core/daily_dialin_core_bg.wasm',
  './hold-music/daily_dialin_hold_music_bg.wasm',
  './webhook/daily_dialin_webhook_bg.wasm',
  './configs/daily_dialin_configs_bg.wasm',
  './configs.schema.json',
  './package.json',
];

const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh temp dir, removed by the returned cleanup unless KEEP_TMP is set. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `daily-dialin-${prefix}-`));
  const cleanup = () => {
    if (!process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  };
  return { dir, cleanup };
}

/** `npm pack` of pkg/ (or another built package folder) into `dest`; returns the tarball path and npm's file list. */
export function pack(dest, from = PKG) {
  if (!existsSync(join(from, 'package.json'))) throw new Error(`${from} is missing: run scripts/build-pkg`);
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest], from));
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path).sort() };
}

/**
 * A throw-away project with `files` written into it and the packed tarball installed offline
 * (the package has no dependencies, so nothing is fetched).
 */
export function project(root, name, tarball, files = {}) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, version: '0.0.0', type: 'module' }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], dir);
  return dir;
}

/** Runs a node script in `cwd`; returns stdout (throws with stderr on failure). */
export function node(cwd, args) {
  try {
    return run(process.execPath, args, cwd);
  } catch (e) {
    throw new Error(`node ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

/** Runs a tool from the root node_modules/.bin in `cwd`; returns { code, out }. */
export function tool(name, args, cwd) {
  try {
    return { code: 0, out: run(join(BIN, name), args, cwd) };
  } catch (e) {
    return { code: e.status ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Serves `dir` on 127.0.0.1 (random port), with `headers` added to every answer. Returns
 * { url, close, requests }.
 */
export async function serve(dir, { headers = {} } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    let file = normalize(join(dir, path));
    if (!file.startsWith(normalize(dir + sep)) && file !== normalize(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Debian Chromium through playwright-core (no browser download); `extraArgs` add flags. */
export async function launchChromium(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * Opens `url` and waits until the page sets `window.__result` or `window.__error`; fails early on
 * an uncaught page error or a failed (>= 400) response. Returns { result, error, errors, page }
 * details; console errors are collected in `errors`.
 */
export async function pageResult(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  let fail;
  const failed = new Promise((_, reject) => {
    fail = reject;
  });
  page.on('pageerror', (e) => fail(new Error(`uncaught error in the page: ${e.message}`)));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) fail(new Error(`HTTP ${r.status()} for ${r.url()}`));
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Every URL the page fetched, for tests of what an entry downloads.
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  try {
    await Promise.race([page.goto(url, { timeout: 0 }), failed]);
    await Promise.race([
      page.waitForFunction(() => window.__result !== undefined || window.__error !== undefined, null, { timeout: 0 }),
      failed,
    ]);
    const { result, error } = await page.evaluate(() => ({ result: window.__result, error: window.__error }));
    return { result, error, errors, requested };
  } finally {
    failed.catch(() => {});
    await page.close();
  }
}

/** A small seeded PRNG (mulberry32): the same seed draws the same numbers in [0, 1). */
/**
 * The file URL of the glue that a Node entry (a module's node.mjs, by path) loads, as it imports
 * it: glue.js, node/glue.js (the module built for speed), or ../node/glue.js (daily-dialin/core,
 * which loads the root's). Its `__memoryBytes` is the leak tests' probe of that instance.
 */
export function entryGlueUrl(entryPath) {
  const entry = pathToFileURL(entryPath);
  const from = /^import \{ initSync as initGlue[^}]*\} from '([^']+glue\.js)';$/m.exec(readFileSync(entry, 'utf8'))?.[1];
  if (!from) throw new Error(`${entry.href} imports no glue these tests recognise`);
  return new URL(from, entry).href;
}

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
