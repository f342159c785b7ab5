// Admin page of daily-dialin: manage Daily dial-in configs against the local emulator or a Daily
// domain (through the dev server's proxy, which holds the API key). Every Daily API call goes
// through the package's DailyDialinClient; plain fetch is used only for the dev server's own
// routes (/demo/*) and the emulator's admin routes (/_emulator/*), which are not Daily's API.
import {
  init,
  DailyDialinClient,
  DailyApiError,
  ValidationError,
  NetworkError,
  TimeoutError,
  AbortError,
  validateCreate,
  validateUpdate,
  validateListQuery,
  buildCreateRequest,
  buildUpdateRequest,
  toCurl,
  generateHmacSecret,
} from 'daily-dialin';

const PINLESS = 'pinless_dialin';
const PIN = 'pin_dialin';
const TYPE_NAMES = { [PINLESS]: 'Pinless', [PIN]: 'PIN' };
/** The placeholder key of proxy mode: the dev server replaces it with the real one. */
const PROXY_KEY = 'proxy';
const EMULATOR_KEY = 'local-emulator';

/**
 * The config fields, in the API's order. `name` is the issue path (dots for nested fields);
 * `types` the config types that have the field.
 */
const FIELDS = [
  {
    name: 'phone_number',
    label: 'Phone number',
    types: [PINLESS, PIN],
    input: 'tel',
    placeholder: '+12095551234',
    hint: {
      [PINLESS]: 'Optional. A number bought on your Daily domain, in E.164 form (+ and the country code). Without one, Daily creates a SIP address only.',
      [PIN]: 'Required. A number bought on your Daily domain, in E.164 form (+ and the country code).',
    },
  },
  { name: 'name_prefix', label: 'Name prefix', types: [PINLESS, PIN], hint: 'Optional. A friendly name for the config.' },
  {
    name: 'room_creation_api',
    label: 'Room creation URL (webhook)',
    types: [PINLESS],
    input: 'url',
    placeholder: 'https://example.com/api/dial',
    hint: 'Required. Daily POSTs each incoming call here, signed with the HMAC secret; your server answers with a room.',
  },
  {
    name: 'hold_music_url',
    label: 'Hold music URL',
    types: [PINLESS],
    input: 'url',
    placeholder: 'https://example.com/hold.mp3',
    hint: 'Optional. A public MP3 file (under 10 MB and 60 s) played while the caller waits.',
  },
  {
    name: 'timeout_config.message',
    label: 'Timeout message',
    types: [PINLESS],
    multiline: true,
    hint: 'Optional. Played when no room is ready in time.',
  },
  {
    name: 'hmac',
    label: 'HMAC secret',
    types: [PINLESS],
    secret: true,
    hint: {
      create: 'Optional. Standard base64 of 32 random bytes; if left empty, Daily generates one.',
      edit: 'Leave empty to keep the current secret, or generate a new one (then update your webhook server too).',
    },
  },
  {
    name: 'ivr_greeting.message',
    label: 'IVR greeting',
    types: [PIN],
    multiline: true,
    hint: 'Optional. Played when the call connects, before the PIN prompt.',
  },
];

const $ = (id) => document.getElementById(id);

/** Creates an element: el('p', { class: 'x', text: 'y' }, child...). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c);
  return node;
}

const fieldId = (prefix, name) => `${prefix}-${name.replace(/[._]/g, '-')}`;

function getPath(obj, name) {
  return name.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function setPath(obj, name, value) {
  const keys = name.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}

const state = {
  info: null,
  mode: 'emulator',
  client: null,
  /** Issues Daily (or the emulator) reported for the last create, shown until the next edit. */
  serverIssues: [],
  list: { index: 0, cursor: null, data: [], total: 0, limit: 10 },
  editing: null,
};

// ---------------------------------------------------------------------------------------------
// Forms built from FIELDS

/**
 * Renders the fields of FIELDS into `container` with ids `${prefix}-...`; returns a form context
 * used to read values and show issues.
 */
