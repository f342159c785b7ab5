// Shared helpers of the benchmarks: interleaved rounds, medians, compressed sizes, tables.
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Runs `contenders` ([[name, fn]]; fn may be async and returns a number, lower is better, e.g.
 * ns per op) in `rounds` interleaved rounds: every round runs each contender once, in an order
 * that rotates from round to round, so that noise from other processes hits all of them alike.
 * `before` (optional) runs before each measurement, untimed. Returns { samples: {name: [..]} }.
 */
export async function interleave(contenders, rounds, before) {
  const samples = Object.fromEntries(contenders.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    const n = contenders.length;
    const order = contenders.map((_, i) => (i + r) % n);
    if (r % 2) order.reverse();
    for (const i of order) {
      const [name, fn] = contenders[i];
      if (before) await before(name);
      samples[name].push(await fn());
    }
  }
  return samples;
}

/** Median of the per-round ratios a/b (each round's pair ran under the same conditions). */
export function ratioOf(samples, a, b) {
  const rs = samples[a].map((x, i) => x / samples[b][i]);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

/** Nanoseconds per call of the synchronous `fn`, over `n` calls. */
export function nsPerOp(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

/** raw, gzip -9 and brotli q11 byte counts of a buffer or string. */
export function sizes(data) {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return {
    raw: b.length,
    gzip: gzipSync(b, { level: 9 }).length,
    brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export const sumSizes = (list) =>
  list.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
export const round = (x, digits = 3) => Number(x.toFixed(digits));

/** A plain-text table: `columns` are [title, key, align ('l'|'r')]. */
export function table(columns, rows) {
  const cell = (row, key) => String(typeof key === 'function' ? key(row) : row[key] ?? '');
  const widths = columns.map(([title, key]) => Math.max(title.length, ...rows.map((r) => cell(r, key).length)));
  const line = (values) =>
    values.map((v, i) => (columns[i][2] === 'l' ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(columns.map(([t]) => t)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map(([, k]) => cell(r, k))))].join('\n');
}
