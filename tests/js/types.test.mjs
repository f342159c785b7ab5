// TypeScript consumers of the packed tarball: `tsc --noEmit --strict` with moduleResolution
// nodenext (ESM and CJS files; Node entry types) and bundler (web entry types). The consumer
// files carry `// @ts-expect-error` lines for wrong bodies, so tsc fails if the types accept them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, tempDir, pack, project, tool } from './helpers.mjs';

// Shared body of the consumer: everything here must type-check under both resolutions.
const USES = `
declare function use(...values: unknown[]): void;
const pin: CreateDialinConfig = { type: 'pin_dialin', phone_number: '+14155550123', ivr_greeting: { message: 'PIN?' } };
const pinless: CreateDialinConfig = {
  type: 'pinless_dialin',
  room_creation_api: 'https://example.com/dial',
  hmac: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  timeout_config: { message: 'Sorry' },
};

// @ts-expect-error hmac belongs to pinless_dialin configs only
const pinWithHmac: CreateDialinConfig = { type: 'pin_dialin', phone_number: '+14155550123', hmac: 'c2VjcmV0' };
// @ts-expect-error not a dial-in type
const badType: CreateDialinConfig = { type: 'pstn_dialin', phone_number: '+14155550123' };
// @ts-expect-error pin_dialin needs phone_number
const noPhone: CreateDialinConfig = { type: 'pin_dialin' };
// @ts-expect-error ivr_greeting belongs to pin_dialin configs only
const pinlessWithIvr: CreateDialinConfig = { type: 'pinless_dialin', room_creation_api: 'https://e.com', ivr_greeting: {} };
// @ts-expect-error a wrong body passed straight to a builder
buildCreateRequest({ type: 'pin_dialin', phone_number: '+14155550123', hmac: 'c2VjcmV0' }, { apiKey: 'k' });
// @ts-expect-error apiKey is required
buildGetRequest('cfg', {});
// @ts-expect-error type cannot be changed by an update
const patchType: UpdateDialinConfig = { type: 'pin_dialin' };
// @ts-expect-error limit is a number
const q: ListQuery = { limit: '10' };
// @ts-expect-error toCurl takes a whole HttpRequest (the parameter is typed by the Rust type)
toCurl({ method: 'GET' });
// @ts-expect-error a list query is an object (or null/undefined)
buildListRequest('limit=10', { apiKey: 'k' });

// The validators take any value (checking it is their job): a form's fields, parsed JSON.
declare const text: string;
declare const x: unknown;
const formObject: { type: string; phone_number: string } = { type: 'pin_dialin', phone_number: '+14155550123' };
const fromValues: boolean[] = [
  validateCreate(formObject).ok,
  validateCreate(JSON.parse(text)).ok,
  validateCreate(x as unknown, { allowPrivateUrls: true }).ok,
  validateUpdate({ name_prefix: 12 }).ok,
  validateUpdate(JSON.parse(text), { type: 'pin_dialin' }).ok,
  validateListQuery(x).ok,
  validateListQuery({ limit: '10' }).ok,
];
// @ts-expect-error the builders keep the precise body type: validate first
buildCreateRequest(formObject, { apiKey: 'k' });
// @ts-expect-error the builders keep the precise patch type
buildUpdateRequest('cfg', JSON.parse(text) as { name_prefix: number }, { apiKey: 'k' });

function describe(c: CreateDialinConfig): string {
  // The union narrows on \`type\`.
  return c.type === 'pinless_dialin' ? c.room_creation_api : c.phone_number;
}

const t: DialinType = pin.type;
const report: ValidationReport = validateCreate(pinless, { allowPrivateUrls: true });
const first: Issue | undefined = report.issues[0];
const sev: Severity | undefined = first?.severity;
const ok: boolean = report.ok && validateUpdate({ name_prefix: 'x' }, { type: 'pin_dialin' }).ok && validateListQuery().ok && validateListQuery(null).ok;
const req: HttpRequest = buildCreateRequest(pin, { apiKey: 'k', baseUrl: 'https://api.daily.co/v1' });
const ct: string | undefined = req.headers['Content-Type'];
const auth: string = req.headers.Authorization;
const others: HttpRequest[] = [
  buildUpdateRequest('cfg', { name_prefix: 'x' }, { apiKey: 'k', type: 'pin_dialin' }),
  buildGetRequest('cfg', { apiKey: 'k' }),
  buildListRequest({ limit: 10, phone_numbers: ['+1'], type: 'pin_dialin' }, { apiKey: 'k' }),
  buildListRequest(undefined, { apiKey: 'k' }),
  buildDeleteRequest('cfg', { apiKey: 'k' }),
];
const curl: string = toCurl(req);
const page: DialinConfigPage = { total_count: 1, data: [{ id: 'cfg', type: 'pin_dialin', config: { phone_number: '+1' } }] };
const cfg: DialinConfig | undefined = page.data[0];
const initDone: Promise<void> = init();

try {
  buildCreateRequest(pin, { apiKey: 'k' });
} catch (e) {
  if (e instanceof ValidationError) {
    const issues: Issue[] = e.issues;
    const json = e.toJSON();
    use(issues.length, json.issues.length, e.message);
  } else if (e instanceof DailyDialinError) {
    use(e.name);
  }
}
const made = new ValidationError('custom', { issues: [] });
use(describe, t, sev, ok, ct, auth, others, curl, cfg, initDone, made, pinWithHmac, badType, noPhone, pinlessWithIvr, patchType, q, fromValues);
`;

