// Assembles the two npm packages from wasm-bindgen's output (one `--target web` glue per module,
// see scripts/build-pkg) and the packages' own files:
//   pkg/           daily-dialin           from pkg-template/
//   emulator/pkg/  daily-dialin-emulator  from emulator/pkg-template/
// Usage: node scripts/assemble-pkg.mjs <bindgen-dir>
//
// The glue is shipped as wasm-bindgen wrote it (only its comments are stripped). Each package's
// package.json is written literally in its template, `exports` and `files` included; this script
// checks it against what was produced (every file listed exists, every produced file is listed,
// the versions equal Cargo.toml's) instead of generating it.
import { readFileSync, writeFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transformSync } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const [bindgen] = process.argv.slice(2);
if (!bindgen) {
  console.error('usage: node scripts/assemble-pkg.mjs <bindgen-dir>');
  process.exit(2);
}

const read = (...p) => readFileSync(join(...p), 'utf8');

function replaceExactly(text, from, to, times, what) {
  const found = text.split(from).length - 1;
  if (found !== times) {
    throw new Error(`assemble-pkg: expected ${times} × ${JSON.stringify(from)} in ${what}, found ${found}`);
  }
  return text.split(from).join(to);
}

// What a browser downloads (web.js, glue.js, errors.js) ships without comments: esbuild reprints
// the code (readable, not minified) and the docs stay in the .d.ts files, where editors show them.
// Comments were ~27% of those files gzipped (1.9 KiB for daily-dialin/core).
const shipped = (code) => transformSync(code, { format: 'esm', legalComments: 'none', charset: 'utf8' }).code;

// wasm-bindgen declares `[Symbol.dispose]()` on exported classes, which needs TypeScript's
// esnext.disposable lib; drop the declaration (the method still exists at run time) so consumers
// compile with any lib setting.
const noDispose = (dts) => dts.replace(/\n\s*\[Symbol\.dispose\]\(\): void;/g, '');

/** The names a module exports, read by esbuild without running it. */
async function exportsOf(file) {
  const result = await build({ entryPoints: [file], bundle: false, write: false, metafile: true, format: 'esm', outdir: '/tmp', logLevel: 'silent' });
  return Object.values(result.metafile.outputs)[0].exports;
}

/**
 * CommonJS from an ESM entry, as lightningcss builds its CommonJS files: esbuild bundles the entry
 * and the glue into one file; `import.meta.url` becomes the file's own URL; the error classes stay
 * a separate module (`errors.cjs`, shared by every CommonJS entry, so that they are one set of
 * classes).
 */
