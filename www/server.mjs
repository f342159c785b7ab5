#!/usr/bin/env node
// Dev server of the admin page (Node 20+, no dependencies). Binds 127.0.0.1 only.
//
//   node www/server.mjs [--port 5173] [--upstream https://api.daily.co/v1] [--pkg DIR] [--data FILE]
//
// - serves the page (www/index.html, app.js, style.css) and the built package under /pkg/
//   (pkg/ by default, or --pkg DIR, e.g. an installed node_modules/daily-dialin);
// - hosts the package's emulator in-process and mounts it on this origin: /v1/* (the Daily API)
//   and /_emulator/* (its admin routes);
// - receives the emulator's pinless webhooks at /demo/room-creation, verifies them with
//   verifyPinlessWebhook and the config's hmac, routes each verified call to a demo SIP URI, and
//   lists what it received at GET /demo/webhooks;
// - with an API key (env DAILY_API_KEY), forwards /proxy/v1/domain-dialin-config* to the upstream
//   (--upstream, env DAILY_API_BASE, default https://api.daily.co/v1), putting
//   `Authorization: Bearer <key>` on the request here: the page never sees the key.
//
// The API routes refuse requests whose Host is not this server (DNS rebinding) or whose Origin is
// another site, so other pages open in the browser cannot use the key through the proxy.
import http from 'node:http';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const WWW = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(WWW, '..');
const DEFAULT_PKG = path.join(ROOT, '.tmp', 'demo', 'node_modules', 'daily-dialin');
export const DEFAULT_PORT = 5173;
export const DEFAULT_UPSTREAM = 'https://api.daily.co/v1';
/** Where the demo receiver routes verified calls (the emulator does not check SIP URIs). */
const DEMO_SIP_DOMAIN = 'demo-room.sip.localhost';
/** The page: app.js is its entry module, and imports the others (one a panel, and their helpers). */
const PAGE_FILES = new Set(['index.html', 'style.css', 'app.js', 'state.js', 'dom.js', 'fields.js', 'feedback.js', 'connection.js', 'create.js', 'configs.js', 'calls.js', 'music.js', 'import.js']);
const MAX_BODY = 1024 * 1024;
const MAX_WEBHOOKS = 200;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** The whole request body, refusing more than `limit` bytes. */
async function readBody(req, limit = MAX_BODY) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(res, status, value, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(value));
}

