// daily-dialin: Node ESM entry (also Deno and Bun). Loads the module synchronously when imported:
// no init needed. node.cjs is this file bundled to CommonJS by esbuild (scripts/assemble-pkg.mjs).
// Where the package builds a module for speed (scripts/build-pkg: opt-level 3, with the fast path
// of fast.js), this entry loads that build (node/glue.js + node/*_node_bg.wasm); the browser and
// Workers entries load the one built for size.
import { readFileSync } from 'node:fs';
import { initSync as initGlue, __registerErrorClasses } from './glue.js';
import * as errors from './errors.js';

initGlue({ module: readFileSync(new URL('./daily_dialin_bg.wasm', import.meta.url)) });
__registerErrorClasses(errors);

// scripts/assemble-pkg.mjs lists the glue's public exports here: all but its init functions and
// the internal `__registerErrorClasses` (called above) and `__memoryBytes` (the leak tests' probe),
// and, with the fast path, validateCreate / validateUpdate from fast.js instead of the glue's.
export * from './glue.js';
export * from './errors.js';

/** Does nothing: this entry loads the module when imported. Lets isomorphic code `await init()`. */
export async function init(_input) {}

/** Does nothing: this entry loads the module when imported. */
export function initSync(_module) {}
