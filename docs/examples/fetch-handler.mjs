// A fetch-style `room_creation_api` handler (Request -> Response), the shape that Cloudflare
// Workers, Deno.serve, Bun.serve, Next.js route handlers and other edge runtimes use. It verifies
// Daily's signature before doing anything else.
import { init, verifyPinlessWebhook, WebhookVerificationError } from 'daily-dialin/webhook';

/**
 * Answers one webhook request. `secrets`: the config's `hmac` (old and new while rotating);
 * `onCall(payload)` runs for verified calls only.
 */
export async function handlePinlessWebhook(request, { secrets, onCall }) {
  if (request.method !== 'POST') return new Response(null, { status: 405 });
  await init(); // loads the WebAssembly module once (does nothing in Node)

  // The exact bytes received: not request.json(), which re-serialisation would need.
  const body = await request.arrayBuffer();
  let hook;
  try {
    hook = verifyPinlessWebhook({ body, headers: request.headers, secrets });
  } catch (e) {
    console.warn(`pinless webhook rejected: ${e instanceof WebhookVerificationError ? e.reason : e.name}`);
    return new Response(null, { status: 401 });
  }

  if (hook.kind === 'test') return new Response(null, { status: 200 }); // the one-off set-up ping
  await onCall(hook.payload); // e.g. create a room, then POST /v1/dialin/pinlessCallUpdate
  return new Response(null, { status: 200 });
}

// Wiring, for example on Deno:
//   Deno.serve((req) => handlePinlessWebhook(req, { secrets: [Deno.env.get('DAILY_PINLESS_HMAC')], onCall }));
// or as a Next.js route handler (app/dialin/route.js):
//   export const POST = (req) => handlePinlessWebhook(req, { secrets: [process.env.DAILY_PINLESS_HMAC], onCall });
