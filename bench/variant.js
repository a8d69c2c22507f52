// @ts-check
/**
 * One benchmark variant in its own process:
 *   node bench/variant.js <ours|plus|json> <apps> <stages> <outdir>
 * Prints one JSON line {"variant","apps","stages","ms","peakRssMb","files"}. `ms` is the wall time of
 * building the constructs, synthesizing and writing every file; loading the modules is excluded (the
 * same for every variant). Runs the compiled library in lib/ (npm run bench compiles it first).
 */
const fs = require('fs');
const path = require('path');
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-27');
const { RolloutPlan, StagedApp, StageSize, StatefulApp } = require('../lib');

const [variant, appsArg, stagesArg, outdir] = process.argv.slice(2);
const apps = Number(appsArg);
const stages = Number(stagesArg);
const replicas = Math.max(stages, 5);

/** @param {number} i */
function image(i) {
  return `registry.example.com/team/app-${i}:1.0.${i % 7}`;
}

/** The objects ours emits for app i (a headless Service and a StatefulSet), for the lower bound. */
function pair(i) {
  const name = `app-${i}`;
  const labels = { 'app.kubernetes.io/name': name };
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, labels },
      spec: {
        serviceName: name, replicas, selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: image(i), ports: [{ name: 'http', containerPort: 8080 }] }] } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } },
      },
    },
  ];
}

/** @param {string} dir @returns {number} */
function countFiles(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  }
  return n;
}

const start = process.hrtime.bigint();
if (variant === 'ours') {
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
} else if (variant === 'plus') {
  // the same N StatefulSets with plain cdk8s-plus-27 (it adds the headless Service itself)
  const app = new App({ outdir: path.join(outdir, 'dist') });
  for (let i = 0; i < apps; i++) {
    const chart = new Chart(app, `app-${i}`);
    new kplus.StatefulSet(chart, `app-${i}`, {
      replicas,
      containers: [{ name: 'main', image: image(i), portNumber: 8080 }],
    });
  }
  app.synth();
} else if (variant === 'json') {
  // the lower bound: serializing the same N object pairs with JSON.stringify into one file
  fs.mkdirSync(outdir, { recursive: true });
  const docs = [];
  for (let i = 0; i < apps; i++) {
    for (const obj of pair(i)) docs.push(JSON.stringify(obj));
  }
  fs.writeFileSync(path.join(outdir, 'all.json'), docs.join('\n'));
} else {
  process.stderr.write(`unknown variant ${variant}: ours, plus or json\n`);
  process.exit(2);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ variant, apps, stages, ms: Math.round(ms * 10) / 10, peakRssMb: Math.round(peakRssMb), files: countFiles(outdir) }) + '\n');
