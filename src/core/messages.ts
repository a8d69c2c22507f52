import { PodSet, podCount, podList } from './pods';
import { describeImages } from './revision';
import { RevisionSummary } from './state';
import { Refusal, SynthEvent } from './state-machine';
import { waveOrderText } from './waves';

/**
 * The only place where the results of the state machine become prose: the notes that PLAN.md, plan.json
 * and the state file carry, and the text of a refusal. Pure.
 */

/** The sentences of a kind that the messages module puts into notes and errors. */
export interface KindProse {
  /** `StatefulSet` or `Deployment`. */
  readonly workload: string;
  /** What the API server (or a webhook) answers to a change of an immutable field. */
  readonly rejection: string;
  /** How to recreate the workload, completing "set rollout.allowRecreate, then ...". */
  readonly recreate: string;
  /** The same for PLAN.md, completing "Before this commit syncs, ...". */
  readonly recreateNote: string;
  /** The note of the first synth. */
  readonly firstNote: string;
  /** What promoting backwards would do, appended to "promote only moves forward". */
  readonly backwards: string;
  /** How an abort takes the candidate pods back, completing "The template is back at the stable revision R and ...". */
  rollback(pods: string[]): string;
}

/** What a promotion changes. */
export type PromotionDetail =
  | { readonly type: 'partition'; readonly fromPartition: number; readonly toPartition: number; readonly moves: string[] }
  | { readonly type: 'replicas'; readonly changes: string[] };

