import { createHash } from 'crypto';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
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
  return createHash('sha256').update(canonicalJson(template)).digest('hex').slice(0, 10);
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
