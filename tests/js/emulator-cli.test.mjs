// The emulator as a process, from the installed package: the daily-dialin-emulator CLI (and its
// npm bin), --port 0, flags and their errors, --data persistence through SIGKILL in the middle of a
// stream of creates, clear startup errors for a bad data file, and close() leaving nothing open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dd, installedEmulatorDir, CONSUMER } from './installed.mjs';
import { tempDir } from './helpers.mjs';
import { KEY, CFG, client, idsOnDisk, pinState } from './emulator-helpers.mjs';

const LISTENING = /^daily-dialin emulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/;
let m;
let CLI;
let BIN;
let tmp;

before(async () => {
  m = await dd();
  CLI = join(installedEmulatorDir(), 'emulator-cli.mjs');
  BIN = join(CONSUMER, 'node_modules', '.bin', 'daily-dialin-emulator');
  tmp = tempDir('emulator-cli');
});
after(() => tmp.cleanup());

/** Spawns the CLI: { child, exited (resolves to { code, signal, stdout, stderr }), out() }. */
function spawnCli(args, { bin = false } = {}) {
  const child = bin ? spawn(BIN, args) : spawn(process.execPath, [CLI, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited, out: () => ({ stdout, stderr }) };
}

/** Runs the CLI to its end; resolves to { code, signal, stdout, stderr }. */
const run = (args) => spawnCli(args).exited;

/** Starts the CLI and resolves once it printed its URL: { child, url, origin, port, exited }. */
function start(args, opts) {
  const { child, exited, out } = spawnCli(args, opts);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const { stdout } = out();
      if (!stdout.includes('\n')) return;
      const line = stdout.split('\n')[0];
      const match = LISTENING.exec(line);
      if (!match) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line ${JSON.stringify(line)}`));
        return;
      }
      const url = match[1];
      resolve({ child, url, origin: url.slice(0, -3), port: Number(match[2]), exited });
    });
    exited.then(({ code, stderr }) => reject(new Error(`the emulator exited (${code}) before listening: ${stderr}`)));
  });
}

const noStack = (text) => assert.doesNotMatch(text, /\n\s+at /, `no stack trace expected:\n${text}`);

test('--port 0 prints the real URL; --api-key is enforced; SIGTERM stops it cleanly', async () => {
  const emu = await start(['--port', '0', '--api-key', KEY, '--api-key', 'second-key']);
  assert.notEqual(emu.port, 0);
  const req = client(emu.origin);
  assert.equal((await req('GET', CFG)).status, 200);
  assert.equal((await client(emu.origin, 'second-key')('GET', CFG)).status, 200);
  assert.equal((await req('GET', CFG, { key: 'other' })).status, 401);
  assert.equal((await req('GET', CFG, { key: null })).status, 400);
  const made = await req('POST', CFG, { body: { type: 'pin_dialin', phone_number: '+12095550001' } });
  assert.equal(made.status, 200);
  emu.child.kill('SIGTERM');
  const end = await emu.exited;
  assert.equal(end.code, 0);
  assert.equal(end.stderr, '');
  assert.ok(!end.stdout.includes(KEY), 'the key is never printed');
});

test('the package bin daily-dialin-emulator works the same; SIGINT stops it', async () => {
  const emu = await start(['--port', '0', '--rate-limit', '2/60000', '--retry-after'], { bin: true });
  const req = client(emu.origin, 'any');
  assert.equal((await req('GET', CFG)).status, 200);
  assert.equal((await req('GET', CFG)).status, 200);
  const limited = await req('GET', CFG);
  assert.equal(limited.status, 429);
  assert.match(limited.headers.get('retry-after'), /^\d+$/);
  emu.child.kill('SIGINT');
  assert.equal((await emu.exited).code, 0);
});

test('--help, and clear usage errors without stack traces', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: daily-dialin-emulator/);
  for (const flag of ['--port', '--data', '--api-key', '--rate-limit', '--no-rate-limit', '--retry-after', '--hold-timeout-ms']) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  for (const [args, pattern] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'abc'], /--port must be a whole number, got "abc"/],
    [['--port', '70000'], /--port must be from 0 to 65535, got 70000/],
    [['--rate-limit', 'x/1'], /--rate-limit must be a whole number/],
    [['--rate-limit', '5', '--no-rate-limit'], /exclude each other/],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args}: exit ${r.code}`);
    assert.match(r.stderr, /\nusage: daily-dialin-emulator/);
    assert.match(r.stderr, /^daily-dialin-emulator: /);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
    noStack(r.stderr);
  }
});

