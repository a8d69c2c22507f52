import * as fs from 'fs';
import * as path from 'path';
import { DirectoryListing } from './files';
import { RolloutState } from '../core/state';
import { parseStateFile } from '../model/state-file';

/** The state file of a rollout directory. */
export function stateFilePath(stateDirectory: string, directory: string): string {
  return path.join(stateDirectory, `${directory}.json`);
}

/**
 * Read a state file; undefined when it does not exist.
 * @param listing the listing of the operation, which tells a missing file without a lookup of its own
 */
export function readStateFile(file: string, listing?: DirectoryListing): RolloutState | undefined {
  // a missing file is the common case of a first synth: no exception for it (an error is costly)
  if (listing ? !listing.mayExist(file) : !fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new Error(`rollout state ${file} is a directory, not a file: move it away and restore the file from git`);
    throw e;
  }
  return parseStateFile(file, text);
}
