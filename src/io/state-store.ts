import * as fs from 'fs';
import * as path from 'path';
import { RolloutState } from '../core/state';
import { parseStateFile } from '../model/state-file';

/** The state file of a rollout directory. */
export function stateFilePath(stateDirectory: string, directory: string): string {
  return path.join(stateDirectory, `${directory}.json`);
}

/** Read a state file; undefined when it does not exist. */
export function readStateFile(file: string): RolloutState | undefined {
  // a missing file is the common case of a first synth: no exception for it (an error is costly)
  if (!fs.existsSync(file)) return undefined;
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
