// The pinless webhook vector table, shared by the Node test (webhook.test.mjs) and the Chromium
// page (webhook-browser.test.mjs). Plain ESM with no Node imports, so a page can import it too.
//
// `buildVectors(hmac)` returns JSON data: every expected signature is computed by the CALLER's
// `hmac(secretBase64, timestampText, body)` (node:crypto in the tests, never this package), and
// every expected payload is taken from JSON.parse of the body. `runCase(dd, c)` turns one case
// into the verifyPinlessWebhook call (string / Uint8Array / ArrayBuffer body, plain-object or
// Headers headers, now as seconds / ms / Date) and returns a JSON-safe outcome to assert on.

/** Three unrelated 32-byte secrets (base64). */
export const SECRET = 'JVNePB6lkILdhr4CJ9I+dj2HLS3uq0qtW5Q+1HVdSeo=';
export const NEW_SECRET = '3n1nTuWuhSNKG6X0hWXdeGCPYCQ/ch4OTstZDqHjLSw=';
export const OTHER_SECRET = 'MZJW6oN7oqqwg9lvVkbilD842TT8yVzXU+hUQQ6ys+I=';

/** The fixed "now" of most cases (Unix seconds). */
export const NOW = 1_700_000_000;

const CALL = {
  To: '+12095550100',
  From: '+14155550123',
  callId: '8a3c1e0e-5c1f-4bcd-9ef0-aa11bb22cc33',
  callDomain: 'f3b1c2d4-0e5f-4a6b-8c7d-9e0f1a2b3c4d',
};
const CALL_BODY = JSON.stringify(CALL);
const TEST_BODY = '{"Test":"test"}';
const SIP_BODY = JSON.stringify({ ...CALL, sipHeaders: { 'X-Customer-Id': '42', 'X-Route': 'sales' } });
const UNICODE_BODY = JSON.stringify({
  ...CALL,
  From: 'Zoë Ünal 🐘',
  sipHeaders: { 'X-Caller-Name': 'Ðaily 日本 — “quoted” \\ back\\slash', 'X-Empty': '' },
});
const ESCAPED_BODY = '{"To":"+12095550100","From":"caf\\u00e9 \\ud83d\\udc18","callId":"c-1","callDomain":"d-1"}';

/**
 * The payload a verified call must give, read from JSON.parse of the body: `To`, `callId`,
 * `callDomain` (`""` unless strings), `From` when a string, and the string values of a
 * `sipHeaders` object.
 */
function payloadOf(body) {
  const o = JSON.parse(body);
  const obj = o !== null && typeof o === 'object' && !Array.isArray(o) ? o : {};
  const str = (v) => (typeof v === 'string' ? v : '');
  const p = { To: str(obj.To), callId: str(obj.callId), callDomain: str(obj.callDomain) };
  if (typeof obj.From === 'string') p.From = obj.From;
  const sip = obj.sipHeaders;
  if (sip !== null && typeof sip === 'object' && !Array.isArray(sip)) {
    p.sipHeaders = Object.fromEntries(Object.entries(sip).filter(([, v]) => typeof v === 'string'));
  }
  return p;
}

/**
 * The table. `hmac(secret, ts, body, { hex, textKey })` must return standard base64 of
 * HMAC-SHA256(base64-decoded secret, ts + "." + body), body being a string (UTF-8) or a number[]
 * of bytes; with `ts` null, of the body alone; `hex`: the hex digest instead; `textKey`: keyed
 * with the secret's text instead of its decoded bytes (the last three are common mistakes).
 * `realNow` (seconds) is used by the one case that relies on the default clock.
 */
