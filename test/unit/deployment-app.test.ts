import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  DeploymentApp, DeploymentAppProps, DeploymentStrategy, PercentOrAbsolute, RolloutPlan, ServiceType, StageSize,
} from '../../src';
import { resolveFenceposts } from '../../src/core/fenceposts';
import { schemaProblems } from '../support/k8s-schema';

const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const abs = PercentOrAbsolute.absolute;
const pct = PercentOrAbsolute.percent;

function synth(props: Partial<DeploymentAppProps> = {}, id = 'api') {
  const chart = Testing.chart();
  const app = new DeploymentApp(chart, id, { containers: [{ name: 'api', image: 'api:1', ports: [{ name: 'http', containerPort: 8080 }] }], ...props });
  return { app, objects: Testing.synth(chart) };
}

describe('DeploymentApp without a rollout', () => {
  test('a Deployment and its Service, only the fields given, schema-valid', () => {
    const { objects } = synth({
      replicas: 3,
      minReadySeconds: 10,
      progressDeadlineSeconds: 120,
      revisionHistoryLimit: 5,
      strategy: DeploymentStrategy.rollingUpdate({ maxSurge: abs(1), maxUnavailable: abs(0) }),
    });
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'api', labels: { 'app.kubernetes.io/name': 'api' } },
        spec: { selector: { 'app.kubernetes.io/name': 'api' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', labels: { 'app.kubernetes.io/name': 'api' } },
        spec: {
          replicas: 3,
          minReadySeconds: 10,
          progressDeadlineSeconds: 120,
          revisionHistoryLimit: 5,
          selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'api' } },
            spec: { containers: [{ name: 'api', image: 'api:1', ports: [{ name: 'http', containerPort: 8080 }], securityContext: restricted }] },
          },
        },
      },
    ]);
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('percentages and Recreate are written as the API spells them', () => {
    const rolling = synth({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: pct(50), maxUnavailable: pct(0) }) }).objects[1];
    expect(rolling.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: '0%' } });
    const recreate = synth({ strategy: DeploymentStrategy.recreate() }).objects[1];
    expect(recreate.spec.strategy).toEqual({ type: 'Recreate' });
    const defaults = synth({ strategy: DeploymentStrategy.rollingUpdate() }).objects[1];
    expect(defaults.spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(schemaProblems([rolling, recreate, defaults])).toEqual([]);
  });

  test('a LoadBalancer Service with a port mapped to another container port, and a readiness probe', () => {
    const { objects } = synth({
      service: { type: ServiceType.LOAD_BALANCER, ports: [{ port: 8000, targetPort: 8080, nodePort: 30080 }] },
      containers: [{ name: 'api', image: 'api:1', readinessProbe: { periodSeconds: 1, httpGet: { path: '/', port: k8s.IntOrString.fromNumber(8080) } } }],
    });
    expect(objects[0].spec).toEqual({ type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'api' }, ports: [{ port: 8000, targetPort: 8080, nodePort: 30080 }] });
    expect(objects[1].spec.template.spec.containers[0].readinessProbe).toEqual({ periodSeconds: 1, httpGet: { path: '/', port: 8080 } });
    expect(schemaProblems(objects)).toEqual([]);
  });
});

describe('rolling-update bounds: maxSurge rounds up, maxUnavailable rounds down (deploymentutil.ResolveFenceposts)', () => {
  test.each([
    // maxSurge, maxUnavailable, replicas -> surge, unavailable, max pods, min available
    [pct(25), pct(25), 10, 3, 2, 13, 8],
    [pct(25), pct(25), 3, 1, 0, 4, 3],
    [pct(25), pct(25), 1, 1, 0, 2, 1],
    [pct(50), pct(50), 3, 2, 1, 5, 2],
    [pct(10), pct(10), 5, 1, 0, 6, 5],
    [pct(0), pct(10), 5, 0, 1, 5, 4], // both resolve to 0: maxUnavailable becomes 1
    [pct(0), pct(30), 3, 0, 1, 3, 2],
    [abs(1), abs(0), 3, 1, 0, 4, 3],
    [abs(0), abs(1), 3, 0, 1, 3, 2],
    [abs(2), pct(100), 4, 2, 4, 6, 0],
    [pct(200), abs(0), 3, 6, 0, 9, 3],
    [abs(0), abs(5), 3, 0, 5, 3, 0],
  ])('maxSurge %s, maxUnavailable %s, %d replicas -> surge %d, unavailable %d (%d pods at most, %d available at least)',
    (surge, unavailable, replicas, s, u, maxPods, minAvailable) => {
      expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ maxSurge: s, maxUnavailable: u, maxPods, minAvailable });
    });

  test('unset fields are the Kubernetes defaults, 25% each; Recreate has no surge and no floor', () => {
    expect(DeploymentStrategy.rollingUpdate().resolve(10)).toEqual({ maxSurge: 3, maxUnavailable: 2, maxPods: 13, minAvailable: 8 });
    expect(DeploymentStrategy.rollingUpdate({ maxSurge: abs(0) }).resolve(4)).toEqual({ maxSurge: 0, maxUnavailable: 1, maxPods: 4, minAvailable: 3 });
    expect(DeploymentStrategy.recreate().resolve(3)).toEqual({ maxSurge: 0, maxUnavailable: 3, maxPods: 3, minAvailable: 0 });
  });
});

