import { Testing } from 'cdk8s';
import { NginxCanaryChart, OLD_IMAGE } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';
import { podSecurityViolations } from '../../test/support/pod-security';


const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

describe('examples/nginx-canary (seed 002)', () => {
  const chart = new NginxCanaryChart(Testing.app(), 'nginx-canary');
  const objects = Testing.synth(chart);

  test('Service nginx-stateful-service and StatefulSet nginx-statefulset with container nginx-container', () => {
    expect(objects.find(o => o.kind === 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nginx-stateful-service', labels: { app: 'nginx-stateful' } },
      spec: { clusterIP: 'None', selector: { app: 'nginx-stateful' }, ports: [{ name: 'web-port', port: 80, targetPort: 'web-port' }] },
    });
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.metadata).toEqual({ name: 'nginx-statefulset', labels: { app: 'nginx-stateful' } });
    expect(sts.spec.serviceName).toBe('nginx-stateful-service');
    expect(sts.spec.replicas).toBe(5);
    expect(sts.spec.template.spec.containers).toEqual([{ name: 'nginx-container', image: 'nginxinc/nginx-unprivileged:1.26.1', ports: [{ name: 'web-port', containerPort: 8080 }], securityContext: restricted }]);
    expect(podSecurityViolations(sts.spec.template)).toEqual([]);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the image before the canary was nginx 1.25.4, its non-root build', () => {
    const before = Testing.synth(new NginxCanaryChart(Testing.app(), 'nginx-canary', OLD_IMAGE));
    expect(before.find(o => o.kind === 'StatefulSet').spec.template.spec.containers[0].image).toBe('nginxinc/nginx-unprivileged:1.25.4');
  });

  test('stages hold -> partition 2 -> 1 -> 0, not pinned in code', () => {
    expect(chart.app.stages!.map(s => [s.name, s.partition, s.updatedOrdinals])).toEqual([
      ['hold', 2147483647, []],
      ['canary', 2, [2, 3, 4]],
      ['widen', 1, [1, 2, 3, 4]],
      ['complete', 0, [0, 1, 2, 3, 4]],
    ]);
    expect(chart.app.pinnedStage).toBeUndefined();
  });
});
