import * as fs from 'fs';
import * as path from 'path';
import { RolloutState } from '../core/state-machine';

/** The state file of a rollout directory. */
export function stateFilePath(stateDirectory: string, directory: string): string {
  return path.join(stateDirectory, `${directory}.json`);
}

/** The state file as written: two-space JSON and a final newline. */
export function stateJson(state: RolloutState): string {
  return JSON.stringify(state, undefined, 2) + '\n';
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
  let state: any;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new Error(`rollout state ${file} is not valid JSON (${(e as Error).message}): restore it from git`);
  }
  const fields: Array<[string, string]> = [['app', 'string'], ['directory', 'string'], ['activeStage', 'string'], ['candidate', 'object'], ['immutable', 'object'], ['treeDigest', 'string'], ['notes', 'object'], ['files', 'object']];
  if (state === null || typeof state !== 'object' || state.schemaVersion !== 1) {
    throw new Error(`rollout state ${file} schemaVersion (${JSON.stringify(state?.schemaVersion)}) must be 1: restore it from git`);
  }
  for (const [field, type] of fields) {
    if (typeof state[field] !== type || state[field] === null) {
      throw new Error(`rollout state ${file} field ${field} (${JSON.stringify(state[field])}) must be a ${type}: restore it from git`);
    }
  }
  return state as RolloutState;
}
