import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../src/cli/cli';
import { MiniCluster } from '../support/cluster';
import { kustomizeBuild } from '../support/kustomize';
import { readTree, tempDir } from '../support/synth';

/**
 * A whole release lifecycle in a temporary git repository: a cdk8s app whose image comes from
 * release.json, `cdk8s synth` as a user runs it (it deletes dist/ first), the `cdk8s-staged` command, and a
 * miniature StatefulSet controller that applies the root kustomization after every step.
 */
const repoRoot = path.join(__dirname, '..', '..');
const root = tempDir('lifecycle-');
const dir = path.join(root, 'dist', 'web');
const cluster = new MiniCluster();

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf-8' });
}

function release(config: { image: string; serviceName?: string; replicas?: number }) {
  fs.writeFileSync(path.join(root, 'release.json'), JSON.stringify(config) + '\n');
}

function synth(): { status: number; stderr: string } {
  const run = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'cdk8s'), ['synth'], {
    cwd: root, encoding: 'utf-8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  return { status: run.status ?? -1, stderr: run.stderr };
}

function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; }, readStdin: () => '' });
  return { code, out, err };
}

function commit(message: string) {
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

/** Apply the root kustomization to the mini cluster; return pod -> image. */
function apply(): { [pod: string]: string } {
  const sts = kustomizeBuild(dir).find(o => o.kind === 'StatefulSet');
  cluster.apply(sts);
  return cluster.podImages('web');
}

function plan(): any {
  return JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf-8'));
}

/** What plan.json says: the active stage's updated pods on the candidate, the rest on stable. */
function expectedPods(): { [pod: string]: string } {
  const p = plan();
  const active = p.stages.find((s: any) => s.name === p.activeStage);
  const out: { [pod: string]: string } = {};
  for (let i = 0; i < p.replicas; i++) {
    const pod = `web-${p.ordinalsStart + i}`;
    const on = active.updatedPods.includes(pod) ? p.candidate : (p.stable ?? p.candidate);
    out[pod] = Object.values(on.images)[0] as string;
  }
  return out;
}

function expectClean() {
  expect(git('status', '--porcelain')).toBe('');
}

/** Lines changed in the root kustomization by the last commit. */
function rootDiff(): string {
  return git('diff', '--numstat', 'HEAD~1', 'HEAD', '--', 'dist/web/kustomization.yaml').trim();
}

beforeAll(() => {
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\n');
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'commonjs', esModuleInterop: true, skipLibCheck: true } }));
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'language: typescript\napp: ts-node --transpile-only app.ts\noutput: dist\n');
  fs.writeFileSync(path.join(root, 'app.ts'), `
import * as fs from 'fs';
import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from ${JSON.stringify(path.join(repoRoot, 'src'))};

const release = JSON.parse(fs.readFileSync('release.json', 'utf-8'));
const app = new StagedApp();
const chart = new Chart(app, 'web');
new StatefulApp(chart, 'web', {
  replicas: release.replicas ?? 3,
  selectorLabels: { app: 'web' },
  service: { name: release.serviceName ?? 'web' },
  containers: [{ name: 'nginx', image: release.image }],
  rollout: { plan: RolloutPlan.canary() },
});
app.synth();
`);
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
});

