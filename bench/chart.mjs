// The goals of `npm run bench` as an SVG chart (bench/results/goals.svg, linked from
// bench/README.md): one row per goal, the measured value as a bar on a scale where the goal's
// target is the same vertical line for every row, so that a reader sees at a glance which goals
// are met (bar green, on the good side of the line) and by how much the others miss (red).
// Plain SVG text, no dependency.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `goals`: [{ goal, value, target, better: 'low' | 'high', unit, met, before }] (value null = not
 * run; before: the value before the performance issue, or null).
 * Each bar's length is value / target on a scale from 0 to 2 (the target at the middle),
 * clipped at 2 with the value printed beside it.
 */
export function goalsChart(goals, date) {
  const rowH = 34;
  const left = 540;
  const width = 1320;
  const barW = 420;
  const top = 56;
  const height = top + goals.length * rowH + 40;
  const x = (ratio) => left + Math.min(Math.max(ratio, 0), 2) * (barW / 2);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="16" y="24" font-size="16" font-weight="600">daily-dialin benchmark goals (npm run bench, ${esc(date.slice(0, 10))})</text>`);
  out.push(`<text x="16" y="42" fill="#555">Bar = measured / target; the dashed line is the target; the grey tick, the value before the performance issue. Lower is better unless marked.</text>`);
  const targetX = x(1);
  out.push(`<line x1="${targetX}" y1="${top - 6}" x2="${targetX}" y2="${height - 30}" stroke="#222" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${targetX}" y="${height - 14}" text-anchor="middle" fill="#222">target</text>`);
  out.push(`<text x="${x(0)}" y="${height - 14}" text-anchor="middle" fill="#777">0</text>`);
  out.push(`<text x="${x(2)}" y="${height - 14}" text-anchor="middle" fill="#777">2x target</text>`);
  goals.forEach((g, i) => {
    const y = top + i * rowH;
    const label = `${g.goal}${g.better === 'high' ? ' (higher is better)' : ''}`;
    out.push(`<text x="16" y="${y + 20}">${esc(label)}</text>`);
    if (g.value === null) {
      out.push(`<text x="${left}" y="${y + 20}" fill="#999">not run</text>`);
      return;
    }
    const ratio = g.value / g.target;
    const color = g.met ? '#2e7d32' : '#c62828';
    out.push(`<rect x="${left}" y="${y + 6}" width="${Math.max(x(ratio) - left, 1)}" height="${rowH - 14}" fill="${color}" opacity="0.85"/>`);
    const unit = g.unit === 'KiB' ? ' KiB' : 'x';
    // The value before the performance issue (bench/before.json): a grey tick across the bar.
    if (g.before != null) {
      const bx = x(g.before / g.target);
      out.push(`<line x1="${bx}" y1="${y + 2}" x2="${bx}" y2="${y + rowH - 4}" stroke="#555" stroke-width="3"/>`);
    }
    const was = g.before == null ? '' : `, before ${g.before}${unit}`;
    const text = `${g.value}${unit} (target ${g.better === 'high' ? '>=' : '<='} ${g.target}${unit}${was}) ${g.met ? 'met' : 'missed'}`;
    const after = Math.max(x(ratio), g.before == null ? 0 : x(g.before / g.target));
    out.push(`<text x="${after + 8}" y="${y + 20}" fill="${color}">${esc(text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
