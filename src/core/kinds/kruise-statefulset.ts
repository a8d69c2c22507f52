import { statefulSetKind } from './statefulset';

/**
 * OpenKruise Advanced StatefulSet (`apps.kruise.io/v1beta1`): the same stages and patch as apps/v1 (the
 * construct resolves, from Kruise's controller rules, which pods each partition updates: see
 * `core/kruise-preview.ts`), but its webhook lets claim templates change and answers immutable-field
 * changes in its own words.
 */
export const KRUISE_STATEFULSET = statefulSetKind({
  id: 'kruise-statefulset',
  group: 'apps.kruise.io',
  version: 'v1beta1',
  rejection: 'Kruise\'s webhook rejects the update ("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'reserveOrdinals\', \'lifecycle\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\', `volumeClaimTemplates`, `VolumeClaimUpdateStrategy` and \'updateStrategy\' are forbidden")',
  immutableClaims: false,
});
