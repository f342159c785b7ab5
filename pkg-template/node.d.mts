// daily-dialin: the entries that load the module when imported (Node ESM, Deno, Bun, Workers).
export * from './glue.js';
export * from './errors.js';

/** Does nothing: this entry loads the module when imported. Lets isomorphic code `await init()`. */
export declare function init(input?: unknown): Promise<void>;

/** Does nothing: this entry loads the module when imported. */
export declare function initSync(module?: unknown): void;
