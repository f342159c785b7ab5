// What a section tells the user after a request: errors in plain words, success, and the busy
// state while the request runs (with the buttons enabled again afterwards from `state`).
import { DailyApiError, ValidationError, NetworkError, TimeoutError, AbortError } from 'daily-dialin';
import { $, el } from './dom.js';
import { FIELDS, labelOf, shortMessage } from './fields.js';
import { state, serviceName } from './state.js';

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

/**
 * Explains an error of a client call: `{ title, details[], issues[] }` where `issues` are field
 * issues that can be shown next to the form's fields.
 */
export function explain(error, action) {
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

/** An alert box: `title`, then `body` (paragraphs or a list). */
export function errorBox(title, ...body) {
  return el('div', { class: 'error-box', role: 'alert' }, el('p', { class: 'error-title', text: title }), ...body);
}

export function showError(target, error, action) {
  const e = explain(error, action);
  target.replaceChildren(errorBox(e.title, e.details.length ? el('ul', {}, e.details.map((d) => el('li', { text: d }))) : null));
  return e;
}

export function showOk(target, text) {
  target.replaceChildren(el('p', { class: 'ok', text }));
}

/**
 * Runs `fn` with `section` busy: aria-busy, its buttons disabled, `label` in `feedback`.
 * Buttons are re-enabled by their section's refresh afterwards.
 */
export async function busy(section, feedback, label, fn) {
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

/** Enables the buttons whose conditions hold (outside of busy sections). */
export function refreshButtons() {
  const { createForm, editForm } = state;
  if (!createForm) return;
  if (!$('create').hasAttribute('aria-busy')) $('create-button').disabled = Boolean(createForm.errors);
  if (!$('configs').hasAttribute('aria-busy')) {
    const l = state.list;
    $('page-newer').disabled = l.index === 0;
    $('page-older').disabled = l.data.length < l.limit || l.index * l.limit + l.data.length >= l.total;
    $('filter-button').disabled = state.filtersOk === false;
  }
  if (editForm && !$('edit-dialog').hasAttribute('aria-busy')) $('edit-save').disabled = Boolean(editForm.errors);
}
