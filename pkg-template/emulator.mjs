// daily-dialin/emulator: a local emulator of Daily's /v1/domain-dialin-config API (Node 20+).
//
// The state and every rule live in Rust (the same validation code as the client); this file is the
// HTTP shell: it reads requests, obeys the core's delay / drop directives, persists state, and
// delivers the signed webhooks the core asks for.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import * as errors from './errors.js';
import { EmulatorCore, __registerErrorClasses } from './emulator/daily_dialin_emulator.js';

__registerErrorClasses(errors);

const DEFAULT_MAX_BODY = 1024 * 1024;

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { tooLarge: true }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Writes `text` to `file` atomically: a temporary file in the same folder, then a rename. */
function writeAtomic(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1 and a free port).
 * @param {import('./emulator.d.mts').EmulatorOptions} [options]
 * @returns {Promise<import('./emulator.d.mts').RunningEmulator>}
 */
export async function startEmulator(options = {}) {
  const {
    host = '127.0.0.1',
    port = 0,
    apiKeys,
    allowPrivateUrls = true,
    rateLimit = { maxRequests: 100, windowMs: 5000 },
    retryAfter = false,
    holdTimeoutMs = 120000,
    dataFile,
    maxBodyBytes = DEFAULT_MAX_BODY,
    webhookTimeoutMs = 10000,
  } = options;
  const core = new EmulatorCore({
    apiKeys: apiKeys ?? null,
    allowPrivateUrls,
    rateLimit: rateLimit === false || rateLimit === null ? null : rateLimit,
    retryAfter,
    holdTimeoutMs,
  });
  if (dataFile && fs.existsSync(dataFile)) {
    core.importState(fs.readFileSync(dataFile, 'utf8'));
  }

  const sockets = new Set();
  const timers = new Set();
  const deliveries = new Set();
  let closed = false;

  const wait = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function deliver(effect) {
    let status;
    let error;
    try {
      const r = await fetch(effect.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...Object.fromEntries(effect.headers) },
        body: effect.body,
        signal: AbortSignal.timeout(webhookTimeoutMs),
      });
      status = r.status;
      await r.arrayBuffer().catch(() => {});
    } catch (e) {
      error = String(e?.cause?.code ?? e?.name ?? 'fetch failed');
    }
    if (effect.call_id) core.recordWebhookResult(effect.call_id, status, error, Date.now());
  }

  const server = http.createServer(async (req, res) => {
    let body;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (e) {
      if (e.tooLarge && !res.headersSent) {
        res.writeHead(413, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
        res.end(JSON.stringify({ error: 'invalid-request-error', info: `body larger than ${maxBodyBytes} bytes` }));
      }
      return;
    }
    const q = req.url.indexOf('?');
    const pathname = q < 0 ? req.url : req.url.slice(0, q);
    const query = q < 0 ? '' : req.url.slice(q + 1);
    const auth = req.headers.authorization;
    const r = core.handle(req.method, pathname, query, auth ?? undefined, body, Date.now());
    if (r.state_changed && dataFile) writeAtomic(dataFile, core.exportState());
    if (r.delay_ms > 0) await wait(r.delay_ms);
    if (closed) return;
    if (r.drop_connection) {
      req.socket.destroy();
      return;
    }
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(r.body);
    for (const effect of r.effects) {
      const p = deliver(effect).finally(() => deliveries.delete(p));
      deliveries.add(p);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const origin = `http://${shownHost}:${addr.port}`;

  const admin = async (method, route, payload) => {
    const r = core.handle(method, route, '', undefined, new TextEncoder().encode(payload ? JSON.stringify(payload) : ''), Date.now());
    for (const effect of r.effects) {
      const p = deliver(effect).finally(() => deliveries.delete(p));
      deliveries.add(p);
      if (route === '/_emulator/calls') await p;
    }
    const parsed = r.body ? JSON.parse(r.body) : undefined;
    if (r.status >= 400) throw new errors.DailyDialinError(`emulator ${method} ${route}: ${r.status} ${parsed?.info ?? ''}`);
    return parsed;
  };

  return {
    url: `${origin}/v1`,
    origin,
    port: addr.port,
    host: addr.address,
    /** Queues a fault (see README: method, path, count, status, body, delay_ms, drop, apply, retry_after). */
    injectFault: (fault) => admin('POST', '/_emulator/faults', fault),
    clearFaults: () => admin('DELETE', '/_emulator/faults'),
    /** Simulates an incoming call; resolves once the webhook delivery finished. */
    simulateCall: async (call) => {
      const created = await admin('POST', '/_emulator/calls', call);
      return created?.id ? admin('GET', `/_emulator/calls/${encodeURIComponent(created.id)}`) : created;
    },
    calls: () => admin('GET', '/_emulator/calls'),
    reset: () => admin('POST', '/_emulator/reset'),
    exportState: () => JSON.parse(core.exportState()),
    /** Stops listening, ends open connections and waits for webhook deliveries in flight. */
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await Promise.allSettled([...deliveries]);
      await done;
      core.free();
    },
  };
}
