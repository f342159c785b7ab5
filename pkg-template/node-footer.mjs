
// ---- daily-dialin: Node ESM entry (glue above: wasm-bindgen --target experimental-nodejs-module) ----
import * as __errors from './errors.js';
export * from './errors.js';

__registerErrorClasses(__errors);

/** Does nothing: this entry loads the module synchronously. Lets isomorphic code `await init()`. */
export async function init(_input) {}

/** Does nothing: this entry loads the module synchronously. */
export function initSync(_module) {}
