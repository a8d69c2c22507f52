import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ZooKeeperChart } from '../../../examples/zookeeper/chart';
import { AdoptedStatefulSet, PercentOrAbsolute, RolloutPlan, StagedApp, StatefulApp, UnhealthyPodEvictionPolicy } from '../../../src';
import { schemaProblems } from '../../support/k8s-schema';
import { byKindName, kustomizeBuild } from '../../support/kustomize';
import { readTree, tempDir } from '../../support/synth';

/**
 * Published StatefulSet workloads built with this library and compared field by field with the published
 * values, written here as expectations: the Kubernetes tutorials' ZooKeeper
 * (content/en/examples/application/zookeeper/zookeeper.yaml), Cassandra (cassandra/cassandra-statefulset.yaml)
 * and MySQL (mysql/mysql-statefulset.yaml), and a Bitnami-style chart rendering (examples/adopt-helm).
 * Each is synthesized with a rollout, every stage is built with kustomize and every object validated.
 */

function synthAll(build: (chart: Chart) => void): { [file: string]: string } & { outdir: string } {
  const outdir = path.join(tempDir(), 'dist');
  const app = new StagedApp({ outdir, stateDirectory: path.join(path.dirname(outdir), 'rollout-state') });
  build(new Chart(app, 'chart'));
  app.synth();
  return Object.assign(readTree(outdir), { outdir });
}

function stagesOf(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'stages')).sort();
}

function everyStage(dir: string, stages: string[]): any[][] {
  return stages.map(s => kustomizeBuild(path.join(dir, 'stages', s)));
}

describe('ZooKeeper (Kubernetes tutorial)', () => {
  test('the published zk-pdb and zk-cs land in base/; each stage builds and validates', () => {
    const out = synthAll(chart => new ZooKeeperChart(chart, 'zookeeper'));
    expect(Object.keys(out).filter(f => f.startsWith('zk/base/')).sort()).toEqual([
      'zk/base/kustomization.yaml', 'zk/base/poddisruptionbudget-zk-pdb.yaml', 'zk/base/service-zk-cs.yaml', 'zk/base/service-zk-hs.yaml', 'zk/base/statefulset-zk.yaml',
    ]);
    expect(Object.keys(out).filter(f => f.endsWith('.k8s.yaml'))).toEqual([]);
    const builds = everyStage(path.join(out.outdir, 'zk'), ['00-hold', '01-pods-1', '02-pods-2', '03-complete']);
    expect(builds.map(b => byKindName(b)['StatefulSet/zk'].spec.updateStrategy.rollingUpdate.partition)).toEqual([2147483647, 2, 1, 0]);
    for (const b of builds) expect(schemaProblems(b)).toEqual([]);
  });
});

