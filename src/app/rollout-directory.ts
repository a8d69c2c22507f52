import * as path from 'path';
import { CommittedTree, readCommittedTree } from './committed-tree';
import { parseGates } from '../core/gates';
import { PlanDocumentBase, RolloutKind } from '../core/kinds/kind';
import { abortNote, orRefuse, promotionNote } from '../core/messages';
import { podList } from '../core/pods';
import { treeDigestOf } from '../core/revision';
import { otherColor, RevisionSummary, RolloutState } from '../core/state';
import { abortTransition, CommittedRollout, promoteTransition } from '../core/state-machine';
import { hasOwn } from '../core/validation';
import { allWavesAt, stateStageFields, waveMoved } from '../core/wave-plan';
import { currentWave, waveRootFile } from '../core/waves';
import { commitOutputs, FileToWrite, settlePendingCommit } from '../io/atomic-write';
import { renderFromCode } from '../io/code-check';
import { pathExists, readText, readTextIfExists } from '../io/files';
import { repositoryRoot as lockRoot } from '../io/paths';
import { readFiles } from '../io/read-files';
import { isInside, repositoryRoot } from '../io/repository';
import { readStateFile } from '../io/state-store';
import { withWriteLock } from '../io/write-lock';
import { parsePlanFile } from '../model/plan-file';
import { stateJson } from '../model/state-file';
import { renderTree, writePlanFiles } from '../render/tree';
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
  /**
   * The waves and the stage each one's root selects (`rollout.waves`); the other fields describe the
   * wave asked for (`status({ wave })`), else the wave to promote next (the last one when all are complete).
   * @default - none: the rollout has no waves
   */
  readonly waves?: WaveStatus[];
  /**
   * The wave the stage fields describe.
   * @default - none: the rollout has no waves
   */
  readonly wave?: string;
}

/** A wave and its stage. */
export interface WaveStatus {
  readonly name: string;
  readonly activeStage: string;
  /** Its root, relative to the rollout directory: `clusters/<name>/kustomization.yaml`. */
  readonly root: string;
  /** The stage it reaches before the next wave may leave the first stage. */
  readonly nextWaveAfter: string;
}

/** Options of `status` and `gate`. */
export interface WaveOptions {
  /**
   * The wave (a rollout with `rollout.waves`).
   * @default - the wave to promote next: the first one not complete (the last wave when all are)
   */
  readonly wave?: string;
}

/** Options of `promote`. */
export interface PromoteOptions {
  /**
   * The wave to move (a rollout with `rollout.waves`).
   * @default - the first wave that has not reached the last stage
   */
  readonly wave?: string;
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

/** Options of `RolloutDirectory.open`. */
export interface OpenOptions {
  /**
   * Accept a root kustomization.yaml edited by hand to a stage more than one ahead of the stage last
   * written (the CLI's `--allow-skip`).
   * @default false - such a tree is refused and the skipped stages are named
   */
  readonly allowSkip?: boolean;
}

/** A promotion made by editing the root kustomization.yaml by hand. */
export interface RootEdit {
  /** The stage last written (plan.json and the state file). */
  readonly from: string;
  /** The stage the root selects: the active stage. */
  readonly to: string;
  /** The note plan.json and PLAN.md get at the next write. */
  readonly note: string;
  /**
   * The wave whose root was edited.
   * @default - none: the rollout has no waves
   */
  readonly wave?: string;
}

/** What a promotion or an abort did. */
export interface ChangeResult {
  /** The stage before. */
  readonly from: string;
  /** The stage after. */
  readonly to: string;
  /**
   * The wave that moved (a promotion of a rollout with waves).
   * @default - none: the rollout has no waves, or an abort moved every wave
   */
  readonly wave?: string;
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
   * @param options how to read it
   */
  public static open(directory: string, options: OpenOptions = {}): RolloutDirectory {
    const dir = path.resolve(directory);
    // a writer killed mid-commit left a journal: settle it first, so the tree and state are whole
    settlePendingCommit(dir);
    const read = RolloutDirectory.read(directory, dir, options);
    return new RolloutDirectory(dir, directory, options, read.tree, read.stateFile, read.stateText);
  }

