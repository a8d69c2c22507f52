import { execFileSync } from 'child_process';
import { parseAllDocuments } from 'yaml';

/** The real kustomize: `kubectl kustomize DIR`, parsed. */
export function kustomizeBuild(dir: string): any[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out).map(d => d.toJS());
}

/** Objects keyed by `kind/name`. */
export function byKindName(objects: any[]): { [key: string]: any } {
  return Object.fromEntries(objects.map(o => [`${o.kind}/${o.metadata.name}`, o]));
}
