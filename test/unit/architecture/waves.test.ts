import { RolloutPlan, StageSize } from '../../../src';
import { kindById } from '../../../src/core/kinds/registry';
import { PlanWave, revisionOf, RolloutState } from '../../../src/core/state';
import { CommittedRollout, promoteTransition, reviewTransition, ReviewedRollout, synthTransition } from '../../../src/core/state-machine';
import { checkPlanWaves } from '../../../src/core/wave-plan';
import { fleetStage, nextWaves, waveOrderViolation } from '../../../src/core/waves';

const stages = RolloutPlan.canary({ canary: StageSize.pods(1), steps: [StageSize.percent(50)] }).resolve(4);
const names = stages.map(s => s.name); // hold, canary, percent-50, complete
const wave = (name: string, activeStage: string, nextWaveAfter = 'complete'): PlanWave => ({ name, activeStage, nextWaveAfter, directory: `clusters/${name}` });
const committed = (waves: PlanWave[]): CommittedRollout => ({
  stages: names,
  activeStage: fleetStage(waves, names),
  waves,
  pinned: false,
  candidate: { revision: 'c1', images: { web: 'web:2' } },
  stable: revisionOf({ spec: { containers: [{ name: 'web', image: 'web:1' }] } }),
});

describe('waves: the rules as pure functions', () => {
  test('the fleet stage is the stage of the first wave not complete, or the last stage', () => {
    expect(fleetStage([wave('a', 'complete'), wave('b', 'canary'), wave('c', 'hold')], names)).toBe('canary');
    expect(fleetStage([wave('a', 'complete'), wave('b', 'complete')], names)).toBe('complete');
    expect(fleetStage([wave('a', 'hold'), wave('b', 'hold')], names)).toBe('hold');
  });

  test('order: a wave past the first stage needs the wave ahead at its nextWaveAfter', () => {
    expect(waveOrderViolation([wave('a', 'percent-50'), wave('b', 'canary')], names)).toEqual({ wave: 'b', stage: 'canary', previous: 'a', previousStage: 'percent-50', needed: 'complete' });
    expect(waveOrderViolation([wave('a', 'canary', 'canary'), wave('b', 'canary')], names)).toBeUndefined();
    expect(waveOrderViolation([wave('a', 'hold'), wave('b', 'hold')], names)).toBeUndefined();
  });

  test('promote moves the first wave not complete, or the named one, and keeps the order', () => {
    expect(promoteTransition(committed([wave('a', 'complete'), wave('b', 'hold')]), {})).toEqual({ from: 0, to: 1, wave: 'b' });
    expect(promoteTransition(committed([wave('a', 'canary'), wave('b', 'hold')]), { wave: 'b' })).toEqual({ refused: { type: 'wave-order', where: 'promote', violation: { wave: 'b', stage: 'canary', previous: 'a', previousStage: 'canary', needed: 'complete' } } });
    expect(promoteTransition(committed([wave('a', 'complete'), wave('b', 'hold')]), { wave: 'a' })).toEqual({ refused: { type: 'wave-complete', wave: 'a', stage: 'complete' } });
    expect(promoteTransition(committed([wave('a', 'hold')]), { wave: 'x' })).toEqual({ refused: { type: 'unknown-wave', field: '--wave', wave: 'x', waves: ['a'] } });
    expect(promoteTransition(committed([wave('a', 'hold')]), { to: 'complete' })).toEqual({ refused: { type: 'skips', from: 'hold', to: 'complete', skipped: ['canary', 'percent-50'] } });
    expect(promoteTransition({ ...committed([wave('a', 'hold')]), waves: undefined }, { wave: 'a' })).toEqual({ refused: { type: 'unknown-wave', field: '--wave', wave: 'a', waves: [] } });
  });

  test('nextWaves: kept by name; a wave new in code starts at the first stage, or the last when the fleet is complete', () => {
    const specs = [{ name: 'a', nextWaveAfter: 'complete' }, { name: 'b', nextWaveAfter: 'complete' }];
    expect(nextWaves(specs, [{ name: 'a', activeStage: 'canary' }], 'canary', { keep: true }, 'hold', 'complete')).toEqual([{ name: 'a', activeStage: 'canary' }, { name: 'b', activeStage: 'hold' }]);
    expect(nextWaves(specs, [{ name: 'a', activeStage: 'complete' }], 'complete', { keep: true }, 'hold', 'complete')).toEqual([{ name: 'a', activeStage: 'complete' }, { name: 'b', activeStage: 'complete' }]);
    expect(nextWaves(specs, undefined, 'percent-50', { keep: true }, 'hold', 'complete')).toEqual([{ name: 'a', activeStage: 'percent-50' }, { name: 'b', activeStage: 'percent-50' }]);
    expect(nextWaves(specs, [{ name: 'a', activeStage: 'canary' }], 'canary', { all: 'complete' }, 'hold', 'complete')).toEqual([{ name: 'a', activeStage: 'complete' }, { name: 'b', activeStage: 'complete' }]);
  });

  test('plan.json waves are checked field by field', () => {
    const plan: any = { activeStage: 'hold', stages: stages.map((s, i) => ({ index: i, name: s.name, directory: `stages/0${i}-${s.name}` })) };
    const bad = (field: string, what: string) => new Error(`${field}: ${what}`);
    expect(() => checkPlanWaves({ ...plan, waves: [wave('a', 'hold'), wave('a', 'hold')] }, bad)).toThrow('waves: waves with distinct names, each a DNS-1123 label; waves[1].name is "a"');
    expect(() => checkPlanWaves({ ...plan, waves: [{ ...wave('a', 'hold'), directory: '../x' }] }, bad)).toThrow('waves: waves whose directory is clusters/<name>; waves[0].directory is "../x"');
    expect(() => checkPlanWaves({ ...plan, waves: [wave('a', 'nope')] }, bad)).toThrow('waves: waves at stages of the plan ("hold", "canary", "percent-50", "complete"); waves[0].activeStage is "nope"');
    expect(() => checkPlanWaves({ ...plan, waves: [wave('a', 'canary')] }, bad)).toThrow('activeStage: the stage of the first wave that is not complete ("canary") in a plan with waves');
    expect(() => checkPlanWaves({ ...plan, waves: [wave('a', 'hold')] }, bad)).not.toThrow();
  });
});

