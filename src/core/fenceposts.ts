/** A count of pods or a percentage of replicas, as the rounding rules need it. */
export interface CountOrPercent {
  readonly value: number;
  readonly isPercent: boolean;
}

/** The bounds of a Deployment's rolling update at a replica count. */
export interface Fenceposts {
  /** Pods the controller may add above replicas (maxSurge, rounded up). */
  readonly maxSurge: number;
  /** Pods that may be unavailable (maxUnavailable, rounded down; 1 when both resolve to 0). */
  readonly maxUnavailable: number;
  /** The most pods during the update: replicas + maxSurge. */
  readonly maxPods: number;
  /** The fewest available pods during the update: replicas - maxUnavailable (not below 0). */
  readonly minAvailable: number;
}

/**
 * What the Deployment controller does with maxSurge and maxUnavailable (`deploymentutil.ResolveFenceposts`):
 * a percentage of `replicas` is rounded UP for maxSurge and DOWN for maxUnavailable; when both come out 0
 * (a small percentage of few replicas), maxUnavailable becomes 1 so the update can progress.
 */
export function resolveFenceposts(maxSurge: CountOrPercent, maxUnavailable: CountOrPercent, replicas: number): Fenceposts {
  const scaled = (v: CountOrPercent, up: boolean) => {
    if (!v.isPercent) return v.value;
    // exact integer arithmetic: value% of replicas
    const product = v.value * replicas;
    return up ? Math.ceil(product / 100) : Math.floor(product / 100);
  };
  const surge = scaled(maxSurge, true);
  let unavailable = scaled(maxUnavailable, false);
  if (surge === 0 && unavailable === 0) {
    unavailable = 1;
  }
  return { maxSurge: surge, maxUnavailable: unavailable, maxPods: replicas + surge, minAvailable: Math.max(0, replicas - unavailable) };
}
