import { RolloutPlan, StageSize } from '../../../src';
import { KRUISE_STATEFULSET } from '../../../src/core/kinds/kruise-statefulset';
import { NATIVE_STATEFULSET } from '../../../src/core/kinds/statefulset';
import { synthState } from '../../../src/core/kinds/synth';
import { templateRevision } from '../../../src/core/revision';
import { NextState, RolloutState } from '../../../src/core/state';

const plan = RolloutPlan.fromStages([{ name: 'canary', size: StageSize.pods(1) }, { name: 'half', size: StageSize.pods(2) }]);
const stages = plan.resolve(4);

function sts(image: string, extra: any = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      replicas: 4,
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image }] } },
      ...extra,
    },
  };
}

/** What the code renders, as the tests give it. */
interface SynthInput {
  readonly app: string;
  readonly directory: string;
  readonly statefulSet: any;
  readonly stages: ReturnType<RolloutPlan['resolve']>;
  readonly ordinalsStart: number;
  readonly replicas: number;
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
}

/** The synth of one StatefulSet rollout (apps/v1 or Kruise, by the object's apiVersion), through the kind and the state machine. */
function nextState(prev: RolloutState | undefined, i: SynthInput): NextState {
  const podOrdinals = Array.from({ length: i.replicas }, (_, k) => i.ordinalsStart + k);
  const layout = { app: i.app, serviceName: i.app, replicas: i.replicas, ordinalsStart: i.ordinalsStart, stages: i.stages, podOrdinals, previewNotes: [] };
  const kind = i.statefulSet.apiVersion === 'apps.kruise.io/v1beta1' ? KRUISE_STATEFULSET : NATIVE_STATEFULSET;
  return synthState(kind, prev, { directory: i.directory, layout, objects: [i.statefulSet], pinnedStage: i.pinnedStage, allowSupersede: i.allowSupersede, allowRecreate: i.allowRecreate });
}

function input(image: string, more: Partial<SynthInput> = {}): SynthInput {
  return { app: 'db', directory: 'db', statefulSet: sts(image), stages, ordinalsStart: 0, replicas: 4, allowSupersede: false, allowRecreate: false, ...more };
}

/** Run a sequence: each step is a synth of an image or a move of the active stage (what promote does). */
function run(steps: Array<string | { to: string }>, last: Partial<SynthInput> = {}): RolloutState {
  let state: RolloutState | undefined;
  steps.forEach((step, i) => {
    if (typeof step === 'string') {
      state = { ...nextState(state, input(step, i === steps.length - 1 ? last : {})), treeDigest: 'sha256:x', files: [] };
    } else {
      state = { ...state!, activeStage: step.to };
    }
  });
  return state!;
}

const rev = (image: string) => templateRevision(sts(image).spec.template);

