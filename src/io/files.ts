import * as fs from 'fs';
import * as path from 'path';

/**
 * Which names each directory holds, from one listing of it: thousands of lookups in one operation (a
 * first synth of thousands of rollouts, none of whose trees and state files exist yet) cost one
 * `readdir` per directory instead of a system call each. A listing is taken at the first lookup in its
 * directory and not refreshed: use one per operation, under the write lock.
 */
export class DirectoryListing {
  private readonly listed = new Map<string, ReadonlySet<string> | null>();

  /** The names in `dir`: none when it does not exist, null when it cannot be listed (not a directory, no permission). */
  public names(dir: string): ReadonlySet<string> | null {
    let names = this.listed.get(dir);
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(dir));
      } catch (e) {
        names = (e as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : null;
      }
      this.listed.set(dir, names);
    }
    return names;
  }

  /**
   * False when `file`'s directory, at its listing, did not hold its name: it surely does not exist. True
   * when it did, or when the directory could not be listed (the caller's own lookup tells why).
   */
  public mayExist(file: string): boolean {
    return this.names(path.dirname(file))?.has(path.basename(file)) ?? true;
  }
}

/** True when a path exists (a file, a directory or anything else). */
export function pathExists(p: string): boolean {
  return fs.existsSync(p);
}

/** A file's text (UTF-8). */
export function readText(file: string): string {
  return fs.readFileSync(file, 'utf-8');
}

/** A file's text, or undefined when it does not exist. */
export function readTextIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : undefined;
}
