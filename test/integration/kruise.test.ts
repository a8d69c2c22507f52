import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  KruisePodUpdatePolicy, PercentOrAbsolute, PodManagementPolicy, RolloutPlan, StageSize, StatefulApp, StatefulAppProps,
  StatefulSetBackend, StatefulSetUpdateStrategy, UpdatePriority,
} from '../../src';
import { schemaProblems } from '../support/k8s-schema';
import { kustomizeBuild } from '../support/kustomize';
import { stagedApp } from '../support/synth';

const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

const base: StatefulAppProps = {
  name: 'vote',
  replicas: 5,
  selectorLabels: { app: 'vote' },
  podManagementPolicy: PodManagementPolicy.PARALLEL,
  containers: [{ name: 'main', image: 'alpine:3.18.0', command: ['sleep', '3600'] }],
};

function synth(props: StatefulAppProps) {
  const chart = Testing.chart();
  new StatefulApp(chart, 'app', props);
  const objects = Testing.synth(chart);
  return { objects, sts: objects.find(o => o.kind === 'StatefulSet') };
}

describe('the OpenKruise backend', () => {
  test('every option lands in the Advanced StatefulSet, and it validates against the CRD', () => {
    const { objects, sts } = synth({
      ...base,
      ordinalsStart: 1,
      revisionHistoryLimit: 3,
      volumeClaimTemplates: [{ name: 'data', storage: '1Gi' }],
      containers: [{ name: 'main', image: 'alpine:3.18.0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ partition: 2, maxUnavailable: PercentOrAbsolute.percent(40) }),
      backend: StatefulSetBackend.kruise({
        podUpdatePolicy: KruisePodUpdatePolicy.IN_PLACE_ONLY,
        inPlaceGracePeriodSeconds: 10,
        paused: true,
        minReadySeconds: 30,
        reserveOrdinals: ['2', '7-8'],
        priority: UpdatePriority.order(['example.com/rank']),
      }),
    });
    expect(sts).toEqual({
      apiVersion: 'apps.kruise.io/v1beta1',
      kind: 'StatefulSet',
      metadata: { name: 'vote', labels: { app: 'vote' } },
      spec: {
        serviceName: 'vote',
        replicas: 5,
        selector: { matchLabels: { app: 'vote' } },
        podManagementPolicy: 'Parallel',
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            partition: 2,
            maxUnavailable: '40%',
            minReadySeconds: 30,
            paused: true,
            podUpdatePolicy: 'InPlaceOnly',
            inPlaceUpdateStrategy: { gracePeriodSeconds: 10 },
            unorderedUpdate: { priorityStrategy: { orderPriority: [{ orderedKey: 'example.com/rank' }] } },
          },
        },
        ordinals: { start: 1 },
        reserveOrdinals: [2, '7-8'],
        revisionHistoryLimit: 3,
        template: {
          metadata: { labels: { app: 'vote' } },
          spec: {
            readinessGates: [{ conditionType: 'InPlaceUpdateReady' }],
            containers: [{ name: 'main', image: 'alpine:3.18.0', volumeMounts: [{ name: 'data', mountPath: '/data' }], securityContext: restricted }],
          },
        },
        volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    expect(schemaProblems(objects)).toEqual([]);
  });

  test('no readiness gate without an in-place policy; no rollingUpdate without options', () => {
    const { sts } = synth({ ...base, backend: StatefulSetBackend.kruise() });
    expect(sts.spec.template.spec.readinessGates).toBeUndefined();
    expect(sts.spec.updateStrategy).toBeUndefined();
  });

  test('unknown fields in the pod template are refused, and the check would catch them in the output', () => {
    expect(() => synth({ ...base, containers: [{ name: 'main', image: 'a', bogus: 1 } as any], backend: StatefulSetBackend.kruise() })).toThrow('containers[0].bogus (1) is not a known field: allowed are ');
    const { objects, sts } = synth({ ...base, containers: [{ name: 'main', image: 'a' }], backend: StatefulSetBackend.kruise() });
    expect(sts.spec.template.spec.containers).toEqual([{ name: 'main', image: 'a', securityContext: restricted }]);
    const tampered = JSON.parse(JSON.stringify(objects));
    tampered[1].spec.template.spec.containers[0].bogus = 1;
    tampered[1].spec.surprise = true;
    expect(schemaProblems(tampered)).toEqual([
      'apps.kruise.io/v1beta1/StatefulSet vote: /spec must NOT have additional properties (surprise)',
      'Object literal may only specify known properties, and \'"bogus"\' does not exist in type \'IContainer\'.',
    ]);
  });

  test('percentages of 5 and 7 replicas resolve to whole partitions, previewed by priority', () => {
    const plan = RolloutPlan.canary({ steps: [StageSize.percent(50)] });
    const weight = UpdatePriority.weight([{ weight: 100, matchLabels: { role: 'follower' } }]);
    const five = new StatefulApp(Testing.chart(), 'a', { ...base, rollout: { plan }, backend: StatefulSetBackend.kruise({ priority: weight, previewPodLabels: [{ ordinal: 0, labels: { role: 'follower' } }, { ordinal: 2, labels: { role: 'follower' } }] }) });
    expect(five.stages!.map(s => [s.name, s.partition, s.updatedOrdinals])).toEqual([
      ['hold', 2147483647, []],
      ['canary', 4, [2]],
      ['percent-50', 2, [0, 2, 4]],
      ['complete', 0, [0, 1, 2, 3, 4]],
    ]);
    const seven = new StatefulApp(Testing.chart(), 'a', { ...base, replicas: 7, rollout: { plan }, backend: StatefulSetBackend.kruise({ reserveOrdinals: ['3'] }) });
    expect(seven.podOrdinals).toEqual([0, 1, 2, 4, 5, 6, 7]);
    expect(seven.stages!.map(s => [s.name, s.partition, s.updatedOrdinals])).toEqual([
      ['hold', 2147483647, []],
      ['canary', 6, [7]],
      ['percent-50', 3, [4, 5, 6, 7]],
      ['complete', 0, [0, 1, 2, 4, 5, 6, 7]],
    ]);
  });

  test('the staged tree patches the Kruise partition, builds with kustomize, and previews the pods', () => {
    const { app, outdir } = stagedApp({
      ...base,
      podLabels: { working: 'false' },
      backend: StatefulSetBackend.kruise({
        priority: UpdatePriority.weight([{ weight: 30, matchLabels: { working: 'true' } }, { weight: 50, matchLabels: { working: 'false' } }]),
        previewPodLabels: [0, 2, 4].map(ordinal => ({ ordinal, labels: { working: 'true' } })),
        reserveOrdinals: ['1'],
      }),
      rollout: { plan: RolloutPlan.fromStages([{ name: 'idle', size: StageSize.pods(2) }]) },
    });
    app.synth();
    const root = path.join(outdir, 'vote');
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'plan.json'), 'utf-8'));
    expect(plan.apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(plan.podOrdinals).toEqual([0, 2, 3, 4, 5]);
    // weights: 3 and 5 are idle (50), 0, 2, 4 working (30); ties by descending ordinal
    expect(plan.stages.map((s: any) => [s.name, s.partition, s.updatedPods])).toEqual([
      ['hold', 2147483647, []],
      ['idle', 3, ['vote-3', 'vote-5']],
      ['complete', 0, ['vote-0', 'vote-2', 'vote-3', 'vote-4', 'vote-5']],
    ]);
    expect(plan.previewNotes).toEqual(['OpenKruise Advanced StatefulSet: the partition is the number of pods kept on the old revision; pods update in the order vote-5, vote-3, vote-4, vote-2, vote-0 (weightPriority: higher summed weight first, ties by descending ordinal; labels declared for the preview: vote-0 working=true; vote-2 working=true; vote-4 working=true); reserved ordinals 1 are skipped.']);
    expect(fs.readFileSync(path.join(root, 'stages', '01-idle', 'kustomization.yaml'), 'utf-8')).toContain('      group: apps.kruise.io\n      version: v1beta1\n      kind: StatefulSet\n');
    for (const stage of plan.stages) {
      const built = kustomizeBuild(path.join(root, stage.directory));
      const sts = built.find(o => o.kind === 'StatefulSet');
      expect(sts.apiVersion).toBe('apps.kruise.io/v1beta1');
      expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(stage.partition);
      expect(schemaProblems(built)).toEqual([]);
    }
  });
});

describe('Kruise webhook rules', () => {
  const weight = UpdatePriority.weight([{ weight: 10, matchLabels: { a: 'b' } }]);
  test.each<[string, () => unknown, string]>([
    ['fails weightPriority without Parallel', () => new StatefulApp(Testing.chart(), 'a', { ...base, podManagementPolicy: PodManagementPolicy.ORDERED_READY, backend: StatefulSetBackend.kruise({ priority: weight }) }),
      'kruise.priority weightPriority (unorderedUpdate) needs podManagementPolicy Parallel (got "OrderedReady"): Kruise\'s webhook refuses unorderedUpdate otherwise'],
    ['fails orderPriority without a policy (OrderedReady by default)', () => new StatefulApp(Testing.chart(), 'a', { ...base, podManagementPolicy: undefined, backend: StatefulSetBackend.kruise({ priority: UpdatePriority.order(['rank']) }) }),
      'kruise.priority orderPriority (unorderedUpdate) needs podManagementPolicy Parallel (got "OrderedReady"): Kruise\'s webhook refuses unorderedUpdate otherwise'],
    ['fails a weight over 100', () => UpdatePriority.weight([{ weight: 101, matchLabels: { a: 'b' } }]), 'priority.weight[0].weight (101) must be an integer between 0 and 100'],
    ['fails a negative weight', () => UpdatePriority.weight([{ weight: -1, matchLabels: { a: 'b' } }]), 'priority.weight[0].weight (-1) must be an integer between 0 and 100'],
    ['fails an empty selector', () => UpdatePriority.weight([{ weight: 10, matchLabels: {} }]), 'priority.weight[0].matchLabels ({}) must not be empty: Kruise refuses an empty selector'],
    ['fails no weight terms', () => UpdatePriority.weight([]), 'priority weight terms ([]) must list at least one term'],
    ['fails an empty ordered key', () => UpdatePriority.order(['']), 'priority.order[0] ("") must be a non-empty label key'],
    ['fails maxUnavailable 2 without Parallel', () => new StatefulApp(Testing.chart(), 'a', { ...base, podManagementPolicy: PodManagementPolicy.ORDERED_READY, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(2) }), backend: StatefulSetBackend.kruise() }),
      'updateStrategy.rollingUpdate.maxUnavailable (2) needs podManagementPolicy Parallel unless it is 1 (got "OrderedReady"): Kruise\'s webhook refuses it otherwise'],
    ['fails maxUnavailable 100% without Parallel', () => new StatefulApp(Testing.chart(), 'a', { ...base, podManagementPolicy: undefined, updateStrategy: StatefulSetUpdateStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(100) }), backend: StatefulSetBackend.kruise() }),
      'updateStrategy.rollingUpdate.maxUnavailable (100%) needs podManagementPolicy Parallel unless it is 1 (got "OrderedReady"): Kruise\'s webhook refuses it otherwise'],
    ['fails rollingUpdate.minReadySeconds over 300', () => StatefulSetBackend.kruise({ minReadySeconds: 301 }), 'kruise.minReadySeconds (301) must be an integer between 0 and 300'],
    ['fails spec-level minReadySeconds', () => new StatefulApp(Testing.chart(), 'a', { ...base, minReadySeconds: 10, backend: StatefulSetBackend.kruise() }),
      'minReadySeconds (10) is not a field of the Advanced StatefulSet: use StatefulSetBackend.kruise({ minReadySeconds }) (rollingUpdate.minReadySeconds, 0 to 300)'],
    ['fails a negative in-place grace period', () => StatefulSetBackend.kruise({ podUpdatePolicy: KruisePodUpdatePolicy.IN_PLACE_ONLY, inPlaceGracePeriodSeconds: -1 }), 'kruise.inPlaceGracePeriodSeconds (-1) must be an integer between 0 and 2147483647'],
    ['fails a grace period without in-place updates', () => StatefulSetBackend.kruise({ inPlaceGracePeriodSeconds: 5 }), 'kruise.inPlaceGracePeriodSeconds (5) needs podUpdatePolicy InPlaceIfPossible or InPlaceOnly (got "ReCreate")'],
    ['fails an unknown podUpdatePolicy', () => StatefulSetBackend.kruise({ podUpdatePolicy: 'Rolling' as any }), 'kruise.podUpdatePolicy ("Rolling") must be one of "ReCreate", "InPlaceIfPossible", "InPlaceOnly"'],
    ['fails a reversed reserve range', () => StatefulSetBackend.kruise({ reserveOrdinals: ['5-3'] }), 'kruise.reserveOrdinals[0] ("5-3") must be an ordinal such as "3" or a range "a-b" with a <= b, at most 2147483647'],
    ['fails a negative reserved ordinal', () => StatefulSetBackend.kruise({ reserveOrdinals: ['-1'] }), 'kruise.reserveOrdinals[0] ("-1") must be an ordinal such as "3" or a range "a-b" with a <= b, at most 2147483647'],
    ['fails preview labels for a pod that does not exist', () => new StatefulApp(Testing.chart(), 'a', { ...base, backend: StatefulSetBackend.kruise({ reserveOrdinals: ['1'], previewPodLabels: [{ ordinal: 1, labels: { a: 'b' } }] }) }),
      'kruise.previewPodLabels ordinal (1) is not a pod of vote: the pods are 0, 2, 3, 4, 5'],
    ['fails unorderedUpdate false with a priority', () => StatefulSetBackend.kruise({ unorderedUpdate: false, priority: weight }), 'kruise.unorderedUpdate (false) cannot be combined with a priority: the priority strategy lives in unorderedUpdate'],
    ['fails OnDelete with Kruise rolling options', () => new StatefulApp(new Chart(Testing.app(), 'c'), 'a', { ...base, updateStrategy: StatefulSetUpdateStrategy.onDelete(), backend: StatefulSetBackend.kruise({ paused: true }) }),
      'updateStrategy (OnDelete) cannot carry Kruise rollingUpdate options (priority, podUpdatePolicy, paused, minReadySeconds): use RollingUpdate'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(new Error(message));
  });
});
