// Error classes of daily-dialin. One ESM source; the build derives errors.cjs from it.
//
// Contract with the wasm module (src/wasm/errors.rs): every entry registers this module's
// exports with `__registerErrorClasses`; Rust then throws `new Class(message, props)` and also
// sets each prop on the instance. Add new classes here (extending DailyDialinError) and they are
// registered automatically.
//
// `instanceof` works across the package's ESM and CommonJS copies (a process that both imports
// and requires daily-dialin gets two copies of these classes): each class carries a brand under a
// global symbol and `Symbol.hasInstance` checks brands along the prototype chain.
//
// Errors never hold secrets (API keys and webhook secrets are never put into them), so toJSON()
// and toString() are safe to log.

const BRAND = Symbol.for('daily-dialin.error-class');

function brand(cls, name) {
  Object.defineProperty(cls.prototype, BRAND, { value: name });
  Object.defineProperty(cls.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });
}

/** Base class of every error daily-dialin throws. */
export class DailyDialinError extends Error {
  constructor(message, props) {
    super(
      String(message ?? ''),
      props && typeof props === 'object' && 'cause' in props ? { cause: props.cause } : undefined,
    );
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
    return { name: this.name, message: this.message };
  }
}
brand(DailyDialinError, 'DailyDialinError');

/** A request body, query, id or option was refused; `issues` lists every problem found. */
export class ValidationError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    this.issues = Array.isArray(props?.issues) ? props.issues : [];
  }

  toJSON() {
    return { ...super.toJSON(), issues: this.issues };
  }
}
brand(ValidationError, 'ValidationError');

function copyFields(target, props, keys) {
  for (const k of keys) {
    if (props && typeof props === 'object' && k in props) target[k] = props[k];
  }
}

function fields(err, keys) {
  const out = {};
  for (const k of keys) if (err[k] !== undefined) out[k] = err[k];
  return out;
}

const REQUEST_FIELDS = ['method', 'path', 'attempts', 'retryable'];
const API_FIELDS = ['status', 'error', 'info', 'kind', ...REQUEST_FIELDS, 'maybeApplied'];

/**
 * Daily answered with an error status. `status`, `error` (Daily's stable type, e.g. `not-found`),
 * `info` (human text, may be absent), `kind` (`authentication`, `authorization_header`, `forbidden`,
 * `invalid_request`, `json_parsing`, `not_found`, `rate_limit`, `server`, `unexpected_response`,
 * `unknown`), `retryable`, and the request's `method` and `path` (never the key).
 */
export class DailyApiError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    copyFields(this, props, API_FIELDS);
  }

  toJSON() {
    return { ...super.toJSON(), ...fields(this, API_FIELDS) };
  }
}
brand(DailyApiError, 'DailyApiError');

/** The request failed on the network (`maybeSent`: whether it may have reached the server). */
export class NetworkError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    copyFields(this, props, [...REQUEST_FIELDS, 'maybeSent', 'maybeApplied']);
  }

  toJSON() {
    return { ...super.toJSON(), ...fields(this, [...REQUEST_FIELDS, 'maybeSent', 'maybeApplied']) };
  }
}
brand(NetworkError, 'NetworkError');

/** No complete response arrived within the per-attempt timeout (`timeoutMs`). */
export class TimeoutError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    copyFields(this, props, [...REQUEST_FIELDS, 'timeoutMs', 'maybeApplied']);
  }

  toJSON() {
    return { ...super.toJSON(), ...fields(this, [...REQUEST_FIELDS, 'timeoutMs', 'maybeApplied']) };
  }
}
brand(TimeoutError, 'TimeoutError');

/** The caller's AbortSignal aborted the call (also during the wait between retries). */
export class AbortError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    copyFields(this, props, REQUEST_FIELDS);
  }

  toJSON() {
    return { ...super.toJSON(), ...fields(this, REQUEST_FIELDS) };
  }
}
brand(AbortError, 'AbortError');

/** A pinless webhook was rejected; `reason` is a stable code such as `signature_mismatch`. */
export class WebhookVerificationError extends DailyDialinError {
  constructor(message, props) {
    super(message, props);
    copyFields(this, props, ['reason']);
  }

  toJSON() {
    return { ...super.toJSON(), reason: this.reason };
  }
}
brand(WebhookVerificationError, 'WebhookVerificationError');
