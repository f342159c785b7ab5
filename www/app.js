// Admin page of daily-dialin: manage Daily dial-in configs against the local emulator or a Daily
// domain (through the dev server's proxy, which holds the API key). Each panel is a module:
// connection.js, create.js (with the request preview), configs.js (with the edit dialog) and
// calls.js, import.js (configs as code); the page's state is in state.js. This module starts the page.
import { init } from 'daily-dialin';
import { $, el, admin } from './dom.js';
import { setupConnection, setMode } from './connection.js';
import { setupCreate } from './create.js';
import { setupConfigs } from './configs.js';
import { setupCalls } from './calls.js';
import { setupImport } from './import.js';
import { errorBox } from './feedback.js';
import { state } from './state.js';

async function start() {
  await init();
  state.info = await admin('GET', '/demo/info');
  setupCreate();
  setupConfigs();
  setupConnection();
  setupCalls();
  setupImport();

  for (const id of ['connection', 'create', 'preview', 'configs', 'import']) $(id).hidden = false;
  $('boot').remove();
  const proxyRadio = $('mode-proxy');
  setMode(proxyRadio.checked && !proxyRadio.disabled ? 'proxy' : 'emulator');
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  const boot = $('boot');
  boot.className = 'feedback';
  boot.replaceChildren(errorBox('The page could not start.', el('p', { text: String(e?.message ?? e) })));
});
