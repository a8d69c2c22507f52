import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { RolloutDirectory } from '../../../src/app/rollout-directory';
import { GitRepo } from '../../support/git-repo';

/**
 * `cdk8s-staged verify --base REV` between two commits of a temporary repository: a base on main and a
 * pull request branch, as a CI job runs it. Two rollouts, web and api: a change that touches one tree
 * reads (and code-checks) only that one.
 */
const APP = `
import * as fs from 'fs';
import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from SRC;

const release = JSON.parse(fs.readFileSync('release.json', 'utf-8'));
const app = new StagedApp();
for (const name of ['web', 'api']) {
  const chart = new Chart(app, name);
  new StatefulApp(chart, name, {
    replicas: 3,
    selectorLabels: { app: name, ...(release.selector?.[name] ?? {}) },
    service: { name },
    containers: [{ name: 'main', image: release.images[name] }],
    rollout: { plan: RolloutPlan.canary(), allowRecreate: release.allowRecreate },
  });
}
app.synth();
`;

const repo = new GitRepo(APP, 'verify-');

function verify(...args: string[]) {
  return repo.cli('verify', '--base', 'main', ...args);
}

function report(...args: string[]): any {
  const r = verify('--json', ...args);
  return { code: r.code, ...JSON.parse(r.out) };
}

function branch(name: string) {
  repo.git('checkout', '-q', 'main');
  repo.git('checkout', '-q', '-B', name);
}

