import * as fs from 'fs';
import * as path from 'path';
import { PlanDocumentBase, RolloutKind } from '../core/kinds/kind';
import { podList } from '../core/pods';
import { hasOwn } from '../core/validation';
import { abortNote, orRefuse, promotionNote } from '../core/messages';
import { otherColor, RevisionSummary, RolloutState } from '../core/state';
import { abortTransition, CommittedRollout, promoteTransition } from '../core/state-machine';
import { FileToWrite, writeAtomically } from '../io/atomic-write';
import { renderFromCode } from '../io/code-check';
import { readFiles } from '../io/read-files';
import { isInside, repositoryRoot } from '../io/repository';
import { readStateFile } from '../io/state-store';
import { parseActiveDirectory } from '../model/kustomization';
import { parsePlanFile } from '../model/plan-file';
import { stateJson } from '../model/state-file';
import { renderTree, treeDigest, writePlanFiles } from '../render/tree';
import { parseYaml as parse } from '../render/yaml';

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
 * file: the operations of the `cdk8s-staged` command, as a library. Every operation goes through the
 * rollout's kind (`core/kinds`) and the state machine (`core/state-machine`), the same as a synth.
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
    const planFile = path.join(dir, 'plan.json');
    if (!fs.existsSync(planFile)) {
      throw new Error(`${directory} is not a rollout directory: it has no plan.json (expected the directory cdk8s synth wrote for a StatefulApp with a rollout, such as dist/web)`);
    }
    const { kind, plan } = parsePlanFile(planFile, fs.readFileSync(planFile, 'utf-8'));
    const rootFile = path.join(dir, 'kustomization.yaml');
    const rootText = fs.existsSync(rootFile) ? fs.readFileSync(rootFile, 'utf-8') : '';
    const selected = parseActiveDirectory(rootText);
    const active = plan.stages.find(s => s.name === plan.activeStage)!;
    if (selected !== active.directory) {
      throw new Error(`${rootFile} selects ${JSON.stringify(selected ?? null)} but plan.json says the active stage is ${JSON.stringify(plan.activeStage)} (${active.directory}): the tree was edited by hand; restore it from git or run cdk8s synth`);
    }
    const stateFile = path.resolve(dir, plan.stateFile);
    const root = repositoryRoot(dir);
    if (root !== undefined && !isInside(root, stateFile)) {
      throw new Error(`${planFile} field stateFile (${JSON.stringify(plan.stateFile)}) leaves the repository ${root}: the rollout state lives beside cdk8s.yaml; run cdk8s synth to rewrite it`);
    }
    const state = readStateFile(stateFile);
    if (!state) {
      throw new Error(`the rollout state ${stateFile} named by plan.json stateFile (${JSON.stringify(plan.stateFile)}) does not exist: restore it from git or run cdk8s synth`);
    }
    if (state.activeStage !== plan.activeStage || state.app !== plan.app) {
      throw new Error(`the rollout state ${stateFile} (app ${JSON.stringify(state.app)}, stage ${JSON.stringify(state.activeStage)}) does not match plan.json (app ${JSON.stringify(plan.app)}, stage ${JSON.stringify(plan.activeStage)}): run cdk8s synth`);
    }
    const files = readFiles(dir);
    const digest = treeDigest(files);
    if (digest !== state.treeDigest) {
      throw new Error(`the tree in ${directory} is not the one last written (its digest ${digest} is not ${state.treeDigest} in ${stateFile}): files were edited, added or removed by hand; restore them from git or run cdk8s synth`);
    }
    return new RolloutDirectory(dir, kind, plan, state, stateFile, files);
  }

  /** The absolute path of the rollout directory. */
  public readonly directory: string;
  private readonly kind: RolloutKind<any, any>;
  private readonly plan: PlanDocumentBase;
  private readonly state: RolloutState;
  private readonly stateFile: string;
  private readonly files: { [file: string]: string };

  private constructor(directory: string, kind: RolloutKind<any, any>, plan: PlanDocumentBase, state: RolloutState, stateFile: string, files: { [file: string]: string }) {
    this.directory = directory;
    this.kind = kind;
    this.plan = plan;
    this.state = state;
    this.stateFile = stateFile;
    this.files = files;
  }

  /** The plan table as in PLAN.md (Markdown). */
  public planTable(): string {
    return this.kind.planSection(this.plan).table.join('\n') + '\n';
  }

  /** The stage names, first to last. */
  public get stageNames(): string[] {
    return this.plan.stages.map(s => s.name);
  }

  /** Where the rollout stands and what the next stage changes. */
  public status(): RolloutStatus {
    const plan = this.plan;
    const index = this.activeIndex();
    const active = this.kind.stageView(plan, index);
    const next = index + 1 < plan.stages.length ? this.kind.stageView(plan, index + 1) : undefined;
    const detail = next ? this.kind.promotion(plan, index, index + 1) : undefined;
    return {
      app: plan.app,
      kind: plan.kind,
      replicas: plan.replicas,
      stable: plan.stable ?? undefined,
      candidate: plan.candidate,
      pinned: plan.pinned,
      activeStage: active.name,
      activeDirectory: active.directory,
      partition: active.partition,
      updatedPods: podList(active.candidate),
      candidatePods: active.candidatePods,
      candidateTraffic: active.candidateTraffic,
      nextStage: next?.name,
      nextPartition: next?.partition,
      nextMoves: detail === undefined ? [] : detail.type === 'partition' ? detail.moves : detail.changes,
    };
  }

  /**
   * Move the active stage forward: one line of the root kustomization.yaml changes, and plan.json,
   * PLAN.md and the state file follow. Refuses to move back, past the last stage, to skip stages without
   * `force`, to move a stage pinned in code, and (unless `codeCheck` is false) to act on a tree the code
   * would no longer produce.
   */
  public promote(options: PromoteOptions = {}): ChangeResult {
    const plan = this.plan;
    const step = orRefuse(promoteTransition(this.committed(), { to: options.to, force: options.force }), plan.app, this.prose());
    if (options.codeCheck ?? true) {
      this.checkAgainstCode();
    }
    const from = plan.stages[step.from];
    const to = plan.stages[step.to];
    const note = promotionNote(from.name, to.name, this.kind.promotion(plan, step.from, step.to), plan.candidate.revision);
    const next = { ...plan, activeStage: to.name, notes: [note] };
    const changed = this.commit(next, { ...this.state, activeStage: to.name, notes: [note] }, new Map());
    return { from: from.name, to: to.name, partition: this.kind.stageView(plan, step.to).partition, changedFiles: changed, message: note };
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
    const plan = this.plan;
    const step = orRefuse(abortTransition(this.committed()), plan.app, this.prose());
    const stable = step.stable;
    const from = plan.stages[step.from];
    const pods = this.kind.stageView(plan, step.from).candidate;
    const note = abortNote(plan.candidate, from.name, stable.revision, pods, this.prose(), true);
    const lastAbort = { candidate: plan.candidate.revision, images: plan.candidate.images, stage: from.name, pods: podList(pods) };
    const next = this.kind.aborted(plan, { revision: stable.revision, images: stable.images }, note);
    const objects = this.baseObjects();
    if (this.kind.templateOf(this.kind.layoutOf(plan), objects) === undefined) {
      throw new Error(`the workload ${plan.app} is missing from ${path.join(this.directory, 'base')}: restore the tree from git or run cdk8s synth`);
    }
    const files = renderTree(this.kind, next, objects, stable.template, stable.template);
    // blue/green: the stable colour runs the (restored) candidate again
    const color = this.state.candidateColor !== undefined ? { candidateColor: otherColor(this.state.candidateColor) } : {};
    const state: RolloutState = { ...this.state, activeStage: next.activeStage, candidate: stable, lastAbort, ...color, notes: [note] };
    const changed = this.commit(next, state, files);
    return { from: from.name, to: next.activeStage, partition: this.kind.stageView(next, step.to).partition, changedFiles: changed, message: note };
  }

  /**
   * Judge the live workload against the active stage: for a StatefulSet the output of
   * `kubectl get statefulset NAME -o json`; for Deployments a List of both Deployments (and optionally
   * the Services), `kubectl get deployment A B -o json`.
   * @param liveJson the JSON text
   */
  public gate(liveJson: string): GateResult {
    return this.kind.gate(this.plan, liveJson);
  }

  private activeIndex(): number {
    return this.plan.stages.findIndex(s => s.name === this.plan.activeStage);
  }

  private committed(): CommittedRollout {
    return { stages: this.stageNames, activeStage: this.plan.activeStage, pinned: this.plan.pinned, candidate: this.plan.candidate, stable: this.state.stable };
  }

  private prose() {
    return this.kind.prose(this.kind.layoutOf(this.plan), this.state.candidateColor ?? 'blue');
  }

  /** The objects of the committed base, in the order of base/kustomization.yaml. */
  private baseObjects(): any[] {
    const resources: unknown = parse(this.files['base/kustomization.yaml'] ?? '')?.resources;
    if (!Array.isArray(resources) || resources.some(r => typeof r !== 'string' || !/^[a-z0-9][-a-z0-9.]*\.yaml$/.test(r) || !hasOwn(this.files, `base/${r}`))) {
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

  /** Rewrite the plan files (and `extra` files) and the state file, atomically. */
  private commit(plan: PlanDocumentBase, state: RolloutState, extra: Map<string, string>): string[] {
    const next = new Map(Object.entries(this.files));
    for (const [file, content] of extra) next.set(file, content);
    writePlanFiles(next, this.kind, plan);
    const changed = [...next.keys()].filter(f => next.get(f) !== this.files[f]).sort();
    const files: FileToWrite[] = changed.map(f => ({ path: path.join(this.directory, f), content: next.get(f)! }));
    files.push({ path: this.stateFile, content: stateJson({ ...state, treeDigest: treeDigest(next), files: [...next.keys()].sort() }) });
    writeAtomically([], files);
    return changed;
  }
}
