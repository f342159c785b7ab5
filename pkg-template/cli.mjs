#!/usr/bin/env node
// daily-dialin: manage Daily dial-in configs as code (docs/daily-api.md#configs-as-code).
// Plain Node 20+, no dependencies: the rules (validation, plan, secrets) are the package's own
// `validateConfigsFile` / `planConfigs`; this file only reads arguments, talks to Daily through
// `DailyDialinClient`, and prints.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DailyDialinClient, ValidationError, DailyApiError } from './node.mjs';
import { checkHoldMusic } from './hold-music/node.mjs';
import { validateConfigsFile, planConfigs, planLegacyMigration, planLegacyClearing, upsert, changeType } from './configs/node.mjs';
import { applyPlan, samePlan, issuePlace } from './apply.js';

// Exit codes (documented in README.md, "Manage configs as code").
const OK = 0; // success, or no changes
const API = 1; // API or network error, or the configs changed since the plan was shown
const USAGE = 2; // usage or validation error
const CHANGES = 3; // `plan --detailed-exitcode`: the plan has changes

const COMMON = {
  'base-url': { type: 'string' },
  'allow-private-urls': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const HELP = {
  '': `Usage: daily-dialin <command> [options]

Manage Daily dial-in configs (/v1/domain-dialin-config) as code.

Commands:
  validate FILE        check a desired-state file offline
  plan FILE            show what apply would change
  apply FILE           bring Daily's configs to the file
  migrate-legacy       move the legacy domain-level dial-in arrays to configs
  list                 list the stored configs
  get ID               show one config
  create BODY          create one config (BODY: a JSON file, or - for stdin)
  update ID BODY       update one config
  upsert BODY          create the config, or update the one with BODY's number
  change-type ID BODY  change a config's type (ID, or +NUMBER), putting it back on failure
  delete ID            delete one config
  export               print the stored configs as a desired-state file
  check-music URL      check that a hold_music_url will play (an MP3, under 10 MB and 60 s)

Options (every command):
  --json                   machine-readable output on stdout
  --base-url URL           API base URL (default https://api.daily.co/v1)
  --allow-private-urls     accept localhost and private hosts (the local emulator)
  -h, --help               help for a command

The API key is read from DAILY_API_KEY. Exit codes: 0 success or no changes, 1 API or network
error, 2 usage or validation error, 3 plan has changes (plan --detailed-exitcode only).`,
  validate: `Usage: daily-dialin validate FILE [--online] [--json]

Checks a desired-state file offline: { "env": "NAME" } values are checked by name, not read.
--online also fetches each hold_music_url and warns when Daily could not play it (check-music).
Exit 0 when it has no errors, 2 otherwise (warnings do not count).`,
  plan: `Usage: daily-dialin plan FILE [--prune] [--detailed-exitcode] [--json]

Shows the actions that bring the stored configs to FILE, and warns (on stderr) about each
hold_music_url that Daily could not play (check-music). Secrets (hmac, values from the
environment) show as changed or not, never their values. --json prints the plan as JSON (no
secrets); save it to pass to apply --expect-plan.
--prune also deletes the stored configs that FILE does not hold.
--detailed-exitcode exits 3 when the plan has changes (0 when none).`,
  apply: `Usage: daily-dialin apply FILE [--yes] [--prune] [--expect-plan PLAN.json] [--json]

Plans, shows the plan and, once approved, applies it. Without --yes it asks on a terminal, and
refuses without one. Before applying it reads the stored configs again and refuses (exit 1) if the
plan differs from the one shown, or from PLAN.json (the output of plan --json) with --expect-plan.
A type change deletes the config and creates it again; if the create fails, the old config is
created back. The report lists what was done, skipped and rolled back.`,
  list: `Usage: daily-dialin list [--json]

Lists every stored config (hmac values are not shown).`,
  get: `Usage: daily-dialin get ID [--json]

Shows one config (its hmac is not shown).`,
  create: `Usage: daily-dialin create BODY [--json]

Creates one config from BODY, a JSON file with a create body ({ "type": "pinless_dialin", ... }),
or - to read it from stdin. Checked before it is sent (every problem at once, exit 2). Sent once
even when retried: if the answer is lost, the client looks for the config it made. Prints the
stored config (its hmac is not shown).`,
  update: `Usage: daily-dialin update ID BODY [--json]

Updates config ID with BODY, a JSON file (or - for stdin) with the fields to change; the others
stay as stored. type cannot change: use change-type (a type change is a delete and a create that
puts the old config back if the create fails).`,
  upsert: `Usage: daily-dialin upsert BODY [--json]

Creates the config of BODY (a JSON create body, or - for stdin), or updates the one that has its
phone_number (for a body without one: its name_prefix, among the configs without a number).
Checked before anything is sent (every problem at once, exit 2), and refused the same way when
that config has the other type (use change-type) or several configs share the name_prefix.
Prints the stored config (its hmac is not shown).`,
  'change-type': `Usage: daily-dialin change-type ID|+NUMBER BODY [--json]

Changes the type of config ID (or of the config with +NUMBER): deletes it and creates BODY (a JSON
create body, or - for stdin) with its number. If that create fails, the old config (hmac
included) is created back (exit 1, "the old config was put back"). A config already of BODY's
type is updated instead. Checked before anything is sent (exit 2). Prints the new config (its
hmac is not shown).`,
  'migrate-legacy': `Usage: daily-dialin migrate-legacy [--yes] [--clear] [--json]

Moves the legacy dial-in arrays of the domain config (GET /v1/: config.pinless_dialin[] and
config.pin_dialin[]) to /domain-dialin-config configs, each hmac kept, in three steps, each safe to
run again:
  1. reads the arrays and the stored configs; an entry whose number (or name_prefix) already has a
     config is kept as configured; an entry that cannot move says why (it stays in the array);
  2. shows the plan (creates) and, once approved (--yes, or y on a terminal), applies it;
  3. with --clear, reads both again and removes from the arrays only the entries that a config now
     covers (POST /v1/ with the arrays that are left), so no number is dropped at any step.
Exit 0 when every entry is configured (and cleared, with --clear), 1 on an API error or when
entries could not move (listed; they stay in the arrays), 2 on a usage error.`,
  delete: `Usage: daily-dialin delete ID [--json]

Deletes one config.`,
  'check-music': `Usage: daily-dialin check-music URL [--timeout-ms MS] [--json]

Fetches the file (only the bytes it needs, with Range requests when the server allows them; never
more than 10 MB) and checks that Daily can play it as hold music: a public https URL, an MP3, under
10 MB and under 60 seconds. Prints its duration, size and format, or what is wrong.
Exit 0 when it will play, 2 when it will not (the issues say why).`,
  export: `Usage: daily-dialin export

Prints the stored configs as a desired-state file (JSON). Each hmac is replaced by
{ "env": "DAILY_HMAC_<n>" }: set those variables before you plan or apply it.`,
};

const EXTRA = {
  validate: { online: { type: 'boolean' } },
  plan: { prune: { type: 'boolean' }, 'detailed-exitcode': { type: 'boolean' } },
  apply: { prune: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' }, 'expect-plan': { type: 'string' } },
  'migrate-legacy': { yes: { type: 'boolean', short: 'y' }, clear: { type: 'boolean' } },
  list: {},
  get: {},
  create: {},
  update: {},
  upsert: {},
  'change-type': {},
  delete: {},
  export: {},
  'check-music': { 'timeout-ms': { type: 'string' } },
};
const POSITIONALS = { validate: ['FILE'], plan: ['FILE'], apply: ['FILE'], get: ['ID'], create: ['BODY'], update: ['ID', 'BODY'], upsert: ['BODY'], 'change-type': ['ID', 'BODY'], 'migrate-legacy': [], delete: ['ID'], list: [], export: [], 'check-music': ['URL'] };

class Exit extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const color = process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

function out(s) {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}

function parse(argv) {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(HELP['']);
    throw new Exit(command === undefined ? USAGE : OK);
  }
  if (!(command in EXTRA)) throw new Exit(USAGE, `unknown command "${command}"; see daily-dialin --help`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: { ...COMMON, ...EXTRA[command] }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Exit(USAGE, `${e.message}; see daily-dialin ${command} --help`);
  }
  if (parsed.values.help) {
    out(HELP[command]);
    throw new Exit(OK);
  }
  const want = POSITIONALS[command];
  if (parsed.positionals.length !== want.length) {
    throw new Exit(USAGE, `${command} takes ${want.length ? want.join(' ') : 'no arguments'}; see daily-dialin ${command} --help`);
  }
  return { command, args: parsed.positionals, opts: parsed.values };
}

function client(opts) {
  const apiKey = process.env.DAILY_API_KEY;
  if (!apiKey) throw new Exit(USAGE, 'DAILY_API_KEY is not set: export your Daily API key (dashboard, Developers) as DAILY_API_KEY');
  try {
    return new DailyDialinClient({ apiKey, baseUrl: opts['base-url'], allowPrivateUrls: !!opts['allow-private-urls'] });
  } catch (e) {
    throw new Exit(USAGE, e.message);
  }
}

function readFile(path) {
  let text;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new Exit(USAGE, `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Exit(USAGE, `${path === '-' ? 'stdin' : path} is not JSON: ${e.message}`);
  }
}

function printIssues(file, issues, stream = process.stderr) {
  for (const i of issues) {
    const tag = i.severity === 'error' ? paint(31, 'error') : paint(33, 'warning');
    stream.write(`${tag}: ${issuePlace(file, i.path)}: ${i.message}\n`);
  }
}

/** A plan, or exit 2 with the file's issues. */
function makePlan(file, current, opts) {
  try {
    return planConfigs(file, current, { env: process.env, prune: !!opts.prune, allowPrivateUrls: !!opts['allow-private-urls'] });
  } catch (e) {
    if (e instanceof ValidationError) {
      printIssues(file, e.issues ?? []);
      throw new Exit(USAGE, `the file has errors; fix them and run again`);
    }
    throw e;
  }
}

/**
 * checkHoldMusic on every config's literal `hold_music_url` (a `{ "env" }` value is not read), as
 * warnings at `configs[i].hold_music_url`: a file that will not play is worth knowing before Daily
 * needs it, but it does not block a plan (Daily stores the URL either way).
 */
async function holdMusicWarnings(file, opts) {
  const warnings = [];
  const configs = Array.isArray(file?.configs) ? file.configs : [];
  for (const [i, c] of configs.entries()) {
    if (typeof c?.hold_music_url !== 'string') continue;
    const r = await checkHoldMusic(c.hold_music_url, { allowPrivateUrls: !!opts['allow-private-urls'] }).catch(() => null);
    for (const issue of r?.issues ?? []) {
      if (issue.severity === 'error') warnings.push({ ...issue, severity: 'warning', path: `configs[${i}].hold_music_url` });
    }
  }
  return warnings;
}

async function listAll(c) {
  const all = [];
  for await (const config of c.listAll()) all.push(config);
  return all;
}

function colorText(text) {
  if (!color) return text;
  return text
    .split('\n')
    .map((l) => (/^\s*\+/.test(l) ? paint(32, l) : /^\s*-/.test(l) ? paint(31, l) : /^\s*~/.test(l) ? paint(33, l) : l))
    .join('\n');
}

/** A progress bar on stderr while an apply runs, on a terminal only (not in pipes or CI logs). */
function progressBar() {
  if (!process.stderr.isTTY) return { update: undefined, end() {} };
  let shown = false;
  return {
    update({ done, total }) {
      const width = 30;
      const filled = Math.round((width * done) / total);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\n');
    },
  };
}

/** Runs the plan with a progress bar; prints the report. Returns the report. */
async function applyWithReport(c, plan, opts) {
  const bar = progressBar();
  let report;
  try {
    report = await applyPlan(c, plan, { onProgress: bar.update });
  } finally {
    bar.end();
  }
  if (!opts.json) {
    for (const d of report.done) out(`${paint(32, 'done')}        ${d.label}`);
    for (const d of report.rolledBack) out(`${paint(33, 'rolled back')} ${d.label}: ${d.error}; the old config was put back`);
    for (const d of report.failed) out(`${paint(31, 'failed')}      ${d.label}: ${d.error}`);
    for (const d of report.skipped) out(`skipped     ${d.label}`);
    out(`${report.done.length} done, ${report.failed.length} failed, ${report.rolledBack.length} rolled back, ${report.skipped.length} skipped.`);
  }
  return report;
}

/** Asks on a terminal; refuses without one unless --yes. */
async function approve(opts, question, command) {
  if (opts.yes) return true;
  if (!process.stdin.isTTY) throw new Exit(USAGE, `${command} needs --yes when it cannot ask (no terminal)`);
  return ask(question);
}

/**
 * The legacy domain config (`GET /v1/`), or `POST /v1/` with `properties`. The client has no call
 * for the domain config (the package manages /domain-dialin-config); this is one fetch with the
 * client's base URL (checked when the client was made), retried on 429 as Retry-After says. Only
 * Daily's `error` and `info` are shown from an error answer: the body may hold hmac values.
 */
async function domainRequest(opts, method, properties) {
  const base = (opts['base-url'] ?? 'https://api.daily.co/v1').replace(/\/+$/, '');
  const init = { method, headers: { Authorization: `Bearer ${process.env.DAILY_API_KEY}` } };
  if (properties) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify({ properties });
  }
  for (let attempt = 1; ; attempt++) {
    let r;
    try {
      r = await fetch(`${base}/`, init);
    } catch (e) {
      throw new Exit(API, `${method} /v1/: network error: ${e.cause?.code ?? e.message}`);
    }
    const text = await r.text();
    if (r.status === 429 && attempt < 4) {
      const after = Number(r.headers.get('retry-after'));
      await new Promise((res) => setTimeout(res, Number.isFinite(after) && after > 0 ? Math.min(after, 60) * 1000 : 1000 * attempt));
      continue;
    }
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {}
    if (!r.ok) {
      const detail = [body?.error, body?.info].filter((x) => typeof x === 'string').join(': ') || 'no error body';
      throw new Exit(API, `${method} /v1/ failed with ${r.status} (${detail})`);
    }
    if (body === null) throw new Exit(API, `${method} /v1/: the answer is not JSON`);
    return body;
  }
}

const entryName = (e) => `${e.array}[${e.index}]${e.identity?.value ? ` ${e.identity.value}` : ''}`;

async function ask(question) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise((r) => rl.question(question, r));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** "5f0c… (pin_dialin, +12095550100)": a stored config in one line, for people. */
const summary = (x) => `${x.id} (${x.type}${x.config?.phone_number ? `, ${x.config.phone_number}` : ''})`;

/** A stored config with its hmac hidden, for list and get. */
function shown(config) {
  if (!config?.config?.hmac) return config;
  return { ...config, config: { ...config.config, hmac: '(hidden)' } };
}

const commands = {
  async validate({ args: [path], opts }) {
    const file = readFile(path);
    const report = validateConfigsFile(file, { allowPrivateUrls: !!opts['allow-private-urls'] });
    if (opts.online && report.ok) printIssues(file, await holdMusicWarnings(file, opts));
    if (opts.json) out(JSON.stringify(report, null, 2));
    else {
      printIssues(file, report.issues);
      if (report.ok) out(`${path}: valid (${file.configs?.length ?? 0} configs)`);
    }
    return report.ok ? OK : USAGE;
  },

  async plan({ args: [path], opts }) {
    const file = readFile(path);
    const c = client(opts);
    const plan = makePlan(file, await listAll(c), opts);
    printIssues(file, await holdMusicWarnings(file, opts));
    if (opts.json) out(JSON.stringify(plan, null, 2));
    else {
      printIssues(file, plan.warnings);
      out(colorText(plan.text));
    }
    return plan.hasChanges && opts['detailed-exitcode'] ? CHANGES : OK;
  },

  async apply({ args: [path], opts }) {
    const file = readFile(path);
    const expected = opts['expect-plan'] ? readFile(opts['expect-plan']) : null;
    const c = client(opts);
    let plan = makePlan(file, await listAll(c), opts);
    if (expected && !samePlan(expected, plan)) {
      throw new Exit(API, `the plan differs from ${opts['expect-plan']}: the stored configs or the file changed since it was made; run plan again`);
    }
    if (!plan.hasChanges) {
      if (opts.json) out(JSON.stringify({ plan, done: [], failed: [], rolledBack: [], skipped: [] }, null, 2));
      else out('No changes: the configs are as the file says.');
      return OK;
    }
    if (!opts.json) {
      printIssues(file, plan.warnings);
      out(colorText(plan.text));
    }
    if (!opts.yes) {
      if (!process.stdin.isTTY) throw new Exit(USAGE, 'apply needs --yes when it cannot ask (no terminal)');
      if (!(await ask('Apply these changes? [y/N] '))) {
        out('Not applied.');
        return OK;
      }
      // Re-read: apply only what was shown.
      const again = makePlan(file, await listAll(c), opts);
      if (!samePlan(again, plan)) {
        throw new Exit(API, 'the stored configs changed while the plan was shown; nothing was applied; run apply again');
      }
      plan = again;
    }
    const report = await applyWithReport(c, plan, opts);
    if (opts.json) out(JSON.stringify({ plan, ...report }, null, 2));
    return report.failed.length || report.rolledBack.length ? API : OK;
  },

  async list({ opts }) {
    const all = (await listAll(client(opts))).map(shown);
    if (opts.json) out(JSON.stringify(all, null, 2));
    else {
      for (const x of all) out(`${x.id}  ${x.type.padEnd(14)}  ${x.config?.phone_number ?? '-'}  ${x.config?.name_prefix ?? ''}`);
      out(`${all.length} configs`);
    }
    return OK;
  },

  async get({ args: [id], opts }) {
    const x = shown(await client(opts).get(id));
    out(JSON.stringify(x, null, 2));
    return OK;
  },

  async create({ args: [path], opts }) {
    const body = readFile(path);
    const x = shown(await client(opts).create(body));
    if (opts.json) out(JSON.stringify(x, null, 2));
    else out(`created ${summary(x)}`);
    return OK;
  },

  async update({ args: [id, path], opts }) {
    const body = readFile(path);
    const c = client(opts);
    // The stored config's type, so that fields of the other type are refused before sending.
    const current = await c.get(id);
    const x = shown(await c.update(id, body, { type: current.type }));
    if (opts.json) out(JSON.stringify(x, null, 2));
    else out(`updated ${summary(x)}`);
    return OK;
  },

  async upsert({ args: [path], opts }) {
    const body = readFile(path);
    const x = shown(await upsert(client(opts), body));
    if (opts.json) out(JSON.stringify(x, null, 2));
    else out(`upserted ${summary(x)}`);
    return OK;
  },

  async 'change-type'({ args: [target, path], opts }) {
    const body = readFile(path);
    const x = shown(await changeType(client(opts), target, body));
    if (opts.json) out(JSON.stringify(x, null, 2));
    else out(`${target} is now ${summary(x)}`);
    return OK;
  },

  async 'migrate-legacy'({ opts }) {
    const c = client(opts);
    const migration = planLegacyMigration(await domainRequest(opts, 'GET'), await listAll(c), { allowPrivateUrls: !!opts['allow-private-urls'] });
    const { entries, plan } = migration;
    const skipped = entries.filter((e) => e.status === 'skipped');
    if (!opts.json) {
      const count = (a) => entries.filter((e) => e.array === a).length;
      out(`Legacy arrays (GET /v1/): ${count('pinless_dialin')} pinless_dialin, ${count('pin_dialin')} pin_dialin entries.`);
      for (const e of entries) {
        if (e.status === 'migrate') out(`  ${paint(32, 'move')}     ${entryName(e)} -> configs[${e.config}]`);
        if (e.status === 'exists') out(`  exists   ${entryName(e)}: configured already (${e.type} ${e.id}), kept as it is`);
        for (const n of e.notes ?? []) out(`  ${paint(33, 'warning')}  ${n.path}: ${n.message}`);
        for (const i of e.issues ?? []) out(`  ${paint(31, 'cannot move')} ${i.path}: ${i.message}`);
      }
      if (plan.hasChanges) out(colorText(plan.text));
    }
    let report = { done: [], failed: [], rolledBack: [], skipped: [] };
    const clearNote = opts.clear ? ', then remove the moved entries from the legacy arrays' : '';
    if (plan.hasChanges || opts.clear) {
      if (!(await approve(opts, `Create ${plan.summary.create} configs${clearNote}? [y/N] `, 'migrate-legacy'))) {
        out('Not applied.');
        return OK;
      }
    }
    if (plan.hasChanges) {
      // Read again: apply only what was shown.
      const again = planLegacyMigration(await domainRequest(opts, 'GET'), await listAll(c), { allowPrivateUrls: !!opts['allow-private-urls'] });
      if (!samePlan(again.plan, plan)) throw new Exit(API, 'the legacy arrays or the stored configs changed since the plan was made; nothing was applied; run migrate-legacy again');
      report = await applyWithReport(c, again.plan, opts);
    } else if (!opts.json) out('Nothing to create: every entry that can move has a config.');
    let clearing = null;
    if (opts.clear && !report.failed.length && !report.rolledBack.length) {
      // Read both again: clear only entries that a stored config covers now.
      const plannedClear = planLegacyClearing(await domainRequest(opts, 'GET'), await listAll(c));
      if (plannedClear.hasChanges) await domainRequest(opts, 'POST', plannedClear.properties);
      clearing = { entries: plannedClear.entries, sent: plannedClear.hasChanges };
      if (!opts.json) {
        const cleared = plannedClear.entries.filter((e) => e.status === 'cleared');
        const kept = plannedClear.entries.filter((e) => e.status === 'kept');
        out(`Cleared ${cleared.length} entries from the legacy arrays; ${kept.length} kept${kept.length ? ` (no config yet): ${kept.map(entryName).join(', ')}` : ''}.`);
      }
    } else if (!opts.clear && !opts.json) {
      out('The legacy arrays are unchanged: run again with --clear to remove the entries that now have a config.');
    }
    if (opts.json) out(JSON.stringify({ entries, plan, ...report, clearing }, null, 2));
    if (report.failed.length || report.rolledBack.length) return API;
    if (skipped.length) {
      process.stderr.write(`daily-dialin: ${skipped.length} legacy entries could not move (listed above); they stay in the arrays\n`);
      return API;
    }
    return OK;
  },

  async delete({ args: [id], opts }) {
    const r = await client(opts).delete(id);
    if (opts.json) out(JSON.stringify(r, null, 2));
    else out(`deleted ${id}`);
    return OK;
  },

  async 'check-music'({ args: [url], opts }) {
    const options = { allowPrivateUrls: !!opts['allow-private-urls'] };
    if (opts['timeout-ms'] !== undefined) options.timeoutMs = Number(opts['timeout-ms']);
    const r = await checkHoldMusic(url, options);
    if (opts.json) out(JSON.stringify(r, null, 2));
    else {
      const f = r.facts;
      if (f?.format) {
        const rate = f.vbr ? `VBR ~${f.bitrateKbps} kbps` : `${f.bitrateKbps} kbps`;
        const length = f.durationSeconds === null ? 'unknown length' : `${f.durationSeconds.toFixed(1)} s`;
        const size = f.bytes === null ? 'unknown size' : `${(f.bytes / 1e6).toFixed(2)} MB`;
        out(`${length}, ${size}, ${f.format}, ${rate}, ${f.sampleRate} Hz, ${f.channels === 1 ? 'mono' : 'stereo'}`);
      }
      for (const i of r.issues) out(`${i.severity === 'error' ? paint(31, 'error') : paint(33, i.severity)} ${i.code}: ${i.message}`);
      out(r.ok ? 'Daily can play it.' : 'Daily cannot play it as hold music.');
    }
    return r.ok ? OK : USAGE;
  },

  async export({ opts }) {
    const all = await listAll(client(opts));
    let n = 0;
    const configs = all.reverse().map((x) => {
      // sip_uri is assigned by Daily, not part of a create body.
      const { hmac, sip_uri: _sip, ...rest } = x.config ?? {};
      const body = { type: x.type };
      for (const [k, v] of Object.entries(rest)) if (v !== null && v !== undefined) body[k] = v;
      if (hmac) body.hmac = { env: `DAILY_HMAC_${++n}` };
      return body;
    });
    out(JSON.stringify({ $schema: 'https://unpkg.com/daily-dialin/configs.schema.json', version: 1, configs }, null, 2));
    return OK;
  },
};

async function main() {
  try {
    const p = parse(process.argv.slice(2));
    process.exitCode = await commands[p.command](p);
  } catch (e) {
    if (e instanceof Exit) {
      if (e.message) process.stderr.write(`daily-dialin: ${e.message}\n`);
      process.exitCode = e.code;
    } else if (e instanceof ValidationError) {
      // Every problem at once, one per line (the message names only the first).
      const what = e.message.split(':')[0];
      const issues = (e.issues ?? []).filter((i) => i.severity === 'error');
      if (issues.length) for (const i of issues) process.stderr.write(`daily-dialin: ${what}: ${i.path || '(the body)'}: ${i.message}\n`);
      else process.stderr.write(`daily-dialin: ${e.message}\n`);
      process.exitCode = USAGE;
    } else {
      const status = e instanceof DailyApiError && e.status ? ` (HTTP ${e.status})` : '';
      // change-type: the create failed after the delete, and the old config was created back.
      const back = e?.rolledBack === true ? '; the old config was put back' : '';
      process.stderr.write(`daily-dialin: ${e?.message ?? e}${status}${back}\n`);
      process.exitCode = API;
    }
  }
}

await main();
