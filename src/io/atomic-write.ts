import * as fs from 'fs';
import * as path from 'path';
import { BackgroundStager } from './background-stager';
import { DirectoryListing } from './files';
import { checkInsideRoot, checkRelativeName, foldCase, isInside, repositoryRoot, resolvePath } from './paths';
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
  /** The commit's id: its temporary siblings are named `.staged-tmp-<id>-...` (staging phase). */
  readonly id?: string;
  /** Where the temporary siblings are created (staging phase): a rollback removes the commit's there. */
  readonly stagingDirectories?: string[];
}

/**
 * The crash points of a commit, for the failure tests only: when the environment variable
 * CDK8S_STAGED_TEST_CRASH_AT names one, the process kills itself with SIGKILL there. Not an API.
 */
function crashPoint(step: string): void {
  if (crashAt !== undefined && crashAt === step) process.kill(process.pid, 'SIGKILL');
}
/** Read once per commit (a process.env lookup per rename adds up over thousands of trees). */
let crashAt: string | undefined;

/**
 * Put trees and files in place with one commit point, holding the write lock of `root`.
 *
 * 1. Checks every output before anything is written (see `checkOutputs`).
 * 2. Writes the journal (phase `staging`, naming the directories that get temporary siblings), then every
 *    tree and file to a temporary sibling (`.staged-tmp-*`, same directory, so renames never copy). A
 *    failure here removes the temporary copies and the journal: nothing else changed.
 * 3. The commit point: the journal is replaced by one with phase `committed`, listing every rename
 *    (written, fsynced, renamed).
 * 4. Existing trees move to `.staged-old-*`, the new trees and files are renamed into place, the old
 *    trees are removed, then the journal.
 *
 * A process killed at any step leaves the journal behind; the next writer (or a reader opening a tree)
 * rolls it back (before the commit point) or forward (after it), so trees and state files are always the
 * old ones or the new ones, whole. `OutputWriter` is the same commit with the trees given one by one.
 */
