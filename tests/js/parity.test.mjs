// Parity of the installed packages' TypeScript declarations with their npm READMEs: every name a
// user can import from an entry (`daily-dialin`, `daily-dialin/core`, `daily-dialin/hold-music`, `daily-dialin/webhook`,
// `daily-dialin/errors`, `daily-dialin-emulator`), every option of `new DailyDialinClient(...)`
// and every field of each error class must be mentioned in the README's code (a `code span` or a
// fenced block), so that what an editor completes is what the docs describe.
//
// The names come from the .d.ts files of the packed tarballs (as installed into .tmp/consumer),
// read with the TypeScript compiler API: each entry is resolved as a bundler (web.d.ts), as Node
// ESM and CommonJS (node.d.mts / node.d.cts) and under the `workerd` condition, and its exports
// are the union. The READMEs are read from their sources: pkg-template/README.md for
// daily-dialin; emulator/pkg-template/README.md and docs/emulator.md (which the README points to)
// for the emulator.
//
// A mention is the name as a whole identifier anywhere in the README's code: the test catches
// names the docs never show, not names shown in the wrong place. A client option is held to a bit
// more, so that `await fetch(req.url, req)` does not count for the `fetch` option: a code span of
// just the name, or the name as an object key (`{ apiKey, fetch }`, `fetch: f`, `fetch?`).
//
// The last tests hold the declarations to the run time instead: every field an error class copies
// (errors.js) is declared on it, and every `kind` the Rust code gives a DailyApiError is a value of
// DailyApiErrorKind.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT, CONSUMER, dd, installedDir } from './installed.mjs';
import { pathToFileURL } from 'node:url';

const ENTRIES = ['daily-dialin', 'daily-dialin/core', 'daily-dialin/hold-music', 'daily-dialin/webhook', 'daily-dialin/configs', 'daily-dialin/apply', 'daily-dialin/errors', 'daily-dialin-emulator'];

/** How a consumer project may resolve an entry: file name of the importer, compiler options. */
const RESOLUTIONS = [
  ['bundler', 'consumer.ts', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
  ['bundler, workerd', 'consumer.ts', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, customConditions: ['workerd'] }],
  ['nodenext import', 'consumer.mts', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }],
  ['nodenext require', 'consumer.cts', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }],
];

