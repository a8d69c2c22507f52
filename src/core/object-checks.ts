import { checkLabelKey, show } from './validation';

/**
 * Checks over every object an app emits, the ones the API server would make when Argo CD or Flux
 * applies them: a namespace that is a DNS label, annotation keys that are qualified names within the
 * size limit, and no two objects of one kind and name in one namespace. Pure.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The API server's limit on all annotations of an object, keys and values together. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** An emitted object and where it comes from, for messages. */
export interface EmittedObject {
  readonly json: any;
  /** The construct path. */
  readonly path: string;
}

/** Check every object's metadata and that no two objects collide, in the order given. */
export function checkEmittedObjects(objects: EmittedObject[]): void {
  const checks = new EmittedObjectChecks();
  for (const o of objects) checks.check(o);
}

/** The checks of `checkEmittedObjects`, one object at a time: each against those checked before. */
export class EmittedObjectChecks {
  private readonly seen = new Map<string, string>();

  /** Check one object's metadata, and that no object checked before has its kind, namespace and name. */
  public check({ json, path }: EmittedObject): void {
    const meta = json?.metadata ?? {};
    const where = `[${path}] ${json?.kind} ${show(meta.name)}`;
    if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || meta.namespace.length > 63 || !DNS1123_LABEL.test(meta.namespace))) {
      throw new Error(`${where}: metadata.namespace (${show(meta.namespace)}) must be a DNS-1123 label: at most 63 lowercase alphanumeric characters or '-', starting and ending with an alphanumeric character`);
    }
    const annotations = meta.annotations ?? {};
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      try {
        checkLabelKey('metadata.annotations', key);
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message.replace('must be a label key', 'must be a qualified name')}`);
      }
      if (typeof value !== 'string') {
        throw new Error(`${where}: metadata.annotations[${show(key)}] (${show(value)}) must be a string`);
      }
      size += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    if (size > MAX_ANNOTATIONS_BYTES) {
      throw new Error(`${where}: metadata.annotations take ${size} bytes: the API server allows at most ${MAX_ANNOTATIONS_BYTES}`);
    }
    const group = String(json?.apiVersion ?? '').includes('/') ? String(json.apiVersion).split('/')[0] : '';
    const id = `${group}/${json?.kind}/${meta.namespace ?? ''}/${meta.name}`;
    const before = this.seen.get(id);
    if (before !== undefined) {
      throw new Error(`${json?.kind} ${show(meta.name)}${meta.namespace ? ` in namespace ${show(meta.namespace)}` : ''} is emitted twice, by ${before} and ${path}: the API server keeps one object per kind, namespace and name; rename one of them`);
    }
    this.seen.set(id, path);
  }
}