function buildFields(container, prefix, purpose) {
  const rows = new Map();
  for (const def of FIELDS) {
    const id = fieldId(prefix, def.name);
    const hint = el('p', { class: 'hint', id: `${id}-hint` });
    const messages = el('ul', { class: 'messages', id: `${id}-msg` });
    const common = {
      id,
      name: def.name,
      'aria-describedby': `${id}-hint ${id}-msg`,
      autocomplete: 'off',
      spellcheck: def.secret || def.input ? 'false' : undefined,
    };
    const input = def.multiline
      ? el('textarea', { ...common, rows: 2 })
      : el('input', {
          ...common,
          type: def.input ?? 'text',
          inputmode: def.input === 'tel' ? 'tel' : undefined,
          placeholder: def.placeholder,
          class: def.secret ? 'mono' : undefined,
        });
    const control = def.secret
      ? el(
          'div',
          { class: 'with-button' },
          input,
          el('button', {
            type: 'button',
            class: 'generate',
            'aria-describedby': `${id}-hint`,
            text: 'Generate',
            onclick: () => {
              input.value = generateHmacSecret();
              input.dispatchEvent(new Event('input', { bubbles: true }));
            },
          }),
        )
      : input;
    const row = el('div', { class: 'field', 'data-field': def.name }, el('label', { for: id, text: def.label }), control, hint, messages);
    container.append(row);
    rows.set(def.name, { def, row, input, hint, messages });
  }
  return { prefix, purpose, rows };
}

/** Shows the fields of `type` (hiding the others) with their hints. */
function showFieldsFor(ctx, type) {
  for (const { def, row, hint } of ctx.rows.values()) {
    row.hidden = !def.types.includes(type);
    const text = typeof def.hint === 'string' ? def.hint : (def.hint[ctx.purpose] ?? def.hint[type]);
    hint.textContent = text;
  }
}

/** The non-empty values of the visible fields, as an API body. */
function readFields(ctx, keep = () => true) {
  const body = {};
  for (const { def, row, input } of ctx.rows.values()) {
    if (row.hidden || input.value === '' || !keep(def, input.value)) continue;
    setPath(body, def.name, input.value);
  }
  return body;
}

/** The visible field an issue path belongs to (`timeout_config` -> its message field). */
function rowFor(ctx, path) {
  for (const r of ctx.rows.values()) {
    if (r.row.hidden) continue;
    const name = r.def.name;
    if (path === name || name.startsWith(`${path}.`) || path.startsWith(`${name}.`)) return r;
  }
  return null;
}

