// The packages as a user gets them: pkg/ (daily-dialin) and emulator/pkg/ (daily-dialin-emulator)
// packed with `npm pack` and installed (offline) into a consumer project under .tmp/consumer, once
// per build. Tests import them through a module inside that project, so `daily-dialin` and
// `daily-dialin-emulator` resolve through the packages' exports maps.
import { existsSync, writeFileSync, readFileSync, readdirSync, statSync, realpathSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packAndInstall, PACKAGES } from '../../scripts/pack-install.mjs';
import { entryGlueUrl } from './helpers.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONSUMER = join(ROOT, '.tmp', 'consumer');

/** Packs both packages and installs them into .tmp/consumer (done by scripts/test before the tests run). */
export function installPackage() {
  packAndInstall(CONSUMER, {
    'entry.mjs': [
      "export * from 'daily-dialin';",
      "export { verifyPinlessWebhook, signPinlessWebhook } from 'daily-dialin/webhook';",
      "export * as core from 'daily-dialin/core';",
      "export * as webhook from 'daily-dialin/webhook';",
      "export * as holdMusic from 'daily-dialin/hold-music';",
      "export * as configs from 'daily-dialin/configs';",
      "export { startEmulator } from 'daily-dialin-emulator';",
      '',
    ].join('\n'),
  });
  writeFileSync(join(CONSUMER, '.installed'), stamp());
}

/** When pkg/ and emulator/pkg/ were built (their .wasm files' times). */
const stamp = () => PACKAGES.map((p) => statSync(join(p, readdirSync(p).find((f) => f.endsWith('.wasm')))).mtimeMs).join(' ');

/**
 * The installed package's exports: the Node ESM entry, plus `verifyPinlessWebhook` and
 * `signPinlessWebhook` from daily-dialin/webhook, the `core`, `webhook`, `holdMusic`
 * (daily-dialin/hold-music) and `configs` subpath modules whole, and `startEmulator`.
 */
export async function dd() {
  const marker = join(CONSUMER, '.installed');
  const stale = !existsSync(marker) || readFileSync(marker, 'utf8') !== stamp();
  if (stale) installPackage();
  return import(pathToFileURL(join(CONSUMER, 'entry.mjs')).href);
}

export const installedDir = () => join(CONSUMER, 'node_modules', 'daily-dialin');
export const installedEmulatorDir = () => join(CONSUMER, 'node_modules', 'daily-dialin-emulator');
export const listInstalled = () => readdirSync(installedDir());

/**
 * The file URL of the glue that an installed module's Node entry loads (`sub`: '' for the package
 * root, 'core/', ...), as its node.mjs imports it: node/glue.js where the package builds the module
 * for speed (scripts/build-pkg), ../node/glue.js for core/ (which loads the root's), else glue.js.
 */
export function nodeGlueUrl(sub) {
  return entryGlueUrl(join(realpathSync(installedDir()), sub, 'node.mjs'));
}

/**
 * The wasm memory size, in bytes, of an installed module (`sub`: '' for the package root, 'core/',
 * 'webhook/'), for the leak tests. The entries do not export the glue's internal `__memoryBytes`:
 * this imports the glue their Node ESM entry loads (node/glue.js or glue.js), by its file URL, so it is the same module
 * instance (the same wasm memory); `sameAs` is one of that entry's functions, checked to be the
 * glue's own.
 */
export async function memoryProbe(sub, sameAs) {
  const url = nodeGlueUrl(sub);
  const glue = await import(url);
  if (typeof glue.__memoryBytes !== 'function') throw new Error(`${url} has no __memoryBytes`);
  if (!Object.values(glue).includes(sameAs)) throw new Error(`${url} is not the module instance the entry loaded`);
  return glue.__memoryBytes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) installPackage();
