import { PodSet, podList, StagePods } from './pods';
import { canonicalJson, templateChanges } from './revision';
import { AbortRecord, Color, ImmutableFields, NextState, otherColor, PlanWave, revisionOf, RevisionRecord, RevisionSummary, RolloutState, summaryOf, WavePosition } from './state';
import { own } from './validation';
import { cleanedUpWaves, droppedMidRollout, fleetStage, nextWaves, waveOrderViolation, WaveOrderViolation, waveToPromote, WaveSpec } from './waves';

/**
 * The one state machine of a rollout: synth, promote and abort as pure transitions. Each returns a typed
 * result, a refusal or what happened (events); `messages.ts` turns those into notes and error text. The
 * App (synth) and `RolloutDirectory` (promote, abort, and so the CLI) call these and nothing else.
 */

/** What the code renders now, as the state machine needs it. */
export interface SynthInput {
  readonly app: string;
  readonly directory: string;
  /** The pod template the code renders (the candidate). */
  readonly template: any;
  readonly immutable: ImmutableFields;
  /** The stages, as the previous state laid them out (blue/green: with the previous candidate colour). */
  readonly stages: StagePods[];
  /** The stage of a first synth: the first (hold) or the last. */
  readonly firstStage: 'first' | 'last';
  /** Keep a candidate colour (blue/green). */
  readonly tracksColor: boolean;
  /** The number of pods. */
  readonly replicas: number;
  /** Stages are partitions: replicas may not change between the first and the last stage. */
  readonly partitioned: boolean;
  /** The pods a pinned stage would leave on an aborted candidate. */
  readonly stranded: (pinned: string, previous: string) => PodSet;
  /** The stage pinned in code, if any. */
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
  /**
   * The waves the code declares (`rollout.waves`), in order.
   * @default - no waves: one root
   */
  readonly waves?: ReadonlyArray<WaveSpec>;
}

/** What a synth did, in order, for the notes. */
export type SynthEvent =
  | { readonly type: 'first' }
  | { readonly type: 'recreate'; readonly fields: string[] }
  | { readonly type: 'aborted'; readonly aborted: RevisionSummary; readonly stage: string; readonly stable: string; readonly pods: PodSet }
  | { readonly type: 'new-rollout'; readonly stable: RevisionSummary; readonly candidate: RevisionSummary; readonly changes: string[] }
  | { readonly type: 'replaced'; readonly hold: string; readonly previous: string; readonly candidate: RevisionSummary }
  | { readonly type: 'superseded'; readonly previous: string; readonly candidate: string; readonly stage: string; readonly moved: PodSet; readonly kept: PodSet; readonly stable: string | null };