/** The code of a Markdown text: fenced blocks and inline code spans, joined. */
export function codeOf(markdown) {
  const parts = [];
  const rest = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^ {0,3}\1[ \t]*$/gm, (_, _fence, body) => {
    parts.push(body);
    return '';
  });
  for (const m of rest.matchAll(/(`+)([^`][\s\S]*?)\1(?!`)/g)) parts.push(m[2]);
  return parts.join('\n');
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whether `name` occurs in `code` as a whole identifier (not as part of a longer one). */
export const mentions = (code, name) => new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`).test(code);
/** Whether `name` is a code span of its own or an object key in `code` (see the header). */
export const mentionsAsKey = (code, name) =>
  new RegExp(`(?:^|\\n)${escape(name)}(?:\\n|$)|(?<![\\w$.])${escape(name)}\\s*[?:,}]`).test(code);

const repoFile = (...p) => readFileSync(join(ROOT, ...p), 'utf8');
const DOCS = {
  'daily-dialin': codeOf(repoFile('pkg-template', 'README.md')),
  'daily-dialin-emulator': codeOf(repoFile('emulator', 'pkg-template', 'README.md') + '\n' + repoFile('docs', 'emulator.md')),
};
const docsOf = (entry) => (entry.startsWith('daily-dialin-emulator') ? DOCS['daily-dialin-emulator'] : DOCS['daily-dialin']);
const readmeName = (entry) =>
  entry.startsWith('daily-dialin-emulator') ? 'emulator/pkg-template/README.md + docs/emulator.md' : 'pkg-template/README.md';

let declared;
before(async () => {
  await dd(); // packs and installs both tarballs into .tmp/consumer when pkg/ was rebuilt
  declared = readDeclarations();
});

/** What a symbol is, for the report. */
function kindOf(checker, symbol) {
  const s = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  if (s.flags & ts.SymbolFlags.Class) return 'class';
  if (s.flags & ts.SymbolFlags.Function) return 'function';
  if (s.flags & ts.SymbolFlags.Variable) return 'value';
  return 'type';
}

/**
 * From the installed .d.ts files: `exports` (entry → Map(name → kind)), `clientOptions` and
 * `errorFields` (class → field names, as in every declaration file of daily-dialin/errors: a
 * field missing from errors.d.cts alone is missing) and `kinds` (DailyApiErrorKind's values).
 */
function readDeclarations() {
  const files = new Map(); // entry → resolved declaration files
  for (const entry of ENTRIES) {
    const found = new Set();
    for (const [how, importer, options] of RESOLUTIONS) {
      const r = ts.resolveModuleName(entry, join(CONSUMER, importer), options, ts.sys).resolvedModule;
      assert.ok(r?.resolvedFileName.endsWith('.d.ts') || /\.d\.[mc]ts$/.test(r?.resolvedFileName ?? ''), `${entry} (${how}) resolves to declarations: ${r?.resolvedFileName}`);
      found.add(r.resolvedFileName);
    }
    files.set(entry, [...found]);
  }
  const program = ts.createProgram({
    rootNames: [...new Set([...files.values()].flat())],
    options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [], noEmit: true },
  });
  const checker = program.getTypeChecker();
  const exportsOf = (file) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file));
    assert.ok(module, `${file} is a module`);
    return checker.getExportsOfModule(module).filter((s) => s.name !== 'default');
  };

  const exports = new Map();
  for (const [entry, list] of files) {
    const names = new Map();
    for (const file of list) for (const s of exportsOf(file)) names.set(s.name, kindOf(checker, s));
    exports.set(entry, names);
  }

  const [rootFile] = files.get('daily-dialin');
  const clientOptions = exportsOf(rootFile).find((s) => s.name === 'ClientOptions');
  assert.ok(clientOptions, 'daily-dialin exports ClientOptions');
  const optionNames = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(clientOptions)).map((p) => p.name);

  // Fields: properties declared by the package (not Error's name, message, stack, cause), not methods.
  const ours = (d) => !program.isSourceFileDefaultLibrary(d.getSourceFile()) && (ts.isPropertyDeclaration(d) || ts.isPropertySignature(d));
  const errorFields = new Map();
  for (const file of files.get('daily-dialin/errors')) {
    for (const s of exportsOf(file)) {
      if (kindOf(checker, s) !== 'class') continue;
      const props = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(s));
      const fields = props.filter((p) => (p.declarations ?? []).some(ours)).map((p) => p.name);
      const before = errorFields.get(s.name);
      errorFields.set(s.name, before ? before.filter((f) => fields.includes(f)) : fields);
    }
  }
  assert.ok(files.get('daily-dialin/errors').length >= 2, 'daily-dialin/errors has ESM and CommonJS declarations');
  const kindAlias = exportsOf(files.get('daily-dialin/errors')[0]).find((s) => s.name === 'DailyApiErrorKind');
  assert.ok(kindAlias, 'daily-dialin/errors exports DailyApiErrorKind');
  const kindType = checker.getDeclaredTypeOfSymbol(kindAlias);
  const kinds = (kindType.isUnion() ? kindType.types : [kindType]).map((t) => t.value);
  return { exports, clientOptions: optionNames, errorFields, kinds };
}

