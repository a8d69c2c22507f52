import { toYaml } from './yaml';
import { StagePatch } from '../core/stage-patch';
import { KUSTOMIZATION_HEADER as HEADER, ROOT_COMMENT } from '../model/kustomization';

/** `base/kustomization.yaml`: the objects at the first stage. */
export function baseKustomization(files: string[]): string {
  return toYaml({ ...HEADER, resources: files });
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

/**
 * The root `kustomization.yaml`: it selects the active stage. Promoting is changing its one `resources`
 * line to the next stage's directory.
 */
export function rootKustomization(activeDirectory: string): string {
  return ROOT_COMMENT + toYaml({ ...HEADER, resources: [activeDirectory] });
}
