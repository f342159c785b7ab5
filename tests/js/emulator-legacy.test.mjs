// The emulator's domain config (GET /v1/, POST /v1/) with Daily's legacy pinless_dialin and
// pin_dialin arrays, over real HTTP from the packed package, spoken to exactly as Daily's generated
// Ruby SDK (daily-co/daily-ruby 1.0.4, openapi-generator 7.8.0) does for `get_domain_config` and
// `set_domain_config`. The requests below are what its code sends:
// - lib/daily-ruby/api/domain_api.rb: GET and POST on the path '/', under the base URL
//   `https://api.daily.co/v1`, so the URL is `<base>/v1/` (api_client.rb build_request_url);
// - api_client.rb: default headers `Content-Type: application/json` (on the GET too) and
//   `User-Agent: OpenAPI-Generator/<version>/ruby`, `Accept: application/json` from the API method,
//   and `Authorization: <api_key_prefix> <api_key>` (configuration.rb auth_settings 'sec0'; the
//   prefix is unset by default and must be set to 'Bearer');
// - the body is `model.to_hash.to_json`: keys in each model's attribute_map order, nil attributes
//   left out, compact JSON. Domain has `properties`; DomainProperties ends with `pinless_dialin`
//   (Array<PinlessDialinInner>: phone_number, room_creation_api, name_prefix, sip_uri) and
//   `pin_dialin` (Array<PinDialinInner>: phone_number, name_prefix, ivr_greeting { message }).
//   No model attribute holds an `hmac`: an SDK call cannot send one;
// - set_domain_config has no return type (the answer is not parsed; any 2xx succeeds) and sends
//   no body at all when called without a domain;
// - get_domain_config parses the answer when its Content-Type matches json_mime? and builds
//   GetDomainConfig200Response (domain_name, domain_id, config) from the hash; keys the model does
//   not know, such as config.pinless_dialin, are dropped (read them with
//   `debug_return_type: 'Object'`, which returns the parsed hash).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dd } from './installed.mjs';
import { tempDir } from './helpers.mjs';
import { KEY, hookServer, sign, isSecret32 } from './emulator-helpers.mjs';

let m;
let emu;
let hooks;

before(async () => {
  m = await dd();
  emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null });
  hooks = await hookServer();
});
after(async () => {
  await emu.close();
  await hooks.close();
});
beforeEach(() => emu.reset());

const SDK_VERSION = '1.0.4';

/** One request as the Ruby SDK's ApiClient sends it (`prefix`: config.api_key_prefix['sec0']). */
async function ruby(method, body, { prefix = 'Bearer', base = emu.url } = {}) {
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': `OpenAPI-Generator/${SDK_VERSION}/ruby`,
    Accept: 'application/json',
    Authorization: prefix ? `${prefix} ${KEY}` : KEY,
  };
  const r = await fetch(`${base}/`, { method, headers, body }); // base_url + "/" (the path '/')
  return { status: r.status, contentType: r.headers.get('content-type'), text: await r.text() };
}

/** ApiClient#json_mime? of the answer's Content-Type (absent reads as application/json). */
const jsonMime = (ct) => ct == null || ct === '*/*' || /^Application\/.*json(?!p)(;.*)?/i.test(ct);

/**
 * What `get_domain_config` returns: ApiClient#deserialize (`JSON.parse("[#{body}]")[0]`) then
 * GetDomainConfig200Response.build_from_hash, which keeps the attributes of its openapi_types
 * (String attributes through `to_s`, the config through its own model) and drops other keys.
 * `raw` is what `debug_return_type: 'Object'` gives.
 */
