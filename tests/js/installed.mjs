// The package as a user gets it: pkg/ packed with `npm pack` and installed (offline) into a
// consumer project under .tmp/consumer, once per run. Tests import it through a module inside that
// project, so `daily-dialin` and `daily-dialin/emulator` resolve through the package's exports map.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONSUMER = join(ROOT, '.tmp', 'consumer');

/** Packs pkg/ and installs it into .tmp/consumer (done by scripts/test before the tests run). */
export function installPackage() {
  const pkg = join(ROOT, 'pkg');
  if (!existsSync(join(pkg, 'package.json'))) throw new Error('pkg/ is missing: run scripts/build-pkg');
  rmSync(CONSUMER, { recursive: true, force: true });
  mkdirSync(CONSUMER, { recursive: true });
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', CONSUMER], { cwd: pkg, encoding: 'utf8' }));
  writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(
    join(CONSUMER, 'entry.mjs'),
    [
      "export * from 'daily-dialin';",
      "export { verifyPinlessWebhook, signPinlessWebhook } from 'daily-dialin/webhook';",
      "export * as core from 'daily-dialin/core';",
      "export * as webhook from 'daily-dialin/webhook';",
      "export { startEmulator } from 'daily-dialin/emulator';",
      '',
    ].join('\n'),
  );
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', join(CONSUMER, info.filename)], {
    cwd: CONSUMER,
    stdio: 'ignore',
  });
  writeFileSync(join(CONSUMER, '.installed'), String(statSync(join(pkg, 'daily_dialin_bg.wasm')).mtimeMs));
}

/**
 * The installed package's exports: the Node ESM entry, plus `verifyPinlessWebhook` and
 * `signPinlessWebhook` from daily-dialin/webhook, the `core` and `webhook` subpath modules whole,
 * and `startEmulator`.
 */
export async function dd() {
  const marker = join(CONSUMER, '.installed');
  const built = join(ROOT, 'pkg', 'daily_dialin_bg.wasm');
  const stale = !existsSync(marker) || readFileSync(marker, 'utf8') !== String(statSync(built).mtimeMs);
  if (stale) installPackage();
  return import(pathToFileURL(join(CONSUMER, 'entry.mjs')).href);
}

export const installedDir = () => join(CONSUMER, 'node_modules', 'daily-dialin');
export const listInstalled = () => readdirSync(installedDir());

if (process.argv[1] === fileURLToPath(import.meta.url)) installPackage();
