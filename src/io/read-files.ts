import * as fs from 'fs';
import * as path from 'path';

/** Every file below a directory, as relative paths with '/'; none when the directory does not exist. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Every file below a directory, relative path (with '/') -> content. */
export function readFiles(dir: string): { [file: string]: string } {
  return Object.fromEntries(listFiles(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
}
