// The fast path of validateCreate / validateUpdate in the Node entries (pkg-template/fast.js: plain
// data sent as JSON text to a module built for speed) against the careful path (the glue's own
// validateCreate, which reads the JS value key by key), through the packed package: the same
// report, property order included, on the benchmark corpus, on 100,000+ mutated bodies, and on
// hostile values (getters, proxies, toJSON, ...). `globalThis.__dailyDialinCareful = true` turns
// the fast path off (fast.js); FAST_INPUTS and FAST_SEED reproduce a run.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { dd } from './installed.mjs';
import { rng } from './helpers.mjs';
import { CORPUS } from '../../bench/corpus.mjs';

const INPUTS = Number(process.env.FAST_INPUTS ?? 100_000);
const SEED = Number(process.env.FAST_SEED ?? Math.floor(Math.random() * 2 ** 31));

let modules;
before(async () => {
  const m = await dd();
  modules = [
    ['daily-dialin', m],
    ['daily-dialin/core', m.core],
  ];
});

/** Both paths' reports as JSON text (which keeps property order), and whether the body's keys were listed once. */
function both(fn, value, opts) {
  globalThis.__dailyDialinCareful = true;
  let careful;
  try {
    careful = JSON.stringify(fn(value, opts));
  } finally {
    globalThis.__dailyDialinCareful = false;
  }
  return { fast: JSON.stringify(fn(value, opts)), careful };
}

function assertSame(fn, value, opts, what) {
  const { fast, careful } = both(fn, value, opts);
  assert.equal(fast, careful, what);
}

/**
 * A proxy over `target` that counts its traps: the fast path is taken when `getPrototypeOf` is
 * asked (only fast.js asks it) and `ownKeys` once (a fallback to the careful path asks again).
 */
function counted(target) {
  const calls = { getPrototypeOf: 0, ownKeys: 0 };
  const proxy = new Proxy(target, {
    getPrototypeOf(t) {
      calls.getPrototypeOf++;
      return Reflect.getPrototypeOf(t);
    },
    ownKeys(t) {
      calls.ownKeys++;
      return Reflect.ownKeys(t);
    },
  });
  return { proxy, calls };
}

const KEYS = ['type', 'phone_number', 'name_prefix', 'hmac', 'room_creation_api', 'hold_music_url', 'timeout_config', 'ivr_greeting', 'message', 'phoneNumber', 'Room-Creation-API', 'config', 'id', 'sip_uri', 'mesage', 'toJSON', 'constructor', '', 'a"b', 'ké', 'x\u0007'];
const STRINGS = [
  '', ' ', '  \t', '+', '+1', '+12095551234', '+442079460958', '+0123', '+2591234567', '+999999999999999999', '(209) 555-1234', '12095551234',
  'pin_dialin', 'pinless_dialin', 'PIN_DIALIN', 'pinless', 'pin', 'https://example.com/x', 'http://example.com/a.mp3', 'https://example.com/hold.MP3?v=1',
  'http://localhost:1/a.mp3', 'https://[::1]:99999/', 'https://user@10.0.0.1/x', 'https://[2001:db8::1]/d', 'https://0x7f.1/', 'ftp://x', 'example.com/dial',
  'https://exa mple.com', 'https://１２７.０.０.１/', 'MDEyMzQ1Njc4OWFiY2RlZg==', '9jyatvPWQfBymCGDOYPYKF/TRZXR+08Gj4bvPF78pH0=', 'AAECAwQFBgc=', 'not base64!',
  '9jyatvPWQfBymCGDOYPYKF_TRZXR-08Gj4bvPF78pH0', '\u0000', 'a\u0007b', '\ud800', '\udc00x\ud800', '😀', 'a\nb', 'é'.repeat(50), 'Équipe – support ☎',
  '\u2028', '"quoted"', 'back\\slash', '\u007f', '\u0085', 'x'.repeat(300),
];

