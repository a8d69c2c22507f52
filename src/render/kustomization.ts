import { surelyPlain, toYaml } from './yaml';
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
 * that integer, the last characters of the file, and the rollouts of an app differ in the target's name.
 * The text around the name and before the integer is rendered once per target without its name, op and
 * path (with the name `NAME_SLOT` and the value 0), checked to hold the name on its own `name:` line once
 * and to end in `value: 0` (the emitter writes a non-negative integer as its plain decimal digits, the
 * last entry of the patch). A name written plain (`surelyPlain`) goes into the slot as it is; any other
 * name, or a text that fails the check, is rendered whole.
 */
function onePatchOneInteger(patch: StagePatch, value: number): string {
  const t = patch.target;
  const op = patch.ops[0];
  if (!surelyPlain(t.name)) return renderPatches([patch]);
  const key = `${t.group}\0${t.version}\0${t.kind}\0${t.namespace}\0${op.op}\0${op.path}`;
  let parts = texts.get(key);
  if (parts === undefined) {
    const zero = renderPatches([{ target: { ...t, name: NAME_SLOT }, ops: [{ ...op, value: 0 }] }]);
    const line = '\n      name: ';
    const at = zero.indexOf(`${line}${NAME_SLOT}\n`);
    const start = at + line.length;
    const end = start + NAME_SLOT.length;
    const ok = zero.endsWith('  value: 0\n') && at >= 0 && zero.indexOf(NAME_SLOT, end) < 0;
    parts = ok ? [zero.slice(0, start), zero.slice(end, -2)] : null;
    if (texts.size >= 1000) texts.clear();
    texts.set(key, parts);
  }
  return parts === null ? renderPatches([patch]) : `${parts[0]}${t.name}${parts[1]}${value}\n`;
}
/** The name of the target while the shared text is rendered: plain, and a name no op path holds. */
const NAME_SLOT = 'name-slot-of-the-stage-kustomization';
/** The text before and after the name, up to the value, per target and op (null: render whole). */
const texts = new Map<string, [string, string] | null>();

/**
 * The root `kustomization.yaml`: it selects the active stage. Promoting is changing its one `resources`
 * line to the next stage's directory. A wave's root (`clusters/<wave>/kustomization.yaml`) names the
 * stage as `../../stages/<NN>-<name>`.
 */
export function rootKustomization(activeDirectory: string, wave?: string): string {
  return (wave === undefined ? ROOT_COMMENT : waveRootComment(wave)) + toYaml({ ...HEADER, resources: [activeDirectory] });
}
