import { RolloutPlan, StageSize } from '../../../src';
import { kindById } from '../../../src/core/kinds/registry';
import { refusalMessage } from '../../../src/core/messages';
import { revisionOf, RolloutState, WavePosition } from '../../../src/core/state';
import { reviewTransition, ReviewedRollout, synthTransition } from '../../../src/core/state-machine';
import { fleetStage, WaveSpec } from '../../../src/core/waves';

/**
 * Fleets in waves, changed in code mid-rollout: a change of rollout.waves that puts the waves out of
 * order, or removes the waves while they are at different stages, is refused by the synth (and by the
 * review of a pull request) with the field, the waves and what is allowed.
 */
const stages = RolloutPlan.canary({ canary: StageSize.pods(1), steps: [StageSize.percent(50)] }).resolve(4);
const names = stages.map(s => s.name); // hold, canary, percent-50, complete
const kind = kindById('statefulset');
const prose = kind.prose({ app: 'web', serviceName: 'web', replicas: 4, ordinalsStart: 0, stages, podOrdinals: [0, 1, 2, 3], previewNotes: [] } as any, 'blue');
const layout = { app: 'web', serviceName: 'web', replicas: 4, ordinalsStart: 0, stages, podOrdinals: [0, 1, 2, 3], previewNotes: [] };
const sts = (image: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { selector: {}, serviceName: 'web', template: { spec: { containers: [{ name: 'web', image }] } } } });
const spec = (name: string, nextWaveAfter = 'complete'): WaveSpec => ({ name, nextWaveAfter });
const input = (image: string, waves: WaveSpec[] | undefined, more = {}) => ({
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
  waves,
  ...more,
});
const prevAt = (image: string, waves: WavePosition[]): RolloutState => ({
  schemaVersion: 1,
  app: 'web',
  directory: 'web',
  immutable: kind.immutableFields(layout, [sts(image)]),
  pinned: false,
  replicas: 4,
  activeStage: fleetStage(waves, names),
  waves,
  stable: revisionOf(kind.templateOf(layout, [sts('web:1')])),
  candidate: revisionOf(kind.templateOf(layout, [sts(image)])),
  lastAbort: null,
  notes: [],
  treeDigest: 'x',
  files: [],
});
const at = (...pairs: string[]): WavePosition[] => pairs.map(p => ({ name: p.split('=')[0], activeStage: p.split('=')[1] }));
// a complete, b at the canary, c at hold
const mid = prevAt('web:2', at('a=complete', 'b=canary', 'c=hold'));

