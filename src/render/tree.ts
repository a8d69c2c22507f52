import { baseKustomization, patchesKustomization, rootKustomization } from './kustomization';
import { planMarkdown } from './plan-markdown';
import { toYaml } from './yaml';
import { PlanDocumentBase, RolloutKind } from '../core/kinds/kind';
import { show } from '../core/validation';
import { waveRootFile } from '../core/waves';
import { planJson } from '../model/plan-file';

/** The file name of an object in `base/`: `<kind>-<name>.yaml`, lowercase. */
export function objectFileName(obj: any): string {
  const kind = obj?.kind;
  const name = obj?.metadata?.name;
  if (typeof kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]{0,62}$/.test(kind)) {
    throw new Error(`object kind (${show(kind)}) cannot name a file in base/: a kind is letters and digits, starting with a letter`);
  }
  if (typeof name !== 'string' || name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
    throw new Error(`object ${kind} metadata.name (${show(name)}) cannot name a file in base/: a name is a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253)`);
  }
  return `${kind.toLowerCase()}-${name}.yaml`;
}

/**
 * Every file of one rollout tree, relative to its root: `base/` with the objects as the first stage has
 * them, one overlay per stage with the kind's patches, the root `kustomization.yaml`, `plan.json` and
 * `PLAN.md`. Used by the synth and by an abort from the tree (from the committed base). Pure: the same
 * input gives the same bytes.
 * @param objects the objects of the rollout (the construct's, or the committed base's)
 * @param stable the stable pod template, null when unknown
 * @param candidate the candidate pod template
 */
export function renderTree(kind: RolloutKind<any, any>, plan: PlanDocumentBase, objects: any[], stable: any | null, candidate: any): Map<string, string> {
  const files = new Map<string, string>();
  writeBase(files, plan.app, kind.baseObjects(plan, objects, stable, candidate));
  for (const stage of plan.stages) {
    files.set(`${stage.directory}/kustomization.yaml`, patchesKustomization(kind.stagePatches(plan, stage.index, stable, candidate)));
  }
  writePlanFiles(files, kind, plan);
  return files;
}

/** `base/<kind>-<name>.yaml` for each object and `base/kustomization.yaml`. */
function writeBase(files: Map<string, string>, directory: string, objects: any[]): void {
  const names: string[] = [];
  for (const obj of objects) {
    const file = objectFileName(obj);
    if (names.includes(file)) {
      throw new Error(`object ${obj.kind} ${JSON.stringify(obj.metadata?.name)} is emitted twice in rollout ${JSON.stringify(directory)}: each kind and name may appear once`);
    }
    names.push(file);
    files.set(`base/${file}`, toYaml(obj));
  }
  files.set('base/kustomization.yaml', baseKustomization(names));
}

/** The root kustomization, plan.json and PLAN.md: the files a promotion rewrites. */
export function writePlanFiles(files: Map<string, string>, kind: RolloutKind<any, any>, plan: PlanDocumentBase): void {
  for (const root of planRoots(plan)) {
    files.set(root.file, root.content);
  }
  files.set('plan.json', planJson(plan));
  files.set('PLAN.md', planMarkdown(kind, plan));
}

/** A root kustomization.yaml of a tree: the one root, or one per wave. */
export interface PlanRoot {
  /** Its path in the tree. */
  readonly file: string;
  /** The stage it selects. */
  readonly stage: string;
  /** The stage directories as the root names them (relative to the root). */
  readonly directories: string[];
  /** Its content as written. */
  readonly content: string;
  /**
   * The wave whose root it is.
   * @default - none: the rollout has no waves
   */
  readonly wave?: string;
}

/**
 * The roots of a plan: `kustomization.yaml` selecting the active stage, or with waves one
 * `clusters/<wave>/kustomization.yaml` per wave selecting that wave's stage (`../../stages/<NN>-<name>`).
 */
export function planRoots(plan: PlanDocumentBase): PlanRoot[] {
  const directoryOf = (stage: string) => plan.stages.find(s => s.name === stage)!.directory;
  if (plan.waves === undefined) {
    const active = directoryOf(plan.activeStage);
    return [{ file: 'kustomization.yaml', stage: plan.activeStage, directories: plan.stages.map(s => s.directory), content: rootKustomization(active) }];
  }
  return plan.waves.map(w => ({
    file: waveRootFile(w.name),
    stage: w.activeStage,
    wave: w.name,
    directories: plan.stages.map(s => `../../${s.directory}`),
    content: rootKustomization(`../../${directoryOf(w.activeStage)}`, w.name),
  }));
}
