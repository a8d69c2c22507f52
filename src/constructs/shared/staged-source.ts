import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { StageGate } from '../../core/analysis';
import { KindId } from '../../core/kinds/kind';
import { WaveSpec } from '../../core/waves';

/**
 * What a construct with a staged rollout hands the App: the kind of its rollout, the kind's layout (what
 * the construct decided: names, replicas, stages) and the rollout options. The objects are the ApiObjects
 * below `owner` and the `extraObjects`, rendered by the App. Internal.
 */
export interface StagedSource {
  /** The construct that owns the objects; every ApiObject below it goes into `base/`. */
  readonly owner: IConstruct;
  /**
   * ApiObjects created elsewhere in the app that go into `base/` too (`addToTree`), after the ones below
   * `owner`, in the order they were added.
   */
  readonly extraObjects?: ApiObject[];
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
  /** The gates by stage, in stage order, when any. */
  readonly gates?: { [stage: string]: StageGate };
  /** Accept a hand edit of the root that skips stages (`rollout.allowStageSkip`). */
  readonly allowStageSkip: boolean;
  /** The waves, in order, when the rollout has any. */
  readonly waves?: WaveSpec[];
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

/**
 * The objects added to a rollout's tree with `addToTree`: checked to be ApiObjects, each kept once, in
 * the order they were added.
 */
export class TreeObjects {
  private readonly objects: ApiObject[] = [];

  /**
   * @param owner the construct whose tree it is, for messages
   * @param hasRollout false when the construct has no rollout (then there is no tree)
   */
  public constructor(private readonly owner: IConstruct, private readonly hasRollout: boolean) {}

  /** Add objects; refused without a rollout or for anything that is not an ApiObject. */
  public add(objects: ApiObject[]): void {
    if (!this.hasRollout) {
      throw new Error(`addToTree on ${this.owner.node.path} needs a rollout: without one there is no rollout directory, and the objects go into their chart's manifest`);
    }
    objects.forEach((o, i) => {
      if (!(o instanceof ApiObject)) {
        throw new Error(`addToTree objects[${i}] (${typeof o === 'object' && o !== null ? (o as any).constructor?.name ?? 'object' : String(o)}) must be a cdk8s ApiObject (an L1 object, an object of an Include or a Helm chart, the ApiObject of a cdk8s-plus construct)`);
      }
      if (!this.objects.includes(o)) this.objects.push(o);
    });
  }

  /** The objects added so far. */
  public list(): ApiObject[] {
    return [...this.objects];
  }
}
