import * as path from 'path';
import { Testing } from 'cdk8s';
import { IMAGE, START_COMMAND, ZooKeeperChart } from './chart';
import { byKindName, kustomizeBuild } from '../../test/support/kustomize';
import { schemaProblems } from '../../test/support/k8s-schema';

const committed = path.join(__dirname, '..', '..', 'dist', 'zk');
const selector = { 'app.kubernetes.io/name': 'zk' };

describe('examples/zookeeper (the Kubernetes ZooKeeper tutorial)', () => {
  const chart = new ZooKeeperChart(Testing.app(), 'zookeeper');
  const objects = Testing.synth(chart);
  const byName = byKindName(objects);

  test('the four objects of the tutorial, in its order, valid against the schema', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/zk-hs', 'Service/zk-cs', 'PodDisruptionBudget/zk-pdb', 'StatefulSet/zk']);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('zk-hs headless, zk-cs client, zk-pdb maxUnavailable 1, as published', () => {
    expect(byName['Service/zk-hs']).toEqual({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'zk-hs', labels: selector },
      spec: { clusterIP: 'None', selector, ports: [{ name: 'server', port: 2888 }, { name: 'leader-election', port: 3888 }] },
    });
    expect(byName['Service/zk-cs']).toEqual({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'zk-cs', labels: selector },
      spec: { selector, ports: [{ name: 'client', port: 2181 }] },
    });
    expect(byName['PodDisruptionBudget/zk-pdb']).toEqual({
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'zk-pdb' },
      spec: { selector: { matchLabels: selector }, maxUnavailable: 1 },
    });
  });

  test('StatefulSet zk: the tutorial\'s fields, at hold', () => {
    const sts = byName['StatefulSet/zk'];
    expect(sts.metadata).toEqual({ name: 'zk' });
    expect([sts.spec.serviceName, sts.spec.replicas, sts.spec.podManagementPolicy, sts.spec.selector]).toEqual(['zk-hs', 3, 'OrderedReady', { matchLabels: selector }]);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsUser: 1000, fsGroup: 1000 });
    const c = pod.containers[0];
    expect([c.name, c.image, c.imagePullPolicy]).toEqual(['kubernetes-zookeeper', IMAGE, 'Always']);
    expect(c.command).toEqual(['sh', '-c', START_COMMAND]);
    expect(c.resources).toEqual({ requests: { memory: '1Gi', cpu: '0.5' } });
    expect(c.ports).toEqual([{ containerPort: 2181, name: 'client' }, { containerPort: 2888, name: 'server' }, { containerPort: 3888, name: 'leader-election' }]);
    const probe = { exec: { command: ['sh', '-c', 'zookeeper-ready 2181'] }, initialDelaySeconds: 10, timeoutSeconds: 5 };
    expect([c.readinessProbe, c.livenessProbe]).toEqual([probe, probe]);
    expect(c.volumeMounts).toEqual([{ name: 'datadir', mountPath: '/var/lib/zookeeper' }]);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('datadir');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
  });

  test('one server a stage: hold, zk-2, zk-1, complete', () => {
    expect(chart.app.stages!.map(s => [s.directory, s.partition, s.updatedOrdinals])).toEqual([
      ['stages/00-hold', 2147483647, []],
      ['stages/01-pods-1', 2, [2]],
      ['stages/02-pods-2', 1, [1, 2]],
      ['stages/03-complete', 0, [0, 1, 2]],
    ]);
  });

  test('the PodDisruptionBudget and the client Service are in dist/zk/base/ and every stage builds with them', () => {
    for (const stage of ['00-hold', '01-pods-1', '02-pods-2', '03-complete']) {
      const built = byKindName(kustomizeBuild(path.join(committed, 'stages', stage)));
      expect(Object.keys(built).sort()).toEqual(['PodDisruptionBudget/zk-pdb', 'Service/zk-cs', 'Service/zk-hs', 'StatefulSet/zk']);
      expect(schemaProblems(Object.values(built))).toEqual([]);
    }
  });
});
