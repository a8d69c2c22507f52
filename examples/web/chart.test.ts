import { Testing } from 'cdk8s';
import { WebChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';
import { podSecurityViolations } from '../../test/support/pod-security';


const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

describe('examples/web (seed 001)', () => {
  const chart = new WebChart(Testing.app(), 'web');
  const objects = Testing.synth(chart);

  test('headless Service nginx, port 80 named web, to the container port named web', () => {
    expect(objects.find(o => o.kind === 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nginx', labels: { app: 'nginx' } },
      spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80, targetPort: 'web' }] },
    });
  });

  test('StatefulSet web: 2 replicas, non-root nginx on 8080 with fsGroup 101, claim www 1Gi (typed) mounted at /usr/share/nginx/html, at hold', () => {
    expect(objects.find(o => o.kind === 'StatefulSet')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', labels: { app: 'nginx' } },
      spec: {
        serviceName: 'nginx',
        replicas: 2,
        selector: { matchLabels: { app: 'nginx' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            containers: [{
              name: 'nginx',
              image: 'nginxinc/nginx-unprivileged:1.26.1',
              ports: [{ name: 'web', containerPort: 8080 }],
              volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
              securityContext: restricted,
            }],
            securityContext: { fsGroup: 101 },
          },
        },
        volumeClaimTemplates: [{
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'www' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        }],
      },
    });
    expect(schemaProblems(objects)).toEqual([]);
    expect(podSecurityViolations(objects.find(o => o.kind === 'StatefulSet').spec.template)).toEqual([]);
  });

  test('the canary plan of 2 replicas: hold, 1 pod (web-1), complete', () => {
    expect(chart.app.stages!.map(s => [s.directory, s.partition, s.updatedOrdinals])).toEqual([
      ['stages/00-hold', 2147483647, []],
      ['stages/01-canary', 1, [1]],
      ['stages/02-complete', 0, [0, 1]],
    ]);
    expect(chart.app.pinnedStage).toBeUndefined();
  });
});
