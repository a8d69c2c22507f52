import { Testing } from 'cdk8s';
import { WebHpaChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';

describe('examples/web-hpa', () => {
  const chart = new WebHpaChart(Testing.app(), 'web-hpa');
  const objects = Testing.synth(chart);

  test('the StatefulSet has no spec.replicas, the plan counts 3 pods, the hold partition stays', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet')!;
    expect(sts.spec.replicas).toBeUndefined();
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
    expect(chart.app.replicas).toBe(3);
    expect(chart.app.stages!.map(s => [s.name, s.partition])).toEqual([['hold', 2147483647], ['canary', 2], ['percent-50', 1], ['complete', 0]]);
    expect(schemaProblems([sts])).toEqual([]);
  });

  test('the HPA scales the StatefulSet from 3 to 10 pods on CPU', () => {
    expect(objects.find(o => o.kind === 'HorizontalPodAutoscaler')).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web-hpa' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web-hpa' },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  });
});
