import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { renderFromCode } from '../io/code-check';
import { deploymentGateVerdict, gateVerdict } from '../cli/gate';
import { FileToWrite, commitOutputs, settlePendingCommit } from '../io/atomic-write';
import { repositoryRoot } from '../io/paths';
import { withWriteLock } from '../io/write-lock';
import { DeploymentPlanDocument, deploymentPlanTable } from '../render/deployment-plan-doc';
import { parseActiveDirectory } from '../render/kustomization';
import { readCommittedTree } from '../io/read-files';
import { PlanDocument, planTable } from '../render/plan-doc';
import { readStateFile, stateJson } from '../io/state-file';
import { renderDeploymentTree, treeDigest, writePlanFiles } from '../render/tree';
import { toYaml } from '../render/yaml';
import { describeImages } from '../core/revision';
import { Color, otherColor, RolloutState } from '../core/state-machine';
import { blueGreenStages, DeploymentStage, podsOf, rollbackText, stageChanges } from '../core/deployment-layout';

/** A revision of the pod template. */
export interface RevisionSummary {
  /** The revision id (10 hex characters of the template's SHA-256). */
  readonly revision: string;
  /** Container name -> image. */
  readonly images: { [container: string]: string };
}

/** Where a rollout stands. */
export interface RolloutStatus {
  /** The workload name. */
  readonly app: string;
  /** The active stage. */
  readonly activeStage: string;
  /** Its directory, `stages/<NN>-<name>`. */
  readonly activeDirectory: string;
  /** The workload kind: `StatefulSet` or `Deployment`. */
  readonly kind: string;
  /**
   * Its partition (StatefulSets).
   * @default - none: a Deployment rollout has no partition
   */
  readonly partition?: number;
  /** The number of pods. */
  readonly replicas: number;
  /**
   * The pods on the candidate revision once the active stage has converged: pod names for a
   * StatefulSet, `<n> pods of <deployment>` for Deployments.
   */
  readonly updatedPods: string[];
  /** How many pods run the candidate once the active stage has converged. */
  readonly candidatePods: number;
  /**
   * The percentage of the Service's ready endpoints on the candidate (Deployments).
   * @default - none: a StatefulSet's pods are addressed one by one
   */
  readonly candidateTraffic?: number;
  /**
   * The stable revision.
   * @default - unknown (first synth)
   */
  readonly stable?: RevisionSummary;
  /** The candidate revision. */
  readonly candidate: RevisionSummary;
  /** True when `rollout.activeStage` pins the stage in code. */
  readonly pinned: boolean;
  /**
   * The next stage.
   * @default - none: the rollout is complete
   */
  readonly nextStage?: string;
  /**
   * The partition of the next stage.
   * @default - none
   */
  readonly nextPartition?: number;
  /**
   * What the next stage changes: the pods it moves to the candidate (StatefulSet), the replica,
   * template and Service changes (Deployments).
   */
  readonly nextMoves: string[];
}

/** Options of `promote`. */
export interface PromoteOptions {
  /**
   * The stage to move to.
   * @default - the next stage
   */
  readonly to?: string;
  /**
   * Allow skipping stages.
   * @default false
   */
  readonly force?: boolean;
  /**
   * Run the cdk8s app (cdk8s.yaml above the directory) and refuse when the tree it renders differs from
   * the committed one.
   * @default true
   */
  readonly codeCheck?: boolean;
}

/** What a promotion or an abort did. */
export interface ChangeResult {
  /** The stage before. */
  readonly from: string;
  /** The stage after. */
  readonly to: string;
  /**
   * The partition after (StatefulSets).
   * @default - none: a Deployment rollout has no partition
   */
  readonly partition?: number;
  /** The files rewritten, relative to the rollout directory. */
  readonly changedFiles: string[];
  /** What happened, for a person. */
  readonly message: string;
}

