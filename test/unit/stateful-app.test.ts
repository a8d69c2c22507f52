import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  AccessMode, ImagePullPolicy, PercentOrAbsolute, PodManagementPolicy, Protocol, PvcRetention, RolloutPlan,
  StatefulApp, StatefulAppProps, StatefulSetUpdateStrategy,
} from '../../src';
import { schemaProblems } from '../support/k8s-schema';

function synth(props: StatefulAppProps, id = 'app', namespace?: string) {
  const chart = Testing.chart();
  if (namespace) (chart as any).namespace = namespace;
  new StatefulApp(chart, id, props);
  const objects = Testing.synth(chart);
  const find = (kind: string) => objects.filter(o => o.kind === kind);
  return { objects, sts: find('StatefulSet')[0], svc: find('Service')[0], count: objects.length };
}

/** The Pod Security Standards restricted defaults every container gets. */
const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

const minimal: StatefulAppProps = { containers: [{ name: 'main', image: 'busybox:1.36' }] };

describe('StatefulApp', () => {
  test('the minimal app emits exactly what it documents, nothing injected', () => {
    const { objects, sts, svc } = synth(minimal, 'db');
    expect(objects.length).toBe(2);
    expect(svc).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', labels: { 'app.kubernetes.io/name': 'db' } },
      spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'db' } },
    });
    expect(sts).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', labels: { 'app.kubernetes.io/name': 'db' } },
      spec: {
        serviceName: 'db',
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'db' } },
          spec: { containers: [{ name: 'main', image: 'busybox:1.36', securityContext: restricted }] },
        },
      },
    });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('every option lands in its Kubernetes field', () => {
    const { objects, sts, svc } = synth({
      name: 'kafka',
      replicas: 3,
      selectorLabels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'main' },
      labels: { team: 'data' },
      annotations: { 'example.com/owner': 'data' },
      podLabels: { 'tier': 'broker', 'app.kubernetes.io/instance': 'main' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      service: { name: 'kafka-headless', publishNotReadyAddresses: true, ports: [{ name: 'broker', port: 9092, targetPortName: 'broker' }, { name: 'metrics', port: 9404, targetPort: 9404, protocol: Protocol.TCP }], annotations: { a: 'b' } },
      containers: [{
        name: 'kafka',
        image: 'apache/kafka:3.7.0',
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        command: ['/opt/kafka/bin/kafka-server-start.sh'],
        args: ['/config/server.properties'],
        workingDir: '/opt/kafka',
        ports: [{ name: 'broker', containerPort: 9092 }, { containerPort: 9404, protocol: Protocol.TCP }],
        env: [{ name: 'HEAP', value: '1G' }, { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka', key: 'password' } } }],
        envFrom: [{ configMapRef: { name: 'kafka-env' } }],
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
        readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('broker') }, periodSeconds: 5 },
        livenessProbe: { exec: { command: ['true'] } },
        startupProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(9404) }, failureThreshold: 30 },
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
        volumeMounts: [{ name: 'data', mountPath: '/var/lib/kafka' }, { name: 'config', mountPath: '/config', readOnly: true }],
      }],
      initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
      volumeClaimTemplates: [{ name: 'data', storage: '10Gi', accessModes: [AccessMode.READ_WRITE_ONCE], storageClassName: 'fast-ssd', labels: { backup: 'daily' } }],
      volumes: [{ name: 'config', configMap: { name: 'kafka-config' } }],
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 2, maxUnavailable: PercentOrAbsolute.percent(50) }),
      minReadySeconds: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.RETAIN },
      ordinalsStart: 1,
      revisionHistoryLimit: 5,
      serviceAccountName: 'kafka',
      podSecurityContext: { fsGroup: 1000 },
      terminationGracePeriodSeconds: 60,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }],
    }, 'ignored-id');
    expect(svc).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kafka-headless', labels: { team: 'data' }, annotations: { a: 'b' } },
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'main' },
        ports: [{ name: 'broker', port: 9092, targetPort: 'broker' }, { name: 'metrics', port: 9404, targetPort: 9404, protocol: 'TCP' }],
      },
    });
    expect(sts.metadata).toEqual({ name: 'kafka', labels: { team: 'data' }, annotations: { 'example.com/owner': 'data' } });
    expect(sts.spec).toEqual({
      serviceName: 'kafka-headless',
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'main' } },
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2, maxUnavailable: '50%' } },
      minReadySeconds: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      ordinals: { start: 1 },
      revisionHistoryLimit: 5,
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'main', 'tier': 'broker' },
          annotations: { 'prometheus.io/scrape': 'true' },
        },
        spec: {
          serviceAccountName: 'kafka',
          securityContext: { fsGroup: 1000 },
          terminationGracePeriodSeconds: 60,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }],
          initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'], securityContext: restricted }],
          containers: [{
            name: 'kafka',
            image: 'apache/kafka:3.7.0',
            imagePullPolicy: 'IfNotPresent',
            command: ['/opt/kafka/bin/kafka-server-start.sh'],
            args: ['/config/server.properties'],
            workingDir: '/opt/kafka',
            ports: [{ name: 'broker', containerPort: 9092 }, { containerPort: 9404, protocol: 'TCP' }],
            env: [{ name: 'HEAP', value: '1G' }, { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka', key: 'password' } } }],
            envFrom: [{ configMapRef: { name: 'kafka-env' } }],
            resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
            readinessProbe: { tcpSocket: { port: 'broker' }, periodSeconds: 5 },
            livenessProbe: { exec: { command: ['true'] } },
            startupProbe: { httpGet: { path: '/', port: 9404 }, failureThreshold: 30 },
            securityContext: restricted,
            volumeMounts: [{ name: 'data', mountPath: '/var/lib/kafka' }, { name: 'config', mountPath: '/config', readOnly: true }],
          }],
          volumes: [{ name: 'config', configMap: { name: 'kafka-config' } }],
        },
      },
      volumeClaimTemplates: [{
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', labels: { backup: 'daily' } },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } },
      }],
    });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('Service ports default to the named container ports', () => {
    const { svc } = synth({ containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9000 }] }] });
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http' }]);
  });

  test('OnDelete and a rolling update without partition', () => {
    expect(synth({ ...minimal, updateStrategy: StatefulSetUpdateStrategy.onDelete() }).sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(synth({ ...minimal, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate() }).sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(synth({ ...minimal, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(2) }) }).sts.spec.updateStrategy)
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } });
  });

  test('a rollout puts the StatefulSet at the hold partition', () => {
    const { sts } = synth({ ...minimal, replicas: 3, rollout: { plan: RolloutPlan.canary() } });
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
  });

  test('unknown fields of the props are refused, naming them', () => {
    expect(() => synth({ containers: [{ name: 'c', image: 'i', bogus: 1 } as any] })).toThrow('containers[0].bogus (1) is not a known field: allowed are ');
    expect(() => synth({ containers: [{ name: 'c', image: 'i', securityContext: { runAsUser: 1000, notAField: true } } as any] })).toThrow('containers[0].securityContext.notAField (true) is not a known field: allowed are ');
  });

  test('unknown fields inside the typed Kubernetes structs never reach the output', () => {
    const { objects, sts } = synth({
      containers: [{
        name: 'c',
        image: 'i',
        readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(80), extra: true }, surprise: 2 },
        securityContext: { runAsUser: 1000 },
      } as any],
      volumes: [{ name: 'v', emptyDir: {}, nope: 1 } as any],
      tolerations: [{ key: 'k', wat: 'x' } as any],
    });
    const container = sts.spec.template.spec.containers[0];
    expect(container).toEqual({
      name: 'c',
      image: 'i',
      readinessProbe: { httpGet: { path: '/', port: 80 } },
      securityContext: { ...restricted, runAsUser: 1000 },
    });
    expect(sts.spec.template.spec.volumes).toEqual([{ name: 'v', emptyDir: {} }]);
    expect(sts.spec.template.spec.tolerations).toEqual([{ key: 'k' }]);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('the schema check refuses unknown fields and wrong types', () => {
    const { objects } = synth(minimal);
    const sts = JSON.parse(JSON.stringify(objects[1]));
    sts.spec.template.spec.containers[0].bogus = 1;
    sts.spec.replicas = 'three';
    expect(schemaProblems([sts])).toEqual([
      'apps/v1/StatefulSet app: data/spec/replicas must be integer',
      "Type 'string' is not assignable to type 'number'.",
      'Object literal may only specify known properties, and \'"bogus"\' does not exist in type \'IContainer\'.',
    ]);
  });
});