test('a port in use is a clear startup error', async () => {
  const first = await start(['--port', '0']);
  try {
    const r = await run(['--port', String(first.port)]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `daily-dialin-emulator: cannot listen on 127.0.0.1:${first.port}: EADDRINUSE`);
    noStack(r.stderr);
  } finally {
    first.child.kill('SIGTERM');
    await first.exited;
  }
});

test('prints the admin token the /_emulator routes need; --admin-token sets it and is not printed', async () => {
  const ADMIN = /^admin routes: (http:\/\/127\.0\.0\.1:\d+)\/_emulator\/\* with Authorization: Bearer (.+)$/m;
  const lines = async (args) => {
    const cli = spawnCli(args);
    for (let i = 0; !ADMIN.test(cli.out().stdout); i++) {
      if (cli.child.exitCode !== null || i > 500) {
        cli.child.kill('SIGKILL');
        assert.fail(JSON.stringify(cli.out()));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const [, origin, token] = ADMIN.exec(cli.out().stdout);
    return { ...cli, origin, token };
  };
  const gen = await lines(['--port', '0']);
  try {
    assert.match(gen.token, /^[A-Za-z0-9_-]{32}$/);
    assert.equal((await client(gen.origin, gen.token)('GET', '/_emulator/state')).status, 200);
    assert.equal((await client(gen.origin, 'any-key')('GET', '/_emulator/state')).status, 401);
  } finally {
    gen.child.kill('SIGTERM');
    await gen.exited;
  }
  const chosen = 'chosen-admin-token-0123456789';
  const own = await lines(['--port', '0', '--admin-token', chosen]);
  try {
    assert.equal(own.token, '<the --admin-token value>');
    assert.ok(!own.out().stdout.includes(chosen), 'a chosen token is not printed');
    assert.equal((await client(own.origin, chosen)('GET', '/_emulator/faults')).status, 200);
  } finally {
    own.child.kill('SIGTERM');
    await own.exited;
  }
});

/** Every config of the emulator at `origin`, by id, paging through the list. */
async function allConfigs(origin) {
  const req = client(origin);
  const out = new Map();
  let q = 'limit=100';
  for (;;) {
    const r = await req('GET', `${CFG}?${q}`);
    assert.equal(r.status, 200, r.text);
    for (const c of r.json.data) out.set(c.id, c);
    if (r.json.data.length < 100) return { configs: out, total: r.json.total_count };
    q = `limit=100&starting_after=${r.json.data.at(-1).id}`;
  }
}

test('--data at 10,000 configs: SIGKILL during a stream of concurrent creates loses no config that was answered 200', { timeout: 90_000 }, async () => {
  const dir = join(tmp.dir, 'kill');
  mkdirSync(dir);
  const file = join(dir, 'state.json');
  const args = ['--port', '0', '--data', file, '--no-rate-limit', '--api-key', KEY];
  const PRELOADED = 10_000;
  const seed = await m.startEmulator({ dataFile: file });
  await seed.importState(pinState(PRELOADED));
  await seed.close();
  const answered = new Map(); // id -> the config exactly as answered
  let next = 0;
  const rounds = [];
  for (let round = 0; round < 2; round++) {
    const emu = await start(args);
    const before = await allConfigs(emu.origin);
    for (const [id, c] of answered) assert.deepEqual(before.configs.get(id), c, `config ${id} answered 200 before the kill`);
    // Kill after a random number of answers, with requests in flight.
    const killAfter = 100 + Math.floor(Math.random() * 30);
    let answers = 0;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const i = next++;
        const body =
          i % 2
            ? { type: 'pin_dialin', phone_number: `+1415555${String(i).padStart(4, '0')}`, name_prefix: `n${i}` }
            : { type: 'pinless_dialin', phone_number: `+1415555${String(i).padStart(4, '0')}`, room_creation_api: 'http://127.0.0.1:9/hook' };
        inFlight++;
        try {
          const r = await fetch(`${emu.url}/domain-dialin-config`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          });
          const text = await r.text();
          if (r.status === 200) {
            const c = JSON.parse(text);
            answered.set(c.id, c);
            answers++;
          } else {
            assert.fail(`create ${i} answered ${r.status}: ${text}`);
          }
        } catch (e) {
          if (!killed) throw e;
        } finally {
          inFlight--;
        }
        if (answers >= killAfter && !killed) {
          inFlightAtKill = inFlight;
          emu.child.kill('SIGKILL');
          killed = true;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const end = await emu.exited;
    assert.equal(end.signal, 'SIGKILL');
    assert.ok(inFlightAtKill > 0, 'requests were in flight when the process died');
    const onDisk = idsOnDisk(file); // the snapshot is never a torn file
    for (const id of answered.keys()) assert.ok(onDisk.has(id), `config ${id} answered 200 is on disk`);
    assert.ok(onDisk.size >= PRELOADED + answered.size);
    rounds.push({ answers, inFlightAtKill });
  }
  // A change cut in the middle of its write (never answered) is dropped at start.
  appendFileSync(`${file}.journal`, '{"op":"put","seq":99999,"id":"6f1c1a52-0000-4000-8000-0000');
  // Restart once more and find every config that was answered 200, exactly as answered.
  const emu = await start(args);
  try {
    const { configs, total } = await allConfigs(emu.origin);
    assert.ok(answered.size >= 200, `${answered.size} creates answered`);
    for (const [id, c] of answered) assert.deepEqual(configs.get(id), c, `config ${id} answered 200 survives`);
    // Configs created by requests in flight at the kill may exist too (applied, answer lost).
    assert.ok(total >= PRELOADED + answered.size && total <= PRELOADED + next, `${total} stored, ${answered.size} answered, ${next} sent`);
    assert.equal(configs.get(pinState(1).configs[0].id)?.config.phone_number, '+12095550000', 'the preloaded configs are there');
    assert.deepEqual(readdirSync(dir).sort(), ['state.json', 'state.json.journal'], 'no temporary file left behind');
    // The restarted emulator keeps every rule: a stored number is still taken.
    const again = await client(emu.origin)('POST', CFG, { body: { type: 'pin_dialin', phone_number: [...answered.values()][0].config.phone_number } });
    assert.equal(again.status, 400);
    console.log(`persistence: ${PRELOADED} preloaded, ${answered.size} answered creates in 2 rounds ${JSON.stringify(rounds)}, ${total} stored, all found after SIGKILL`);
  } finally {
    emu.child.kill('SIGTERM');
    await emu.exited;
  }
});

test('a corrupt or invalid data file is a clear startup error and is left untouched', async () => {
  const dir = join(tmp.dir, 'bad');
  mkdirSync(dir);
  const good = JSON.stringify({
    version: 1,
    next_seq: 1,
    configs: [{ seq: 0, id: '6f1c1a52-0000-4000-8000-000000000001', type: 'pin_dialin', config: { phone_number: '+12095550001' } }],
    deleted: [],
  });
  const cases = [
    ['truncated.json', good.slice(0, 40), /is not a valid emulator state \(emulator state: the state is not readable: EOF/],
    ['garbage.json', 'not json at all', /is not a valid emulator state/],
    ['version.json', good.replace('"version":1', '"version":99'), /state version 99 is not supported/],
    ['phone.json', good.replace('+12095550001', '12345'), /config 6f1c1a52-0000-4000-8000-000000000001: phone_number: /],
  ];
  for (const [name, text, pattern] of cases) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = await run(['--port', '0', '--data', file]);
    assert.equal(r.code, 1, name);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^daily-dialin-emulator: the data file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid emulator state`));
    assert.match(r.stderr, pattern);
    assert.match(r.stderr, /fix it, or delete it to start empty/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    noStack(r.stderr);
    assert.equal(readFileSync(file, 'utf8'), text, 'the file is not overwritten');
    await assert.rejects(m.startEmulator({ dataFile: file }), (e) => e instanceof m.DailyDialinError && pattern.test(e.message));
  }
  const folder = await run(['--port', '0', '--data', dir]);
  assert.equal(folder.code, 1);
  assert.match(folder.stderr, /cannot read the data file .*: EISDIR/);
  const missing = await run(['--port', '0', '--data', join(dir, 'no', 'such', 'folder', 'state.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot write the data file .*: ENOENT/);
  noStack(folder.stderr + missing.stderr);

  // The valid one loads; an empty file is a fresh start.
  const ok = join(dir, 'good.json');
  writeFileSync(ok, good);
  const loaded = await m.startEmulator({ dataFile: ok });
  assert.equal(loaded.exportState().configs[0].config.phone_number, '+12095550001');
  await loaded.close();
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '');
  const fresh = await m.startEmulator({ dataFile: empty });
  assert.deepEqual(fresh.exportState().configs, []);
  await fresh.close();
  assert.equal(JSON.parse(readFileSync(empty, 'utf8')).version, 2, 'a fresh file is written at start');
});

test('in-process dataFile: reset and state import are persisted too; a broken journal line is a clear error', async () => {
  const file = join(tmp.dir, 'inproc.json');
  const a = await m.startEmulator({ dataFile: file });
  const made = await client(a.origin)('POST', CFG, { body: { type: 'pin_dialin', phone_number: '+12095550001' } });
  assert.equal(made.status, 200);
  await a.injectFault({ method: 'POST', apply: true, status: 502 });
  assert.equal((await client(a.origin)('POST', CFG, { body: { type: 'pin_dialin', phone_number: '+12095550002' } })).status, 502);
  assert.equal(idsOnDisk(file).size, 2, 'an applied create that answered 502 is on disk');
  await a.close();
  const b = await m.startEmulator({ dataFile: file });
  assert.equal(b.exportState().configs.length, 2);
  await b.reset();
  assert.equal(idsOnDisk(file).size, 0);
  await b.close();
  // An unreadable line before the last one is not a torn write: the startup stops and says where.
  writeFileSync(`${file}.journal`, '{"op":"nope"}\n{"op":"reset"}\n');
  await assert.rejects(m.startEmulator({ dataFile: file }), /line 1 of the journal .*inproc\.json\.journal is not valid .*delete the journal/);
});

test('close() leaves nothing open: a process that used the emulator exits by itself', { timeout: 30_000 }, async () => {
  const script = `
    import http from 'node:http';
    const m = await import(${JSON.stringify(pathToFileURL(join(CONSUMER, 'entry.mjs')).href)});
    const silent = http.createServer(() => {});
    await new Promise((r) => silent.listen(0, '127.0.0.1', r));
    const hook = 'http://127.0.0.1:' + silent.address().port + '/hook';
    const emu = await m.startEmulator({ apiKeys: ['k'], dataFile: process.argv[1], webhookTimeoutMs: 600000 });
    const h = { Authorization: 'Bearer k', 'Content-Type': 'application/json' };
    // A create whose ping hangs on a server that never answers, a keep-alive connection,
    // a request held by a long fault delay, and a dropped one.
    let r = await fetch(emu.url + '/domain-dialin-config', { method: 'POST', headers: h,
      body: JSON.stringify({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: hook }) });
    if (r.status !== 200) throw new Error('create ' + r.status);
    await r.text();
    await emu.injectFault({ method: 'GET', delay_ms: 600000 });
    const held = fetch(emu.url + '/domain-dialin-config', { headers: h }).then(() => 'answered', () => 'cut');
    await emu.injectFault({ method: 'DELETE', drop: true });
    await fetch(emu.url + '/domain-dialin-config/x', { method: 'DELETE', headers: h }).catch(() => {});
    const call = emu.simulateCall({ to: '+12095550001' }).then(() => 'answered', (e) => 'refused: ' + e.message);
    await new Promise((r) => setTimeout(r, 100));
    await emu.close();
    console.log(await held, await call);
    silent.close();
    silent.closeAllConnections();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, join(tmp.dir, 'handles.json')]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, err);
  assert.equal(out.trim(), 'cut refused: daily-dialin emulator: the emulator is closed');
});
