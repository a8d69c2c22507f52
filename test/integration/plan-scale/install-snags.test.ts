import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { RolloutPlan, StagedApp, StatefulApp } from '../../../src';
import { gitIgnoredWarning, gitIgnoreRule } from '../../../src/io/git-ignore';
import { GitRepo } from '../../support/git-repo';
import { tempDir } from '../../support/synth';

const repoRoot = path.join(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf-8');

/** A git repository (no commit) whose .gitignore is `ignore`. */
function repoWithIgnore(ignore: string): string {
  const root = tempDir('ignore-');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  fs.writeFileSync(path.join(root, '.gitignore'), ignore);
  return root;
}

/** The line a synth writes to stderr for the warning ('' when none). */
function synthStderr(outdir: string, stateDirectory: string): string {
  const app = new StagedApp({ outdir, stateDirectory });
  new StatefulApp(new Chart(app, 'c'), 'web', {
    replicas: 2,
    selectorLabels: { app: 'web' },
    service: { name: 'web' },
    containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.26.1' }],
    rollout: { plan: RolloutPlan.canary() },
  });
  let err = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { err += String(chunk); return true; });
  try {
    app.synth();
  } finally {
    spy.mockRestore();
  }
  return err;
}

const hint = 'un-ignore it in .gitignore (cdk8s init\'s template ignores dist/) and commit it, or reviewers see no change and a refused synth cannot restore it from git';

describe('synth warns when git ignores what it writes', () => {
  test('cdk8s init\'s .gitignore: dist/ is ignored, before and after it exists; the synth still writes', () => {
    const root = repoWithIgnore('*.d.ts\n*.js\n!jest.config.js\nnode_modules\ndist/\n');
    const outdir = path.join(root, 'dist');
    expect(gitIgnoreRule(outdir)).toEqual({ directory: outdir, source: '.gitignore:5', pattern: 'dist/' });
    expect(synthStderr(outdir, path.join(root, 'rollout-state'))).toBe(`warning: git ignores the output directory ${outdir} (.gitignore:5 "dist/"): ${hint}\n`);
    expect(fs.existsSync(path.join(outdir, 'web', 'PLAN.md'))).toBe(true);
    expect(gitIgnoreRule(outdir)).toEqual({ directory: outdir, source: '.gitignore:5', pattern: 'dist/' });
  });

  test('both directories ignored: one line names both', () => {
    const root = repoWithIgnore('dist\nrollout-*/\n');
    const outdir = path.join(root, 'dist');
    const state = path.join(root, 'rollout-state');
    expect(synthStderr(outdir, state)).toBe(
      `warning: git ignores the output directory ${outdir} (.gitignore:1 "dist") and state directory ${state} (.gitignore:2 "rollout-*/"): `
      + 'un-ignore them in .gitignore (cdk8s init\'s template ignores dist/) and commit them, or reviewers see no change and a refused synth cannot restore them from git\n');
  });

  test.each([
    ['un-ignored with !dist/', 'dist/\n!dist/\n'],
    ['not ignored', 'node_modules\n'],
    ['only files inside ignored', 'dist/*.tmp\n'],
  ])('no warning: %s', (_name, ignore) => {
    const root = repoWithIgnore(ignore);
    expect(synthStderr(path.join(root, 'dist'), path.join(root, 'rollout-state'))).toBe('');
    expect(gitIgnoredWarning({ 'output directory': path.join(root, 'dist') })).toBeUndefined();
  });

  test('no warning outside a git repository, or for a directory outside the work tree', () => {
    const outside = tempDir('no-git-');
    expect(synthStderr(path.join(outside, 'dist'), path.join(outside, 'rollout-state'))).toBe('');
    const root = repoWithIgnore('dist/\n');
    expect(gitIgnoreRule(root)).toBeUndefined();
    expect(gitIgnoreRule(path.join(root, '..', 'dist'))).toBeUndefined();
  });

  test('a nested .gitignore is named with its path', () => {
    const root = repoWithIgnore('');
    fs.mkdirSync(path.join(root, 'deploy'));
    fs.writeFileSync(path.join(root, 'deploy', '.gitignore'), '/out/\n');
    expect(gitIgnoreRule(path.join(root, 'deploy', 'out'))).toEqual({ directory: path.join(root, 'deploy', 'out'), source: 'deploy/.gitignore:1', pattern: '/out/' });
  });
});

