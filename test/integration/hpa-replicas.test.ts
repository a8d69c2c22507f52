import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan, StageSize, StatefulSetBackend } from '../../src';
import { crdProblems } from '../support/crd-schema';
import { byKindName, kustomizeBuild } from '../support/kustomize';
import { stagedApp } from '../support/synth';

const containers = [{ name: 'web', image: 'nginx:1.27' }];

describe('an HPA-owned StatefulSet through the real kustomize', () => {
  test.each([
    ['apps/v1', undefined, [2147483647, 3, 1, 0]],
    // Kruise's partition is the number of pods kept on the old revision
    ['apps.kruise.io/v1beta1', StatefulSetBackend.kruise({}), [2147483647, 3, 1, 0]],
  ])('%s: every stage builds without spec.replicas, at its planned partition', (apiVersion, backend, partitions) => {
    const { app, outdir } = stagedApp({
      name: 'web',
      replicas: 4,
      containers,
      replicasManagedByHpa: true,
      backend,
      rollout: { plan: RolloutPlan.canary({ canary: StageSize.pods(1), steps: [StageSize.percent(75)] }) },
    });
    app.synth();
    const dir = path.join(outdir, 'web');
    const stages = fs.readdirSync(path.join(dir, 'stages')).sort();
    expect(stages.length).toBe(partitions.length);
    stages.forEach((stage, i) => {
      const sts = byKindName(kustomizeBuild(path.join(dir, 'stages', stage)))['StatefulSet/web'];
      expect([stage, sts.apiVersion, sts.spec.replicas, sts.spec.updateStrategy.rollingUpdate.partition]).toEqual([stage, apiVersion, undefined, partitions[i]]);
      if (backend !== undefined) expect(crdProblems(sts)).toEqual([]);
    });
    // the root builds the hold
    expect(byKindName(kustomizeBuild(dir))['StatefulSet/web'].spec.updateStrategy.rollingUpdate.partition).toBe(2147483647);
  });
});
