import { KindProse, PromotionDetail } from '../messages';
import { PodSet, StagePods } from '../pods';
import { StagePatch } from '../stage-patch';
import { Color, ImmutableFields, PlanWave, RevisionSummary, RolloutState } from '../state';

/**
 * The one interface every workload kind implements: apps/v1 StatefulSet, OpenKruise Advanced
 * StatefulSet, Deployment canary, Deployment blue/green. Everything that differs between kinds lives
 * behind it; the state machine, the renderers, the App and the CLI only call it. Pure: no cdk8s, no files.
 *
 * A kind works on two values of its own:
 * - its layout `L`: what the construct decided, independent of the rollout state (names, replicas, the
 *   resolved stages, the Deployments and Services...);
 * - its plan document `D`: `plan.json`, the layout plus the state (active stage, revisions, notes).
 *
 * To add a kind: write one file in `src/core/kinds/` that implements this interface, and register it in
 * `src/core/kinds/registry.ts`.
 */
export interface RolloutKind<L = any, D extends PlanDocumentBase = PlanDocumentBase> {
  /** The kind's id, written nowhere: plan.json is recognised by `accepts`. */
  readonly id: KindId;
  /**
   * The stage of a first synth: `first` (a StatefulSet's hold keeps running pods where they are) or
   * `last` (Deployments: there is no stable revision to keep, the first synth deploys).
   */
  readonly firstStage: 'first' | 'last';
  /** True when the kind keeps a candidate colour in the state (blue/green). */
  readonly tracksColor: boolean;
  /**
   * True when a stage is a partition (StatefulSets): raising it never moves a pod back, so replicas may
   * not change between the first and the last stage.
   */
  readonly partitioned: boolean;

  // --- plan.json schema -------------------------------------------------------------------------------

  /** True when a parsed plan.json (only its `kind`, `apiVersion` and `style` are read) is of this kind. */
  accepts(raw: { readonly [field: string]: unknown }): boolean;
  /**
   * Check every field of a parsed plan.json that the CLI reads; returns it typed.
   * @param bad makes the error for a field: `bad(field, 'what is allowed')`
   * @param invalid makes any other error of the file
   */
  checkPlan(raw: any, bad: (field: string, what: string) => Error, invalid: (what: string) => Error): D;
  /** The layout a plan document was written from (the CLI re-renders from it). */
  layoutOf(doc: D): L;
  /** plan.json from the layout and the next state. */
  document(layout: L, state: Omit<RolloutState, 'treeDigest' | 'files'>, stateFile: string): D;

  // --- the workload ------------------------------------------------------------------------------------

  /** The number of pods. */
  replicasOf(layout: L): number;
  /** The pod template the code renders (the candidate), read from the rendered objects. */
  templateOf(layout: L, objects: any[]): any;
  /** The fields the API server (or the kind's webhook) refuses to change, read from the rendered objects. */
  immutableFields(layout: L, objects: any[]): ImmutableFields;

  // --- the stages --------------------------------------------------------------------------------------

  /**
   * Which pods each stage puts on which revision, once it has converged, as the state machine sees them.
   * @param candidateColor blue/green: the colour that runs the candidate
   */
  stagePods(layout: L, candidateColor: Color): StagePods[];
  /**
   * The pods that a stage pinned in code would leave on an aborted candidate (raising a partition never
   * rolls a pod back); none for kinds that move pods back at any stage.
   */
  stranded(layout: L, pinned: string, previous: string): PodSet;

  // --- the tree ----------------------------------------------------------------------------------------

  /**
   * The objects of `base/` as the first stage has them, from the rendered (or committed) objects and the
   * templates the state keeps. Returns new objects; other objects pass unchanged.
   */
  baseObjects(doc: D, objects: any[], stable: any | null, candidate: any): any[];
  /** The JSON 6902 patches a stage applies over `base/`. */
  stagePatches(doc: D, stage: number, stable: any | null, candidate: any): StagePatch[];

