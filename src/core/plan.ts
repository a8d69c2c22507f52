import { MAX_PLAN_STEPS, MAX_REPLICAS, MAX_STAGES } from './limits';
import { HOLD_PARTITION, partitionForUpdated, updatedOrdinals } from './partition';
import { StageSize } from './stage-size';
import { checkDnsLabel, checkInteger, show } from './validation';

/** One stage between hold and complete, as the user writes it. */
export interface StageDefinition {
  /**
   * The stage name: a DNS-1123 label, unique in the plan. `hold` and `complete` are the plan's own first
   * and last stages. It names the stage directory `stages/<NN>-<name>`.
   */
  readonly name: string;

  /** How many pods run the new revision once this stage has converged. */
  readonly size: StageSize;
}

/** Options of `RolloutPlan.canary()`. */
export interface CanaryPlanOptions {
  /**
   * The first stage, named `canary`.
   * @default StageSize.pods(1)
   */
  readonly canary?: StageSize;

  /**
   * The stages that widen the canary after it, each named after its size (`percent-50`, `pods-3`).
   * @default [StageSize.percent(50)]
   */
  readonly steps?: StageSize[];
}

/** Options of `RolloutPlan.linear()`. */
export interface LinearPlanOptions {
  /** Each stage moves this many more pods (or this much more of replicas) to the new revision. */
  readonly step: StageSize;
}

/** Options of `RolloutPlan.exponential()`. */
export interface ExponentialPlanOptions {
  /** Each stage multiplies the number of pods on the new revision by this factor (> 1). */
  readonly factor: number;

  /**
   * The first stage.
   * @default StageSize.pods(1)
   */
  readonly start?: StageSize;
}

/** A stage resolved against a replica count: what the controller does when it is active. */
export interface ResolvedStage {
  /** Position in the plan: 0 is hold. */
  readonly index: number;
  /** The stage name. */
  readonly name: string;
  /** The stage directory under the rollout root, `stages/<NN>-<name>`. */
  readonly directory: string;
  /** `spec.updateStrategy.rollingUpdate.partition` while this stage is active. */
  readonly partition: number;
  /** The ordinals that run the new revision once the stage has converged, lowest first. */
  readonly updatedOrdinals: number[];
  /** What the user asked for: `hold`, `3 pods`, `25%`, `complete`. */
  readonly size: string;
}

type Generator = (replicas: number) => StageDefinition[];

/**
 * An ordered list of stages from *hold* (every pod on the old revision) to *complete* (partition 0).
 *
 * The plan adds `hold` first and `complete` last; the stages in between come from `fromStages()` or a
 * generator. Resolving it against a replica count gives each stage its partition: `replicas - pods`,
 * hold is `RolloutPlan.HOLD_PARTITION`, complete is 0. Partitions must strictly decrease: a stage that
 * resolves to the same partition as its neighbour, or a name used twice, is an error. Generated plans
 * drop the stages that resolve to the same pod count as the stage before them instead.
 */
export class RolloutPlan {
  /**
   * The hold stage's partition: the int32 maximum, which keeps every pod on the old revision even when
   * replicas grow (`partition = replicas` does not: a scale-up creates the new ordinals at the new
   * revision).
   */
  public static readonly HOLD_PARTITION = HOLD_PARTITION;

  /** A staged update with no canary: hold, then complete (seed 000's "hold" update). */
  public static staged(): RolloutPlan {
    return new RolloutPlan(() => [], false, 'staged');
  }

  /**
   * Explicit stages between hold and complete.
   * @param stages at least one; pod counts must strictly grow
   */
  public static fromStages(stages: StageDefinition[]): RolloutPlan {
    if (!Array.isArray(stages) || stages.length === 0) {
      throw new Error(`stages (${show(stages)}) must list at least one stage between hold and complete; use RolloutPlan.staged() for hold then complete`);
    }
    if (stages.length > MAX_STAGES) {
      throw new Error(`stages (${stages.length} stages) must list at most ${MAX_STAGES} stages between hold and complete`);
    }
    const copy = stages.map(s => ({ name: s.name, size: s.size }));
    for (const [i, stage] of copy.entries()) {
      checkDnsLabel(`stages[${i}].name`, stage.name);
      if (!(stage.size instanceof StageSize)) {
        throw new Error(`stages[${i}].size (${show(stage.size)}) must be a StageSize such as StageSize.pods(1) or StageSize.percent(25)`);
      }
    }
    return new RolloutPlan(() => copy, false, 'stages');
  }

  /** A canary: one stage named `canary` (1 pod by default), then the widening steps (50% by default). */
  public static canary(options: CanaryPlanOptions = {}): RolloutPlan {
    const first = options.canary ?? StageSize.pods(1);
    const steps = options.steps ?? [StageSize.percent(50)];
    const stages = [{ name: 'canary', size: first }, ...steps.map(size => ({ name: size.toStageName(), size }))];
    return new RolloutPlan(() => stages, true, 'canary');
  }

  /** Stages that grow by a fixed step: `step`, `2 x step`, ... until every pod is updated. */
  public static linear(options: LinearPlanOptions): RolloutPlan {
    const step = options.step;
    return new RolloutPlan((replicas) => {
      const out: StageDefinition[] = [];
      for (let k = 1; ; k++) {
        const size = step.isPercent ? percentOrUndefined(step.value * k) : StageSize.pods(step.value * k);
        if (size === undefined || size.resolve(replicas) >= replicas) {
          return out;
        }
        out.push({ name: size.toStageName(), size });
      }
    }, true, 'linear');
  }