/** Why a transition was refused. Nothing is written. */
export type Refusal =
  | { readonly type: 'unknown-stage'; readonly field: string; readonly stage: string | undefined; readonly stages: string[] }
  | { readonly type: 'stage-gone'; readonly stage: string; readonly stages: string[] }
  | { readonly type: 'immutable-changed'; readonly fields: string[] }
  | { readonly type: 'replicas-changed'; readonly from: number; readonly to: number; readonly stage: string }
  | { readonly type: 'stranded'; readonly pinned: string; readonly partition?: number; readonly pods: PodSet; readonly aborted: string; readonly last: string }
  | { readonly type: 'supersede'; readonly candidate: RevisionSummary; readonly previous: RevisionSummary; readonly changes: string[]; readonly stage: string; readonly moved: PodSet; readonly kept: PodSet; readonly stable: string | null }
  | { readonly type: 'pinned'; readonly operation: 'promote' | 'abort'; readonly stage: string }
  | { readonly type: 'complete'; readonly operation: 'promote' | 'abort'; readonly stage: string; readonly candidate: string; readonly stable: RevisionSummary | null }
  | { readonly type: 'not-forward'; readonly from: string; readonly to: string }
  | { readonly type: 'skips'; readonly from: string; readonly to: string; readonly skipped: string[] }
  | { readonly type: 'no-stable' }
  | { readonly type: 'root-unknown'; readonly file: string; readonly directory: string | undefined; readonly directories: string[] }
  | { readonly type: 'root-backwards'; readonly file: string; readonly from: string; readonly to: string }
  | { readonly type: 'root-skips'; readonly file: string; readonly from: string; readonly to: string; readonly skipped: string[]; readonly allow: string }
  | { readonly type: 'root-pinned'; readonly file: string; readonly pinned: string; readonly to: string }
  | { readonly type: 'change-backwards'; readonly tree: string; readonly from: string; readonly to: string }
  | { readonly type: 'change-skips'; readonly tree: string; readonly from: string; readonly to: string; readonly skipped: string[] }
  | { readonly type: 'change-abort-stage'; readonly tree: string; readonly to: string; readonly last: string }
  | { readonly type: 'change-supersede'; readonly tree: string; readonly stage: string; readonly previous: string; readonly candidate: string }
  | { readonly type: 'change-stage-gone'; readonly tree: string; readonly stage: string; readonly stages: string[] }
  | { readonly type: 'change-immutable'; readonly tree: string; readonly fields: string[] }
  | { readonly type: 'unknown-wave'; readonly field: string; readonly wave: string; readonly waves: string[] }
  | { readonly type: 'wave-complete'; readonly wave: string; readonly stage: string }
  | { readonly type: 'wave-order'; readonly where: string; readonly violation: WaveOrderViolation }
  | { readonly type: 'waves-at-once'; readonly where: string; readonly waves: string[] }
  | { readonly type: 'change-waves-apart'; readonly tree: string; readonly change: string; readonly stage: string; readonly waves: string[] }
  | { readonly type: 'waves-reordered'; readonly waves: string[]; readonly violation: WaveOrderViolation }
  | { readonly type: 'waves-removed-apart'; readonly where: string; readonly stage: string; readonly waves: ReadonlyArray<WavePosition> }
  | { readonly type: 'abort-after-cleanup'; readonly where: string; readonly waves: string[]; readonly last: string }
  | { readonly type: 'wave-removed-mid-rollout'; readonly wave: string; readonly stage: string; readonly first: string; readonly last: string };

/** The result of a transition: refused, or done. */
export type Transition<T> = { readonly refused: Refusal } | ({ readonly refused?: undefined } & T);

/** A synth: the next state (notes are made from the events; none means keep the previous notes). */
export interface SynthDone {
  readonly state: Omit<NextState, 'notes'>;
  readonly events: SynthEvent[];
}

function refuse(refusal: Refusal): { refused: Refusal } {
  return { refused: refusal };
}

/**
 * The next state from the previous one and what the code renders now.
 *
 * - no previous state: stable unknown, candidate := template, active := the first stage (hold for a
 *   StatefulSet: nothing moves) or the last (Deployments: the first synth deploys);
 * - template unchanged: the active stage is kept;
 * - the template back at the stable revision before complete (abort): candidate := stable, active :=
 *   the last stage, so the pods the canary moved roll back (raising the partition would not move them
 *   back; blue/green sends the traffic back to the stable colour);
 * - a new template after complete: stable := the old candidate, candidate := the new one, active := hold
 *   (blue/green: the candidate goes to the other colour);
 * - a new template at hold: the candidate is replaced, nothing had moved;
 * - a new template between hold and complete: refused, unless `allowSupersede`;
 * - an immutable field changed: refused, unless `allowRecreate`.
 * A stage pinned in code always wins, except that an abort needs a stage that rolls the canary back.
 */
