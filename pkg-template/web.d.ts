// daily-dialin: browser and bundler entry. Call `await init()` once before anything else.
// Next: the module's declarations (scripts/assemble-pkg.mjs writes the glue's in place of
// `export * from './glue.js'`, without its init functions and their types), then the entry's own.
export * from './glue.js';
export * from './errors.js';

/** What `init` can load the WebAssembly module from. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module. By default the `daily_dialin_bg.wasm` next to this file is
 * fetched (bundlers such as Vite and webpack 5 emit it as an asset). Idempotent; a failed call can
 * be retried. Every other function throws an Error until it has resolved.
 */
export declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the WebAssembly module synchronously from its bytes or a compiled WebAssembly.Module. */
export declare function initSync(module: BufferSource | WebAssembly.Module): void;
