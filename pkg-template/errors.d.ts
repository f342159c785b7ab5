// Error classes of daily-dialin (see errors.js). Shared by every entry's declarations.
import type { Issue } from './node.mjs';

/** Base class of every error daily-dialin throws. `instanceof` works across the ESM and CommonJS copies. */
export declare class DailyDialinError extends Error {
  constructor(message?: string, props?: { cause?: unknown });
  /** Plain data for logs: the name, the message and the class's own fields. Never holds secrets. */
  toJSON(): { name: string; message: string; [field: string]: unknown };
}

/** A request body, query, id or option was refused; `issues` lists every problem found (errors and warnings). */
export declare class ValidationError extends DailyDialinError {
  constructor(message?: string, props?: { issues?: Issue[]; cause?: unknown });
  issues: Issue[];
  toJSON(): { name: string; message: string; issues: Issue[] };
}

/** Fields every request error carries (never the API key). Not exported (see the end of the file). */
interface RequestErrorFields {
  /** HTTP method of the request. */
  method?: string;
  /** URL path of the request, e.g. `/v1/domain-dialin-config/abc`. */
  path?: string;
  /** Attempts made, including retries. */
  attempts?: number;
  /** Whether another attempt could succeed. */
  retryable?: boolean;
  /**
   * Set by `changeType` (daily-dialin/configs) on the error of a type change's create, after the
   * old config was deleted: `true` when it was created back, `false` when that failed too.
   */
  rolledBack?: boolean;
}

/** Daily's error kinds, from its `error` field (or the status when the body has none). */
export type DailyApiErrorKind =
  | 'authentication' | 'authorization_header' | 'forbidden' | 'invalid_request' | 'json_parsing'
  | 'not_found' | 'rate_limit' | 'server' | 'unexpected_response' | 'unknown';

/**
 * What a class's constructor takes besides the message: the fields it carries (errors.js lists
 * them per class; the base class copies those it is given) and `cause`. So
 * `new DailyApiError('rate limited', { status: 429, kind: 'rate_limit' })` makes a test double.
 * Not exported (see the end of the file).
 */
type ErrorProps<E> = { [K in Exclude<keyof E, keyof DailyDialinError>]?: E[K] } & { cause?: unknown };

/** Daily answered with an error status. */
export declare class DailyApiError extends DailyDialinError implements RequestErrorFields {
  constructor(message?: string, props?: ErrorProps<DailyApiError>);
  /** The HTTP status; absent when the answer was a success that could not be read (`unexpected_response`). */
  status?: number;
  /** Daily's stable error type, e.g. `not-found`; undefined when the body was not JSON. */
  error?: string;
  /** Daily's human text; may be absent. */
  info?: string;
  /** What went wrong, from `error` and `status` (`unexpected_response`: a 2xx answer that is not what the API sends). */
  kind: DailyApiErrorKind;
  method?: string;
  path?: string;
  attempts?: number;
  retryable?: boolean;
  /** Set by `changeType`: whether the old config was created back after this create failed. */
  rolledBack?: boolean;
  /** For a create after an ambiguous failure: whether it may have been applied. */
  maybeApplied?: boolean;
}

/** The request failed on the network. */
export declare class NetworkError extends DailyDialinError implements RequestErrorFields {
  constructor(message?: string, props?: ErrorProps<NetworkError>);
  method?: string;
  path?: string;
  attempts?: number;
  retryable?: boolean;
  /** Set by `changeType`: whether the old config was created back after this create failed. */
  rolledBack?: boolean;
  /** Whether the request may have reached the server. */
  maybeSent?: boolean;
  /** For a create after an ambiguous failure: whether it may have been applied. */
  maybeApplied?: boolean;
}

/** No complete response within the per-attempt timeout. */
export declare class TimeoutError extends DailyDialinError implements RequestErrorFields {
  constructor(message?: string, props?: ErrorProps<TimeoutError>);
  method?: string;
  path?: string;
  attempts?: number;
  retryable?: boolean;
  /** Set by `changeType`: whether the old config was created back after this create failed. */
  rolledBack?: boolean;
  /** The client's per-attempt timeout (`timeoutMs` option), in milliseconds. */
  timeoutMs?: number;
  /** For a create after an ambiguous failure: whether it may have been applied. */
  maybeApplied?: boolean;
}

/** The caller's AbortSignal aborted the call. */
export declare class AbortError extends DailyDialinError implements RequestErrorFields {
  constructor(message?: string, props?: ErrorProps<AbortError>);
  method?: string;
  path?: string;
  attempts?: number;
  retryable?: boolean;
  /** Set by `changeType`: whether the old config was created back after this create failed. */
  rolledBack?: boolean;
}

/** A pinless webhook was rejected, or its options (`bad_options`) or secret cannot be used. */
export declare class WebhookVerificationError extends DailyDialinError {
  constructor(message?: string, props?: ErrorProps<WebhookVerificationError>);
  reason:
    | 'missing_signature' | 'missing_timestamp' | 'bad_timestamp' | 'timestamp_too_old'
    | 'timestamp_in_future' | 'bad_secret' | 'signature_mismatch' | 'bad_payload'
    | 'bad_options';
}

// Only the declarations marked `export` are exported (a declaration file without this exports
// every top-level declaration, RequestErrorFields and ErrorProps included).
export {};
