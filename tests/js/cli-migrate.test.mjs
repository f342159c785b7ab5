// The `daily-dialin` bin of the installed package against the emulator, for what moves configs in
// bulk or one at a time: `create` and `update`, `migrate-legacy` (docs/daily-api.md#legacy-migration:
// never a number without a config at any step, each hmac kept, safe to run again), an apply killed
// halfway and run again, and the property that applying a plan yields exactly the file's configs
// (`planConfigs` + `applyPlan` of `daily-dialin/apply`, over HTTP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CONSUMER } from './installed.mjs';
import { useCliBed, BIN } from './cli-bed.mjs';
import { rng } from './helpers.mjs';

const KEY = 'sk_test_cli_migrate_SECRET_1f2e3d';
const HMAC = 'c2VjcmV0LWhtYWMtdmFsdWUtZm9yLWNsaS10ZXN0cw==';
const HOOK = 'https://example.com/dial';
let m;
let emu;
let apply;
const bed = useCliBed({
  key: KEY,
  prefix: 'cli-migrate',
  async ready(b) {
    ({ m, emu } = b);
    apply = await import(join(CONSUMER, 'node_modules', 'daily-dialin', 'apply.js'));
  },
});
const { run, write } = bed;

const num = (n) => `+1209555${String(n).padStart(4, '0')}`;
const client = () => new m.DailyDialinClient({ apiKey: KEY, baseUrl: emu.url, allowPrivateUrls: true });
async function stored() {
  const all = [];
  for await (const c of client().listAll()) all.push(c);
  return all;
}
const noSecret = (r, ...secrets) => {
  for (const s of [r.stdout, r.stderr]) for (const x of [KEY, ...secrets]) assert.ok(!s.includes(x), `a secret was printed:\n${s}`);
};

async function domain(method = 'GET', properties) {
  const init = { method, headers: { Authorization: `Bearer ${KEY}` } };
  if (properties) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify({ properties });
  }
  const r = await fetch(`${emu.url}/`, init);
  assert.equal(r.status, 200);
  return r.json();
}

