// The "Configs" panel and its edit dialog: one page of configs at a time (newest first, filtered
// by type and phone number), with Edit, Delete and, on the emulator, Simulate incoming call.
import { DailyApiError, ValidationError, validateListQuery, validateUpdate, buildUpdateRequest, toCurl } from 'daily-dialin';
import { $, el, detail } from './dom.js';
import { PINLESS, TYPE_NAMES, titleOf, getPath, buildFields, showFieldsFor, readFields, showIssues, messageItem, shortMessage, labelOf } from './fields.js';
import { busy, showError, showOk, refreshButtons } from './feedback.js';
import { simulateCall } from './calls.js';
import { state, requestOptions } from './state.js';

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
export async function loadList(where) {
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

// ---------------------------------------------------------------------------------------------
// The edit dialog

function editPatch() {
  const original = state.editing.config.config ?? {};
  return readFields(state.editForm, (def, value) => value !== String(getPath(original, def.name) ?? ''));
}

function validateEditForm() {
  const { config } = state.editing;
  const patch = editPatch();
  const report = validateUpdate(patch, { type: config.type, allowPrivateUrls: state.mode === 'emulator' });
  const issues = report.issues.map((i) => (i.code === 'empty_update' ? { ...i, message: 'Nothing changed yet: edit a field to save.' } : i));
  state.editForm.errors = showIssues(state.editForm, [...issues, ...state.editing.serverIssues], $('edit-summary'));
  refreshButtons();
  try {
    $('edit-curl').textContent = state.editForm.errors ? 'No request yet: fix the errors first.' : toCurl(buildUpdateRequest(config.id, patch, { ...requestOptions(), type: config.type }));
  } catch (e) {
    $('edit-curl').textContent = `No request: ${e.message}`;
  }
}

function openEdit(config, opener) {
  state.editing = { config, opener, serverIssues: [] };
  showFieldsFor(state.editForm, config.type);
  for (const { def, input } of state.editForm.rows.values()) {
    input.value = def.secret ? '' : String(getPath(config.config ?? {}, def.name) ?? '');
  }
  $('edit-title').textContent = `Edit ${titleOf(config)}`;
  $('edit-subtitle').textContent = `${TYPE_NAMES[config.type]} config ${config.id}. The type cannot change: delete the config and create a new one instead.`;
  $('edit-feedback').replaceChildren();
  validateEditForm();
  $('edit-dialog').showModal();
  state.editForm.rows.get('phone_number').input.focus();
}

function closeEdit() {
  $('edit-dialog').close();
}

async function submitEdit(event) {
  event.preventDefault();
  if (state.editForm.errors) return;
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

/** Builds the edit dialog's fields and wires the filters, the pager and the dialog. */
export function setupConfigs() {
  state.editForm = buildFields($('edit-fields'), 'edit', 'edit');

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
}
