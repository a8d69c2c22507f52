import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import {
  AccessMode, ContainerProps, DeploymentApp, DnsPolicy, StatefulApp, StatefulAppProps, StatefulSetBackend, VolumeMode,
} from '../../../src';
import { CONTAINER_PROPS } from '../../../src/constructs/shared/container';
import { WORKLOAD_POD_PROPS } from '../../../src/constructs/shared/pod';
import { VOLUME_CLAIM_TEMPLATE } from '../../../src/constructs/stateful/claim-template';
import { schemaProblems } from '../../support/k8s-schema';

const main = (extra: Partial<ContainerProps> = {}): ContainerProps => ({ name: 'main', image: 'cassandra:4.1', ...extra });
function synth(props: Partial<StatefulAppProps>, kruise = false): any[] {
  const chart = Testing.chart();
  new StatefulApp(chart, 'cassandra', { containers: [main()], ...props, backend: kruise ? StatefulSetBackend.kruise() : undefined } as StatefulAppProps);
  return Testing.synth(chart);
}
const sts = (objects: any[]) => objects.find(o => o.kind === 'StatefulSet');

const POD_FIELDS: Partial<StatefulAppProps> = {
  imagePullSecrets: [{ name: 'registry-auth' }],
  topologySpreadConstraints: [{
    maxSkew: 1,
    topologyKey: 'topology.kubernetes.io/zone',
    whenUnsatisfiable: 'DoNotSchedule',
    minDomains: 3,
    labelSelector: { matchLabels: { app: 'cassandra' } },
    nodeTaintsPolicy: 'Honor',
  }],
  priorityClassName: 'high-priority',
  automountServiceAccountToken: false,
  hostAliases: [{ ip: '10.0.0.5', hostnames: ['seed.cassandra.local'] }, { ip: 'fd00::5', hostnames: ['seed6'] }],
  schedulerName: 'my-scheduler',
  enableServiceLinks: false,
  dnsPolicy: DnsPolicy.NONE,
  dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
  runtimeClassName: 'gvisor',
  shareProcessNamespace: true,
};

describe('pod fields, emitted under their Kubernetes names', () => {
  test('every pod field of issue 14 in the pod template, exactly, and the StatefulSet validates', () => {
    const objects = synth(POD_FIELDS);
    const spec = sts(objects).spec.template.spec;
    expect(spec).toEqual({
      automountServiceAccountToken: false,
      containers: [expect.objectContaining({ name: 'main', image: 'cassandra:4.1' })],
      dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
      dnsPolicy: 'None',
      enableServiceLinks: false,
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['seed.cassandra.local'] }, { ip: 'fd00::5', hostnames: ['seed6'] }],
      imagePullSecrets: [{ name: 'registry-auth' }],
      priorityClassName: 'high-priority',
      runtimeClassName: 'gvisor',
      schedulerName: 'my-scheduler',
      shareProcessNamespace: true,
      topologySpreadConstraints: [{
        labelSelector: { matchLabels: { app: 'cassandra' } },
        maxSkew: 1,
        minDomains: 3,
        nodeTaintsPolicy: 'Honor',
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
      }],
    });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the Kruise backend and a DeploymentApp emit them too, and validate', () => {
    const kruise = synth(POD_FIELDS, true);
    expect(sts(kruise).spec.template.spec.priorityClassName).toBe('high-priority');
    expect(sts(kruise).spec.template.spec.topologySpreadConstraints[0].minDomains).toBe(3);
    const chart = Testing.chart();
    new DeploymentApp(chart, 'web', { containers: [main({ ports: [{ name: 'cql', containerPort: 9042 }] })], ...POD_FIELDS });
    const d = Testing.synth(chart);
    expect(d.find(o => o.kind === 'Deployment').spec.template.spec.hostAliases).toEqual(POD_FIELDS.hostAliases);
    expect(schemaProblems([...kruise, ...d])).toEqual([]);
  });

  test('nothing is emitted when nothing is given', () => {
    const spec = sts(synth({})).spec.template.spec;
    expect(Object.keys(spec)).toEqual(['containers']);
  });

  test('container lifecycle (preStop nodetool drain), ports[].hostPort, volumeMounts[].subPathExpr', () => {
    const objects = synth({
      containers: [main({
        lifecycle: { preStop: { exec: { command: ['nodetool', 'drain'] } }, postStart: { httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(8080) } } },
        ports: [{ name: 'cql', containerPort: 9042, hostPort: 9042 }],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        volumeMounts: [{ name: 'data', mountPath: '/var/lib/cassandra', subPathExpr: '$(POD_NAME)' }, { name: 'conf', mountPath: '/etc/cassandra', subPath: 'conf', readOnly: true }],
      })],
      volumes: [{ name: 'conf', configMap: { name: 'cassandra' } }],
      volumeClaimTemplates: [{ name: 'data', storage: '10Gi' }],
    });
    const c = sts(objects).spec.template.spec.containers[0];
    expect(c.lifecycle).toEqual({ postStart: { httpGet: { path: '/ready', port: 8080 } }, preStop: { exec: { command: ['nodetool', 'drain'] } } });
    expect(c.ports).toEqual([{ containerPort: 9042, hostPort: 9042, name: 'cql' }]);
    expect(c.volumeMounts).toEqual([
      { mountPath: '/var/lib/cassandra', name: 'data', subPathExpr: '$(POD_NAME)' },
      { mountPath: '/etc/cassandra', name: 'conf', readOnly: true, subPath: 'conf' },
    ]);
    expect(schemaProblems(objects)).toEqual([]);
  });
});

