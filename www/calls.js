// The "Simulated calls" panel (emulator only): starts a call to a pinless config with the
// emulator's admin route, follows it until the webhook's outcome is known, and shows whether the
// demo receiver verified the signature.
import { $, el, detail, admin } from './dom.js';
import { titleOf } from './fields.js';
import { busy, errorBox } from './feedback.js';
import { receiverUrl } from './state.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function callSettled(call) {
  return (call.status === 'routed' && call.webhook_status != null) || call.status === 'webhook_failed' || call.status === 'timed_out';
}

export async function simulateCall(config) {
  const c = config.config;
  const feedback = $('call-feedback');
  $('calls').scrollIntoView({ block: 'nearest' });
  try {
    const { call, hook } = await busy($('calls'), feedback, `Calling ${titleOf(config)}…`, async () => {
      const started = await admin('POST', '/_emulator/calls', c.phone_number ? { to: c.phone_number } : { sip_uri: c.sip_uri });
      return followCall(started);
    });
    renderCall(config, call, hook);
  } catch (e) {
    feedback.replaceChildren(errorBox('The call could not be simulated.', el('p', { text: e.message })));
  }
}

/**
 * Polls the call record until the webhook's outcome is known (the emulator gives a delivery up
 * after 10 s), then looks up what the demo receiver recorded for it.
 */
async function followCall(call, waitMs = 12000) {
  const until = Date.now() + waitMs;
  while (!callSettled(call) && Date.now() < until) {
    await sleep(100);
    call = await admin('GET', `/_emulator/calls/${encodeURIComponent(call.id)}`);
  }
  const { webhooks } = await admin('GET', '/demo/webhooks');
  return { call, hook: webhooks.findLast((w) => w.callId === call.id) };
}

async function checkCallAgain(config, call) {
  const feedback = $('call-feedback');
  try {
    const now = await busy($('calls'), feedback, 'Checking the call…', () => followCall(call, 0));
    renderCall(config, now.call, now.hook);
  } catch (e) {
    feedback.replaceChildren(errorBox('The call could not be checked.', el('p', { text: e.message })));
  }
}

const STATUS_WORDS = {
  webhook_pending: 'Waiting for the webhook to answer',
  on_hold: 'On hold: the webhook answered; the caller hears hold music until the call is routed or times out',
  webhook_failed: 'Webhook failed: the caller stays on hold until the timeout message',
  routed: 'Routed to a room',
  timed_out: 'Timed out: the caller heard the timeout message',
};

function renderCall(config, call, hook) {
  const delivery = call.webhook_status != null ? `POST ${call.webhook_url} answered ${call.webhook_status}` : call.webhook_error ? `POST ${call.webhook_url} failed (${call.webhook_error})` : `POST ${call.webhook_url}: no answer yet`;
  let signature;
  if (hook?.verified) signature = 'Verified: the demo receiver checked X-Pinless-Signature with the config’s HMAC secret.';
  else if (hook) signature = `Not verified (${hook.reason}): the demo receiver refused the webhook.`;
  else signature = 'Not known: the webhook went to another server than this demo receiver.';
  const outcome = STATUS_WORDS[call.status] ?? call.status;
  $('call-result').replaceChildren(
    el(
      'article',
      { class: `call ${hook?.verified ? 'verified' : 'unverified'}`, 'aria-labelledby': 'call-title' },
      el('h3', { id: 'call-title', text: `Call from ${call.from} to ${titleOf(config)}` }),
      el(
        'dl',
        { class: 'details' },
        detail('Status', outcome, `status ${call.status}`),
        detail('Webhook delivery', delivery),
        detail('Signature', signature, `signature ${hook?.verified ? 'verified' : 'unverified'}`),
        detail('Routed to', call.sip_uri),
        detail('Timeout message', call.played_message),
        detail('Call ID', call.id, 'wrap mono'),
      ),
      ['routed', 'timed_out'].includes(call.status)
        ? null
        : el('div', { class: 'buttons' }, el('button', { type: 'button', text: 'Check the call again', onclick: () => checkCallAgain(config, call) })),
    ),
  );
  const checked = hook?.verified ? 'webhook signature verified' : hook ? 'the demo receiver refused the webhook’s signature' : 'the webhook did not reach this demo receiver';
  $('call-feedback').replaceChildren(el('p', { class: hook?.verified ? 'ok' : 'note', text: `Call ${call.status.replace('_', ' ')}; ${checked}.` }));
}

/** Names the demo receiver's URL in the panel's explanation. */
export function setupCalls() {
  $('receiver-url').textContent = receiverUrl();
}
