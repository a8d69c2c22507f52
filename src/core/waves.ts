import { PlanDocumentBase } from './kinds/kind';
import { markdownTable } from './plan-text';
import { PlanWave, WavePosition } from './state';
import { show } from './validation';

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
  const last = stages[stages.length - 1];
  return (waves.find(w => w.activeStage !== last) ?? waves[waves.length - 1]).activeStage;
}

/** The wave a promotion moves when none is named: the first one that has not reached the last stage. */
export function waveToPromote(waves: ReadonlyArray<WavePosition>, stages: ReadonlyArray<string>): WavePosition | undefined {
  const last = stages[stages.length - 1];
  return waves.find(w => w.activeStage !== last);
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
export function nextWaves(specs: ReadonlyArray<WaveSpec>, previous: ReadonlyArray<WavePosition> | undefined, previousStage: string | undefined, next: { keep: true } | { all: string }, first: string, last: string): WavePosition[] {
  if ('all' in next) return specs.map(s => ({ name: s.name, activeStage: next.all }));
  const known = new Map((previous ?? []).map(w => [w.name, w.activeStage]));
  const complete = previous !== undefined ? previous.every(w => w.activeStage === last) : previousStage === last;
  return specs.map(s => ({ name: s.name, activeStage: known.get(s.name) ?? (previous === undefined && previousStage !== undefined ? previousStage : complete ? last : first) }));
}

/** plan.json with the waves and the fleet's stage, when the rollout has waves (a plan without waves is written as before). */
export function withWaves<D extends PlanDocumentBase>(plan: D, specs: ReadonlyArray<WaveSpec> | undefined, positions: ReadonlyArray<WavePosition> | undefined): D {
  if (specs === undefined || positions === undefined) return plan;
  const at = new Map(positions.map(p => [p.name, p.activeStage]));
  const waves: PlanWave[] = specs.map(s => ({ name: s.name, activeStage: at.get(s.name)!, nextWaveAfter: s.nextWaveAfter, directory: waveDirectory(s.name) }));
  return { ...plan, waves };
}

/** The plan with every wave moved to one stage (an abort: every wave to the last stage). */
export function allWavesAt<D extends PlanDocumentBase>(plan: D, stage: string): D {
  if (plan.waves === undefined) return { ...plan, activeStage: stage };
  return { ...plan, activeStage: stage, waves: plan.waves.map(w => ({ ...w, activeStage: stage })) };
}

/** The plan with one wave moved; the fleet's stage follows. */
export function waveMoved<D extends PlanDocumentBase>(plan: D, wave: string, stage: string): D {
  const waves = plan.waves!.map(w => (w.name === wave ? { ...w, activeStage: stage } : w));
  return { ...plan, waves, activeStage: fleetStage(waves, plan.stages.map(s => s.name)) };
}

/**
 * Check the `waves` field of a committed plan.json.
 * @param bad makes the error for a field
 */
export function checkPlanWaves(plan: PlanDocumentBase, bad: (field: string, what: string) => Error): void {
  const raw: unknown = plan.waves;
  if (raw === undefined) return;
  const stages = plan.stages.map(s => s.name);
  const stageList = stages.map(s => JSON.stringify(s)).join(', ');
  if (!Array.isArray(raw) || raw.length === 0) throw bad('waves', 'a list of waves as the synth writes them');
  const seen = new Set<string>();
  raw.forEach((w: any, i) => {
    if (w === null || typeof w !== 'object' || Array.isArray(w)) throw bad('waves', `a list of objects; waves[${i}] is ${show(w)}`);
    const extra = Object.keys(w).filter(k => !['name', 'activeStage', 'nextWaveAfter', 'directory'].includes(k));
    if (extra.length > 0) throw bad('waves', `waves with only name, activeStage, nextWaveAfter and directory; waves[${i}] has ${extra.join(', ')}`);
    if (typeof w.name !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(w.name) || seen.has(w.name)) {
      throw bad('waves', `waves with distinct names, each a DNS-1123 label; waves[${i}].name is ${show(w.name)}`);
    }
    seen.add(w.name);
    if (!stages.includes(w.activeStage)) throw bad('waves', `waves at stages of the plan (${stageList}); waves[${i}].activeStage is ${show(w.activeStage)}`);
    if (!stages.includes(w.nextWaveAfter)) throw bad('waves', `waves whose nextWaveAfter is a stage of the plan (${stageList}); waves[${i}].nextWaveAfter is ${show(w.nextWaveAfter)}`);
    if (w.directory !== waveDirectory(w.name)) throw bad('waves', `waves whose directory is clusters/<name>; waves[${i}].directory is ${show(w.directory)}`);
  });
  const expected = fleetStage(raw, stages);
  if (plan.activeStage !== expected) throw bad('activeStage', `the stage of the first wave that is not complete (${JSON.stringify(expected)}) in a plan with waves`);
}

/** The PLAN.md lines of the waves: waves x stages, the stage each root selects. */
export function wavesMarkdown(plan: PlanDocumentBase): string[] {
  const waves = plan.waves;
  if (waves === undefined) return [];
  const header = ['wave', 'root', ...plan.stages.map(s => `\`${s.name}\``), 'next wave after'];
  const rows = waves.map((w, i) => [
    `**${w.name}**`,
    `\`${w.directory}/\``,
    ...plan.stages.map(s => (s.name === w.activeStage ? '**active**' : plan.stages.findIndex(o => o.name === w.activeStage) > s.index ? 'done' : '')),
    i === waves.length - 1 ? '(last wave)' : `\`${w.nextWaveAfter}\``,
  ]);
  const next = waveToPromote(waves, plan.stages.map(s => s.name));
  const lines = [
    '## Waves',
    '',
    'Each wave applies its own root, `clusters/<wave>/kustomization.yaml`, which selects the wave\'s stage. ' +
      'A wave leaves the first stage only once the wave before it has reached its "next wave after" stage. ' +
      'Promote one wave at a time: `cdk8s-staged promote <dir> --wave <wave>`, or change the line of that wave\'s root.',
    '',
    ...markdownTable(header, rows),
    '',
    next === undefined ? 'Every wave has reached the last stage.' : `Next to promote: wave **${next.name}** (at \`${next.activeStage}\`).`,
    '',
  ];
  return lines;
}