// The client (package root only): a minimal custom fetch that needs no DOM or Node types, every
// call, and the fields of each error class as the docs use them.
const CLIENT = `
const sentLines: string[] = [];
const client = new DailyDialinClient({
  apiKey: 'k',
  maxRetries: 1,
  timeoutMs: 5000,
  fetch: async (url, init) => {
    sentLines.push(\`\${init.method} \${url} \${init.headers.Authorization} \${init.body ?? ''} \${init.signal.aborted}\`);
    return { status: 200, headers: { get: () => null }, text: async () => '{}' };
  },
});
const minimal: ClientOptions = { apiKey: 'k', fetch: async (url: string, init: { signal: AbortSignalLike }) => ({ url, init }) };
async function useClient(id: string, signal: AbortSignalLike): Promise<void> {
  const created: DialinConfig = await client.create(pin, { signal });
  const r: DeleteResult = await client.delete(id);
  const reconciled: boolean | undefined = r.reconciled;
  const updated: DialinConfig = await client.update(id, { name_prefix: 'x' }, { type: 'pin_dialin', signal });
  const listed: DialinConfigPage = await client.list({ limit: 10 });
  for await (const c of client.listAll({ type: 'pin_dialin' })) use(c.id);
  // @ts-expect-error the client keeps the precise body type: validate first
  await client.create(formObject);
  try {
    await client.get(id);
  } catch (e) {
    if (e instanceof DailyApiError) {
      const kind: DailyApiErrorKind = e.kind;
      const status: number | undefined = e.status;
      const texts: (string | undefined)[] = [e.error, e.info, e.method, e.path];
      const attempts: number | undefined = e.attempts;
      const flags: (boolean | undefined)[] = [e.retryable, e.maybeApplied];
      use(kind, status, texts, attempts, flags, e.toJSON());
    } else if (e instanceof NetworkError) {
      const flags: (boolean | undefined)[] = [e.maybeSent, e.maybeApplied, e.retryable];
      const attempts: number | undefined = e.attempts;
      use(flags, attempts, e.method, e.path);
    } else if (e instanceof TimeoutError) {
      const ms: number | undefined = e.timeoutMs;
      const flags: (boolean | undefined)[] = [e.maybeApplied, e.retryable];
      use(ms, flags, e.attempts, e.method, e.path);
    } else if (e instanceof AbortError) {
      const attempts: number | undefined = e.attempts;
      use(attempts, e.retryable, e.method, e.path);
    }
  }
  use(created, reconciled, updated, listed, minimal, sentLines);
}
// Every kind a DailyApiError carries: a case the type lacks fails to compile.
function kindText(k: DailyApiErrorKind): string {
  switch (k) {
    case 'authentication': case 'authorization_header': case 'forbidden': case 'invalid_request':
    case 'json_parsing': case 'not_found': case 'rate_limit': case 'server':
    case 'unexpected_response': case 'unknown':
      return k;
  }
}
// Test doubles: the constructors take the fields the classes carry.
const doubles: DailyDialinError[] = [
  new DailyApiError('rate limited', { status: 429, kind: 'rate_limit', retryable: true, attempts: 3, method: 'GET', path: '/v1/x' }),
  new NetworkError('reset', { maybeSent: true, maybeApplied: false, attempts: 1, cause: new Error('ECONNRESET') }),
  new TimeoutError('slow', { timeoutMs: 10, maybeApplied: true }),
  new AbortError('stop', { attempts: 2 }),
];
use(useClient, kindText, doubles);
`;

