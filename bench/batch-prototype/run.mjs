// Times the prototype's JSON-text entry points next to today's validateCreate, on the corpus.
//   (cd bench/batch-prototype && cargo build --release --target wasm32-unknown-unknown) && node bench/batch-prototype/run.mjs
//   node bench/batch-prototype/run.mjs OTHER.wasm   # e.g. a build with CARGO_PROFILE_RELEASE_OPT_LEVEL=3
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dd } from '../../tests/js/installed.mjs';
import { CORPUS } from '../corpus.mjs';
import { interleave, median, nsPerOp, ratioOf } from '../lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const bytes = readFileSync(process.argv[2] ?? join(HERE, 'target/wasm32-unknown-unknown/release/batch_prototype.wasm'));
const module = new WebAssembly.Module(bytes);
// The core crate also carries the package's #[wasm_bindgen] exports; their imports are never
// called on this path, so stubs do.
const imports = {};
for (const i of WebAssembly.Module.imports(module)) {
  (imports[i.module] ??= {})[i.name] = () => {
    throw new Error(`stub ${i.module}.${i.name} called`);
  };
}
const { exports: w } = new WebAssembly.Instance(module, imports);
const enc = new TextEncoder();
const dec = new TextDecoder();
let cap = 0;
let ptr = 0;
function call(text, batch) {
  if (text.length * 3 > cap) {
    if (cap) w.dealloc(ptr, cap);
    cap = text.length * 3;
    ptr = w.alloc(cap);
  }
  const { written } = enc.encodeInto(text, new Uint8Array(w.memory.buffer, ptr, cap));
  const n = w.validate_json(ptr, written, batch);
  return JSON.parse(dec.decode(new Uint8Array(w.memory.buffer, w.out_ptr(), n)));
}

const m = await dd();
const bodies = CORPUS.map((c) => c.body);
const expected = CORPUS.map((c) => c.ok);
const check = (reports) => reports.forEach((r, i) => {
  if (r.ok !== expected[i]) throw new Error(`verdict differs on ${CORPUS[i].name}`);
});
check(bodies.map((b) => m.validateCreate(b)));
check(bodies.map((b) => call(JSON.stringify(b), false)));
check(call(JSON.stringify(bodies), true));
const batchText = JSON.stringify(bodies);
const texts = bodies.map((b) => JSON.stringify(b));

const perBody = (f) => () => nsPerOp(f, 300) / bodies.length;
const contenders = [
  ['validateCreate(body) (today)', perBody(() => bodies.forEach((b) => m.validateCreate(b)))],
  ['string entry: stringify + copy + 1 call + JSON.parse, per body', perBody(() => bodies.forEach((b) => call(JSON.stringify(b), false)))],
  ['batch entry: stringify(all) + copy + 1 call + JSON.parse', perBody(() => call(JSON.stringify(bodies), true))],
  ['batch entry, caller already holds the JSON text', perBody(() => call(batchText, true))],
  ['string entry, caller already holds the JSON text', perBody(() => texts.forEach((t) => call(t, false)))],
  ['batch, inside wasm only (parse + validate + write reports)', (() => {
    const data = enc.encode(batchText);
    const p = w.alloc(data.length);
    return perBody(() => {
      new Uint8Array(w.memory.buffer, p, data.length).set(data);
      w.validate_json(p, data.length, true);
    });
  })()],
];
for (const [, f] of contenders) f();
const samples = await interleave(contenders, 9);
const today = contenders[0][0];
for (const [name] of contenders) {
  const r = ratioOf(samples, today, name).median;
  console.log(`${name.padEnd(64)}${String(Math.round(median(samples[name]))).padStart(7)} ns/body  ${r.toFixed(2)}x today's speed`);
}
