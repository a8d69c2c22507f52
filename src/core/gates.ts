import { StageGate } from './analysis';
import { AnalysisVerdict, BakeVerdict } from './analysis-verdict';
import { PlanDocumentBase } from './kinds/kind';
import { markdownTable } from './plan-text';
import { show } from './validation';

/**
 * The gates of a rollout's stages in plan.json and PLAN.md, and the one verdict a gate gives from
 * convergence, the bake time and the analyses. Pure: querying Prometheus and reading git are io's.
 */

/** plan.json with the gates, when the rollout has any (a plan without gates is written as before). */
export function withGates<D extends PlanDocumentBase>(plan: D, gates: { [stage: string]: StageGate } | undefined): D {
  if (gates === undefined) return plan;
  return { ...plan, gates: Object.fromEntries(Object.entries(gates).map(([stage, gate]) => [stage, gate.toPlanJson()])) };
}

/**
 * The gates of a committed plan.json, checked.
 * @param bad makes the error for a field
 */
export function parseGates(plan: PlanDocumentBase, bad: (field: string, what: string) => Error): Map<string, StageGate> {
  const raw = plan.gates;
  const out = new Map<string, StageGate>();
  if (raw === undefined) return out;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('gates', 'an object of stage name -> gate');
  const leavable = plan.stages.slice(0, -1).map(s => s.name);
  for (const [stage, data] of Object.entries(raw)) {
    if (!leavable.includes(stage)) throw bad('gates', `keyed by stages the rollout leaves (${leavable.map(s => JSON.stringify(s)).join(', ')}), not ${show(stage)}`);
    try {
      out.set(stage, StageGate.fromPlanJson(data));
    } catch (e) {
      throw bad(`gates.${stage}`, `a gate as the synth writes it (${(e as Error).message})`);
    }
  }
  return out;
}

/** The PLAN.md lines of the gates, empty when there are none. */
export function gatesMarkdown(plan: PlanDocumentBase): string[] {
  const gates = parseGates(plan, (field, what) => new Error(`${field} must be ${what}`));
  if (gates.size === 0) return [];
  const rows: string[][] = [];
  for (const [stage, gate] of gates) {
    const bake = gate.bakeTime ? gate.bakeTime.toString() : 'none';
    if (gate.analyses.length === 0) rows.push([stage, bake, '', '', '', '']);
    for (const a of gate.analyses) {
      rows.push([stage, bake, a.name, `\`${a.query.replace(/\|/g, '\\|')}\``, `every sample ${a.condition.toString()}`, a.sampling.toString()]);
    }
  }
  return [
    'Before a stage is left, it must have converged and pass its gate (`cdk8s-staged gate DIR --live FILE --prometheus URL`, or `cdk8s-staged advance`); the bake time counts from the commit that promoted to the stage:',
    '',
    ...markdownTable(['stage', 'bake time', 'analysis', 'query', 'passes when', 'sampling'], rows),
    '',
  ];
}

/** The verdict of a gate over the analyses too. */
export interface StageGateVerdict {
  /** True when the stage has converged and its gate passes. */
  readonly converged: boolean;
  /** 0 pass, 1 not yet or failed, 2 malformed input or Prometheus unreachable. */
  readonly exitCode: number;
  /** `pass`, `not-yet` or `fail`: a failed analysis is not a "not yet", so CI can abort on it. */
  readonly status: 'pass' | 'not-yet' | 'fail';
  /** Why, in a sentence. */
  readonly reason: string;
  /** The bake time's verdict, when the stage has one. */
  readonly bake?: BakeVerdict;
  /** Each analysis's verdict, in the order declared. */
  readonly analyses: AnalysisVerdict[];
}

/** Combine the bake time and the analyses of a converged stage into one verdict. */
export function combineGate(stage: string, bake: BakeVerdict | undefined, analyses: AnalysisVerdict[]): StageGateVerdict {
  const failed = analyses.filter(a => a.status === 'fail');
  if (failed.length > 0) {
    return { converged: false, exitCode: 1, status: 'fail', reason: `stage ${stage} failed its analysis: ${failed.map(a => a.reason).join('; ')}`, bake, analyses };
  }
  const waiting = analyses.filter(a => a.status === 'not-yet');
  if (bake?.status === 'not-yet' || waiting.length > 0) {
    const why = [...(bake?.status === 'not-yet' ? [bake.reason] : []), ...waiting.map(a => a.reason)];
    return { converged: false, exitCode: 1, status: 'not-yet', reason: `stage ${stage} not yet: ${why.join('; ')}`, bake, analyses };
  }
  const passed = [...(bake ? [bake.reason] : []), ...analyses.map(a => a.reason)];
  return { converged: true, exitCode: 0, status: 'pass', reason: `stage ${stage} passed its gate: ${passed.join('; ')}`, bake, analyses };
}
