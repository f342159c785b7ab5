// The packed package's emulator with allowPrivateUrls false (as --public-urls-only): no webhook
// reaches a private host, whether the URL spells a private address in an unusual form or names a
// host that resolves to one. The receiver is a real server on 127.0.0.1; host names are resolved
// by the emulator's `lookup` option (no name in this machine's /etc/hosts has two labels).
import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { dd } from './installed.mjs';
import { KEY, CFG, client, hookServer, sleep } from './emulator-helpers.mjs';

/** A `dns.lookup` that answers `addresses` for every name, and records the names asked. */
function fixedLookup(addresses, asked) {
  const all = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  return (hostname, options, callback) => {
    asked.push(hostname);
    if (options?.all) callback(null, all);
    else callback(null, all[0].address, all[0].family);
  };
}

describe('emulator webhook deliveries without private URLs', () => {
  let m;
  let hook;
  before(async () => {
    m = await dd();
  });
  beforeEach(async () => {
    hook = await hookServer();
  });
  afterEach(() => hook.close());

  it('refuses private addresses in unusual spellings, so nothing is sent to them', async () => {
    const port = new URL(hook.url).port;
    // A state holding one pinless config, from an emulator that allows private URLs.
    const PLACEHOLDER = `http://127.0.0.1:${port}/placeholder`;
    const maker = await m.startEmulator({ rateLimit: null });
    await client(maker.origin, 'k')('POST', CFG, { body: { type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: PLACEHOLDER } });
    await hook.next(); // its ping
    const template = maker.exportState();
    await maker.close();
    hook.requests.length = 0;
    const emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null, allowPrivateUrls: false });
    try {
      const req = client(emu.origin);
      for (const host of ['0x7f.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '[0:0:0:0:0:0:0:1]', '[::ffff:7f00:1]', '127.0.0.1\\@example.com']) {
        const url = `http://${host}:${port}/dial`.replace(`\\@example.com:${port}`, `:${port}\\@example.com`);
        const r = await req('POST', CFG, { body: { type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: url } });
        assert.equal(r.status, 400, `${url}: ${r.text}`);
        assert.match(r.json.info, /room_creation_api points at .*loopback/, url);
        // Nor can a state (or --data file) bring it in.
        const state = JSON.parse(JSON.stringify(template).replaceAll(PLACEHOLDER, JSON.stringify(url).slice(1, -1)));
        await assert.rejects(emu.importState(state), /room_creation_api points at/, url);
      }
      assert.equal((await emu.calls()).length, 0);
      await sleep(200);
      assert.equal(hook.requests.length, 0, 'no request reached the loopback receiver');
    } finally {
      await emu.close();
    }
  });

  /** Runs `fn(emu, asked)` on an emulator whose lookup answers `addresses`, with a config at hooks.example.com. */
  async function withNamedHook(options, addresses, fn) {
    const asked = [];
    const emu = await m.startEmulator({ apiKeys: [KEY], rateLimit: null, ...options, lookup: fixedLookup(addresses, asked) });
    try {
      const url = `http://hooks.example.com:${new URL(hook.url).port}/dial`;
      const r = await client(emu.origin)('POST', CFG, { body: { type: 'pinless_dialin', phone_number: '+12095550001', room_creation_api: url } });
      assert.equal(r.status, 200, r.text);
      await fn(emu, asked);
    } finally {
      await emu.close();
    }
  }

  it('does not connect to a host name that resolves to a private address, and records why', async () => {
    for (const [addresses, says] of [
      [['127.0.0.1'], '127.0.0.1, a loopback address'],
      [['::1'], '::1, a loopback address'],
      [['93.184.216.34', '10.0.0.7'], '10.0.0.7, a private address'],
      [['::ffff:169.254.169.254'], '::ffff:169.254.169.254, a link-local address (169.254.169.254 in an IPv6 address)'],
    ]) {
      await withNamedHook({ allowPrivateUrls: false }, addresses, async (emu, asked) => {
        const call = await emu.simulateCall({ to: '+12095550001' });
        assert.equal(call.status, 'webhook_failed');
        assert.equal(call.webhook_status, null);
        assert.ok(call.webhook_error.startsWith(`the webhook host hooks.example.com resolves to ${says}`), call.webhook_error);
        assert.match(call.webhook_error, /; not delivered/);
        assert.ok(asked.includes('hooks.example.com'), 'the name went through the lookup');
      });
    }
    await sleep(200);
    assert.equal(hook.requests.length, 0, 'neither a ping nor a call reached the loopback receiver');
  });

  it('delivers through the same lookup when private URLs are allowed (the default)', async () => {
    await withNamedHook({}, ['127.0.0.1'], async (emu, asked) => {
      const ping = await hook.next();
      assert.equal(ping.raw, '{"Test":"test"}');
      assert.ok(asked.includes('hooks.example.com'));
    });
  });

  it('refuses a lookup option that is not a function', async () => {
    await assert.rejects(m.startEmulator({ lookup: 'dns' }), /lookup must be a function/);
  });
});
