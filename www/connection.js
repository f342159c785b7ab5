// The "Connection" panel: where requests go (the local emulator, or a Daily domain through the dev
// server's proxy), and the emulator tools (queue a failure, clear the failures, reset).
import { DailyDialinClient } from 'daily-dialin';
import { $, admin } from './dom.js';
import { busy, showError, showOk } from './feedback.js';
import { validateCreateForm } from './create.js';
import { loadList } from './configs.js';
import { state, baseUrl, requestOptions, receiverUrl } from './state.js';

export function setMode(mode) {
  state.mode = mode;
  // Controls for the emulator only (the hold-music field's test file) follow it (style.css).
  document.body.dataset.mode = mode;
  state.client = new DailyDialinClient({ ...requestOptions(), maxRetries: 2, timeoutMs: 20000 });
  const emulator = mode === 'emulator';
  $('connection-status').textContent = emulator
    ? `Connected to the local emulator at ${baseUrl()}.`
    : `Connected to ${state.info.proxy.upstream} through ${baseUrl()}; the dev server adds your API key.`;
  $('emulator-tools').hidden = !emulator;
  $('calls').hidden = !emulator;
  // The demo receiver is reachable by the emulator only; Daily needs a public URL.
  const room = state.createForm.rows.get('room_creation_api').input;
  if (emulator && room.value === '') room.value = receiverUrl();
  if (!emulator && room.value === receiverUrl()) room.value = '';
  state.serverIssues = [];
  $('create-feedback').replaceChildren();
  $('call-result').replaceChildren();
  validateCreateForm();
  loadList('first');
}

const FAULTS = {
  500: { status: 500, count: 3 },
  429: { status: 429, count: 3 },
  400: { status: 400, body: { error: 'invalid-request-error', info: 'injected fault: the emulator refused this request' } },
  401: { status: 401, body: { error: 'authentication-error' } },
  drop: { drop: true, count: 3 },
};

async function queueFault(event) {
  event.preventDefault();
  const feedback = $('tools-feedback');
  try {
    await busy($('emulator-tools'), feedback, 'Queueing…', () => admin('POST', '/_emulator/faults', FAULTS[$('fault-kind').value]));
    showOk(feedback, 'Queued: the next matching API request will fail.');
  } catch (e) {
    showError(feedback, e, 'emulator request');
  }
}

async function emulatorAction(label, method, path, done) {
  const feedback = $('tools-feedback');
  try {
    await busy($('emulator-tools'), feedback, label, () => admin(method, path));
    showOk(feedback, done);
    if (path === '/_emulator/reset') await loadList('first');
  } catch (e) {
    showError(feedback, e, 'emulator request');
  }
}

/** Describes the proxy choice and wires the mode radios and the emulator tools. */
export function setupConnection() {
  const proxyRadio = $('mode-proxy');
  if (state.info.proxy) {
    $('mode-proxy-hint').textContent = `Requests go to ${state.info.proxy.upstream}. The dev server adds your API key (DAILY_API_KEY); this page never sees it.`;
  } else {
    proxyRadio.disabled = true;
    $('mode-proxy-hint').textContent = 'Off: start the demo with DAILY_API_KEY set (DAILY_API_KEY=… ./scripts/demo) to manage a real Daily domain.';
  }
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.addEventListener('change', () => setMode(radio.value));

  $('fault-form').addEventListener('submit', queueFault);
  $('clear-faults').addEventListener('click', () => emulatorAction('Clearing…', 'DELETE', '/_emulator/faults', 'No failures are queued now.'));
  $('reset-emulator').addEventListener('click', () => {
    if (confirm('Delete every config, call and queued failure of the emulator?')) emulatorAction('Resetting…', 'POST', '/_emulator/reset', 'The emulator is empty again.');
  });
}