/** The gate's verdict on a live StatefulSet. */
export interface GateResult {
  /** True when the active stage has converged. */
  readonly converged: boolean;
  /** 0 converged, 1 not yet, 2 malformed input. */
  readonly exitCode: number;
  /** Why. */
  readonly reason: string;
}

/**
 * A committed rollout directory (`plan.json`, the root `kustomization.yaml`, the stages) and its state
 * file: the operations of the `cdk8s-staged` command, as a library.
 *
 * Opening checks that the tree is the one last written (the root selects the stage plan.json names and
 * the files hash to the digest in the state file); every operation refuses, with a message and without
 * touching a file, when it cannot act safely.
 */
export class RolloutDirectory {
  /**
   * Open a rollout directory.
   * @param directory the directory with plan.json, such as `dist/web`
   */
  public static open(directory: string): RolloutDirectory {
    const dir = path.resolve(directory);
    // a writer killed mid-commit left a journal: settle it first, so the tree and state are whole
    settlePendingCommit(dir);
    const planFile = path.join(dir, 'plan.json');
    if (!fs.existsSync(planFile)) {
      throw new Error(`${directory} is not a rollout directory: it has no plan.json (expected the directory cdk8s synth wrote for a StatefulApp with a rollout, such as dist/web)`);
    }
    let plan: PlanDocument | DeploymentPlanDocument;
    try {
      plan = JSON.parse(fs.readFileSync(planFile, 'utf-8'));
    } catch (e) {
      throw new Error(`${planFile} is not valid JSON (${(e as Error).message}): run cdk8s synth to rewrite it`);
    }
    if ((plan as any)?.kind === 'Deployment') {
      checkDeploymentPlan(planFile, plan);
    } else {
      checkPlan(planFile, plan);
    }
    const rootFile = path.join(dir, 'kustomization.yaml');
    // a CRLF checkout (core.autocrlf) is judged by the digest below, which tolerates it
    const rootText = fs.existsSync(rootFile) ? fs.readFileSync(rootFile, 'utf-8').replace(/\r\n/g, '\n') : '';
    const selected = parseActiveDirectory(rootText);
    const active = (plan.stages as Array<{ name: string; directory: string }>).find(s => s.name === plan.activeStage)!;
    if (selected !== active.directory) {
      throw new Error(`${rootFile} selects ${JSON.stringify(selected ?? null)} but plan.json says the active stage is ${JSON.stringify(plan.activeStage)} (${active.directory}): the tree was edited by hand; restore it from git or run cdk8s synth`);
    }
    const stateFile = path.resolve(dir, plan.stateFile);
    const state = readStateFile(stateFile);
    if (!state) {
      throw new Error(`the rollout state ${stateFile} named by plan.json stateFile (${JSON.stringify(plan.stateFile)}) does not exist: restore it from git or run cdk8s synth`);
    }
    if (state.activeStage !== plan.activeStage || state.app !== plan.app) {
      throw new Error(`the rollout state ${stateFile} (app ${JSON.stringify(state.app)}, stage ${JSON.stringify(state.activeStage)}) does not match plan.json (app ${JSON.stringify(plan.app)}, stage ${JSON.stringify(plan.activeStage)}): run cdk8s synth`);
    }
    const files = readCommittedTree(dir, directory, state.treeDigest, stateFile);
    return new RolloutDirectory(dir, plan, state, stateFile, files);
  }

  /** The absolute path of the rollout directory. */
  public readonly directory: string;
  private readonly plan: PlanDocument | DeploymentPlanDocument;
  private readonly state: RolloutState;
  private readonly stateFile: string;
  private readonly files: { [file: string]: string };

  private constructor(directory: string, plan: PlanDocument | DeploymentPlanDocument, state: RolloutState, stateFile: string, files: { [file: string]: string }) {
    this.directory = directory;
    this.plan = plan;
    this.state = state;
    this.stateFile = stateFile;
    this.files = files;
  }

