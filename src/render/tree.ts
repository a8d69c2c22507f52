import { createHash } from 'crypto';
import { DeploymentPlanDocument, deploymentPlanMarkdown } from './deployment-plan-doc';
import { baseKustomization, patchesKustomization, rootKustomization, stageKustomization } from './kustomization';
import { PlanDocument, planJson, planMarkdown } from './plan-doc';
import { StagedSource } from '../constructs/shared/staged-source';
import { toYaml } from './yaml';
import { deploymentStagePatches, renderDeploymentBase } from '../core/deployment-layout';

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
  writeBase(files, source.directory, objects);
  for (const stage of source.stages) {
    files.set(`${stage.directory}/kustomization.yaml`, stageKustomization(source.target, source.partitionPath, stage.partition));
  }
  writePlanFiles(files, plan);
  return files;
}

/**
 * Every file of a Deployment rollout tree: `base/` with the objects as the first stage has them (each
 * Deployment with its stable or candidate template), one overlay per stage that sets replicas, selectors
 * and, where a Deployment rolls, its template; the root, plan.json and PLAN.md. Used by the synth and by
 * `cdk8s-staged abort`, which re-renders from the committed base. Pure.
 * @param objects the objects of the rollout (the construct's, or the committed base's)
 */
export function renderDeploymentTree(plan: DeploymentPlanDocument, objects: any[], stable: any | null, candidate: any): Map<string, string> {
  const files = new Map<string, string>();
  writeBase(files, plan.app, renderDeploymentBase(plan.layout, objects, plan.stages, stable, candidate));
  const namespace = plan.namespace ?? undefined;
  for (const stage of plan.stages) {
    files.set(`${stage.directory}/kustomization.yaml`, patchesKustomization(deploymentStagePatches(plan.layout, stage, stable, candidate, namespace)));
  }
  writePlanFiles(files, plan);
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
export function writePlanFiles(files: Map<string, string>, plan: PlanDocument | DeploymentPlanDocument): void {
  const active = (plan.stages as Array<{ name: string; directory: string }>).find(s => s.name === plan.activeStage)!;
  files.set('kustomization.yaml', rootKustomization(active.directory));
  files.set('plan.json', planJson(plan));
  files.set('PLAN.md', plan.kind === 'Deployment' ? deploymentPlanMarkdown(plan as DeploymentPlanDocument) : planMarkdown(plan as PlanDocument));
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