/** The Content-Security-Policy of the page, allowing its one inline script (the import map). */
function pagePolicy(html) {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${crypto.createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    // The hold-music field's Check fetches the file from wherever it is (checkHoldMusic): any
    // http(s) origin. Scripts stay this server's own.
    "connect-src 'self' https: http:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A file under `dir` for the URL path `rel`, or null when it escapes `dir` or does not exist. */
function fileUnder(dir, rel) {
  const file = path.normalize(path.join(dir, rel));
  if (!file.startsWith(path.normalize(dir + path.sep))) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port') out.port = Number(value());
    else if (flag === '--upstream') out.upstream = value();
    else if (flag === '--pkg') out.pkgDir = path.resolve(value());
    else if (flag === '--data') out.dataFile = path.resolve(value());
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new Error(`unknown argument ${argv[i]} (see --help)`);
  }
  if (out.port !== undefined && !(Number.isInteger(out.port) && out.port >= 0 && out.port <= 65535)) {
    throw new Error('--port must be a whole number from 0 to 65535');
  }
  return out;
}

/**
 * Starts the dev server. Options: `port` (default 5173; 0 picks a free one), `upstream` and
 * `apiKey` (proxy mode; without a key there is no proxy), `pkgDir` (the installed daily-dialin
 * package, with daily-dialin-emulator installed beside it; default .tmp/demo/node_modules/daily-dialin,
 * where scripts/demo installs the packed tarballs), `dataFile` (keep the emulator's configs across restarts), `holdTimeoutMs`.
 * Resolves to `{ url, port, emulator, webhooks(), close() }`.
 */
export async function startDevServer(options = {}) {
  const {
    port = DEFAULT_PORT,
    apiKey,
    pkgDir = DEFAULT_PKG,
    dataFile,
    holdTimeoutMs = 60000,
  } = options;
  const upstream = apiKey ? String(options.upstream ?? DEFAULT_UPSTREAM).replace(/\/+$/, '') : undefined;
  if (upstream && !/^https?:\/\/[^/]+/.test(upstream)) throw new Error('upstream must be an http(s) URL such as https://api.daily.co/v1');
  if (!fileUnder(pkgDir, 'web.js')) {
    throw new Error(`${pkgDir} is not an installed daily-dialin package (no web.js): run scripts/demo, which builds and installs it`);
  }
  // The emulator is the daily-dialin-emulator package installed beside daily-dialin.
  let emulatorEntry;
  try {
    emulatorEntry = createRequire(path.join(pkgDir, 'package.json')).resolve('daily-dialin-emulator');
  } catch {
    throw new Error(`no daily-dialin-emulator package is installed beside ${pkgDir}: run scripts/demo, which builds and installs both`);
  }
  const { startEmulator } = await import(pathToFileURL(emulatorEntry).href);
  const { verifyPinlessWebhook } = await import(pathToFileURL(path.join(pkgDir, 'webhook', 'node.mjs')).href);

  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, holdTimeoutMs, dataFile });
  const html = fs.readFileSync(path.join(WWW, 'index.html'), 'utf8');
  const csp = pagePolicy(html);
  const webhooks = [];
  let origin;
  let server;

  /** The emulator's configs whose room_creation_api is this receiver. */
  function receiverConfigs(receiverPath) {
    return emulator.exportState().configs.filter((c) => {
      try {
        const u = new URL(c.config.room_creation_api);
        return u.origin === origin && u.pathname === receiverPath && c.config.hmac;
      } catch {
        return false;
      }
    });
  }

  // Verifies a webhook with the hmac of the config it is for (for a call: the config whose number
  // or SIP URI was dialed; for the set-up ping: any config pointing here), then routes the call.
  async function receiveWebhook(req, res, receiverPath) {
    const body = await readBody(req);
    const record = { at: new Date().toISOString(), path: receiverPath, verified: false };
    let claimed;
    try {
      claimed = JSON.parse(body.toString('utf8'));
    } catch {
      claimed = undefined;
    }
    // What the body claims, before verification: only used to pick the secret and to label the record.
    const to = typeof claimed?.To === 'string' ? claimed.To : undefined;
    if (typeof claimed?.callId === 'string') record.callId = claimed.callId.slice(0, 100);
    const candidates = receiverConfigs(receiverPath).filter(
      (c) => to === undefined || c.config.phone_number === to || c.config.sip_uri === to || `sip:${c.config.sip_uri}` === to,
    );
    let reason = candidates.length ? 'signature_mismatch' : 'no_config';
    for (const c of candidates) {
      try {
        const hook = verifyPinlessWebhook({ body: new Uint8Array(body), headers: req.headers, secret: c.config.hmac });
        Object.assign(record, { verified: true, kind: hook.kind, config_id: c.id });
        if (hook.kind === 'call') {
          Object.assign(record, { callId: hook.payload.callId, to: hook.payload.To, from: hook.payload.From });
        }
        break;
      } catch (e) {
        reason = e?.reason ?? 'error';
      }
    }
    if (!record.verified) record.reason = reason;
    webhooks.push(record);
    if (webhooks.length > MAX_WEBHOOKS) webhooks.shift();
    if (!record.verified) {
      sendJson(res, 401, { error: 'webhook not verified', reason });
      return;
    }
    if (record.kind !== 'call') {
      sendJson(res, 200, { ok: true });
      return;
    }
    // A real receiver creates a room here and answers; the call is then moved to the room's SIP
    // URI with pinlessCallUpdate. The demo routes it to a made-up SIP URI once it has answered.
    const hook = claimed;
    const sipUri = `sip:demo-${hook.callId.slice(0, 8)}@${DEMO_SIP_DOMAIN}`;
    res.on('finish', () => {
      setTimeout(async () => {
        try {
          const r = await fetch(`${emulator.url}/dialin/pinlessCallUpdate`, {
            method: 'POST',
            headers: { Authorization: 'Bearer demo-receiver', 'Content-Type': 'application/json' },
            body: JSON.stringify({ callId: hook.callId, callDomain: hook.callDomain, sipUri }),
          });
          record.routed = r.ok ? sipUri : undefined;
          record.route_status = r.status;
        } catch (e) {
          record.route_status = String(e?.cause?.code ?? e?.name);
        }
      }, 50);
    });
    sendJson(res, 200, { ok: true, sipUri });
  }

  /** Forwards the request to `target` (a full URL); `auth` replaces the page's Authorization. */
  async function forward(req, res, target, auth, scrub) {
    const body = ['GET', 'HEAD', 'DELETE'].includes(req.method) ? undefined : await readBody(req);
    const headers = {};
    if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
    const authorization = auth ?? req.headers.authorization;
    if (authorization) headers.Authorization = authorization;
    let r;
    try {
      r = await fetch(target, { method: req.method, headers, body: body?.length ? body : undefined, redirect: 'manual' });
    } catch (e) {
      sendJson(res, 502, { error: 'server-error', info: `the dev server could not reach ${new URL(target).origin} (${e?.cause?.code ?? e?.name})` });
      return;
    }
    let text = Buffer.from(await r.arrayBuffer()).toString('utf8');
    if (scrub) text = scrub(text);
    const out = { 'Cache-Control': 'no-store' };
    for (const h of ['content-type', 'retry-after', 'allow', 'x-emulator-fault']) {
      const v = r.headers.get(h);
      if (v) out[h] = v;
    }
    res.writeHead(r.status, out);
    res.end(text);
  }

  /** Same-site checks for the API routes: our Host only, and no foreign Origin. */
  function allowed(req) {
    const host = req.headers.host ?? '';
    const port = server.address().port;
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return false;
    const from = req.headers.origin;
    return from === undefined || from === `http://${host}`;
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    try {
      decodeURIComponent(p);
    } catch {
      sendJson(res, 400, { error: 'invalid-request-error', info: 'the path has a malformed percent-escape' });
      return;
    }
    const api = p.startsWith('/v1/') || p.startsWith('/_emulator/') || p === '/_emulator' || p.startsWith('/proxy/') || p.startsWith('/demo/');
    if (api && !allowed(req)) {
      sendJson(res, 403, { error: 'forbidden-error', info: 'the dev server answers only its own page (Host or Origin mismatch)' });
      return;
    }
    if (p === '/demo/info') {
      sendJson(res, 200, {
        // The emulator's test audio is fetched from the emulator itself: it answers CORS to loopback
        // pages and honours Range, which the forwarding below does not carry.
        emulator: { baseUrl: '/v1', receiver: '/demo/room-creation', holdTimeoutMs, audio: `${emulator.origin}/_emulator/audio/hold.mp3` },
        proxy: upstream ? { baseUrl: '/proxy/v1', upstream } : null,
      });
      return;
    }
    if (p === '/demo/webhooks' && req.method === 'GET') {
      sendJson(res, 200, { webhooks });
      return;
    }
    if (p.startsWith('/demo/room-creation') && req.method === 'POST') {
      await receiveWebhook(req, res, p);
      return;
    }
    if (p.startsWith('/v1/') || p.startsWith('/_emulator')) {
      // The page is this server's own (checked above): its admin requests carry the emulator's
      // admin token from here, as the proxy carries the API key.
      const auth = p.startsWith('/_emulator') ? `Bearer ${emulator.adminToken}` : undefined;
      await forward(req, res, emulator.origin + p + url.search, auth);
      return;
    }
    if (p.startsWith('/proxy/v1/')) {
      const rest = p.slice('/proxy/v1'.length);
      if (!upstream) {
        sendJson(res, 404, { error: 'not-found', info: 'no Daily proxy: start the dev server with DAILY_API_KEY set' });
      } else if (!/^\/domain-dialin-config(\/[^/]+)?\/?$/.test(rest) || !['GET', 'POST', 'PUT', 'DELETE'].includes(req.method)) {
        sendJson(res, 404, { error: 'not-found', info: 'the proxy forwards /domain-dialin-config requests only' });
      } else {
        await forward(req, res, upstream + rest + url.search, `Bearer ${apiKey}`, (t) => t.split(apiKey).join('***'));
      }
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    let file = null;
    let policy;
    if (p === '/' || p === '/index.html') {
      file = path.join(WWW, 'index.html');
      policy = csp;
    } else if (p.startsWith('/pkg/')) {
      file = fileUnder(pkgDir, decodeURIComponent(p.slice('/pkg/'.length)));
    } else if (PAGE_FILES.has(p.slice(1))) {
      file = path.join(WWW, p.slice(1));
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const headers = {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (policy) headers['Content-Security-Policy'] = policy;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : fs.readFileSync(file));
  }

  server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendJson(res, e?.status ?? 500, { error: 'server-error', info: 'dev server error' });
      else res.destroy();
      if (!e?.status) console.error('dev server:', e?.message ?? e);
    });
  });
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening'); // rejects with the server's 'error' (a port in use, ...)
  } catch (e) {
    await emulator.close();
    throw e;
  }
  const actualPort = server.address().port;
  origin = `http://127.0.0.1:${actualPort}`;
  return {
    url: `${origin}/`,
    origin,
    port: actualPort,
    emulator,
    proxy: Boolean(upstream),
    /** What the demo receiver got (newest last). */
    webhooks: () => webhooks.map((w) => ({ ...w })),
    close: async () => {
      const done = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await done;
      await emulator.close();
    },
  };
}

