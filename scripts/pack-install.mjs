// Packs pkg/ (daily-dialin) and emulator/pkg/ (daily-dialin-emulator) with `npm pack` and installs
// both tarballs, offline, into a project at DIR (created afresh): the packages as a user gets them.
// Used by the tests (tests/js/installed.mjs, DIR = .tmp/consumer) and the demo (.tmp/demo).
//   node scripts/pack-install.mjs DIR
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = [join(ROOT, 'pkg'), join(ROOT, 'emulator', 'pkg')];

/** Installs both packages into `dir`; `files` are extra files to write there first. */
export function packAndInstall(dir, files = {}) {
  for (const pkg of PACKAGES) {
    if (!existsSync(join(pkg, 'package.json'))) throw new Error(`${pkg} is missing: run scripts/build-pkg`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarballs = PACKAGES.map((pkg) => {
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkg, encoding: 'utf8' }));
    return join(dir, info.filename);
  });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  // Both at once: the emulator's dependency on daily-dialin is met by the tarball beside it.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', ...tarballs], { cwd: dir, stdio: 'ignore' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/pack-install.mjs DIR');
    process.exit(2);
  }
  packAndInstall(resolve(dir));
}
