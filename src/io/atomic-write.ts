import * as fs from 'fs';
import * as path from 'path';
import { checkInsideRoot, checkRelativeName, foldCase, isInside, repositoryRoot } from './paths';
import { scanTree } from './read-files';
import { holdsWriteLock, isAlive, lockHolder, onLockAcquired, withWriteLock } from './write-lock';

/** A directory the library owns, replaced whole. */
export interface TreeToWrite {
  /** Absolute path of the directory. */
  readonly directory: string;
  /** File path relative to `directory` -> content. */
  readonly files: Map<string, string>;
  /**
   * The files the library wrote there last time (the previous state's `files`): an existing directory
   * may hold only these. Absent: any regular files and directories (never a symlink) may be replaced.
   */
  readonly previousFiles?: string[];
  /** The directory the tree must stay inside (the output directory). Absent: the commit's root. */
  readonly within?: string;
}

/** One file, replaced whole (a chart manifest, a rollout state file, a promoted root). */
export interface FileToWrite {
  /** Absolute path. */
  readonly path: string;
  readonly content: string;
  /** The directory the file must stay inside. Absent: the commit's root. */
  readonly within?: string;
}

/** Injected in tests to simulate a failing disk. */
export interface FileSystemOps {
  writeFileSync(file: string, data: string): void;
}

/** What one operation writes. */
export interface CommitRequest {
  /** The repository root: it holds the lock and the journal, and every output must be inside it. */
  readonly root: string;
  readonly trees: TreeToWrite[];
  readonly files: FileToWrite[];
  /** @default - the real file system */
  readonly ops?: FileSystemOps;
}

const realFs: FileSystemOps = { writeFileSync: (file, data) => fs.writeFileSync(file, data) };

/** The intent record of a commit in progress, at `<root>/.cdk8s-staged.journal`. */
export const JOURNAL_FILE = '.cdk8s-staged.journal';
const STAGED_PREFIX = '.staged-tmp-';
const BACKUP_PREFIX = '.staged-old-';

interface Step {
  readonly target: string;
  readonly staged: string;
  /** Where an existing tree is moved before the new one takes its place. */
  readonly backup: string | null;
  readonly tree: boolean;
}

interface Journal {
  readonly schemaVersion: 1;
  /** staging: nothing replaced yet (a recovery rolls back); committed: a recovery rolls forward. */
  readonly phase: 'staging' | 'committed';
  readonly pid: number;
  readonly steps: Step[];
}

/**
 * The crash points of a commit, for the failure tests only: when the environment variable
 * CDK8S_STAGED_TEST_CRASH_AT names one, the process kills itself with SIGKILL there. Not an API.
 */
