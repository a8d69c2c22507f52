import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { ContainerProps, DeploymentApp, PercentOrAbsolute, RolloutPlan, StatefulApp, StatefulAppProps } from '../../../src';
import { FastKubeService, FastKubeStatefulSet, fastMetadataJson, mappedJson } from '../../../src/constructs/shared/fast-json';

/**
 * The constructs' L1 objects render on a fast path (issue 17): it must give exactly the JSON, with the
 * same key order, that the typed L1 class gives, and step aside for everything it does not handle.
 */

const main: ContainerProps = {
  name: 'main',
  image: 'cassandra:4.1',
  ports: [{ name: 'cql', containerPort: 9042 }, { name: 'intra', containerPort: 7000 }],
  env: [{ name: 'MAX_HEAP_SIZE', value: '512M' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
  resources: { requests: { memory: '1Gi', cpu: '500m' }, limits: { memory: '2Gi' } },
  readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('cql') }, periodSeconds: 10 },
  livenessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(8080) } },
  volumeMounts: [{ name: 'data', mountPath: '/var/lib/cassandra' }],
};
const rich: StatefulAppProps = {
  replicas: 3,
  containers: [main, { name: 'sidecar', image: 'envoy:1.30', args: ['--config', '/etc/envoy.yaml'] }],
  labels: { 'tier': 'db', 'app.kubernetes.io/part-of': 'shop' },
  annotations: { 'example.com/owner': 'team-a' },
  volumeClaimTemplates: [{ name: 'data', storage: '10Gi', storageClassName: 'fast' }],
  podDisruptionBudget: { maxUnavailable: PercentOrAbsolute.absolute(1) },
  serviceAccount: {},
  clientService: {},
  rollout: { plan: RolloutPlan.canary() },
};

/** The slow path: the L1 class's own toJson (cdk8s resolve, sanitize, patches, then the L1 mapper). */
function l1Json(o: ApiObject): any {
  const l1 = [k8s.KubeStatefulSet, k8s.KubeService, k8s.KubeDeployment, k8s.KubePodDisruptionBudget, k8s.KubeServiceAccount].find(c => c.prototype.isPrototypeOf(o));
  if (!l1) throw new Error(`not an L1 object: ${o.node.path}`);
  return l1.prototype.toJson.call(o);
}
/** The fast path's toJson of the object's own class, below any override (the claim types of TypedClaimsStatefulSet). */
function fastJson(o: ApiObject): any {
  // (instanceof is true for any ApiObject: cdk8s defines Symbol.hasInstance on ApiObject)
  const fast = [FastKubeStatefulSet, FastKubeService].find(c => c.prototype.isPrototypeOf(o));
  return fast ? fast.prototype.toJson.call(o) : o.toJson();
}
/** The fast path's JSON of an L1 object (its mapper's), undefined where it steps aside. */
const fastPath = (o: ApiObject): any => mappedJson(o, (k8s as any)[`toJson_Kube${o.kind}Props`]);
const objectsOf = (scope: Chart) => scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);

