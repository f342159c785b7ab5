// TypeScript consumers of the packed tarball: `tsc --noEmit --strict` with moduleResolution
// nodenext (ESM and CJS files; Node entry types) and bundler (web entry types). The consumer
// files carry `// @ts-expect-error` lines for wrong bodies, so tsc fails if the types accept them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, pack, project, tool } from './helpers.mjs';

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
validateListQuery('limit=10');

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
use(describe, t, sev, ok, ct, auth, others, curl, cfg, initDone, made, pinWithHmac, badType, noPhone, pinlessWithIvr, patchType, q);
`;

const IMPORTS = `CreateDialinConfig, UpdateDialinConfig, ListQuery, DialinType, DialinConfig, DialinConfigPage,
  Issue, Severity, ValidationReport, HttpRequest`;
const VALUES = `init, validateCreate, validateUpdate, validateListQuery, buildCreateRequest, buildUpdateRequest,
  buildGetRequest, buildListRequest, buildDeleteRequest, toCurl, ValidationError, DailyDialinError`;

const ESM = `import { ${VALUES} } from 'daily-dialin';
import type { ${IMPORTS} } from 'daily-dialin';
${USES}`;
const CJS = `import dd = require('daily-dialin');
const { ${VALUES} } = dd;
type CreateDialinConfig = dd.CreateDialinConfig; type UpdateDialinConfig = dd.UpdateDialinConfig;
type ListQuery = dd.ListQuery; type DialinType = dd.DialinType; type DialinConfig = dd.DialinConfig;
type DialinConfigPage = dd.DialinConfigPage; type Issue = dd.Issue; type Severity = dd.Severity;
type ValidationReport = dd.ValidationReport; type HttpRequest = dd.HttpRequest;
type ValidationError = dd.ValidationError;
${USES}`;
// daily-dialin/core: the same types and functions, without the client.
const CORE = ESM.replaceAll("from 'daily-dialin';", "from 'daily-dialin/core';");
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

test('tsc --strict, moduleResolution nodenext (ESM and CJS consumers, Node types, no DOM lib)', () => {
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
      files: ['consumer.mts', 'consumer.cts', 'core.mts', 'core.cts', 'webhook.mts'],
    }),
    'consumer.mts': `${ESM}\nawait initDone;\n`,
    'consumer.cts': CJS,
    'core.mts': `${CORE}\nawait initDone;\n`,
    'core.cts': CJS.replace("require('daily-dialin')", "require('daily-dialin/core')"),
    'webhook.mts': `${WEBHOOK}\nawait ready;\n`,
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
      files: ['consumer.ts', 'web-only.ts', 'core.ts', 'webhook.ts'],
    }),
    'consumer.ts': `${ESM}\nawait initDone;\nexport {};\n`,
    'core.ts': `${CORE}\nawait initDone;\nexport {};\n`,
    'webhook.ts': `${WEBHOOK}\nawait ready;\nexport {};\n`,
    'web-only.ts': WEB_ONLY,
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
