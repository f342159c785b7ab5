
// ---- daily-dialin: Node entry (loads the module synchronously; no init needed) ----
export * from './ERRORS_MODULE';

/** Does nothing: the Node entry loads the module synchronously. Lets isomorphic code `await init()`. */
export declare function init(input?: unknown): Promise<void>;

/** Does nothing: the Node entry loads the module synchronously. */
export declare function initSync(module?: unknown): void;
