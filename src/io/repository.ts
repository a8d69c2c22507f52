import * as fs from 'fs';
import * as path from 'path';

/**
 * The repository a rollout directory belongs to: the nearest directory above it (itself included) with
 * a `.git` entry or a `cdk8s.yaml`; undefined when there is none up to the file system root.
 */
export function repositoryRoot(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git')) || fs.existsSync(path.join(dir, 'cdk8s.yaml'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** True when `file` is `dir` or below it, after resolving both. */
export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
