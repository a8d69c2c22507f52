import { IConstruct } from 'constructs';
import { ResolvedStage } from '../../core/plan';
import { ImmutableFields } from '../../core/state-machine';
import { DeploymentLayout } from '../../core/deployment-layout';

/** The Kustomize patch target of the workload whose partition the stages change. */
export interface PatchTarget {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * What a construct hands the staged writer: its objects rendered at the hold stage, its resolved plan,
 * and where the partition lives. Internal: StatefulApp (and later backends) implement it.
 */
export interface StagedSource {
  /** The construct that owns the objects; every ApiObject below it goes into `base/`. */
  readonly owner: IConstruct;
  /** The rollout root, relative to the app's outdir. */
  readonly directory: string;
  /** The workload name (the StatefulSet). */
  readonly app: string;
  readonly namespace?: string;
  readonly serviceName: string;
  readonly replicas: number;
  readonly ordinalsStart: number;
  readonly stages: ResolvedStage[];
  /** The pod ordinals, lowest first. */
  readonly podOrdinals: number[];
  /** How the preview was worked out, for PLAN.md (the Kruise update order). */
  readonly previewNotes: string[];
  /** The stage pinned in code by `rollout.activeStage`, if any. */
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
  readonly target: PatchTarget;
  /** The JSON pointer of the partition field in the workload. */
  readonly partitionPath: string;
}

/**
 * What a Deployment rollout hands the staged writer: its objects as the construct rendered them (each
 * Deployment with the candidate template), the layout, and for a canary the plan resolved against
 * replicas. The writer puts the stable template from the rollout state into base/.
 */
export interface DeploymentSource {
  readonly owner: IConstruct;
  readonly directory: string;
  readonly app: string;
  readonly namespace?: string;
  readonly serviceName: string;
  readonly replicas: number;
  readonly layout: DeploymentLayout;
  /** Canary: the plan resolved against replicas (the canary size of each stage). */
  readonly canaryPlan?: ResolvedStage[];
  /** The pod template in code (the candidate), without the track or colour label. */
  readonly template: any;
  /** The fields the API server refuses to change: each Deployment's selector. */
  readonly immutable: ImmutableFields;
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
}

/** True for the source of a Deployment rollout. */
export function isDeploymentSource(s: StagedSource | DeploymentSource): s is DeploymentSource {
  return 'layout' in s;
}

/** Implemented by constructs that have a staged rollout. */
export interface IStagedSourceProvider extends IConstruct {
  /** @internal */
  _stagedSource(): StagedSource | DeploymentSource | undefined;
}

/** True when the construct can provide a staged source. */
export function isStagedSourceProvider(x: IConstruct): x is IStagedSourceProvider {
  return typeof (x as any)._stagedSource === 'function';
}
