// Runs in Node, Deno and Bun alike (tests/js/runtimes.test.mjs): which file each entry resolves to,
// and the main paths of the package: validation, webhook sign/verify, and the client against the
// local emulator. Usage: <runtime> check.mjs <emulator /v1 URL>
import { DailyDialinClient, DailyApiError, validateCreate, init } from 'daily-dialin';
import { validateCreate as validateCreateCore, ValidationError } from 'daily-dialin/core';
import { signPinlessWebhook, verifyPinlessWebhook, generateHmacSecret, WebhookVerificationError } from 'daily-dialin/webhook';

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const baseUrl = (globalThis.Deno ? Deno.args : process.argv.slice(2))[0];
let failed = 0;
const expect = (what, ok, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${runtime}: ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failed++;
};
for (const spec of ['daily-dialin', 'daily-dialin/core', 'daily-dialin/webhook']) {
  console.log(`     ${runtime}: ${spec} -> ${import.meta.resolve(spec).replace(/^.*node_modules\//, '')}`);
}
await init();
expect('validateCreate (root)', validateCreate({ type: 'pinless_dialin', phone_number: '+12095551234', room_creation_api: 'https://example.com/a' }).ok === true);
const r = validateCreateCore({ type: 'pin_dialin', phone_number: '(209) 555-1234' });
expect('validateCreate (core) reports', r.ok === false && r.issues.some((i) => i.code === 'invalid_phone_number'));
const secret = generateHmacSecret();
const body = JSON.stringify({ To: '+12095551234', From: '+12095550000', callId: 'c1', callDomain: 'd1' });
const headers = signPinlessWebhook({ body, secret });
expect('sign + verify', verifyPinlessWebhook({ body, headers, secret }).kind === 'call');
let reason = null;
try { verifyPinlessWebhook({ body, headers, secret: generateHmacSecret() }); } catch (e) { reason = e instanceof WebhookVerificationError && e.reason; }
expect('verify refuses another secret', reason === 'signature_mismatch', String(reason));
const daily = new DailyDialinClient({ apiKey: 'test-key', baseUrl, allowPrivateUrls: true, maxRetries: 0 });
const created = await daily.create({ type: 'pinless_dialin', phone_number: `+1209555${String(Math.floor(Math.random() * 9000) + 1000)}`, room_creation_api: 'https://example.com/a' });
const page = await daily.list();
expect('client create + list', page.data.some((c) => c.id === created.id));
let e1; try { await daily.create({ type: 'pin_dialin', phone_number: 'nope' }); } catch (e) { e1 = e; }
expect('client ValidationError (class from the core entry)', e1 instanceof ValidationError, e1?.name);
let e2; try { await daily.get('00000000-0000-4000-8000-000000000000'); } catch (e) { e2 = e; }
expect('client DailyApiError 404', e2 instanceof DailyApiError && e2.kind === 'not_found', e2?.name);
if (failed) throw new Error(`${failed} check(s) failed`);