  /** The plan table as in PLAN.md (Markdown). */
  public planTable(): string {
    const plan = this.plan;
    return (plan.kind === 'Deployment' ? deploymentPlanTable(plan as DeploymentPlanDocument) : planTable(plan as PlanDocument)).join('\n') + '\n';
  }

  /** The stage names, first to last. */
  public get stageNames(): string[] {
    return (this.plan.stages as Array<{ name: string }>).map(s => s.name);
  }

  /** Where the rollout stands and what the next stage changes. */
  public status(): RolloutStatus {
    const common = {
      app: this.plan.app,
      kind: this.plan.kind,
      replicas: this.plan.replicas,
      stable: this.plan.stable ?? undefined,
      candidate: this.plan.candidate,
      pinned: this.plan.pinned,
    };
    const dp = this.deploymentPlan();
    if (dp) {
      const active = dp.stages.find(s => s.name === dp.activeStage)!;
      const next = dp.stages[active.index + 1];
      return {
        ...common,
        activeStage: active.name,
        activeDirectory: active.directory,
        updatedPods: podsOf(active, 'candidate'),
        candidatePods: active.candidatePods,
        candidateTraffic: active.candidateTraffic,
        nextStage: next?.name,
        nextMoves: next ? stageChanges(active, next) : [],
      };
    }
    const plan = this.plan as PlanDocument;
    const active = plan.stages.find(s => s.name === plan.activeStage)!;
    const next = plan.stages[active.index + 1];
    return {
      ...common,
      activeStage: active.name,
      activeDirectory: active.directory,
      partition: active.partition,
      updatedPods: active.updatedPods,
      candidatePods: active.updatedPods.length,
      nextStage: next?.name,
      nextPartition: next?.partition,
      nextMoves: next ? next.updatedPods.filter(p => !active.updatedPods.includes(p)) : [],
    };
  }

  /**
   * Move the active stage forward: one line of the root kustomization.yaml changes, and plan.json,
   * PLAN.md and the state file follow. Refuses to move back, past the last stage, to skip stages without
   * `force`, to move a stage pinned in code, and (unless `codeCheck` is false) to act on a tree the code
   * would no longer produce.
   */
  public promote(options: PromoteOptions = {}): ChangeResult {
    const stages = this.plan.stages as Array<{ name: string; index: number }>;
    const active = stages.find(s => s.name === this.plan.activeStage)!;
    if (this.plan.pinned) {
      throw new Error(`the active stage of ${this.plan.app} is pinned in code (rollout.activeStage = ${JSON.stringify(active.name)}): change the pin in code and run cdk8s synth instead`);
    }
    const complete = stages[stages.length - 1];
    if (active.name === complete.name) {
      throw new Error(`the rollout of ${this.plan.app} is complete (stage ${JSON.stringify(complete.name)}): there is no stage to promote to`);
    }
    const target = options.to === undefined ? stages[active.index + 1] : stages.find(s => s.name === options.to);
    if (!target) {
      throw new Error(`--to (${JSON.stringify(options.to)}) is not a stage of ${this.plan.app}: ${stages.map(s => JSON.stringify(s.name)).join(', ')}`);
    }
    const dp = this.deploymentPlan();
    if (target.index <= active.index) {
      throw new Error(`--to (${JSON.stringify(target.name)}) is not after the active stage ${JSON.stringify(active.name)}: promote only moves forward${dp ? '' : ' (lowering the partition); raising it never rolls a pod back'}, use abort to go back`);
    }
    if (target.index > active.index + 1 && !options.force) {
      const skipped = stages.slice(active.index + 1, target.index).map(s => s.name);
      throw new Error(`promoting ${this.plan.app} from ${JSON.stringify(active.name)} to ${JSON.stringify(target.name)} skips ${skipped.map(s => JSON.stringify(s)).join(', ')}: pass --force to skip stages`);
    }
    if (options.codeCheck ?? true) {
      this.checkAgainstCode();
    }
    let note: string;
    let partition: number | undefined;
    if (dp) {
      const changes = stageChanges(dp.stages[active.index], dp.stages[target.index]);
      note = `Promoted from ${active.name} to ${target.name}: ${changes.length > 0 ? changes.join(', ') : 'nothing changes'}.`;
    } else {
      const plan = this.plan as PlanDocument;
      const from = plan.stages[active.index];
      const to = plan.stages[target.index];
      const moves = to.updatedPods.filter(p => !from.updatedPods.includes(p));
      note = `Promoted from ${from.name} to ${to.name} (partition ${from.partition} -> ${to.partition}): ${moves.length > 0 ? `${moves.join(', ')} ${moves.length === 1 ? 'moves' : 'move'} to candidate ${plan.candidate.revision}` : 'no pod moves'}.`;
      partition = to.partition;
    }
    const plan = { ...this.plan, activeStage: target.name, notes: [note] } as PlanDocument | DeploymentPlanDocument;
    const changed = this.commit(plan, { ...this.state, activeStage: target.name, notes: [note] }, new Map());
    return { from: active.name, to: target.name, partition, changedFiles: changed, message: note };
  }

