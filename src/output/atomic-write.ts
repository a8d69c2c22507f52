import * as fs from 'fs';
import * as path from 'path';

/** A directory tree to put in place whole. */
export interface TreeToWrite {
  /** Relative to the output directory. */
  readonly directory: string;
  /** File path relative to `directory` -> content. */
  readonly files: Map<string, string>;
}

/** Injected in tests to simulate a failing disk. */
export interface FileSystemOps {
  writeFileSync(file: string, data: string): void;
}

const realFs: FileSystemOps = { writeFileSync: (file, data) => fs.writeFileSync(file, data) };

/**
 * Write each tree to a temporary directory beside its target, then move it into place.
 *
 * Every tree is written in full before any is moved, so a failure while writing (an exception, a full
 * disk) leaves every previous tree untouched and removes the temporary directories. The moves are
 * renames within one file system. A rollout directory belongs to the library: it is replaced whole.
 */
export function writeTreesAtomically(outdir: string, trees: TreeToWrite[], ops: FileSystemOps = realFs): void {
  const staged: Array<{ tmp: string; target: string }> = [];
  try {
    for (const [i, tree] of trees.entries()) {
      const target = path.join(outdir, tree.directory);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = path.join(path.dirname(target), `.staged-tmp-${process.pid}-${i}-${path.basename(target)}`);
      fs.rmSync(tmp, { recursive: true, force: true });
      staged.push({ tmp, target });
      for (const [file, content] of tree.files) {
        const full = path.join(tmp, file);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        ops.writeFileSync(full, content);
      }
    }
  } catch (err) {
    for (const s of staged) {
      fs.rmSync(s.tmp, { recursive: true, force: true });
    }
    throw err;
  }
  for (const s of staged) {
    const old = `${s.tmp}-old`;
    if (fs.existsSync(s.target)) {
      fs.renameSync(s.target, old);
    }
    fs.renameSync(s.tmp, s.target);
    fs.rmSync(old, { recursive: true, force: true });
  }
}

/** Check that no tree lies inside another or shares its directory. */
export function checkDisjoint(directories: string[]): void {
  for (const [i, a] of directories.entries()) {
    for (const b of directories.slice(i + 1)) {
      if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
        throw new Error(`rollout directory (${JSON.stringify(a)}) overlaps rollout directory (${JSON.stringify(b)}): each rollout needs its own directory`);
      }
    }
  }
}
