import { ApiObject, ApiObjectMetadataDefinition, App, GroupVersionKind, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
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

/** The fields of cdk8s's `ApiObjectMetadataDefinition` that its `toJson` renders, besides the options. */
const METADATA_FIELDS = ['name', 'namespace', 'annotations', 'finalizers', 'ownerReferences', 'labels'] as const;

/**
 * cdk8s's `metadata.toJson()` (resolve, then `sanitizeValue` with keys sorted and empty arrays and
 * objects dropped) computed in one walk for plain values; undefined for anything else (a `Lazy`, a
 * token, another class, an array item that would leave a hole) and when the object does not hold the
 * fields cdk8s 2.x holds: then cdk8s's own `toJson` runs. A metadata without any field gives undefined
 * too (cdk8s's gives undefined, and so does the fallback).
 */
export function fastMetadataJson(metadata: ApiObjectMetadataDefinition): any | undefined {
  const m = metadata as any;
  const extra = m._additionalAttributes;
  if (extra === null || typeof extra !== 'object' || extra.constructor !== Object || !METADATA_FIELDS.every(f => Object.prototype.hasOwnProperty.call(m, f))) {
    return undefined;
  }
  try {
    return metadataWalk({ ...extra, name: m.name, namespace: m.namespace, annotations: m.annotations, finalizers: m.finalizers, ownerReferences: m.ownerReferences, labels: m.labels });
  } catch (e) {
    if (e === SLOW) return undefined;
    throw e;
  }
}

function metadataWalk(value: any): any {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw SLOW;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = metadataWalk(value[i]);
      if (v === undefined) throw SLOW;
      out[i] = v;
    }
    return out;
  }
  if (value instanceof Lazy || typeof value.resolve === 'function' || value.constructor !== Object) throw SLOW;
  const keys = Object.keys(value);
  if (!isSorted(keys)) keys.sort();
  const out: any = {};
  let empty = true;
  for (const k of keys) {
    const v = metadataWalk(value[k]);
    if (v !== undefined) {
      out[k] = v;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
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
 *
 * The L1 mappers (`k8s.toJson_*Props`, generated by cdk8s import) only move values: they rename and
 * order the fields of each struct and drop the unknown ones, rebuilding every object with a spread per
 * field. What they do to a resolved value depends only on its shape (the keys present at every level,
 * the array lengths, the type of each scalar), so the second time a shape is met the mapper runs once
 * more on a value whose scalars are markers; where each marker lands is the shape's plan, and every later
 * object of that shape is built from its own scalars by the plan. A plan is kept only when building the
 * object at hand by it gives exactly the mapper's own JSON (key order included) and every scalar of the
 * mapper's output is a marker (a mapper that reads into a scalar, such as `Object.entries` of a string,
 * has no plan: that shape keeps the mapper).
 */

/** An output node of a plan: a scalar (its index in walk order), an object (keys, nodes) or an array. */
type PlanNode = number | { readonly keys: readonly string[]; readonly nodes: readonly PlanNode[] } | readonly PlanNode[];

/** Builds the mapper's JSON of one shape from the scalars, in walk order. */
type Build = (scalars: unknown[]) => any;

/**
 * A node of the shapes seen (a trie): the structure tokens that may follow (a scalar's type, an array or
 * an object opening or closing) and the keys that may follow inside an object. A shape is the path of
 * its tokens; its last node holds the build, made the second time the shape is met (a shape met once,
 * such as an object whose labels have keys of their own, costs the mapper and no plan), null when the
 * mapper runs for that shape.
 */
class Shape {
  private tokens: Array<Shape | undefined> | undefined;
  private keys: Map<string, Shape> | undefined;
  public seen = false;
  public build: Build | null | undefined;

  public token(t: number): Shape {
    const tokens = this.tokens ?? (this.tokens = []);
    return tokens[t] ?? (tokens[t] = newShape());
  }

  public key(k: string): Shape {
    const keys = this.keys ?? (this.keys = new Map());
    let next = keys.get(k);
    if (next === undefined) keys.set(k, next = newShape());
    return next;
  }
}
const STRING = 0, NUMBER = 1, BOOLEAN = 2, ARRAY = 3, END_ARRAY = 4, OBJECT = 5, END_OBJECT = 6, UNION_STRING = 7, UNION_NUMBER = 8;

/** The shapes of each mapper, by sort order. */
const shapes = new Map<(props: any) => any, Shape[]>();
/** Trie nodes kept; past it every trie starts again (a bound on memory, not on correctness). */
const SHAPE_NODE_LIMIT = 200_000;
let shapeNodes = 0;
function newShape(): Shape {
  shapeNodes++;
  return new Shape();
}

/**
 * Walks `value` as `walk` does (null and undefined dropped), in the order of its keys as they are (the
 * shape fixes the sorted order too), collecting its scalars and following its shape from `at`; throws
 * SLOW where `walk` does.
 */
function scan(value: any, at: Shape, scalars: unknown[]): Shape {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') {
    scalars.push(value);
    return at.token(type === 'string' ? STRING : type === 'number' ? NUMBER : BOOLEAN);
  }
  if (type !== 'object') throw SLOW;
  if (Array.isArray(value)) {
    let node = at.token(ARRAY);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === null || v === undefined) throw SLOW;
      node = scan(v, node, scalars);
    }
    return node.token(END_ARRAY);
  }
  if (value instanceof Lazy || typeof value.resolve === 'function') throw SLOW;
  if (value.constructor !== Object) {
    // a union value (IntOrString, Quantity): walk makes it { value }
    const inner = value.value;
    if (typeof inner !== 'string' && typeof inner !== 'number') throw SLOW;
    scalars.push(inner);
    return at.token(typeof inner === 'string' ? UNION_STRING : UNION_NUMBER);
  }
  let node = at.token(OBJECT);
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === null || v === undefined) continue;
    node = scan(v, node.key(k), scalars);
  }
  return node.token(END_OBJECT);
}

