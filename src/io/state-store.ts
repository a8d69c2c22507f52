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
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseStateFile(file, text);
}
