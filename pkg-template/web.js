// daily-dialin: browser and bundler entry. Call `await init()` once before anything else.
//
// glue.js is wasm-bindgen's `--target web` output, unchanged; the Node and edge entries load the
// same glue. Until init() has resolved, each export of this file is a function that throws a
// clear Error (the glue's own would fail with an obscure TypeError); init() then rebinds every
// export to the glue's (ES module exports are live bindings, so importers see the change). The
// list of exports below is written by scripts/assemble-pkg.mjs from the glue's exports.
import initGlue, * as glue from './glue.js';
import * as errors from './errors.js';

export * from './errors.js';

const WASM = 'daily_dialin_bg.wasm';
const ENTRY = 'daily-dialin';

function notReady() {
  throw new Error(`${ENTRY}: call await init() before anything else (only this browser entry needs it)`);
}

/* GLUE EXPORTS */

let ready;

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** Where the .wasm is when the caller does not say: next to this file, when the runtime says where that is. */
function defaultInput() {
  let url;
  try {
    url = new URL(`./${WASM}`, import.meta.url);
  } catch (cause) {
    throw new Error(
      `${ENTRY}: init() cannot find ${WASM} here (import.meta.url is ${import.meta.url}): pass it, as init(fetch(url)), init(bytes) or init(module)`,
      { cause },
    );
  }
  return url;
}

/**
 * Loads the WebAssembly module. `input` may be the module's URL (string or URL), a Response or
 * a promise of one (e.g. `fetch(url)`), its bytes, or a compiled WebAssembly.Module; by default
 * the `daily_dialin_bg.wasm` next to this file is fetched. Calling it again (even concurrently)
 * does nothing more; after a failure it can be retried.
 */
export function init(input) {
  if (ready === undefined) {
    ready = (async () => {
      const arg = isPlainObject(input) && 'module_or_path' in input ? input : { module_or_path: input ?? defaultInput() };
      await initGlue(arg);
      glue.__registerErrorClasses(errors);
      bind();
    })();
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}

/** Loads the WebAssembly module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  glue.initSync(isPlainObject(module) && 'module' in module ? module : { module });
  glue.__registerErrorClasses(errors);
  bind();
}
