import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DeploymentRolloutStrategy, RolloutPlan, StageSize, StatefulAppProps } from '../../../src';
import { stagedApp, stagedDeployment } from '../../support/synth';

const repo = path.join(__dirname, '..', '..', '..');

/** Parses diagrams with the `mermaid` package's own parser (in a Node process of its own: it is ESM and needs jsdom). */
function mermaidParse(diagrams: string[]): Array<{ type?: string; error?: string }> {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf-8', cwd: repo });
  if (run.status !== 0) throw new Error(`mermaid-parse.mjs exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** The text inside each ```mermaid fence of a Markdown file. */
function flowcharts(md: string): string[] {
  return [...md.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map(m => m[1]);
}

const sts: Omit<StatefulAppProps, 'replicas'> = {
  selectorLabels: { app: 'db' },
  service: { name: 'db', ports: [{ name: 'sql', port: 5432 }] },
  containers: [{ name: 'db', image: 'postgres:16.4' }],
};
const deployment = { replicas: 40, selectorLabels: { app: 'shop' }, containers: [{ name: 'web', image: 'registry.example.com/shop:1.0', ports: [{ name: 'http', containerPort: 8080 }] }] };

function generatedPlans(): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  const linear = RolloutPlan.linear({ step: StageSize.percent(5) });
  for (const [replicas, active] of [[50, 'hold'], [500, 'percent-10'], [500, 'percent-50'], [500, 'complete']] as const) {
    const { app, outdir } = stagedApp({ ...sts, replicas, rollout: { plan: linear, activeStage: active } }, { id: 'db' });
    app.synth();
    out[`statefulset ${replicas} pods, 21 stages, at ${active}`] = fs.readFileSync(path.join(outdir, 'db', 'PLAN.md'), 'utf-8');
  }
  const nine = RolloutPlan.linear({ step: StageSize.pods(5) });
  const { app, outdir } = stagedApp({ ...sts, replicas: 40, rollout: { plan: nine, activeStage: 'pods-20' } }, { id: 'db' });
  app.synth();
  out['statefulset 40 pods, 9 stages'] = fs.readFileSync(path.join(outdir, 'db', 'PLAN.md'), 'utf-8');
  for (const [name, strategy] of [['canary', DeploymentRolloutStrategy.canary({ plan: linear })], ['blue-green', DeploymentRolloutStrategy.blueGreen()]] as const) {
    const d = stagedDeployment({ ...deployment, rollout: { strategy } }, { id: 'shop' });
    d.app.synth();
    out[`deployment ${name}`] = fs.readFileSync(path.join(d.outdir, 'shop', 'PLAN.md'), 'utf-8');
  }
  return out;
}

describe('the Mermaid of PLAN.md parses with mermaid\'s own parser', () => {
  test('every example in dist/ and large generated plans', () => {
    const files: { [name: string]: string } = {};
    for (const app of fs.readdirSync(path.join(repo, 'dist')).sort()) {
      const file = path.join(repo, 'dist', app, 'PLAN.md');
      if (fs.existsSync(file)) files[`dist/${app}/PLAN.md`] = fs.readFileSync(file, 'utf-8');
    }
    expect(Object.keys(files).length).toBe(10);
    Object.assign(files, generatedPlans());
    const names = Object.keys(files);
    const diagrams = names.map(n => flowcharts(files[n]));
    expect(diagrams.map(d => d.length)).toEqual(names.map(() => 1));
    const results = mermaidParse(diagrams.map(d => d[0]));
    expect(Object.fromEntries(names.map((n, i) => [n, results[i]]))).toEqual(Object.fromEntries(names.map(n => [n, { type: 'flowchart-v2' }])));
    // the large plans were summarised, so the summary boxes were parsed too
    expect(names.filter(n => files[n].includes('classDef elided'))).toEqual([...names.filter(n => /21 stages/.test(n)), 'deployment canary']);
  });

  test('the parser refuses broken flowcharts (the check can fail)', () => {
    const results = mermaidParse([
      'flowchart LR\n  s0["00-hold"]\n  s0 -->\n',
      'flowchart LR\n  s0["a "quoted" b"]\n',
      'flowchart LR\n  s0["00-hold"]\n  class s0 active\n',
    ]);
    expect(results[0].error).toMatch(/^Parse error on line \d+:/);
    expect(results[1].error).toMatch(/^Parse error on line 2:/);
    expect(results[2]).toEqual({ type: 'flowchart-v2' });
  });
});