  // --- the CLI -----------------------------------------------------------------------------------------

  /** One stage as `status`, `promote` and `abort` see it. */
  stageView(doc: D, stage: number): StageView;
  /** What moving from one stage to another changes, for the promotion note and `status`. */
  promotion(doc: D, from: number, to: number): PromotionDetail;
  /** plan.json after an abort from the tree: the stable revision back as the candidate, the last stage active. */
  aborted(doc: D, candidate: RevisionSummary, note: string): D;
  /**
   * The verdict on the live workload, from `kubectl get ... -o json`.
   * @param liveText the JSON text
   */
  gate(doc: D, liveText: string): GateVerdict;

  // --- prose -------------------------------------------------------------------------------------------

  /** The kind's sentences, for the messages module. */
  prose(layout: L, candidateColor: Color): KindProse;
  /** The kind's part of PLAN.md. */
  planSection(doc: D): PlanSection;
}

/** The ids of the kinds. */
export type KindId = 'statefulset' | 'kruise-statefulset' | 'deployment-canary' | 'deployment-blue-green';

/** The fields every plan.json has, whatever its kind. */
export interface PlanDocumentBase {
  readonly schemaVersion: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly app: string;
  readonly namespace: string | null;
  readonly serviceName: string;
  readonly replicas: number;
  readonly stable: RevisionSummary | null;
  readonly candidate: RevisionSummary;
  readonly activeStage: string;
  /** True when the stage is pinned in code (`rollout.activeStage`). */
  readonly pinned: boolean;
  /** The rollout state file, relative to the rollout directory. */
  readonly stateFile: string;
  /** What the last synth, promotion or abort changed, for a reviewer. */
  readonly notes: string[];
  readonly stages: ReadonlyArray<{ readonly index: number; readonly name: string; readonly directory: string }>;
  /** The gates by stage (`core/gates.ts`), only when the rollout declares any. */
  readonly gates?: { readonly [stage: string]: unknown };
  /** The waves and the stage each one's root selects (`core/waves.ts`), only when the rollout has waves. */
  readonly waves?: ReadonlyArray<PlanWave>;
}

/** One stage as the CLI shows it. */
export interface StageView {
  readonly index: number;
  readonly name: string;
  readonly directory: string;
  readonly candidate: PodSet;
  /** How many pods run the candidate once the stage has converged. */
  readonly candidatePods: number;
  /**
   * Its partition.
   * @default - none: the kind has no partition
   */
  readonly partition?: number;
  /**
   * The percentage of the Service's ready endpoints on the candidate.
   * @default - none: the pods are addressed one by one
   */
  readonly candidateTraffic?: number;
}

/** The verdict of a gate. */
export interface GateVerdict {
  /** True when the active stage has converged. */
  readonly converged: boolean;
  /** 0 converged, 1 not yet, 2 malformed input. */
  readonly exitCode: number;
  /** Why, in a sentence: "2 of 3 pods updated". */
  readonly reason: string;
}

/** The kind's part of PLAN.md, which `render/plan-markdown` puts around the common parts. */
export interface PlanSection {
  /** The lines under the title that say what the workload is. */
  readonly description: string[];
  /** How to read the table (the partition rule, the preview's order); none when the description says it. */
  readonly explanation: string[];
  /** The parenthesis after "Active stage": `(partition 2, 1 of 3 pods on the new revision)`. */
  readonly activeSummary: string;
  /** The stages table, in Markdown. */
  readonly table: string[];
  /** The text of each stage's box in the flowchart. */
  readonly flowchart: string[];
}

/** Make a gate verdict: malformed input. */
export function malformed(reason: string): GateVerdict {
  return { converged: false, exitCode: 2, reason };
}

/** Make a gate verdict: not converged yet. */
export function waiting(reason: string): GateVerdict {
  return { converged: false, exitCode: 1, reason };
}

/** Make a gate verdict: converged. */
export function converged(reason: string): GateVerdict {
  return { converged: true, exitCode: 0, reason };
}
