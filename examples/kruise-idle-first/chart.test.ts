import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { KruiseIdleFirstChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';


const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

describe('examples/kruise-idle-first (seed 004)', () => {
  const chart = new KruiseIdleFirstChart(Testing.app(), 'kruise-idle-first');
  const objects = Testing.synth(chart);

  test('the Advanced StatefulSet of the seed: 5 replicas, Parallel, weights 30 and 50, sleep 3600', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(sts.metadata.name).toBe('sample');
    expect(sts.spec.replicas).toBe(5);
    expect(sts.spec.serviceName).toBe('fake-service');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.template.metadata.labels).toEqual({ app: 'sample', working: 'false' });
    expect(sts.spec.template.spec.readinessGates).toEqual([{ conditionType: 'InPlaceUpdateReady' }]);
    expect(sts.spec.template.spec.containers).toEqual([{ name: 'main', image: 'alpine:3.18.0', command: ['sleep', '3600'], securityContext: { ...restricted, runAsUser: 65534 } }]);
    expect(sts.spec.updateStrategy.rollingUpdate.unorderedUpdate).toEqual({
      priorityStrategy: {
        weightPriority: [
          { weight: 30, matchSelector: { matchLabels: { working: 'true' } } },
          { weight: 50, matchSelector: { matchLabels: { working: 'false' } } },
        ],
      },
    });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the idle stage is partition 3 and updates pods 1 and 3 first, as the seed observed', () => {
    expect(chart.app.stages!.map(s => [s.name, s.partition, s.updatedOrdinals])).toEqual([
      ['hold', 2147483647, []],
      ['idle', 3, [1, 3]],
      ['complete', 0, [0, 1, 2, 3, 4]],
    ]);
  });

  test('the committed PLAN.md shows sample-1 and sample-3 on the new image at the active idle stage', () => {
    const planMd = fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'sample', 'PLAN.md'), 'utf-8');
    expect(planMd).toContain('| **▶ 01-idle** (active) | 3 | old | **new** | old | **new** | old |');
    expect(planMd).toMatch(/\n- old = stable revision: `[0-9a-f]{10}` \(`main` = `alpine:3\.18\.2`\)\n/);
    expect(planMd).toMatch(/\n- new = candidate revision: `[0-9a-f]{10}` \(`main` = `alpine:3\.18\.0`\)\n/);
  });
});
