import { Testing } from 'cdk8s';
import { NginxCanaryChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';

describe('examples/nginx-canary (seed 002)', () => {
  const chart = new NginxCanaryChart(Testing.app(), 'nginx-canary');
  const objects = Testing.synth(chart);

  test('Service nginx-stateful-service and StatefulSet nginx-statefulset with container nginx-container', () => {
    expect(objects.find(o => o.kind === 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nginx-stateful-service', labels: { app: 'nginx-stateful' } },
      spec: { clusterIP: 'None', selector: { app: 'nginx-stateful' }, ports: [{ name: 'web-port', port: 80 }] },
    });
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.metadata).toEqual({ name: 'nginx-statefulset', labels: { app: 'nginx-stateful' } });
    expect(sts.spec.serviceName).toBe('nginx-stateful-service');
    expect(sts.spec.replicas).toBe(5);
    expect(sts.spec.template.spec.containers).toEqual([{ name: 'nginx-container', image: 'nginx:1.26.1', ports: [{ name: 'web-port', containerPort: 80 }] }]);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('stages hold -> partition 2 -> 1 -> 0, canary active', () => {
    expect(chart.app.stages!.map(s => [s.name, s.partition, s.updatedOrdinals])).toEqual([
      ['hold', 2147483647, []],
      ['canary', 2, [2, 3, 4]],
      ['widen', 1, [1, 2, 3, 4]],
      ['complete', 0, [0, 1, 2, 3, 4]],
    ]);
    expect(chart.app.activeStage).toBe('canary');
  });
});
