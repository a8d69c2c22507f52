/** Pods on a revision, as the state machine, the kinds and the messages see them. Pure. */

/**
 * Pods on one revision: by name (a StatefulSet's pods are addressed one by one) or by count per
 * Deployment.
 */
export type PodSet =
  | { readonly names: string[] }
  | { readonly replicas: ReadonlyArray<{ readonly deployment: string; readonly count: number }> };

/** One stage as the state machine sees it: which pods run which revision once it has converged. */
export interface StagePods {
  readonly name: string;
  readonly candidate: PodSet;
  readonly stable: PodSet;
  /**
   * The stage's partition.
   * @default - none: the kind has no partition
   */
  readonly partition?: number;
}

/** How many pods a pod set holds. */
export function podCount(pods: PodSet): number {
  return 'names' in pods ? pods.names.length : pods.replicas.reduce((n, r) => n + r.count, 0);
}

/** How a reader names the pods: `web-2, web-3`, or `2 pods of kubia-canary`. */
export function podList(pods: PodSet): string[] {
  return 'names' in pods
    ? pods.names
    : pods.replicas.filter(r => r.count > 0).map(r => `${r.count} ${r.count === 1 ? 'pod' : 'pods'} of ${r.deployment}`);
}