  /** Read and check the tree and its state file from disk. */
  private static read(directory: string, dir: string, options: OpenOptions): { tree: CommittedTree; stateFile: string; stateText: string | undefined } {
    const planFile = path.join(dir, 'plan.json');
    if (!pathExists(planFile)) {
      throw new Error(`${directory} is not a rollout directory: it has no plan.json (expected the directory cdk8s synth wrote for a StatefulApp with a rollout, such as dist/web)`);
    }
    const { plan } = parsePlanFile(planFile, readText(planFile));
    const stateFile = path.resolve(dir, plan.stateFile);
    const root = repositoryRoot(dir);
    if (root !== undefined && !isInside(root, stateFile)) {
      throw new Error(`${planFile} field stateFile (${JSON.stringify(plan.stateFile)}) leaves the repository ${root}: the rollout state lives beside cdk8s.yaml; run cdk8s synth to rewrite it`);
    }
    const state = readStateFile(stateFile);
    const stateText = state ? readText(stateFile) : undefined;
    const tree = readCommittedTree(directory, readFiles(dir), state, stateFile, { allowSkip: options.allowSkip ?? false, allow: '--allow-skip' });
    return { tree, stateFile, stateText };
  }

  /** The absolute path of the rollout directory. */
  public readonly directory: string;
  private readonly given: string;
  private readonly options: OpenOptions;
  private readonly kind: RolloutKind<any, any>;
  private plan: PlanDocumentBase;
  private state: RolloutState;
  private readonly stateFile: string;
  /** The files on disk, as this handle last read or wrote them. */
  private files: { [file: string]: string };
  /** The files as a write leaves them (plan.json and PLAN.md follow a root edit). */
  private normalized: { [file: string]: string };
  /** The state file's text, as this handle last read or wrote it. */
  private stateText: string | undefined;
  private edit?: RootEdit;

  private constructor(directory: string, given: string, options: OpenOptions, tree: CommittedTree, stateFile: string, stateText: string | undefined) {
    this.directory = directory;
    this.given = given;
    this.options = options;
    this.kind = tree.kind;
    this.plan = tree.plan;
    this.state = tree.state;
    this.files = tree.files;
    this.normalized = tree.normalized;
    this.stateFile = stateFile;
    this.stateText = stateText;
    this.edit = tree.rootEdit;
  }

  /**
   * The move of a hand edit of the root kustomization.yaml, which this handle takes as the active stage.
   * @default - none: the root selects the stage last written
   */
  public get rootEdit(): RootEdit | undefined {
    return this.edit;
  }

  /**
   * Before each operation: read the tree and the state file again, run the tamper check, and refuse when
   * they are not what this handle last read or wrote (another process or a person changed them).
   */
  private recheck(): void {
    if (this.unchangedOnDisk()) return;
    const read = RolloutDirectory.read(this.given, this.directory, this.options);
    const changed = Object.keys({ ...read.tree.files, ...this.files }).filter(f => read.tree.files[f] !== this.files[f]).sort();
    if (read.stateText !== this.stateText) changed.push(this.stateFile);
    if (changed.length > 0) {
      throw new Error(`${this.given} changed on disk since this RolloutDirectory read or wrote it (${changed.join(', ')}): open it again with RolloutDirectory.open`);
    }
  }

  /**
   * The files and the state file byte for byte as this handle last read or wrote them: then the checks
   * they passed then pass again, and `recheck` need not parse and render the tree a second time.
   */
  private unchangedOnDisk(): boolean {
    if (readTextIfExists(this.stateFile) !== this.stateText) return false;
    const files = readFiles(this.directory);
    const names = Object.keys(files);
    return names.length === Object.keys(this.files).length && names.every(f => files[f] === this.files[f]);
  }

  /** The plan table as in PLAN.md (Markdown). */
  public planTable(): string {
    this.recheck();
    return this.kind.planSection(this.plan).table.join('\n') + '\n';
  }

  /** The stage names, first to last. */
  public get stageNames(): string[] {
    return this.plan.stages.map(s => s.name);
  }

