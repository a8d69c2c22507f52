import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { GitRepo } from '../../support/git-repo';

/**
 * Fleets in waves, tried the wrong way: rollout.waves changed in code in the middle of a rollout (a new
 * wave ahead of the waves that started, the waves reordered, the waves removed while they are apart).
 * The real `cdk8s synth` refuses, names rollout.waves, the waves and what is allowed, and leaves the
 * committed tree and the state file as they were.
 */
const APP = `
import * as fs from 'fs';
import { Chart } from 'cdk8s';
import { DeploymentApp, DeploymentRolloutStrategy, RolloutPlan, StagedApp, StatefulApp } from SRC;

const release = JSON.parse(fs.readFileSync('release.json', 'utf-8'));
const app = new StagedApp();
const chart = new Chart(app, 'web');
const waves = release.waves === null ? undefined : release.waves.map((name: string) => ({ name }));
if (release.shape === 'bg') {
  new DeploymentApp(chart, 'web', {
    replicas: 3,
    selectorLabels: { app: 'web' },
    containers: [{ name: 'nginx', image: release.image }],
    service: { ports: [{ port: 80 }] },
    rollout: { strategy: DeploymentRolloutStrategy.blueGreen(), waves },
  });
} else {
  new StatefulApp(chart, 'web', {
    replicas: 3,
    selectorLabels: { app: 'web' },
    service: { name: 'web' },
    containers: [{ name: 'nginx', image: release.image }],
    rollout: { plan: RolloutPlan.canary(), waves },
  });
}
app.synth();
`;

const stagesOf = (repo: GitRepo) => Object.fromEntries(repo.json('dist/web/plan.json').waves.map((w: any) => [w.name, w.activeStage]));
/** Everything under dist/ and rollout-state/, to show that a refusal changed nothing. */
const snapshot = (repo: GitRepo) => repo.git('ls-files', '-s', 'dist', 'rollout-state') + repo.status();
/** What `kubectl kustomize` builds for a wave: kind/name -> replicas and the colour a Service selects. */
const kustomize = (repo: GitRepo, wave: string) => execFileSync('kubectl', ['kustomize', repo.path(`dist/web/clusters/${wave}`)], { encoding: 'utf-8' });
function built(repo: GitRepo, wave: string): { [object: string]: string } {
  return Object.fromEntries(kustomize(repo, wave).split(/^---$/m).map(doc => {
    const kind = /^kind: (\w+)/m.exec(doc)![1];
    const name = /^ {2}name: (\S+)/m.exec(doc)![1];
    return [`${kind}/${name}`, kind === 'Service' ? /^ {4}color: (\w+)/m.exec(doc.split(/^spec:$/m)[1])![1] : /^ {2}replicas: (\d+)/m.exec(doc)![1]];
  }));
}

