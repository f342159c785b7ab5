// The `daily-dialin` bin of the installed package against the emulator: every command, --json
// output, exit codes, the replace rollback, prune, the stale-plan refusal, idempotence, secrets
// kept out of every output, and the wasm exports planConfigs / validateConfigsFile underneath.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { CONSUMER, installedDir } from './installed.mjs';
import { useCliBed, BIN } from './cli-bed.mjs';

const KEY = 'sk_test_cli_SECRET_9a8b7c6d5e4f';
const HMAC = 'c2VjcmV0LWhtYWMtdmFsdWUtZm9yLWNsaS10ZXN0cw==';
const HMAC2 = 'YW5vdGhlci1zZWNyZXQtaG1hYy1mb3ItY2xpLXRlc3Q=';
let m;
let emu;
let dir;
const bed = useCliBed({ key: KEY, prefix: 'cli', ready: (b) => ({ m, emu, dir } = b) });

const { run } = bed;

function file(name, configs) {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({ version: 1, configs }));
  return p;
}

const pinless = (n, extra = {}) => ({
  type: 'pinless_dialin',
  phone_number: `+1209555${String(n).padStart(4, '0')}`,
  room_creation_api: 'https://example.com/dial',
  hmac: { env: 'CLI_HMAC' },
  ...extra,
});
const pin = (n, extra = {}) => ({ type: 'pin_dialin', phone_number: `+1209555${String(n).padStart(4, '0')}`, name_prefix: `pin${n}`, ...extra });
const ENV = { CLI_HMAC: HMAC };

const client = () => new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true });
async function stored() {
  const all = [];
  for await (const c of client().listAll()) all.push(c);
  return all;
}

const noSecret = (r) => {
  for (const s of [r.stdout, r.stderr]) {
    assert.ok(!s.includes(HMAC) && !s.includes(HMAC2) && !s.includes(KEY), `a secret was printed:\n${s}`);
  }
};

test('the package ships the bin and configs.schema.json, the schema being the one planConfigs reads', async () => {
  const pkg = JSON.parse(readFileSync(join(installedDir(), 'package.json'), 'utf8'));
  assert.equal(pkg.bin['daily-dialin'], './cli.mjs');
  const schema = JSON.parse(readFileSync(join(installedDir(), 'configs.schema.json'), 'utf8'));
  assert.deepEqual(schema, JSON.parse(m.configs.configsSchema()));
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  // Resolvable through the exports map, as a consumer imports it.
  const resolved = createRequire(join(CONSUMER, 'entry.mjs')).resolve('daily-dialin/configs.schema.json');
  assert.deepEqual(JSON.parse(readFileSync(resolved, 'utf8')), schema);
});

test('planConfigs: JSON.stringify never holds a secret; the steps (non-enumerable) do', async () => {
  const plan = m.configs.planConfigs({ configs: [pinless(1), { ...pinless(2), hmac: HMAC2 }] }, [], { env: ENV, allowPrivateUrls: true });
  assert.equal(plan.summary.create, 2);
  assert.equal(plan.hasChanges, true);
  const json = JSON.stringify(plan);
  assert.ok(!json.includes(HMAC) && !json.includes(HMAC2));
  assert.ok(!plan.text.includes(HMAC) && !plan.text.includes(HMAC2));
  assert.ok(!Object.keys(plan).includes('steps'));
  assert.equal(plan.steps.length, 2);
  assert.deepEqual(plan.steps.map((s) => [s.op, s.body.hmac]), [['create', HMAC], ['create', HMAC2]]);
  assert.throws(() => m.configs.planConfigs({ configs: [pinless(1)] }, [], {}), (e) => e instanceof m.ValidationError && e.issues.some((i) => i.code === 'missing_env'));
  assert.throws(() => m.configs.planConfigs({ configs: [] }, 'nope'), m.ValidationError);
  assert.throws(() => m.configs.planConfigs({ configs: [] }, [], { prune: 'yes' }), m.ValidationError);
});

