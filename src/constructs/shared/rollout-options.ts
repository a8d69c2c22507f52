import { StageGate } from '../../core/analysis';
import { MAX_WAVES } from '../../core/limits';
import { checkKnownProps, checkRelativeDirectory, hasOwn, isDnsLabel, show } from '../../core/validation';
import { WaveSpec } from '../../core/waves';

/** One wave of a fleet: the clusters or environments that apply one root, in the order of `rollout.waves`. */
export interface RolloutWave {
  /**
   * The wave's name, a DNS-1123 label (lowercase letters, digits and '-', at most 63): its root is
   * `<rollout directory>/clusters/<name>/kustomization.yaml`, which the wave's Argo CD Application or
   * Flux Kustomization applies.
   */
  readonly name: string;
  /**
   * The stage this wave reaches before the next wave may leave its first stage.
   * @default - the last stage: the next wave starts once this one is complete
   */
  readonly nextWaveAfter?: string;
}

/** The rollout options every construct with a staged rollout shares. */
export interface RolloutOptionsBase {
  /**
   * Pin the active stage in code. Without a pin the active stage comes from the rollout state file, which
   * `cdk8s-staged promote` moves forward; a new template starts at `hold`. With a pin the root selects
   * this stage whatever the state says, and the CLI refuses to promote.
   * @default - the stage recorded in the rollout state (`hold` for a new template)
   */
  readonly activeStage?: string;
  /**
   * Allow a new template while a rollout is between hold and its last stage: the pods already on the
   * candidate move straight to the new template; the others stay on the stable revision.
   * @default false - such a synth fails and names the pods on each revision
   */
  readonly allowSupersede?: boolean;
  /**
   * Allow a change of a field the API server refuses to change (a selector; for a StatefulSet also
   * serviceName, podManagementPolicy, volumeClaimTemplates): the workload must be recreated when the
   * commit syncs; PLAN.md says how.
   * @default false - such a synth fails with an error that says how to recreate
   */
  readonly allowRecreate?: boolean;
  /**
   * Accept a root `kustomization.yaml` edited by hand (a Git web editor, Kargo's `yaml-update`, Renovate)
   * that moves the rollout forward by more than one stage. An edit that moves forward by one stage is
   * always accepted; one that moves back never is (an abort also restores the stable template: use
   * `cdk8s-staged abort` or revert the template in code).
   * @default false - such a synth fails and names the stages the edit skips
   */
  readonly allowStageSkip?: boolean;
  /**
   * The rollout root, relative to the app's output directory.
   * @default - the app name
   */
  readonly directory?: string;
  /**
   * What must hold at a stage, besides convergence, before it may be left: a bake time and Prometheus
   * analyses, by stage name. `cdk8s-staged gate --prometheus URL` and `cdk8s-staged advance` check them;
   * they are written into plan.json and PLAN.md.
   * @default - no gates: a stage may be left once it has converged
   */
  readonly gates?: { [stage: string]: StageGate };
  /**
   * Apply the rollout to several clusters or environments in order, such as staging, then prod-eu, then
   * prod-us. Every wave gets its own root, `clusters/<wave>/kustomization.yaml`, selecting its own stage
   * of the one plan (there is no root `kustomization.yaml` then); `cdk8s-staged promote --wave` moves one
   * wave at a time, and a wave leaves the first stage only once the wave before it has reached its
   * `nextWaveAfter` stage. A new template starts every wave at the first stage; an abort sends every wave
   * to the last stage with the stable template. Point each wave's Argo CD Application or Flux
   * Kustomization at its root (`ArgoCdApplicationSet` and `FluxKustomization` take the wave). Mid-rollout,
   * a change of the list keeps the started waves in order (new waves go after them), drops a wave only at
   * the first or the last stage, and removes the list only when every wave is at one stage.
   * @default - no waves: one root `kustomization.yaml` selects the active stage
   */
  readonly waves?: RolloutWave[];
}

/** The keys of `RolloutOptionsBase`, for the check of props given from JavaScript. */
export const ROLLOUT_OPTIONS_BASE = ['activeStage', 'allowSupersede', 'allowRecreate', 'allowStageSkip', 'directory', 'gates', 'waves'];

/** The checked rollout options. */
export interface ResolvedRolloutOptions {
  readonly directory: string;
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
  /** The gates by stage, in stage order; undefined when none. */
  readonly gates?: { [stage: string]: StageGate };
  readonly allowStageSkip: boolean;
  /** The waves, in order; undefined when none. */
  readonly waves?: WaveSpec[];
}

