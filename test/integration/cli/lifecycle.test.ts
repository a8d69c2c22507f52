import * as fs from 'fs';
import * as path from 'path';
import { MiniCluster } from '../../support/cluster';
import { kustomizeBuild } from '../../support/kustomize';
import { lifecycleAt } from '../../support/lifecycle';
import { readTree } from '../../support/synth';

/**
 * A whole release lifecycle in a temporary git repository (test/support/lifecycle.ts): a cdk8s app whose
 * image comes from release.json, `cdk8s synth` as a user runs it, the `cdk8s-staged` command, and a
 * miniature StatefulSet controller. Each test starts from a named point of the history and runs on its own
 * (`npx jest test/integration/cli/lifecycle.test.ts -t NAME`): the point is replayed when this process has
 * not got there yet.
 */
describe('a release lifecycle driven from Git', () => {
  // a test run alone first replays the history up to its point (up to six cdk8s synths)
  jest.setTimeout(600_000);

  test('v1: the first synth holds, and promoting to complete releases it', () => {
    const h = lifecycleAt('start');
    h.release({ image: 'nginx:1.0' });
    expect(h.synth()).toEqual({ status: 0, stderr: '' });
    h.commit('v1');
    expect(h.plan().activeStage).toBe('hold');
    expect(h.plan().stable).toBeNull();
    expect(h.apply()).toEqual({ 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:1.0' });
    expect(h.plan().stages.map((s: any) => `${s.name}:${s.partition}`)).toEqual(['hold:2147483647', 'canary:2', 'percent-50:1', 'complete:0']);

    expect(h.cli('promote', h.dir, '--to', 'complete', '--force')).toEqual({ code: 0, out: expect.stringContaining('Promoted from hold to complete'), err: '' });
    h.commit('v1 complete');
    expect(h.rootDiff()).toBe('1\t1\tdist/web/kustomization.yaml');
    expect(h.apply()).toEqual(h.expectedPods());
    expect(h.cluster.currentRevision).toBe(h.plan().candidate.revision);
    h.reached('v1-complete');
  });

  test('v2 is staged at hold: nothing moves until a promotion', () => {
    const h = lifecycleAt('v1-complete');
    h.release({ image: 'nginx:2.0' });
    expect(h.synth().status).toBe(0);
    h.commit('v2');
    const p = h.plan();
    expect(p.activeStage).toBe('hold');
    expect(Object.values(p.stable.images)).toEqual(['nginx:1.0']);
    expect(Object.values(p.candidate.images)).toEqual(['nginx:2.0']);
    expect(h.apply()).toEqual({ 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:1.0' });
    expect(h.cli('status', h.dir).out).toContain('next:      canary, partition 2: moves web-2 to the candidate');
    h.reached('v2-hold');
  });

  test('promotions: canary -> 50% -> complete, one line each, the pods as plan.json says', () => {
    const h = lifecycleAt('v2-hold');
    const seen: Array<{ [pod: string]: string }> = [];
    for (const stage of ['canary', 'percent-50', 'complete']) {
      const r = h.cli('promote', h.dir);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      h.commit(`promote ${stage}`);
      expect(h.plan().activeStage).toBe(stage);
      expect(h.rootDiff()).toBe('1\t1\tdist/web/kustomization.yaml');
      const pods = h.apply();
      expect(pods).toEqual(h.expectedPods());
      seen.push(pods);
      // a synth of the unchanged code keeps the promoted stage and changes nothing
      expect(h.synth().status).toBe(0);
      h.expectClean();
    }
    expect(seen).toEqual([
      { 'web-0': 'nginx:1.0', 'web-1': 'nginx:1.0', 'web-2': 'nginx:2.0' },
      { 'web-0': 'nginx:1.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' },
      { 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' },
    ]);
    h.reached('v2-complete');
  });

  test('promote refuses past complete, and nothing changes', () => {
    const h = lifecycleAt('v2-complete');
    expect(h.cli('promote', h.dir)).toEqual({ code: 1, out: '', err: 'cdk8s-staged: the rollout of web is complete (stage "complete"): there is no stage to promote to\n' });
    h.expectClean();
    h.reached('v2-complete');
  });

  test('v3 at hold, canary, then an abort in code: the canary pod rolls back', () => {
    const h = lifecycleAt('v2-complete');
    h.release({ image: 'nginx:3.0' });
    expect(h.synth().status).toBe(0);
    h.commit('v3');
    expect(h.plan().activeStage).toBe('hold');
    expect(h.cli('promote', h.dir).code).toBe(0);
    h.commit('v3 canary');
    expect(h.apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:3.0' });

    h.release({ image: 'nginx:2.0' });
    expect(h.synth().status).toBe(0);
    h.commit('abort v3');
    const p = h.plan();
    expect(p.activeStage).toBe('complete');
    expect(p.notes[0]).toMatch(/^Aborted: candidate [0-9a-f]{10} \(nginx=nginx:3\.0\) was at stage canary\. The template is back at the stable revision [0-9a-f]{10} and partition 0 rolls web-2 back to it\.$/);
    expect(fs.readFileSync(path.join(h.dir, 'PLAN.md'), 'utf-8')).toContain('> Aborted: candidate');
    expect(h.apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' });
    h.reached('v3-aborted-in-code');
  });

  test('the controller rule the abort relies on: raising the partition alone leaves the canary on v3', () => {
    const h = lifecycleAt('v3-aborted-in-code');
    const probe = new MiniCluster();
    const sts = kustomizeBuild(path.join(h.dir, 'stages', '03-complete')).find(o => o.kind === 'StatefulSet');
    probe.apply(sts);
    const v3 = JSON.parse(JSON.stringify(sts));
    v3.spec.template.spec.containers[0].image = 'nginx:3.0';
    v3.spec.updateStrategy.rollingUpdate.partition = 2;
    probe.apply(v3);
    v3.spec.updateStrategy.rollingUpdate.partition = 2147483647;
    probe.apply(v3);
    expect(probe.podImages('web')).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:3.0' });
    h.reached('v3-aborted-in-code');
  });

  test('abort from the tree alone with the CLI, then the next synth stages v3 again at hold', () => {
    const h = lifecycleAt('v3-aborted-in-code');
    h.release({ image: 'nginx:3.0' });
    expect(h.synth().status).toBe(0);
    h.commit('v3 again');
    expect(h.plan().activeStage).toBe('hold');
    expect(h.cli('promote', h.dir).code).toBe(0);
    expect(h.cli('promote', h.dir).code).toBe(0);
    h.commit('v3 at 50%');
    expect(h.apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:3.0', 'web-2': 'nginx:3.0' });

    const r = h.cli('abort', h.dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Aborted: candidate [0-9a-f]{10} \(nginx=nginx:3\.0\) was at stage percent-50\. The template is back at the stable revision [0-9a-f]{10} and partition 0 rolls web-1, web-2 back to it\./);
    h.commit('abort from the tree');
    expect(h.plan().activeStage).toBe('complete');
    expect(h.apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' });

    expect(h.synth().status).toBe(0);
    h.commit('synth after the abort');
    expect(h.plan().activeStage).toBe('hold');
    expect(Object.values(h.plan().stable.images)).toEqual(['nginx:2.0']);
    expect(Object.values(h.plan().candidate.images)).toEqual(['nginx:3.0']);
    expect(h.apply()).toEqual({ 'web-0': 'nginx:2.0', 'web-1': 'nginx:2.0', 'web-2': 'nginx:2.0' });
    h.reached('v3-hold-again');
  });

  test('a new template in the middle of a rollout is refused, naming the pods, and nothing is written', () => {
    const h = lifecycleAt('v3-hold-again');
    expect(h.cli('promote', h.dir).code).toBe(0);
    h.commit('v3 canary again');
    h.release({ image: 'nginx:4.0' });
    const r = h.synth();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/a new template \([0-9a-f]{10}: nginx=nginx:4\.0\) arrived while the rollout of candidate [0-9a-f]{10} \(nginx=nginx:3\.0\) is at stage "canary": web-2 would move from candidate [0-9a-f]{10} straight to [0-9a-f]{10}, and web-0, web-1 would stay on stable [0-9a-f]{10}\. Finish or abort the rollout first, or set rollout\.allowSupersede to replace the candidate/);
    h.git('checkout', 'release.json');
    h.expectClean();
    h.reached('v3-canary-again');
  });

  test('an immutable field change is refused with how to recreate, and nothing is written', () => {
    const h = lifecycleAt('v3-canary-again');
    h.release({ image: 'nginx:3.0', serviceName: 'web-headless' });
    const r = h.synth();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('spec.serviceName of StatefulSet "web" changed since the committed tree: the API server rejects the update');
    expect(r.stderr).toContain('`kubectl delete statefulset web --cascade=orphan`');
    h.git('checkout', 'release.json');
    h.expectClean();
    h.reached('v3-canary-again');
  });

  test('promote refusals leave the tree untouched', () => {
    const h = lifecycleAt('v3-canary-again');
    const refusals: Array<[string[], string]> = [
      [['promote', h.dir, '--to', 'complete'], 'cdk8s-staged: promoting web from "canary" to "complete" skips "percent-50": pass --force to skip stages\n'],
      [['promote', h.dir, '--to', 'hold'], 'cdk8s-staged: --to ("hold") is not after the active stage "canary": promote only moves forward (lowering the partition); raising it never rolls a pod back, use abort to go back\n'],
      [['promote', h.dir, '--to', 'final'], 'cdk8s-staged: --to ("final") is not a stage of web: "hold", "canary", "percent-50", "complete"\n'],
    ];
    for (const [args, err] of refusals) {
      expect(h.cli(...args)).toEqual({ code: 1, out: '', err });
    }
    h.expectClean();

    // the code changed but was not synthesized, and the code itself would be refused at this stage (replicas
    // of a StatefulSet may not change mid-rollout): the code check reports the refusal, nothing moves
    h.release({ image: 'nginx:3.0', replicas: 4 });
    const stale = h.cli('promote', h.dir);
    expect(stale.code).toBe(1);
    expect(stale.err.trimEnd()).toBe('cdk8s-staged: the cdk8s app (ts-node --transpile-only app.ts) failed (exit 1) while checking the tree against the code: replicas changed from 3 to 4 while the rollout of StatefulSet "web" is at stage "canary": a stage is a partition, and raising it never moves a pod back, so at the new size the pods on each revision are not the ones the plan would show; change replicas at the first or the last stage, or finish or abort the rollout first');
    h.git('checkout', 'release.json');

    // a hand edit of the tree
    const planMd = path.join(h.dir, 'PLAN.md');
    fs.appendFileSync(planMd, 'edited\n');
    const edited = h.cli('promote', h.dir);
    expect(edited.code).toBe(1);
    expect(edited.err).toMatch(/^cdk8s-staged: the tree in .* is not the one last written \(its digest, with the root kustomization.yaml's stage line put back, is sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} in .*web\.json\): files were edited, added or removed by hand, and only the stage line of .*\/kustomization.yaml may be; restore them from git or run cdk8s synth\n$/);
    h.git('checkout', 'dist/web/PLAN.md');
    h.expectClean();
    expect(readTree(h.dir)['kustomization.yaml']).toContain('- stages/01-canary\n');
    h.reached('v3-canary-again');
  });
});
