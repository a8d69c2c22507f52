import { templateImages, templateRevision } from './revision';

/**
 * The rollout state kept in Git beside cdk8s.yaml (`rollout-state/<directory>.json`), outside the output
 * directory that `cdk8s synth` deletes before it runs the app. Types only, and the two helpers that make
 * its values; the state machine is `state-machine.ts`, the file format `model/state-file.ts`.
 */

/** A revision of the pod template, as plan.json shows it. */
export interface RevisionSummary {
  /** The revision id (10 hex characters of the template's SHA-256). */
  readonly revision: string;
  /** Container name -> image. */
  readonly images: { [container: string]: string };
}

/** One revision of the pod template. */
export interface RevisionRecord extends RevisionSummary {
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

/** A wave and the stage its root selects. */
export interface WavePosition {
  readonly name: string;
  readonly activeStage: string;
}

/** A wave as plan.json has it. */
export interface PlanWave extends WavePosition {
  readonly nextWaveAfter: string;
  /** Its root directory, relative to the rollout directory: `clusters/<name>`. */
  readonly directory: string;
}

/** The state file. */
export interface RolloutState {
  readonly schemaVersion: 1;
  readonly app: string;
  readonly directory: string;
  /** The active stage; with waves, the stage of the first wave that has not reached the last stage. */
  readonly activeStage: string;
  /**
   * The stage each wave's root selects, in wave order (`rollout.waves`).
   * @default - no waves: the one root selects `activeStage`
   */
  readonly waves?: WavePosition[];
  /** True when `rollout.activeStage` pins the stage in code; the CLI then refuses to move it. */
  readonly pinned: boolean;
  /**
   * The number of pods at the last synth (absent in state files written before it was recorded).
   * @default - unknown
   */
  readonly replicas?: number;
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

/** The state without what only the written tree gives (its digest and its files). */
export type NextState = Omit<RolloutState, 'treeDigest' | 'files'>;

/** Build a revision record from a pod template. */
export function revisionOf(template: any): RevisionRecord {
  return { revision: templateRevision(template), images: templateImages(template), template };
}

/** A revision without its template. */
export function summaryOf(r: RevisionSummary): RevisionSummary {
  return { revision: r.revision, images: r.images };
}

/** The other colour of blue/green. */
export function otherColor(c: Color): Color {
  return c === 'blue' ? 'green' : 'blue';
}
