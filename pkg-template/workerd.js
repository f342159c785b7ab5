// daily-dialin: entry for runtimes whose bundler imports a .wasm file as a compiled
// WebAssembly.Module (Cloudflare Workers / workerd through wrangler; the `workerd` and `worker`
// export conditions). There `import.meta.url` is undefined, so the browser entry cannot find its
// .wasm; this one imports it and initialises synchronously: no init needed.
import module from './daily_dialin_bg.wasm';
import { initSync as initGlue, __registerErrorClasses } from './glue.js';
import * as errors from './errors.js';

initGlue({ module });
__registerErrorClasses(errors);

// scripts/assemble-pkg.mjs lists the glue's public exports here: all but its init functions and
// the internal `__registerErrorClasses` (called above) and `__memoryBytes` (the leak tests' probe).
export * from './glue.js';
export * from './errors.js';

/** Does nothing: this entry loads the module when imported. Lets isomorphic code `await init()`. */
export async function init(_input) {}

/** Does nothing: this entry loads the module when imported. */
export function initSync(_module) {}
