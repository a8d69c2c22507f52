import { createHash } from 'crypto';
import { baseKustomization, rootKustomization, stageKustomization } from './kustomization';
import { PlanDocument, planJson, planMarkdown } from './plan-doc';
import { StagedSource } from './staged-source';
import { toYaml } from './yaml';

/** The file name of an object in `base/`: `<kind>-<name>.yaml`, lowercase. */
export function objectFileName(obj: any): string {
  return `${String(obj.kind).toLowerCase()}-${obj.metadata?.name}.yaml`;
}

/**
 * Every file of one rollout tree, relative to its root: `base/`, `stages/<NN>-<name>/`, the root
 * `kustomization.yaml`, `plan.json` and `PLAN.md`. Pure: the same input gives the same bytes.
 */
export function renderStagedTree(source: StagedSource, objects: any[], plan: PlanDocument): Map<string, string> {
  const files = new Map<string, string>();
  const names: string[] = [];
  for (const obj of objects) {
    const file = objectFileName(obj);
    if (names.includes(file)) {
      throw new Error(`object ${obj.kind} ${JSON.stringify(obj.metadata?.name)} is emitted twice in rollout ${JSON.stringify(source.directory)}: each kind and name may appear once`);
    }
    names.push(file);
    files.set(`base/${file}`, toYaml(obj));
  }
  files.set('base/kustomization.yaml', baseKustomization(names));
  for (const stage of source.stages) {
    files.set(`${stage.directory}/kustomization.yaml`, stageKustomization(source.target, source.partitionPath, stage.partition));
  }
  writePlanFiles(files, plan);
  return files;
}

/** The root kustomization, plan.json and PLAN.md: the files a promotion rewrites. */
export function writePlanFiles(files: Map<string, string>, plan: PlanDocument): void {
  const active = plan.stages.find(s => s.name === plan.activeStage)!;
  files.set('kustomization.yaml', rootKustomization(active.directory));
  files.set('plan.json', planJson(plan));
  files.set('PLAN.md', planMarkdown(plan));
}

/** The SHA-256 of a tree: every path and content, in path order. */
export function treeDigest(files: Map<string, string> | { [file: string]: string }): string {
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
  const hash = createHash('sha256');
  for (const [file, content] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(file).update('\0').update(content).update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}
