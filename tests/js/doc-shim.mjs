// Preloaded (node --import) into every code example that tests/js/doc-examples.test.mjs runs: the
// examples are written for Daily (`new DailyDialinClient({ apiKey: process.env.DAILY_API_KEY })`),
// and the suite has no Daily account and no network. Requests to https://api.daily.co/ go to the
// local emulator at DOCS_EMULATOR_URL instead, unchanged otherwise (method, headers, body), so the
// example runs exactly as written, its validation of public URLs included.
const DAILY = 'https://api.daily.co/';
const target = process.env.DOCS_EMULATOR_URL; // ends in /v1
if (!target) throw new Error('doc-shim: DOCS_EMULATOR_URL is not set');
const realFetch = globalThis.fetch;

globalThis.fetch = function fetch(input, init) {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input?.url;
  if (typeof url === 'string' && url.startsWith(DAILY)) {
    const local = target.replace(/\/v1$/, '/') + url.slice(DAILY.length);
    return realFetch(typeof input === 'string' || input instanceof URL ? local : new Request(local, input), init);
  }
  return realFetch(input, init);
};
