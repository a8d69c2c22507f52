import * as fs from 'fs';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { GitRepo } from '../../support/git-repo';

/**
 * The root line is the promotion: a hand edit of the one resources line of dist/web/kustomization.yaml
 * (a Git web editor, Kargo's yaml-update, Renovate) is the active stage for the CLI and the next synth.
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
  rollout: { plan: RolloutPlan.canary(), allowStageSkip: release.allowStageSkip, activeStage: release.pin },
});
app.synth();
`;

const ROOT = 'dist/web/kustomization.yaml';
const repo = new GitRepo(APP, 'root-edit-');

function selectRoot(from: string, to: string) {
  repo.edit(ROOT, `- stages/${from}\n`, `- stages/${to}\n`);
}

describe('a hand edit of the root line', () => {
  jest.setTimeout(180_000);

  beforeAll(() => {
    repo.release({ image: 'nginx:1.0' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(repo.cli('promote', 'dist/web', '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    repo.commit('v1 complete');
    repo.release({ image: 'nginx:1.1' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.1 at hold');
    expect(repo.json('dist/web/plan.json').activeStage).toBe('hold');
  });

  test('the CLI takes the root as the active stage; promote goes on from it', () => {
    selectRoot('00-hold', '01-canary');
    repo.commit('promote web to canary (web editor)');
    const dir = RolloutDirectory.open(repo.path('dist/web'));
    expect(dir.rootEdit).toEqual({ from: 'hold', to: 'canary', note: 'Promoted from hold to canary (partition 2147483647 -> 2): web-2 moves to candidate ' + repo.json('dist/web/plan.json').candidate.revision + '. Promoted by an edit of the root kustomization.yaml.' });
    const status = repo.cli('status', 'dist/web', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ activeStage: 'canary', activeDirectory: 'stages/01-canary', partition: 2, updatedPods: ['web-2'], nextStage: 'percent-50' });
    // plan.json still says hold until the next write
    expect(repo.json('dist/web/plan.json').activeStage).toBe('hold');

    const promoted = repo.cli('promote', 'dist/web');
    expect(promoted).toEqual({ code: 0, out: expect.stringContaining('Promoted from canary to percent-50 (partition 2 -> 1)'), err: '' });
    expect(repo.json('dist/web/plan.json').activeStage).toBe('percent-50');
    expect(repo.json('rollout-state/web.json').activeStage).toBe('percent-50');
    expect(repo.read(ROOT)).toContain('- stages/02-percent-50\n');
    expect(repo.cli('status', 'dist/web', '--json').out).toContain('"activeStage": "percent-50"');
    repo.commit('web to percent-50');
  });

  test('the next cdk8s synth keeps the edited root (read from git HEAD) and rewrites plan.json, PLAN.md and the state', () => {
    selectRoot('02-percent-50', '03-complete');
    repo.commit('promote web to complete (Kargo yaml-update)');
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(repo.read(ROOT)).toContain('- stages/03-complete\n');
    expect(repo.json('dist/web/plan.json')).toMatchObject({ activeStage: 'complete', notes: [expect.stringMatching(/^Promoted from percent-50 to complete \(partition 1 -> 0\): web-0 moves to candidate [0-9a-f]{10}\. Promoted by an edit of the root kustomization\.yaml\.$/)] });
    expect(repo.read('dist/web/PLAN.md')).toContain('Promoted by an edit of the root kustomization.yaml.');
    expect(repo.json('rollout-state/web.json').activeStage).toBe('complete');
    // a second synth changes nothing, and the tree is the one last written again
    repo.commit('synth after the edit');
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(repo.status()).toBe('');
    expect(RolloutDirectory.open(repo.path('dist/web')).rootEdit).toBeUndefined();
  });

  test('the code check of promote passes on a root-edited tree', () => {
    repo.release({ image: 'nginx:1.2' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.2 at hold');
    selectRoot('00-hold', '01-canary');
    repo.commit('edit to canary');
    expect(repo.cli('promote', 'dist/web')).toEqual({ code: 0, out: expect.stringContaining('Promoted from canary to percent-50'), err: '' });
    repo.commit('promote with the code check');
  });

  test.each([
    ['back', '02-percent-50', '01-canary', 'dist/web/kustomization.yaml moves web back from "percent-50" to "canary": a root edit may only move forward (lowering the partition); raising it never rolls a pod back; to go back, restore the line and use cdk8s-staged abort (or set the template in code back to the stable revision and run cdk8s synth)'],
    ['not a stage', '02-percent-50', '07-nope', 'dist/web/kustomization.yaml selects "stages/07-nope", which is not a stage directory of web: the one resources line must name one of "stages/00-hold", "stages/01-canary", "stages/02-percent-50", "stages/03-complete"'],
  ])('fails moving %s: the CLI and the synth refuse and leave the tree intact', (_what, from, to, message) => {
    selectRoot(from, to);
    repo.commit(`bad edit ${to}`);
    const before = repo.read(ROOT);
    expect(repo.cli('status', 'dist/web')).toEqual({ code: 1, out: '', err: `cdk8s-staged: ${message}\n` });
    const synth = repo.synth();
    expect(synth.status).not.toBe(0);
    expect(synth.stderr).toContain(message.replace('dist/web/kustomization.yaml', repo.path('dist/web/kustomization.yaml')));
    expect(repo.status()).toBe('');
    expect(repo.read(ROOT)).toBe(before);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
  });

  test('a skip is refused unless allowed: --allow-skip for the CLI, rollout.allowStageSkip for the synth', () => {
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    repo.commit('v1.2 complete');
    repo.release({ image: 'nginx:1.3' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('v1.3 at hold');
    selectRoot('00-hold', '02-percent-50');
    repo.commit('skip canary');
    expect(repo.cli('status', 'dist/web')).toEqual({ code: 1, out: '', err: 'cdk8s-staged: dist/web/kustomization.yaml moves web from "hold" to "percent-50" and skips "canary": move one stage at a time, or set --allow-skip to skip stages\n' });
    expect(JSON.parse(repo.cli('status', 'dist/web', '--allow-skip', '--json').out).activeStage).toBe('percent-50');
    const refused = repo.synth();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('skips "canary": move one stage at a time, or set rollout.allowStageSkip to skip stages');
    expect(repo.status()).toBe('');
    repo.release({ image: 'nginx:1.3', allowStageSkip: true });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    expect(repo.json('rollout-state/web.json').activeStage).toBe('percent-50');
    repo.commit('skip allowed in code');
  });

  test('a root edit on a stage pinned in code is refused', () => {
    repo.release({ image: 'nginx:1.3', pin: 'percent-50' });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('pinned');
    selectRoot('02-percent-50', '03-complete');
    expect(repo.cli('status', 'dist/web').err).toBe('cdk8s-staged: dist/web/kustomization.yaml selects "complete" but the active stage of web is pinned in code (rollout.activeStage = "percent-50"): restore the line, change the pin in code and run cdk8s synth\n');
    repo.git('checkout', '-q', '--', '.');
  });

  test('an edit beyond the root line stays refused, naming what changed', () => {
    repo.git('checkout', '-q', '--', '.');
    fs.writeFileSync(repo.path('dist/web/stages/01-canary/extra.yaml'), 'x: 1\n');
    const r = repo.cli('status', 'dist/web');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^cdk8s-staged: the tree in dist\/web is not the one last written \(its digest, with the root kustomization.yaml's stage line put back, is sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} in .*rollout-state\/web.json\): added stages\/01-canary\/extra.yaml: files were edited, added or removed by hand, and only the stage line of dist\/web\/kustomization.yaml may be; restore them from git or run cdk8s synth\n$/);
    fs.rmSync(repo.path('dist/web/stages/01-canary/extra.yaml'));
    repo.edit(ROOT, 'resources:', 'namePrefix: x-\nresources:');
    expect(repo.cli('status', 'dist/web').err).toBe('cdk8s-staged: dist/web/kustomization.yaml has fields other than the stage line (namePrefix): it may hold only apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization and resources with one stage directory; restore it from git or run cdk8s synth\n');
    repo.git('checkout', '-q', '--', '.');
  });
});
