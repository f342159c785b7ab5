#!/usr/bin/env node
// The emulator with a data file: creates per second over HTTP with 10 configs stored and with
// 10,000 configs stored, in the same run (interleaved rounds), and their ratio. Each create is
// acknowledged only once it is flushed to disk, so the figure is bound by fsync; what matters is
// that it does not fall as the state grows.
//
//   node bench/emulator-persist.mjs [--creates N] [--rounds R]   # default 200 creates x 3 rounds
//
// Measures the installed package (tests/js/installed.mjs), like bench/run.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { dd } from '../tests/js/installed.mjs';
import { pinState } from '../tests/js/emulator-helpers.mjs';
import { median, round } from './lib.mjs';

const SIZES = [10, 10_000];

/** Creates per second of `n` sequential creates (one connection, as a test suite does). */
async function createsPerSecond(emu, n, from) {
  const h = { Authorization: 'Bearer bench', 'Content-Type': 'application/json' };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${emu.url}/domain-dialin-config`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ type: 'pin_dialin', phone_number: `+1415${String(from + i).padStart(7, '0')}` }),
    });
    if (r.status !== 200) throw new Error(`create answered ${r.status}: ${await r.text()}`);
    await r.arrayBuffer();
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Runs the measurement; returns { perSecond: { 10: [...], 10000: [...] }, ratio }. */
export async function persistBench({ creates = 200, rounds = 3, log = console.log } = {}) {
  const m = await dd();
  const dir = mkdtempSync(join(tmpdir(), 'emulator-persist-'));
  const samples = Object.fromEntries(SIZES.map((s) => [s, []]));
  let next = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [...SIZES].reverse() : SIZES;
      for (const size of order) {
        const emu = await m.startEmulator({ rateLimit: null, dataFile: join(dir, `state-${size}-${r}.json`) });
        try {
          await emu.importState(pinState(size));
          samples[size].push(await createsPerSecond(emu, creates, next));
          next += creates;
        } finally {
          await emu.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const perSecond = Object.fromEntries(SIZES.map((s) => [s, round(median(samples[s]), 1)]));
  const ratios = samples[SIZES[1]].map((x, i) => x / samples[SIZES[0]][i]);
  const ratio = round(median(ratios), 3);
  log(`emulator --data creates/s (median of ${rounds} rounds of ${creates}): ${SIZES.map((s) => `${s} configs ${perSecond[s]}`).join(', ')}; ratio 10,000 / 10 = ${ratio}`);
  return { creates, rounds, perSecond, ratio };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { creates: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
  await persistBench({ creates: Number(values.creates), rounds: Number(values.rounds) });
}
