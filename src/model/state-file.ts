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
  checkState(file, state);
  return state as RolloutState;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is { [k: string]: unknown } => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringMap = (v: unknown) => isObject(v) && Object.values(v).every(x => typeof x === 'string');
const isStringList = (v: unknown) => Array.isArray(v) && v.every(x => typeof x === 'string');

/**
 * Check every field a reader of the state uses, with the shape the synth writes, so a damaged file is
 * refused with the file and the field instead of failing later with a TypeError.
 */
function checkState(file: string, state: any): void {
  if (!isObject(state) || state.schemaVersion !== 1) {
    throw new Error(`rollout state ${file} schemaVersion (${JSON.stringify(isObject(state) ? state.schemaVersion : state)}) must be 1: restore it from git`);
  }
  const bad = (field: string, value: unknown, what: string) =>
    new Error(`rollout state ${file} field ${field} (${JSON.stringify(value) ?? 'missing'}) must be ${what}: restore it from git`);
  const fields: Array<[string, string]> = [['app', 'string'], ['directory', 'string'], ['activeStage', 'string'], ['candidate', 'object'], ['immutable', 'object'], ['treeDigest', 'string'], ['notes', 'object'], ['files', 'object']];
  for (const [field, type] of fields) {
    if (!own(state, field) || typeof state[field] !== type || state[field] === null) {
      throw new Error(`rollout state ${file} field ${field} (${JSON.stringify(state[field]) ?? 'missing'}) must be a ${type}: restore it from git`);
    }
  }
  if (!isStringList(state.notes)) throw bad('notes', state.notes, 'a list of strings');
  if (!isStringList(state.files) || state.files.length === 0) throw bad('files', state.files, 'a non-empty list of file names');
  if (!/^sha256:[0-9a-f]{64}$/.test(String(state.treeDigest))) throw bad('treeDigest', state.treeDigest, '"sha256:" and 64 hex digits');
  if (!isObject(state.immutable)) throw bad('immutable', state.immutable, 'an object');
  if (own(state, 'pinned') && typeof state.pinned !== 'boolean') throw bad('pinned', state.pinned, 'true or false');
  checkRevision(state.candidate, 'candidate', bad);
  if (own(state, 'stable') && state.stable !== null) checkRevision(state.stable, 'stable', bad);
  if (own(state, 'candidateColor') && state.candidateColor !== 'blue' && state.candidateColor !== 'green') {
    throw bad('candidateColor', state.candidateColor, '"blue" or "green"');
  }
  if (own(state, 'waves')) {
    const waves = state.waves;
    if (!Array.isArray(waves) || waves.length === 0 || !waves.every(w => isObject(w) && typeof w.name === 'string' && typeof w.activeStage === 'string' && Object.keys(w).length === 2)) {
      throw bad('waves', waves, 'a non-empty list of { name, activeStage }');
    }
    if (new Set(waves.map(w => w.name)).size !== waves.length) throw bad('waves', waves, 'a list of waves with distinct names');
  }
  if (own(state, 'lastAbort') && state.lastAbort !== null) {
    const a = state.lastAbort;
    if (!isObject(a)) throw bad('lastAbort', a, 'null or an object');
    if (typeof a.candidate !== 'string') throw bad('lastAbort.candidate', a.candidate, 'a revision string');
    if (!isStringMap(a.images)) throw bad('lastAbort.images', a.images, 'an object of container name -> image');
    if (typeof a.stage !== 'string') throw bad('lastAbort.stage', a.stage, 'a stage name');
    if (!isStringList(a.pods)) throw bad('lastAbort.pods', a.pods, 'a list of strings');
  }
}

function checkRevision(r: any, field: string, bad: (field: string, value: unknown, what: string) => Error): void {
  if (!isObject(r)) throw bad(field, r, field === 'stable' ? 'null or an object with revision, images and template' : 'an object with revision, images and template');
  if (typeof r.revision !== 'string' || !/^[0-9a-f]{10}$/.test(r.revision)) throw bad(`${field}.revision`, r.revision, '10 hex digits');
  if (!isStringMap(r.images)) throw bad(`${field}.images`, r.images, 'an object of container name -> image');
  if (!isObject(r.template) || !isObject(r.template.spec)) throw bad(`${field}.template`, r.template, 'the pod template (an object with a spec)');
}
