// checkHoldMusic over real HTTP on 127.0.0.1, through the packed package
// (docs/daily-api.md#rule-hold-music-online): every fixture served with and without Range, a file
// over 10 MB refused with the bytes the server sent counted, redirects (to a private host refused),
// stalls, error statuses, an HTML page, Content-Type warnings, options and hostile arguments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dd, ROOT } from './installed.mjs';

const AUDIO = join(ROOT, 'tests', 'fixtures', 'audio');
const { fixtures } = JSON.parse(readFileSync(join(AUDIO, 'manifest.json'), 'utf8'));
const BIG = 64 * 1024 * 1024;
const CAP = 10 * 1024 * 1024 + 1;

let m;
let server;
let base;
/** Bytes each request path made the server put on the wire (its socket's bytesWritten, headers included). */
const sent = new Map();
/** Every request the server saw: "path range". */
const seen = [];

/** A body of `n` bytes, written in 64 KiB chunks as the socket drains (no Content-Length). */
async function stream(res, n) {
  const chunk = Buffer.alloc(64 * 1024, 0x55);
  let left = n;
  while (left > 0 && !res.destroyed) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= part.length;
    if (!res.write(part)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  res.end();
}

/** Serves `data` as a static file server would: 206 for a single range when `ranges`. */
function file(req, res, data, { ranges = true, type = 'audio/mpeg' } = {}) {
  const headers = type ? { 'content-type': type } : {};
  const m = ranges && /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (m) {
    const a = Number(m[1]);
    const b = Math.min(m[2] === '' ? data.length - 1 : Number(m[2]), data.length - 1);
    if (a >= data.length) {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${data.length}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, 'accept-ranges': 'bytes', 'content-range': `bytes ${a}-${b}/${data.length}`, 'content-length': b - a + 1 });
    res.end(data.subarray(a, b + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': data.length });
  res.end(data);
}

const fixture = (name) => readFileSync(join(AUDIO, name));

function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  seen.push(`${path} ${req.headers.range ?? '-'}`);
  // Keep-alive sockets serve several requests: count this answer's share.
  const socket = res.socket;
  const from = socket.bytesWritten;
  res.once('close', () => sent.set(path, (sent.get(path) ?? 0) + socket.bytesWritten - from));
  let parts = path.split('/').filter(Boolean);
  const route = parts.shift();
  const name = parts.join('/');
  switch (route) {
    case 'range':
      return file(req, res, fixture(name));
    case 'plain':
      return file(req, res, fixture(name), { ranges: false });
    case 'typed':
      // /typed/<content-type, "none" for none>/<file>
      return file(req, res, fixture(parts.slice(1).join('/')), { type: parts[0] === 'none' ? null : decodeURIComponent(parts[0]) });
    case 'big-stream':
      // 64 MiB, no Content-Length, Range ignored.
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      return stream(res, BIG);
    case 'big-length':
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': BIG });
      return stream(res, BIG);
    case 'big-range': {
      const data = Buffer.concat([fixture('cbr_44k_stereo_64.mp3'), Buffer.alloc(BIG)]);
      return file(req, res, data);
    }
    case 'redirect':
      // /redirect/<status>[/<anything>]?to=<location>
      res.writeHead(Number(parts[0]), url.searchParams.has('to') ? { location: url.searchParams.get('to') } : {}).end('moved');
      return;
    case 'status':
      res.writeHead(Number(parts[0]), { 'content-type': 'text/html' }).end(`<html><body>${parts[0]}</body></html>`);
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixture('html_page.mp3'));
      return;
    case 'stall-head':
      // Never answers.
      return;
    case 'stall-body':
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': 100000 });
      res.write(fixture('cbr_44k_stereo_64.mp3').subarray(0, 1000));
      return;
    default:
      res.writeHead(404).end();
  }
}

before(async () => {
  m = await dd();
  server = http.createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
});

const LOCAL = { allowPrivateUrls: true };
const codes = (r) => r.issues.map((i) => i.code);

test('every fixture, with and without Range: durations within 0.5 s of the encoder, the manifest issues', async () => {
  for (const f of fixtures) {
    for (const route of ['range', 'plain']) {
      const r = await m.holdMusic.checkHoldMusic(`${base}/${route}/${f.file}`, LOCAL);
      const what = `${route}/${f.file}`;
      // http:// on the loopback: the URL rule's warning comes first.
      assert.deepEqual(codes(r), ['insecure_url', ...f.issues], `${what}: ${JSON.stringify(r.issues)}`);
      assert.equal(r.ok, f.issues.every((c) => c === 'truncated'), what);
      const size = fixture(f.file).length;
      assert.equal(r.facts.bytes, size, what);
      assert.equal(r.facts.rangeRequests, route === 'range', what);
      assert.equal(r.facts.contentType, 'audio/mpeg', what);
      if (route === 'plain') assert.equal(r.facts.bytesRead, size, what);
      if (f.layer !== null) {
        assert.ok(Math.abs(r.facts.durationSeconds - f.seconds) < 0.5, `${what}: ${r.facts.durationSeconds} s, not ${f.seconds}`);
        assert.equal(r.facts.sampleRate, f.sample_rate, what);
        assert.equal(r.facts.channels, f.channels, what);
        assert.equal(r.facts.mpegVersion, f.mpeg_version, what);
        assert.equal(r.facts.layer, f.layer, what);
        assert.equal(r.facts.format, `MPEG-${f.mpeg_version} Layer ${'I'.repeat(f.layer)}`, what);
        assert.equal(typeof r.facts.bitrateKbps, 'number', what);
        assert.equal(r.facts.looksLike, f.layer === 3 ? null : 'mp2', what);
      } else {
        assert.equal(r.facts.durationSeconds, null, what);
        assert.equal(typeof r.facts.looksLike, 'string', what);
      }
    }
  }
});

test('with Range, only the bytes the inspector needs are read', async () => {
  // 59 s at 8 kbps, 59,184 bytes: the 16 KiB probe and the size are enough.
  const r = await m.holdMusic.checkHoldMusic(`${base}/range/len_59s_8k_mono_8.mp3`, LOCAL);
  assert.equal(r.facts.bytesRead, 16384);
  assert.equal(r.facts.durationExact, false, 'an estimate from the bitrate');
  // A 200 KB ID3 picture: the probe, then the rest of the tag and the first frames.
  seen.length = 0;
  const p = await m.holdMusic.checkHoldMusic(`${base}/range/id3_big_picture.mp3`, LOCAL);
  assert.deepEqual(codes(p), ['insecure_url']);
  assert.deepEqual(seen.map((s) => s.split(' ')[1]), ['bytes=0-16383', `bytes=16384-${fixture('id3_big_picture.mp3').length - 1}`]);
});

/** fetch that counts the body bytes the check pulls out of each response, by path. */
const pulled = new Map();
async function counting(url, init) {
  const r = await fetch(url, init);
  if (!r.body) return r;
  const path = new URL(url).pathname;
  pulled.set(path, 0);
  const count = new TransformStream({
    transform(chunk, ctl) {
      pulled.set(path, pulled.get(path) + chunk.byteLength);
      ctl.enqueue(chunk);
    },
  });
  return new Response(r.body.pipeThrough(count), { status: r.status, headers: r.headers });
}

test('a file over 10 MB is refused without reading more than the cap', async () => {
  const opts = { ...LOCAL, fetch: counting };
  // A Range server: the size comes with the probe.
  const r = await m.holdMusic.checkHoldMusic(`${base}/big-range/a.mp3`, opts);
  assert.ok(codes(r).includes('too_large'), JSON.stringify(r.issues));
  assert.equal(r.ok, false);
  assert.equal(r.facts.bytesRead, 16384);
  assert.equal(r.facts.bytes, BIG + fixture('cbr_44k_stereo_64.mp3').length);
  // Content-Length over the limit: the first 16 KiB say what it is, no more is read.
  const l = await m.holdMusic.checkHoldMusic(`${base}/big-length/a.mp3`, opts);
  assert.ok(codes(l).includes('too_large'), JSON.stringify(l.issues));
  assert.equal(l.facts.bytesRead, 16384);
  assert.equal(l.facts.bytes, BIG);
  // Neither: the stream is read to the cap (10 MiB + 1) and cancelled there.
  const s = await m.holdMusic.checkHoldMusic(`${base}/big-stream/a.mp3`, opts);
  assert.ok(codes(s).includes('too_large'), JSON.stringify(s.issues));
  assert.equal(s.facts.bytesRead, CAP);
  assert.equal(s.facts.bytes, null);
  // A smaller maxBytes reads less.
  const c = await m.holdMusic.checkHoldMusic(`${base}/big-stream/b.mp3`, { ...opts, maxBytes: 200000 });
  assert.equal(c.facts.bytesRead, 200000);
  assert.ok(codes(c).includes('not_mp3'), JSON.stringify(c.issues));

  // What the check pulled out of the body streams: the bytes it kept, plus at most the chunk that
  // crossed the cap and the one the counting stream read ahead.
  const near = (path, kept) => {
    const n = pulled.get(path);
    assert.ok(n >= kept && n < kept + 512 * 1024, `${path}: pulled ${n} bytes for ${kept}`);
  };
  near('/big-length/a.mp3', 16384);
  near('/big-stream/a.mp3', CAP);
  near('/big-stream/b.mp3', 200000);
  // What the servers put on the wire: the body was cancelled, so each stopped long before the
  // 64 MiB it had; the excess over what the check pulled sat in socket buffers (Linux lets a
  // loopback socket buffer several MB), which is why this bound is loose.
  await new Promise((r) => setTimeout(r, 100));
  if (process.env.HOLD_MUSIC_VERBOSE) console.log('pulled', Object.fromEntries(pulled), 'on the wire', Object.fromEntries(sent));
  for (const [path, kept] of [['/big-length/a.mp3', 16384], ['/big-stream/a.mp3', CAP], ['/big-stream/b.mp3', 200000], ['/big-range/a.mp3', 16384]]) {
    const wire = sent.get(path);
    assert.ok(wire >= kept && wire < kept + 16 * 1024 * 1024, `${path}: the server sent ${wire} bytes`);
  }
});

test('redirects: followed to public hosts, relative ones resolved; a private host is refused before it is requested', async () => {
  // A custom fetch that maps public-looking hosts onto the local server, so that the URL rules
  // apply without allowPrivateUrls.
  const asked = [];
  const inits = [];
  const mapped = (url, init) => {
    asked.push(url);
    inits.push(init);
    const u = new URL(url);
    if (!u.hostname.endsWith('.example.com')) throw new TypeError(`the test refuses ${url}`);
    return fetch(`${base}${u.pathname}${u.search}`, init);
  };
  const to = (loc) => `https://music.example.com/redirect/302/hold.mp3?to=${encodeURIComponent(loc)}`;
  const ok = await m.holdMusic.checkHoldMusic(to('https://cdn.example.com/range/cbr_44k_stereo_64.mp3'), { fetch: mapped });
  assert.deepEqual(codes(ok), []);
  assert.equal(ok.ok, true);
  assert.equal(ok.facts.url, 'https://cdn.example.com/range/cbr_44k_stereo_64.mp3');
  assert.equal(ok.facts.redirects, 1);
  // Node: redirects by hand, a probe range first, and no browser-only fields.
  assert.deepEqual(Object.keys(inits[0]).sort(), ['headers', 'method', 'redirect', 'signal']);
  assert.equal(inits[0].redirect, 'manual');
  assert.deepEqual(inits[0].headers, { Range: 'bytes=0-16383' });
  const rel = await m.holdMusic.checkHoldMusic(to('/range/vbr_44k_stereo.mp3'), { fetch: mapped });
  assert.deepEqual(codes(rel), []);
  assert.equal(rel.facts.url, 'https://music.example.com/range/vbr_44k_stereo.mp3');

  for (const loc of ['http://127.0.0.1/x.mp3', 'https://192.168.1.20/x.mp3', 'https://[::1]/x.mp3', 'https://nas.local/x.mp3', `${base}/range/cbr_8k_mono_8.mp3`]) {
    asked.length = 0;
    const r = await m.holdMusic.checkHoldMusic(to(loc), { fetch: mapped });
    assert.deepEqual(codes(r), ['not_public_url'], `${loc}: ${JSON.stringify(r.issues)}`);
    assert.equal(r.ok, false);
    assert.equal(asked.length, 1, `${loc} is never requested`);
    assert.match(r.issues[0].message, /redirects to/);
  }
  // With the global fetch and allowPrivateUrls the same redirect is followed.
  const local = await m.holdMusic.checkHoldMusic(`${base}/redirect/307/a.mp3?to=${encodeURIComponent('/range/cbr_8k_mono_8.mp3')}`, LOCAL);
  assert.deepEqual(codes(local), ['insecure_url']);
  // Loops end.
  const loop = await m.holdMusic.checkHoldMusic(`${base}/redirect/302/a.mp3?to=${encodeURIComponent('/redirect/302?to=%2Fredirect%2F301')}`, LOCAL);
  assert.deepEqual(codes(loop), ['insecure_url', 'http_status'], 'the last hop has no Location');
  const redirects = Array.from({ length: 7 }, (_, i) => i).reduceRight((loc) => `/redirect/302?to=${encodeURIComponent(loc)}`, '/range/cbr_8k_mono_8.mp3');
  const many = await m.holdMusic.checkHoldMusic(`${base}${redirects.replace('?', '/a.mp3?')}`, LOCAL);
  assert.deepEqual(codes(many), ['insecure_url', 'too_many_redirects']);
});

test('a server that stalls: timeout, within timeoutMs, even with a fetch that ignores its signal', async () => {
  for (const path of ['/stall-head/a.mp3', '/stall-body/a.mp3']) {
    const t0 = Date.now();
    const r = await m.holdMusic.checkHoldMusic(`${base}${path}`, { ...LOCAL, timeoutMs: 300 });
    const took = Date.now() - t0;
    assert.deepEqual(codes(r), ['insecure_url', 'timeout'], path);
    assert.equal(r.ok, false);
    assert.match(r.issues[1].message, /300 ms/);
    assert.ok(took >= 290 && took < 2000, `${path}: ${took} ms`);
  }
  const deaf = () => new Promise(() => {});
  const t0 = Date.now();
  const r = await m.holdMusic.checkHoldMusic('https://music.example.com/a.mp3', { fetch: deaf, timeoutMs: 200 });
  assert.deepEqual(codes(r), ['timeout']);
  assert.ok(Date.now() - t0 < 2000);
});

test('404, 500, 403 and a refused connection', async () => {
  for (const status of [404, 500, 403, 410, 503]) {
    const r = await m.holdMusic.checkHoldMusic(`${base}/status/${status}/a.mp3`, LOCAL);
    assert.deepEqual(codes(r), ['insecure_url', 'http_status'], String(status));
    assert.match(r.issues[1].message, new RegExp(`answered ${status}`));
    assert.equal(r.ok, false);
    assert.equal(r.facts, null);
  }
  const closed = http.createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = closed.address().port;
  closed.close();
  const r = await m.holdMusic.checkHoldMusic(`http://127.0.0.1:${port}/a.mp3`, LOCAL);
  assert.deepEqual(codes(r), ['insecure_url', 'unreachable']);
  assert.equal(r.ok, false);
});

test('an HTML page served with 200, and Content-Type warnings', async () => {
  const r = await m.holdMusic.checkHoldMusic(`${base}/html/hold.mp3`, LOCAL);
  assert.deepEqual(codes(r), ['insecure_url', 'not_mp3', 'content_type']);
  assert.equal(r.ok, false);
  assert.equal(r.facts.looksLike, 'html');
  assert.match(r.issues[1].message, /HTML page/);
  assert.match(r.issues[2].message, /text\/html/);
  assert.equal(r.issues[2].severity, 'warning');
  for (const [type, warned] of [
    ['audio%2Fmpeg', false],
    ['audio%2Fmp3', false],
    ['application%2Foctet-stream', true],
    ['audio%2Fwav', true],
    ['none', true],
  ]) {
    const t = await m.holdMusic.checkHoldMusic(`${base}/typed/${type}/cbr_44k_stereo_64.mp3`, LOCAL);
    assert.equal(codes(t).includes('content_type'), warned, type);
    assert.equal(t.ok, true, `${type}: a type is only a warning`);
  }
});

test('the URL rules first, exactly as validateCreate applies them, with no request', async () => {
  let called = 0;
  const spy = () => {
    called += 1;
    throw new Error('no request expected');
  };
  for (const url of ['http://127.0.0.1/a.mp3', 'https://10.0.0.1/a.mp3', 'https://0x7f.1/a.mp3', 'ftp://example.com/a.mp3', 'hold.mp3', 'https://intranet/a.mp3']) {
    const r = await m.holdMusic.checkHoldMusic(url, { fetch: spy });
    const v = m.validateCreate({ type: 'pinless_dialin', room_creation_api: 'https://example.com/x', hold_music_url: url });
    assert.deepEqual(r.issues, v.issues.filter((i) => i.path === 'hold_music_url'), url);
    assert.equal(r.ok, false);
  }
  assert.equal(called, 0);
  // A path without .mp3: the URL's warning, dropped once the bytes show MP3.
  const mapped = (url, init) => fetch(`${base}/range/cbr_44k_stereo_64.mp3`, init);
  const r = await m.holdMusic.checkHoldMusic('https://cdn.example.com/music?id=4', { fetch: mapped });
  assert.deepEqual(codes(r), []);
  const down = await m.holdMusic.checkHoldMusic('https://cdn.example.com/music', { fetch: () => Promise.reject(new TypeError('fetch failed')) });
  assert.deepEqual(codes(down), ['not_mp3', 'unreachable']);
  assert.equal(down.issues[0].severity, 'warning');
  // A URL object works as its href.
  const u = await m.holdMusic.checkHoldMusic(new URL(`${base}/range/cbr_8k_mono_8.mp3`), LOCAL);
  assert.deepEqual(codes(u), ['insecure_url']);
});

test('options are checked; the caller signal aborts; hostile arguments never throw synchronously', async () => {
  const url = `${base}/range/cbr_8k_mono_8.mp3`;
  for (const bad of [{ maxBytes: 0 }, { maxBytes: 1.5 }, { timeoutMs: -1 }, { fetch: 3 }, { allowPrivateUrls: 'yes' }, { signal: {} }, 'x']) {
    await assert.rejects(m.holdMusic.checkHoldMusic(url, bad), (e) => e instanceof m.ValidationError || e instanceof m.DailyDialinError, JSON.stringify(bad));
  }
  const ctl = new AbortController();
  const p = m.holdMusic.checkHoldMusic(`${base}/stall-head/a.mp3`, { ...LOCAL, signal: ctl.signal });
  setTimeout(() => ctl.abort(), 50);
  await assert.rejects(p, (e) => e instanceof m.AbortError);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(m.holdMusic.checkHoldMusic(url, { ...LOCAL, signal: pre.signal }), (e) => e instanceof m.AbortError);

  const throwing = new Proxy({}, { get() { throw new Error('trap'); } });
  for (const arg of [undefined, null, 42, {}, [], throwing, Symbol('s'), 10n]) {
    const r = await m.holdMusic.checkHoldMusic(arg);
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['invalid_type'], String(typeof arg));
  }
  // A fetch that resolves to junk, throws, or returns no promise: an issue, never a trap.
  for (const f of [() => 42, () => Promise.resolve(42), () => { throw new Error('x'); }, () => Promise.resolve({ status: 200, headers: throwing, body: throwing })]) {
    const r = await m.holdMusic.checkHoldMusic('https://cdn.example.com/a.mp3', { fetch: f });
    assert.equal(typeof r.ok, 'boolean');
    assert.ok(r.issues.length > 0);
  }
});

