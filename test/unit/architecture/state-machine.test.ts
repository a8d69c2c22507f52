import { RolloutPlan, StageSize } from '../../../src';
import { kindById, kindOfPlan } from '../../../src/core/kinds/registry';
import { refusalMessage } from '../../../src/core/messages';
import { revisionOf } from '../../../src/core/state';
import { abortTransition, CommittedRollout, promoteTransition, synthTransition } from '../../../src/core/state-machine';

const stages = RolloutPlan.canary({ canary: StageSize.pods(1), steps: [StageSize.percent(50)] }).resolve(4);
const committed = (more: Partial<CommittedRollout> = {}): CommittedRollout => ({
  stages: stages.map(s => s.name),
  activeStage: 'canary',
  pinned: false,
  candidate: { revision: 'c1', images: { web: 'web:2' } },
  stable: revisionOf({ spec: { containers: [{ name: 'web', image: 'web:1' }] } }),
  ...more,
});

describe('the state machine returns typed results, never prose', () => {
  test('promote: the next stage, or a refusal as data', () => {
    expect(promoteTransition(committed(), {})).toEqual({ from: 1, to: 2 });
    expect(promoteTransition(committed(), { to: 'complete' })).toEqual({ refused: { type: 'skips', from: 'canary', to: 'complete', skipped: ['percent-50'] } });
    expect(promoteTransition(committed(), { to: 'complete', force: true })).toEqual({ from: 1, to: 3 });
    expect(promoteTransition(committed(), { to: 'hold' })).toEqual({ refused: { type: 'not-forward', from: 'canary', to: 'hold' } });
    expect(promoteTransition(committed(), { to: 'nope' })).toEqual({ refused: { type: 'unknown-stage', field: '--to', stage: 'nope', stages: ['hold', 'canary', 'percent-50', 'complete'] } });
    expect(promoteTransition(committed({ pinned: true }), {})).toEqual({ refused: { type: 'pinned', operation: 'promote', stage: 'canary' } });
  });

  test('abort: the last stage and the stable revision, or a refusal as data', () => {
    const c = committed();
    expect(abortTransition(c)).toEqual({ from: 1, to: 3, stable: c.stable });
    expect(abortTransition(committed({ stable: null }))).toEqual({ refused: { type: 'no-stable' } });
    expect(abortTransition(committed({ activeStage: 'complete' }))).toEqual({ refused: { type: 'complete', operation: 'abort', stage: 'complete', candidate: 'c1', stable: { revision: c.stable!.revision, images: { web: 'web:1' } } } });
  });

  test('synth: events, not notes; the messages module writes the text', () => {
    const kind = kindById('statefulset');
    const layout = { app: 'web', serviceName: 'web', replicas: 4, ordinalsStart: 0, stages, podOrdinals: [0, 1, 2, 3], previewNotes: [] };
    const sts = (image: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { selector: {}, serviceName: 'web', template: { spec: { containers: [{ name: 'web', image }] } } } });
    const input = (image: string) => ({
      app: 'web',
      directory: 'web',
      replicas: 4,
      partitioned: true,
      template: kind.templateOf(layout, [sts(image)]),
      immutable: kind.immutableFields(layout, [sts(image)]),
      stages: kind.stagePods(layout, 'blue'),
      firstStage: kind.firstStage,
      tracksColor: false,
      stranded: () => ({ names: [] }),
      allowSupersede: false,
      allowRecreate: false,
    });
    const first = synthTransition(undefined, input('web:1'));
    expect(first.refused).toBeUndefined();
    if (first.refused) return;
    expect(first.events).toEqual([{ type: 'first' }]);
    const prev = { ...first.state, activeStage: 'canary', notes: [], treeDigest: 'x', files: [] };
    const superseded = synthTransition(prev, input('web:2'));
    expect(superseded).toEqual({ refused: { type: 'supersede', candidate: { revision: revisionOf(sts('web:2').spec.template).revision, images: { web: 'web:2' } }, previous: { revision: prev.candidate.revision, images: { web: 'web:1' } }, changes: [], stage: 'canary', moved: { names: ['web-3'] }, kept: { names: ['web-0', 'web-1', 'web-2'] }, stable: null } });
    if (!superseded.refused) return;
    expect(refusalMessage(superseded.refused, 'web', kind.prose(layout, 'blue'))).toContain('web-3 would move from candidate');
  });
});

describe('the registry: one place that picks a kind', () => {
  const bad = (field: string, what: string) => new Error(`${field} must be ${what}`);
  test.each([
    [{ kind: 'StatefulSet', apiVersion: 'apps/v1' }, 'statefulset'],
    [{ kind: 'StatefulSet', apiVersion: 'apps.kruise.io/v1beta1' }, 'kruise-statefulset'],
    [{ kind: 'Deployment', apiVersion: 'apps/v1', style: 'canary' }, 'deployment-canary'],
    [{ kind: 'Deployment', apiVersion: 'apps/v1', style: 'blueGreen' }, 'deployment-blue-green'],
  ])('plan.json %j is the kind %s', (raw, id) => {
    expect(kindOfPlan(raw, bad).id).toBe(id);
  });
  test.each([
    [{ kind: 'StatefulSet', apiVersion: 'apps/v2' }, 'apiVersion must be "apps/v1" or "apps.kruise.io/v1beta1"'],
    [{ kind: 'Deployment', apiVersion: 'apps/v1', style: 'wave' }, 'style must be "canary" or "blueGreen"'],
    [{ kind: 'DaemonSet', apiVersion: 'apps/v1' }, 'kind must be "StatefulSet" or "Deployment"'],
  ])('fails for plan.json %j', (raw, message) => {
    expect(() => kindOfPlan(raw, bad)).toThrow(message);
  });
  test('a Deployment plan with another apiVersion goes to its kind, whose schema refuses it', () => {
    const raw = { kind: 'Deployment', apiVersion: 'apps/v2', style: 'canary' };
    expect(() => kindOfPlan(raw, bad).checkPlan(raw, bad, what => new Error(what))).toThrow('apiVersion must be "apps/v1"');
  });
});
