// The fuzz loop of fuzz.test.mjs, run in worker threads (one module instance each).
// workerData: { modulePaths, seed, inputs, warmup, memorySlack }: every module (the package root,
// core/, webhook/) is fuzzed in turn, each with its own wasm instance. Posts
// { counts, memory } (keyed by module) or throws (the error reaches the test through the worker's
// 'error' event).
import assert from 'node:assert/strict';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { entryGlueUrl, rng } from './helpers.mjs';

const { modulePaths, seed: SEED, inputs: INPUTS, warmup: WARMUP, memorySlack: MEMORY_SLACK } = workerData;
const modules = await Promise.all(
  Object.entries(modulePaths).map(async ([name, path]) => [name, await import(pathToFileURL(path).href)]),
);
// Each module's wasm memory size: `__memoryBytes` of the glue beside its Node entry, the module
// instance that entry loaded (the entries do not export the glue's internal `__` functions).
const memoryBytesOf = {};
for (const [name, mod] of modules) {
  const glue = await import(entryGlueUrl(modulePaths[name]));
  assert.equal(glue.generateHmacSecret, mod.generateHmacSecret, `${name}: glue.js is the instance its entry loaded`);
  memoryBytesOf[name] = glue.__memoryBytes;
}
const byName = Object.fromEntries(modules);
// The generator makes some inputs with the package itself (outside the checked calls).
const helpers = {
  buildCreateRequest: byName['daily-dialin'].buildCreateRequest,
  signPinlessWebhook: byName['daily-dialin/webhook'].signPinlessWebhook,
};
/** The module under test (its error classes are the shared ones of errors.js), its name and memory probe. */
let dd;
let moduleName;
let memoryBytes;

/** Inputs this large (string characters, summed) may raise the allocator's high-water mark. */
const LARGE_INPUT = 60_000;

/**
 * About how much data `v` holds: its strings' lengths, summed, through objects and arrays (each
 * value once; getters and proxies that throw count as nothing). For the memory check only.
 */
function approxSize(v) {
  const seen = new Set();
  const stack = [v];
  let size = 0;
  for (let steps = 0; stack.length && steps < 200_000; steps++) {
    const x = stack.pop();
    if (typeof x === 'string') size += x.length;
    else if (x !== null && typeof x === 'object' && !seen.has(x)) {
      seen.add(x);
      try {
        for (const k of Reflect.ownKeys(x)) {
          if (typeof k === 'string') size += k.length;
          try {
            stack.push(x[k]);
          } catch {
            // a throwing getter or trap
          }
        }
      } catch {
        // a proxy whose ownKeys throws
      }
    }
  }
  return size;
}