describe('claim templates', () => {
  const claim = {
    name: 'data',
    storage: '10Gi',
    accessModes: [AccessMode.READ_WRITE_ONCE],
    storageClassName: 'fast',
    labels: { backup: 'daily' },
    annotations: { 'volume.kubernetes.io/selected-node': 'node-1' },
    selector: { matchLabels: { pool: 'ssd' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
    volumeMode: VolumeMode.FILESYSTEM,
    dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'data-snap' },
  };
  const expected = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', labels: { backup: 'daily' }, annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'data-snap' },
      resources: { requests: { storage: '10Gi' } },
      selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }], matchLabels: { pool: 'ssd' } },
      storageClassName: 'fast',
      volumeMode: 'Filesystem',
    },
  };

  test('apps/v1: every field, with apiVersion v1 and kind PersistentVolumeClaim first, and it validates', () => {
    const objects = synth({ volumeClaimTemplates: [claim], containers: [main({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] });
    const claims = sts(objects).spec.volumeClaimTemplates;
    expect(claims).toEqual([expected]);
    expect(Object.keys(claims[0])).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the Kruise backend: the same claim template, and it validates', () => {
    const objects = synth({ volumeClaimTemplates: [claim], containers: [main({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] }, true);
    expect(sts(objects).spec.volumeClaimTemplates).toEqual([expected]);
    // test/support/k8s-schema.ts checks Kruise claim templates as Omit<IPersistentVolumeClaim, 'apiVersion' | 'kind'>:
    // validate them here as whole PersistentVolumeClaims (kubernetes-models keeps and checks apiVersion and kind)
    for (const c of sts(objects).spec.volumeClaimTemplates) expect(() => new PersistentVolumeClaim(c).validate()).not.toThrow();
    expect(() => new PersistentVolumeClaim({ ...expected, kind: 'Pod' } as any).validate()).toThrow();
  });

  test('the minimal claim: name, storage, ReadWriteOnce, typed', () => {
    const objects = synth({ volumeClaimTemplates: [{ name: 'www', storage: '1Gi' }], containers: [main({ volumeMounts: [{ name: 'www', mountPath: '/www' }] })] });
    expect(sts(objects).spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'www' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }]);
  });
});

