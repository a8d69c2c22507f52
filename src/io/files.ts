import * as fs from 'fs';

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
