// daily-dialin-emulator: a local emulator of Daily's /v1/domain-dialin-config API (Node 20+).
//
// The state and every rule live in Rust (the same validation code as the client); this file is the
// HTTP shell: it reads requests, obeys the core's delay / drop directives, persists state, and
// delivers the signed webhooks the core asks for.
import dns from 'node:dns';
import http from 'node:http';
import { once } from 'node:events';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as errors from 'daily-dialin/errors';
import {
  initSync,
  EmulatorCore,
  __registerErrorClasses,
  addressRefusal,
  deliveryUrlRefusal,
  audioRange,
} from './glue.js';

// The emulator's wasm module (wasm-bindgen --target web glue, loaded synchronously as the
// daily-dialin Node entries do). Its errors are daily-dialin's classes, so `instanceof` agrees.
initSync({ module: fs.readFileSync(new URL('./daily_dialin_emulator_bg.wasm', import.meta.url)) });
__registerErrorClasses(errors);
const { DailyDialinError } = errors;

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  apiKeys: undefined,
  allowPrivateUrls: true,
  rateLimit: { maxRequests: 100, windowMs: 5000 },
  retryAfter: false,
  holdTimeoutMs: 120000,
  dataFile: undefined,
  maxBodyBytes: 1024 * 1024,
  webhookTimeoutMs: 10000,
  lookup: undefined,
  adminToken: undefined,
  corsOrigins: [],
  allowedHosts: [],
};
/**
 * The shell's own answers (413, 500) are readable by no other web page: no
 * `Access-Control-Allow-Origin` (the core echoes only the origins it accepts).
 */
const CORS = { Vary: 'Origin' };
const CALLS_ROUTE = '/_emulator/calls';
const EMPTY = new Uint8Array(0);
const TOO_LARGE = Symbol('too large');
const JSON_TYPE = 'application/json';

const fail = (message) => new DailyDialinError(`daily-dialin emulator: ${message}`);

/**
 * The test audio of `GET /_emulator/audio/<name>.mp3` (the package's audio/ folder). The core
 * decides the answer and names the file in this header; the shell reads the file and sends the
 * bytes the core's `audioRange` gives for the request's `Range`.
 */
const AUDIO_FILE_HEADER = 'x-emulator-audio-file';
const AUDIO_DIR = new URL('./audio/', import.meta.url);
const audioCache = new Map();

/** The bytes of a test audio file, or undefined when the package has none of that name. */
function audioFile(name) {
  if (!audioCache.has(name)) {
    let bytes;
    try {
      bytes = fs.readFileSync(new URL(name, AUDIO_DIR));
    } catch {
      bytes = undefined;
    }
    audioCache.set(name, bytes);
  }
  return audioCache.get(name);
}

/** Sends the test audio file the core named, with the core's headers (CORS among them). */
function sendAudio(req, res, r, name) {
  const headers = r.headers.filter(([k]) => k.toLowerCase() !== AUDIO_FILE_HEADER);
  const bytes = audioFile(name);
  if (!bytes) {
    const body = JSON.stringify({ error: 'not-found', info: `no audio file ${name}; the emulator serves hold.mp3 and not-mp3.mp3` });
    res.writeHead(404, { ...Object.fromEntries(headers), 'Content-Type': 'application/json; charset=utf-8' });
    res.end(body);
    return;
  }
  const plan = audioRange(req.headers.range, bytes.length);
  res.writeHead(plan.status, { ...Object.fromEntries(headers), ...Object.fromEntries(plan.headers) });
  res.end(req.method === 'HEAD' ? undefined : bytes.subarray(plan.start, plan.end));
}

function wholeNumber(name, v, min, max) {
  if (!Number.isInteger(v) || v < min || v > max) throw fail(`${name} must be a whole number from ${min} to ${max}`);
}

