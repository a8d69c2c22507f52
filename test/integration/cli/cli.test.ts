import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan } from '../../../src';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { runCli } from '../../../src/cli/cli';
import { readTree, stagedApp } from '../../support/synth';

const repo = path.join(__dirname, '..', '..', '..');
const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'live');
const nginx = path.join(repo, 'dist', 'nginx-statefulset');
const myapp = path.join(repo, 'dist', 'myapp');

function cli(args: string[], stdin = ''): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => stdin });
  if (typeof code !== 'number') throw new Error(`cdk8s-staged ${args.join(' ')} answered asynchronously: await it`);
  return { code, out, err };
}

describe('gate verdicts on recorded status documents', () => {
  test.each([
    ['canary-converged.json', nginx, 0, 'stage canary converged: 3 of 5 pods updated, 5 of 5 ready'],
    ['canary-pods-not-ready.json', nginx, 1, '4 of 5 pods ready'],
    ['canary-updating.json', nginx, 1, '2 of 3 pods updated'],
    ['canary-generation-behind.json', nginx, 1, 'the controller has not observed the spec yet (observedGeneration 3 < generation 4)'],
    ['not-synced-partition.json', nginx, 1, 'not synced yet: the live partition is 2147483647, the active stage canary has partition 2'],
    ['not-synced-image.json', nginx, 1, 'not synced yet: the live template runs nginx-container=nginxinc/nginx-unprivileged:1.25.4, the candidate nginx-container=nginxinc/nginx-unprivileged:1.26.1'],
    ['hold-ready.json', myapp, 0, 'stage hold converged: hold: no pod updates, 3 of 3 ready'],
    ['malformed-not-json.json', nginx, 2, 'the live status is not JSON (Unexpected end of JSON input): pass the output of `kubectl get statefulset nginx-statefulset -o json`'],
    ['malformed-list.json', nginx, 2, 'the live status is a List: pass one object, `kubectl get statefulset nginx-statefulset -o json`'],
    ['malformed-replicas.json', nginx, 2, 'the live object spec.replicas ("5") must be an integer >= 0'],
    ['hold-ready.json', nginx, 2, 'the live object metadata.name ("myapp") must be "nginx-statefulset", the app of this plan'],
  ])('%s against %s: exit %d', (file, dir, exitCode, reason) => {
    const text = fs.readFileSync(path.join(fixtures, file), 'utf-8');
    expect(RolloutDirectory.open(dir).gate(text)).toEqual({ converged: exitCode === 0, exitCode, reason });
    const r = cli(['gate', dir, '--live', path.join(fixtures, file)]);
    expect(r.code).toBe(exitCode);
    if (exitCode === 0) expect(r).toEqual({ code: 0, out: `${reason}\n`, err: '' });
    else expect(r).toEqual({ code: exitCode, out: '', err: `cdk8s-staged: ${reason}\n` });
  });

  test('an Advanced StatefulSet is judged by the same rule, and its apiVersion must match', () => {
    const sample = path.join(repo, 'dist', 'sample');
    const sts = JSON.parse(fs.readFileSync(path.join(fixtures, 'canary-converged.json'), 'utf-8'));
    const live = {
      ...sts,
      apiVersion: 'apps.kruise.io/v1beta1',
      metadata: { ...sts.metadata, name: 'sample' },
      spec: { ...sts.spec, replicas: 5, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } }, template: { spec: { containers: [{ name: 'main', image: 'alpine:3.18.0' }] } } },
      status: { ...sts.status, updatedReplicas: 2, updatedReadyReplicas: 2 },
    };
    const dir = RolloutDirectory.open(sample);
    expect(dir.gate(JSON.stringify(live))).toEqual({ converged: true, exitCode: 0, reason: 'stage idle converged: 2 of 5 pods updated, 5 of 5 ready' });
    expect(dir.gate(JSON.stringify({ ...live, status: { ...live.status, updatedReplicas: 1 } }))).toEqual({ converged: false, exitCode: 1, reason: '1 of 2 pods updated' });
    expect(dir.gate(JSON.stringify({ ...live, apiVersion: 'apps/v1' }))).toEqual({ converged: false, exitCode: 2, reason: 'the live object apiVersion ("apps/v1") must be "apps.kruise.io/v1beta1"' });
  });

  test('gate reads standard input with --live - and prints JSON with --json', () => {
    const text = fs.readFileSync(path.join(fixtures, 'canary-updating.json'), 'utf-8');
    const r = cli(['gate', nginx, '--live', '-', '--json'], text);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ converged: false, exitCode: 1, reason: '2 of 3 pods updated' });
  });

  test('at partition 0 the revisions must agree too (kubectl\'s rule)', () => {
    const { app, outdir } = stagedApp({ name: 'web', replicas: 2, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.staged(), activeStage: 'complete' } });
    app.synth();
    const live = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', generation: 2 },
      spec: { replicas: 2, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
      status: { observedGeneration: 2, replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'web-a', updateRevision: 'web-b' },
    };
    const dir = RolloutDirectory.open(path.join(outdir, 'web'));
    expect(dir.gate(JSON.stringify(live)).reason).toBe('rolling update finishing: currentRevision web-a is not yet updateRevision web-b');
    live.status.currentRevision = 'web-b';
    expect(dir.gate(JSON.stringify(live))).toEqual({ converged: true, exitCode: 0, reason: 'stage complete converged: 2 of 2 pods updated, 2 of 2 ready' });
  });
});

