import { RolloutPlan, StageSize } from '../../../src';

/**
 * The controller's rule, written again from kube-controller-manager's `newVersionedStatefulSetPod`:
 * a pod gets the update revision unless `ordinal < ordinals.start + partition`.
 */
function controllerUpdated(replicas: number, partition: number, start: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < replicas; i++) {
    const ordinal = start + i;
    const current = ordinal < start + partition;
    if (!current) out.push(ordinal);
  }
  return out;
}

const summary = (plan: RolloutPlan, replicas: number, start = 0) =>
  plan.resolve(replicas, start).map(s => `${s.directory}:${s.partition}:[${s.updatedOrdinals.join(',')}]`);

describe('RolloutPlan.resolve', () => {
  test('explicit stages of seed 002: hold -> partition 2 -> 1 -> 0', () => {
    const plan = RolloutPlan.fromStages([
      { name: 'canary', size: StageSize.pods(3) },
      { name: 'widen', size: StageSize.pods(4) },
    ]);
    expect(plan.resolve(5)).toEqual([
      { index: 0, name: 'hold', directory: 'stages/00-hold', partition: 2147483647, updatedOrdinals: [], size: 'hold' },
      { index: 1, name: 'canary', directory: 'stages/01-canary', partition: 2, updatedOrdinals: [2, 3, 4], size: '3 pods' },
      { index: 2, name: 'widen', directory: 'stages/02-widen', partition: 1, updatedOrdinals: [1, 2, 3, 4], size: '4 pods' },
      { index: 3, name: 'complete', directory: 'stages/03-complete', partition: 0, updatedOrdinals: [0, 1, 2, 3, 4], size: 'complete' },
    ]);
  });

  test('staged: hold then complete', () => {
    expect(summary(RolloutPlan.staged(), 3)).toEqual(['stages/00-hold:2147483647:[]', 'stages/01-complete:0:[0,1,2]']);
  });

  test('ordinals.start shifts the pods, not the partition', () => {
    expect(summary(RolloutPlan.canary(), 4, 3)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-canary:3:[6]',
      'stages/02-percent-50:2:[5,6]',
      'stages/03-complete:0:[3,4,5,6]',
    ]);
  });

  test('replicas 0: hold and complete, no pods', () => {
    expect(summary(RolloutPlan.staged(), 0)).toEqual(['stages/00-hold:2147483647:[]', 'stages/01-complete:0:[]']);
    expect(summary(RolloutPlan.canary(), 0)).toEqual(['stages/00-hold:2147483647:[]', 'stages/01-complete:0:[]']);
  });

  test('replicas 1: a generated canary has no room and keeps hold and complete', () => {
    expect(summary(RolloutPlan.canary(), 1, 5)).toEqual(['stages/00-hold:2147483647:[]', 'stages/01-complete:0:[5]']);
  });

  test('canary of 5 and 7 replicas with percentages', () => {
    const plan = RolloutPlan.canary({ steps: [StageSize.percent(25), StageSize.percent(50), StageSize.percent(75)] });
    expect(summary(plan, 5)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-canary:4:[4]',
      'stages/02-percent-25:3:[3,4]',
      'stages/03-percent-50:2:[2,3,4]',
      'stages/04-percent-75:1:[1,2,3,4]',
      'stages/05-complete:0:[0,1,2,3,4]',
    ]);
    expect(summary(plan, 7)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-canary:6:[6]',
      'stages/02-percent-25:5:[5,6]',
      'stages/03-percent-50:3:[3,4,5,6]',
      'stages/04-percent-75:1:[1,2,3,4,5,6]',
      'stages/05-complete:0:[0,1,2,3,4,5,6]',
    ]);
  });

  test('linear plans by pods and by percent', () => {
    expect(summary(RolloutPlan.linear({ step: StageSize.pods(2) }), 7)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-pods-2:5:[5,6]',
      'stages/02-pods-4:3:[3,4,5,6]',
      'stages/03-pods-6:1:[1,2,3,4,5,6]',
      'stages/04-complete:0:[0,1,2,3,4,5,6]',
    ]);
    // 25% steps of 3 replicas: 1, 2, then 75% -> 2 again (dropped)
    expect(summary(RolloutPlan.linear({ step: StageSize.percent(25) }), 3)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-percent-25:2:[2]',
      'stages/02-percent-50:1:[1,2]',
      'stages/03-complete:0:[0,1,2]',
    ]);
  });

  test('exponential plans', () => {
    expect(summary(RolloutPlan.exponential({ factor: 2 }), 10)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-pods-1:9:[9]',
      'stages/02-pods-2:8:[8,9]',
      'stages/03-pods-4:6:[6,7,8,9]',
      'stages/04-pods-8:2:[2,3,4,5,6,7,8,9]',
      'stages/05-complete:0:[0,1,2,3,4,5,6,7,8,9]',
    ]);
    expect(summary(RolloutPlan.exponential({ factor: 3, start: StageSize.percent(10) }), 20)).toEqual([
      'stages/00-hold:2147483647:[]',
      'stages/01-percent-10:18:[18,19]',
      'stages/02-percent-30:14:[14,15,16,17,18,19]',
      'stages/03-percent-90:2:[2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]',
      'stages/04-complete:0:[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]',
    ]);
  });

  test('stage directories are zero-padded to the widest index', () => {
    const stages = RolloutPlan.linear({ step: StageSize.pods(1) }).resolve(100);
    expect(stages[0].directory).toBe('stages/000-hold');
    expect(stages[100].directory).toBe('stages/100-complete');
  });

  test('every stage of many plans follows the controller rule', () => {
    const plans = [
      RolloutPlan.staged(),
      RolloutPlan.canary(),
      RolloutPlan.linear({ step: StageSize.percent(20) }),
      RolloutPlan.exponential({ factor: 2 }),
    ];
    let checked = 0;
    for (const plan of plans) {
      for (const replicas of [0, 1, 2, 5, 7, 12]) {
        for (const start of [0, 1, 5]) {
          const stages = plan.resolve(replicas, start);
          expect(stages[0].partition).toBe(RolloutPlan.HOLD_PARTITION);
          expect(stages[stages.length - 1].partition).toBe(0);
          for (const [i, s] of stages.entries()) {
            expect(s.updatedOrdinals).toEqual(controllerUpdated(replicas, s.partition, start));
            if (i > 0) expect(s.partition).toBeLessThan(stages[i - 1].partition);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(237);
  });
});

describe('bad plans', () => {
  test.each([
    ['fails an empty plan', () => RolloutPlan.fromStages([]).resolve(3),
      'stages ([]) must list at least one stage between hold and complete; use RolloutPlan.staged() for hold then complete'],
    ['fails a stage name used twice', () => RolloutPlan.fromStages([{ name: 'a', size: StageSize.pods(1) }, { name: 'a', size: StageSize.pods(2) }]).resolve(5),
      'stage name ("a") is used twice, by stages 1 and 2: stage names must be unique, and "hold" and "complete" are the plan\'s own first and last stages'],
    ['fails a stage named hold', () => RolloutPlan.fromStages([{ name: 'hold', size: StageSize.pods(1) }]).resolve(5),
      'stage name ("hold") is used twice, by stages 0 and 1: stage names must be unique, and "hold" and "complete" are the plan\'s own first and last stages'],
    ['fails partitions that do not strictly decrease', () => RolloutPlan.fromStages([{ name: 'a', size: StageSize.pods(3) }, { name: 'b', size: StageSize.pods(2) }]).resolve(5),
      'stage "b" (2 pods) resolves to partition 3 (2 of 5 pods on the new revision), a partition no lower than stage "a" (2): partitions must strictly decrease from hold to complete'],
    ['fails two stages with the same partition', () => RolloutPlan.fromStages([{ name: 'a', size: StageSize.percent(20) }, { name: 'b', size: StageSize.pods(1) }]).resolve(5),
      'stage "b" (1 pod) resolves to partition 4 (1 of 5 pods on the new revision), the same partition as stage "a" (4): partitions must strictly decrease from hold to complete'],
    ['fails a stage that updates every pod', () => RolloutPlan.fromStages([{ name: 'all', size: StageSize.pods(5) }]).resolve(5),
      'stage "all" (5 pods) resolves to 5 of 5 pods on the new revision: a stage between hold and complete must update at least 1 and at most replicas - 1 (4) pods'],
    ['fails a stage at 100%', () => RolloutPlan.fromStages([{ name: 'all', size: StageSize.percent(100) }]).resolve(5),
      'stage "all" (100%) resolves to 5 of 5 pods on the new revision: a stage between hold and complete must update at least 1 and at most replicas - 1 (4) pods'],
    ['fails a percentage with one replica', () => RolloutPlan.fromStages([{ name: 'half', size: StageSize.percent(50) }]).resolve(1),
      'stage "half" (50%) resolves to 0 of 1 pods on the new revision: a stage between hold and complete must update at least 1 and at most replicas - 1 (0) pods'],
    ['fails a stage name that is not a DNS label', () => RolloutPlan.fromStages([{ name: 'Canary_1', size: StageSize.pods(1) }]),
      'stages[0].name ("Canary_1") must be a DNS-1123 label: at most 63 lowercase alphanumeric characters or \'-\', starting and ending with an alphanumeric character'],
    ['fails a size that is not a StageSize', () => RolloutPlan.fromStages([{ name: 'a', size: '25%' as any }]),
      'stages[0].size ("25%") must be a StageSize such as StageSize.pods(1) or StageSize.percent(25)'],
    ['fails an exponential factor of 1', () => RolloutPlan.exponential({ factor: 1 }),
      'factor (1) must be a number greater than 1'],
    ['fails negative replicas', () => RolloutPlan.canary().resolve(-1),
      'replicas (-1) must be an integer between 0 and 10000'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(new Error(message));
  });
});

describe('one resolution per plan and replica count (a fleet shares one plan)', () => {
  test('the same stages each time; what a caller gets is its own (changing it changes no later resolve)', () => {
    const plan = RolloutPlan.canary();
    const first = plan.resolve(5);
    const names = first.map(s => `${s.name}:${s.partition}:${s.updatedOrdinals.join(',')}`);
    expect(names).toEqual(['hold:2147483647:', 'canary:4:4', 'percent-50:2:2,3,4', 'complete:0:0,1,2,3,4']);
    first.pop();
    first[1].updatedOrdinals.push(9);
    (first[1] as any).partition = 1;
    expect(Object.isExtensible(first[0])).toBe(true);
    expect(plan.resolve(5).map(s => `${s.name}:${s.partition}:${s.updatedOrdinals.join(',')}`)).toEqual(names);
    // another replica count or ordinals.start is its own resolution
    expect(plan.resolve(5, 3).map(s => s.updatedOrdinals.join(','))).toEqual(['', '7', '5,6,7', '3,4,5,6,7']);
    expect(plan.resolve(4).map(s => s.partition)).toEqual([2147483647, 3, 2, 0]);
  });
});