describe('waves: synth and review', () => {
  const kind = kindById('statefulset');
  const layout = { app: 'web', serviceName: 'web', replicas: 4, ordinalsStart: 0, stages, podOrdinals: [0, 1, 2, 3], previewNotes: [] };
  const sts = (image: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { selector: {}, serviceName: 'web', template: { spec: { containers: [{ name: 'web', image }] } } } });
  const specs = [{ name: 'a', nextWaveAfter: 'complete' }, { name: 'b', nextWaveAfter: 'complete' }];
  const input = (image: string, more = {}) => ({
    app: 'web',
    directory: 'web',
    template: kind.templateOf(layout, [sts(image)]),
    immutable: kind.immutableFields(layout, [sts(image)]),
    stages: kind.stagePods(layout, 'blue'),
    firstStage: kind.firstStage,
    tracksColor: false,
    replicas: 4,
    partitioned: true,
    stranded: () => ({ names: [] }),
    allowSupersede: false,
    allowRecreate: false,
    waves: specs,
    ...more,
  });
  const prevAt = (image: string, a: string, b: string, stable: string | null = 'web:1'): RolloutState => ({
    schemaVersion: 1,
    app: 'web',
    directory: 'web',
    immutable: kind.immutableFields(layout, [sts(image)]),
    pinned: false,
    replicas: 4,
    activeStage: fleetStage([{ name: 'a', activeStage: a }, { name: 'b', activeStage: b }], names),
    waves: [{ name: 'a', activeStage: a }, { name: 'b', activeStage: b }],
    stable: stable === null ? null : revisionOf(kind.templateOf(layout, [sts(stable)])),
    candidate: revisionOf(kind.templateOf(layout, [sts(image)])),
    lastAbort: null,
    notes: [],
    treeDigest: 'x',
    files: [],
  });

  test('a new template with one wave complete and the next at hold is mid-rollout: refused, not replaced', () => {
    const r = synthTransition(prevAt('web:2', 'complete', 'hold'), input('web:3'));
    expect(r.refused).toMatchObject({ type: 'supersede', stage: 'complete' });
  });

  test('a new template when every wave is at hold replaces the candidate; after every wave is complete, starts all at hold', () => {
    const replaced = synthTransition(prevAt('web:2', 'hold', 'hold'), input('web:3'));
    expect(replaced.refused).toBeUndefined();
    expect((replaced as any).state.waves).toEqual([{ name: 'a', activeStage: 'hold' }, { name: 'b', activeStage: 'hold' }]);
    expect((replaced as any).events.map((e: any) => e.type)).toEqual(['replaced']);
    const fresh = synthTransition(prevAt('web:2', 'complete', 'complete'), input('web:3'));
    expect((fresh as any).events.map((e: any) => e.type)).toEqual(['new-rollout']);
    expect((fresh as any).state).toMatchObject({ activeStage: 'hold', waves: [{ name: 'a', activeStage: 'hold' }, { name: 'b', activeStage: 'hold' }] });
  });

  test('the template back at stable aborts every wave to the last stage; an unchanged template keeps each wave', () => {
    const aborted = synthTransition(prevAt('web:2', 'complete', 'canary'), input('web:1'));
    expect((aborted as any).events[0]).toMatchObject({ type: 'aborted', stage: 'complete' });
    expect((aborted as any).state).toMatchObject({ activeStage: 'complete', waves: [{ name: 'a', activeStage: 'complete' }, { name: 'b', activeStage: 'complete' }] });
    const kept = synthTransition(prevAt('web:2', 'complete', 'canary'), input('web:2'));
    expect((kept as any).state).toMatchObject({ activeStage: 'canary', waves: [{ name: 'a', activeStage: 'complete' }, { name: 'b', activeStage: 'canary' }] });
    // a pin in code puts every wave at the pinned stage
    const pinned = synthTransition(prevAt('web:2', 'complete', 'canary'), input('web:2', { pinnedStage: 'percent-50' }));
    expect((pinned as any).state.waves).toEqual([{ name: 'a', activeStage: 'percent-50' }, { name: 'b', activeStage: 'percent-50' }]);
  });

  test('replicas may not change while any wave is mid-rollout', () => {
    const r = synthTransition(prevAt('web:2', 'complete', 'canary'), input('web:2', { replicas: 5 }));
    expect(r.refused).toEqual({ type: 'replicas-changed', from: 4, to: 5, stage: 'canary' });
  });

  test('review: one wave at a time, forward, in order; an abort moves every wave', () => {
    const reviewed = (waves: PlanWave[], more: Partial<ReviewedRollout> = {}): ReviewedRollout => ({ ...committed(waves), immutable: {}, ...more });
    const request = { tree: 'dist/web', allowSkip: false, allowSupersede: false, allowRecreate: false };
    const base = reviewed([wave('a', 'complete'), wave('b', 'hold')]);
    expect(reviewTransition(base, reviewed([wave('a', 'complete'), wave('b', 'canary')]), request)).toEqual({ change: 'promote', skipped: [], recreate: [], wave: 'b' });
    expect(reviewTransition(base, reviewed([wave('a', 'complete'), wave('b', 'percent-50')]), request)).toEqual({ refused: { type: 'change-skips', tree: 'dist/web wave "b"', from: 'hold', to: 'percent-50', skipped: ['canary'] } });
    expect(reviewTransition(reviewed([wave('a', 'canary'), wave('b', 'hold')]), reviewed([wave('a', 'percent-50'), wave('b', 'canary')]), request)).toEqual({ refused: { type: 'waves-at-once', where: 'dist/web', waves: ['a', 'b'] } });
    expect(reviewTransition(reviewed([wave('a', 'canary'), wave('b', 'hold')]), reviewed([wave('a', 'hold'), wave('b', 'hold')]), request)).toEqual({ refused: { type: 'change-backwards', tree: 'dist/web wave "a"', from: 'canary', to: 'hold' } });
    const stable = base.stable!;
    const abortHead = (b: string) => reviewed([wave('a', 'complete'), wave('b', b)], { candidate: { revision: stable.revision, images: stable.images } });
    const midBase = reviewed([wave('a', 'complete'), wave('b', 'canary')]);
    expect(reviewTransition(midBase, abortHead('complete'), request)).toEqual({ change: 'abort', skipped: [], recreate: [] });
    expect(reviewTransition(midBase, abortHead('canary'), request)).toEqual({ refused: { type: 'change-abort-stage', tree: 'dist/web', to: 'canary', last: 'complete' } });
  });
});

