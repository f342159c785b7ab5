// daily-dialin/configs: upsert and changeType (pkg-template/upsert.js). scripts/assemble-pkg.mjs
// appends these declarations to the module's entries' (web.d.ts, node.d.mts, node.d.cts), after
// the module's own types, which they use (CreateDialinConfig, DialinConfig, ListQuery, ...).

/** The part of an `AbortSignal` these functions use (DOM and Node signals fit). */
export interface AbortSignalLike {
    readonly aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of `upsert` and `changeType`. */
export interface UpsertOptions {
    /** Cancels the requests (passed to each). A type change's rollback is sent even after an abort. */
    signal?: AbortSignalLike;
}

/** The client calls `upsert` and `changeType` make (a `DailyDialinClient` fits). */
export interface UpsertClient {
    get(id: string, opts?: UpsertOptions): Promise<DialinConfig>;
    listAll(query?: ListQuery, opts?: UpsertOptions): AsyncIterable<DialinConfig>;
    create(body: CreateDialinConfig, opts?: UpsertOptions): Promise<DialinConfig>;
    update(id: string, patch: UpdateDialinConfig, opts?: UpsertOptions & { type?: DialinType }): Promise<DialinConfig>;
    delete(id: string, opts?: UpsertOptions): Promise<unknown>;
}

/** `changeType`'s body: a create body whose `phone_number` may be left out (the config keeps its number). */
export type ChangeTypeBody =
    | ({ type: "pinless_dialin" } & PinlessDialinFields)
    | ({ type: "pin_dialin" } & Omit<PinDialinFields, "phone_number"> & { phone_number?: string });

/**
 * Creates the config, or updates the one with the body's identity: its `phone_number`, or for a
 * body without one its `name_prefix` (docs/daily-api.md#upsert). Resolves to the created or
 * updated config. Rejects with a `ValidationError`, before anything is sent, when the body has
 * errors, has neither field (`no_identity`), names a config of the other type (`other_type`: use
 * `changeType`), or a `name_prefix` that several configs without a number share (`ambiguous`).
 */
export declare function upsert(client: UpsertClient, body: CreateDialinConfig, opts?: UpsertOptions): Promise<DialinConfig>;

/**
 * Changes the type of a config, found by id or, when `idOrNumber` starts with `+`, by number:
 * deletes it and creates `body` with its number (a config already of `body`'s type is updated
 * instead). Resolves to the new config. If the create fails, the old config (`hmac` included) is
 * created back and the create's error rejects with `rolledBack: true`; if that fails too,
 * `rolledBack: false` and the message says the number has no config. Rejects with a
 * `ValidationError`, before anything is sent, when `body` has errors or names another number
 * (`other_number`), no config has the number (`no_config`), or the stored config could not be
 * created back (`not_restorable`).
 */
export declare function changeType(client: UpsertClient, idOrNumber: string, body: ChangeTypeBody, opts?: UpsertOptions): Promise<DialinConfig>;