test('validateConfigsFile: offline without env, resolved with it; paths in the file', () => {
  const f = { configs: [pinless(1), { type: 'pin_dialin' }] };
  const off = m.configs.validateConfigsFile(f);
  assert.equal(off.ok, false);
  assert.ok(off.issues.some((i) => i.path === 'configs[1].phone_number' && i.code === 'required'));
  assert.equal(m.configs.validateConfigsFile({ configs: [pinless(1)] }).ok, true);
  assert.equal(m.configs.validateConfigsFile({ configs: [pinless(1)] }, { env: {} }).ok, false);
  assert.equal(m.configs.validateConfigsFile({ configs: [pinless(1)] }, { env: ENV }).ok, true);
  for (const junk of [undefined, null, 3, 'x', [], { configs: 'x' }]) assert.equal(m.configs.validateConfigsFile(junk).ok, false);
});

test('help, usage errors and a missing key exit as documented', async () => {
  const h = await run(['--help'], { emulator: null });
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Exit codes/);
  for (const c of ['validate', 'plan', 'apply', 'list', 'get', 'delete', 'export']) {
    const r = await run([c, '--help'], { emulator: null });
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, new RegExp(`daily-dialin ${c}`));
  }
  assert.equal((await run(['frobnicate'], { emulator: null })).code, 2);
  assert.equal((await run(['plan'])).code, 2);
  assert.equal((await run(['list', '--bogus'])).code, 2);
  const nokey = await run(['list'], { env: { DAILY_API_KEY: '' } });
  assert.equal(nokey.code, 2);
  assert.match(nokey.stderr, /DAILY_API_KEY/);
  const bad = await run(['list'], { env: { DAILY_API_KEY: 'wrong-key-0123456789' } });
  assert.equal(bad.code, 1);
});

test('validate: offline, exit 0 or 2, errors name the config and the field', async () => {
  const good = await run(['validate', file('good.json', [pinless(1)])], { emulator: null, env: { DAILY_API_KEY: '' } });
  assert.equal(good.code, 0, good.stderr);
  const badPath = file('bad.json', [pinless(1), pinless(2, { room_creation_api: 'not a url' })]);
  const bad = await run(['validate', badPath], { emulator: null });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /configs\[1\] \(\+12095550002\), field room_creation_api/);
  const json = await run(['validate', badPath, '--json'], { emulator: null });
  assert.equal(json.code, 2);
  const report = JSON.parse(json.stdout);
  assert.equal(report.ok, false);
  assert.ok(report.issues.some((i) => i.path === 'configs[1].room_creation_api'));
  writeFileSync(join(dir, 'notjson.json'), '{');
  assert.equal((await run(['validate', join(dir, 'notjson.json')], { emulator: null })).code, 2);
  assert.equal((await run(['validate', join(dir, 'absent.json')], { emulator: null })).code, 2);
});

test('plan, apply --yes, then apply again: all unchanged (idempotent); secrets never printed', async () => {
  const f = file('two.json', [pinless(1), pin(2)]);
  const p = await run(['plan', f, '--json'], { env: ENV });
  assert.equal(p.code, 0, p.stderr);
  const plan = JSON.parse(p.stdout);
  assert.equal(plan.summary.create, 2);
  noSecret(p);
  const dx = await run(['plan', f, '--detailed-exitcode'], { env: ENV });
  assert.equal(dx.code, 3);
  assert.match(dx.stdout, /\+12095550001/);
  noSecret(dx);

  const a = await run(['apply', f, '--yes'], { env: ENV });
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /2 done, 0 failed, 0 rolled back, 0 skipped/);
  noSecret(a);
  const after1 = await stored();
  assert.equal(after1.length, 2);
  assert.equal(after1.find((c) => c.type === 'pinless_dialin').config.hmac, HMAC);

  const again = await run(['apply', f, '--yes', '--json'], { env: ENV });
  assert.equal(again.code, 0, again.stderr);
  const r = JSON.parse(again.stdout);
  assert.equal(r.plan.summary.unchanged, 2);
  assert.equal(r.plan.hasChanges, false);
  assert.deepEqual(r.done, []);
  const dx2 = await run(['plan', f, '--detailed-exitcode'], { env: ENV });
  assert.equal(dx2.code, 0);
});

