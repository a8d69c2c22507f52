import { baseKustomization, rootKustomization, stageKustomization } from './kustomization';
import { planDocument, planJson, planMarkdown } from './plan-doc';
import { StagedSource } from './staged-source';
import { toYaml } from './yaml';

/** The file name of an object in `base/`: `<kind>-<name>.yaml`, lowercase. */
export function objectFileName(obj: any): string {
  return `${String(obj.kind).toLowerCase()}-${obj.metadata?.name}.yaml`;
}

/**
 * Every file of one rollout tree, relative to its root, in the order they are written:
 * `base/`, `stages/<NN>-<name>/`, the root `kustomization.yaml`, `plan.json` and `PLAN.md`.
 * Pure: the same source and objects give the same bytes.
 */
export function renderStagedTree(source: StagedSource, objects: any[]): Map<string, string> {
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
  const active = source.stages.find(s => s.name === source.activeStage)!;
  files.set('kustomization.yaml', rootKustomization(active.directory));
  const plan = planDocument(source);
  files.set('plan.json', planJson(plan));
  files.set('PLAN.md', planMarkdown(plan));
  return files;
}
