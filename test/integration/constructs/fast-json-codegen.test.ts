import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from '../../../src';
import { tempDir } from '../../support/synth';
import { runChild } from '../hardening/support/child';

/**
 * The fast toJson compiles each shape's plan with `new Function`. Where code generation from strings is
 * turned off, the shapes keep their mapper: the same files, no error.
 */
test('with code generation from strings turned off, a synth gives the files it gives with it on', async () => {
  const apps = (make: (scope: Chart, i: number) => void, app: StagedApp) => {
    for (let i = 0; i < 12; i++) make(new Chart(app, `chart-${i}`), i);
    return app;
  };
  const make = (scope: Chart, i: number) => new StatefulApp(scope, `app-${i}`, {
    replicas: 3, containers: [{ name: 'c', image: `nginx:1.${i}`, ports: [{ name: 'http', containerPort: 8080 }] }], rollout: { plan: RolloutPlan.canary() },
  });
  const [outdir, stateDirectory] = [tempDir('codegen-'), tempDir('codegen-state-')];
  const expected = apps(make, new StagedApp({ outdir, stateDirectory })).renderFiles();
  const script = `
const { Chart } = require(require('path').join(LIB_DIR, 'node_modules', 'cdk8s'));
let refused = false;
try { new Function('return 1'); } catch { refused = true; }
const app = new LIB.StagedApp({ outdir: process.env.OUT, stateDirectory: process.env.STATE });
for (let i = 0; i < 12; i++) {
  new LIB.StatefulApp(new Chart(app, 'chart-' + i), 'app-' + i, { replicas: 3, containers: [{ name: 'c', image: 'nginx:1.' + i, ports: [{ name: 'http', containerPort: 8080 }] }], rollout: { plan: LIB.RolloutPlan.canary() } });
}
process.stdout.write(JSON.stringify({ refused, files: app.renderFiles() }));
`;
  const child = await runChild(script, { OUT: outdir, STATE: stateDirectory, NODE_OPTIONS: '--disallow-code-generation-from-strings' });
  expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  const out = JSON.parse(child.stdout);
  expect(out.refused).toBe(true);
  expect(Object.keys(out.files)).toEqual(Object.keys(expected));
  expect(out.files).toEqual(expected);
});
