// @ts-nocheck
// node --expose-gc bench/memory.js N [PHASES=1]: the heap retained (after a full GC) once the N apps are
// constructed, once every rollout is rendered and staged (before the commit, with PHASES=1) and after the synth, and
// the peak RSS so far. Runs the compiled lib/ (npx projen compile first). Not part of npm run bench.
const path = require('path');
const N = Number(process.argv[2]);
const { Chart } = require('cdk8s');
const { RolloutPlan, StagedApp, StageSize, StatefulApp } = require('../lib');
const mb = x => Math.round(x / 2 ** 20);
const report = what => { global.gc(); const m = process.memoryUsage(); console.log(`${what.padEnd(32)} heapUsed ${mb(m.heapUsed)} MB, external ${mb(m.external)} MB, rss ${mb(m.rss)} MB, peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`); };
report('modules loaded');
const out = `/dev/shm/cdk8s-staged-mem-${process.pid}`;
const app = new StagedApp({ outdir: `${out}/dist`, stateDirectory: `${out}/rollout-state` });
const plan = RolloutPlan.fromStages([1, 2, 3].map(k => ({ name: `step-${k}`, size: StageSize.pods(k) })));
for (let i = 0; i < N; i++) new StatefulApp(new Chart(app, `app-${i}`), `app-${i}`, { replicas: 5, containers: [{ name: 'main', image: `registry.example.com/team/app-${i}:1.0.${i % 7}`, ports: [{ name: 'http', containerPort: 8080 }] }], rollout: { plan } });
report(`${N} apps constructed`);
const fs = require('fs');
const t0 = Date.now();
if (process.env.PHASES) {
  const m = require('../lib/app/staged-app.js');
  const sa = m.StagedApp.prototype;
  const r = sa.renderRollouts;
  // every tree is written to its temporary sibling as it is rendered: this is before the commit point
  sa.renderRollouts = function (...args) { const x = r.apply(this, args); report('rendered and staged (before commit)'); return x; };
}
app.synth();
report(`synth done ${Date.now() - t0} ms`);
fs.rmSync(out, { recursive: true, force: true });