test('the declarations were read: every entry exports names, the client has options, the error classes have fields', () => {
  for (const entry of ENTRIES) assert.ok(declared.exports.get(entry).size > 0, entry);
  assert.ok(declared.exports.get('daily-dialin').has('DailyDialinClient'));
  assert.ok(declared.exports.get('daily-dialin-emulator').has('startEmulator'));
  assert.ok(declared.clientOptions.includes('apiKey') && declared.clientOptions.includes('fetch'), declared.clientOptions.join());
  assert.ok(declared.errorFields.get('DailyApiError')?.includes('kind'), JSON.stringify([...declared.errorFields]));
  // The matcher: code only, whole identifiers only.
  const code = codeOf('Prose names apiKey.\n\n```js\nnew C({ timeoutMs: 1 })\n```\n\nand `e.maybeSent` here, `fetchAll`.\n');
  assert.ok(mentions(code, 'timeoutMs') && mentions(code, 'maybeSent'));
  assert.ok(!mentions(code, 'apiKey') && !mentions(code, 'fetch'));
  const keys = codeOf('`fetch`, `{ apiKey, baseUrl? }`, `timeoutMs: 5`, `{ a, maxRetries }`, `await fetch(url)`, `opts.signal`');
  for (const k of ['fetch', 'apiKey', 'baseUrl', 'timeoutMs', 'maxRetries']) assert.ok(mentionsAsKey(keys, k), k);
  assert.ok(!mentionsAsKey(codeOf('`await fetch(url, init)` and `opts.signal, x`'), 'fetch'));
  assert.ok(!mentionsAsKey(codeOf('`opts.signal, x`'), 'signal'));
});

test('every export of every entry is mentioned in its README', () => {
  const missing = [];
  for (const [entry, names] of declared.exports) {
    const absent = [...names].filter(([name]) => !mentions(docsOf(entry), name)).map(([name, kind]) => `${name} (${kind})`);
    if (absent.length) missing.push(`${entry}, not in ${readmeName(entry)}: ${absent.join(', ')}`);
  }
  assert.deepEqual(missing, []);
});

test('every option of new DailyDialinClient(...) is mentioned in the README', () => {
  const absent = declared.clientOptions.filter((name) => !mentionsAsKey(DOCS['daily-dialin'], name));
  assert.deepEqual(absent, [], `ClientOptions, not in pkg-template/README.md: ${absent.join(', ')}`);
});

test('every field of every error class is mentioned in the README', () => {
  const missing = [];
  for (const [cls, fields] of declared.errorFields) {
    const absent = fields.filter((f) => !mentions(DOCS['daily-dialin'], f));
    if (absent.length) missing.push(`${cls}: ${absent.join(', ')}`);
  }
  assert.deepEqual(missing, [], `error fields, not in pkg-template/README.md:\n${missing.join('\n')}`);
});

// The declarations against the run time (not the docs): what the errors carry must be declared.

test('every field an error class copies at run time (errors.js: Class.fields) is declared on it', async () => {
  const errors = await import(pathToFileURL(join(installedDir(), 'errors.js')).href);
  const undeclared = [];
  for (const [name, cls] of Object.entries(errors)) {
    const fields = declared.errorFields.get(name);
    assert.ok(fields, `${name} is declared in errors.d.ts`);
    for (const f of cls.fields ?? []) if (!fields.includes(f)) undeclared.push(`${name}.${f}`);
  }
  assert.deepEqual(undeclared, []);
});

test("every kind the client gives a DailyApiError (src/api_error.rs, src/client.rs) is in DailyApiErrorKind", () => {
  const apiError = repoFile('src', 'api_error.rs').split('#[cfg(test)]')[0];
  const client = repoFile('src', 'client.rs').split('#[cfg(test)]')[0];
  const kinds = new Set([
    ...[...apiError.matchAll(/\(t::\w+, \d+, "([a-z_]+)"\)/g)].map((m) => m[1]),
    ...[...apiError.matchAll(/=> "([a-z_]+)",/g)].map((m) => m[1]),
    ...[...client.matchAll(/\("kind", "([a-z_]+)"/g)].map((m) => m[1]),
    // The kinds src/client.rs names by constant (`UNEXPECTED`).
    ...[...client.matchAll(/pub const \w+: &str = "([a-z_]+)";/g)].map((m) => m[1]),
  ]);
  assert.ok(kinds.has('not_found') && kinds.has('unknown') && kinds.has('unexpected_response'), [...kinds].join());
  assert.deepEqual([...kinds].filter((k) => !declared.kinds.includes(k)), []);
});