test('create and update: from a file or stdin, checked before sending, hmac never printed', async () => {
  const body = { type: 'pinless_dialin', phone_number: num(1), room_creation_api: HOOK, hmac: HMAC };
  const created = await run(['create', write('c.json', body), '--json']);
  assert.equal(created.code, 0, created.stderr);
  noSecret(created, HMAC);
  const x = JSON.parse(created.stdout);
  assert.equal(x.config.hmac, '(hidden)');
  assert.equal((await client().get(x.id)).config.hmac, HMAC);

  const viaStdin = await run(['create', '-'], { input: JSON.stringify({ type: 'pin_dialin', phone_number: num(2) }) });
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.match(viaStdin.stdout, /^created \S+ \(pin_dialin, \+12095550002\)/);

  // Every problem at once, exit 2, nothing sent.
  const bad = await run(['create', write('bad.json', { type: 'pinless_dialin', phone_number: '555', room_creation_api: 'ftp://x' })]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /phone_number/);
  assert.match(bad.stderr, /room_creation_api/);
  assert.equal((await stored()).length, 2);

  const upd = await run(['update', x.id, write('u.json', { room_creation_api: 'https://example.org/new' })]);
  assert.equal(upd.code, 0, upd.stderr);
  assert.match(upd.stdout, new RegExp(`^updated ${x.id}`));
  const now = await client().get(x.id);
  assert.equal(now.config.room_creation_api, 'https://example.org/new');
  assert.equal(now.config.hmac, HMAC, 'fields left out stay as stored');
  // A field of the other type is refused before sending (the stored type is read first).
  const wrong = await run(['update', x.id, write('u2.json', { ivr_greeting: { message: 'hi' } })]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /ivr_greeting/);
  const missing = await run(['update', 'no-such-id', write('u3.json', { name_prefix: 'x' })]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /404/);
  for (const cmd of ['create', 'update']) {
    const help = await run([cmd, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: daily-dialin ${cmd}`));
  }
});

test('migrate-legacy moves every entry with its hmac, runs again as a no-op, and clears only what has a config', async () => {
  const seeded = await domain('POST', {
    pinless_dialin: [
      { phone_number: num(11), name_prefix: 'support', room_creation_api: HOOK, hmac: HMAC },
      { phone_number: num(12), room_creation_api: HOOK },
      // No identity: cannot move (a second run could not find it); stays.
      { room_creation_api: HOOK },
    ],
    pin_dialin: [{ phone_number: num(14), ivr_greeting: { message: 'Enter your PIN' } }],
  });
  const legacyHmac = seeded.config.pinless_dialin[1].hmac;
  assert.ok(legacyHmac, 'the emulator generated an hmac for the entry sent without one');
  // One number is configured already (differently): it is kept as it is.
  const existing = await client().create({ type: 'pin_dialin', phone_number: num(14), name_prefix: 'kept' });

  const plan = await run(['migrate-legacy', '--json', '--yes']);
  noSecret(plan, HMAC, legacyHmac);
  assert.equal(plan.code, 1, 'entries that cannot move: exit 1');
  assert.match(plan.stderr, /1 legacy entries could not move/);
  const rep = JSON.parse(plan.stdout);
  assert.deepEqual(rep.entries.map((e) => [e.array, e.index, e.status]), [
    ['pinless_dialin', 0, 'migrate'],
    ['pinless_dialin', 1, 'migrate'],
    ['pinless_dialin', 2, 'skipped'],
    ['pin_dialin', 0, 'exists'],
  ]);
  assert.equal(rep.entries[3].id, existing.id);
  assert.equal(rep.entries[2].issues[0].code, 'no_identity');
  assert.equal(rep.done.length, 2);
  const after1 = await stored();
  const byNumber = Object.fromEntries(after1.map((c) => [c.config.phone_number, c]));
  assert.equal(byNumber[num(11)].config.hmac, HMAC, 'hmac kept');
  assert.equal(byNumber[num(12)].config.hmac, legacyHmac, 'the generated hmac kept too');
  assert.equal(byNumber[num(11)].config.name_prefix, 'support');
  assert.equal(byNumber[num(14)].config.name_prefix, 'kept', 'the stored config wins');
  // The arrays are untouched without --clear.
  assert.equal((await domain()).config.pinless_dialin.length, 3);

  // Run again: nothing to create.
  const again = await run(['migrate-legacy', '--yes']);
  assert.equal(again.code, 1);
  assert.match(again.stdout, /Nothing to create/);
  assert.equal((await stored()).length, 3);

  // Clear: the three covered entries go; the one without a config stays, as it was.
  const before = (await domain()).config.pinless_dialin[2];
  const clear = await run(['migrate-legacy', '--yes', '--clear']);
  noSecret(clear, HMAC, legacyHmac);
  assert.match(clear.stdout, /Cleared 3 entries from the legacy arrays; 1 kept/);
  const left = (await domain()).config;
  assert.deepEqual(left.pinless_dialin, [before]);
  assert.deepEqual(left.pin_dialin, []);
  // Every number that had an entry still has a config.
  const nowNumbers = new Set((await stored()).map((c) => c.config.phone_number));
  for (const n of [11, 12, 14]) assert.ok(nowNumbers.has(num(n)), num(n));
});

test('migrate-legacy --clear with a failed create clears nothing; without a terminal it needs --yes', async () => {
  await domain('POST', { pinless_dialin: [{ phone_number: num(21), room_creation_api: HOOK, hmac: HMAC }] });
  const noTty = await run(['migrate-legacy']);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /migrate-legacy needs --yes/);
  await emu.injectFault({ method: 'POST', path: '/domain-dialin-config', status: 400, body: { error: 'invalid-request-error', info: 'forced' } });
  const r = await run(['migrate-legacy', '--yes', '--clear']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /failed/);
  assert.equal((await domain()).config.pinless_dialin.length, 1, 'nothing cleared');
  assert.equal((await stored()).length, 0);
  // Run again: it converges.
  const ok = await run(['migrate-legacy', '--yes', '--clear']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal((await stored())[0].config.hmac, HMAC);
  assert.deepEqual((await domain()).config.pinless_dialin, []);
});

test('an apply killed halfway and run again converges to exactly the file', { timeout: 120_000 }, async () => {
  const N = 60;
  // Half of the numbers exist with the other type (replaces), half are new (creates).
  const c = client();
  for (let i = 0; i < N / 2; i++) await c.create({ type: 'pin_dialin', phone_number: num(100 + i) });
  const configs = Array.from({ length: N }, (_, i) => ({ type: 'pinless_dialin', phone_number: num(100 + i), room_creation_api: HOOK, hmac: { env: 'H' } }));
  const f = write('kill.json', { configs });
  const child = spawn(BIN(), bed.args(['apply', f, '--yes']), { env: bed.env({ H: HMAC }), stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  // Kill it once part of the work is done (the apply paces itself at 18 requests/s).
  for (;;) {
    const pinless = (await stored()).filter((x) => x.type === 'pinless_dialin').length;
    if (pinless >= 10) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await exited;
  const mid = await stored();
  assert.ok(mid.filter((x) => x.type === 'pinless_dialin').length < N, 'killed before the end');
  const again = await run(['apply', f, '--yes', '--json'], { env: { H: HMAC } });
  assert.equal(again.code, 0, again.stderr);
  const final = await stored();
  assert.equal(final.length, N);
  assert.deepEqual(new Set(final.map((x) => `${x.type} ${x.config.phone_number} ${x.config.hmac}`)), new Set(configs.map((x) => `pinless_dialin ${x.phone_number} ${HMAC}`)));
  const plan = await run(['plan', f, '--json', '--detailed-exitcode'], { env: { H: HMAC } });
  assert.equal(plan.code, 0, 'no changes left');
});

// --- property: apply(plan(desired, current)) yields exactly the desired set ---

function randomConfig(r, n) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const numbered = r() < 0.8;
  if (r() < 0.5) {
    const c = { type: 'pin_dialin', phone_number: num(n) };
    if (r() < 0.5) c.name_prefix = pick(['a', 'b', 'sales']);
    if (r() < 0.5) c.ivr_greeting = { message: pick(['Enter your PIN', 'Hello', 'PIN please']) };
    return c;
  }
  const c = { type: 'pinless_dialin', room_creation_api: pick([HOOK, 'https://example.org/x']) };
  if (numbered) c.phone_number = num(n);
  if (!numbered || r() < 0.4) c.name_prefix = numbered ? pick(['a', 'b']) : `sip-${n}`;
  if (r() < 0.5) c.hmac = pick([HMAC, 'YW5vdGhlci1zZWNyZXQtaG1hYy1mb3ItY2xpLXRlc3Q=']);
  if (r() < 0.3) c.hold_music_url = 'https://example.com/hold.mp3';
  if (r() < 0.3) c.timeout_config = { message: pick(['Sorry', 'Try later']) };
  return c;
}

/** What a config is, as the file says it: its type and every field the file sets. */
const shape = (type, c) => JSON.stringify({ type, ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'type' && k !== 'sip_uri').sort()) });

test('property: applying the plan of a random file over random stored configs yields exactly the file (prune)', { timeout: 180_000 }, async () => {
  const { planConfigs } = await import(join(CONSUMER, 'node_modules', 'daily-dialin', 'configs', 'node.mjs'));
  const c = client();
  const CASES = 25;
  for (let seed = 1; seed <= CASES; seed++) {
    const r = rng(seed);
    emu.reset();
    // Numbers 0..7; current and desired overlap partly, with random types and fields.
    for (let n = 0; n < 8; n++) if (r() < 0.5) await c.create(randomConfig(r, n));
    const desired = [];
    for (let n = 0; n < 8; n++) if (r() < 0.6) desired.push(randomConfig(r, n));
    const current = await stored();
    const plan = planConfigs({ configs: desired }, current, { prune: true, allowPrivateUrls: true });
    const report = await apply.applyPlan(c, plan, { requestsPerSecond: 1000 });
    assert.deepEqual([report.failed, report.rolledBack, report.skipped], [[], [], []], `seed ${seed}`);
    const got = (await stored()).map((x) => {
      // Fields the file leaves out are kept as stored (an update cannot remove one): compare the
      // fields the file sets, and that nothing else has a config.
      const want = desired.find((d) => (d.phone_number ?? null) === (x.config.phone_number ?? null) && (d.phone_number || d.name_prefix === x.config.name_prefix));
      const fields = want ? Object.fromEntries(Object.keys(want).filter((k) => k !== 'type').map((k) => [k, x.config[k]])) : x.config;
      return shape(x.type, fields);
    });
    assert.deepEqual(got.sort(), desired.map((d) => shape(d.type, d)).sort(), `seed ${seed}`);
    const again = planConfigs({ configs: desired }, await stored(), { prune: true, allowPrivateUrls: true });
    assert.equal(again.hasChanges, false, `seed ${seed}: a second plan has changes:\n${again.text}`);
  }
});