describe('rollout state transitions', () => {
  test('first synth: stable unknown, candidate the template, hold', () => {
    const s = run(['pg:15']);
    expect(s.stable).toBeNull();
    expect(s.candidate).toEqual({ revision: rev('pg:15'), images: { pg: 'pg:15' }, template: sts('pg:15').spec.template });
    expect(s.activeStage).toBe('hold');
    expect(s.pinned).toBe(false);
    expect(s.immutable).toEqual({ selector: { matchLabels: { app: 'db' } }, serviceName: 'db', podManagementPolicy: null, volumeClaimTemplates: null });
  });

  test('template unchanged: the active stage is kept', () => {
    const s = run(['pg:15', { to: 'canary' }, 'pg:15']);
    expect(s.activeStage).toBe('canary');
    expect(s.candidate.revision).toBe(rev('pg:15'));
  });

  test('a new template after complete: stable := old candidate, candidate := new, hold', () => {
    const s = run(['pg:15', { to: 'complete' }, 'pg:16']);
    expect(s.stable!.revision).toBe(rev('pg:15'));
    expect(s.candidate.revision).toBe(rev('pg:16'));
    expect(s.activeStage).toBe('hold');
    expect(s.notes).toEqual([`New rollout: stable ${rev('pg:15')} (pg=pg:15), candidate ${rev('pg:16')} (pg=pg:16). Nothing moves until a promotion.`]);
  });

  test('a new template at hold replaces the candidate: nothing had moved', () => {
    const s = run(['pg:15', { to: 'complete' }, 'pg:16', 'pg:17']);
    expect(s.stable!.revision).toBe(rev('pg:15'));
    expect(s.candidate.revision).toBe(rev('pg:17'));
    expect(s.activeStage).toBe('hold');
  });

  test('abort: the template back at stable in the middle rolls the canary pods back at partition 0', () => {
    const s = run(['pg:15', { to: 'complete' }, 'pg:16', { to: 'half' }, 'pg:15']);
    expect(s.activeStage).toBe('complete');
    expect(s.stable!.revision).toBe(rev('pg:15'));
    expect(s.candidate.revision).toBe(rev('pg:15'));
    expect(s.lastAbort).toEqual({ candidate: rev('pg:16'), images: { pg: 'pg:16' }, stage: 'half', pods: ['db-2', 'db-3'] });
    expect(s.notes).toEqual([`Aborted: candidate ${rev('pg:16')} (pg=pg:16) was at stage half. The template is back at the stable revision ${rev('pg:15')} and partition 0 rolls db-2, db-3 back to it.`]);
  });

  test('fails an abort pinned at hold: raising the partition never rolls a pod back', () => {
    expect(() => run(['pg:15', { to: 'complete' }, 'pg:16', { to: 'half' }, 'pg:15'], { pinnedStage: 'hold' })).toThrow(new Error(
      `rollout.activeStage pins "hold" (partition 2147483647), which would leave db-2, db-3 on the aborted candidate ${rev('pg:16')}: raising a partition never rolls a pod back; remove the pin so the abort selects "complete"`));
  });

  test('fails a new template in the middle of a rollout, naming the pods on each revision', () => {
    expect(() => run(['pg:15', { to: 'complete' }, 'pg:16', { to: 'canary' }, 'pg:17'])).toThrow(new Error(
      `a new template (${rev('pg:17')}: pg=pg:17) arrived while the rollout of candidate ${rev('pg:16')} (pg=pg:16) is at stage "canary": db-3 would move from candidate ${rev('pg:16')} straight to ${rev('pg:17')}, and db-0, db-1, db-2 would stay on stable ${rev('pg:15')}. Finish or abort the rollout first, or set rollout.allowSupersede to replace the candidate`));
  });

  test('allowSupersede replaces the candidate and keeps the stage', () => {
    const s = run(['pg:15', { to: 'complete' }, 'pg:16', { to: 'canary' }, 'pg:17'], { allowSupersede: true });
    expect(s.activeStage).toBe('canary');
    expect(s.stable!.revision).toBe(rev('pg:15'));
    expect(s.candidate.revision).toBe(rev('pg:17'));
    expect(s.notes).toEqual([`Superseded: candidate ${rev('pg:16')} replaced by ${rev('pg:17')} at stage canary; db-3 moves to ${rev('pg:17')}, db-0, db-1, db-2 stay on ${rev('pg:15')}.`]);
  });

  test('fails an immutable field change, saying the API server rejects it and how to recreate', () => {
    const first = { ...nextState(undefined, input('pg:15')), treeDigest: 'x', files: [] };
    const changed = input('pg:15', { statefulSet: sts('pg:15', { serviceName: 'db-headless', volumeClaimTemplates: [{ metadata: { name: 'data' } }] }) });
    expect(() => nextState(first, changed)).toThrow(new Error(
      'spec.serviceName, spec.volumeClaimTemplates of StatefulSet "db" changed since the committed tree: the API server rejects the update ("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden") and Argo CD or Flux would retry and fail forever. Revert the change, or recreate the StatefulSet: set rollout.allowRecreate, then delete it keeping its pods and claims with `kubectl delete statefulset db --cascade=orphan` before the sync (or let Flux recreate it with `force: true`)'));
    const allowed = nextState(first, { ...changed, allowRecreate: true });
    expect(allowed.immutable.serviceName).toBe('db-headless');
    expect(allowed.notes).toEqual(['Recreate required: spec.serviceName, spec.volumeClaimTemplates changed. Before this commit syncs, run `kubectl delete statefulset db --cascade=orphan` (pods and claims stay), or sync with Flux `force: true`.']);
  });

  test('Kruise lets volumeClaimTemplates change, not serviceName', () => {
    const kruiseSts = (extra: any) => ({ ...sts('pg:15', extra), apiVersion: 'apps.kruise.io/v1beta1' });
    const first = { ...nextState(undefined, input('pg:15', { statefulSet: kruiseSts({}) })), treeDigest: 'x', files: [] };
    const claims = nextState(first, input('pg:15', { statefulSet: kruiseSts({ volumeClaimTemplates: [{ metadata: { name: 'data' } }] }) }));
    expect(claims.activeStage).toBe('hold');
    expect(() => nextState(first, input('pg:15', { statefulSet: kruiseSts({ serviceName: 'other' }) }))).toThrow(
      'spec.serviceName of StatefulSet "db" changed since the committed tree: Kruise\'s webhook rejects the update ("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'reserveOrdinals\', \'lifecycle\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\', `volumeClaimTemplates`, `VolumeClaimUpdateStrategy` and \'updateStrategy\' are forbidden")');
  });

  test('a pin wins over the state', () => {
    expect(run(['pg:15'], { pinnedStage: 'half' }).activeStage).toBe('half');
    expect(run(['pg:15'], { pinnedStage: 'half' }).pinned).toBe(true);
  });

  test('fails when the committed active stage left the plan', () => {
    const s = run(['pg:15', { to: 'gone' }]);
    expect(() => nextState(s, input('pg:15'))).toThrow(new Error('the committed active stage ("gone") is not a stage of the plan any more: "hold", "canary", "half", "complete"; keep the stage, or finish the rollout first'));
  });

  test('the revision ignores key order and changes with the template', () => {
    expect(templateRevision({ a: 1, b: { c: 2, d: 3 } })).toBe(templateRevision({ b: { d: 3, c: 2 }, a: 1 }));
    expect(templateRevision({ a: 1 })).not.toBe(templateRevision({ a: 2 }));
    expect(rev('pg:15')).toMatch(/^[0-9a-f]{10}$/);
  });
});