describe('the cdk8s-staged command line', () => {
  test('--help prints the usage and exits 0; each command has its own', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toContain('usage: cdk8s-staged <command> DIR [options]');
    for (const command of ['plan', 'status', 'promote', 'abort', 'gate']) {
      const r = cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out.startsWith(`usage: cdk8s-staged ${command} DIR`)).toBe(true);
    }
  });

  test.each([
    ['no command', [], 2, 'usage: cdk8s-staged <command> DIR [options]'],
    ['an unknown command', ['deploy', 'dist/web'], 2, 'cdk8s-staged: unknown command "deploy"'],
    ['an unknown option', ['status', nginx, '--verbose'], 2, 'cdk8s-staged: Unknown option \'--verbose\''],
    ['an option of another command', ['status', nginx, '--force'], 2, 'cdk8s-staged: status does not take --force'],
    ['no directory', ['status'], 2, 'cdk8s-staged: status takes one rollout directory, got none'],
    ['two directories', ['plan', nginx, myapp], 2, 'cdk8s-staged: plan takes one rollout directory, got ['],
    ['gate without --live', ['gate', nginx], 2, 'cdk8s-staged: gate needs --live FILE or --live - (standard input)'],
    ['gate with a missing file', ['gate', nginx, '--live', '/nonexistent/live.json'], 2, 'cdk8s-staged: --live ("/nonexistent/live.json") cannot be read: ENOENT'],
    ['a directory that is not a rollout', ['status', repo], 1, `cdk8s-staged: ${repo} is not a rollout directory: it has no plan.json`],
  ])('fails %s', (_name, args, code, start) => {
    const r = cli(args as string[]);
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err.startsWith(start)).toBe(true);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('plan prints the table of PLAN.md; --json the stages', () => {
    const r = cli(['plan', nginx]);
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      '| stage | partition | nginx-statefulset-0 | nginx-statefulset-1 | nginx-statefulset-2 | nginx-statefulset-3 | nginx-statefulset-4 |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 00-hold | 2147483647 (hold) | old | old | old | old | old |',
      '| **▶ 01-canary** (active) | 2 | old | old | **new** | **new** | **new** |',
      '| 02-widen | 1 | old | **new** | **new** | **new** | **new** |',
      '| 03-complete | 0 | **new** | **new** | **new** | **new** | **new** |',
      '',
    ].join('\n'));
    expect(fs.readFileSync(path.join(nginx, 'PLAN.md'), 'utf-8')).toContain(r.out);
    expect(JSON.parse(cli(['plan', nginx, '--json']).out)).toEqual({ app: 'nginx-statefulset', stages: ['hold', 'canary', 'widen', 'complete'] });
  });

  test('status says the stage, both revisions and what the next stage moves', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(nginx, 'plan.json'), 'utf-8'));
    const r = cli(['status', nginx]);
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        'app:       nginx-statefulset',
        'stage:     canary (stages/01-canary), partition 2',
        'pods:      3 of 5 on the candidate: nginx-statefulset-2, nginx-statefulset-3, nginx-statefulset-4',
        `stable:    ${plan.stable.revision} (nginx-container=nginxinc/nginx-unprivileged:1.25.4)`,
        `candidate: ${plan.candidate.revision} (nginx-container=nginxinc/nginx-unprivileged:1.26.1)`,
        'next:      widen, partition 1: moves nginx-statefulset-1 to the candidate',
        '',
      ].join('\n'),
    });
    const json = JSON.parse(cli(['status', nginx, '--json']).out);
    expect(json).toEqual({
      app: 'nginx-statefulset',
      kind: 'StatefulSet',
      activeStage: 'canary',
      activeDirectory: 'stages/01-canary',
      partition: 2,
      replicas: 5,
      updatedPods: ['nginx-statefulset-2', 'nginx-statefulset-3', 'nginx-statefulset-4'],
      candidatePods: 3,
      stable: { revision: plan.stable.revision, images: { 'nginx-container': 'nginxinc/nginx-unprivileged:1.25.4' } },
      candidate: { revision: plan.candidate.revision, images: { 'nginx-container': 'nginxinc/nginx-unprivileged:1.26.1' } },
      pinned: false,
      nextStage: 'widen',
      nextPartition: 1,
      nextMoves: ['nginx-statefulset-1'],
    });
  });

  test('promote and abort refuse a stage pinned in code, and abort refuses without a stable revision', () => {
    const pinned = stagedApp({ name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary(), activeStage: 'canary' } });
    pinned.app.synth();
    const dir = path.join(pinned.outdir, 'web');
    const before = readTree(path.dirname(pinned.outdir));
    expect(cli(['promote', dir, '--no-code-check'])).toEqual({ code: 1, out: '', err: 'cdk8s-staged: the active stage of web is pinned in code (rollout.activeStage = "canary"): change the pin in code and run cdk8s synth instead\n' });
    expect(cli(['abort', dir])).toEqual({ code: 1, out: '', err: 'cdk8s-staged: the active stage of web is pinned in code (rollout.activeStage = "canary"): to abort, set the template back to the stable revision in code, remove the pin and run cdk8s synth\n' });
    const first = stagedApp({ name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } });
    first.app.synth();
    expect(cli(['abort', path.join(first.outdir, 'web')])).toEqual({ code: 1, out: '', err: 'cdk8s-staged: web has no stable revision to go back to (the first synth recorded none): change the template in code and run cdk8s synth\n' });
    expect(readTree(path.dirname(pinned.outdir))).toEqual(before);
  });

  test('promote --no-code-check works without a cdk8s.yaml; the check without one refuses', () => {
    const { app, outdir } = stagedApp({ name: 'web', replicas: 3, containers: [{ name: 'c', image: 'nginx:1' }], rollout: { plan: RolloutPlan.canary() } });
    app.synth();
    const dir = path.join(outdir, 'web');
    expect(cli(['promote', dir])).toEqual({ code: 1, out: '', err: `cdk8s-staged: no cdk8s.yaml above ${dir}: cannot check the tree against the code (pass --no-code-check to skip the check)\n` });
    const r = cli(['promote', dir, '--no-code-check', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      from: 'hold',
      to: 'canary',
      partition: 2,
      changedFiles: ['PLAN.md', 'kustomization.yaml', 'plan.json'],
      message: expect.stringMatching(/^Promoted from hold to canary \(partition 2147483647 -> 2\): web-2 moves to candidate [0-9a-f]{10}\.$/),
    });
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf-8')).toContain('  - stages/01-canary\n');
    expect(RolloutDirectory.open(dir).status().activeStage).toBe('canary');
  });

  test('the compiled bin runs (npm test compiles lib/ first)', () => {
    const bin = path.join(repo, 'lib', 'cli', 'main.js');
    const run = spawnSync(process.execPath, [bin, 'status', nginx], { encoding: 'utf-8' });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe('stage:     canary (stages/01-canary), partition 2');
    const refused = spawnSync(process.execPath, [bin, 'promote', nginx, '--to', 'complete', '--no-code-check'], { encoding: 'utf-8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('cdk8s-staged: promoting nginx-statefulset from "canary" to "complete" skips "widen": pass --force to skip stages\n');
  });
});
