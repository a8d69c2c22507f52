import { podNames } from './partition';
import { canonicalJson, describeImages, templateImages, templateRevision } from './revision';
import { ResolvedStage } from './plan';

/**
 * The rollout state kept in Git beside cdk8s.yaml (`rollout-state/<directory>.json`), outside the output
 * directory that `cdk8s synth` deletes before it runs the app. Pure logic: no file system, no cdk8s.
 */

/** One revision of the pod template. */
export interface RevisionRecord {
  readonly revision: string;
  readonly images: { [container: string]: string };
  /** The whole pod template, so an abort can restore it from the tree alone. */
  readonly template: any;
}

/** The fields of a StatefulSet spec the API server refuses to change. */
export interface ImmutableFields {
  readonly selector: any;
  readonly serviceName: string | null;
  readonly podManagementPolicy: string | null;
  readonly volumeClaimTemplates: any[] | null;
}

/** What the last abort left behind, for PLAN.md. */
export interface AbortRecord {
  readonly candidate: string;
  readonly images: { [container: string]: string };
  readonly stage: string;
  readonly pods: string[];
}

/** The state file. */
export interface RolloutState {
  readonly schemaVersion: 1;
  readonly app: string;
  readonly directory: string;
  readonly activeStage: string;
  /** True when `rollout.activeStage` pins the stage in code; the CLI then refuses to move it. */
  readonly pinned: boolean;
  /** The template every pod ran before this rollout; null until a rollout has completed. */
  readonly stable: RevisionRecord | null;
  /** The template in `base/`. */
  readonly candidate: RevisionRecord;
  readonly immutable: ImmutableFields;
  readonly lastAbort: AbortRecord | null;
  /** Notes for PLAN.md about the last transition. */
  readonly notes: string[];
  /** The SHA-256 of the tree as last written, to tell a hand-edited or stale tree. */
  readonly treeDigest: string;
  /** The files of the tree as last written, relative to it: the only files a synth may replace. */
  readonly files: string[];
}

/** What the code renders now. */
export interface SynthInput {
  readonly app: string;
  readonly directory: string;
  readonly statefulSet: any;
  readonly stages: ResolvedStage[];
  readonly ordinalsStart: number;
  readonly replicas: number;
  /** The stage pinned in code, if any. */
  readonly pinnedStage?: string;
  /** Allow a new template while a rollout is between hold and complete. */
  readonly allowSupersede: boolean;
  /** Allow a change of an immutable field (the StatefulSet must be recreated). */
  readonly allowRecreate: boolean;
}

/** Build a revision record from a pod template. */
export function revisionOf(template: any): RevisionRecord {
  return { revision: templateRevision(template), images: templateImages(template), template };
}

const KRUISE = 'apps.kruise.io/v1beta1';

/**
 * The immutable fields of a rendered StatefulSet. Kruise's webhook lets volumeClaimTemplates change,
 * the API server does not for apps/v1.
 */
export function immutableFieldsOf(sts: any): ImmutableFields {
  return {
    selector: sts.spec?.selector ?? null,
    serviceName: sts.spec?.serviceName ?? null,
    podManagementPolicy: sts.spec?.podManagementPolicy ?? null,
    volumeClaimTemplates: sts.apiVersion === KRUISE ? null : sts.spec?.volumeClaimTemplates ?? null,
  };
}

/** What the API server (or Kruise's webhook) answers to a change of an immutable field. */
function rejection(sts: any): string {
  return sts.apiVersion === KRUISE
    ? 'Kruise\'s webhook rejects the update ("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'reserveOrdinals\', \'lifecycle\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\', `volumeClaimTemplates`, `VolumeClaimUpdateStrategy` and \'updateStrategy\' are forbidden")'
    : 'the API server rejects the update ("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden")';
}

function stageNamed(stages: ResolvedStage[], name: string, what: string): ResolvedStage {
  const stage = stages.find(s => s.name === name);
  if (!stage) {
    throw new Error(`${what} (${JSON.stringify(name)}) is not a stage of the plan: ${stages.map(s => JSON.stringify(s.name)).join(', ')}`);
  }
  return stage;
}

/**
 * The next state from the previous one and what the code renders now.
 *
 * - no previous state: stable unknown, candidate := template, active := hold (nothing moves);
 * - template unchanged: the active stage is kept;
 * - the template back at the stable revision before complete (abort): candidate := stable, active :=
 *   complete, so the pods the canary moved roll back (raising the partition would not move them back);
 * - a new template after complete: stable := the old candidate, candidate := the new one, active := hold;
 * - a new template at hold: the candidate is replaced, nothing had moved;
 * - a new template between hold and complete: refused, unless `allowSupersede`;
 * - an immutable field changed: refused, unless `allowRecreate`.
 * A stage pinned in code always wins, except that an abort needs a stage whose partition rolls the
 * canary back.
 */
