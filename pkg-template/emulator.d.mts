// Types of daily-dialin/emulator.

export interface EmulatorOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** Accepted API keys; when omitted any `Bearer` key is accepted. */
  apiKeys?: string[];
  /** Accept localhost and private URLs in configs (default true: your test servers are local). */
  allowPrivateUrls?: boolean;
  /** Requests per window per key (default 100 per 5000 ms); null or false turns it off. */
  rateLimit?: { maxRequests: number; windowMs: number } | null | false;
  /** Send `Retry-After` with 429 answers (Daily does not document one; default false). */
  retryAfter?: boolean;
  /** How long a simulated call waits for `pinlessCallUpdate` before the timeout message plays (default 120000). */
  holdTimeoutMs?: number;
  /** Keep configs in this JSON file across restarts (written atomically before each answer). */
  dataFile?: string;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Timeout of each webhook delivery (default 10000). */
  webhookTimeoutMs?: number;
}

/** A fault for the next matching requests. */
export interface Fault {
  method?: string;
  /** Path prefix (default `/v1`). */
  path?: string;
  /** How many requests it hits (default 1). */
  count?: number;
  /** Status to answer (default 500 unless only `delay_ms` is set). */
  status?: number;
  /** Body to answer: an object (JSON) or a raw string. */
  body?: string | object;
  /** Delay before answering or dropping. */
  delay_ms?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Do the real operation, then fail. */
  apply?: boolean;
  /** `Retry-After` value to send. */
  retry_after?: number | string;
}

export interface SimulatedCall {
  /** The dialed number (a pinless config's `phone_number`)... */
  to?: string;
  /** ...or its `sip_uri`. */
  sip_uri?: string;
  from?: string;
  sipHeaders?: Record<string, string>;
}

export interface RunningEmulator {
  /** Base URL for clients, ending in `/v1`. */
  url: string;
  origin: string;
  port: number;
  host: string;
  injectFault(fault: Fault): Promise<unknown>;
  clearFaults(): Promise<unknown>;
  /** Simulates an incoming call; resolves with the call record after the webhook delivery. */
  simulateCall(call: SimulatedCall): Promise<any>;
  calls(): Promise<any>;
  reset(): Promise<unknown>;
  exportState(): any;
  close(): Promise<void>;
}

export declare function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator>;
