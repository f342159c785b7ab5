// Shared helpers of the emulator tests (tests/js/emulator*.test.mjs): raw HTTP requests to the
// emulator, a webhook receiver on 127.0.0.1, and an HMAC computed with node:crypto only.
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const KEY = 'sk_test_emulator_KEY_7c41d2e9';
export const CFG = '/v1/domain-dialin-config';

/**
 * `request(method, path, { body, key, headers })` against `origin` over real HTTP. `body` objects
 * are sent as JSON, strings as they are; `key: null` sends no Authorization header. Resolves to
 * `{ status, headers, text, json }` (`json` undefined when the body is not JSON).
 */
export function client(origin, defaultKey = KEY) {
  return async (method, path, { body, key = defaultKey, headers = {} } = {}) => {
    const h = { ...headers };
    if (key !== null) h.Authorization = `Bearer ${key}`;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      payload = JSON.stringify(body);
      h['Content-Type'] ??= 'application/json';
    }
    const r = await fetch(origin + path, { method, headers: h, body: payload });
    const text = await r.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, text, json };
  };
}

/**
 * A webhook receiver on 127.0.0.1 (random port). Every request is recorded as
 * `{ method, url, headers, raw }` (`raw` is the exact body text). `respond(rec, res)` may answer
 * (default: 200 `{}`); `next()` resolves with the next recorded request.
 */
export async function hookServer(respond) {
  const requests = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const rec = { method: req.method, url: req.url, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      requests.push(rec);
      waiters.splice(0).forEach((w) => w());
      if (respond) await respond(rec, res);
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  let seen = 0;
  return {
    url,
    requests,
    /** The next request not yet returned by next(). */
    next: async () => {
      while (requests.length <= seen) await new Promise((resolve) => waiters.push(resolve));
      return requests[seen++];
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** X-Pinless-Signature computed independently: base64 HMAC-SHA256 keyed with the DECODED secret. */
export const sign = (hmacBase64, ts, raw) =>
  createHmac('sha256', Buffer.from(hmacBase64, 'base64')).update(`${ts}.${raw}`).digest('base64');

/** The `info` the emulator must give for a validation report: `path: message` of each error, joined. */
export const infoOf = (report) =>
  report.issues
    .filter((i) => i.severity === 'error')
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for standard padded base64 of exactly 32 bytes. */
export const isSecret32 = (s) => typeof s === 'string' && Buffer.from(s, 'base64').length === 32 && Buffer.from(s, 'base64').toString('base64') === s;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The config ids a `dataFile` holds on disk: the snapshot (`file`) with its journal
 * (`file.journal`, one JSON change per line) replayed; a torn last line is skipped.
 */
export function idsOnDisk(file) {
  const ids = new Set(JSON.parse(readFileSync(file, 'utf8')).configs.map((c) => c.id));
  let journal = '';
  try {
    journal = readFileSync(`${file}.journal`, 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  for (const line of journal.split('\n')) {
    let c;
    try {
      c = JSON.parse(line);
    } catch {
      continue;
    }
    if (c.op === 'put') ids.add(c.id);
    else if (c.op === 'delete') ids.delete(c.id);
    else if (c.op === 'reset') ids.clear();
    else if (c.op === 'state') {
      ids.clear();
      for (const s of c.state.configs) ids.add(s.id);
    }
  }
  return ids;
}

/** An exported emulator state of `n` pin configs numbered from +12095550000 (n <= 10,000). */
export function pinState(n) {
  const configs = Array.from({ length: n }, (_, i) => ({
    seq: i,
    id: `6f1c1a52-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'pin_dialin',
    config: { phone_number: `+1209555${String(i).padStart(4, '0')}` },
  }));
  return { version: 1, next_seq: n, configs, deleted: [] };
}
