import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StageSize, StatefulApp } from '../../../src';
import { runCli } from '../../../src/cli/cli';
import { StageAnalysis, StageGate, SuccessCondition } from '../../../src/core/analysis';
import { describeWithPrometheus, MetricsEndpoint, PrometheusServer } from '../../support/prometheus';
import { readTree, tempDir } from '../../support/synth';

/**
 * Issue 16 end to end: gates declared in code, written into plan.json and PLAN.md; `gate --prometheus`
 * and `advance` in a temporary git repository against a real Prometheus (test/support/prometheus.ts).
 */

const errorRate = StageAnalysis.prometheus({
  name: 'error-rate',
  query: 'max(app_error_ratio{namespace="{{namespace}}", pod=~"{{pods}}"})',
  condition: SuccessCondition.lessThan(0.01),
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository with the web rollout synthesized at `image`, its gates on canary, committed. */
function repo(gates: { [stage: string]: StageGate }) {
  const root = tempDir('gates-');
  git(root, 'init', '-q');
  git(root, 'config', 'user.email', 'ci@example.com');
  git(root, 'config', 'user.name', 'ci');
  const synth = (image: string) => {
    const app = new StagedApp({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') });
    new StatefulApp(new Chart(app, 'c', { namespace: 'shop' }), 'web', {
      replicas: 3,
      containers: [{ name: 'web', image }],
      rollout: { plan: RolloutPlan.canary({ canary: StageSize.pods(1), steps: [] }), gates },
    });
    app.synth();
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', `synth ${image}`);
  };
  synth('nginx:1');
  const dir = path.join(root, 'dist', 'web');
  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
    return { code, out, err };
  };
  void cli('promote', dir, '--to', 'complete', '--force', '--no-code-check');
  git(root, 'commit', '-q', '-am', 'complete v1');
  synth('nginx:2');
  return { root, dir, cli, synth };
}

const liveDir = tempDir('live-');

/** `kubectl get statefulset web -o json` of a converged stage at `partition` (written outside the repository). */
function live(root: string, partition: number, image = 'nginx:2'): string {
  const updated = Math.max(0, 3 - partition);
  const file = path.join(liveDir, `${path.basename(root)}-${partition}-${image}.json`);
  fs.writeFileSync(file, JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'shop', generation: 5 },
    spec: { replicas: 3, updateStrategy: { rollingUpdate: { partition } }, template: { spec: { containers: [{ name: 'web', image }] } } },
    status: { observedGeneration: 5, replicas: 3, readyReplicas: 3, updatedReplicas: updated, currentRevision: 'a', updateRevision: partition === 0 ? 'a' : 'b' },
  }));
  return file;
}

