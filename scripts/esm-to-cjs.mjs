// Minimal ESM -> CommonJS conversion for self-contained files such as pkg-template/errors.js:
// `export class|function|const|let NAME` become plain declarations plus `exports.NAME = NAME`.
// Anything else (imports, `export {…}`, `export default`, re-exports) is refused, so a change to
// the source that this cannot handle fails the build rather than shipping a broken copy.
export function esmToCjs(source, what) {
  if (/^\s*import\s/m.test(source) || /^\s*export\s*(\{|\*|default\b)/m.test(source)) {
    throw new Error(`esm-to-cjs: ${what} uses imports or export forms this converter does not handle`);
  }
  const names = [];
  const body = source.replace(
    /^export\s+((?:async\s+)?(?:class|function\*?|const|let)\s+)([A-Za-z_$][\w$]*)/gm,
    (_m, kind, name) => {
      names.push(name);
      return kind + name;
    },
  );
  if (/^\s*export\s/m.test(body)) throw new Error(`esm-to-cjs: ${what} has an export this converter does not handle`);
  const tail = names.map((n) => `exports.${n} = ${n};`).join('\n');
  return `'use strict';\n// Generated from ${what} by scripts/esm-to-cjs.mjs; edit the ESM source.\n${body}\n${tail}\n`;
}