/** The message shown next to a field: without the field's own name in front. */
function shortMessage(issue) {
  const m = issue.message;
  for (const prefix of [`${issue.path}: `, `${issue.path} `]) {
    if (issue.path && m.startsWith(prefix)) {
      const rest = m.slice(prefix.length);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
  }
  return m.charAt(0).toUpperCase() + m.slice(1);
}

function labelOf(path) {
  const def = FIELDS.find((d) => d.name === path || d.name.startsWith(`${path}.`));
  if (def) return def.label;
  if (path === 'type') return 'Type';
  return path ? `“${path}”` : '';
}

function messageItem(issue, text, extra) {
  const severity = issue.severity === 'warning' ? 'warning' : 'error';
  return el(
    'li',
    { class: severity, 'data-code': issue.code ?? '' },
    el('span', { class: 'tag', text: severity === 'error' ? 'Error: ' : 'Warning: ' }),
    issue.from ? `${issue.from}: ` : '',
    text,
    extra,
  );
}

/** A "Use +1…" button when the core suggests a phone number. */
function suggestionButton(issue, input) {
  const m = /did you mean (\+\d{7,15})\?/.exec(issue.message);
  if (!m || !input) return undefined;
  return el('button', {
    type: 'button',
    class: 'link',
    text: `Use ${m[1]}`,
    onclick: () => {
      input.value = m[1];
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.focus();
    },
  });
}

/**
 * Shows `issues` next to their fields (errors and warnings); issues without a visible field go to
 * the summary. Returns the number of errors.
 */
function showIssues(ctx, issues, summary, extraTargets = {}) {
  for (const { input, messages } of ctx.rows.values()) {
    messages.replaceChildren();
    input.removeAttribute('aria-invalid');
  }
  for (const target of Object.values(extraTargets)) target.replaceChildren();
  const loose = [];
  let errors = 0;
  for (const issue of issues) {
    if (issue.severity !== 'warning') errors++;
    const r = rowFor(ctx, issue.path);
    if (r) {
      r.messages.append(messageItem(issue, shortMessage(issue), suggestionButton(issue, r.input)));
      if (issue.severity !== 'warning') r.input.setAttribute('aria-invalid', 'true');
    } else if (extraTargets[issue.path]) {
      extraTargets[issue.path].append(messageItem(issue, shortMessage(issue)));
    } else {
      loose.push(issue);
    }
  }
  summary.replaceChildren();
  if (loose.length) {
    summary.append(
      el('ul', { class: 'messages' }, loose.map((i) => messageItem(i, i.path ? `${labelOf(i.path)}: ${shortMessage(i)}` : shortMessage(i)))),
    );
  }
  if (errors) {
    summary.append(el('p', { class: 'blocked', text: errors === 1 ? 'Fix the error above to continue.' : `Fix the ${errors} errors above to continue.` }));
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Errors in plain words

/** Issues carried in an API error's `info` ("path: message; path: message"). */
function issuesFromInfo(info) {
  if (!info) return [];
  const known = new Set([...FIELDS.map((f) => f.name), 'timeout_config', 'ivr_greeting', 'type']);
  const out = [];
  for (const part of info.split(/;\s+/)) {
    const m = /^([a-z_][a-z_.]*):\s+(.+)$/s.exec(part);
    if (m && known.has(m[1])) out.push({ path: m[1], code: 'server', severity: 'error', message: `${m[1]}: ${m[2]}`, from: serviceName() });
  }
  return out;
}

function serviceName() {
  return state.mode === 'proxy' ? 'Daily' : 'The emulator';
}

/**
 * Explains an error of a client call: `{ title, details[], issues[] }` where `issues` are field
 * issues that can be shown next to the form's fields.
 */
function explain(error, action) {
  const who = serviceName();
  if (error instanceof ValidationError) {
    return {
      title: `The ${action} was not sent: the package found problems before sending it.`,
      details: error.issues.filter((i) => i.severity !== 'warning').map((i) => `${labelOf(i.path) || 'Request'}: ${shortMessage(i)}`),
      issues: error.issues,
    };
  }
  if (error instanceof DailyApiError) {
    const tries = error.attempts > 1 ? ` The client tried ${error.attempts} times.` : '';
    const info = error.info ? `${who} said: “${error.info}”.` : '';
    const base = { issues: issuesFromInfo(error.info) };
    switch (error.kind) {
      case 'invalid_request':
        return {
          ...base,
          title: `${who} refused the ${action} (400 invalid request).`,
          details: [info, base.issues.length ? 'The fields concerned are marked; correct them and try again.' : 'Correct the values and try again.'].filter(Boolean),
        };
      case 'authentication':
        return {
          ...base,
          title: `${who} did not accept the API key (401).`,
          details: [
            state.mode === 'proxy'
              ? 'Check DAILY_API_KEY in the environment of the dev server (this page never sees the key), then restart it.'
              : 'The emulator was told to refuse this key. Use Clear failures in the emulator tools, or restart the demo.',
          ],
        };
      case 'authorization_header':
        return { ...base, title: `${who} got no usable Authorization header (400).`, details: ['The request had no Bearer API key. In proxy mode, check that the dev server has DAILY_API_KEY set.', info].filter(Boolean) };
      case 'forbidden':
        return { ...base, title: `This API key may not do that (403 forbidden).`, details: ['Dial-in may not be enabled for your Daily domain, or the key lacks the permission.', info].filter(Boolean) };
      case 'not_found':
        return { ...base, title: `${who} has no such config (404): it may have been deleted meanwhile.`, details: ['The list has been refreshed.', info].filter(Boolean) };
      case 'rate_limit':
        return { ...base, title: `Too many requests (429).${tries}`, details: ['Daily allows about 100 requests per 5 seconds. Wait a few seconds, then try again.'] };
      case 'server':
        return {
          ...base,
          title: `${who} had a server error (${error.status}).${tries}`,
          details: [
            error.maybeApplied ? `The ${action} may have been applied anyway: refresh the list before trying again.` : 'Nothing was changed. Try again in a moment.',
            info,
          ].filter(Boolean),
        };
      case 'json_parsing':
        return { ...base, title: `${who} could not read the request body (400 JSON parsing error).`, details: ['This is a bug of this page; please report it.'] };
      default:
        return { ...base, title: `${who} answered the ${action} with an unexpected ${error.status ?? 'response'}.`, details: [info || error.message] };
    }
  }
  if (error instanceof TimeoutError) {
    return { title: `No answer to the ${action} within ${Math.round(error.timeoutMs / 1000)} s.`, details: [error.maybeApplied ? 'It may have been applied anyway: refresh the list before trying again.' : 'Try again.'], issues: [] };
  }
  if (error instanceof NetworkError) {
    return {
      title: `The ${action} could not reach ${state.mode === 'proxy' ? 'Daily through the dev server' : 'the dev server'}.`,
      details: ['Is the dev server still running? Restart it with ./scripts/demo if needed.', error.maybeApplied ? 'The request may have been applied: refresh the list before trying again.' : ''].filter(Boolean),
      issues: [],
    };
  }
  if (error instanceof AbortError) return { title: `The ${action} was cancelled.`, details: [], issues: [] };
  return { title: `The ${action} failed.`, details: [String(error?.message ?? error)], issues: [] };
}

function showError(target, error, action) {
  const e = explain(error, action);
  target.replaceChildren(
    el('div', { class: 'error-box', role: 'alert' }, el('p', { class: 'error-title', text: e.title }), e.details.length ? el('ul', {}, e.details.map((d) => el('li', { text: d }))) : null),
  );
  return e;
}

function showOk(target, text) {
  target.replaceChildren(el('p', { class: 'ok', text }));
}

/**
 * Runs `fn` with `section` busy: aria-busy, its buttons disabled, `label` in `feedback`.
 * Buttons are re-enabled by their section's refresh afterwards.
 */
async function busy(section, feedback, label, fn) {
  const buttons = [...section.querySelectorAll('button, input[type=radio], select')].filter((b) => !b.disabled);
  section.setAttribute('aria-busy', 'true');
  for (const b of buttons) b.disabled = true;
  feedback.replaceChildren(el('p', { class: 'pending', text: label }));
  try {
    return await fn();
  } finally {
    section.removeAttribute('aria-busy');
    for (const b of buttons) b.disabled = false;
    if (feedback.firstElementChild?.classList.contains('pending')) feedback.replaceChildren();
    refreshButtons();
  }
}

// ---------------------------------------------------------------------------------------------
// Connection

function baseUrl() {
  const path = state.mode === 'proxy' ? state.info.proxy.baseUrl : state.info.emulator.baseUrl;
  return new URL(path, location.origin).href.replace(/\/$/, '');
}

function requestOptions() {
  return { apiKey: state.mode === 'proxy' ? PROXY_KEY : EMULATOR_KEY, baseUrl: baseUrl(), allowPrivateUrls: state.mode === 'emulator' };
}

function receiverUrl() {
  return new URL(state.info.emulator.receiver, location.origin).href;
}

function setMode(mode) {
  state.mode = mode;
  state.client = new DailyDialinClient({ ...requestOptions(), maxRetries: 2, timeoutMs: 20000 });
  const emulator = mode === 'emulator';
  $('connection-status').textContent = emulator
    ? `Connected to the local emulator at ${baseUrl()}.`
    : `Connected to ${state.info.proxy.upstream} through ${baseUrl()}; the dev server adds your API key.`;
  $('emulator-tools').hidden = !emulator;
  $('calls').hidden = !emulator;
  // The demo receiver is reachable by the emulator only; Daily needs a public URL.
  const room = create.rows.get('room_creation_api').input;
  if (emulator && room.value === '') room.value = receiverUrl();
  if (!emulator && room.value === receiverUrl()) room.value = '';
  state.serverIssues = [];
  $('create-feedback').replaceChildren();
  $('call-result').replaceChildren();
  validateCreateForm();
  loadList('first');
}

// ---------------------------------------------------------------------------------------------
// Create

let create;

function createType() {
  return document.querySelector('input[name=type]:checked').value;
}

function createBody() {
  return { type: createType(), ...readFields(create) };
}

/** Validates the create form with the WASM core and updates messages, button and preview. */
function validateCreateForm() {
  const type = createType();
  showFieldsFor(create, type);
  const body = createBody();
  const report = validateCreate(body, { allowPrivateUrls: state.mode === 'emulator' });
  const errors = showIssues(create, [...report.issues, ...state.serverIssues], $('create-summary'), { type: $('type-msg') });
  create.errors = errors;
  refreshButtons();
  renderPreview(body, errors);
}

function redactBody(body) {
  if (!body) return body;
  try {
    const v = JSON.parse(body);
    if (typeof v.hmac === 'string') v.hmac = '***';
    return JSON.stringify(v, null, 2);
  } catch {
    return body;
  }
}

function requestView(req) {
  const headers = { ...req.headers, Authorization: 'Bearer ***' };
  return el(
    'dl',
    { class: 'request' },
    el('dt', { text: 'Method' }),
    el('dd', {}, el('code', { text: req.method })),
    el('dt', { text: 'URL' }),
    el('dd', {}, el('code', { class: 'wrap', text: req.url })),
    el('dt', { text: 'Headers' }),
    el('dd', {}, el('pre', { class: 'code', tabindex: 0, text: Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n') })),
    el('dt', { text: 'Body' }),
    el('dd', {}, el('pre', { class: 'code', tabindex: 0, text: redactBody(req.body) ?? '(none)' })),
  );
}

function renderPreview(body, errors) {
  const out = $('preview-request');
  let curl = '';
  if (errors) {
    out.replaceChildren(el('p', { class: 'hint', text: 'No request yet: it can be built once the errors are fixed.' }));
  } else {
    try {
      const req = buildCreateRequest(body, requestOptions());
      out.replaceChildren(requestView(req));
      curl = toCurl(req);
    } catch (e) {
      out.replaceChildren(el('p', { class: 'hint', text: `No request: ${e.message}` }));
    }
  }
  $('preview-curl').textContent = curl;
  $('preview-curl-box').hidden = !curl;
}

async function submitCreate(event) {
  event.preventDefault();
  if (create.errors) return;
  const body = createBody();
  const feedback = $('create-feedback');
  try {
    const config = await busy($('create'), feedback, 'Creating the config…', () => state.client.create(body));
    state.serverIssues = [];
    for (const { def, input } of create.rows.values()) {
      if (def.name !== 'room_creation_api') input.value = '';
    }
    validateCreateForm();
    showOk(feedback, `Created ${TYPE_NAMES[config.type]} config ${titleOf(config)} (id ${config.id}).`);
    await loadList('first');
  } catch (e) {
    const explained = showError(feedback, e, 'create request');
    state.serverIssues = e instanceof ValidationError ? [] : explained.issues;
    validateCreateForm();
  }
}

// ---------------------------------------------------------------------------------------------
// List

function titleOf(config) {
  const c = config.config ?? {};
  return c.name_prefix || c.phone_number || c.sip_uri || config.id;
}

function listQuery() {
  const q = { limit: Number($('filter-limit').value) };
  if ($('filter-type').value) q.type = $('filter-type').value;
  if ($('filter-phone').value) q.phone_number = $('filter-phone').value;
  return q;
}

function validateFilters() {
  const report = validateListQuery(listQuery());
  const list = $('filter-phone-msg');
  list.replaceChildren(...report.issues.map((i) => messageItem(i, i.path === 'phone_number' ? shortMessage(i) : `${labelOf(i.path)}: ${shortMessage(i)}`)));
  $('filter-phone').toggleAttribute('aria-invalid', !report.ok);
  state.filtersOk = report.ok;
  refreshButtons();
  return report.ok;
}

/** Loads a page: 'first', 'older', 'newer', or the current one again (undefined). */
async function loadList(where) {
  if (!validateFilters()) return;
  const l = state.list;
  let cursor = l.cursor;
  let index = l.index;
  if (where === 'first') {
    cursor = null;
    index = 0;
  } else if (where === 'older' && l.data.length) {
    cursor = { starting_after: l.data.at(-1).id };
    index++;
  } else if (where === 'newer' && l.data.length) {
    index = Math.max(0, index - 1);
    cursor = index === 0 ? null : { ending_before: l.data[0].id };
  }
  const query = { ...listQuery(), ...cursor };
  const feedback = $('list-feedback');
  try {
    const page = await busy($('configs'), feedback, 'Loading configs…', () => state.client.list(query));
    Object.assign(l, { cursor, index, data: page.data, total: page.total_count, limit: query.limit });
    if (!page.data.length && index > 0) return loadList('newer');
    renderList();
  } catch (e) {
    showError(feedback, e, 'list request');
  }
}

function detail(label, value, cls) {
  if (value === undefined || value === null || value === '') return [];
  return [el('dt', { text: label }), el('dd', {}, el('span', { class: cls ?? 'wrap', text: value }))];
}

function renderList() {
  const l = state.list;
  const list = $('config-list');
  list.replaceChildren();
  const first = l.index * l.limit + 1;
  $('list-summary').textContent = l.data.length
    ? `${l.total} config${l.total === 1 ? '' : 's'}${l.total > l.data.length ? `; showing ${first}–${first + l.data.length - 1}` : ''}, newest first.`
    : l.total
      ? `No configs on this page (${l.total} in all).`
      : 'No configs yet. Create one above.';
  for (const config of l.data) {
    const c = config.config ?? {};
    const title = titleOf(config);
    const titleId = `cfg-${config.id}`;
    const hidden = (text) => el('span', { class: 'vh', text: ` ${text}` });
    const simulate = state.mode === 'emulator' && config.type === PINLESS && c.room_creation_api;
    list.append(
      el(
        'li',
        { class: 'config', 'data-id': config.id, 'data-type': config.type },
        el('article', { 'aria-labelledby': titleId },
          el('h3', { id: titleId }, el('span', { class: 'wrap', text: title }), ' ', el('span', { class: `badge ${config.type}`, text: TYPE_NAMES[config.type] ?? config.type })),
          el(
            'dl',
            { class: 'details' },
            detail('Phone number', c.phone_number ?? 'none (SIP only)'),
            detail('SIP URI', c.sip_uri),
            detail('Name prefix', c.name_prefix),
            detail('Webhook', c.room_creation_api),
            detail('Hold music', c.hold_music_url),
            detail('Timeout message', c.timeout_config?.message),
            detail('IVR greeting', c.ivr_greeting?.message),
            detail('HMAC secret', c.hmac ? 'set (hidden)' : undefined),
            detail('ID', config.id, 'wrap mono'),
          ),
          el(
            'div',
            { class: 'buttons' },
            el('button', { type: 'button', onclick: (e) => openEdit(config, e.currentTarget) }, 'Edit', hidden(title)),
            simulate ? el('button', { type: 'button', onclick: () => simulateCall(config) }, 'Simulate incoming call', hidden(`to ${title}`)) : null,
            el('button', { type: 'button', class: 'danger', onclick: () => deleteConfig(config) }, 'Delete', hidden(title)),
          ),
        ),
      ),
    );
  }
  refreshButtons();
}

async function deleteConfig(config) {
  const where = state.mode === 'proxy' ? 'from your Daily domain' : 'from the emulator';
  if (!confirm(`Delete the ${TYPE_NAMES[config.type]} config ${titleOf(config)} ${where}?`)) return;
  const feedback = $('list-feedback');
  try {
    await busy($('configs'), feedback, `Deleting ${titleOf(config)}…`, () => state.client.delete(config.id));
    await loadList();
    showOk(feedback, `Deleted ${titleOf(config)}.`);
  } catch (e) {
    showError(feedback, e, 'delete request');
    if (e instanceof DailyApiError && e.kind === 'not_found') await loadList();
  }
}

/** Enables the buttons whose conditions hold (outside of busy sections). */
function refreshButtons() {
  if (!create) return;
  if (!$('create').hasAttribute('aria-busy')) $('create-button').disabled = Boolean(create.errors);
  if (!$('configs').hasAttribute('aria-busy')) {
    const l = state.list;
    $('page-newer').disabled = l.index === 0;
    $('page-older').disabled = l.data.length < l.limit || l.index * l.limit + l.data.length >= l.total;
    $('filter-button').disabled = state.filtersOk === false;
  }
  if (edit && !$('edit-dialog').hasAttribute('aria-busy')) $('edit-save').disabled = Boolean(edit.errors);
}

// ---------------------------------------------------------------------------------------------
// Edit

let edit;

function editPatch() {
  const original = state.editing.config.config ?? {};
  return readFields(edit, (def, value) => value !== String(getPath(original, def.name) ?? ''));
}

function validateEditForm() {
  const { config } = state.editing;
  const patch = editPatch();
  const report = validateUpdate(patch, { type: config.type, allowPrivateUrls: state.mode === 'emulator' });
  const issues = report.issues.map((i) => (i.code === 'empty_update' ? { ...i, message: 'Nothing changed yet: edit a field to save.' } : i));
  edit.errors = showIssues(edit, [...issues, ...state.editing.serverIssues], $('edit-summary'));
  refreshButtons();
  try {
    $('edit-curl').textContent = edit.errors ? 'No request yet: fix the errors first.' : toCurl(buildUpdateRequest(config.id, patch, { ...requestOptions(), type: config.type }));
  } catch (e) {
    $('edit-curl').textContent = `No request: ${e.message}`;
  }
}

function openEdit(config, opener) {
  state.editing = { config, opener, serverIssues: [] };
  showFieldsFor(edit, config.type);
  for (const { def, input } of edit.rows.values()) {
    input.value = def.secret ? '' : String(getPath(config.config ?? {}, def.name) ?? '');
  }
  $('edit-title').textContent = `Edit ${titleOf(config)}`;
  $('edit-subtitle').textContent = `${TYPE_NAMES[config.type]} config ${config.id}. The type cannot change: delete the config and create a new one instead.`;
  $('edit-feedback').replaceChildren();
  validateEditForm();
  $('edit-dialog').showModal();
  edit.rows.get('phone_number').input.focus();
}

function closeEdit() {
  $('edit-dialog').close();
}

async function submitEdit(event) {
  event.preventDefault();
  if (edit.errors) return;
  const { config } = state.editing;
  const patch = editPatch();
  const feedback = $('edit-feedback');
  try {
    const updated = await busy($('edit-dialog'), feedback, 'Saving…', () => state.client.update(config.id, patch, { type: config.type }));
    closeEdit();
    await loadList();
    showOk($('list-feedback'), `Saved ${titleOf(updated)}.`);
    // The list was drawn again: give the focus to the edited config's Edit button.
    document.querySelector(`li.config[data-id="${CSS.escape(config.id)}"] button`)?.focus();
  } catch (e) {
    const explained = showError(feedback, e, 'update request');
    state.editing.serverIssues = e instanceof ValidationError ? [] : explained.issues;
    validateEditForm();
    if (e instanceof DailyApiError && e.kind === 'not_found') loadList();
  }
}

// ---------------------------------------------------------------------------------------------
// Emulator admin routes and the demo webhook receiver (not Daily's API: plain fetch)

async function admin(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const value = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${path} failed with ${r.status}${value.info ? `: ${value.info}` : ''}`);
  return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function callSettled(call) {
  return (call.status === 'routed' && call.webhook_status != null) || call.status === 'webhook_failed' || call.status === 'timed_out';
}

async function simulateCall(config) {
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
    feedback.replaceChildren(el('div', { class: 'error-box', role: 'alert' }, el('p', { class: 'error-title', text: 'The call could not be simulated.' }), el('p', { text: e.message })));
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
    feedback.replaceChildren(el('div', { class: 'error-box', role: 'alert' }, el('p', { class: 'error-title', text: 'The call could not be checked.' }), el('p', { text: e.message })));
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

// ---------------------------------------------------------------------------------------------
// Start

async function start() {
  await init();
  state.info = await admin('GET', '/demo/info');
  create = buildFields($('create-fields'), 'create', 'create');
  edit = buildFields($('edit-fields'), 'edit', 'edit');

  const proxyRadio = $('mode-proxy');
  if (state.info.proxy) {
    $('mode-proxy-hint').textContent = `Requests go to ${state.info.proxy.upstream}. The dev server adds your API key (DAILY_API_KEY); this page never sees it.`;
  } else {
    proxyRadio.disabled = true;
    $('mode-proxy-hint').textContent = 'Off: start the demo with DAILY_API_KEY set (DAILY_API_KEY=… ./scripts/demo) to manage a real Daily domain.';
  }
  $('receiver-url').textContent = receiverUrl();
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.addEventListener('change', () => setMode(radio.value));

  const createForm = $('create-form');
  createForm.addEventListener('input', () => {
    state.serverIssues = [];
    validateCreateForm();
  });
  createForm.addEventListener('submit', submitCreate);

  const filters = $('filter-form');
  filters.addEventListener('input', validateFilters);
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    loadList('first');
  });
  $('refresh-button').addEventListener('click', () => loadList());
  $('page-newer').addEventListener('click', () => loadList('newer'));
  $('page-older').addEventListener('click', () => loadList('older'));

  const editForm = $('edit-form');
  editForm.addEventListener('input', () => {
    state.editing.serverIssues = [];
    validateEditForm();
  });
  editForm.addEventListener('submit', submitEdit);
  $('edit-cancel').addEventListener('click', closeEdit);
  $('edit-dialog').addEventListener('close', () => state.editing?.opener?.isConnected && state.editing.opener.focus());

  $('fault-form').addEventListener('submit', queueFault);
  $('clear-faults').addEventListener('click', () => emulatorAction('Clearing…', 'DELETE', '/_emulator/faults', 'No failures are queued now.'));
  $('reset-emulator').addEventListener('click', () => {
    if (confirm('Delete every config, call and queued failure of the emulator?')) emulatorAction('Resetting…', 'POST', '/_emulator/reset', 'The emulator is empty again.');
  });

  for (const id of ['connection', 'create', 'preview', 'configs']) $(id).hidden = false;
  $('boot').remove();
  setMode(proxyRadio.checked && !proxyRadio.disabled ? 'proxy' : 'emulator');
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  const boot = $('boot');
  boot.className = 'feedback';
  boot.replaceChildren(el('div', { class: 'error-box', role: 'alert' }, el('p', { class: 'error-title', text: 'The page could not start.' }), el('p', { text: String(e?.message ?? e) })));
});