const container = { name: 'c', image: 'nginx:1' };
const long53 = 'a'.repeat(53);

describe('bad input', () => {
  test.each<[string, StatefulAppProps, string, string?]>([
    ['fails an invalid DNS name', { name: 'Web_1', containers: [container] }, 'name ("Web_1") must be a DNS-1123 label: at most 63 lowercase alphanumeric characters or \'-\', starting and ending with an alphanumeric character'],
    ['fails a name too long for the revision label', { name: long53, containers: [container] }, `name ("${long53}") has 53 characters: a StatefulSet name must have at most 52, because the controller-revision-hash label "<name>-<hash>" of its pods must fit in 63`],
    ['fails a name too long for a hostname', { name: 'a'.repeat(64), containers: [container] }, `name ("${'a'.repeat(64)}") must be a DNS-1123 label: at most 63 lowercase alphanumeric characters or '-', starting and ending with an alphanumeric character`],
    ['fails a service name that starts with a digit', { containers: [container], service: { name: '1svc' } }, 'service.name ("1svc") must be a DNS-1035 label: at most 63 lowercase alphanumeric characters or \'-\', starting with a letter and ending with an alphanumeric character'],
    ['fails negative replicas', { replicas: -1, containers: [container] }, 'replicas (-1) must be an integer between 0 and 10000'],
    ['fails fractional replicas', { replicas: 1.5, containers: [container] }, 'replicas (1.5) must be an integer between 0 and 10000'],
    ['fails a negative ordinals.start', { ordinalsStart: -2, containers: [container] }, 'ordinalsStart (-2) must be an integer between 0 and 2147483647'],
    ['fails negative minReadySeconds', { minReadySeconds: -5, containers: [container] }, 'minReadySeconds (-5) must be an integer between 0 and 2147483647'],
    ['fails no containers', { containers: [] }, 'containers ([]) must list at least one container'],
    ['fails an empty image', { containers: [{ name: 'c', image: '' }] }, 'containers[0].image ("") must be a non-empty image reference with no spaces or control characters'],
    ['fails a container port out of range', { containers: [{ ...container, ports: [{ containerPort: 70000 }] }] }, 'containers[0].ports[0].containerPort (70000) must be an integer between 1 and 65535'],
    ['fails a port name too long', { containers: [{ ...container, ports: [{ containerPort: 80, name: 'a-very-long-port-name' }] }] }, 'containers[0].ports[0].name ("a-very-long-port-name") must be an IANA service name: 1 to 15 lowercase alphanumeric characters or \'-\', with at least one letter, no \'--\', starting and ending with an alphanumeric character'],
    ['fails two Service ports with no name', { containers: [container], service: { ports: [{ port: 80 }, { port: 81 }] } }, 'service.ports[0].name (undefined) must be set: a Service with more than one port names each one'],
    ['fails a volume mount with no claim template or volume', { containers: [{ ...container, volumeMounts: [{ name: 'www', mountPath: '/data' }] }], volumes: [{ name: 'config', emptyDir: {} }] }, 'containers[0].volumeMounts[0].name ("www") must name a volumeClaimTemplate or a volume; known: "config"'],
    ['fails a relative mount path', { containers: [{ ...container, volumeMounts: [{ name: 'www', mountPath: 'data' }] }], volumeClaimTemplates: [{ name: 'www', storage: '1Gi' }] }, 'containers[0].volumeMounts[0].mountPath ("data") must be an absolute path'],
    ['fails a malformed storage size', { containers: [container], volumeClaimTemplates: [{ name: 'www', storage: '1 GB' }] }, 'volumeClaimTemplates[0].storage ("1 GB") must be a Kubernetes quantity such as "1Gi", "500Mi", "250m" or "2"'],
    ['fails a claim template and volume with one name', { containers: [container], volumes: [{ name: 'www', emptyDir: {} }], volumeClaimTemplates: [{ name: 'www', storage: '1Gi' }] }, 'volume name ("www") is used twice (at 1): volumes and claim templates share one namespace in the pod'],
    ['fails a malformed resource quantity', { containers: [{ ...container, resources: { limits: { memory: 'lots' } } }] }, 'containers[0].resources.limits.memory ("lots") must be a Kubernetes quantity such as "1Gi", "500Mi", "250m" or "2"'],
    ['fails OnDelete with a partition (a rollout plan)', { containers: [container], updateStrategy: StatefulSetUpdateStrategy.onDelete(), rollout: { plan: RolloutPlan.staged() } }, 'updateStrategy (OnDelete) cannot carry a partition: a rollout plan needs updateStrategy RollingUpdate'],
    ['fails a partition given beside a rollout plan', { containers: [container], updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 1 }), rollout: { plan: RolloutPlan.staged() } }, 'updateStrategy.rollingUpdate.partition (1) cannot be set with a rollout plan: the plan sets the partition of every stage'],
    ['fails a selector that does not match the template labels', { containers: [container], selectorLabels: { app: 'web' }, podLabels: { app: 'api' } }, 'podLabels["app"] ("api") does not match the selector label app="web": the selector must match the template labels'],
    ['fails an empty selector', { containers: [container], selectorLabels: {} }, 'selectorLabels ({}) must have at least one label: the selector may not be empty'],
    ['fails a bad label value', { containers: [container], labels: { team: 'data team' } }, 'labels["team"] ("data team") must be a label value: at most 63 alphanumeric characters, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric character, or empty'],
    ['fails an unknown active stage', { containers: [container], replicas: 3, rollout: { plan: RolloutPlan.canary(), activeStage: 'final' } }, 'rollout.activeStage ("final") must be one of the plan\'s stages: "hold", "canary", "percent-50", "complete"'],
    ['fails a rollout directory outside the output', { containers: [container], rollout: { plan: RolloutPlan.staged(), directory: '../elsewhere' } }, 'rollout.directory ("../elsewhere") must be a relative path below the output directory: segments of letters, digits, \'.\', \'_\' or \'-\', no \'..\' and no leading \'/\''],
    ['fails a duplicate container name', { containers: [container], initContainers: [container] }, 'container name ("c") is used twice: container and init container names must be unique in a pod'],
  ])('%s', (_name, props, message) => {
    expect(() => new StatefulApp(new Chart(Testing.app(), 'c'), 'app', props)).toThrow(new Error(message));
  });

  test.each([
    ['fails maxUnavailable 0', () => StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(0) }), 'updateStrategy.rollingUpdate.maxUnavailable (0) must be a count >= 1 or a percentage between 1% and 100%'],
    ['fails maxUnavailable 0%', () => StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(0) }), 'updateStrategy.rollingUpdate.maxUnavailable (0%) must be a count >= 1 or a percentage between 1% and 100%'],
    ['fails maxUnavailable over 100%', () => StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(101) }), 'updateStrategy.rollingUpdate.maxUnavailable (101%) must be a count >= 1 or a percentage between 1% and 100%'],
    ['fails maxUnavailable negative', () => PercentOrAbsolute.absolute(-1), 'count (-1) must be a whole number >= 0'],
    ['fails a negative partition', () => StatefulSetUpdateStrategy.rollingUpdate({ partition: -1 }), 'updateStrategy.rollingUpdate.partition (-1) must be an integer between 0 and 2147483647'],
    ['fails a partition beyond int32', () => StatefulSetUpdateStrategy.rollingUpdate({ partition: 2147483648 }), 'updateStrategy.rollingUpdate.partition (2147483648) must be an integer between 0 and 2147483647'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(new Error(message));
  });
});