function crashPoint(step: string): void {
  if (process.env.CDK8S_STAGED_TEST_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}

/**
 * Put trees and files in place with one commit point, holding the write lock of `root`.
 *
 * 1. Checks every output before anything is written (see `checkOutputs`).
 * 2. Writes the journal (phase `staging`, listing every rename), then every tree and file to a
 *    temporary sibling (`.staged-tmp-*`, same directory, so renames never copy). A failure here removes
 *    the temporary copies and the journal: nothing else changed.
 * 3. The commit point: the journal is replaced by one with phase `committed` (written, fsynced, renamed).
 * 4. Existing trees move to `.staged-old-*`, the new trees and files are renamed into place, the old
 *    trees are removed, then the journal.
 *
 * A process killed at any step leaves the journal behind; the next writer (or a reader opening a tree)
 * rolls it back (before the commit point) or forward (after it), so trees and state files are always the
 * old ones or the new ones, whole.
 */
export function commitOutputs(request: CommitRequest): void {
  const root = path.resolve(request.root);
  withWriteLock(root, () => {
    checkOutputs(root, request.trees, request.files);
    removeLegacyLeftovers([...request.trees.map(t => t.directory), ...request.files.map(f => f.path)]);
    commitChecked(root, request.trees, request.files, request.ops ?? realFs);
  });
}

/**
 * The former entry point, kept for callers: `commitOutputs` with the repository root of the outputs.
 */
export function writeAtomically(trees: TreeToWrite[], files: FileToWrite[], ops: FileSystemOps = realFs): void {
  const targets = [...trees.map(t => t.directory), ...files.map(f => f.path)];
  if (targets.length === 0) return;
  commitOutputs({ root: repositoryRoot(targets.map(t => path.dirname(t))), trees, files, ops });
}

function commitChecked(root: string, trees: TreeToWrite[], files: FileToWrite[], ops: FileSystemOps): void {
  const id = `${process.pid}-${Date.now().toString(36)}`;
  const steps: Step[] = [];
  const sibling = (prefix: string, target: string) => path.join(path.dirname(target), `${prefix}${id}-${steps.length}-${path.basename(target)}`);
  for (const tree of trees) {
    const target = path.resolve(tree.directory);
    steps.push({ target, staged: sibling(STAGED_PREFIX, target), backup: fs.existsSync(target) ? sibling(BACKUP_PREFIX, target) : null, tree: true });
  }
  for (const file of files) {
    const target = path.resolve(file.path);
    steps.push({ target, staged: sibling(STAGED_PREFIX, target), backup: null, tree: false });
  }
  writeJournal(root, { schemaVersion: 1, phase: 'staging', pid: process.pid, steps });
  crashPoint('journal-staging');
  try {
    trees.forEach((tree, i) => stageTree(steps[i].staged, tree, ops));
    files.forEach((file, i) => {
      const staged = steps[trees.length + i].staged;
      fs.mkdirSync(path.dirname(staged), { recursive: true });
      ops.writeFileSync(staged, file.content);
      fsyncPath(staged);
    });
  } catch (err) {
    rollBack(root, steps);
    throw err;
  }
  crashPoint('staged');
  writeJournal(root, { schemaVersion: 1, phase: 'committed', pid: process.pid, steps });
  crashPoint('committed');
  rollForward(root, steps, true);
}

function stageTree(tmp: string, tree: TreeToWrite, ops: FileSystemOps): void {
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  // each directory once, parents first (a tree has a few directories and many files)
  const dirs = new Set<string>();
  for (const file of tree.files.keys()) {
    for (let d = path.posix.dirname(file); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  }
  fs.mkdirSync(tmp);
  for (const d of [...dirs].sort((a, b) => a.split('/').length - b.split('/').length)) {
    fs.mkdirSync(path.join(tmp, d));
  }
  for (const [file, content] of tree.files) {
    const full = path.join(tmp, file);
    ops.writeFileSync(full, content);
    fsyncPath(full);
  }
}

/** Rename every staged copy into place (idempotent: a recovery runs it again after a crash). */
function rollForward(root: string, steps: Step[], live: boolean): void {
  let n = 0;
  for (const step of steps) {
    if (fs.existsSync(step.staged)) {
      if (step.tree && step.backup && fs.existsSync(step.target) && !fs.existsSync(step.backup)) {
        fs.renameSync(step.target, step.backup);
        if (live) crashPoint(`rename-${++n}`);
      }
      fs.renameSync(step.staged, step.target);
      if (live) crashPoint(`rename-${++n}`);
    }
  }
  fsyncDirectories(steps.map(s => path.dirname(s.target)));
  if (live) crashPoint('renamed');
  for (const step of steps) {
    if (step.backup) fs.rmSync(step.backup, { recursive: true, force: true });
  }
  if (live) crashPoint('cleaned');
  removeJournal(root);
}

function rollBack(root: string, steps: Step[]): void {
  for (const step of steps) fs.rmSync(step.staged, { recursive: true, force: true });
  removeJournal(root);
}

/**
 * Settle a commit interrupted by a crash: roll it back before its commit point, forward after it. The
 * caller holds the write lock of `root`. Runs on its own each time a writer takes the lock.
 * @returns what was done, or undefined when there was no journal
 */
export function recoverInterruptedCommit(root: string): 'rolled back' | 'rolled forward' | undefined {
  if (!holdsWriteLock(root)) {
    throw new Error(`recovering the interrupted commit in ${root} needs its write lock`);
  }
  const file = path.join(root, JOURNAL_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const journal = parseJournal(root, file, text);
  if (journal.phase === 'staging') {
    rollBack(root, journal.steps);
    return 'rolled back';
  }
  rollForward(root, journal.steps, false);
  return 'rolled forward';
}

onLockAcquired(root => { recoverInterruptedCommit(root); });

/**
 * A reader's side of the commit: when a journal is left in any directory above `from` (a crashed
 * writer), take that root's lock, which settles it, so the reader sees whole trees and state files.
 * Waits up to `waitMs` while a live writer is committing.
 */
export function settlePendingCommit(from: string, waitMs = 10_000): void {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, JOURNAL_FILE))) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        try {
          withWriteLock(dir, () => undefined);
          return;
        } catch (e) {
          const holder = lockHolder(dir);
          if (!holder || !isAlive(holder.pid) || Date.now() > deadline) throw e;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        }
      }
    }
    if (path.dirname(dir) === dir) return;
  }
}

