// daily-dialin/configs: `upsert` and `changeType`, one config at a time through a client such as
// DailyDialinClient (docs/daily-api.md#upsert). Functions of this module rather than methods of
// the client: the main module has a hard size budget, and a page that only creates and lists
// should not download them. scripts/assemble-pkg.mjs ships this file as configs/upsert.js, which
// every entry of the module re-exports.
//
// This file only does the I/O: it lists, sends, and puts a replaced config back. Every decision
// (the body's checks, which config it is about, create or update, the bodies of a type change and
// of its rollback, every refusal as a ValidationError) is the module's internal exports over
// src/upsert.rs.
import { __upsertQuery, __upsertNext, __configWithNumber, __changeTypeNext } from './glue.js';

async function listed(client, query, opts) {
  const found = [];
  for await (const config of client.listAll(query, opts)) found.push(config);
  return found;
}

/** Creates the config, or updates the one with the body's identity (its number, else its name_prefix). */
export async function upsert(client, body, opts) {
  const next = __upsertNext(body, await listed(client, __upsertQuery(body), opts));
  if (next === undefined) return client.create(body, opts);
  return client.update(next.id, next.body, { ...opts, type: body.type });
}

/**
 * Changes a config's type (by id, or by number when `idOrNumber` starts with `+`): deletes it and
 * creates `body` with its number; if that create fails, creates the old config back.
 */
export async function changeType(client, idOrNumber, body, opts) {
  const byNumber = typeof idOrNumber === 'string' && idOrNumber.startsWith('+');
  const stored = byNumber
    ? __configWithNumber(idOrNumber, await listed(client, { phone_number: idOrNumber }, opts))
    : await client.get(idOrNumber, opts);
  const next = __changeTypeNext(body, stored);
  if (next.update !== undefined) return client.update(next.id, next.update, { ...opts, type: stored.type });
  await client.delete(next.id, opts);
  try {
    return await client.create(next.create, opts);
  } catch (error) {
    let restored = true;
    let why;
    try {
      // Without the caller's signal: an abort that stopped the create must not stop the rollback.
      await client.create(next.restore);
    } catch (restoreError) {
      restored = false;
      why = restoreError?.message ?? String(restoreError);
    }
    if (error === null || typeof error !== 'object') throw error;
    error.rolledBack = restored;
    if (!restored) {
      const who = next.create.phone_number ?? (next.create.name_prefix === undefined ? 'the config' : `name_prefix ${next.create.name_prefix}`);
      const state = error.maybeApplied ? 'may have no config now (or the new one: look it up)' : 'has no config now';
      error.message += `; creating the old config back failed too (${why}): ${who} ${state}`;
    }
    throw error;
  }
}
