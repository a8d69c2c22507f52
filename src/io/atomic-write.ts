import * as fs from 'fs';
import * as path from 'path';

/** A directory the library owns, replaced whole. */
export interface TreeToWrite {
  /** Absolute path of the directory. */
  readonly directory: string;
  /** File path relative to `directory` -> content. */
  readonly files: Map<string, string>;
}

/** One file, replaced whole (a chart manifest, a rollout state file, a promoted root). */
export interface FileToWrite {
  /** Absolute path. */
  readonly path: string;
  readonly content: string;
}

/** Injected in tests to simulate a failing disk. */
export interface FileSystemOps {
  writeFileSync(file: string, data: string): void;
}

const realFs: FileSystemOps = { writeFileSync: (file, data) => fs.writeFileSync(file, data) };

/**
 * Put trees and files in place so that a failure leaves the previous ones untouched.
 *
 * Everything is first written to temporary siblings (`.staged-tmp-*`); only when every write has
 * succeeded are they renamed over their targets, trees first, then files. A failure while writing (an
 * exception, a full disk) removes the temporary copies and changes nothing else. Renames stay within one
 * directory, so they do not copy data. Nothing outside the named trees and files is touched.
 */
export function writeAtomically(trees: TreeToWrite[], files: FileToWrite[], ops: FileSystemOps = realFs): void {
  const staged: Array<{ tmp: string; target: string }> = [];
  const tmpFor = (target: string) => path.join(path.dirname(target), `.staged-tmp-${process.pid}-${staged.length}-${path.basename(target)}`);
  try {
    for (const tree of trees) {
      fs.mkdirSync(path.dirname(tree.directory), { recursive: true });
      const tmp = tmpFor(tree.directory);
      fs.rmSync(tmp, { recursive: true, force: true });
      staged.push({ tmp, target: tree.directory });
      // each directory once, parents first (a tree has a few directories and many files)
      const dirs = new Set<string>();
      for (const file of tree.files.keys()) {
        for (let d = path.dirname(file); d !== '.' && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
      }
      fs.mkdirSync(tmp);
      for (const d of [...dirs].sort((a, b) => a.split('/').length - b.split('/').length)) {
        fs.mkdirSync(path.join(tmp, d));
      }
      for (const [file, content] of tree.files) {
        ops.writeFileSync(path.join(tmp, file), content);
      }
    }
    for (const file of files) {
      fs.mkdirSync(path.dirname(file.path), { recursive: true });
      const tmp = tmpFor(file.path);
      staged.push({ tmp, target: file.path });
      ops.writeFileSync(tmp, file.content);
    }
  } catch (err) {
    for (const s of staged) {
      fs.rmSync(s.tmp, { recursive: true, force: true });
    }
    throw err;
  }
  for (const s of staged) {
    const old = `${s.tmp}-old`;
    const isDir = fs.existsSync(s.target) && fs.statSync(s.target).isDirectory();
    if (isDir) {
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