const KEY = 'sk_FUZZ_SECRET_KEY_7f3a';
// Stored configs for planConfigs (as Daily returns them, but the last, whose hmac is not a string),
// and the secrets a plan must never show.
const VALID_HMAC = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const PLAN_HMAC = 'cGxhbi1mdXp6LXNlY3JldC1obWFjLXZhbHVlLTAxMjM=';
const STORED = [
  { id: 'cfg-1', type: 'pin_dialin', config: { phone_number: '+14155550123' } },
  { id: 'cfg-2', type: 'pinless_dialin', config: { phone_number: '+442071838750', room_creation_api: 'https://example.com/dial', hmac: VALID_HMAC } },
  { id: 'cfg-3', type: 'pinless_dialin', config: { name_prefix: 'Support', room_creation_api: 'https://example.com/x', hmac: { env: 'H' } } },
];
// Legacy array entries (pinless with an hmac, pinless without a number, pin), fuzzed from these.
const LEGACY = [
  { phone_number: '+14155550123', room_creation_api: 'https://example.com/dial', hmac: PLAN_HMAC, sip_uri: 'x@sip.daily.co' },
  { name_prefix: 'Support', room_creation_api: 'https://example.com/x', hmac: VALID_HMAC },
  { phone_number: '+442071838750', ivr_greeting: { message: 'Enter your PIN' } },
];
const VALID = [
  { type: 'pin_dialin', phone_number: '+14155550123' },
  { type: 'pin_dialin', phone_number: '+442071838750', name_prefix: 'Sales', ivr_greeting: { message: 'Enter your PIN' } },
  { type: 'pinless_dialin', room_creation_api: 'https://example.com/dial' },
  {
    type: 'pinless_dialin',
    phone_number: '+14155550123',
    name_prefix: 'Support',
    hmac: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
    room_creation_api: 'https://api.example.com/daily/room',
    hold_music_url: 'https://cdn.example.com/hold.mp3',
    timeout_config: { message: 'Sorry, please call again later' },
  },
];
const PATCHES = [{ name_prefix: 'x' }, { hold_music_url: 'https://cdn.example.com/a.mp3' }, { ivr_greeting: {} }];
const QUERIES = [{}, { limit: 10 }, { phone_numbers: ['+1', '+44'], type: 'pin_dialin' }, { starting_after: 'abc' }];
const KEYS = [
  'type', 'phone_number', 'name_prefix', 'hmac', 'room_creation_api', 'hold_music_url', 'timeout_config',
  'ivr_greeting', 'message', 'limit', 'starting_after', 'ending_before', 'phone_numbers', 'sip_username',
  'apiKey', 'baseUrl', 'allowPrivateUrls', 'method', 'url', 'headers', 'body', 'Content-Type', 'Authorization',
  '__proto__', 'constructor', 'toJSON', 'length', '', 'phoneNumber', 'Room-Creation-API', 'config', 'id', 'sip_uri',
];
const STRINGS = [
  '', ' ', '+', '+1', '+14155550123', '+0123', '+999999999999999999', 'pin_dialin', 'pinless_dialin', 'PIN',
  'https://example.com/x', 'http://localhost:1/a.mp3', 'https://[::1]:99999/', 'https://user@10.0.0.1/x', 'ftp://x',
  'https://exa mple.com', 'MDEyMzQ1Njc4OWFiY2RlZg==', 'not base64!', '\u0000', '\ud800', '😀', 'a\nb', 'é'.repeat(50),
  'abc/def', 'abc?x#y', '%00', "'; rm -rf /", '\\', '"', '{}', 'null',
];

// Heavy values are built once and reused (inputs are never mutated in place).
const HUGE = ['x'.repeat((1 << 20) + 1), 'y'.repeat(70_000), 'é'.repeat(20_000)];
const WIDE = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
const SPARSE = Object.assign([], { length: 2 ** 32 - 1 });