export function synthTransition(prev: RolloutState | undefined, input: SynthInput): Transition<SynthDone> {
  const stages = input.stages;
  const names = stages.map(s => s.name);
  if (input.pinnedStage !== undefined && !names.includes(input.pinnedStage)) {
    return refuse({ type: 'unknown-stage', field: 'rollout.activeStage', stage: input.pinnedStage, stages: names });
  }
  const candidate = revisionOf(input.template);
  const base = { schemaVersion: 1 as const, app: input.app, directory: input.directory, immutable: input.immutable, pinned: input.pinnedStage !== undefined, replicas: input.replicas };
  const color = (c: Color | undefined) => (input.tracksColor ? { candidateColor: c ?? 'blue' as Color } : {});
  const pin = (active: string) => input.pinnedStage ?? active;
  const first = stages[0];
  const last = stages[stages.length - 1];
  // with waves, each wave's root keeps its stage (`keep`) or every wave moves to one stage
  const state = (activeStage: string, stable: RevisionRecord | null, cand: RevisionRecord, lastAbort: AbortRecord | null, c: Color | undefined, keep = false) => {
    const active = pin(activeStage);
    if (input.waves === undefined) {
      return { ...base, activeStage: active, stable, candidate: cand, lastAbort, ...color(c) };
    }
    const next = keep && input.pinnedStage === undefined ? { keep: true as const } : { all: active };
    const waves = nextWaves(input.waves, prev?.waves, prev?.activeStage, next, first.name, last.name);
    return { ...base, activeStage: fleetStage(waves, names), waves, stable, candidate: cand, lastAbort, ...color(c) };
  };

  if (!prev) {
    return { state: state((input.firstStage === 'first' ? first : last).name, null, candidate, null, 'blue'), events: [{ type: 'first' }] };
  }

  const events: SynthEvent[] = [];
  const fields = [...new Set([...Object.keys(input.immutable), ...Object.keys(prev.immutable)])];
  const changed = fields.filter(k => canonicalJson(own(input.immutable, k) ?? null) !== canonicalJson(own(prev.immutable, k) ?? null));
  if (changed.length > 0) {
    if (!input.allowRecreate) {
      return refuse({ type: 'immutable-changed', fields: changed });
    }
    events.push({ type: 'recreate', fields: changed });
  }

  // the stages the previous roots select: one per wave, or the one root's; the furthest stands for them
  const prevStages = prev.waves !== undefined ? prev.waves.map(w => w.activeStage) : [prev.activeStage];
  const gone = prevStages.find(s => !names.includes(s));
  const prevIndex = gone !== undefined ? -1 : Math.max(...prevStages.map(s => names.indexOf(s)));
  const midRollout = prevStages.find(s => names.indexOf(s) > 0 && names.indexOf(s) < stages.length - 1);
  // a wave dropped from rollout.waves mid-rollout would leave its cluster on both revisions with no root
  if (input.waves !== undefined && prev.waves !== undefined) {
    const dropped = droppedMidRollout(prev.waves, input.waves, names);
    if (dropped !== undefined) {
      return refuse({ type: 'wave-removed-mid-rollout', wave: dropped.name, stage: dropped.activeStage, first: first.name, last: last.name });
    }
  }
  // raising a partition never moves a pod back: at a new size mid-rollout the plan's pods are not the running ones
  if (input.partitioned && prev.replicas !== undefined && prev.replicas !== input.replicas && midRollout !== undefined) {
    return refuse({ type: 'replicas-changed', from: prev.replicas, to: input.replicas, stage: midRollout });
  }
  const prevActive = prevIndex >= 0 ? stages[prevIndex] : undefined;
  const prevStage = prevActive?.name ?? gone ?? prev.activeStage;
  const finished = prevStages.every(s => s === last.name);
  const atFirst = prevStages.every(s => s === first.name);
  const prevColor = prev.candidateColor ?? 'blue';
  const none: PodSet = { names: [] };

  // the roots keep their stages: a change of rollout.waves in code must not put the waves out of order,
  // nor merge waves at different stages into one root (that would move some clusters back, others forward)
  const keptWaves = (): { refused: Refusal } | undefined => {
    if (input.pinnedStage !== undefined || prev.waves === undefined) return undefined;
    if (input.waves === undefined) {
      return prev.waves.every(w => w.activeStage === prev.waves![0].activeStage) ? undefined
        : refuse({ type: 'waves-removed-apart', where: 'rollout.waves', stage: prev.activeStage, waves: prev.waves });
    }
    const specs = new Map(input.waves.map(w => [w.name, w.nextWaveAfter]));
    const waves = nextWaves(input.waves, prev.waves, prev.activeStage, { keep: true }, first.name, last.name);
    const violation = waveOrderViolation(waves.map(w => ({ ...w, nextWaveAfter: specs.get(w.name)! })), names);
    return violation === undefined ? undefined : refuse({ type: 'waves-reordered', waves: input.waves.map(w => w.name), violation });
  };

  if (candidate.revision === prev.candidate.revision) {
    if (!prevActive) {
      return refuse({ type: 'stage-gone', stage: prevStage, stages: names });
    }
    return keptWaves() ?? { state: state(prev.activeStage, prev.stable, prev.candidate, prev.lastAbort, prevColor, true), events };
  }

  if (prev.stable && candidate.revision === prev.stable.revision && !finished) {
    // abort: the template is back at the stable revision before the rollout completed
    const cleaned = cleanedUpWaves(prev.waves, names, input.tracksColor);
    if (cleaned.length > 0) {
      return refuse({ type: 'abort-after-cleanup', where: 'the template back at the stable revision', waves: cleaned, last: last.name });
    }
    const pods = prevActive ? prevActive.candidate : none;
    if (input.pinnedStage !== undefined) {
      const stranded = input.stranded(input.pinnedStage, prevStage);
      if (podList(stranded).length > 0) {
        const pinned = stages.find(s => s.name === input.pinnedStage)!;
        return refuse({ type: 'stranded', pinned: pinned.name, partition: pinned.partition, pods: stranded, aborted: prev.candidate.revision, last: last.name });
      }
    }
    const lastAbort: AbortRecord = { candidate: prev.candidate.revision, images: prev.candidate.images, stage: prevStage, pods: podList(pods) };
    events.push({ type: 'aborted', aborted: summaryOf(prev.candidate), stage: prevStage, stable: prev.stable.revision, pods });
    // blue/green: the stable colour runs the (restored) candidate again
    return { state: state(last.name, prev.stable, prev.stable, lastAbort, otherColor(prevColor)), events };
  }

  if (finished) {
    events.push({ type: 'new-rollout', stable: summaryOf(prev.candidate), candidate: summaryOf(candidate), changes: templateChanges(prev.candidate.template, candidate.template) });
    return { state: state(first.name, prev.candidate, candidate, null, otherColor(prevColor)), events };
  }

  if (atFirst) {
    events.push({ type: 'replaced', hold: first.name, previous: prev.candidate.revision, candidate: summaryOf(candidate) });
    return { state: state(first.name, prev.stable, candidate, null, prevColor), events };
  }

  // a new template in the middle of a rollout
  const moved = prevActive ? prevActive.candidate : none;
  const kept = prevActive ? prevActive.stable : none;
  const stable = prev.stable ? prev.stable.revision : null;
  if (!input.allowSupersede) {
    return refuse({ type: 'supersede', candidate: summaryOf(candidate), previous: summaryOf(prev.candidate), changes: templateChanges(prev.candidate.template, candidate.template), stage: prevStage, moved, kept, stable });
  }
  const waveRefusal = keptWaves();
  if (waveRefusal !== undefined) return waveRefusal;
  events.push({ type: 'superseded', previous: prev.candidate.revision, candidate: candidate.revision, stage: prevStage, moved, kept, stable });
  return { state: state(prev.activeStage, prev.stable, candidate, null, prevColor, true), events };
}

