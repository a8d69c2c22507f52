// @ts-check
/**
 * npm run bench [-- --apps N] [--stages S] [--runs R] [--sizes 250,500,1000,2000,5000] [--plus-max 2000] [--dir DIR]
 *
 * Runs each variant in its own process (bench/variant.js), R times per size, on the same machine in the
 * same run: (a) ours, N StatefulApps with an S-stage plan, the whole tree written; (b) plain
 * cdk8s-plus-27, the same N StatefulSets with headless Services; (c) the lower bound, JSON.stringify of
 * the same N object pairs. Reports the median wall time, the peak RSS and the time per app; times
 * `cdk8s-staged status` and `promote` on one app directory of the N-app tree; writes bench/results.json
 * and bench/chart.svg; prints one JSON object as its last line.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');

const { values } = parseArgs({
  options: {
    'apps': { type: 'string', default: '1000' },
    'stages': { type: 'string', default: '5' },
    'runs': { type: 'string', default: '3' },
    'sizes': { type: 'string', default: '250,500,1000,2000,5000' },
    'plus-max': { type: 'string', default: '2000' },
    'dir': { type: 'string' },
    'chart-only': { type: 'boolean' },
  },
});
if (values['chart-only']) {
  // re-render bench/chart.svg from bench/results.json, without measuring again
  const saved = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf-8'));
  fs.writeFileSync(path.join(__dirname, 'chart.svg'), chart(saved.rows, saved.options.stages, saved.options.runs));
  process.exit(0);
}
const int = (name, v, min) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`bench: --${name} (${JSON.stringify(v)}) must be an integer >= ${min}\n`);
    process.exit(2);
  }
  return n;
};
const apps = int('apps', values.apps, 1);
const stages = int('stages', values.stages, 2);
const runs = int('runs', values.runs, 1);
const plusMax = int('plus-max', values['plus-max'], 0);
const sizes = [...new Set([...String(values.sizes).split(',').map(s => int('sizes', s, 1)), apps])].sort((a, b) => a - b);
// tmpfs where there is one: the virtual disk of CI machines adds seconds of noise to every variant alike
const base = values.dir ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const work = fs.mkdtempSync(path.join(base, 'cdk8s-staged-bench-'));
const here = __dirname;

/** @param {number[]} xs */
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Run one variant R times at one size; returns the median ms and the highest peak RSS. */
function measure(variant, n, keep = false) {
  const samples = [];
  let rss = 0;
  let files = 0;
  for (let r = 0; r < runs; r++) {
    const out = path.join(work, `${variant}-${n}-${r}`);
    const run = spawnSync(process.execPath, [path.join(here, 'variant.js'), variant, String(n), String(stages), out], { encoding: 'utf-8', maxBuffer: 1 << 24 });
    if (run.status !== 0) {
      process.stderr.write(run.stderr);
      throw new Error(`variant ${variant} at ${n} apps failed`);
    }
    const result = JSON.parse(run.stdout.trim().split('\n').pop());
    samples.push(result.ms);
    rss = Math.max(rss, result.peakRssMb);
    files = result.files;
    if (!(keep && r === runs - 1)) fs.rmSync(out, { recursive: true, force: true });
  }
  const ms = median(samples);
  return { variant, apps: n, ms, msPerApp: Math.round((ms / n) * 1000) / 1000, peakRssMb: rss, files, samples };
}

const rows = [];
for (const n of sizes) {
  for (const variant of ['json', 'ours', 'plus']) {
    if (variant === 'plus' && n > plusMax) continue;
    const row = measure(variant, n, variant === 'ours' && n === apps);
    rows.push(row);
    process.stderr.write(`${variant.padEnd(5)} ${String(n).padStart(6)} apps: ${row.ms} ms (${row.msPerApp} ms/app), peak RSS ${row.peakRssMb} MB, ${row.files} files\n`);
  }
}

// the command line on one app directory of the N-app tree kept from the last `ours` run
const tree = path.join(work, `ours-${apps}-${runs - 1}`);
const cli = path.join(here, '..', 'lib', 'cli', 'main.js');
const appDir = path.join(tree, 'dist', `app-${Math.floor(apps / 2)}`);
function timeCli(args) {
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf-8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (run.status !== 0) throw new Error(`cdk8s-staged ${args.join(' ')} failed: ${run.stderr}`);
  return Math.round(ms * 10) / 10;
}
const statusMs = median(Array.from({ length: runs }, () => timeCli(['status', appDir])));
// each promotion moves one stage further (hold -> step-1 -> ...), so every run does real work
const promoteSamples = [];
for (let r = 0; r < Math.min(runs, stages - 1); r++) promoteSamples.push(timeCli(['promote', appDir, '--no-code-check']));
const promoteMs = median(promoteSamples);
process.stderr.write(`cdk8s-staged status: ${statusMs} ms, promote --no-code-check: ${promoteMs} ms (one app of ${apps})\n`);
fs.rmSync(work, { recursive: true, force: true });

