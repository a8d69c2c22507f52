import { expandReserved, PrioritySpec } from '../../core/kruise-preview';
import { MAX_RESERVED_ORDINALS } from '../../core/limits';
import { checkInteger, checkLabelKey, checkLabels, show } from '../../core/validation';
import { PercentOrAbsolute } from '../shared/percent-or-absolute';
import { PodManagementPolicy } from '../shared/types';

/** `rollingUpdate.podUpdatePolicy` of an Advanced StatefulSet. */
export enum KruisePodUpdatePolicy {
  /** Delete and recreate the pod (the Kruise default). */
  RECREATE = 'ReCreate',
  /** Update in place when only the image (or metadata) changed, else recreate. */
  IN_PLACE_IF_POSSIBLE = 'InPlaceIfPossible',
  /** Update in place only; other changes are refused. */
  IN_PLACE_ONLY = 'InPlaceOnly',
}

/** A term of weightPriority: pods whose labels match get `weight` added to their priority. */
export interface WeightPriorityTerm {
  /** The weight, 0 to 100. */
  readonly weight: number;
  /** The labels a pod must have (a non-empty selector). */
  readonly matchLabels: { [key: string]: string };
}

/** `unorderedUpdate.priorityStrategy`: which pods the controller updates first. */
export class UpdatePriority {
  /**
   * weightPriority: a pod's priority is the sum of the weights of the terms that match it; higher first,
   * ties by descending ordinal.
   */
  public static weight(terms: WeightPriorityTerm[]): UpdatePriority {
    if (!Array.isArray(terms) || terms.length === 0) {
      throw new Error(`priority weight terms (${show(terms)}) must list at least one term`);
    }
    terms.forEach((t, i) => {
      checkInteger(`priority.weight[${i}].weight`, t.weight, 0, 100);
      if (!t.matchLabels || Object.keys(t.matchLabels).length === 0) {
        throw new Error(`priority.weight[${i}].matchLabels (${show(t.matchLabels)}) must not be empty: Kruise refuses an empty selector`);
      }
      checkLabels(`priority.weight[${i}].matchLabels`, t.matchLabels);
    });
    return new UpdatePriority({ weight: terms.map(t => ({ weight: t.weight, selector: { matchLabels: { ...t.matchLabels } } })) });
  }

  /**
   * orderPriority: pods are ordered by the first of these label keys they have (pods with none of them
   * first), then by the integer at the end of the label's value, higher first.
   */
  public static order(orderedKeys: string[]): UpdatePriority {
    if (!Array.isArray(orderedKeys) || orderedKeys.length === 0) {
      throw new Error(`priority orderedKeys (${show(orderedKeys)}) must list at least one label key`);
    }
    orderedKeys.forEach((k, i) => {
      if (typeof k !== 'string' || k === '') throw new Error(`priority.order[${i}] (${show(k)}) must be a non-empty label key`);
      checkLabelKey(`priority.order[${i}]`, k);
    });
    return new UpdatePriority({ order: [...orderedKeys] });
  }

  private constructor(private readonly spec: PrioritySpec) {}

  /** @internal */
  public _spec(): PrioritySpec {
    return this.spec;
  }
}

/** Labels a pod carries at run time, declared for the preview of which pods update first. */
export interface PodLabelsPreview {
  /** The pod's ordinal. */
  readonly ordinal: number;
  /** Its labels beside the template's (such as `working: 'true'`). */
  readonly labels: { [key: string]: string };
}

/** Options of the OpenKruise backend. */
export interface KruiseOptions {
  /**
   * Which pods update first (`unorderedUpdate.priorityStrategy`). Needs podManagementPolicy Parallel.
   * @default - no priority: highest ordinal first, as apps/v1
   */
  readonly priority?: UpdatePriority;
  /**
   * Emit `unorderedUpdate` (needs podManagementPolicy Parallel).
   * @default - true when `priority` is set, else false
   */
  readonly unorderedUpdate?: boolean;
  /**
   * How a pod is updated.
   * @default - not emitted (Kruise: ReCreate)
   */
  readonly podUpdatePolicy?: KruisePodUpdatePolicy;
  /**
   * Seconds between marking a pod not-ready and updating it in place (`inPlaceUpdateStrategy`). Only with
   * an in-place podUpdatePolicy.
   * @default - not emitted (0)
   */
  readonly inPlaceGracePeriodSeconds?: number;
  /**
   * Pause the rolling update.
   * @default - not emitted (false)
   */
  readonly paused?: boolean;
  /**
   * Ordinals to skip, as numbers or ranges: `['1', '5-7']`.
   * @default - none
   */
  readonly reserveOrdinals?: string[];
  /**
   * `rollingUpdate.minReadySeconds`, 0 to 300.
   * @default - not emitted (0)
   */
  readonly minReadySeconds?: number;
  /**
   * Pod labels set at run time (for example by an arbiter), used only to preview which pods each stage
   * updates under the priority strategy. Not emitted.
   * @default - the template labels only
   */
  readonly previewPodLabels?: PodLabelsPreview[];
}