// Needs a global fetch (the DOM lib, or Node's types): a built request is a fetch init as it is.
const FETCH = `
const sent: Promise<Response> = fetch(req.url, req);
const sentAll: Promise<Response>[] = others.map((o) => fetch(o.url, o));
use(sent, sentAll);
`;
// ...and the client takes the platform's fetch and AbortSignal.
const CLIENT_FETCH = `
const withGlobalFetch = new DailyDialinClient({ apiKey: 'k', fetch: globalThis.fetch });
const withFetch = new DailyDialinClient({ apiKey: 'k', fetch });
const controller = new AbortController();
const got: Promise<DialinConfig> = withGlobalFetch.get('cfg', { signal: controller.signal });
use(withFetch, got);
`;

const IMPORTS = `CreateDialinConfig, UpdateDialinConfig, ListQuery, DialinType, DialinConfig, DialinConfigPage,
  Issue, Severity, ValidationReport, HttpRequest`;
const VALUES = `init, validateCreate, validateUpdate, validateListQuery, buildCreateRequest, buildUpdateRequest,
  buildGetRequest, buildListRequest, buildDeleteRequest, toCurl, ValidationError, DailyDialinError`;
const CLIENT_IMPORTS = 'ClientOptions, AbortSignalLike, DeleteResult, DailyApiErrorKind';
const CLIENT_VALUES = 'DailyDialinClient, DailyApiError, NetworkError, TimeoutError, AbortError';

const ESM = `import { ${VALUES}, ${CLIENT_VALUES} } from 'daily-dialin';
import type { ${IMPORTS}, ${CLIENT_IMPORTS} } from 'daily-dialin';
${USES}${CLIENT}`;
const CJS = `import dd = require('daily-dialin');
const { ${VALUES}, ${CLIENT_VALUES} } = dd;
type CreateDialinConfig = dd.CreateDialinConfig; type UpdateDialinConfig = dd.UpdateDialinConfig;
type ListQuery = dd.ListQuery; type DialinType = dd.DialinType; type DialinConfig = dd.DialinConfig;
type DialinConfigPage = dd.DialinConfigPage; type Issue = dd.Issue; type Severity = dd.Severity;
type ValidationReport = dd.ValidationReport; type HttpRequest = dd.HttpRequest;
type ValidationError = dd.ValidationError; type DailyDialinError = dd.DailyDialinError;
type ClientOptions = dd.ClientOptions; type AbortSignalLike = dd.AbortSignalLike;
type DeleteResult = dd.DeleteResult; type DailyApiErrorKind = dd.DailyApiErrorKind;
${USES}${CLIENT}`;
// daily-dialin/core: the same types and functions, without the client.
const CORE = `import { ${VALUES} } from 'daily-dialin/core';
import type { ${IMPORTS} } from 'daily-dialin/core';
${USES}`;
const CORE_CJS = CJS.replace("require('daily-dialin')", "require('daily-dialin/core')")
  .replace(`, ${CLIENT_VALUES} }`, ' }')
  .replace(/\ntype ClientOptions[^\n]*\ntype DeleteResult[^\n]*/, '')
  .replace(CLIENT, '');