/** What `promote` and `abort` need of a committed rollout. */
export interface CommittedRollout {
  /** The stage names, first to last. */
  readonly stages: string[];
  readonly activeStage: string;
  /**
   * Blue/green: the last stage scales the stable colour to 0, so a wave there cannot be aborted.
   * @default false
   */
  readonly tracksColor?: boolean;
  /**
   * The waves and their stages.
   * @default - no waves
   */
  readonly waves?: ReadonlyArray<PlanWave>;
  readonly pinned: boolean;
  readonly candidate: RevisionSummary;
  readonly stable: RevisionRecord | null;
}

/** Options of a promotion. */
export interface PromoteRequest {
  /** The stage to move to; the next one when undefined. */
  readonly to?: string;
  /** Allow skipping stages. */
  readonly force?: boolean;
  /** With waves, the wave to move; the first one not complete when undefined. */
  readonly wave?: string;
}

/** A promotion: the stage indexes. */
export interface PromoteDone {
  readonly from: number;
  readonly to: number;
  /**
   * The wave that moves.
   * @default - none: the rollout has no waves
   */
  readonly wave?: string;
}

/**
 * Move the active stage forward: refused to move back, past the last stage, to skip stages without
 * `force`, or to move a stage pinned in code.
 */
export function promoteTransition(r: CommittedRollout, request: PromoteRequest): Transition<PromoteDone> {
  if (r.pinned) {
    return refuse({ type: 'pinned', operation: 'promote', stage: r.activeStage });
  }
  if (r.waves !== undefined) {
    return promoteWave(r, r.waves, request);
  }
  if (request.wave !== undefined) {
    return refuse({ type: 'unknown-wave', field: '--wave', wave: request.wave, waves: [] });
  }
  const from = r.stages.indexOf(r.activeStage);
  const last = r.stages.length - 1;
  if (from === last) {
    return refuse({ type: 'complete', operation: 'promote', stage: r.activeStage, candidate: r.candidate.revision, stable: r.stable && summaryOf(r.stable) });
  }
  const to = request.to === undefined ? from + 1 : r.stages.indexOf(request.to);
  if (to < 0) {
    return refuse({ type: 'unknown-stage', field: '--to', stage: request.to, stages: r.stages });
  }
  if (to <= from) {
    return refuse({ type: 'not-forward', from: r.activeStage, to: r.stages[to] });
  }
  if (to > from + 1 && !request.force) {
    return refuse({ type: 'skips', from: r.activeStage, to: r.stages[to], skipped: r.stages.slice(from + 1, to) });
  }
  return { from, to };
}