describe('Cassandra (Kubernetes tutorial)', () => {
  const selector = { 'app.kubernetes.io/name': 'cassandra' };
  const env = [
    { name: 'MAX_HEAP_SIZE', value: '512M' },
    { name: 'HEAP_NEWSIZE', value: '100M' },
    { name: 'CASSANDRA_SEEDS', value: 'cassandra-0.cassandra.default.svc.cluster.local' },
    { name: 'CASSANDRA_CLUSTER_NAME', value: 'K8Demo' },
    { name: 'CASSANDRA_DC', value: 'DC1-K8Demo' },
    { name: 'CASSANDRA_RACK', value: 'Rack1-K8Demo' },
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  ];
  const build = (chart: Chart) => new StatefulApp(chart, 'cassandra', {
    replicas: 3,
    selectorLabels: selector,
    terminationGracePeriodSeconds: 500,
    service: { name: 'cassandra', ports: [{ name: 'cql', port: 9042 }] },
    podDisruptionBudget: { minAvailable: PercentOrAbsolute.absolute(2), unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
    containers: [{
      name: 'cassandra',
      image: 'gcr.io/google-samples/cassandra:v13',
      ports: [{ containerPort: 7000, name: 'intra-node' }, { containerPort: 7001, name: 'tls-intra-node' }, { containerPort: 7199, name: 'jmx' }, { containerPort: 9042, name: 'cql' }],
      resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
      env: env as k8s.EnvVar[],
      readinessProbe: { exec: { command: ['/bin/bash', '-c', '/ready-probe.sh'] }, initialDelaySeconds: 15, timeoutSeconds: 5 },
      volumeMounts: [{ name: 'cassandra-data', mountPath: '/cassandra_data' }],
    }],
    volumeClaimTemplates: [{ name: 'cassandra-data', storage: '1Gi', storageClassName: 'fast' }],
    rollout: { plan: RolloutPlan.canary() },
  });

  test('the published fields, the PDB beside them', () => {
    const objects = Testing.synth((() => { const c = new Chart(Testing.app(), 'c'); build(c); return c; })());
    const sts = byKindName(objects)['StatefulSet/cassandra'];
    expect([sts.metadata.labels, sts.spec.serviceName, sts.spec.replicas, sts.spec.selector.matchLabels]).toEqual([selector, 'cassandra', 3, selector]);
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(500);
    const c = sts.spec.template.spec.containers[0];
    expect(c.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['intra-node', 7000], ['tls-intra-node', 7001], ['jmx', 7199], ['cql', 9042]]);
    expect(c.env).toEqual(env);
    expect(c.resources).toEqual({ limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
    expect(c.readinessProbe).toEqual({ exec: { command: ['/bin/bash', '-c', '/ready-probe.sh'] }, initialDelaySeconds: 15, timeoutSeconds: 5 });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } });
    expect(byKindName(objects)['PodDisruptionBudget/cassandra'].spec).toEqual({ minAvailable: 2, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('every stage builds with the PDB in it', () => {
    const out = synthAll(build);
    const builds = everyStage(path.join(out.outdir, 'cassandra'), stagesOf(path.join(out.outdir, 'cassandra')));
    expect(builds.map(b => Object.keys(byKindName(b)).sort())).toEqual(Array(4).fill(['PodDisruptionBudget/cassandra', 'Service/cassandra', 'StatefulSet/cassandra']));
    expect(builds.map(b => byKindName(b)['StatefulSet/cassandra'].spec.updateStrategy.rollingUpdate.partition)).toEqual([2147483647, 2, 1, 0]);
    for (const b of builds) expect(schemaProblems(b)).toEqual([]);
  });
});

describe('MySQL (Kubernetes tutorial), adopted as an ApiObject with its ConfigMap and Services', () => {
  const selector = { app: 'mysql' };
  const mounts = [{ name: 'data', mountPath: '/var/lib/mysql', subPath: 'mysql' }, { name: 'conf', mountPath: '/etc/mysql/conf.d' }];
  const statefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'mysql' },
    spec: {
      selector: { matchLabels: selector },
      serviceName: 'mysql',
      replicas: 3,
      template: {
        metadata: { labels: selector },
        spec: {
          initContainers: [
            { name: 'init-mysql', image: 'mysql:5.7', command: ['bash', '-c', 'set -ex\n'], volumeMounts: [{ name: 'conf', mountPath: '/mnt/conf.d' }, { name: 'config-map', mountPath: '/mnt/config-map' }] },
            { name: 'clone-mysql', image: 'gcr.io/google-samples/xtrabackup:1.0', command: ['bash', '-c', 'set -ex\n'], volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql', subPath: 'mysql' }, { name: 'conf', mountPath: '/etc/mysql/conf.d' }] },
          ],
          containers: [
            {
              name: 'mysql',
              image: 'mysql:5.7',
              env: [{ name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: '1' }],
              ports: [{ name: 'mysql', containerPort: 3306 }],
              volumeMounts: mounts,
              resources: { requests: { cpu: '500m', memory: '1Gi' } },
              livenessProbe: { exec: { command: ['mysqladmin', 'ping'] }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 },
              readinessProbe: { exec: { command: ['mysql', '-h', '127.0.0.1', '-e', 'SELECT 1'] }, initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1 },
            },
            { name: 'xtrabackup', image: 'gcr.io/google-samples/xtrabackup:1.0', ports: [{ name: 'xtrabackup', containerPort: 3307 }], command: ['bash', '-c', 'set -ex\n'], volumeMounts: mounts, resources: { requests: { cpu: '100m', memory: '100Mi' } } },
          ],
          volumes: [{ name: 'conf', emptyDir: {} }, { name: 'config-map', configMap: { name: 'mysql' } }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    },
  };

  test('read from the object, every field kept, only the hold partition added; objects in base/, the stages build', () => {
    let adopted: AdoptedStatefulSet | undefined;
    const out = synthAll(chart => {
      const sts = new ApiObject(chart, 'mysql', statefulSet);
      const config = new k8s.KubeConfigMap(chart, 'config', { metadata: { name: 'mysql', labels: selector }, data: { 'primary.cnf': '[mysqld]\nlog-bin\n', 'secondary.cnf': '[mysqld]\nsuper-read-only\n' } });
      const headless = new k8s.KubeService(chart, 'headless', { metadata: { name: 'mysql', labels: selector }, spec: { clusterIp: 'None', selector, ports: [{ name: 'mysql', port: 3306 }] } });
      const read = new k8s.KubeService(chart, 'read', { metadata: { name: 'mysql-read', labels: selector }, spec: { selector, ports: [{ name: 'mysql', port: 3306 }] } });
      new k8s.KubeConfigMap(chart, 'elsewhere', { metadata: { name: 'not-in-the-tree' } });
      adopted = new AdoptedStatefulSet(chart, 'adopt', { statefulSet: sts, objects: [config, headless, read], plan: RolloutPlan.canary() });
    });
    expect([adopted!.name, adopted!.replicas, adopted!.serviceName, adopted!.ordinalsStart]).toEqual(['mysql', 3, 'mysql', 0]);
    expect(Object.keys(out).filter(f => f.startsWith('mysql/base/')).sort()).toEqual([
      'mysql/base/configmap-mysql.yaml', 'mysql/base/kustomization.yaml', 'mysql/base/service-mysql-read.yaml', 'mysql/base/service-mysql.yaml', 'mysql/base/statefulset-mysql.yaml',
    ]);
    expect(out['chart.k8s.yaml']).toContain('name: not-in-the-tree');
    expect(out['chart.k8s.yaml']).not.toContain('kind: StatefulSet');
    const builds = everyStage(path.join(out.outdir, 'mysql'), stagesOf(path.join(out.outdir, 'mysql')));
    for (const [i, b] of builds.entries()) {
      const sts = byKindName(b)['StatefulSet/mysql'];
      expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: [2147483647, 2, 1, 0][i] } });
      expect({ ...sts, spec: { ...sts.spec, updateStrategy: undefined } }).toEqual({ ...statefulSet, spec: { ...statefulSet.spec, updateStrategy: undefined } });
      expect(schemaProblems(b)).toEqual([]);
    }
  });
});

describe('a Bitnami-style chart (examples/adopt-helm)', () => {
  test('the published Bitnami conventions survive adoption: -headless Service with publishNotReadyAddresses, PDB maxUnavailable 1, ServiceAccount without token, runAsUser 1001', () => {
    const built = byKindName(kustomizeBuild(path.join(__dirname, '..', '..', '..', 'dist', 'pg-keyvalue')));
    expect(built['Service/pg-keyvalue-headless'].spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      ports: [{ name: 'tcp-keyvalue', port: 6379, targetPort: 'keyvalue' }],
      selector: { 'app.kubernetes.io/instance': 'pg', 'app.kubernetes.io/name': 'keyvalue' },
    });
    expect(built['PodDisruptionBudget/pg-keyvalue'].spec.maxUnavailable).toBe(1);
    expect(built['ServiceAccount/pg-keyvalue'].automountServiceAccountToken).toBe(false);
    const pod = built['StatefulSet/pg-keyvalue'].spec.template.spec;
    expect([pod.serviceAccountName, pod.securityContext.fsGroup, pod.containers[0].securityContext.runAsUser]).toEqual(['pg-keyvalue', 1001, 1001]);
    expect(built['StatefulSet/pg-keyvalue'].spec.podManagementPolicy).toBe('Parallel');
    expect(schemaProblems(Object.values(built))).toEqual([]);
  });
});
