import { PlanDocumentBase, RolloutKind } from '../core/kinds/kind';
import { orRefuse, rootEditNote } from '../core/messages';
import { treeDigestOf } from '../core/revision';
import { RolloutState } from '../core/state';
import { rootEditTransition, waveOrderRefusal } from '../core/state-machine';
import { stateStageFields, waveMoved } from '../core/wave-plan';
import { KUSTOMIZATION_HEADER, parseActiveDirectory } from '../model/kustomization';
import { parsePlanFile } from '../model/plan-file';
import { rootKustomization } from '../render/kustomization';
import { PlanRoot, planRoots, writePlanFiles } from '../render/tree';
import { parseYaml as parse } from '../render/yaml';

/**
 * A committed rollout tree as the CLI, `verify` and the synth read it: the root `kustomization.yaml` is
 * the promotion. A tree whose files, except that one line, are the ones last written (they hash to the
 * state file's digest once the root is put back as written) and whose root names a stage of the plan
 * selects that stage: the rules of `promote` apply to the move. Pure: the files are passed in.
 */

/** A root whose line was edited: the stage it selects now. */
export interface RootChange {
  /** The root's path in the tree. */
  readonly file: string;
  /** The directory it selects now. */
  readonly selected: string;
  /**
   * The wave whose root it is.
   * @default - none: the rollout has no waves
   */
  readonly wave?: string;
}

/** How a tree's roots relate to the state file. */
export type RootReading =
  /** The tree is the one last written, roots included. */
  | { readonly status: 'written' }
  /** The tree is the one last written except the stage some roots select. */
  | { readonly status: 'root-edited'; readonly changes: RootChange[] }
  /** Something else was edited, added or removed. */
  | { readonly status: 'tampered'; readonly reason: string };

/**
 * Compare a tree with the state file: its digest with the roots as written, and each root's content.
 * @param files the tree, relative path -> content
 * @param roots the roots as the plan last written has them (`planRoots`)
 * @param where the tree's directory, for messages
 * @param stateFile the state file's path, for messages
 */
export function readRoot(files: { [file: string]: string }, state: RolloutState, roots: PlanRoot[], where: string, stateFile: string): RootReading {
  const asWritten = { ...files };
  for (const root of roots) asWritten[root.file] = root.content;
  const digest = treeDigestOf(asWritten);
  const rootNames = roots.map(r => `${where}/${r.file}`).join(', ');
  if (digest !== state.treeDigest) {
    const known = new Set(state.files);
    const added = Object.keys(files).filter(f => !known.has(f)).sort();
    const removed = state.files.filter(f => files[f] === undefined);
    const what = [
      added.length > 0 ? `added ${added.join(', ')}` : '',
      removed.length > 0 ? `removed ${removed.join(', ')}` : '',
    ].filter(s => s !== '').join('; ');
    return {
      status: 'tampered',
      reason: `the tree in ${where} is not the one last written (its digest, with ${roots.length === 1 ? 'the root kustomization.yaml\'s stage line' : 'the stage line of every root'} put back, is ${digest}, not ${state.treeDigest} in ${stateFile})${what ? `: ${what}` : ''}: files were edited, added or removed by hand, and only the stage line of ${rootNames} may be; restore them from git or run cdk8s synth`,
    };
  }
  const changes: RootChange[] = [];
  for (const root of roots) {
    const selected = rootSelection(files[root.file], root.wave);
    if (typeof selected !== 'string') {
      return { status: 'tampered', reason: `${where}/${root.file} ${selected.problem}: it may hold only apiVersion ${KUSTOMIZATION_HEADER.apiVersion}, kind ${KUSTOMIZATION_HEADER.kind} and resources with one stage directory; restore it from git or run cdk8s synth` };
    }
    if (files[root.file] !== root.content) {
      changes.push({ file: root.file, selected, ...(root.wave !== undefined ? { wave: root.wave } : {}) });
    }
  }
  return changes.length === 0 ? { status: 'written' } : { status: 'root-edited', changes };
}

