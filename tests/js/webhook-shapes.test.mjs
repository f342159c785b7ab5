// verifyPinlessWebhook and signPinlessWebhook through the installed package: a genuine body is never
// refused for its shape, only when it is not JSON; every key it holds is kept in `raw`, and shape
// surprises are `warnings`. Options the functions cannot use are refused with reason `bad_options`,
// and secrets under 16 bytes with `bad_secret` unless `allowWeakSecrets: true`. Every body is
// signed twice: by the package and independently with node:crypto.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { dd } from './installed.mjs';
import { nodeHmac } from './webhook-node.mjs';
import { SECRET, NEW_SECRET, NOW } from './webhook-vectors.mjs';

/** base64 of b"daily-pinless15": 15 bytes, one short of the minimum. */
const WEAK = 'ZGFpbHktcGlubGVzczE1';
/** base64 of b"daily-pinless-16": exactly 16 bytes. */
const SIXTEEN = 'ZGFpbHktcGlubGVzcy0xNg==';
const KNOWN = '"To":"+12095550100","From":"+14155550123","callId":"c-1","callDomain":"d-1"';
const PAYLOAD = { To: '+12095550100', From: '+14155550123', callId: 'c-1', callDomain: 'd-1' };

let m;
before(async () => {
  m = await dd();
});

/** The headers of `body` signed with `secret`: by the package, and by node:crypto. */
function signings(body, secret = SECRET, allowWeakSecrets = undefined) {
  const ts = String(NOW);
  return {
    package: m.signPinlessWebhook({ body, secret, timestamp: NOW, allowWeakSecrets }),
    'node:crypto': { 'x-pinless-signature': nodeHmac(secret, ts, body), 'x-pinless-timestamp': ts },
  };
}

/** What verify throws (or 'accepted'), as { name, reason, message }. */
function thrown(f) {
  try {
    f();
    return 'accepted';
  } catch (e) {
    assert.ok(e instanceof m.WebhookVerificationError && e instanceof m.DailyDialinError, `${e?.name}: ${e?.message}`);
    return { reason: e.reason, message: e.message };
  }
}