function parseJournal(root: string, file: string, text: string): Journal {
  const bad = (why: string) => new Error(`the commit journal ${file} ${why}: a crashed cdk8s-staged left it; restore the outputs from git, then delete it`);
  let j: any;
  try {
    j = JSON.parse(text);
  } catch {
    throw bad('is not valid JSON');
  }
  if (!j || j.schemaVersion !== 1 || (j.phase !== 'staging' && j.phase !== 'committed') || !Array.isArray(j.steps)) {
    throw bad('does not have schemaVersion 1, a phase and steps');
  }
  for (const s of j.steps) {
    const ok = s && typeof s.target === 'string' && typeof s.staged === 'string' && typeof s.tree === 'boolean' &&
      (s.backup === null || typeof s.backup === 'string') &&
      isInside(root, s.target) && path.dirname(s.staged) === path.dirname(s.target) && path.basename(s.staged).startsWith(STAGED_PREFIX) &&
      (s.backup === null || (path.dirname(s.backup) === path.dirname(s.target) && path.basename(s.backup).startsWith(BACKUP_PREFIX)));
    if (!ok) throw bad(`has a step (${JSON.stringify(s)}) that does not rename a .staged-tmp- sibling onto a target inside ${root}`);
  }
  return j as Journal;
}

function writeJournal(root: string, journal: Journal): void {
  const file = path.join(root, JOURNAL_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, JSON.stringify(journal) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirectories([root]);
}

function removeJournal(root: string): void {
  fs.rmSync(path.join(root, JOURNAL_FILE), { force: true });
  fsyncDirectories([root]);
}

function fsyncPath(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDirectories(dirs: string[]): void {
  for (const dir of new Set(dirs)) {
    try {
      fsyncPath(dir);
    } catch {
      // some file systems refuse fsync on a directory; the data itself is synced
    }
  }
}

/**
 * Temporary copies an earlier version of the writer (pid-n-name, no journal) left beside a target when
 * it was killed: they carry the library's prefix and the target's name, so they are the library's own.
 */
function removeLegacyLeftovers(targets: string[]): void {
  const legacy = /^\.staged-tmp-[0-9]+-[0-9]+-(.+?)(-old)?$/;
  for (const target of targets) {
    const dir = path.dirname(path.resolve(target));
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const m = legacy.exec(entry);
      if (m && m[1] === path.basename(target)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Check every output of one operation before anything is written:
 * - each lies inside its `within` directory and inside `root` (no `..`, no symlinked parent leaving it),
 *   and the file names of a tree are plain relative paths;
 * - no output equals another or lies inside another, also when compared without case (one directory on
 *   macOS and Windows);
 * - a file target that exists is a regular file (a directory or a symlink there is refused, never deleted);
 * - a tree target that exists is a directory this library wrote: regular files and directories only (no
 *   symlink anywhere inside) and, when `previousFiles` is given, only those files.
 */
export function checkOutputs(root: string, trees: TreeToWrite[], files: FileToWrite[]): void {
  const outputs: Array<{ path: string; what: string }> = [];
  for (const tree of trees) {
    const what = 'rollout directory';
    checkInsideRoot(tree.within ?? root, tree.directory, what);
    if (tree.within) checkInsideRoot(root, tree.directory, what);
    for (const name of tree.files.keys()) checkRelativeName(name, tree.directory);
    outputs.push({ path: path.resolve(tree.directory), what });
  }
  for (const file of files) {
    const what = 'output file';
    checkInsideRoot(file.within ?? root, file.path, what);
    if (file.within) checkInsideRoot(root, file.path, what);
    outputs.push({ path: path.resolve(file.path), what });
  }
  checkDisjointOutputs(outputs);
  for (const file of files) checkFileTarget(file.path);
  for (const tree of trees) checkTreeTarget(tree);
}

/**
 * No two outputs share a path, differ only in case, or lie one inside the other. Sorted by the case-folded
 * path with a trailing separator, an output that contains another is directly followed by one inside it,
 * so comparing neighbours finds every overlap: O(n log n), for thousands of rollouts.
 */
function checkDisjointOutputs(outputs: Array<{ path: string; what: string }>): void {
  const folded = outputs.map(o => ({ ...o, key: `${foldCase(o.path)}${path.sep}` })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  for (let i = 1; i < folded.length; i++) {
    const a = folded[i - 1];
    const b = folded[i];
    if (a.path === b.path) {
      throw new Error(`${a.what} ${a.path} is written twice in one synth (also as ${b.what}): each output needs its own path`);
    }
    if (a.key === b.key) {
      throw new Error(`${a.what} ${a.path} and ${b.what} ${b.path} differ only in case: on a case-insensitive file system (macOS, Windows) they are one path; rename one`);
    }
    if (b.key.startsWith(a.key)) {
      throw new Error(`${b.what} ${b.path} lies inside ${a.what} ${a.path}: outputs must not overlap (a tree is replaced whole)`);
    }
  }
}

function checkFileTarget(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new Error(`output file ${file} cannot be written: one of its parent directories is a file; move it away`);
    throw e;
  }
  if (stat.isDirectory()) {
    throw new Error(`output file ${file} is a directory: the library writes a file there and never deletes a directory it did not write; move it away or rename the output`);
  }
  if (stat.isSymbolicLink()) {
    throw new Error(`output file ${file} is a symbolic link: the library replaces only the regular files it wrote and never deletes a link; replace it with a regular file or remove it`);
  }
  if (!stat.isFile()) {
    throw new Error(`output file ${file} is not a regular file: the library never deletes it; move it away`);
  }
}

function checkTreeTarget(tree: TreeToWrite): void {
  const dir = path.resolve(tree.directory);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (stat.isSymbolicLink()) {
    throw new Error(`rollout directory ${dir} is a symbolic link: the library replaces only directories it wrote and never deletes a link; replace it with the directory or remove it`);
  }
  if (!stat.isDirectory()) {
    throw new Error(`rollout directory ${dir} is a file: the library replaces only directories it wrote and never deletes a file in the way; move it away`);
  }
  const scan = scanTree(dir);
  const links = [...scan.symlinks, ...scan.others];
  if (links.length > 0) {
    throw new Error(`the rollout directory ${dir} holds entries that are not regular files: ${links.sort().join(', ')} (symbolic links or special files). A synth replaces the directory whole and never deletes what it did not write: remove them and synth again`);
  }
  if (tree.previousFiles) {
    const known = new Set(tree.previousFiles);
    const parents = new Set<string>();
    for (const f of tree.previousFiles) {
      for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) parents.add(d);
    }
    const foreign = [...scan.files.filter(f => !known.has(f)), ...scan.directories.filter(d => !parents.has(d)).map(d => `${d}/`)].sort();
    if (foreign.length > 0) {
      throw new Error(`the rollout directory ${dir} holds files this library did not write: ${foreign.join(', ')}. A synth replaces the directory whole and never deletes files it did not write: move them out (or delete them) and synth again`);
    }
  }
}

/** Check that no tree lies inside another or shares its directory. */
export function checkDisjoint(directories: string[]): void {
  for (const [i, a] of directories.entries()) {
    for (const b of directories.slice(i + 1)) {
      if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
        throw new Error(`rollout directory (${JSON.stringify(a)}) overlaps rollout directory (${JSON.stringify(b)}): each rollout needs its own directory`);
      }
      if (a.toLowerCase() === b.toLowerCase() || a.toLowerCase().startsWith(`${b.toLowerCase()}/`) || b.toLowerCase().startsWith(`${a.toLowerCase()}/`)) {
        throw new Error(`rollout directory (${JSON.stringify(a)}) overlaps rollout directory (${JSON.stringify(b)}) on a case-insensitive file system (macOS, Windows): each rollout needs its own directory`);
      }
    }
  }
}

/**
 * The state directory must lie outside the output directory: `cdk8s synth` deletes the output directory
 * before it runs the app, which would delete the state with it.
 */
export function checkStateDirectory(outdir: string, stateDirectory: string): void {
  const o = foldCase(outdir);
  const s = foldCase(stateDirectory);
  if (s === o || s.startsWith(`${o}${path.sep}`)) {
    throw new Error(`stateDirectory (${stateDirectory}) must be outside the output directory ${outdir}: cdk8s synth deletes the output directory before it runs the app, and the state with it`);
  }
}