const at = (variant, n) => rows.find(r => r.variant === variant && r.apps === n);
const ours = at('ours', apps);
const plus = at('plus', apps);
const json = at('json', apps);
const growth = (() => {
  const small = at('ours', 1000);
  const large = at('ours', 5000);
  return small && large ? Math.round(((large.msPerApp / small.msPerApp) - 1) * 1000) / 10 : null;
})();
const rss5000 = at('ours', 5000)?.peakRssMb ?? null;
const summary = {
  apps,
  stages,
  ms: ours.ms,
  baselineMs: plus ? plus.ms : null,
  lowerBoundMs: json.ms,
  ratio: plus ? Math.round((ours.ms / plus.ms) * 1000) / 1000 : null,
  peakRssMb: ours.peakRssMb,
};
const targets = {
  'ratio <= 1.0 at N=1000, S=5': apps === 1000 && stages === 5 && summary.ratio !== null ? summary.ratio <= 1 : null,
  'time per app grows < 25% from N=1000 to N=5000': growth === null ? null : growth < 25,
  'peak RSS < 500 MB at N=5000': rss5000 === null ? null : rss5000 < 500,
  'status < 300 ms on one app of the tree': statusMs < 300,
  'promote (--no-code-check) < 300 ms on one app of the tree': promoteMs < 300,
};
const results = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, dir: base },
  options: { apps, stages, runs, sizes, plusMax },
  rows,
  cli: { statusMs, promoteMs, promoteSamples },
  perAppGrowthPercent1000to5000: growth,
  summary,
  targets,
};
fs.writeFileSync(path.join(here, 'results.json'), JSON.stringify(results, undefined, 2) + '\n');
fs.writeFileSync(path.join(here, 'chart.svg'), chart(rows, stages, runs));
process.stderr.write(`targets: ${JSON.stringify(targets)}\nwrote bench/results.json and bench/chart.svg\n`);
process.stdout.write(JSON.stringify(summary) + '\n');

/** A line chart of median time against N, one line per variant, as SVG. */
function chart(data, stages, runs) {
  const W = 860, H = 420, L = 70, R = 260, T = 40, B = 50;
  const xs = [...new Set(data.map(d => d.apps))].sort((a, b) => a - b).filter((n, i, all) => i === 0 || n - all[i - 1] > all[all.length - 1] / 25 || i === all.length - 1);
  const maxX = Math.max(...xs);
  const maxY = Math.max(...data.map(d => d.ms));
  const x = n => L + (n / maxX) * (W - L - R);
  const y = ms => H - B - (ms / maxY) * (H - T - B);
  const colours = { ours: '#1a7f37', plus: '#cf222e', json: '#0969da' };
  const names = { ours: 'cdk8s-staged-rollout (all stages)', plus: 'cdk8s-plus-27', json: 'JSON.stringify (lower bound)' };
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14">Synth time against number of apps (S = ${stages}, median of ${runs})</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`];
  for (const n of xs) parts.push(`<text x="${x(n)}" y="${H - B + 18}" text-anchor="middle">${n}</text>`);
  for (let k = 0; k <= 4; k++) {
    const ms = (maxY * k) / 4;
    parts.push(`<text x="${L - 6}" y="${y(ms) + 4}" text-anchor="end">${(ms / 1000).toFixed(1)} s</text>`);
    parts.push(`<line x1="${L}" y1="${y(ms)}" x2="${W - R}" y2="${y(ms)}" stroke="#ddd"/>`);
  }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">apps (N)</text>`);
  let legend = T + 10;
  for (const v of ['plus', 'ours', 'json']) {
    const pts = data.filter(d => d.variant === v).sort((a, b) => a.apps - b.apps);
    if (pts.length === 0) continue;
    parts.push(`<polyline fill="none" stroke="${colours[v]}" stroke-width="2" points="${pts.map(p => `${x(p.apps).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${x(p.apps).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3" fill="${colours[v]}"/>`);
    parts.push(`<rect x="${W - R + 10}" y="${legend - 9}" width="12" height="3" fill="${colours[v]}"/><text x="${W - R + 28}" y="${legend - 4}">${names[v]}</text>`);
    legend += 20;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
