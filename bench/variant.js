// @ts-check
/**
 * One benchmark variant in its own process:
 *   node bench/variant.js <variant> <apps> <stages> <outdir> [<source tree>]
 * variants:
 *   ours        StagedApp, N charts each with a StatefulApp with an S-stage rollout; the whole tree written
 *   plus        cdk8s-plus-27: N StatefulSets (each with its headless Service) in ONE chart, App.synth
 *   plus-chart  cdk8s-plus-27: one chart per app, App.synth (cdk8s resolves the whole app for every
 *               chart, so this layout grows quadratically)
 *   l1          the typed L1 objects (k8s.KubeStatefulSet + k8s.KubeService of cdk8s-plus-27) in one
 *               chart, App.synth
 *   floor       mkdir + writeFileSync of exactly the directories, files and bytes of <source tree> (the
 *               output of a real `ours` run), read into memory before the clock starts
 * Prints one JSON line {"variant","apps","stages","ms","peakRssMb","files","bytes"}. `ms` is the wall time
 * of building the constructs, synthesizing and writing every file; loading the modules (and, for the
 * floor, reading the source tree) is excluded. Runs the compiled library in lib/.
 */
const fs = require('fs');
const path = require('path');

const [variant, appsArg, stagesArg, outdir, source] = process.argv.slice(2);
const apps = Number(appsArg);
const stages = Number(stagesArg);
const replicas = Math.max(stages, 5);

/** @param {number} i */
function image(i) {
  return `registry.example.com/team/app-${i}:1.0.${i % 7}`;
}

/** @param {string} dir @returns {{ files: number, bytes: number }} */
function count(dir) {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const c = count(full);
      files += c.files;
      bytes += c.bytes;
    } else {
      files += 1;
      bytes += fs.statSync(full).size;
    }
  }
  return { files, bytes };
}

/**
 * The floor's input: every directory (parents first) and every file with its bytes, relative to `root`.
 * @param {string} root
 */
function readTree(root) {
  /** @type {string[]} */
  const dirs = [];
  /** @type {Array<[string, Buffer]>} */
  const files = [];
  /** @param {string} rel */
  const walk = rel => {
    const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        dirs.push(r);
        walk(r);
      } else {
        files.push([r, fs.readFileSync(path.join(root, r))]);
      }
    }
  };
  walk('');
  return { dirs, files };
}

/** @type {() => void} */
let run;
if (variant === 'ours') {
  const { Chart } = require('cdk8s');
  const { RolloutPlan, StagedApp, StageSize, StatefulApp } = require('../lib');
  run = () => {
    // N StatefulApps, each with an S-stage plan: hold, S - 2 steps of one more pod, complete
    const app = new StagedApp({ outdir: path.join(outdir, 'dist'), stateDirectory: path.join(outdir, 'rollout-state') });
    const plan = RolloutPlan.fromStages(Array.from({ length: stages - 2 }, (_, k) => ({ name: `step-${k + 1}`, size: StageSize.pods(k + 1) })));
    for (let i = 0; i < apps; i++) {
      const chart = new Chart(app, `app-${i}`);
      new StatefulApp(chart, `app-${i}`, {
        replicas,
        containers: [{ name: 'main', image: image(i), ports: [{ name: 'http', containerPort: 8080 }] }],
        rollout: { plan },
      });
    }
    app.synth();
  };
} else if (variant === 'plus' || variant === 'plus-chart') {
  const { App, Chart } = require('cdk8s');
  const kplus = require('cdk8s-plus-27');
  run = () => {
    // the same N StatefulSets with plain cdk8s-plus-27 (it adds the headless Service itself)
    const app = new App({ outdir: path.join(outdir, 'dist') });
    const one = variant === 'plus' ? new Chart(app, 'apps') : undefined;
    for (let i = 0; i < apps; i++) {
      const chart = one ?? new Chart(app, `app-${i}`);
      new kplus.StatefulSet(chart, `app-${i}`, {
        replicas,
        containers: [{ name: 'main', image: image(i), portNumber: 8080 }],
      });
    }
    app.synth();
  };
} else if (variant === 'l1') {
  const { App, Chart } = require('cdk8s');
  const { k8s } = require('cdk8s-plus-27');
  run = () => {
    // the objects ours emits in its base (a headless Service and a StatefulSet per app), as typed L1s
    const app = new App({ outdir: path.join(outdir, 'dist') });
    const chart = new Chart(app, 'apps');
    for (let i = 0; i < apps; i++) {
      const name = `app-${i}`;
      const labels = { 'app.kubernetes.io/name': name };
      new k8s.KubeService(chart, `${name}-service`, {
        metadata: { name, labels },
        spec: { clusterIp: 'None', selector: labels, ports: [{ name: 'http', port: 8080, targetPort: k8s.IntOrString.fromString('http') }] },
      });
      new k8s.KubeStatefulSet(chart, name, {
        metadata: { name, labels },
        spec: {
          serviceName: name,
          replicas,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: image(i), ports: [{ name: 'http', containerPort: 8080 }] }] } },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } },
        },
      });
    }
    app.synth();
  };
} else if (variant === 'floor') {
  if (!source) {
    process.stderr.write('variant floor needs the source tree (the output of an ours run) as its fifth argument\n');
    process.exit(2);
  }
  const tree = readTree(source);
  run = () => {
    fs.mkdirSync(outdir, { recursive: true });
    for (const d of tree.dirs) fs.mkdirSync(path.join(outdir, d));
    for (const [f, bytes] of tree.files) fs.writeFileSync(path.join(outdir, f), bytes);
  };
} else {
  process.stderr.write(`unknown variant ${variant}: ours, plus, plus-chart, l1 or floor\n`);
  process.exit(2);
}

const start = process.hrtime.bigint();
run();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const { files, bytes } = count(outdir);
process.stdout.write(JSON.stringify({ variant, apps, stages, ms: Math.round(ms * 10) / 10, peakRssMb: Math.round(peakRssMb), files, bytes }) + '\n');