/** The TypeScript block that follows `heading` in the README, importing from this repository's src. */
function readmeBlock(heading: string): string {
  const at = readme.indexOf(`${heading}\n`);
  expect(at).toBeGreaterThanOrEqual(0);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))!;
  expect(m.index).toBeLessThan(200);
  return m[1].split('\'cdk8s-staged-rollout\'').join('SRC');
}

describe('the README\'s programs run with the real cdk8s synth', () => {
  test('Quick start: a non-root image on 8080 behind port 80, and the tree it describes', () => {
    const repo = new GitRepo(readmeBlock('## Quick start'), 'readme-quick-');
    const run = repo.synth();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readdirSync(repo.path('dist', 'web')).sort()).toEqual(['PLAN.md', 'base', 'kustomization.yaml', 'plan.json', 'stages']);
    expect(fs.readdirSync(repo.path('dist', 'web', 'stages'))).toEqual(['00-hold', '01-canary', '02-percent-50', '03-complete']);
    const sts = repo.read('dist', 'web', 'base', 'statefulset-web.yaml');
    expect(sts).toContain('image: nginxinc/nginx-unprivileged:1.26.1');
    expect(sts).toContain('runAsNonRoot: true');
    expect(sts).toContain('containerPort: 8080');
    expect(sts).toContain('fsGroup: 101');
    const service = repo.read('dist', 'web', 'base', 'service-nginx.yaml');
    expect(service).toContain('port: 80\n');
    expect(service).toContain('targetPort: web\n');
    expect(readme).not.toContain('nginx-slim');
  });

  test('in a project with cdk8s init\'s .gitignore, cdk8s synth prints the warning and succeeds', () => {
    const repo = new GitRepo(readmeBlock('## Quick start'), 'readme-ignored-');
    repo.write('.gitignore', fs.readFileSync(path.join(repoRoot, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', '{{}}.gitignore'), 'utf-8'));
    const run = repo.synth();
    // cdk8s synth runs the app in the project: the directory is shown relative to it
    expect(run.stderr).toBe(`warning: git ignores the output directory dist (.gitignore:5 "dist/"): ${hint}\n`);
    expect(run.status).toBe(0);
    expect(fs.existsSync(repo.path('dist', 'web', 'PLAN.md'))).toBe(true);
  });

  test('Argo CD and Flux wiring: distinct ids, the objects named by name:, dist/gitops.k8s.yaml', () => {
    const repo = new GitRepo(readmeBlock('### Argo CD and Flux wiring'), 'readme-gitops-');
    const run = repo.synth();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const docs = repo.read('dist', 'gitops.k8s.yaml').split(/^---$/m).map(d => d.trim()).filter(d => d !== '');
    const head = (d: string) => [/^kind: (.*)$/m.exec(d)![1], /^ {2}name: (.*)$/m.exec(d)![1]];
    expect(docs.map(head)).toEqual([['Application', 'web'], ['ApplicationSet', 'web-fleet'], ['Kustomization', 'web']]);
    expect(docs.map(d => /^ +path: (.*)$/m.exec(d)![1])).toEqual(['dist/web', 'dist/web', './dist/web']);
    expect(docs[2]).toContain('healthChecks:\n    - apiVersion: apps/v1\n      kind: StatefulSet\n      name: web\n');
  });

  test('the snippet as it was, with a reused id, fails: the test would catch it', () => {
    const block = readmeBlock('### Argo CD and Flux wiring').replace('\'flux\'', '\'argocd\'');
    const repo = new GitRepo(block, 'readme-reused-');
    const run = repo.synth();
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('There is already a Construct with name \'argocd\' in Chart [gitops]');
  });
});
