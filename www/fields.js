// The config fields of the create form and the edit dialog, built from one table (FIELDS), and
// the display of validation issues next to them. No page state here: each form's context is
// returned to its panel, which keeps it in `state`.
import { generateHmacSecret } from 'daily-dialin';
import { el } from './dom.js';
import { checkControls } from './music.js';

export const PINLESS = 'pinless_dialin';
export const PIN = 'pin_dialin';
export const TYPE_NAMES = { [PINLESS]: 'Pinless', [PIN]: 'PIN' };

/**
 * The config fields, in the API's order. `name` is the issue path (dots for nested fields);
 * `types` the config types that have the field.
 */
export const FIELDS = [
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
    hint: 'Optional. A public MP3 file (under 10 MB and 60 s) played while the caller waits. Check fetches it and reads it.',
    check: true,
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

const fieldId = (prefix, name) => `${prefix}-${name.replace(/[._]/g, '-')}`;

export function getPath(obj, name) {
  return name.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function setPath(obj, name, value) {
  const keys = name.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}

/** The name a config is shown by: its name prefix, else its number, SIP URI or id. */
export function titleOf(config) {
  const c = config.config ?? {};
  return c.name_prefix || c.phone_number || c.sip_uri || config.id;
}

/**
 * Renders the fields of FIELDS into `container` with ids `${prefix}-...`; returns a form context
 * used to read values and show issues.
 */
export function buildFields(container, prefix, purpose) {
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
    const check = def.check ? checkControls(input, id) : null;
    const row = el(
      'div',
      { class: 'field', 'data-field': def.name },
      el('label', { for: id, text: def.label }),
      check ? el('div', { class: 'with-button' }, control, check.button) : control,
      hint,
      messages,
      check ? [check.useTest, check.result] : [],
    );
    container.append(row);
    rows.set(def.name, { def, row, input, hint, messages });
  }
  return { prefix, purpose, rows };
}

/** Shows the fields of `type` (hiding the others) with their hints. */
export function showFieldsFor(ctx, type) {
  for (const { def, row, hint } of ctx.rows.values()) {
    row.hidden = !def.types.includes(type);
    const text = typeof def.hint === 'string' ? def.hint : (def.hint[ctx.purpose] ?? def.hint[type]);
    hint.textContent = text;
  }
}

/** The non-empty values of the visible fields, as an API body. */
export function readFields(ctx, keep = () => true) {
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
export function shortMessage(issue) {
  const m = issue.message;
  for (const prefix of [`${issue.path}: `, `${issue.path} `]) {
    if (issue.path && m.startsWith(prefix)) {
      const rest = m.slice(prefix.length);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
  }
  return m.charAt(0).toUpperCase() + m.slice(1);
}

export function labelOf(path) {
  const def = FIELDS.find((d) => d.name === path || d.name.startsWith(`${path}.`));
  if (def) return def.label;
  if (path === 'type') return 'Type';
  return path ? `“${path}”` : '';
}

export function messageItem(issue, text, extra) {
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
export function showIssues(ctx, issues, summary, extraTargets = {}) {
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