export function nextState(prev: RolloutState | undefined, input: SynthInput): Omit<RolloutState, 'treeDigest' | 'files'> {
  const template = input.statefulSet.spec.template;
  const candidate = revisionOf(template);
  const immutable = immutableFieldsOf(input.statefulSet);
  const base = { schemaVersion: 1 as const, app: input.app, directory: input.directory, immutable, pinned: input.pinnedStage !== undefined };
  const pin = (active: string) => {
    if (input.pinnedStage !== undefined) {
      stageNamed(input.stages, input.pinnedStage, 'rollout.activeStage');
      return input.pinnedStage;
    }
    return active;
  };

  if (!prev) {
    return { ...base, activeStage: pin('hold'), stable: null, candidate, lastAbort: null, notes: ['First synth: the stable revision is unknown. At hold, running pods keep their revision; a new StatefulSet creates every pod at the candidate.'] };
  }

  const changed = (Object.keys(immutable) as Array<keyof ImmutableFields>)
    .filter(k => canonicalJson(immutable[k]) !== canonicalJson(prev.immutable[k]));
  const notes: string[] = [];
  if (changed.length > 0) {
    if (!input.allowRecreate) {
      throw new Error(`${changed.map(k => `spec.${k}`).join(', ')} of StatefulSet ${JSON.stringify(input.app)} changed since the committed tree: ${rejection(input.statefulSet)} and Argo CD or Flux would retry and fail forever. Revert the change, or recreate the StatefulSet: set rollout.allowRecreate, then delete it keeping its pods and claims with \`kubectl delete statefulset ${input.app} --cascade=orphan\` before the sync (or let Flux recreate it with \`force: true\`)`);
    }
    notes.push(`Recreate required: ${changed.map(k => `spec.${k}`).join(', ')} changed. Before this commit syncs, run \`kubectl delete statefulset ${input.app} --cascade=orphan\` (pods and claims stay), or sync with Flux \`force: true\`.`);
  }

  const stages = input.stages;
  const prevActive = stages.find(s => s.name === prev.activeStage);
  const complete = stages[stages.length - 1];
  const hold = stages[0];
  // a plan change may drop the previous stage; a stage with the same partition is still the same place
  const activeIndex = prevActive ? prevActive.index : -1;
  const finished = prev.activeStage === complete.name;
  const atHold = prev.activeStage === hold.name;

  if (candidate.revision === prev.candidate.revision) {
    if (!prevActive) {
      throw new Error(`the committed active stage (${JSON.stringify(prev.activeStage)}) is not a stage of the plan any more: ${stages.map(s => JSON.stringify(s.name)).join(', ')}; keep the stage, or finish the rollout first`);
    }
    return { ...base, activeStage: pin(prev.activeStage), stable: prev.stable, candidate: prev.candidate, lastAbort: prev.lastAbort, notes: notes.length > 0 ? notes : prev.notes };
  }

  if (prev.stable && candidate.revision === prev.stable.revision && !finished) {
    // abort: the template is back at the stable revision before the rollout completed
    const moved = prevActive ? prevActive.updatedOrdinals : [];
    const pods = podNames(input.app, moved);
    if (input.pinnedStage !== undefined) {
      const pinned = stageNamed(stages, input.pinnedStage, 'rollout.activeStage');
      const stranded = moved.filter(o => !pinned.updatedOrdinals.includes(o));
      if (stranded.length > 0) {
        throw new Error(`rollout.activeStage pins ${JSON.stringify(pinned.name)} (partition ${pinned.partition}), which would leave ${podNames(input.app, stranded).join(', ')} on the aborted candidate ${prev.candidate.revision}: raising a partition never rolls a pod back; remove the pin so the abort selects "complete"`);
      }
    }
    const lastAbort: AbortRecord = { candidate: prev.candidate.revision, images: prev.candidate.images, stage: prev.activeStage, pods };
    notes.push(pods.length > 0
      ? `Aborted: candidate ${prev.candidate.revision} (${describeImages(prev.candidate.images)}) was at stage ${prev.activeStage}. The template is back at the stable revision ${prev.stable.revision} and partition 0 rolls ${pods.join(', ')} back to it.`
      : `Aborted at ${prev.activeStage}: no pod had moved to candidate ${prev.candidate.revision}; the template is back at the stable revision ${prev.stable.revision}.`);
    return { ...base, activeStage: pin(complete.name), stable: prev.stable, candidate: prev.stable, lastAbort, notes };
  }

  if (finished) {
    notes.push(`New rollout: stable ${prev.candidate.revision} (${describeImages(prev.candidate.images)}), candidate ${candidate.revision} (${describeImages(candidate.images)}). Nothing moves until a promotion.`);
    return { ...base, activeStage: pin(hold.name), stable: prev.candidate, candidate, lastAbort: null, notes };
  }

  if (atHold || activeIndex === 0) {
    notes.push(`Candidate replaced at hold: ${prev.candidate.revision} -> ${candidate.revision} (${describeImages(candidate.images)}); no pod had moved.`);
    return { ...base, activeStage: pin(hold.name), stable: prev.stable, candidate, lastAbort: null, notes };
  }

  // a new template in the middle of a rollout
  const moved = prevActive ? prevActive.updatedOrdinals : [];
  const all = Array.from({ length: input.replicas }, (_, i) => input.ordinalsStart + i);
  const kept = all.filter(o => !moved.includes(o));
  const stableName = prev.stable ? prev.stable.revision : 'the previous revision';
  if (!input.allowSupersede) {
    throw new Error(`a new template (${candidate.revision}: ${describeImages(candidate.images)}) arrived while the rollout of candidate ${prev.candidate.revision} (${describeImages(prev.candidate.images)}) is at stage ${JSON.stringify(prev.activeStage)}: ${podNames(input.app, moved).join(', ') || 'no pod'} would move from candidate ${prev.candidate.revision} straight to ${candidate.revision}, and ${podNames(input.app, kept).join(', ') || 'no pod'} would stay on stable ${stableName}. Finish or abort the rollout first, or set rollout.allowSupersede to replace the candidate`);
  }
  notes.push(`Superseded: candidate ${prev.candidate.revision} replaced by ${candidate.revision} at stage ${prev.activeStage}; ${podNames(input.app, moved).join(', ')} ${moved.length === 1 ? 'moves' : 'move'} to ${candidate.revision}, ${podNames(input.app, kept).join(', ') || 'no pod'} stay on ${stableName}.`);
  return { ...base, activeStage: pin(prev.activeStage), stable: prev.stable, candidate, lastAbort: null, notes };
}