test('the emulator serves test audio, with Range, without credentials, CORS for loopback pages only', async () => {
  const emu = await m.startEmulator({ apiKeys: ['sk_test_audio'] });
  try {
    const audio = `${emu.origin}/_emulator/audio`;
    const expected = { 'hold.mp3': ['insecure_url'], 'not-mp3.mp3': ['insecure_url', 'not_mp3'] };
    for (const [name, want] of Object.entries(expected)) {
      const r = await m.holdMusic.checkHoldMusic(`${audio}/${name}`, LOCAL);
      assert.deepEqual(codes(r), want, `${name}: ${JSON.stringify(r.issues)}`);
      assert.equal(r.facts.rangeRequests, true, name);
      assert.equal(r.facts.contentType, 'audio/mpeg', name);
    }
    // The package's files are the repository's fixtures.
    const served = Buffer.from(await (await fetch(`${audio}/hold.mp3`)).arrayBuffer());
    assert.ok(served.equals(fixture('cbr_44k_stereo_64.mp3')));
    const part = await fetch(`${audio}/hold.mp3`, { headers: { Range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${served.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(served.subarray(10, 20)));
    const past = await fetch(`${audio}/hold.mp3`, { headers: { Range: `bytes=${served.length}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${served.length}`);
    const head = await fetch(`${audio}/hold.mp3`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(served.length));
    // Unknown names, paths and methods.
    const missing = await m.holdMusic.checkHoldMusic(`${audio}/nope.mp3`, LOCAL);
    assert.deepEqual(codes(missing), ['insecure_url', 'http_status']);
    for (const path of ['a%2F..%2F..%2Fstate.mp3', '..%2Fstate', 'HOLD.mp3', 'hold.wav', 'too-long.mp3']) {
      assert.equal((await fetch(`${audio}/${path}`)).status, 404, path);
    }
    const post = await fetch(`${audio}/hold.mp3`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(post.status, 405);
    // The other admin routes still need the token.
    assert.equal((await fetch(`${emu.origin}/_emulator/calls`)).status, 401);
    // A loopback page may read it (the size included); another site's page is refused.
    const page = await fetch(`${audio}/hold.mp3`, { headers: { Origin: 'http://localhost:5173', Range: 'bytes=0-9' } });
    assert.equal(page.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(page.headers.get('access-control-expose-headers'), /Content-Range/);
    const evil = await fetch(`${audio}/hold.mp3`, { headers: { Origin: 'http://evil.test' } });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${audio}/hold.mp3`, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:8000', 'Access-Control-Request-Headers': 'range' } });
    assert.match(preflight.headers.get('access-control-allow-headers'), /Range/);
  } finally {
    await emu.close();
  }
});

test('hostile responses from a custom fetch: always a verdict or a DailyDialinError, never a trap; wasm memory flat', async () => {
  const { rng } = await import('./helpers.mjs');
  const { nodeGlueUrl } = await import('./installed.mjs');
  // The glue instance the Node entry of daily-dialin/hold-music loaded, for its memory size.
  const glue = await import(nodeGlueUrl('hold-music'));
  assert.equal(glue.checkHoldMusic, m.holdMusic.checkHoldMusic);
  const r = rng(20261203);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const int = (n) => Math.floor(r() * n);
  const audio = fixture('vbr_44k_stereo.mp3');
  const throwing = new Proxy({}, { get() { throw new Error('trap'); } });
  const text = () => pick(['', 'bytes 0-99/1000', `bytes 0-16383/${audio.length}`, 'bytes */0', 'bytes 5-1/2', '99999999999999999999', '-1', '\u0000', 'audio/mpeg', 'text/html', 'https://cdn.example.com/b.mp3', '/relative.mp3', 'http://10.0.0.1/x', '::', 'x'.repeat(5000)]);
  function headers() {
    if (r() < 0.05) return throwing;
    if (r() < 0.05) return pick([null, 42, {}, { get: 'not a function' }]);
    const h = new Headers();
    for (const name of ['content-type', 'content-range', 'content-length', 'location']) if (r() < 0.6) h.set(name, text());
    return h;
  }
  function body() {
    const k = int(8);
    if (k === 0) return null;
    if (k === 1) return throwing;
    if (k === 2) return { getReader: () => ({ read: () => Promise.resolve(pick([{ done: false, value: 'text' }, { done: false, value: null }, 42, null])) , cancel: () => { throw new Error('no'); } }) };
    if (k === 3) return new ReadableStream({ pull: (c) => c.error(new Error('broken')) });
    const chunks = int(5);
    let sent = 0;
    return new ReadableStream({
      pull(c) {
        if (sent++ >= chunks) return c.close();
        const from = int(audio.length);
        c.enqueue(new Uint8Array(audio.subarray(from, from + int(40000))));
      },
    });
  }
  const response = () =>
    pick([
      () => ({ status: pick([200, 206, 206, 301, 302, 307, 404, 416, 500, 0, 999, -1, NaN, '200', undefined]), type: pick(['basic', 'cors', 'opaqueredirect', undefined]), url: pick([undefined, '', 'https://cdn.example.com/x.mp3', 'http://127.0.0.1/']), redirected: r() < 0.3, headers: headers(), body: body() }),
      () => new Response(r() < 0.5 ? null : audio.subarray(0, int(audio.length)), { status: pick([200, 206, 404]), headers: { 'content-range': text(), 'content-type': text() } }),
      () => throwing,
      () => 42,
      () => null,
    ])();
  const fetchers = [
    () => Promise.resolve(response()),
    () => Promise.reject(new TypeError('fetch failed')),
    () => Promise.reject(throwing),
    () => {
      throw new Error('sync');
    },
    () => 'not a promise',
  ];
  let warm = 0;
  const outcomes = {};
  for (let i = 0; i < 1500; i++) {
    if (i === 200) warm = glue.__memoryBytes();
    const fetch = pick(fetchers);
    const opts = { fetch, timeoutMs: pick([undefined, 2000]), maxBytes: pick([undefined, 1, 5000, 100000]), allowPrivateUrls: r() < 0.5 };
    const url = pick(['https://cdn.example.com/a.mp3', 'https://cdn.example.com/music', 'http://127.0.0.1/a.mp3', 'x']);
    try {
      const res = await m.holdMusic.checkHoldMusic(url, opts);
      assert.equal(typeof res.ok, 'boolean', `case ${i}`);
      assert.equal(res.ok, !res.issues.some((x) => x.severity === 'error'), `case ${i}`);
      for (const x of res.issues) outcomes[x.code] = (outcomes[x.code] ?? 0) + 1;
    } catch (e) {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `case ${i}: wasm trapped: ${e?.message}`);
      assert.ok(e instanceof m.DailyDialinError, `case ${i}: threw ${e?.name}: ${e?.message}`);
    }
  }
  const end = glue.__memoryBytes();
  if (process.env.HOLD_MUSIC_VERBOSE) console.log('fuzz', outcomes, { warm, end });
  // Slack for the high-water mark of the largest body read (a few hundred KB), not for a leak:
  // the next test holds the common paths to zero growth.
  assert.ok(end <= warm + 512 * 1024, `wasm memory grew from ${warm} to ${end} bytes`);
  // The fuzz reached the verdicts, not only the early refusals.
  for (const code of ['unreachable', 'http_status', 'not_mp3', 'content_type']) assert.ok(outcomes[code] > 0, `${code}: ${JSON.stringify(outcomes)}`);
});

test('a settled check leaves no wasm memory behind (daily-dialin/hold-music), nor does a client attempt (daily-dialin)', async () => {
  const { nodeGlueUrl } = await import('./installed.mjs');
  const [music, main] = [await import(nodeGlueUrl('hold-music')), await import(nodeGlueUrl(''))];
  const audio = fixture('cbr_44k_stereo_64.mp3');
  const client = new m.DailyDialinClient({ apiKey: 'k', maxRetries: 0, fetch: () => Promise.reject(new TypeError('offline')) });
  const cases = {
    unreachable: () => m.holdMusic.checkHoldMusic('https://cdn.example.com/a.mp3', { fetch: () => Promise.reject(new TypeError('offline')) }),
    'http_status': () => m.holdMusic.checkHoldMusic('https://cdn.example.com/a.mp3', { fetch: async () => new Response('no', { status: 404 }) }),
    'a whole file': () => m.holdMusic.checkHoldMusic('https://cdn.example.com/a.mp3', { fetch: async () => new Response(audio, { headers: { 'content-type': 'audio/mpeg' } }) }),
    'client.get': () => client.get('abc').catch(() => {}),
  };
  for (const [name, run] of Object.entries(cases)) {
    const glue = name.startsWith('client') ? main : music;
    for (let i = 0; i < 200; i++) await run();
    const before = glue.__memoryBytes();
    // Before a JsFuture's dangling deadline was settled, 3,000 of these grew the memory by ~430 KB.
    for (let i = 0; i < 3000; i++) await run();
    assert.equal(glue.__memoryBytes(), before, `${name}: wasm memory grew`);
  }
});