describe('rollout.waves changed in code mid-rollout', () => {
  test('a new wave ahead of a wave that has started is refused, naming the waves and what is allowed', () => {
    const r = synthTransition(mid, input('web:2', [spec('z'), spec('a'), spec('b'), spec('c')]));
    expect(r.refused).toEqual({ type: 'waves-reordered', waves: ['z', 'a', 'b', 'c'], violation: { wave: 'a', stage: 'complete', previous: 'z', previousStage: 'hold', needed: 'complete' } });
    expect(refusalMessage(r.refused!, 'web', prose)).toBe(
      'rollout.waves ("z", "a", "b", "c") would put wave "a" (at stage "complete") after wave "z" (at "hold", short of its nextWaveAfter "complete"): ' +
      'a change of rollout.waves mid-rollout keeps the waves that have left the first stage in order: add a new wave after them, do not reorder them, ' +
      'do not raise a nextWaveAfter that the next wave has already passed; change rollout.waves back, or finish or abort the rollout first');
    expect(synthTransition(mid, input('web:2', [spec('a'), spec('z'), spec('b'), spec('c')])).refused)
      .toMatchObject({ type: 'waves-reordered', violation: { wave: 'b', stage: 'canary', previous: 'z', previousStage: 'hold' } });
  });

  test('reordering waves that have started is refused; a nextWaveAfter raised past the next wave too', () => {
    expect(synthTransition(mid, input('web:2', [spec('b'), spec('a'), spec('c')])).refused)
      .toMatchObject({ type: 'waves-reordered', violation: { wave: 'a', stage: 'complete', previous: 'b', previousStage: 'canary' } });
    expect(synthTransition(mid, input('web:2', [spec('a'), spec('c'), spec('b')])).refused)
      .toMatchObject({ type: 'waves-reordered', violation: { wave: 'b', stage: 'canary', previous: 'c', previousStage: 'hold' } });
    const eu = prevAt('web:2', at('a=canary', 'b=canary'));
    expect(synthTransition(eu, input('web:2', [spec('a', 'canary'), spec('b')])).refused).toBeUndefined();
    expect(synthTransition(eu, input('web:2', [spec('a', 'percent-50'), spec('b')])).refused)
      .toEqual({ type: 'waves-reordered', waves: ['a', 'b'], violation: { wave: 'b', stage: 'canary', previous: 'a', previousStage: 'canary', needed: 'percent-50' } });
  });

  test('a wave added after the waves that started, or removed, is accepted', () => {
    const added = synthTransition(mid, input('web:2', [spec('a'), spec('b'), spec('c'), spec('z')]));
    expect((added as any).state.waves).toEqual(at('a=complete', 'b=canary', 'c=hold', 'z=hold'));
    const removed = synthTransition(mid, input('web:2', [spec('a'), spec('b')]));
    expect((removed as any).state.waves).toEqual(at('a=complete', 'b=canary'));
    expect((synthTransition(mid, input('web:2', [spec('b'), spec('c')])) as any).state.waves).toEqual(at('b=canary', 'c=hold'));
  });

  test('a wave removed mid-rollout is refused: its clusters would be left on both revisions with no root', () => {
    const r = synthTransition(mid, input('web:2', [spec('a'), spec('c')]));
    expect(r.refused).toEqual({ type: 'wave-removed-mid-rollout', wave: 'b', stage: 'canary', first: 'hold', last: 'complete' });
    expect(refusalMessage(r.refused!, 'web', prose)).toBe(
      'rollout.waves no longer lists wave "b" of web, which is at stage "canary", between "hold" and "complete": its clusters would keep pods on both revisions ' +
      'with no root to promote or abort; remove a wave only at the first or the last stage (promote it to "complete" or abort first), or keep it');
    // also with a new template (an abort in code): the dropped wave's pods would stay on the candidate
    expect(synthTransition(mid, input('web:1', [spec('a'), spec('c')])).refused).toMatchObject({ type: 'wave-removed-mid-rollout', wave: 'b' });
  });

  test('a new template mid-rollout with allowSupersede checks the order too', () => {
    expect(synthTransition(mid, input('web:3', [spec('z'), spec('a'), spec('b'), spec('c')], { allowSupersede: true })).refused)
      .toMatchObject({ type: 'waves-reordered', violation: { wave: 'a', previous: 'z' } });
  });

  test('removing rollout.waves while the waves are at different stages is refused; at one stage it is accepted', () => {
    const r = synthTransition(mid, input('web:2', undefined));
    expect(r.refused).toEqual({ type: 'waves-removed-apart', where: 'rollout.waves', stage: 'canary', waves: at('a=complete', 'b=canary', 'c=hold') });
    expect(refusalMessage(r.refused!, 'web', prose)).toBe(
      'rollout.waves was removed while the waves of web are at different stages (a at "complete", b at "canary", c at "hold"): ' +
      'the one root kustomization.yaml would select "canary" for every cluster, moving the clusters of some waves forward without review and those of others back, ' +
      'which only an abort may do; keep rollout.waves until every wave is at the same stage (promote the rest, or abort), then remove it');
    const together = synthTransition(prevAt('web:2', at('a=canary', 'b=canary')), input('web:2', undefined));
    expect((together as any).state).toMatchObject({ activeStage: 'canary' });
    expect((together as any).state.waves).toBeUndefined();
  });

  test('review: a pull request that drops the waves while they are apart fails; together it passes', () => {
    const reviewed = (waves: WavePosition[] | undefined, activeStage: string): ReviewedRollout => ({
      stages: names,
      activeStage,
      waves: waves?.map(w => ({ ...w, nextWaveAfter: 'complete', directory: `clusters/${w.name}` })),
      pinned: false,
      candidate: { revision: 'c1', images: { web: 'web:2' } },
      stable: revisionOf({ spec: { containers: [{ name: 'web', image: 'web:1' }] } }),
      immutable: {},
    });
    const request = { tree: 'dist/web', allowSkip: false, allowSupersede: false, allowRecreate: false };
    const base = reviewed(at('a=complete', 'b=canary', 'c=hold'), 'canary');
    expect(reviewTransition(base, reviewed(undefined, 'canary'), request))
      .toEqual({ refused: { type: 'waves-removed-apart', where: 'dist/web: rollout.waves', stage: 'canary', waves: at('a=complete', 'b=canary', 'c=hold') } });
    expect(reviewTransition(reviewed(at('a=complete', 'b=complete'), 'complete'), reviewed(undefined, 'complete'), request)).toEqual({ change: 'unchanged', skipped: [], recreate: [] });
    expect(reviewTransition(base, reviewed(at('a=complete', 'c=hold'), 'hold'), request))
      .toEqual({ refused: { type: 'wave-removed-mid-rollout', wave: 'b', stage: 'canary', first: 'hold', last: 'complete' } });
    expect(reviewTransition(base, reviewed(at('b=canary', 'c=hold'), 'canary'), request)).toEqual({ change: 'unchanged', skipped: [], recreate: [] });
  });

  test('review: a new template with one wave moved in the same pull request is a new rollout apart, not a supersede', () => {
    const request = { tree: 'dist/web', allowSkip: false, allowSupersede: false, allowRecreate: false };
    const v1 = { revision: 'c1', images: { web: 'web:1' } };
    const v2 = { revision: 'c2', images: { web: 'web:2' } };
    const v3 = { revision: 'c3', images: { web: 'web:3' } };
    const reviewed = (waves: WavePosition[], candidate: typeof v1, stable: typeof v1 | null): ReviewedRollout => ({
      stages: names,
      activeStage: fleetStage(waves, names),
      waves: waves.map(w => ({ ...w, nextWaveAfter: 'complete', directory: `clusters/${w.name}` })),
      pinned: false,
      candidate,
      stable: stable as any,
      immutable: {},
    });
    // every wave complete on v2; the pull request stages v3 and moves a to the canary by hand
    const after = reviewTransition(reviewed(at('a=complete', 'b=complete'), v2, v1), reviewed(at('a=canary', 'b=hold'), v3, v2), request);
    expect(after).toEqual({ refused: { type: 'change-waves-apart', tree: 'dist/web', change: 'a new rollout', stage: 'hold', waves: ['a'] } });
    expect(refusalMessage(after.refused!, 'web', prose)).toBe('dist/web: a new rollout of web moves every wave to "hold", but "a" is elsewhere: run cdk8s synth (or cdk8s-staged abort), which writes every wave\'s root');
    expect(reviewTransition(reviewed(at('a=complete', 'b=complete'), v2, v1), reviewed(at('a=hold', 'b=hold'), v3, v2), request)).toEqual({ change: 'new-rollout', skipped: [], recreate: [] });
    // every wave at hold on v2; the pull request replaces the candidate and moves b
    const replaced = reviewTransition(reviewed(at('a=hold', 'b=hold'), v2, v1), reviewed(at('a=hold', 'b=canary'), v3, v1), request);
    expect(replaced).toEqual({ refused: { type: 'change-waves-apart', tree: 'dist/web', change: 'a new candidate at the first stage', stage: 'hold', waves: ['b'] } });
  });
});