/**
 * `walk(value, sortKeys)` with each scalar replaced by its marker, the markers numbered in the order `scan`
 * meets the scalars (a union's `{ value }` included). Only for values `scan` took.
 */
function markerWalk(value: any, sortKeys: boolean, markers: unknown[]): any {
  if (Array.isArray(value)) return value.map(v => markerWalk(v, sortKeys, markers));
  if (typeof value === 'object' && value.constructor !== Object) return { value: markerWalk(value.value, sortKeys, markers) };
  if (typeof value === 'object') {
    const kept = new Map<string, any>();
    for (const k of Object.keys(value)) {
      if (value[k] !== null && value[k] !== undefined) kept.set(k, markerWalk(value[k], sortKeys, markers));
    }
    const keys = [...kept.keys()];
    if (sortKeys) keys.sort();
    const out: any = {};
    for (const k of keys) out[k] = kept.get(k);
    return out;
  }
  // a string marker stays a string (the mapper may treat strings as strings); a number or a boolean
  // becomes an object without properties, which every mapper operation treats as it treats them
  const marker = typeof value === 'string' ? `\u0000${markers.length}` : Object.freeze(Object.create(null));
  markers.push(marker);
  return marker;
}

/** The plan of a mapper's output over markers, or undefined when a scalar there is not a marker. */
function planOf(out: any, index: Map<unknown, number>): PlanNode | undefined {
  if (Array.isArray(out)) {
    const nodes: PlanNode[] = [];
    for (const v of out) {
      const node = planOf(v, index);
      if (node === undefined) return undefined;
      nodes.push(node);
    }
    return nodes;
  }
  const i = index.get(out);
  if (i !== undefined) return i;
  if (out === null || typeof out !== 'object' || Object.getPrototypeOf(out) !== Object.prototype) return undefined;
  const keys = Object.keys(out);
  // an object literal's "__proto__" key would set the prototype: such a shape keeps the mapper
  if (keys.includes('__proto__')) return undefined;
  const nodes: PlanNode[] = [];
  for (const k of keys) {
    const node = planOf(out[k], index);
    if (node === undefined) return undefined;
    nodes.push(node);
  }
  return { keys, nodes };
}

