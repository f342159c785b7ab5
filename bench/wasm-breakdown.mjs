#!/usr/bin/env node
// What the shipped .wasm is made of: twiggy on the release build after wasm-bindgen, *with* the
// name section and *before* wasm-opt (the shipped file has neither names nor the un-optimised
// code, so the shares here are of the un-optimised code; the shipped file is ~40% smaller).
//
//   node bench/wasm-breakdown.mjs [--wasm target/wasm32-unknown-unknown/release/daily_dialin.wasm]
//
// Needs `twiggy` (cargo install twiggy; found on PATH or in ~/.cargo/bin) and wasm-bindgen (as
// scripts/build-pkg). Writes bench/results/wasm-breakdown.json. Not part of `npm run bench`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { wasm: { type: 'string', default: join(ROOT, 'target/wasm32-unknown-unknown/release/daily_dialin.wasm') } },
});
const twiggy = [join(homedir(), '.cargo/bin/twiggy'), 'twiggy'].find((t) => t === 'twiggy' || existsSync(t));
const work = join(ROOT, '.tmp', 'bench', 'twiggy');
mkdirSync(work, { recursive: true });
execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', work, args.wasm]);
const wasm = join(work, 'daily_dialin_bg.wasm');
const items = JSON.parse(execFileSync(twiggy, ['top', '-f', 'json', wasm], { encoding: 'utf8', maxBuffer: 1 << 28 }));

const PRIMITIVE = /^(?:[iu](?:8|16|32|64|128|size)|f32|f64|str|char|bool|\[.*\]|\(.*\)|&.*)$/;
const GROUP = {
  core: 'Rust std (core, alloc, std)',
  alloc: 'Rust std (core, alloc, std)',
  std: 'Rust std (core, alloc, std)',
  __rustc: 'Rust std (core, alloc, std)',
  hashbrown: 'Rust std (core, alloc, std)',
  wasm_bindgen: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  js_sys: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  web_sys: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  wasm_bindgen_futures: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  gloo_net: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  gloo_utils: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  serde_wasm_bindgen: 'JS bindings (wasm-bindgen, js-sys, web-sys, futures, gloo)',
  serde: 'serde, serde_json (+ zmij, itoa)',
  serde_core: 'serde, serde_json (+ zmij, itoa)',
  serde_json: 'serde, serde_json (+ zmij, itoa)',
  zmij: 'serde, serde_json (+ zmij, itoa)',
  itoa: 'serde, serde_json (+ zmij, itoa)',
  ryu: 'serde, serde_json (+ zmij, itoa)',
  sha2: 'crypto (sha2, hmac, digest, subtle, base64)',
  hmac: 'crypto (sha2, hmac, digest, subtle, base64)',
  digest: 'crypto (sha2, hmac, digest, subtle, base64)',
  subtle: 'crypto (sha2, hmac, digest, subtle, base64)',
  base64: 'crypto (sha2, hmac, digest, subtle, base64)',
  dlmalloc: 'allocator (dlmalloc)',
  compiler_builtins: 'compiler builtins (memcpy, ...)',
};

/** The crate an item's code comes from (drop glue counts for the dropped type's crate). */
function crateOf(name) {
  let s = name.replace(/\[[0-9a-f]{16}\]/g, '');
  const drop = s.match(/^core::ptr::drop_in_place<(.*)>::h[0-9a-f]{16}$/);
  if (drop) s = drop[1];
  const impl = s.match(/^<+(.+?) as ([A-Za-z_][\w:]*)/);
  if (impl) {
    const self = impl[1].replace(/^&(?:mut )?|^dyn /, '');
    s = PRIMITIVE.test(self) || !self.includes('::') ? impl[2] : self;
  } else {
    s = s.replace(/^<+(?:&(?:mut )?)?/, '');
    if (PRIMITIVE.test(s.split('>')[0])) return 'core';
  }
  const m = s.match(/^([A-Za-z_]\w*)::/);
  if (m) return m[1];
  if (/^(?:__wbindgen|__wbg|__externref|__registerErrorClasses|wasm_bindgen)/.test(s)) return 'wasm_bindgen';
  if (/^(?:mem(?:cpy|set|move|cmp)|__multi3|__[a-z]+[sd]i\d)/.test(s)) return 'compiler_builtins';
  return null;
}

function kindOf(name) {
  if (name === '"function names" subsection' || /subsection|custom section/.test(name)) return 'names/custom sections (not shipped)';
  if (name.startsWith('data segment')) return 'data (.rodata: strings, tables)';
  if (/^(?:import|export) /.test(name)) return 'import/export entries';
  if (/^(?:type|elem|table|global|memory)\[/.test(name) || /header|magic/.test(name)) return 'module structure';
  return null;
}

const groups = new Map();
const crates = new Map();
const modules = new Map();
let code = 0;
let total = 0;
const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
for (const { name, shallow_size: n } of items) {
  total += n;
  const kind = kindOf(name);
  if (kind) {
    add(groups, kind, n);
    continue;
  }
  code += n;
  const crate = crateOf(name) ?? '(unnamed)';
  add(crates, crate, n);
  add(groups, crate === 'daily_dialin' ? 'daily_dialin (this crate)' : GROUP[crate] ?? `other: ${crate}`, n);
  if (crate === 'daily_dialin') {
    const path = name.replace(/^<+/, '').split('::');
    add(modules, path.slice(1, path[1] === 'wasm' ? 3 : 2).join('::').replace(/[<>].*$/, ''), n);
  }
}
const shipped = total - (groups.get('names/custom sections (not shipped)') ?? 0);
const rows = (map, of) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => ({ name, bytes, share: `${((100 * bytes) / of).toFixed(1)}%` }));

// Strings in .rodata: how much are source paths of panic locations, and how much are messages.
const bytes = readFileSync(wasm);
const strings = bytes.toString('latin1').match(/[\x20-\x7e]{6,}/g) ?? [];
const paths = strings.filter((s) => /\.rs\b/.test(s) && /\/|\\/.test(s));
const pathBytes = paths.reduce((a, s) => a + s.length, 0);

const top = items
  .filter((i) => !kindOf(i.name) || i.name.startsWith('data segment'))
  .slice(0, 25)
  .map((i) => ({ name: i.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '').slice(0, 110), bytes: i.shallow_size }));

console.log(`${wasm}: ${total} bytes, of which ${shipped} without the name section; code ${code} bytes\n`);
console.log('By part (share of the module without names):');
console.log(table([['part', 'name', 'l'], ['bytes', 'bytes'], ['share', 'share']], rows(groups, shipped).filter((r) => !r.name.startsWith('names'))));
console.log('\nBy crate (code only):');
console.log(table([['crate', 'name', 'l'], ['bytes', 'bytes'], ['share of code', 'share']], rows(crates, code)));
console.log('\ndaily_dialin by module (code only):');
console.log(table([['module', 'name', 'l'], ['bytes', 'bytes'], ['share of code', 'share']], rows(modules, code)));
console.log(`\n.rodata: ${paths.length} source-file paths (panic locations) take ${pathBytes} bytes`);
console.log('\nLargest items:');
console.log(table([['item', 'name', 'l'], ['bytes', 'bytes']], top));

const out = join(ROOT, 'bench', 'results', 'wasm-breakdown.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ wasm: args.wasm, total, without_names: shipped, code, parts: rows(groups, shipped), crates: rows(crates, code), daily_dialin_modules: rows(modules, code), panic_location_paths: { count: paths.length, bytes: pathBytes }, top }, null, 2)}\n`,
);
console.log(`\nwrote ${out}`);
