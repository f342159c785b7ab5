#!/usr/bin/env node
// daily-dialin-emulator: run the local Daily dial-in API emulator (see the package README).
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.mjs';

const NAME = 'daily-dialin-emulator';
const USAGE = `usage: ${NAME} [options]
  --port N               port to listen on (default 4010; 0 picks a free one)
  --host H               address to bind (default 127.0.0.1)
  --api-key KEY          accept only this API key (repeat for several; default: any Bearer key)
  --data FILE            keep configs in FILE across restarts (each change is flushed to FILE.journal
                         before the answer, and folded into FILE at start and as it grows)
  --admin-token T        the token of the admin routes /_emulator/* (default: a random one, printed)
  --cors-origin O        also let the web page at origin O call /v1 (repeat for several; loopback
                         origins such as http://localhost:5173 are always allowed)
  --allowed-host H       also accept requests for host name H (repeat; default: localhost and IPs)
  --rate-limit N/MS      at most N requests per MS milliseconds per key (default 100/5000)
  --no-rate-limit        no rate limit
  --retry-after          send Retry-After with 429 answers (Daily documents none)
  --hold-timeout-ms MS   how long a simulated call waits for pinlessCallUpdate (default 120000)
  --public-urls-only     refuse localhost and private webhook URLs, as Daily does
  -h, --help             show this help

Docs: node_modules/daily-dialin-emulator/README.md (options, methods, flags; also its npm page) and
node_modules/daily-dialin/docs/emulator.md (routes, rules, faults, calls, persistence).`;

function usageError(message) {
  console.error(`${NAME}: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string', multiple: true },
      data: { type: 'string' },
      'admin-token': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'retry-after': { type: 'boolean', default: false },
      'no-rate-limit': { type: 'boolean', default: false },
      'rate-limit': { type: 'string' },
      'hold-timeout-ms': { type: 'string' },
      'public-urls-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  usageError(e.message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const int = (name, v) => {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) usageError(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
  return n;
};
let rateLimit;
if (values['no-rate-limit']) {
  if (values['rate-limit']) usageError('--rate-limit and --no-rate-limit exclude each other');
  rateLimit = null;
} else if (values['rate-limit']) {
  const [n, ms, extra] = values['rate-limit'].split('/');
  if (extra !== undefined) usageError(`--rate-limit must be N or N/MS, got ${JSON.stringify(values['rate-limit'])}`);
  rateLimit = { maxRequests: int('rate-limit', n), windowMs: int('rate-limit', ms ?? '5000') };
}

const port = int('port', values.port);
if (port > 65535) usageError(`--port must be from 0 to 65535, got ${port}`);
let emu;
try {
  emu = await startEmulator({
    host: values.host,
    port,
    apiKeys: values['api-key'],
    dataFile: values.data,
    adminToken: values['admin-token'],
    corsOrigins: values['cors-origin'],
    allowedHosts: values['allowed-host'],
    retryAfter: values['retry-after'],
    allowPrivateUrls: !values['public-urls-only'],
    rateLimit,
    holdTimeoutMs: values['hold-timeout-ms'] === undefined ? undefined : int('hold-timeout-ms', values['hold-timeout-ms']),
  });
} catch (e) {
  // Our own errors are complete sentences; anything else is shown by message, not by stack.
  console.error(`${NAME}: ${String(e?.message ?? e).replace(/^daily-dialin emulator: /, '')}`);
  process.exit(1);
}
console.log(`daily-dialin emulator listening on ${emu.url}`);
const shownToken = values['admin-token'] === undefined ? emu.adminToken : '<the --admin-token value>';
console.log(`admin routes: ${emu.origin}/_emulator/* with Authorization: Bearer ${shownToken}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emu.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
