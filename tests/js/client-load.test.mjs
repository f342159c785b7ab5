// 1,000 creates with distinct numbers from 50 concurrent callers against the emulator's default
// rate limit (100 requests per 5 s per key): exactly 1,000 configs, no duplicates, no unhandled
// rejection. Prints the wall time and the number of retries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dd } from './installed.mjs';

test('1000 creates from 50 concurrent callers under the rate limit', { timeout: 600_000 }, async () => {
  const m = await dd();
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  const emu = await m.startEmulator({ apiKeys: ['load-key'], retryAfter: true });
  let sent = 0;
  let limited = 0;
  const fetchCounting = async (url, init) => {
    sent += 1;
    const r = await fetch(url, init);
    if (r.status === 429) limited += 1;
    return r;
  };
  try {
    const c = new m.DailyDialinClient({ apiKey: 'load-key', baseUrl: emu.url, maxRetries: 20, fetch: fetchCounting });
    const numbers = Array.from({ length: 1000 }, (_, i) => `+1415${String(5550000 + i)}`);
    let next = 0;
    const started = Date.now();
    const caller = async () => {
      const out = [];
      while (next < numbers.length) {
        const n = numbers[next++];
        out.push(await c.create({ type: 'pin_dialin', phone_number: n }));
      }
      return out;
    };
    const results = (await Promise.all(Array.from({ length: 50 }, caller))).flat();
    const wall = Date.now() - started;
    assert.equal(results.length, 1000);
    assert.equal(new Set(results.map((r) => r.id)).size, 1000);
    const stored = emu.exportState().configs;
    assert.equal(stored.length, 1000, 'exactly 1000 configs stored');
    assert.equal(new Set(stored.map((s) => s.config.phone_number)).size, 1000, 'no duplicate numbers');
    console.log(`load: 1000 creates, 50 callers, wall ${(wall / 1000).toFixed(1)} s, ${sent} requests, ${sent - 1000} retries (${limited} answered 429)`);
    assert.equal(sent - limited, 1000, 'every request that was not rate-limited created exactly one config');
  } finally {
    await emu.close();
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});