/** The workload kind a StatefulApp emits. */
export class StatefulSetBackend {
  /** `apps/v1` StatefulSet (the default). */
  public static native(): StatefulSetBackend {
    return new StatefulSetBackend(undefined);
  }

  /** OpenKruise Advanced StatefulSet, `apps.kruise.io/v1beta1`. */
  public static kruise(options: KruiseOptions = {}): StatefulSetBackend {
    if (options.inPlaceGracePeriodSeconds !== undefined) {
      checkInteger('kruise.inPlaceGracePeriodSeconds', options.inPlaceGracePeriodSeconds, 0);
    }
    if (options.minReadySeconds !== undefined) {
      checkInteger('kruise.minReadySeconds', options.minReadySeconds, 0, 300);
    }
    if (options.podUpdatePolicy !== undefined && !Object.values(KruisePodUpdatePolicy).includes(options.podUpdatePolicy)) {
      throw new Error(`kruise.podUpdatePolicy (${show(options.podUpdatePolicy)}) must be one of ${Object.values(KruisePodUpdatePolicy).map(v => JSON.stringify(v)).join(', ')}`);
    }
    if (options.inPlaceGracePeriodSeconds !== undefined && !isInPlace(options.podUpdatePolicy)) {
      throw new Error(`kruise.inPlaceGracePeriodSeconds (${options.inPlaceGracePeriodSeconds}) needs podUpdatePolicy InPlaceIfPossible or InPlaceOnly (got ${show(options.podUpdatePolicy ?? 'ReCreate')})`);
    }
    let reserved = 0;
    (options.reserveOrdinals ?? []).forEach((r, i) => {
      const range = typeof r === 'string' ? /^(\d{1,10})-(\d{1,10})$/.exec(r) : null;
      const ok = typeof r === 'string' && ((/^\d{1,10}$/.test(r) && Number(r) <= 2147483647) ||
        (range !== null && Number(range[1]) <= Number(range[2]) && Number(range[2]) <= 2147483647));
      if (!ok) {
        throw new Error(`kruise.reserveOrdinals[${i}] (${show(r)}) must be an ordinal such as "3" or a range "a-b" with a <= b, at most 2147483647`);
      }
      reserved += range ? Number(range[2]) - Number(range[1]) + 1 : 1;
      if (reserved > MAX_RESERVED_ORDINALS) {
        throw new Error(`kruise.reserveOrdinals (${show(options.reserveOrdinals)}) reserves more than ${MAX_RESERVED_ORDINALS} ordinals`);
      }
    });
    (options.previewPodLabels ?? []).forEach((p, i) => {
      checkInteger(`kruise.previewPodLabels[${i}].ordinal`, p.ordinal, 0);
      checkLabels(`kruise.previewPodLabels[${i}].labels`, p.labels);
    });
    if (options.unorderedUpdate === false && options.priority !== undefined) {
      throw new Error('kruise.unorderedUpdate (false) cannot be combined with a priority: the priority strategy lives in unorderedUpdate');
    }
    return new StatefulSetBackend({ ...options });
  }

  private constructor(private readonly kruiseOptions: KruiseOptions | undefined) {}

  /** True for the OpenKruise backend. */
  public get isKruise(): boolean {
    return this.kruiseOptions !== undefined;
  }

  /** @internal */
  public _kruise(): KruiseOptions | undefined {
    return this.kruiseOptions;
  }
}

/** True for the in-place pod update policies, which need the InPlaceUpdateReady readiness gate. */
export function isInPlace(policy?: KruisePodUpdatePolicy): boolean {
  return policy === KruisePodUpdatePolicy.IN_PLACE_IF_POSSIBLE || policy === KruisePodUpdatePolicy.IN_PLACE_ONLY;
}

/** Cross-field rules of Kruise's validating webhook that involve the app's own props. */
export function checkKruiseAgainstApp(options: KruiseOptions, podManagementPolicy: PodManagementPolicy | undefined, maxUnavailable: PercentOrAbsolute | undefined): void {
  const unordered = options.unorderedUpdate ?? options.priority !== undefined;
  const policy = podManagementPolicy ?? PodManagementPolicy.ORDERED_READY;
  if (unordered && policy !== PodManagementPolicy.PARALLEL) {
    const what = options.priority ? `${options.priority._spec().weight ? 'weightPriority' : 'orderPriority'} (unorderedUpdate)` : 'unorderedUpdate';
    throw new Error(`kruise.priority ${what} needs podManagementPolicy Parallel (got ${show(policy)}): Kruise's webhook refuses unorderedUpdate otherwise`);
  }
  if (maxUnavailable !== undefined && policy !== PodManagementPolicy.PARALLEL && (maxUnavailable.isPercent || maxUnavailable.value !== 1)) {
    throw new Error(`updateStrategy.rollingUpdate.maxUnavailable (${maxUnavailable.toString()}) needs podManagementPolicy Parallel unless it is 1 (got ${show(policy)}): Kruise's webhook refuses it otherwise`);
  }
}

/** The reserved ordinals of the options, expanded. */
export function reservedOrdinals(options: KruiseOptions): number[] {
  return expandReserved(options.reserveOrdinals ?? []);
}