/** The one directory a root kustomization selects, or what is wrong with it. */
export function rootSelection(text: string | undefined, wave?: string): string | { problem: string } {
  if (text === undefined) return { problem: 'is missing' };
  // the root as this library writes it, recognized without the yaml parser (not loaded at CLI start-up)
  const written = parseActiveDirectory(text, wave === undefined ? '' : '../../');
  if (written !== undefined && text === rootKustomization(written, wave)) return written;
  let doc: any;
  try {
    doc = parse(text);
  } catch (e) {
    return { problem: `is not valid YAML (${(e as Error).message.split('\n')[0]})` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { problem: 'does not hold a YAML mapping' };
  const extra = Object.keys(doc).filter(k => !['apiVersion', 'kind', 'resources'].includes(k)).sort();
  if (extra.length > 0) return { problem: `has fields other than the stage line (${extra.join(', ')})` };
  if (doc.apiVersion !== KUSTOMIZATION_HEADER.apiVersion || doc.kind !== KUSTOMIZATION_HEADER.kind) {
    return { problem: `has apiVersion ${JSON.stringify(doc.apiVersion ?? null)} and kind ${JSON.stringify(doc.kind ?? null)}` };
  }
  const resources = doc.resources;
  if (!Array.isArray(resources) || resources.length !== 1 || typeof resources[0] !== 'string') {
    return { problem: `resources (${JSON.stringify(resources ?? null)}) is not one directory` };
  }
  return resources[0];
}

/** A committed tree, read and checked. */
export interface CommittedTree {
  readonly kind: RolloutKind<any, any>;
  /** plan.json as the tree means it: the active stage is the one the root selects. */
  readonly plan: PlanDocumentBase;
  /** The state file as the tree means it (its digest and files are the ones last written). */
  readonly state: RolloutState;
  /** The files as they are. */
  readonly files: { [file: string]: string };
  /** The files as a write would leave them: plan.json and PLAN.md follow the root. */
  readonly normalized: { [file: string]: string };
  /**
   * The move of a root edit.
   * @default - none: the root selects the stage last written
   */
  readonly rootEdit?: { readonly from: string; readonly to: string; readonly note: string; readonly wave?: string };
}

/** How to read a committed tree. */
export interface ReadTreeOptions {
  /** Accept a root edit that skips stages. */
  readonly allowSkip: boolean;
  /** What allows skipping, for the refusal (`--allow-skip`, `rollout.allowStageSkip`). */
  readonly allow: string;
}

/**
 * Check a committed tree against its state file and apply a root edit. Throws, naming the file, when
 * the tree was edited beyond the stage line, when plan.json and the state file disagree, or when the
 * root edit breaks the rules of `promote` (a `RefusedError`).
 * @param where the tree's directory, for messages
 * @param stateFile the state file's path, for messages
 */
export function readCommittedTree(where: string, read: { [file: string]: string }, state: RolloutState | undefined, stateFile: string, options: ReadTreeOptions): CommittedTree {
  // a checkout with core.autocrlf: a tree that differs from the written one only by CRLF is the tree
  const crlf = Object.keys(read).filter(f => read[f].includes('\r\n')).sort();
  const lf = crlf.length === 0 ? read : Object.fromEntries(Object.entries(read).map(([f, t]) => [f, t.replace(/\r\n/g, '\n')]));
  const files = lf;
  const planText = files['plan.json'];
  if (planText === undefined) {
    throw new Error(`${where} is not a rollout directory: it has no plan.json (expected the directory cdk8s synth wrote for a StatefulApp or DeploymentApp with a rollout, such as dist/web)`);
  }
  const { kind, plan } = parsePlanFile(`${where}/plan.json`, planText);
  if (!state) {
    throw new Error(`the rollout state ${stateFile} named by plan.json stateFile (${JSON.stringify(plan.stateFile)}) does not exist: restore it from git or run cdk8s synth`);
  }
  if (state.activeStage !== plan.activeStage || state.app !== plan.app || wavesText(state.waves) !== wavesText(plan.waves)) {
    const at = (w: ReadonlyArray<{ name: string; activeStage: string }> | undefined) => (w === undefined ? '' : `, waves ${wavesText(w)}`);
    throw new Error(`the rollout state ${stateFile} (app ${JSON.stringify(state.app)}, stage ${JSON.stringify(state.activeStage)}${at(state.waves)}) does not match plan.json (app ${JSON.stringify(plan.app)}, stage ${JSON.stringify(plan.activeStage)}${at(plan.waves)}): restore both from git or run cdk8s synth`);
  }
  const reading = readRoot(files, state, planRoots(plan), where, stateFile);
  if (reading.status === 'tampered') {
    throw new Error(crlf.length === 0 ? reading.reason
      : `${reading.reason}; ${crlf.join(', ')} ${crlf.length === 1 ? 'has' : 'have'} CRLF line endings (git core.autocrlf?) besides other edits: set core.autocrlf to false or input, or add "* text eol=lf" to .gitattributes`);
  }
  if (reading.status === 'written') {
    return { kind, plan, state, files, normalized: normalize(files, kind, plan) };
  }
  const prose = kind.prose(kind.layoutOf(plan), state.candidateColor ?? 'blue');
  if (reading.changes.length > 1) {
    orRefuse({ refused: { type: 'waves-at-once', where: reading.changes.map(c => `${where}/${c.file}`).join(', '), waves: reading.changes.map(c => c.wave!) } }, plan.app, prose);
  }
  const change = reading.changes[0];
  const root = planRoots(plan).find(r => r.file === change.file)!;
  const file = `${where}/${change.file}`;
  const step = orRefuse(rootEditTransition(
    { stages: plan.stages.map(s => s.name), activeStage: root.stage, pinned: plan.pinned, candidate: plan.candidate, stable: state.stable },
    { file, directories: root.directories, selected: change.selected, allowSkip: options.allowSkip, allow: options.allow },
  ), plan.app, prose);
  const from = plan.stages[step.from].name;
  const to = plan.stages[step.to].name;
  let edited: PlanDocumentBase;
  if (change.wave === undefined) {
    edited = { ...plan, activeStage: to };
  } else {
    edited = waveMoved(plan, change.wave, to);
    const order = waveOrderRefusal(edited.waves!, plan.stages.map(s => s.name), file);
    if (order !== undefined) orRefuse(order, plan.app, prose);
  }
  const note = rootEditNote(from, to, kind.promotion(plan, step.from, step.to), plan.candidate.revision, change.wave === undefined ? undefined : { wave: change.wave, file: change.file });
  edited = { ...edited, notes: [note] };
  return {
    kind,
    plan: edited,
    state: { ...state, ...stateStageFields(edited), notes: [note] },
    files,
    normalized: normalize(files, kind, edited),
    rootEdit: { from, to, note, ...(change.wave !== undefined ? { wave: change.wave } : {}) },
  };
}

/** The waves and their stages as one string, to compare the state file with plan.json. */
function wavesText(waves: ReadonlyArray<{ readonly name: string; readonly activeStage: string }> | undefined): string {
  return waves === undefined ? '' : waves.map(w => `${w.name}=${w.activeStage}`).join(', ');
}

function normalize(files: { [file: string]: string }, kind: RolloutKind<any, any>, plan: PlanDocumentBase): { [file: string]: string } {
  const next = new Map(Object.entries(files));
  writePlanFiles(next, kind, plan);
  return Object.fromEntries(next);
}