  /**
   * Abort from the tree alone: put the stable template back and select the last stage, so the pods on
   * the candidate go back to the stable revision (a StatefulSet: partition 0 rolls them back, raising
   * the partition would not move them; a canary: the canary scales to 0; blue/green: the Service goes
   * back to the stable colour). Refuses when there is no stable revision, when the rollout is already
   * complete, or when the stage is pinned in code; the message then says what to change in code.
   * Afterwards, revert the template in code too, or the next synth stages the candidate again at hold.
   */
  public abort(): ChangeResult {
    const stages = this.plan.stages as Array<{ name: string; index: number }>;
    const active = stages.find(s => s.name === this.plan.activeStage)!;
    const app = this.plan.app;
    if (this.plan.pinned) {
      throw new Error(`the active stage of ${app} is pinned in code (rollout.activeStage = ${JSON.stringify(active.name)}): to abort, set the template back to the stable revision in code, remove the pin and run cdk8s synth`);
    }
    const stable = this.state.stable;
    if (!stable) {
      throw new Error(`${app} has no stable revision to go back to (the first synth recorded none): change the template in code and run cdk8s synth`);
    }
    const complete = stages[stages.length - 1];
    if (active.name === complete.name) {
      throw new Error(`the rollout of ${app} is complete: every pod runs candidate ${this.plan.candidate.revision}; to go back, set the template in code to the stable revision ${stable.revision} (${describeImages(stable.images)}) and run cdk8s synth, which starts a new rollout at hold`);
    }
    const dp = this.deploymentPlan();
    const pods = dp ? podsOf(dp.stages[active.index], 'candidate') : (this.plan as PlanDocument).stages[active.index].updatedPods;
    const revert = 'Revert the template in code too, or the next synth stages the candidate again at hold.';
    const note = pods.length > 0
      ? `Aborted: candidate ${this.plan.candidate.revision} (${describeImages(this.plan.candidate.images)}) was at stage ${active.name}. The template is back at the stable revision ${stable.revision} and ${dp ? rollbackText(dp.layout, dp.candidateColor ?? 'blue', pods) : `partition 0 rolls ${pods.join(', ')} back to it`}. ${revert}`
      : `Aborted at ${active.name}: no pod had moved to candidate ${this.plan.candidate.revision}; the template is back at the stable revision ${stable.revision}. ${revert}`;
    const candidate = { revision: stable.revision, images: stable.images };
    const lastAbort = { candidate: this.plan.candidate.revision, images: this.plan.candidate.images, stage: active.name, pods };
    let plan: PlanDocument | DeploymentPlanDocument;
    let files: Map<string, string>;
    let color: { candidateColor?: Color } = {};
    if (dp) {
      // blue/green: the stable colour runs the (restored) candidate again
      const flipped: Color | null = dp.candidateColor === null ? null : otherColor(dp.candidateColor);
      const stagesAfter: DeploymentStage[] = flipped === null ? dp.stages : blueGreenStages(dp.layout, flipped);
      plan = { ...dp, activeStage: complete.name, candidate, candidateColor: flipped, notes: [note], stages: stagesAfter };
      files = renderDeploymentTree(plan, this.baseObjects(), stable.template, stable.template);
      color = flipped === null ? {} : { candidateColor: flipped };
    } else {
      const stsFile = `base/${this.plan.kind.toLowerCase()}-${app}.yaml`;
      const sts = parse(this.files[stsFile] ?? '');
      if (!sts || sts.kind !== this.plan.kind) {
        throw new Error(`${stsFile} is missing from ${this.directory}: restore the tree from git or run cdk8s synth`);
      }
      sts.spec.template = stable.template;
      plan = { ...(this.plan as PlanDocument), activeStage: complete.name, candidate, notes: [note] };
      files = new Map([[stsFile, toYaml(sts)]]);
    }
    const state: RolloutState = { ...this.state, activeStage: complete.name, candidate: stable, lastAbort, ...color, notes: [note] };
    const changed = this.commit(plan, state, files);
    const partition = dp ? undefined : (this.plan as PlanDocument).stages[complete.index].partition;
    return { from: active.name, to: complete.name, partition, changedFiles: changed, message: note };
  }

