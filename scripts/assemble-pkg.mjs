// Assembles pkg/ from wasm-bindgen's three outputs and pkg-template/ (called by scripts/build-pkg).
// Usage: node scripts/assemble-pkg.mjs <bindgen-dir> <template-dir> <out-dir> <Cargo.toml>
//
// Every text edit of generated glue asserts how often its pattern occurs, so a wasm-bindgen
// upgrade that changes the glue fails the build instead of shipping a half-patched file.
import { readFileSync, writeFileSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
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

// What a browser downloads (web.js, web-glue.js, errors.js) ships without comments: esbuild
// reprints the code (readable, not minified) and the docs stay in the .d.ts files, where editors
// show them. Comments were ~27% of those files gzipped (1.9 KiB for daily-dialin/core). A leading
// `@ts-self-types` pragma is kept.
function shipped(code) {
  const pragma = code.match(/^\/\* @ts-self-types="[^"]+" \*\/\n/)?.[0] ?? '';
  return pragma + transformSync(code, { format: 'esm', legalComments: 'none', charset: 'utf8' }).code;
}

// wasm-bindgen declares `[Symbol.dispose]()` on exported classes, which needs TypeScript's
// esnext.disposable lib; drop the declaration (the method still exists at run time) so consumers
// compile with any lib setting.
const noDispose = (dts) => dts.replace(/\n\s*\[Symbol\.dispose\]\(\): void;/g, '');

/**
 * One wasm module's entries, in `sub` ('' for the package root, or 'core/', 'webhook/'):
 * web.js over web-glue.js (browser/bundler, async init) and node.mjs / node.cjs (glue + footer,
 * synchronous), with their declarations. `base` is wasm-bindgen's output name (daily_dialin,
 * daily_dialin_core, ...); its glue is read from `<bindgen>/<base>/<target>/`.
 * Returns the files written, relative to `out`.
 */
function assembleModule(sub, base) {
  const up = sub ? '../' : './';
  const glueDir = (target) => join(bindgen, base, target);
  const wasmFile = `${base}_bg.wasm`;
  const what = (w) => `${sub || './'} ${w}`;
  const rel = (text, from, to, times, w) => (from === to ? text : replaceExactly(text, from, to, times, what(w)));
  const written = [];
  const put = (name, text) => {
    mkdirSync(join(out, sub), { recursive: true });
    writeFileSync(join(out, sub, name), text);
    written.push(sub + name);
  };
  const selfTypes = (text, dts, w) =>
    replaceExactly(text, `/* @ts-self-types="./${base}.d.ts" */`, `/* @ts-self-types="./${dts}" */`, 1, what(w));

  // --- browser / bundler: web.js (template) over web-glue.js (patched --target web glue) ---
  let web = selfTypes(read(glueDir('web'), `${base}.js`), 'web-glue.d.ts', 'web glue');
  // Before init the glue's \`wasm\` is undefined and any call fails with an obscure TypeError. Make
  // it a sentinel whose every property access throws a clear Error, and keep init's
  // "already initialised?" checks working against the sentinel.
  const entryName = sub ? `daily-dialin/${sub.slice(0, -1)}` : 'daily-dialin';
  web = replaceExactly(
    web,
    'let wasmModule, wasmInstance, wasm;',
    `const __notInitialised = new Proxy({}, {
    get() {
        throw new Error('${entryName}: call await init() before using any other export of the browser/bundler entry (the Node entry needs no init)');
    },
});
let wasmModule, wasmInstance, wasm = __notInitialised;`,
    1,
    'web glue',
  );
  web = replaceExactly(web, 'if (wasm !== undefined) return wasm;', 'if (wasm !== __notInitialised) return wasm;', 2, 'web glue');
  put('web-glue.js', shipped(web));
  put('web-glue.d.ts', noDispose(read(glueDir('web'), `${base}.d.ts`)));
  let webJs = read(template, 'web.js');
  webJs = rel(webJs, "'./errors.js'", `'${up}errors.js'`, 2, 'web.js');
  webJs = rel(webJs, 'daily_dialin_bg.wasm', wasmFile, 2, 'web.js');
  put('web.js', shipped(webJs));
  let webDts = read(template, 'web.d.ts');
  webDts = rel(webDts, "'./errors.js'", `'${up}errors.js'`, 1, 'web.d.ts');
  webDts = rel(webDts, 'daily_dialin_bg.wasm', wasmFile, 1, 'web.d.ts');
  put('web.d.ts', webDts);

  // --- Node: glue + footer, one file per module system ---
  const footerDts = read(template, 'node-footer.d.ts');
  const systems = [
    // [wasm-bindgen target, file extension, errors module, its uses in the footer]
    ['experimental-nodejs-module', 'mjs', 'errors.js', 2],
    ['nodejs', 'cjs', 'errors.cjs', 1],
  ];
  for (const [target, ext, errors, uses] of systems) {
    const dts = `node.d.${ext.replace('js', 'ts')}`;
    const footer = `node-footer.${ext}`;
    put(
      `node.${ext}`,
      selfTypes(read(glueDir(target), `${base}.js`), dts, `node ${ext} glue`) +
        rel(read(template, footer), `'./${errors}'`, `'${up}${errors}'`, uses, footer),
    );
    put(
      dts,
      noDispose(read(glueDir(target), `${base}.d.ts`)) +
        replaceExactly(footerDts, './ERRORS_MODULE', `${up}${errors}`, 1, what('node-footer.d.ts')),
    );
  }
  // The three glues share one .wasm, which scripts/build-pkg has optimised into <bindgen>/<base>/.
  copyFileSync(join(bindgen, base, wasmFile), join(out, sub, wasmFile));
  written.push(sub + wasmFile);
  return written;
}

/** The exports-map entry of a module's folder. */
const conditions = (sub) => ({
  node: {
    import: { types: `./${sub}node.d.mts`, default: `./${sub}node.mjs` },
    require: { types: `./${sub}node.d.cts`, default: `./${sub}node.cjs` },
  },
  default: { types: `./${sub}web.d.ts`, default: `./${sub}web.js` },
});

// The modules: the package root (validation, request building and the client), then the
// optional subpath modules, each present when scripts/build-pkg built it.
const MODULES = [
  { sub: '', base: 'daily_dialin', key: '.' },
  { sub: 'core/', base: 'daily_dialin_core', key: './core' },
  { sub: 'webhook/', base: 'daily_dialin_webhook', key: './webhook' },
];
const moduleFiles = [];
const moduleExports = {};
for (const m of MODULES) {
  if (m.sub && !existsSync(join(bindgen, m.base))) continue;
  moduleFiles.push(...assembleModule(m.sub, m.base));
  moduleExports[m.key] = conditions(m.sub);
  moduleExports[`./${m.sub}${m.base}_bg.wasm`] = `./${m.sub}${m.base}_bg.wasm`;
}

// --- error classes: one ESM source, a generated CommonJS copy ---
const errorsJs = read(template, 'errors.js');
write('errors.js', shipped(errorsJs));
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
// The modules' files and exports come first, in MODULES order; the template's own exports
// (./package.json) stay last.
pkg.files = [...moduleFiles, ...pkg.files];
const templateExports = pkg.exports ?? {};
const subpaths = Object.fromEntries(Object.entries(moduleExports).filter(([k]) => !k.endsWith('.wasm')));
const wasmPaths = Object.fromEntries(Object.entries(moduleExports).filter(([k]) => k.endsWith('.wasm')));
pkg.exports = { ...subpaths, ...wasmPaths, ...templateExports };
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
  const emulator = { node: { types: entry.types, default: entry.default } };
  if (!entry.types) delete emulator.node.types;
  pkg.exports = { ...subpaths, './emulator': emulator, ...wasmPaths, ...templateExports };
}
write('package.json', JSON.stringify(pkg, null, 2) + '\n');

// --- every file listed and every export target must exist ---
const targets = new Set(pkg.files);
const walk = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(walk));
for (const t of walk(pkg.exports)) targets.add(t.replace(/^\.\//, ''));
for (const f of targets) {
  if (!existsSync(join(out, f))) throw new Error(`assemble-pkg: package.json names ${f}, which was not produced`);
}
