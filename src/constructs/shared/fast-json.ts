import { ApiObject, App, GroupVersionKind, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';

/** Thrown inside the walk when the value needs cdk8s's own resolution. */
const SLOW = new Error('needs the cdk8s resolve');

/**
 * What cdk8s's `ApiObject.prototype.toJson` returns for `obj`, computed in one walk instead of its
 * `resolve` (which builds a key path array and a resolution context for every value) followed by
 * `sanitizeValue`, or undefined when this object needs the cdk8s path: the fast path is taken only when
 * the result is surely the same.
 *
 * - the app's resolvers are exactly cdk8s's three defaults (`AppProps.resolvers` given: cdk8s path);
 * - the object has no JSON patches (`addJsonPatch`: cdk8s path);
 * - every value is a string, number, boolean, null/undefined (dropped), an array without null items, a
 *   plain object without a `resolve` function, or a union value such as `IntOrString` or `Quantity`
 *   (neither a `Lazy` nor an object with a `resolve` function, holding a string or number `value`: the
 *   default `NumberStringUnionResolver` turns it into `{ value }`). Anything else (a `Lazy`, an implicit
 *   token, another class) takes the cdk8s path, which also raises cdk8s's own errors.
 *
 * As cdk8s does, keys are sorted at every level unless `CDK8S_DISABLE_SORT` is set, null and undefined
 * values are dropped, and the top-level keys start with apiVersion, kind and metadata. The metadata is
 * cdk8s's own `metadata.toJson()`.
 */
export function resolvedApiObjectJson(obj: ApiObject): any | undefined {
  const patches = (obj as any).patches;
  if (!Array.isArray(patches) || patches.length > 0 || !defaultResolvers(App.of(obj).resolvers)) {
    return undefined;
  }
  const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
  let json: any;
  try {
    json = walk({ ...(obj as any).props, metadata: obj.metadata.toJson() }, sortKeys);
  } catch {
    // SLOW, or an error cdk8s raises in its own words (with the construct path) on the cdk8s path
    return undefined;
  }
  const result: any = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) {
    if (k in json) result[k] = json[k];
  }
  return result;
}

const checked = new WeakSet<object>();
function defaultResolvers(resolvers: readonly unknown[]): boolean {
  if (checked.has(resolvers)) return true;
  const ok = resolvers.length === 3 && resolvers[0] instanceof LazyResolver && resolvers[1] instanceof ImplicitTokenResolver &&
    resolvers[2] instanceof NumberStringUnionResolver;
  if (ok) checked.add(resolvers);
  return ok;
}

/** cdk8s `resolve` with the default resolvers, then `sanitizeValue`, for the values listed above. */
function walk(value: any, sortKeys: boolean): any {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw SLOW;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      // sanitizeValue keeps an undefined hole for a null item: rare, left to cdk8s
      if (v === null || v === undefined) throw SLOW;
      out[i] = walk(v, sortKeys);
    }
    return out;
  }
  if (value instanceof Lazy || typeof value.resolve === 'function') throw SLOW;
  if (value.constructor !== Object) {
    const inner = value.value;
    if (typeof inner === 'string' || typeof inner === 'number') return { value: inner };
    throw SLOW;
  }
  const keys = Object.keys(value);
  if (sortKeys) keys.sort();
  const out: any = {};
  for (const k of keys) {
    const v = walk(value[k], sortKeys);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/*
 * The typed L1 objects the constructs create, with `toJson` on the fast path above: the same JSON as the
 * L1 class (its mapper runs on the same resolved value), the L1 class's own `toJson` whenever the fast
 * path does not apply. Each is the L1 class itself to its users (`instanceof`, escape hatches).
 */

/**
 * An L1 object's `toJson` on the fast path: its type, then its mapper over the resolved props; `slow` (the
 * L1 class's own `toJson`) when the fast path does not apply.
 */
function fastToJson(obj: ApiObject, gvk: GroupVersionKind, mapper: (props: any) => any, slow: () => any): any {
  const r = resolvedApiObjectJson(obj);
  return r === undefined ? slow() : { ...gvk, ...mapper(r) };
}

/** `k8s.KubeService` with the fast `toJson`. */
export class FastKubeService extends k8s.KubeService {
  public toJson(): any {
    return fastToJson(this, k8s.KubeService.GVK, k8s.toJson_KubeServiceProps, () => super.toJson());
  }
}

/** `k8s.KubeStatefulSet` with the fast `toJson`. */
export class FastKubeStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    return fastToJson(this, k8s.KubeStatefulSet.GVK, k8s.toJson_KubeStatefulSetProps, () => super.toJson());
  }
}

/** `k8s.KubeDeployment` with the fast `toJson`. */
export class FastKubeDeployment extends k8s.KubeDeployment {
  public toJson(): any {
    return fastToJson(this, k8s.KubeDeployment.GVK, k8s.toJson_KubeDeploymentProps, () => super.toJson());
  }
}

/** `k8s.KubePodDisruptionBudget` with the fast `toJson`. */
export class FastKubePodDisruptionBudget extends k8s.KubePodDisruptionBudget {
  public toJson(): any {
    return fastToJson(this, k8s.KubePodDisruptionBudget.GVK, k8s.toJson_KubePodDisruptionBudgetProps, () => super.toJson());
  }
}

/** `k8s.KubeServiceAccount` with the fast `toJson`. */
export class FastKubeServiceAccount extends k8s.KubeServiceAccount {
  public toJson(): any {
    return fastToJson(this, k8s.KubeServiceAccount.GVK, k8s.toJson_KubeServiceAccountProps, () => super.toJson());
  }
}
