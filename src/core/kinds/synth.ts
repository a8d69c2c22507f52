import { RolloutKind } from './kind';
import { orRefuse, synthNotes } from '../messages';
import { NextState, RolloutState } from '../state';
import { synthTransition } from '../state-machine';
import { WaveSpec } from '../waves';

/** What a synth of one rollout starts from: the construct's decisions and its rendered objects. */
export interface SynthRequest<L extends { readonly app: string }> {
  /** The rollout root, relative to the output directory. */
  readonly directory: string;
  /** The kind's layout. */
  readonly layout: L;
  /** The objects the construct rendered (JSON). */
  readonly objects: any[];
  readonly pinnedStage?: string;
  readonly allowSupersede: boolean;
  readonly allowRecreate: boolean;
  /** The waves, in order, when the rollout has any. */
  readonly waves?: ReadonlyArray<WaveSpec>;
}

/**
 * The next state of one rollout at a synth, notes included: the kind reads the template and the
 * immutable fields from the rendered objects and lays out the stages as the previous state had them;
 * the state machine decides; the messages module writes the notes. Throws a `RefusedError`.
 */
export function synthState<L extends { readonly app: string }>(kind: RolloutKind<L, any>, previous: RolloutState | undefined, request: SynthRequest<L>): NextState {
  const { layout, objects } = request;
  const previousColor = previous?.candidateColor ?? 'blue';
  const prose = kind.prose(layout, previousColor);
  const done = orRefuse(synthTransition(previous, {
    app: layout.app,
    directory: request.directory,
    template: kind.templateOf(layout, objects),
    immutable: kind.immutableFields(layout, objects),
    stages: kind.stagePods(layout, previousColor),
    firstStage: kind.firstStage,
    tracksColor: kind.tracksColor,
    replicas: kind.replicasOf(layout),
    partitioned: kind.partitioned,
    stranded: (pinned, before) => kind.stranded(layout, pinned, before),
    pinnedStage: request.pinnedStage,
    allowSupersede: request.allowSupersede,
    allowRecreate: request.allowRecreate,
    waves: request.waves,
  }), layout.app, prose);
  return { ...done.state, notes: done.events.length > 0 ? synthNotes(done.events, prose) : previous!.notes };
}