/** Checks the options in JS, so that a mistake is named clearly and no API key is ever echoed. */
function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw fail('options must be an object');
  const known = Object.keys(DEFAULTS);
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw fail(`unknown option ${JSON.stringify(k)}; known options: ${known.join(', ')}`);
  }
  const o = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) o[k] = v;
  if (typeof o.host !== 'string' || !o.host) throw fail('host must be a non-empty string');
  wholeNumber('port', o.port, 0, 65535);
  if (o.apiKeys != null) {
    const ok = Array.isArray(o.apiKeys) && o.apiKeys.every((k) => typeof k === 'string' && k !== '' && !/\s/.test(k));
    if (!ok) throw fail('apiKeys must be an array of non-empty strings without whitespace');
  }
  for (const k of ['allowPrivateUrls', 'retryAfter']) {
    if (typeof o[k] !== 'boolean') throw fail(`${k} must be true or false`);
  }
  if (o.rateLimit === false) o.rateLimit = null;
  if (o.rateLimit !== null) {
    if (typeof o.rateLimit !== 'object') throw fail('rateLimit must be { maxRequests, windowMs }, null or false');
    wholeNumber('rateLimit.maxRequests', o.rateLimit.maxRequests, 0, 2 ** 32 - 1);
    wholeNumber('rateLimit.windowMs', o.rateLimit.windowMs, 1, Number.MAX_SAFE_INTEGER);
  }
  wholeNumber('holdTimeoutMs', o.holdTimeoutMs, 0, Number.MAX_SAFE_INTEGER);
  wholeNumber('maxBodyBytes', o.maxBodyBytes, 0, 2 ** 31 - 1);
  wholeNumber('webhookTimeoutMs', o.webhookTimeoutMs, 1, 2 ** 31 - 1);
  if (o.lookup !== undefined && typeof o.lookup !== 'function') throw fail('lookup must be a function like dns.lookup');
  if (o.dataFile !== undefined && (typeof o.dataFile !== 'string' || !o.dataFile)) throw fail('dataFile must be a file path');
  if (o.adminToken !== undefined && (typeof o.adminToken !== 'string' || o.adminToken.length < 16 || /\s/.test(o.adminToken))) {
    throw fail('adminToken must be a string of at least 16 characters without whitespace');
  }
  const strings = (k, ok, what) => {
    if (!Array.isArray(o[k]) || !o[k].every((v) => typeof v === 'string' && ok(v))) throw fail(`${k} must be an array of ${what}`);
  };
  strings('corsOrigins', isOrigin, 'origins such as "https://app.example.com" (scheme, host and port only)');
  strings('allowedHosts', (h) => /^[a-z0-9.-]+$/i.test(h), 'host names such as "devbox.lan"');
  return o;
}

function isOrigin(v) {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '').toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Writes `text` to `file` atomically: a temporary file in the same folder, flushed to disk, then a
 * rename over `file` (and a flush of the folder), so a reader (or a restart after a crash) sees
 * either the old or the new state, never a mix.
 */
function writeAtomic(file, text) {
  const tmp = tempName(file, process.pid);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dir = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // Some platforms (Windows) cannot open or flush a folder; the rename is done either way.
  }
}

const tempName = (file, pid) => path.join(path.dirname(file), `.${path.basename(file)}.${pid}.tmp`);

/** Removes temporary files left by emulators that were killed while writing `file`. */
function removeStaleTemps(file) {
  const prefix = `.${path.basename(file)}.`;
  let names;
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) && /^(\d+)\.tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      fs.unlinkSync(path.join(path.dirname(file), name));
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Loads `file` into `core`; a missing or empty file is a fresh start. Returns whether it was loaded. */
function loadState(core, file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return false;
    throw fail(`cannot read the data file ${file}: ${e.code ?? e.message}`);
  }
  if (!text.trim()) return false;
  try {
    core.importState(text);
  } catch (e) {
    throw fail(`the data file ${file} is not a valid emulator state (${e.message}); fix it, or delete it to start empty`);
  }
  return true;
}

/** The journal is compacted into the data file once it outgrows this many times the data file. */
const COMPACT_RATIO = 4;
/** ...and this many bytes, so that a small state is not rewritten every few changes. */
const COMPACT_MIN_BYTES = 1024 * 1024;

/**
 * The data file as a snapshot (`file`, the core's exported state) plus an append-only journal
 * (`file.journal`, one JSON line per acknowledged change, flushed to disk before the answer), so
 * that a change costs the same whatever the number of configs. At start the journal is replayed
 * (a torn last line, from a crash in the middle of a write that was never acknowledged, is
 * dropped) and compacted into the snapshot; it is compacted again when it outgrows the snapshot.
 */
