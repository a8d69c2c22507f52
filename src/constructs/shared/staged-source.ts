import { IConstruct } from 'constructs';
import { KindId } from '../../core/kinds/kind';

/**
 * What a construct with a staged rollout hands the App: the kind of its rollout, the kind's layout (what
 * the construct decided: names, replicas, stages) and the rollout options. The objects are the ApiObjects
 * below `owner`, rendered by the App. Internal.
 */
export interface StagedSource {
  /** The construct that owns the objects; every ApiObject below it goes into `base/`. */
  readonly owner: IConstruct;
  /** The rollout kind. */
  readonly kind: KindId;
  /** The rollout root, relative to the app's outdir. */
  readonly directory: string;
  /** The kind's layout (`StatefulSetLayout`, `DeploymentRolloutLayout`). */
  readonly layout: { readonly app: string };
  /** The stage pinned in code by `rollout.activeStage`, if any. */
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
  /** Accept a hand edit of the root that skips stages (`rollout.allowStageSkip`). */
  readonly allowStageSkip: boolean;
}

/** Implemented by constructs that have a staged rollout. */
export interface IStagedSourceProvider extends IConstruct {
  /** @internal */
  _stagedSource(): StagedSource | undefined;
}

/** True when the construct can provide a staged source. */
export function isStagedSourceProvider(x: IConstruct): x is IStagedSourceProvider {
  return typeof (x as any)._stagedSource === 'function';
}