  /** Where the rollout stands and what the next stage changes. */
  public status(options: WaveOptions = {}): RolloutStatus {
    this.recheck();
    const wave = this.waveOf(options.wave);
    const plan = wave === undefined ? this.plan : { ...this.plan, activeStage: wave.activeStage };
    const index = plan.stages.findIndex(s => s.name === plan.activeStage);
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
      ...(plan.waves !== undefined ? {
        wave: wave!.name,
        waves: plan.waves.map(w => ({ name: w.name, activeStage: w.activeStage, root: waveRootFile(w.name), nextWaveAfter: w.nextWaveAfter })),
      } : {}),
    };
  }

  /**
   * The wave named, or the one to promote next (the last when all are complete); undefined without waves.
   * Refuses a wave the rollout does not have.
   */
  private waveOf(name: string | undefined) {
    const waves = this.plan.waves;
    if (waves === undefined) {
      if (name !== undefined) orRefuse({ refused: { type: 'unknown-wave', field: '--wave', wave: name, waves: [] } }, this.plan.app, this.prose());
      return undefined;
    }
    if (name === undefined) return currentWave(waves, this.stageNames);
    const wave = waves.find(w => w.name === name);
    if (wave === undefined) orRefuse({ refused: { type: 'unknown-wave', field: '--wave', wave: name, waves: waves.map(w => w.name) } }, this.plan.app, this.prose());
    return wave!;
  }

  /**
   * Move the active stage forward: one line of the root kustomization.yaml changes, and plan.json,
   * PLAN.md and the state file follow. Refuses to move back, past the last stage, to skip stages without
   * `force`, to move a stage pinned in code, and (unless `codeCheck` is false) to act on a tree the code
   * would no longer produce.
   */
  public promote(options: PromoteOptions = {}): ChangeResult {
    this.recheck();
    const plan = this.plan;
    const step = orRefuse(promoteTransition(this.committed(), { to: options.to, force: options.force, wave: options.wave }), plan.app, this.prose());
    if (options.codeCheck ?? true) {
      this.checkAgainstCode();
    }
    const from = plan.stages[step.from];
    const to = plan.stages[step.to];
    const promoted = promotionNote(from.name, to.name, this.kind.promotion(plan, step.from, step.to), plan.candidate.revision);
    const note = step.wave === undefined ? promoted : `Wave ${step.wave}: ${promoted}`;
    const moved = step.wave === undefined ? { ...plan, activeStage: to.name } : waveMoved(plan, step.wave, to.name);
    const next = { ...moved, notes: [note] };
    const changed = this.commit(next, { ...this.state, ...stateStageFields(next), notes: [note] }, new Map());
    return { from: from.name, to: to.name, ...(step.wave !== undefined ? { wave: step.wave } : {}), partition: this.kind.stageView(plan, step.to).partition, changedFiles: changed, message: note };
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
    this.recheck();
    const plan = this.plan;
    const step = orRefuse(abortTransition(this.committed()), plan.app, this.prose());
    const stable = step.stable;
    const from = plan.stages[step.from];
    const pods = this.kind.stageView(plan, step.from).candidate;
    const note = abortNote(plan.candidate, from.name, stable.revision, pods, this.prose(), true);
    const lastAbort = { candidate: plan.candidate.revision, images: plan.candidate.images, stage: from.name, pods: podList(pods) };
    const aborted = this.kind.aborted(plan, { revision: stable.revision, images: stable.images }, note);
    // every wave goes back with the template: the last stage, on the stable revision
    const next = allWavesAt(aborted, aborted.activeStage);
    const objects = this.baseObjects();
    if (this.kind.templateOf(this.kind.layoutOf(plan), objects) === undefined) {
      throw new Error(`the workload ${plan.app} is missing from ${path.join(this.directory, 'base')}: restore the tree from git or run cdk8s synth`);
    }
    const files = renderTree(this.kind, next, objects, stable.template, stable.template);
    // blue/green: the stable colour runs the (restored) candidate again
    const color = this.state.candidateColor !== undefined ? { candidateColor: otherColor(this.state.candidateColor) } : {};
    const state: RolloutState = { ...this.state, ...stateStageFields(next), candidate: stable, lastAbort, ...color, notes: [note] };
    const changed = this.commit(next, state, files);
    return { from: from.name, to: next.activeStage, partition: this.kind.stageView(next, step.to).partition, changedFiles: changed, message: note };
  }

