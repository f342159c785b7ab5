// The validation and request-building exports under hostile input, through the packed package
// (both the root entry and daily-dialin/core): ids that a URL would turn into another path, curl
// previews that a shell must read back exactly, and inputs whose getters or proxy traps throw,
// which must not cost wasm memory.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { dd, memoryProbe } from './installed.mjs';
import { tempDir, rng } from './helpers.mjs';

let m;
let modules;
/** Each module's wasm memory size (the leak tests' probe), by entry name. */
let memoryBytes;
before(async () => {
  m = await dd();
  modules = [
    ['daily-dialin', m],
    ['daily-dialin/core', m.core],
  ];
  memoryBytes = {
    // Not validateCreate: the Node entries wrap it (fast.js).
    'daily-dialin': await memoryProbe('', m.buildCreateRequest),
    'daily-dialin/core': await memoryProbe('core/', m.core.buildCreateRequest),
    // Not verifyPinlessWebhook: the entries wrap it (verify.js).
    'daily-dialin/webhook': await memoryProbe('webhook/', m.webhook.signPinlessWebhook),
    'daily-dialin/configs': await memoryProbe('configs/', m.configs.planConfigs),
  };
});

const OPTS = { apiKey: 'sk_test_core_inputs' };
const CFG = '/v1/domain-dialin-config/';

const pick = (r, list) => list[Math.floor(r() * list.length)];
const draw = (r, tokens, max) => Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(r, tokens)).join('');

/** RFC 3986 percent-encoding of everything but unreserved characters, as the builders encode ids. */
const encodeId = (id) =>
  Array.from(new TextEncoder().encode(id), (b) =>
    /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');

/** True when `id` is `.` or `..` as written or after percent-decoding it up to 16 times. */
function dotSegment(id) {
  let s = id;
  for (let i = 0; i < 16; i++) {
    if (s === '.' || s === '..') return true;
    const next = s.replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    if (next === s) return false;
    s = next;
  }
  return false;
}

const refusedAs = (code) => (e) => {
  assert.equal(e.name, 'ValidationError', String(e));
  assert.ok(
    e.issues.some((i) => i.path === 'id' && i.code === code),
    JSON.stringify(e.issues),
  );
  return true;
};

const DOT_IDS = ['.', '..', '%2e', '%2E', '%2e%2e', '%2E%2e', '.%2e', '%2E.', '%252e', '%252E%252e', '%2%65', '%%32%65'];

describe('by-id request builders', () => {
  const builders = (mod) => [
    ['buildGetRequest', (id) => mod.buildGetRequest(id, OPTS)],
    ['buildDeleteRequest', (id) => mod.buildDeleteRequest(id, OPTS)],
    ['buildUpdateRequest', (id) => mod.buildUpdateRequest(id, { name_prefix: 'support' }, OPTS)],
  ];

  it('refuse dot segments, as written and percent-encoded, as invalid_id', () => {
    for (const [name, mod] of modules) {
      for (const [fn, build] of builders(mod)) {
        for (const id of DOT_IDS) {
          assert.throws(() => build(id), refusedAs('invalid_id'), `${name} ${fn}(${JSON.stringify(id)})`);
        }
        // Dots that are not a whole segment are ids like any other.
        for (const id of ['...', '.a', 'a..', '%2e%2e%2e']) {
          assert.equal(new URL(build(id).url).pathname, CFG + encodeId(id), `${name} ${fn}(${JSON.stringify(id)})`);
        }
      }
    }
  });

  it('send every accepted id to its own path: URL rewrites none of them', () => {
    const r = rng(20261202);
    const tokens = ['.', '.', '..', '%', '2', 'e', 'E', '5', '%2e', '%2E', '%25', 'a', '-', '~', '/', '\\', ';', '?', '#', ' ', '\t', '\u3002', '\uff0e', '\u00ad', 'é'];
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < 4000; n++) {
      const id = draw(r, tokens, 5);
      for (const [name, mod] of modules) {
        const where = `${name} buildGetRequest(${JSON.stringify(id)})`;
        let req;
        try {
          req = mod.buildGetRequest(id, OPTS);
        } catch (e) {
          refusedAs('invalid_id')(e);
          refused++;
          continue;
        }
        accepted++;
        assert.ok(!dotSegment(id), `${where}: a dot segment was accepted`);
        assert.equal(new URL(req.url).pathname, CFG + encodeId(id), where);
      }
    }
    assert.ok(accepted > 1000 && refused > 1000, `accepted ${accepted}, refused ${refused}`);
  });

  it('make the client refuse them before anything is sent', async () => {
    const seen = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"not-found","info":"no such config"}');
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const c = new m.DailyDialinClient({ ...OPTS, baseUrl: `http://127.0.0.1:${server.address().port}/v1`, maxRetries: 0 });
      for (const id of DOT_IDS) {
        await assert.rejects(c.get(id), refusedAs('invalid_id'), `get(${JSON.stringify(id)})`);
        await assert.rejects(c.delete(id), refusedAs('invalid_id'), `delete(${JSON.stringify(id)})`);
        await assert.rejects(c.update(id, { name_prefix: 'support' }), refusedAs('invalid_id'), `update(${JSON.stringify(id)})`);
      }
      assert.deepEqual(seen, []);
      // The same client does reach the server with an ordinary id.
      await assert.rejects(c.get('a.b'), (e) => e.name === 'DailyApiError' && e.status === 404);
      assert.deepEqual(seen, ['GET /v1/domain-dialin-config/a.b']);
    } finally {
      server.close();
    }
  });
});

