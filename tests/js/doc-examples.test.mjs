// Every code block of the READMEs (the repository's, and the two npm packages') and of docs/*.md,
// run or checked against the packed packages as installed in .tmp/consumer. A doc change that
// breaks an example fails here.
//
// What happens to a block is decided by its language, or by a directive in an HTML comment on the
// line before it (invisible when rendered):
//   js, mjs           run as an ES module with Node (30 s at most; exit code 0 expected), inside the
//                     consumer project, with DAILY_API_KEY and DAILY_PINLESS_HMAC set and requests
//                     to https://api.daily.co/ sent to a local emulator (doc-shim.mjs)
//   ts                type-checked with `tsc --strict` (module nodenext), all blocks at once
//   json              parsed
//   <!-- doc: continues -->           appended to the block before it (same file), run together
//   <!-- doc: output -->              what the block before it prints (stdout, exactly, trimmed)
//   <!-- doc: fetch-handler -->       a module whose default export is { fetch(request, env) }:
//                                     a signed webhook must get 200, a forged one 401
//   <!-- doc: server POST PATH -->    a program that listens on process.env.PORT: a webhook signed
//                                     with DAILY_PINLESS_HMAC must get 200, a forged one 401
//   <!-- doc: from docs/examples/F --> the block is an excerpt of F, which its own suite runs
//   <!-- doc: run -->                 a shell block, run with bash in the consumer project, its
//                                     node processes shimmed like the JS examples, on an emptied
//                                     emulator (an output block may follow)
//   <!-- doc: fragment: REASON -->    not run; the reason is required
// Any other block (sh, http, html, ...) without a directive fails the suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dd, CONSUMER, ROOT } from './installed.mjs';

const DOCS = [
  'README.md',
  'pkg-template/README.md',
  'emulator/pkg-template/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const RUN = new Set(['js', 'mjs', 'javascript']);
const KEY = 'sk_test_docs';

/** The fenced blocks of a Markdown file, with the directive before each. */
export function blocks(file, markdown) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    let prev = start - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const directive = prev >= 0 ? /^<!-- doc: (.*?) -->$/.exec(lines[prev].trim())?.[1] : undefined;
    out.push({ file, line: start + 1, lang: open[1], code: body.join('\n') + '\n', directive });
  }
  return out;
}

/** Blocks grouped into what is run or checked: continuations merged into the block before them. */
function units() {
  const out = [];
  for (const file of DOCS) {
    for (const b of blocks(file, readFileSync(join(ROOT, file), 'utf8'))) {
      if (b.directive === 'output') {
        const last = out.at(-1);
        if (!last || last.file !== file || !(RUN.has(last.lang) || last.directive === 'run')) throw new Error(`${file}:${b.line}: "output" follows no runnable block`);
        last.expected = b.code;
        continue;
      }
      if (b.directive === 'continues') {
        const last = out.at(-1);
        if (!last || last.file !== file) throw new Error(`${file}:${b.line}: "continues" has no block before it`);
        last.code += b.code;
        last.lines.push(b.line);
        continue;
      }
      out.push({ ...b, lines: [b.line] });
    }
  }
  return out;
}

const ALL = units();
let dir, emu, m, secret;
const counts = { run: 0, server: 0, typeChecked: 0, parsed: 0, excerpt: 0, shell: 0, fragment: 0 };

