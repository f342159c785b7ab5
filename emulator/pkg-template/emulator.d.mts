// Types of daily-dialin-emulator (Node 20+ only).

export interface EmulatorOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port; read it back from `port` or `url`). */
  port?: number;
  /** Accepted API keys; when omitted any well-formed `Bearer` key is accepted. */
  apiKeys?: string[] | null;
  /** Accept localhost and private URLs in configs (default true: your test servers are local). */
  allowPrivateUrls?: boolean;
  /** Requests per window per key (default 100 per 5000 ms, Daily's limit); null or false turns it off. */
  rateLimit?: { maxRequests: number; windowMs: number } | null | false;
  /** Send `Retry-After` (whole seconds) with 429 answers (Daily does not document one; default false). */
  retryAfter?: boolean;
  /** How long a simulated call waits for `pinlessCallUpdate` before the timeout message plays (default 120000). */
  holdTimeoutMs?: number;
  /**
   * Keep configs in this JSON file across restarts. Each change is appended to `<dataFile>.journal`
   * and flushed before the answer; the journal is folded into the file at start and as it grows.
   */
  dataFile?: string;
  /** Largest request body accepted; larger ones get 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Timeout of each webhook delivery (default 10000). */
  webhookTimeoutMs?: number;
  /**
   * Resolves webhook host names, as `dns.lookup` (the default) does. With `allowPrivateUrls: false`
   * a delivery fails when any address it gives is not public (for tests, or a custom resolver).
   */
  lookup?: (
    hostname: string,
    options: { all?: boolean; family?: number; hints?: number },
    callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => void;
  /**
   * The token the admin routes (`/_emulator/*`) require as `Authorization: Bearer <token>` (an API
   * key of `apiKeys` works too). Default: a random one, read back from `adminToken`. At least 16
   * characters.
   */
  adminToken?: string;
  /**
   * Web origins (`https://app.example.com`) allowed to call `/v1` from a browser, besides loopback
   * ones (`http(s)://localhost|127.0.0.1|[::1]`, any port). Never the admin routes.
   */
  corsOrigins?: string[];
  /**
   * Host names requests may use in `Host`, besides IP addresses, `localhost` and `host` (other
   * names are refused: a web page could reach the emulator through DNS rebinding).
   */
  allowedHosts?: string[];
}

/** A fault for the next matching `/v1` requests (`POST /_emulator/faults`). */
export interface Fault {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path prefix to match (default `/v1`; a path without `/v1` is read under it). */
  path?: string;
  /** How many matching requests it hits (default 1). */
  count?: number;
  /** Status to answer (default 500 unless only `delay_ms` is set). */
  status?: number;
  /** Body to answer: JSON (an object) or a raw string (sent as is; `text/plain` when it is not JSON). */
  body?: string | object;
  /** Delay before answering or dropping; alone, it delays the real answer. */
  delay_ms?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Do the real operation first, then answer the fault (a create that happened but answered 500). */
  apply?: boolean;
  /** `Retry-After` value to send (seconds, or an HTTP date). */
  retry_after?: number | string;
}

/** A queued fault as the emulator shows it. */
export interface QueuedFault {
  id: number;
  method: string | null;
  path: string;
  remaining: number;
  status: number | null;
  body: unknown;
  delay_ms: number;
  drop: boolean;
  apply: boolean;
  retry_after: number | string | null;
}

/** A call to simulate (`POST /_emulator/calls`): exactly one of `to` and `sip_uri`. */
export interface SimulatedCall {
  /** The dialed number (a pinless config's `phone_number`)... */
  to?: string;
  /** ...or the config's `sip_uri` (`sip:` optional). */
  sip_uri?: string;
  /** Caller number (default +15555550100). */
  from?: string;
  sipHeaders?: Record<string, string>;
}

export type CallStatus = 'webhook_pending' | 'on_hold' | 'webhook_failed' | 'routed' | 'timed_out';

/** A call log entry. `id` is the `callId` the webhook carried. */
export interface CallRecord {
  id: string;
  callDomain: string;
  to: string;
  from: string;
  /**
   * The id of the config that answered, or, for a number only in the domain's legacy arrays,
   * the entry's place when the call started (`pinless_dialin[0]`).
   */
  config_id: string;
  status: CallStatus;
  created_ms: number;
  sipHeaders?: Record<string, string>;
  webhook_url: string;
  /** HTTP status the webhook answered. */
  webhook_status: number | null;
  /** Network error of the webhook delivery (e.g. `ECONNREFUSED`, `timeout after 10000 ms`). */
  webhook_error: string | null;
  webhook_ms: number | null;
  /** The `sipUri` given to `pinlessCallUpdate`, once routed. */
  sip_uri: string | null;
  routed_ms: number | null;
  /** When the hold ends (`created_ms + holdTimeoutMs`). */
  timeout_ms: number;
  /** The config's `timeout_config.message`, once timed out. */
  played_message: string | null;
}

/**
 * The persisted state (`exportState()`, the `--data` file). Contains the `hmac` secrets. Version 2
 * added `domain` (`GET /v1/`'s domain properties and legacy dial-in arrays); a version 1 state,
 * without it, is still read.
 */
export interface EmulatorState {
  version: number;
  next_seq: number;
  configs: Array<{ seq: number; id: string; type: 'pinless_dialin' | 'pin_dialin'; config: Record<string, unknown> }>;
  deleted: Array<{ seq: number; id: string }>;
  domain?: {
    properties: Record<string, unknown>;
    pinless_dialin: Array<Record<string, unknown>>;
    pin_dialin: Array<Record<string, unknown>>;
  };
}

export interface RunningEmulator {
  /** Base URL for clients, ending in `/v1` (e.g. `http://127.0.0.1:41234/v1`). */
  url: string;
  /** `http://host:port`, without a path (admin routes live under `/_emulator`). */
  origin: string;
  port: number;
  host: string;
  /**
   * The admin routes' credential: `Authorization: Bearer <adminToken>` (the methods below send it
   * themselves).
   */
  adminToken: string;
  /** Queues a fault; resolves with it as queued. */
  injectFault(fault: Fault): Promise<QueuedFault>;
  /** The queued faults, first match first. */
  faults(): Promise<QueuedFault[]>;
  clearFaults(): Promise<unknown>;
  /** Simulates an incoming call; resolves with the call record once the webhook delivery finished. */
  simulateCall(call: SimulatedCall): Promise<CallRecord>;
  /** The call log, oldest first. */
  calls(): Promise<CallRecord[]>;
  call(id: string): Promise<CallRecord>;
  /** Clears configs, the domain config (with its legacy arrays), calls, faults and rate-limit counters (and the data file). */
  reset(): Promise<unknown>;
  exportState(): EmulatorState;
  /** Replaces the state (validated like creates; nothing changes on error). */
  importState(state: EmulatorState | string): Promise<EmulatorState>;
  /** Stops listening, ends open connections and aborts webhook deliveries in flight. */
  close(): Promise<void>;
}

/**
 * Starts the emulator. Rejects with a `DailyDialinError` for a bad option, an unreadable or invalid
 * `dataFile`, or an address that cannot be bound; admin methods reject with one carrying
 * `status`, `error` and `info` when the emulator refuses the request.
 */
export declare function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator>;
