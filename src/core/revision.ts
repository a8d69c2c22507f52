import * as crypto from 'crypto';

/**
 * JSON with object keys sorted at every level: the same value always gives the same text. A value whose
 * objects list their keys in that order already (the objects cdk8s renders sort theirs) is the engine's
 * own `JSON.stringify`, without a copy.
 */
export function canonicalJson(value: unknown): string {
  return inCanonicalOrder(value, 0) ? JSON.stringify(value) : canonical(value) as string;
}

/**
 * Whether `JSON.stringify(value)` is its canonical text: every object plain (no `toJSON` to call, no class)
 * with its keys in sorted order after the array-index keys (which every object lists first, ascending),
 * every array plain, and no deeper than `MAX_ORDER_DEPTH`.
 */
function inCanonicalOrder(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_ORDER_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const k of Object.keys(value)) {
    if (k === 'toJSON') return false;
    if (isArrayIndex(k)) {
      // the engine lists index keys first: one after another key is not an index the engine ordered
      if (previous !== undefined) return false;
    } else {
      if (previous !== undefined && previous > k) return false;
      previous = k;
    }
    if (!inCanonicalOrder((value as any)[k], depth + 1)) return false;
  }
  return true;
}
/** Deeper values take the walk (which the engine's recursion limit does not bound either way). */
const MAX_ORDER_DEPTH = 100;

/** A key the engine lists before every other key of an object, in ascending order: an array index (below 2^32 - 1). */
function isArrayIndex(k: string): boolean {
  return INDEX_KEY.test(k) && Number(k) < 4294967295;
}

/** An array index as a property key: a plain object lists those first, in numeric order, whatever the insertion order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]{0,9})$/;

/**
 * `JSON.stringify(sortKeys(value))`, written directly (no sorted copy of every object): the same text for
 * every value. An object with a key that is an array index takes the copy, whose key order the engine sets.
 */
function canonical(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) parts.push(canonical(value[i]) ?? 'null');
    return `[${parts.join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.some(k => INDEX_KEY.test(k))) return JSON.stringify(sortKeys(value));
    const parts: string[] = [];
    for (const k of keys) {
      const v = canonical((value as any)[k]);
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map(k => [k, sortKeys((value as any)[k])]));
  }
  return value;
}

/**
 * The revision of a pod template: the first 10 hex characters of the SHA-256 of its canonical JSON.
 * It identifies a template in the plan and the state; it is not the controller's
 * `controller-revision-hash` (that one also covers fields the controller adds).
 */
export function templateRevision(template: unknown): string {
  return sha256Hex(canonicalJson(template)).slice(0, 10);
}

/** The SHA-256 of a text's UTF-8 bytes, in hex: Node's one-shot `crypto.hash` where it has one (20.12 on), else a Hash object. */
export const sha256Hex: (text: string) => string = typeof (crypto as any).hash === 'function'
  ? text => (crypto as any).hash('sha256', text, 'hex')
  : text => crypto.createHash('sha256').update(text).digest('hex');

/**
 * The SHA-256 of a tree: every path and its content (a text as its UTF-8 bytes, or bytes), in path order,
 * each followed by a NUL: `sha256:<hex>`. Fed part by part to one Hash object, which encodes each text
 * into its own buffer: no joined copy of the whole tree.
 */
export function treeDigestOf(files: ReadonlyMap<string, string | Uint8Array> | { readonly [file: string]: string | Uint8Array }): string {
  const map: ReadonlyMap<string, string | Uint8Array> = files instanceof Map ? files : new Map(Object.entries(files));
  const hash = crypto.createHash('sha256');
  for (const file of [...map.keys()].sort()) {
    hash.update(file);
    hash.update('\0');
    hash.update(map.get(file)!);
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

/** `main=nginx:1.27, sidecar=envoy:1.30`: the images of a revision, for messages. */
export function describeImages(images: { [container: string]: string }): string {
  return Object.entries(images).map(([c, i]) => `${c}=${i}`).join(', ');
}

/** Container name -> image of a pod template, containers then init containers. */
export function templateImages(template: any): { [container: string]: string } {
  const spec = template?.spec ?? {};
  const list = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  // own properties even for a container named `__proto__`
  return Object.fromEntries(list.map((c: any) => [String(c?.name), c?.image]));
}

/**
 * What differs between two pod templates besides the images, for messages that would otherwise read the
 * same on both sides: `env of main changed`, `container sidecar added`, `spec.nodeSelector changed`,
 * `metadata.labels changed`. Containers then init containers, in the new template's order; then the pod
 * fields, then the metadata, each in key order. Empty when only images (or nothing) differ.
 */
export function templateChanges(before: any, after: any): string[] {
  const out: string[] = [];
  const containersOf = (t: any, field: string): any[] => t?.spec?.[field] ?? [];
  for (const field of ['containers', 'initContainers']) {
    const what = field === 'containers' ? 'container' : 'init container';
    const old = new Map(containersOf(before, field).map(c => [c.name, c]));
    const now = containersOf(after, field);
    for (const c of now) {
      const o = old.get(c.name);
      if (o === undefined) {
        out.push(`${what} ${c.name} added`);
        continue;
      }
      const keys = [...new Set([...Object.keys(o), ...Object.keys(c)])].filter(k => k !== 'image' && k !== 'name').sort();
      for (const k of keys) {
        if (canonicalJson(o[k]) !== canonicalJson(c[k])) out.push(`${k} of ${c.name} changed`);
      }
    }
    const names = new Set(now.map(c => c.name));
    for (const name of old.keys()) {
      if (!names.has(name)) out.push(`${what} ${name} removed`);
    }
  }
  const differing = (a: any, b: any, prefix: string, skip: string[]) => {
    const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].filter(k => !skip.includes(k)).sort();
    for (const k of keys) {
      if (canonicalJson(a?.[k]) !== canonicalJson(b?.[k])) out.push(`${prefix}.${k} changed`);
    }
  };
  differing(before?.spec, after?.spec, 'spec', ['containers', 'initContainers']);
  differing(before?.metadata, after?.metadata, 'metadata', []);
  return out;
}
