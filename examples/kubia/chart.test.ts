import { Testing } from 'cdk8s';
import { KubiaChart, OLD_IMAGE } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';

describe('examples/kubia (seed 003)', () => {
  const chart = new KubiaChart(Testing.app(), 'kubia');
  const objects = Testing.synth(chart);
  const find = (kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);

  test('Service kubia: LoadBalancer, port 8000 -> 8080, selecting app=kubia (both tracks)', () => {
    expect(find('Service', 'kubia')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubia', labels: { app: 'kubia' } },
      spec: { type: 'LoadBalancer', selector: { app: 'kubia' }, ports: [{ port: 8000, targetPort: 8080 }] },
    });
  });

  test('Deployment kubia: 3 replicas, maxSurge 1, maxUnavailable 0, minReadySeconds 10, readiness GET / on 8080 every second', () => {
    const d = find('Deployment', 'kubia');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.minReadySeconds).toBe(10);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'kubia', track: 'stable' } });
    const c = d.spec.template.spec.containers[0];
    expect(c.name).toBe('nodejs');
    expect(c.image).toBe('luksa/kubia:v3');
    expect(c.readinessProbe).toEqual({ periodSeconds: 1, httpGet: { path: '/', port: 8080 } });
    expect(c.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(find('Deployment', 'kubia-canary').spec.replicas).toBe(0);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the image before was luksa/kubia:v1; stages hold -> canary -> percent-50 -> complete', () => {
    const before = Testing.synth(new KubiaChart(Testing.app(), 'kubia', OLD_IMAGE));
    expect(before.find(o => o.kind === 'Deployment').spec.template.spec.containers[0].image).toBe('luksa/kubia:v1');
    expect(chart.app.stageNames).toEqual(['hold', 'canary', 'percent-50', 'complete']);
  });
});
