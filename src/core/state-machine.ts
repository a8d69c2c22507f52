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

/**
 * The fields of the workload specs the API server refuses to change: for a StatefulSet `selector`,
 * `serviceName`, `podManagementPolicy`, `volumeClaimTemplates`; for Deployments the selector of each one.
 */
export interface ImmutableFields {
  readonly [field: string]: any;
}

/** The colours of a blue/green rollout. */
export type Color = 'blue' | 'green';

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
  /**
   * Blue/green only: the colour whose Deployment runs the candidate template (the other runs the
   * stable one). Absent for other rollouts.
   */
  readonly candidateColor?: Color;
  /** Notes for PLAN.md about the last transition. */
  readonly notes: string[];
  /** The SHA-256 of the tree as last written, to tell a hand-edited or stale tree. */
  readonly treeDigest: string;
  /** The files of the tree as last written, relative to it: the only files a synth may replace. */
  readonly files: string[];
}

/** What the code renders now, for a StatefulSet. */
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

/** One stage as the state machine sees it: which pods run which revision once it has converged. */
export interface StagePods {
  readonly name: string;
  /** The pods on the candidate, as a reader names them (`web-2`, or `1 pod of kubia-canary`). */
  readonly candidatePods: string[];
  /** The pods on the stable revision. */
  readonly stablePods: string[];
}

