// @ts-check
/**
 * npm run bench [-- --sizes 1000,5000,8000] [--apps N] [--stages S] [--runs R] [--plus-chart-max M]
 *                  [--variants ours,plus,plus-chart,l1,floor] [--cli-runs C] [--quick] [--dir DIR]
 *                  [--compile | --no-compile] [--chart-only]
 *
 * Measures, side by side in one run, each variant in its own process (bench/variant.js), R times per
 * size (interleaved: run 1 of every variant, then run 2, ...), output on /dev/shm where it exists:
 *   ours        this library: N charts, each a StatefulApp with an S-stage rollout, the whole tree written
 *   plus        cdk8s-plus-27, the same N StatefulSets (and headless Services) all in ONE chart: its
 *               fastest layout
 *   plus-chart  cdk8s-plus-27, one chart per app: its quadratic layout (App.synth resolves the whole app
 *               for every chart), only up to --plus-chart-max apps so the run stays short
 *   l1          the typed L1 objects (k8s.KubeStatefulSet + k8s.KubeService) in one chart, App.synth
 *   floor       mkdir + writeFileSync of exactly the directories, files and bytes `ours` wrote at that
 *               size (captured from its first run, only the writes timed)
 * Reports the median wall time, the highest peak RSS, ms per app, the ratios ours/plus, ours/floor and
 * ours/l1 at every size, the spread of ours' ms per app over the sizes (linear check), and the command
 * line (`status`, `promote --no-code-check`) against `node -e 0` on a copy of the N-app tree. Writes
 * bench/results.json and bench/chart.svg; the last line of stdout is one JSON object.
 *
 * lib/ is compiled first (npx projen compile) when it is missing or older than src/; --compile forces it,
 * --no-compile skips it. --quick is --sizes 500,1000,2000 --runs 1 --plus-chart-max 500 --cli-runs 5.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');

const VARIANTS = ['ours', 'plus', 'plus-chart', 'l1', 'floor'];
const NAMES = {
  'ours': 'cdk8s-staged-rollout (all S stages)',
  'plus': 'cdk8s-plus-27, one chart',
  'plus-chart': 'cdk8s-plus-27, one chart per app (quadratic)',
  'l1': 'typed L1 objects, one chart',
  'floor': 'floor: mkdir + writeFileSync of ours\' files',
};
const here = __dirname;
const root = path.join(here, '..');

const { values } = parseArgs({
  options: {
    'sizes': { type: 'string' },
    'apps': { type: 'string', default: '1000' },
    'stages': { type: 'string', default: '5' },
    'runs': { type: 'string' },
    'plus-chart-max': { type: 'string' },
    'variants': { type: 'string', default: VARIANTS.join(',') },
    'cli-runs': { type: 'string' },
    'quick': { type: 'boolean' },
    'dir': { type: 'string' },
    'compile': { type: 'boolean' },
    'no-compile': { type: 'boolean' },
    'chart-only': { type: 'boolean' },
  },
});
if (values['chart-only']) {
  // re-render bench/chart.svg from bench/results.json, without measuring again
  const saved = JSON.parse(fs.readFileSync(path.join(here, 'results.json'), 'utf-8'));
  fs.writeFileSync(path.join(here, 'chart.svg'), chart(saved.rows, saved.options));
  process.exit(0);
}
const quick = values.quick === true;
/** @param {string} name @param {unknown} v @param {number} min */
const int = (name, v, min) => {
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min) {
    process.stderr.write(`bench: --${name} (${JSON.stringify(v)}) must be an integer >= ${min}\n`);
    process.exit(2);
  }
  return n;
};
const apps = int('apps', values.apps, 1);
const stages = int('stages', values.stages, 2);
const runs = int('runs', values.runs ?? (quick ? '1' : '3'), 1);
const plusChartMax = int('plus-chart-max', values['plus-chart-max'] ?? (quick ? '500' : '1000'), 0);
const cliRuns = int('cli-runs', values['cli-runs'] ?? (quick ? '5' : '9'), 1);
const sizeList = String(values.sizes ?? (quick ? '500,1000,2000' : '1000,5000,8000')).split(',').map(s => int('sizes', s, 1));
const sizes = [...new Set([...sizeList, apps])].sort((a, b) => a - b);
const variants = String(values.variants).split(',').sort((a, b) => VARIANTS.indexOf(a) - VARIANTS.indexOf(b));
for (const v of variants) {
  if (!VARIANTS.includes(v)) {
    process.stderr.write(`bench: --variants (${JSON.stringify(v)}) must be a comma-separated list of ${VARIANTS.join(', ')}\n`);
    process.exit(2);
  }
}
if (!variants.includes('ours')) {
  process.stderr.write('bench: --variants must include ours (the floor, the ratios and the command line need its tree)\n');
  process.exit(2);
}
// plus-chart is measured at the sizes up to the cap; when no size is that small, at the cap itself
const plusChartSizes = variants.includes('plus-chart') && plusChartMax > 0
  ? (sizes.some(n => n <= plusChartMax) ? sizes.filter(n => n <= plusChartMax) : [plusChartMax])
  : [];