  /** Stages that grow geometrically: `start`, `start x factor`, ... until every pod is updated. */
  public static exponential(options: ExponentialPlanOptions): RolloutPlan {
    if (typeof options.factor !== 'number' || !Number.isFinite(options.factor) || options.factor <= 1) {
      throw new Error(`factor (${show(options.factor)}) must be a number greater than 1`);
    }
    const start = options.start ?? StageSize.pods(1);
    return new RolloutPlan((replicas) => {
      // the steps from start to every pod, known before any is taken: a factor near 1 would take millions
      const target = start.isPercent ? 100 : replicas;
      const steps = start.value > 0 && target > start.value ? Math.ceil(Math.log(target / start.value) / Math.log(options.factor)) : 0;
      if (steps > MAX_PLAN_STEPS) {
        throw new Error(`factor (${show(options.factor)}) grows too slowly: ${steps} steps from ${start.toString()} to every pod of ${replicas}, more than ${MAX_PLAN_STEPS}; use a larger factor (a plan has at most ${MAX_STAGES} stages between hold and complete)`);
      }
      const out: StageDefinition[] = [];
      for (let value = start.value; ; value *= options.factor) {
        const size = start.isPercent
          ? percentOrUndefined(Math.round(value * 100) / 100)
          : StageSize.pods(Math.ceil(value));
        if (size === undefined || size.resolve(replicas) >= replicas) {
          return out;
        }
        out.push({ name: size.toStageName(), size });
      }
    }, true, 'exponential');
  }

  /** The stages of each `resolve(replicas, ordinalsStart)` made so far. */
  private readonly resolved = new Map<string, ResolvedStage[]>();

  private constructor(
    private readonly generate: Generator,
    private readonly dropRepeats: boolean,
    /** `staged`, `stages`, `canary`, `linear` or `exponential`. */
    public readonly kind: string,
  ) {}

  /**
   * Resolve every stage against a replica count.
   * @param replicas the StatefulSet's replicas
   * @param ordinalsStart `spec.ordinals.start`
   */
  public resolve(replicas: number, ordinalsStart: number = 0): ResolvedStage[] {
    checkInteger('replicas', replicas, 0, MAX_REPLICAS);
    checkInteger('ordinals.start', ordinalsStart, 0);
    // a fleet shares one plan and one replica count: each resolution once; every caller gets its own
    // copies (not frozen ones: the jsii runtime tags the objects it returns to another language)
    const key = `${replicas}/${ordinalsStart}`;
    let resolved = this.resolved.get(key);
    if (resolved === undefined) {
      resolved = this.resolveOnce(replicas, ordinalsStart);
      this.resolved.set(key, resolved);
    }
    return resolved.map(s => ({ ...s, updatedOrdinals: [...s.updatedOrdinals] }));
  }

  private resolveOnce(replicas: number, ordinalsStart: number): ResolvedStage[] {
    const middle = this.generate(replicas).map(s => ({ name: s.name, size: s.size, pods: s.size.resolve(replicas) }));
    const wanted = [
      { name: 'hold', size: 'hold', pods: 0, partition: HOLD_PARTITION },
      ...middle.map(s => ({ name: s.name, size: s.size.toString(), pods: s.pods, partition: partitionForUpdated(replicas, s.pods) })),
      { name: 'complete', size: 'complete', pods: replicas, partition: 0 },
    ];
    const kept = this.dropRepeats
      ? wanted.filter((s, i) => i === 0 || i === wanted.length - 1 || (s.pods > wanted[i - 1].pods && s.pods < replicas))
      : wanted;

    if (kept.length > MAX_STAGES + 2) {
      throw new Error(`the plan (${this.kind}) has ${kept.length - 2} stages between hold and complete at ${replicas} replicas: at most ${MAX_STAGES} are allowed; use larger steps`);
    }
    const seen = new Map<string, number>();
    for (const [i, stage] of kept.entries()) {
      const before = seen.get(stage.name);
      if (before !== undefined) {
        throw new Error(`stage name (${show(stage.name)}) is used twice, by stages ${before} and ${i}: stage names must be unique, and "hold" and "complete" are the plan's own first and last stages`);
      }
      seen.set(stage.name, i);
      if (i === 0) {
        continue;
      }
      const prev = kept[i - 1];
      if (stage.partition >= prev.partition) {
        const same = stage.partition === prev.partition ? 'the same partition as' : 'a partition no lower than';
        throw new Error(`stage ${show(stage.name)} (${stage.size}) resolves to partition ${stage.partition} (${Math.max(0, replicas - stage.partition)} of ${replicas} pods on the new revision), ${same} stage ${show(prev.name)} (${prev.partition}): partitions must strictly decrease from hold to complete`);
      }
      if (i < kept.length - 1 && (stage.partition <= 0 || stage.partition >= replicas)) {
        throw new Error(`stage ${show(stage.name)} (${stage.size}) resolves to ${stage.pods} of ${replicas} pods on the new revision: a stage between hold and complete must update at least 1 and at most replicas - 1 (${replicas - 1}) pods`);
      }
    }
    return kept.map((s, index) => ({
      index,
      name: s.name,
      directory: stageDirectory(index, kept.length, s.name),
      partition: s.partition,
      updatedOrdinals: updatedOrdinals(replicas, s.partition, ordinalsStart),
      size: s.size,
    }));
  }
}

/** `stages/<NN>-<name>`: the index padded to the width of the last one, at least two digits. */
export function stageDirectory(index: number, stageCount: number, name: string): string {
  const width = Math.max(2, String(stageCount - 1).length);
  return `stages/${String(index).padStart(width, '0')}-${name}`;
}

function percentOrUndefined(value: number): StageSize | undefined {
  return value >= 100 ? undefined : StageSize.percent(value);
}