describe('replicas changed in the middle of a StatefulSet rollout (a partition never moves a pod back)', () => {
  const five = RolloutPlan.fromStages([{ name: 'canary', size: StageSize.pods(1) }, { name: 'half', size: StageSize.pods(2) }]).resolve(5);
  const at = (stage: string) => ({ ...nextState(undefined, input('pg:15')), activeStage: stage, treeDigest: 'x', files: [] });
  test('fails between the first and the last stage, naming both sizes and the stage', () => {
    expect(() => nextState(at('canary'), input('pg:15', { replicas: 5, stages: five }))).toThrow(
      'replicas changed from 4 to 5 while the rollout of StatefulSet "db" is at stage "canary": a stage is a partition, and raising it never moves a pod back, so at the new size the pods on each revision are not the ones the plan would show; change replicas at the first or the last stage, or finish or abort the rollout first');
  });
  test('is allowed at hold and at complete, and recorded in the state', () => {
    expect(nextState(at('hold'), input('pg:15', { replicas: 5, stages: five })).replicas).toBe(5);
    expect(nextState(at('complete'), input('pg:15', { replicas: 5, stages: five })).replicas).toBe(5);
  });
  test('a state written before replicas were recorded is not refused', () => {
    const { replicas: _r, ...old } = at('canary');
    expect(nextState(old as any, input('pg:15', { replicas: 5, stages: five })).activeStage).toBe('canary');
  });
});
