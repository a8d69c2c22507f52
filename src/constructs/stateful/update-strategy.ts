import { show } from '../../core/validation';
import { PercentOrAbsolute } from '../shared/percent-or-absolute';

/** Options of `StatefulSetUpdateStrategy.rollingUpdate()`. */
export interface StatefulSetRollingUpdateOptions {
  /**
   * Pods with `ordinal >= ordinals.start + partition` take the new template. Not allowed together with a
   * rollout plan, which sets the partition of every stage.
   * @default - no partition (0): every pod is updated
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#partitions
   */
  readonly partition?: number;

  /**
   * How many pods may be unavailable during the update: a positive count or a percentage from 1% to 100%
   * (the controller rounds percentages down, with a minimum of 1). Needs the MaxUnavailableStatefulSet
   * feature gate; where it is off the API server drops the field.
   * @default - one pod at a time
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#maximum-unavailable-pods
   */
  readonly maxUnavailable?: PercentOrAbsolute;
}

/** `spec.updateStrategy` of a StatefulSet. */
export class StatefulSetUpdateStrategy {
  /** RollingUpdate: the controller replaces pods from the highest ordinal down. */
  public static rollingUpdate(options: StatefulSetRollingUpdateOptions = {}): StatefulSetUpdateStrategy {
    if (options.partition !== undefined && (!Number.isInteger(options.partition) || options.partition < 0 || options.partition > 2147483647)) {
      throw new Error(`updateStrategy.rollingUpdate.partition (${show(options.partition)}) must be an integer between 0 and 2147483647`);
    }
    const mu = options.maxUnavailable;
    if (mu !== undefined) {
      if (!(mu instanceof PercentOrAbsolute)) {
        throw new Error(`updateStrategy.rollingUpdate.maxUnavailable (${show(mu)}) must be PercentOrAbsolute.absolute(n) or PercentOrAbsolute.percent(p)`);
      }
      if (mu.value === 0 || (mu.isPercent && mu.value > 100)) {
        throw new Error(`updateStrategy.rollingUpdate.maxUnavailable (${mu.toString()}) must be a count >= 1 or a percentage between 1% and 100%`);
      }
    }
    return new StatefulSetUpdateStrategy('RollingUpdate', options.partition, mu);
  }

  /** OnDelete: a pod takes the new template only when it is deleted. A rollout plan cannot drive it. */
  public static onDelete(): StatefulSetUpdateStrategy {
    return new StatefulSetUpdateStrategy('OnDelete', undefined, undefined);
  }

  private constructor(
    /** `RollingUpdate` or `OnDelete`. */
    public readonly type: string,
    /** The partition given by the user, if any. */
    public readonly partition?: number,
    /** maxUnavailable, if any. */
    public readonly maxUnavailable?: PercentOrAbsolute) {}
}
