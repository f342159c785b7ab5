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
import { validateConfigsFile, planConfigs } from './configs/node.mjs';

// Exit codes (documented in README.md, "Manage configs as code").
const OK = 0; // success, or no changes
const API = 1; // API or network error, or the configs changed since the plan was shown
const USAGE = 2; // usage or validation error
const CHANGES = 3; // `plan --detailed-exitcode`: the plan has changes

// Daily allows 20 requests per second and 100 per 5 s (docs/daily-api.md#rate-limits): apply starts
// a little fewer (the listing before it counts too), with a few in flight; the client retries a
// 429 anyway.
const REQUESTS_PER_SECOND = 18;
const CONCURRENCY = 4;

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
  list                 list the stored configs
  get ID               show one config
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
  list: {},
  get: {},
  delete: {},
  export: {},
  'check-music': { 'timeout-ms': { type: 'string' } },
};
const POSITIONALS = { validate: ['FILE'], plan: ['FILE'], apply: ['FILE'], get: ['ID'], delete: ['ID'], list: [], export: [], 'check-music': ['URL'] };

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
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Exit(USAGE, `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Exit(USAGE, `${path} is not JSON: ${e.message}`);
  }
}

/** "configs[3] (+15551230003)" for an issue path: the file index and the config's identity. */
function where(file, path) {
  const m = /^configs\[(\d+)\]\.?(.*)$/.exec(path);
  if (!m) return path === '' ? 'the file' : path;
  const c = file?.configs?.[Number(m[1])];
  const id = typeof c?.phone_number === 'string' ? c.phone_number : typeof c?.name_prefix === 'string' ? `name_prefix ${c.name_prefix}` : null;
  return `configs[${m[1]}]${id ? ` (${id})` : ''}${m[2] ? `, field ${m[2]}` : ''}`;
}

function printIssues(file, issues, stream = process.stderr) {
  for (const i of issues) {
    const tag = i.severity === 'error' ? paint(31, 'error') : paint(33, 'warning');
    stream.write(`${tag}: ${where(file, i.path)}: ${i.message}\n`);
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

/** The plan without what depends on the moment (its text is derived from the rest). */
const planKey = (p) => JSON.stringify({ prune: p.prune, actions: p.actions });

function colorText(text) {
  if (!color) return text;
  return text
    .split('\n')
    .map((l) => (/^\s*\+/.test(l) ? paint(32, l) : /^\s*-/.test(l) ? paint(31, l) : /^\s*~/.test(l) ? paint(33, l) : l))
    .join('\n');
}

/** Starts at most REQUESTS_PER_SECOND requests per second. */
function pacer() {
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + 1000 / REQUESTS_PER_SECOND;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  };
}

/** Runs `fn` over `items`, CONCURRENCY at a time. */
async function pool(items, fn) {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

const label = (a) => {
  const id = a.identity ? (a.identity.value ?? `$${a.identity.env ?? '(secret)'}`) : a.id;
  return a.index === undefined ? `${a.kind} ${id} (id ${a.id})` : `${a.kind} configs[${a.index}] ${id}`;
};

/** Applies the plan's steps; returns the report. */
async function execute(c, plan) {
  const wait = pacer();
  const byAction = new Map();
  for (const s of plan.steps) {
    if (!byAction.has(s.action)) byAction.set(s.action, []);
    byAction.get(s.action).push(s);
  }
  const report = { done: [], failed: [], rolledBack: [], skipped: [] };
  // Phases keep the documented order (docs/daily-api.md#plan-order): the deletes that free a
  // number, then the file's configs, then the other deletes. Within a phase actions are
  // independent (each number is in one action).
  const indices = [...byAction.keys()];
  const firstFile = indices.findIndex((i) => plan.actions[i].kind !== 'delete');
  const lead = firstFile === -1 ? indices : indices.slice(0, firstFile);
  const rest = firstFile === -1 ? [] : indices.slice(firstFile);
  const phases = [lead, rest.filter((i) => plan.actions[i].kind !== 'delete'), rest.filter((i) => plan.actions[i].kind === 'delete')];
  let stop = false;
  const send = async (s) => {
    await wait();
    if (s.op === 'create') return c.create(s.body);
    if (s.op === 'update') return c.update(s.id, s.body);
    return c.delete(s.id);
  };
  for (const phase of phases) {
    if (stop) {
      for (const i of phase) report.skipped.push({ action: i, label: label(plan.actions[i]) });
      continue;
    }
    await pool(phase, async (i) => {
      const a = plan.actions[i];
      const entry = { action: i, label: label(a) };
      let deleted = false;
      try {
        for (const s of byAction.get(i)) {
          try {
            await send(s);
            if (s.op === 'delete') deleted = true;
          } catch (e) {
            if (s.op === 'create' && s.restore && deleted) {
              // A replace whose create failed: put the old config back, so that the number is
              // never left without a config (docs/daily-api.md#plan-replace).
              try {
                await wait();
                await c.create(s.restore);
                report.rolledBack.push({ ...entry, error: e.message });
              } catch (e2) {
                report.failed.push({ ...entry, error: `${e.message}; restoring the old config also failed (${e2.message}): recreate it by hand` });
              }
              stop = true;
              return;
            }
            throw e;
          }
        }
        report.done.push(entry);
      } catch (e) {
        report.failed.push({ ...entry, error: e.message });
        stop = true;
      }
    });
  }
  return report;
}

async function ask(question) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise((r) => rl.question(question, r));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

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
    if (expected && planKey(expected) !== planKey(plan)) {
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
      if (planKey(again) !== planKey(plan)) {
        throw new Exit(API, 'the stored configs changed while the plan was shown; nothing was applied; run apply again');
      }
      plan = again;
    }
    const report = await execute(c, plan);
    if (opts.json) out(JSON.stringify({ plan, ...report }, null, 2));
    else {
      for (const d of report.done) out(`${paint(32, 'done')}        ${d.label}`);
      for (const d of report.rolledBack) out(`${paint(33, 'rolled back')} ${d.label}: ${d.error}; the old config was put back`);
      for (const d of report.failed) out(`${paint(31, 'failed')}      ${d.label}: ${d.error}`);
      for (const d of report.skipped) out(`skipped     ${d.label}`);
      out(`${report.done.length} done, ${report.failed.length} failed, ${report.rolledBack.length} rolled back, ${report.skipped.length} skipped.`);
    }
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
      process.stderr.write(`daily-dialin: ${e.message}\n`);
      process.exitCode = USAGE;
    } else {
      const status = e instanceof DailyApiError && e.status ? ` (HTTP ${e.status})` : '';
      process.stderr.write(`daily-dialin: ${e?.message ?? e}${status}\n`);
      process.exitCode = API;
    }
  }
}

await main();