test('apply without --yes and without a terminal refuses (exit 2) and changes nothing', async () => {
  const r = await run(['apply', file('one.json', [pinless(1)])], { env: ENV });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--yes/);
  assert.equal((await stored()).length, 0);
});

/** Runs the bin on a pseudo-terminal (util-linux `script`), typing `input`. */
function runTty(args, input, env = {}, beforeTyping = async () => {}) {
  const cmd = [BIN(), args[0], '--base-url', emu.url, '--allow-private-urls', ...args.slice(1)].join(' ');
  return new Promise((resolve) => {
    const child = execFile('script', ['-qec', cmd, '/dev/null'], { env: { PATH: process.env.PATH, DAILY_API_KEY: KEY, TERM: 'xterm', ...env } }, (err, stdout) =>
      resolve({ code: err ? err.code : 0, stdout }),
    );
    // Typed once the question is shown.
    let typed = false;
    child.stdout.on('data', (d) => {
      if (!typed && String(d).includes('[y/N]')) {
        typed = true;
        beforeTyping().then(() => child.stdin.write(input));
      }
    });
  });
}

test('on a terminal apply asks y/N: no applies nothing, yes applies; colours unless NO_COLOR', async (t) => {
  const probe = await new Promise((r) => execFile('script', ['-qec', 'true', '/dev/null'], (e) => r(!e)));
  if (!probe) return t.skip('util-linux script is not available');
  const f = file('tty.json', [pinless(1)]);
  const no = await runTty(['apply', f], 'n\n', ENV);
  assert.equal(no.code, 0, no.stdout);
  assert.match(no.stdout, /Not applied/);
  assert.match(no.stdout, /\x1b\[32m\+ create/);
  assert.equal((await stored()).length, 0);
  const yes = await runTty(['apply', f], 'y\n', { ...ENV, NO_COLOR: '1' });
  assert.equal(yes.code, 0, yes.stdout);
  // (readline's own cursor codes may appear; colours may not)
  assert.ok(!/\x1b\[\d+m/.test(yes.stdout), 'NO_COLOR: no colour codes');
  assert.match(yes.stdout, /1 done/);
  assert.equal((await stored()).length, 1);
  // Changed while the question was shown: refused after yes, nothing applied.
  const f2 = file('tty2.json', [pinless(1), pinless(2)]);
  const changed = await runTty(['apply', f2], 'y\n', ENV, () => client().create({ type: 'pin_dialin', phone_number: '+12095550002' }));
  assert.equal(changed.code, 1, changed.stdout);
  assert.match(changed.stdout, /changed while the plan was shown; nothing was applied/);
  assert.deepEqual((await stored()).map((c) => c.type).sort(), ['pin_dialin', 'pinless_dialin']);
});

test('apply --expect-plan refuses (exit 1) when the state changed since the plan', async () => {
  const f = file('exp.json', [pinless(1), pinless(2)]);
  const p = await run(['plan', f, '--json'], { env: ENV });
  const planPath = join(dir, 'plan.json');
  writeFileSync(planPath, p.stdout);
  await client().create({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: 'https://example.com/other' });
  const r = await run(['apply', f, '--yes', '--expect-plan', planPath], { env: ENV });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /differs/);
  assert.equal((await stored()).length, 1);
  // Planned again from the new state, it applies.
  writeFileSync(planPath, (await run(['plan', f, '--json'], { env: ENV })).stdout);
  const ok = await run(['apply', f, '--yes', '--expect-plan', planPath], { env: ENV });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((await stored()).length, 2);
});

test('--prune deletes only the configs the file does not hold', async () => {
  const c = client();
  await c.create({ ...pinless(1), hmac: HMAC });
  await c.create(pin(7));
  const extra = await c.create(pin(8));
  const f = file('prune.json', [pinless(1), pin(7)]);
  const plain = await run(['apply', f, '--yes', '--json'], { env: ENV });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(JSON.parse(plain.stdout).plan.summary.unmanaged, 1);
  assert.equal((await stored()).length, 3);
  const pruned = await run(['apply', f, '--yes', '--prune', '--json'], { env: ENV });
  assert.equal(pruned.code, 0, pruned.stderr);
  const r = JSON.parse(pruned.stdout);
  assert.equal(r.plan.summary.delete, 1);
  const left = await stored();
  assert.equal(left.length, 2);
  assert.ok(!left.some((x) => x.id === extra.id));
});

test('a type change whose create fails puts the old config back (exit 1, rolled back)', async () => {
  const old = await client().create(pin(5, { ivr_greeting: { message: 'Hello' } }));
  const f = file('replace.json', [pinless(5)]);
  // A 400 is not retried by the client, so the replace's create fails once and the restore works.
  await emu.injectFault({ method: 'POST', status: 400, body: { error: 'invalid-request-error', info: 'forced' } });
  const r = await run(['apply', f, '--yes', '--json'], { env: ENV });
  assert.equal(r.code, 1, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.plan.summary.replace, 1);
  assert.equal(rep.rolledBack.length, 1);
  assert.equal(rep.done.length, 0);
  const now = await stored();
  assert.equal(now.length, 1);
  assert.equal(now[0].type, 'pin_dialin');
  assert.equal(now[0].config.phone_number, old.config.phone_number);
  assert.equal(now[0].config.ivr_greeting?.message, 'Hello');
  // Without the fault the replace goes through.
  const ok = await run(['apply', f, '--yes'], { env: ENV });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((await stored())[0].type, 'pinless_dialin');
});

test('a replace whose create answers 500 on every attempt (the client retries twice) is rolled back', async () => {
  await client().create(pin(6));
  await emu.injectFault({ method: 'POST', status: 500, count: 3 });
  const r = await run(['apply', file('replace500.json', [pinless(6)]), '--yes'], { env: ENV });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /rolled back\s+replace configs\[0\] \+12095550006: .*the old config was put back/);
  assert.match(r.stdout, /0 done, 0 failed, 1 rolled back, 0 skipped/);
  const now = await stored();
  assert.deepEqual(now.map((c) => [c.type, c.config.phone_number]), [['pin_dialin', '+12095550006']]);
});

