import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The lock file of a repository root. */
export const LOCK_FILE = '.cdk8s-staged.lock';

/** Who holds a lock: written into the lock file as JSON. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly command: string;
}

/** Locks this process holds: root -> depth (withWriteLock is reentrant within a process). */
const held = new Map<string, number>();

/** The callbacks run once the lock of a root is first taken (the commit recovery registers itself). */
const onAcquire: Array<(root: string) => void> = [];

/** Run `hook(root)` each time this process takes the lock of a root (not on reentrant calls). */
export function onLockAcquired(hook: (root: string) => void): void {
  if (!onAcquire.includes(hook)) onAcquire.push(hook);
}

/** True when this process holds the write lock of `root`. */
export function holdsWriteLock(root: string): boolean {
  return (held.get(path.resolve(root)) ?? 0) > 0;
}

/**
 * Run `fn` holding the write lock of a repository root: `<root>/.cdk8s-staged.lock`, created with
 * O_EXCL and holding the pid, host name and start time of the writer. A second writer is refused with a
 * message naming the holder; the lock of a process that is no longer alive on this host is recovered.
 * Reentrant within one process. Taking the lock first settles an interrupted commit (see commitOutputs).
 */
export function withWriteLock<T>(root: string, fn: () => T): T {
  const resolved = path.resolve(root);
  const depth = held.get(resolved) ?? 0;
  if (depth > 0) {
    held.set(resolved, depth + 1);
    try {
      return fn();
    } finally {
      held.set(resolved, depth);
    }
  }
  const token = acquire(resolved);
  held.set(resolved, 1);
  try {
    for (const hook of onAcquire) hook(resolved);
    return fn();
  } finally {
    held.delete(resolved);
    release(resolved, token);
  }
}

function lockPath(root: string): string {
  return path.join(root, LOCK_FILE);
}

function acquire(root: string): string {
  const file = lockPath(root);
  fs.mkdirSync(root, { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 200),
  };
  const token = JSON.stringify(holder) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot create the write lock ${file}: ${(e as Error).message}`);
      }
      recoverStaleLock(file);
      continue;
    }
    try {
      fs.writeSync(fd, token);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return token;
  }
  throw new Error(`cannot take the write lock ${file}: it was recreated by another writer while a stale lock was being recovered; try again`);
}

/** Remove the lock when its holder is a dead process on this host; otherwise refuse, naming the holder. */
function recoverStaleLock(file: string): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // released meanwhile
    throw e;
  }
  const holder = parseHolder(text);
  if (!holder) {
    // a writer dies between creating the file and writing it; a young empty lock is being written now
    const age = Date.now() - fs.statSync(file).mtimeMs;
    if (age < 5000) {
      throw new Error(`another cdk8s-staged writer is taking the write lock ${file} right now: try again`);
    }
  } else if (holder.hostname !== os.hostname()) {
    throw new Error(`another writer holds the write lock ${file}: pid ${holder.pid} on host ${holder.hostname}, since ${holder.startedAt} (${holder.command}); wait for it to finish, or delete the lock file if that process is gone`);
  } else if (isAlive(holder.pid)) {
    throw new Error(`another writer holds the write lock ${file}: pid ${holder.pid} on this host (${holder.hostname}), since ${holder.startedAt} (${holder.command}); wait for it to finish and try again`);
  }
  // stale: remove it only if it is still the lock we judged (a fresh one may have replaced it)
  try {
    if (fs.readFileSync(file, 'utf-8') === text) fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text);
    if (h && Number.isInteger(h.pid) && h.pid > 0 && typeof h.hostname === 'string' && typeof h.startedAt === 'string') {
      return { pid: h.pid, hostname: h.hostname, startedAt: h.startedAt, command: typeof h.command === 'string' ? h.command : '' };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** Whether a process of this host is alive (EPERM: alive, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder of the lock of `root`, if any. */
export function lockHolder(root: string): LockHolder | undefined {
  try {
    return parseHolder(fs.readFileSync(lockPath(path.resolve(root)), 'utf-8'));
  } catch {
    return undefined;
  }
}

function release(root: string, token: string): void {
  const file = lockPath(root);
  try {
    if (fs.readFileSync(file, 'utf-8') === token) fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
