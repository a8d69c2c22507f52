import { DEPLOYMENT_BLUE_GREEN } from './deployment-blue-green';
import { DEPLOYMENT_CANARY } from './deployment-canary';
import { KindId, RolloutKind } from './kind';
import { KRUISE_STATEFULSET } from './kruise-statefulset';
import { BadField } from './plan-checks';
import { NATIVE_STATEFULSET } from './statefulset';

/**
 * The one place where the kinds are registered and chosen. To add a kind, implement `RolloutKind` in its
 * own file and list it here.
 */
const KINDS: ReadonlyArray<RolloutKind<any, any>> = [NATIVE_STATEFULSET, KRUISE_STATEFULSET, DEPLOYMENT_CANARY, DEPLOYMENT_BLUE_GREEN];

/** The kind of an id (what a construct declares). */
export function kindById(id: KindId): RolloutKind<any, any> {
  return KINDS.find(k => k.id === id)!;
}

/**
 * The kind of a parsed plan.json: the one that accepts its `kind` and `apiVersion` (StatefulSets) or
 * `style` (Deployments). Throws the error `bad` makes for the field that matches no kind.
 */
export function kindOfPlan(raw: { readonly [field: string]: unknown }, bad: BadField): RolloutKind<any, any> {
  const kind = KINDS.find(k => k.accepts(raw));
  if (kind) return kind;
  if (raw.kind === 'Deployment') {
    if (raw.apiVersion !== 'apps/v1') throw bad('apiVersion', '"apps/v1"');
    throw bad('style', '"canary" or "blueGreen"');
  }
  if (raw.kind !== 'StatefulSet') throw bad('kind', '"StatefulSet" or "Deployment"');
  throw bad('apiVersion', '"apps/v1" or "apps.kruise.io/v1beta1"');
}
