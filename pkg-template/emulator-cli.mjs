#!/usr/bin/env node
// daily-dialin-emulator: run the local Daily dial-in API emulator.
//   npx daily-dialin-emulator [--port N] [--host H] [--api-key KEY]... [--data FILE]
//                             [--retry-after] [--no-rate-limit] [--rate-limit N/MS] [--hold-timeout-ms MS]
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string', multiple: true },
    data: { type: 'string' },
    'retry-after': { type: 'boolean', default: false },
    'no-rate-limit': { type: 'boolean', default: false },
    'rate-limit': { type: 'string' },
    'hold-timeout-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: daily-dialin-emulator [--port N] [--host H] [--api-key KEY]... [--data FILE] [--retry-after] [--no-rate-limit] [--rate-limit N/MS] [--hold-timeout-ms MS]');
  process.exit(0);
}
const int = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`daily-dialin-emulator: --${name} must be a whole number, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
};
let rateLimit;
if (values['no-rate-limit']) rateLimit = null;
else if (values['rate-limit']) {
  const [n, ms] = values['rate-limit'].split('/');
  rateLimit = { maxRequests: int('rate-limit', n), windowMs: int('rate-limit', ms ?? '5000') };
}
const emu = await startEmulator({
  host: values.host,
  port: int('port', values.port),
  apiKeys: values['api-key'],
  dataFile: values.data,
  retryAfter: values['retry-after'],
  ...(rateLimit !== undefined ? { rateLimit } : {}),
  ...(values['hold-timeout-ms'] ? { holdTimeoutMs: int('hold-timeout-ms', values['hold-timeout-ms']) } : {}),
});
console.log(`daily-dialin emulator listening on ${emu.url}`);
const stop = async () => {
  await emu.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