// daily-dialin/webhook: the verifier's types, narrowing on kind, wrong inputs refused.
const WEBHOOK = `import { init, verifyPinlessWebhook, signPinlessWebhook, generateHmacSecret, WebhookVerificationError } from 'daily-dialin/webhook';
import type { PinlessWebhook, PinlessCallPayload, PinlessWebhookWarning, VerifyPinlessWebhookOptions, WebhookFailureReason } from 'daily-dialin/webhook';
declare function use(...values: unknown[]): void;
const secret: string = generateHmacSecret();
const body = '{"Test":"test"}';
const headers = signPinlessWebhook({ body, secret, timestamp: 1767225600 });
const sig: string = headers['X-Pinless-Signature'];
const opts: VerifyPinlessWebhookOptions = { body, headers, secrets: [secret], toleranceSeconds: 60, now: 1767225600 };
const hook: PinlessWebhook = verifyPinlessWebhook(opts);
const callId: string | undefined = hook.kind === 'call' ? hook.payload.callId : undefined;
const payload: PinlessCallPayload = { To: '+1', From: '+2', callId: 'c', callDomain: 'd', sipHeaders: { a: 'b' } };
// Every answer has warnings and the whole parsed body; From may be absent (a withheld caller ID).
const warnings: PinlessWebhookWarning[] = hook.warnings;
const codes: ('required' | 'invalid_type')[] = warnings.map((w) => w.code);
const raw: unknown = hook.raw;
const from: string | undefined = hook.kind === 'call' ? hook.payload.From : undefined;
const withheld: PinlessCallPayload = { To: '+1', callId: 'c', callDomain: 'd' };
// @ts-expect-error From is optional
const fromText: string = hook.kind === 'call' ? hook.payload.From : '';
const optionsReason: WebhookFailureReason = 'bad_options';
verifyPinlessWebhook({ ...opts, allowWeakSecrets: true });
signPinlessWebhook({ body, secret, allowWeakSecrets: true });
use(codes, raw, from, withheld, fromText, optionsReason);
try {
  verifyPinlessWebhook({ body: new Uint8Array(2), headers: { 'x-pinless-signature': ['a', 'b'] }, secret });
} catch (e) {
  if (e instanceof WebhookVerificationError) {
    const reason: WebhookFailureReason = e.reason;
    use(reason);
  }
}
// @ts-expect-error a parsed body is refused: verify the raw bytes
verifyPinlessWebhook({ body: { Test: 'test' }, headers, secret });
// @ts-expect-error the timestamp is a number or a string
signPinlessWebhook({ body, secret, timestamp: new Date() });
const ready: Promise<void> = init();
use(sig, callId, payload, ready);
`;

// checkHoldMusic (the daily-dialin/hold-music entry): its options and its answer.
const MUSIC = `import { checkHoldMusic, init as initMusic, DailyDialinError } from 'daily-dialin/hold-music';
import type { CheckHoldMusicOptions, HoldMusicCheck, HoldMusicFacts, Issue, AbortSignalLike } from 'daily-dialin/hold-music';
declare function use(...values: unknown[]): void;
declare function myFetch(url: string, init: unknown): Promise<unknown>;
const opts: CheckHoldMusicOptions = { timeoutMs: 5000, maxBytes: 1 << 20, allowPrivateUrls: true, fetch: (url, init) => myFetch(url, init) };
const r: HoldMusicCheck = await checkHoldMusic('https://cdn.example.com/hold.mp3', opts);
const facts: HoldMusicFacts | null = r.facts;
const seconds: number | null | undefined = facts?.durationSeconds;
const from: 'frames' | 'xing' | 'vbri' | 'bitrate' | null | undefined = facts?.durationFrom;
const first: Issue | undefined = r.issues[0];
const fromUrl: Promise<HoldMusicCheck> = checkHoldMusic({ href: 'https://cdn.example.com/a.mp3' });
// @ts-expect-error maxBytes is a number
checkHoldMusic('https://cdn.example.com/a.mp3', { maxBytes: '10' });
const signal: AbortSignalLike | undefined = opts.signal;
const loaded: Promise<void> = initMusic();
use(r.ok, seconds, from, first, fromUrl, signal, loaded, DailyDialinError);
export {};
`;