test('when the restore fails too, apply says so plainly, stops, and skips the rest', async () => {
  await client().create(pin(6));
  await client().create(pin(9));
  await emu.injectFault({ method: 'POST', status: 400, count: 2, body: { error: 'invalid-request-error', info: 'forced' } });
  const r = await run(['apply', file('replacefail.json', [pinless(6)]), '--yes', '--prune', '--json'], { env: ENV });
  assert.equal(r.code, 1, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.failed.length, 1);
  assert.match(rep.failed[0].error, /restoring the old config also failed.*recreate it by hand/);
  // The prune delete comes after the file's configs (docs/daily-api.md#plan-order): skipped.
  assert.equal(rep.skipped.length, 1);
  assert.deepEqual((await stored()).map((c) => c.config.phone_number), ['+12095550009']);
});

test('list, get, delete and export (export round-trips through plan as unchanged)', async () => {
  const c = client();
  const a = await c.create({ ...pinless(1), hmac: HMAC });
  await c.create(pin(2, { ivr_greeting: { message: 'Hi' } }));
  const l = await run(['list', '--json']);
  assert.equal(l.code, 0, l.stderr);
  assert.equal(JSON.parse(l.stdout).length, 2);
  noSecret(l);
  const human = await run(['list']);
  assert.match(human.stdout, /2 configs/);
  const g = await run(['get', a.id]);
  assert.equal(g.code, 0);
  assert.equal(JSON.parse(g.stdout).id, a.id);
  noSecret(g);
  assert.equal((await run(['get', 'no-such-id-0000'])).code, 1);

  const e = await run(['export']);
  assert.equal(e.code, 0, e.stderr);
  noSecret(e);
  const exported = JSON.parse(e.stdout);
  assert.deepEqual(exported.configs.find((x) => x.type === 'pinless_dialin').hmac, { env: 'DAILY_HMAC_1' });
  const ef = join(dir, 'exported.json');
  writeFileSync(ef, e.stdout);
  assert.equal((await run(['validate', ef], { emulator: null })).code, 0);
  const p = await run(['plan', ef, '--json', '--detailed-exitcode'], { env: { DAILY_HMAC_1: HMAC } });
  assert.equal(p.code, 0, p.stdout + p.stderr);
  assert.equal(JSON.parse(p.stdout).summary.unchanged, 2);

  const d = await run(['delete', a.id]);
  assert.equal(d.code, 0, d.stderr);
  assert.equal((await stored()).length, 1);
});

