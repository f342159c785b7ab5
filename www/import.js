// The "Configs as code" panel: import a desired-state file, see its plan, then apply it. The plan
// is the package's (`planConfigs` of daily-dialin/configs, the same code as the CLI's `plan`), and
// so is the applier (`applyPlan` of daily-dialin/apply): nothing here decides what to send. The
// configs module (its own .wasm) is loaded on the first Plan, not with the page.
import { init as initConfigs, planConfigs } from 'daily-dialin/configs';
import { applyPlan, samePlan, issuePlace } from 'daily-dialin/apply';
import { ValidationError } from 'daily-dialin';
import { $, el } from './dom.js';
import { busy, showError, showOk, errorBox } from './feedback.js';
import { loadList } from './configs.js';
import { state } from './state.js';

/** The plan shown, with what it was made from; cleared when the file or the options change. */
let shown = null;

/** `NAME=value` lines (values for `{ "env": "NAME" }`). */
function readEnv(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].trim();
  }
  return env;
}

async function listAll() {
  const all = [];
  for await (const c of state.client.listAll()) all.push(c);
  return all;
}

function reset() {
  shown = null;
  $('import-apply').disabled = true;
  $('import-plan-text').hidden = true;
  $('import-report').replaceChildren();
}

/** Reads the form and plans against the stored configs; throws a ValidationError for the file. */
async function makePlan() {
  let file;
  try {
    file = JSON.parse($('import-text').value);
  } catch (e) {
    throw new SyntaxError(`The file is not JSON: ${e.message}`);
  }
  await initConfigs();
  const options = { env: readEnv($('import-env').value), prune: $('import-prune').checked, allowPrivateUrls: state.mode === 'emulator' };
  try {
    return { file, options, plan: planConfigs(file, await listAll(), options) };
  } catch (e) {
    if (e instanceof ValidationError) e.file = file;
    throw e;
  }
}

function showPlanError(feedback, e) {
  if (e instanceof SyntaxError) return feedback.replaceChildren(errorBox(e.message));
  if (e instanceof ValidationError && e.file) {
    const errors = e.issues.filter((i) => i.severity === 'error');
    return feedback.replaceChildren(errorBox('The file has errors; nothing was planned.', el('ul', {}, errors.map((i) => el('li', { text: `${issuePlace(e.file, i.path)}: ${i.message}` })))));
  }
  showError(feedback, e, 'plan');
}

async function plan() {
  reset();
  const feedback = $('import-feedback');
  try {
    shown = await busy($('import'), feedback, 'Planning…', makePlan);
  } catch (e) {
    return showPlanError(feedback, e);
  }
  const p = shown.plan;
  const out = $('import-plan-text');
  out.textContent = p.text;
  out.hidden = false;
  const s = p.summary;
  const warnings = p.warnings.map((w) => `${issuePlace(shown.file, w.path)}: ${w.message}`);
  const text = p.hasChanges
    ? `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete. Nothing is sent until you apply it.`
    : 'No changes: the configs are as the file says.';
  feedback.replaceChildren(el('p', { class: 'ok', text }), ...(warnings.length ? [el('ul', { class: 'messages' }, warnings.map((w) => el('li', { text: w })))] : []));
  $('import-apply').disabled = !p.hasChanges;
}

async function apply() {
  if (!shown) return;
  const feedback = $('import-feedback');
  const bar = $('import-progress');
  const list = $('import-report');
  try {
    const report = await busy($('import'), feedback, 'Applying…', async () => {
      // Plan again from the configs stored now: apply only what was shown.
      const again = planConfigs(shown.file, await listAll(), shown.options);
      if (!samePlan(again, shown.plan)) {
        shown = null;
        const err = new Error('The stored configs changed since this plan was made; nothing was applied. Plan again.');
        err.stale = true;
        throw err;
      }
      bar.hidden = false;
      bar.value = 0;
      return applyPlan(state.client, again, {
        onProgress: ({ done, total }) => {
          bar.max = total;
          bar.value = done;
        },
      });
    });
    const line = (cls, text) => el('li', { class: cls, text });
    list.replaceChildren(
      ...report.done.map((d) => line('ok', `done: ${d.label}`)),
      ...report.rolledBack.map((d) => line('warn', `rolled back: ${d.label}: ${d.error}; the old config was put back`)),
      ...report.failed.map((d) => line('error', `failed: ${d.label}: ${d.error}`)),
      ...report.skipped.map((d) => line('', `skipped: ${d.label}`)),
    );
    const summary = `${report.done.length} done, ${report.failed.length} failed, ${report.rolledBack.length} rolled back, ${report.skipped.length} skipped.`;
    if (report.failed.length || report.rolledBack.length) feedback.replaceChildren(errorBox(`Not everything was applied: ${summary}`));
    else showOk(feedback, `Applied: ${summary}`);
    shown = null;
    $('import-apply').disabled = true;
    await loadList('first');
  } catch (e) {
    if (e.stale) {
      feedback.replaceChildren(errorBox(e.message));
      $('import-apply').disabled = true;
    } else showError(feedback, e, 'apply');
  } finally {
    bar.hidden = true;
  }
}

export function setupImport() {
  $('import-file').addEventListener('change', async (event) => {
    const f = event.target.files?.[0];
    if (f) $('import-text').value = await f.text();
    reset();
  });
  for (const id of ['import-text', 'import-env', 'import-prune']) $(id).addEventListener('input', reset);
  $('import-plan').addEventListener('click', plan);
  $('import-apply').addEventListener('click', apply);
}