compileIfNeeded();

// tmpfs where there is one: the virtual disk of CI machines adds seconds of noise to every variant alike
const base = values.dir ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const work = fs.mkdtempSync(path.join(base, 'cdk8s-staged-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
process.stderr.write(`bench: sizes ${sizes.join(', ')}, S = ${stages}, median of ${runs}, output in ${work}\n`);
if (variants.includes('plus-chart')) {
  process.stderr.write(`bench: plus-chart (one chart per app, quadratic) only at ${plusChartSizes.join(', ')} apps (--plus-chart-max ${plusChartMax})\n`);
}

/** @param {number[]} xs */
const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : Math.round(((s[s.length / 2 - 1] + s[s.length / 2]) / 2) * 10) / 10;
};
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * One process of one variant.
 * @param {string} variant @param {number} n @param {string} out @param {string} [source]
 */
function once(variant, n, out, source) {
  const args = [path.join(here, 'variant.js'), variant, String(n), String(stages), out, ...(source ? [source] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf-8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    throw new Error(`variant ${variant} at ${n} apps failed (exit ${run.status})`);
  }
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '');
}

const rows = [];
let cliTree = '';
for (const n of [...new Set([...sizes, ...plusChartSizes])].sort((a, b) => a - b)) {
  // at a size only plus-chart needs (its cap, below every --sizes), only plus-chart runs
  const present = sizes.includes(n) ? variants.filter(v => v !== 'plus-chart' || plusChartSizes.includes(n)) : ['plus-chart'];
  /** @type {{ [variant: string]: any[] }} */
  const samples = Object.fromEntries(present.map(v => [v, []]));
  const source = path.join(work, `ours-${n}-source`);
  for (let r = 0; r < runs; r++) {
    for (const v of present) {
      const out = r === 0 && v === 'ours' ? source : path.join(work, `${v}-${n}-${r}`);
      const result = once(v, n, out, v === 'floor' ? source : undefined);
      if (v === 'floor') {
        const captured = samples.ours[0];
        if (result.files !== captured.files || result.bytes !== captured.bytes) {
          throw new Error(`the floor wrote ${result.files} files and ${result.bytes} bytes, ours ${captured.files} and ${captured.bytes}`);
        }
      }
      samples[v].push(result);
      if (out !== source) fs.rmSync(out, { recursive: true, force: true });
    }
  }
  if (n === apps) {
    cliTree = path.join(work, 'cli-tree');
    fs.cpSync(source, cliTree, { recursive: true });
  }
  fs.rmSync(source, { recursive: true, force: true });
  for (const v of present) {
    const s = samples[v];
    const ms = median(s.map(x => x.ms));
    const row = {
      variant: v, apps: n, ms, msPerApp: round(ms / n), peakRssMb: Math.max(...s.map(x => x.peakRssMb)),
      files: s[0].files, bytes: s[0].bytes, samples: s.map(x => x.ms),
    };
    rows.push(row);
    process.stderr.write(`${v.padEnd(10)} ${String(n).padStart(6)} apps: ${String(ms).padStart(8)} ms (${row.msPerApp} ms/app), peak RSS ${row.peakRssMb} MB, ${row.files} files, ${row.bytes} bytes; samples ${row.samples.join(', ')}\n`);
  }
  const o = rows.find(x => x.variant === 'ours' && x.apps === n);
  if (!o) continue;
  const ratioLine = present.filter(v => v !== 'ours').map(v => `ours/${v} ${round(o.ms / rows.find(x => x.variant === v && x.apps === n).ms, 2)}`).join(', ');
  process.stderr.write(`${''.padEnd(10)} ${String(n).padStart(6)} apps: ${ratioLine}\n`);
}

// the command line on a copy of the N-app tree of ours: status on one app, promote (hold -> the next
// stage) on a different app each run so every run does the same work, against `node -e 0`
const cli = path.join(root, 'lib', 'cli', 'main.js');
/** @param {string[]} args */
function timeNode(args) {
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { encoding: 'utf-8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return round(ms, 1);
}
const appDir = i => path.join(cliTree, 'dist', `app-${i}`);
const nodeSamples = [];
const statusSamples = [];
const promoteSamples = [];
for (let r = 0; r < cliRuns; r++) {
  nodeSamples.push(timeNode(['-e', '0']));
  statusSamples.push(timeNode([cli, 'status', appDir(Math.floor(apps / 2))]));
  promoteSamples.push(timeNode([cli, 'promote', appDir(r % apps), '--no-code-check']));
}
const cliResult = {
  runs: cliRuns,
  nodeMs: median(nodeSamples),
  statusMs: median(statusSamples),
  promoteMs: median(promoteSamples),
  statusOverNodeMs: round(median(statusSamples) - median(nodeSamples), 1),
  promoteOverNodeMs: round(median(promoteSamples) - median(nodeSamples), 1),
  nodeSamples, statusSamples, promoteSamples,
};
process.stderr.write(`cli (one app of a copy of the ${apps}-app tree, median of ${cliRuns}): node -e 0 ${cliResult.nodeMs} ms, status ${cliResult.statusMs} ms (+${cliResult.statusOverNodeMs}), promote --no-code-check ${cliResult.promoteMs} ms (+${cliResult.promoteOverNodeMs})\n`);

const at = (variant, n) => rows.find(r => r.variant === variant && r.apps === n);
/** @param {string} v @param {number} n */
const ratio = (v, n) => (at('ours', n) && at(v, n) ? round(at('ours', n).ms / at(v, n).ms) : null);
const ratios = Object.fromEntries(sizes.map(n => [n, Object.fromEntries(variants.filter(v => v !== 'ours' && at(v, n)).map(v => [`ours/${v}`, ratio(v, n)]))]));
const linearSizes = [1000, 5000, 8000].filter(n => at('ours', n));
const checkSizes = linearSizes.length >= 2 ? linearSizes : sizes;
const perApp = Object.fromEntries(checkSizes.map(n => [n, at('ours', n).msPerApp]));
const spread = checkSizes.length >= 2
  ? round((Math.max(...Object.values(perApp)) / Math.min(...Object.values(perApp)) - 1) * 100, 1)
  : null;
const largest = sizes[sizes.length - 1];
const summary = {
  apps,
  stages,
  runs,
  oursMs: at('ours', apps).ms,
  plusMs: at('plus', apps)?.ms ?? null,
  plusChartMs: at('plus-chart', apps)?.ms ?? null,
  l1Ms: at('l1', apps)?.ms ?? null,
  floorMs: at('floor', apps)?.ms ?? null,
  oursOverPlus: ratio('plus', apps),
  oursOverFloor: ratio('floor', apps),
  msPerApp: perApp,
  msPerAppSpreadPercent: spread,
  peakRssMb: { [largest]: at('ours', largest).peakRssMb },
  statusOverNodeMs: cliResult.statusOverNodeMs,
  promoteOverNodeMs: cliResult.promoteOverNodeMs,
};
const targets = {
  [`ours/plus <= 0.5 at N=${apps}`]: summary.oursOverPlus === null ? null : summary.oursOverPlus <= 0.5,
  'ours/floor <= 2 at N=1000': ratio('floor', 1000) === null ? null : ratio('floor', 1000) <= 2,
  'ours/floor <= 2 at N=5000': ratio('floor', 5000) === null ? null : ratio('floor', 5000) <= 2,
  [`ms per app within 15% over ${checkSizes.join(', ')}`]: spread === null ? null : spread <= 15,
  [`peak RSS < 300 MB at N=${largest}`]: at('ours', largest).peakRssMb < 300,
  'status within 40 ms of node -e 0': cliResult.statusOverNodeMs <= 40,
  'promote --no-code-check within 40 ms of node -e 0': cliResult.promoteOverNodeMs <= 40,
};
const results = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, dir: base, loadAverage: os.loadavg().map(x => round(x, 2)) },
  options: { apps, stages, runs, sizes, variants, plusChartMax, plusChartSizes, cliRuns },
  variants: Object.fromEntries(variants.map(v => [v, NAMES[v]])),
  rows,
  ratios,
  cli: cliResult,
  summary,
  targets,
};
fs.writeFileSync(path.join(here, 'results.json'), JSON.stringify(results, undefined, 2) + '\n');
fs.writeFileSync(path.join(here, 'chart.svg'), chart(rows, results.options));
process.stderr.write(`ratios: ${JSON.stringify(ratios)}\n`);
process.stderr.write(`ours ms/app: ${JSON.stringify(perApp)} (spread ${spread}%), peak RSS at ${largest}: ${summary.peakRssMb[largest]} MB\n`);
process.stderr.write(`targets: ${JSON.stringify(targets)}\nwrote bench/results.json and bench/chart.svg\n`);
process.stdout.write(JSON.stringify(summary) + '\n');

