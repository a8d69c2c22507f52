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
