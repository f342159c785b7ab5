// A `room_creation_api` receiver on Node's `http` module: it verifies Daily's signature before
// doing anything else. Run it with the config's `hmac` (several, comma-separated, while rotating):
//
//   DAILY_PINLESS_HMAC='<hmac>' PORT=8080 node node-http.mjs
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { verifyPinlessWebhook, WebhookVerificationError } from 'daily-dialin/webhook';

const MAX_BODY = 64 * 1024; // Daily's bodies are a few hundred bytes

/** The raw request body, byte for byte (or null when too large). Never JSON.parse it first. */
async function rawBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An http.Server that answers Daily's webhooks; `onCall(payload)` runs for verified calls only. */
export function createReceiver({ secrets, onCall }) {
  return http.createServer(async (req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const body = await rawBody(req);
    if (body === null) return void res.writeHead(413).end();

    // 1. Verify first: the raw bytes, the headers as received, the secret(s).
    let hook;
    try {
      hook = verifyPinlessWebhook({ body, headers: req.headers, secrets });
    } catch (e) {
      // Log the stable reason; errors never contain the secret. Tell the sender nothing more.
      console.warn(`pinless webhook rejected: ${e instanceof WebhookVerificationError ? e.reason : e.name}`);
      return void res.writeHead(401).end();
    }

    // 2. Daily's one-off request when the config is set up: just answer 200.
    if (hook.kind === 'test') return void res.writeHead(200).end();

    // 3. A genuine call: only now act on it. A body whose shape surprised the verifier (a field
    //    missing or of another type) is still genuine: it comes with warnings, and hook.raw holds
    //    every key Daily sent.
    for (const w of hook.warnings) console.warn(`pinless webhook: ${w.path || 'body'}: ${w.code}`);
    try {
      await onCall(hook.payload);
      res.writeHead(200).end();
    } catch (e) {
      console.error(`handling call ${hook.payload.callId} failed: ${e}`);
      res.writeHead(500).end();
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const secrets = (process.env.DAILY_PINLESS_HMAC ?? '').split(',').filter(Boolean);
  const server = createReceiver({
    secrets,
    async onCall({ To, From, callId, callDomain }) {
      // Create or pick a room here, then POST /v1/dialin/pinlessCallUpdate with
      // { callId, callDomain, sipUri } to send the held caller into it.
      console.log(`call from ${From ?? 'a withheld number'} to ${To}: callId ${callId}, callDomain ${callDomain}`);
    },
  });
  server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
    const { address, port } = server.address();
    console.log(`listening on http://${address}:${port}`);
  });
}
