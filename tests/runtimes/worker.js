// A Worker (tests/js/runtimes.test.mjs) that imports the three entries plainly (no init) and uses each
// of them inside handlers.
// Routes:
//   POST /webhook   verifies a pinless webhook (signed by the test with the Node entry) -> 200 / 401
//   GET  /selftest  every other check, as JSON { name: true | "failure text" }
import { DailyDialinClient, DailyApiError, validateCreate, init } from 'daily-dialin';
import { validateCreate as validateCreateCore, ValidationError } from 'daily-dialin/core';
import {
  signPinlessWebhook,
  verifyPinlessWebhook,
  generateHmacSecret,
  WebhookVerificationError,
} from 'daily-dialin/webhook';

const GOOD = {
  type: 'pinless_dialin',
  phone_number: '+12095551234',
  room_creation_api: 'https://example.com/api/dial',
};

async function check(out, name, fn) {
  try {
    const v = await fn();
    out[name] = v === true ? true : `unexpected: ${JSON.stringify(v)}`;
  } catch (e) {
    out[name] = `${e?.name}: ${e?.message}`;
  }
}

async function selftest(env) {
  const out = {};
  await check(out, 'init is a no-op', async () => (await init()) === undefined);
  await check(out, 'validateCreate (root) ok', () => validateCreate(GOOD).ok === true);
  await check(out, 'validateCreate (core) reports', () => {
    const r = validateCreateCore({ type: 'pin_dialin', phone_number: '(209) 555-1234' });
    return r.ok === false && r.issues.some((i) => i.code === 'invalid_phone_number');
  });
  await check(out, 'sign + verify (webhook)', () => {
    const secret = generateHmacSecret(); // crypto.getRandomValues, inside the handler
    const body = JSON.stringify({ To: '+12095551234', From: '+12095550000', callId: 'c1', callDomain: 'd1' });
    const headers = signPinlessWebhook({ body, secret });
    const hook = verifyPinlessWebhook({ body, headers, secret });
    let refused = false;
    try {
      verifyPinlessWebhook({ body: body + ' ', headers, secret });
    } catch (e) {
      refused = e instanceof WebhookVerificationError;
    }
    return typeof hook.kind === 'string' && refused;
  });
  const daily = new DailyDialinClient({ apiKey: 'test-key', baseUrl: env.DAILY_BASE_URL, allowPrivateUrls: true, maxRetries: 0 });
  await check(out, 'client.create + list (local server)', async () => {
    const created = await daily.create({ ...GOOD, phone_number: env.PHONE });
    const page = await daily.list();
    return page.data.some((c) => c.id === created.id) ? true : page;
  });
  await check(out, 'client ValidationError from the core entry', async () => {
    try {
      await daily.create({ type: 'pin_dialin', phone_number: 'nope' });
      return 'no throw';
    } catch (e) {
      return e instanceof ValidationError || `${e.name}: ${e.message}`;
    }
  });
  await check(out, 'client DailyApiError (404)', async () => {
    try {
      await daily.get('00000000-0000-4000-8000-000000000000');
      return 'no throw';
    } catch (e) {
      return (e instanceof DailyApiError && e.kind === 'not_found') || `${e.name}: ${e.message}`;
    }
  });
  return out;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/selftest') return Response.json(await selftest(env));
    if (pathname === '/webhook' && request.method === 'POST') {
      const body = await request.arrayBuffer();
      try {
        const hook = verifyPinlessWebhook({ body, headers: request.headers, secrets: [env.DAILY_PINLESS_HMAC] });
        return Response.json({ kind: hook.kind, callId: hook.payload?.callId ?? null });
      } catch (e) {
        return Response.json({ reason: e instanceof WebhookVerificationError ? e.reason : e.name }, { status: 401 });
      }
    }
    return new Response(null, { status: 404 });
  },
};