function sdkGetDomainConfig(answer) {
  assert.ok(answer.status >= 200 && answer.status < 300, `Daily::ApiError: ${answer.status} ${answer.text}`);
  assert.ok(jsonMime(answer.contentType), `Content-Type is not supported: ${answer.contentType}`);
  const raw = JSON.parse(`[${answer.text}]`)[0];
  assert.equal(typeof raw, 'object', 'build_from_hash needs a Hash');
  const CONFIG_TYPES = {
    hide_daily_branding: 'Boolean', redirect_on_meeting_exit: 'String', meeting_join_hook: 'String', hipaa: 'Boolean',
    intercom_auto_record: 'Boolean', intercom_manual_record: 'String', sfu_impl: 'String', sfu_switchover: 'Integer',
    switchover_impl: 'String', lang: 'String', webhook_meeting_end: 'String', recordings_bucket: 'Object',
    max_live_streams: 'Float', max_streaming_instances_per_room: 'Float', enable_daily_logger: 'Boolean',
    enable_prejoin_ui: 'Boolean', enable_live_captions_ui: 'Boolean', enable_network_ui: 'Boolean',
    disable_rate_limiting: 'Boolean', attach_callobject_to_window: 'Boolean',
  };
  const model = {};
  for (const k of ['domain_name', 'domain_id']) if (raw[k] != null) model[k] = String(raw[k]);
  if (raw.config != null) {
    assert.equal(typeof raw.config, 'object', 'config must be a Hash for GetDomainConfig200ResponseConfig');
    model.config = {};
    for (const [k, type] of Object.entries(CONFIG_TYPES)) {
      if (raw.config[k] == null) continue;
      const v = raw.config[k];
      model.config[k] = type === 'Boolean' ? /^(true|t|yes|y|1)$/i.test(String(v)) : type === 'String' ? String(v) : v;
    }
  }
  return { model, raw };
}

/** A room_creation_api nothing listens on (the discard port): set-up pings fail fast, unread. */
const DISCARD = 'http://127.0.0.1:9/dial';

/** The next request the hook server got on `path` (earlier ones, from other tests, are skipped). */
async function nextAt(path) {
  for (;;) {
    const rec = await hooks.next();
    if (rec.url === path) return rec;
  }
}

// The SDK's serialization of these models (Daily::Domain.new(properties: Daily::DomainProperties.new(...))).
const pinlessInner = (o) => JSON.stringify(Object.fromEntries(['phone_number', 'room_creation_api', 'name_prefix', 'sip_uri'].filter((k) => o[k] != null).map((k) => [k, o[k]])));
const pinInner = (o) => JSON.stringify(Object.fromEntries(['phone_number', 'name_prefix', 'ivr_greeting'].filter((k) => o[k] != null).map((k) => [k, o[k]])));
/** DomainProperties#to_hash: attribute_map order, enable_prejoin_ui and lang before the arrays. */
function domainBody({ enablePrejoinUi, lang, pinless, pin }) {
  const parts = [];
  if (enablePrejoinUi != null) parts.push(`"enable_prejoin_ui":${enablePrejoinUi}`);
  if (lang != null) parts.push(`"lang":${JSON.stringify(lang)}`);
  if (pinless) parts.push(`"pinless_dialin":[${pinless.map(pinlessInner).join(',')}]`);
  if (pin) parts.push(`"pin_dialin":[${pin.map(pinInner).join(',')}]`);
  return `{"properties":{${parts.join(',')}}}`;
}

const SUPPORT = { phone_number: '+12095550001', room_creation_api: null, name_prefix: 'support' };
const SIP_ONLY = { room_creation_api: null, name_prefix: 'sip-trunk' };
const PIN = { phone_number: '+12095550002', name_prefix: 'pin-line', ivr_greeting: { message: 'Enter your PIN' } };
const withHook = (e, url = DISCARD) => ({ ...e, room_creation_api: url });

test('the bodies are the SDK serialization (attribute order, nils left out, compact)', () => {
  const body = domainBody({ enablePrejoinUi: true, lang: 'en', pinless: [withHook(SUPPORT)], pin: [PIN] });
  assert.equal(
    body,
    `{"properties":{"enable_prejoin_ui":true,"lang":"en","pinless_dialin":[{"phone_number":"+12095550001","room_creation_api":"${DISCARD}","name_prefix":"support"}],"pin_dialin":[{"phone_number":"+12095550002","name_prefix":"pin-line","ivr_greeting":{"message":"Enter your PIN"}}]}}`,
  );
});