/** What the code renders now, for any workload kind. */
export interface WorkloadInput {
  readonly app: string;
  readonly directory: string;
  /** `StatefulSet` or `Deployment`, for messages. */
  readonly kind: string;
  /** The pod template the code renders (the candidate). */
  readonly template: any;
  readonly immutable: ImmutableFields;
  /** What the API server answers to a change of an immutable field. */
  readonly rejection: string;
  /** How to recreate the workload when an immutable field changes (`kubectl delete ...`). */
  readonly recreate: string;
  /** The same for PLAN.md, completing "Before this commit syncs, ...". */
  readonly recreateNote: string;
  /** The stages, hold (or the first) first, complete (or the last) last. */
  readonly stages: StagePods[];
  /**
   * How an abort takes the candidate pods back, completing "The template is back at the stable
   * revision R and ...", given the pods on the candidate.
   */
  readonly rollback: (pods: string[]) => string;
  /**
   * The stage of the first synth: `hold` for a StatefulSet (its partition keeps running pods where they
   * are), the last stage for Deployments (there is no stable revision to keep: the first synth deploys).
   */
  readonly firstStage: string;
  /** The note of the first synth. */
  readonly firstNote: string;
  /** Blue/green: keep `candidateColor`. */
  readonly blueGreen: boolean;
  /**
   * The pods that a pinned stage would leave on an aborted candidate (StatefulSets: raising a partition
   * never rolls a pod back).
   * @default - none
   */
  readonly stranded?: (pinned: string, previous: string) => string[];
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
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

/**
 * The next state of a StatefulSet rollout: `advanceState` with the partition's rules (a first synth
 * starts at hold; an abort must end on a stage whose partition rolls the canary back).
 */
export function nextState(prev: RolloutState | undefined, input: SynthInput): Omit<RolloutState, 'treeDigest' | 'files'> {
  const all = Array.from({ length: input.replicas }, (_, i) => input.ordinalsStart + i);
  const byName = new Map(input.stages.map(s => [s.name, s]));
  return advanceState(prev, {
    app: input.app,
    directory: input.directory,
    kind: 'StatefulSet',
    template: input.statefulSet.spec.template,
    immutable: immutableFieldsOf(input.statefulSet),
    rejection: rejection(input.statefulSet),
    recreate: `delete it keeping its pods and claims with \`kubectl delete statefulset ${input.app} --cascade=orphan\` before the sync (or let Flux recreate it with \`force: true\`)`,
    stages: input.stages.map(s => ({
      name: s.name,
      candidatePods: podNames(input.app, s.updatedOrdinals),
      stablePods: podNames(input.app, all.filter(o => !s.updatedOrdinals.includes(o))),
    })),
    recreateNote: `run \`kubectl delete statefulset ${input.app} --cascade=orphan\` (pods and claims stay), or sync with Flux \`force: true\``,
    rollback: pods => `partition 0 rolls ${pods.join(', ')} back to it`,
    firstStage: input.stages[0].name,
    firstNote: 'First synth: the stable revision is unknown. At hold, running pods keep their revision; a new StatefulSet creates every pod at the candidate.',
    blueGreen: false,
    stranded: (pinned, previous) => {
      const kept = byName.get(pinned)!.updatedOrdinals;
      const moved = byName.get(previous)?.updatedOrdinals ?? [];
      const out = podNames(input.app, moved.filter(o => !kept.includes(o)));
      return out.length > 0 ? [`rollout.activeStage pins ${JSON.stringify(pinned)} (partition ${byName.get(pinned)!.partition}), which would leave ${out.join(', ')}`] : [];
    },
    pinnedStage: input.pinnedStage,
    allowSupersede: input.allowSupersede,
    allowRecreate: input.allowRecreate,
  });
}

function stageNamed(stages: StagePods[], name: string, what: string): StagePods {
  const stage = stages.find(s => s.name === name);
  if (!stage) {
    throw new Error(`${what} (${JSON.stringify(name)}) is not a stage of the plan: ${stages.map(s => JSON.stringify(s.name)).join(', ')}`);
  }
  return stage;
}

/** The other colour of blue/green. */
export function otherColor(c: Color): Color {
  return c === 'blue' ? 'green' : 'blue';
}

/**
 * The next state from the previous one and what the code renders now.
 *
 * - no previous state: stable unknown, candidate := template, active := `firstStage` (hold for a
 *   StatefulSet: nothing moves; the last stage for Deployments: the first synth deploys);
 * - template unchanged: the active stage is kept;
 * - the template back at the stable revision before complete (abort): candidate := stable, active :=
 *   complete, so the pods the canary moved roll back (raising the partition would not move them back;
 *   blue/green sends the traffic back to the stable colour);
 * - a new template after complete: stable := the old candidate, candidate := the new one, active := hold
 *   (blue/green: the candidate goes to the other colour);
 * - a new template at hold: the candidate is replaced, nothing had moved;
 * - a new template between hold and complete: refused, unless `allowSupersede`;
 * - an immutable field changed: refused, unless `allowRecreate`.
 * A stage pinned in code always wins, except that an abort needs a stage that rolls the canary back.
 */
export function advanceState(prev: RolloutState | undefined, input: WorkloadInput): Omit<RolloutState, 'treeDigest' | 'files'> {
  const candidate = revisionOf(input.template);
  const immutable = input.immutable;
  const base = { schemaVersion: 1 as const, app: input.app, directory: input.directory, immutable, pinned: input.pinnedStage !== undefined };
  const color = (c: Color | undefined) => (input.blueGreen ? { candidateColor: c ?? 'blue' } : {});
  const pin = (active: string) => {
    if (input.pinnedStage !== undefined) {
      stageNamed(input.stages, input.pinnedStage, 'rollout.activeStage');
      return input.pinnedStage;
    }
    return active;
  };

  if (!prev) {
    return { ...base, activeStage: pin(input.firstStage), stable: null, candidate, lastAbort: null, ...color('blue'), notes: [input.firstNote] };
  }

  const fields = [...new Set([...Object.keys(immutable), ...Object.keys(prev.immutable)])];
  const changed = fields.filter(k => canonicalJson(immutable[k] ?? null) !== canonicalJson(prev.immutable[k] ?? null));
  const notes: string[] = [];
  if (changed.length > 0) {
    const shown = changed.map(k => (k.includes('.') ? k : `spec.${k}`)).join(', ');
    if (!input.allowRecreate) {
      throw new Error(`${shown} of ${input.kind} ${JSON.stringify(input.app)} changed since the committed tree: ${input.rejection} and Argo CD or Flux would retry and fail forever. Revert the change, or recreate the ${input.kind}: set rollout.allowRecreate, then ${input.recreate}`);
    }
    notes.push(`Recreate required: ${shown} changed. Before this commit syncs, ${input.recreateNote}.`);
  }

  const stages = input.stages;
  const prevIndex = stages.findIndex(s => s.name === prev.activeStage);
  const prevActive = prevIndex >= 0 ? stages[prevIndex] : undefined;
  const complete = stages[stages.length - 1];
  const hold = stages[0];
  const finished = prev.activeStage === complete.name;
  const atHold = prev.activeStage === hold.name;
  const prevColor = prev.candidateColor ?? 'blue';

  if (candidate.revision === prev.candidate.revision) {
    if (!prevActive) {
      throw new Error(`the committed active stage (${JSON.stringify(prev.activeStage)}) is not a stage of the plan any more: ${stages.map(s => JSON.stringify(s.name)).join(', ')}; keep the stage, or finish the rollout first`);
    }
    return { ...base, activeStage: pin(prev.activeStage), stable: prev.stable, candidate: prev.candidate, lastAbort: prev.lastAbort, ...color(prevColor), notes: notes.length > 0 ? notes : prev.notes };
  }

  if (prev.stable && candidate.revision === prev.stable.revision && !finished) {
    // abort: the template is back at the stable revision before the rollout completed
    const pods = prevActive ? prevActive.candidatePods : [];
    if (input.pinnedStage !== undefined) {
      stageNamed(stages, input.pinnedStage, 'rollout.activeStage');
      const stranded = input.stranded ? input.stranded(input.pinnedStage, prev.activeStage) : [];
      if (stranded.length > 0) {
        throw new Error(`${stranded.join('; ')} on the aborted candidate ${prev.candidate.revision}: raising a partition never rolls a pod back; remove the pin so the abort selects ${JSON.stringify(complete.name)}`);
      }
    }
    const lastAbort: AbortRecord = { candidate: prev.candidate.revision, images: prev.candidate.images, stage: prev.activeStage, pods };
    notes.push(pods.length > 0
      ? `Aborted: candidate ${prev.candidate.revision} (${describeImages(prev.candidate.images)}) was at stage ${prev.activeStage}. The template is back at the stable revision ${prev.stable.revision} and ${input.rollback(pods)}.`
      : `Aborted at ${prev.activeStage}: no pod had moved to candidate ${prev.candidate.revision}; the template is back at the stable revision ${prev.stable.revision}.`);
    // blue/green: the stable colour runs the (restored) candidate again
    return { ...base, activeStage: pin(complete.name), stable: prev.stable, candidate: prev.stable, lastAbort, ...color(otherColor(prevColor)), notes };
  }

  if (finished) {
    notes.push(`New rollout: stable ${prev.candidate.revision} (${describeImages(prev.candidate.images)}), candidate ${candidate.revision} (${describeImages(candidate.images)}). Nothing moves until a promotion.`);
    return { ...base, activeStage: pin(hold.name), stable: prev.candidate, candidate, lastAbort: null, ...color(otherColor(prevColor)), notes };
  }

  if (atHold || prevIndex === 0) {
    notes.push(`Candidate replaced at ${hold.name}: ${prev.candidate.revision} -> ${candidate.revision} (${describeImages(candidate.images)}); no pod had moved.`);
    return { ...base, activeStage: pin(hold.name), stable: prev.stable, candidate, lastAbort: null, ...color(prevColor), notes };
  }

  // a new template in the middle of a rollout
  const moved = prevActive ? prevActive.candidatePods : [];
  const kept = prevActive ? prevActive.stablePods : [];
  const stableName = prev.stable ? prev.stable.revision : 'the previous revision';
  if (!input.allowSupersede) {
    throw new Error(`a new template (${candidate.revision}: ${describeImages(candidate.images)}) arrived while the rollout of candidate ${prev.candidate.revision} (${describeImages(prev.candidate.images)}) is at stage ${JSON.stringify(prev.activeStage)}: ${moved.join(', ') || 'no pod'} would move from candidate ${prev.candidate.revision} straight to ${candidate.revision}, and ${kept.join(', ') || 'no pod'} would stay on stable ${stableName}. Finish or abort the rollout first, or set rollout.allowSupersede to replace the candidate`);
  }
  notes.push(`Superseded: candidate ${prev.candidate.revision} replaced by ${candidate.revision} at stage ${prev.activeStage}; ${moved.join(', ') || 'no pod'} ${moved.length === 1 && !/^\d+ pods /.test(moved[0]) ? 'moves' : 'move'} to ${candidate.revision}, ${kept.join(', ') || 'no pod'} stay on ${stableName}.`);
  return { ...base, activeStage: pin(prev.activeStage), stable: prev.stable, candidate, lastAbort: null, ...color(prevColor), notes };
}
