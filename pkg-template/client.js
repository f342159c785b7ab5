// daily-dialin: DailyDialinClient, shared by the package's entries (web.js, node.mjs, workerd.js;
// node.cjs bundles it).
//
// This file only does the I/O: `fetch(url, init)` with plain objects, one AbortController and one
// timer per attempt, the answer read once (text, then JSON.parse), the waits between attempts, the
// caller's signal. Every decision is the WebAssembly module's (src/wasm/client.rs over the Rust
// core): the request to send (validation included), what follows a failed attempt (retry, wait,
// the lookup after an ambiguous create, a reconciled delete), every error (class, message, fields,
// scrubbed of the API key and the body's hmac) and listAll's paging. Per attempt it crosses into
// wasm once to build the request, and once more only after a failure.
//
// The API key never reaches this file: the options are read and kept in wasm memory (`#core`, a
// private field: no property, JSON.stringify or util.inspect shows it).
import { __ClientCore as Core } from './glue.js';

// How an attempt failed, for the module to judge (src/wasm/client.rs reads these fields).
class Failed {
  constructor(kind, error, response, text, retryAfter) {
    Object.assign(this, { kind, error, response, text, retryAfter });
  }
}
const TIMED_OUT = new Failed('timeout');
const ABORTED = new Failed('aborted');

// Sends `req` once and reads the whole answer: the parsed JSON of a 2xx, or a Failed. Never rejects.
async function exchange(fetch, req, signal) {
  let pending;
  try {
    // A string body and a plain headers object: a `Request` would make Node 20 stream the body in
    // pieces (measured ~1.5x slower per call, bench/README.md).
    pending = fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
  } catch (error) {
    return new Failed('unsent', error);
  }
  let response;
  let text;
  try {
    response = await pending;
  } catch (error) {
    return new Failed('fetch', error);
  }
  try {
    text = await response.text();
  } catch (error) {
    return new Failed('body', error, response);
  }
  if (response.ok === true) {
    try {
      return JSON.parse(text);
    } catch {
      return new Failed('json', undefined, response);
    }
  }
  let retryAfter = null;
  try {
    retryAfter = response.headers.get('retry-after');
  } catch {
    // no headers: no hint
  }
  return new Failed('status', undefined, response, text, retryAfter);
}

// Waits `ms`; false when `signal` aborts first.
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (slept) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(done, ms, true);
    signal?.addEventListener('abort', onAbort);
  });
}

// Notes the type of each config in an answer (one config or a page), for update's checks.
function remember(types, value) {
  for (const c of Array.isArray(value?.data) ? [value, ...value.data] : [value]) {
    if (typeof c?.id === 'string' && typeof c.type === 'string') types.set(c.id, c.type);
  }
}

/**
 * A client for `/v1/domain-dialin-config`. The API key stays inside WebAssembly memory: it is
 * sent only in the `Authorization` header and never appears in errors, logs or `JSON.stringify`.
 */
export class DailyDialinClient {
  #core;
  #fetch;
  #timeoutMs;
  // Types of the configs this client has seen (id -> type), so updates can check applicability.
  #types = new Map();

  constructor(opts) {
    this.#core = new Core(opts);
    [this.#fetch, this.#timeoutMs] = this.#core.request('settings');
  }

  // Creates a config (`POST /domain-dialin-config`), exactly once (see the README).
  async create(body, opts) {
    return this.#send(this.#core.request('create', body, opts));
  }

  // Updates a config (`PUT /domain-dialin-config/:id`) with a partial body.
  async update(id, patch, opts) {
    return this.#send(this.#core.request('update', id, patch, opts, this.#types.get(id)));
  }

  // Reads one config (`GET /domain-dialin-config/:id`).
  async get(id, opts) {
    return this.#send(this.#core.request('get', id, opts));
  }

  // Deletes a config (`DELETE /domain-dialin-config/:id`).
  async delete(id, opts) {
    return this.#send(this.#core.request('delete', id, opts));
  }

  // Lists one page (`GET /domain-dialin-config?...`).
  async list(query, opts) {
    return this.#send(this.#core.request('list', query, opts));
  }

  // Every config matching `query`, newest first, fetching pages as the iteration goes.
  listAll(query, opts) {
    return this.#pages(query, opts, this.#core.request('pages', query, opts));
  }

  // Releases the options kept in WebAssembly memory now (the garbage collector does it otherwise).
  free() {
    this.#core.free();
  }

  // listAll's pages: the state is the cursors seen so far; the module judges each page.
  async *#pages(query, opts, req) {
    const seen = [];
    while (req !== undefined) {
      const [configs, cursor, next] = this.#core.request('page', query, opts, await this.#send(req), seen);
      if (cursor !== undefined) seen.push(cursor);
      req = next;
      yield* configs;
    }
  }

  // One attempt under its deadline: the timeout, or the caller's abort, whichever comes first.
  #attempt(req, signal) {
    if (signal?.aborted) return Promise.resolve(ABORTED);
    const ctl = new AbortController();
    return new Promise((resolve) => {
      const onAbort = () => done(ABORTED);
      const timer = setTimeout(() => done(TIMED_OUT), this.#timeoutMs);
      function done(outcome) {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
        // After resolving, so that the deadline's outcome wins over what the aborted fetch says.
        if (outcome === TIMED_OUT || outcome === ABORTED) ctl.abort();
      }
      signal?.addEventListener('abort', onAbort);
      exchange(this.#fetch ?? globalThis.fetch, req, ctl.signal).then(done);
    });
  }

  // Sends `req` until it succeeds or the module says to stop.
  async #send(req) {
    const signal = req.signal;
    for (let retries = 0, ambiguous = false; ; ) {
      const got = await this.#attempt(req, signal);
      if (!(got instanceof Failed)) {
        remember(this.#types, got);
        return got;
      }
      let next = this.#core.failed(req, got, retries, ambiguous);
      if (next.lookup !== undefined) {
        let page;
        try {
          page = await this.#send(next.lookup);
        } catch {
          // unknown: the module decides with no page
        }
        next = this.#core.failed(req, got, retries, ambiguous, next, page);
      }
      if (next.error !== undefined) throw next.error;
      if (next.value !== undefined) return next.value;
      if (!(await sleep(next.delay, signal))) throw this.#core.failed(req, ABORTED, retries, ambiguous).error;
      ({ retries, ambiguous } = next);
    }
  }
}
