import { parseGates } from '../core/gates';
import { PlanDocumentBase, RolloutKind } from '../core/kinds/kind';
import { kindOfPlan } from '../core/kinds/registry';
import { checkPlanWaves } from '../core/wave-plan';

/**
 * `plan.json`: its text, and the check of a committed one. The document types are the kinds' own
 * (`core/kinds/*`); this module reads and writes them.
 */

/** `plan.json` as written: two-space JSON and a final newline. */
export function planJson(plan: object): string {
  return JSON.stringify(plan, undefined, 2) + '\n';
}

/** A checked plan.json and its kind. */
export interface CheckedPlan {
  readonly kind: RolloutKind<any, any>;
  readonly plan: PlanDocumentBase;
}

/**
 * Parse and check a committed plan.json: every field the CLI reads, with the shape the synth writes.
 * @param file the file's path, for messages
 */
export function parsePlanFile(file: string, text: string): CheckedPlan {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): run cdk8s synth to rewrite it`);
  }
  const invalid = (what: string) => new Error(`${file} ${what}: run cdk8s synth to rewrite it`);
  const bad = (field: string, what: string) => invalid(`field ${field} (${JSON.stringify(raw?.[field])}) must be ${what}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('must hold a JSON object');
  if (raw.schemaVersion !== 1) throw bad('schemaVersion', '1');
  const kind = kindOfPlan(raw, bad);
  const plan = kind.checkPlan(raw, bad, invalid);
  parseGates(plan, bad);
  checkPlanWaves(plan, bad);
  return { kind, plan };
}
