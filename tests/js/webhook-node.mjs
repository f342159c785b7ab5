// Node-only helpers of the webhook tests: the independent signer (node:crypto) and the check of
// one vector outcome (used for outcomes from Node and from the Chromium page alike).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { secretsOf } from './webhook-vectors.mjs';

/** The independent signer (node:crypto): HMAC-SHA256 keyed with the base64-decoded secret. */
export function nodeHmac(secret, ts, body, { hex = false, textKey = false } = {}) {
  const key = textKey ? Buffer.from(secret, 'utf8') : Buffer.from(secret, 'base64');
  const h = createHmac('sha256', key);
  if (typeof body === 'string') h.update(ts === null ? body : `${ts}.${body}`);
  else {
    if (ts !== null) h.update(`${ts}.`);
    h.update(Buffer.from(body));
  }
  return h.digest(hex ? 'hex' : 'base64');
}

/** Asserts one outcome of runCase against its case. */
export function checkOutcome(c, outcome) {
  const where = `case "${c.name}"`;
  if ('kind' in c.expect) {
    assert.equal(outcome.error, undefined, `${where}: rejected: ${outcome.error?.reason}: ${outcome.error?.message}`);
    const { warnings, ...rest } = outcome.ok;
    for (const w of warnings) assert.ok(typeof w.message === 'string' && w.message.length > 20, `${where}: the warning explains: ${w.message}`);
    assert.deepEqual({ ...rest, warnings: warnings.map(({ path, code }) => ({ path, code })) }, c.expect, where);
    return;
  }
  assert.equal(outcome.ok, undefined, `${where}: accepted, expected ${c.expect.reason}`);
  const e = outcome.error;
  assert.ok(e.isWebhookError, `${where}: not a WebhookVerificationError: ${e.name}: ${e.message}`);
  assert.ok(e.isBaseError && e.isError, `${where}: not a DailyDialinError / Error`);
  assert.equal(e.name, 'WebhookVerificationError', where);
  assert.equal(e.reason, c.expect.reason, `${where}: ${e.message}`);
  assert.ok(e.message.length > 20, `${where}: the message explains: ${e.message}`);
  for (const secret of secretsOf(c)) {
    for (const text of [e.message, e.text, e.json, e.stack]) {
      assert.ok(!text.includes(secret), `${where}: the error shows a secret`);
      assert.ok(!text.includes(secret.slice(0, 12)), `${where}: the error shows part of a secret`);
    }
  }
}