function generator(random) {
  const int = (n) => Math.floor(random() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => random() < p;
  const DEEP = [deepFrom(2000, 0.5), deepFrom(2000, 0.9), deepFrom(40, 0.5), deepFrom(33, 0.1)];

  function deepFrom(n, p) {
    let o = 'leaf';
    for (let i = 0; i < n; i++) o = random() < p ? { timeout_config: o, message: o } : [o];
    return o;
  }

  function cyclic() {
    const o = { type: 'pin_dialin', phone_number: '+14155550123' };
    o[pick(KEYS.filter((k) => k !== '__proto__'))] = chance(0.5) ? o : [o];
    return o;
  }
  function deep() {
    return chance(0.9) ? deepFrom(int(40), 0.05) : pick(DEEP);
  }
  function randomString() {
    switch (int(6)) {
      case 0:
        return pick(STRINGS);
      case 1:
        return pick(STRINGS) + pick(STRINGS);
      case 2:
        return String.fromCharCode(...Array.from({ length: int(20) }, () => int(0x10000)));
      case 3:
        return pick(STRINGS).repeat(int(50));
      case 4: // rare huge strings: over and under the 1 Mi code-unit limit
        return chance(0.05) ? pick(HUGE) : pick(STRINGS);
      default:
        return `+${int(1e9)}${int(1e9)}`.slice(0, 2 + int(18));
    }
  }
  function weird() {
    switch (int(26)) {
      case 0: return undefined;
      case 1: return null;
      case 2: return NaN;
      case 3: return chance(0.5) ? Infinity : -Infinity;
      case 4: return -0;
      case 5: return BigInt(int(1e9)) * 10n ** BigInt(int(30));
      case 6: return Symbol('fuzz');
      case 7: return () => 1;
      case 8: return class Fuzz {};
      case 9: return new Date(int(2e12));
      case 10: return new Map([['type', 'pin_dialin']]);
      case 11: return new Set([1, 2]);
      case 12: return /re/g;
      case 13: return new Uint8Array(int(64));
      case 14: return cyclic();
      case 15: return deep();
      case 16: return new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } });
      case 17: return new Proxy({ a: 1 }, { get() { throw new Error('get trap'); } });
      case 18: {
        const p = Proxy.revocable(chance(0.5) ? {} : [], {});
        p.revoke();
        return p.proxy;
      }
      case 19: return Object.defineProperty({ type: 'pin_dialin' }, 'phone_number', { enumerable: true, get() { throw new RangeError('getter'); } });
      case 20: return Object.create(null);
      case 21: return chance(0.5) ? Object.assign([], { length: 5 }) : SPARSE;
      case 22: return chance(0.98) ? Object.fromEntries(Array.from({ length: int(30) }, (_, i) => [`k${i}`, i])) : WIDE;
      case 23: return Promise.resolve(1);
      case 24: return { toJSON() { throw new Error('toJSON'); }, valueOf() { throw new Error('valueOf'); } };
      default: return new (class Custom { constructor() { this.type = 'pin_dialin'; } })();
    }
  }
  function scalar() {
    switch (int(5)) {
      case 0: return randomString();
      case 1: return random() * 10 ** int(20) * (chance(0.5) ? -1 : 1);
      case 2: return int(200) - 50;
      case 3: return chance(0.5);
      default: return weird();
    }
  }
  function randomJson(depth = 0) {
    if (depth > 4 || chance(0.3)) return scalar();
    if (chance(0.5)) return Array.from({ length: int(5) }, () => randomJson(depth + 1));
    const o = {};
    for (let i = int(6); i > 0; i--) o[chance(0.8) ? pick(KEYS) : randomString()] = randomJson(depth + 1);
    return o;
  }
  function clone(v) {
    return JSON.parse(JSON.stringify(v));
  }
  function mutate(base) {
    const o = clone(base);
    for (let n = 1 + int(3); n > 0; n--) {
      switch (int(7)) {
        case 0: delete o[pick(Object.keys(o))]; break;
        case 1: o[pick(KEYS)] = scalar(); break;
        case 2: o[pick(Object.keys(o)) ?? 'type'] = weird(); break;
        case 3: o.type = pick(['pin_dialin', 'pinless_dialin', 'PIN_DIALIN', 'pin', '', 7]); break;
        case 4: o[pick(KEYS)] = randomJson(); break;
        case 5: { const k = pick(Object.keys(o)); if (typeof o[k] === 'string') o[k] = o[k].slice(0, int(o[k].length + 1)) + randomString(); break; }
        default: o[pick(['timeout_config', 'ivr_greeting'])] = { message: scalar(), [pick(KEYS)]: scalar() };
      }
    }
    return o;
  }
  function body(bases) {
    // A base that is not a list would make every mutation throw, and the retries would hide it.
    if (!Array.isArray(bases)) throw new Error('fuzz-worker: body() takes a list of bases');
    const r = random();
    if (r < 0.55) return mutate(pick(bases));
    if (r < 0.65) return clone(pick(bases));
    if (r < 0.85) return randomJson();
    return weird();
  }
  function options() {
    const r = random();
    if (r < 0.6) return { apiKey: KEY };
    if (r < 0.75) return { apiKey: KEY, baseUrl: pick(['https://api.daily.co/v1', 'http://127.0.0.1:1/v1/', randomString(), weird()]), allowPrivateUrls: chance(0.5) ? chance(0.5) : scalar(), type: pick(['pin_dialin', 'pinless_dialin', scalar()]) };
    if (r < 0.85) return mutate({ apiKey: KEY, allowPrivateUrls: true });
    return chance(0.5) ? weird() : randomJson();
  }
  function id() {
    return chance(0.7) ? pick(['cfg-1', 'a1b2c3', randomString()]) : scalar();
  }
  function request() {
    let req;
    try {
      req = helpers.buildCreateRequest(pick(VALID), { apiKey: KEY });
    } catch {
      req = { method: 'POST', url: 'https://x', headers: {} };
    }
    return chance(0.5) ? mutate(req) : chance(0.5) ? req : body([req]);
  }
  const SECRET = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';
  const CALL = '{"To":"+12095551234","From":"+14155550100","callId":"c-1","callDomain":"d-1"}';
  const TS = 1767225600;
  const signed = helpers.signPinlessWebhook({ body: CALL, secret: SECRET, timestamp: TS });
  function webhook() {
    const o = {
      body: chance(0.5) ? CALL : pick([randomString(), new TextEncoder().encode(CALL), new Uint8Array(int(64)), scalar(), randomJson(), weird()]),
      headers: chance(0.6) ? { ...signed } : pick([mutate({ ...signed }), randomJson(), weird(), { 'x-pinless-signature': [signed['X-Pinless-Signature'], randomString()], 'X-PINLESS-TIMESTAMP': String(TS) }]),
      now: chance(0.6) ? TS + int(700) - 350 : pick([scalar(), new Date(TS * 1000), TS * 1000, weird()]),
    };
    if (chance(0.7)) o.secret = chance(0.7) ? SECRET : pick([randomString(), scalar(), weird()]);
    else o.secrets = pick([[SECRET], [randomString(), SECRET], [], [scalar()], weird()]);
    if (chance(0.2)) o.toleranceSeconds = pick([0, 300, -1, 1.5, scalar()]);
    // (No mutate() of `o` itself: it clones through JSON, which never ends on the deep shared
    // structures weird() returns.)
    return chance(0.9) ? o : weird();
  }
  function signInput() {
    const o = { body: chance(0.7) ? CALL : pick([randomString(), scalar(), weird()]), secret: chance(0.7) ? SECRET : pick([randomString(), scalar()]) };
    if (chance(0.5)) o.timestamp = pick([TS, String(TS), scalar(), -1, 1.5]);
    return chance(0.9) ? o : weird();
  }
  return { body, options, id, request, scalar, pick, int, chance, webhook, signInput };
}

