// Assembles pkg/ from wasm-bindgen's three outputs and pkg-template/ (called by scripts/build-pkg).
// Usage: node scripts/assemble-pkg.mjs <bindgen-dir> <template-dir> <out-dir> <Cargo.toml>
//
// Every text edit of generated glue asserts how often its pattern occurs, so a wasm-bindgen
// upgrade that changes the glue fails the build instead of shipping a half-patched file.
import { readFileSync, writeFileSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { esmToCjs } from './esm-to-cjs.mjs';

const [bindgen, template, out, cargoToml] = process.argv.slice(2);
if (!cargoToml) {
  console.error('usage: node scripts/assemble-pkg.mjs <bindgen-dir> <template-dir> <out-dir> <Cargo.toml>');
  process.exit(2);
}

const read = (...p) => readFileSync(join(...p), 'utf8');
const write = (name, text) => writeFileSync(join(out, name), text);

function replaceExactly(text, from, to, times, what) {
  const found = text.split(from).length - 1;
  if (found !== times) {
    throw new Error(`assemble-pkg: expected ${times} × ${JSON.stringify(from)} in ${what}, found ${found}`);
  }
  return text.split(from).join(to);
}

// wasm-bindgen declares `[Symbol.dispose]()` on exported classes, which needs TypeScript's
// esnext.disposable lib; drop the declaration (the method still exists at run time) so consumers
// compile with any lib setting.
const noDispose = (dts) => dts.replace(/\n\s*\[Symbol\.dispose\]\(\): void;/g, '');
const selfTypes = (text, dts, what) =>
  replaceExactly(text, '/* @ts-self-types="./daily_dialin.d.ts" */', `/* @ts-self-types="./${dts}" */`, 1, what);

// --- browser / bundler: web.js (template) over web-glue.js (patched --target web glue) ---
let web = selfTypes(read(bindgen, 'web', 'daily_dialin.js'), 'web-glue.d.ts', 'web glue');
// Before init the glue's `wasm` is undefined and any call fails with an obscure TypeError. Make
// it a sentinel whose every property access throws a clear Error, and keep init's
// "already initialised?" checks working against the sentinel.
web = replaceExactly(
  web,
  'let wasmModule, wasmInstance, wasm;',
  `const __notInitialised = new Proxy({}, {
    get() {
        throw new Error('daily-dialin: call await init() before using any other export of the browser/bundler entry (the Node entry needs no init)');
    },
});
let wasmModule, wasmInstance, wasm = __notInitialised;`,
  1,
  'web glue',
);
web = replaceExactly(web, 'if (wasm !== undefined) return wasm;', 'if (wasm !== __notInitialised) return wasm;', 2, 'web glue');
write('web-glue.js', web);
write('web-glue.d.ts', noDispose(read(bindgen, 'web', 'daily_dialin.d.ts')));
for (const f of ['web.js', 'web.d.ts']) copyFileSync(join(template, f), join(out, f));

// --- Node: glue + footer, one file per module system ---
const footerDts = read(template, 'node-footer.d.ts');
write(
  'node.mjs',
  selfTypes(read(bindgen, 'experimental-nodejs-module', 'daily_dialin.js'), 'node.d.mts', 'node ESM glue') +
    read(template, 'node-footer.mjs'),
);
write(
  'node.d.mts',
  noDispose(read(bindgen, 'experimental-nodejs-module', 'daily_dialin.d.ts')) +
    replaceExactly(footerDts, './ERRORS_MODULE', './errors.js', 1, 'node-footer.d.ts'),
);
write(
  'node.cjs',
  selfTypes(read(bindgen, 'nodejs', 'daily_dialin.js'), 'node.d.cts', 'node CJS glue') + read(template, 'node-footer.cjs'),
);
write(
  'node.d.cts',
  noDispose(read(bindgen, 'nodejs', 'daily_dialin.d.ts')) +
    replaceExactly(footerDts, './ERRORS_MODULE', './errors.cjs', 1, 'node-footer.d.ts'),
);

// --- error classes: one ESM source, a generated CommonJS copy ---
const errorsJs = read(template, 'errors.js');
write('errors.js', errorsJs);
write('errors.cjs', esmToCjs(errorsJs, 'errors.js'));
const errorsDts = read(template, 'errors.d.ts');
write('errors.d.ts', errorsDts);
write('errors.d.cts', replaceExactly(errorsDts, "from './node.mjs'", "from './node.cjs'", 1, 'errors.d.ts'));

if (existsSync(join(template, 'README.md'))) copyFileSync(join(template, 'README.md'), join(out, 'README.md'));

// --- package.json: version from Cargo.toml; optional Node-only ./emulator subpath ---
const pkg = JSON.parse(read(template, 'package.json'));
const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(cargoToml, 'utf8'))?.[1];
if (!version) throw new Error('assemble-pkg: no version in Cargo.toml');
pkg.version = version;
if (existsSync(join(template, 'emulator.mjs'))) {
  const entry = { default: './emulator.mjs' };
  copyFileSync(join(template, 'emulator.mjs'), join(out, 'emulator.mjs'));
  pkg.files.push('emulator.mjs');
  if (existsSync(join(template, 'emulator.d.mts'))) {
    copyFileSync(join(template, 'emulator.d.mts'), join(out, 'emulator.d.mts'));
    pkg.files.push('emulator.d.mts');
    Object.assign(entry, { types: './emulator.d.mts', default: './emulator.mjs' });
  }
  // The Node-only emulator module (built with the `emulator` feature) and the CLI.
  mkdirSync(join(out, 'emulator'), { recursive: true });
  for (const f of ['daily_dialin_emulator.js', 'daily_dialin_emulator_bg.wasm']) {
    copyFileSync(join(bindgen, 'emulator', f), join(out, 'emulator', f));
    pkg.files.push(`emulator/${f}`);
  }
  copyFileSync(join(template, 'emulator-cli.mjs'), join(out, 'emulator-cli.mjs'));
  pkg.files.push('emulator-cli.mjs');
  pkg.bin = { 'daily-dialin-emulator': './emulator-cli.mjs' };
  const exportsMap = { '.': pkg.exports['.'], './emulator': { node: { types: entry.types, default: entry.default } } };
  if (!entry.types) delete exportsMap['./emulator'].node.types;
  pkg.exports = { ...exportsMap, ...pkg.exports };
}
write('package.json', JSON.stringify(pkg, null, 2) + '\n');

// --- every file listed and every export target must exist ---
const targets = new Set(pkg.files);
const walk = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(walk));
for (const t of walk(pkg.exports)) targets.add(t.replace(/^\.\//, ''));
for (const f of targets) {
  if (!existsSync(join(out, f))) throw new Error(`assemble-pkg: package.json names ${f}, which was not produced`);
}