export function buildVectors(hmac, realNow = Math.floor(Date.now() / 1000)) {
  const T = String(NOW);
  const sig = (body, ts = T, secret = SECRET) => hmac(secret, ts, body);
  const headers = (s, ts = T) => [
    ['x-pinless-signature', s],
    ['x-pinless-timestamp', ts],
  ];
  const cases = [];
  const ok = (name, c, expect) => cases.push({ name, secret: SECRET, bodyAs: 'string', headersAs: 'object', now: NOW, ...c, expect });
  // `warnings`: the expected [path, code] pairs; `raw`: the body as JSON.parse reads it.
  const call = (body, warnings = []) => ({ kind: 'call', payload: payloadOf(body), raw: JSON.parse(body), warnings: warnings.map(([path, code]) => ({ path, code })) });
  const test = (body) => ({ kind: 'test', raw: JSON.parse(body), warnings: [] });
  const fail = (name, reason, c) => cases.push({ name, secret: SECRET, bodyAs: 'string', headersAs: 'object', now: NOW, ...c, expect: { reason } });
  const good = (body = CALL_BODY) => ({ body, headers: headers(sig(body)) });

  // ---- accepted ----------------------------------------------------------------------------
  ok('call body, lower-case plain headers (as Node gives them)', good(), call(CALL_BODY));
  ok('the one-off test body {"Test":"test"}', good(TEST_BODY), test(TEST_BODY));
  ok('call with sipHeaders', good(SIP_BODY), call(SIP_BODY));
  {
    const body = JSON.stringify({ ...CALL, sipHeaders: null, extra: [1, { deep: true }] });
    ok('sipHeaders null and unknown keys are left out of the payload, kept in raw', good(body), call(body));
  }
  ok('unicode body (UTF-8 signed)', good(UNICODE_BODY), call(UNICODE_BODY));
  ok('body with \\u escapes', good(ESCAPED_BODY), call(ESCAPED_BODY));
  {
    const body = JSON.stringify(CALL, null, 2);
    ok('pretty-printed body, signed as sent', good(body), call(body));
  }
  {
    const ts = String(NOW * 1000 + 123);
    ok('timestamp in milliseconds', { body: CALL_BODY, headers: headers(sig(CALL_BODY, ts), ts) }, call(CALL_BODY));
    const old = String((NOW - 300) * 1000);
    ok('millisecond timestamp exactly 300 s old', { body: CALL_BODY, headers: headers(sig(CALL_BODY, old), old) }, call(CALL_BODY));
  }
  ok('Uint8Array body', { ...good(), bodyAs: 'uint8array' }, call(CALL_BODY));
  ok('Uint8Array view at an offset in a larger buffer', { ...good(), bodyAs: 'uint8array-view' }, call(CALL_BODY));
  ok('ArrayBuffer body', { ...good(), bodyAs: 'arraybuffer' }, call(CALL_BODY));
  ok('unicode Uint8Array body', { ...good(UNICODE_BODY), bodyAs: 'uint8array' }, call(UNICODE_BODY));
  ok(
    'Headers instance',
    { body: CALL_BODY, headersAs: 'Headers', headers: [['X-Pinless-Signature', sig(CALL_BODY)], ['X-Pinless-Timestamp', T]] },
    call(CALL_BODY),
  );
  ok(
    'Headers instance with an invalid and a valid signature appended',
    { body: CALL_BODY, headersAs: 'Headers', headers: [['x-pinless-signature', [sig(CALL_BODY, T, OTHER_SECRET), sig(CALL_BODY)]], ['x-pinless-timestamp', T]] },
    call(CALL_BODY),
  );
  ok(
    'plain object with mixed-case names and other headers',
    { body: CALL_BODY, headers: [['Content-Type', 'application/json'], ['X-PINLESS-SIGNATURE', sig(CALL_BODY)], ['x-Pinless-Timestamp', T], ['Host', 'example.com']] },
    call(CALL_BODY),
  );
  ok(
    'plain object with array values (an invalid and a valid signature)',
    { body: CALL_BODY, headers: [['x-pinless-signature', ['bm90LWEtc2lnbmF0dXJl', sig(CALL_BODY)]], ['x-pinless-timestamp', [T]]] },
    call(CALL_BODY),
  );
  ok(
    'two spellings of the signature header: values are joined, one is valid',
    { body: CALL_BODY, headers: [['X-Pinless-Signature', sig(CALL_BODY, T, OTHER_SECRET)], ['x-pinless-signature', sig(CALL_BODY)], ['x-pinless-timestamp', T]] },
    call(CALL_BODY),
  );
  ok(
    'a header name containing a newline does not confuse the scan',
    { body: CALL_BODY, headers: [['x-odd\nname', 'v'], ['x-pinless-signature', sig(CALL_BODY)], ['x-pinless-timestamp', T]] },
    call(CALL_BODY),
  );
  ok('rotation: secrets [old, new], signed with new', { ...good(), secret: undefined, secrets: [SECRET, NEW_SECRET], headers: headers(sig(CALL_BODY, T, NEW_SECRET)) }, call(CALL_BODY));
  ok('rotation: secrets [old, new], signed with old', { ...good(), secret: undefined, secrets: [SECRET, NEW_SECRET] }, call(CALL_BODY));
  ok('secret and secrets together', { ...good(), secret: NEW_SECRET, secrets: [SECRET] }, call(CALL_BODY));
  ok('unpadded secret decodes to the same key', { ...good(), secret: SECRET.replace(/=+$/, '') }, call(CALL_BODY));
  for (const d of [-300, 300]) {
    const ts = String(NOW + d);
    ok(`timestamp exactly ${d > 0 ? '+' : ''}${d} s from now`, { body: CALL_BODY, headers: headers(sig(CALL_BODY, ts), ts) }, call(CALL_BODY));
  }
  ok('now as a Date', { ...good(), nowAs: 'date' }, call(CALL_BODY));
  ok('now as milliseconds', { ...good(), nowAs: 'ms' }, call(CALL_BODY));
  {
    const ts = String(NOW - 301);
    ok('toleranceSeconds: 600 accepts 301 s', { body: CALL_BODY, headers: headers(sig(CALL_BODY, ts), ts), toleranceSeconds: 600 }, call(CALL_BODY));
  }
  {
    const ts = String(realNow);
    ok('default now (the real clock)', { body: CALL_BODY, headers: headers(sig(CALL_BODY, ts), ts), nowAs: 'default' }, call(CALL_BODY));
  }

  // Genuine bodies of unexpected shape: accepted, with warnings, every key kept in raw.
  ok('signed JSON array', good('[]'), call('[]', [['', 'invalid_type']]));
  {
    const body = JSON.stringify({ To: CALL.To, From: CALL.From, callDomain: CALL.callDomain });
    ok('signed call without callId', good(body), call(body, [['callId', 'required']]));
    const cased = CALL_BODY.replace('callId', 'callid');
    ok('signed call with key case changed (callid)', good(cased), call(cased, [['callId', 'required']]));
    const number = CALL_BODY.replace('"+12095550100"', '12095550100');
    ok('signed call with a number as To', good(number), call(number, [['To', 'invalid_type']]));
  }

  // ---- rejected ----------------------------------------------------------------------------
  const s = sig(CALL_BODY);
  fail('no signature header', 'missing_signature', { body: CALL_BODY, headers: [['x-pinless-timestamp', T]] });
  fail('empty signature header', 'missing_signature', { body: CALL_BODY, headers: headers('') });
  fail('signature header of separators only', 'missing_signature', { body: CALL_BODY, headers: headers(' , ') });
  fail('no headers at all', 'missing_signature', { body: CALL_BODY, headersAs: 'none' });
  fail('empty Headers instance', 'missing_signature', { body: CALL_BODY, headersAs: 'Headers', headers: [] });
  fail('no timestamp header', 'missing_timestamp', { body: CALL_BODY, headers: [['x-pinless-signature', s]] });
  fail('empty timestamp header', 'missing_timestamp', { body: CALL_BODY, headers: headers(s, '') });
  fail('decimal timestamp', 'bad_timestamp', { body: CALL_BODY, headers: headers(sig(CALL_BODY, `${T}.5`), `${T}.5`) });
  fail('ISO date timestamp', 'bad_timestamp', { body: CALL_BODY, headers: headers(s, '2023-11-14T22:13:20Z') });
  fail('negative timestamp', 'bad_timestamp', { body: CALL_BODY, headers: headers(s, `-${T}`) });
  for (const [d, reason] of [[-301, 'timestamp_too_old'], [301, 'timestamp_in_future']]) {
    const ts = String(NOW + d);
    fail(`timestamp ${d > 0 ? '+' : ''}${d} s`, reason, { body: CALL_BODY, headers: headers(sig(CALL_BODY, ts), ts) });
    const ms = String((NOW + d) * 1000);
    fail(`millisecond timestamp ${d > 0 ? '+' : ''}${d} s`, reason, { body: CALL_BODY, headers: headers(sig(CALL_BODY, ms), ms) });
  }
  fail('a day-old signed request (replay)', 'timestamp_too_old', { ...good(), now: NOW + 86_400 });
  fail('now as a Date 301 s later', 'timestamp_too_old', { ...good(), now: NOW + 301, nowAs: 'date' });
  fail('no secret given', 'bad_secret', { ...good(), secret: undefined });
  fail('secret with a trailing newline', 'bad_secret', { ...good(), secret: `${SECRET}\n` });
  fail('URL-safe base64 secret', 'bad_secret', { ...good(), secret: SECRET.replaceAll('+', '-') });
  fail('empty secret', 'bad_secret', { ...good(), secret: '' });
  fail('a number as the secret', 'bad_secret', { ...good(), secret: 12345 });
  fail('rotation list with one broken secret, even though another matches', 'bad_secret', { ...good(), secret: undefined, secrets: [SECRET, 'not base64!'] });
  fail('tampered body', 'signature_mismatch', { body: CALL_BODY.replace('+14155550123', '+14155550124'), headers: headers(s) });
  fail('tampered timestamp', 'signature_mismatch', { body: CALL_BODY, headers: headers(s, String(NOW + 1)) });
  fail('signature made with another secret', 'signature_mismatch', { body: CALL_BODY, headers: headers(sig(CALL_BODY, T, OTHER_SECRET)) });
  fail('hex digest instead of base64', 'signature_mismatch', { body: CALL_BODY, headers: headers(hmac(SECRET, T, CALL_BODY, { hex: true })) });
  fail('truncated signature', 'signature_mismatch', { body: CALL_BODY, headers: headers(s.slice(0, 20)) });
  fail('signature without its = padding', 'signature_mismatch', { body: CALL_BODY, headers: headers(s.replace(/=+$/, '')) });
  fail('duplicated header values, none valid (array)', 'signature_mismatch', {
    body: CALL_BODY,
    headers: [['x-pinless-signature', [sig(CALL_BODY, T, OTHER_SECRET), sig(CALL_BODY, T, NEW_SECRET)]], ['x-pinless-timestamp', T]],
  });
  fail('duplicated header values, none valid (Headers.append)', 'signature_mismatch', {
    body: CALL_BODY,
    headersAs: 'Headers',
    headers: [['x-pinless-signature', [sig(CALL_BODY, T, OTHER_SECRET), sig(CALL_BODY, T, NEW_SECRET)]], ['x-pinless-timestamp', T]],
  });
  fail('body re-serialised with different spacing', 'signature_mismatch', { body: JSON.stringify(JSON.parse(CALL_BODY), null, 2), headers: headers(s) });
  {
    const spaced = JSON.stringify(CALL, null, 1);
    fail('spaced body re-serialised compactly', 'signature_mismatch', { body: JSON.stringify(JSON.parse(spaced)), headers: headers(sig(spaced)) });
  }
  fail('secret used as text instead of base64-decoded', 'signature_mismatch', { body: CALL_BODY, headers: headers(hmac(SECRET, T, CALL_BODY, { textKey: true })) });
  fail('signature over the body alone (no timestamp)', 'signature_mismatch', { body: CALL_BODY, headers: headers(hmac(SECRET, null, CALL_BODY)) });
  fail('rotation with none valid', 'signature_mismatch', { ...good(), secret: undefined, secrets: [SECRET, NEW_SECRET], headers: headers(sig(CALL_BODY, T, OTHER_SECRET)) });
  fail('forged and stale: the signature is checked before the window', 'signature_mismatch', {
    body: CALL_BODY,
    headers: headers(sig(CALL_BODY, String(NOW - 5000), OTHER_SECRET), String(NOW - 5000)),
  });
  fail('a parsed object as body', 'bad_payload', { ...good(), bodyAs: 'parsed' });
  fail('null as body', 'bad_payload', { ...good(), bodyAs: 'null' });
  fail('signed body that is not JSON', 'bad_payload', good('hello'));
  fail('signed JSON with a trailing comma', 'bad_payload', good(CALL_BODY.replace(/}$/, ',}')));
  {
    const bytes = [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d];
    fail('signed bytes that are not UTF-8', 'bad_payload', { body: { bytes }, bodyAs: 'uint8array', headers: headers(sig(bytes)) });
  }

  return cases;
}

