// The client's cost in CPU time of its own process: the emulator runs in another process (its
// command, on 127.0.0.1 port 0), so what `process.cpuUsage()` counts per request is only the
// calling side: undici, the timers, the package. Less noisy than wall time on a shared machine,
// and it splits the client's overhead into what any client with an abortable per-attempt
// timeout pays in Node's fetch and what the package adds (bench/README.md, "client overhead").
//
//   node bench/client-cpu.mjs [--rounds R]      (after scripts/build-pkg; not part of npm run bench)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONSUMER, dd } from '../tests/js/installed.mjs';
import { median, round, table } from './lib.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' } } });
const ROUNDS = Number(values.rounds);
const N = 300;
const KEY = 'bench-api-key';
const ADMIN = 'bench-admin-token-0123456789';

const m = await dd();
const emulator = spawn(join(CONSUMER, 'node_modules', '.bin', 'daily-dialin-emulator'), ['--port', '0', '--no-rate-limit', '--admin-token', ADMIN], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const base = await new Promise((resolve, reject) => {
    let out = '';
    emulator.on('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
    emulator.stdout.on('data', (d) => {
      out += d;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (url) resolve(url[0]);
    });
  });
  const reset = () => fetch(`${base}/_emulator/reset`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.text());
  const client = new m.DailyDialinClient({ apiKey: KEY, baseUrl: `${base}/v1` });
  const bodies = Array.from({ length: N }, (_, i) => ({ type: 'pin_dialin', phone_number: `+1209${5550000 + i}`, name_prefix: 'bench' }));
  const { url, headers } = m.buildCreateRequest(bodies[0], { apiKey: KEY, baseUrl: `${base}/v1` });
  const created = (c) => {
    if (typeof c?.id !== 'string') throw new Error(`no config created: ${JSON.stringify(c)}`);
  };
  const contenders = {
    'raw fetch(url, init) + json()': async (b) => created(await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(b) })).json()),
    '+ AbortController signal': async (b) => created(await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(b), signal: new AbortController().signal })).json()),
    '+ timer, text() + JSON.parse': async (b) => {
      const timer = setTimeout(() => {}, 30000);
      try {
        created(JSON.parse(await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(b) })).text()));
      } finally {
        clearTimeout(timer);
      }
    },
    'both: an abortable timeout, in JS': async (b) => {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 30000);
      try {
        created(JSON.parse(await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(b), signal: ctl.signal })).text()));
      } finally {
        clearTimeout(timer);
      }
    },
    'client.create': async (b) => created(await client.create(b)),
  };
  const names = Object.keys(contenders);
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  // Round 0 warms every path up and is not counted; the order rotates each round.
  for (let r = 0; r <= ROUNDS; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(r + j) % names.length];
      await reset();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const b of bodies) await contenders[name](b);
      const c = process.cpuUsage(c0);
      const t = performance.now() - t0;
      if (r > 0) {
        cpu[name].push((c.user + c.system) / N);
        wall[name].push((t * 1000) / N);
      }
    }
  }
  const raw = names[0];
  const rows = names.map((name) => ({
    name,
    cpu: round(median(cpu[name]), 1),
    cpu_ratio: round(median(cpu[name]) / median(cpu[raw])),
    wall: round(median(wall[name]), 1),
    wall_ratio: round(median(wall[name]) / median(wall[raw])),
  }));
  console.log(`client-side CPU per create (emulator in another process; ${N} creates per run, median of ${ROUNDS} rounds)`);
  console.log(table([['', 'name', 'l'], ['CPU µs', 'cpu'], ['/ raw', 'cpu_ratio'], ['wall µs', 'wall'], ['/ raw', 'wall_ratio']], rows));
  const js = names[3];
  console.log(`client.create / the same abortable timeout in JS: CPU ${round(median(cpu['client.create']) / median(cpu[js]))}, wall ${round(median(wall['client.create']) / median(wall[js]))}`);
} finally {
  emulator.kill();
}