/**
 * Promote one wave: the named one, or the first that has not reached the last stage. The rules of
 * `promote` apply to its stage; and it may leave the first stage only once the wave before it has
 * reached its `nextWaveAfter`.
 */
function promoteWave(r: CommittedRollout, waves: ReadonlyArray<PlanWave>, request: PromoteRequest): Transition<PromoteDone> {
  const names = waves.map(w => w.name);
  const wave = request.wave === undefined ? waveToPromote(waves, r.stages) : waves.find(w => w.name === request.wave);
  if (request.wave !== undefined && wave === undefined) {
    return refuse({ type: 'unknown-wave', field: '--wave', wave: request.wave, waves: names });
  }
  if (wave === undefined) {
    return refuse({ type: 'complete', operation: 'promote', stage: r.activeStage, candidate: r.candidate.revision, stable: r.stable && summaryOf(r.stable) });
  }
  const last = r.stages.length - 1;
  if (r.stages.indexOf(wave.activeStage) === last) {
    return refuse({ type: 'wave-complete', wave: wave.name, stage: wave.activeStage });
  }
  const result = promoteTransition({ ...r, waves: undefined, activeStage: wave.activeStage }, { to: request.to, force: request.force });
  if (result.refused !== undefined) return refuse(result.refused);
  const step = result as PromoteDone;
  const moved = waves.map(w => (w.name === wave.name ? { ...w, activeStage: r.stages[step.to] } : w));
  return waveOrderRefusal(moved, r.stages, 'promote') ?? { from: step.from, to: step.to, wave: wave.name };
}

