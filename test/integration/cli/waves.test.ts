import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { GitRepo } from '../../support/git-repo';

/**
 * Fleets in waves, as a team runs them: one rollout applied to staging, then prod-eu, then prod-us, each
 * cluster applying its own root `dist/web/clusters/<wave>/kustomization.yaml`. The real `cdk8s synth`,
 * the CLI in-process, hand edits of a wave's root line, `verify` between commits, and refusals that
 * leave the tree as it was.
 */
const APP = `
import * as fs from 'fs';
import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from SRC;

const release = JSON.parse(fs.readFileSync('release.json', 'utf-8'));
const app = new StagedApp();
const chart = new Chart(app, 'web');
new StatefulApp(chart, 'web', {
  replicas: 3,
  selectorLabels: { app: 'web' },
  service: { name: 'web' },
  containers: [{ name: 'nginx', image: release.image }],
  rollout: {
    plan: RolloutPlan.canary(),
    waves: release.waves ?? [{ name: 'staging' }, { name: 'prod-eu', nextWaveAfter: 'canary' }, { name: 'prod-us' }],
  },
});
app.synth();
`;

const WAVES = ['staging', 'prod-eu', 'prod-us'];
const root = (wave: string) => `dist/web/clusters/${wave}/kustomization.yaml`;
const repo = new GitRepo(APP, 'waves-');

function rootText(wave: string, stage: string): string {
  return `# The stage wave ${wave} applies. Promote this wave by changing the line below to the next stage\n` +
    '# directory listed in ../../PLAN.md, in a reviewed commit, once the wave before it is far enough.\n' +
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' +
    `  - ../../stages/${stage}\n`;
}

function stagesOf(file = 'dist/web/plan.json'): { [wave: string]: string } {
  return Object.fromEntries(repo.json(file).waves.map((w: any) => [w.name, w.activeStage]));
}

function partitionOf(wave: string): number {
  const out = execFileSync('kubectl', ['kustomize', repo.path(`dist/web/clusters/${wave}`)], { encoding: 'utf-8' });
  return Number(/partition: (\d+)/.exec(out)![1]);
}

/** Everything under dist/ and rollout-state/, to show that a refusal changed nothing. */
function snapshot(): string {
  return repo.git('ls-files', '-s', 'dist', 'rollout-state') + repo.status();
}

