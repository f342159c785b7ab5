// Fuzz through the packed module (installed from the tarball): random and mutated inputs to every
// exported function. Every call must either return a well-formed answer or throw an Error (a
// ValidationError with issues for refusals), never trap (WebAssembly.RuntimeError), never leak
// the API key into an error, and the wasm memory must stop growing after a warm-up.
//
// The inputs are split over worker threads (FUZZ_WORKERS, default: up to 2), each with its own
// module instance and seed. FUZZ_INPUTS (default 100000, per function) and FUZZ_SEED (default:
// random, printed) reproduce a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { tempDir, pack, project } from './helpers.mjs';

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = Number(process.env.FUZZ_WORKERS ?? Math.min(2, availableParallelism()));

let tmp, modulePaths;
before(() => {
  tmp = tempDir('fuzz');
  const { tarball } = pack(tmp.dir);
  const dir = project(tmp.dir, 'fuzz', tarball);
  const root = join(dir, 'node_modules', 'daily-dialin');
  modulePaths = { 'daily-dialin': join(root, 'node.mjs'), 'daily-dialin/core': join(root, 'core', 'node.mjs'), 'daily-dialin/webhook': join(root, 'webhook', 'node.mjs'), 'daily-dialin/configs': join(root, 'configs', 'node.mjs') };
});
after(() => tmp?.cleanup());

function runWorker(seed, inputs) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fuzz-worker.mjs', import.meta.url), {
      workerData: {
        modulePaths,
        seed,
        inputs,
        warmup: Math.min(10_000, Math.floor(inputs / 5)),
        memorySlack: 1 << 20, // growth allowed after warm-up: 16 pages
      },
    });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`fuzz worker exited with ${code}`)));
  });
}

test(`fuzz: ${INPUTS} inputs to every export (seed ${SEED}, ${WORKERS} workers)`, async () => {
  const share = Math.ceil(INPUTS / WORKERS);
  const results = await Promise.all(Array.from({ length: WORKERS }, (_, k) => runWorker(SEED + k, share)));
  const counts = {};
  for (const r of results) {
    for (const [module, perFunction] of Object.entries(r.counts)) {
      for (const [name, c] of Object.entries(perFunction)) {
        const key = `${module}: ${name}`;
        counts[key] ??= { ok: 0, threw: 0 };
        counts[key].ok += c.ok;
        counts[key].threw += c.threw;
      }
    }
  }
  console.log(JSON.stringify({ seed: SEED, inputs: INPUTS, memory: results.map((r) => r.memory), counts }));
  for (const module of Object.keys(modulePaths)) {
    assert.ok(Object.keys(counts).some((k) => k.startsWith(`${module}: `)), `${module} was fuzzed`);
  }
  for (const [name, c] of Object.entries(counts)) {
    assert.ok(c.ok + c.threw >= INPUTS, `${name} got ${c.ok + c.threw} inputs`);
  }
});