/** The refusal of waves out of order, if they are. */
export function waveOrderRefusal(waves: ReadonlyArray<PlanWave>, stages: ReadonlyArray<string>, where: string): { refused: Refusal } | undefined {
  const violation = waveOrderViolation(waves, stages);
  return violation === undefined ? undefined : refuse({ type: 'wave-order', where, violation });
}

/** An abort from the tree: the stable revision comes back and the last stage is selected. */
export interface AbortDone {
  readonly from: number;
  readonly to: number;
  readonly stable: RevisionRecord;
}

/**
 * Abort from the tree alone: refused when the stage is pinned in code, when there is no stable revision
 * to go back to, or when the rollout is already complete.
 */
export function abortTransition(r: CommittedRollout): Transition<AbortDone> {
  if (r.pinned) {
    return refuse({ type: 'pinned', operation: 'abort', stage: r.activeStage });
  }
  if (!r.stable) {
    return refuse({ type: 'no-stable' });
  }
  const from = r.stages.indexOf(r.activeStage);
  const last = r.stages.length - 1;
  if (from === last) {
    return refuse({ type: 'complete', operation: 'abort', stage: r.activeStage, candidate: r.candidate.revision, stable: summaryOf(r.stable) });
  }
  const cleaned = cleanedUpWaves(r.waves, r.stages, r.tracksColor ?? false);
  if (cleaned.length > 0) {
    return refuse({ type: 'abort-after-cleanup', where: 'abort', waves: cleaned, last: r.stages[last] });
  }
  return { from, to: last, stable: r.stable };
}


/** A change of the stage the root kustomization.yaml selects, edited by hand (a Git web editor, Kargo, Renovate). */
export interface RootEditRequest {
  /** The root file, for messages. */
  readonly file: string;
  /** The stage directories of the plan, first to last (`stages/<NN>-<name>`). */
  readonly directories: string[];
  /** The directory the root selects now. */
  readonly selected: string | undefined;
  /** Accept an edit that skips stages. */
  readonly allowSkip: boolean;
  /** What allows skipping, for the refusal: `--allow-skip`, `rollout.allowStageSkip`. */
  readonly allow: string;
}

/**
 * A root edit is a promotion made in Git: it obeys the rules of `promote`. It must name a stage of the
 * plan, move forward (going back is an abort, which also restores the stable template: a root edit alone
 * cannot), one stage at a time unless `allowSkip`, and not move a stage pinned in code. The same stage
 * is no move (`from === to`).
 */
export function rootEditTransition(r: CommittedRollout, request: RootEditRequest): Transition<PromoteDone> {
  const from = r.stages.indexOf(r.activeStage);
  const to = request.selected === undefined ? -1 : request.directories.indexOf(request.selected);
  if (to < 0) {
    return refuse({ type: 'root-unknown', file: request.file, directory: request.selected, directories: request.directories });
  }
  if (to === from) {
    return { from, to };
  }
  if (r.pinned) {
    return refuse({ type: 'root-pinned', file: request.file, pinned: r.activeStage, to: r.stages[to] });
  }
  if (to < from) {
    return refuse({ type: 'root-backwards', file: request.file, from: r.activeStage, to: r.stages[to] });
  }
  if (to > from + 1 && !request.allowSkip) {
    return refuse({ type: 'root-skips', file: request.file, from: r.activeStage, to: r.stages[to], skipped: r.stages.slice(from + 1, to), allow: request.allow });
  }
  return { from, to };
}

/** A rollout as a commit has it, for the review of a change. */
export interface ReviewedRollout extends CommittedRollout {
  readonly immutable: ImmutableFields;
}

