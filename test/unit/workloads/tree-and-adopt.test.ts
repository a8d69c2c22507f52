import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { AdoptedStatefulSet, PercentOrAbsolute, RolloutPlan, StagedApp, StatefulApp, StatefulAppProps } from '../../../src';
import { synthReporting } from '../../../src/app/synth-or-exit';
import { templateChanges } from '../../../src/core/revision';
import { readTree, tempDir } from '../../support/synth';

const containers = [{ name: 'main', image: 'nginx:1.27', ports: [{ name: 'web', containerPort: 8080 }] }];
const app = (props: Partial<StatefulAppProps>) => new StatefulApp(new Chart(Testing.app(), 'c'), 'db', { containers, rollout: { plan: RolloutPlan.canary() }, ...props });
const sts = (spec: any, metadata: any = { name: 'db' }, apiVersion = 'apps/v1') => ({
  apiVersion,
  kind: 'StatefulSet',
  metadata,
  spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } }, ...spec },
});
const adopt = (object: any) => {
  const chart = new Chart(Testing.app(), 'c');
  return new AdoptedStatefulSet(chart, 'adopt', { statefulSet: new ApiObject(chart, 'sts', object), plan: RolloutPlan.canary() });
};

describe('companion objects', () => {
  test('PodDisruptionBudget, client Service and ServiceAccount: exact fields, serviceAccountName follows', () => {
    const a = app({
      podDisruptionBudget: { maxUnavailable: PercentOrAbsolute.percent(25) },
      clientService: {},
      serviceAccount: { automountServiceAccountToken: false, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/db' } },
    });
    const labels = { 'app.kubernetes.io/name': 'db' };
    expect(a.podDisruptionBudget!.toJson()).toEqual({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', labels }, spec: { maxUnavailable: '25%', selector: { matchLabels: labels } } });
    expect(a.clientService!.toJson()).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db-client', labels }, spec: { selector: labels, ports: [{ name: 'web', port: 8080, targetPort: 'web' }] } });
    expect(a.serviceAccount!.toJson()).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'db', labels, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/db' } }, automountServiceAccountToken: false });
    expect(a.statefulSet.toJson().spec.template.spec.serviceAccountName).toBe('db');
  });

  test.each([
    ['neither', { podDisruptionBudget: {} }, 'podDisruptionBudget (minAvailable undefined, maxUnavailable undefined) must set exactly one of minAvailable and maxUnavailable'],
    ['both', { podDisruptionBudget: { minAvailable: PercentOrAbsolute.absolute(1), maxUnavailable: PercentOrAbsolute.absolute(1) } }, 'podDisruptionBudget (minAvailable "1", maxUnavailable "1") must set exactly one of minAvailable and maxUnavailable'],
    ['over 100%', { podDisruptionBudget: { minAvailable: PercentOrAbsolute.percent(150) } }, 'podDisruptionBudget.minAvailable (150%) must not be greater than 100%'],
    ['a bad policy', { podDisruptionBudget: { maxUnavailable: PercentOrAbsolute.absolute(1), unhealthyPodEvictionPolicy: 'Sometimes' as any } }, 'podDisruptionBudget.unhealthyPodEvictionPolicy ("Sometimes") must be one of'],
    ['a bad PDB name', { podDisruptionBudget: { name: 'Bad_Name', maxUnavailable: PercentOrAbsolute.absolute(1) } }, 'podDisruptionBudget.name ("Bad_Name")'],
    ['the headless name', { clientService: { name: 'db' } }, 'clientService.name ("db") must differ from the headless Service\'s name ("db")'],
    ['a bad client type', { clientService: { type: 'External' as any } }, 'clientService.type ("External") must be one of'],
    ['a nodePort on ClusterIP', { clientService: { ports: [{ port: 80, nodePort: 30080 }] } }, 'clientService.ports[0].nodePort (30080) needs service.type NodePort or LoadBalancer'],
    ['two account names', { serviceAccount: { name: 'db' }, serviceAccountName: 'other' }, 'serviceAccountName ("other") must be the created serviceAccount.name ("db") or unset'],
  ])('fails with %s', (_what, props, message) => {
    expect(() => app(props as any)).toThrow(message);
  });
});

describe('addToTree', () => {
  const synth = (build: (chart: Chart) => void) => {
    const outdir = path.join(tempDir(), 'dist');
    const a = new StagedApp({ outdir, stateDirectory: path.join(path.dirname(outdir), 'state') });
    build(new Chart(a, 'chart'));
    a.synth();
    return readTree(outdir);
  };

  test('an object created elsewhere goes into base/ and out of the chart manifest; one inside the scope is there already', () => {
    const files = synth(chart => {
      const a = new StatefulApp(chart, 'db', { containers, rollout: { plan: RolloutPlan.canary() } });
      const policy = new k8s.KubeNetworkPolicy(chart, 'policy', { metadata: { name: 'db' }, spec: { podSelector: { matchLabels: a.selectorLabels } } });
      new k8s.KubeConfigMap(a, 'inside', { metadata: { name: 'inside' } });
      new k8s.KubeConfigMap(chart, 'outside', { metadata: { name: 'outside' } });
      a.addToTree(policy, policy);
    });
    expect(Object.keys(files).filter(f => f.startsWith('db/base/')).sort()).toEqual([
      'db/base/configmap-inside.yaml', 'db/base/kustomization.yaml', 'db/base/networkpolicy-db.yaml', 'db/base/service-db.yaml', 'db/base/statefulset-db.yaml',
    ]);
    expect(files['chart.k8s.yaml']).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n');
  });

  test('an object in two trees is refused, naming both', () => {
    expect(() => synth(chart => {
      const a = new StatefulApp(chart, 'a', { containers, rollout: { plan: RolloutPlan.canary() } });
      const b = new StatefulApp(chart, 'b', { containers, rollout: { plan: RolloutPlan.canary() } });
      const config = new k8s.KubeConfigMap(chart, 'shared', { metadata: { name: 'shared' } });
      a.addToTree(config);
      b.addToTree(config);
    })).toThrow('the object ConfigMap "shared" (chart/shared) is in the trees of two rollouts, "a" and "b"');
  });

  test('fails without a rollout, and for what is not an ApiObject', () => {
    expect(() => app({ rollout: undefined }).addToTree(new k8s.KubeConfigMap(new Chart(Testing.app(), 'x'), 'c'))).toThrow('addToTree on c/db needs a rollout');
    expect(() => app({}).addToTree({ kind: 'ConfigMap' } as any)).toThrow('addToTree objects[0] (Object) must be a cdk8s ApiObject');
  });
});

describe('AdoptedStatefulSet', () => {
  test('defaults: replicas 1 as Kubernetes, ordinals.start 0; the hold partition added under an existing rollingUpdate', () => {
    const a = adopt(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }));
    expect([a.replicas, a.ordinalsStart, a.stages.map(s => s.partition)]).toEqual([1, 0, [2147483647, 0]]);
    expect(a.statefulSet.toJson().spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, partition: 2147483647 } });
  });

  test('an Advanced StatefulSet: the Kruise kind and its preview note', () => {
    const a = adopt(sts({ replicas: 3, ordinals: { start: 5 } }, { name: 'db' }, 'apps.kruise.io/v1beta1'));
    expect(a._stagedSource().kind).toBe('kruise-statefulset');
    expect(a.podOrdinals).toEqual([5, 6, 7]);
    expect(a.statefulSet.toJson().spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2147483647 } });
  });

  test.each([
    ['an empty name', sts({}, { name: '' }), 'statefulSet c/sts: metadata.name ("") must be set'],
    ['a Deployment', { ...sts({}), kind: 'Deployment' }, 'statefulSet c/sts: apiVersion and kind ("apps/v1", "Deployment") must be apps/v1 or apps.kruise.io/v1beta1, StatefulSet'],
    ['bad replicas', sts({ replicas: -1 }), 'spec.replicas (-1) must be a whole number >= 0 (absent, Kubernetes defaults it to 1)'],
    ['no serviceName', sts({ serviceName: undefined }), 'spec.serviceName (undefined) must name the headless Service'],
    ['no selector', sts({ selector: {} }), 'spec.selector ({}) must select the pods with matchLabels or matchExpressions'],
    ['OnDelete', sts({ updateStrategy: { type: 'OnDelete' } }), 'spec.updateStrategy.type ("OnDelete") must be RollingUpdate'],
    ['a partition', sts({ updateStrategy: { rollingUpdate: { partition: 2 } } }), 'spec.updateStrategy.rollingUpdate.partition (2) must be 0 or absent'],
    ['reserveOrdinals', { ...sts({ reserveOrdinals: [1] }), apiVersion: 'apps.kruise.io/v1beta1' }, 'must be absent to adopt an Advanced StatefulSet'],
  ])('fails with %s', (_what, object, message) => {
    expect(() => adopt(object)).toThrow(message);
  });

  test('a partition of 0 is replaced by the hold partition', () => {
    const a = adopt(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } }));
    expect(a.statefulSet.toJson().spec.updateStrategy.rollingUpdate).toEqual({ partition: 2147483647 });
  });
});

