import { RolloutState } from '../core/state';

/** The state file as written: two-space JSON and a final newline. */
export function stateJson(state: RolloutState): string {
  return JSON.stringify(state, undefined, 2) + '\n';
}

/**
 * Parse and check a state file's text.
 * @param file the file's path, for messages
 */
export function parseStateFile(file: string, text: string): RolloutState {
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
