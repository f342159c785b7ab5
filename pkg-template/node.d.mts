
// ---- the entries that load the module when imported (Node ESM, Deno, Bun, Workers). Above: the
// module's declarations as wasm-bindgen wrote them, without its init functions (they name browser
// types such as RequestInfo, which a Node project without the DOM lib does not have).
export * from './errors.js';

/** Does nothing: this entry loads the module when imported. Lets isomorphic code `await init()`. */
export declare function init(input?: unknown): Promise<void>;

/** Does nothing: this entry loads the module when imported. */
export declare function initSync(module?: unknown): void;
