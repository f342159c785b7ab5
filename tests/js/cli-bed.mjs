// What the test files of the `daily-dialin` bin share (cli.test, cli-migrate.test, upsert.test):
// the installed package, an emulator on 127.0.0.1 that accepts only the file's API key, a temp
// folder, and a runner of the bin against that emulator.
import { before, after, beforeEach } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dd, CONSUMER } from './installed.mjs';

/** The installed bin. */
export const BIN = () => join(CONSUMER, 'node_modules', '.bin', 'daily-dialin');

/**
 * Registers the hooks (call it at the top of a test file): before all, the installed package
 * (`bed.m`), an emulator accepting only `key` (`bed.emu`) and a temp folder (`bed.dir`), then
 * `ready(bed)` (awaited in the same hook: Node 20 does not wait for one root `before` hook before it
 * starts the next); before each test, the emulator emptied; after all, both gone.
 */
export function useCliBed({ key, prefix, ready = () => {} }) {
  const bed = {
    m: undefined,
    emu: undefined,
    dir: undefined,
    /** The environment the bin runs with: the key, no colours, plus `env`. */
    env: (env = {}) => ({ PATH: process.env.PATH, DAILY_API_KEY: key, NO_COLOR: '1', ...env }),
    /** The arguments with `--base-url` of `emulator` (none when null) after the command. */
    args(args, emulator = bed.emu) {
      const base = emulator ? ['--base-url', emulator.url, '--allow-private-urls'] : [];
      return args.length && !args[0].startsWith('-') ? [args[0], ...base, ...args.slice(1)] : args;
    },
    /** Runs the bin asynchronously (the emulator answers from this process): { code, stdout, stderr }. */
    run(args, { env, input, emulator } = {}) {
      return new Promise((resolve) => {
        const child = execFile(BIN(), bed.args(args, emulator === undefined ? bed.emu : emulator), { env: bed.env(env), maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
          resolve({ code: err ? err.code : 0, stdout, stderr });
        });
        if (input !== undefined) child.stdin.end(input);
      });
    },
    /** Writes `value` as JSON into the temp folder; returns its path. */
    write(name, value) {
      const p = join(bed.dir, name);
      writeFileSync(p, JSON.stringify(value));
      return p;
    },
  };
  before(async () => {
    bed.m = await dd();
    bed.emu = await bed.m.startEmulator({ apiKeys: [key], rateLimit: null });
    bed.dir = mkdtempSync(join(tmpdir(), `dd-${prefix}-`));
    await ready(bed);
  });
  after(async () => {
    await bed.emu?.close();
    if (bed.dir) rmSync(bed.dir, { recursive: true, force: true });
  });
  beforeEach(() => bed.emu.reset());
  return bed;
}
