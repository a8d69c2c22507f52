import { Fenceposts, resolveFenceposts } from '../../core/fenceposts';
import { show } from '../../core/validation';
import { PercentOrAbsolute } from '../shared/percent-or-absolute';

/** Options of `DeploymentStrategy.rollingUpdate()`. */
export interface DeploymentRollingUpdateOptions {
  /**
   * How many pods may exist above `replicas` during an update: a count or a percentage of replicas,
   * rounded up by the controller.
   * @default - not emitted (Kubernetes: 25%)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge
   */
  readonly maxSurge?: PercentOrAbsolute;

  /**
   * How many of `replicas` may be unavailable during an update: a count or a percentage of replicas
   * (at most 100%), rounded down by the controller. Not 0 when `maxSurge` is 0.
   * @default - not emitted (Kubernetes: 25%)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable
   */
  readonly maxUnavailable?: PercentOrAbsolute;
}

/** The Kubernetes default of both `maxSurge` and `maxUnavailable`. */
const DEFAULT_FENCEPOST = PercentOrAbsolute.percent(25);

/**
 * `spec.strategy` of a Deployment.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
export class DeploymentStrategy {
  /**
   * RollingUpdate: new pods come up while old ones go, within `maxSurge` and `maxUnavailable`.
   * Refuses what the API server refuses: a negative count, `maxUnavailable` above 100%, and both 0.
   */
  public static rollingUpdate(options: DeploymentRollingUpdateOptions = {}): DeploymentStrategy {
    const check = (field: string, v: PercentOrAbsolute | undefined) => {
      if (v !== undefined && !(v instanceof PercentOrAbsolute)) {
        throw new Error(`strategy.rollingUpdate.${field} (${show(v)}) must be PercentOrAbsolute.absolute(n) or PercentOrAbsolute.percent(p)`);
      }
    };
    check('maxSurge', options.maxSurge);
    check('maxUnavailable', options.maxUnavailable);
    const surge = options.maxSurge;
    const unavailable = options.maxUnavailable;
    if (unavailable?.isPercent && unavailable.value > 100) {
      throw new Error(`strategy.rollingUpdate.maxUnavailable (${unavailable.toString()}) must not be greater than 100%`);
    }
    // the API server defaults an unset field to 25% before it validates
    if ((surge ?? DEFAULT_FENCEPOST).value === 0 && (unavailable ?? DEFAULT_FENCEPOST).value === 0) {
      throw new Error(`strategy.rollingUpdate.maxUnavailable (${unavailable!.toString()}) may not be 0 when maxSurge is 0 (${surge!.toString()}): the update could neither add a pod nor remove one; allow a surge (such as 1) or some unavailability`);
    }
    return new DeploymentStrategy('RollingUpdate', surge, unavailable);
  }

  /** Recreate: every old pod is stopped before any new pod starts (a short outage on each update). */
  public static recreate(): DeploymentStrategy {
    return new DeploymentStrategy('Recreate', undefined, undefined);
  }

  private constructor(
    /** `RollingUpdate` or `Recreate`. */
    public readonly type: string,
    /** maxSurge, if given. */
    public readonly maxSurge?: PercentOrAbsolute,
    /** maxUnavailable, if given. */
    public readonly maxUnavailable?: PercentOrAbsolute) {}

  /** `spec.strategy` as the API writes it. */
  public toJson(): any {
    if (this.type === 'Recreate') {
      return { type: 'Recreate' };
    }
    const rollingUpdate: { [k: string]: any } = {};
    if (this.maxSurge !== undefined) rollingUpdate.maxSurge = this.maxSurge.toJson();
    if (this.maxUnavailable !== undefined) rollingUpdate.maxUnavailable = this.maxUnavailable.toJson();
    return Object.keys(rollingUpdate).length > 0 ? { type: 'RollingUpdate', rollingUpdate } : { type: 'RollingUpdate' };
  }

  /**
   * The pod counts the controller works with at `replicas`: see `resolveFenceposts`.
   * Recreate: no surge, every pod unavailable.
   */
  public resolve(replicas: number): Fenceposts {
    if (this.type === 'Recreate') {
      return { maxSurge: 0, maxUnavailable: replicas, maxPods: replicas, minAvailable: 0 };
    }
    return resolveFenceposts(this.maxSurge ?? DEFAULT_FENCEPOST, this.maxUnavailable ?? DEFAULT_FENCEPOST, replicas);
  }
}
