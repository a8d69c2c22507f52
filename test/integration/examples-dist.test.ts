import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { replayHistory } from '../../examples/history';
import { buildExamples } from '../../examples/main';
import { byKindName, kustomizeBuild } from '../support/kustomize';
import { readTree, tempDir } from '../support/synth';

const repo = path.join(__dirname, '..', '..');
const committed = path.join(repo, 'dist');
const committedState = path.join(repo, 'rollout-state');

describe('the committed dist/ and rollout-state/', () => {
  test('dist/ equals a fresh synth of the examples, byte for byte', () => {
    const outdir = path.join(tempDir(), 'dist');
    buildExamples({ outdir, stateDirectory: committedState, readOnlyState: true, committedOutdir: committed }).synth();
    const fresh = readTree(outdir);
    expect(Object.keys(fresh).length).toBe(110);
    expect(readTree(committed)).toEqual(fresh);
  });

  test('a synth that writes state leaves the committed state files byte-identical', () => {
    const root = tempDir();
    fs.cpSync(committedState, path.join(root, 'rollout-state'), { recursive: true });
    buildExamples({ outdir: path.join(root, 'dist'), stateDirectory: path.join(root, 'rollout-state') }).synth();
    expect(readTree(path.join(root, 'rollout-state'))).toEqual(readTree(committedState));
    expect(Object.keys(readTree(committedState))).toEqual(['kubia-bg.json', 'kubia.json', 'myapp.json', 'nginx-statefulset.json', 'pg-keyvalue.json', 'sample.json', 'shop.json', 'web-hpa.json', 'web.json', 'zk.json']);
  });

  test('replaying the examples\' history gives the committed trees and states', () => {
    const root = tempDir();
    replayHistory(root);
    for (const app of ['nginx-statefulset', 'myapp', 'sample', 'kubia', 'kubia-bg', 'zk', 'pg-keyvalue', 'web-hpa']) {
      expect(readTree(path.join(root, 'dist', app))).toEqual(readTree(path.join(committed, app)));
      expect(fs.readFileSync(path.join(root, 'rollout-state', `${app}.json`), 'utf-8'))
        .toBe(fs.readFileSync(path.join(committedState, `${app}.json`), 'utf-8'));
    }
  });

  test.each([
    ['web', 2147483647, 'nginxinc/nginx-unprivileged:1.26.1'],
    ['nginx-statefulset', 2, 'nginxinc/nginx-unprivileged:1.26.1'],
    ['myapp', 2147483647, 'ikubernetes/myapp:v2'],
    ['sample', 3, 'alpine:3.18.0'],
    ['zk', 2147483647, 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10'],
    ['pg-keyvalue', 2147483647, 'docker.io/bitnami/redis:7.2.5-debian-12-r2'],
    ['web-hpa', 2147483647, 'nginxinc/nginx-unprivileged:1.26.1'],
  ])('dist/%s builds with kustomize at its active stage: partition %d, image %s', (dir, partition, image) => {
    const built = byKindName(kustomizeBuild(path.join(committed, dir)));
    const sts = Object.values(built).find((o: any) => o.kind === 'StatefulSet') as any;
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(partition);
    expect(sts.spec.template.spec.containers[0].image).toBe(image);
  });

  test.each([
    ['kubia', { 'Deployment/kubia': [2, 'luksa/kubia:v1'], 'Deployment/kubia-canary': [1, 'luksa/kubia:v3'] }, { app: 'kubia' }],
    ['kubia-bg', { 'Deployment/kubia-bg-blue': [3, 'luksa/kubia:v1'], 'Deployment/kubia-bg-green': [3, 'luksa/kubia:v2'] }, { app: 'kubia-bg', color: 'green' }],
  ])('dist/%s builds with kustomize at its active stage: replicas and images %j, Service selector %j', (dir, deployments, selector) => {
    const built = byKindName(kustomizeBuild(path.join(committed, dir)));
    for (const [key, [replicas, image]] of Object.entries(deployments)) {
      expect([key, built[key].spec.replicas, built[key].spec.template.spec.containers[0].image]).toEqual([key, replicas, image]);
    }
    expect(built[`Service/${dir}`].spec.selector).toEqual(selector);
  });
});

/**
 * examples/run.js, the app `cdk8s synth` runs (cdk8s.yaml), on a copy of the project: against the compiled
 * lib/ when it is newer than every file of src/, else against src/ with a note on stderr; both give the
 * committed dist/ byte for byte. The modules each run loaded are read from `require.cache` at exit.
 */
describe('examples/run.js', () => {
  let project = '';
  let hook = '';
  let libIndex = '';
  beforeAll(() => {
    project = tempDir('staged-run-');
    for (const entry of ['src', 'lib', 'examples', 'dist', 'rollout-state', 'tsconfig.dev.json', 'package.json']) {
      fs.cpSync(path.join(repo, entry), path.join(project, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'));
    hook = path.join(project, 'loaded-hook.js');
    fs.writeFileSync(hook, 'process.on("exit", () => require("fs").writeFileSync(process.env.LOADED_OUT, JSON.stringify(Object.keys(require.cache))));\n');
    libIndex = path.join(project, 'lib', 'index.js');
  });

  /** Run the app as `cdk8s synth` does (CDK8S_OUTDIR), reading the committed state only. */
  function synth(outdir: string) {
    const loadedFile = path.join(project, `${path.basename(outdir)}-loaded.json`);
    const run = spawnSync(process.execPath, ['--require', hook, 'examples/run.js'], {
      cwd: project,
      encoding: 'utf-8',
      env: {
        ...process.env,
        CDK8S_OUTDIR: outdir,
        CDK8S_STAGED_READ_ONLY_STATE: '1',
        CDK8S_STAGED_COMMITTED_OUTDIR: path.join(project, 'dist'),
        LOADED_OUT: loadedFile,
      },
    });
    const loaded: string[] = JSON.parse(fs.readFileSync(loadedFile, 'utf-8'));
    const ours = (dir: string, ext: string) => loaded.filter(f => f.startsWith(path.join(project, dir) + path.sep) && f.endsWith(ext)).length;
    return { status: run.status, stderr: run.stderr, libModules: ours('lib', '.js'), srcModules: ours('src', '.ts') };
  }

  test('lib/ newer than src/: the examples run against lib/, no note, the committed dist/', () => {
    const later = new Date(Date.now() + 3600_000);
    fs.utimesSync(libIndex, later, later);
    const outdir = path.join(project, 'out-lib');
    const run = synth(outdir);
    expect([run.status, run.stderr, run.srcModules]).toEqual([0, '', 0]);
    expect(run.libModules).toBeGreaterThan(40);
    expect(readTree(outdir)).toEqual(readTree(committed));
  });

  test('a file of src/ newer than lib/: the examples run against src/, with a note, the same dist/', () => {
    const earlier = new Date(Date.now() - 3600_000);
    fs.utimesSync(libIndex, earlier, earlier);
    const outdir = path.join(project, 'out-src');
    const run = synth(outdir);
    expect([run.status, run.stderr, run.libModules]).toEqual([0, 'examples/run.js: lib/ is missing or older than src/, running the examples against src/ (npx projen compile builds lib/)\n', 0]);
    expect(run.srcModules).toBeGreaterThan(40);
    expect(readTree(outdir)).toEqual(readTree(committed));
  });

  test('lib/ missing: the examples run against src/, with the note', () => {
    fs.rmSync(path.join(project, 'lib'), { recursive: true });
    const outdir = path.join(project, 'out-nolib');
    const run = synth(outdir);
    expect([run.status, run.libModules]).toEqual([0, 0]);
    expect(run.stderr).toMatch(/^examples\/run\.js: lib\/ is missing or older than src\//);
    expect(readTree(outdir)).toEqual(readTree(committed));
  });
});