/** What a reviewer allows. */
export interface ReviewRequest {
  /** The tree, for messages. */
  readonly tree: string;
  readonly allowSkip: boolean;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
}

/** What a change does to a rollout. */
export interface ReviewDone {
  /**
   * `unchanged` (same stage and candidate), `promote` (forward, `skipped` names what it skips), `abort`
   * (back to the stable template at the last stage), `new-rollout` (a new template after complete),
   * `replaced` (a new template at the first stage), `superseded` (allowed by `allowSupersede`).
   */
  readonly change: 'unchanged' | 'promote' | 'abort' | 'new-rollout' | 'replaced' | 'superseded';
  readonly skipped: string[];
  /**
   * The wave that moves (a promotion of a rollout with waves).
   * @default - none
   */
  readonly wave?: string;
  /** The immutable fields that change (allowed by `allowRecreate`). */
  readonly recreate: string[];
}

/**
 * Review a change of a committed rollout from one commit (`base`) to another (`head`) by the rules of
 * synth, promote and abort: the active stage moves forward one stage (more with `allowSkip`), or goes
 * back to the last stage with the stable template (an abort), or a new template starts at the first
 * stage after complete or replaces one at the first stage; a new template mid-rollout needs
 * `allowSupersede`, an immutable field change `allowRecreate`. Stages are matched by name.
 */
export function reviewTransition(base: ReviewedRollout, head: ReviewedRollout, request: ReviewRequest): Transition<ReviewDone> {
  const fields = [...new Set([...Object.keys(base.immutable), ...Object.keys(head.immutable)])].sort();
  const recreate = fields.filter(k => canonicalJson(base.immutable[k] ?? null) !== canonicalJson(head.immutable[k] ?? null));
  if (recreate.length > 0 && !request.allowRecreate) {
    return refuse({ type: 'change-immutable', tree: request.tree, fields: recreate });
  }
  const stages = head.stages;
  const first = stages[0];
  const last = stages[stages.length - 1];
  const to = stages.indexOf(head.activeStage);
  const done = (change: ReviewDone['change'], skipped: string[] = [], wave?: string) => ({ change, skipped, recreate, ...(wave !== undefined ? { wave } : {}) });
  // with waves every root is reviewed: one wave moves at a time, in order; an abort or a new template moves them all
  const rootsOf = (r: ReviewedRollout) => r.waves?.map(w => w.activeStage) ?? [r.activeStage];
  const allAt = (r: ReviewedRollout, stage: string) => rootsOf(r).every(s => s === stage);
  const apart = (change: string, stage: string) => refuse({ type: 'change-waves-apart', tree: request.tree, change, stage, waves: (head.waves ?? []).filter(w => w.activeStage !== stage).map(w => w.name) });
  if (head.waves !== undefined && head.candidate.revision === base.candidate.revision) {
    return reviewWaves(base, head, head.waves, request, recreate);
  }
  if (head.candidate.revision === base.candidate.revision) {
    if (base.waves !== undefined && !allAt(base, head.activeStage)) {
      return refuse({ type: 'waves-removed-apart', where: `${request.tree}: rollout.waves`, stage: head.activeStage, waves: base.waves.map(w => ({ name: w.name, activeStage: w.activeStage })) });
    }
    const from = stages.indexOf(base.activeStage);
    if (from < 0) {
      return refuse({ type: 'change-stage-gone', tree: request.tree, stage: base.activeStage, stages });
    }
    if (to === from) return done('unchanged');
    if (to < from) {
      return refuse({ type: 'change-backwards', tree: request.tree, from: base.activeStage, to: head.activeStage });
    }
    const skipped = stages.slice(from + 1, to);
    if (skipped.length > 0 && !request.allowSkip) {
      return refuse({ type: 'change-skips', tree: request.tree, from: base.activeStage, to: head.activeStage, skipped });
    }
    return done('promote', skipped);
  }
  if (base.stable && head.candidate.revision === base.stable.revision && !allAt(base, last)) {
    const cleaned = cleanedUpWaves(base.waves, base.stages, base.tracksColor ?? false);
    if (cleaned.length > 0) {
      return refuse({ type: 'abort-after-cleanup', where: request.tree, waves: cleaned, last });
    }
    if (head.activeStage !== last) {
      return refuse({ type: 'change-abort-stage', tree: request.tree, to: head.activeStage, last });
    }
    return allAt(head, last) ? done('abort') : apart('an abort', last);
  }
  // with waves, a new template that starts some wave elsewhere than the first stage is a new rollout whose
  // waves are apart (not a supersede: nothing was mid-rollout)
  if (allAt(base, last) && head.stable?.revision === base.candidate.revision && (head.activeStage === first || head.waves !== undefined)) {
    return allAt(head, first) ? done('new-rollout') : apart('a new rollout', first);
  }
  if (allAt(base, first) && (head.activeStage === first || head.waves !== undefined) && (head.stable?.revision ?? null) === (base.stable?.revision ?? null)) {
    return allAt(head, first) ? done('replaced') : apart('a new candidate at the first stage', first);
  }
  if (!request.allowSupersede) {
    return refuse({ type: 'change-supersede', tree: request.tree, stage: base.activeStage, previous: base.candidate.revision, candidate: head.candidate.revision });
  }
  return done('superseded');
}