describe('rollout.waves changed in code mid-rollout', () => {
  jest.setTimeout(300_000);
  const repo = new GitRepo(APP, 'waves-adv-');

  beforeAll(() => {
    repo.release({ image: 'nginx:1.0', waves: ['a', 'b', 'c'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1');
    for (const w of ['a', 'b', 'c']) expect(repo.cli('promote', 'dist/web', '--wave', w, '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    repo.commit('v1 complete');
    repo.release({ image: 'nginx:1.1', waves: ['a', 'b', 'c'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.1');
    expect(repo.cli('promote', 'dist/web', '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    repo.commit('a complete');
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    repo.commit('b canary');
    expect(stagesOf(repo)).toEqual({ a: 'complete', b: 'canary', c: 'hold' });
  });

  afterEach(() => {
    repo.git('checkout', '-q', '--', '.');
  });

  test.each([
    [['z', 'a', 'b', 'c'], 'rollout.waves ("z", "a", "b", "c") would put wave "a" (at stage "complete") after wave "z" (at "hold", short of its nextWaveAfter "complete")'],
    [['a', 'z', 'b', 'c'], 'rollout.waves ("a", "z", "b", "c") would put wave "b" (at stage "canary") after wave "z" (at "hold", short of its nextWaveAfter "complete")'],
    [['b', 'a', 'c'], 'rollout.waves ("b", "a", "c") would put wave "a" (at stage "complete") after wave "b" (at "canary", short of its nextWaveAfter "complete")'],
  ])('waves %j: the synth refuses and changes nothing', (waves, message) => {
    repo.release({ image: 'nginx:1.1', waves });
    const before = snapshot(repo);
    const synth = repo.synth();
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain(`${message}: a change of rollout.waves mid-rollout keeps the waves that have left the first stage in order: add a new wave after them, do not reorder them, do not raise a nextWaveAfter that the next wave has already passed; change rollout.waves back, or finish or abort the rollout first`);
    expect(snapshot(repo)).toBe(before);
    expect(stagesOf(repo)).toEqual({ a: 'complete', b: 'canary', c: 'hold' });
  });

  test('removing rollout.waves while the waves are apart is refused and changes nothing', () => {
    repo.release({ image: 'nginx:1.1', waves: null });
    const before = snapshot(repo);
    const synth = repo.synth();
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain('rollout.waves was removed while the waves of web are at different stages (a at "complete", b at "canary", c at "hold"): the one root kustomization.yaml would select "canary" for every cluster');
    expect(snapshot(repo)).toBe(before);
    expect(fs.existsSync(repo.path('dist/web/kustomization.yaml'))).toBe(false);
    for (const w of ['a', 'b', 'c']) expect(fs.existsSync(repo.path(`dist/web/clusters/${w}/kustomization.yaml`))).toBe(true);
  });

  test('a wave dropped mid-rollout is refused and changes nothing; one at the last stage may go', () => {
    repo.release({ image: 'nginx:1.1', waves: ['a', 'c'] });
    const before = snapshot(repo);
    const synth = repo.synth();
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain('rollout.waves no longer lists wave "b" of web, which is at stage "canary", between "hold" and "complete": its clusters would keep pods on both revisions with no root to promote or abort; remove a wave only at the first or the last stage (promote it to "complete" or abort first), or keep it');
    expect(snapshot(repo)).toBe(before);
    repo.release({ image: 'nginx:1.1', waves: ['b', 'c'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(stagesOf(repo)).toEqual({ b: 'canary', c: 'hold' });
    expect(fs.existsSync(repo.path('dist/web/clusters/a'))).toBe(false);
  });

  test('a wave added after the waves that started starts at the first stage', () => {
    repo.release({ image: 'nginx:1.1', waves: ['a', 'b', 'c', 'z'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(stagesOf(repo)).toEqual({ a: 'complete', b: 'canary', c: 'hold', z: 'hold' });
    expect(kustomize(repo, 'z')).toBe(kustomize(repo, 'c'));
    expect(kustomize(repo, 'z')).toContain('partition: 2147483647\n');
    repo.git('clean', '-qfd', 'dist');
  });
});

describe('verify: a new template and a wave moved by hand in one pull request', () => {
  jest.setTimeout(300_000);

  test('fails as a new rollout whose waves are apart, naming the wave, and passes once synth alone stages it', () => {
    const repo = new GitRepo(APP, 'waves-adv-verify-');
    repo.release({ image: 'nginx:1.0', waves: ['a', 'b'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    for (const w of ['a', 'b']) expect(repo.cli('promote', 'dist/web', '--wave', w, '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    repo.commit('v1 complete');
    repo.git('checkout', '-q', '-b', 'pr');
    repo.release({ image: 'nginx:1.1', waves: ['a', 'b'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.1');
    expect(repo.cli('verify', '--base', 'main', '--no-code-check').code).toBe(0);
    repo.edit('dist/web/clusters/a/kustomization.yaml', '- ../../stages/00-hold\n', '- ../../stages/01-canary\n');
    repo.commit('and a to the canary');
    const review = repo.cli('verify', '--base', 'main', '--json', '--no-code-check');
    expect(review.code).toBe(1);
    expect(JSON.parse(review.out).trees[0].checks[1]).toEqual({
      name: 'stage-move',
      ok: false,
      detail: 'dist/web: a new rollout of web moves every wave to "hold", but "a" is elsewhere: run cdk8s synth (or cdk8s-staged abort), which writes every wave\'s root',
    });
  });
});

describe('blue/green in waves: an abort after one wave completed', () => {
  jest.setTimeout(300_000);

  // A completed blue/green wave has scaled the stable colour to 0 (cleanup): an abort would point its
  // Service back at that colour in the commit that scales it up again, with no ready endpoint until the
  // stable pods start. So the abort is refused, from the tree, by a revert in code and in verify, and
  // the message says to roll forward.
  test('is refused, changes nothing, and says to roll forward', () => {
    const repo = new GitRepo(APP, 'waves-adv-bg-');
    repo.release({ shape: 'bg', image: 'nginx:1.0', waves: ['a', 'b'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1');
    repo.release({ shape: 'bg', image: 'nginx:1.1', waves: ['a', 'b'] });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.1');
    for (let i = 0; i < 4; i++) expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    repo.commit('a complete, b at preview');
    expect(stagesOf(repo)).toEqual({ a: 'cleanup', b: 'preview' });
    expect(built(repo, 'a')).toEqual({ 'Service/web': 'green', 'Service/web-preview': 'blue', 'Deployment/web-blue': '0', 'Deployment/web-green': '3' });
    const message = 'wave "a" of web is at "cleanup", where the stable colour is scaled to 0: an abort would switch its Service to a colour with no pods. Roll forward instead: promote every wave to "cleanup", then set the template in code back to the stable revision and run cdk8s synth, which starts a new rollout of it at the first stage';
    expect(repo.cli('abort', 'dist/web')).toEqual({ code: 1, out: '', err: `cdk8s-staged: abort: ${message}\n` });
    expect(repo.status()).toBe('');
    repo.release({ shape: 'bg', image: 'nginx:1.0', waves: ['a', 'b'] });
    const synth = repo.synth();
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain(`the template back at the stable revision: ${message}`);
    expect(repo.git('status', '--porcelain', 'dist', 'rollout-state')).toBe('');
  });
});
