import { toYaml } from './yaml';
import { StagePatch } from '../core/stage-patch';
import { KUSTOMIZATION_HEADER as HEADER, ROOT_COMMENT, waveRootComment } from '../model/kustomization';

/** `base/kustomization.yaml`: the objects at the first stage. */
export function baseKustomization(files: string[]): string {
  return toYaml({ ...HEADER, resources: files });
}

/**
 * `stages/<NN>-<name>/kustomization.yaml`: the base and JSON 6902 patches. Only `replace` is used:
 * it fails the build if the field is missing from the base, so a stage can never silently add a field.
 */
export function patchesKustomization(patches: StagePatch[]): string {
  const value = patches.length === 1 && patches[0].ops.length === 1 ? patches[0].ops[0].value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return onePatchOneInteger(patches[0], value);
  }
  return renderPatches(patches);
}

function renderPatches(patches: StagePatch[]): string {
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
 * One patch of one integer (a StatefulSet stage: the partition): the stages of a rollout differ only in
 * that integer, the last characters of the file. The text before it is rendered once per target and path
 * (a one-entry cache: a rollout's stages are rendered one after the other) with the value 0, checked to
 * end in `value: 0` (the emitter writes a non-negative integer as its plain decimal digits, the last
 * entry of the patch); otherwise the whole file is rendered.
 */
function onePatchOneInteger(patch: StagePatch, value: number): string {
  const t = patch.target;
  const op = patch.ops[0];
  const key = `${t.group}\0${t.version}\0${t.kind}\0${t.name}\0${t.namespace}\0${op.op}\0${op.path}`;
  if (key !== cached.key) {
    const zero = renderPatches([{ target: t, ops: [{ ...op, value: 0 }] }]);
    if (!zero.endsWith('  value: 0\n')) {
      return renderPatches([patch]);
    }
    cached = { key, prefix: zero.slice(0, -2) };
  }
  return `${cached.prefix}${value}\n`;
}
let cached = { key: '', prefix: '' };

/**
 * The root `kustomization.yaml`: it selects the active stage. Promoting is changing its one `resources`
 * line to the next stage's directory. A wave's root (`clusters/<wave>/kustomization.yaml`) names the
 * stage as `../../stages/<NN>-<name>`.
 */
export function rootKustomization(activeDirectory: string, wave?: string): string {
  return (wave === undefined ? ROOT_COMMENT : waveRootComment(wave)) + toYaml({ ...HEADER, resources: [activeDirectory] });
}