function generator(random) {
  const int = (n) => Math.floor(random() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => random() < p;
  const bases = CORPUS.map((c) => c.body).filter((b) => !Array.isArray(b));
  function string() {
    switch (int(5)) {
      case 0: return pick(STRINGS) + pick(STRINGS);
      case 1: return String.fromCharCode(...Array.from({ length: int(12) }, () => int(0x10000)));
      case 2: return pick(STRINGS).repeat(1 + int(20));
      case 3: return `+${int(1e9)}${int(1e9)}`.slice(0, 1 + int(18));
      default: return pick(STRINGS);
    }
  }
  function scalar() {
    switch (int(7)) {
      case 0: return random() * 10 ** int(25) * (chance(0.5) ? -1 : 1);
      case 1: return int(200) - 50;
      case 2: return chance(0.5);
      case 3: return null;
      case 4: return chance(0.9) ? undefined : -0;
      default: return string();
    }
  }
  function junk(depth = 0) {
    if (depth > 3 || chance(0.35)) return scalar();
    if (chance(0.4)) return Array.from({ length: int(4) }, () => junk(depth + 1));
    const o = {};
    for (let i = int(5); i > 0; i--) o[chance(0.7) ? pick(KEYS) : string()] = junk(depth + 1);
    return o;
  }
  function mutate(base) {
    const o = { ...base };
    for (const k of ['timeout_config', 'ivr_greeting']) if (o[k] && typeof o[k] === 'object') o[k] = { ...o[k] };
    for (let n = int(4); n > 0; n--) {
      const keys = Object.keys(o);
      switch (int(8)) {
        case 0: delete o[pick(keys)]; break;
        case 1: o[pick(KEYS)] = scalar(); break;
        case 2: o[pick(keys) ?? 'type'] = junk(); break;
        case 3: o.type = pick(['pin_dialin', 'pinless_dialin', 'PIN_DIALIN', 'pinless', '', 7, null]); break;
        case 4: { const k = pick(keys); if (typeof o[k] === 'string') o[k] = o[k].slice(0, int(o[k].length + 1)) + string(); break; }
        case 5: o[pick(['timeout_config', 'ivr_greeting'])] = chance(0.8) ? { message: scalar(), [pick(KEYS)]: scalar() } : junk(); break;
        case 6: o[string()] = scalar(); break;
        default: o[pick(KEYS)] = string();
      }
    }
    // Reorder the keys now and then (the reports list fields in key order, whatever the input's).
    if (chance(0.3)) return Object.fromEntries(Object.entries(o).reverse());
    return o;
  }
  return () => {
    const r = random();
    if (r < 0.8) return mutate(pick(bases));
    if (r < 0.9) return junk();
    return pick(bases);
  };
}

const OPTIONS = [undefined, null, {}, { allowPrivateUrls: true }, { allowPrivateUrls: false }, { allowPrivateUrls: null }, { allowPrivateUrls: 'yes' }, { type: 'pin_dialin' }, { type: 'pinless_dialin', allowPrivateUrls: true }, { type: 'pin' }, { type: 3 }, { extra: NaN }, 7, []];

describe('fast path of validateCreate / validateUpdate (fast.js) = careful path', () => {
  it('takes the fast path for plain bodies, and answers without falling back', () => {
    for (const [name, m] of modules) {
      for (const c of CORPUS.filter((c) => !Array.isArray(c.body))) {
        const { proxy, calls } = counted(c.body);
        const report = JSON.stringify(m.validateCreate(proxy));
        assert.equal(calls.getPrototypeOf, 1, `${name}: ${c.name}: fast path not taken`);
        assert.equal(calls.ownKeys, 1, `${name}: ${c.name}: fell back to the careful path`);
        globalThis.__dailyDialinCareful = true;
        try {
          assert.equal(report, JSON.stringify(m.validateCreate(c.body)), `${name}: ${c.name}`);
        } finally {
          globalThis.__dailyDialinCareful = false;
        }
        assert.equal(m.validateCreate(c.body).ok, c.ok, `${name}: ${c.name}: verdict`);
      }
    }
  });

  it('gives the same reports on the benchmark corpus, with every option bag', () => {
    for (const [name, m] of modules) {
      for (const c of CORPUS) {
        for (const opts of OPTIONS) {
          assertSame(m.validateCreate, c.body, opts, `${name}: validateCreate ${c.name} ${JSON.stringify(opts)}`);
          const { type, ...patch } = c.body;
          assertSame(m.validateUpdate, patch, opts, `${name}: validateUpdate ${c.name} ${JSON.stringify(opts)}`);
        }
      }
    }
  });

  it(`gives the same reports on ${INPUTS} mutated bodies (seed ${SEED})`, () => {
    const next = generator(rng(SEED));
    const pickOpts = rng(SEED + 1);
    const [, m] = modules[0];
    let failed = 0;
    let sampled = 0;
    let answered = 0;
    for (let i = 0; i < INPUTS; i++) {
      const body = next();
      if (i % 10 === 0 && typeof body === 'object' && body !== null) {
        // How many of the bodies the fast path answers (else the comparison would prove little).
        const { proxy, calls } = counted(body);
        m.validateCreate(proxy);
        sampled++;
        if (calls.getPrototypeOf === 1 && calls.ownKeys === 1) answered++;
      }
      const opts = OPTIONS[Math.floor(pickOpts() * 6)];
      const fn = i % 4 === 3 ? m.validateUpdate : m.validateCreate;
      const { fast, careful } = both(fn, body, i % 4 === 3 ? { ...opts, type: ['pin_dialin', 'pinless_dialin', undefined][i % 3] } : opts);
      if (fast !== careful && failed++ < 3) {
        assert.equal(fast, careful, `input ${i} (seed ${SEED}): ${JSON.stringify(body)}`);
      }
    }
    assert.equal(failed, 0);
    assert.ok(answered > sampled / 2, `the fast path answered only ${answered} of ${sampled} sampled bodies`);
    console.log(`# the fast path answered ${answered} of ${sampled} sampled bodies`);
  });

  it('gives the same reports on values that are not plain data', () => {
    const base = () => ({ type: 'pin_dialin', phone_number: '+12095551234' });
    const hostile = [
      Object.defineProperty(base(), 'name_prefix', { enumerable: true, get: () => 'from a getter' }),
      Object.defineProperty(base(), 'name_prefix', { enumerable: true, get() { throw new Error('getter'); } }),
      new Proxy(base(), {}),
      new Proxy(base(), { get: (t, k) => (k === 'phone_number' ? '+1' : Reflect.get(t, k)) }),
      new Proxy(base(), { ownKeys() { throw new Error('ownKeys'); } }),
      new Proxy(base(), { getPrototypeOf() { throw new Error('getPrototypeOf'); } }),
      new Proxy(base(), { getPrototypeOf: () => Array.prototype }),
      { ...base(), toJSON: () => ({ type: 'pinless_dialin' }) },
      { ...base(), name_prefix: { toJSON: () => 'x' } },
      Object.assign(Object.create({ inherited: 1 }), base()),
      Object.assign(Object.create(null), base()),
      { ...base(), ivr_greeting: new Date(0) },
      { ...base(), name_prefix: 10n },
      { ...base(), name_prefix: NaN },
      { ...base(), name_prefix: -Infinity },
      { ...base(), name_prefix: Symbol('s') },
      { ...base(), name_prefix: () => 1 },
      { ...base(), [Symbol('k')]: 1 },
      { ...base(), ivr_greeting: [1, , 3] },
      { ...base(), ivr_greeting: [1, undefined] },
      { ...base(), ivr_greeting: Object.assign([1], { extra: 2 }) },
      JSON.parse('{"type":"pin_dialin","__proto__":{"x":1}}'),
      { ...base(), ['k'.repeat(300)]: 1 },
      { ...base(), name_prefix: 'n'.repeat(70_000) },
      { ...base(), ivr_greeting: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) },
      { ...base(), ivr_greeting: Array.from({ length: 2100 }, () => 1) },
      (() => { let o = 'leaf'; for (let i = 0; i < 33; i++) o = { message: o }; return { ...base(), ivr_greeting: o }; })(),
      (() => { let o = 'leaf'; for (let i = 0; i < 31; i++) o = [o]; return { ...base(), ivr_greeting: o }; })(),
      (() => { const o = base(); o.ivr_greeting = o; return o; })(),
      ['type', 'pin_dialin'],
      'a string',
      undefined,
      null,
    ];
    for (const [name, m] of modules) {
      for (const [i, v] of hostile.entries()) {
        assertSame(m.validateCreate, v, undefined, `${name}: hostile value ${i}`);
        assertSame(m.validateUpdate, v, { type: 'pin_dialin' }, `${name}: hostile value ${i} (update)`);
      }
    }
    // A toJSON on the prototypes: JSON.stringify would call it, so the fast path steps aside.
    Object.prototype.toJSON = () => ({ type: 'pinless_dialin' });
    try {
      assertSame(modules[0][1].validateCreate, base(), undefined, 'Object.prototype.toJSON');
    } finally {
      delete Object.prototype.toJSON;
    }
  });

  it('reads each property once, as the careful path does', () => {
    for (const [name, m] of modules) {
      for (const careful of [true, false]) {
        let reads = 0;
        const body = Object.defineProperty({ type: 'pin_dialin', phone_number: '+12095551234' }, 'name_prefix', {
          enumerable: true,
          get: () => (reads++ === 0 ? '' : 'ok'),
        });
        globalThis.__dailyDialinCareful = careful;
        try {
          // A getter that answers differently each time: the report is the first answer's.
          assert.equal(m.validateCreate(body).issues[0]?.code, 'empty', `${name} careful=${careful}`);
        } finally {
          globalThis.__dailyDialinCareful = false;
        }
        assert.equal(reads, 1, `${name} careful=${careful}`);
      }
    }
  });

  it('returns a fresh report object each time', () => {
    const [, m] = modules[0];
    const body = CORPUS[0].body;
    const a = m.validateCreate(body);
    a.issues.push('mutated');
    a.ok = false;
    assert.deepEqual(m.validateCreate(body), { ok: true, issues: [] });
  });
});