describe('rollout.waves in code: bad input is refused with the field, the value and what is allowed', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Chart, Testing } = require('cdk8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StatefulApp, StageGate, StageAnalysis, SuccessCondition } = require('../../../src');
  const build = (rollout: object) => () => new StatefulApp(new Chart(Testing.app(), 'c'), 'web', {
    replicas: 3,
    selectorLabels: { app: 'web' },
    service: { name: 'web' },
    containers: [{ name: 'web', image: 'web:1' }],
    rollout: { plan: RolloutPlan.canary(), ...rollout },
  });
  test.each([
    [{ waves: [] }, 'rollout.waves ([]) must list 1 to 100 waves such as [{ name: \'staging\' }, { name: \'prod\' }]'],
    [{ waves: [{ name: 'Prod' }] }, 'rollout.waves[0].name ("Prod") must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63): it names the directory clusters/<name>'],
    [{ waves: [{ name: '../x' }] }, 'rollout.waves[0].name ("../x") must be a DNS-1123 label'],
    [{ waves: [{ name: 'a' }, { name: 'a' }] }, 'rollout.waves[1].name ("a") is also rollout.waves[0].name: each wave has its own root, clusters/<name>, and needs its own name'],
    [{ waves: [{ name: 'a', nextWaveAfter: 'half' }] }, 'rollout.waves[0].nextWaveAfter ("half") must be one of the plan\'s stages: "hold", "canary", "percent-50", "complete"'],
    [{ waves: [{ name: 'a', cluster: 'x' }] }, 'rollout.waves[0]'],
    [{ waves: [{ name: 'a' }], activeStage: 'canary' }, 'rollout.activeStage ("canary") cannot be set with rollout.waves: a pin would put every wave at one stage'],
  ])('%j', (rollout, message) => {
    expect(build(rollout)).toThrow(message);
  });

  test('{{wave}} in an analysis needs waves', () => {
    const gates = { canary: StageGate.of({ analyses: [StageAnalysis.prometheus({ name: 'errors', query: 'sum(errors{cluster="{{wave}}"})', condition: SuccessCondition.lessThan(1) })] }) };
    expect(build({ gates })).toThrow('rollout.gates["canary"] analysis errors uses {{wave}} but the rollout has no waves: set rollout.waves, or leave {{wave}} out of the query');
    expect(build({ gates, waves: [{ name: 'a' }] })).not.toThrow();
  });
});
