import * as fs from 'fs';
import * as path from 'path';

/** The deepest directory that holds every one of `paths` (absolute). */
export function commonAncestor(paths: string[]): string {
  if (paths.length === 0) throw new Error('commonAncestor needs at least one path');
  let common = path.resolve(paths[0]).split(path.sep);
  for (const p of paths.slice(1)) {
    const parts = path.resolve(p).split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

/**
 * The repository root of a set of outputs: the nearest directory above their common ancestor that holds
 * `.git` (a directory, or a file in a worktree or submodule); without one, the common ancestor itself.
 * Writers of the same outputs (a synth, a promote) therefore agree on it, and lock it.
 */
export function repositoryRoot(paths: string[]): string {
  const common = commonAncestor(paths);
  for (let dir = common; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return common;
  }
}

/** The git top-level above `from` (the directory that holds `.git`), or undefined outside a repository. */
export function gitTopLevel(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** An absolute POSIX path without empty, `.` or `..` segments and without a trailing `/`: `path.resolve` returns it as it is. */
const NORMAL_ABSOLUTE = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;

/**
 * `path.resolve(p)`, without its work when `p` is already absolute and normal (the synth's paths, built
 * with `path.join`, are): thousands of trees resolve each of their paths several times.
 */
export function resolvePath(p: string): string {
  return path.sep === '/' && NORMAL_ABSOLUTE.test(p) ? p : path.resolve(p);
}

/** True when `target` is `root` or below it (both resolved, no symlinks followed). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Refuse an output path that leaves its root: it must resolve strictly below `root`, and no existing
 * directory between them may be a symlink to a place outside `root`.
 * @param what how the message names the output, such as `rollout directory`
 */
export function checkInsideRoot(root: string, target: string, what: string, cache?: InsideRootCache): void {
  const resolvedRoot = resolvePath(root);
  const resolved = resolvePath(target);
  // both are resolved: a path that starts with the root and a separator is relative by its rest
  const rel = path.sep === '/' && resolved.startsWith(`${resolvedRoot}/`) ? resolved.slice(resolvedRoot.length + 1) : path.relative(resolvedRoot, resolved);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new Error(`${what} ${target} must be inside ${resolvedRoot}: an output never leaves its directory`);
  }
  let realRoot = cache?.realRoots.get(resolvedRoot);
  if (realRoot === undefined) {
    try {
      realRoot = fs.realpathSync(resolvedRoot);
    } catch {
      realRoot = null;
    }
    cache?.realRoots.set(resolvedRoot, realRoot);
  }
  if (realRoot === null) {
    return; // the root does not exist yet: nothing below it can be a symlink
  }
  // the directories between the root and the target's parent, checked once per operation
  const walk = `${resolvedRoot}\0${path.dirname(resolved)}`;
  if (cache?.walked.has(walk)) return;
  let dir = resolvedRoot;
  for (const part of path.dirname(rel) === '.' ? [] : path.dirname(rel).split(path.sep)) {
    dir = path.join(dir, part);
    let stat = cache?.stats.get(dir);
    if (stat === undefined) {
      try {
        stat = fs.lstatSync(dir, { throwIfNoEntry: false }) ?? null;
      } catch {
        stat = null;
      }
      cache?.stats.set(dir, stat);
    }
    if (stat === null) {
      return; // does not exist yet: created as a plain directory
    }
    if (stat.isSymbolicLink()) {
      const real = fs.realpathSync(dir);
      if (!isInside(realRoot, real)) {
        throw new Error(`${what} ${target} would be written through the symbolic link ${dir} (-> ${real}), which leaves ${resolvedRoot}: replace the link with a directory`);
      }
    } else if (!stat.isDirectory()) {
      throw new Error(`${what} ${target} cannot be written: ${dir} is a file, not a directory; move it away`);
    }
  }
  cache?.walked.add(walk);
}

/**
 * What `checkInsideRoot` may remember within one operation, which creates no symlink meanwhile: the
 * real path of each root (null: missing), the lstat of each directory on the way (null: missing) and the
 * walks that passed.
 */
export interface InsideRootCache {
  readonly realRoots: Map<string, string | null>;
  readonly stats: Map<string, fs.Stats | null>;
  /** `<root>\0<parent of a target>` for each walk from a root to a target's parent that passed. */
  readonly walked: Set<string>;
}

/**
 * Refuse a relative file name inside a tree that is absolute, empty, or has `.`, `..` or empty segments.
 */
export function checkRelativeName(name: string, tree: string): void {
  const parts = name.split('/');
  if (name === '' || path.isAbsolute(name) || name.includes('\\') || name.includes('\0') || parts.some(p => p === '' || p === '.' || p === '..')) {
    throw new Error(`file name ${JSON.stringify(name)} of tree ${tree} must be a relative path without ".", ".." or empty segments: a tree's files stay inside it`);
  }
}

/** A path as a case-insensitive, Unicode-normalizing file system (macOS, Windows) compares it. */
export function foldCase(p: string): string {
  return resolvePath(p).normalize('NFC').toLowerCase();
}