describe('toCurl', () => {
  /** The argv that `sh` (or `bash`) gives `curl` when it runs `command`, in a scratch folder. */
  function argvOf(shell, command, cwd) {
    const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}\n`;
    const out = spawnSync(shell, ['-c', script], { cwd, encoding: 'utf8' });
    assert.equal(out.status, 0, `${shell}: ${out.stderr}\n${command}`);
    return out.stdout.split('\0').slice(0, -1);
  }

  /** The argv a faithful curl command for `req` has (the key shown as `Bearer ***`). */
  const expectedArgv = (req) => [
    ...(req.method === 'GET' ? [] : ['-X', req.method]),
    ...(req.url.startsWith('-') ? ['--url'] : []),
    req.url,
    '-H',
    'Authorization: Bearer ***',
    ...(req.headers['Content-Type'] === undefined ? [] : ['-H', `Content-Type: ${req.headers['Content-Type']}`]),
    ...(req.body === undefined ? [] : ['-d', req.body]),
  ];

  it('quotes every part so that a shell reads back exactly the request', () => {
    const tmp = tempDir('curl');
    try {
      const r = rng(7);
      const tokens = ["'", '"', '$', '$(touch pwned)', '`touch pwned`', '(', ')', '\\', '\n', '\r\n', ';', '|', '&', ' ', '\t', '-', '--', 'a', 'B', '!', '*', '{', '}', '#', '~', '=', ': ', '%', 'é', '\u2028', "'\\''"];
      const cases = [
        { method: "P'$(touch pwned)`touch pwned`\n", url: 'https://example.com/a: b', ct: "x'y" },
        { method: '-o', url: '-o/dev/null', ct: '$(touch pwned)' },
        { method: 'GET', url: "https://example.com/'; touch pwned; '", ct: undefined },
      ];
      for (let n = 0; n < 150; n++) cases.push({ method: draw(r, tokens, 6), url: draw(r, tokens, 10), ct: r() < 0.2 ? undefined : draw(r, tokens, 6) });
      for (const [i, c] of cases.entries()) {
        const body = i % 3 === 2 ? undefined : JSON.stringify({ name_prefix: draw(r, tokens, 8), list: [draw(r, tokens, 4)] });
        const req = { method: c.method, url: c.url, headers: { Authorization: 'Bearer sk_live_NEVER_SHOWN' }, body };
        if (c.ct !== undefined) req.headers['Content-Type'] = c.ct;
        for (const [name, mod] of modules) {
          const command = mod.toCurl(req);
          assert.ok(!command.includes('sk_live_NEVER_SHOWN'), command);
          for (const shell of ['sh', 'bash']) {
            assert.deepEqual(argvOf(shell, command, tmp.dir), expectedArgv(req), `${name}, ${shell}: ${JSON.stringify(req)}\n${command}`);
          }
        }
      }
      assert.ok(!existsSync(`${tmp.dir}/pwned`), 'a printed command ran a command of its own');
    } finally {
      tmp.cleanup();
    }
  });

  it('redacts hmac at any depth and in any letter case', () => {
    const secrets = ['c2VjcmV0LTE=', 'c2VjcmV0LTI=', 'c2VjcmV0LTM=', 'c2VjcmV0LTQ=', 'c2VjcmV0LTU='];
    const body = {
      type: 'pinless_dialin',
      HMAC: secrets[0],
      config: { Hmac: secrets[1], list: [{ hMaC: { nested: secrets[2] } }, [[{ hmac: secrets[3] }]]] },
      deep: JSON.parse(`${'{"a":['.repeat(60)}{"hmac":"${secrets[4]}"}${']}'.repeat(60)}`),
      hmacs: 'kept',
    };
    const redacted = {
      ...body,
      HMAC: '***',
      config: { Hmac: '***', list: [{ hMaC: '***' }, [[{ hmac: '***' }]]] },
      deep: JSON.parse(`${'{"a":['.repeat(60)}{"hmac":"***"}${']}'.repeat(60)}`),
    };
    const text = JSON.stringify(body).replace('"hMaC"', '"h\\u004DaC"');
    const req = { method: 'POST', url: 'https://api.daily.co/v1/domain-dialin-config', headers: { Authorization: 'Bearer sk_live_X', 'Content-Type': 'application/json' }, body: text };
    for (const [name, mod] of modules) {
      const command = mod.toCurl(req);
      for (const s of [...secrets, 'sk_live_X']) assert.ok(!command.includes(s), `${name}: ${s} shown`);
      const argv = argvOf('sh', command, process.cwd());
      assert.deepEqual(JSON.parse(argv[argv.indexOf('-d') + 1]), redacted, name);
    }
  });

  it('renders a large valid body instead of refusing it', () => {
    const big = { type: 'pinless_dialin', name_prefix: 'x'.repeat(1 << 20), hmac: 'c2VjcmV0LWxhcmdl' };
    const req = { method: 'POST', url: 'https://api.daily.co/v1/domain-dialin-config', headers: { Authorization: 'Bearer k' }, body: JSON.stringify(big) };
    for (const [name, mod] of modules) {
      const command = mod.toCurl(req);
      assert.ok(command.includes(`'{"type":"pinless_dialin","name_prefix":"${big.name_prefix}","hmac":"***"}'`), name);
      assert.ok(!command.includes('c2VjcmV0LWxhcmdl'), name);
    }
  });
});

describe('memory under throwing getters and proxy traps', () => {
  const thrower = () => {
    throw new Error('hostile');
  };
  /** Values whose reading throws, each in its own way. */
  function hostileValues() {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    return [
      Object.defineProperty({}, 'type', { get: thrower, enumerable: true }),
      Object.defineProperty([], 0, { get: thrower }),
      revoked.proxy,
      new Proxy({}, { ownKeys: thrower }),
      new Proxy({ type: 'pin_dialin' }, { get: thrower }),
      new Proxy({}, { getPrototypeOf: thrower }),
      new Proxy({ a: 1 }, { getOwnPropertyDescriptor: thrower }),
      new Proxy([], { get: thrower }),
      { type: 'pinless_dialin', timeout_config: new Proxy({}, { ownKeys: thrower }) },
    ];
  }

  it('stays flat over many calls of every validator and builder', () => {
    const values = hostileValues();
    for (const [name, mod] of modules) {
      const calls = [
        (h) => mod.validateCreate(h),
        (h) => mod.validateCreate({ type: 'pin_dialin' }, h),
        (h) => mod.validateUpdate(h, { type: 'pinless_dialin' }),
        (h) => mod.validateUpdate({ name_prefix: 'a' }, h),
        (h) => mod.validateListQuery(h),
        (h) => mod.buildCreateRequest(h, OPTS),
        (h) => mod.buildUpdateRequest('abc', h, OPTS),
        (h) => mod.buildGetRequest(h, OPTS),
        (h) => mod.buildDeleteRequest('abc', h),
        (h) => mod.buildListRequest(h, OPTS),
        (h) => mod.toCurl(h),
      ];
      const round = () => {
        for (const call of calls) {
          for (const h of values) {
            try {
              call(h);
            } catch (e) {
              assert.ok(e instanceof Error && e.name === 'ValidationError', `${name}: ${e}`);
            }
          }
        }
      };
      for (let i = 0; i < 50; i++) round();
      const warm = memoryBytes[name]();
      for (let i = 0; i < 500; i++) round();
      const grown = memoryBytes[name]() - warm;
      assert.ok(grown < 65536, `${name}: wasm memory grew by ${grown} bytes over ${500 * calls.length * values.length} calls`);
    }
  });

  it('stays flat for the webhook verifier and signer and the client constructor', () => {
    const secret = m.webhook.generateHmacSecret();
    const body = '{"To":"+12095550100","From":"+12095550199","callId":"c","callDomain":"d"}';
    const headers = m.webhook.signPinlessWebhook({ body, secret });
    /** An options bag whose `key` getter throws, the other keys valid. */
    const throwingAt = (base, key) => Object.defineProperty({ ...base }, key, { get: thrower, enumerable: true });
    const verify = { body, headers, secret };
    const cases = [
      ['daily-dialin/webhook', [
        ...Object.keys(verify).map((k) => () => m.webhook.verifyPinlessWebhook(throwingAt(verify, k))),
        () => m.webhook.verifyPinlessWebhook(throwingAt(verify, 'now')),
        () => m.webhook.verifyPinlessWebhook(throwingAt(verify, 'toleranceSeconds')),
        () => m.webhook.verifyPinlessWebhook({ ...verify, headers: throwingAt({ 'x-pinless-timestamp': '1' }, 'x-pinless-signature') }),
        () => m.webhook.verifyPinlessWebhook({ ...verify, body: '{not json' }),
        () => m.webhook.signPinlessWebhook(throwingAt({ body, secret }, 'timestamp')),
        () => m.webhook.signPinlessWebhook(throwingAt({ body, secret }, 'secret')),
      ]],
      // A getter that throws reads as an absent option, so these clients are made: free them, or
      // the memory measured is the clients the garbage collector has not finalised yet.
      ['daily-dialin', [
        () => new m.DailyDialinClient(throwingAt({ apiKey: 'k' }, 'fetch')).free(),
        () => new m.DailyDialinClient(throwingAt({ apiKey: 'k' }, 'timeoutMs')).free(),
        () => new m.DailyDialinClient(throwingAt({ apiKey: 'k', fetch }, 'maxRetries')).free(),
        () => new m.DailyDialinClient(new Proxy({}, { get: thrower })),
      ]],
      // Configs as code: throwing getters and proxies in the file, the stored configs and the
      // options (read element by element, see src/wasm/plan.rs).
      ['daily-dialin/configs', [
        () => m.configs.validateConfigsFile(throwingAt({ version: 1 }, 'configs')),
        () => m.configs.validateConfigsFile({ configs: [throwingAt({ type: 'pin_dialin' }, 'phone_number')] }),
        () => m.configs.validateConfigsFile({ configs: new Proxy([], { get: thrower }) }),
        () => m.configs.validateConfigsFile({ configs: [] }, throwingAt({}, 'env')),
        () => m.configs.validateConfigsFile({ configs: [] }, { env: throwingAt({}, 'H') }),
        () => m.configs.planConfigs({ configs: [] }, new Proxy([], { get: thrower })),
        () => m.configs.planConfigs({ configs: [] }, [throwingAt({ id: 'a', type: 'pin_dialin' }, 'config')]),
        () => m.configs.planConfigs({ configs: [{ type: 'pin_dialin', phone_number: '+12095550100' }] }, [], throwingAt({}, 'prune')),
        () => m.configs.planConfigs({ configs: [{ type: 'pin_dialin', phone_number: '+12095550100' }] }, []),
      ]],
    ];
    for (const [name, calls] of cases) {
      const round = () => {
        for (const call of calls) {
          try {
            call();
          } catch (e) {
            assert.ok(e instanceof m.DailyDialinError, `${name}: ${e}`);
          }
        }
      };
      for (let i = 0; i < 2000; i++) round();
      const warm = memoryBytes[name]();
      for (let i = 0; i < 20000; i++) round();
      const grown = memoryBytes[name]() - warm;
      assert.ok(grown < 65536, `${name}: wasm memory grew by ${grown} bytes over ${20000 * calls.length} calls`);
    }
  });
});