async function toCommonJs(entry, errorsCjs) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "'use strict';\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [
      {
        name: 'errors-cjs',
        setup(b) {
          b.onResolve({ filter: /\/errors\.js$/ }, () => ({ path: errorsCjs, external: true }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

// The glue's TypeScript declarations end with its init functions (`InitInput` onwards); the
// synchronously initialised entries declare their own no-op init instead.
function declarationsWithoutInit(dts, what) {
  const at = dts.indexOf('\nexport type InitInput');
  if (at < 0 || dts.indexOf('\nexport type InitInput', at + 1) >= 0) throw new Error(`assemble-pkg: ${what}: expected one InitInput declaration`);
  return dts.slice(0, at + 1);
}

/**
 * Writes one module of daily-dialin (`sub`: '' for the package root, 'core/', 'webhook/'). `own`:
 * a JS file of the template that the module's entries export beside the glue (the root's
 * `client.js`, DailyDialinClient; configs/'s `upsert.js`; webhook/'s `verify.js`, whose
 * verifyPinlessWebhook replaces the glue's), with its declarations in the same name `.d.ts`. It
 * imports the module's glue as './glue.js'.
 * `nodeBase`: the module's build for speed (scripts/build-pkg), which the Node entries load
 * instead of `base` (as node/glue.js + node/`${nodeBase}_bg.wasm`, and node/`own` over that glue),
 * with fast.js's validators (`nodeShared`: the root's, see below). In a folder of its own: bundlers such as Vite copy every file beside
 * web.js (its `new URL(`./${WASM}`, import.meta.url)` reads as a glob), and browsers never need these.
 */
async function assembleModule(template, out, sub, base, { own, nodeBase, nodeShared = false } = {}) {
  const dir = join(out, sub);
  mkdirSync(dir, { recursive: true });
  const up = sub ? '../' : './';
  const wasm = `${base}_bg.wasm`;
  const entry = sub ? `daily-dialin/${sub.slice(0, -1)}` : 'daily-dialin';
  const what = (f) => `${sub || './'}${f}`;
  // The templates are written for the package root; a subpath module names its own .wasm and
  // entry and finds errors.js one folder up.
  const adapt = (text, f, { errors = 0, wasmNames = 0, entries = 0 } = {}) => {
    let t = text;
    if (up !== './') t = replaceExactly(t, "'./errors.js'", `'${up}errors.js'`, errors, what(f));
    if (base !== 'daily_dialin') t = replaceExactly(t, 'daily_dialin_bg.wasm', wasm, wasmNames, what(f));
    if (entries) t = replaceExactly(t, "const ENTRY = 'daily-dialin';", `const ENTRY = '${entry}';`, entries, what(f));
    return t;
  };

  const put = (f, text) => writeFileSync(join(dir, f), text);
  const glueJs = join(bindgen, base, `${base}.js`);
  put('glue.js', shipped(read(glueJs)));
  const glueDts = noDispose(read(bindgen, base, `${base}.d.ts`));
  copyFileSync(join(bindgen, base, wasm), join(dir, wasm));
  // Every entry's declarations: the glue's, without its init functions and their types (InitOutput
  // lists the raw wasm exports), then the entry's own. The glue's .d.ts itself is not shipped.
  let decls = declarationsWithoutInit(glueDts, what('glue.d.ts'));

  // What every entry exports from the glue: not its init functions (each entry has its own) and
  // not the internal `__` exports (`__registerErrorClasses`, which the entries call themselves,
  // and `__memoryBytes`, the leak tests' probe, which they read from glue.js directly).
  const names = (await exportsOf(glueJs)).filter((n) => n !== 'default' && n !== 'initSync' && !n.startsWith('__'));
  const ownNames = own ? await exportsOf(join(template, own)) : [];
  // The own file may replace a glue export with its own (webhook/'s verify.js: verifyPinlessWebhook).
  const glueNames = names.filter((n) => !ownNames.includes(n));
  let reexport = `export { ${glueNames.join(', ')} } from './glue.js';`;
  if (own) {
    put(own, shipped(read(template, own)));
    reexport += `\nexport { ${ownNames.join(', ')} } from './${own}';`;
    // The declarations without their header comment (it is about this build).
    decls += '\n' + read(template, own.replace(/\.js$/, '.d.ts')).replace(/^(\/\/[^\n]*\n)+\n?/, '');
  }

  // Browser / bundler entry: every glue export (and the own file's), bound by init() (see the
  // template's header).
  const bindings = [
    ...(own ? [`import * as own from './${own}';`] : []),
    `export let ${[...glueNames, ...ownNames].map((n) => `${n} = notReady`).join(', ')};`,
    '',
    'function bind() {',
    `  ({ ${glueNames.join(', ')} } = glue);`,
    ...(own ? [`  ({ ${ownNames.join(', ')} } = own);`] : []),
    '}',
  ].join('\n');
  let web = adapt(read(template, 'web.js'), 'web.js', { errors: 2, wasmNames: 2, entries: 1 });
  web = replaceExactly(web, '/* GLUE EXPORTS */', bindings, 1, what('web.js'));
  put('web.js', shipped(web));
  const webDts = adapt(read(template, 'web.d.ts'), 'web.d.ts', { errors: 1, wasmNames: 1 });
  put('web.d.ts', replaceExactly(webDts, "export * from './glue.js';\n", decls, 1, what('web.d.ts')));

  // Node (ESM, and CommonJS bundled from it) and Workers: load the glue synchronously.
  const syncEntry = (f) => replaceExactly(adapt(read(template, f), f, { errors: 2, wasmNames: 1 }), "export * from './glue.js';", reexport, 1, what(f));
  put('workerd.js', syncEntry('workerd.js'));
  if (nodeBase) {
    // The build for speed: the same public exports (its glue only adds the fast path's `__`
    // exports), validateCreate / validateUpdate wrapped by fast.js. `nodeShared`: the module has
    // none of its own and its Node entries load the root's (a superset of its exports; one
    // instance for both entries in a process, and 59 KB gzip less in the tarball).
    const nodeGlueJs = join(bindgen, nodeBase, `${nodeBase}.js`);
    const nodeNames = (await exportsOf(nodeGlueJs)).filter((n) => n !== 'default' && n !== 'initSync' && !n.startsWith('__'));
    const missing = names.filter((n) => !nodeNames.includes(n));
    const extra = nodeShared ? [] : nodeNames.filter((n) => !names.includes(n));
    if (missing.length || extra.length) throw new Error(`assemble-pkg: ${nodeBase} exports ${nodeNames} but ${base} exports ${names}`);
    const nodeDir = nodeShared ? `${up}node/` : './node/';
    if (!nodeShared) {
      mkdirSync(join(dir, 'node'), { recursive: true });
      put('node/glue.js', shipped(read(nodeGlueJs)));
      copyFileSync(join(bindgen, nodeBase, `${nodeBase}_bg.wasm`), join(dir, 'node', `${nodeBase}_bg.wasm`));
      if (own) put(`node/${own}`, shipped(read(template, own)));
    }
    const fastNames = ['validateCreate', 'validateUpdate'];
    const fast = [
      `export { ${names.filter((n) => !fastNames.includes(n)).join(', ')} } from '${nodeDir}glue.js';`,
      ...(own ? [`export { ${ownNames.join(', ')} } from '${nodeDir}${own}';`] : []),
      `import * as glue from '${nodeDir}glue.js';`,
      `import { fastValidators } from '${up}fast.js';`,
      `export const { ${fastNames.join(', ')} } = fastValidators(glue);`,
    ].join('\n');
    let node = read(template, 'node.mjs');
    node = replaceExactly(node, "export * from './glue.js';", fast, 1, what('node.mjs'));
    node = replaceExactly(node, "from './glue.js';", `from '${nodeDir}glue.js';`, 1, what('node.mjs'));
    node = replaceExactly(node, "'./daily_dialin_bg.wasm'", `'${nodeDir}${nodeBase}_bg.wasm'`, 1, what('node.mjs'));
    put('node.mjs', adapt(node, 'node.mjs', { errors: 2 }));
  } else {
    put('node.mjs', syncEntry('node.mjs'));
  }
  put('node.cjs', await toCommonJs(join(dir, 'node.mjs'), `${up}errors.cjs`));
  // Their declarations: the glue's, then the template's tail (once for ESM, once for CommonJS,
  // which cannot re-export an ES module's declarations).
  const tail = adapt(read(template, 'node.d.mts'), 'node.d.mts', { errors: 1 });
  put('node.d.mts', decls + tail);
  put('node.d.cts', decls + replaceExactly(tail, `'${up}errors.js'`, `'${up}errors.cjs'`, 1, what('node.d.cts')));
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir, at = dir) {
  return readdirSync(at).flatMap((f) => (statSync(join(at, f)).isDirectory() ? filesUnder(dir, join(at, f)) : [relative(dir, join(at, f))]));
}

/** The package.json of `template`, checked against what was written into `out`. */
function checkPackage(template, out, cargoToml) {
  const pkg = JSON.parse(read(template, 'package.json'));
  const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(cargoToml, 'utf8'))?.[1];
  if (pkg.version !== version) throw new Error(`assemble-pkg: ${template}/package.json version ${pkg.version} is not ${cargoToml}'s ${version}`);
  const listed = new Set(pkg.files);
  const walk = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(walk));
  const targets = [...walk(pkg.exports), ...Object.values(pkg.bin ?? {}), pkg.main, pkg.module, pkg.types]
    .filter((t) => t !== undefined)
    .map((t) => t.replace(/^\.\//, ''))
    .filter((t) => t !== 'package.json');
  for (const f of [...listed, ...targets]) {
    if (!existsSync(join(out, f))) throw new Error(`assemble-pkg: ${template}/package.json names ${f}, which was not produced`);
  }
  for (const f of targets) {
    if (!listed.has(f)) throw new Error(`assemble-pkg: ${f} is exported but not in "files"`);
  }
  for (const f of filesUnder(out)) {
    if (f !== 'package.json' && !listed.has(f)) throw new Error(`assemble-pkg: ${f} was produced but is not in ${template}/package.json "files"`);
  }
  writeFileSync(join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  return pkg;
}

// --- daily-dialin ---
{
  const template = join(ROOT, 'pkg-template');
  const out = join(ROOT, 'pkg');
  mkdirSync(out, { recursive: true });
  // Node only (the modules built for speed import it), so shipped with its comments.
  writeFileSync(join(out, 'fast.js'), read(template, 'fast.js'));
  await assembleModule(template, out, '', 'daily_dialin', { own: 'client.js', nodeBase: 'daily_dialin_node' });
  await assembleModule(template, out, 'core/', 'daily_dialin_core', { nodeBase: 'daily_dialin_node', nodeShared: true });
  await assembleModule(template, out, 'hold-music/', 'daily_dialin_hold_music');
  // verify.js: verifyPinlessWebhook with a fast path for the options servers pass.
  await assembleModule(template, out, 'webhook/', 'daily_dialin_webhook', { own: 'verify.js' });
  // upsert.js: upsert and changeType, the configs module's own file (its I/O over the module's
  // internal exports).
  await assembleModule(template, out, 'configs/', 'daily_dialin_configs', { own: 'upsert.js' });
  const errorsJs = read(template, 'errors.js');
  writeFileSync(join(out, 'errors.js'), shipped(errorsJs));
  writeFileSync(join(out, 'errors.cjs'), transformSync(errorsJs, { format: 'cjs', platform: 'node', target: 'node20', charset: 'utf8' }).code);
  const errorsDts = read(template, 'errors.d.ts');
  writeFileSync(join(out, 'errors.d.ts'), errorsDts);
  writeFileSync(join(out, 'errors.d.cts'), replaceExactly(errorsDts, "from './node.mjs'", "from './node.cjs'", 1, 'errors.d.ts'));
  copyFileSync(join(template, 'README.md'), join(out, 'README.md'));
  for (const f of ['cli.mjs', 'apply.js', 'apply.d.ts']) copyFileSync(join(template, f), join(out, f));
  // The file's JSON Schema, from the module just assembled: `configsSchema()` returns
  // `plan::FILE_SCHEMA`, so the shipped file is the one the Rust tests check, without a second
  // copy in the repository or a native build just to print a constant.
  const { configsSchema } = await import(pathToFileURL(join(out, 'configs', 'node.mjs')).href);
  writeFileSync(join(out, 'configs.schema.json'), JSON.stringify(JSON.parse(configsSchema()), null, 2) + '\n');
  // The repository's docs that the README links to, shipped so that the links work offline.
  const pkg = JSON.parse(read(template, 'package.json'));
  for (const f of pkg.files.filter((f) => f.startsWith('docs/'))) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(out, f));
  }
  checkPackage(template, out, join(ROOT, 'Cargo.toml'));
}

// --- daily-dialin-emulator ---
{
  const template = join(ROOT, 'emulator', 'pkg-template');
  const out = join(ROOT, 'emulator', 'pkg');
  const base = 'daily_dialin_emulator';
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'glue.js'), read(bindgen, base, `${base}.js`));
  copyFileSync(join(bindgen, base, `${base}_bg.wasm`), join(out, `${base}_bg.wasm`));
  for (const f of ['emulator.mjs', 'emulator.d.mts', 'emulator-cli.mjs', 'README.md']) copyFileSync(join(template, f), join(out, f));
  // The test audio that /_emulator/audio/ serves (emulator/src/audio.rs): the files "files" names.
  for (const f of JSON.parse(read(template, 'package.json')).files.filter((f) => f.startsWith('audio/'))) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    copyFileSync(join(template, f), join(out, f));
  }
  const pkg = checkPackage(template, out, join(ROOT, 'emulator', 'Cargo.toml'));
  const library = /^version\s*=\s*"([^"]+)"/m.exec(read(ROOT, 'Cargo.toml'))?.[1];
  if (pkg.dependencies?.['daily-dialin'] !== library) {
    throw new Error(`assemble-pkg: daily-dialin-emulator must depend on daily-dialin ${library} exactly (the library built beside it)`);
  }
}
