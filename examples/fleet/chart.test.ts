import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { FleetChart, WAVES } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';

const dist = path.join(__dirname, '..', '..', 'dist', 'shop');

describe('examples/fleet: one StatefulSet in three waves', () => {
  test('StatefulSet shop: 4 replicas, the new image, valid against the Kubernetes schema', () => {
    const objects = Testing.synth(new FleetChart(Testing.app(), 'fleet'));
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.replicas).toBe(4);
    expect(sts.spec.template.spec.containers[0].image).toBe('nginxinc/nginx-unprivileged:1.27.0');
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the committed tree: staging complete, prod-eu at the canary, prod-us at hold, each root building with kustomize', () => {
    expect(fs.existsSync(path.join(dist, 'kustomization.yaml'))).toBe(false);
    const plan = JSON.parse(fs.readFileSync(path.join(dist, 'plan.json'), 'utf-8'));
    expect(plan.waves.map((w: any) => [w.name, w.activeStage, w.nextWaveAfter])).toEqual([
      ['staging', 'complete', 'complete'], ['prod-eu', 'canary', 'canary'], ['prod-us', 'hold', 'complete'],
    ]);
    const partitions = WAVES.map(w => {
      const out = execFileSync('kubectl', ['kustomize', path.join(dist, 'clusters', w)], { encoding: 'utf-8' });
      return Number(/partition: (\d+)/.exec(out)![1]);
    });
    expect(partitions).toEqual([0, 3, 2147483647]);
  });
});