  /**
   * Judge the live workload against the active stage: for a StatefulSet the output of
   * `kubectl get statefulset NAME -o json`; for Deployments a List of both Deployments (and optionally
   * the Services), `kubectl get deployment A B -o json`.
   * @param liveJson the JSON text
   */
  public gate(liveJson: string): GateResult {
    const dp = this.deploymentPlan();
    return dp ? deploymentGateVerdict(dp, liveJson) : gateVerdict(this.plan as PlanDocument, liveJson);
  }

  private deploymentPlan(): DeploymentPlanDocument | undefined {
    return this.plan.kind === 'Deployment' ? this.plan as DeploymentPlanDocument : undefined;
  }

  /** The objects of the committed base, in the order of base/kustomization.yaml. */
  private baseObjects(): any[] {
    const resources: unknown = parse(this.files['base/kustomization.yaml'] ?? '')?.resources;
    if (!Array.isArray(resources) || resources.some(r => typeof r !== 'string' || this.files[`base/${r}`] === undefined)) {
      throw new Error(`${path.join(this.directory, 'base/kustomization.yaml')} does not list the base objects: restore the tree from git or run cdk8s synth`);
    }
    return resources.map(r => parse(this.files[`base/${r}`]));
  }

  private checkAgainstCode(): void {
    const fromCode = renderFromCode(this.directory);
    const differing = [...new Set([...Object.keys(fromCode), ...Object.keys(this.files)])]
      .filter(f => fromCode[f] !== this.files[f]).sort();
    if (differing.length > 0) {
      throw new Error(`the tree in ${this.directory} is stale against the code: cdk8s synth would change ${differing.join(', ')}; run cdk8s synth, review and commit, then promote`);
    }
  }

