// daily-dialin: the fast path of validateCreate and validateUpdate, for the Node entries (node.mjs,
// node.cjs: their .wasm is built for speed and exports __validateCreateJson / __validateUpdateJson,
// see scripts/build-pkg). Not loaded by the browser and Workers entries.
//
// The careful path (the glue's validateCreate) reads the JS value key by key from Rust: one
// JS<->wasm crossing per key and value, then one per property of the report. Here, a value that is
// plain JSON data is copied in one pass, sent as one JSON text, judged by the same rules
// (src/validate.rs over src/json.rs), and answered with no object for a body without issues, or
// one JSON text for the report. Anything else goes the careful way, which also reports what JSON
// cannot say (getters that throw, cycles, BigInt, NaN, functions, undefined in arrays, ...).
//
// Why the two give the same report (tests/js/fast-path.test.mjs checks it on 100,000+ bodies):
// - the copy reads the value exactly as the careful path does: Array.isArray, then `length` and
//   each index for an array; Object.keys, then one read of each key for an object (plus
//   Object.getPrototypeOf, which only chooses the path). So a getter or a proxy is asked once per
//   property, the same questions, and the text holds what it answered: the report is the one the
//   careful path gives for those answers. A getter or trap that throws leaves the fast path, and
//   the careful path asks again and reports it.
// - the copy holds only strings, finite numbers, booleans, null, arrays of them and objects with
//   Object.prototype or Array.prototype (no toJSON, no accessors, no proxies), so JSON.stringify
//   writes exactly those values; `undefined` members are left out on both paths.
// - the careful path's size limits (src/wasm/convert.rs: depth 32, 2,000 values, strings of 65,536
//   and keys of 256 UTF-16 units, 2^20 units in all) are checked here, and anything near them goes
//   the careful way, which reports them; so does a key `__proto__` (a copy could not hold it) and
//   an object with more than 64 keys (src/json.rs sorts keys on a stack array).
// - JSON.stringify escapes lone surrogates (`\ud800`); src/json.rs reads them as U+FFFD, as the
//   careful path's TextEncoder does.
//
// `globalThis.__dailyDialinCareful = true` turns the fast path off (the tests compare both paths).

const OBJECT = Object.prototype;
const ARRAY = Array.prototype;
const { getPrototypeOf, keys: keysOf } = Object;
const { isArray } = Array;
const MAX_DEPTH = 32;
const MAX_NODES = 2000;
const MAX_STRING = 65536;
const MAX_KEY = 256;
const MAX_UNITS = 1 << 20;
const MAX_MEMBERS = 64;

let nodes = 0;
let units = 0;

/** A plain copy of `v`, or undefined when `v` is not plain JSON data within the limits. */
function copy(v, depth) {
  switch (typeof v) {
    case 'string':
      if (v.length > MAX_STRING) return undefined;
      nodes++;
      units += v.length;
      return v;
    case 'number':
      // NaN and ±Infinity: v - v is NaN.
      if (v - v !== 0) return undefined;
      nodes++;
      return v;
    case 'boolean':
      nodes++;
      return v;
    case 'object':
      break;
    default:
      return undefined;
  }
  nodes++;
  if (v === null) return v;
  if (depth >= MAX_DEPTH || nodes > MAX_NODES) return undefined;
  if (isArray(v)) {
    if (getPrototypeOf(v) !== ARRAY) return undefined;
    const n = v.length;
    if (!(n <= MAX_NODES)) return undefined;
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = copy(v[i], depth + 1);
      if (x === undefined) return undefined;
      out.push(x);
    }
    return out;
  }
  if (getPrototypeOf(v) !== OBJECT) return undefined;
  const keys = keysOf(v);
  if (keys.length > MAX_MEMBERS) return undefined;
  const out = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k.length > MAX_KEY || k === '__proto__') return undefined;
    nodes++;
    units += k.length;
    const x = v[k];
    if (x === undefined) continue;
    const c = copy(x, depth + 1);
    if (c === undefined) return undefined;
    out[k] = c;
  }
  return out;
}

/** JSON text of `v` when it is plain data within the limits, else undefined. */
function plainJson(v) {
  // A toJSON on the prototypes would make JSON.stringify write something else than the copy.
  if ('toJSON' in ARRAY) return undefined;
  nodes = 0;
  units = 0;
  let c;
  try {
    c = copy(v, 0);
  } catch {
    return undefined; // a getter or proxy threw: the careful path reports it
  }
  if (c === undefined || typeof c !== 'object' || nodes > MAX_NODES || units > MAX_UNITS) return undefined;
  return JSON.stringify(c);
}

/** The options as the careful path reads them, or undefined to take it: [allowPrivateUrls, type]. */
function options(opts) {
  if (opts === undefined || opts === null) return [false, undefined];
  if (typeof opts !== 'object') return undefined;
  nodes = 0;
  units = 0;
  let c;
  try {
    c = copy(opts, 0);
  } catch {
    return undefined;
  }
  if (c === undefined || isArray(c) || nodes > MAX_NODES || units > MAX_UNITS) return undefined;
  const { allowPrivateUrls: a, type: t } = c;
  if (a !== undefined && a !== null && typeof a !== 'boolean') return undefined;
  return [a === true, t];
}

/** The stored type for __validateUpdateJson (src/wasm/core.rs): 0 for none, 1 pinless, 2 pin; undefined for the careful path. */
const typeCode = (t) => (t === undefined || t === null ? 0 : t === 'pinless_dialin' ? 1 : t === 'pin_dialin' ? 2 : undefined);

/**
 * validateCreate and validateUpdate over the glue's: the fast path when the module has it, else
 * the glue's own functions.
 */
export function fastValidators(glue) {
  const careful = { validateCreate: glue.validateCreate, validateUpdate: glue.validateUpdate };
  const createJson = glue.__validateCreateJson;
  const updateJson = glue.__validateUpdateJson;
  if (typeof createJson !== 'function' || typeof updateJson !== 'function') return careful;
  const answer = (r) => (r === undefined ? { ok: true, issues: [] } : JSON.parse(r));

  function validateCreate(body, opts) {
    if (globalThis.__dailyDialinCareful !== true) {
      const text = plainJson(body);
      const o = text === undefined ? undefined : options(opts);
      if (o !== undefined) {
        const r = createJson(text, o[0]);
        if (r !== '') return answer(r);
      }
    }
    return careful.validateCreate(body, opts);
  }

  function validateUpdate(patch, opts) {
    if (globalThis.__dailyDialinCareful !== true) {
      const text = plainJson(patch);
      const o = text === undefined ? undefined : options(opts);
      const t = o === undefined ? undefined : typeCode(o[1]);
      if (t !== undefined) {
        const r = updateJson(text, o[0], t);
        if (r !== '') return answer(r);
      }
    }
    return careful.validateUpdate(patch, opts);
  }

  return { validateCreate, validateUpdate };
}
