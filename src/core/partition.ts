/**
 * The controller's partition rule, in one place, with no cdk8s dependency.
 *
 * kube-controller-manager (pkg/controller/statefulset/stateful_set_utils.go, `newVersionedStatefulSetPod`)
 * gives a pod the update revision when `ordinal >= ordinals.start + partition`; the others stay on the
 * current revision, even when deleted and recreated.
 */

/**
 * The partition of the hold stage: the largest value the int32 field takes.
 *
 * `partition = replicas` also keeps every pod on the old revision, but only while replicas do not grow: a
 * scale-up (HPA, `kubectl scale`) during the hold creates the new ordinals, which are >= the partition, at
 * the NEW revision. The maximum int32 holds whatever the replica count becomes. (Kruise Rollout holds with
 * 32767 for the same reason.)
 */
export const HOLD_PARTITION = 2147483647;

/** The partition that leaves `updated` of `replicas` pods on the new revision (the highest ordinals). */
export function partitionForUpdated(replicas: number, updated: number): number {
  return replicas - updated;
}

/** The ordinals that run the new revision once a StatefulSet with this partition has converged. */
export function updatedOrdinals(replicas: number, partition: number, ordinalsStart: number = 0): number[] {
  const out: number[] = [];
  for (let ordinal = ordinalsStart; ordinal < ordinalsStart + replicas; ordinal++) {
    if (ordinal >= ordinalsStart + partition) {
      out.push(ordinal);
    }
  }
  return out;
}

/** Pod names `<app>-<ordinal>`. */
export function podNames(app: string, ordinals: number[]): string[] {
  return ordinals.map(o => `${app}-${o}`);
}

/** Every ordinal of the StatefulSet, lowest first. */
export function allOrdinals(replicas: number, ordinalsStart: number = 0): number[] {
  return Array.from({ length: replicas }, (_, i) => ordinalsStart + i);
}