export function commitOutputs(request: CommitRequest): void {
  const root = path.resolve(request.root);
  withWriteLock(root, () => {
    const cache = new PathCache();
    checkOutputs(root, request.trees, request.files, cache);
    removeLegacyLeftovers([...request.trees.map(t => t.directory), ...request.files.map(f => f.path)], cache);
    const writer = OutputWriter.begin(root, {
      ops: request.ops,
      stagingDirectories: [...request.trees.map(t => path.dirname(path.resolve(t.directory))), ...request.files.map(f => path.dirname(path.resolve(f.path)))],
      cache,
    });
    try {
      for (const tree of request.trees) writer.stageTree(tree);
      for (const file of request.files) writer.stageFile(file);
    } catch (err) {
      writer.abort();
      throw err;
    }
    writer.commitStaged();
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

/** Options of `OutputWriter.begin`. */
export interface OutputWriterOptions {
  /** @default - the real file system */
  readonly ops?: FileSystemOps;
  /**
   * The directories the temporary siblings will be created in (the parents of the outputs), as far as
   * they are known: the staging journal names them, so a recovery removes what a killed writer staged.
   * Another directory is added (the journal rewritten) when an output needs it.
   */
  readonly stagingDirectories?: string[];
  /** @internal */
  readonly cache?: PathCache;
  /**
   * @internal After how many files staged on the main thread the rest of the trees and files are written by a
   * worker thread, in parallel with the caller's rendering (0: from the first tree; Infinity: never).
   * @default BACKGROUND_AFTER_FILES
   */
  readonly backgroundAfterFiles?: number;
}

/**
 * A commit that stages more files than this hands the rest to a worker thread; a synth that expects as
 * many (`OutputWriter.expectFiles`, about 10 files a rollout) hands it every file from the start. Measured
 * against the worker turned off (`bench/variant.js ours`, 5 alternating runs each, medians): even at 250
 * rollouts (181 against 175 ms) and 500 (284 against 290 ms), 7% faster at 1000 (444 against 478 ms): the
 * threshold, about 200 rollouts, lies where the two are even, and a smaller synth starts no thread.
 */
export const BACKGROUND_AFTER_FILES = 2000;

/**
 * One commit, with the outputs given one at a time: each tree is checked and written to its temporary
 * sibling when it is added, so the caller can drop its content; nothing replaces an output before
 * `commit()`, the one commit point. The caller holds the write lock of `root` from `begin` to
 * `commit` or `abort`.
 *
 * - `begin` writes the staging journal (a killed writer's temporary siblings are removed by the next
 *   writer or reader);
 * - `addTree` checks the tree as `checkOutputs` does (inside its directories, plain file names, a target
 *   that is a directory the library wrote, no overlap with the trees added before) and stages it;
 * - `addFile` checks the file's path; a file that overlaps no output added before is checked as `commit`
 *   checks it and staged at once (its content can be dropped), any other is staged at `commit`, whose
 *   overlap check of all outputs refuses it;
 * - `commit` checks that no two outputs overlap, stages the files not staged yet, then commits as
 *   `commitOutputs`;
 * - `abort` (or any failure inside `addTree`, `addFile` or `commit` before the commit point) removes the
 *   temporary siblings, the directories the writer created and the journal: nothing else changed.
 */
export class OutputWriter {
  /** Start a commit in `root`, whose write lock the caller holds. */
  public static begin(root: string, options: OutputWriterOptions = {}): OutputWriter {
    return new OutputWriter(path.resolve(root), options);
  }

  private readonly ops: FileSystemOps;
  private readonly cache: PathCache;
  private readonly id = `${process.pid}-${Date.now().toString(36)}`;
  private readonly steps: Step[] = [];
  private readonly stagingDirs: Set<string>;
  private readonly trees: TreeToWrite[] = [];
  /** Files to stage at `commit`, and the files staged already (their content dropped). */
  private readonly files: FileToWrite[] = [];
  private readonly writtenFiles: FileToWrite[] = [];
  /**
   * Folded paths of the trees and staged files, and every folded directory above one: an overlap of two
   * outputs is found as they come.
   */
  private readonly outputKeys = new Set<string>();
  private readonly outputAncestors = new Set<string>();
  /** Directories this writer created (parents of temporary siblings), removed again by an abort. */
  private readonly createdDirs: string[] = [];
  private state: 'open' | 'committed' | 'aborted' = 'open';
  /** Files staged so far, and the worker that writes the trees once they pass `backgroundAfterFiles`. */
  private stagedFiles = 0;
  private backgroundAfterFiles: number;
  private background: BackgroundStager | undefined;

  private constructor(private readonly root: string, options: OutputWriterOptions) {
    if (!holdsWriteLock(root)) {
      throw new Error(`a commit in ${root} needs its write lock`);
    }
    this.ops = options.ops ?? realFs;
    // an injected file system (the failing-disk tests) is called on this thread
    this.backgroundAfterFiles = this.ops === realFs ? options.backgroundAfterFiles ?? BACKGROUND_AFTER_FILES : Infinity;
    this.cache = options.cache ?? new PathCache();
    this.stagingDirs = new Set((options.stagingDirectories ?? []).map(d => path.resolve(d)));
    crashAt = process.env.CDK8S_STAGED_TEST_CRASH_AT || undefined;
    this.writeStagingJournal();
    crashPoint('journal-staging');
  }

  /**
   * Say how many files the commit will stage (an estimate): when they reach the threshold of the worker
   * thread, it starts now and writes every tree and file from the next one on, its start overlapping the
   * caller's rendering of the first trees instead of waiting for the threshold.
   */
  public expectFiles(count: number): void {
    if (this.state !== 'open' || this.background !== undefined || this.backgroundAfterFiles === Infinity || count < this.backgroundAfterFiles) return;
    this.background = BackgroundStager.start();
    this.backgroundAfterFiles = 0;
  }

  /** Check a tree and write it to its temporary sibling. */
  public addTree(tree: TreeToWrite): void {
    this.guard(() => {
      checkTreePaths(this.root, tree, this.cache);
      const exists = checkTreeTarget(tree, this.cache);
      this.checkTreeOverlap(tree);
      removeLegacyLeftovers([tree.directory], this.cache);
      this.stageTree(tree, exists);
    });
  }

  /**
   * Check a file's path. A file that overlaps no output added before is checked as `commit` checks it
   * (its target) and written to its temporary sibling now, so the caller can drop its content; any other
   * is written at `commit`, whose check of all outputs refuses the overlap with the same message.
   */
  public addFile(file: FileToWrite): void {
    this.guard(() => {
      checkFile(this.root, file, this.cache);
      const key = foldCase(file.path);
      if (this.overlapsOutput(key)) {
        this.files.push(file);
        return;
      }
      checkFileTarget(file.path, this.cache);
      removeLegacyLeftovers([file.path], this.cache);
      this.addOutputKey(key);
      this.stageFile(file);
    });
  }

  /** The commit point: check that no outputs overlap, write the files, then put everything in place. */
  public commit(): void {
    this.guard(() => {
      checkDisjointOutputs(this.outputs([...this.writtenFiles, ...this.files]));
      for (const file of this.files) checkFileTarget(file.path, this.cache);
      removeLegacyLeftovers(this.files.map(f => f.path), this.cache);
      const files = this.files.splice(0);
      for (const file of files) this.stageFile(file);
    });
    this.commitStaged();
  }

  /** Remove everything staged; nothing else changed. */
  public abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    // the worker finishes what it was given before its temporary trees are removed
    this.stopBackground(false);
    rollBack(this.root, this.steps);
    for (const dir of this.createdDirs.reverse()) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // not empty: something else was put there meanwhile, left alone
      }
    }
  }

  /** @internal Stage a tree already checked (`exists`: its target is there, known from the check). */
  public stageTree(tree: TreeToWrite, exists = fs.existsSync(resolvePath(tree.directory))): void {
    const target = resolvePath(tree.directory);
    const step: Step = { target, staged: this.sibling(STAGED_PREFIX, target), backup: exists ? this.sibling(BACKUP_PREFIX, target) : null, tree: true };
    this.prepare(step);
    this.trees.push({ directory: tree.directory, files: EMPTY, within: tree.within });
    if (this.stagedFiles >= this.backgroundAfterFiles) {
      this.background ??= BackgroundStager.start();
      this.background.stage({ tmp: step.staged, dirs: treeDirectories(tree), files: tree.files });
    } else {
      stageTree(step.staged, tree, this.ops);
    }
    this.stagedFiles += tree.files.size;
  }

  /** @internal Stage a file already checked. */
  public stageFile(file: FileToWrite): void {
    const target = resolvePath(file.path);
    const step: Step = { target, staged: this.sibling(STAGED_PREFIX, target), backup: null, tree: false };
    this.prepare(step);
    this.writtenFiles.push({ path: file.path, content: '', within: file.within });
    if (this.stagedFiles >= this.backgroundAfterFiles) {
      this.background ??= BackgroundStager.start();
      this.background.stageFile(step.staged, file.content);
    } else {
      writeDurably(step.staged, file.content, this.ops);
    }
    this.stagedFiles += 1;
  }

  /** @internal The commit point and the renames, everything staged. */
  public commitStaged(): void {
    if (this.state !== 'open') throw new Error(`this commit in ${this.root} is ${this.state}`);
    // every tree the worker writes is in place before the commit point
    this.guard(() => this.stopBackground(true));
    crashPoint('staged');
    writeJournal(this.root, { schemaVersion: 1, phase: 'committed', pid: process.pid, steps: this.steps });
    this.state = 'committed';
    crashPoint('committed');
    rollForward(this.root, this.steps, true);
  }

  private stopBackground(throwFailure: boolean): void {
    const background = this.background;
    if (background === undefined) return;
    this.background = undefined;
    try {
      if (throwFailure) background.drain();
    } finally {
      background.close();
    }
  }

  private guard(fn: () => void): void {
    if (this.state !== 'open') throw new Error(`this commit in ${this.root} is ${this.state}`);
    try {
      fn();
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  private sibling(prefix: string, target: string): string {
    return path.join(path.dirname(target), `${prefix}${this.id}-${this.steps.length}-${path.basename(target)}`);
  }

  /** Record the step (so an abort removes it), its directory in the journal, and create the parents. */
  private prepare(step: Step): void {
    const dir = path.dirname(step.staged);
    if (!this.stagingDirs.has(dir)) {
      this.stagingDirs.add(dir);
      this.writeStagingJournal();
    }
    this.steps.push(step);
    this.ensureDirectory(dir);
  }

  private ensureDirectory(dir: string): void {
    if (this.cache.madeDirs.has(dir)) return;
    const missing: string[] = [];
    for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.push(d);
    for (const d of missing.reverse()) {
      fs.mkdirSync(d);
      this.createdDirs.push(d);
    }
    this.cache.madeDirs.add(dir);
  }

  private checkTreeOverlap(tree: TreeToWrite): void {
    const key = foldCase(tree.directory);
    if (this.overlapsOutput(key)) {
      // the same message as the check of all outputs
      checkDisjointOutputs([...this.outputs(this.writtenFiles), { path: path.resolve(tree.directory), what: 'rollout directory' }]);
    }
    this.addOutputKey(key);
  }

  /** Whether a folded path is, holds or lies inside a tree or staged file added before. */
  private overlapsOutput(key: string): boolean {
    if (this.outputKeys.has(key) || this.outputAncestors.has(key)) return true;
    for (let d = path.dirname(key); d !== path.dirname(d); d = path.dirname(d)) {
      if (this.outputKeys.has(d)) return true;
    }
    return false;
  }

  private addOutputKey(key: string): void {
    this.outputKeys.add(key);
    for (let d = path.dirname(key); d !== path.dirname(d) && !this.outputAncestors.has(d); d = path.dirname(d)) this.outputAncestors.add(d);
  }

  /** The trees added so far and the given files, as the check of all outputs takes them. */
  private outputs(files: FileToWrite[]): Array<{ path: string; what: string }> {
    return [...this.trees.map(t => ({ path: resolvePath(t.directory), what: 'rollout directory' })), ...files.map(f => ({ path: resolvePath(f.path), what: 'output file' }))];
  }

  private writeStagingJournal(): void {
    writeJournal(this.root, { schemaVersion: 1, phase: 'staging', pid: process.pid, steps: [], id: this.id, stagingDirectories: [...this.stagingDirs].sort() });
  }
}

const EMPTY = new Map<string, string>();

/** Write a file and sync it to disk (one descriptor: open, write, fsync, close). */
function writeDurably(file: string, content: string, ops: FileSystemOps): void {
  if (ops !== realFs) {
    ops.writeFileSync(file, content);
    fsyncPath(file);
    return;
  }
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Every directory above the given relative files ('/'-separated), each once, parents before their children. */
function parentDirectories(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const file of files) {
    // the directories above the file not seen yet (a directory seen before has its parents in the set
    // already), found deepest first and added parents first
    const missing: string[] = [];
    for (let d = path.posix.dirname(file); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) missing.push(d);
    for (let i = missing.length - 1; i >= 0; i--) dirs.add(missing[i]);
  }
  return dirs;
}

/** The directories of a tree's files, each once, parents first (a tree has a few directories and many files). */
function treeDirectories(tree: TreeToWrite): string[] {
  return [...parentDirectories(tree.files.keys())];
}

function stageTree(tmp: string, tree: TreeToWrite, ops: FileSystemOps): void {
  fs.mkdirSync(tmp);
  for (const d of treeDirectories(tree)) {
    fs.mkdirSync(path.join(tmp, d));
  }
  for (const [file, content] of tree.files) {
    writeDurably(path.join(tmp, file), content, ops);
  }
}

/** Rename every staged copy into place (idempotent: a recovery runs it again after a crash). */
function rollForward(root: string, steps: Step[], live: boolean): void {
  let n = 0;
  for (const step of steps) {
    // a live commit staged every step and has not moved a target yet; a recovery after a crash looks,
    // since it may run again after any of these renames
    if (live || fs.existsSync(step.staged)) {
      if (step.tree && step.backup && fs.existsSync(step.target) && (live || !fs.existsSync(step.backup))) {
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

function rollBack(root: string, steps: Step[], journal?: Journal): void {
  for (const step of steps) fs.rmSync(step.staged, { recursive: true, force: true });
  // a killed writer's temporary siblings not in `steps`: those of its id, in the directories it named
  if (journal?.id !== undefined) {
    const prefix = `${STAGED_PREFIX}${journal.id}-`;
    for (const dir of journal.stagingDirectories ?? []) {
      let entries: string[];
      try {
        entries = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (entry.startsWith(prefix)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
      }
    }
  }
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
    rollBack(root, journal.steps, journal);
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
  if (j.id !== undefined && (typeof j.id !== 'string' || !/^[0-9]+-[0-9a-z]+$/.test(j.id))) {
    throw bad(`has an id (${JSON.stringify(j.id)}) that is not <pid>-<time>`);
  }
  if (j.stagingDirectories !== undefined && (!Array.isArray(j.stagingDirectories) || j.stagingDirectories.some((d: unknown) => typeof d !== 'string' || !isInside(root, d)))) {
    throw bad(`has staging directories (${JSON.stringify(j.stagingDirectories)}) that are not directories inside ${root}`);
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
function removeLegacyLeftovers(targets: string[], cache: PathCache): void {
  for (const target of targets) {
    const resolved = resolvePath(target);
    for (const entry of cache.legacyIn(path.dirname(resolved)).get(path.basename(resolved)) ?? []) {
      fs.rmSync(entry, { recursive: true, force: true });
    }
  }
}

const LEGACY = /^\.staged-tmp-[0-9]+-[0-9]+-(.+?)(-old)?$/;

/**
 * What one commit looks up more than once: the real path of each root, the type of each directory
 * between a root and an output, the legacy leftovers of each directory (read once: a directory of
 * thousands of trees is listed once, not once per tree), the directories known to exist.
 * @internal
 */
export class PathCache {
  public readonly realRoots = new Map<string, string | null>();
  public readonly stats = new Map<string, fs.Stats | null>();
  public readonly walked = new Set<string>();
  public readonly madeDirs = new Set<string>();
  private readonly legacy = new Map<string, Map<string, string[]>>();

  /** The names of each directory, listed once per commit: most targets of a first synth do not exist. */
  public readonly listing = new DirectoryListing();

  /** Target name -> the legacy leftovers for it in `dir`. */
  public legacyIn(dir: string): Map<string, string[]> {
    let found = this.legacy.get(dir);
    if (found === undefined) {
      found = new Map();
      for (const entry of this.listing.names(dir) ?? []) {
        const m = LEGACY.exec(entry);
        if (m) found.set(m[1], [...(found.get(m[1]) ?? []), path.join(dir, entry)]);
      }
      this.legacy.set(dir, found);
    }
    return found;
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
export function checkOutputs(root: string, trees: TreeToWrite[], files: FileToWrite[], cache = new PathCache()): void {
  for (const tree of trees) checkTreePaths(root, tree, cache);
  for (const file of files) checkFile(root, file, cache);
  checkDisjointOutputs([...trees.map(t => ({ path: path.resolve(t.directory), what: 'rollout directory' })), ...files.map(f => ({ path: path.resolve(f.path), what: 'output file' }))]);
  for (const file of files) checkFileTarget(file.path, cache);
  for (const tree of trees) checkTreeTarget(tree, cache);
}

function checkTreePaths(root: string, tree: TreeToWrite, cache: PathCache): void {
  const what = 'rollout directory';
  checkInsideRoot(tree.within ?? root, tree.directory, what, cache);
  if (tree.within) checkInsideRoot(root, tree.directory, what, cache);
  for (const name of tree.files.keys()) checkRelativeName(name, tree.directory);
}

/** One file's path checks of `checkOutputs` (its target is checked at the commit). */
function checkFile(root: string, file: FileToWrite, cache: PathCache): void {
  const what = 'output file';
  checkInsideRoot(file.within ?? root, file.path, what, cache);
  if (file.within) checkInsideRoot(root, file.path, what, cache);
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

function checkFileTarget(file: string, cache: PathCache): void {
  if (!cache.listing.mayExist(resolvePath(file))) return;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new Error(`output file ${file} cannot be written: one of its parent directories is a file; move it away`);
    throw e;
  }
  if (stat === undefined) return;
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

/** @returns whether the target exists (a directory the library wrote) */
function checkTreeTarget(tree: TreeToWrite, cache: PathCache): boolean {
  const dir = resolvePath(tree.directory);
  if (!cache.listing.mayExist(dir)) return false;
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) return false;
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
    // a directory is named when nothing else shows it: no file the library wrote and no foreign file in it
    const files = scan.files.filter(f => !known.has(f));
    const shown = parentDirectories([...tree.previousFiles, ...files]);
    const foreign = [...files, ...scan.directories.filter(d => !shown.has(d)).map(d => `${d}/`)].sort();
    if (foreign.length > 0) {
      throw new Error(`the rollout directory ${dir} holds files this library did not write: ${foreign.join(', ')}. A synth replaces the directory whole and never deletes files it did not write: move them out (or delete them) and synth again`);
    }
  }
  return true;
}

/**
 * Check that no tree lies inside another or shares its directory (also compared without case). Sorted by
 * the lowercased directory with a trailing '/', a directory that contains another is directly followed
 * by one inside it, so comparing neighbours finds an overlap: O(n log n), for thousands of rollouts.
 */
export function checkDisjoint(directories: string[]): void {
  const keyed = directories.map((d, i) => ({ d, i, key: `${d.toLowerCase()}/` })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.i - y.i));
  for (let n = 1; n < keyed.length; n++) {
    if (!keyed[n].key.startsWith(keyed[n - 1].key)) continue;
    // named in the order they were given
    const [a, b] = keyed[n - 1].i < keyed[n].i ? [keyed[n - 1].d, keyed[n].d] : [keyed[n].d, keyed[n - 1].d];
    if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
      throw new Error(`rollout directory (${JSON.stringify(a)}) overlaps rollout directory (${JSON.stringify(b)}): each rollout needs its own directory`);
    }
    throw new Error(`rollout directory (${JSON.stringify(a)}) overlaps rollout directory (${JSON.stringify(b)}) on a case-insensitive file system (macOS, Windows): each rollout needs its own directory`);
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
