import { PatchTarget } from '../constructs/shared/staged-source';
import { toYaml } from './yaml';

const HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/** `base/kustomization.yaml`: the objects at the hold stage. */
export function baseKustomization(files: string[]): string {
  return toYaml({ ...HEADER, resources: files });
}

/** One JSON 6902 patch of a stage: its target and its operations. */
export interface StagePatch {
  readonly target: { readonly group?: string; readonly version: string; readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly ops: Array<{ op: 'replace'; path: string; value: unknown }>;
}

/**
 * `stages/<NN>-<name>/kustomization.yaml`: the base and JSON 6902 patches. Only `replace` is used:
 * it fails the build if the field is missing from the base, so a stage can never silently add a field.
 */
export function patchesKustomization(patches: StagePatch[]): string {
  return toYaml({
    ...HEADER,
    resources: ['../../base'],
    patches: patches.map(p => {
      const t: { [key: string]: string } = {};
      if (p.target.group !== undefined) t.group = p.target.group;
      t.version = p.target.version;
      t.kind = p.target.kind;
      t.name = p.target.name;
      if (p.target.namespace !== undefined) t.namespace = p.target.namespace;
      return { target: t, patch: toYaml(p.ops) };
    }),
  });
}

/** A StatefulSet stage: one patch that replaces the partition and nothing else. */
export function stageKustomization(target: PatchTarget, partitionPath: string, partition: number): string {
  return patchesKustomization([{ target, ops: [{ op: 'replace', path: partitionPath, value: partition }] }]);
}

/**
 * The root `kustomization.yaml`: it selects the active stage. Promoting is changing its one `resources`
 * line to the next stage's directory.
 */
export function rootKustomization(activeDirectory: string): string {
  return '# The active stage of this rollout. Promote by changing the line below to the next stage\n' +
    '# directory listed in PLAN.md, in a reviewed commit.\n' +
    toYaml({ ...HEADER, resources: [activeDirectory] });
}

/** The directory the root kustomization selects, or undefined when it is not one this tool writes. */
export function parseActiveDirectory(text: string): string | undefined {
  const match = /^resources:\n *- (stages\/[^\s]+)\n(?![ -])/m.exec(text);
  return match?.[1];
}