describe('verify a pull request', () => {
  jest.setTimeout(240_000);

  beforeAll(() => {
    repo.release({ images: { web: 'nginx:1.0', api: 'api:1.0' } });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    for (const app of ['web', 'api']) expect(repo.cli('promote', `dist/${app}`, '--to', 'complete', '--force', '--no-code-check').code).toBe(0);
    repo.commit('v1 complete');
    repo.release({ images: { web: 'nginx:1.1', api: 'api:1.0' } });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('web v1.1 at hold');
  });

  test('a one-line promotion passes, and only the tree it touches is read', () => {
    branch('promote-web');
    repo.edit('dist/web/kustomization.yaml', '- stages/00-hold\n', '- stages/01-canary\n');
    repo.commit('promote web to canary');
    const r = verify();
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      `cdk8s-staged verify: 1 rollout tree changed since main (${repo.git('merge-base', 'main', 'HEAD').trim().slice(0, 12)}), all pass`,
      '',
      'PASS dist/web: hold -> canary',
      '  ok   hand-edits: only the root line: it selects "canary" (the state file says "hold")',
      '  ok   stage-move: "hold" -> "canary": a promotion by one stage',
      '  ok   immutable: no immutable field changes',
      '  ok   code: the tree is the one the code renders',
      '',
    ].join('\n'));
    expect(report()).toMatchObject({ code: 0, base: 'main', exitCode: 0, trees: [{ directory: 'dist/web', from: 'hold', to: 'canary', ok: true }] });
  });

  test('a promotion with the CLI passes; the same, uncommitted, in the working tree too', () => {
    branch('cli-promote');
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    expect(report('--no-code-check')).toMatchObject({ code: 0, trees: [{ directory: 'dist/web', from: 'hold', to: 'canary', ok: true, checks: [{ name: 'hand-edits', ok: true, detail: 'none: the tree is the one last written' }, { name: 'stage-move', ok: true }, { name: 'immutable', ok: true }] }] });
    repo.commit('promote with the CLI');
    expect(verify('--no-code-check').code).toBe(0);
  });

  test.each([
    ['skips a stage', '- stages/00-hold\n', '- stages/02-percent-50\n', 'stage-move', 'dist/web: the active stage of web moves from "hold" to "percent-50" and skips "canary": move one stage at a time, or pass --allow-skip'],
  ])('fails when the root %s, unless allowed', (_what, from, to, check, detail) => {
    branch('skip');
    repo.edit('dist/web/kustomization.yaml', from, to);
    repo.commit('skip');
    const r = report('--no-code-check');
    expect(r.code).toBe(1);
    expect(r.trees[0].checks.find((c: any) => c.name === check)).toEqual({ name: check, ok: false, detail });
    expect(report('--no-code-check', '--allow-skip')).toMatchObject({ code: 0, trees: [{ checks: [{ name: 'hand-edits', ok: true }, { name: 'stage-move', ok: true, detail: '"hold" -> "percent-50": a promotion that skips "canary" (allowed by --allow-skip)' }, { name: 'immutable', ok: true }] }] });
  });

  test('a move back is refused with the word that abort must be used; an abort passes', () => {
    repo.git('checkout', '-q', 'main');
    expect(repo.cli('promote', 'dist/web', '--no-code-check').code).toBe(0);
    repo.commit('web to canary on main');
    branch('back');
    // a move back with the same candidate: hold again, from a "fixed" state file and tree
    expect(repo.synth().status).toBe(0);
    const state = repo.json('rollout-state/web.json');
    const plan = repo.json('dist/web/plan.json');
    const dir = RolloutDirectory.open(repo.path('dist/web'));
    expect(dir.status().activeStage).toBe('canary');
    repo.write('rollout-state/web.json', JSON.stringify({ ...state, activeStage: 'hold' }, undefined, 2) + '\n');
    repo.write('dist/web/plan.json', JSON.stringify({ ...plan, activeStage: 'hold' }, undefined, 2) + '\n');
    repo.edit('dist/web/kustomization.yaml', '- stages/01-canary\n', '- stages/00-hold\n');
    const refused = report('--no-code-check');
    expect(refused.code).toBe(1);
    // the tree is no longer the one last written: its digest says so
    expect(refused.trees[0].checks).toEqual([{ name: 'hand-edits', ok: false, detail: expect.stringContaining('the tree in dist/web is not the one last written') }]);
    repo.git('checkout', '-q', '--', '.');

    // back by the root line alone: refused as a hand edit that moves back
    repo.edit('dist/web/kustomization.yaml', '- stages/01-canary\n', '- stages/00-hold\n');
    const back = report('--no-code-check');
    expect(back.trees[0].checks[0]).toEqual({ name: 'hand-edits', ok: false, detail: 'dist/web/kustomization.yaml moves web back from "canary" to "hold": a root edit may only move forward (lowering the partition); raising it never rolls a pod back; to go back, restore the line and use cdk8s-staged abort (or set the template in code back to the stable revision and run cdk8s synth)' });
    repo.git('checkout', '-q', '--', '.');

    expect(repo.cli('abort', 'dist/web').code).toBe(0);
    repo.commit('abort web');
    expect(report('--no-code-check')).toMatchObject({ code: 0, trees: [{ from: 'canary', to: 'complete', checks: [{ name: 'hand-edits', ok: true }, { name: 'stage-move', ok: true, detail: expect.stringMatching(/^"canary" -> "complete": an abort back to the stable template [0-9a-f]{10}$/) }, { name: 'immutable', ok: true }] }] });
  });

  test('an immutable field change fails unless --allow-recreate; an edit of a stage fails', () => {
    branch('recreate');
    repo.release({ images: { web: 'nginx:1.1', api: 'api:1.0' }, selector: { api: { tier: 'backend' } }, allowRecreate: true });
    expect(repo.synth()).toEqual({ status: 0, stderr: '' });
    repo.commit('api selector');
    const r = report();
    expect(r.code).toBe(1);
    const api = r.trees.find((t: any) => t.directory === 'dist/api');
    expect(api.checks.find((c: any) => c.name === 'immutable')).toEqual({ name: 'immutable', ok: false, detail: expect.stringMatching(/^dist\/api: spec\.selector, spec\.template\.metadata\.labels of StatefulSet "api" changed: .*pass --allow-recreate$|^dist\/api: spec\.selector of StatefulSet "api" changed: .*pass --allow-recreate$/) });
    expect(api.checks.find((c: any) => c.name === 'code')).toEqual({ name: 'code', ok: true, detail: 'the tree is the one the code renders' });
    expect(report('--allow-recreate').code).toBe(0);

    const stage = 'dist/web/stages/01-canary/kustomization.yaml';
    const text = repo.read(stage);
    repo.write(stage, text.replace('value: 2', 'value: 0'));
    const edited = report('--allow-recreate', '--no-code-check');
    expect(edited.code).toBe(1);
    expect(edited.trees.find((t: any) => t.directory === 'dist/web').checks).toEqual([{ name: 'hand-edits', ok: false, detail: expect.stringMatching(/^the tree in dist\/web is not the one last written .*only the stage line of dist\/web\/kustomization.yaml may be;/) }]);
    repo.git('checkout', '-q', '--', '.');
  });

  test('a tree stale against the code fails the code check; bad usage exits 2', () => {
    branch('stale');
    repo.release({ images: { web: 'nginx:1.1', api: 'api:2.0' } });
    // the code changes but the tree is not synthesized: the change touches only release.json, no tree
    repo.commit('code only');
    expect(report()).toMatchObject({ code: 0, trees: [] });
    // touch the api tree (a root edit) without synthesizing: its code check now runs and fails
    repo.edit('dist/api/kustomization.yaml', '- stages/03-complete\n', '- stages/03-complete\n# reviewed\n');
    const r = report();
    expect(r.code).toBe(1);
    expect(r.trees[0].checks.find((c: any) => c.name === 'code')).toEqual({ name: 'code', ok: false, detail: 'the tree is stale against the code: cdk8s synth would change PLAN.md, base/statefulset-api.yaml, kustomization.yaml, plan.json; run cdk8s synth, review and commit' });
    repo.git('checkout', '-q', '--', '.');
    expect(repo.cli('verify', '--base', 'no-such-branch')).toEqual({ code: 2, out: '', err: `cdk8s-staged: --base ("no-such-branch") names no commit of the repository ${fs.realpathSync(repo.root)}: fetch it first (in GitHub Actions, actions/checkout with fetch-depth: 0)\n` });
    expect(repo.cli('verify').code).toBe(2);
    expect(repo.cli('verify', '--base', 'main', 'a', 'b').code).toBe(2);
  });
});

describe('the GitHub Actions workflow', () => {
  test('is valid YAML and runs the verify command on pull requests', () => {
    const file = path.join(__dirname, '..', '..', '..', 'examples', 'github-actions', 'verify.yml');
    const workflow = parse(fs.readFileSync(file, 'utf-8'));
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const steps = workflow.jobs.verify.steps;
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    const run = steps.map((s: any) => s.run ?? '').join('\n');
    expect(run).toContain('npx cdk8s-staged verify --base "origin/${{ github.base_ref }}"');
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf-8');
    expect(readme).toContain(fs.readFileSync(file, 'utf-8').trim());
  });
});