describe('the allowed keys', () => {
  test('every key list names the fields of its struct', () => {
    expect([...CONTAINER_PROPS]).toEqual(['name', 'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'ports', 'env', 'envFrom', 'resources', 'readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle', 'securityContext', 'restrictedDefaults', 'runsAsRoot', 'volumeMounts']);
    expect([...VOLUME_CLAIM_TEMPLATE]).toEqual(['name', 'storage', 'accessModes', 'storageClassName', 'labels', 'annotations', 'selector', 'volumeMode', 'dataSource']);
    expect(WORKLOAD_POD_PROPS.length).toBe(26);
  });
});

describe('bad input', () => {
  test.each<[string, Partial<StatefulAppProps>, string]>([
    ['fails an unknown container field', { containers: [{ ...main(), imagePullPolicyy: 'Always' } as any] },
      `containers[0].imagePullPolicyy ("Always") is not a known field: allowed are ${CONTAINER_PROPS.join(', ')}`],
    ['fails an unknown port field', { containers: [main({ ports: [{ containerPort: 80, hostport: 80 } as any] })] },
      'containers[0].ports[0].hostport (80) is not a known field: allowed are containerPort, name, protocol, hostPort'],
    ['fails an unknown volumeMount field', { containers: [main({ volumeMounts: [{ name: 'c', mountPath: '/c', readonly: true } as any] })], volumes: [{ name: 'c', emptyDir: {} }] },
      'containers[0].volumeMounts[0].readonly (true) is not a known field: allowed are name, mountPath, subPath, subPathExpr, readOnly'],
    ['fails an unknown resources field', { containers: [main({ resources: { request: { cpu: '1' } } as any })] },
      'containers[0].resources.request ({"cpu":"1"}) is not a known field: allowed are requests, limits'],
    ['fails an unknown claim template field', { volumeClaimTemplates: [{ name: 'd', storage: '1Gi', size: '2Gi' } as any] },
      `volumeClaimTemplates[0].size ("2Gi") is not a known field: allowed are ${VOLUME_CLAIM_TEMPLATE.join(', ')}`],
    ['fails a hostPort out of range', { containers: [main({ ports: [{ containerPort: 80, hostPort: 70000 }] })] },
      'containers[0].ports[0].hostPort (70000) must be an integer between 1 and 65535'],
    ['fails subPath and subPathExpr together', { containers: [main({ volumeMounts: [{ name: 'c', mountPath: '/c', subPath: 'a', subPathExpr: '$(X)' }] })], volumes: [{ name: 'c', emptyDir: {} }] },
      'containers[0].volumeMounts[0] ("c") must set subPath or subPathExpr, not both'],
    ['fails a subPathExpr that climbs out', { containers: [main({ volumeMounts: [{ name: 'c', mountPath: '/c', subPathExpr: '../$(X)' }] })], volumes: [{ name: 'c', emptyDir: {} }] },
      'containers[0].volumeMounts[0].subPathExpr ("../$(X)") must be a relative path without \'..\''],
    ['fails a mount path used twice', { containers: [main({ volumeMounts: [{ name: 'c', mountPath: '/c' }, { name: 'c', mountPath: '/c' }] })], volumes: [{ name: 'c', emptyDir: {} }] },
      'containers[0].volumeMounts[1].mountPath ("/c") is used twice: mount paths must be unique in a container'],
    ['fails a lifecycle hook with two handlers', { containers: [main({ lifecycle: { preStop: { exec: { command: ['a'] }, tcpSocket: { port: k8s.IntOrString.fromNumber(1) } } } })] },
      'containers[0].lifecycle.preStop ({"exec":{"command":["a"]},"tcpSocket":{"port":{"value":1}}}) must set exactly one handler: exec, httpGet or tcpSocket'],
    ['fails a lifecycle hook with an unknown handler', { containers: [main({ lifecycle: { preStop: { sleep: { seconds: 5 } } as any } })] },
      'containers[0].lifecycle.preStop.sleep ({"seconds":5}) is not a known field: allowed are exec, httpGet, tcpSocket'],
    ['fails lifecycle on an init container', { initContainers: [{ name: 'init', image: 'busybox', lifecycle: { preStop: { exec: { command: ['x'] } } } }] },
      'initContainers[0].lifecycle ({"preStop":{"exec":{"command":["x"]}}}) is not allowed: the API server refuses lifecycle on init containers, which run to completion before the pod starts'],
    ['fails a readiness probe on an init container', { initContainers: [{ name: 'init', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }] },
      'initContainers[0].readinessProbe ({"exec":{"command":["true"]}}) is not allowed: the API server refuses readinessProbe on init containers, which run to completion before the pod starts'],
    ['fails a priorityClassName that is not a DNS subdomain', { priorityClassName: 'High_Priority' },
      'priorityClassName ("High_Priority") must be a DNS-1123 subdomain: at most 253 lowercase alphanumeric characters, \'-\' or \'.\', starting and ending with an alphanumeric character'],
    ['fails a runtimeClassName that is not a DNS subdomain', { runtimeClassName: 'gVisor' },
      'runtimeClassName ("gVisor") must be a DNS-1123 subdomain: at most 253 lowercase alphanumeric characters, \'-\' or \'.\', starting and ending with an alphanumeric character'],
    ['fails an imagePullSecret with an unknown field', { imagePullSecrets: [{ secretName: 'x' } as any] },
      'imagePullSecrets[0].secretName ("x") is not a known field: allowed are name'],
    ['fails an automountServiceAccountToken that is not a boolean', { automountServiceAccountToken: 'false' as any },
      'automountServiceAccountToken ("false") must be true or false'],
    ['fails an unknown dnsPolicy', { dnsPolicy: 'ClusterFirstWithHostnet' as any },
      'dnsPolicy ("ClusterFirstWithHostnet") must be one of "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"'],
    ['fails dnsPolicy None without a nameserver', { dnsPolicy: DnsPolicy.NONE },
      'dnsConfig.nameservers (undefined) must list at least one nameserver with dnsPolicy None'],
    ['fails four nameservers', { dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] } },
      'dnsConfig.nameservers (["1.1.1.1","1.0.0.1","8.8.8.8","8.8.4.4"]) must list at most 3 nameservers'],
    ['fails a nameserver that is not an IP', { dnsConfig: { nameservers: ['dns.example.com'] } },
      'dnsConfig.nameservers[0] ("dns.example.com") must be an IPv4 or IPv6 address such as "10.0.0.1" or "fd00::1"'],
    ['fails a hostAlias ip that is not an IP', { hostAliases: [{ ip: '10.0.0.256', hostnames: ['a'] }] },
      'hostAliases[0].ip ("10.0.0.256") must be an IPv4 or IPv6 address such as "10.0.0.1" or "fd00::1"'],
    ['fails a topology spread maxSkew of 0', { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }] },
      'topologySpreadConstraints[0].maxSkew (0) must be an integer between 1 and 2147483647'],
    ['fails an unknown whenUnsatisfiable', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'Schedule' }] },
      'topologySpreadConstraints[0].whenUnsatisfiable ("Schedule") must be one of "DoNotSchedule", "ScheduleAnyway"'],
    ['fails minDomains with ScheduleAnyway', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 }] },
      'topologySpreadConstraints[0].minDomains (2) needs whenUnsatisfiable DoNotSchedule, not "ScheduleAnyway"'],
    ['fails two spread constraints on the same key and action', { topologySpreadConstraints: [1, 2].map(maxSkew => ({ maxSkew, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' })) },
      'topologySpreadConstraints[1] ("zone", "DoNotSchedule") is given twice: the API server refuses two constraints with the same topologyKey and whenUnsatisfiable'],
    ['fails a claim selector operator In without values', { volumeClaimTemplates: [{ name: 'd', storage: '1Gi', selector: { matchExpressions: [{ key: 'zone', operator: 'In' }] } }] },
      'volumeClaimTemplates[0].selector.matchExpressions[0].values (undefined) must list at least one value with operator In'],
    ['fails an unknown volumeMode', { volumeClaimTemplates: [{ name: 'd', storage: '1Gi', volumeMode: 'Raw' as any }] },
      'volumeClaimTemplates[0].volumeMode ("Raw") must be one of "Filesystem", "Block"'],
    ['fails a VolumeSnapshot dataSource without apiGroup', { volumeClaimTemplates: [{ name: 'd', storage: '1Gi', dataSource: { kind: 'VolumeSnapshot', name: 'snap' } }] },
      'volumeClaimTemplates[0].dataSource ({"kind":"VolumeSnapshot","name":"snap"}) needs an apiGroup for kind "VolumeSnapshot": only PersistentVolumeClaim is in the core group (a VolumeSnapshot is apiGroup "snapshot.storage.k8s.io")'],
    ['fails a claim annotation key that is not a label key', { volumeClaimTemplates: [{ name: 'd', storage: '1Gi', annotations: { 'bad key': 'x' } }] },
      'volumeClaimTemplates[0].annotations key ("bad key") must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 alphanumeric characters, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric character'],
  ])('%s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });
});
