import { PlanWave, WavePosition } from './state';

/**
 * Fleets in waves: one rollout applied to several clusters or environments in order. Every wave has its
 * own root (`clusters/<wave>/kustomization.yaml`) that selects its own stage of the one plan; a wave may
 * leave the first stage only once the wave before it has reached its `nextWaveAfter` stage (the last
 * stage unless set). Pure: the rules, the plan.json field and the PLAN.md table.
 */

/** A wave as the construct resolved it. */
export interface WaveSpec {
  /** The wave's name: a DNS-1123 label, the directory of its root. */
  readonly name: string;
  /** The stage this wave reaches before the next wave leaves the first stage. */
  readonly nextWaveAfter: string;
}

/** The directory of a wave's root, relative to the rollout directory. */
export function waveDirectory(name: string): string {
  return `clusters/${name}`;
}

/** A wave's root kustomization.yaml, relative to the rollout directory. */
export function waveRootFile(name: string): string {
  return `${waveDirectory(name)}/kustomization.yaml`;
}

/**
 * The stage that stands for the whole fleet (plan.json `activeStage`): the stage of the first wave that
 * has not reached the last stage, or the last stage when every wave has.
 */
export function fleetStage(waves: ReadonlyArray<WavePosition>, stages: ReadonlyArray<string>): string {
  return currentWave(waves, stages).activeStage;
}

/** The wave the fleet's stage is of: the one to promote next, or the last wave when every wave is complete. */
export function currentWave<W extends WavePosition>(waves: ReadonlyArray<W>, stages: ReadonlyArray<string>): W {
  return waveToPromote(waves, stages) ?? waves[waves.length - 1];
}

/** The wave a promotion moves when none is named: the first one that has not reached the last stage. */
export function waveToPromote<W extends WavePosition>(waves: ReadonlyArray<W>, stages: ReadonlyArray<string>): W | undefined {
  const last = stages[stages.length - 1];
  return waves.find(w => w.activeStage !== last);
}

/** A wave of `previous` that `kept` leaves out while it is between the first and the last stage. */
export function droppedMidRollout(previous: ReadonlyArray<WavePosition>, kept: ReadonlyArray<{ readonly name: string }>, stages: ReadonlyArray<string>): WavePosition | undefined {
  const names = new Set(kept.map(w => w.name));
  return previous.find(w => !names.has(w.name) && stages.indexOf(w.activeStage) > 0 && stages.indexOf(w.activeStage) < stages.length - 1);
}

/** Blue/green waves at the last stage, whose stable colour is scaled to 0: an abort would leave their Service without pods. */
export function cleanedUpWaves(waves: ReadonlyArray<WavePosition> | undefined, stages: ReadonlyArray<string>, tracksColor: boolean): string[] {
  const last = stages[stages.length - 1];
  return tracksColor && waves !== undefined ? waves.filter(w => w.activeStage === last).map(w => w.name) : [];
}

/** A wave that is past the first stage before the wave ahead of it reached its `nextWaveAfter`. */
export interface WaveOrderViolation {
  readonly wave: string;
  readonly stage: string;
  readonly previous: string;
  readonly previousStage: string;
  readonly needed: string;
}

/**
 * The first wave out of order, or undefined: every wave past the first stage must have the wave ahead
 * of it at or past that wave's `nextWaveAfter` stage.
 */
export function waveOrderViolation(waves: ReadonlyArray<PlanWave | (WavePosition & { nextWaveAfter: string })>, stages: ReadonlyArray<string>): WaveOrderViolation | undefined {
  for (let i = 1; i < waves.length; i++) {
    const w = waves[i];
    const ahead = waves[i - 1];
    if (stages.indexOf(w.activeStage) > 0 && stages.indexOf(ahead.activeStage) < stages.indexOf(ahead.nextWaveAfter)) {
      return { wave: w.name, stage: w.activeStage, previous: ahead.name, previousStage: ahead.activeStage, needed: ahead.nextWaveAfter };
    }
  }
  return undefined;
}

/** The sentence of a wave order violation. */
export function waveOrderText(v: WaveOrderViolation): string {
  return `wave ${JSON.stringify(v.wave)} would be at stage ${JSON.stringify(v.stage)} while the wave before it, ${JSON.stringify(v.previous)}, is at ${JSON.stringify(v.previousStage)}: ` +
    `a wave leaves the first stage only once the wave before it has reached ${JSON.stringify(v.needed)} (its nextWaveAfter); promote ${JSON.stringify(v.previous)} first`;
}

/**
 * The waves of the next state at a synth.
 * @param specs the waves the code declares
 * @param previous the waves of the previous state (none when it had none)
 * @param previousStage the previous state's active stage (a rollout that had no waves: every wave starts there)
 * @param next what the state machine did: `keep` the stages, or move every wave to one stage
 * @param last the last stage, where a wave added to a complete fleet starts
 * @param first the first stage, where a wave added to a fleet mid-rollout starts
 */
export function nextWaves(
  specs: ReadonlyArray<WaveSpec>, previous: ReadonlyArray<WavePosition> | undefined, previousStage: string | undefined,
  next: { keep: true } | { all: string }, first: string, last: string,
): WavePosition[] {
  if ('all' in next) return specs.map(s => ({ name: s.name, activeStage: next.all }));
  const known = new Map((previous ?? []).map(w => [w.name, w.activeStage]));
  const complete = previous !== undefined ? previous.every(w => w.activeStage === last) : previousStage === last;
  return specs.map(s => ({ name: s.name, activeStage: known.get(s.name) ?? (previous === undefined && previousStage !== undefined ? previousStage : complete ? last : first) }));
}

