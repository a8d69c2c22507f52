import type * as ChildProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** `child_process`, loaded on first use: the command line's status and promote start no process. */
function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('child_process');
}

/**
 * Reading a Git repository: the files of a directory at a revision, a file at a revision, the paths a
 * change touches. Every call runs `git` with an argument list (never a shell) and reads its output; none
 * writes to the repository.
 */

/** A failed git command. */
export class GitError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

function git(cwd: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const run = childProcess().spawnSync('git', args, { cwd, encoding: 'utf-8', input, maxBuffer: 256 * 1024 * 1024 });
  return { status: run.status ?? -1, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

/** The nearest existing directory at or above `p`. */
function existingAncestor(p: string): string | undefined {
  let dir = path.resolve(p);
  for (;;) {
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * True when a `.git` entry (a directory, or the file of a worktree or submodule) stands in `dir` or above:
 * outside one, no `git` process is started at all.
 */
export function hasGitAbove(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** The top directory of the work tree that holds `p` (which need not exist); undefined outside a repository. */
export function gitToplevel(p: string): string | undefined {
  const from = existingAncestor(p);
  if (from === undefined || !hasGitAbove(from)) return undefined;
  const run = git(from, ['rev-parse', '--show-toplevel']);
  return run.status === 0 ? fs.realpathSync(run.stdout.trim()) : undefined;
}

/** `p` relative to the top of its work tree, with '/'. */
export function repoPath(toplevel: string, p: string): string {
  const from = existingAncestor(p)!;
  const rest = path.relative(from, path.resolve(p));
  return path.relative(toplevel, path.join(fs.realpathSync(from), rest)).split(path.sep).join('/');
}

/** The commit a revision names; throws a `GitError` naming the revision when it names none. */
export function resolveRevision(toplevel: string, revision: string): string {
  if (revision.startsWith('-')) {
    throw new GitError(`--base (${JSON.stringify(revision)}) must name a revision, such as origin/main or a commit`);
  }
  const run = git(toplevel, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (run.status !== 0) {
    throw new GitError(`--base (${JSON.stringify(revision)}) names no commit of the repository ${toplevel}: fetch it first (in GitHub Actions, actions/checkout with fetch-depth: 0)`);
  }
  return run.stdout.trim();
}

/** The merge base of two commits, as `git diff A...B` uses it. */
export function mergeBase(toplevel: string, a: string, b: string): string {
  const run = git(toplevel, ['merge-base', a, b]);
  if (run.status !== 0) {
    throw new GitError(`${a} and ${b} have no common ancestor in ${toplevel}: ${run.stderr.trim()}`);
  }
  return run.stdout.trim();
}

/**
 * The paths (relative to the top, with '/') that differ between `commit` and the working tree: the
 * commits since it and uncommitted changes, untracked files included.
 */
export function changedPaths(toplevel: string, commit: string): string[] {
  const diff = git(toplevel, ['diff', '--name-only', '--no-renames', '-z', commit]);
  if (diff.status !== 0) {
    throw new GitError(`git diff --name-only ${commit} failed in ${toplevel}: ${diff.stderr.trim()}`);
  }
  const untracked = git(toplevel, ['ls-files', '--others', '--exclude-standard', '-z']);
  return [...new Set([...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter(p => p !== ''))].sort();
}

/** Every path of a commit (relative to the top, with '/'). */
export function pathsAt(toplevel: string, commit: string): string[] {
  const run = git(toplevel, ['ls-tree', '-r', '--name-only', '-z', '--full-tree', commit]);
  if (run.status !== 0) {
    throw new GitError(`git ls-tree ${commit} failed in ${toplevel}: ${run.stderr.trim()}`);
  }
  return run.stdout.split('\0').filter(p => p !== '');
}

/** The text of a file at a commit (`git show COMMIT:PATH`); undefined when it has no such file. */
export function fileAt(toplevel: string, commit: string, file: string): string | undefined {
  const run = git(toplevel, ['cat-file', 'blob', `${commit}:${file}`]);
  return run.status === 0 ? run.stdout : undefined;
}

/**
 * Every file below a directory at a commit, relative path (with '/') -> content: one `git ls-tree` and
 * one `git cat-file --batch`. Empty when the commit has no such directory.
 * @param directory relative to the top, with '/'
 */
export function filesAt(toplevel: string, commit: string, directory: string): { [file: string]: string } {
  const list = git(toplevel, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', directory]);
  if (list.status !== 0) {
    throw new GitError(`git ls-tree ${commit} ${directory} failed in ${toplevel}: ${list.stderr.trim()}`);
  }
  const blobs = list.stdout.split('\0').filter(l => l !== '').map(l => {
    const [meta, file] = l.split('\t');
    const [, type, id] = meta.split(' ');
    return { type, id, file };
  }).filter(b => b.type === 'blob');
  if (blobs.length === 0) return {};
  const run = childProcess().spawnSync('git', ['cat-file', '--batch'], { cwd: toplevel, input: blobs.map(b => b.id).join('\n') + '\n', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) {
    throw new GitError(`git cat-file --batch failed in ${toplevel}: ${String(run.stderr)}`);
  }
  const out: { [file: string]: string } = {};
  const buffer: Buffer = run.stdout;
  let at = 0;
  for (const b of blobs) {
    const eol = buffer.indexOf(0x0a, at);
    const size = Number(buffer.subarray(at, eol).toString('utf-8').split(' ')[2]);
    out[path.posix.relative(directory, b.file)] = buffer.subarray(eol + 1, eol + 1 + size).toString('utf-8');
    at = eol + 1 + size + 1;
  }
  return out;
}

/**
 * The files of a directory (which need not exist any more) as committed at HEAD, relative path -> content;
 * undefined outside a repository or when HEAD has no such directory.
 */
export function committedFilesAtHead(directory: string): { [file: string]: string } | undefined {
  const top = gitToplevel(directory);
  if (top === undefined) return undefined;
  const head = git(top, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (head.status !== 0) return undefined;
  const files = filesAt(top, head.stdout.trim(), repoPath(top, directory));
  return Object.keys(files).length > 0 ? files : undefined;
}

/** The files of the working tree (tracked and untracked, not ignored, not deleted), relative to the top. */
export function workingPaths(toplevel: string): string[] {
  const run = git(toplevel, ['ls-files', '--cached', '--others', '--exclude-standard', '-z']);
  if (run.status !== 0) {
    throw new GitError(`git ls-files failed in ${toplevel}: ${run.stderr.trim()}`);
  }
  return [...new Set(run.stdout.split('\0').filter(p => p !== '' && fs.existsSync(path.join(toplevel, p))))].sort();
}

/**
 * `cdk8s synth` deletes the whole output directory before it runs the app. When the app then refuses,
 * put the committed output back from git HEAD, so that a refusal leaves the working tree as it was. Only
 * an output directory that is missing or empty is restored, and only from git: nothing uncommitted can be
 * overwritten.
 * @returns true when files were restored
 */
export function restoreOutputFromHead(outdir: string): boolean {
  if (fs.existsSync(outdir) && fs.readdirSync(outdir).length > 0) {
    return false;
  }
  const parent = path.dirname(outdir);
  if (!fs.existsSync(parent) || !hasGitAbove(parent)) {
    return false;
  }
  const tracked = childProcess().spawnSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', path.basename(outdir)], { cwd: parent, encoding: 'utf-8' });
  if (tracked.status !== 0 || tracked.stdout.trim() === '') {
    return false;
  }
  const checkout = childProcess().spawnSync('git', ['checkout', 'HEAD', '--', path.basename(outdir)], { cwd: parent, encoding: 'utf-8' });
  return checkout.status === 0;
}
