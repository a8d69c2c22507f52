import { PlanDocumentBase } from './kinds/kind';
import { markdownTable } from './plan-text';
import { PlanWave, WavePosition } from './state';
import { isDnsLabel, show } from './validation';
import { fleetStage, waveDirectory, WaveSpec, waveToPromote } from './waves';

/** The waves in plan.json and PLAN.md (the rules are `waves.ts`). Pure. */

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

/** The stage fields of the state file from a plan: the active stage, and the waves when it has them. */
export function stateStageFields(plan: PlanDocumentBase): { activeStage: string; waves?: WavePosition[] } {
  return plan.waves === undefined
    ? { activeStage: plan.activeStage }
    : { activeStage: plan.activeStage, waves: plan.waves.map(w => ({ name: w.name, activeStage: w.activeStage })) };
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
    if (!isDnsLabel(w.name) || seen.has(w.name)) {
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
