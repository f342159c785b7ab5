// The "Create a config" panel and its request preview: the fields follow the chosen type, every
// input is validated by the WASM core, and the preview shows what Create config will send.
import { ValidationError, validateCreate, buildCreateRequest, redactRequest, toCurl } from 'daily-dialin';
import { $, el } from './dom.js';
import { TYPE_NAMES, titleOf, buildFields, readFields, showFieldsFor, showIssues } from './fields.js';
import { busy, showError, showOk, refreshButtons } from './feedback.js';
import { loadList } from './configs.js';
import { state, requestOptions } from './state.js';

function createType() {
  return document.querySelector('input[name=type]:checked').value;
}

function createBody() {
  return { type: createType(), ...readFields(state.createForm) };
}

/** Validates the create form with the WASM core and updates messages, button and preview. */
export function validateCreateForm() {
  const type = createType();
  showFieldsFor(state.createForm, type);
  const body = createBody();
  const report = validateCreate(body, { allowPrivateUrls: state.mode === 'emulator' });
  const errors = showIssues(state.createForm, [...report.issues, ...state.serverIssues], $('create-summary'), { type: $('type-msg') });
  state.createForm.errors = errors;
  refreshButtons();
  renderPreview(body, errors);
}

/** The body for the preview, pretty-printed (it is already redacted: `redactRequest`). */
function pretty(body) {
  if (!body) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** The request as the package redacts it for previews: the key as `Bearer ***`, every `hmac` as `***`. */
function requestView(built) {
  const req = redactRequest(built);
  const headers = req.headers;
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
    el('dd', {}, el('pre', { class: 'code', tabindex: 0, text: pretty(req.body) ?? '(none)' })),
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
  if (state.createForm.errors) return;
  const body = createBody();
  const feedback = $('create-feedback');
  try {
    const config = await busy($('create'), feedback, 'Creating the config…', () => state.client.create(body));
    state.serverIssues = [];
    for (const { def, input } of state.createForm.rows.values()) {
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

/** Builds the create form's fields and wires the form. */
export function setupCreate() {
  state.createForm = buildFields($('create-fields'), 'create', 'create');
  const form = $('create-form');
  form.addEventListener('input', () => {
    state.serverIssues = [];
    validateCreateForm();
  });
  form.addEventListener('submit', submitCreate);
}