  /**
   * Rewrite the plan files (and `extra` files) and the state file with one commit, holding the write
   * lock of the repository; under the lock the tree and state are read again, and a change since `open`
   * (another promote, abort or synth) is refused instead of being overwritten.
   */
  private commit(plan: PlanDocument | DeploymentPlanDocument, state: RolloutState, extra: Map<string, string>): string[] {
    const next = new Map(Object.entries(this.files));
    for (const [file, content] of extra) next.set(file, content);
    writePlanFiles(next, plan);
    const changed = [...next.keys()].filter(f => next.get(f) !== this.files[f]).sort();
    const files: FileToWrite[] = changed.map(f => ({ path: path.join(this.directory, f), content: next.get(f)!, within: this.directory }));
    files.push({ path: this.stateFile, content: stateJson({ ...state, treeDigest: treeDigest(next), files: [...next.keys()].sort() }) });
    const root = repositoryRoot([this.directory, this.stateFile]);
    withWriteLock(root, () => {
      const now = readStateFile(this.stateFile);
      const raced = new Error(`the rollout ${this.plan.app} in ${this.directory} changed after it was opened (another promote, abort or synth wrote it): nothing was written; look at the new state and run the command again`);
      if (!now || stateJson(now) !== stateJson(this.state)) throw raced;
      try {
        readCommittedTree(this.directory, this.directory, this.state.treeDigest, this.stateFile);
      } catch {
        throw raced;
      }
      commitOutputs({ root, trees: [], files });
    });
    return changed;
  }
}

function checkPlan(file: string, plan: any): void {
  const bad = (field: string, what: string) => new Error(`${file} field ${field} (${JSON.stringify(plan?.[field])}) must be ${what}: run cdk8s synth to rewrite it`);
  if (plan === null || typeof plan !== 'object') throw new Error(`${file} must hold a JSON object: run cdk8s synth to rewrite it`);
  if (plan.schemaVersion !== 1) throw bad('schemaVersion', '1');
  for (const f of ['app', 'kind', 'activeStage', 'stateFile', 'serviceName']) {
    if (typeof plan[f] !== 'string' || plan[f] === '') throw bad(f, 'a non-empty string');
  }
  checkStateFileField(plan.stateFile, bad);
  for (const f of ['replicas', 'ordinalsStart']) {
    if (!Number.isInteger(plan[f]) || plan[f] < 0) throw bad(f, 'an integer >= 0');
  }
  if (!Array.isArray(plan.stages) || plan.stages.length < 2) throw bad('stages', 'a list of at least two stages (hold and complete)');
  if (!Array.isArray(plan.podOrdinals) || plan.podOrdinals.length !== plan.replicas || !plan.podOrdinals.every((o: unknown) => Number.isInteger(o))) {
    throw bad('podOrdinals', `a list of ${plan.replicas} ordinals (one per replica)`);
  }
  if (!Array.isArray(plan.previewNotes) || !Array.isArray(plan.notes)) throw bad('notes', 'a list of strings');
  if (plan.apiVersion !== 'apps/v1' && plan.apiVersion !== 'apps.kruise.io/v1beta1') throw bad('apiVersion', '"apps/v1" or "apps.kruise.io/v1beta1"');
  if (plan.candidate === null || typeof plan.candidate !== 'object' || typeof plan.candidate.revision !== 'string') throw bad('candidate', 'an object with a revision');
  plan.stages.forEach((s: any, i: number) => {
    const ok = s && typeof s.name === 'string' && typeof s.directory === 'string' && /^stages\/[0-9]+-[a-z0-9-]+$/.test(s.directory) &&
      Number.isInteger(s.partition) && s.index === i && Array.isArray(s.updatedOrdinals) && Array.isArray(s.updatedPods);
    if (!ok) throw new Error(`${file} stages[${i}] (${JSON.stringify(s)}) must have index ${i}, a name, a directory "stages/<NN>-<name>" inside the tree, a partition and the updated pods: run cdk8s synth to rewrite it`);
    if (i > 0 && s.partition >= plan.stages[i - 1].partition) {
      throw new Error(`${file} stages[${i}].partition (${s.partition}) must be lower than stages[${i - 1}].partition (${plan.stages[i - 1].partition}): run cdk8s synth to rewrite it`);
    }
  });
  if (!plan.stages.some((s: any) => s.name === plan.activeStage)) {
    throw bad('activeStage', `one of the stages ${plan.stages.map((s: any) => JSON.stringify(s.name)).join(', ')}`);
  }
}