/** Check the shared rollout options against the plan's stage names. */
export function resolveRolloutOptions(options: RolloutOptionsBase, stageNames: string[], app: string): ResolvedRolloutOptions {
  const pinned = options.activeStage;
  if (pinned !== undefined && !stageNames.includes(pinned)) {
    throw new Error(`rollout.activeStage (${show(pinned)}) must be one of the plan's stages: ${stageNames.map(s => JSON.stringify(s)).join(', ')}`);
  }
  const directory = options.directory ?? app;
  checkRelativeDirectory('rollout.directory', directory);
  const resolved: ResolvedRolloutOptions = {
    directory,
    pinnedStage: pinned,
    allowSupersede: options.allowSupersede ?? false,
    allowRecreate: options.allowRecreate ?? false,
    allowStageSkip: options.allowStageSkip ?? false,
    gates: checkGates(options.gates, stageNames),
    waves: checkWaves(options.waves, stageNames),
  };
  if (resolved.waves !== undefined && pinned !== undefined) {
    throw new Error(`rollout.activeStage (${show(pinned)}) cannot be set with rollout.waves: a pin would put every wave at one stage, moving complete waves back and waiting waves forward out of order; promote the waves one at a time (cdk8s-staged promote --wave), or leave rollout.waves out to pin the one root`);
  }
  if (resolved.waves === undefined) {
    for (const [stage, gate] of Object.entries(resolved.gates ?? {})) {
      const uses = gate.analyses.find(a => a.variables.includes('wave'));
      if (uses !== undefined) {
        throw new Error(`rollout.gates[${JSON.stringify(stage)}] analysis ${uses.name} uses {{wave}} but the rollout has no waves: set rollout.waves, or leave {{wave}} out of the query`);
      }
    }
  }
  return resolved;
}

/** Gates name stages the rollout leaves (not the last), each a StageGate. */
function checkGates(gates: { [stage: string]: StageGate } | undefined, stageNames: string[]): { [stage: string]: StageGate } | undefined {
  if (gates === undefined) return undefined;
  if (gates === null || typeof gates !== 'object' || Array.isArray(gates)) {
    throw new Error(`rollout.gates (${show(gates)}) must map stage names to StageGate.of({...})`);
  }
  const leavable = stageNames.slice(0, -1);
  for (const [stage, gate] of Object.entries(gates)) {
    if (!leavable.includes(stage)) {
      throw new Error(`rollout.gates key (${show(stage)}) must be a stage the rollout leaves: ${leavable.map(s => JSON.stringify(s)).join(', ')} (the last stage, ${JSON.stringify(stageNames[stageNames.length - 1])}, is never left)`);
    }
    if (!(gate instanceof StageGate)) {
      throw new Error(`rollout.gates[${show(stage)}] (${show(gate)}) must be a StageGate such as StageGate.of({ bakeTime: '10m', analyses: [...] })`);
    }
  }
  const ordered = stageNames.filter(s => hasOwn(gates, s));
  return ordered.length === 0 ? undefined : Object.fromEntries(ordered.map(s => [s, gates[s]]));
}

/** Waves have distinct DNS-1123 label names, each `nextWaveAfter` a stage of the plan. */
function checkWaves(waves: RolloutWave[] | undefined, stageNames: string[]): WaveSpec[] | undefined {
  if (waves === undefined) return undefined;
  if (!Array.isArray(waves) || waves.length === 0 || waves.length > MAX_WAVES) {
    throw new Error(`rollout.waves (${show(waves)}) must list 1 to ${MAX_WAVES} waves such as [{ name: 'staging' }, { name: 'prod' }]`);
  }
  const last = stageNames[stageNames.length - 1];
  return waves.map((w, i) => {
    if (w === null || typeof w !== 'object' || Array.isArray(w)) {
      throw new Error(`rollout.waves[${i}] (${show(w)}) must be an object such as { name: 'staging' }`);
    }
    checkKnownProps(`rollout.waves[${i}]`, w, ['name', 'nextWaveAfter']);
    if (!isDnsLabel(w.name)) {
      throw new Error(`rollout.waves[${i}].name (${show(w.name)}) must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63): it names the directory clusters/<name>`);
    }
    const first = waves.findIndex(o => o.name === w.name);
    if (first !== i) {
      throw new Error(`rollout.waves[${i}].name (${show(w.name)}) is also rollout.waves[${first}].name: each wave has its own root, clusters/<name>, and needs its own name`);
    }
    if (w.nextWaveAfter !== undefined && !stageNames.includes(w.nextWaveAfter)) {
      throw new Error(`rollout.waves[${i}].nextWaveAfter (${show(w.nextWaveAfter)}) must be one of the plan's stages: ${stageNames.map(s => JSON.stringify(s)).join(', ')}`);
    }
    return { name: w.name, nextWaveAfter: w.nextWaveAfter ?? last };
  });
}