test('500 configs under the default rate limit: one apply, exactly 500 stored', { timeout: 240_000 }, async () => {
  const limited = await m.startEmulator({ apiKeys: [KEY] });
  try {
    const configs = Array.from({ length: 500 }, (_, i) => pinless(1000 + i));
    const f = file('many.json', configs);
    const r = await run(['apply', f, '--yes', '--json'], { env: ENV, emulator: limited });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).done.length, 500);
    const c = new m.DailyDialinClient({ apiKey: KEY, baseUrl: limited.url, allowPrivateUrls: true });
    let n = 0;
    for await (const _ of c.listAll()) n++;
    assert.equal(n, 500);
    const again = await run(['plan', f, '--detailed-exitcode'], { env: ENV, emulator: limited });
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await limited.close();
  }
});

test('check-music: the emulator\'s test MP3 will play (exit 0), a WAV renamed .mp3 will not (exit 2), private URLs only when allowed', async () => {
  const good = await run(['check-music', `${emu.origin}/_emulator/audio/hold.mp3`]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^2\.0 s, 0\.02 MB, MPEG-1 Layer III, 64 kbps, 44100 Hz, stereo\nwarning insecure_url: .*\nDaily can play it\.\n$/);
  const json = await run(['check-music', `${emu.origin}/_emulator/audio/hold.mp3`, '--json']);
  const report = JSON.parse(json.stdout);
  assert.equal(report.ok, true);
  assert.ok(Math.abs(report.facts.durationSeconds - 2) < 0.5, JSON.stringify(report.facts));
  const bad = await run(['check-music', `${emu.origin}/_emulator/audio/not-mp3.mp3`]);
  assert.equal(bad.code, 2, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /error not_mp3: /);
  assert.match(bad.stdout, /Daily cannot play it as hold music\.\n$/);
  // Without --allow-private-urls a local URL is refused before anything is fetched.
  const local = await run(['check-music', `${emu.origin}/_emulator/audio/hold.mp3`], { emulator: null });
  assert.equal(local.code, 2);
  assert.match(local.stdout, /not_public_url/);
  const usage = await run(['check-music', '--timeout-ms', 'soon', `${emu.origin}/_emulator/audio/hold.mp3`]);
  assert.equal(usage.code, 2, usage.stdout + usage.stderr);
});

test('validate --online and plan warn about a hold_music_url Daily could not play, without failing', async () => {
  const f = file('music.json', [
    pin(1),
    pinless(2, { hold_music_url: `${emu.origin}/_emulator/audio/not-mp3.mp3` }),
    pinless(3, { hold_music_url: `${emu.origin}/_emulator/audio/hold.mp3` }),
  ]);
  const offline = await run(['validate', f]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.doesNotMatch(offline.stderr, /must be an MP3/, 'validate reads nothing without --online');
  const online = await run(['validate', f, '--online']);
  assert.equal(online.code, 0, online.stderr);
  const lines = online.stderr.split('\n').filter((l) => l.includes('must be an MP3'));
  assert.equal(lines.length, 1, online.stderr);
  assert.match(lines[0], /^warning: configs\[1\] \(\+12095550002\), field hold_music_url: hold music must be an MP3 file: it is a WAV/);
  const plan = await run(['plan', f, '--json'], { env: ENV });
  assert.equal(plan.code, 0, plan.stderr);
  assert.equal(JSON.parse(plan.stdout).hasChanges, true);
  assert.match(plan.stderr, /warning: configs\[1\] \(\+12095550002\), field hold_music_url: hold music must be an MP3 file/);
  assert.doesNotMatch(plan.stderr, /configs\[2\].*must be an MP3/);
});