const HELP = `usage: node www/server.mjs [--port N] [--upstream URL] [--pkg DIR] [--data FILE]
  --port N        port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --upstream URL  Daily API base for the proxy (default $DAILY_API_BASE or ${DEFAULT_UPSTREAM});
                  the proxy is on only when DAILY_API_KEY is set in the environment
  --pkg DIR       the installed daily-dialin package to serve, with daily-dialin-emulator installed
                  beside it (default .tmp/demo/node_modules/daily-dialin, as scripts/demo installs)
  --data FILE     keep the emulator's configs in FILE across restarts`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\n${HELP}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(HELP);
    process.exit(0);
  }
  const apiKey = process.env.DAILY_API_KEY || undefined;
  if (args.upstream && !apiKey) console.error('dev server: --upstream is ignored: the proxy needs DAILY_API_KEY in the environment');
  const dev = await startDevServer({ ...args, upstream: args.upstream ?? process.env.DAILY_API_BASE, apiKey }).catch((e) => {
    const port = args.port ?? DEFAULT_PORT;
    console.error(e?.code === 'EADDRINUSE' ? `dev server: port ${port} is in use; pick another with --port N (0 picks a free one)` : `dev server: ${e.message}`);
    process.exit(1);
  });
  console.log(`admin page: ${dev.url}`);
  console.log(`  emulator: ${dev.origin}/v1 (in-process; admin routes under /_emulator)`);
  console.log(dev.proxy ? `  Daily proxy: ${dev.origin}/proxy/v1 -> upstream (key from DAILY_API_KEY, kept on this server)` : '  Daily proxy: off (set DAILY_API_KEY to manage a real Daily domain)');
  const stop = async () => {
    await dev.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