before(async () => {
  m = await dd();
  secret = m.generateHmacSecret();
  dir = join(CONSUMER, `docs-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Webhook deliveries of the emulator (the examples' public room_creation_api hosts) fail at once
  // instead of waiting for DNS: there is no network here.
  const offline = (_host, _opts, cb) => cb(Object.assign(new Error('no network in the doc tests'), { code: 'ENOTFOUND' }));
  emu = await m.startEmulator({ rateLimit: false, lookup: offline });
});

after(async () => {
  await emu?.close();
  if (dir && !process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  console.log(`doc examples: ${JSON.stringify(counts)} (${ALL.length} units)`);
});

const name = (u) => `${u.file}:${u.lines.join('+')}`;
const fileFor = (u, ext) => join(dir, `${u.file.replace(/[/.]/g, '_')}_${u.line}.${ext}`);

function env() {
  return { ...process.env, DAILY_API_KEY: KEY, DAILY_PINLESS_HMAC: secret, DOCS_EMULATOR_URL: emu.url, NO_COLOR: '1' };
}

/** Runs `node --import shim file`, resolving to its stdout; rejects with its output on failure or timeout. */
function runNode(file, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(ROOT, 'tests/js/doc-shim.mjs')).href, file], { cwd: dir, env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`exit ${code ?? signal}${signal === 'SIGKILL' ? ` (still running after ${timeoutMs} ms)` : ''}:\n${stdout}${stderr}`));
    });
    child.stdin.end();
  });
}

/** A signed, a forged and an unsigned webhook; `send(body, headers)` resolves to a Response. */
async function checkWebhooks(send, where) {
  const body = JSON.stringify({ To: '+12095551234', From: '+12095550000', callId: 'doc-call', callDomain: 'doc-domain' });
  const signed = await send(body, m.signPinlessWebhook({ body, secret }));
  assert.equal(signed.status, 200, `a signed webhook ${where()}`);
  const test = await send('{"Test":"test"}', m.signPinlessWebhook({ body: '{"Test":"test"}', secret }));
  assert.equal(test.status, 200, `the signed test ping ${where()}`);
  const forged = await send(body, m.signPinlessWebhook({ body, secret: m.generateHmacSecret() }));
  assert.equal(forged.status, 401, `a forged webhook ${where()}`);
  const bare = await send(body, { 'Content-Type': 'application/json' });
  assert.equal(bare.status, 401, `a webhook without signature headers ${where()}`);
}

async function freePort() {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function runServer(u, method, path) {
  const file = fileFor(u, 'mjs');
  writeFileSync(file, u.code);
  const port = await freePort();
  const child = spawn(process.execPath, [file], { cwd: dir, env: { ...env(), PORT: String(port) } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const url = `http://127.0.0.1:${port}${path}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(url, { method: 'OPTIONS' }).then(() => true, () => false)) break;
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${out}`);
    }
    await checkWebhooks((body, headers) => fetch(url, { method, body, headers }), () => `(server output: ${out})`);
  } finally {
    child.kill();
    await exited;
  }
}

for (const u of ALL) {
  const d = u.directive;
  if (d?.startsWith('fragment')) {
    test(`${name(u)} (${u.lang}) is a fragment with a reason`, () => {
      assert.match(d, /^fragment: \S.{8,}/, 'a fragment says why it is not run');
      counts.fragment++;
    });
  } else if (d?.startsWith('from ')) {
    test(`${name(u)} is an excerpt of ${d.slice(5)}`, () => {
      const source = readFileSync(join(ROOT, d.slice(5)), 'utf8');
      assert.ok(source.includes(u.code.trimEnd()), `the block is not in ${d.slice(5)} as written`);
      counts.excerpt++;
    });
  } else if (d?.startsWith('server ')) {
    const [, method, path] = d.split(' ');
    test(`${name(u)}: the server answers a signed webhook 200 and a forged one 401`, async () => {
      await runServer(u, method, path);
      counts.server++;
    });
  } else if (d === 'fetch-handler') {
    test(`${name(u)}: the fetch handler answers a signed webhook 200 and a forged one 401`, async () => {
      const file = fileFor(u, 'mjs');
      writeFileSync(file, u.code);
      const handler = (await import(pathToFileURL(file).href)).default;
      const env = { DAILY_PINLESS_HMAC: secret };
      await checkWebhooks((body, headers) => handler.fetch(new Request('http://127.0.0.1/dialin', { method: 'POST', body, headers }), env), () => '');
      counts.server++;
    });
  } else if (d === 'run') {
    test(`${name(u)} (${u.lang}) runs`, async () => {
      assert.ok(['sh', 'bash', 'shell'].includes(u.lang), 'run is for shell blocks');
      const bin = join(CONSUMER, 'node_modules', '.bin');
      // The commands of a shell example (the `daily-dialin` CLI) talk to api.daily.co: node loads
      // the same shim as the JS examples, and each shell example starts from an empty emulator,
      // so that what it prints does not depend on the examples before it.
      await emu.reset();
      const shim = pathToFileURL(join(ROOT, 'tests/js/doc-shim.mjs')).href;
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', u.code], {
        cwd: dir,
        env: { ...env(), PATH: `${bin}:${process.env.PATH}`, NODE_OPTIONS: `--import=${shim}` },
        timeout: 60_000,
      });
      if (u.expected !== undefined) assert.equal(stdout.trim(), u.expected.trim(), 'what the example prints (the output block after it)');
      counts.shell++;
    });
  } else if (d !== undefined) {
    test(`${name(u)}: known directive`, () => assert.fail(`unknown directive "${d}"`));
  } else if (RUN.has(u.lang)) {
    test(`${name(u)} (${u.lang}) runs`, async () => {
      const file = fileFor(u, 'mjs');
      writeFileSync(file, u.code);
      const stdout = await runNode(file);
      if (u.expected !== undefined) assert.equal(stdout.trim(), u.expected.trim(), 'what the example prints (the output block after it)');
      counts.run++;
    });
  } else if (u.lang === 'json') {
    test(`${name(u)} (json) parses`, () => {
      JSON.parse(u.code);
      counts.parsed++;
    });
  } else if (u.lang !== 'ts' && u.lang !== 'typescript') {
    test(`${name(u)} (${u.lang || 'no language'}) is run, checked or marked`, () => {
      assert.fail('mark it <!-- doc: fragment: why --> or <!-- doc: run --> (see tests/js/doc-examples.test.mjs)');
    });
  }
}

const typed = ALL.filter((u) => u.directive === undefined && (u.lang === 'ts' || u.lang === 'typescript'));
if (typed.length > 0) {
  test(`the ${typed.length} TypeScript blocks type-check with tsc --strict`, async () => {
    const tsDir = join(dir, 'ts');
    mkdirSync(tsDir, { recursive: true });
    const files = typed.map((u) => {
      const f = fileFor(u, 'mts').replace(dir, tsDir);
      writeFileSync(f, u.code);
      return relative(tsDir, f);
    });
    writeFileSync(
      join(tsDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: false },
        files,
      }),
    );
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', tsDir], { cwd: tsDir }).catch((e) => {
      throw new Error(`tsc:\n${e.stdout}${e.stderr}`);
    });
    counts.typeChecked += typed.length;
  });
}