/** The error of a refused transition. Its message is the text a person reads; `refusal` is the data. */
export class RefusedError extends Error {
  public constructor(public readonly refusal: Refusal, message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

const list = (names: string[]) => names.map(n => JSON.stringify(n)).join(', ');
const podsOrNone = (pods: PodSet) => podList(pods).join(', ') || 'no pod';
const verb = (pods: PodSet, one: string, many: string) => (podCount(pods) === 1 ? one : many);
const revision = (r: RevisionSummary, changes: string[] = []) => `${r.revision} (${[describeImages(r.images), ...changes].join('; ')})`;

/** The notes of a synth, from its events. */
export function synthNotes(events: SynthEvent[], prose: KindProse): string[] {
  return events.map(e => {
    switch (e.type) {
      case 'first':
        return prose.firstNote;
      case 'recreate':
        return `Recreate required: ${fieldList(e.fields)} changed. Before this commit syncs, ${prose.recreateNote}.`;
      case 'aborted':
        return abortNote(e.aborted, e.stage, e.stable, e.pods, prose);
      case 'new-rollout':
        return `New rollout: stable ${revision(e.stable)}, candidate ${revision(e.candidate, e.changes)}. Nothing moves until a promotion.`;
      case 'replaced':
        return `Candidate replaced at ${e.hold}: ${e.previous} -> ${revision(e.candidate)}; no pod had moved.`;
      case 'superseded':
        return `Superseded: candidate ${e.previous} replaced by ${e.candidate} at stage ${e.stage}; ${podsOrNone(e.moved)} ${verb(e.moved, 'moves', 'move')} to ${e.candidate}, ${podsOrNone(e.kept)} stay on ${e.stable ?? 'the previous revision'}.`;
    }
  });
}

/** The note of an abort, by synth (the template reverted in code) or from the tree. */
export function abortNote(aborted: RevisionSummary, stage: string, stable: string, pods: PodSet, prose: KindProse, fromTree = false): string {
  const names = podList(pods);
  const note = names.length > 0
    ? `Aborted: candidate ${revision(aborted)} was at stage ${stage}. The template is back at the stable revision ${stable} and ${prose.rollback(names)}.`
    : `Aborted at ${stage}: no pod had moved to candidate ${aborted.revision}; the template is back at the stable revision ${stable}.`;
  return fromTree ? `${note} Revert the template in code too, or the next synth stages the candidate again at hold.` : note;
}

/** The note of a promotion. */
export function promotionNote(from: string, to: string, detail: PromotionDetail, candidate: string): string {
  if (detail.type === 'replicas') {
    return `Promoted from ${from} to ${to}: ${detail.changes.length > 0 ? detail.changes.join(', ') : 'nothing changes'}.`;
  }
  const moves = detail.moves;
  const moved = moves.length > 0 ? `${moves.join(', ')} ${moves.length === 1 ? 'moves' : 'move'} to candidate ${candidate}` : 'no pod moves';
  return `Promoted from ${from} to ${to} (partition ${detail.fromPartition} -> ${detail.toPartition}): ${moved}.`;
}

/** The note of a promotion made by an edit of the root kustomization.yaml. */
export function rootEditNote(from: string, to: string, detail: PromotionDetail, candidate: string, wave?: { wave: string; file: string }): string {
  if (wave !== undefined) {
    return `Wave ${wave.wave}: ${promotionNote(from, to, detail, candidate)} Promoted by an edit of ${wave.file}.`;
  }
  return `${promotionNote(from, to, detail, candidate)} Promoted by an edit of the root kustomization.yaml.`;
}

/** The text of a refusal. */
export function refusalMessage(r: Refusal, app: string, prose: KindProse): string {
  switch (r.type) {
    case 'unknown-stage':
      return r.field === '--to'
        ? `--to (${JSON.stringify(r.stage)}) is not a stage of ${app}: ${list(r.stages)}`
        : `${r.field} (${JSON.stringify(r.stage)}) is not a stage of the plan: ${list(r.stages)}`;
    case 'stage-gone':
      return `the committed active stage (${JSON.stringify(r.stage)}) is not a stage of the plan any more: ${list(r.stages)}; keep the stage, or finish the rollout first`;
    case 'immutable-changed':
      return `${fieldList(r.fields)} of ${prose.workload} ${JSON.stringify(app)} changed since the committed tree: ${prose.rejection} and Argo CD or Flux would retry and fail forever. Revert the change, or recreate the ${prose.workload}: set rollout.allowRecreate, then ${prose.recreate}`;
    case 'replicas-changed':
      return `replicas changed from ${r.from} to ${r.to} while the rollout of ${prose.workload} ${JSON.stringify(app)} is at stage ${JSON.stringify(r.stage)}: a stage is a partition, and raising it never moves a pod back, so at the new size the pods on each revision are not the ones the plan would show; change replicas at the first or the last stage, or finish or abort the rollout first`;
    case 'stranded':
      return `rollout.activeStage pins ${JSON.stringify(r.pinned)} (partition ${r.partition}), which would leave ${podList(r.pods).join(', ')} on the aborted candidate ${r.aborted}: raising a partition never rolls a pod back; remove the pin so the abort selects ${JSON.stringify(r.last)}`;
    case 'supersede':
      return `a new template (${r.candidate.revision}: ${[describeImages(r.candidate.images), ...r.changes].join('; ')}) arrived while the rollout of candidate ${revision(r.previous)} is at stage ${JSON.stringify(r.stage)}: ${podsOrNone(r.moved)} would move from candidate ${r.previous.revision} straight to ${r.candidate.revision}, and ${podsOrNone(r.kept)} would stay on stable ${r.stable ?? 'the previous revision'}. Finish or abort the rollout first, or set rollout.allowSupersede to replace the candidate`;
    case 'pinned':
      return r.operation === 'promote'
        ? `the active stage of ${app} is pinned in code (rollout.activeStage = ${JSON.stringify(r.stage)}): change the pin in code and run cdk8s synth instead`
        : `the active stage of ${app} is pinned in code (rollout.activeStage = ${JSON.stringify(r.stage)}): to abort, set the template back to the stable revision in code, remove the pin and run cdk8s synth`;
    case 'complete':
      return r.operation === 'promote'
        ? `the rollout of ${app} is complete (stage ${JSON.stringify(r.stage)}): there is no stage to promote to`
        : `the rollout of ${app} is complete: every pod runs candidate ${r.candidate}; to go back, set the template in code to the stable revision ${revision(r.stable!)} and run cdk8s synth, which starts a new rollout at hold`;
    case 'not-forward':
      return `--to (${JSON.stringify(r.to)}) is not after the active stage ${JSON.stringify(r.from)}: promote only moves forward${prose.backwards}, use abort to go back`;
    case 'skips':
      return `promoting ${app} from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)} skips ${list(r.skipped)}: pass --force to skip stages`;
    case 'no-stable':
      return `${app} has no stable revision to go back to (the first synth recorded none): change the template in code and run cdk8s synth`;
    case 'root-unknown':
      return `${r.file} selects ${JSON.stringify(r.directory ?? null)}, which is not a stage directory of ${app}: the one resources line must name one of ${list(r.directories)}`;
    case 'root-backwards':
      return `${r.file} moves ${app} back from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)}: a root edit may only move forward${prose.backwards}; to go back, restore the line and use cdk8s-staged abort (or set the template in code back to the stable revision and run cdk8s synth)`;
    case 'root-skips':
      return `${r.file} moves ${app} from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)} and skips ${list(r.skipped)}: move one stage at a time, or set ${r.allow} to skip stages`;
    case 'root-pinned':
      return `${r.file} selects ${JSON.stringify(r.to)} but the active stage of ${app} is pinned in code (rollout.activeStage = ${JSON.stringify(r.pinned)}): restore the line, change the pin in code and run cdk8s synth`;
    case 'change-backwards':
      return `${r.tree}: the active stage of ${app} moves back from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)} with the same candidate: a change may only move forward${prose.backwards}; to go back, abort (cdk8s-staged abort, or the template back at the stable revision in code), which also restores the stable template`;
    case 'change-skips':
      return `${r.tree}: the active stage of ${app} moves from ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)} and skips ${list(r.skipped)}: move one stage at a time, or pass --allow-skip`;
    case 'change-abort-stage':
      return `${r.tree}: the template of ${app} is back at the stable revision but the root selects ${JSON.stringify(r.to)}: an abort selects the last stage ${JSON.stringify(r.last)}, so the pods on the candidate roll back; use cdk8s-staged abort or cdk8s synth`;
    case 'change-supersede':
      return `${r.tree}: a new template (${r.candidate}) replaces candidate ${r.previous} of ${app} at stage ${JSON.stringify(r.stage)}, in the middle of the rollout: finish or abort the rollout first, or pass --allow-supersede (with rollout.allowSupersede in code)`;
    case 'change-stage-gone':
      return `${r.tree}: the active stage of ${app} at the base (${JSON.stringify(r.stage)}) is not a stage of the plan any more: ${list(r.stages)}; keep the stage, or finish the rollout first`;
    case 'change-immutable':
      return `${r.tree}: ${fieldList(r.fields)} of ${prose.workload} ${JSON.stringify(app)} changed: ${prose.rejection}; revert the change, or recreate the ${prose.workload} (rollout.allowRecreate in code) and pass --allow-recreate`;
    case 'unknown-wave':
      return r.waves.length === 0
        ? `${r.field} (${JSON.stringify(r.wave)}): ${app} has no waves (rollout.waves); leave ${r.field} out`
        : `${r.field} (${JSON.stringify(r.wave)}) is not a wave of ${app}: ${list(r.waves)}`;
    case 'abort-after-cleanup':
      return `${r.where}: wave${r.waves.length === 1 ? '' : 's'} ${list(r.waves)} of ${app} ${r.waves.length === 1 ? 'is' : 'are'} at ${JSON.stringify(r.last)}, where the stable colour is scaled to 0: an abort would switch ${r.waves.length === 1 ? 'its' : 'their'} Service to a colour with no pods. Roll forward instead: promote every wave to ${JSON.stringify(r.last)}, then set the template in code back to the stable revision and run cdk8s synth, which starts a new rollout of it at the first stage`;
    case 'wave-complete':
      return `wave ${JSON.stringify(r.wave)} of ${app} is complete (stage ${JSON.stringify(r.stage)}): promote the next wave`;
    case 'wave-order':
      return `${r.where === 'promote' ? `promoting ${app}` : `${r.where}: ${app}`}: ${waveOrderText(r.violation)}`;
    case 'waves-at-once':
      return `${r.where}: waves ${list(r.waves)} of ${app} move in one change: promote one wave at a time, each in its own reviewed commit`;
    case 'waves-reordered':
      return `rollout.waves (${list(r.waves)}) would put wave ${JSON.stringify(r.violation.wave)} (at stage ${JSON.stringify(r.violation.stage)}) after wave ${JSON.stringify(r.violation.previous)} (at ${JSON.stringify(r.violation.previousStage)}, short of its nextWaveAfter ${JSON.stringify(r.violation.needed)}): ` +
        'a change of rollout.waves mid-rollout keeps the waves that have left the first stage in order: add a new wave after them, do not reorder them, do not raise a nextWaveAfter that the next wave has already passed; change rollout.waves back, or finish or abort the rollout first';
    case 'waves-removed-apart':
      return `${r.where} was removed while the waves of ${app} are at different stages (${r.waves.map(w => `${w.name} at ${JSON.stringify(w.activeStage)}`).join(', ')}): ` +
        `the one root kustomization.yaml would select ${JSON.stringify(r.stage)} for every cluster, moving the clusters of some waves forward without review and those of others back, which only an abort may do; keep rollout.waves until every wave is at the same stage (promote the rest, or abort), then remove it`;
    case 'wave-removed-mid-rollout':
      return `rollout.waves no longer lists wave ${JSON.stringify(r.wave)} of ${app}, which is at stage ${JSON.stringify(r.stage)}, between ${JSON.stringify(r.first)} and ${JSON.stringify(r.last)}: ` +
        `its clusters would keep pods on both revisions with no root to promote or abort; remove a wave only at the first or the last stage (promote it to ${JSON.stringify(r.last)} or abort first), or keep it`;
    case 'change-waves-apart':
      return `${r.tree}: ${r.change} of ${app} moves every wave to ${JSON.stringify(r.stage)}, but ${list(r.waves)} ${r.waves.length === 1 ? 'is' : 'are'} elsewhere: run cdk8s synth (or cdk8s-staged abort), which writes every wave's root`;
  }
}

/** Throw the refusal of a transition, or return what it did. */
export function orRefuse<T>(result: { readonly refused: Refusal } | ({ readonly refused?: undefined } & T), app: string, prose: KindProse): T {
  if (result.refused !== undefined) {
    throw new RefusedError(result.refused, refusalMessage(result.refused, app, prose));
  }
  return result as T;
}

/** `spec.selector, spec.serviceName`: immutable fields as a reader names them. */
function fieldList(fields: string[]): string {
  return fields.map(k => (k.includes('.') ? k : `spec.${k}`)).join(', ');
}