function openStore(core, file) {
  const journalFile = `${file}.journal`;
  removeStaleTemps(file);
  loadState(core, file);
  replayJournal(core, journalFile);
  let snapshotBytes = 0;
  let journalBytes = 0;
  let fd;
  const compact = () => {
    const text = core.exportState();
    writeAtomic(file, text);
    snapshotBytes = Buffer.byteLength(text);
    fs.ftruncateSync(fd, 0);
    fs.fsyncSync(fd);
    journalBytes = 0;
  };
  try {
    fd = fs.openSync(journalFile, 'a');
    compact();
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    throw fail(`cannot write the data file ${file}: ${e.code ?? e.message}`);
  }
  return {
    /** Appends one change and flushes it; throws when it could not be written. */
    append(line) {
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      try {
        fs.writeSync(fd, bytes);
        fs.fdatasyncSync(fd);
      } catch (e) {
        // Cut a partial line, so that the next change does not follow half a line.
        try {
          fs.ftruncateSync(fd, journalBytes);
        } catch {
          // The restart drops a torn last line anyway.
        }
        throw e;
      }
      journalBytes += bytes.length;
      if (journalBytes > Math.max(COMPACT_MIN_BYTES, COMPACT_RATIO * snapshotBytes)) {
        try {
          compact();
        } catch {
          // The journal holds every change; compaction is tried again once it has grown more.
          snapshotBytes = journalBytes;
        }
      }
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

/** Applies the complete lines of `journalFile` to `core`; a torn or unreadable last line is dropped. */
function replayJournal(core, journalFile) {
  let text;
  try {
    text = fs.readFileSync(journalFile, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return;
    throw fail(`cannot read the journal ${journalFile}: ${e.code ?? e.message}`);
  }
  const lines = text.split('\n');
  const last = lines.length - 1 - (lines.at(-1) === '' ? 1 : 0);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      core.applyJournal(line);
    } catch (e) {
      if (i < last) {
        throw fail(`line ${i + 1} of the journal ${journalFile} is not valid (${e.message}); fix it, or delete the journal to go back to the last snapshot`);
      }
    }
  });
}

/**
 * Reads a request body up to `limit` bytes. Resolves to the bytes, null when the client went away,
 * or `TOO_LARGE` as soon as the body is known to be larger (by `Content-Length` or by what came),
 * so that the 413 goes out while the client is still sending; the rest is then read and dropped
 * (the connection stays usable), up to a hard cap past which the connection is cut.
 */
function readBody(req, limit) {
  const cap = Math.max(limit * 4, 16 * 1024 * 1024);
  return new Promise((resolve) => {
    let chunks = [];
    let size = 0;
    let over = false;
    const drop = () => {
      over = true;
      chunks = [];
      resolve(TOO_LARGE);
    };
    if (Number(req.headers['content-length']) > limit) drop();
    req.on('data', (c) => {
      size += c.length;
      if (over || size > limit) {
        if (!over) drop();
        if (size > cap) req.socket.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length ? new Uint8Array(Buffer.concat(chunks)) : EMPTY));
    req.on('error', () => resolve(null));
    req.on('close', () => resolve(null));
  });
}

function answerError(res, status, error, info, extra = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...CORS, ...extra });
  res.end(JSON.stringify({ error, info }));
}

const NOT_PUBLIC = Symbol('not public');

/**
 * A `lookup` for http(s).request that resolves with `lookup` (dns.lookup by default) and fails when
 * any address of the host is not public, as the core judges it.
 */