describe('the fast toJson of the L1 objects', () => {
  test('every object of a rich StatefulApp and DeploymentApp: the same JSON text as the L1 class, key order included', () => {
    const chart = new Chart(new App(), 'chart', { namespace: 'db', labels: { team: 'a' } });
    new StatefulApp(chart, 'cassandra', rich);
    new DeploymentApp(chart, 'api', { containers: [{ name: 'api', image: 'api:1', ports: [{ name: 'http', containerPort: 8080 }] }], replicas: 4 });
    const objects = objectsOf(chart);
    expect(objects.map(o => o.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service', 'Service', 'Service', 'ServiceAccount', 'StatefulSet']);
    for (const o of objects) {
      expect(fastPath(o)).toBeDefined();
      expect({ path: o.node.path, json: JSON.stringify(fastJson(o)) }).toEqual({ path: o.node.path, json: JSON.stringify(l1Json(o)) });
    }
    // labels are sorted, as cdk8s sorts them
    const sts = objects.find(o => o.kind === 'StatefulSet')!.toJson();
    expect(Object.keys(sts.metadata.labels)).toEqual(['app.kubernetes.io/part-of', 'team', 'tier']);
    expect(sts.spec.volumeClaimTemplates[0]).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'fast' } });
  });

  test('the escape hatches are honoured: labels and annotations added later, a JSON patch, a Lazy value', () => {
    const chart = new Chart(new App(), 'chart');
    const app = new StatefulApp(chart, 'web', { replicas: 2, containers: [{ name: 'c', image: 'nginx:1' }] });
    app.statefulSet.metadata.addLabel('added', 'later');
    app.statefulSet.metadata.addAnnotation('note', 'x');
    expect(fastPath(app.statefulSet)).toBeDefined();
    expect(app.statefulSet.toJson().metadata).toEqual({ annotations: { note: 'x' }, labels: { 'added': 'later', 'app.kubernetes.io/name': 'web' }, name: 'web' });

    app.statefulSet.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 7));
    expect(fastPath(app.statefulSet)).toBeUndefined();
    expect(app.statefulSet.toJson().spec.minReadySeconds).toBe(7);
    expect(JSON.stringify(app.statefulSet.toJson())).toBe(JSON.stringify(l1Json(app.statefulSet)));

    // a Lazy label is produced by cdk8s's metadata rendering; a Lazy in the spec (a JSON patch adds it) takes the cdk8s path
    app.service.metadata.addLabel('lazy', Lazy.any({ produce: () => 'produced' }));
    expect(app.service.toJson().metadata.labels).toEqual({ 'app.kubernetes.io/name': 'web', 'lazy': 'produced' });
    expect(JSON.stringify(app.service.toJson())).toBe(JSON.stringify(l1Json(app.service)));
    (app.service as any).props.spec.publishNotReadyAddresses = Lazy.any({ produce: () => true });
    expect(fastPath(app.service)).toBeUndefined();
    expect(app.service.toJson().spec.publishNotReadyAddresses).toBe(true);
  });

  test('resolvers given in AppProps run on every value (the fast path steps aside)', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'nginx:1') context.replaceValue('nginx:2');
      }
    }
    const chart = new Chart(new App({ resolvers: [new Upper()] }), 'chart');
    const app = new StatefulApp(chart, 'web', { replicas: 2, containers: [{ name: 'c', image: 'nginx:1' }] });
    expect(fastPath(app.statefulSet)).toBeUndefined();
    expect(app.statefulSet.toJson().spec.template.spec.containers[0].image).toBe('nginx:2');
  });

  test('CDK8S_DISABLE_SORT keeps the insertion order, as cdk8s does', () => {
    const chart = new Chart(new App(), 'chart');
    const app = new StatefulApp(chart, 'web', { replicas: 2, containers: [{ name: 'c', image: 'nginx:1', resources: { requests: { memory: '1Gi', cpu: '1' } } }] });
    const sorted = JSON.stringify(app.statefulSet.toJson());
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const unsorted = app.statefulSet.toJson();
      expect(JSON.stringify(unsorted)).toBe(JSON.stringify(l1Json(app.statefulSet)));
      expect(Object.keys(unsorted.spec.template.spec.containers[0].resources.requests)).toEqual(['memory', 'cpu']);
      expect(Object.keys(JSON.parse(sorted).spec.template.spec.containers[0].resources.requests)).toEqual(['cpu', 'memory']);
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('values cdk8s refuses are refused with its own message', () => {
    const chart = new Chart(new App(), 'chart');
    const app = new StatefulApp(chart, 'web', { replicas: 2, containers: [{ name: 'c', image: 'nginx:1' }] });
    app.statefulSet.metadata.addLabel('odd', new Date(0) as any);
    expect(() => app.statefulSet.toJson()).toThrow("Failed serializing construct at path 'chart/web/Resource' with name 'web': Error: can't render non-simple object of type 'Date'");
  });

  test('objects of one shape are built by its plan: each gives the L1 JSON text of its own values', () => {
    const chart = new Chart(new App(), 'chart');
    const apps = Array.from({ length: 40 }, (_, i) => new StatefulApp(chart, `app-${i}`, {
      replicas: 1 + (i % 5),
      containers: [{ name: 'main', image: `registry.example.com/app-${i}:1.${i}`, ports: [{ name: 'http', containerPort: 8000 + i }] }],
      // every fourth app has another shape (labels and an env var more)
      ...(i % 4 === 0 ? { labels: { tier: `t${i}` } } : {}),
    }));
    apps[3].statefulSet.metadata.addLabel('z-added', 'later');
    for (const app of apps) {
      for (const o of [app.statefulSet, app.service]) {
        expect({ path: o.node.path, json: JSON.stringify(fastJson(o)) }).toEqual({ path: o.node.path, json: JSON.stringify(l1Json(o)) });
      }
    }
    expect(apps[7].statefulSet.toJson().spec.template.spec.containers[0]).toMatchObject({ image: 'registry.example.com/app-7:1.7', ports: [{ containerPort: 8007, name: 'http' }] });
    // props changed after a first rendering take their own shape
    (apps[9].service as any).props.spec.publishNotReadyAddresses = true;
    expect(apps[9].service.toJson().spec.publishNotReadyAddresses).toBe(true);
    expect(JSON.stringify(fastJson(apps[9].service))).toBe(JSON.stringify(l1Json(apps[9].service)));
  });

  test('a shape whose mapper reads into a scalar keeps the mapper (a string where the L1 type has a map)', () => {
    const chart = new Chart(new App(), 'chart');
    // the L1 mapper turns a string selector into its characters: no plan reproduces that, the mapper runs
    const services = ['', 'ab', 'xyz', 'uvw', 'pqrs'].map((selector, i) => new FastKubeService(chart, `s${i}`, { metadata: { name: `s${i}` }, spec: { selector: selector as any } }));
    for (const o of services) expect(JSON.stringify(fastJson(o))).toBe(JSON.stringify(l1Json(o)));
    expect(services[2].toJson().spec.selector).toEqual({ 0: 'x', 1: 'y', 2: 'z' });
    // a "__proto__" key: whatever cdk8s makes of it (its sanitizer assigns it, which sets no key)
    const odd = new FastKubeService(chart, 'odd', { metadata: { name: 'odd' }, spec: { selector: JSON.parse('{"__proto__": "x", "a": "b"}') } });
    for (let i = 0; i < 3; i++) expect(JSON.stringify(fastJson(odd))).toBe(JSON.stringify(l1Json(odd)));
    expect(Object.keys(odd.toJson().spec.selector)).toEqual(['a']);
  });

  test('the metadata rendering equals cdk8s\'s: sorted keys, empty arrays and objects dropped, any attribute', () => {
    const chart = new Chart(new App(), 'chart');
    const cases = [
      { name: 'a' },
      { name: 'b', labels: {}, annotations: {}, finalizers: [], ownerReferences: [] },
      { name: 'c', namespace: 'ns', labels: { z: '1', a: '2', m: '' }, annotations: { 'x/y': 'v' }, finalizers: ['f/one'] },
      { name: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u', controller: true }] },
      { name: 'e', generateName: 'e-', resourceVersion: '7', extra: { nested: {}, list: [] }, deletionGracePeriodSeconds: 0 },
    ];
    for (const [i, metadata] of cases.entries()) {
      const o = new FastKubeService(chart, `m${i}`, { metadata: metadata as any, spec: {} });
      expect({ i, json: JSON.stringify(fastMetadataJson(o.metadata)) }).toEqual({ i, json: JSON.stringify(o.metadata.toJson()) });
      expect(JSON.stringify(fastJson(o))).toBe(JSON.stringify(l1Json(o)));
    }
    const lazy = new FastKubeService(chart, 'lazy', { metadata: { name: 'lazy', labels: { l: Lazy.any({ produce: () => 'v' }) as any } } });
    expect(fastMetadataJson(lazy.metadata)).toBeUndefined();
    expect(lazy.toJson().metadata.labels).toEqual({ l: 'v' });
  });

  test('random props of one StatefulSet shape and of random shapes: every object gives the L1 JSON text, plans made and reused', () => {
    const chart = new Chart(new App(), 'chart');
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const port = fc.oneof(fc.integer({ min: 1, max: 65535 }).map(n => k8s.IntOrString.fromNumber(n)), label.map(n => k8s.IntOrString.fromString(n)));
    const quantity = fc.oneof(fc.constantFrom('1', '500m', '2Gi', '0.5').map(q => k8s.Quantity.fromString(q)), fc.integer({ min: 0, max: 64 }).map(n => k8s.Quantity.fromNumber(n)));
    const container = fc.record({
      name: label,
      image: fc.constantFrom('nginx:1', 'registry.example.com/a/b:2', 'yes', '1.5'),
      args: fc.option(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), { nil: undefined }),
      ports: fc.option(fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), name: fc.option(label, { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
      resources: fc.option(fc.record({ requests: fc.dictionary(fc.constantFrom('cpu', 'memory'), quantity) }), { nil: undefined }),
      readinessProbe: fc.option(fc.record({ tcpSocket: fc.record({ port }), periodSeconds: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }) }), { nil: undefined }),
      securityContext: fc.option(fc.record({ runAsNonRoot: fc.boolean(), runAsUser: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }) }), { nil: undefined }),
    }, { requiredKeys: ['name', 'image'] });
    const statefulSet = fc.record({
      labels: fc.dictionary(fc.constantFrom('app', 'tier', 'example.com/x', 'a.b/c'), label, { maxKeys: 3 }),
      replicas: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
      partition: fc.option(fc.integer({ min: 0, max: 2147483647 }), { nil: undefined }),
    });
    let n = 0;
    const check = (props: any) => {
      const name = `s${n++}`;
      const labels = { 'app.kubernetes.io/name': name, ...props.labels };
      const sts = new FastKubeStatefulSet(chart, `sts-${name}`, {
        metadata: { name, labels },
        spec: {
          serviceName: name,
          replicas: props.replicas,
          selector: { matchLabels: { 'app.kubernetes.io/name': name } },
          template: { metadata: { labels }, spec: { containers: props.containers } },
          updateStrategy: props.partition === undefined ? undefined : { type: 'RollingUpdate', rollingUpdate: { partition: props.partition } },
        },
      });
      const svc = new FastKubeService(chart, `svc-${name}`, { metadata: { name, labels }, spec: { clusterIp: 'None', selector: labels, ports: [{ name: 'p', port: 80, targetPort: props.containers[0].readinessProbe?.tcpSocket.port }] } });
      for (const o of [sts, svc]) {
        // twice each: the second rendering of a shape makes its plan, the third uses it
        for (let i = 0; i < 3; i++) expect(JSON.stringify(fastJson(o))).toBe(JSON.stringify(l1Json(o)));
      }
      return true;
    };
    fc.assert(fc.property(statefulSet, check), { seed: 11, numRuns: 300 });
    // one shape, many values: one plan serves them all
    const one = fc.sample(statefulSet, { seed: 12, numRuns: 1 })[0];
    for (let i = 0; i < 50; i++) {
      check({ ...one, replicas: i % 9, containers: one.containers.map((c: any) => ({ ...c, image: `img-${i}:${i}` })) });
    }
  });

  test('the mapper runs for the first two objects of a shape and not for the later ones', () => {
    const mapper = jest.spyOn(k8s, 'toJson_KubeServiceProps');
    try {
      const chart = new Chart(new App(), 'chart');
      const make = (i: number) => new FastKubeService(chart, `svc-${i}`, { metadata: { name: `svc-${i}` }, spec: { clusterIp: 'None', ports: [{ port: 8000 + i }] } });
      const calls: number[] = [];
      for (let i = 0; i < 5; i++) {
        const o = make(i);
        const before = mapper.mock.calls.length;
        expect(o.toJson().spec.ports).toEqual([{ port: 8000 + i }]);
        calls.push(mapper.mock.calls.length - before);
      }
      // once for the JSON of the first; twice for the second (its JSON, then over markers); then never
      expect(calls).toEqual([1, 2, 0, 0, 0]);
    } finally {
      mapper.mockRestore();
    }
  });
});