describe('frictions', () => {
  test('synthReporting: a refusal is one line "error: <message>", exit code 1; success 0', () => {
    const err: string[] = [];
    expect(synthReporting(() => { throw new Error('replicas (-1) must be >= 0'); }, t => err.push(t))).toBe(1);
    expect(err).toEqual(['error: replicas (-1) must be >= 0\n']);
    expect(synthReporting(() => undefined, t => err.push(t))).toBe(0);
    expect(() => synthReporting(() => { throw 'not an error'; }, t => err.push(t))).toThrow();
  });

  test('templateChanges names what differs besides the images', () => {
    const t = (env: any[], image = 'a:1', extra: any = {}) => ({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'main', image, env }], ...extra } });
    expect(templateChanges(t([{ name: 'A', value: '1' }]), t([{ name: 'A', value: '2' }]))).toEqual(['env of main changed']);
    expect(templateChanges(t([], 'a:1'), t([], 'a:2'))).toEqual([]);
    expect(templateChanges(t([]), t([], 'a:1', { nodeSelector: { disk: 'ssd' } }))).toEqual(['spec.nodeSelector changed']);
  });

  test('an env-only change reads differently on both sides of the new-rollout note', () => {
    const outdir = path.join(tempDir(), 'dist');
    const stateDirectory = path.join(path.dirname(outdir), 'state');
    const once = (value: string) => {
      const a = new StagedApp({ outdir, stateDirectory });
      new StatefulApp(new Chart(a, 'c'), 'db', { containers: [{ ...containers[0], env: [{ name: 'MODE', value }] }], rollout: { plan: RolloutPlan.canary(), activeStage: value === 'a' ? 'complete' : undefined } });
      a.synth();
      return JSON.parse(readTree(outdir)['db/plan.json']).notes as string[];
    };
    once('a');
    const notes = once('b');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^New rollout: stable [0-9a-f]{10} \(main=nginx:1\.27\), candidate [0-9a-f]{10} \(main=nginx:1\.27; env of main changed\)\. Nothing moves until a promotion\.$/);
  });
});
