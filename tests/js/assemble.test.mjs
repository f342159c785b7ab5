// scripts/assemble-pkg.mjs and scripts/esm-to-cjs.mjs on their own: the optional Node-only
// ./emulator subpath, and the refusal of files the ESM -> CJS step cannot convert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, EXPORT_KEYS, tempDir, node } from './helpers.mjs';
import { esmToCjs } from '../../scripts/esm-to-cjs.mjs';

const BINDGEN = join(ROOT, '.tmp', 'bindgen');

function assemble(withEmulator) {
  const tmp = tempDir('assemble');
  const template = join(tmp.dir, 'template');
  cpSync(join(ROOT, 'pkg-template'), template, { recursive: true });
  if (withEmulator) {
    writeFileSync(join(template, 'emulator.mjs'), 'export const emulator = true;\n');
    writeFileSync(join(template, 'emulator.d.mts'), 'export declare const emulator: boolean;\n');
  }
  const out = join(tmp.dir, 'out');
  node(ROOT, ['scripts/assemble-pkg.mjs', BINDGEN, template, out, join(ROOT, 'Cargo.toml')]);
  const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
  return { pkg, out, cleanup: tmp.cleanup };
}

test('./emulator is exported (Node only) exactly when pkg-template/emulator.mjs exists', { skip: !existsSync(BINDGEN) && 'run scripts/build-pkg first' }, () => {
  const plain = assemble(false);
  const withEmu = assemble(true);
  try {
    if (!existsSync(join(ROOT, 'pkg-template', 'emulator.mjs'))) {
      assert.equal(plain.pkg.exports['./emulator'], undefined);
      assert.ok(!plain.pkg.files.includes('emulator.mjs'));
    }
    assert.deepEqual(withEmu.pkg.exports['./emulator'], { node: { types: './emulator.d.mts', default: './emulator.mjs' } });
    assert.ok(withEmu.pkg.files.includes('emulator.mjs') && withEmu.pkg.files.includes('emulator.d.mts'));
    assert.ok(existsSync(join(withEmu.out, 'emulator.mjs')));
    assert.deepEqual(Object.keys(withEmu.pkg.exports), EXPORT_KEYS);
    assert.deepEqual(Object.keys(plain.pkg.exports).filter((k) => k !== './emulator'), Object.keys(withEmu.pkg.exports).filter((k) => k !== './emulator'));
  } finally {
    plain.cleanup();
    withEmu.cleanup();
  }
});

test('esm-to-cjs converts export declarations and refuses what it cannot convert', () => {
  const cjs = esmToCjs('export class A {}\nexport function b() {}\nexport const c = 1;\nclass D {}\n', 'x.js');
  const m = { exports: {} };
  // A vm context, not `new Function`: the suite runs with --disallow-code-generation-from-strings.
  vm.runInNewContext(cjs, { exports: m.exports, module: m });
  assert.deepEqual(Object.keys(m.exports), ['A', 'b', 'c']);
  assert.throws(() => esmToCjs("import x from './y.js';\nexport const a = x;\n", 'x.js'), /does not handle/);
  assert.throws(() => esmToCjs('const a = 1;\nexport { a };\n', 'x.js'), /does not handle/);
  assert.throws(() => esmToCjs('export default 1;\n', 'x.js'), /does not handle/);
});