function checkIssues(issues, where) {
  assert.ok(Array.isArray(issues), `${where}: issues is an array`);
  for (const i of issues) {
    assert.equal(typeof i.path, 'string', where);
    assert.equal(typeof i.code, 'string', where);
    assert.ok(i.severity === 'error' || i.severity === 'warning', where);
    assert.equal(typeof i.message, 'string', where);
    assert.ok(!i.message.includes(KEY), `${where}: an issue message shows the API key`);
  }
}

/** Webhook functions refuse with WebhookVerificationError (a reason) or DailyDialinError (misuse). */
function checkWebhookThrown(e, where) {
  assert.ok(!(e instanceof WebAssembly.RuntimeError), `${where}: wasm trapped: ${e?.message}`);
  assert.ok(e instanceof dd.DailyDialinError, `${where}: threw ${e?.name}: ${e?.message}`);
  if (e instanceof dd.WebhookVerificationError) assert.match(e.reason, /^[a-z_]+$/, where);
  for (const text of [e.message, String(e), JSON.stringify(e)]) {
    assert.ok(!text.includes('q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA='), `${where}: the error shows the secret`);
  }
}

function checkThrown(e, where) {
  assert.ok(!(e instanceof WebAssembly.RuntimeError), `${where}: wasm trapped: ${e?.message}`);
  assert.ok(e instanceof Error, `${where}: threw a non-Error ${String(e)}`);
  assert.ok(e instanceof dd.ValidationError, `${where}: threw ${e.name}: ${e.message}`);
  checkIssues(e.issues, where);
  assert.ok(e.issues.some((i) => i.severity === 'error'), `${where}: refused without an error issue`);
  for (const text of [e.message, String(e), JSON.stringify(e)]) {
    assert.ok(!text.includes(KEY), `${where}: the error shows the API key`);
  }
}