/**
 * The review of a change of the waves' roots with the same candidate: at most one wave moves, forward
 * (one stage unless `allowSkip`), and the waves stay in order. A wave new in the change starts at the
 * first stage, or at the last when the fleet is complete.
 */
function reviewWaves(base: ReviewedRollout, head: ReviewedRollout, waves: ReadonlyArray<PlanWave>, request: ReviewRequest, recreate: string[]): Transition<ReviewDone> {
  const stages = head.stages;
  const was = new Map((base.waves ?? []).map(w => [w.name, w.activeStage]));
  // the stage a wave's root selected at the base: the one root's, for a rollout that had no waves yet
  const fromOf = (name: string) => (base.waves === undefined ? base.activeStage : was.get(name));
  const moved = waves.filter(w => fromOf(w.name) !== undefined && fromOf(w.name) !== w.activeStage);
  const dropped = droppedMidRollout(base.waves ?? [], waves, stages);
  if (dropped !== undefined) {
    return refuse({ type: 'wave-removed-mid-rollout', wave: dropped.name, stage: dropped.activeStage, first: stages[0], last: stages[stages.length - 1] });
  }
  if (moved.length > 1) {
    return refuse({ type: 'waves-at-once', where: request.tree, waves: moved.map(w => w.name) });
  }
  const order = waveOrderRefusal(waves, stages, request.tree);
  if (moved.length === 0) {
    return order ?? { change: 'unchanged', skipped: [], recreate };
  }
  const wave = moved[0];
  const fromStage = fromOf(wave.name)!;
  const from = stages.indexOf(fromStage);
  if (from < 0) {
    return refuse({ type: 'change-stage-gone', tree: `${request.tree} wave ${JSON.stringify(wave.name)}`, stage: fromStage, stages });
  }
  const to = stages.indexOf(wave.activeStage);
  if (to < from) {
    return refuse({ type: 'change-backwards', tree: `${request.tree} wave ${JSON.stringify(wave.name)}`, from: fromStage, to: wave.activeStage });
  }
  const skipped = stages.slice(from + 1, to);
  if (skipped.length > 0 && !request.allowSkip) {
    return refuse({ type: 'change-skips', tree: `${request.tree} wave ${JSON.stringify(wave.name)}`, from: fromStage, to: wave.activeStage, skipped });
  }
  return order ?? { change: 'promote', skipped, recreate, wave: wave.name };
}