describe('a release lifecycle driven from Git', () => {
  jest.setTimeout(120_000);

  test('v1: the first synth holds, and promoting to complete releases it', () => {
    release({ image: 'nginx:1.0' });
    expect(synth()).toEqual({ status: 0, stderr: '' });
    commit('v1');
    expect(plan().activeStage).toBe('hold');
    expect(plan().stable).toBeNull();
    expect(apply()).toEqual({ 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:1.0' });
    expect(plan().stages.map((s: any) => `${s.name}:${s.partition}`)).toEqual(['hold:2147483647', 'canary:2', 'percent-50:1', 'complete:0']);

    expect(cli('promote', dir, '--to', 'complete', '--force')).toEqual({ code: 0, out: expect.stringContaining('Promoted from hold to complete'), err: '' });
    commit('v1 complete');
    expect(rootDiff()).toBe('1\t1\tdist/web/kustomization.yaml');
    expect(apply()).toEqual(expectedPods());
    expect(cluster.currentRevision).toBe(plan().candidate.revision);
  });

  test('v2 is staged at hold: nothing moves until a promotion', () => {
    release({ image: 'nginx:2.0' });
    expect(synth().status).toBe(0);
    commit('v2');
    const p = plan();
    expect(p.activeStage).toBe('hold');
    expect(Object.values(p.stable.images)).toEqual(['nginx:1.0']);
    expect(Object.values(p.candidate.images)).toEqual(['nginx:2.0']);
    expect(apply()).toEqual({ 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:1.0' });
    expect(cli('status', dir).out).toContain('next:      canary, partition 2: moves web-2 to the candidate');
  });

  test('promotions: canary -> 50% -> complete, one line each, the pods as plan.json says', () => {
    const seen: Array<{ [pod: string]: string }> = [];
    for (const stage of ['canary', 'percent-50', 'complete']) {
      const r = cli('promote', dir);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      commit(`promote ${stage}`);
      expect(plan().activeStage).toBe(stage);
      expect(rootDiff()).toBe('1\t1\tdist/web/kustomization.yaml');
      const pods = apply();
      expect(pods).toEqual(expectedPods());
      seen.push(pods);
      // a synth of the unchanged code keeps the promoted stage and changes nothing
      expect(synth().status).toBe(0);
      expectClean();
    }
    expect(seen).toEqual([
      { 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:2.0' },
      { 'web-0': 'nginx:1.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' },
      { 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' },
    ]);
  });

  test('promote refuses past complete, and nothing changes', () => {
    expect(cli('promote', dir)).toEqual({ code: 1, out: '', err: 'cdk8s-staged: the rollout of web is complete (stage "complete"): there is no stage to promote to\n' });
    expectClean();
  });

  test('v3 at hold, canary, then an abort in code: the canary pod rolls back', () => {
    release({ image: 'nginx:3.0' });
    expect(synth().status).toBe(0);
    commit('v3');
    expect(plan().activeStage).toBe('hold');
    expect(cli('promote', dir).code).toBe(0);
    commit('v3 canary');
    expect(apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:3.0' });

    release({ image: 'nginx:2.0' });
    expect(synth().status).toBe(0);
    commit('abort v3');
    const p = plan();
    expect(p.activeStage).toBe('complete');
    expect(p.notes[0]).toMatch(/^Aborted: candidate [0-9a-f]{10} \(nginx=nginx:3\.0\) was at stage canary\. The template is back at the stable revision [0-9a-f]{10} and partition 0 rolls web-2 back to it\.$/);
    expect(fs.readFileSync(path.join(dir, 'PLAN.md'), 'utf-8')).toContain('> Aborted: candidate');
    expect(apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' });
  });

  test('the controller rule the abort relies on: raising the partition alone leaves the canary on v3', () => {
    const probe = new MiniCluster();
    const sts = kustomizeBuild(path.join(dir, 'stages', '03-complete')).find(o => o.kind === 'StatefulSet');
    probe.apply(sts);
    const v3 = JSON.parse(JSON.stringify(sts));
    v3.spec.template.spec.containers[0].image = 'nginx:3.0';
    v3.spec.updateStrategy.rollingUpdate.partition = 2;
    probe.apply(v3);
    v3.spec.updateStrategy.rollingUpdate.partition = 2147483647;
    probe.apply(v3);
    expect(probe.podImages('web')).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:3.0' });
  });

  test('abort from the tree alone with the CLI, then the next synth stages v3 again at hold', () => {
    release({ image: 'nginx:3.0' });
    expect(synth().status).toBe(0);
    commit('v3 again');
    expect(plan().activeStage).toBe('hold');
    expect(cli('promote', dir).code).toBe(0);
    expect(cli('promote', dir).code).toBe(0);
    commit('v3 at 50%');
    expect(apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:3.0', 'web-2': 'nginx:3.0' });

    const r = cli('abort', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Aborted: candidate [0-9a-f]{10} \(nginx=nginx:3\.0\) was at stage percent-50\. The template is back at the stable revision [0-9a-f]{10} and partition 0 rolls web-1, web-2 back to it\./);
    commit('abort from the tree');
    expect(plan().activeStage).toBe('complete');
    expect(apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' });

    expect(synth().status).toBe(0);
    commit('synth after the abort');
    expect(plan().activeStage).toBe('hold');
    expect(Object.values(plan().stable.images)).toEqual(['nginx:2.0']);
    expect(Object.values(plan().candidate.images)).toEqual(['nginx:3.0']);
    expect(apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' });
  });

  test('a new template in the middle of a rollout is refused, naming the pods, and nothing is written', () => {
    expect(cli('promote', dir).code).toBe(0);
    commit('v3 canary again');
    release({ image: 'nginx:4.0' });
    const r = synth();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/a new template \([0-9a-f]{10}: nginx=nginx:4\.0\) arrived while the rollout of candidate [0-9a-f]{10} \(nginx=nginx:3\.0\) is at stage "canary": web-2 would move from candidate [0-9a-f]{10} straight to [0-9a-f]{10}, and web-0, web-1 would stay on stable [0-9a-f]{10}\. Finish or abort the rollout first, or set rollout\.allowSupersede to replace the candidate/);
    git('checkout', 'release.json');
    expectClean();
  });

  test('an immutable field change is refused with how to recreate, and nothing is written', () => {
    release({ image: 'nginx:3.0', serviceName: 'web-headless' });
    const r = synth();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('spec.serviceName of StatefulSet "web" changed since the committed tree: the API server rejects the update');
    expect(r.stderr).toContain('`kubectl delete statefulset web --cascade=orphan`');
    git('checkout', 'release.json');
    expectClean();
  });

  test('promote refusals leave the tree untouched', () => {
    const refusals: Array<[string[], string]> = [
      [['promote', dir, '--to', 'complete'], 'cdk8s-staged: promoting web from "canary" to "complete" skips "percent-50": pass --force to skip stages\n'],
      [['promote', dir, '--to', 'hold'], 'cdk8s-staged: --to ("hold") is not after the active stage "canary": promote only moves forward (lowering the partition); raising it never rolls a pod back, use abort to go back\n'],
      [['promote', dir, '--to', 'final'], 'cdk8s-staged: --to ("final") is not a stage of web: "hold", "canary", "percent-50", "complete"\n'],
    ];
    for (const [args, err] of refusals) {
      expect(cli(...args)).toEqual({ code: 1, out: '', err });
    }
    expectClean();

    // the code changed but was not synthesized: the tree is stale
    release({ image: 'nginx:3.0', replicas: 4 });
    const stale = cli('promote', dir);
    expect(stale.code).toBe(1);
    expect(stale.err).toBe(`cdk8s-staged: the tree in ${dir} is stale against the code: cdk8s synth would change PLAN.md, base/statefulset-web.yaml, plan.json, stages/01-canary/kustomization.yaml, stages/02-percent-50/kustomization.yaml; run cdk8s synth, review and commit, then promote\n`);
    git('checkout', 'release.json');

    // a hand edit of the tree
    const planMd = path.join(dir, 'PLAN.md');
    fs.appendFileSync(planMd, 'edited\n');
    const edited = cli('promote', dir);
    expect(edited.code).toBe(1);
    expect(edited.err).toMatch(/^cdk8s-staged: the tree in .* is not the one last written \(its digest, with the root kustomization.yaml's stage line put back, is sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} in .*web\.json\): files were edited, added or removed by hand, and only the stage line of .*\/kustomization.yaml may be; restore them from git or run cdk8s synth\n$/);
    git('checkout', 'dist/web/PLAN.md');
    expectClean();
    expect(readTree(dir)['kustomization.yaml']).toContain('- stages/01-canary\n');
  });
});