describe('gates in plan.json and PLAN.md', () => {
  test('the gates are written by stage, read back, and shown in PLAN.md', () => {
    const { dir } = repo({ canary: StageGate.of({ bakeTime: '10m', analyses: [errorRate] }) });
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8'));
    expect(plan.gates).toEqual({ canary: StageGate.of({ bakeTime: '10m', analyses: [errorRate] }).toPlanJson() });
    expect(plan.gates.canary.bakeTime).toBe('10m');
    const md = fs.readFileSync(path.join(dir, 'PLAN.md'), 'utf-8');
    expect(md).toContain('| canary | 10m | error-rate | `max(app_error_ratio{namespace="{{namespace}}", pod=~"{{pods}}"})` | every sample < 0.01 |');
  });

  test('fails a gate on a stage the plan does not have, or on the last stage', () => {
    const make = (gates: any) => () => new StatefulApp(new Chart(new StagedApp({ outdir: tempDir() }), 'c'), 'web', {
      containers: [{ name: 'web', image: 'nginx:1' }], rollout: { plan: RolloutPlan.staged(), gates },
    });
    expect(make({ canary: StageGate.of({ bakeTime: '1m' }) })).toThrow('rollout.gates key ("canary") must be a stage the rollout leaves: "hold" (the last stage, "complete", is never left)');
    expect(make({ complete: StageGate.of({ bakeTime: '1m' }) })).toThrow('rollout.gates key ("complete") must be a stage the rollout leaves');
    expect(make({ hold: { bakeTime: '1m' } })).toThrow('rollout.gates["hold"] ({"bakeTime":"1m"}) must be a StageGate such as StageGate.of({ bakeTime: \'10m\', analyses: [...] })');
  });

  test('a bake time counts from the commit that promoted to the stage', async () => {
    const { root, dir, cli } = repo({ canary: StageGate.of({ bakeTime: '1h' }) });
    await cli('promote', dir, '--no-code-check');
    const uncommitted = await cli('gate', dir, '--live', live(root, 2));
    expect(uncommitted.code).toBe(2);
    expect(uncommitted.err).toBe(`cdk8s-staged: ${path.join(dir, 'kustomization.yaml')} has uncommitted changes: the bake time counts from the commit that promoted to the stage; commit the promotion first\n`);
    git(root, 'commit', '-q', '-am', 'promote to canary');
    const baking = await cli('gate', dir, '--live', live(root, 2), '--json');
    expect(baking.code).toBe(1);
    const verdict = JSON.parse(baking.out);
    expect([verdict.status, verdict.bake.status]).toEqual(['not-yet', 'not-yet']);
    expect(verdict.bake.remainingSeconds).toBeGreaterThan(3500);
    expect(verdict.reason).toMatch(/^stage canary not yet: baking: (1h|59m\d+s) left of 1h \(promoted at \d{4}-/);
  });
});

describeWithPrometheus('gate --prometheus and advance against a real Prometheus', () => {
  const metrics = new MetricsEndpoint();
  let prom: PrometheusServer;

  beforeAll(async () => {
    metrics.set('app_error_ratio', { namespace: 'shop', pod: 'web-2' }, 0.001);
    prom = await PrometheusServer.start(metrics, 'app_error_ratio');
  }, 30000);

  afterAll(async () => {
    await prom?.stop();
    await metrics.stop();
  });

  test('advance: waits while not converged, promotes and commits once the analysis passes, then waits at the next stage', async () => {
    const { root, dir, cli } = repo({ canary: StageGate.of({ analyses: [errorRate] }) });
    const head = git(root, 'rev-parse', 'HEAD');
    const before = readTree(root);
    const notSynced = await cli('advance', dir, '--live', live(root, 2147483647, 'nginx:1'), '--prometheus', prom.url, '--no-code-check');
    expect(notSynced.code).toBe(1);
    expect(notSynced.err).toBe('cdk8s-staged: not synced yet: the live template runs web=nginx:1, the candidate web=nginx:2; nothing changed\n');
    expect(readTree(root)).toEqual(before);

    // hold has no gate: converged is enough; the promotion is committed in Conventional Commits form
    const fromHold = await cli('advance', dir, '--live', live(root, 2147483647), '--prometheus', prom.url, '--no-code-check');
    expect(fromHold.code).toBe(0);
    expect(fromHold.out.split('\n')[0]).toBe('stage hold converged: hold: no pod updates, 3 of 3 ready; Promoted from hold to canary (partition 2147483647 -> 2): web-2 moves to candidate ' + JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8')).candidate.revision + '.');
    expect(git(root, 'log', '-1', '--format=%s')).toBe('chore(rollout): promote web from hold to canary');
    expect(git(root, 'rev-list', '--count', `${head}..HEAD`)).toBe('1');
    expect(git(root, 'status', '--porcelain')).toBe('');

    // canary: converged, and the real PromQL says 0.001 < 0.01: promoted to complete
    const fromCanary = await cli('advance', dir, '--live', live(root, 2), '--prometheus', prom.url, '--no-code-check', '--json');
    const r = JSON.parse(fromCanary.out);
    expect([fromCanary.code, r.action, r.gate.status]).toEqual([0, 'promoted', 'pass']);
    expect(r.gate.analyses.map((a: any) => [a.name, a.status, a.query, a.value])).toEqual([['error-rate', 'pass', 'max(app_error_ratio{namespace="shop", pod=~"web-2"})', '0.001']]);
    expect(git(root, 'log', '-1', '--format=%s')).toBe('chore(rollout): promote web from canary to complete');

    // complete: nothing to do, nothing committed
    const done = await cli('advance', dir, '--live', live(root, 0), '--prometheus', prom.url, '--no-code-check');
    expect([done.code, done.out]).toEqual([0, 'the rollout of web is complete (stage complete): nothing to do\n']);
  }, 60000);

  test('a failed analysis is told apart from "not yet"; with --abort-on-failure advance aborts and commits it', async () => {
    const { root, dir, cli } = repo({ canary: StageGate.of({ analyses: [StageAnalysis.prometheus({ name: 'strict', query: errorRate.query, condition: SuccessCondition.lessThan(0.0001) })] }) });
    await cli('promote', dir, '--no-code-check');
    git(root, 'commit', '-q', '-am', 'promote to canary');
    const failed = await cli('gate', dir, '--live', live(root, 2), '--prometheus', prom.url, '--json');
    expect(failed.code).toBe(1);
    const v = JSON.parse(failed.out);
    expect([v.status, v.analyses[0].status, v.analyses[0].value, v.analyses[0].threshold]).toEqual(['fail', 'fail', '0.001', 0.0001]);
    expect(v.reason.startsWith('stage canary failed its analysis: ')).toBe(true);
    const head = git(root, 'rev-parse', 'HEAD');
    const kept = await cli('advance', dir, '--live', live(root, 2), '--prometheus', prom.url, '--no-code-check');
    expect(kept.code).toBe(1);
    expect(kept.err.endsWith('; nothing changed (pass --abort-on-failure to abort)\n')).toBe(true);
    expect(git(root, 'rev-parse', 'HEAD')).toBe(head);
    const aborted = await cli('advance', dir, '--live', live(root, 2), '--prometheus', prom.url, '--abort-on-failure', '--json');
    expect([aborted.code, JSON.parse(aborted.out).action]).toEqual([1, 'aborted']);
    expect(git(root, 'log', '-1', '--format=%s')).toBe('fix(rollout): abort web at canary');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8')).activeStage).toBe('complete');
  }, 60000);

  test('exit 2 on an unreachable Prometheus or a PromQL syntax error, and without --prometheus', async () => {
    const broken = StageAnalysis.prometheus({ name: 'broken', query: 'max(app_error_ratio{', condition: SuccessCondition.lessThan(1) });
    const { root, dir, cli } = repo({ canary: StageGate.of({ analyses: [broken] }) });
    await cli('promote', dir, '--no-code-check');
    git(root, 'commit', '-q', '-am', 'promote to canary');
    const syntax = await cli('gate', dir, '--live', live(root, 2), '--prometheus', prom.url);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toContain('bad_data');
    const unreachable = await cli('gate', dir, '--live', live(root, 2), '--prometheus', 'http://127.0.0.1:1');
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toContain('unreachable');
    const missing = await cli('gate', dir, '--live', live(root, 2));
    expect([missing.code, missing.err]).toEqual([2, 'cdk8s-staged: stage canary has analyses (broken): pass --prometheus URL\n']);
  }, 60000);
});
