import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
// In your own app: import { ... } from 'cdk8s-staged-rollout';
import { AccessMode, ImagePullPolicy, PercentOrAbsolute, PodManagementPolicy, RolloutPlan, StageSize, StatefulApp } from '../../src';

/** The image of the tutorial. */
export const IMAGE = 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10';

/** The tutorial's start command, one flag a line. */
export const START_COMMAND = [
  'start-zookeeper', '--servers=3', '--data_dir=/var/lib/zookeeper/data', '--data_log_dir=/var/lib/zookeeper/data/log',
  '--conf_dir=/opt/zookeeper/conf', '--client_port=2181', '--election_port=3888', '--server_port=2888', '--tick_time=2000',
  '--init_limit=10', '--sync_limit=5', '--heap=512M', '--max_client_cnxns=60', '--snap_retain_count=3', '--purge_interval=12',
  '--max_session_timeout=40000', '--min_session_timeout=4000', '--log_level=INFO',
].join(' ');

const probe: k8s.Probe = { exec: { command: ['sh', '-c', 'zookeeper-ready 2181'] }, initialDelaySeconds: 10, timeoutSeconds: 5 };

/**
 * The Kubernetes tutorial "Running ZooKeeper, A Distributed System Coordinator" as one StatefulApp: the
 * headless Service `zk-hs`, the client Service `zk-cs`, the PodDisruptionBudget `zk-pdb` and the
 * StatefulSet `zk` (3 replicas, OrderedReady, a 10Gi claim `datadir`), all in `dist/zk/base/`, rolled out
 * one server at a time. The image runs as user 1000 (`runAsUser: 1000`, `fsGroup: 1000` as in the
 * tutorial), so the restricted defaults hold.
 */
export class ZooKeeperChart extends Chart {
  public readonly app: StatefulApp;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const selectorLabels = { 'app.kubernetes.io/name': 'zk' };
    this.app = new StatefulApp(this, 'zk', {
      replicas: 3,
      selectorLabels,
      labels: {},
      service: { name: 'zk-hs', labels: selectorLabels, ports: [{ name: 'server', port: 2888 }, { name: 'leader-election', port: 3888 }] },
      clientService: { name: 'zk-cs', labels: selectorLabels, ports: [{ name: 'client', port: 2181 }] },
      podDisruptionBudget: { name: 'zk-pdb', labels: {}, maxUnavailable: PercentOrAbsolute.absolute(1) },
      podManagementPolicy: PodManagementPolicy.ORDERED_READY,
      podSecurityContext: { runAsUser: 1000, fsGroup: 1000 },
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{
            labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['zk'] }] },
            topologyKey: 'kubernetes.io/hostname',
          }],
        },
      },
      containers: [{
        name: 'kubernetes-zookeeper',
        image: IMAGE,
        imagePullPolicy: ImagePullPolicy.ALWAYS,
        resources: { requests: { memory: '1Gi', cpu: '0.5' } },
        ports: [
          { name: 'client', containerPort: 2181 },
          { name: 'server', containerPort: 2888 },
          { name: 'leader-election', containerPort: 3888 },
        ],
        command: ['sh', '-c', START_COMMAND],
        readinessProbe: probe,
        livenessProbe: probe,
        volumeMounts: [{ name: 'datadir', mountPath: '/var/lib/zookeeper' }],
      }],
      volumeClaimTemplates: [{ name: 'datadir', storage: '10Gi', accessModes: [AccessMode.READ_WRITE_ONCE] }],
      rollout: { plan: RolloutPlan.linear({ step: StageSize.pods(1) }) },
    });
  }
}
