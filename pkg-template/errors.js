// Error classes of daily-dialin. One ESM source; the build derives errors.cjs from it.
//
// Contract with the wasm module (src/wasm/errors.rs): every entry registers this module's
// exports with `__registerErrorClasses`; Rust then throws `new Class(message, props)`, and the base
// class copies the fields the class lists (once, here; as stripe-node's StripeError does). Add new
// classes here (extending DailyDialinError, with `brand`) and they are registered automatically.
//
// `instanceof` works across the package's ESM and CommonJS copies (a process that both imports
// and requires daily-dialin gets two copies of these classes): each class carries a brand under a
// global symbol and `Symbol.hasInstance` checks brands along the prototype chain.
//
// Errors never hold secrets (API keys and webhook secrets are never put into them), so toJSON()
// and toString() are safe to log.

const BRAND = Symbol.for('daily-dialin.error-class');

/**
 * Names the class (`name`, and the brand that `instanceof` checks) and lists the fields its
 * instances carry: the base class copies them from `props` once, and `toJSON` shows them.
 */
function brand(cls, name, fields = []) {
  Object.defineProperty(cls.prototype, BRAND, { value: name });
  Object.defineProperty(cls.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(cls, 'fields', { value: Object.freeze([...fields]) });
}

/** Base class of every error daily-dialin throws. */
export class DailyDialinError extends Error {
  constructor(message, props) {
    const bag = props !== null && typeof props === 'object' ? props : {};
    super(String(message ?? ''), 'cause' in bag ? { cause: bag.cause } : undefined);
    for (const k of new.target.fields ?? []) if (k in bag) this[k] = bag[k];
  }

  static [Symbol.hasInstance](value) {
    const wanted = this.prototype[BRAND];
    for (let p = value; p !== null && (typeof p === 'object' || typeof p === 'function'); ) {
      if (Object.prototype.hasOwnProperty.call(p, BRAND) && p[BRAND] === wanted) return true;
      p = Object.getPrototypeOf(p);
    }
    return false;
  }

  /** Plain data for logs: the name, the message and the class's own fields. */
  toJSON() {
    const out = { name: this.name, message: this.message };
    for (const k of this.constructor.fields ?? []) if (this[k] !== undefined) out[k] = this[k];
    return out;
  }
}
brand(DailyDialinError, 'DailyDialinError');

/** A request body, query, id or option was refused; `issues` lists every problem found. */
export class ValidationError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    if (!Array.isArray(this.issues)) this.issues = [];
  }
}
brand(ValidationError, 'ValidationError', ['issues']);

// rolledBack: set by changeType (daily-dialin/configs) on the error of a type change's failed create.
const REQUEST_FIELDS = ['method', 'path', 'attempts', 'retryable', 'rolledBack'];

/**
 * Daily answered with an error status. `status`, `error` (Daily's stable type, e.g. `not-found`),
 * `info` (human text, may be absent), `kind` (`authentication`, `authorization_header`, `forbidden`,
 * `invalid_request`, `json_parsing`, `not_found`, `rate_limit`, `server`, `unexpected_response`,
 * `unknown`), `retryable`, and the request's `method` and `path` (never the key).
 */
export class DailyApiError extends DailyDialinError {}
brand(DailyApiError, 'DailyApiError', ['status', 'error', 'info', 'kind', ...REQUEST_FIELDS, 'maybeApplied']);

/** The request failed on the network (`maybeSent`: whether it may have reached the server). */
export class NetworkError extends DailyDialinError {}
brand(NetworkError, 'NetworkError', [...REQUEST_FIELDS, 'maybeSent', 'maybeApplied']);

/** No complete response arrived within the per-attempt timeout (`timeoutMs`). */
export class TimeoutError extends DailyDialinError {}
brand(TimeoutError, 'TimeoutError', [...REQUEST_FIELDS, 'timeoutMs', 'maybeApplied']);

/** The caller's AbortSignal aborted the call (also during the wait between retries). */
export class AbortError extends DailyDialinError {}
brand(AbortError, 'AbortError', REQUEST_FIELDS);

/** A pinless webhook was rejected; `reason` is a stable code such as `signature_mismatch`. */
export class WebhookVerificationError extends DailyDialinError {}
brand(WebhookVerificationError, 'WebhookVerificationError', ['reason']);
