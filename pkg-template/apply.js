// daily-dialin/apply: runs a plan (`planConfigs`, `planLegacyMigration` of daily-dialin/configs)
// through a DailyDialinClient. No rules live here: the plan's order, its steps and the body that
// restores a replaced config all come from the Rust core (docs/daily-api.md#configs-as-code); this
// file only paces the requests, runs a few at once, puts a replaced config back when its create
// fails, and reports. The CLI (`daily-dialin apply`, `migrate-legacy`) and the admin page use it.

/**
 * Daily allows 20 requests per second and 100 per 5 s (docs/daily-api.md#rate-limits): start a
 * little fewer (the listing before an apply counts too), a few in flight; the client retries a 429
 * anyway.
 */
export const REQUESTS_PER_SECOND = 18;
export const CONCURRENCY = 4;

/** Starts at most `perSecond` requests per second. */
function pacer(perSecond, signal) {
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + 1000 / perSecond;
    if (at > now) await sleep(at - now, signal);
  };
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason ?? new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool(items, n, fn) {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * "configs[3] (+12095550003), field hmac" for the path of an issue of a configs file (`file`: the
 * file as parsed, for the config's identity): where the CLI and the admin page say it is.
 */
export function issuePlace(file, path) {
  const m = /^configs\[(\d+)\]\.?(.*)$/.exec(path);
  if (!m) return path === '' ? 'the file' : path;
  const c = file?.configs?.[Number(m[1])];
  const id = typeof c?.phone_number === 'string' ? c.phone_number : typeof c?.name_prefix === 'string' ? `name_prefix ${c.name_prefix}` : null;
  return `configs[${m[1]}]${id ? ` (${id})` : ''}${m[2] ? `, field ${m[2]}` : ''}`;
}

/** "create configs[3] +12095550003", "delete 5f0c… (id …)": an action for people (no secret). */
export function actionLabel(a) {
  const id = a.identity ? (a.identity.value ?? `$${a.identity.env ?? '(secret)'}`) : a.id;
  return a.index === undefined ? `${a.kind} ${id} (id ${a.id})` : `${a.kind} configs[${a.index}] ${id}`;
}

/**
 * Whether two plans do the same thing (everything but what is derived from the rest: text,
 * warnings): `apply` refuses to run a plan other than the one that was shown.
 */
export function samePlan(a, b) {
  const key = (p) => JSON.stringify({ prune: !!p?.prune, actions: p?.actions ?? null });
  return key(a) === key(b);
}

/**
 * Applies `plan` with `client` (its `create`, `update` and `delete`). Phases keep the plan's order
 * (docs/daily-api.md#plan-order): the deletes that free a number, then the file's configs, then
 * the other deletes; within a phase actions are independent (each number is in one action) and run
 * `concurrency` at a time. A replace whose create fails gets the old config created back, so that
 * the number is never left without a config (docs/daily-api.md#plan-replace). After the first
 * failure no new action starts; those left are reported as skipped.
 *
 * Run again after an interruption, plan-then-apply converges: every step is planned from the
 * configs stored at that moment.
 *
 * @returns {Promise<{done: object[], failed: object[], rolledBack: object[], skipped: object[]}>}
 */
export async function applyPlan(client, plan, options = {}) {
  const { requestsPerSecond = REQUESTS_PER_SECOND, concurrency = CONCURRENCY, signal, onProgress } = options;
  if (!Array.isArray(plan?.steps) || !Array.isArray(plan?.actions)) {
    throw new TypeError('applyPlan: the plan must come from planConfigs or planLegacyMigration (its steps are not enumerable: pass the object itself, not a JSON copy)');
  }
  const wait = pacer(requestsPerSecond, signal);
  const byAction = new Map();
  for (const s of plan.steps) {
    if (!byAction.has(s.action)) byAction.set(s.action, []);
    byAction.get(s.action).push(s);
  }
  const report = { done: [], failed: [], rolledBack: [], skipped: [] };
  const indices = [...byAction.keys()];
  const firstFile = indices.findIndex((i) => plan.actions[i].kind !== 'delete');
  const lead = firstFile === -1 ? indices : indices.slice(0, firstFile);
  const rest = firstFile === -1 ? [] : indices.slice(firstFile);
  const phases = [lead, rest.filter((i) => plan.actions[i].kind !== 'delete'), rest.filter((i) => plan.actions[i].kind === 'delete')];
  const total = indices.length;
  let finished = 0;
  let stop = false;
  const progress = (entry, outcome) => {
    finished += 1;
    onProgress?.({ done: finished, total, outcome, label: entry.label });
  };
  const call = { signal };
  const send = async (s) => {
    await wait();
    if (s.op === 'create') return client.create(s.body, call);
    if (s.op === 'update') return client.update(s.id, s.body, { ...call, type: plan.actions[s.action].type ?? plan.actions[s.action].newType });
    return client.delete(s.id, call);
  };
  for (const phase of phases) {
    await pool(phase, concurrency, async (i) => {
      const entry = { action: i, label: actionLabel(plan.actions[i]) };
      if (stop || signal?.aborted) {
        report.skipped.push(entry);
        return;
      }
      let deleted = false;
      try {
        for (const s of byAction.get(i)) {
          try {
            await send(s);
            if (s.op === 'delete') deleted = true;
          } catch (e) {
            if (s.op === 'create' && s.restore && deleted) {
              // The create of a replace failed: put the old config back.
              try {
                await wait();
                await client.create(s.restore, call);
                report.rolledBack.push({ ...entry, error: e.message });
                progress(entry, 'rolledBack');
              } catch (e2) {
                report.failed.push({ ...entry, error: `${e.message}; restoring the old config also failed (${e2.message}): recreate it by hand` });
                progress(entry, 'failed');
              }
              stop = true;
              return;
            }
            throw e;
          }
        }
        report.done.push(entry);
        progress(entry, 'done');
      } catch (e) {
        report.failed.push({ ...entry, error: e?.message ?? String(e) });
        progress(entry, 'failed');
        stop = true;
      }
    });
  }
  return report;
}