function publicLookup(lookup) {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = Array.isArray(addresses) ? addresses : [];
      const bad = list.length ? list.find((a) => addressRefusal(String(a?.address))) : { address: 'no address' };
      if (bad) {
        const why = list.length ? `, ${addressRefusal(String(bad.address))}` : '';
        const e = new Error(`the webhook host ${hostname} resolves to ${bad.address}${why}; not delivered (private URLs are not allowed)`);
        e[NOT_PUBLIC] = true;
        return callback(e);
      }
      if (options.all) callback(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1 and a free port).
 * @param {import('./emulator.d.mts').EmulatorOptions} [options]
 * @returns {Promise<import('./emulator.d.mts').RunningEmulator>}
 */
export async function startEmulator(options = {}) {
  const o = checkOptions(options);
  const adminToken = o.adminToken ?? randomBytes(24).toString('base64url');
  const adminAuth = `Bearer ${adminToken}`;
  const core = new EmulatorCore({
    apiKeys: o.apiKeys ?? null,
    allowPrivateUrls: o.allowPrivateUrls,
    rateLimit: o.rateLimit,
    retryAfter: o.retryAfter,
    holdTimeoutMs: o.holdTimeoutMs,
    adminToken,
    corsOrigins: o.corsOrigins,
    allowedHosts: [...o.allowedHosts, o.host],
  });
  const { dataFile } = o;
  let store;
  try {
    // The data file is written now, so that a folder that is missing or not writable fails here.
    if (dataFile) store = openStore(core, dataFile);
  } catch (e) {
    core.free();
    throw e;
  }

  const timers = new Set();
  /** Webhook requests in flight (aborted by close()). */
  const outgoing = new Set();
  let closed = false;

  const wait = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** POSTs one webhook (fresh connection, no redirects); resolves to { status } or { error }. */
  function post(effect) {
    return new Promise((resolve) => {
      let url;
      try {
        url = new URL(effect.url);
      } catch {
        resolve({ error: 'invalid URL' });
        return;
      }
      const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
      if (!mod) {
        resolve({ error: `unsupported protocol ${url.protocol}` });
        return;
      }
      const body = Buffer.from(effect.body, 'utf8');
      const headers = { ...Object.fromEntries(effect.headers), 'Content-Length': String(body.length) };
      // Without private URLs, the rule of room_creation_api holds for the URL and for every address
      // its host resolves to (the core judges both), so a webhook never reaches a private host.
      const refused = o.allowPrivateUrls ? undefined : deliveryUrlRefusal(effect.url);
      if (refused) {
        resolve({ error: refused });
        return;
      }
      const lookup = o.allowPrivateUrls ? o.lookup : publicLookup(o.lookup ?? dns.lookup);
      const req = mod.request(url, { method: 'POST', headers, agent: false, lookup });
      let result;
      const timer = setTimeout(() => {
        result ??= { error: `timeout after ${o.webhookTimeoutMs} ms` };
        req.destroy();
      }, o.webhookTimeoutMs);
      outgoing.add(req);
      req.on('response', (res) => {
        result ??= { status: res.statusCode };
        resolve(result);
        res.resume();
        res.on('error', () => {});
      });
      req.on('error', (e) => {
        result ??= { error: closed ? 'emulator closed' : e[NOT_PUBLIC] ? e.message : String(e.code ?? e.message) };
        resolve(result);
      });
      req.on('close', () => {
        clearTimeout(timer);
        outgoing.delete(req);
        resolve(result ?? { error: 'connection closed' });
      });
      req.end(body);
    });
  }

  async function deliver(effect) {
    const { status, error } = await post(effect);
    if (effect.call_id && !closed) core.recordWebhookResult(effect.call_id, status, error, Date.now());
  }

  const sendAll = (effects) => Promise.all(effects.map(deliver));

  /**
   * One request through the core: the state file is written before anyone sees the answer.
   * A simulated call waits for its webhook and answers the updated call record; other webhooks
   * (the create ping) are left in `effects` for the caller to send after answering.
   */
  async function dispatch(method, pathname, query, auth, body, headers = [undefined, undefined, JSON_TYPE]) {
    if (closed) throw fail('the emulator is closed');
    const r = core.handle(method, pathname, query, auth, body, Date.now(), ...headers);
    if (r.journal && store) {
      try {
        store.append(r.journal);
      } catch (e) {
        const info = `the emulator could not write its data file (${e.code ?? e.message})`;
        return { status: 500, headers: [], body: JSON.stringify({ error: 'server-error', info }), delay_ms: 0, drop_connection: false, effects: [] };
      }
    }
    const route = pathname.replace(/\/$/, '');
    if (method.toUpperCase() === 'POST' && route === CALLS_ROUTE && r.status === 200 && r.effects.length) {
      await sendAll(r.effects);
      if (closed) throw fail('the emulator is closed');
      const id = JSON.parse(r.body).id;
      const fresh = core.handle('GET', `${CALLS_ROUTE}/${encodeURIComponent(id)}`, '', adminAuth, EMPTY, Date.now());
      return { ...r, body: fresh.body, effects: [] };
    }
    return r;
  }

  const tooLarge = (res, extra) =>
    answerError(res, 413, 'invalid-request-error', `the request body is larger than ${o.maxBodyBytes} bytes`, extra);

  async function onRequest(req, res) {
    const body = await readBody(req, o.maxBodyBytes);
    if (body === null) return;
    if (body === TOO_LARGE) {
      // Answered at once; the rest of the body is read and dropped (readBody), so the client can
      // read this answer before the connection ends.
      tooLarge(res);
      return;
    }
    const q = req.url.indexOf('?');
    const pathname = q < 0 ? req.url : req.url.slice(0, q);
    const query = q < 0 ? '' : req.url.slice(q + 1);
    const { host, origin } = req.headers;
    const r = await dispatch(req.method, pathname, query, req.headers.authorization, body, [host, origin, req.headers['content-type']]);
    if (r.delay_ms > 0) await wait(r.delay_ms);
    if (closed) return;
    if (r.drop_connection) {
      req.socket.destroy();
      return;
    }
    const audio = r.headers.find(([k]) => k.toLowerCase() === AUDIO_FILE_HEADER);
    if (audio) {
      sendAudio(req, res, r, audio[1]);
      return;
    }
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(r.body);
    if (r.effects.length) sendAll(r.effects);
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((e) => {
      if (!closed) answerError(res, 500, 'server-error', `emulator: ${e?.message ?? e}`);
    });
  });
  // `Expect: 100-continue` with a body over the cap: refused before the client sends it.
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length']) > o.maxBodyBytes) {
      tooLarge(res, { Connection: 'close' });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  try {
    server.listen(o.port, o.host);
    await once(server, 'listening'); // rejects with the server's 'error' (a port in use, ...)
  } catch (e) {
    core.free();
    throw fail(`cannot listen on ${o.host}:${o.port}: ${e.code ?? e.message}`);
  }
  const addr = server.address();
  const shownHost = addr.family === 'IPv6' || addr.family === 6 ? `[${addr.address}]` : addr.address;
  const origin = `http://${shownHost}:${addr.port}`;

  /** An admin route in-process: parsed answer, or a DailyDialinError carrying status and info. */
  async function admin(method, route, payload) {
    const text = payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
    const r = await dispatch(method, route, '', adminAuth, new TextEncoder().encode(text));
    if (r.effects.length) await sendAll(r.effects);
    const parsed = r.body ? JSON.parse(r.body) : undefined;
    if (r.status >= 400) {
      throw Object.assign(fail(`${method} ${route} answered ${r.status}: ${parsed?.info ?? parsed?.error ?? ''}`), {
        status: r.status,
        error: parsed?.error,
        info: parsed?.info,
      });
    }
    return parsed;
  }

  return {
    url: `${origin}/v1`,
    origin,
    port: addr.port,
    host: addr.address,
    adminToken,
    injectFault: (fault) => admin('POST', '/_emulator/faults', fault ?? {}),
    faults: async () => (await admin('GET', '/_emulator/faults')).faults,
    clearFaults: () => admin('DELETE', '/_emulator/faults'),
    simulateCall: (call) => admin('POST', CALLS_ROUTE, call ?? {}),
    calls: async () => (await admin('GET', CALLS_ROUTE)).calls,
    call: (id) => admin('GET', `${CALLS_ROUTE}/${encodeURIComponent(String(id))}`),
    reset: () => admin('POST', '/_emulator/reset'),
    exportState: () => {
      if (closed) throw fail('the emulator is closed');
      return JSON.parse(core.exportState());
    },
    importState: (state) => admin('PUT', '/_emulator/state', state),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const r of outgoing) r.destroy();
      const done = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      store?.close();
      core.free();
    },
  };
}
