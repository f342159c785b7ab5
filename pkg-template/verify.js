// daily-dialin/webhook: verifyPinlessWebhook, with a fast path for the options servers pass.
// scripts/assemble-pkg.mjs ships this file as webhook/verify.js; every entry of the module exports
// its verifyPinlessWebhook instead of the glue's.
//
// The careful path (the glue's verifyPinlessWebhook, src/wasm/webhook.rs) reads each option, the
// header names and values from Rust: about 50 JS<->wasm crossings per call, more than the HMAC
// costs. Here, when the options have the shape every server passes, they are read in JavaScript
// and cross in one call (`__verifyText`): the body as a string, the two header values, one secret,
// and `now` / `toleranceSeconds` as numbers. Every rule (which header values count, the timestamp,
// the secret, the signature, the window, the body as JSON, the answer and every error) stays in
// Rust, the same code the careful path calls. Anything else goes the careful way.
//
// Why the two give the same answer (tests/js/webhook-fast.test.mjs checks it):
// - the options object is a plain object (Object.prototype or none) and each option is read once,
//   as the careful path reads it; a getter that throws leaves the fast path, and the careful path asks
//   again and reads it as absent;
// - the body is a string of at most 64 KiB (UTF-16 units, the careful path's limit) without lone
//   surrogates, so the UTF-8 that crosses is the careful path's byte for byte; or a genuine
//   Uint8Array or Buffer (checked with the typed array intrinsics, which a proxy or a look-alike
//   fails) of at most 64 KiB that decodes as UTF-8 (the text is the bytes' own: no BOM removed);
// - headers: a `Headers` instance (its own `get`, as the careful path calls it), or a plain object
//   (or one without a prototype) with no `get`, whose keys name each pinless header at most once
//   and in lower case (Node's `req.headers`); a header value is a string of at most 8 KiB or
//   absent. Other spellings, arrays and repeated headers (joined with ", " by the careful path) go
//   the careful way;
// - exactly one secret (`secret` a string of at most 8 KiB, `secrets` absent), `now` and
//   `toleranceSeconds` absent or numbers, `allowWeakSecrets` absent or a boolean; Rust checks their
//   values as the careful path does (bad_options in the same order);
// - the answer is the careful path's JSON text with the body's text as `raw`, parsed once.
//
// `globalThis.__dailyDialinCareful = true` turns the fast path off (the tests compare both paths).
import * as glue from './glue.js';

const OBJECT = Object.prototype;
const { getPrototypeOf, keys: keysOf } = Object;
const MAX_BODY = 64 << 10;
const MAX_TEXT = 8 << 10;
const SIGNATURE = 'x-pinless-signature';
const TIMESTAMP = 'x-pinless-timestamp';
const NAME_LENGTH = SIGNATURE.length;
const HeadersClass = typeof Headers === 'function' ? Headers : undefined;
// The typed array intrinsics read internal slots: they throw for anything but a genuine typed array.
const typedArray = getPrototypeOf(Uint8Array.prototype);
const kindOf = Object.getOwnPropertyDescriptor(typedArray, Symbol.toStringTag).get;
const byteLengthOf = Object.getOwnPropertyDescriptor(typedArray, 'byteLength').get;
const utf8 = typeof TextDecoder === 'function' ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : undefined;
const wellFormed = String.prototype.isWellFormed;

/** The body as the string the careful path would hash, or undefined to take the careful path. */
function bodyText(body) {
  if (typeof body === 'string') {
    return body.length <= MAX_BODY && wellFormed !== undefined && wellFormed.call(body) ? body : undefined;
  }
  if (typeof body !== 'object' || body === null || utf8 === undefined) return undefined;
  try {
    if (kindOf.call(body) !== 'Uint8Array' || !(body instanceof Uint8Array)) return undefined;
    // The careful path reads `byteLength` and `length` as properties: they must be the real ones.
    const n = byteLengthOf.call(body);
    if (n > MAX_BODY || body.byteLength !== n || body.length !== n) return undefined;
    return utf8.decode(body);
  } catch {
    return undefined; // not a typed array, or not UTF-8: the careful path says which
  }
}

const text = (v) => (v === undefined || v === null ? undefined : typeof v === 'string' && v.length <= MAX_TEXT ? v : null);

/** [signature, timestamp] (each a string or undefined), or undefined to take the careful path. */
function pinlessHeaders(headers) {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const proto = getPrototypeOf(headers);
  let sig;
  let ts;
  if (proto === OBJECT || proto === null) {
    if (headers.get !== undefined) return undefined;
    // Own keys only, as the careful path reads them; one that names a pinless header in another
    // spelling goes the careful way (which joins repeated headers).
    const keys = keysOf(headers);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k.length !== NAME_LENGTH) continue;
      if (k === SIGNATURE) sig = text(headers[k]);
      else if (k === TIMESTAMP) ts = text(headers[k]);
      else {
        const lower = k.toLowerCase();
        if (lower === SIGNATURE || lower === TIMESTAMP) return undefined;
      }
    }
  } else if (HeadersClass !== undefined && proto === HeadersClass.prototype) {
    sig = text(headers.get('X-Pinless-Signature'));
    ts = text(headers.get('X-Pinless-Timestamp'));
  } else {
    return undefined;
  }
  return sig === null || ts === null ? undefined : [sig, ts];
}

const number = (v) => (v === undefined || v === null ? undefined : typeof v === 'number' ? v : null);

/**
 * Verifies a pinless webhook request (docs/webhooks.md); throws `WebhookVerificationError`.
 * @param {import('./web.js').VerifyPinlessWebhookOptions} opts
 */
export function verifyPinlessWebhook(opts) {
  if (globalThis.__dailyDialinCareful !== true && typeof opts === 'object' && opts !== null) {
    let args;
    try {
      const proto = getPrototypeOf(opts);
      args = proto === OBJECT || proto === null ? fastArgs(opts) : undefined;
    } catch {
      args = undefined; // a getter or a proxy threw: the careful path reads it as absent
    }
    if (args !== undefined) {
      const head = glue.__verifyText(...args);
      try {
        return JSON.parse(head + args[0] + '}');
      } catch {
        // The body is JSON to Rust but not to JSON.parse: the careful path reports it.
      }
    }
  }
  return glue.verifyPinlessWebhook(opts);
}

/** The arguments of `__verifyText`, or undefined to take the careful path. */
function fastArgs(opts) {
  // The careful path's order of reads: toleranceSeconds, now, allowWeakSecrets, body, headers, secret, secrets.
  const tolerance = number(opts.toleranceSeconds);
  const now = number(opts.now);
  const weak = opts.allowWeakSecrets;
  const body = bodyText(opts.body);
  const headers = pinlessHeaders(opts.headers);
  const secret = opts.secret;
  const secrets = opts.secrets;
  if (tolerance === null || now === null || body === undefined || headers === undefined) return undefined;
  if (!(weak === undefined || weak === null || typeof weak === 'boolean')) return undefined;
  if (typeof secret !== 'string' || secret.length > MAX_TEXT || !(secrets === undefined || secrets === null)) return undefined;
  return [body, headers[0], headers[1], secret, now, tolerance, weak === true];
}
