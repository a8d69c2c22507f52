import * as fs from 'fs';
import * as path from 'path';

/** What a directory holds, as relative paths with '/', sorted. */
export interface TreeScan {
  readonly files: string[];
  readonly directories: string[];
  readonly symlinks: string[];
  /** Sockets, FIFOs, devices. */
  readonly others: string[];
}

/** Walk a directory without following symbolic links; all empty when it does not exist. */
export function scanTree(dir: string): TreeScan {
  const scan = { files: [] as string[], directories: [] as string[], symlinks: [] as string[], others: [] as string[] };
  const rel = (full: string) => path.relative(dir, full).split(path.sep).join('/');
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isSymbolicLink()) {scan.symlinks.push(rel(full));} else if (entry.isDirectory()) {
        scan.directories.push(rel(full));
        walk(full);
      } else if (entry.isFile()) {scan.files.push(rel(full));} else {scan.others.push(rel(full));}
    }
  };
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) walk(dir);
  for (const list of Object.values(scan)) list.sort();
  return scan;
}

/**
 * Every file below a directory, relative path (with '/') -> content. Refuses a symbolic link or special
 * file (a tree holds only the regular files the library wrote) and a file that is not valid UTF-8 (the
 * library writes UTF-8 only), so the text returned is exactly the bytes on disk.
 */
export function readFiles(dir: string): { [file: string]: string } {
  const scan = scanTree(dir);
  const odd = [...scan.symlinks, ...scan.others];
  if (odd.length > 0) {
    throw new Error(`${path.join(dir, odd[0])} is ${scan.symlinks.includes(odd[0]) ? 'a symbolic link' : 'not a regular file'}: a rollout tree holds only the regular files the library wrote; restore it from git or run cdk8s synth`);
  }
  const out: { [file: string]: string } = {};
  for (const f of scan.files) {
    const bytes = fs.readFileSync(path.join(dir, f));
    const text = bytes.toString('utf-8');
    if (!Buffer.from(text, 'utf-8').equals(bytes)) {
      throw new Error(`${path.join(dir, f)} is not valid UTF-8: the library writes UTF-8 only; restore it from git or run cdk8s synth`);
    }
    out[f] = text;
  }
  return out;
}

