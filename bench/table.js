// @ts-check
/**
 * node bench/table.js [results.json]: the README's Benchmark tables (markdown) from bench/results.json, so
 * the README shows exactly what the last `npm run bench` measured.
 */
const fs = require('fs');
const path = require('path');

const file = process.argv[2] ?? path.join(__dirname, 'results.json');
const r = JSON.parse(fs.readFileSync(file, 'utf-8'));
const sizes = [...new Set(r.rows.map(x => x.apps))].sort((a, b) => a - b);
const order = ['ours', 'plus', 'plus-chart', 'l1', 'floor'].filter(v => r.rows.some(x => x.variant === v));
const cell = (v, n) => {
  const row = r.rows.find(x => x.variant === v && x.apps === n);
  return row ? `${Math.round(row.ms)} ms (${row.msPerApp.toFixed(2)} ms/app, ${row.peakRssMb} MB)` : 'not run';
};
const lines = [];
lines.push(`| apps | ${order.map(v => r.variants?.[v] ?? v).join(' | ')} | ours / plus | ours / L1 | ours / floor |`);
lines.push(`| ---: | ${order.map(() => '---').join(' | ')} | ---: | ---: | ---: |`);
for (const n of sizes) {
  const q = r.ratios[n] ?? {};
  const f = x => (x === undefined || x === null ? '-' : x.toFixed(2));
  lines.push(`| ${n} | ${order.map(v => cell(v, n)).join(' | ')} | ${f(q['ours/plus'])} | ${f(q['ours/l1'])} | ${f(q['ours/floor'])} |`);
}
const pc = r.ratios[sizes[0]]?.['ours/plus-chart'];
if (pc !== undefined) lines.push('', `ours / cdk8s-plus-27 one chart per app at ${sizes[0]} apps: ${pc.toFixed(2)}`);
const c = r.cli;
lines.push('', `CLI (median of ${c.runs}, one app of a copy of the ${r.summary.apps}-app tree): \`node -e 0\` ${c.nodeMs} ms, \`status\` ${c.statusMs} ms (+${c.statusOverNodeMs}), \`promote --no-code-check\` ${c.promoteMs} ms (+${c.promoteOverNodeMs})`);
const m = r.machine;
lines.push('', `Machine: ${m.cpus} x ${m.cpu}, ${m.memoryGb} GiB, Node ${m.node}, output in ${m.dir}, load average at the end ${m.loadAverage.join(' / ')} (1 / 5 / 15 min)`);
process.stdout.write(lines.join('\n') + '\n');
