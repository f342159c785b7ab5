// Differential test of host judgement: about 120,000 URL spellings, generated from a seeded PRNG
// (IPv4 number forms, IPv6 forms, Unicode look-alikes, invisible characters, userinfo and
// backslashes, ports, trailing dots, percent-encoding), each judged twice: by the packed package's
// validateCreate (room_creation_api) and, independently, by Node's WHATWG `URL` followed by a
// classifier written here with node:net (`isIP`, `BlockList`). The package must never accept a URL
// whose `new URL(s).hostname` is not public, nor one `URL` refuses, and the host it judged must be
// the one `URL` yields.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList, isIP } from 'node:net';
import { dd } from './installed.mjs';

const TOTAL = 120_000;

// ---- The independent classifier (what "public" means, in node:net terms) ----

const v4Blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // unspecified / this network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3], // multicast and reserved, broadcast included
]) v4Blocked.addSubnet(net, bits, 'ipv4');
const v6Blocked = new BlockList();
for (const [net, bits] of [
  ['::', 127], // :: and ::1
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b:1::', 48],
]) v6Blocked.addSubnet(net, bits, 'ipv6');

/** The 8 pieces of an IPv6 address as `URL` serialises it (lower-case hex, one `::`). */
function pieces6(text) {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const hex = (s) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const a = hex(head);
  const b = hex(tail);
  return [...a, ...Array(8 - a.length - b.length).fill(0), ...b];
}
const v4Of = (hi, lo) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** 'private' or 'public' for a hostname that `URL` produced. */
function classify(hostname) {
  const h = hostname.replace(/^\[|\]$/g, '');
  if (isIP(h) === 4) return v4Blocked.check(h, 'ipv4') ? 'private' : 'public';
  if (isIP(h) === 6) {
    if (v6Blocked.check(h, 'ipv6')) return 'private';
    const p = pieces6(h);
    const zero5 = p.slice(0, 5).every((x) => x === 0);
    let inner;
    if (zero5 && (p[5] === 0 || p[5] === 0xffff)) inner = v4Of(p[6], p[7]); // compatible / mapped
    else if (p[0] === 0x64 && p[1] === 0xff9b && p.slice(2, 6).every((x) => x === 0)) inner = v4Of(p[6], p[7]); // NAT64
    else if (p[0] === 0x2002) inner = v4Of(p[1], p[2]); // 6to4
    return inner && v4Blocked.check(inner, 'ipv4') ? 'private' : 'public';
  }
  const d = h.toLowerCase().replace(/\.+$/, '');
  if (d === 'localhost' || d.endsWith('.localhost')) return 'private';
  if (['.local', '.internal', '.lan', '.home.arpa'].some((s) => d.endsWith(s))) return 'private';
  if (!d.includes('.')) return 'private';
  return 'public';
}

