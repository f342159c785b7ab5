// The admin page's state, in one place, and the values that follow from it alone (where requests
// go, with which placeholder key). The panels read and change `state`; nothing else keeps state.

/** The placeholder key of proxy mode: the dev server replaces it with the real one. */
const PROXY_KEY = 'proxy';
const EMULATOR_KEY = 'local-emulator';

export const state = {
  /** What the dev server told the page (GET /demo/info): emulator and receiver paths, proxy. */
  info: null,
  mode: 'emulator',
  client: null,
  /** The form contexts of the create form and the edit dialog (see buildFields in fields.js). */
  createForm: null,
  editForm: null,
  /** Issues Daily (or the emulator) reported for the last create, shown until the next edit. */
  serverIssues: [],
  /** False while the list filters have an error (the Show button is then disabled). */
  filtersOk: null,
  list: { index: 0, cursor: null, data: [], total: 0, limit: 10 },
  /** The config in the edit dialog: `{ config, opener, serverIssues }`. */
  editing: null,
};

export function serviceName() {
  return state.mode === 'proxy' ? 'Daily' : 'The emulator';
}

export function baseUrl() {
  const path = state.mode === 'proxy' ? state.info.proxy.baseUrl : state.info.emulator.baseUrl;
  return new URL(path, location.origin).href.replace(/\/$/, '');
}

export function requestOptions() {
  return { apiKey: state.mode === 'proxy' ? PROXY_KEY : EMULATOR_KEY, baseUrl: baseUrl(), allowPrivateUrls: state.mode === 'emulator' };
}

export function receiverUrl() {
  return new URL(state.info.emulator.receiver, location.origin).href;
}