/** Compile lib/ when it is missing or older than src/ (or when --compile), unless --no-compile. */
function compileIfNeeded() {
  if (values['no-compile']) return;
  /** @param {string} dir @param {string} ext @returns {number} */
  const newest = (dir, ext) => {
    if (!fs.existsSync(dir)) return 0;
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(full, ext));
      else if (e.name.endsWith(ext)) t = Math.max(t, fs.statSync(full).mtimeMs);
    }
    return t;
  };
  const lib = newest(path.join(root, 'lib'), '.js');
  if (!values.compile && lib > 0 && lib >= newest(path.join(root, 'src'), '.ts')) return;
  process.stderr.write('bench: compiling lib/ (npx projen compile)\n');
  const run = spawnSync('npx', ['projen', 'compile'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) {
    process.stderr.write('bench: npx projen compile failed\n');
    process.exit(1);
  }
}

/**
 * Median time against N, one line per variant as measured, as SVG.
 * @param {any[]} data @param {{ stages: number, runs: number, plusChartMax: number }} options
 */
function chart(data, options) {
  const W = 900, H = 440, L = 70, R = 330, T = 40, B = 50;
  const all = [...new Set(data.map(d => d.apps))].sort((a, b) => a - b);
  const maxX = Math.max(...all);
  const xs = all.filter((n, i) => i === all.length - 1 || all[i + 1] - n > maxX / 25);
  const maxY = Math.max(...data.map(d => d.ms));
  const x = n => L + (n / maxX) * (W - L - R);
  const y = ms => H - B - (ms / maxY) * (H - T - B);
  const colours = { 'ours': '#1a7f37', 'plus': '#cf222e', 'plus-chart': '#e16f24', 'l1': '#8250df', 'floor': '#0969da' };
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14">Synth time against number of apps (S = ${options.stages}, median of ${options.runs}, each variant in its own process)</text>`,
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
  for (const v of VARIANTS) {
    const pts = data.filter(d => d.variant === v).sort((a, b) => a.apps - b.apps);
    if (pts.length === 0) continue;
    parts.push(`<polyline fill="none" stroke="${colours[v]}" stroke-width="2" points="${pts.map(p => `${x(p.apps).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${x(p.apps).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3" fill="${colours[v]}"><title>${NAMES[v]}: ${p.apps} apps, ${p.ms} ms, ${p.peakRssMb} MB</title></circle>`);
    const last = pts[pts.length - 1];
    const extent = v === 'plus-chart' ? ` (measured up to ${last.apps} apps only)` : '';
    parts.push(`<rect x="${W - R + 10}" y="${legend - 9}" width="12" height="3" fill="${colours[v]}"/><text x="${W - R + 28}" y="${legend - 4}">${NAMES[v]}</text>`);
    parts.push(`<text x="${W - R + 28}" y="${legend + 10}" fill="#555">${last.ms} ms at ${last.apps} apps${extent}</text>`);
    legend += 36;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