describe('DeploymentApp refuses what the API server refuses', () => {
  const c = [{ name: 'api', image: 'api:1', ports: [{ name: 'http', containerPort: 8080 }] }];
  test.each<[string, () => unknown, string]>([
    ['maxSurge 0 and maxUnavailable 0', () => DeploymentStrategy.rollingUpdate({ maxSurge: abs(0), maxUnavailable: abs(0) }),
      'strategy.rollingUpdate.maxUnavailable (0) may not be 0 when maxSurge is 0 (0): the update could neither add a pod nor remove one; allow a surge (such as 1) or some unavailability'],
    ['maxSurge 0% and maxUnavailable 0', () => DeploymentStrategy.rollingUpdate({ maxSurge: pct(0), maxUnavailable: abs(0) }),
      'strategy.rollingUpdate.maxUnavailable (0) may not be 0 when maxSurge is 0 (0%)'],
    ['maxUnavailable above 100%', () => DeploymentStrategy.rollingUpdate({ maxUnavailable: pct(101) }),
      'strategy.rollingUpdate.maxUnavailable (101%) must not be greater than 100%'],
    ['a maxSurge that is not a PercentOrAbsolute', () => DeploymentStrategy.rollingUpdate({ maxSurge: 1 as any }),
      'strategy.rollingUpdate.maxSurge (1) must be PercentOrAbsolute.absolute(n) or PercentOrAbsolute.percent(p)'],
    ['a negative count', () => abs(-1), 'count (-1) must be a whole number >= 0'],
    ['progressDeadlineSeconds equal to minReadySeconds', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, minReadySeconds: 30, progressDeadlineSeconds: 30 }),
      'progressDeadlineSeconds (30) must be greater than minReadySeconds (30): a pod must be able to become available before the deadline'],
    ['minReadySeconds 600 against the default deadline', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, minReadySeconds: 600 }),
      'progressDeadlineSeconds (600, the Kubernetes default) must be greater than minReadySeconds (600)'],
    ['progressDeadlineSeconds 0', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, progressDeadlineSeconds: 0 }),
      'progressDeadlineSeconds (0) must be an integer between 1 and 2147483647'],
    ['negative minReadySeconds', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, minReadySeconds: -1 }),
      'minReadySeconds (-1) must be an integer between 0 and 2147483647'],
    ['negative revisionHistoryLimit', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, revisionHistoryLimit: -2 }),
      'revisionHistoryLimit (-2) must be an integer between 0 and 2147483647'],
    ['a strategy that is not a DeploymentStrategy', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, strategy: { type: 'Recreate' } as any }),
      'strategy ({"type":"Recreate"}) must be DeploymentStrategy.rollingUpdate({...}) or DeploymentStrategy.recreate()'],
    ['a name that is not a DNS label', () => new DeploymentApp(Testing.chart(), 'a', { name: 'Api', containers: c }), 'name ("Api") must be a DNS-1123 label'],
    ['no port to derive', () => new DeploymentApp(Testing.chart(), 'a', { containers: [{ name: 'api', image: 'api:1' }] }),
      'service.ports ([]) must list at least one port: no container port is named, so none can be derived'],
    ['two unnamed ports', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, service: { ports: [{ port: 80 }, { port: 81 }] } }),
      'service.ports[0].name (undefined) must be set: a Service with more than one port names each one'],
    ['a nodePort on a ClusterIP Service', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, service: { ports: [{ port: 80, nodePort: 30000 }] } }),
      'service.ports[0].nodePort (30000) needs service.type NodePort or LoadBalancer, not ClusterIP'],
    ['an unknown Service type', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, service: { type: 'External' as any } }),
      'service.type ("External") must be one of'],
    ['a rollout with both canary and blueGreen', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { canary: {}, blueGreen: {} } }),
      'rollout (canary and blueGreen) must set exactly one of strategy (DeploymentRolloutStrategy.canary() or .blueGreen()), or the deprecated canary or blueGreen'],
    ['a rollout with neither', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: {} }),
      'rollout (neither strategy, canary nor blueGreen) must set exactly one of strategy (DeploymentRolloutStrategy.canary() or .blueGreen()), or the deprecated canary or blueGreen'],
    ['a track label that is a selector label', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, selectorLabels: { app: 'a', track: 'x' }, rollout: { canary: {} } }),
      'rollout.canary.trackLabel ("track") is already a selector or pod label: the rollout sets it on each Deployment\'s pods, so choose another key'],
    ['a colour label that is not a label key', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { blueGreen: { colorLabel: 'Bad Key' } } }),
      'rollout.blueGreen.colorLabel key ("Bad Key") must be a label key'],
    ['a canary named like the stable Deployment', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { canary: { canaryName: 'a' } } }),
      'rollout.canary.canaryName ("a") must differ from the stable Deployment\'s name'],
    ['a preview Service named like the Service', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { blueGreen: { previewServiceName: 'a' } } }),
      'rollout.blueGreen.previewServiceName ("a") must differ from the Service name'],
    ['a plan that is not a RolloutPlan', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { canary: { plan: {} as any } } }),
      'rollout.canary.plan ({}) must be a RolloutPlan such as RolloutPlan.canary()'],
    ['a pinned stage that is not in the plan', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { blueGreen: {}, activeStage: 'canary' } }),
      'rollout.activeStage ("canary") must be one of the plan\'s stages: "hold", "preview", "switch", "cleanup"'],
    ['a canary stage as large as replicas', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, replicas: 3, rollout: { canary: { plan: RolloutPlan.fromStages([{ name: 'all', size: StageSize.pods(3) }]) } } }),
      'stage "all" (3 pods) resolves to 3 of 3 pods on the new revision: a stage between hold and complete must update at least 1 and at most replicas - 1 (2) pods'],
    ['a rollout directory outside the output', () => new DeploymentApp(Testing.chart(), 'a', { containers: c, rollout: { canary: {}, directory: '../x' } }),
      'rollout.directory ("../x") must be a relative path below the output directory'],
  ])('fails %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