// Only the web entry has these.
const WEB_ONLY = `import { initSync, type InitInput } from 'daily-dialin';
const input: InitInput = new URL('https://cdn.example/daily_dialin_bg.wasm');
export const load = (bytes: ArrayBuffer) => initSync(bytes);
export { input };
`;

let tmp, tarball;
before(() => {
  tmp = tempDir('types');
  ({ tarball } = pack(tmp.dir));
});
after(() => tmp?.cleanup());

function tsc(dir) {
  const { code, out } = tool('tsc', ['-p', 'tsconfig.json'], dir);
  assert.equal(code, 0, `tsc failed:\n${out}`);
}

test('tsc --strict, moduleResolution nodenext (ESM and CJS consumers, Node entry types, no DOM lib, no @types/node)', () => {
  const dir = project(tmp.dir, 'ts-nodenext', tarball, {
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ['consumer.mts', 'consumer.cts', 'core.mts', 'core.cts', 'webhook.mts', 'music.mts'],
    }),
    'consumer.mts': `${ESM}\nawait initDone;\n`,
    'consumer.cts': CJS,
    'core.mts': `${CORE}\nawait initDone;\n`,
    'core.cts': CORE_CJS,
    'webhook.mts': `${WEBHOOK}\nawait ready;\n`,
    'music.mts': MUSIC,
  });
  tsc(dir);
});

test("tsc --strict, moduleResolution nodenext with Node's own types (@types/node: global fetch, AbortSignal)", () => {
  const dir = project(tmp.dir, 'ts-node-types', tarball, {
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022'],
        // The repository's own @types/node (a devDependency): the throw-away project installs
        // only the tarball, offline.
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ['consumer.mts', 'consumer.cts', 'core.mts'],
    }),
    'consumer.mts': `${ESM}${FETCH}${CLIENT_FETCH}\nawait initDone;\n`,
    'consumer.cts': `${CJS}${FETCH}${CLIENT_FETCH}`,
    'core.mts': `${CORE}${FETCH}\nawait initDone;\n`,
  });
  tsc(dir);
});

test('tsc --strict, moduleResolution bundler (web entry types)', () => {
  const dir = project(tmp.dir, 'ts-bundler', tarball, {
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ['consumer.ts', 'web-only.ts', 'core.ts', 'webhook.ts', 'music.ts'],
    }),
    'consumer.ts': `${ESM}${FETCH}${CLIENT_FETCH}\nawait initDone;\nexport {};\n`,
    'core.ts': `${CORE}${FETCH}\nawait initDone;\nexport {};\n`,
    'webhook.ts': `${WEBHOOK}\nawait ready;\nexport {};\n`,
    'web-only.ts': WEB_ONLY,
    'music.ts': MUSIC,
  });
  tsc(dir);
});

test('the @ts-expect-error lines are real errors (control: without the markers tsc fails)', () => {
  const stripped = ESM.replaceAll('// @ts-expect-error', '//');
  const dir = project(tmp.dir, 'ts-control', tarball, {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, noEmit: true },
      files: ['consumer.ts'],
    }),
    'consumer.ts': `${stripped}\nexport {};\n`,
  });
  const { code, out } = tool('tsc', ['-p', 'tsconfig.json'], dir);
  assert.notEqual(code, 0);
  const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.equal(errors.length, (ESM.match(/@ts-expect-error/g) ?? []).length, out);
});
