// daily-dialin: browser and bundler entry. Call `await init()` once before anything else.
//
// web-glue.js is wasm-bindgen's `--target web` output, patched at build time so that any use
// before init() throws a clear Error instead of failing inside the glue. Everything it exports
// (functions and classes, including ones added later) is re-exported here.
import glueInit, { initSync as glueInitSync, __registerErrorClasses } from './web-glue.js';
import * as errors from './errors.js';

export * from './web-glue.js';
export * from './errors.js';

let ready;

function register() {
  __registerErrorClasses(errors);
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Loads the WebAssembly module. `input` may be the module's URL (string or URL), a Response or
 * a promise of one (e.g. `fetch(url)`), its bytes, or a compiled WebAssembly.Module; by default
 * the `daily_dialin_bg.wasm` next to this file is fetched. Calling it again (even concurrently)
 * does nothing more; after a failure it can be retried.
 */
export function init(input) {
  if (ready === undefined) {
    const arg = isPlainObject(input) && 'module_or_path' in input
      ? input
      : { module_or_path: input ?? new URL('./daily_dialin_bg.wasm', import.meta.url) };
    ready = glueInit(arg).then(register);
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}

/** Loads the WebAssembly module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  glueInitSync(isPlainObject(module) && 'module' in module ? module : { module });
  register();
}