  /**
   * Judge the live workload against the active stage: for a StatefulSet the output of
   * `kubectl get statefulset NAME -o json`; for Deployments a List of both Deployments (and optionally
   * the Services), `kubectl get deployment A B -o json`.
   * @param liveJson the JSON text
   */
  public gate(liveJson: string, options: WaveOptions = {}): GateResult {
    this.recheck();
    const wave = this.waveOf(options.wave);
    return this.kind.gate(wave === undefined ? this.plan : { ...this.plan, activeStage: wave.activeStage }, liveJson);
  }

  /**
   * What the analysis gate needs of the committed rollout.
   * @internal
   */
  public _gateContext(options: WaveOptions = {}) {
    const wave = this.waveOf(options.wave);
    const plan = wave === undefined ? this.plan : { ...this.plan, activeStage: wave.activeStage };
    const index = plan.stages.findIndex(s => s.name === plan.activeStage);
    return {
      plan,
      wave: wave?.name,
      view: this.kind.stageView(plan, index),
      complete: index === plan.stages.length - 1,
      gates: parseGates(plan, (field, what) => new Error(`plan.json field ${field} must be ${what}`)),
      rootFile: path.join(this.directory, wave === undefined ? 'kustomization.yaml' : waveRootFile(wave.name)),
      stateFile: this.stateFile,
    };
  }

  private committed(): CommittedRollout {
    const { activeStage, waves, pinned, candidate } = this.plan;
    return { stages: this.stageNames, activeStage, tracksColor: this.kind.tracksColor, waves, pinned, candidate, stable: this.state.stable };
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
    const differing = [...new Set([...Object.keys(fromCode), ...Object.keys(this.normalized)])]
      .filter(f => fromCode[f] !== this.normalized[f]).sort();
    if (differing.length > 0) {
      throw new Error(`the tree in ${this.directory} is stale against the code: cdk8s synth would change ${differing.join(', ')}; run cdk8s synth, review and commit, then promote`);
    }
  }

  /**
   * Rewrite the plan files (and `extra` files) and the state file with one commit, holding the write
   * lock of the repository; under the lock the tree and state are read again, and a change since `open`
   * (another promote, abort or synth) is refused instead of being overwritten.
   */
  private commit(plan: PlanDocumentBase, state: RolloutState, extra: Map<string, string>): string[] {
    const next = new Map(Object.entries(this.files));
    for (const [file, content] of extra) next.set(file, content);
    writePlanFiles(next, this.kind, plan);
    const changed = [...next.keys()].filter(f => next.get(f) !== this.files[f]).sort();
    const files: FileToWrite[] = changed.map(f => ({ path: path.join(this.directory, f), content: next.get(f)!, within: this.directory }));
    const written: RolloutState = { ...state, treeDigest: treeDigestOf(next), files: [...next.keys()].sort() };
    const stateText = stateJson(written);
    files.push({ path: this.stateFile, content: stateText });
    const root = lockRoot([this.directory, this.stateFile]);
    withWriteLock(root, () => {
      // under the lock, the tree and state must still be the ones this handle read or wrote
      const raced = new Error(`the rollout ${this.plan.app} in ${this.directory} changed after it was opened (another promote, abort or synth wrote it): nothing was written; look at the new state and run the command again`);
      const nowState = readTextIfExists(this.stateFile);
      let nowFiles: { [file: string]: string };
      try {
        nowFiles = readFiles(this.directory);
      } catch {
        throw raced;
      }
      const same = Object.keys(nowFiles).length === Object.keys(this.files).length && Object.entries(this.files).every(([f, c]) => nowFiles[f]?.replace(/\r\n/g, '\n') === c);
      if (nowState !== this.stateText || !same) throw raced;
      commitOutputs({ root, trees: [], files });
    });
    // the handle now reflects what it wrote: the next operation starts from it
    this.files = Object.fromEntries(next);
    this.normalized = this.files;
    this.plan = plan;
    this.state = written;
    this.stateText = stateText;
    this.edit = undefined;
    return changed;
  }
}