/** The state file sits beside cdk8s.yaml: a relative path to a .json file, nothing else. */
function checkStateFileField(stateFile: string, bad: (field: string, what: string) => Error): void {
  if (!/^(\.\.\/)*([A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+\.json$/.test(stateFile) || stateFile.split('/').some((p: string) => p === '.')) {
    throw bad('stateFile', 'a relative path to the rollout state .json file, such as "../../rollout-state/web.json"');
  }
}

/** plan.json of a Deployment rollout: every field the CLI reads, with the shape the synth writes. */
function checkDeploymentPlan(file: string, plan: any): void {
  const bad = (field: string, what: string) => new Error(`${file} field ${field} (${JSON.stringify(plan?.[field])}) must be ${what}: run cdk8s synth to rewrite it`);
  if (plan.schemaVersion !== 1) throw bad('schemaVersion', '1');
  if (plan.apiVersion !== 'apps/v1') throw bad('apiVersion', '"apps/v1"');
  for (const f of ['app', 'activeStage', 'stateFile', 'serviceName']) {
    if (typeof plan[f] !== 'string' || plan[f] === '') throw bad(f, 'a non-empty string');
  }
  checkStateFileField(plan.stateFile, bad);
  if (!Number.isInteger(plan.replicas) || plan.replicas < 0) throw bad('replicas', 'an integer >= 0');
  if (plan.style !== 'canary' && plan.style !== 'blueGreen') throw bad('style', '"canary" or "blueGreen"');
  const l = plan.layout;
  const names = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(x => typeof x === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(x));
  if (l === null || typeof l !== 'object' || l.style !== plan.style || l.replicas !== plan.replicas || typeof l.label !== 'string' ||
    !names(l.deployments) || !names(l.labelValues) || l.service !== plan.serviceName) {
    throw bad('layout', 'the layout the synth wrote (style, replicas, label, two deployments and their label values, the service)');
  }
  if (plan.style === 'blueGreen' && plan.candidateColor !== 'blue' && plan.candidateColor !== 'green') throw bad('candidateColor', '"blue" or "green"');
  if (plan.style === 'canary' && plan.candidateColor !== null) throw bad('candidateColor', 'null for a canary');
  if (plan.candidate === null || typeof plan.candidate !== 'object' || typeof plan.candidate.revision !== 'string') throw bad('candidate', 'an object with a revision');
  if (!Array.isArray(plan.notes)) throw bad('notes', 'a list of strings');
  if (!Array.isArray(plan.stages) || plan.stages.length < 2) throw bad('stages', 'a list of at least two stages');
  plan.stages.forEach((s: any, i: number) => {
    const deploymentsOk = Array.isArray(s?.deployments) && s.deployments.length === 2 && s.deployments.every((d: any, j: number) =>
      d && d.name === l.deployments[j] && Number.isInteger(d.replicas) && d.replicas >= 0 && (d.runs === 'stable' || d.runs === 'candidate') && typeof d.rolls === 'boolean');
    const ok = s && typeof s.name === 'string' && s.index === i && typeof s.directory === 'string' && /^stages\/[0-9]+-[a-z0-9-]+$/.test(s.directory) &&
      deploymentsOk && Array.isArray(s.services) && s.services.every((v: any) => v && typeof v.name === 'string' && Array.isArray(v.selects)) &&
      Number.isInteger(s.candidatePods) && Number.isInteger(s.stablePods) && typeof s.candidateTraffic === 'number';
    if (!ok) throw new Error(`${file} stages[${i}] (${JSON.stringify(s)}) must have index ${i}, a name, a directory "stages/<NN>-<name>" inside the tree, the replicas of ${l.deployments.join(' and ')} and the Services: run cdk8s synth to rewrite it`);
  });
  if (!plan.stages.some((s: any) => s.name === plan.activeStage)) {
    throw bad('activeStage', `one of the stages ${plan.stages.map((s: any) => JSON.stringify(s.name)).join(', ')}`);
  }
}