describe('a rollout in three waves', () => {
  jest.setTimeout(300_000);

  beforeAll(() => {
    repo.release({ image: 'nginx:1.0' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1');
  });

  test('the tree has one root per wave and none at the top; plan.json and the state list the waves', () => {
    expect(fs.existsSync(repo.path('dist/web/kustomization.yaml'))).toBe(false);
    for (const w of WAVES) expect(repo.read(root(w))).toBe(rootText(w, '00-hold'));
    expect(repo.json('dist/web/plan.json').waves).toEqual([
      { name: 'staging', activeStage: 'hold', nextWaveAfter: 'complete', directory: 'clusters/staging' },
      { name: 'prod-eu', activeStage: 'hold', nextWaveAfter: 'canary', directory: 'clusters/prod-eu' },
      { name: 'prod-us', activeStage: 'hold', nextWaveAfter: 'complete', directory: 'clusters/prod-us' },
    ]);
    expect(repo.json('rollout-state/web.json').waves).toEqual(WAVES.map(name => ({ name, activeStage: 'hold' })));
    expect(repo.read('dist/web/PLAN.md')).toContain('| **prod-eu** | `clusters/prod-eu/` | **active** |  |  |  | `canary` |');
    for (const w of WAVES) expect(partitionOf(w)).toBe(2147483647);
  });

  test('promotion goes wave by wave: a wave cannot start before the one ahead reached its nextWaveAfter', () => {
    const before = snapshot();
    const early = repo.cli('promote', 'dist/web', '--wave', 'prod-eu', '--no-code-check');
    expect(early).toEqual({
      code: 1,
      out: '',
      err: 'cdk8s-staged: promoting web: wave "prod-eu" would be at stage "canary" while the wave before it, "staging", is at "hold": a wave leaves the first stage only once the wave before it has reached "complete" (its nextWaveAfter); promote "staging" first\n',
    });
    expect(snapshot()).toBe(before);
    expect(repo.cli('promote', 'dist/web', '--wave', 'eu', '--no-code-check')).toEqual({ code: 1, out: '', err: 'cdk8s-staged: --wave ("eu") is not a wave of web: "staging", "prod-eu", "prod-us"\n' });

    // no --wave: the first wave not complete
    const first = repo.cli('promote', 'dist/web', '--json', '--no-code-check');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ from: 'hold', to: 'canary', wave: 'staging', partition: 2, changedFiles: ['PLAN.md', 'clusters/staging/kustomization.yaml', 'plan.json'] });
    expect(stagesOf()).toEqual({ 'staging': 'canary', 'prod-eu': 'hold', 'prod-us': 'hold' });
    expect(partitionOf('staging')).toBe(2);
    expect(partitionOf('prod-eu')).toBe(2147483647);
    expect(repo.cli('promote', 'dist/web', '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    expect(repo.cli('promote', 'dist/web', '--wave', 'staging', '--no-code-check')).toEqual({ code: 1, out: '', err: 'cdk8s-staged: wave "staging" of web is complete (stage "complete"): promote the next wave\n' });
    // prod-eu at canary lets prod-us start (prod-eu's nextWaveAfter)
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    expect(stagesOf()).toEqual({ 'staging': 'complete', 'prod-eu': 'canary', 'prod-us': 'hold' });
    const us = repo.cli('promote', 'dist/web', '--wave', 'prod-us', '--json', '--no-code-check');
    expect(JSON.parse(us.out)).toMatchObject({ from: 'hold', to: 'canary', wave: 'prod-us' });
    const status = JSON.parse(repo.cli('status', 'dist/web', '--json').out);
    expect(status).toMatchObject({ wave: 'prod-eu', activeStage: 'canary', partition: 2, updatedPods: ['web-2'], nextStage: 'percent-50' });
    expect(status.waves).toEqual([
      { name: 'staging', activeStage: 'complete', root: 'clusters/staging/kustomization.yaml', nextWaveAfter: 'complete' },
      { name: 'prod-eu', activeStage: 'canary', root: 'clusters/prod-eu/kustomization.yaml', nextWaveAfter: 'canary' },
      { name: 'prod-us', activeStage: 'canary', root: 'clusters/prod-us/kustomization.yaml', nextWaveAfter: 'complete' },
    ]);
    for (const w of ['prod-eu', 'prod-us']) {
      expect(repo.cli('promote', 'dist/web', '--wave', w, '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    }
    expect(repo.cli('promote', 'dist/web', '--no-code-check').err).toBe('cdk8s-staged: the rollout of web is complete (stage "complete"): there is no stage to promote to\n');
    repo.commit('v1 complete in every wave');
  });

  test('a new template starts every wave at hold; a hand edit of one wave\'s root is its promotion', () => {
    repo.release({ image: 'nginx:1.1' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.1');
    expect(stagesOf()).toEqual({ 'staging': 'hold', 'prod-eu': 'hold', 'prod-us': 'hold' });
    for (const w of WAVES) expect(repo.read(root(w))).toBe(rootText(w, '00-hold'));

    repo.edit(root('staging'), '- ../../stages/00-hold\n', '- ../../stages/01-canary\n');
    repo.commit('staging to canary (web editor)');
    const dir = RolloutDirectory.open(repo.path('dist/web'));
    expect(dir.rootEdit).toMatchObject({ from: 'hold', to: 'canary', wave: 'staging' });
    expect(dir.status().waves!.map(w => w.activeStage)).toEqual(['canary', 'hold', 'hold']);
    // the next synth keeps the edit and writes plan.json, PLAN.md and the state after it
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(stagesOf()).toEqual({ 'staging': 'canary', 'prod-eu': 'hold', 'prod-us': 'hold' });
    expect(repo.json('rollout-state/web.json').waves).toEqual([{ name: 'staging', activeStage: 'canary' }, { name: 'prod-eu', activeStage: 'hold' }, { name: 'prod-us', activeStage: 'hold' }]);
    expect(repo.json('dist/web/plan.json').notes).toEqual([expect.stringMatching(/^Wave staging: Promoted from hold to canary \(partition 2147483647 -> 2\): web-2 moves to candidate [0-9a-f]{10}\. Promoted by an edit of clusters\/staging\/kustomization\.yaml\.$/)]);
    repo.commit('synth after the edit');
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(repo.status()).toBe('');
  });

  test('gate judges the wave asked for (default: the wave to promote next) against its own stage', () => {
    // kubectl get statefulset web -o json in a staging cluster at the canary: partition 2, web-2 updated
    const live = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', generation: 3 },
      spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.1' }] } } },
      status: { observedGeneration: 3, replicas: 3, readyReplicas: 3, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' },
    });
    repo.write('live.json', live);
    expect(repo.cli('gate', 'dist/web', '--live', 'live.json')).toEqual({ code: 0, out: 'stage canary converged: 1 of 3 pods updated, 3 of 3 ready\n', err: '' });
    expect(repo.cli('gate', 'dist/web', '--live', 'live.json', '--wave', 'staging').code).toBe(0);
    expect(repo.cli('gate', 'dist/web', '--live', 'live.json', '--wave', 'prod-eu')).toEqual({ code: 1, out: '', err: 'cdk8s-staged: not synced yet: the live partition is 2, the active stage hold has partition 2147483647\n' });
    fs.rmSync(repo.path('live.json'));
  });

  test('hand edits that break the order, or move two waves at once, are refused and change nothing', () => {
    repo.edit(root('prod-eu'), '- ../../stages/00-hold\n', '- ../../stages/01-canary\n');
    const before = snapshot();
    expect(repo.cli('status', 'dist/web')).toEqual({
      code: 1,
      out: '',
      err: `cdk8s-staged: ${root('prod-eu')}: web: wave "prod-eu" would be at stage "canary" while the wave before it, "staging", is at "canary": a wave leaves the first stage only once the wave before it has reached "complete" (its nextWaveAfter); promote "staging" first\n`,
    });
    expect(snapshot()).toBe(before);
    // committed (cdk8s synth reads the committed tree: it deletes dist/ before the app runs), the synth refuses it too
    repo.commit('prod-eu to canary too early');
    const committed = snapshot();
    const synth = repo.synth();
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain('wave "prod-eu" would be at stage "canary" while the wave before it, "staging", is at "canary"');
    expect(snapshot()).toBe(committed);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.edit(root('prod-eu'), '- ../../stages/00-hold\n', '- ../../stages/01-canary\n');
    repo.edit(root('staging'), '- ../../stages/01-canary\n', '- ../../stages/02-percent-50\n');
    expect(repo.cli('status', 'dist/web').err).toBe(`cdk8s-staged: ${root('staging')}, ${root('prod-eu')}: waves "staging", "prod-eu" of web move in one change: promote one wave at a time, each in its own reviewed commit\n`);
    repo.git('checkout', '--', 'dist');
    expect(repo.status()).toBe('');
  });

  test('verify passes a pull request that moves one wave by one stage, and fails one that moves two waves', () => {
    repo.git('checkout', '-q', '-b', 'pr-1');
    repo.edit(root('staging'), '- ../../stages/01-canary\n', '- ../../stages/02-percent-50\n');
    repo.commit('staging to percent-50');
    const pass = repo.cli('verify', '--base', 'main', '--json');
    expect(pass.code).toBe(0);
    const passed = JSON.parse(pass.out);
    expect(passed.trees).toHaveLength(1);
    expect(passed.trees[0].checks.filter((c: any) => c.name !== 'code')).toEqual([
      { name: 'hand-edits', ok: true, detail: 'only the root line of wave "staging": it selects "percent-50" (the state file says "canary")' },
      { name: 'stage-move', ok: true, detail: 'wave "staging" "canary" -> "percent-50": a promotion by one stage' },
      { name: 'immutable', ok: true, detail: 'no immutable field changes' },
    ]);
    expect(passed.trees[0].checks.find((c: any) => c.name === 'code')).toEqual({ name: 'code', ok: true, detail: 'the tree is the one the code renders' });

    // the CLI writes two waves' moves in two commits; verify looks at the whole pull request
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    repo.commit('staging complete');
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    repo.commit('prod-eu canary');
    expect(stagesOf()).toEqual({ 'staging': 'complete', 'prod-eu': 'canary', 'prod-us': 'hold' });
    const fail = repo.cli('verify', '--base', 'main', '--json', '--no-code-check');
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.out).trees[0].checks).toEqual([
      { name: 'hand-edits', ok: true, detail: 'none: the tree is the one last written' },
      { name: 'stage-move', ok: false, detail: 'dist/web: waves "staging", "prod-eu" of web move in one change: promote one wave at a time, each in its own reviewed commit' },
    ]);
    // one commit at a time, each passes
    expect(repo.cli('verify', '--base', 'HEAD~1', '--no-code-check').code).toBe(0);
  });

  test('an abort sends every wave to the last stage on the stable template', () => {
    const aborted = repo.cli('abort', 'dist/web', '--json');
    expect(aborted.code).toBe(0);
    expect(JSON.parse(aborted.out)).toMatchObject({ from: 'canary', to: 'complete' });
    expect(stagesOf()).toEqual({ 'staging': 'complete', 'prod-eu': 'complete', 'prod-us': 'complete' });
    for (const w of WAVES) {
      expect(repo.read(root(w))).toBe(rootText(w, '03-complete'));
      expect(partitionOf(w)).toBe(0);
    }
    expect(repo.read('dist/web/base/statefulset-web.yaml')).toContain('image: nginx:1.0\n');
    repo.commit('abort');
    const review = JSON.parse(repo.cli('verify', '--base', 'HEAD~1', '--json', '--no-code-check').out);
    expect(review.trees[0].checks[1]).toEqual({ name: 'stage-move', ok: true, detail: expect.stringMatching(/^"canary" -> "complete": an abort back to the stable template [0-9a-f]{10}$/) });
  });

  test('a rollout without waves keeps its one root; adding waves starts every wave at its stage', () => {
    const plain = new GitRepo(APP, 'waves-plain-');
    plain.release({ image: 'nginx:1.0', waves: null });
    // JSON null -> no waves in the app (release.waves ?? default would add them)
    plain.write('app.ts', plain.read('app.ts').replace('waves: release.waves ?? [', 'waves: release.waves === null ? undefined : release.waves ?? ['));
    expect(plain.synth()).toEqual({ status: 0, stderr: '' });
    expect(fs.existsSync(plain.path('dist/web/clusters'))).toBe(false);
    expect(plain.json('dist/web/plan.json').waves).toBeUndefined();
    expect(plain.json('rollout-state/web.json').waves).toBeUndefined();
    expect(plain.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    expect(plain.cli('promote', 'dist/web', '--wave', 'staging', '--no-code-check').err).toBe('cdk8s-staged: --wave ("staging"): web has no waves (rollout.waves); leave --wave out\n');
    plain.commit('canary');
    plain.release({ image: 'nginx:1.0', waves: [{ name: 'staging' }, { name: 'prod' }] });
    expect(plain.synth()).toEqual({ status: 0, stderr: '' });
    expect(fs.existsSync(plain.path('dist/web/kustomization.yaml'))).toBe(false);
    // every cluster applied the one root at canary: each wave's root starts there, no pod moves
    expect(plain.json('dist/web/plan.json').waves.map((w: any) => [w.name, w.activeStage])).toEqual([['staging', 'canary'], ['prod', 'canary']]);
    expect(plain.read('dist/web/clusters/prod/kustomization.yaml')).toContain('- ../../stages/01-canary\n');
  });
});