/** A plan as one JavaScript expression over the scalars `s`: every key a JSON string literal, every value `s[i]`. */
function planSource(node: PlanNode): string {
  if (typeof node === 'number') return `s[${node}]`;
  if (Array.isArray(node)) return `[${node.map(planSource).join(',')}]`;
  const { keys, nodes } = node as { keys: readonly string[]; nodes: readonly PlanNode[] };
  return `{${keys.map((k, i) => `${JSON.stringify(k)}:${planSource(nodes[i])}`).join(',')}}`;
}

/**
 * The build of `mapper` for the shape of `data` (its scalars: `scalars`, as `scan` met them), made from one
 * mapper run over markers and kept only when it rebuilds `expected` (the mapper's JSON of this very value) exactly; null
 * when there is none.
 *
 * The build is compiled to one object literal (as fast-json-stringify and ajv compile their schemas): V8
 * creates it from a boilerplate, where assigning key by key would cost a map transition per field. Only
 * keys (each a JSON string literal, so any text is data) and scalar indexes go into the source.
 */
function makeBuild(mapper: (props: any) => any, data: any, sortKeys: boolean, scalars: unknown[], expected: any): Build | null {
  const markers: unknown[] = [];
  const marked = markerWalk(data, sortKeys, markers);
  if (markers.length !== scalars.length) return null;
  let out: any;
  try {
    out = mapper(marked);
  } catch {
    return null;
  }
  const plan = planOf(out, new Map(markers.map((m, i) => [m, i])));
  if (plan === undefined) return null;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, no-new-func
  const build = new Function('s', `return ${planSource(plan)};`) as Build;
  return JSON.stringify(build(scalars)) === JSON.stringify(expected) ? build : null;
}

/**
 * `mapper(resolved)` for the object's resolved props and metadata (see `resolvedApiObjectJson`), by the
 * build of their shape; undefined when the fast path does not apply.
 */
function mappedJson(obj: ApiObject, mapper: (props: any) => any): any | undefined {
  const patches = (obj as any).patches;
  if (!Array.isArray(patches) || patches.length > 0 || !defaultResolvers(App.of(obj).resolvers)) {
    return undefined;
  }
  const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
  if (shapeNodes >= SHAPE_NODE_LIMIT) {
    shapes.clear();
    shapeNodes = 0;
  }
  let roots = shapes.get(mapper);
  if (roots === undefined) shapes.set(mapper, roots = [newShape(), newShape()]);
  let data: any;
  let shape: Shape;
  const scalars: unknown[] = [];
  try {
    data = { ...(obj as any).props, metadata: fastMetadataJson(obj.metadata) ?? obj.metadata.toJson() };
    shape = scan(data, roots[sortKeys ? 0 : 1], scalars);
  } catch {
    // SLOW, or an error cdk8s raises in its own words (with the construct path) on the cdk8s path
    return undefined;
  }
  const build = shape.build;
  if (build === undefined) {
    const expected = mapper(walk(data, sortKeys));
    if (shape.seen) shape.build = makeBuild(mapper, data, sortKeys, scalars, expected);
    shape.seen = true;
    return expected;
  }
  return build === null ? mapper(walk(data, sortKeys)) : build(scalars);
}

/**
 * An L1 object's `toJson` on the fast path: its type, then its mapper over the resolved props; `slow` (the
 * L1 class's own `toJson`) when the fast path does not apply.
 */
function fastToJson(obj: ApiObject, gvk: GroupVersionKind, mapper: (props: any) => any, slow: () => any): any {
  const r = mappedJson(obj, mapper);
  return r === undefined ? slow() : { ...gvk, ...r };
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