test('get_domain_config: GET /v1/ answers a domain object the SDK deserializes', async () => {
  const answer = await ruby('GET');
  assert.equal(answer.status, 200);
  const { model, raw } = sdkGetDomainConfig(answer);
  assert.deepEqual(Object.keys(raw).sort(), ['config', 'domain_id', 'domain_name']);
  assert.equal(typeof model.domain_name, 'string');
  assert.match(model.domain_id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(raw.config, { pinless_dialin: [], pin_dialin: [] });
});

test('set_domain_config with dial-in arrays succeeds; get_domain_config reads them back', async () => {
  const url = `${hooks.url}/set-up`;
  const sent = await ruby('POST', domainBody({ enablePrejoinUi: true, lang: 'en', pinless: [withHook(SUPPORT, url), withHook(SIP_ONLY, url)], pin: [PIN] }));
  assert.equal(sent.status, 200, sent.text);
  const pings = [await nextAt('/set-up'), await nextAt('/set-up')];
  assert.deepEqual(pings.map((p) => p.raw), ['{"Test":"test"}', '{"Test":"test"}'], 'a signed test ping per new pinless entry');

  const { model, raw } = sdkGetDomainConfig(await ruby('GET'));
  assert.equal(model.config.lang, 'en');
  assert.equal(model.config.enable_prejoin_ui, true);
  assert.equal(model.config.pinless_dialin, undefined, 'the typed model has no arrays');
  const [support, sipOnly] = raw.config.pinless_dialin;
  assert.equal(support.phone_number, '+12095550001');
  assert.equal(support.name_prefix, 'support');
  assert.equal(support.room_creation_api, url);
  assert.ok(isSecret32(support.hmac), 'an hmac is generated for an entry sent without one');
  assert.match(support.sip_uri, /^static-address--\d+@/);
  assert.equal(sipOnly.phone_number, undefined);
  assert.match(sipOnly.sip_uri, /^static-address--\d+@/);
  assert.deepEqual(raw.config.pin_dialin, [PIN], 'pin entries as sent');
  // The ping is signed with the entry's secret.
  const ping = pings.find((p) => p.headers['x-pinless-signature'] === sign(support.hmac, p.headers['x-pinless-timestamp'], p.raw));
  assert.ok(ping, 'one ping verifies with the support entry hmac');
  // The answer of set_domain_config is the same domain object (the SDK does not read it).
  assert.deepEqual(JSON.parse(sent.text), raw);
});

test('set_domain_config twice: every hmac is regenerated (the SDK cannot send one), numbered sip_uri kept', async () => {
  const body = domainBody({ pinless: [withHook(SUPPORT), withHook(SIP_ONLY)], pin: [PIN] });
  assert.equal((await ruby('POST', body)).status, 200);
  const first = sdkGetDomainConfig(await ruby('GET')).raw.config;
  assert.equal((await ruby('POST', body)).status, 200);
  const second = sdkGetDomainConfig(await ruby('GET')).raw.config;
  for (const i of [0, 1]) {
    assert.ok(isSecret32(second.pinless_dialin[i].hmac));
    assert.notEqual(second.pinless_dialin[i].hmac, first.pinless_dialin[i].hmac, `entry ${i}: new hmac`);
  }
  assert.equal(second.pinless_dialin[0].sip_uri, first.pinless_dialin[0].sip_uri, 'the number keeps its sip_uri');
  assert.notEqual(second.pinless_dialin[1].sip_uri, first.pinless_dialin[1].sip_uri, 'a SIP-only entry not sending its sip_uri is a new one');
  // PinlessDialinInner has sip_uri: sending it back keeps the SIP-only entry's address.
  const back = domainBody({ pinless: [withHook(SUPPORT), { ...withHook(SIP_ONLY), sip_uri: second.pinless_dialin[1].sip_uri }] });
  assert.equal((await ruby('POST', back)).status, 200);
  const third = sdkGetDomainConfig(await ruby('GET')).raw.config;
  assert.equal(third.pinless_dialin[1].sip_uri, second.pinless_dialin[1].sip_uri);
});

test('a partial set_domain_config replaces the whole array; an array left nil is kept', async () => {
  assert.equal((await ruby('POST', domainBody({ pinless: [withHook(SUPPORT), withHook(SIP_ONLY)], pin: [PIN] }))).status, 200);
  const sales = { phone_number: '+12095550003', room_creation_api: DISCARD, name_prefix: 'sales' };
  assert.equal((await ruby('POST', domainBody({ pinless: [sales] }))).status, 200);
  const { raw } = sdkGetDomainConfig(await ruby('GET'));
  assert.deepEqual(raw.config.pinless_dialin.map((e) => e.phone_number), ['+12095550003'], 'support and the SIP-only entry are dropped');
  assert.deepEqual(raw.config.pin_dialin, [PIN]);
  // An empty array clears it (DomainProperties.new(pin_dialin: [])).
  assert.equal((await ruby('POST', domainBody({ pin: [] }))).status, 200);
  assert.deepEqual(sdkGetDomainConfig(await ruby('GET')).raw.config.pin_dialin, []);
});

test('set_domain_config without a domain sends no body and changes nothing', async () => {
  assert.equal((await ruby('POST', domainBody({ pin: [PIN] }))).status, 200);
  const before = (await ruby('GET')).text;
  const r = await ruby('POST', undefined);
  assert.equal(r.status, 200, r.text);
  assert.equal((await ruby('GET')).text, before);
});

test('refused calls: a non-2xx the SDK raises as Daily::ApiError, with Daily\'s error body', async () => {
  const bad = await ruby('POST', domainBody({ pinless: [{ phone_number: '2095550001', room_creation_api: DISCARD }], pin: [{ name_prefix: 'no number' }] }));
  assert.equal(bad.status, 400);
  const err = JSON.parse(bad.text);
  assert.equal(err.error, 'invalid-request-error');
  assert.match(err.info, /^properties\.pinless_dialin\[0\]\.phone_number: /);
  assert.match(err.info, /; properties\.pin_dialin\[0\]\.phone_number: /);
  assert.deepEqual(sdkGetDomainConfig(await ruby('GET')).raw.config, { pinless_dialin: [], pin_dialin: [] }, 'nothing was set');
  // Without config.api_key_prefix['sec0'] = 'Bearer' the SDK sends the bare key.
  const bare = await ruby('GET', undefined, { prefix: null });
  assert.equal(bare.status, 400);
  assert.equal(JSON.parse(bare.text).error, 'authorization-header-error');
});

test('a number only in a legacy array answers simulated calls, signed with the entry hmac', async () => {
  assert.equal((await ruby('POST', domainBody({ pinless: [withHook(SUPPORT, `${hooks.url}/call`)] }))).status, 200);
  await nextAt('/call'); // the set-up ping
  const entry = sdkGetDomainConfig(await ruby('GET')).raw.config.pinless_dialin[0];
  const call = await emu.simulateCall({ to: SUPPORT.phone_number });
  assert.equal(call.config_id, 'pinless_dialin[0]');
  assert.equal(call.webhook_status, 200);
  const hook = await nextAt('/call');
  assert.equal(JSON.parse(hook.raw).To, SUPPORT.phone_number);
  assert.equal(hook.headers['x-pinless-signature'], sign(entry.hmac, hook.headers['x-pinless-timestamp'], hook.raw));
});

test('the arrays are persisted: exportState (version 2), a dataFile restart, and version 1 states still load', async () => {
  assert.equal((await ruby('POST', domainBody({ lang: 'fr', pinless: [withHook(SUPPORT)], pin: [PIN] }))).status, 200);
  const state = emu.exportState();
  assert.equal(state.version, 2);
  assert.equal(state.domain.properties.lang, 'fr');
  assert.equal(state.domain.pin_dialin[0].phone_number, PIN.phone_number);

  const tmp = tempDir('legacy');
  try {
    const file = join(tmp.dir, 'state.json');
    const a = await m.startEmulator({ apiKeys: [KEY], dataFile: file });
    const sent = await ruby('POST', domainBody({ pinless: [withHook(SUPPORT)], pin: [PIN] }), { base: a.url });
    assert.equal(sent.status, 200);
    await a.close();
    const b = await m.startEmulator({ apiKeys: [KEY], dataFile: file });
    assert.equal((await ruby('GET', undefined, { base: b.url })).text, sent.text, 'the same domain after a restart');
    await b.close();
  } finally {
    tmp.cleanup();
  }

  const v1 = { version: 1, next_seq: 1, configs: [{ seq: 0, id: '6f1c1a52-0000-4000-8000-000000000001', type: 'pin_dialin', config: { phone_number: '+12095550009' } }], deleted: [] };
  const loaded = await emu.importState(v1);
  assert.equal(loaded.version, 2);
  assert.deepEqual(loaded.domain, { properties: {}, pinless_dialin: [], pin_dialin: [] });
  assert.deepEqual(sdkGetDomainConfig(await ruby('GET')).raw.config, { pinless_dialin: [], pin_dialin: [] });
});