describe('verifyPinlessWebhook: genuine bodies of any shape', () => {
  // [what, body, expected payload, expected [path, code] warnings]
  const BODIES = [
    ['a sipHeaders value that is a number', `{${KNOWN},"sipHeaders":{"X-Count":3,"X-Id":"a"}}`, { ...PAYLOAD, sipHeaders: { 'X-Id': 'a' } }, [['sipHeaders.X-Count', 'invalid_type']]],
    ['a sipHeaders value that is an array', `{${KNOWN},"sipHeaders":{"X-Forwarded":["a","b"]}}`, { ...PAYLOAD, sipHeaders: {} }, [['sipHeaders.X-Forwarded', 'invalid_type']]],
    ['a sipHeaders value that is an object', `{${KNOWN},"sipHeaders":{"X-Nested":{"k":"v"},"X-Id":"a"}}`, { ...PAYLOAD, sipHeaders: { 'X-Id': 'a' } }, [['sipHeaders.X-Nested', 'invalid_type']]],
    ['a sipHeaders value that is null', `{${KNOWN},"sipHeaders":{"X-Null":null}}`, { ...PAYLOAD, sipHeaders: {} }, [['sipHeaders.X-Null', 'invalid_type']]],
    ['no From (a withheld caller ID)', '{"To":"+12095550100","callId":"c-1","callDomain":"d-1"}', { To: '+12095550100', callId: 'c-1', callDomain: 'd-1' }, []],
    ['From null', '{"To":"+12095550100","From":null,"callId":"c-1","callDomain":"d-1"}', { To: '+12095550100', callId: 'c-1', callDomain: 'd-1' }, []],
    ['keys Daily may add (direction, sipUri, a new nested key)', `{${KNOWN},"direction":"inbound","sipUri":"sip:c-1@sip.daily.co","newKey":{"nested":[1,{"deep":true}],"n":null}}`, PAYLOAD, []],
    ['a __proto__ key', `{${KNOWN},"__proto__":{"polluted":true}}`, PAYLOAD, []],
    [
      'all of them, pretty-printed',
      JSON.stringify({ To: '+12095550100', callId: 'c-1', callDomain: 'd-1', direction: 'inbound', sipHeaders: { n: 1, a: ['x'], o: {}, z: null, s: 'v' }, newKey: { a: [1] } }, null, 2),
      { To: '+12095550100', callId: 'c-1', callDomain: 'd-1', sipHeaders: { s: 'v' } },
      [['sipHeaders.a', 'invalid_type'], ['sipHeaders.n', 'invalid_type'], ['sipHeaders.o', 'invalid_type'], ['sipHeaders.z', 'invalid_type']],
    ],
  ];

  for (const [what, body, payload, warnings] of BODIES) {
    it(`accepts ${what}, keeping every key in raw`, () => {
      for (const [signer, headers] of Object.entries(signings(body))) {
        for (const b of [body, Buffer.from(body)]) {
          const hook = m.verifyPinlessWebhook({ body: b, headers, secret: SECRET, now: NOW });
          const where = `${what}, signed by ${signer}, ${typeof b === 'string' ? 'string' : 'Buffer'} body`;
          assert.equal(hook.kind, 'call', where);
          assert.deepEqual(hook.payload, payload, where);
          assert.deepEqual(hook.raw, JSON.parse(body), where);
          assert.deepEqual(Object.keys(hook.raw), Object.keys(JSON.parse(body)), `${where}: every key, in order`);
          assert.deepEqual(hook.warnings.map(({ path, code }) => [path, code]), warnings, where);
          for (const w of hook.warnings) assert.match(w.message, /^`.+` is (a number|an array|an object|null), not a string/, where);
        }
      }
    });
  }

  it('keeps a __proto__ key as a plain own key of raw, without polluting prototypes', () => {
    const body = `{${KNOWN},"__proto__":{"polluted":true}}`;
    const hook = m.verifyPinlessWebhook({ body, headers: signings(body)['node:crypto'], secret: SECRET, now: NOW });
    assert.ok(Object.hasOwn(hook.raw, '__proto__'));
    assert.deepEqual(hook.raw.__proto__, { polluted: true });
    assert.equal({}.polluted, undefined);
    assert.equal(Object.getPrototypeOf(hook.raw), Object.prototype);
  });

  it('refuses only a body that is not JSON; any JSON value is a call, with a warning when it is not an object', () => {
    for (const body of ['hello', '{"To":', '', `{${KNOWN},}`, 'To=+1&From=+2', '\ufeff{"Test":"test"}']) {
      for (const [signer, headers] of Object.entries(signings(body))) {
        const got = thrown(() => m.verifyPinlessWebhook({ body, headers, secret: SECRET, now: NOW }));
        assert.equal(got.reason, 'bad_payload', `${JSON.stringify(body)} signed by ${signer}`);
        assert.match(got.message, /not JSON/);
      }
    }
    for (const body of ['[]', '"x"', '42', 'null', '[{"To":"+1"}]']) {
      for (const headers of Object.values(signings(body))) {
        const hook = m.verifyPinlessWebhook({ body, headers, secret: SECRET, now: NOW });
        assert.deepEqual(hook.payload, { To: '', callId: '', callDomain: '' }, body);
        assert.deepEqual(hook.raw, JSON.parse(body), body);
        assert.deepEqual(hook.warnings.map(({ path, code }) => [path, code]), [['', 'invalid_type']], body);
      }
    }
  });

  it('reports missing or mistyped call fields as warnings, with empty strings in payload', () => {
    const body = '{"To":12095550100,"callid":"c-1","callDomain":"d-1"}';
    const hook = m.verifyPinlessWebhook({ body, headers: signings(body)['node:crypto'], secret: SECRET, now: NOW });
    assert.deepEqual(hook.payload, { To: '', callId: '', callDomain: 'd-1' });
    assert.deepEqual(hook.warnings.map(({ path, code }) => [path, code]), [['To', 'invalid_type'], ['callId', 'required']]);
    assert.match(hook.warnings[1].message, /case-sensitive/);
    assert.equal(hook.raw.To, 12095550100);
  });
});

