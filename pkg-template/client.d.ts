// DailyDialinClient (pkg-template/client.js): scripts/assemble-pkg.mjs appends these declarations
// to the main entry's (web.d.ts, node.d.mts, node.d.cts), after the module's own types, which they
// use (RequestOptions, CreateDialinConfig, DialinConfig, ...).

/** Options of `new DailyDialinClient(...)`. */
export interface ClientOptions extends RequestOptions {
    /** Retries after the first attempt (default 2). */
    maxRetries?: number;
    /** Per-attempt timeout in milliseconds (default 30000). */
    timeoutMs?: number;
    /**
     * A fetch implementation to use instead of the global `fetch` (`globalThis.fetch` itself fits):
     * called as `fetch(url, init)`, it must resolve to a `Response`. `init.signal` is a real
     * `AbortSignal` (the client's own, one per attempt), typed as the platform's `AbortSignal` when
     * the project has one (DOM lib or @types/node) and as `AbortSignalLike` otherwise.
     */
    fetch?: (url: string, init: {
        method: string;
        headers: Record<string, string>;
        body?: string;
        signal: AbortSignalLike & (typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : unknown);
    }) => Promise<any>;
}

/** The part of an `AbortSignal` the client uses (DOM and Node signals fit). */
export interface AbortSignalLike {
    readonly aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of one call. */
export interface CallOptions {
    /** Cancels the call, including the wait between retries. */
    signal?: AbortSignalLike;
}

/** Options of `update`. */
export interface UpdateCallOptions extends CallOptions {
    /** The stored config's type, when the client has not seen it yet. */
    type?: DialinType;
}

/**
 * A client for `/v1/domain-dialin-config`. The API key stays inside WebAssembly memory: it is
 * sent only in the `Authorization` header and never appears in errors, logs or `JSON.stringify`.
 */
export declare class DailyDialinClient {
    /**
     * Creates a client. Throws a `ValidationError` when `apiKey` is missing or `baseUrl` is not an
     * absolute http(s) URL.
     */
    constructor(opts: ClientOptions);
    /**
     * Creates a config (`POST /domain-dialin-config`). After an ambiguous failure (timeout,
     * dropped connection, 5xx) of a config with a phone number, the client looks the number up
     * and returns the config if the create did happen, so the caller gets exactly one.
     */
    create(body: CreateDialinConfig, opts?: CallOptions): Promise<DialinConfig>;
    /** Updates a config (`PUT /domain-dialin-config/:id`) with a partial body. */
    update(id: string, patch: UpdateDialinConfig, opts?: UpdateCallOptions): Promise<DialinConfig>;
    /** Reads one config (`GET /domain-dialin-config/:id`). */
    get(id: string, opts?: CallOptions): Promise<DialinConfig>;
    /**
     * Deletes a config (`DELETE /domain-dialin-config/:id`). When an attempt failed ambiguously
     * and the retry answers 404, the config counts as deleted (`reconciled: true`).
     */
    delete(id: string, opts?: CallOptions): Promise<DeleteResult>;
    /** Lists one page (`GET /domain-dialin-config?...`). */
    list(query?: ListQuery, opts?: CallOptions): Promise<DialinConfigPage>;
    /**
     * Every config matching `query`, newest first, fetching pages with `starting_after` as the
     * iteration goes: `for await (const config of client.listAll({ type: "pin_dialin" }))`.
     */
    listAll(query?: ListQuery, opts?: CallOptions): AsyncIterableIterator<DialinConfig>;
    /** Releases the options kept in WebAssembly memory at once (the garbage collector does it otherwise). */
    free(): void;
}