function checkReport(r, where) {
  assert.equal(typeof r.ok, 'boolean', where);
  checkIssues(r.issues, where);
  assert.equal(r.ok, !r.issues.some((i) => i.severity === 'error'), `${where}: ok disagrees with issues`);
}

function checkRequest(r, where) {
  assert.ok(['GET', 'POST', 'PUT', 'DELETE'].includes(r.method), where);
  assert.match(r.url, /^https?:\/\//, where);
  assert.equal(Object.getPrototypeOf(r.headers), Object.prototype, `${where}: headers is a plain object`);
  assert.equal(typeof r.headers.Authorization, 'string', where);
  assert.ok(r.body === undefined || typeof r.body === 'string', where);
}

function run() {
  const g = generator(rng(SEED));
  // [name, make the arguments (generator code, outside the checked call), export, check]
  const calls = [
    ['validateCreate', () => [g.body(VALID), g.chance(0.7) ? undefined : g.options()], dd.validateCreate, checkReport],
    ['validateUpdate', () => [g.body(PATCHES), g.chance(0.5) ? undefined : g.options()], dd.validateUpdate, checkReport],
    ['validateListQuery', () => [g.body(QUERIES)], dd.validateListQuery, checkReport],
    ['buildCreateRequest', () => [g.body(VALID), g.options()], dd.buildCreateRequest, checkRequest],
    ['buildUpdateRequest', () => [g.id(), g.body(PATCHES), g.options()], dd.buildUpdateRequest, checkRequest],
    ['buildGetRequest', () => [g.id(), g.options()], dd.buildGetRequest, checkRequest],
    ['buildListRequest', () => [g.body(QUERIES), g.options()], dd.buildListRequest, checkRequest],
    ['buildDeleteRequest', () => [g.id(), g.options()], dd.buildDeleteRequest, checkRequest],
    ['toCurl', () => [g.request()], dd.toCurl, (s, where) => {
      assert.equal(typeof s, 'string', where);
      assert.ok(!s.includes(KEY), `${where}: curl shows the API key`);
    }],
    ['redactRequest', () => [g.request()], dd.redactRequest, (r, where) => {
      assert.equal(r.headers.Authorization, 'Bearer ***', where);
      assert.ok(!JSON.stringify(r).includes(KEY), `${where}: the redacted request shows the API key`);
    }],
    ['verifyPinlessWebhook', () => [g.webhook()], dd.verifyPinlessWebhook, (r, where) => {
      assert.ok(r.kind === 'test' || (r.kind === 'call' && typeof r.payload.callId === 'string'), where);
    }, checkWebhookThrown],
    ['signPinlessWebhook', () => [g.signInput()], dd.signPinlessWebhook, (r, where) => {
      assert.match(r['X-Pinless-Signature'], /^[A-Za-z0-9+/]{43}=$/, where);
    }, checkWebhookThrown],
    ['generateHmacSecret', () => [], dd.generateHmacSecret, (s, where) => assert.match(s, /^[A-Za-z0-9+/]{43}=$/, where), checkWebhookThrown],
    // Configs as code: a file of fuzzed bodies, stored configs fuzzed from real ones, any options.
    ['validateConfigsFile', () => [g.chance(0.7) ? { configs: [g.body(VALID), g.body(VALID)] } : g.body(VALID), g.chance(0.5) ? undefined : g.chance(0.5) ? { env: { H: PLAN_HMAC } } : g.options()], dd.validateConfigsFile, checkReport],
    // Half the inputs are valid (a plan is made), half fuzzed (a plan or a ValidationError).
    ['planConfigs', () => g.chance(0.5)
      ? [{ configs: [g.pick(VALID)] }, g.chance(0.5) ? [] : [g.pick(STORED.slice(0, 2))], { env: { H: PLAN_HMAC }, prune: g.chance(0.5) }]
      : [{ configs: [g.body(VALID), g.body(VALID)] }, g.chance(0.2) ? g.body(STORED) : [g.body(STORED), g.body(STORED)], g.chance(0.5) ? { env: { H: PLAN_HMAC }, prune: g.chance(0.5) } : g.options()], dd.planConfigs, (p, where) => {
      assert.equal(typeof p.text, 'string', where);
      assert.ok(Array.isArray(p.actions) && Array.isArray(p.steps), where);
      assert.ok(!Object.keys(p).includes('steps'), `${where}: steps is enumerable`);
      for (const text of [JSON.stringify(p), p.text]) {
        assert.ok(!text.includes(VALID_HMAC) && !text.includes(PLAN_HMAC), `${where}: the plan shows an hmac`);
      }
    }],
    // The legacy arrays: a domain config of fuzzed entries (or anything), fuzzed stored configs.
    ...['planLegacyMigration', 'planLegacyClearing'].map((name) => [name, () => [
      g.chance(0.8) ? { config: { pinless_dialin: [g.body(LEGACY), g.body(LEGACY)], pin_dialin: g.chance(0.5) ? [g.body(LEGACY)] : g.scalar() } } : g.body(LEGACY),
      g.chance(0.5) ? [g.pick(STORED.slice(0, 2))] : g.chance(0.5) ? [] : [g.body(STORED)],
      ...(name === 'planLegacyMigration' ? [g.chance(0.5) ? undefined : g.options()] : []),
    ], dd[name], (r, where) => {
      assert.ok(Array.isArray(r.entries), where);
      const shown = JSON.stringify(r) + (r.plan?.text ?? '');
      assert.ok(!shown.includes(VALID_HMAC) && !shown.includes(PLAN_HMAC), `${where}: an hmac is shown`);
    }]),
    ['configsSchema', () => [], dd.configsSchema, (s, where) => assert.equal(typeof JSON.parse(s), 'object', where)],
    // Missing and extra arguments.
    ['validateCreate()', () => [], dd.validateCreate, checkReport],
    ['buildGetRequest(...extra)', () => [g.id(), g.options(), g.scalar(), g.scalar()], dd.buildGetRequest, checkRequest],
  ].filter(([, , fn]) => fn !== undefined); // each module has its own exports
  // Every exported function must be in the table above (classes, such as a client, are not
  // functions of plain data and are left to their own tests; so is checkHoldMusic, which fetches:
  // this loop is synchronous, and hold-music.test.mjs fuzzes it with hostile responses, awaited;
  // so are upsert and changeType of daily-dialin/configs, which send through a client:
  // upsert.test.mjs gives them hostile bodies and stored configs).
  const isClass = (f) => /^class[\s{]/.test(Function.prototype.toString.call(f));
  const exported = Object.keys(dd).filter(
    (k) => typeof dd[k] === 'function' && !isClass(dd[k]) && !/^(__|init$|initSync$|checkHoldMusic$|upsert$|changeType$)/.test(k),
  );
  for (const name of exported) assert.ok(calls.some(([n]) => n === name), `the fuzz covers ${name}`);

  const counts = Object.fromEntries(calls.map(([n]) => [n, { ok: 0, threw: 0 }]));
  let warm = 0;
  // Memory growth after the warm-up, call by call (see the check after the loop).
  const growths = [];
  let last = 0;
  const noteGrowth = (i, name, args) => {
    if (i < WARMUP) return;
    const now = memoryBytes();
    if (last && now > last) growths.push({ name, input: i, by: now - last, size: approxSize(args) });
    last = now;
  };
  for (let i = 0; i < INPUTS; i++) {
    if (i === WARMUP) {
      // toCurl renders bodies of up to 8 Mi characters, so the generator's largest body (a HUGE
      // string, ~1 MiB) drawn only after the warm-up would raise the memory's high-water mark by
      // ~1 MiB without any leak: reach that mark first, then measure. (This leaves that much more
      // free heap for a leak to use unseen; the exact leak checks are core-inputs.test.mjs's.)
      if (typeof dd.toCurl === 'function') {
        const req = helpers.buildCreateRequest(VALID[0], { apiKey: KEY });
        dd.toCurl({ ...req, body: HUGE[0] });
      }
      warm = memoryBytes();
      last = warm;
    }
    for (const [name, makeArgs, fn, check, thrown = checkThrown] of calls) {
      const where = `${name} (seed ${SEED}, input ${i})`;
      let args;
      for (let tries = 0; args === undefined; tries++) {
        try {
          args = makeArgs();
        } catch (e) {
          // The generator built an impossible value (e.g. a cyclic __proto__): draw again.
          if (tries > 100) throw e;
        }
      }
      let result;
      try {
        result = fn(...args);
      } catch (e) {
        thrown(e, where);
        counts[name].threw++;
        noteGrowth(i, name, args);
        continue;
      }
      check(result, where);
      counts[name].ok++;
      noteGrowth(i, name, args);
    }
  }
  const end = memoryBytes();
  // A leak makes ordinary calls grow the memory, a little at a time. Growth by a call with a large
  // input (one of the generator's HUGE strings) is the allocator's high-water mark rising once for
  // that size: allowed, a few times, within MEMORY_SLACK of each other.
  const ordinary = growths.filter((g) => g.size < LARGE_INPUT);
  assert.deepEqual(ordinary, [], `${moduleName}: wasm memory grew on calls with ordinary inputs (a leak?)`);
  assert.ok(growths.length <= 8, `${moduleName}: wasm memory grew ${growths.length} times after warm-up: ${JSON.stringify(growths)}`);
  assert.ok(end <= warm + MEMORY_SLACK + growths.reduce((a, g) => a + g.by, 0), `${moduleName}: wasm memory grew from ${warm} to ${end} bytes after warm-up`);
  assert.ok(end <= 64 << 20, `wasm memory reached ${end} bytes`);
  // Both outcomes were exercised for the functions that can refuse.
  for (const name of ['buildCreateRequest', 'buildUpdateRequest', 'buildGetRequest', 'buildListRequest', 'toCurl', 'redactRequest', 'verifyPinlessWebhook', 'signPinlessWebhook']) {
    if (!counts[name]) continue;
    assert.ok(counts[name].ok > 0 && counts[name].threw > 0, `${name}: ${JSON.stringify(counts[name])}`);
  }
  return { counts, memory: { afterWarmup: warm, end } };
}

const out = { counts: {}, memory: {} };
for (const [name, mod] of modules) {
  dd = mod;
  moduleName = name;
  memoryBytes = memoryBytesOf[name];
  assert.ok(typeof memoryBytes === 'function', `${name}: no __memoryBytes in its glue.js`);
  assert.ok(!('__memoryBytes' in dd), `${name}: the entry exports the internal __memoryBytes`);
  const r = run();
  out.counts[name] = r.counts;
  out.memory[name] = r.memory;
}
parentPort.postMessage(out);