function bytesOf(body) {
  return typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body.bytes);
}

/** The options object for verifyPinlessWebhook, built from a case. */
export function optionsOf(c) {
  let body;
  switch (c.bodyAs) {
    case 'string': body = c.body; break;
    case 'uint8array': body = bytesOf(c.body); break;
    case 'uint8array-view': {
      const b = bytesOf(c.body);
      const big = new Uint8Array(b.length + 11).fill(0x20);
      big.set(b, 7);
      body = new Uint8Array(big.buffer, 7, b.length);
      break;
    }
    case 'arraybuffer': body = bytesOf(c.body).slice().buffer; break;
    case 'parsed': body = JSON.parse(c.body); break;
    case 'null': body = null; break;
    default: throw new Error(`unknown bodyAs ${c.bodyAs}`);
  }
  let headers;
  if (c.headersAs === 'Headers') {
    headers = new Headers();
    for (const [k, v] of c.headers) for (const one of [].concat(v)) headers.append(k, one);
  } else if (c.headersAs === 'object') {
    headers = {};
    for (const [k, v] of c.headers) headers[k] = v;
  }
  const opts = { body, headers };
  if (c.secret !== undefined) opts.secret = c.secret;
  if (c.secrets !== undefined) opts.secrets = c.secrets;
  if (c.toleranceSeconds !== undefined) opts.toleranceSeconds = c.toleranceSeconds;
  switch (c.nowAs ?? 'seconds') {
    case 'seconds': opts.now = c.now; break;
    case 'ms': opts.now = c.now * 1000 + 999; break;
    case 'date': opts.now = new Date(c.now * 1000); break;
    case 'default': break;
    default: throw new Error(`unknown nowAs ${c.nowAs}`);
  }
  return opts;
}

/** Runs one case; the outcome is plain data ({ ok } or { error }), safe to send from a page. */
export function runCase(dd, c) {
  const opts = optionsOf(c);
  try {
    return { ok: dd.verifyPinlessWebhook(opts) };
  } catch (e) {
    return {
      error: {
        isWebhookError: e instanceof dd.WebhookVerificationError,
        isBaseError: e instanceof dd.DailyDialinError,
        isError: e instanceof Error,
        name: e?.name,
        reason: e?.reason,
        message: e?.message,
        text: String(e),
        json: JSON.stringify(e),
        stack: String(e?.stack),
      },
    };
  }
}

/** Every secret text a case holds (to check that no error shows one). */
export function secretsOf(c) {
  return [c.secret, ...(c.secrets ?? [])].filter((s) => typeof s === 'string' && s.trim().length >= 8).map((s) => s.trim());
}
