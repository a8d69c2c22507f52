import { PatchTarget } from './staged-source';
import { toYaml } from './yaml';

const HEADER = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/** `base/kustomization.yaml`: the objects at the hold stage. */
export function baseKustomization(files: string[]): string {
  return toYaml({ ...HEADER, resources: files });
}

/**
 * `stages/<NN>-<name>/kustomization.yaml`: the base and one JSON 6902 patch that replaces the partition
 * and nothing else. `replace` (not `add`) fails the build if the field is missing from the base, so a
 * stage can never silently add a partition somewhere else.
 */
export function stageKustomization(target: PatchTarget, partitionPath: string, partition: number): string {
  const patch = toYaml([{ op: 'replace', path: partitionPath, value: partition }]);
  const t: { [key: string]: string } = { group: target.group, version: target.version, kind: target.kind, name: target.name };
  if (target.namespace !== undefined) {
    t.namespace = target.namespace;
  }
  return toYaml({ ...HEADER, resources: ['../../base'], patches: [{ target: t, patch }] });
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