describe('verifyPinlessWebhook and signPinlessWebhook: options they cannot use', () => {
  const body = '{"Test":"test"}';
  const headers = () => signings(body)['node:crypto'];
  const verify = (o) => thrown(() => m.verifyPinlessWebhook({ body, headers: headers(), secret: SECRET, now: NOW, ...o }));

  it('refuses a now that is not a finite number of 0 or more or a valid Date, with reason bad_options', () => {
    for (const now of ['yesterday', NaN, Infinity, -Infinity, -1, new Date(NaN), {}, true, [NOW]]) {
      const got = verify({ now });
      assert.equal(got.reason, 'bad_options', `now: ${String(now)}`);
      assert.match(got.message, /now /);
    }
  });

  it('refuses a toleranceSeconds that is negative, fractional or not a number, with reason bad_options', () => {
    for (const toleranceSeconds of [-1, -0.5, 1.5, NaN, Infinity, 'x', '300', {}, true]) {
      const got = verify({ toleranceSeconds });
      assert.equal(got.reason, 'bad_options', `toleranceSeconds: ${String(toleranceSeconds)}`);
      assert.match(got.message, /toleranceSeconds/);
    }
  });

  it('refuses something that is not an options object, a bad sign timestamp or body, and a non-boolean allowWeakSecrets; accepts the valid forms', () => {
    for (const bad of [undefined, null, 'x', 42]) {
      assert.equal(thrown(() => m.verifyPinlessWebhook(bad)).reason, 'bad_options');
      assert.equal(thrown(() => m.signPinlessWebhook(bad)).reason, 'bad_options');
    }
    for (const timestamp of [new Date(), -1, 1.5, NaN, {}]) {
      assert.equal(thrown(() => m.signPinlessWebhook({ body, secret: SECRET, timestamp })).reason, 'bad_options', String(timestamp));
    }
    for (const b of [{ Test: 'test' }, 42, null]) {
      assert.equal(thrown(() => m.signPinlessWebhook({ body: b, secret: SECRET })).reason, 'bad_options');
    }
    for (const allowWeakSecrets of ['yes', 1, {}]) {
      assert.equal(verify({ allowWeakSecrets }).reason, 'bad_options');
      assert.equal(thrown(() => m.signPinlessWebhook({ body, secret: SECRET, allowWeakSecrets })).reason, 'bad_options');
    }
    for (const o of [{ now: NOW }, { now: NOW * 1000 }, { now: new Date(NOW * 1000) }, { toleranceSeconds: 0 }, { toleranceSeconds: 10 ** 12 }, { allowWeakSecrets: false }, { allowWeakSecrets: true }]) {
      assert.equal(m.verifyPinlessWebhook({ body, headers: headers(), secret: SECRET, now: NOW, ...o }).kind, 'test', JSON.stringify(o));
    }
  });
});

describe('verifyPinlessWebhook and signPinlessWebhook: weak secrets', () => {
  const body = `{${KNOWN}}`;

  it('refuse a secret under 16 bytes with bad_secret, without showing it, and accept 16 bytes', () => {
    for (const secret of [WEAK, 'AA==', 'AAECAwQFBgc=']) {
      const signed = thrown(() => m.signPinlessWebhook({ body, secret, timestamp: NOW }));
      assert.equal(signed.reason, 'bad_secret', secret);
      assert.match(signed.message, /fewer than 16.*allowWeakSecrets/);
      assert.ok(!signed.message.includes(secret));
      const headers = signings(body, secret, true)['node:crypto'];
      const verified = thrown(() => m.verifyPinlessWebhook({ body, headers, secret, now: NOW }));
      assert.equal(verified.reason, 'bad_secret', secret);
      assert.ok(!verified.message.includes(secret));
    }
    const both = signings(body, SIXTEEN);
    assert.equal(both.package['X-Pinless-Signature'], both['node:crypto']['x-pinless-signature']);
    assert.equal(m.verifyPinlessWebhook({ body, headers: both.package, secret: SIXTEEN, now: NOW }).kind, 'call');
  });

  it('refuse a weak secret in a rotation list even when another secret matches', () => {
    const headers = signings(body)['node:crypto'];
    const got = thrown(() => m.verifyPinlessWebhook({ body, headers, secrets: [SECRET, WEAK], now: NOW }));
    assert.equal(got.reason, 'bad_secret');
    assert.match(got.message, /secret #2 of 2 decodes to 15 bytes/);
  });

  it('accept it with allowWeakSecrets: true, signing as node:crypto does', () => {
    const both = signings(body, WEAK, true);
    assert.deepEqual(both.package, { 'X-Pinless-Signature': both['node:crypto']['x-pinless-signature'], 'X-Pinless-Timestamp': String(NOW) });
    for (const headers of Object.values(both)) {
      const hook = m.verifyPinlessWebhook({ body, headers, secret: WEAK, now: NOW, allowWeakSecrets: true });
      assert.deepEqual(hook.payload, PAYLOAD);
      assert.equal(thrown(() => m.verifyPinlessWebhook({ body, headers, secrets: [NEW_SECRET, WEAK], now: NOW, allowWeakSecrets: true })), 'accepted');
      // The prepared secret kept from the call above does not skip the check.
      assert.equal(thrown(() => m.verifyPinlessWebhook({ body, headers, secret: WEAK, now: NOW })).reason, 'bad_secret');
    }
  });
});