/** What `URL` makes of `s`: { kind: 'throws' } or { kind, host } (brackets and one trailing dot off). */
function byUrl(s) {
  let u;
  try {
    u = new URL(s);
  } catch {
    return { kind: 'throws' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { kind: 'throws' };
  return { kind: classify(u.hostname), host: u.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '') };
}

/**
 * The host of `s` by the rule the package documents (authority up to `/`, `\`, `?` or `#`; after
 * the last `@`; before the port; lower-cased; one trailing dot off). Used only for accepted URLs.
 */
function documentedHost(s) {
  const rest = s.slice(s.indexOf('://') + 3);
  const authority = rest.slice(0, rest.search(/[/\\?#]|$/));
  const hp = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hp.startsWith('[') ? hp.slice(1, hp.indexOf(']')) : hp.split(':')[0];
  return host.toLowerCase().replace(/\.$/, '');
}

// ---- The generator ----

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = mulberry32(0x5eed_0014);
const int = (n) => Math.floor(rng() * n);
const chance = (p) => rng() < p;
const pick = (xs) => xs[int(xs.length)];

const V4_RANGES_PRIVATE = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
  [0xac100000, 12], [0xc0a80000, 16], [0xe0000000, 3],
];
const V4_PUBLIC_EDGES = [
  '8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255',
  '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255',
  '192.169.0.0', '223.255.255.255', '93.184.216.34',
];
const toU32 = (dotted) => dotted.split('.').reduce((n, b) => n * 256 + Number(b), 0);
const V4_PRIVATE_EDGES = ['127.0.0.1', '127.0.1.1', '0.0.0.0', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '100.127.255.255', '224.0.0.1', '255.255.255.255'].map(toU32);

function v4Address(wantPrivate) {
  if (wantPrivate) {
    if (chance(0.3)) return pick(V4_PRIVATE_EDGES);
    const [base, bits] = pick(V4_RANGES_PRIVATE);
    return (base + int(2 ** (32 - bits))) >>> 0;
  }
  if (chance(0.3)) return toU32(pick(V4_PUBLIC_EDGES));
  for (;;) {
    const n = int(2 ** 32);
    if (classify(v4Of(n >>> 16, n & 0xffff)) === 'public') return n;
  }
}

/** One number part, written in decimal, octal or hex (`URL` reads all three). */
function spellNumber(v) {
  const r = rng();
  if (r < 0.4) return String(v);
  if (r < 0.6) return '0'.repeat(1 + int(3)) + v.toString(8);
  const digits = v.toString(16);
  const cased = chance(0.5) ? digits : digits.toUpperCase();
  return (chance(0.8) ? '0x' : '0X') + '0'.repeat(chance(0.2) ? int(20) : 0) + cased;
}

function spellV4(n) {
  const k = pick([1, 2, 3, 4, 4, 4, 4]);
  const bytes = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const parts = bytes.slice(0, k - 1);
  parts.push(Number(BigInt(n) & ((1n << BigInt(8 * (5 - k))) - 1n)));
  let spelled = parts.map((v) => (chance(0.45) ? String(v) : spellNumber(v)));
  if (chance(0.08)) {
    const i = int(spelled.length);
    spelled[i] = pick([
      String(parts[i] + 256), `0x${(parts[i] + 256).toString(16)}`, '08', '09', '0x1g', '', '+1', '-1', '1e2',
      String(parts[i] + 2 ** 32), `0x${'f'.repeat(9)}`, '0'.repeat(30) + '1',
    ]);
  }
  if (chance(0.03)) spelled.push(pick(['1', '0', '0x1']));
  let s = spelled.join('.');
  if (chance(0.1)) s += '.';
  if (chance(0.02)) s += '.';
  return s;
}

function v6Address(wantPrivate) {
  const rand16 = () => int(0x10000);
  const withV4 = (prefix, priv) => {
    const n = v4Address(priv);
    return [...prefix, n >>> 16, n & 0xffff];
  };
  if (wantPrivate) {
    return pick([
      () => [0, 0, 0, 0, 0, 0, 0, 1],
      () => [0, 0, 0, 0, 0, 0, 0, 0],
      () => [0xfe80 + int(0x40), ...Array.from({ length: 7 }, () => (chance(0.5) ? 0 : rand16()))],
      () => [0xfc00 + int(0x200), ...Array.from({ length: 7 }, () => (chance(0.5) ? 0 : rand16()))],
      () => [0xfec0 + int(0x40), 0, 0, 0, 0, 0, 0, 1 + int(9)],
      () => [0xff00 + int(0x100), 0, 0, 0, 0, 0, 0, 1 + int(9)],
      () => withV4([0, 0, 0, 0, 0, 0xffff], true),
      () => withV4([0, 0, 0, 0, 0, 0], true),
      () => withV4([0x64, 0xff9b, 0, 0, 0, 0], true),
      () => [0x64, 0xff9b, 1, 0, 0, 0, 0, 1 + int(9)],
      () => {
        const n = v4Address(true);
        return [0x2002, n >>> 16, n & 0xffff, 0, 0, 0, 0, int(3)];
      },
    ])();
  }
  return pick([
    () => [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],
    () => [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111],
    () => [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888],
    () => [0x2400 + int(0x1000), ...Array.from({ length: 7 }, () => (chance(0.4) ? 0 : rand16()))],
    () => withV4([0, 0, 0, 0, 0, 0xffff], false),
    () => withV4([0x64, 0xff9b, 0, 0, 0, 0], false),
    () => {
      const n = v4Address(false);
      return [0x2002, n >>> 16, n & 0xffff, 0, 0, 0, 0, 1];
    },
  ])();
}

function spellV6(p) {
  const embed = chance(0.25);
  const groups = embed ? p.slice(0, 6) : p.slice();
  const fmt = (g) => {
    let h = g.toString(16);
    if (chance(0.2)) h = h.padStart(4, '0');
    if (chance(0.2)) h = h.toUpperCase();
    return h;
  };
  let words = groups.map(fmt);
  // Compress one run of zero groups (any length, or none).
  const runs = [];
  for (let i = 0; i < groups.length; i++) {
    if (groups[i] !== 0) continue;
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    runs.push([i, j - i]);
  }
  let text;
  if (runs.length && chance(0.75)) {
    const [at, len0] = pick(runs);
    const len = 1 + int(len0);
    text = `${words.slice(0, at).join(':')}::${words.slice(at + len).join(':')}`;
    if (embed) text += (at + len === groups.length ? '' : ':') + v4Of(p[6], p[7]);
  } else {
    text = words.join(':') + (embed ? `:${v4Of(p[6], p[7])}` : '');
  }
  if (chance(0.06)) {
    text = pick([
      () => `${text}%25eth0`, () => `${text}%eth0`, () => `${text}:1`, () => `${text}::`, () => `1:${text}`,
      () => text.replace(/\d+$/, (d) => `0${d}`), () => text.replace(/\d+$/, '256'), () => `${text}:`,
      () => text.replace(/[0-9a-f]+/i, '12345'), () => text.replace('::', ':::'),
    ])();
  }
  return chance(0.97) ? `[${text}]` : text;
}

const DOMAINS_PRIVATE = ['localhost', 'foo.localhost', 'printer.local', 'svc.internal', 'router.lan', 'nas.home.arpa', 'intranet', 'metadata'];
const DOMAINS_PUBLIC = [
  'example.com', 'api.daily.co', 'hooks.example.org', 'xn--nxasmq6b.com', '127.0.0.1.nip.io', 'localhost.example.com',
  '0x7f.example.com', '1e3.com', 'a-b_c.example.net', '09.example', 'xn--zz.com', 'local.example', 'example.com.',
];
function spellDomain(d) {
  let s = [...d].map((c) => (chance(0.15) ? c.toUpperCase() : c)).join('');
  if (chance(0.1)) s += '.';
  return s;
}

const FULLWIDTH = (c) => String.fromCodePoint(c.codePointAt(0) - 0x21 + 0xff01);
const DOT_LIKES = ['\u3002', '\uff0e', '\uff61'];
const INVISIBLES = ['\u00ad', '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u034f', '\u180b'];
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** Replaces some characters by Unicode look-alikes that UTS-46 maps back (fullwidth, bold, ...). */
function lookAlike(s) {
  return [...s]
    .map((c) => {
      if (!chance(0.35)) return c;
      if (c === '.') return pick(DOT_LIKES);
      if (/[0-9]/.test(c)) {
        return pick([FULLWIDTH(c), String.fromCodePoint(0x1d7ce + Number(c)), SUPERSCRIPT[Number(c)]]);
      }
      if (/[a-z]/i.test(c)) return pick([FULLWIDTH(c), String.fromCodePoint(0x1d41a + c.toLowerCase().charCodeAt(0) - 97)]);
      if (c === ':') return '\uff1a';
      return c;
    })
    .join('');
}
function insertAt(s, piece) {
  const i = int(s.length + 1);
  return s.slice(0, i) + piece + s.slice(i);
}
function percentEncode(s) {
  const i = int(s.length);
  const hex = s.charCodeAt(i).toString(16).padStart(2, '0');
  return s.slice(0, i) + `%${chance(0.5) ? hex : hex.toUpperCase()}` + s.slice(i + 1);
}

/** One host spelling, aiming at a private or a public address or name. */
function hostSpelling(wantPrivate) {
  const r = rng();
  let h;
  if (r < 0.45) h = spellV4(v4Address(wantPrivate));
  else if (r < 0.75) h = spellV6(v6Address(wantPrivate));
  else h = spellDomain(pick(wantPrivate ? DOMAINS_PRIVATE : DOMAINS_PUBLIC));
  if (chance(0.12)) h = lookAlike(h);
  if (chance(0.06)) h = insertAt(h, pick(INVISIBLES));
  if (chance(0.04)) h = percentEncode(h);
  if (chance(0.01)) h = insertAt(h, pick(['\t', '\n', ' ']));
  return h;
}

function urlSpelling() {
  const wantPrivate = chance(0.6);
  let authority = hostSpelling(wantPrivate);
  if (chance(0.2)) {
    authority = `${pick(['user:pass', 'a@b', 'u', ':', '%40', hostSpelling(!wantPrivate), `${hostSpelling(!wantPrivate)}:80`])}@${authority}`;
  }
  if (chance(0.08)) {
    // A backslash with an `@` after it: the host is what comes before the backslash.
    const other = hostSpelling(!wantPrivate);
    authority = chance(0.5) ? `${authority}\\@${other}` : `${other}\\@${authority}`;
  }
  if (chance(0.2)) authority += pick([':443', ':8080', ':', ':0', ':65535', ':65536', ':+1', ':08080', ':1x', ':00000000443']);
  const scheme = pick(['https', 'https', 'https', 'http', 'http', 'HTTPS', 'HtTp']);
  const sep = chance(0.95) ? '://' : pick([':\\\\', ':/\\', ':///', ':/', ':']);
  const path = pick(['/hook', '/hook', '/dial?x=1', '', '?q=1', '#f', '\\path', '/a@b', '/x\\@y']);
  return `${scheme}${sep}${authority}${path}`;
}

// ---- The comparison ----

describe('host judgement against Node URL', () => {
  let m;
  before(async () => {
    m = await dd();
  });

  it(`never accepts a URL whose URL-parsed host is not public, over ${TOTAL} generated spellings`, () => {
    const count = { total: 0, accepted: 0, urlPrivate: 0, urlPublic: 0, urlThrows: 0 };
    const refusedBy = {};
    const harmless = {};
    const dangerous = [];
    const acceptedButThrows = [];
    const idnaOnly = [];
    const mismatched = [];
    for (let i = 0; i < TOTAL; i++) {
      const s = urlSpelling();
      const url = byUrl(s);
      count.total++;
      count[url.kind === 'throws' ? 'urlThrows' : url.kind === 'private' ? 'urlPrivate' : 'urlPublic']++;
      const report = m.validateCreate({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: s });
      const errors = report.issues.filter((x) => x.severity === 'error');
      assert.ok(errors.every((x) => x.path === 'room_creation_api'), JSON.stringify(errors));
      if (errors.length === 0) {
        count.accepted++;
        if (url.kind === 'private') dangerous.push(s);
        else if (url.kind === 'throws') (/(^|[.@/])xn--/i.test(documentedHost(s)) ? idnaOnly : acceptedButThrows).push(s);
        else if (documentedHost(s) !== url.host) mismatched.push([s, documentedHost(s), url.host]);
        continue;
      }
      const code = errors[0].code;
      refusedBy[code] = (refusedBy[code] ?? 0) + 1;
      if (url.kind === 'public') harmless[code] = (harmless[code] ?? 0) + 1;
    }
    console.log(
      `hosts-differential: ${count.total} URLs (URL: ${count.urlPrivate} private, ${count.urlPublic} public, ${count.urlThrows} throw); ` +
        `package: ${count.accepted} accepted, refused ${JSON.stringify(refusedBy)}; ` +
        `refused although URL gives a public host (harmless): ${JSON.stringify(harmless)}; ` +
        `accepted with an xn-- label URL finds invalid: ${idnaOnly.length}; ` +
        `dangerous: ${dangerous.length}, accepted but URL throws: ${acceptedButThrows.length}, host differs: ${mismatched.length}`,
    );
    assert.deepEqual(dangerous.slice(0, 20), [], 'accepted although URL yields a non-public host');
    assert.deepEqual(acceptedButThrows.slice(0, 20), [], 'accepted although URL throws');
    assert.deepEqual(mismatched.slice(0, 20), [], 'accepted, but URL yields another host than the one judged');
    // The generator reaches every class in numbers.
    assert.ok(count.urlPrivate > 20_000 && count.urlPublic > 20_000 && count.accepted > 10_000, JSON.stringify(count));
  });

  it('refuses the spellings of private hosts that URL parsers normalise, naming the address', () => {
    for (const [s, code, says] of [
      ['https://0x7f.0.0.1/', 'not_public_url', '127.0.0.1, a loopback address'],
      ['https://0x7f.1/', 'not_public_url', '0x7f.1, which is 127.0.0.1'],
      ['https://10.0x0.0.1/', 'not_public_url', '10.0.0.1, a private address'],
      ['https://0177.0.0.1/', 'not_public_url', '127.0.0.1'],
      ['https://[0:0:0:0:0:0:0:1]/', 'not_public_url', 'which is [::1], a loopback address'],
      ['https://[0::1]/', 'not_public_url', '::1'],
      ['https://[::ffff:7f00:1]/', 'not_public_url', '127.0.0.1 in an IPv6 address'],
      ['https://[::127.0.0.1]/', 'not_public_url', '::7f00:1'],
      ['https://127.0.0.1\\@example.com/', 'not_public_url', '127.0.0.1'],
      ['https://１２７.０.０.１/', 'invalid_url', 'ASCII form (xn--'],
      ['https://foo.ｌｏｃａｌｈｏｓｔ/', 'invalid_url', 'ASCII form'],
      ['https://exa\u00admple.com/', 'invalid_url', 'ASCII form'],
      ['https://127.0.0.1\u200b/', 'invalid_url', 'ASCII form'],
      ['https://0x08.8.8.8/hook', 'invalid_url', 'write it as 8.8.8.8'],
      ['https://[2001:DB8:0:0::1]/hook', 'invalid_url', 'write it as [2001:db8::1]'],
      ['https://foo.123/hook', 'invalid_url', 'not a valid IP address'],
    ]) {
      const report = m.validateCreate({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: s });
      const issue = report.issues.find((x) => x.severity === 'error');
      assert.equal(issue?.code, code, s);
      assert.ok(issue.message.includes(says), `${s}: ${issue.message}`);
    }
    assert.equal(m.validateCreate({ type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: 'https://8.8.8.8/hook' }).ok, true);
    // hold_music_url follows the same rule.
    const hold = m.validateCreate({ type: 'pin_dialin', phone_number: '+12095550001', hold_music_url: 'https://0x7f.1/a.mp3' });
    assert.equal(hold.issues.find((x) => x.path === 'hold_music_url')?.code, 'not_public_url');
  });
});
