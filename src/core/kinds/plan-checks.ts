/**
 * Checks of plan.json fields that several kinds share. Pure: they throw the errors `bad` makes.
 */

/** A function that makes the error for a field of plan.json. */
export type BadField = (field: string, what: string) => Error;

/** Each field a non-empty string. */
export function checkStrings(plan: any, fields: string[], bad: BadField): void {
  for (const f of fields) {
    if (typeof plan[f] !== 'string' || plan[f] === '') throw bad(f, 'a non-empty string');
  }
}

/** Each field an integer >= 0. */
export function checkCounts(plan: any, fields: string[], bad: BadField): void {
  for (const f of fields) {
    if (!Number.isInteger(plan[f]) || plan[f] < 0) throw bad(f, 'an integer >= 0');
  }
}

/** The state file sits beside cdk8s.yaml: a relative path to a .json file, nothing else. */
export function checkStateFileField(stateFile: string, bad: BadField): void {
  if (!/^(\.\.\/)*([A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+\.json$/.test(stateFile) || stateFile.split('/').some((p: string) => p === '.')) {
    throw bad('stateFile', 'a relative path to the rollout state .json file, such as "../../rollout-state/web.json"');
  }
}

/** The candidate revision. */
export function checkCandidate(plan: any, bad: BadField): void {
  if (plan.candidate === null || typeof plan.candidate !== 'object' || typeof plan.candidate.revision !== 'string') throw bad('candidate', 'an object with a revision');
}

/** A stage directory inside the tree. */
export function isStageDirectory(d: unknown): boolean {
  return typeof d === 'string' && /^stages\/[0-9]+-[a-z0-9-]+$/.test(d);
}

/** The active stage is one of the stages. */
export function checkActiveStage(plan: any, bad: BadField): void {
  if (!plan.stages.some((s: any) => s.name === plan.activeStage)) {
    throw bad('activeStage', `one of the stages ${plan.stages.map((s: any) => JSON.stringify(s.name)).join(', ')}`);
  }
}
