import { Testing } from 'cdk8s';
import { WebChart } from './chart';
import { schemaProblems } from '../../test/support/k8s-schema';


const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

describe('examples/web (seed 001)', () => {
  const chart = new WebChart(Testing.app(), 'web');
  const objects = Testing.synth(chart);

  test('headless Service nginx, port 80 named web', () => {
    expect(objects.find(o => o.kind === 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nginx', labels: { app: 'nginx' } },
      spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80 }] },
    });
  });

  test('StatefulSet web: 2 replicas, nginx-slim:0.8, claim www 1Gi mounted at /usr/share/nginx/html, at hold', () => {
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
              image: 'registry.k8s.io/nginx-slim:0.8',
              ports: [{ name: 'web', containerPort: 80 }],
              volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
              securityContext: restricted,
            }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'www' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        }],
      },
    });
    expect(schemaProblems(objects)).toEqual([]);
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
